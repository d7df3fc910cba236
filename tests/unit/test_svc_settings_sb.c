/* test_svc_settings_sb.c: the Secure Boot settings SYSFS_PATH, DKMS_PATH and MOKUTIL: their
 * defaults, values, what is refused, and their lines in the installed default config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "macro.h"
#include "settings.h"
#include "settings_test.h"
#include "svc_test.h"

static void test_values(void)
{
	struct settings s;
	char *err;

	CHECK(load(&s, "", "k", &err) == 0, "defaults load");
	CHECK_STR(s.sysfs_path, "/sys", "SYSFS_PATH default");
	CHECK_STR(s.dkms_path, LOCALSTATEDIR "/lib/dkms", "DKMS_PATH default");
	CHECK_STR(s.mokutil, "mokutil", "MOKUTIL default (PATH lookup)");
	settings_free(&s);
	free(err);
	CHECK(load(&s, "SYSFS_PATH=/r/sys/\nDKMS_PATH=/r/dkms//\nMOKUTIL=/opt/mokutil\n", "k",
		   &err) == 0 &&
		  !*err,
	      "all three set: loads without messages");
	CHECK_STR(s.sysfs_path, "/r/sys", "SYSFS_PATH (trailing / dropped)");
	CHECK_STR(s.dkms_path, "/r/dkms", "DKMS_PATH");
	CHECK_STR(s.mokutil, "/opt/mokutil", "MOKUTIL");
	settings_free(&s);
	free(err);
	CHECK(load(&s, "DKMS_PATH=\n", "k", &err) == 0, "DKMS_PATH= loads");
	CHECK_STR(s.dkms_path, "", "DKMS_PATH= means never DKMS's key");
	settings_free(&s);
	free(err);
}

static void refused(const char *text, const char *what)
{
	struct settings s;
	char *err;

	CHECK(load(&s, text, "k", &err) == -EINVAL && strstr(err, what), "refused: %s (%s)", text,
	      what);
	free(err);
}

static void test_refused(void)
{
	refused("SYSFS_PATH=", "SYSFS_PATH must not be empty");
	refused("SYSFS_PATH=sys", "SYSFS_PATH must be an absolute path");
	refused("DKMS_PATH=var/lib/dkms", "DKMS_PATH must be an absolute path");
	refused("MOKUTIL=", "MOKUTIL must not be empty");
}

/* config.default shows each one, commented, with its default. */
static void test_config_default(void)
{
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	static const char *const lines[] = {"\n#SYSFS_PATH=/sys\n", "\n#DKMS_PATH=/var/lib/dkms\n",
					    "\n#MOKUTIL=mokutil\n"};
	char path[600], *text;

	snprintf(path, sizeof(path), "%s/service/config.default", top);
	if (read_file(path, &text, NULL) < 0) {
		CHECK(0, "read %s", path);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(lines); i++)
		CHECK(strstr(text, lines[i]) != NULL, "config.default has %.*s",
		      (int)strlen(lines[i]) - 2, lines[i] + 1);
	free(text);
}

int main(void)
{
	settings_test_begin("test_svc_settings_sb.");
	test_values();
	test_refused();
	test_config_default();
	settings_test_end();
	return test_summary();
}
