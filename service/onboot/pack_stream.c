/* pack_stream.c: writing and reading the cpio archive of a prebuilt pack. newc because the
 * service already reads it (onboot_cpio.c, fuzzed), it needs no library and no program, and
 * `cpio -t` lists it for a human; the reader never unpacks a path it was not told to expect. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "pack_stream.h"

#define NEWC_HEADER 110
#define TRAILER "TRAILER!!!"
#define BLOCK 512

static int write_pad(int fd, uint64_t written, unsigned align)
{
	static const char zeros[BLOCK];
	size_t pad = (size_t)((align - written % align) % align);

	return pad ? write_all(fd, zeros, pad) : 0;
}

/* Header and name, padded: the body follows. */
static int write_header(int fd, uint32_t ino, const char *name, uint32_t mode, uint64_t size)
{
	char h[NEWC_HEADER + 1];
	size_t namesize = strlen(name) + 1;
	int r;

	if (size > UINT32_MAX || namesize > CPIO_NAME_MAX)
		return -EFBIG;
	/* ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize
	 * check */
	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X", ino,
		 mode, 0u, 0u, 1u, 0u, (uint32_t)size, 0u, 0u, 0u, 0u, namesize, 0u);
	r = write_all(fd, h, NEWC_HEADER);
	if (r == 0)
		r = write_all(fd, name, namesize);
	return r < 0 ? r : write_pad(fd, NEWC_HEADER + namesize, 4);
}

int pack_write_member(int fd, uint32_t ino, const char *name, const void *data, size_t size)
{
	int r = write_header(fd, ino, name, S_IFREG | 0644, size);

	if (r == 0 && size)
		r = write_all(fd, data, size);
	return r < 0 ? r : write_pad(fd, size, 4);
}

int pack_write_file_member(int fd, uint32_t ino, const char *name, const char *path, uint64_t size)
{
	_cleanup_close_ int in = open_regular(path, O_RDONLY | O_NOFOLLOW, 0);
	char buf[65536];
	uint64_t left = size;
	int r;

	if (in < 0)
		return in;
	r = write_header(fd, ino, name, S_IFREG | 0644, size);
	while (r == 0 && left > 0) {
		ssize_t n = read(in, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ESTALE;
		r = write_all(fd, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	if (r == 0 && read(in, buf, 1) != 0)
		r = -ESTALE; /* it grew meanwhile: its digest in the index is not these bytes */
	return r < 0 ? r : write_pad(fd, size, 4);
}

int pack_write_trailer(int fd, uint32_t ino)
{
	off_t at;
	int r = write_header(fd, ino, TRAILER, 0, 0);

	if (r < 0)
		return r;
	at = lseek(fd, 0, SEEK_CUR);
	return at < 0 ? -errno : write_pad(fd, (uint64_t)at, BLOCK);
}

/* Reads the whole body of the current entry (at most max bytes) into *ret. */
static int read_small_body(struct cpio_reader *r, uint32_t size, char **ret)
{
	char *buf = malloc((size_t)size + 1);
	size_t got = 0;

	if (!buf)
		return -ENOMEM;
	while (got < size) {
		ssize_t n = cpio_read_body(r, buf + got, size - got);

		if (n <= 0) {
			free(buf);
			return n < 0 ? (int)n : -EBADMSG;
		}
		got += (size_t)n;
	}
	buf[size] = '\0';
	*ret = buf;
	return 0;
}

/* The body of member f (the entry just read), hashed and handed to sink as it comes. */
static int read_member(struct cpio_reader *r, const char *origin, const struct pack_file *f,
		       const struct pack_sink *sink)
{
	unsigned char buf[CPIO_BUF_SIZE], d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	struct sha256_ctx c;
	uint64_t got = 0;
	int k;

	sha256_init(&c);
	for (;;) {
		ssize_t n = cpio_read_body(r, buf, sizeof(buf));

		if (n == -EBADMSG) {
			log_error("%s: %s is cut short", origin, f->path);
			return -EBADMSG;
		}
		if (n < 0)
			return log_error_errno((int)n, "Failed to read %s", origin);
		if (n == 0)
			break;
		sha256_update(&c, buf, (size_t)n);
		got += (uint64_t)n;
		if (sink && sink->data && (k = sink->data(sink->ctx, f, buf, (size_t)n)) < 0)
			return k;
	}
	sha256_final(&c, d);
	sha256_to_hex(d, hex);
	if (got != f->size || !streq(hex, f->sha256)) {
		log_error("%s: %s is not the file its index lists (SHA-256 %s, listed %s)", origin,
			  f->path, hex, f->sha256);
		return -EBADMSG;
	}
	return sink && sink->end ? sink->end(sink->ctx, f) : 0;
}

/* The next entry must be the member f, a regular file of its size. */
static int next_member(struct cpio_reader *r, const char *origin, const struct pack_file *f)
{
	struct cpio_entry e;
	int k = cpio_next(r, &e);

	if (k == CPIO_ENTRY && e.archive == 0 && streq(e.name, f->path) && S_ISREG(e.mode) &&
	    e.size == f->size)
		return 0;
	if (k < 0 && k != -EBADMSG)
		return log_error_errno(k, "Failed to read %s", origin);
	if (k == CPIO_ENTRY)
		log_error("%s: found %s where the index lists %s (%ju bytes, a regular file)",
			  origin, e.name, f->path, (uintmax_t)f->size);
	else
		log_error("%s: %s is missing (the pack ends before it)", origin, f->path);
	return -EBADMSG;
}

static int read_index(struct cpio_reader *r, const char *origin, struct pack_index *ret)
{
	_cleanup_free_ char *text = NULL;
	struct cpio_entry e;
	int k = cpio_next(r, &e);

	if (k < 0 && k != -EBADMSG)
		return log_error_errno(k, "Failed to read %s", origin);
	if (k != CPIO_ENTRY || !streq(e.name, PACK_INDEX_NAME) || !S_ISREG(e.mode) ||
	    e.size > PACK_INDEX_MAX) {
		log_error("%s is not a pack of systemtap-service (no " PACK_INDEX_NAME
			  " index first)",
			  origin);
		return -EBADMSG;
	}
	k = read_small_body(r, e.size, &text);
	if (k == -EBADMSG)
		log_error("%s: the index is cut short", origin);
	if (k < 0)
		return k == -ENOMEM ? log_error_errno(k, "Failed to read %s", origin) : k;
	return pack_index_parse(text, e.size, origin, ret);
}

int pack_read(struct cpio_reader *r, const char *origin, const struct pack_sink *sink,
	      struct pack_index *ret_index)
{
	struct pack_index ix = {0};
	struct cpio_entry e;
	int k;

	k = read_index(r, origin, &ix);
	for (size_t i = 0; k == 0 && i < ix.n_files; i++) {
		k = next_member(r, origin, &ix.files[i]);
		if (k == 0)
			k = read_member(r, origin, &ix.files[i], sink);
	}
	if (k == 0) {
		k = cpio_next(r, &e);
		if (k == CPIO_END) {
			k = 0;
		} else if (k >= 0 || k == -EBADMSG) {
			log_error("%s: more data, or no proper end, after its last listed member",
				  origin);
			k = -EBADMSG;
		} else {
			k = log_error_errno(k, "Failed to read %s", origin);
		}
	}
	if (k < 0) {
		pack_index_free(&ix);
		return k;
	}
	*ret_index = ix;
	return 0;
}
