/* growbuf.c: a byte buffer that doubles as text is appended (config values, child output). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"

int growbuf_append(struct growbuf *b, const char *data, size_t len, size_t max)
{
	if (len > max - b->len)
		return -E2BIG;
	if (b->size - b->len <= len) {
		size_t size = b->size ? b->size : 64;
		while (size - b->len <= len)
			size *= 2;
		char *n = realloc(b->data, size);
		if (!n)
			return -ENOMEM;
		b->data = n;
		b->size = size;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}
