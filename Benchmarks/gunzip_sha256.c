/*
 * gunzip_sha256: the plain-C limit for cloudtrail-verify's log hashing.
 *
 *   gunzip_sha256 [-t THREADS] [-e zlib|isal|libdeflate] [-b BUFFER_BYTES] [-v] LISTFILE
 *
 * LISTFILE holds one path per line (gzip files). THREADS workers (pthreads) take the next file from a shared
 * counter, read it with read(2) into a BUFFER_BYTES buffer (default 256 KiB, as LogFileHasher), inflate it and
 * feed every inflated piece to OpenSSL EVP SHA-256 -- the same work cloudtrail-verify does per log file.
 *
 *   zlib        inflateInit2(15 + 16), streaming (what cloudtrail-verify uses)      always built
 *   isal        ISA-L isal_inflate with ISAL_GZIP, streaming                      built with -DHAVE_ISAL
 *   libdeflate  libdeflate_gzip_decompress, whole file in memory (NOT streaming:   built with -DHAVE_LIBDEFLATE
 *               a ceiling for reference; it needs the whole inflated file in RAM)
 *
 * Prints one JSON line: files, compressed and uncompressed bytes, seconds (wall), MB/s of uncompressed bytes
 * (1 MB = 10^6 bytes), and an XOR of all SHA-256 values (so the inflaters can be checked against each other).
 * With -v also prints "sha256  path" per file on stderr. Exit 1 if any file fails to inflate.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif
#ifdef HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

enum engine { ZLIB, ISAL, LIBDEFLATE };

static char **paths;
static size_t path_count;
static atomic_size_t next_file;
static enum engine engine = ZLIB;
static size_t buffer_bytes = 256 * 1024;
static int verbose;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

struct worker {
    pthread_t thread;
    uint64_t compressed, uncompressed;
    unsigned char xor_hash[32];
    int failures;
};

/* Clears the upper halves of the YMM registers before OpenSSL's SHA-256, as cloudtrail-verify's MessageDigest does.
 * igzip returns with them in use, and OpenSSL's SHA-NI code is legacy-SSE encoded: on Intel CPUs since Skylake every
 * SSE instruction then carries a false dependency, and SHA-256 costs about 25% more CPU (docs/performance.md, "The
 * AVX upper-state penalty"). Without this the ISA-L row would measure that penalty, not the limit. Set
 * GUNZIP_SHA256_KEEP_UPPER=1 to measure with it. */
static int clear_upper;
static void sha_update(EVP_MD_CTX *md, const void *data, size_t count) {
#if defined(__x86_64__)
    if (clear_upper) __asm__ volatile("vzeroupper");
#endif
    EVP_DigestUpdate(md, data, count);
}

static ssize_t read_full(int fd, unsigned char *buf, size_t n) {
    for (;;) {
        ssize_t r = read(fd, buf, n);
        if (r >= 0 || errno != EINTR) return r;
    }
}

static int hash_zlib(int fd, unsigned char *in, unsigned char *out, z_stream *z, EVP_MD_CTX *md,
                     uint64_t *cin, uint64_t *cout) {
    if (inflateReset2(z, 15 + 16) != Z_OK) return -1;
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        ssize_t n = read_full(fd, in, buffer_bytes);
        if (n <= 0) return -1;
        *cin += (uint64_t)n;
        z->next_in = in;
        z->avail_in = (uInt)n;
        do {
            z->next_out = out;
            z->avail_out = (uInt)buffer_bytes;
            status = inflate(z, Z_NO_FLUSH);
            if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) return -1;
            size_t produced = buffer_bytes - z->avail_out;
            sha_update(md, out, produced);
            *cout += produced;
        } while (status != Z_STREAM_END && (z->avail_in > 0 || z->avail_out == 0));
    }
    return 0;
}

