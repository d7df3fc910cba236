/* onboot_kernel.h: one kernel's onboot, snapshot to committed image (onboot_kernel.c). */
#pragma once
#include <stdbool.h>
#include "onboot_build.h"

/* onboot for one kernel: stages KVER's snapshot of req->v (their ko_path then name the
 * snapshot's files) with not_built (may be NULL), builds and checks the image from it
 * (onboot_build, req->manifest_* are set here). When record: on success the snapshot replaces
 * CACHE_PATH/KVER/onboot (removed when n is 0) and the set is recorded; else (-o) the staged
 * snapshot is removed and nothing is recorded. 0 or -errno after the messages. */
int onboot_build_kernel(struct onboot_request *req, bool record);
