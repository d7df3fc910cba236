/* mem_stream.h: bytes in memory as a cpio_reader stream that hands out at most step bytes a
 * read, so that the reader's buffering is exercised however the input is cut (header-only;
 * test_svc_initrd.c and tests/fuzz/fuzz_cpio.c). */
#pragma once
#include <stddef.h>
#include <string.h>
#include <sys/types.h>

struct mem {
	const void *d;
	size_t len, pos, step;
};

/* cpio_reader's read callback over a struct mem: at most step bytes, 0 at the end. */
static inline ssize_t mem_read(void *ctx, void *out, size_t n)
{
	struct mem *m = ctx;

	if (n > m->step)
		n = m->step;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(out, (const char *)m->d + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}
