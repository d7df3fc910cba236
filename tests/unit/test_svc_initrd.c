/* test_svc_initrd.c: the newc cpio reader (onboot_cpio.c), the kernel's unpacking rules for the
 * files onboot checks (onboot_initrd.c) and the scan of image files, plain and compressed by
 * the real gzip and zstd (onboot_initrd_scan.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "mem_stream.h"
#include "macro.h"
#include "onboot_cpio.h"
#include "onboot_initrd.h"
#include "onboot_initrd_scan.h"
#include "run.h"
#include "files.h"
#include "test.h"
#include "tempfile.h"

static const char *tmpdir; /* the program's temp directory */

struct buf {
	char *d;
	size_t len;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	b->d = realloc(b->d, b->len + n + 1);
	if (!b->d)
		exit(2);
	memcpy(b->d + b->len, p, n);
	b->len += n;
}

static void put_zeros(struct buf *b, size_t n)
{
	static const char zero[512];

	put(b, zero, n);
}

static void pad4(struct buf *b)
{
	put_zeros(b, (4 - b->len % 4) % 4);
}

/* One newc entry; the archive starts 4-aligned in b. */
static void entry(struct buf *b, const char *name, unsigned mode, unsigned ino, unsigned nlink,
		  const char *data)
{
	char h[200];
	unsigned len = data ? (unsigned)strlen(data) : 0;

	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino,
		 mode, 0, 0, nlink, 0, len, 0, 1, 0, 0, (unsigned)strlen(name) + 1, 0);
	put(b, h, 110);
	put(b, name, strlen(name) + 1);
	pad4(b);
	put(b, data, len);
	pad4(b);
}

#define REG (S_IFREG | 0644)
#define DIR (S_IFDIR | 0755)
static void reg(struct buf *b, const char *name, const char *data)
{
	static unsigned ino = 100;

	entry(b, name, REG, ino++, 1, data);
}
static void trailer(struct buf *b)
{
	entry(b, "TRAILER!!!", 0, 0, 1, NULL);
}

static struct cpio_reader reader;

TEST(reader)
{
	struct buf b = {0};
	struct cpio_entry e;
	struct mem m;
	char body[16] = "";
	int k;

	reg(&b, "./init", "#!/bin/sh\n");
	entry(&b, "usr", DIR, 7, 2, NULL);
	trailer(&b);
	put_zeros(&b, 12);
	reg(&b, "second", "xy");
	trailer(&b);
	put_zeros(&b, 3);
	m = (struct mem){b.d, b.len, 0, 7};
	cpio_reader_init(&reader, mem_read, NULL, &m);
	k = cpio_next(&reader, &e);
	ASSERT_EQ(k, CPIO_ENTRY, "first entry: name as stored, size");
	ASSERT_STREQ(e.name, "./init", "first entry: name as stored, size");
	ASSERT_EQ(e.size, 10, "first entry: name as stored, size");
	ASSERT_EQ(e.archive, 0, "first entry: name as stored, size");
	ASSERT_EQ(cpio_read_body(&reader, body, 4), 4, "a body is read in pieces");
	ASSERT_EQ(memcmp(body, "#!/b", 4), 0, "a body is read in pieces");
	k = cpio_next(&reader, &e);
	ASSERT_EQ(k, CPIO_ENTRY, "the rest of a body is skipped; mode, nlink, ino");
	ASSERT_STREQ(e.name, "usr", "the rest of a body is skipped; mode, nlink, ino");
	ASSERT_EQ((e.mode & S_IFMT), S_IFDIR, "the rest of a body is skipped; mode, nlink, ino");
	ASSERT_EQ(e.nlink, 2, "the rest of a body is skipped; mode, nlink, ino");
	ASSERT_EQ(e.ino, 7, "the rest of a body is skipped; mode, nlink, ino");
	k = cpio_next(&reader, &e);
	ASSERT_EQ(k, CPIO_ENTRY,
		  "zero bytes between archives; the trailer is not returned; archive counted");
	ASSERT_STREQ(e.name, "second",
		     "zero bytes between archives; the trailer is not returned; archive counted");
	ASSERT_EQ(e.archive, 1,
		  "zero bytes between archives; the trailer is not returned; archive counted");
	ASSERT_EQ(cpio_next(&reader, &e), CPIO_END,
		  "the end after the last trailer and zero bytes");
	ASSERT_EQ(reader.offset, b.len, "the end after the last trailer and zero bytes");

	/* Other bytes after an archive: where they start. */
	b.len -= 3;
	put(&b, "\x28\xb5\x2f\xfd", 4);
	m = (struct mem){b.d, b.len, 0, 5};
	cpio_reader_init(&reader, mem_read, NULL, &m);
	while ((k = cpio_next(&reader, &e)) == CPIO_ENTRY)
		;
	ASSERT_EQ(k, CPIO_OTHER, "CPIO_OTHER at the compressed part");
	ASSERT_EQ(reader.offset, b.len - 4, "CPIO_OTHER at the compressed part");
	free(b.d);
}

