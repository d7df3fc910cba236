/* onboot_transaction.h: one onboot transaction for one kernel (onboot_transaction.c): stage the
 * snapshot, build the image from it and check it, then commit. `onboot`, `onboot --refresh`
 * and `onboot --refresh --image` are each one request to it. */
#pragma once
#include "onboot_request.h"

/* In this order, so that a failure at any step leaves what the kernel boots as it was:
 *   stage   the manifest of req->v and their modules in a temp directory of the kernel's cache
 *           (with req->not_built);
 *   build   with req->image: the room on the output's file system (preflight), dracut into a
 *           temp image beside it, the image checked byte for byte against the staged
 *           snapshot, renamed over the output (onboot_build); ONBOOT_IMAGE_IF_STALE skips an
 *           image that is missing or holds the snapshot already (said on stdout);
 *   commit  with req->keep: the staged snapshot replaces CACHE_PATH/KVER/onboot (removed when
 *           it lists no script and no failure), with req->record_set the set becomes req->v,
 *           with req->boot_loader the boot loader is pointed at the image.
 * ONBOOT_IMAGE_BUILD is all or nothing; with the other modes the snapshot is committed even
 * when the image fails. The scripts' ko_path then name the staged snapshot's files. 0 or -errno
 * after the messages. */
int onboot_transaction(struct onboot_request *req);
