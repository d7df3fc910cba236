/* test_svc_migrate.c: moving from upstream's 2026 services: stap-onboot's command line mapped
 * onto onboot (stap_onboot_cli.c), NAME.options read without a shell (upstream_options.c), and
 * the stap version a module's bytes name (module_origin.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "module_origin.h"
#include "stap_onboot_cli.h"
#include "strv.h"
#include "test.h"
#include "upstream_options.h"

/* argv of "stap-onboot WORDS" (blank separated) mapped; joined with | or NULL on error. */
static char *mapped(const char *words, int *ret_r)
{
	_cleanup_strv_free_ char **in = NULL, **out = NULL;
	char **argv;
	int r;

	argv = NULL;
	if (strv_split_blanks(words, &in) < 0 || strv_push(&argv, "/usr/bin/stap-onboot") < 0 ||
	    strv_extend(&argv, in) < 0)
		abort();
	r = stap_onboot_argv((int)strv_length(argv), argv, &out);
	strv_free(argv);
	*ret_r = r;
	return r == 0 ? strv_join(out, "|") : NULL;
}

static void maps_to(const char *words, const char *want)
{
	int r;
	char *got = mapped(words, &r), what[200];

	snprintf(what, sizeof(what), "stap-onboot %s", words);
	ASSERT_STREQ(got, want, "%s", what);
	free(got);
}

static void refused(const char *words)
{
	int r;
	char *got = mapped(words, &r);

	ASSERT_FALSE(got, "stap-onboot %s: a usage error", words);
	ASSERT_EQ(r, -EINVAL, "stap-onboot %s: a usage error", words);
	free(got);
}

TEST(cli)
{
	int r;
	char *got;

	ASSERT_TRUE(stap_onboot_invoked("/usr/bin/stap-onboot"),
		    "argv[0] ending in /stap-onboot selects the mode");
	ASSERT_TRUE(stap_onboot_invoked("stap-onboot"),
		    "argv[0] ending in /stap-onboot selects the mode");
	ASSERT_FALSE(stap_onboot_invoked("/usr/sbin/systemtap-service"),
		     "argv[0] ending in /stap-onboot selects the mode");
	ASSERT_FALSE(stap_onboot_invoked("stap-onboot2"),
		     "argv[0] ending in /stap-onboot selects the mode");
	ASSERT_FALSE(stap_onboot_invoked(NULL), "argv[0] ending in /stap-onboot selects the mode");
	maps_to("", "systemtap-service|onboot");
	maps_to("-b a -r 6.1.0-1 b", "systemtap-service|onboot|-b|a|-r|6.1.0-1|b");
	maps_to("-br6.1.0-1 -c /etc/x -o /boot/y.img", "systemtap-service|onboot|-br6.1.0-1|-c|"
						       "/etc/x|-o|/boot/y.img");
	maps_to("a -- -b", "systemtap-service|onboot|a|--|-b");
	maps_to("-o -b", "systemtap-service|onboot|-o|-b");
	refused("-R a");
	refused("-y");
	refused("-bx");
	refused("--status");
	refused("-r");
	refused("a -c");
	got = mapped("-h", &r);
	ASSERT_FALSE(got, "-h: the usage, exit 0");
	ASSERT_EQ(r, 1, "-h: the usage, exit 0");
}

static int parse(const char *text, struct upstream_options *o)
{
	return upstream_options_parse(text, strlen(text), "x.options", o);
}

TEST(options)
{
	struct upstream_options o;

	ASSERT_EQ(parse("STAP_OPTIONS=\"-g -D X=1\"\nSTAPRUN_OPTIONS='-b 8'\n", &o), 0,
		  "both keys, double and single quotes");
	ASSERT_STREQ(o.stap, "-g -D X=1", "both keys, double and single quotes");
	ASSERT_STREQ(o.staprun, "-b 8", "both keys, double and single quotes");
	upstream_options_free(&o);
	ASSERT_EQ(parse("# nothing\n\n", &o), 0, "no keys: empty options");
	ASSERT_STREQ(o.stap, "", "no keys: empty options");
	ASSERT_STREQ(o.staprun, "", "no keys: empty options");
	upstream_options_free(&o);
	ASSERT_EQ(parse("OTHER=1\nSTAP_OPTIONS=-v\nSTAP_OPTIONS=-g\n", &o), 0,
		  "other keys ignored, the last assignment wins, as in the shell");
	ASSERT_STREQ(o.stap, "-g", "other keys ignored, the last assignment wins, as in the shell");
	upstream_options_free(&o);
	ASSERT_EQ(parse("STAP_OPTIONS=\"$(rm -rf /)\"\n", &o), -EINVAL,
		  "command substitution is refused, never run");
	ASSERT_EQ(parse("STAP_OPTIONS=-g; touch /x\n", &o), -EINVAL, "a second command is refused");
	ASSERT_EQ(upstream_options_read("/nonexistent/x.options", &o), -ENOENT,
		  "a missing file: -ENOENT, no message");
}

static void origin_is(const char *data, size_t len, const char *want, bool want_srv)
{
	char *v = (char *)"unset";
	bool srv = !want_srv;

	ASSERT_EQ(module_origin_scan(data, len, &v, &srv), 0,
		  "module bytes: version %s, srvstat %s", want ? want : "none",
		  want_srv ? "yes" : "no");
	ASSERT_TRUE(want ? v && streq(v, want) : v == NULL, "module bytes: version %s, srvstat %s",
		    want ? want : "none", want_srv ? "yes" : "no");
	ASSERT_EQ(srv, want_srv, "module bytes: version %s, srvstat %s", want ? want : "none",
		  want_srv ? "yes" : "no");
	free(v);
}

TEST(origin)
{
	static const char real[] = "\0GPL\0%s (%s): systemtap: %s, base\0004.8/0.188\0srvstat\0";
	static const char five[] = "x\0005.1.1/0.190\0";

	origin_is(real, sizeof(real) - 1, "4.8", true);
	origin_is(five, sizeof(five) - 1, "5.1.1", false);
	origin_is("4.8/0.188\0", 10, "4.8", false);
	origin_is("a4.8/0.188\0", 11, NULL, false);
	origin_is("\0004.8/0.188", 10, NULL, false);
	origin_is("\0004.8/0.188x\0", 12, NULL, false);
	origin_is("\0004.8/0\0", 8, NULL, false);
	origin_is("\0004/0.1\0", 8, NULL, false);
	origin_is("\0004.8.1.2/0.1\0", 14, NULL, false);
	origin_is("", 0, NULL, false);
}
