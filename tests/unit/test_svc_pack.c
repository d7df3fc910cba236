/* test_svc_pack.c: the prebuilt pack format: the index (pack_index.c) round trip and every
 * kind of bad line, and the archive (pack_stream.c) written and read back, with each way a
 * pack can be damaged refused before a byte of a bad member is trusted. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "macro.h"
#include "mem_stream.h"
#include "pack_index.h"
#include "pack_stream.h"
#include "sha256.h"
#include "test.h"

#define K1 "6.1.0-57-amd64"
#define K2 "6.1.0-56-amd64"
#define SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const char *dir; /* the program's temp directory */

struct member {
	const char *path, *data;
};

static const struct member members[] = {
    {"set", "stap-onboot-set 1\nscript alpha opts=-g\n"},
    {"scripts/alpha.stp", "probe begin { exit() }\n"},
    {K1 "/alpha.ko", "\177ELF module bytes"},
    {K1 "/alpha.opts", "STAP_ONBOOT_CACHE=1\n"},
    {K2 "/alpha.ko", ""},
};

/* A pack of members (n of them listed, all written unless skip) into a file; returns its
 * bytes. tamper(i, buf) may change member i's written bytes. */
static char *make_pack(size_t n, size_t skip, void (*tamper)(size_t, char *), size_t *ret_len)
{
	_cleanup_free_ char *p = path_join(dir, "p.pack"), *index = NULL;
	struct pack_index ix = {0};
	char hex[SHA256_HEX_SIZE], *bytes = NULL;
	int fd;

	if (pack_index_add_kernel(&ix, K1) < 0 || pack_index_add_kernel(&ix, K2) < 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		sha256_hex(members[i].data, strlen(members[i].data), hex);
		if (pack_index_add_file(&ix, members[i].path, strlen(members[i].data), hex) < 0)
			abort();
	}
	if (pack_index_format(&ix, &index) < 0)
		abort();
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || pack_write_member(fd, 1, PACK_INDEX_NAME, index, strlen(index)) < 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		char buf[256];
		if (i == skip)
			continue;
		snprintf(buf, sizeof(buf), "%s", members[i].data);
		if (tamper)
			tamper(i, buf);
		if (pack_write_member(fd, (uint32_t)i + 2, members[i].path, buf,
				      strlen(members[i].data)) < 0)
			abort();
	}
	if (pack_write_trailer(fd, 99) < 0)
		abort();
	close(fd);
	pack_index_free(&ix);
	if (read_file(p, &bytes, ret_len) < 0)
		abort();
	return bytes;
}

struct seen {
	size_t ends;
	char got[8][256];
	size_t lens[8];
};

static int on_data(void *ctx, const struct pack_file *f, const void *buf, size_t len)
{
	struct seen *s = ctx;
	size_t i = s->ends;

	(void)f;
	if (i >= 8 || s->lens[i] + len >= sizeof(s->got[i]))
		return -EFBIG;
	memcpy(s->got[i] + s->lens[i], buf, len);
	s->lens[i] += len;
	return 0;
}

static int on_end(void *ctx, const struct pack_file *f)
{
	struct seen *s = ctx;

	(void)f;
	s->ends++;
	return 0;
}

/* Reads bytes in pieces of step: pack_read's answer; *seen what reached the sink. */
static int read_pack(const char *bytes, size_t len, size_t step, struct seen *seen,
		     struct pack_index *ix)
{
	static struct cpio_reader r;
	struct mem m = {bytes, len, 0, step};
	struct pack_sink sink = {on_data, on_end, seen};

	memset(seen, 0, sizeof(*seen));
	cpio_reader_init(&r, mem_read, NULL, &m);
	return pack_read(&r, "test.pack", &sink, ix);
}

TEST(round_trip)
{
	size_t len, n = ELEMENTSOF(members);
	char *bytes = make_pack(n, SIZE_MAX, NULL, &len);
	struct pack_index ix;
	struct seen seen;
	bool same = true;

	ASSERT_EQ(len % 512, 0, "the pack is padded to 512-byte blocks, as cpio writes (%zu)", len);
	for (size_t step = 1; step <= 4096; step *= 8) {
		ASSERT_EQ(read_pack(bytes, len, step, &seen, &ix), 0,
			  "read back in pieces of %zu bytes: every member checked and handed over",
			  step);
		ASSERT_EQ(seen.ends, n,
			  "read back in pieces of %zu bytes: every member checked and handed over",
			  step);
		ASSERT_EQ(ix.n_files, n,
			  "read back in pieces of %zu bytes: every member checked and handed over",
			  step);
		for (size_t i = 0; i < n; i++)
			same = same && seen.lens[i] == strlen(members[i].data) &&
			       memcmp(seen.got[i], members[i].data, seen.lens[i]) == 0;
		if (step == 1) {
			ASSERT_EQ(ix.files[2].kind, PACK_KO,
				  "each member's kind, kernel and script name");
			ASSERT_TRUE(ix.files[2].kernel,
				    "each member's kind, kernel and script name");
			ASSERT_STREQ(ix.files[2].kernel, K1,
				     "each member's kind, kernel and script name");
			ASSERT_STREQ(ix.files[2].name, "alpha",
				     "each member's kind, kernel and script name");
			ASSERT_EQ(ix.files[0].kind, PACK_SET,
				  "each member's kind, kernel and script name");
			ASSERT_EQ(ix.files[1].kind, PACK_SCRIPT,
				  "each member's kind, kernel and script name");
		}
		pack_index_free(&ix);
	}
	ASSERT_TRUE(same, "the bytes handed over are the members' bytes");
	free(bytes);
}

