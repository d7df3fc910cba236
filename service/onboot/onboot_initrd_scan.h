/* onboot_initrd_scan.h: one pass over an initramfs image file for initrd_model. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "onboot_initrd.h"
#include "onboot_util.h"
#include "run.h"

/* The most bytes the archives of one image may unpack to: far beyond any initramfs a kernel
 * boots (it unpacks them into RAM before anything runs; dracut's are tens of MB), far below
 * what a decompression bomb yields (a 568 KiB zstd file holding 16 GiB took 10.9 s to read). */
#define INITRD_UNPACKED_MAX (2ull << 30)

/* Fills every want from image as the kernel would unpack it: the uncompressed archives at its
 * start are read in place (bodies nobody asked for are skipped, not read), a compressed rest
 * goes through one decompressor chosen by its magic (gzip, bzip2, xz/lzma, lz4, lzop, zstd),
 * which must exit 0 within limit (NULL: none). 0 and *ret: ok (every want filled), or why the
 * image cannot be read as an initramfs (not one, cut, unknown compression, unreadable, a
 * decompressor that failed or ran out of time, archives that unpack to more than
 * INITRD_UNPACKED_MAX bytes: refused as soon as the limit is passed). -EINTR after a signal,
 * -ENOMEM. */
int initrd_scan(const char *image, const struct run_limit *limit, struct initrd_want *w, size_t n,
		struct onboot_verdict *ret);
/* initrd_scan with another bound than INITRD_UNPACKED_MAX (for tests). */
int initrd_scan_limited(const char *image, const struct run_limit *limit, struct initrd_want *w,
			size_t n, uint64_t unpacked_max, struct onboot_verdict *ret);
