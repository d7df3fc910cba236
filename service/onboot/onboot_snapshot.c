/* onboot_snapshot.c: staging, swapping in, reading and removing CACHE_PATH/KVER/onboot/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_snapshot.h"
#include "onboot_util.h"
#include "tempfile.h"

char *onboot_snapshot_path(const char *kcache)
{
	return path_join(kcache, ONBOOT_SNAPSHOT_DIR);
}

/* dir/name gets data, fsynced, mode 0644, created exclusively (nothing there to follow). */
static int write_new(const char *dir, const char *name, const char *data)
{
	_cleanup_free_ char *p = path_join(dir, name);
	_cleanup_close_ int fd = -1;
	int r;

	if (!p)
		return -ENOMEM;
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return log_error_errno(-errno, "Failed to create %s", p);
	r = write_all(fd, data, strlen(data));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r < 0)
		return log_error_errno(r, "Failed to write %s", p);
	return 0;
}

/* dir/NAME.ko becomes the same file as src (a hard link: no copy, and the cache replacing
 * its own file by rename never changes it), or a copy where links cannot be made. */
static int add_module(const char *dir, struct onboot_script *s)
{
	_cleanup_free_ char *dst = NULL;
	int r;

	if (asprintf(&dst, "%s/%s.ko", dir, s->name) < 0)
		return log_error_errno(-ENOMEM, "Failed to stage the onboot snapshot");
	if (link(s->ko_path, dst) < 0) {
		if (errno != EXDEV && errno != EPERM && errno != EMLINK)
			return log_error_errno(-errno, "Failed to link %s to %s", s->ko_path, dst);
		r = copy_file_atomic(s->ko_path, dst, 0644);
		if (r < 0)
			return log_error_errno(r, "Failed to copy %s to %s", s->ko_path, dst);
	}
	free(s->ko_path);
	s->ko_path = dst;
	dst = NULL;
	return 0;
}

static int fsync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

int onboot_snapshot_stage(const char *kcache, const char *manifest_text, struct onboot_script *v,
			  size_t n, const char *not_built, struct temp *ret)
{
	struct temp staged = TEMP_INIT;
	const char *dir;
	int r;

	r = temp_dir(kcache, ONBOOT_SNAPSHOT_DIR, &staged);
	if (r < 0)
		return log_error_errno(r, "Failed to make a directory in %s", kcache);
	dir = staged.path;
	if (fchmod(staged.fd, 0755) < 0) {
		r = log_error_errno(-errno, "Failed to set the mode of %s", dir);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		r = add_module(dir, &v[i]);
		if (r < 0)
			goto fail;
	}
	r = write_new(dir, ONBOOT_SNAPSHOT_MANIFEST, manifest_text);
	if (r == 0 && not_built && *not_built)
		r = write_new(dir, ONBOOT_SNAPSHOT_FAILED, not_built);
	if (r < 0)
		goto fail;
	if (fsync(staged.fd) < 0) {
		r = log_error_errno(-errno, "Failed to sync %s", dir);
		goto fail;
	}
	*ret = staged;
	return 0;
fail:
	temp_discard(&staged);
	return r;
}

