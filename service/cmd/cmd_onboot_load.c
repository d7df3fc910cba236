/* cmd_onboot_load.c: `onboot --load FILE`, as DKMS's ldtarball: a pack made on a build host
 * (onboot --pack) is read into a directory under TEMP_PATH, every member checked against its
 * index, and every module against the kernel it claims (vermagic, and the signature when
 * MODULE_SIGN_CERT is set) and against its script's digest; only when all of it holds are the
 * modules put into the caches (cache_install, as a compile would), missing scripts into
 * SCRIPT_PATH and the set recorded. Nothing on this machine runs stap. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cache_install.h"
#include "cmd_common.h"
#include "commands.h"
#include "fsutil.h"
#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "onboot_headers.h"
#include "onboot_set.h"
#include "onboot_util.h"
#include "pack_check.h"
#include "pack_stream.h"
#include "script_conf.h"
#include "names.h"
#include "strv.h"
#include "tempfile.h"

/* The sink that writes each member to stage/PATH. */
struct stage {
	const char *dir;
	int fd; /* of the member being written, -1 between members */
};

static int stage_open(struct stage *st, const struct pack_file *f)
{
	_cleanup_free_ char *p = path_join(st->dir, f->path), *d = NULL;
	int r;

	if (!p || !(d = onboot_dirname(p)))
		return -ENOMEM;
	r = mkdir_p(d, 0700);
	if (r < 0)
		return log_error_errno(r, "Failed to create %s", d);
	st->fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return st->fd < 0 ? log_error_errno(-errno, "Failed to create %s", p) : 0;
}

static int stage_data(void *ctx, const struct pack_file *f, const void *buf, size_t len)
{
	struct stage *st = ctx;
	int r = st->fd < 0 ? stage_open(st, f) : 0;

	if (r == 0 && (r = write_all(st->fd, buf, len)) < 0)
		log_error_errno(r, "Failed to unpack %s", f->path);
	return r;
}

static int stage_end(void *ctx, const struct pack_file *f)
{
	struct stage *st = ctx;
	int r = st->fd < 0 ? stage_open(st, f) : 0; /* an empty member */

	if (r == 0 && close(st->fd) < 0)
		r = log_error_errno(-errno, "Failed to unpack %s", f->path);
	st->fd = -1;
	return r;
}

static ssize_t fd_read(void *ctx, void *buf, size_t n)
{
	ssize_t k;

	do
		k = read(*(int *)ctx, buf, n);
	while (k < 0 && errno == EINTR);
	return k < 0 ? -errno : k;
}

/* Reads and checks file into stage; *ret the index. 0 or -errno after a message. */
static int unpack(const char *file, const char *stage, struct pack_index *ret)
{
	_cleanup_close_ int fd = open_regular(file, O_RDONLY, 0);
	struct stage st = {stage, -1};
	struct pack_sink sink = {stage_data, stage_end, &st};
	struct cpio_reader *r;
	int k;

	if (fd < 0)
		return log_error_errno(fd, "Failed to read %s", file);
	r = malloc(sizeof(*r));
	if (!r)
		return log_error_errno(-ENOMEM, "Failed to read %s", file);
	cpio_reader_init(r, fd_read, NULL, &fd);
	k = pack_read(r, file, &sink, ret);
	if (st.fd >= 0)
		close(st.fd);
	free(r);
	return k;
}

/* Puts the checked modules of kernel p->kernels[k] into its cache. */
static int install_kernel(struct settings *s, const struct pack_check *p, size_t k)
{
	_cleanup_free_ char *work = path_join(p->stage, p->kernels[k].release);
	struct timespec now;
	int r;

	if (!work)
		return -ENOMEM;
	r = settings_use_kernel(s, p->kernels[k].release);
	if (r == 0)
		r = mkdir_p(s->cache_path, 0755);
	if (r < 0)
		return log_error_errno(r, "Failed to create the cache of %s", s->cache_path);
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < p->kernels[k].n && r == 0; i++)
		r = cache_install(s, p->kernels[k].names[i], work, &now, &p->kernels[k].meta[i]);
	if (r == 0)
		clog("Loaded for kernel %s: %s (into %s)\n", p->kernels[k].release,
		     p->kernels[k].joined, s->cache_path);
	return r;
}

/* Scripts, caches, set, options: in an order where a failure leaves no module without its
 * script. */
