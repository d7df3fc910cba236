/* onboot_image.c: the new initramfs: staged beside the output, checked, put in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_image.h"
#include "manifest.h"
#include "onboot_initrd_scan.h"
#include "onboot_util.h"
#include "strfmt.h"

#define IMG_LOADER "usr/sbin/stap-early-loader"
#define IMG_DIR "usr/lib/stap-onboot"
#define IMG_MANIFEST IMG_DIR "/manifest"
/* Where the dracut module moves the image's init in earliest mode (early-loader/realinit.h). */
#define IMG_INIT_REAL "init.real"
#define IMG_HOOK_TAIL "dracut/hooks/cmdline/01-stap-early-loader.sh"

int onboot_image_stage(const char *output, struct temp *ret)
{
	_cleanup_free_ char *dir = onboot_dirname(output);
	const char *base = strrchr(output, '/') + 1;
	size_t busy = 0;
	int r;

	if (!dir)
		return log_error_errno(-ENOMEM, "Failed to prepare %s", output);
	/* The leftovers go first: they may hold the room the new image needs. A live temp of
	 * the same image is another onboot building it now (with a config of its own). */
	r = temp_clean(dir, base, &busy);
	if (r < 0)
		return log_error_errno(r, "Failed to read directory %s", dir);
	if (busy) {
		log_error("A temporary image of %s in %s is in use: is another systemtap-service "
			  "onboot running?",
			  output, dir);
		return -EBUSY;
	}
	r = temp_file_named(output, ret);
	if (r < 0)
		return log_error_errno(r, "Failed to create a temporary file in %s", dir);
	return 0;
}

/* Where dracut puts the hook: /usr/lib (merged /usr), /lib, or /var/lib (dracut-ng). */
static const char *const hook_paths[] = {
    "usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh",
    "lib/dracut/hooks/cmdline/01-stap-early-loader.sh",
    "var/lib/dracut/hooks/cmdline/01-stap-early-loader.sh",
};

/* The image's /init, our files and each NAME.ko, wanted from it with the bytes they must hold. */
enum { W_INIT, W_INIT_REAL, W_LOADER, W_MANIFEST, W_HOOK, W_KO = W_HOOK + ELEMENTSOF(hook_paths) };

static void wants_free(struct initrd_want *w, size_t n)
{
	for (size_t i = W_KO; w && i < n; i++) {
		free((char *)w[i].path);
		free((char *)w[i].data);
	}
	free(w);
}

/* The wants, each module's bytes read; -errno after log_error (a module of ours is unreadable:
 * nothing can be checked). */
static int make_wants(const struct onboot_script *v, size_t n, const char *manifest_text,
		      struct initrd_want **ret)
{
	struct initrd_want *w = calloc(W_KO + n, sizeof(*w));
	int r;

	if (!w)
		return log_error_errno(-ENOMEM, "Failed to check the image");
	w[W_INIT].path = "init";
	w[W_INIT_REAL].path = IMG_INIT_REAL;
	w[W_LOADER].path = IMG_LOADER;
	w[W_MANIFEST].path = IMG_MANIFEST;
	w[W_MANIFEST].data = manifest_text;
	w[W_MANIFEST].len = manifest_text ? strlen(manifest_text) : 0;
	for (size_t i = 0; i < ELEMENTSOF(hook_paths); i++)
		w[W_HOOK + i].path = hook_paths[i];
	for (size_t i = 0; i < n; i++) {
		const char *ko = v[i].ko_path;
		struct initrd_want *k = &w[W_KO + i];
		char *path, *data = NULL;

		if (asprintf(&path, IMG_DIR "/%s.ko", v[i].name) < 0) {
			wants_free(w, W_KO + i);
			return log_error_errno(-ENOMEM, "Failed to check the image");
		}
		k->path = path;
		r = read_file(ko, &data, &k->len);
		k->data = data;
		if (r < 0) {
			wants_free(w, W_KO + i + 1);
			return log_error_errno(r, "Failed to read %s", ko);
		}
	}
	*ret = w;
	return 0;
}

static bool have_hook(const struct initrd_want *w)
{
	for (size_t i = 0; i < ELEMENTSOF(hook_paths); i++)
		if (w[W_HOOK + i].present)
			return true;
	return false;
}