int onboot_snapshot_commit(struct temp *t, const char *kcache)
{
	const char *staged = t->path;
	_cleanup_free_ char *dst = onboot_snapshot_path(kcache);
	int r;

	if (!dst)
		return log_error_errno(-ENOMEM, "Failed to put the onboot snapshot in place");
	/* The exchange leaves no moment without a snapshot: a dracut run at any time packs
	 * either the old set or the new one, never a mix. */
	if (renameat2(AT_FDCWD, staged, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) {
		/* The staged name holds the old snapshot now: unlocked, a leftover if we die. */
		close(t->fd);
		t->fd = -1;
		r = rm_rf(staged);
		if (r < 0)
			log_warning("Cannot remove the old onboot snapshot %s: %s", staged,
				    strerror(-r));
	} else if (errno == ENOENT || errno == EINVAL || errno == ENOSYS) {
		/* No old one (ENOENT), or a file system without the exchange. */
		if (errno != ENOENT)
			rm_rf(dst);
		if (rename(staged, dst) < 0)
			return log_error_errno(-errno, "Failed to rename %s to %s", staged, dst);
	} else
		return log_error_errno(-errno, "Failed to put %s in place of %s", staged, dst);
	temp_release(t);
	r = fsync_dir(kcache);
	if (r < 0)
		return log_error_errno(r, "Failed to sync %s", kcache);
	return 0;
}

int onboot_snapshot_remove(const char *kcache)
{
	_cleanup_free_ char *dir = onboot_snapshot_path(kcache);
	struct temp aside = TEMP_INIT;
	int r;

	if (!dir)
		return log_error_errno(-ENOMEM, "Failed to remove the onboot snapshot");
	if (access(dir, F_OK) < 0)
		return errno == ENOENT ? 0 : log_error_errno(-errno, "Failed to remove %s", dir);
	/* Moved over an empty temp directory: the name then holds the old snapshot, which no
	 * one locks, so if we are killed before it is gone the next run removes it. */
	r = temp_dir(kcache, ONBOOT_SNAPSHOT_DIR, &aside);
	if (r < 0)
		return log_error_errno(r, "Failed to remove %s", dir);
	if (rename(dir, aside.path) < 0) {
		r = -errno;
		temp_discard(&aside);
		if (r == -ENOENT)
			return 0;
		return log_error_errno(r, "Failed to remove %s", dir);
	}
	close(aside.fd);
	aside.fd = -1;
	temp_discard(&aside);
	(void)fsync_dir(kcache);
	return 0;
}

/* The scripts of m as onboot_scripts whose modules are dir/NAME.ko. */
static int scripts_of(const struct manifest *m, const char *dir, struct onboot_script **ret)
{
	struct onboot_script *v = calloc(m->n_scripts ? m->n_scripts : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_scripts; i++) {
		const struct manifest_script *ms = &m->scripts[i];

		v[i].name = strdup(ms->name);
		v[i].protocol = ms->protocol;
		v[i].bufsize = ms->bufsize;
		if (!v[i].name || asprintf(&v[i].ko_path, "%s/%s.ko", dir, ms->name) < 0) {
			v[i].ko_path = NULL;
			onboot_scripts_free(v, i + 1);
			return -ENOMEM;
		}
	}
	*ret = v;
	return 0;
}

int onboot_snapshot_load(const char *kcache, struct onboot_snapshot *ret)
{
	struct onboot_snapshot snap = {0};
	_cleanup_free_ char *mpath = NULL, *fpath = NULL;
	size_t len;
	int r;

	snap.dir = onboot_snapshot_path(kcache);
	mpath = snap.dir ? path_join(snap.dir, ONBOOT_SNAPSHOT_MANIFEST) : NULL;
	fpath = snap.dir ? path_join(snap.dir, ONBOOT_SNAPSHOT_FAILED) : NULL;
	if (!mpath || !fpath) {
		r = log_error_errno(-ENOMEM, "Failed to read the onboot snapshot in %s", kcache);
		goto fail;
	}
	r = read_file_limited(mpath, MANIFEST_FILE_MAX, &snap.manifest_text, &len);
	if (r == -ENOENT)
		goto fail;
	if (r < 0) {
		log_error_errno(r, "Failed to read %s", mpath);
		goto fail;
	}
	r = manifest_parse(snap.manifest_text, len, mpath, MANIFEST_BOOT, &snap.m);
	if (r == 0 && snap.m.bad_lines)
		r = log_error_errno(-EBADMSG, "%s has lines that were ignored", mpath);
	if (r < 0)
		goto fail;
	r = read_file_limited(fpath, MANIFEST_FILE_MAX, &snap.not_built, NULL);
	if (r == -ENOENT)
		snap.not_built = strdup("");
	else if (r < 0) {
		log_error_errno(r, "Failed to read %s", fpath);
		goto fail;
	}
	if (!snap.not_built || scripts_of(&snap.m, snap.dir, &snap.v) < 0) {
		r = log_error_errno(-ENOMEM, "Failed to read the onboot snapshot in %s", kcache);
		goto fail;
	}
	snap.n = snap.m.n_scripts;
	*ret = snap;
	return 0;
fail:
	onboot_snapshot_free(&snap);
	return r;
}

void onboot_snapshot_free(struct onboot_snapshot *snap)
{
	onboot_scripts_free(snap->v, snap->n);
	manifest_free(&snap->m);
	free(snap->dir);
	free(snap->manifest_text);
	free(snap->not_built);
	*snap = (struct onboot_snapshot){0};
}
