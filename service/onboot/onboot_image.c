/* onboot_image.c: the new initramfs: staged beside the output, checked, put in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_image.h"
#include "onboot_util.h"
#include "run.h"
#include "strv.h"

#define IMG_LOADER "usr/sbin/stap-early-loader"
#define IMG_DIR "usr/lib/stap-onboot"
#define IMG_MANIFEST IMG_DIR "/manifest"
#define IMG_HOOK_TAIL "dracut/hooks/cmdline/01-stap-early-loader.sh"

char *onboot_image_temp_prefix(const char *output)
{
	const char *base = strrchr(output, '/');
	char *prefix;

	base = base ? base + 1 : output;
	if (asprintf(&prefix, ".%s.stap-onboot.", base) < 0)
		return NULL;
	return prefix;
}

int onboot_image_clean_stale(const char *output)
{
	_cleanup_free_ char *dir = onboot_dirname(output),
			    *prefix = onboot_image_temp_prefix(output);

	if (!dir || !prefix)
		return log_error_errno(-ENOMEM, "Failed to prepare %s", output);
	return onboot_temp_clean_stale(dir, prefix);
}

int onboot_image_stage(const char *output, struct onboot_temp *ret)
{
	_cleanup_free_ char *dir = onboot_dirname(output),
			    *prefix = onboot_image_temp_prefix(output);

	if (!dir || !prefix)
		return log_error_errno(-ENOMEM, "Failed to prepare %s", output);
	return onboot_temp_create(dir, prefix, ret);
}

/* Where dracut puts the hook: /usr/lib (merged /usr), /lib, or /var/lib (dracut-ng). */
static const char *const hook_paths[] = {
    "usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh",
    "lib/dracut/hooks/cmdline/01-stap-early-loader.sh",
    "var/lib/dracut/hooks/cmdline/01-stap-early-loader.sh",
};

/* LSINITRD --unpack IMAGE init, our files, each NAME.ko: one decompression of the image. */
static int unpack_argv(const struct settings *s, const char *image, const struct onboot_script *v,
		       size_t n, char ***ret)
{
	_cleanup_strv_free_ char **argv = NULL;

	if (strv_push(&argv, s->lsinitrd) < 0 || strv_push(&argv, "--unpack") < 0 ||
	    strv_push(&argv, image) < 0 || strv_push(&argv, "init") < 0 ||
	    strv_push(&argv, IMG_LOADER) < 0 || strv_push(&argv, IMG_MANIFEST) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(hook_paths); i++)
		if (strv_push(&argv, hook_paths[i]) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char *ko;

		if (asprintf(&ko, IMG_DIR "/%s.ko", v[i].name) < 0)
			return -ENOMEM;
		if (strv_consume(&argv, ko) < 0)
			return -ENOMEM;
	}
	*ret = argv;
	argv = NULL;
	return 0;
}

static bool unpacked(const char *dir, const char *rel)
{
	_cleanup_free_ char *p = path_join(dir, rel);
	struct stat st;

	return p && lstat(p, &st) == 0;
}

static bool unpacked_hook(const char *dir)
{
	for (size_t i = 0; i < ELEMENTSOF(hook_paths); i++)
		if (unpacked(dir, hook_paths[i]))
			return true;
	return false;
}

/* 1 when file rel under dir holds exactly the bytes of want_path (or of want_text). */
static bool unpacked_equals(const char *dir, const char *rel, const char *want_path,
			    const char *want_text)
{
	_cleanup_free_ char *p = path_join(dir, rel), *got = NULL, *want = NULL;
	size_t got_len, want_len;

	if (!p || read_file(p, &got, &got_len) < 0)
		return false;
	if (want_text)
		return got_len == strlen(want_text) && memcmp(got, want_text, got_len) == 0;
	if (read_file(want_path, &want, &want_len) < 0)
		return false;
	return got_len == want_len && memcmp(got, want, got_len) == 0;
}

static int check_unpacked(const char *dir, const char *image, const struct onboot_script *v,
			  size_t n, const char *manifest_text, char **ret_reason)
{
	if (!unpacked(dir, "init"))
		return onboot_reason(ret_reason, -EBADMSG, "lsinitrd finds no /init in %s", image);
	if (n == 0) {
		if (unpacked(dir, IMG_MANIFEST) || unpacked(dir, IMG_LOADER) || unpacked_hook(dir))
			return onboot_reason(ret_reason, -EBADMSG,
					     "%s still holds the onboot scripts", image);
		return 0;
	}
	if (!unpacked(dir, IMG_LOADER))
		return onboot_reason(ret_reason, -EBADMSG, "%s lacks /" IMG_LOADER, image);
	if (!unpacked_hook(dir))
		return onboot_reason(ret_reason, -EBADMSG,
				     "%s lacks the hook cmdline/01-stap-early-loader.sh", image);
	if (!unpacked(dir, IMG_MANIFEST))
		return onboot_reason(ret_reason, -EBADMSG, "%s lacks /" IMG_MANIFEST, image);
	/* The manifest inside must be the one written for this run, not an older one. */
	if (!unpacked_equals(dir, IMG_MANIFEST, NULL, manifest_text))
		return onboot_reason(ret_reason, -EBADMSG,
				     "/" IMG_MANIFEST " in %s differs from the manifest written",
				     image);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *rel = NULL;
		const char *ko = v[i].ko_path;

		if (asprintf(&rel, IMG_DIR "/%s.ko", v[i].name) < 0)
			return onboot_reason(ret_reason, -ENOMEM, "%s", strerror(ENOMEM));
		if (!unpacked(dir, rel))
			return onboot_reason(ret_reason, -EBADMSG, "%s lacks /%s", image, rel);
		if (!unpacked_equals(dir, rel, ko, NULL))
			return onboot_reason(ret_reason, -EBADMSG, "/%s in %s differs from %s", rel,
					     image, ko);
	}
	return 0;
}