/* 0 and *ret: whether the image holds what w asks, or -ENOMEM. */
static int check_wants(const struct initrd_want *w, const char *image, bool early,
		       const struct onboot_script *v, size_t n, struct onboot_verdict *ret)
{
	if (!w[W_INIT].present)
		return onboot_refuse(ret, "%s holds no /init", image);
	if (n == 0) {
		if (w[W_MANIFEST].present || w[W_LOADER].present || have_hook(w))
			return onboot_refuse(ret, "%s still holds the onboot scripts", image);
		*ret = (struct onboot_verdict){.ok = true};
		return 0;
	}
	if (!w[W_LOADER].present)
		return onboot_refuse(ret, "%s lacks /" IMG_LOADER, image);
	if (!have_hook(w))
		return onboot_refuse(ret, "%s lacks the hook cmdline/01-stap-early-loader.sh",
				     image);
	if (!w[W_MANIFEST].present)
		return onboot_refuse(ret, "%s lacks /" IMG_MANIFEST, image);
	/* Earliest mode: /init is the loader, which execs the image's own init from there. */
	if (early && !w[W_INIT_REAL].present)
		return onboot_refuse(ret,
				     "%s lacks /" IMG_INIT_REAL
				     " (the image's own init, run by the loader as /init)",
				     image);
	/* The manifest inside must be the one written for this run, not an older one. */
	if (!w[W_MANIFEST].matches)
		return onboot_refuse(
		    ret, "/" IMG_MANIFEST " in %s differs from the manifest written", image);
	for (size_t i = 0; i < n; i++) {
		const struct initrd_want *k = &w[W_KO + i];

		if (!k->present)
			return onboot_refuse(ret, "%s lacks /%s", image, k->path);
		if (!k->matches)
			return onboot_refuse(ret, "/%s in %s differs from %s", k->path, image,
					     v[i].ko_path);
	}
	*ret = (struct onboot_verdict){.ok = true};
	return 0;
}

/* The image's mode is the manifest's: the snapshot's for --status and --refresh, whatever
 * ONBOOT_MODE says now. */
static bool manifest_is_early(const char *manifest_text)
{
	struct manifest m;
	bool early;

	if (!manifest_text ||
	    manifest_parse(manifest_text, strlen(manifest_text), "manifest", MANIFEST_BOOT, &m) < 0)
		return false;
	early = m.mode == MANIFEST_MODE_EARLY;
	manifest_free(&m);
	return early;
}

int onboot_image_check(unsigned timeout, const char *image, const struct onboot_script *v, size_t n,
		       const char *manifest_text, struct onboot_verdict *ret)
{
	/* Its decompressor belongs to the image's build: the same limit as dracut. */
	struct run_limit limit = {timeout, "DRACUT_TIMEOUT", "checking the image"};
	struct onboot_verdict scanned = {0};
	struct initrd_want *w = NULL;
	int r;

	r = make_wants(v, n, manifest_text, &w);
	if (r < 0)
		return r;
	r = initrd_scan(image, &limit, w, W_KO + n, &scanned);
	if (r == 0 && scanned.ok)
		r = check_wants(w, image, manifest_is_early(manifest_text), v, n, ret);
	else if (r == 0)
		*ret = scanned;
	wants_free(w, W_KO + n);
	return r;
}

/* The step of the commit that failed, for LOG_FILE (the caller reports the failure, once its
 * line is complete); returns err. */
static int __attribute__((format(printf, 2, 3))) log_step(int err, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = strdup_vprintf(fmt, ap);
	va_end(ap);
	log_line("Cannot %s: %s", what ? what : fmt, errno_reason(err));
	return err;
}

static int copy_mode_and_owner(const char *path, const char *output, bool *ret_have_old)
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
		return log_step(-errno, "stat %s", output);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return log_step(-errno, "open %s", path);
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)
		return log_step(-errno, "set the mode and owner of %s", path);
	if (fsync(fd) < 0)
		return log_step(-errno, "sync %s", path);
	*ret_have_old = have_old;
	return 0;
}

enum backup_done { BACKUP_NONE, BACKUP_LINKED, BACKUP_MOVED };

static int keep_backup(const char *output, const char *bak, enum backup_done *ret)
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
		return log_step(-errno, "keep %s as %s", output, bak);
	if (rename(output, bak) < 0)
		return log_step(-errno, "rename %s to %s", output, bak);
	*ret = BACKUP_MOVED;
	return 0;
}

int onboot_image_commit(struct temp *staged, const char *output, bool backup,
			enum onboot_backup *ret_backup)
{
	_cleanup_free_ char *bak = NULL;
	enum backup_done done = BACKUP_NONE;
	bool have_old = false;
	int r;

	r = copy_mode_and_owner(staged->path, output, &have_old);
	if (r < 0)
		return r;
	if (asprintf(&bak, "%s.bak", output) < 0)
		return -ENOMEM;
	if (backup && have_old) {
		r = keep_backup(output, bak, &done);
		if (r < 0)
			return r;
	}
	if (rename(staged->path, output) < 0) {
		r = log_step(-errno, "rename %s to %s", staged->path, output);
		if (done == BACKUP_LINKED)
			unlink(bak);
		else if (done == BACKUP_MOVED && rename(bak, output) < 0)
			log_error_errno(-errno, "Failed to rename %s back to %s", bak, output);
		return r;
	}
	temp_release(staged);
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
