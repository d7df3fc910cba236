/* onboot_transaction.c: one kernel's onboot: snapshot staged, image built from it and checked,
 * then the image, the snapshot and the set committed, and the boot loader told. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_bootloader.h"
#include "onboot_build.h"
#include "onboot_image.h"
#include "onboot_preflight.h"
#include "onboot_set.h"
#include "onboot_snapshot.h"
#include "onboot_transaction.h"
#include "tempfile.h"

/* Before snapshots, onboot wrote CACHE_PATH/KVER/onboot.manifest; nothing reads it now. */
#define LEGACY_MANIFEST "onboot.manifest"

struct staged {
	struct temp dir;     /* the snapshot */
	char *manifest_text; /* its manifest, as written */
	char *manifest_path; /* where dracut's module finds it */
};

static void staged_free(struct staged *st)
{
	temp_discard(&st->dir);
	free(st->manifest_text);
	free(st->manifest_path);
}

/* stage: the snapshot of req in a temp directory of the kernel's cache. */
static int stage(struct onboot_request *req, struct staged *ret)
{
	const struct settings *s = req->s;
	struct staged st = {.dir = TEMP_INIT};
	int r;

	r = onboot_manifest_text(s->kernel_release, s->log_boot_err, s->onboot_hook,
				 s->onboot_log_size, req->v, req->n, &st.manifest_text);
	if (r < 0)
		return log_error_errno(r, "Failed to write the manifest for %s", s->kernel_release);
	r = mkdir_p(s->cache_path, 0755);
	if (r < 0) {
		log_error_errno(r, "Failed to make cache directory (%s)", s->cache_path);
		goto fail;
	}
	r = onboot_snapshot_stage(s->cache_path, st.manifest_text, req->v, req->n, req->not_built,
				  &st.dir);
	if (r < 0)
		goto fail;
	st.manifest_path = path_join(st.dir.path, ONBOOT_SNAPSHOT_MANIFEST);
	if (!st.manifest_path) {
		r = log_error_errno(-ENOMEM, "Failed to stage the onboot snapshot");
		goto fail;
	}
	*ret = st;
	return 0;
fail:
	staged_free(&st);
	return r;
}

/* ONBOOT_IMAGE_IF_STALE: true when the image exists and does not hold the staged snapshot. */
static int image_is_stale(const struct onboot_request *req, const struct staged *st,
			  bool *ret_stale)
{
	struct onboot_verdict v = {0};
	int r;

	if (!path_exists(req->output)) {
		clog("No image %s yet: the kernel's own hook builds it with the onboot snapshot\n",
		     req->output);
		*ret_stale = false;
		return 0;
	}
	r = onboot_image_check(req->s->dracut_timeout, req->output, req->v, req->n,
			       st->manifest_text, &v);
	if (r < 0)
		return r;
	if (v.ok)
		clog("%s holds the onboot snapshot already\n", req->output);
	else
		log_line("%s is rebuilt: %s", req->output, v.why);
	*ret_stale = !v.ok;
	onboot_verdict_free(&v);
	return 0;
}

/* build: the image from the staged snapshot, checked and renamed into place. *ret_built says
 * whether there is a new image. */
static int build(const struct onboot_request *req, const struct staged *st, bool *ret_built)
{
	bool stale = true;
	int r;

	if (req->image == ONBOOT_IMAGE_IF_STALE) {
		r = image_is_stale(req, st, &stale);
		if (r < 0 || !stale) {
			*ret_built = false;
			return r;
		}
	}
	r = onboot_preflight(req->output, onboot_request_payload(req));
	if (r == 0)
		r = onboot_build(req, st->manifest_path, st->manifest_text);
	if (r < 0)
		return r;
	*ret_built = true;
	return 0;
}

static void remove_legacy_manifest(const char *kcache)
{
	_cleanup_free_ char *p = path_join(kcache, LEGACY_MANIFEST);

	if (p && unlink(p) < 0 && errno != ENOENT)
		log_warning("Cannot remove %s: %s", p, strerror(errno));
}

/* commit: the snapshot and the set follow what was built. */
static int commit(const struct onboot_request *req, struct staged *st, bool built)
{
	const struct settings *s = req->s;
	int r;

	r = req->n || (req->not_built && *req->not_built)
		? onboot_snapshot_commit(&st->dir, s->cache_path)
		: onboot_snapshot_remove(s->cache_path);
	if (r == 0 && req->record_set)
		r = onboot_set_write(s->state_path, req->v, req->n);
	if (r < 0) {
		if (built)
			log_error(
			    "%s holds the new image, but the onboot snapshot or set of %s was "
			    "not updated: run onboot again",
			    req->output, s->kernel_release);
		return r;
	}
	remove_legacy_manifest(s->cache_path);
	return 0;
}

int onboot_transaction(struct onboot_request *req)
{
	struct staged st = {.dir = TEMP_INIT};
	bool built = false;
	int r, image_r = 0;

	/* Nothing to start and no image: the commit removes the snapshot, nothing is staged (nor
	 * a cache directory made for a kernel that has none). */
	if (req->image == ONBOOT_IMAGE_NONE && req->n == 0 && !(req->not_built && *req->not_built))
		return req->keep ? onboot_snapshot_remove(req->s->cache_path) : 0;
	r = stage(req, &st);
	if (r < 0)
		return r;
	if (req->image != ONBOOT_IMAGE_NONE) {
		image_r = build(req, &st, &built);
		if (image_r < 0 && req->image == ONBOOT_IMAGE_BUILD) {
			r = image_r;
			goto out;
		}
	}
	if (req->keep)
		r = commit(req, &st, built);
	if (r == 0 && built && req->boot_loader)
		r = onboot_update_bootloader(req->s, req->output);
out:
	staged_free(&st);
	return r < 0 ? r : image_r;
}
