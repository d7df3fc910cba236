/* test_svc_settings_onboot.c: ONBOOT_LOG_DIR and ONBOOT_LOG_SIZE, the saved output of the
 * scripts started at boot: defaults, values (K, M, G; 0 and 1G the ends), and what is
 * refused, naming the file and line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "settings.h"
#include "settings_test.h"
#include "svc_test.h"

static void expect_error(const char *text, const char *what)
{
	struct settings s;
	char *err, where[700];

	snprintf(where, sizeof(where), "%s:2:", main_conf);
	CHECK(load(&s, text, "k", &err) == -EINVAL, "refused: %s", text);
	CHECK(strstr(err, where) && strstr(err, what), "error names %s and says \"%s\": %s", where,
	      what, err);
	free(err);
}

/* Loads text: its ONBOOT_LOG_DIR and ONBOOT_LOG_SIZE when it loads. */
static bool loads(const char *text, const char *dir, unsigned long long size)
{
	struct settings s;
	char *err;
	bool ok;

	ok = load(&s, text, "k", &err) == 0 && !*err && streq(s.onboot_log_dir, dir) &&
	     s.onboot_log_size == size;
	free(err);
	if (ok)
		settings_free(&s);
	return ok;
}

int main(void)
{
	static const char *const bad_sizes[] = {"ONBOOT_LOG_SIZE=",    "ONBOOT_LOG_SIZE=4T",
						"ONBOOT_LOG_SIZE=2G",  "ONBOOT_LOG_SIZE=-1",
						"ONBOOT_LOG_SIZE=1MB", "ONBOOT_LOG_SIZE=1K1"};

	settings_test_begin("test_svc_settings_onboot.");
	CHECK(loads("", LOCALSTATEDIR "/log/systemtap/onboot", 4194304ULL),
	      "defaults: LOCALSTATEDIR/log/systemtap/onboot, 4M");
	CHECK(
	    loads("ONBOOT_LOG_DIR=/r/log/onboot/\nONBOOT_LOG_SIZE=512k\n", "/r/log/onboot", 524288),
	    "ONBOOT_LOG_DIR (trailing slash dropped), ONBOOT_LOG_SIZE=512k");
	CHECK(loads("ONBOOT_LOG_SIZE=3M\n", LOCALSTATEDIR "/log/systemtap/onboot", 3145728),
	      "ONBOOT_LOG_SIZE=3M");
	CHECK(loads("ONBOOT_LOG_SIZE=1G\n", LOCALSTATEDIR "/log/systemtap/onboot", 1073741824ULL),
	      "ONBOOT_LOG_SIZE=1G: the largest");
	CHECK(loads("ONBOOT_LOG_SIZE=0\n", LOCALSTATEDIR "/log/systemtap/onboot", 0),
	      "ONBOOT_LOG_SIZE=0: nothing kept before the log directory is there");
	expect_error("ONBOOT_LOG_DIR=log", "ONBOOT_LOG_DIR must be an absolute path");
	expect_error("ONBOOT_LOG_DIR=", "ONBOOT_LOG_DIR must not be empty");
	for (size_t i = 0; i < ELEMENTSOF(bad_sizes); i++)
		expect_error(bad_sizes[i], "ONBOOT_LOG_SIZE must be a number of bytes");
	settings_test_end();
	return test_summary();
}
