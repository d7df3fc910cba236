/* onboot_initrd_scan.h: one pass over an initramfs image file for initrd_model. */
#pragma once
#include <stddef.h>

#include "onboot_initrd.h"
#include "run.h"

/* Fills every want from image as the kernel would unpack it: the uncompressed archives at its
 * start are read in place (bodies nobody asked for are skipped, not read), a compressed rest
 * goes through one decompressor chosen by its magic (gzip, bzip2, xz/lzma, lz4, lzop, zstd),
 * which must exit 0 within limit (NULL: none). 0, or -EBADMSG (not an initramfs, cut, unknown
 * compression) / -EINTR / -ETIME / -errno with *ret_reason saying why (newly allocated, may be
 * NULL on ENOMEM). */
int initrd_scan(const char *image, const struct run_limit *limit, struct initrd_want *w, size_t n,
		char **ret_reason);
