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

#endif
