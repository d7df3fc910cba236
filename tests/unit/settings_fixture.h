/* settings_fixture.h: a main config and a conf.d in the program's temp directory, loaded by
 * settings_load, for the settings tests (header-only). */
#pragma once
#include <stdio.h>
#include <stdlib.h>

#include "fsutil.h"
#include "settings.h"
#include "capture.h"
#include "files.h"
#include "test.h"

static const char *tmpdir;
static char main_conf[512], conf_d[512];

/* The program's TEST_SETUP: the two paths in the program's temp directory. */
static inline void settings_fixture_setup(void)
{
	tmpdir = test_tmpdir();
	snprintf(main_conf, sizeof(main_conf), "%s/config", tmpdir);
	snprintf(conf_d, sizeof(conf_d), "%s/conf.d", tmpdir);
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
