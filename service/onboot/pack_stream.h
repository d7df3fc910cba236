/* pack_stream.h: a prebuilt pack as bytes (pack_stream.c): one cpio "newc" archive whose first
 * member, PACK_INDEX_NAME, is the index (pack_index.h) and whose other members are the files it
 * lists, in its order. Written here; read with the newc reader the image check uses
 * (onboot_cpio.c), checking every member's path, size and SHA-256 against the index. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "onboot_cpio.h"
#include "pack_index.h"

/* Writes one newc member (a regular file, mode 0644, owner 0, mtime 0: a pack of the same
 * files is the same bytes) holding the size bytes of data, then pads. 0 or -errno. */
int pack_write_member(int fd, uint32_t ino, const char *name, const void *data, size_t size);
/* Writes the member name with the bytes of the regular file path, which must still have
 * size bytes. 0 or -errno (-ESTALE when the file changed size). */
int pack_write_file_member(int fd, uint32_t ino, const char *name, const char *path, uint64_t size);
/* Writes the newc trailer, padded to a multiple of 512 bytes as cpio does. 0 or -errno. */
int pack_write_trailer(int fd, uint32_t ino);

/* What the reader hands over: data of the member f as it arrives, then its end once its
 * size and digest checked out. Returning < 0 stops the reading with that error. */
struct pack_sink {
	int (*data)(void *ctx, const struct pack_file *f, const void *buf, size_t len);
	int (*end)(void *ctx, const struct pack_file *f);
	void *ctx;
};

/* Reads a pack from r: the index into *ret_index, then every member, each to sink. 0 when the
 * whole pack was read and every member checked out; -EBADMSG after log_error naming origin
 * and what is wrong (not a pack, an index error, a member that is not the next one listed,
 * not a regular file, of another size or digest, missing, or anything after the trailer);
 * -errno from reading or from sink. *ret_index is filled only on success. */
int pack_read(struct cpio_reader *r, const char *origin, const struct pack_sink *sink,
	      struct pack_index *ret_index);
