/* upstream_options.c: reading upstream's NAME.options (see upstream_options.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "upstream_options.h"

/* A NAME.options is a few lines; more is no options file. */
#define OPTIONS_FILE_MAX (64 * 1024)

int upstream_options_parse(const char *text, size_t len, const char *origin,
			   struct upstream_options *ret)
{
	struct config cfg = {0};
	const char *stap, *staprun;
	struct upstream_options o;
	int r;

	r = config_parse_text(&cfg, text, len, origin);
	if (r < 0) {
		config_free(&cfg);
		return r;
	}
	stap = config_get(&cfg, "STAP_OPTIONS");
	staprun = config_get(&cfg, "STAPRUN_OPTIONS");
	o.stap = strdup(stap ? stap : "");
	o.staprun = strdup(staprun ? staprun : "");
	config_free(&cfg);
	if (!o.stap || !o.staprun) {
		upstream_options_free(&o);
		return log_error_errno(-ENOMEM, "Failed to read %s", origin);
	}
	*ret = o;
	return 0;
}

int upstream_options_read(const char *path, struct upstream_options *ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = read_file_limited(path, OPTIONS_FILE_MAX, &text, &len);

	if (r == -ENOENT)
		return r;
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path);
	return upstream_options_parse(text, len, path, ret);
}

void upstream_options_free(struct upstream_options *o)
{
	free(o->stap);
	free(o->staprun);
	*o = (struct upstream_options){0};
}
