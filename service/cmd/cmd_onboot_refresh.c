/* cmd_onboot_refresh.c: `onboot --refresh [--image] -r KVER` and `onboot --forget -r KVER`,
 * what the kernel hooks run: the recorded onboot set follows kernel installs and removals the
 * way DKMS modules do. The set becomes one onboot request for KVER (onboot_transaction.c); a
 * script that does not build is left out and named in the snapshot, the others still go in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_common.h"
#include "cmd_onboot_prepare.h"
#include "commands.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_headers.h"
#include "onboot_paths.h"
#include "onboot_set.h"
#include "onboot_snapshot.h"
#include "onboot_transaction.h"
#include "strfmt.h"

/* True when MODULES_PATH/KVER/build exists: stap -r KVER needs the kernel's headers. */
static bool have_headers(const struct settings *s, char **ret_build)
{
	struct stat st;

	*ret_build = strdup_printf("%s/%s/build", s->modules_path, s->kernel_release);
	return *ret_build && stat(*ret_build, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --image: the image and what rebuilding it needs, when it exists (else the request builds
 * none). 0 or -errno after a message. */
static int image_tools(const struct settings *s, struct onboot_request *req, char **ret_output,
		       char **ret_dracut, char **ret_loader)
{
	_cleanup_free_ char *output = NULL;
	int r;

	r = onboot_resolve_output(s, NULL, &output);
	if (r < 0)
		return r;
	if (!path_exists(output)) {
		clog("No image %s yet: the kernel's own hook builds it with the onboot snapshot\n",
		     output);
		req->image = ONBOOT_IMAGE_NONE;
		return 0;
	}
	r = onboot_find_tools(s, output, req->n > 0, ret_output, ret_dracut, ret_loader);
	if (r < 0)
		return r;
	req->image = ONBOOT_IMAGE_IF_STALE;
	req->output = *ret_output;
	req->dracut = *ret_dracut;
	req->loader = *ret_loader;
	return 0;
}

static void say_set(const char *kver, const struct onboot_script *v, size_t n)
{
	clog("Building the onboot set for kernel %s:", kver);
	for (size_t i = 0; i < n; i++)
		clog(" %s", v[i].name);
	clog("\n");
}

int cmd_onboot_refresh(struct invocation *inv)
{
	const struct settings *s = inv->s;
	const char *kver = s->kernel_release;
	_cleanup_free_ char *build = NULL, *not_built = NULL, *set_path = NULL, *output = NULL,
			    *dracut = NULL, *loader = NULL;
	struct onboot_request req = {.s = s, .image = ONBOOT_IMAGE_NONE, .keep = true};
	struct manifest set = {0};
	size_t n_set;
	int r;

	set_path = onboot_set_path(s->state_path);
	if (!set_path || onboot_set_read(s->state_path, &set) < 0)
		return EXIT_FAIL;
	n_set = set.n_scripts;
	if (n_set == 0)
		clog("No onboot set is recorded in %s: nothing to build for %s\n", set_path, kver);
	else if (!have_headers(s, &build) && !onboot_build_without_headers(s, &set, build)) {
		manifest_free(&set);
		return EXIT_OK;
	}
	r = onboot_set_scripts(&set, &req.v, &req.n);
	manifest_free(&set);
	if (r < 0) {
		log_error_errno(r, "Failed to read the onboot set");
		return EXIT_FAIL;
	}
	if (req.n) {
		say_set(kver, req.v, req.n);
		r = onboot_prepare_scripts(inv, ONBOOT_FAILURE_LEAVE_OUT, &req.v, &req.n,
					   &not_built);
	}
	if (r == 0 && inv->image && n_set)
		r = image_tools(s, &req, &output, &dracut, &loader);
	req.not_built = not_built;
	req.progress = log_verbose();
	if (r == 0)
		r = onboot_transaction(&req);
	if (r == 0 && n_set) {
		clog("Onboot snapshot of %s: %zu of %zu scripts (%s/" ONBOOT_SNAPSHOT_DIR ")\n",
		     kver, req.n, n_set, s->cache_path);
		if (not_built) {
			_cleanup_free_ char *shown =
			    strdup_escape_cntrl(not_built, strlen(not_built), true);
			log_error("Not built for kernel %s (left out of its image):\n%s", kver,
				  shown ? shown : "");
		}
	}
	onboot_scripts_free(req.v, req.n);
	if (r < 0)
		return EXIT_FAIL;
	return not_built ? EXIT_FAIL : EXIT_OK;
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
