/* test_svc_settings_sign.c: MODULE_SIGN_KEY and MODULE_SIGN_CERT: both or neither, absolute
 * paths, and one without the other refused naming the file:line and the missing setting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "macro.h"
#include "settings.h"
#include "settings_fixture.h"
#include "files.h"
#include "test.h"

static void expect_error(const char *text, const char *where_suffix, const char *what)
{
	struct settings s;
	char *err, where[700];

	snprintf(where, sizeof(where), "%s%s", main_conf, where_suffix);
	ASSERT_EQ(load(&s, text, "k", &err), -EINVAL, "refused: %s", text);
	ASSERT_CONTAINS(err, where, "error names %s and says \"%s\": %s", where, what, err);
	ASSERT_CONTAINS(err, what, "error names %s and says \"%s\": %s", where, what, err);
	free(err);
}

TEST(sign_settings)
{
	struct settings s;
	char *err, path[600];

	ASSERT_EQ(load(&s, "", "k", &err), 0, "no signing settings: loads");
	ASSERT_STREQ(s.module_sign_key, "", "MODULE_SIGN_KEY default: none");
	ASSERT_STREQ(s.module_sign_cert, "", "MODULE_SIGN_CERT default: none");
	settings_free(&s);
	free(err);
	ASSERT_EQ(load(&s, "MODULE_SIGN_KEY=/etc/k/mok.priv\nMODULE_SIGN_CERT=/etc/k/mok.der/\n",
		       "k", &err),
		  0, "both set: loads without messages");
	ASSERT_STREQ(err, "", "both set: loads without messages");
	ASSERT_STREQ(s.module_sign_key, "/etc/k/mok.priv", "MODULE_SIGN_KEY");
	ASSERT_STREQ(s.module_sign_cert, "/etc/k/mok.der", "MODULE_SIGN_CERT (trailing / dropped)");
	settings_free(&s);
	free(err);
	ASSERT_EQ(load(&s, "MODULE_SIGN_KEY=\nMODULE_SIGN_CERT=\n", "k", &err), 0,
		  "both empty: no signing");
	settings_free(&s);
	free(err);

	expect_error("MODULE_SIGN_KEY=/etc/k/mok.priv",
		     ":2:", "MODULE_SIGN_KEY is set but MODULE_SIGN_CERT is not");
	expect_error("\nMODULE_SIGN_CERT=/etc/k/mok.der",
		     ":3:", "MODULE_SIGN_CERT is set but MODULE_SIGN_KEY is not");
	expect_error("MODULE_SIGN_KEY=/k\nMODULE_SIGN_CERT=", ":2:",
		     "MODULE_SIGN_KEY is set but MODULE_SIGN_CERT is not");
	expect_error("MODULE_SIGN_KEY=mok.priv\nMODULE_SIGN_CERT=/c",
		     ":2:", "MODULE_SIGN_KEY must be an absolute path");
	/* The pair may be split over files; a conf.d file that drops one is named. */
	mkdir_p(conf_d, 0755);
	snprintf(path, sizeof(path), "%s/50-sign.conf", conf_d);
	put_file(path, "MODULE_SIGN_CERT=\n");
	ASSERT_EQ(load(&s, "MODULE_SIGN_KEY=/k\nMODULE_SIGN_CERT=/c\n", "k", &err), -EINVAL,
		  "conf.d clears MODULE_SIGN_CERT: refused, naming where the key is set: %s", err);
	ASSERT_CONTAINS(err, main_conf,
			"conf.d clears MODULE_SIGN_CERT: refused, naming where the key is set: %s",
			err);
	ASSERT_CONTAINS(err, ":2: MODULE_SIGN_KEY is set",
			"conf.d clears MODULE_SIGN_CERT: refused, naming where the key is set: %s",
			err);
	free(err);
	put_file(path, "MODULE_SIGN_CERT=/c\n");
	ASSERT_EQ(load(&s, "MODULE_SIGN_KEY=/k\n", "k", &err), 0,
		  "key in the main config, certificate in conf.d: loads");
	ASSERT_STREQ(s.module_sign_cert, "/c",
		     "key in the main config, certificate in conf.d: loads");
	settings_free(&s);
	free(err);
}

TEST_SETUP(settings_fixture_setup)
