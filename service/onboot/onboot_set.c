/* onboot_set.c: reading and recording STATE_PATH/onboot.set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_set.h"
#include "tempfile.h"

char *onboot_set_path(const char *state_path)
{
	return path_join(state_path, ONBOOT_SET_FILE);
}

int onboot_set_read(const char *state_path, struct manifest *ret)
{
	_cleanup_free_ char *path = onboot_set_path(state_path);
	struct manifest m;
	int r;

	if (!path)
		return log_error_errno(-ENOMEM, "Failed to read the onboot set");
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		*ret = (struct manifest){.kind = MANIFEST_SET};
		return 0;
	}
	r = manifest_load(path, MANIFEST_SET, &m);
	if (r < 0)
		return r;
	if (m.bad_lines) {
		manifest_free(&m);
		log_error("%s has lines that were ignored (above): run onboot again to record the "
			  "set",
			  path);
		return -EBADMSG;
	}
	*ret = m;
	return 0;
}

int onboot_set_write(const char *state_path, const struct onboot_script *v, size_t n)
{
	_cleanup_free_ char *path = onboot_set_path(state_path), *text = NULL;
	struct manifest m = {.kind = MANIFEST_SET};
	int r = 0;

	if (!path)
		return log_error_errno(-ENOMEM, "Failed to record the onboot set");
	if (n == 0) {
		if (unlink(path) < 0 && errno != ENOENT)
			return log_error_errno(-errno, "Failed to clear the onboot set %s", path);
		return 0;
	}
	for (size_t i = 0; i < n && r == 0; i++)
		r = manifest_add_script(&m, v[i].name, 0, 0, NULL, v[i].opts ? v[i].opts : "");
	if (r == 0)
		r = manifest_format(&m, &text);
	manifest_free(&m);
	if (r < 0)
		return log_error_errno(r, "Failed to record the onboot set in %s", path);
	r = mkdir_p(state_path, 0755);
	if (r == 0)
		r = write_file_atomic(path, text, strlen(text), 0644);
	if (r < 0)
		return log_error_errno(r, "Failed to write %s", path);
	return 0;
}

int onboot_set_scripts(const struct manifest *set, struct onboot_script **ret, size_t *ret_n)
{
	size_t n = set->n_scripts;
	struct onboot_script *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct manifest_script *ms = &set->scripts[i];

		v[i].name = strdup(ms->name);
		v[i].opts = strdup(ms->opts ? ms->opts : "");
		if (!v[i].name || !v[i].opts) {
			onboot_scripts_free(v, i + 1);
			return -ENOMEM;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
