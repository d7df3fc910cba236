/* onboot_bootloader.h: pointing the boot loader at the new image (without -o). */
#pragma once
#include "settings.h"

/* For s->kernel_release and image, runs the first available of
 *   NEW_KERNEL_PKG --initrdfile=IMAGE --update KVER
 *   GRUBBY --update-kernel=BOOT_PATH/vmlinuz-KVER --initrd=IMAGE
 *   KERNEL_INSTALL add KVER BOOT_PATH/vmlinuz-KVER IMAGE   (only with Boot Loader Spec
 *       entries: BOOT_PATH/loader/entries, BOOT_PATH/efi/loader/entries or
 *       BOOT_PATH/../efi/loader/entries; the image is always passed, else dracut's
 *       kernel-install plugin would build a default image without our scripts)
 * saying " Updating bootloader (TOOL) ... done" or that no tool was found (the image is at the
 * name the boot loader already loads) as a detail (log_detail), " Updating bootloader (TOOL)
 * ... error" on stdout.
 * Returns 0, or -EIO after log_error when the tool failed, or -errno. */
int onboot_update_bootloader(const struct settings *s, const char *image);
