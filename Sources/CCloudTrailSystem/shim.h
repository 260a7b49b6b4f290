#ifndef CCLOUDTRAIL_SYSTEM_SHIM_H
#define CCLOUDTRAIL_SYSTEM_SHIM_H

// Extended attributes, where `rclone copy --metadata` keeps S3 object metadata.
// Glibc's Swift module does not export <sys/xattr.h>.
#include <sys/types.h>
#include <sys/xattr.h>

#if defined(__linux__)
#include <errno.h>
#include <fcntl.h>
#include <sys/uio.h>
// preadv2 and RWF_NOWAIT are GNU extensions: the C library may have been seen without
// _GNU_SOURCE, so declare what is needed (glibc 2.26 and later, Linux 4.14 and later).
#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif
extern ssize_t preadv2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags);
#endif

/// Whether the first byte of `fd` is in the page cache: reads it with RWF_NOWAIT, which fails
/// with EAGAIN instead of waiting for the disk. 1 cached, 0 not cached, -1 cannot tell.
static inline int ct_first_byte_is_cached(int fd) {
#if defined(__linux__) && defined(RWF_NOWAIT)
    char byte;
    struct iovec vector = { &byte, 1 };
    ssize_t count = preadv2(fd, &vector, 1, 0, RWF_NOWAIT);
    if (count >= 0) return 1;
    return errno == EAGAIN ? 0 : -1;
#else
    (void)fd;
    return -1;
#endif
}

/// Starts reading the first `length` bytes of `fd` into the page cache without waiting (Linux only).
static inline void ct_will_need(int fd, long long length) {
#if defined(__linux__)
    (void)posix_fadvise(fd, 0, (off_t)length, POSIX_FADV_WILLNEED);
#else
    (void)fd; (void)length;
#endif
}

#include <fcntl.h>

/// Opens the folder at `path` only to open files in it by name (`openat`): O_PATH on Linux (no read access
/// needed; a GNU extension, hence the shim), a plain read-only open elsewhere. Never follows a link in the
/// last component; -1 with errno on failure.
static inline int ct_open_folder(const char *path) {
#if defined(__linux__)
#ifndef O_PATH
#define O_PATH 010000000
#endif
    return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
#else
    return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
#endif
}

#include <sys/resource.h>

/// The soft limit on open files of this process, or -1 when unknown or unlimited.
static inline long long ct_open_file_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
    return (long long)limit.rlim_cur;
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

/// Gives the pages of freed memory back to the system (glibc's malloc_trim). glibc keeps what a thread freed in
/// that thread's arena, so a large JSON document parsed on one worker thread would otherwise stay in the resident
/// set after it is gone; a few such documents on different threads would add up.
static inline void ct_release_free_memory(void) {
#if defined(__GLIBC__)
    (void)malloc_trim(0);
#endif
}

#endif
