/* onboot_snapshot.h: the per-kernel onboot snapshot CACHE_PATH/KVER/onboot/: the manifest and
 * the exact .ko files it names (hard links to the cache's, else copies), and the scripts that
 * could not be built. It is what the dracut module packs, for `onboot` and for any later
 * `dracut -f`; compile, cleanup and start never change it. It is staged whole in a temp
 * directory of CACHE_PATH/KVER (tempfile.h) and swapped in with one rename. */
#pragma once
#include <stddef.h>

#include "manifest.h"
#include "onboot_manifest.h"
#include "tempfile.h"

#define ONBOOT_SNAPSHOT_DIR "onboot"
#define ONBOOT_SNAPSHOT_MANIFEST "manifest"
/* "NAME: why" lines for the recorded scripts that are not in this snapshot. */
#define ONBOOT_SNAPSHOT_FAILED "not-built"

/* kcache/onboot, newly allocated (NULL on ENOMEM). */
char *onboot_snapshot_path(const char *kcache);
/* Stages a snapshot in a new temp directory of kcache (tempfile.h): each v[i].ko_path
 * hard-linked (copied across file systems) as NAME.ko, then pointed there; manifest_text as
 * "manifest"; not_built (NULL or "") as ONBOOT_SNAPSHOT_FAILED; all fsynced. 0 and *ret, or
 * -errno after log_error (nothing left behind). */
int onboot_snapshot_stage(const char *kcache, const char *manifest_text, struct onboot_script *v,
			  size_t n, const char *not_built, struct temp *ret);
/* Puts the staged directory in place of kcache/onboot in one step (RENAME_EXCHANGE, or a plain
 * rename when there was none), removes the old one and releases t. 0 or -errno after log_error
 * (t is still staged: discard it). */
int onboot_snapshot_commit(struct temp *t, const char *kcache);
/* Removes kcache/onboot (renamed aside first, so it disappears at once). A missing one is
 * fine. 0 or -errno after log_error. */
int onboot_snapshot_remove(const char *kcache);

struct onboot_snapshot {
	char *dir;		 /* kcache/onboot */
	char *manifest_text;	 /* the manifest as written */
	struct manifest m;	 /* parsed */
	char *not_built;	 /* the ONBOOT_SNAPSHOT_FAILED text, "" when none */
	struct onboot_script *v; /* m's scripts with ko_path = dir/NAME.ko */
	size_t n;
};

/* Reads kcache/onboot. 0 and *ret, -ENOENT when kcache has no snapshot (nothing printed), or
 * -errno / -EBADMSG after log_error. */
int onboot_snapshot_load(const char *kcache, struct onboot_snapshot *ret);
void onboot_snapshot_free(struct onboot_snapshot *snap);
