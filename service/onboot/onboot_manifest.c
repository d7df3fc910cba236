/* onboot_manifest.c: the manifest text of the scripts one image starts (common/manifest). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "onboot_manifest.h"

void onboot_scripts_free(struct onboot_script *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].opts);
		free(v[i].ko_path);
	}
	free(v);
}

int onboot_manifest_text(const char *kver, bool log_boot_err, bool hook_mode,
			 unsigned long long log_size, const struct onboot_script *v, size_t n,
			 char **ret)
{
	struct manifest m = {
	    .kind = MANIFEST_BOOT,
	    .log_boot_err = log_boot_err,
	    .log_size = log_size,
	    .mode = hook_mode ? MANIFEST_MODE_HOOK : MANIFEST_MODE_EARLY,
	};
	int r = 0;

	if (!kernel_release_valid(kver))
		return -EINVAL;
	m.kernel = strdup(kver);
	if (!m.kernel)
		return -ENOMEM;
	for (size_t i = 0; i < n && r == 0; i++)
		r = manifest_add_script(&m, v[i].name, v[i].protocol, v[i].bufsize, NULL, NULL);
	if (r == 0)
		r = manifest_format(&m, ret);
	manifest_free(&m);
	return r;
}
