#ifndef CCLOUDTRAIL_OPENSSL_SHIM_H
#define CCLOUDTRAIL_OPENSSL_SHIM_H

// Only OpenSSL 3 APIs compile: deprecated RSA_* and friends are hidden.
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/crypto.h>

// OPENSSL_free is a function-like macro that Swift cannot call.
static inline void ct_openssl_free(void *pointer) {
    OPENSSL_free(pointer);
}

// OpenSSL's SHA-NI code for SHA-256 is encoded as legacy SSE. On Intel CPUs since Skylake, legacy SSE
// instructions run with a false dependency (and an extra blend) while the upper halves of the YMM registers
// are "dirty": left in use by AVX code that returned without VZEROUPPER. ISA-L's igzip is such code
// (measured with XGETBV(1): the state is dirty after isal_inflate), and once dirty the state stays so
// across every later call on that thread. SHA-256 then costs about 25% more CPU (measured on this
// project's benchmark, see docs/performance.md). Clearing the state before each hash update removes the
// penalty; it costs one instruction.

/// 1 when VZEROUPPER can run: an x86-64 CPU with AVX whose YMM state the OS saves (CPUID.1:ECX bits 27
/// OSXSAVE and 28 AVX, XCR0 bits 1-2). 0 elsewhere, where there is no upper state to clear.
static inline int ct_can_clear_upper_vector_state(void) {
#if defined(__x86_64__)
    unsigned int eax = 1, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    if (!(ecx & (1u << 27)) || !(ecx & (1u << 28))) return 0;
    unsigned int low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return (low & 6u) == 6u;
#else
    return 0;
#endif
}

/// VZEROUPPER. Only call when ct_can_clear_upper_vector_state() returned 1: elsewhere it is an invalid
/// instruction. The lower 128 bits of every vector register are kept.
static inline void ct_clear_upper_vector_state(void) {
#if defined(__x86_64__)
    __asm__ volatile("vzeroupper");
#endif
}

#endif
