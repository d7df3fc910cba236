/* onboot_cpio.h: a reader of "newc" cpio streams (070701/070702), the format of initramfs
 * archives, as the kernel reads them: archives one after the other, each ended by TRAILER!!!,
 * with zero bytes between them. Reads through a callback, so the same code reads an image file,
 * a decompressor's pipe or a fuzzer's bytes; keeps no more than one buffer. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CPIO_NAME_MAX 4096 /* PATH_MAX, the kernel's limit for a name (NUL included) */
#define CPIO_BUF_SIZE 65536

/* Reads up to n bytes into buf: > 0, 0 at the end, or -errno. */
typedef ssize_t (*cpio_read_fn)(void *ctx, void *buf, size_t n);
/* Skips exactly n bytes that the reader does not need (0 or -errno; NULL: they are read). */
typedef int (*cpio_skip_fn)(void *ctx, uint64_t n);

struct cpio_entry {
	char name[CPIO_NAME_MAX]; /* as stored: no NUL inside, may start with "./" */
	uint32_t ino, mode, nlink, dev_major, dev_minor;
	uint32_t size;	  /* of the body */
	unsigned archive; /* 0 for the first archive of the stream, then 1, ... */
};

struct cpio_reader {
	cpio_read_fn read;
	cpio_skip_fn skip;
	void *ctx;
	uint64_t offset;    /* bytes of the stream consumed so far */
	uint64_t body_left; /* of the current entry's body */
	uint32_t body_pad;  /* zero bytes after the body, up to a multiple of 4 */
	bool in_archive;    /* a header was read and no TRAILER!!! yet */
	bool eof;
	unsigned archives; /* trailers seen */
	size_t pos, len;   /* of the bytes in buf not consumed yet */
	unsigned char buf[CPIO_BUF_SIZE];
};

enum {
	CPIO_END = 0,	/* the stream ended after a whole archive (and zero bytes) */
	CPIO_ENTRY = 1, /* *e holds the next entry */
	CPIO_OTHER = 2, /* between archives, bytes that are no 4-aligned archive (compressed) */
};

/* Starts a reader of the stream read (skip may be NULL). */
void cpio_reader_init(struct cpio_reader *r, cpio_read_fn read, cpio_skip_fn skip, void *ctx);
/* Skips what is left of the current body and reads the next entry (trailers are not returned):
 * CPIO_ENTRY, CPIO_END, CPIO_OTHER (then r->offset is where those bytes start, and the reader
 * must not be used further), -EBADMSG for a malformed or cut stream, -errno. */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);
/* Reads up to n bytes of the current entry's body: > 0, 0 at its end, -EBADMSG when the stream
 * ends inside it, -errno. */
ssize_t cpio_read_body(struct cpio_reader *r, void *buf, size_t n);
