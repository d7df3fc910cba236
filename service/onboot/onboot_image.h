/* onboot_image.h: the new initramfs: staged beside the output, checked, put in place.
 *
 * The old image stays under its own name until the new one is complete and verified; then,
 * with -b, the old one is hard-linked to IMG.bak (renamed where links are impossible, e.g.
 * vfat) and the new one renamed over IMG: IMG always names a whole image. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "onboot_manifest.h"
#include "tempfile.h"
#include "settings.h"

/* A new temp image (named: dracut writes it) beside output (absolute), after the leftovers of
 * killed runs there went. 0 and *ret, -EBUSY when a live process holds a temp image of output,
 * or -errno, after log_error. */
int onboot_image_stage(const char *output, struct temp *ret);
/* Checks image as the kernel will unpack it, in one pass over its archives (initrd_scan: no
 * temp files; a compressed image goes through one decompressor): /init must be there; with
 * scripts also the loader, the cmdline/01 hook, the manifest (byte for byte manifest_text) and
 * every NAME.ko (byte for byte v[i].ko_path); without scripts none of ours. s is not used (the
 * image is read in place). Returns 0, or -EBADMSG / -errno with *ret_reason saying what is wrong
 * (newly allocated, may be NULL on ENOMEM; the caller prints it: the failure line must end first).
 */
int onboot_image_verify(const struct settings *s, const char *image, const struct onboot_script *v,
			size_t n, const char *manifest_text, char **ret_reason);
enum onboot_backup {
	ONBOOT_BACKUP_NOT_ASKED, /* no -b */
	ONBOOT_BACKUP_KEPT,	 /* the old image is now output.bak */
	ONBOOT_BACKUP_EXISTS,	 /* output.bak existed already and was left alone */
	ONBOOT_BACKUP_NO_OLD,	 /* there was no old image */
};

/* Gives the staged image the mode and owner of output (0600 when new), fsyncs it, keeps the
 * old image as output.bak when backup (an existing .bak is never replaced) and renames the
 * staged image over output. On failure output is what it was. Prints nothing (but a failed
 * undo). 0 and *ret_backup, or -errno and *ret_reason as for onboot_image_verify. */
int onboot_image_commit(struct temp *staged, const char *output, bool backup,
			enum onboot_backup *ret_backup, char **ret_reason);
