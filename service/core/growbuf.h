/* growbuf.h: a byte buffer that grows as text is appended, always NUL-terminated (growbuf.c). */
#pragma once
#include <stddef.h>

struct growbuf {
	char *data; /* NULL until the first append; the caller frees it */
	size_t len, size;
};

/* Appends len bytes of data (a NUL kept after them). 0, -E2BIG when the content would pass max
 * bytes, or -ENOMEM. */
int growbuf_append(struct growbuf *b, const char *data, size_t len, size_t max);
