/* onboot_manifest.c: writing the per-kernel onboot manifest, staged then committed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "onboot_manifest.h"

#define MAX_BUFSIZE_MB 4095 /* staprun -b accepts 1..4095 */

void onboot_scripts_free(struct onboot_script *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int onboot_manifest_text(const char *kver, bool log_boot_err, const struct onboot_script *v,
			 size_t n, char **ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!kernel_release_valid(kver))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!script_name_valid(v[i].name) || (v[i].protocol != 4 && v[i].protocol != 5) ||
		    v[i].bufsize > MAX_BUFSIZE_MB)
			return -EINVAL;

	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	/* Line 1 must be the format line: comments only after it. */
	fprintf(f, "stap-onboot-manifest 1\n");
	fprintf(f, "# Written by systemtap-service onboot; run it again to change this file.\n");
	fprintf(f, "kernel %s\n", kver);
	fprintf(f, "log_boot_err %s\n", log_boot_err ? "yes" : "no");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "script %s protocol=%d bufsize=%u\n", v[i].name, v[i].protocol,
			v[i].bufsize);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret = text;
	return 0;
}

int onboot_manifest_stage(const char *cache_path, const char *text, struct onboot_temp *ret)
{
	struct onboot_temp t = ONBOOT_TEMP_INIT;
	int r;

	r = onboot_temp_create(cache_path, ONBOOT_MANIFEST_TEMP_PREFIX, &t);
	if (r < 0)
		return r;
	r = write_all(t.fd, text, strlen(text));
	if (r == 0 && fchmod(t.fd, 0644) < 0)
		r = -errno;
	if (r == 0 && fsync(t.fd) < 0)
		r = -errno;
	if (r < 0) {
		log_error_errno(r, "Failed to write %s", t.path);
		onboot_temp_remove(&t);
		return r;
	}
	*ret = t;
	return 0;
}

int onboot_manifest_commit(struct onboot_temp *staged, const char *cache_path)
{
	_cleanup_free_ char *path = path_join(cache_path, ONBOOT_MANIFEST_NAME);
	int r;

	if (!path)
		return log_error_errno(-ENOMEM, "Failed to update the manifest in %s", cache_path);
	if (rename(staged->path, path) < 0)
		return log_error_errno(-errno, "Failed to rename %s to %s", staged->path, path);
	onboot_temp_release(staged);
	r = fsync_parent_dir(path);
	if (r < 0)
		return log_error_errno(r, "Failed to sync the directory of %s", path);
	return 0;
}
