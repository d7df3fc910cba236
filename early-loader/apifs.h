/* apifs.h: the kernel's API filesystems that PID 1 mounts before the first module loads. */
#pragma once

/* Mounts /proc, /sys, /dev (devtmpfs, for /dev/kmsg) and /run (tmpfs, for the LOG_BOOT_ERR
 * logs) below root ("" at boot) where nothing is mounted yet, with the options systemd and
 * dracut's init use, so that the real init finds them mounted and keeps them: both mount
 * only what is not mounted yet, and carry /run over to the real root. Each failure is
 * logged; none stops the boot. Returns the number of filesystems that could not be
 * mounted. */
int apifs_mount_all(const char *root);
