/*
 * sha256_interleave.c: how much faster SHA-256 could be with two streams interleaved on SHA-NI.
 *
 *   cc -O3 -march=native Benchmarks/sha256_interleave.c -o Benchmarks/.work/sha256_interleave -lcrypto
 *   Benchmarks/.work/sha256_interleave [MB per stream, default 256]
 *
 * A measurement for docs/performance.md ("Against the goals"), not code the tool uses: cloudtrail-verify hashes with
 * OpenSSL. OpenSSL's SHA-NI routine hashes one stream at a time, and each sha256rnds2 waits for the one before it.
 * Here the same rounds run for two independent buffers in one loop, so the CPU can overlap the two chains. The
 * program checks both digests against OpenSSL's, then times, on one core:
 *   openssl  EVP SHA-256 over buffer A, then over buffer B (what the tool does, one log after another)
 *   1-way    this file's rounds, one buffer at a time (to show it is no faster than OpenSSL's alone)
 *   2-way    this file's rounds, A and B interleaved
 * and prints MB/s of input for each (1 MB = 10^6 bytes). Buffer lengths are whole 64-byte blocks; padding is added
 * for the check only.
 */
#include <immintrin.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* State in SHA-NI's layout: ABEF and CDGH. */
typedef struct { __m128i abef, cdgh; } state;

static state load_state(const uint32_t h[8]) {
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);   /* CDAB */
    __m128i u = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B);   /* EFGH */
    return (state){ _mm_alignr_epi8(t, u, 8), _mm_blend_epi16(u, t, 0xF0) };
}

static void store_state(state s, uint32_t h[8]) {
    __m128i t = _mm_shuffle_epi32(s.abef, 0x1B);   /* FEBA */
    __m128i u = _mm_shuffle_epi32(s.cdgh, 0xB1);   /* DCHG */
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, u, 0xF0));   /* DCBA */
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(u, t, 8));      /* HGFE */
}

#define ROUNDS4(s, w, i) do { \
        __m128i mk = _mm_add_epi32((w), _mm_loadu_si128((const __m128i *)&K[4 * (i)])); \
        (s).cdgh = _mm_sha256rnds2_epu32((s).cdgh, (s).abef, mk); \
        (s).abef = _mm_sha256rnds2_epu32((s).abef, (s).cdgh, _mm_shuffle_epi32(mk, 0x0E)); \
    } while (0)
/* W[i] for i >= 4 (groups of 4 words): msg2(msg1(W[i-4], W[i-3]) + alignr(W[i-1], W[i-2], 4), W[i-1]). */
#define NEXT(w, i) (w)[(i)] = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((w)[(i) - 4], (w)[(i) - 3]), \
                                                     _mm_alignr_epi8((w)[(i) - 1], (w)[(i) - 2], 4)), (w)[(i) - 1])

static void blocks1(state *s, const uint8_t *p, size_t n) {
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    for (; n; n--, p += 64) {
        state saved = *s;
        __m128i w[16];
        for (int i = 0; i < 4; i++) w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), mask);
        for (int i = 4; i < 16; i++) NEXT(w, i);
        for (int i = 0; i < 16; i++) ROUNDS4(*s, w[i], i);
        s->abef = _mm_add_epi32(s->abef, saved.abef);
        s->cdgh = _mm_add_epi32(s->cdgh, saved.cdgh);
    }
}

static void blocks2(state *a, const uint8_t *pa, state *b, const uint8_t *pb, size_t n) {
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    for (; n; n--, pa += 64, pb += 64) {
        state sa = *a, sb = *b;
        __m128i wa[16], wb[16];
        for (int i = 0; i < 4; i++) {
            wa[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pa + 16 * i)), mask);
            wb[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pb + 16 * i)), mask);
        }
        for (int i = 4; i < 16; i++) { NEXT(wa, i); NEXT(wb, i); }
        for (int i = 0; i < 16; i++) { ROUNDS4(*a, wa[i], i); ROUNDS4(*b, wb[i], i); }
        a->abef = _mm_add_epi32(a->abef, sa.abef); a->cdgh = _mm_add_epi32(a->cdgh, sa.cdgh);
        b->abef = _mm_add_epi32(b->abef, sb.abef); b->cdgh = _mm_add_epi32(b->cdgh, sb.cdgh);
    }
}

/* SHA-256 of n whole blocks at p, padded here: the check against OpenSSL. */
static void finish(state s, uint64_t length, uint8_t out[32]) {
    uint8_t pad[64] = {0x80};
    for (int i = 0; i < 8; i++) pad[63 - i] = (uint8_t)((length * 8) >> (8 * i));
    blocks1(&s, pad, 1);
    uint32_t h[8];
    store_state(s, h);
    for (int i = 0; i < 8; i++) { out[4 * i] = h[i] >> 24; out[4 * i + 1] = h[i] >> 16; out[4 * i + 2] = h[i] >> 8; out[4 * i + 3] = h[i]; }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
    size_t len = mb * 1000000 / 64 * 64, blocks = len / 64;
    uint8_t *a = malloc(len), *b = malloc(len);
    for (size_t i = 0; i < len; i++) { a[i] = (uint8_t)(i * 131 + 7); b[i] = (uint8_t)(i * 197 + 3); }

    uint8_t want_a[32], want_b[32], got_a[32], got_b[32];
    unsigned int n = 32;
    double t0 = now();
    EVP_Digest(a, len, want_a, &n, EVP_sha256(), NULL);
    EVP_Digest(b, len, want_b, &n, EVP_sha256(), NULL);
    double openssl = now() - t0;

    state sa = load_state(H0), sb = load_state(H0);
    t0 = now();
    blocks1(&sa, a, blocks);
    blocks1(&sb, b, blocks);
    double one = now() - t0;
    finish(sa, len, got_a);
    finish(sb, len, got_b);
    if (memcmp(got_a, want_a, 32) || memcmp(got_b, want_b, 32)) { fprintf(stderr, "1-way digest differs from OpenSSL's\n"); return 1; }

    sa = load_state(H0); sb = load_state(H0);
    t0 = now();
    blocks2(&sa, a, &sb, b, blocks);
    double two = now() - t0;
    finish(sa, len, got_a);
    finish(sb, len, got_b);
    if (memcmp(got_a, want_a, 32) || memcmp(got_b, want_b, 32)) { fprintf(stderr, "2-way digest differs from OpenSSL's\n"); return 1; }

    double bytes = 2.0 * len;
    printf("{\"bytes\": %.0f, \"opensslMBps\": %.0f, \"oneWayMBps\": %.0f, \"twoWayMBps\": %.0f, \"twoWayVsOpenssl\": %.2f}\n",
           bytes, bytes / openssl / 1e6, bytes / one / 1e6, bytes / two / 1e6, openssl / two);
    return 0;
}
