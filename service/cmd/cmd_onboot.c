/* cmd_onboot.c: `systemtap-service onboot [SCRIPT...] [-r KVER] [-o IMG] [-b]`: an initramfs
 * for kernel KVER that starts the scripts at boot, through our dracut module "systemtap".
 *
 * Order of work, so that a failure at any step leaves the old image, the snapshot and the set
 * untouched: tools and paths, compile, option checks, room on the output's file system, the
 * kernel's snapshot staged in the cache, dracut into a temp file beside the output, the image
 * check (onboot_image.c reads it in C), then the image renamed into place (IMG.bak kept with
 * -b), the snapshot swapped in and the set recorded (not with -o), and the bootloader told
 * (without -o). --status, --refresh and --forget are in cmd_onboot_status.c and
 * cmd_onboot_refresh.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_common.h"
#include "commands.h"
#include "compile.h"
#include "deps.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_bootloader.h"
#include "onboot_build.h"
#include "onboot_image.h"
#include "onboot_kernel.h"
#include "onboot_paths.h"
#include "onboot_preflight.h"
#include "onboot_scripts.h"
#include "onboot_snapshot.h"
#include "onboot_util.h"
#include "strv.h"

#define MANIFEST_ROOM 4096 /* bytes counted for the manifest in the estimate */

int onboot_start_order(struct invocation *inv, char ***ret)
{
	_cleanup_strv_free_ char **sorted = NULL, **picked = NULL;
	int r;

	r = deps_sort(inv->s, inv->names, &sorted);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to order the scripts");
	if (r < 0) {
		do_failure("Failed to sort dependency");
		return -ELOOP;
	}
	if (inv->s->recursive) {
		*ret = sorted;
		sorted = NULL;
		return 0;
	}
	for (size_t i = 0; sorted && sorted[i]; i++)
		if (strv_contains(inv->names, sorted[i]) && strv_push(&picked, sorted[i]) < 0)
			return log_error_errno(-ENOMEM, "Failed to order the scripts");
	*ret = picked;
	picked = NULL;
	return 0;
}

/* Compiles what has no valid cache; *ret gets the names that compiled. */
static int compile_needed(struct invocation *inv, char *const *names, char ***ret)
{
	_cleanup_strv_free_ char **ok = NULL;
	struct compile_result *res = NULL;
	size_t n = strv_length(names);
	int r;

	r = compile_scripts(inv->s, names, true, &res);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (res[i].rc == 0) {
			if (strv_push(&ok, names[i]) < 0) {
				r = -ENOMEM;
				break;
			}
			continue;
		}
		/* compile_scripts printed " Compiling NAME ... error" and logged why. */
		if (might_failf(inv, "Could not compile %s (%d)", names[i], res[i].rc)) {
			r = -ECANCELED;
			break;
		}
	}
	compile_results_free(res, n);
	if (r < 0)
		return r;
	*ret = ok;
	ok = NULL;
	return 0;
}

/* Sum of what the image gains: modules, loader, manifest. */
static uint64_t payload_size(const struct onboot_script *v, size_t n, const char *loader)
{
	uint64_t total = MANIFEST_ROOM, size;

	for (size_t i = 0; i < n; i++)
		total += v[i].ko_size;
	if (loader && onboot_file_size(loader, &size) == 0)
		total += size;
	return total;
}

/* Compiles and checks the named scripts; *ret gets the ones to start at boot (n > 0). */
static int prepare_scripts(struct invocation *inv, struct onboot_script **ret, size_t *ret_n)
{
	_cleanup_strv_free_ char **order = NULL, **compiled = NULL;
	struct onboot_script *v = NULL;
	size_t n = 0;
	int r;

	r = onboot_start_order(inv, &order);
	if (r < 0)
		return r;
	r = compile_needed(inv, order, &compiled);
	if (r < 0)
		return r;
	r = onboot_check_scripts(inv, compiled, &v, &n);
	if (r < 0)
		return r;
	if (n == 0) {
		onboot_scripts_free(v, n);
		log_error("No scripts left to operate on");
		return -ENOENT;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int cmd_onboot(struct invocation *inv)
{
	struct settings *s = inv->s;
	_cleanup_free_ char *output = NULL, *dracut = NULL, *loader = NULL;
	struct onboot_script *v = NULL;
	size_t n = 0;
	bool with_scripts = strv_length(inv->names) > 0;
	int r;

	switch (inv->onboot) {
	case ONBOOT_MODE_STATUS:
		return cmd_onboot_status(inv);
	case ONBOOT_MODE_REFRESH:
		return cmd_onboot_refresh(inv);
	case ONBOOT_MODE_FORGET:
		return cmd_onboot_forget(inv);
	case ONBOOT_MODE_PACK:
		return cmd_onboot_pack(inv);
	case ONBOOT_MODE_LOAD:
		return cmd_onboot_load(inv);
	case ONBOOT_MODE_IMPORT:
		return cmd_onboot_import(inv);
	case ONBOOT_MODE_BUILD:
		break;
	}
	if (inv->image) {
		log_error("--image goes with --refresh");
		return EXIT_USAGE;
	}
	if (onboot_find_program(s->dracut, &dracut) < 0) {
		log_error("%s not found", s->dracut);
		return EXIT_FAIL;
	}
	r = onboot_resolve_output(s, inv->output, &output);
	if (r < 0)
		return EXIT_FAIL;
	if (with_scripts &&
	    (onboot_check_dracut_module() < 0 || onboot_find_loader(s, &loader) < 0))
		return EXIT_FAIL;
	r = mkdir_p(s->cache_path, 0755);
	if (r < 0) {
		log_error_errno(r, "Failed to make cache directory (%s)", s->cache_path);
		return EXIT_FAIL;
	}
	if (inv->stap_onboot && with_scripts) { /* moving from upstream: its modules first */
		size_t found;
		if (onboot_import_upstream(inv, &found) < 0)
			return EXIT_FAIL;
	}
	if (with_scripts) {
		r = prepare_scripts(inv, &v, &n);
		if (r == -ELOOP)
			return EXIT_DEPENDENCY;
		if (r < 0)
			return EXIT_FAIL;
	}

	r = onboot_preflight(output, payload_size(v, n, loader));
	if (r == 0) {
		struct onboot_request req = {
		    .s = s,
		    .output = output,
		    .dracut = dracut,
		    .loader = loader,
		    .v = v,
		    .n = n,
		    .backup = inv->backup,
		};

		/* -o makes a one-off image: the kernel's snapshot and the set stay. */
		r = onboot_build_kernel(&req, !inv->output);
	}
	onboot_scripts_free(v, n);
	if (r < 0)
		return EXIT_FAIL;

	if (inv->output)
		clog("NB: bootloader was not updated\n");
	else if (onboot_update_bootloader(s, output) < 0)
		return EXIT_FAIL;
	if (inv->nr_fails > 0)
		might_success(inv, "initramfs created");
	return EXIT_OK;
}
