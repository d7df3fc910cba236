/* onboot_kernel.c: one kernel's onboot: snapshot staged, image built from it, snapshot and set
 * committed only once the image is in place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_build.h"
#include "onboot_kernel.h"
#include "onboot_set.h"
#include "onboot_snapshot.h"

/* Before snapshots, onboot wrote CACHE_PATH/KVER/onboot.manifest; nothing reads it now. */
#define LEGACY_MANIFEST "onboot.manifest"

static void remove_legacy_manifest(const char *kcache)
{
	_cleanup_free_ char *p = path_join(kcache, LEGACY_MANIFEST);

	if (p && unlink(p) < 0 && errno != ENOENT)
		log_warning("Cannot remove %s: %s", p, strerror(errno));
}

/* After the image is in place: the snapshot and the set follow it. */
static int commit(struct onboot_request *req, struct temp *staged)
{
	const struct settings *s = req->s;
	int r;

	r = req->n ? onboot_snapshot_commit(staged, s->cache_path)
		   : onboot_snapshot_remove(s->cache_path);
	if (r == 0)
		r = onboot_set_write(s, req->v, req->n);
	if (r < 0) {
		log_error("%s holds the new image, but the onboot snapshot or set of %s was not "
			  "updated: run onboot again",
			  req->output, s->kernel_release);
		return r;
	}
	remove_legacy_manifest(s->cache_path);
	return 0;
}

int onboot_build_kernel(struct onboot_request *req, bool record)
{
	const struct settings *s = req->s;
	_cleanup_free_ char *text = NULL, *mpath = NULL;
	struct temp staged = TEMP_INIT;
	int r;

	r = onboot_manifest_text(s->kernel_release, s->log_boot_err, s->onboot_hook, req->v, req->n,
				 &text);
	if (r < 0)
		return log_error_errno(r, "Failed to write the manifest for %s", s->kernel_release);
	r = onboot_snapshot_stage(s->cache_path, text, req->v, req->n, NULL, &staged);
	if (r < 0)
		return r;
	mpath = path_join(staged.path, ONBOOT_SNAPSHOT_MANIFEST);
	if (!mpath) {
		r = log_error_errno(-ENOMEM, "Failed to build the initramfs");
		goto out;
	}
	req->manifest_path = mpath;
	req->manifest_text = text;
	r = onboot_build(req);
	if (r == 0 && record)
		r = commit(req, &staged);
out:
	req->manifest_path = req->manifest_text = NULL;
	temp_discard(&staged);
	return r;
}
