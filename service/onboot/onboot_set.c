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
#include "strv.h"
#include "tempfile.h"

char *onboot_set_path(const struct settings *s)
{
	return path_join(s->state_path, ONBOOT_SET_FILE);
}

int onboot_set_read(const struct settings *s, struct manifest *ret)
{
	_cleanup_free_ char *path = onboot_set_path(s);
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

int onboot_set_write(const struct settings *s, const struct onboot_script *v, size_t n)
{
	_cleanup_free_ char *path = onboot_set_path(s), *text = NULL;
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
		r = manifest_add_script(&m, v[i].name, 0, 0, NULL,
					settings_script_opt(s, v[i].name));
	if (r == 0)
		r = manifest_format(&m, &text);
	manifest_free(&m);
	if (r < 0)
		return log_error_errno(r, "Failed to record the onboot set in %s", path);
	r = mkdir_p(s->state_path, 0755);
	if (r == 0)
		r = write_file_atomic(path, text, strlen(text), 0644);
	if (r < 0)
		return log_error_errno(r, "Failed to write %s", path);
	return 0;
}

int onboot_set_apply(struct settings *s, const struct manifest *set, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;

	for (size_t i = 0; i < set->n_scripts; i++) {
		const struct manifest_script *ms = &set->scripts[i];
		_cleanup_free_ char *key = NULL;

		if (asprintf(&key, "%s_OPT", ms->name) < 0 || strv_push(&names, ms->name) < 0)
			return -ENOMEM;
		if (config_set(&s->cfg, key, ms->opts ? ms->opts : "", ONBOOT_SET_FILE) < 0)
			return -ENOMEM;
	}
	*ret = names;
	names = NULL;
	return 0;
}