/* cpio_next's answer at the end of data (len bytes), after the entries it returns. */
static int last_answer(const char *data, size_t len)
{
	struct mem m = {data, len, 0, 3};
	struct cpio_entry e;
	int k;

	cpio_reader_init(&reader, mem_read, NULL, &m);
	while ((k = cpio_next(&reader, &e)) == CPIO_ENTRY)
		;
	return k;
}

TEST(reader_bad)
{
	struct buf b = {0}, c = {0};

	reg(&b, "init", "0123456789");
	trailer(&b);
	ASSERT_EQ(last_answer(b.d, b.len), CPIO_END, "whole archive");
	ASSERT_EQ(last_answer(b.d, 50), -EBADMSG, "cut in a header");
	ASSERT_EQ(last_answer(b.d, 120), -EBADMSG, "cut in the body");
	ASSERT_EQ(last_answer(b.d, 128), -EBADMSG, "no trailer");
	put(&c, b.d, b.len);
	c.d[10] = 'g';
	ASSERT_EQ(last_answer(c.d, c.len), -EBADMSG, "a header field that is no hex");
	memcpy(c.d, b.d, b.len);
	memcpy(c.d + 94, "00000000", 8);
	ASSERT_EQ(last_answer(c.d, c.len), -EBADMSG, "namesize 0");
	memcpy(c.d, b.d, b.len);
	c.d[110 + 4] = 'x';
	ASSERT_EQ(last_answer(c.d, c.len), -EBADMSG, "a name without its NUL");
	memcpy(c.d, b.d, b.len);
	c.d[111] = '\0';
	ASSERT_EQ(last_answer(c.d, c.len), -EBADMSG, "a NUL inside a name");
	memcpy(c.d + 94, "00002000", 8);
	ASSERT_EQ(last_answer(c.d, c.len), -EBADMSG, "namesize past PATH_MAX");
	/* A second archive that does not start 4-aligned is no archive for the kernel. */
	c.len = 0;
	put(&c, b.d, b.len);
	put_zeros(&c, 1);
	put(&c, b.d, b.len);
	ASSERT_EQ(last_answer(c.d, c.len), CPIO_OTHER, "misaligned second archive");
	free(b.d);
	free(c.d);
}

enum { W_INIT, W_KO, W_MAN, W_N };

/* The wants (init: there; x.ko: "KO"; manifest: "MAN") after the kernel's rules on b. */
static int model(const struct buf *b, struct initrd_want *w)
{
	struct mem m = {b->d, b->len, 0, 1000};
	struct initrd_model *im;
	int k;

	w[W_INIT] = (struct initrd_want){.path = "init"};
	w[W_KO] = (struct initrd_want){.path = "lib/x.ko", .data = "KO", .len = 2};
	w[W_MAN] = (struct initrd_want){.path = "lib/manifest", .data = "MAN", .len = 3};
	if (initrd_model_new(w, W_N, &im) < 0)
		exit(2);
	cpio_reader_init(&reader, mem_read, NULL, &m);
	k = initrd_model_feed(im, &reader);
	initrd_model_finish(im);
	initrd_model_free(im);
	return k;
}

TEST(model)
{
	struct initrd_want w[W_N];
	struct buf b = {0};

	reg(&b, "./init", "x");
	reg(&b, "lib//x.ko", "KO");
	reg(&b, "/lib/./manifest", "MAX");
	trailer(&b);
	ASSERT_EQ(model(&b, w), CPIO_END, "names normalized; bytes compared");
	ASSERT_TRUE(w[W_INIT].present, "names normalized; bytes compared");
	ASSERT_TRUE(w[W_KO].matches, "names normalized; bytes compared");
	ASSERT_TRUE(w[W_MAN].present, "names normalized; bytes compared");
	ASSERT_FALSE(w[W_MAN].matches, "names normalized; bytes compared");
	reg(&b, "lib/manifest", "MAN");
	reg(&b, "lib/x.ko", "K");
	trailer(&b);
	ASSERT_EQ(model(&b, w), CPIO_END, "a later archive replaces a file");
	ASSERT_TRUE(w[W_MAN].matches, "a later archive replaces a file");
	ASSERT_FALSE(w[W_KO].matches, "a later archive replaces a file");
	entry(&b, "lib/x.ko", DIR, 5, 2, NULL);
	trailer(&b);
	ASSERT_EQ(model(&b, w), CPIO_END, "a directory replaces it: there, but no file");
	ASSERT_TRUE(w[W_KO].present, "a directory replaces it: there, but no file");
	ASSERT_FALSE(w[W_KO].matches, "a directory replaces it: there, but no file");
	b.len = 0;
	reg(&b, "lib/../init", "x");
	trailer(&b);
	ASSERT_EQ(model(&b, w), -EBADMSG, "a name with .. is refused");
	free(b.d);
}

