/* onboot_cpio.c: a reader of "newc" cpio streams, as the kernel's initramfs unpacker reads them. */
#include <errno.h>
#include <string.h>

#include "onboot_cpio.h"

#define HEADER_LEN 110
#define TRAILER "TRAILER!!!"

void cpio_reader_init(struct cpio_reader *r, cpio_read_fn read, cpio_skip_fn skip, void *ctx)
{
	memset(r, 0, sizeof(*r) - sizeof(r->buf));
	r->read = read;
	r->skip = skip;
	r->ctx = ctx;
}

/* Makes at least want (<= CPIO_BUF_SIZE) bytes available in buf unless the stream ends first.
 * Returns the bytes available, or -errno. */
static ssize_t fill(struct cpio_reader *r, size_t want)
{
	if (r->len - r->pos >= want || r->eof)
		return (ssize_t)(r->len - r->pos);
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < want) {
		ssize_t n = r->read(r->ctx, r->buf + r->len, sizeof(r->buf) - r->len);

		if (n < 0)
			return n;
		if (n == 0) {
			r->eof = true;
			break;
		}
		r->len += (size_t)n;
	}
	return (ssize_t)r->len;
}

/* Consumes n bytes: from buf first, then through skip (or read). 0, -EBADMSG at the end. */
static int consume(struct cpio_reader *r, uint64_t n)
{
	size_t have = r->len - r->pos;

	if (n <= have) {
		r->pos += (size_t)n;
		r->offset += n;
		return 0;
	}
	r->pos = r->len = 0;
	r->offset += have;
	n -= have;
	if (r->skip && !r->eof) {
		int k = r->skip(r->ctx, n);

		if (k < 0)
			return k;
		r->offset += n;
		return 0;
	}
	while (n > 0) {
		ssize_t got = fill(r, n < sizeof(r->buf) ? (size_t)n : sizeof(r->buf));

		if (got < 0)
			return (int)got;
		if (got == 0)
			return -EBADMSG;
		if ((uint64_t)got > n)
			got = (ssize_t)n;
		r->pos += (size_t)got;
		r->offset += (uint64_t)got;
		n -= (uint64_t)got;
	}
	return 0;
}

static int hex8(const unsigned char *p, uint32_t *ret)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		unsigned char c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EBADMSG;
		v = v << 4 | d;
	}
	*ret = v;
	return 0;
}

static bool at_magic(const unsigned char *p)
{
	return memcmp(p, "07070", 5) == 0 && (p[5] == '1' || p[5] == '2');
}

/* Between archives: zero bytes, then the end, another archive (4-aligned), or other bytes. */
static int next_archive(struct cpio_reader *r)
{
	for (;;) {
		ssize_t n = fill(r, 1);
		const unsigned char *p, *nz;

		if (n < 0)
			return (int)n;
		if (n == 0)
			return CPIO_END;
		p = r->buf + r->pos;
		for (nz = p; nz < p + n && *nz == 0; nz++)
			;
		r->pos += (size_t)(nz - p);
		r->offset += (uint64_t)(nz - p);
		if (nz < p + n)
			break;
	}
	if (r->offset % 4 == 0) {
		ssize_t n = fill(r, 6);

		if (n < 0)
			return (int)n;
		if (n >= 6 && at_magic(r->buf + r->pos)) {
			r->in_archive = true;
			return CPIO_ENTRY;
		}
	}
	return CPIO_OTHER;
}

/* Reads the header and name at the current offset into e. */
static int read_header(struct cpio_reader *r, struct cpio_entry *e)
{
	uint32_t f[13], namesize;
	const unsigned char *h;
	ssize_t n;
	int k;

	n = fill(r, HEADER_LEN);
	if (n < 0)
		return (int)n;
	if (n < HEADER_LEN)
		return -EBADMSG;
	h = r->buf + r->pos;
	if (!at_magic(h))
		return -EBADMSG;
	for (int i = 0; i < 13; i++)
		if (hex8(h + 6 + 8 * i, &f[i]) < 0)
			return -EBADMSG;
	/* ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize
	 * check */
	namesize = f[11];
	if (namesize < 2 || namesize > CPIO_NAME_MAX)
		return -EBADMSG;
	*e = (struct cpio_entry){.ino = f[0],
				 .mode = f[1],
				 .nlink = f[4],
				 .size = f[6],
				 .dev_major = f[7],
				 .dev_minor = f[8],
				 .archive = r->archives};
	k = consume(r, HEADER_LEN);
	if (k < 0)
		return k;
	n = fill(r, namesize);
	if (n < 0)
		return (int)n;
	if ((size_t)n < namesize)
		return -EBADMSG;
	h = r->buf + r->pos;
	/* NUL-terminated, no NUL inside: the name the kernel uses is the whole name. */
	if (h[namesize - 1] != 0 || memchr(h, 0, namesize - 1))
		return -EBADMSG;
	memcpy(e->name, h, namesize);
	k = consume(r, namesize);
	if (k < 0)
		return k;
	return consume(r, (4 - r->offset % 4) % 4);
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	for (;;) {
		int k = consume(r, r->body_left + r->body_pad);

		if (k < 0)
			return k;
		r->body_left = r->body_pad = 0;
		if (!r->in_archive) {
			k = next_archive(r);
			if (k != CPIO_ENTRY)
				return k;
		}
		k = read_header(r, e);
		if (k < 0)
			return k;
		r->body_left = e->size;
		r->body_pad = (uint32_t)((4 - (r->offset + e->size) % 4) % 4);
		if (strcmp(e->name, TRAILER) != 0)
			return CPIO_ENTRY;
		r->in_archive = false;
		r->archives++;
	}
}

ssize_t cpio_read_body(struct cpio_reader *r, void *buf, size_t n)
{
	ssize_t got;

	if (n > r->body_left)
		n = (size_t)r->body_left;
	if (n == 0)
		return 0;
	got = fill(r, 1);
	if (got < 0)
		return got;
	if (got == 0)
		return -EBADMSG;
	if ((size_t)got < n)
		n = (size_t)got;
	memcpy(buf, r->buf + r->pos, n);
	r->pos += n;
	r->offset += n;
	r->body_left -= n;
	return (ssize_t)n;
}
