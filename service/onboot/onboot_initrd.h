/* onboot_initrd.h: what the kernel would unpack from an initramfs, for a few named files.
 *
 * The kernel unpacks every archive of the image in order into one tree: a later entry replaces
 * an earlier one of the same name, and entries of a hard-link group (same ino, device and mode,
 * nlink >= 2, within one archive) share one file, whose bytes are those of the last entry that
 * had a body. initrd_model follows those rules for regular files, hard links and replaced
 * names, keeping only the names asked for and the hard-linked ones; it does not follow path
 * components replaced by symlinks (dracut never writes such images). Bodies are compared with
 * the wanted bytes as they stream past; the others are skipped. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "onboot_cpio.h"

struct initrd_want {
	const char *path; /* in the image, without a leading "/" or "./" */
	const char *data; /* the bytes it must hold, or NULL: only whether it is there */
	size_t len;
	/* Set by initrd_model_finish: */
	bool present; /* the tree has it (any type) */
	bool matches; /* a regular file holding exactly data (len bytes) */
};

struct initrd_model;

/* A model for the n wants (kept by reference until initrd_model_free). 0 or -ENOMEM. */
int initrd_model_new(struct initrd_want *w, size_t n, struct initrd_model **ret);
/* Applies the entries of r until its end: CPIO_END, CPIO_OTHER (see cpio_next), -EBADMSG for a
 * malformed stream or a name with a ".." component, -E2BIG past a million tracked names, -errno
 * of the reader. */
int initrd_model_feed(struct initrd_model *m, struct cpio_reader *r);
/* Sets present and matches of every want. */
void initrd_model_finish(struct initrd_model *m);
void initrd_model_free(struct initrd_model *m);