int onboot_image_verify(const struct settings *s, const char *image, const struct onboot_script *v,
			size_t n, const char *manifest_text, char **ret_reason)
{
	_cleanup_strv_free_ char **argv = NULL;
	_cleanup_free_ char *dir = NULL, *out = NULL;
	int r;

	r = unpack_argv(s, image, v, n, &argv);
	if (r < 0)
		return onboot_reason(ret_reason, r, "%s", strerror(-r));
	r = make_temp_dir(s->temp_path, "stap-onboot-check.", &dir);
	if (r < 0)
		return onboot_reason(ret_reason, r, "cannot make a directory in %s: %s",
				     s->temp_path, strerror(-r));
	r = run_capture(argv, dir, &out);
	if (r < 0)
		r = onboot_reason(ret_reason, r, "cannot run %s: %s", s->lsinitrd, strerror(-r));
	else if (r > 0)
		r = onboot_reason(ret_reason, -EBADMSG, "%s --unpack %s exited with status %d",
				  s->lsinitrd, image, r);
	else
		r = check_unpacked(dir, image, v, n, manifest_text, ret_reason);
	rm_rf(dir);
	return r;
}

static int copy_mode_and_owner(const char *path, const char *output, bool *ret_have_old,
			       char **ret_reason)
{
	_cleanup_close_ int fd = -1;
	struct stat old;
	bool have_old = true;
	mode_t mode = 0600;
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (stat(output, &old) == 0) {
		mode = old.st_mode & 07777;
		uid = old.st_uid;
		gid = old.st_gid;
	} else if (errno == ENOENT) {
		have_old = false;
	} else {
		return onboot_reason(ret_reason, -errno, "cannot stat %s: %m", output);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return onboot_reason(ret_reason, -errno, "cannot open %s: %m", path);
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)
		return onboot_reason(ret_reason, -errno, "cannot set the mode and owner of %s: %m",
				     path);
	if (fsync(fd) < 0)
		return onboot_reason(ret_reason, -errno, "cannot sync %s: %m", path);
	*ret_have_old = have_old;
	return 0;
}

enum backup_done { BACKUP_NONE, BACKUP_LINKED, BACKUP_MOVED };

static int keep_backup(const char *output, const char *bak, enum backup_done *ret,
		       char **ret_reason)
{
	if (path_exists(bak)) {
		*ret = BACKUP_NONE;
		return 0;
	}
	if (link(output, bak) == 0) {
		*ret = BACKUP_LINKED;
		return 0;
	}
	/* File systems without hard links (vfat): move it; the rename below follows at once. */
	if (errno != EPERM && errno != EOPNOTSUPP && errno != EMLINK && errno != ENOSYS)
		return onboot_reason(ret_reason, -errno, "cannot keep %s as %s: %m", output, bak);
	if (rename(output, bak) < 0)
		return onboot_reason(ret_reason, -errno, "cannot rename %s to %s: %m", output, bak);
	*ret = BACKUP_MOVED;
	return 0;
}

int onboot_image_commit(struct onboot_temp *staged, const char *output, bool backup,
			enum onboot_backup *ret_backup, char **ret_reason)
{
	_cleanup_free_ char *bak = NULL;
	enum backup_done done = BACKUP_NONE;
	bool have_old = false;
	int r;

	r = copy_mode_and_owner(staged->path, output, &have_old, ret_reason);
	if (r < 0)
		return r;
	if (asprintf(&bak, "%s.bak", output) < 0)
		return onboot_reason(ret_reason, -ENOMEM, "%s", strerror(ENOMEM));
	if (backup && have_old) {
		r = keep_backup(output, bak, &done, ret_reason);
		if (r < 0)
			return r;
	}
	if (rename(staged->path, output) < 0) {
		r = onboot_reason(ret_reason, -errno, "cannot rename %s to %s: %m", staged->path,
				  output);
		if (done == BACKUP_LINKED)
			unlink(bak);
		else if (done == BACKUP_MOVED && rename(bak, output) < 0)
			log_error_errno(-errno, "Failed to rename %s back to %s", bak, output);
		return r;
	}
	onboot_temp_release(staged);
	r = fsync_parent_dir(output);
	if (r < 0)
		log_warning("Failed to sync the directory of %s: %s", output, strerror(-r));
	if (!backup)
		*ret_backup = ONBOOT_BACKUP_NOT_ASKED;
	else if (!have_old)
		*ret_backup = ONBOOT_BACKUP_NO_OLD;
	else
		*ret_backup = done == BACKUP_NONE ? ONBOOT_BACKUP_EXISTS : ONBOOT_BACKUP_KEPT;
	return 0;
}
