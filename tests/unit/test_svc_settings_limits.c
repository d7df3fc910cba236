/* test_svc_settings_limits.c: COMPILE_TIMEOUT, DRACUT_TIMEOUT, TOOL_TIMEOUT: their defaults, 0
 * (no limit), empty (the default), and anything but 0..2592000 digits refused naming file:line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "macro.h"
#include "settings.h"
#include "settings_test.h"
#include "svc_test.h"

static void test_defaults(void)
{
	struct settings s;
	char *err;

	CHECK(load(&s, "", "k", &err) == 0, "no limits set: loads");
	CHECK(s.compile_timeout == 1800, "COMPILE_TIMEOUT default 1800 (%u)", s.compile_timeout);
	CHECK(s.dracut_timeout == 900, "DRACUT_TIMEOUT default 900 (%u)", s.dracut_timeout);
	CHECK(s.tool_timeout == 300, "TOOL_TIMEOUT default 300 (%u)", s.tool_timeout);
	settings_free(&s);
	free(err);
}

static void test_values(void)
{
	struct settings s;
	char *err;

	CHECK(load(&s, "COMPILE_TIMEOUT=0\nDRACUT_TIMEOUT=2592000\nTOOL_TIMEOUT=\"7\"\n", "k",
		   &err) == 0 &&
		  !*err,
	      "0, the maximum and a quoted value load without messages");
	CHECK(s.compile_timeout == 0 && s.dracut_timeout == 2592000 && s.tool_timeout == 7,
	      "as set: %u %u %u", s.compile_timeout, s.dracut_timeout, s.tool_timeout);
	settings_free(&s);
	free(err);
	CHECK(load(&s, "COMPILE_TIMEOUT=5\nCOMPILE_TIMEOUT=\n", "k", &err) == 0 &&
		  s.compile_timeout == 1800,
	      "COMPILE_TIMEOUT= means the default (%u)", s.compile_timeout);
	settings_free(&s);
	free(err);
}

static void test_errors(void)
{
	static const char *const bad[] = {"-1", "abc", "10s", " 5", "2592001", "99999999999999999"};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct settings s;
		char text[128], where[700], *err;

		snprintf(text, sizeof(text), "TOOL_TIMEOUT='%s'\n", bad[i]);
		snprintf(where, sizeof(where), "%s:2: TOOL_TIMEOUT must be a number of seconds",
			 main_conf);
		CHECK(load(&s, text, "k", &err) == -EINVAL, "TOOL_TIMEOUT='%s' refused", bad[i]);
		CHECK(err && strstr(err, where), "naming file:line: %s", err ? err : "");
		free(err);
	}
}

int main(void)
{
	settings_test_begin("test_svc_settings_limits.");
	test_defaults();
	test_values();
	test_errors();
	settings_test_end();
	return test_summary();
}
