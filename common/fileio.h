/* fileio.h: the one way both programs read a whole file and write a buffer out. */
#pragma once
#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

/* The error of open_regular for anything that is not a regular file (a FIFO, a device, a
 * directory, a symlink under O_NOFOLLOW). No open(2) of a regular file gives it;
 * errno_reason() says "not a regular file". */
#define ENOTREGULAR EMEDIUMTYPE

/* Opens path with flags (open(2): O_CLOEXEC and O_NOCTTY added; O_NOFOLLOW for files in
 * shared directories) only when it is a regular file, without ever blocking or acting on
 * anything else: the fd, blocking as usual, or -errno (-ENOTREGULAR). */
int open_regular(const char *path, int flags, mode_t mode);

/* Reads the regular file at path (at most max bytes, else -EFBIG, never buffering more than
 * max + 1) into a NUL-terminated malloc'd buffer: 0 and *ret_buf, *ret_len (may be NULL), or
 * -errno (-ENOTREGULAR, see open_regular). Does not log. */
int read_file_limited(const char *path, size_t max, char **ret_buf, size_t *ret_len);

/* Writes all len bytes of data to fd, retrying short writes and EINTR. 0 or -errno. */
int write_all(int fd, const void *data, size_t len);
