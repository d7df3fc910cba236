/* test_svc_settings_limits.c: COMPILE_TIMEOUT, DRACUT_TIMEOUT, TOOL_TIMEOUT: their defaults, 0
 * (no limit), empty (the default), and anything but 0..2592000 digits refused naming file:line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "macro.h"
#include "settings.h"
#include "settings_fixture.h"
#include "test.h"

TEST(defaults)
{
	struct settings s;
	char *err;

	ASSERT_EQ(load(&s, "", "k", &err), 0, "no limits set: loads");
	ASSERT_EQ(s.compile_timeout, 1800, "COMPILE_TIMEOUT default 1800");
	ASSERT_EQ(s.dracut_timeout, 900, "DRACUT_TIMEOUT default 900");
	ASSERT_EQ(s.tool_timeout, 300, "TOOL_TIMEOUT default 300");
	settings_free(&s);
	free(err);
}

TEST(values)
{
	struct settings s;
	char *err;

	ASSERT_EQ(
	    load(&s, "COMPILE_TIMEOUT=0\nDRACUT_TIMEOUT=2592000\nTOOL_TIMEOUT=\"7\"\n", "k", &err),
	    0, "0, the maximum and a quoted value load without messages");
	ASSERT_STREQ(err, "", "0, the maximum and a quoted value load without messages");
	ASSERT_EQ(s.compile_timeout, 0, "as set: %u %u %u", s.compile_timeout, s.dracut_timeout,
		  s.tool_timeout);
	ASSERT_EQ(s.dracut_timeout, 2592000, "as set: %u %u %u", s.compile_timeout,
		  s.dracut_timeout, s.tool_timeout);
	ASSERT_EQ(s.tool_timeout, 7, "as set: %u %u %u", s.compile_timeout, s.dracut_timeout,
		  s.tool_timeout);
	settings_free(&s);
	free(err);
	ASSERT_EQ(load(&s, "COMPILE_TIMEOUT=5\nCOMPILE_TIMEOUT=\n", "k", &err), 0,
		  "COMPILE_TIMEOUT= means the default (%u)", s.compile_timeout);
	ASSERT_EQ(s.compile_timeout, 1800, "COMPILE_TIMEOUT= means the default (%u)",
		  s.compile_timeout);
	settings_free(&s);
	free(err);
}

TEST(errors)
{
	static const char *const bad[] = {"-1", "abc", "10s", " 5", "2592001", "99999999999999999"};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct settings s;
		char text[128], where[700], *err;

		snprintf(text, sizeof(text), "TOOL_TIMEOUT='%s'\n", bad[i]);
		snprintf(where, sizeof(where), "%s:2: TOOL_TIMEOUT must be a number of seconds",
			 main_conf);
		ASSERT_EQ(load(&s, text, "k", &err), -EINVAL, "TOOL_TIMEOUT='%s' refused", bad[i]);
		ASSERT_CONTAINS(err, where, "naming file:line: %s", err ? err : "");
		free(err);
	}
}

TEST_SETUP(settings_fixture_setup)
