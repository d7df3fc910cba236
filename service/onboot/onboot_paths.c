/* onboot_paths.c: where onboot finds what it needs and writes what it makes: the output image,
 * our dracut module, the loader. Shared by onboot and onboot --refresh. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "config.h"
#include "log.h"
#include "macro.h"
#include "onboot_build.h"
#include "onboot_paths.h"
#include "onboot_util.h"

#ifndef SBINDIR
#define SBINDIR "/usr/sbin"
#endif
#ifndef DRACUTMODDIR
#define DRACUTMODDIR "/usr/lib/dracut/modules.d"
#endif

/* The image onboot writes: -o made absolute, else the kernel's image in BOOT_PATH
 * (onboot_default_image). A symlink is followed (as dracut does) so the link itself stays. */
int onboot_resolve_output(const struct settings *s, const char *opt, char **ret)
{
	_cleanup_free_ char *path = NULL, *dir = NULL;
	struct stat st;
	int r;

	if (opt) {
		r = onboot_absolute_path(opt, &path);
		if (r < 0)
			return log_error_errno(r, "Invalid output path '%s'", opt);
	} else {
		r = onboot_default_image(s, s->kernel_release, &path);
		if (r < 0)
			return log_error_errno(r, "Failed to name the output image");
	}
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *target = realpath(path, NULL);

		if (!target)
			return log_error_errno(-errno, "Failed to follow the symlink %s", path);
		free(path);
		path = target;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return log_error_errno(-EISDIR, "The output %s is not a regular file", path);
	dir = onboot_dirname(path);
	if (!dir)
		return log_error_errno(-ENOMEM, "Failed to name the output image");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return log_error_errno(-ENOENT, "The directory %s of the output does not exist",
				       dir);
	*ret = path;
	path = NULL;
	return 0;
}

/* Our dracut module where dracut will look: $dracutbasedir/modules.d (dracut honours that
 * variable and we pass our environment on) or DRACUTMODDIR. */
int onboot_check_dracut_module(void)
{
	const char *base = getenv("dracutbasedir");
	_cleanup_free_ char *pattern = NULL;
	glob_t g;
	int found;

	if (asprintf(&pattern, "%s%s/[0-9][0-9]" ONBOOT_DRACUT_MODULE "/module-setup.sh",
		     base && *base ? base : DRACUTMODDIR, base && *base ? "/modules.d" : "") < 0)
		return log_error_errno(-ENOMEM, "Failed to look for the dracut module");
	found = glob(pattern, GLOB_NOSORT, NULL, &g) == 0;
	globfree(&g);
	if (!found) {
		log_error("SystemTap dracut module " ONBOOT_DRACUT_MODULE " not found (no %s)",
			  pattern);
		return -ENOENT;
	}
	return 0;
}

/* STAP_EARLY_LOADER set in the config, else from the environment, else the default
 * (SBINDIR's); made absolute, since dracut installs it by path. */
int onboot_find_loader(const struct settings *s, char **ret)
{
	const char *p = config_get(&s->cfg, "STAP_EARLY_LOADER");
	_cleanup_free_ char *found = NULL;
	int r;

	if (!p || !*p)
		p = getenv("STAP_EARLY_LOADER");
	if (!p || !*p)
		p = s->early_loader;
	r = find_program(p, &found);
	if (r == -ENOENT) {
		log_error("stap-early-loader not found at %s", p);
		return r;
	}
	if (r < 0)
		return log_error_errno(r, "Failed to find stap-early-loader");
	r = onboot_absolute_path(found, ret);
	if (r < 0)
		return log_error_errno(r, "Failed to find stap-early-loader");
	return 0;
}

int onboot_find_tools(const struct settings *s, const char *opt_output, bool with_scripts,
		      char **ret_output, char **ret_dracut, char **ret_loader)
{
	_cleanup_free_ char *output = NULL, *dracut = NULL, *loader = NULL;
	int r;

	if (find_program(s->dracut, &dracut) < 0) {
		log_error("%s not found", s->dracut);
		return -ENOENT;
	}
	r = onboot_resolve_output(s, opt_output, &output);
	if (r == 0 && with_scripts) {
		r = onboot_check_dracut_module();
		if (r == 0)
			r = onboot_find_loader(s, &loader);
	}
	if (r < 0)
		return r;
	*ret_output = output;
	*ret_dracut = dracut;
	*ret_loader = loader;
	output = dracut = loader = NULL;
	return 0;
}
