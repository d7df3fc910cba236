/* onboot_paths.h: the output image, our dracut module and the loader, found for onboot and
 * onboot --refresh (onboot_paths.c). */
#pragma once
#include <stdbool.h>

#include "settings.h"

/* onboot's output image: -o made absolute, else onboot_default_image; a symlink is followed.
 * 0 and *ret, or -errno after log_error. */
int onboot_resolve_output(const struct settings *s, const char *opt, char **ret);
/* 0 when dracut will find our module, else -ENOENT after log_error. */
int onboot_check_dracut_module(void);
/* The stap-early-loader to pack (STAP_EARLY_LOADER), absolute. 0 or -errno after log_error. */
int onboot_find_loader(const struct settings *s, char **ret);
/* What an image needs: dracut (DRACUT on PATH), the output (onboot_resolve_output of opt_output),
 * and with scripts our dracut module and the loader; each missing one said. 0 and the three
 * (newly allocated; *ret_loader NULL without scripts), or -errno after log_error. */
int onboot_find_tools(const struct settings *s, const char *opt_output, bool with_scripts,
		      char **ret_output, char **ret_dracut, char **ret_loader);
