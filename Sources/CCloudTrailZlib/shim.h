#ifndef CCLOUDTRAIL_ZLIB_SHIM_H
#define CCLOUDTRAIL_ZLIB_SHIM_H

#include <zlib.h>

// inflateInit2 is a function-like macro (it passes the library version and
// the struct size); Swift needs a real function to call.
static inline int ct_inflate_init2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif
