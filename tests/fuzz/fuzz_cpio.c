/* fuzz_cpio.c: the newc cpio reader (onboot_cpio.c) and the kernel's unpacking rules
 * (onboot_initrd.c) on any bytes, read in pieces of a size the first byte chooses. Checks what
 * they promise: offsets within the input, a whole entry name, matches only for present files,
 * and the same answers however the bytes are cut into reads. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/mem_stream.h"
#include "onboot_cpio.h"
#include "onboot_initrd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mem_skip(void *ctx, uint64_t n)
{
	struct mem *m = ctx;

	if (n > m->len - m->pos)
		return -EBADMSG;
	m->pos += (size_t)n;
	return 0;
}

static struct cpio_reader reader;

/* The wants after the model read data in pieces of step bytes; returns the feed's answer. */
static int run_model(const uint8_t *data, size_t size, size_t step, bool skip,
		     struct initrd_want *w, size_t n)
{
	struct mem m = {data, size, 0, step};
	struct initrd_model *im;
	int k;

	for (size_t i = 0; i < n; i++)
		w[i].present = w[i].matches = false;
	if (initrd_model_new(w, n, &im) < 0)
		abort();
	cpio_reader_init(&reader, mem_read, skip ? mem_skip : NULL, &m);
	k = initrd_model_feed(im, &reader);
	if (reader.offset > size)
		abort();
	if (k == CPIO_END || k == CPIO_OTHER)
		initrd_model_finish(im);
	initrd_model_free(im);
	return k;
}

/* Plain reader: every entry's name is a whole C string, bodies read to their end. */
static void run_reader(const uint8_t *data, size_t size, size_t step)
{
	struct mem m = {data, size, 0, step};
	struct cpio_entry e;
	char body[97];
	int k;

	cpio_reader_init(&reader, mem_read, NULL, &m);
	while ((k = cpio_next(&reader, &e)) == CPIO_ENTRY) {
		uint64_t got = 0;
		ssize_t n;

		if (strnlen(e.name, sizeof(e.name)) == sizeof(e.name) || !e.name[0])
			abort();
		while ((n = cpio_read_body(&reader, body, sizeof(body))) > 0)
			got += (uint64_t)n;
		if (n == 0 && got != e.size)
			abort();
		if (n < 0)
			return;
	}
	if (reader.offset > size || (k == CPIO_OTHER && reader.offset == size))
		abort();
	if (k == CPIO_END && reader.offset != size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initrd_want w[4] = {
	    {.path = "init"},
	    {.path = "a", .data = "AB", .len = 2},
	    {.path = "usr/lib/x.ko", .data = "KO\n", .len = 3},
	    {.path = "e", .data = "", .len = 0},
	};
	struct initrd_want again[4];
	size_t step;
	int k1, k2;

	if (size < 1)
		return 0;
	step = 1 + data[0] % 64;
	data++;
	size--;
	run_reader(data, size, step);
	k1 = run_model(data, size, step, false, w, 4);
	memcpy(again, w, sizeof(w));
	k2 = run_model(data, size, CPIO_BUF_SIZE, true, again, 4);
	if (k1 != k2)
		abort();
	for (size_t i = 0; i < 4; i++) {
		if (w[i].matches && !w[i].present)
			abort();
		if (w[i].present != again[i].present || w[i].matches != again[i].matches)
			abort();
	}
	return 0;
}
