/* fileutil.h: reading whole files and building paths below the test root. */
#pragma once
#include <stddef.h>

/* Reads the file at path (at most max bytes, else -EFBIG) into a NUL-terminated malloc'd
 * buffer: 0 and *ret_buf, *ret_len on success, or -errno. Does not log. */
int read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);

/* Writes root (may be NULL or "") followed by path into buf: 0, or -ENAMETOOLONG. */
int root_path(char *buf, size_t size, const char *root, const char *path);
