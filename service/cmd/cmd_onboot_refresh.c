/* cmd_onboot_refresh.c: `onboot --refresh [--image] -r KVER` and `onboot --forget -r KVER`,
 * what the kernel hooks run: the recorded onboot set follows kernel installs and removals the
 * way DKMS modules do. A script that does not build is reported and left out; the others
 * still go in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_common.h"
#include "commands.h"
#include "compile.h"
#include "config.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_build.h"
#include "onboot_headers.h"
#include "onboot_image.h"
#include "onboot_paths.h"
#include "onboot_scripts.h"
#include "onboot_set.h"
#include "onboot_snapshot.h"
#include "onboot_util.h"
#include "strv.h"

/* True when MODULES_PATH/KVER/build exists: stap -r KVER needs the kernel's headers. */
static bool have_headers(const struct settings *s, char **ret_build)
{
	struct stat st;

	if (asprintf(ret_build, "%s/%s/build", s->modules_path, s->kernel_release) < 0) {
		*ret_build = NULL;
		return false;
	}
	return stat(*ret_build, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Appends "NAME: why\n" to *text. */
static int add_not_built(char **text, const char *name, const char *why)
{
	char *n;

	if (asprintf(&n, "%s%s: %s\n", *text ? *text : "", name, why) < 0)
		return -ENOMEM;
	free(*text);
	*text = n;
	return 0;
}

/* Compiles the set for KVER; *ret_v gets what can start at boot, *ret_not_built the others. */
static int build_set(struct invocation *inv, char *const *names, struct onboot_script **ret_v,
		     size_t *ret_n, char **ret_not_built)
{
	_cleanup_strv_free_ char **compiled = NULL;
	struct compile_result *res = NULL;
	size_t n = strv_length(names);
	char *not_built = NULL;
	int r;

	r = compile_scripts(inv->s, names, true, &res);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		if (res[i].rc == 0)
			r = strv_push(&compiled, names[i]);
		else
			r = add_not_built(&not_built, names[i], "did not compile (see LOG_FILE)");
	}
	compile_results_free(res, r >= 0 ? n : 0);
	if (r >= 0)
		r = onboot_check_scripts(inv, compiled, ret_v, ret_n);
	for (size_t i = 0; r >= 0 && compiled && compiled[i]; i++) {
		bool in = false;

		for (size_t k = 0; k < *ret_n; k++)
			in = in || streq((*ret_v)[k].name, compiled[i]);
		if (!in)
			r = add_not_built(&not_built, compiled[i],
					  "cannot run at boot (see above)");
	}
	if (r < 0) {
		free(not_built);
		return r;
	}
	*ret_not_built = not_built;
	return 0;
}

/* --image: rebuilds KVER's image from its snapshot when the image exists and lacks it. */
static int refresh_image(struct invocation *inv)
{
	const struct settings *s = inv->s;
	_cleanup_free_ char *image = NULL, *dracut = NULL, *loader = NULL, *why = NULL,
			    *mpath = NULL;
	struct onboot_snapshot snap = {0};
	int r;

	r = onboot_resolve_output(s, NULL, &image);
	if (r < 0)
		return r;
	if (!path_exists(image)) {
		clog("No image %s yet: the kernel's own hook builds it with the onboot snapshot\n",
		     image);
		return 0;
	}
	r = onboot_snapshot_load(s->cache_path, &snap);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	if (onboot_image_verify(s, image, snap.v, snap.n, snap.manifest_text, &why) == 0) {
		clog("%s holds the onboot snapshot already\n", image);
		goto out;
	}
	r = onboot_find_program(s->dracut, &dracut);
	if (r < 0) {
		log_error("%s not found", s->dracut);
		goto out;
	}
	r = onboot_check_dracut_module();
	if (r == 0 && snap.n)
		r = onboot_find_loader(s, &loader);
	mpath = path_join(snap.dir, ONBOOT_SNAPSHOT_MANIFEST);
	if (r == 0 && !mpath)
		r = -ENOMEM;
	if (r == 0) {
		struct onboot_request req = {
		    .s = s,
		    .output = image,
		    .dracut = dracut,
		    .loader = loader,
		    .manifest_path = mpath,
		    .manifest_text = snap.manifest_text,
		    .v = snap.v,
		    .n = snap.n,
		};

		r = onboot_build(&req);
	}
out:
	onboot_snapshot_free(&snap);
	return r;
}

int cmd_onboot_refresh(struct invocation *inv)
{
	struct settings *s = inv->s;
	const char *kver = s->kernel_release;
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *build = NULL, *text = NULL, *not_built = NULL,
			    *set_path = onboot_set_path(s);
	struct manifest set = {0};
	struct temp staged = TEMP_INIT;
	struct onboot_script *v = NULL;
	size_t n = 0;
	int r;

	if (!set_path || onboot_set_read(s, &set) < 0)
		return EXIT_FAIL;
	r = mkdir_p(s->cache_path, 0755);
	if (r < 0) {
		log_error_errno(r, "Failed to make cache directory (%s)", s->cache_path);
		goto fail;
	}
	if (set.n_scripts == 0) {
		clog("No onboot set is recorded in %s: nothing to build for %s\n", set_path, kver);
		r = onboot_snapshot_remove(s->cache_path);
		manifest_free(&set);
		return r < 0 ? EXIT_FAIL : EXIT_OK;
	}
	if (!have_headers(s, &build) && !onboot_build_without_headers(s, &set, build)) {
		manifest_free(&set);
		return EXIT_OK;
	}
	/* A script that fails must not keep the others out of the new kernel's image. */
	s->passall = false;
	r = onboot_set_apply(s, &set, &names);
	if (r == 0) {
		clog("Building the onboot set for kernel %s:", kver);
		for (size_t i = 0; names[i]; i++)
			clog(" %s", names[i]);
		clog("\n");
		r = build_set(inv, names, &v, &n, &not_built);
	}
	if (r == 0)
		r = onboot_manifest_text(kver, s->log_boot_err, s->onboot_hook, v, n, &text);
	if (r == 0)
		r = onboot_snapshot_stage(s->cache_path, text, v, n, not_built, &staged);
	if (r == 0)
		r = onboot_snapshot_commit(&staged, s->cache_path);
	if (r == 0) {
		clog("Onboot snapshot of %s: %zu of %zu scripts (%s/" ONBOOT_SNAPSHOT_DIR ")\n",
		     kver, n, set.n_scripts, s->cache_path);
		if (not_built)
			log_error("Not built for kernel %s (left out of its image):\n%s", kver,
				  not_built);
		if (inv->image)
			r = refresh_image(inv);
	}
	temp_discard(&staged);
	onboot_scripts_free(v, n);
	manifest_free(&set);
	if (r < 0)
		return EXIT_FAIL;
	return not_built ? EXIT_FAIL : EXIT_OK;
fail:
	manifest_free(&set);
	return EXIT_FAIL;
}

int cmd_onboot_forget(struct invocation *inv)
{
	const struct settings *s = inv->s;
	int r;

	if (!path_exists(s->cache_path)) {
		clog("Nothing cached for kernel %s (%s)\n", s->kernel_release, s->cache_path);
		return EXIT_OK;
	}
	r = onboot_snapshot_remove(s->cache_path);
	if (r == 0)
		r = rm_rf(s->cache_path);
	if (r < 0) {
		log_error_errno(r, "Failed to remove %s", s->cache_path);
		return EXIT_FAIL;
	}
	clog("Removed the cache and onboot snapshot of kernel %s (%s)\n", s->kernel_release,
	     s->cache_path);
	return EXIT_OK;
}
