/* settings_test.h: a main config and a conf.d in a temp directory, loaded by settings_load,
 * for the settings tests (header-only). */
#pragma once
#include <stdio.h>
#include <stdlib.h>

#include "fsutil.h"
#include "settings.h"
#include "svc_test.h"

static char *tmpdir;
static char main_conf[512], conf_d[512];

/* Creates the temp directory (name: prefix + pid + random) and the two paths; exits 2 when it
 * cannot. */
static inline void settings_test_begin(const char *prefix)
{
	if (make_temp_dir("/tmp", prefix, &tmpdir) < 0)
		exit(2);
	snprintf(main_conf, sizeof(main_conf), "%s/config", tmpdir);
	snprintf(conf_d, sizeof(conf_d), "%s/conf.d", tmpdir);
}

static inline void settings_test_end(void)
{
	rm_rf(tmpdir);
	free(tmpdir);
}

/* Writes text as the main config (CONFIG_PATH pointing at conf_d first) and loads it for
 * kernel kver; *err: what was logged (to free). settings_load's return value. */
static inline int load(struct settings *s, const char *text, const char *kver, char **err)
{
	char *full;
	struct capture c;
	int r;

	if (asprintf(&full, "CONFIG_PATH=%s\n%s", conf_d, text) < 0)
		exit(2);
	put_file(main_conf, full);
	free(full);
	capture_begin(&c);
	r = settings_load(s, main_conf, kver);
	*err = capture_end(&c);
	return r;
}
