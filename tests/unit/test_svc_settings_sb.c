/* test_svc_settings_sb.c: the Secure Boot settings SYSFS_PATH, DKMS_PATH and MOKUTIL: their
 * defaults, values, what is refused, and their lines in the installed default config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "macro.h"
#include "settings.h"
#include "settings_fixture.h"
#include "test.h"

TEST(values)
{
	struct settings s;
	char *err;

	ASSERT_EQ(load(&s, "", "k", &err), 0, "defaults load");
	ASSERT_STREQ(s.sysfs_path, "/sys", "SYSFS_PATH default");
	ASSERT_STREQ(s.dkms_path, LOCALSTATEDIR "/lib/dkms", "DKMS_PATH default");
	ASSERT_STREQ(s.mokutil, "mokutil", "MOKUTIL default (PATH lookup)");
	settings_free(&s);
	free(err);
	ASSERT_EQ(
	    load(&s, "SYSFS_PATH=/r/sys/\nDKMS_PATH=/r/dkms//\nMOKUTIL=/opt/mokutil\n", "k", &err),
	    0, "all three set: loads without messages");
	ASSERT_STREQ(err, "", "all three set: loads without messages");
	ASSERT_STREQ(s.sysfs_path, "/r/sys", "SYSFS_PATH (trailing / dropped)");
	ASSERT_STREQ(s.dkms_path, "/r/dkms", "DKMS_PATH");
	ASSERT_STREQ(s.mokutil, "/opt/mokutil", "MOKUTIL");
	settings_free(&s);
	free(err);
	ASSERT_EQ(load(&s, "DKMS_PATH=\n", "k", &err), 0, "DKMS_PATH= loads");
	ASSERT_STREQ(s.dkms_path, "", "DKMS_PATH= means never DKMS's key");
	settings_free(&s);
	free(err);
}

static void refused(const char *text, const char *what)
{
	struct settings s;
	char *err;

	ASSERT_EQ(load(&s, text, "k", &err), -EINVAL, "refused: %s (%s)", text, what);
	ASSERT_CONTAINS(err, what, "refused: %s (%s)", text, what);
	free(err);
}

TEST(refused)
{
	refused("SYSFS_PATH=", "SYSFS_PATH must not be empty");
	refused("SYSFS_PATH=sys", "SYSFS_PATH must be an absolute path");
	refused("DKMS_PATH=var/lib/dkms", "DKMS_PATH must be an absolute path");
	refused("MOKUTIL=", "MOKUTIL must not be empty");
}

/* config.default shows each one, commented, with its default. */
TEST(config_default)
{
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	static const char *const lines[] = {"\n#SYSFS_PATH=/sys\n", "\n#DKMS_PATH=/var/lib/dkms\n",
					    "\n#MOKUTIL=mokutil\n"};
	char path[600], *text;

	snprintf(path, sizeof(path), "%s/service/config.default", top);
	if (read_file(path, &text, NULL) < 0) {
		ASSERT_TRUE(0, "read %s", path);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(lines); i++)
		ASSERT_CONTAINS(text, lines[i], "config.default has %.*s",
				(int)strlen(lines[i]) - 2, lines[i] + 1);
	free(text);
}

TEST_SETUP(settings_fixture_setup)
