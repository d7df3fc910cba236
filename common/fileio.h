/* fileio.h: the one way both programs read a whole file and write a buffer out. */
#pragma once
#include <errno.h>
#include <stddef.h>

/* Returned (negated) for a path that names something else than a regular file: a FIFO, a
 * device, a directory, a socket. errno_reason() says "not a regular file". */
#define ERR_NOT_REGULAR (-EBADFD)

/* Opens path read-only when it is a regular file, never blocking on a FIFO or a device
 * (O_NONBLOCK until fstat says it is regular). flags may add O_NOFOLLOW. fd or -errno,
 * ERR_NOT_REGULAR for anything that is not a regular file. */
int open_regular(const char *path, int flags);

/* Reads the regular file at path (at most max bytes, else -EFBIG, never buffering more than
 * max + 1) into a NUL-terminated malloc'd buffer: 0 and *ret_buf, *ret_len (may be NULL), or
 * -errno (ERR_NOT_REGULAR, see open_regular). Does not log. */
int read_file_limited(const char *path, size_t max, char **ret_buf, size_t *ret_len);

/* Writes all len bytes of data to fd, retrying short writes and EINTR. 0 or -errno. */
int write_all(int fd, const void *data, size_t len);
