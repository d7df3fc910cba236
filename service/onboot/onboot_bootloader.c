/* onboot_bootloader.c: pointing the boot loader at the new image (without -o). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_bootloader.h"
#include "onboot_util.h"
#include "run.h"
#include "strfmt.h"

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Boot Loader Spec entries next to BOOT_PATH: /boot/loader/entries, /boot/efi/loader/entries
 * or /efi/loader/entries (BOOT_PATH/../efi, so tests can use a temp root). */
static bool has_bls_entries(const char *boot_path)
{
	static const char *const rel[] = {"/loader/entries", "/efi/loader/entries",
					  "/../efi/loader/entries"};

	for (size_t i = 0; i < ELEMENTSOF(rel); i++) {
		_cleanup_free_ char *p = NULL;

		if (asprintf(&p, "%s%s", boot_path, rel[i]) < 0)
			return false;
		if (is_dir(p))
			return true;
	}
	return false;
}

/* Runs the tool under its limit: a boot loader script or a kernel-install plugin that hangs
 * must not hang onboot (nor a kernel install). kernel-install gets DRACUT_TIMEOUT: an initrd
 * generator plugin (Fedora's 50-dracut.install) may run dracut there once more. */
static int run_tool(const struct settings *s, const char *image, const char *what,
		    char *const argv[])
{
	_cleanup_free_ char *subject = strdup_printf("pointing the boot loader at %s", image),
			    *late = NULL;
	bool dracut_may_run = streq(what, "kernel-install");
	struct run_limit limit = {dracut_may_run ? s->dracut_timeout : s->tool_timeout,
				  dracut_may_run ? "DRACUT_TIMEOUT" : "TOOL_TIMEOUT", subject};
	int r;

	if (!subject)
		return log_error_errno(-ENOMEM, "Failed to run %s", argv[0]);
	r = run_logged_limited(argv, NULL, &limit, &late);
	if (r == 0) {
		log_detail(" Updating bootloader (%s) ... done\n", what);
		return 0;
	}
	clog(" Updating bootloader (%s) ... error\n", what);
	if (r == -ETIME)
		log_error("%s", late ? late : strerror(ETIME));
	else if (r < 0)
		log_error_errno(r, "Failed to run %s", argv[0]);
	else if (r > 0)
		log_error("Bootloader update failed: %s exited with status %d (output in the log)",
			  argv[0], r);
	return -EIO;
}

int onboot_update_bootloader(const struct settings *s, const char *image)
{
	char *kver = s->kernel_release;
	_cleanup_free_ char *tool = NULL, *vmlinuz = NULL, *a1 = NULL, *a2 = NULL;

	if (asprintf(&vmlinuz, "%s/vmlinuz-%s", s->boot_path, kver) < 0) {
		vmlinuz = NULL;
		return log_error_errno(-ENOMEM, "Failed to update the bootloader");
	}
	if (find_program(s->new_kernel_pkg, &tool) == 0) {
		char *argv[] = {tool, NULL, (char *)"--update", kver, NULL};

		if (asprintf(&a1, "--initrdfile=%s", image) < 0) {
			a1 = NULL;
			return log_error_errno(-ENOMEM, "Failed to update the bootloader");
		}
		argv[1] = a1;
		return run_tool(s, image, "new-kernel-pkg", argv);
	}
	if (find_program(s->grubby, &tool) == 0) {
		char *argv[] = {tool, NULL, NULL, NULL};

		if (asprintf(&a1, "--update-kernel=%s", vmlinuz) < 0) {
			a1 = NULL;
			return log_error_errno(-ENOMEM, "Failed to update the bootloader");
		}
		if (asprintf(&a2, "--initrd=%s", image) < 0) {
			a2 = NULL;
			return log_error_errno(-ENOMEM, "Failed to update the bootloader");
		}
		argv[1] = a1;
		argv[2] = a2;
		return run_tool(s, image, "grubby", argv);
	}
	if (has_bls_entries(s->boot_path) && find_program(s->kernel_install, &tool) == 0) {
		char *argv[] = {tool, (char *)"add", kver, vmlinuz, (char *)image, NULL};

		return run_tool(s, image, "kernel-install", argv);
	}
	log_detail("NB: no bootloader tool found (new-kernel-pkg, grubby, or kernel-install with "
		   "Boot Loader Spec entries); the boot loader finds %s by its name\n",
		   image);
	return 0;
}