static void flip_ko(size_t i, char *buf)
{
	if (i == 2)
		buf[3] ^= 1;
}

TEST(damage)
{
	size_t len, n = ELEMENTSOF(members);
	struct pack_index ix;
	struct seen seen;
	char *bytes;

	bytes = make_pack(n, SIZE_MAX, flip_ko, &len);
	ASSERT_EQ(read_pack(bytes, len, 4096, &seen, &ix), -EBADMSG,
		  "one flipped bit in a module: refused, that member never ends (%zu ended)",
		  seen.ends);
	ASSERT_EQ(seen.ends, 2,
		  "one flipped bit in a module: refused, that member never ends (%zu ended)",
		  seen.ends);
	free(bytes);
	bytes = make_pack(n, 3, NULL, &len);
	ASSERT_EQ(read_pack(bytes, len, 4096, &seen, &ix), -EBADMSG,
		  "a listed member missing: refused");
	free(bytes);
	bytes = make_pack(n, SIZE_MAX, NULL, &len);
	ASSERT_EQ(read_pack(bytes, len - 512, 4096, &seen, &ix), -EBADMSG,
		  "the trailer cut off: refused");
	ASSERT_EQ(read_pack(bytes, 200, 4096, &seen, &ix), -EBADMSG, "cut in the index: refused");
	{
		char *more = malloc(len + 512);
		memcpy(more, bytes, len);
		memset(more + len, 'x', 512);
		ASSERT_EQ(read_pack(more, len + 512, 4096, &seen, &ix), -EBADMSG,
			  "bytes after the trailer: refused");
		memcpy(more + len, bytes, 512); /* a second archive */
		ASSERT_EQ(read_pack(more, len + 512, 4096, &seen, &ix), -EBADMSG,
			  "a second archive after the first: refused");
		free(more);
	}
	free(bytes);
	bytes = make_pack(n, SIZE_MAX, NULL, &len);
	memcpy(bytes + 110, "stap-onboot-paXk", 16); /* the index's name */
	ASSERT_EQ(read_pack(bytes, len, 4096, &seen, &ix), -EBADMSG, "no index first: refused");
	free(bytes);
	ASSERT_EQ(read_pack("070701", 6, 4096, &seen, &ix), -EBADMSG,
		  "a stub and an empty file: refused");
	ASSERT_EQ(read_pack("", 0, 1, &seen, &ix), -EBADMSG, "a stub and an empty file: refused");
}

static int parse(const char *text)
{
	struct pack_index ix;
	int r = pack_index_parse(text, strlen(text), "index", &ix);

	if (r == 0)
		pack_index_free(&ix);
	return r;
}

TEST(index_lines)
{
	static const char *const bad[] = {
	    "stap-onboot-pack 2\n",
	    "stap-onboot-pack 1",
	    "stap-onboot-pack 1\nkernel a/b\n",
	    "stap-onboot-pack 1\nkernel k\nkernel k\n",
	    "stap-onboot-pack 1\nkernel scripts\n",
	    "stap-onboot-pack 1\nfile set 0 " SHA "\nkernel k\n",
	    "stap-onboot-pack 1\nfile ../etc/passwd 1 " SHA "\n",
	    "stap-onboot-pack 1\nfile scripts/a.ko 1 " SHA "\n",
	    "stap-onboot-pack 1\nfile scripts/1a.stp 1 " SHA "\n",
	    "stap-onboot-pack 1\nfile k/a.ko 1 " SHA "\n",
	    "stap-onboot-pack 1\nkernel k\nfile k/a.txt 1 " SHA "\n",
	    "stap-onboot-pack 1\nkernel k\nfile k/x/a.ko 1 " SHA "\n",
	    "stap-onboot-pack 1\nfile set 01 " SHA "\n",
	    "stap-onboot-pack 1\nfile set -1 " SHA "\n",
	    "stap-onboot-pack 1\nfile set 99999999999999999999 " SHA "\n",
	    "stap-onboot-pack 1\nfile set 4194305 " SHA "\n",
	    "stap-onboot-pack 1\nfile set 1 ABC\n",
	    "stap-onboot-pack 1\nfile set 1 " SHA "\nfile set 1 " SHA "\n",
	    "stap-onboot-pack 1\nfile  set 1 " SHA "\n",
	    "stap-onboot-pack 1\n\n",
	    "stap-onboot-pack 1\n# comment\n",
	    "stap-onboot-pack 1\nfile set 1 " SHA " extra\n",
	    "",
	};

	ASSERT_EQ(parse("stap-onboot-pack 1\nkernel k\nfile set 1 " SHA
			"\nfile scripts/a.stp 0 " SHA "\nfile k/a.ko 5 " SHA
			"\nfile k/a.opts 5 " SHA "\n"),
		  0, "a whole index parses");
	ASSERT_EQ(parse("stap-onboot-pack 1\n"), 0,
		  "an index of nothing parses (the pack is empty)");
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ASSERT_EQ(parse(bad[i]), -EBADMSG, "refused: \"%.60s\"", bad[i]);
	{
		char text[] = "stap-onboot-pack 1\nkernel k\0x\n";
		struct pack_index ix;
		ASSERT_EQ(pack_index_parse(text, sizeof(text) - 1, "index", &ix), -EBADMSG,
			  "a NUL byte in a line is refused");
	}
}

static void setup(void)
{
	dir = test_tmpdir();
}
TEST_SETUP(setup)
