/* cmd_onboot.c: `systemtap-service onboot [SCRIPT...] [-r KVER] [-o IMG] [-b]`: an initramfs
 * for kernel KVER that starts the scripts at boot, through our dracut module "systemtap".
 *
 * The command finds its tools and the output, fills the request (the scripts in start order
 * with their options, cmd_onboot_prepare.c), compiles and checks them with PASSALL, then hands
 * the request to the onboot transaction (onboot_transaction.c), which stages the kernel's
 * snapshot, builds and checks the image and commits all of it. --status, --refresh and
 * --forget are in cmd_onboot_status.c and cmd_onboot_refresh.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"
#include "cmd_onboot_prepare.h"
#include "commands.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_paths.h"
#include "onboot_transaction.h"
#include "strv.h"

/* onboot NAME...: the request's scripts, compiled and checked; n > 0 after success. */
static int prepare(struct invocation *inv, struct onboot_script **ret, size_t *ret_n)
{
	struct onboot_script *v = NULL;
	size_t n = 0;
	int r;

	r = onboot_scripts_named(inv, &v, &n);
	if (r == 0)
		r = onboot_prepare_scripts(inv, ONBOOT_FAILURE_PASSALL, &v, &n, NULL);
	if (r == 0 && n == 0) {
		log_error("No scripts left to operate on");
		r = -ENOENT;
	}
	if (r < 0) {
		onboot_scripts_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int build_image(struct invocation *inv)
{
	const struct settings *s = inv->s;
	_cleanup_free_ char *output = NULL, *dracut = NULL, *loader = NULL;
	bool with_scripts = strv_length(inv->names) > 0;
	struct onboot_request req = {.s = s, .image = ONBOOT_IMAGE_BUILD};
	int r;

	r = onboot_find_tools(s, inv->output, with_scripts, &output, &dracut, &loader);
	if (r < 0)
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
		r = prepare(inv, &req.v, &req.n);
		if (r < 0)
			return exit_code_of(r);
	}
	req.output = output;
	req.dracut = dracut;
	req.loader = loader;
	req.backup = inv->backup;
	/* -o makes a one-off image: the kernel's snapshot, the set and the boot loader stay. */
	req.keep = req.record_set = req.boot_loader = !inv->output;
	req.progress = log_verbose();
	r = onboot_transaction(&req);
	onboot_scripts_free(req.v, req.n);
	if (r < 0)
		return EXIT_FAIL;
	if (inv->output)
		clog("NB: bootloader was not updated\n");
	if (inv->nr_fails > 0)
		might_success(inv, "initramfs created");
	return EXIT_OK;
}

int cmd_onboot(struct invocation *inv)
{
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
	case ONBOOT_MODE_SAVE_LOG:
		return cmd_onboot_save_log(inv);
	case ONBOOT_MODE_CLOSE_LOG:
		return cmd_onboot_close_log(inv);
	case ONBOOT_MODE_BUILD:
		break;
	}
	return build_image(inv); /* cli_parse refused --image without --refresh */
}