#ifdef HAVE_ISAL
static int hash_isal(int fd, unsigned char *in, unsigned char *out, struct inflate_state *st, EVP_MD_CTX *md,
                     uint64_t *cin, uint64_t *cout) {
    isal_inflate_init(st);
    st->crc_flag = ISAL_GZIP;
    while (st->block_state != ISAL_BLOCK_FINISH) {
        ssize_t n = read_full(fd, in, buffer_bytes);
        if (n <= 0) return -1;
        *cin += (uint64_t)n;
        st->next_in = in;
        st->avail_in = (uint32_t)n;
        do {
            st->next_out = out;
            st->avail_out = (uint32_t)buffer_bytes;
            int ret = isal_inflate(st);
            if (ret != ISAL_DECOMP_OK) return -1;
            size_t produced = buffer_bytes - st->avail_out;
            sha_update(md, out, produced);
            *cout += produced;
        } while (st->block_state != ISAL_BLOCK_FINISH && (st->avail_in > 0 || st->avail_out == 0));
    }
    return 0;
}
#endif

#ifdef HAVE_LIBDEFLATE
static int hash_libdeflate(int fd, struct libdeflate_decompressor *d, EVP_MD_CTX *md, uint64_t *cin, uint64_t *cout,
                           unsigned char **inbuf, size_t *incap, unsigned char **outbuf, size_t *outcap) {
    size_t have = 0;
    for (;;) {
        if (have == *incap) { *incap = *incap ? *incap * 2 : (1 << 20); *inbuf = realloc(*inbuf, *incap); }
        ssize_t n = read_full(fd, *inbuf + have, *incap - have);
        if (n < 0) return -1;
        if (n == 0) break;
        have += (size_t)n;
    }
    *cin += have;
    if (have < 18) return -1;
    uint32_t isize;
    memcpy(&isize, *inbuf + have - 4, 4);
    size_t want = isize ? isize : 1;
    for (;;) {
        if (*outcap < want) { *outcap = want; *outbuf = realloc(*outbuf, *outcap); }
        size_t actual = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress(d, *inbuf, have, *outbuf, *outcap, &actual);
        if (r == LIBDEFLATE_SUCCESS) {
            sha_update(md, *outbuf, actual);
            *cout += actual;
            return 0;
        }
        if (r != LIBDEFLATE_INSUFFICIENT_SPACE) return -1;
        want = *outcap * 2 + ((size_t)1 << 32);  /* ISIZE wrapped (> 4 GiB) */
    }
}
#endif

static void *work(void *arg) {
    struct worker *w = arg;
    unsigned char *in = malloc(buffer_bytes), *out = malloc(buffer_bytes);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK) abort();
#ifdef HAVE_ISAL
    struct inflate_state *st = malloc(sizeof *st);
#endif
#ifdef HAVE_LIBDEFLATE
    struct libdeflate_decompressor *ld = libdeflate_alloc_decompressor();
    unsigned char *ldin = NULL, *ldout = NULL;
    size_t ldincap = 0, ldoutcap = 0;
#endif
    for (;;) {
        size_t i = atomic_fetch_add(&next_file, 1);
        if (i >= path_count) break;
        int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) { w->failures++; fprintf(stderr, "cannot open %s\n", paths[i]); continue; }
        EVP_DigestInit_ex(md, EVP_sha256(), NULL);
        int rc = -1;
        if (engine == ZLIB) rc = hash_zlib(fd, in, out, &z, md, &w->compressed, &w->uncompressed);
#ifdef HAVE_ISAL
        if (engine == ISAL) rc = hash_isal(fd, in, out, st, md, &w->compressed, &w->uncompressed);
#endif
#ifdef HAVE_LIBDEFLATE
        if (engine == LIBDEFLATE)
            rc = hash_libdeflate(fd, ld, md, &w->compressed, &w->uncompressed, &ldin, &ldincap, &ldout, &ldoutcap);
