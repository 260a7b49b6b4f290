#ifndef CCLOUDTRAIL_LIBDEFLATE_SHIM_H
#define CCLOUDTRAIL_LIBDEFLATE_SHIM_H

// libdeflate's whole-buffer raw DEFLATE decompressor and CRC-32 (Debian/Ubuntu: libdeflate-dev).
// Only built with the LIBDEFLATE package trait.
#include <libdeflate.h>

#endif
