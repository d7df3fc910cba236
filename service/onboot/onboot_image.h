/* onboot_image.h: the new initramfs: staged beside the output, checked, put in place.
 *
 * The old image stays under its own name until the new one is complete and verified; then,
 * with -b, the old one is hard-linked to IMG.bak (renamed where links are impossible, e.g.
 * vfat) and the new one renamed over IMG: IMG always names a whole image. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "onboot_manifest.h"
#include "onboot_util.h"
#include "tempfile.h"
#include "settings.h"

/* A new temp image (named: dracut writes it) beside output (absolute), after the leftovers of
 * killed runs there went. 0 and *ret, -EBUSY when a live process holds a temp image of output,
 * or -errno, after log_error. */
int onboot_image_stage(const char *output, struct temp *ret);
/* Checks image as the kernel will unpack it, in one pass over its archives (initrd_scan: no
 * temp files; a compressed image goes through one decompressor, within timeout seconds, 0: no
 * limit): /init must be there; with scripts also the loader, the cmdline/01 hook, the manifest
 * (byte for byte manifest_text) and every NAME.ko (byte for byte v[i].ko_path); without
 * scripts none of ours. 0 and *ret (holds it, or why not), -EINTR after a signal, or -errno
 * after log_error (a module of v cannot be read). */
int onboot_image_check(unsigned timeout, const char *image, const struct onboot_script *v, size_t n,
		       const char *manifest_text, struct onboot_verdict *ret);
enum onboot_backup {
	ONBOOT_BACKUP_NOT_ASKED, /* no -b */
	ONBOOT_BACKUP_KEPT,	 /* the old image is now output.bak */
	ONBOOT_BACKUP_EXISTS,	 /* output.bak existed already and was left alone */
	ONBOOT_BACKUP_NO_OLD,	 /* there was no old image */
};

/* Gives the staged image the mode and owner of output (0600 when new), fsyncs it, keeps the
 * old image as output.bak when backup (an existing .bak is never replaced) and renames the
 * staged image over output (staged is released). 0 and *ret_backup, or -errno (the step that
 * failed in LOG_FILE, for the caller to report) with output as it was and staged still there
 * (discard it). */
int onboot_image_commit(struct temp *staged, const char *output, bool backup,
			enum onboot_backup *ret_backup);