#endif
        close(fd);
        unsigned char h[32];
        unsigned int hl = 32;
        EVP_DigestFinal_ex(md, h, &hl);
        if (rc != 0) { w->failures++; fprintf(stderr, "cannot inflate %s\n", paths[i]); continue; }
        for (int k = 0; k < 32; k++) w->xor_hash[k] ^= h[k];
        if (verbose) {
            pthread_mutex_lock(&out_lock);
            for (int k = 0; k < 32; k++) fprintf(stderr, "%02x", h[k]);
            fprintf(stderr, "  %s\n", paths[i]);
            pthread_mutex_unlock(&out_lock);
        }
    }
    inflateEnd(&z);
    EVP_MD_CTX_free(md);
    free(in);
    free(out);
#ifdef HAVE_ISAL
    free(st);
#endif
#ifdef HAVE_LIBDEFLATE
    libdeflate_free_decompressor(ld);
    free(ldin);
    free(ldout);
#endif
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void) {
    fprintf(stderr, "usage: gunzip_sha256 [-t THREADS] [-e zlib"
#ifdef HAVE_ISAL
                    "|isal"
#endif
#ifdef HAVE_LIBDEFLATE
                    "|libdeflate"
#endif
                    "] [-b BUFFER_BYTES] [-v] LISTFILE\n");
    exit(2);
}

int main(int argc, char **argv) {
    int threads = 1, opt;
    const char *engine_name = "zlib";
    while ((opt = getopt(argc, argv, "t:e:b:v")) != -1) {
        switch (opt) {
        case 't': threads = atoi(optarg); break;
        case 'e': engine_name = optarg; break;
        case 'b': buffer_bytes = (size_t)strtoull(optarg, NULL, 10); break;
        case 'v': verbose = 1; break;
        default: usage();
        }
    }
    if (optind != argc - 1 || threads < 1 || buffer_bytes < 1024) usage();
#if defined(__x86_64__)
    __builtin_cpu_init();
    clear_upper = __builtin_cpu_supports("avx") && !getenv("GUNZIP_SHA256_KEEP_UPPER");
#endif
    if (!strcmp(engine_name, "zlib")) engine = ZLIB;
#ifdef HAVE_ISAL
    else if (!strcmp(engine_name, "isal")) engine = ISAL;
#endif
#ifdef HAVE_LIBDEFLATE
    else if (!strcmp(engine_name, "libdeflate")) engine = LIBDEFLATE;
#endif
    else { fprintf(stderr, "inflater %s not built in\n", engine_name); return 2; }

    FILE *list = fopen(argv[optind], "r");
    if (!list) { perror(argv[optind]); return 2; }
    size_t cap = 1024;
    paths = malloc(cap * sizeof *paths);
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    while ((len = getline(&line, &linecap, list)) > 0) {
        if (line[len - 1] == '\n') line[--len] = 0;
        if (!len) continue;
        if (path_count == cap) paths = realloc(paths, (cap *= 2) * sizeof *paths);
        paths[path_count++] = strdup(line);
    }
    fclose(list);

    struct worker *workers = calloc((size_t)threads, sizeof *workers);
    double start = now();
    for (int i = 0; i < threads; i++) pthread_create(&workers[i].thread, NULL, work, &workers[i]);
    uint64_t cin = 0, cout = 0;
    int failures = 0;
    unsigned char x[32] = {0};
    for (int i = 0; i < threads; i++) {
        pthread_join(workers[i].thread, NULL);
        cin += workers[i].compressed;
        cout += workers[i].uncompressed;
        failures += workers[i].failures;
        for (int k = 0; k < 32; k++) x[k] ^= workers[i].xor_hash[k];
    }
    double seconds = now() - start;
    printf("{\"inflater\": \"%s\", \"threads\": %d, \"files\": %zu, \"failures\": %d, \"compressedBytes\": %llu, "
           "\"uncompressedBytes\": %llu, \"seconds\": %.4f, \"mbPerSecond\": %.1f, \"xorSha256\": \"",
           engine_name, threads, path_count, failures, (unsigned long long)cin, (unsigned long long)cout, seconds,
           (double)cout / 1e6 / seconds);
    for (int k = 0; k < 32; k++) printf("%02x", x[k]);
    printf("\"}\n");
    return failures ? 1 : 0;
}
