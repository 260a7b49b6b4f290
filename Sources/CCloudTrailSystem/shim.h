#ifndef CCLOUDTRAIL_SYSTEM_SHIM_H
#define CCLOUDTRAIL_SYSTEM_SHIM_H

// Extended attributes, where `rclone copy --metadata` keeps S3 object metadata.
// Glibc's Swift module does not export <sys/xattr.h>.
#include <sys/types.h>
#include <sys/xattr.h>

#endif
