/* fuzz_pack.c: the prebuilt pack reader (pack_stream.c over onboot_cpio.c) and its index
 * parser (pack_index.c) on any bytes. Checks what they promise: a pack read whole hands over
 * exactly the listed members, each whole and ended once; an index that parses formats back
 * into text that parses to the same text. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/mem_stream.h"
#include "pack_index.h"
#include "pack_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	uint64_t bytes, current;
	size_t ends;
};

static int on_data(void *ctx, const struct pack_file *f, const void *buf, size_t len)
{
	struct count *c = ctx;

	(void)buf;
	c->current += len;
	if (c->current > f->size)
		abort();
	return 0;
}

static int on_end(void *ctx, const struct pack_file *f)
{
	struct count *c = ctx;

	if (c->current != f->size)
		abort();
	c->bytes += c->current;
	c->current = 0;
	c->ends++;
	return 0;
}

static struct cpio_reader reader;

static void read_as_pack(const uint8_t *data, size_t size, size_t step)
{
	struct mem m = {data, size, 0, step};
	struct count c = {0};
	struct pack_sink sink = {on_data, on_end, &c};
	struct pack_index ix;
	uint64_t total = 0;

	cpio_reader_init(&reader, mem_read, NULL, &m);
	if (pack_read(&reader, "fuzz", &sink, &ix) != 0)
		return;
	if (c.ends != ix.n_files || reader.offset > size)
		abort();
	for (size_t i = 0; i < ix.n_files; i++)
		total += ix.files[i].size;
	if (total != c.bytes)
		abort();
	pack_index_free(&ix);
}

static void parse_as_index(const uint8_t *data, size_t size)
{
	struct pack_index ix, again;
	char *text = NULL, *text2 = NULL;

	if (pack_index_parse((const char *)data, size, "fuzz", &ix) != 0)
		return;
	if (pack_index_format(&ix, &text) != 0 ||
	    pack_index_parse(text, strlen(text), "fuzz", &again) != 0 ||
	    pack_index_format(&again, &text2) != 0 || strcmp(text, text2) != 0)
		abort();
	pack_index_free(&ix);
	pack_index_free(&again);
	free(text);
	free(text2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	read_as_pack(data + 1, size - 1, 1 + data[0] % 64);
	parse_as_index(data + 1, size - 1);
	return 0;
}
