#ifndef CCLOUDTRAIL_ISAL_SHIM_H
#define CCLOUDTRAIL_ISAL_SHIM_H

// ISA-L's igzip inflate API (Debian/Ubuntu: libisal-dev). Only built with the ISAL package trait.
#include <isa-l/igzip_lib.h>

#endif
