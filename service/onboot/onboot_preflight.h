/* onboot_preflight.h: where the new image will live, and whether it fits there.
 *
 * The estimate of the room the new image needs (documented in the man page):
 *   base    = the size of the image it replaces, or 32 MiB when there is none;
 *   payload = the cached .ko files, the loader and the manifest;
 *   need    = base + payload + max(base / 10, 4 MiB) (compression and module changes vary).
 * The old image stays in place until the new one is verified, so both exist at once; the
 * backup (-b) costs nothing more: it is the old image itself, hard-linked (or renamed). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct onboot_fs {
	char *device;	/* /dev/vda1, or the mount source when there is no block device */
	char *fstype;	/* ext4, tmpfs, overlay, ... (NULL when unknown) */
	char *uuid;	/* file system UUID (NULL when none or unknown) */
	bool block;	/* device is a block device */
	uint64_t avail; /* bytes free for unprivileged writers (statvfs f_bavail) */
};

/* Describes the file system holding dir: st_dev -> blkid_devno_to_devname -> blkid probe
 * for TYPE/UUID; without a block device (tmpfs, overlay, btrfs subvolume) from
 * /proc/self/mountinfo. 0 or -errno (statvfs/stat failures, after log_error). */
int onboot_fs_probe(const char *dir, struct onboot_fs *ret);
void onboot_fs_free(struct onboot_fs *fs);
/* The estimate above, in bytes. current = 0 when there is no image yet. */
uint64_t onboot_estimate_need(uint64_t current, uint64_t payload);
/* Says " Checking space on DEVICE (TYPE, UUID=...) ... done" for the directory of output as a
 * detail (log_detail), and refuses, changing nothing, when the estimate does not fit: that line
 * with "error" on stdout, then -ENOSPC after log_error. */
int onboot_preflight(const char *output, uint64_t payload);