static int install(struct settings *s, const struct pack_check *p)
{
	_cleanup_free_ char *set_src = path_join(p->stage, PACK_SET_PATH),
			    *set_dst = onboot_set_path(s->state_path);
	int r = mkdir_p(s->script_path, 0755);

	for (size_t i = 0; r == 0 && i < p->set.n_scripts; i++) {
		_cleanup_free_ char *src = NULL, *dst = NULL;
		const char *name = p->set.scripts[i].name;

		if (asprintf(&src, "%s/" PACK_SCRIPTS_DIR "/%s.stp", p->stage, name) < 0 ||
		    asprintf(&dst, "%s/%s.stp", s->script_path, name) < 0)
			return -ENOMEM;
		if (path_exists(dst))
			continue; /* the same bytes: pack_check_scripts made sure */
		r = copy_file_atomic(src, dst, 0644);
		if (r < 0)
			return log_error_errno(r, "Failed to write %s", dst);
		clog("Wrote %s\n", dst);
	}
	for (size_t i = 0; r == 0 && i < p->set.n_scripts; i++)
		r = script_conf_adopt(s, p->set.scripts[i].name, p->set.scripts[i].opts,
				      "the pack");
	for (size_t k = 0; r == 0 && k < p->n_kernels && !interrupted(); k++)
		r = install_kernel(s, p, k);
	if (r == 0 && (!set_src || !set_dst))
		r = -ENOMEM;
	if (r == 0)
		r = mkdir_p(s->state_path, 0755);
	if (r == 0)
		r = copy_file_atomic(set_src, set_dst, 0644);
	if (r < 0)
		return log_error_errno(r, "Failed to record the onboot set in %s",
				       set_dst ? set_dst : "STATE_PATH");
	clog("Recorded the onboot set in %s: %s\n", set_dst, p->set_joined);
	return 0;
}

/* Installed kernels (BOOT_PATH/vmlinuz-KVER) whose caches lack some of the set now (not in
 * the pack, not built on the build host, not loaded before): named with the commands that
 * bring them; for the others, what puts the set into their images. */
static void report_kernels(struct settings *s, const struct pack_check *p)
{
	_cleanup_free_ char *pattern = NULL;
	char hint[512];
	glob_t g;
	size_t prefix;

	if (asprintf(&pattern, "%s/vmlinuz-*", s->boot_path) < 0 || glob(pattern, 0, NULL, &g))
		return;
	prefix = strlen(s->boot_path) + strlen("/vmlinuz-");
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *kver = g.gl_pathv[i] + prefix;
		_cleanup_free_ char *missing = NULL;

		if (!kernel_release_valid(kver) || settings_use_kernel(s, kver) < 0 ||
		    onboot_set_unbuilt(s, &p->set, &missing) < 0)
			continue;
		if (missing)
			log_warning("Kernel %s is installed and has no module of %s: %s", kver,
				    missing, onboot_prebuilt_hint(kver, hint, sizeof(hint)));
		else
			clog(
			    "Kernel %s is installed: systemtap-service onboot --refresh --image -r "
			    "%s puts the set into its image\n",
			    kver, kver);
	}
	globfree(&g);
}

int cmd_onboot_load(struct invocation *inv)
{
	struct settings *s = inv->s;
	_cleanup_free_ char *file = NULL;
	struct temp stage = TEMP_INIT;
	struct pack_index ix = {0};
	struct pack_check p = {0};
	int r;

	if (inv->names_given) {
		log_error("--load takes no script names: the pack's set is loaded whole");
		return EXIT_USAGE;
	}
	r = onboot_absolute_path(inv->pack_file, &file);
	if (r == 0)
		r = temp_dir(s->temp_path, "load", &stage);
	if (r < 0) {
		log_error_errno(r, "Failed to load %s", inv->pack_file);
		return EXIT_FAIL;
	}
	clog("Loading %s ...\n", file);
	r = unpack(file, stage.path, &ix);
	if (r == 0 && !interrupted())
		r = pack_check(s, file, stage.path, &ix, &p);
	if (r == 0 && !interrupted())
		r = install(s, &p);
	if (r == 0 && !interrupted())
		report_kernels(s, &p);
	pack_check_free(&p);
	pack_index_free(&ix);
	temp_discard(&stage);
	if (r == -ENOMEM)
		log_error_errno(r, "Failed to load %s", file);
	return r < 0 || interrupted() ? EXIT_FAIL : EXIT_OK;
}