TEST(model_links)
{
	struct initrd_want w[W_N];
	struct buf b = {0};

	/* GNU cpio: the body goes with the last name of a group. */
	entry(&b, "lib/manifest", REG, 9, 2, NULL);
	entry(&b, "other", REG, 9, 2, "MAN");
	trailer(&b);
	ASSERT_EQ(model(&b, w), CPIO_END, "hard link: body with a later name");
	ASSERT_TRUE(w[W_MAN].matches, "hard link: body with a later name");
	b.len = 0;
	entry(&b, "other", REG, 9, 2, "MAN");
	entry(&b, "lib/manifest", REG, 9, 2, NULL);
	reg(&b, "init", "x");
	trailer(&b);
	ASSERT_EQ(model(&b, w), CPIO_END, "hard link: body with an earlier name");
	ASSERT_TRUE(w[W_MAN].matches, "hard link: body with an earlier name");
	ASSERT_TRUE(w[W_INIT].present, "hard link: body with an earlier name");
	reg(&b, "other", "BAD");
	trailer(&b);
	ASSERT_EQ(model(&b, w), CPIO_END,
		  "a later entry rewrites the shared file through another name");
	ASSERT_FALSE(w[W_MAN].matches,
		     "a later entry rewrites the shared file through another name");
	b.len = 0;
	entry(&b, "other", REG, 9, 2, "MAN");
	trailer(&b);
	entry(&b, "lib/manifest", REG, 9, 2, NULL);
	trailer(&b);
	ASSERT_EQ(model(&b, w), CPIO_END, "no hard link across archives: an empty file");
	ASSERT_TRUE(w[W_MAN].present, "no hard link across archives: an empty file");
	ASSERT_FALSE(w[W_MAN].matches, "no hard link across archives: an empty file");
	b.len = 0;
	entry(&b, "other", REG, 9, 2, "MAN");
	entry(&b, "other", DIR, 1, 2, NULL);
	entry(&b, "lib/manifest", REG, 9, 2, NULL);
	trailer(&b);
	ASSERT_EQ(model(&b, w), CPIO_END, "a link to a name that is no file any more fails");
	ASSERT_FALSE(w[W_MAN].present, "a link to a name that is no file any more fails");
	free(b.d);
}

/* Writes b to tmpdir/name, through `program -c` when program is not NULL, after prefix. */
static char *image(const char *name, const struct buf *prefix, const struct buf *b,
		   const char *program)
{
	char *path = path_in(tmpdir, name), *raw = path_in(tmpdir, "raw");
	char *argv[] = {(char *)program, "-c", NULL};
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), in;

	if (fd < 0 || write_file_atomic(raw, b->d, b->len, 0600) < 0)
		exit(2);
	if (prefix && write(fd, prefix->d, prefix->len) != (ssize_t)prefix->len)
		exit(2);
	if (!program) {
		if (write(fd, b->d, b->len) != (ssize_t)b->len)
			exit(2);
	} else {
		in = open(raw, O_RDONLY);
		if (in < 0 ||
		    run_wait(run_spawn_opts(
			argv, &(struct run_opts){.in_fd = in, .out_fd = fd, .err_fd = -1})) != 0)
			exit(2);
		close(in);
	}
	close(fd);
	return path;
}

/* 0 when the scan found every want's file (ok), 1 when it refused the image (*why says why),
 * or initrd_scan's -errno. */
static int verdict_of(int r, struct onboot_verdict *v, char **why)
{
	free(*why);
	*why = NULL;
	if (r < 0)
		return r;
	*why = v->why;
	return v->ok ? 0 : 1;
}

static int scan(const char *path, struct initrd_want *w, char **why)
{
	struct onboot_verdict v = {0};

	w[W_INIT] = (struct initrd_want){.path = "init"};
	w[W_KO] = (struct initrd_want){.path = "lib/x.ko", .data = "KO", .len = 2};
	w[W_MAN] = (struct initrd_want){.path = "lib/manifest", .data = "MAN", .len = 3};
	return verdict_of(initrd_scan(path, NULL, w, W_N, &v), &v, why);
}

TEST(scan)
{
	struct initrd_want w[W_N];
	struct buf early = {0}, b = {0};
	char *path, *why = NULL;

	entry(&early, "kernel/x86/microcode/GenuineIntel.bin", REG, 1, 1, "ucode");
	reg(&early, "lib/x.ko", "OLD");
	trailer(&early);
	put_zeros(&early, 8);
	reg(&b, "init", "x");
	reg(&b, "lib/x.ko", "KO");
	reg(&b, "lib/manifest", "MAN");
	trailer(&b);

	path = image("plain.img", &early, &b, NULL);
	ASSERT_EQ(scan(path, w, &why), 0, "plain image: early archive, then the main one");
	ASSERT_TRUE(w[W_INIT].present, "plain image: early archive, then the main one");
	ASSERT_TRUE(w[W_KO].matches, "plain image: early archive, then the main one");
	ASSERT_TRUE(w[W_MAN].matches, "plain image: early archive, then the main one");
	if (truncate(path, (off_t)(early.len + 200)) == 0) {
		ASSERT_EQ(scan(path, w, &why), 1, "cut image refused: %s", why);
		ASSERT_CONTAINS(why, "not a whole cpio", "cut image: %s", why);
	}
	path = image("gzip.img", &early, &b, "gzip");
	ASSERT_EQ(scan(path, w, &why), 0, "early archive, then gzip");
	ASSERT_TRUE(w[W_KO].matches, "early archive, then gzip");
	ASSERT_TRUE(w[W_MAN].matches, "early archive, then gzip");
	path = image("zstd.img", NULL, &b, "zstd");
	ASSERT_EQ(scan(path, w, &why), 0, "zstd alone");
	ASSERT_TRUE(w[W_KO].matches, "zstd alone");
	ASSERT_TRUE(w[W_MAN].matches, "zstd alone");
	/* A damaged compressed part: the decompressor fails or the archive is cut. */
	if (truncate(path, 30) == 0) {
		ASSERT_EQ(scan(path, w, &why), 1, "damaged zstd refused: %s", why);
		ASSERT_TRUE(why, "damaged zstd: %s", why);
	}
	b.len = 0;
	put(&b, "junk", 4);
	path = image("junk.img", &early, &b, NULL);
	ASSERT_EQ(scan(path, w, &why), 1, "unknown bytes after the archive: %s", why);
	ASSERT_CONTAINS(why, "no known compression", "unknown bytes after the archive: %s", why);
	/* A decompression bomb: bounded by what the archives may unpack to, not read to its end. */
	b.len = 0;
	{
		char *big = malloc((3u << 20) + 1);

		if (!big)
			exit(2);
		memset(big, 'z', 3u << 20);
		big[3u << 20] = '\0';
		reg(&b, "lib/big", big);
		free(big);
	}
	reg(&b, "lib/x.ko", "KO");
	reg(&b, "lib/manifest", "MAN");
	trailer(&b);
	path = image("bomb.img", NULL, &b, "zstd");
	w[W_KO] = (struct initrd_want){.path = "lib/x.ko", .data = "KO", .len = 2};
	w[W_MAN] = (struct initrd_want){.path = "lib/manifest", .data = "MAN", .len = 3};
	{
		struct onboot_verdict v = {0};
		int r = initrd_scan_limited(path, NULL, w, W_N, 1u << 20, &v);

		ASSERT_EQ(verdict_of(r, &v, &why), 1,
			  "an image unpacking to more than the limit is refused: %s", why);
		ASSERT_CONTAINS(why, "more than 1 MiB",
				"an image unpacking to more than the limit is refused: %s", why);
	}
	ASSERT_EQ(scan(path, w, &why), 0, "the same image under INITRD_UNPACKED_MAX: %s",
		  why ? why : "ok");
	ASSERT_TRUE(w[W_KO].matches, "the same image under INITRD_UNPACKED_MAX");
	ASSERT_TRUE(w[W_MAN].matches, "the same image under INITRD_UNPACKED_MAX");
	path = path_in(tmpdir, "missing.img");
	ASSERT_EQ(scan(path, w, &why), 1, "no image: refused: %s", why);
	ASSERT_CONTAINS(why, "cannot read", "no image: %s", why);
	free(why);
	free(early.d);
	free(b.d);
}

static void setup(void)
{
	tmpdir = test_tmpdir();
}
TEST_SETUP(setup)
