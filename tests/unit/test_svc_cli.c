/* test_svc_cli.c: the command line parser: command first, options anywhere (clustered,
 * attached or separate arguments), "--", names checked and deduplicated, help, and every
 * error with its message. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "strv.h"
#include "capture.h"
#include "test.h"

/* What cli_parse made of a line, copied out before the words go. */
struct parsed {
	int r;
	char *err;
	char command[64], names[512], flags[8], config[128], release[128], output[128];
};

/* Parses the blank separated words of line ("|" stands for an empty word). */
static void parse(const char *line, struct parsed *p)
{
	_cleanup_strv_free_ char **words = NULL;
	struct capture cap;
	struct cli c;
	char *j;

	memset(p, 0, sizeof(*p));
	if (strv_split_blanks(line, &words) < 0)
		exit(2);
	for (size_t i = 0; words[i]; i++)
		if (strcmp(words[i], "|") == 0)
			words[i][0] = '\0';
	capture_begin(&cap);
	p->r = cli_parse((int)strv_length(words), words, &c);
	p->err = capture_end(&cap);
	if (p->r != 0)
		return;
	j = strv_join(c.names, " ");
	snprintf(p->names, sizeof(p->names), "%s", j ? j : "(null)");
	free(j);
	snprintf(p->command, sizeof(p->command), "%s", c.command);
	snprintf(p->config, sizeof(p->config), "%s", c.config_file ? c.config_file : "-");
	snprintf(p->release, sizeof(p->release), "%s", c.kernel_release ? c.kernel_release : "-");
	snprintf(p->output, sizeof(p->output), "%s", c.output ? c.output : "-");
	snprintf(p->flags, sizeof(p->flags), "%s%s%s%s", c.recursive ? "R" : "",
		 c.assume_yes ? "y" : "", c.backup ? "b" : "", c.help ? "h" : "");
	cli_free(&c);
}

static void parses(const char *line, const char *cmd, const char *names, const char *flags,
		   const char *config, const char *release, const char *output)
{
	struct parsed p;
	char what[300];

	parse(line, &p);
	ASSERT_EQ(p.r, 0, "'%s' parses without messages", line);
	ASSERT_FALSE(p.err[0], "'%s' parses without messages", line);
	free(p.err);
	if (p.r != 0)
		return;
	snprintf(what, sizeof(what), "'%s' command", line);
	ASSERT_STREQ(p.command, cmd, "%s", what);
	snprintf(what, sizeof(what), "'%s' names", line);
	ASSERT_STREQ(p.names, names, "%s", what);
	snprintf(what, sizeof(what), "'%s' flags", line);
	ASSERT_STREQ(p.flags, flags, "%s", what);
	snprintf(what, sizeof(what), "'%s' -c", line);
	ASSERT_STREQ(p.config, config, "%s", what);
	snprintf(what, sizeof(what), "'%s' -r", line);
	ASSERT_STREQ(p.release, release, "%s", what);
	snprintf(what, sizeof(what), "'%s' -o", line);
	ASSERT_STREQ(p.output, output, "%s", what);
}

static void rejects(const char *line, const char *message)
{
	struct parsed p;

	parse(line, &p);
	ASSERT_EQ(p.r, -EINVAL, "'%s' is rejected (r=%d)", line, p.r);
	ASSERT_TRUE(message ? strstr(p.err, message) != NULL : p.err[0] == '\0', "'%s' says '%s'",
		    line, message ? message : "(nothing)");
	free(p.err);
}

TEST(parses)
{
	parses("svc start", "start", "", "", "-", "-", "-");
	parses("svc status a b", "status", "a b", "", "-", "-", "-");
	parses("svc start -y a -R b", "start", "a b", "Ry", "-", "-", "-");
	parses("svc start a b -yRb", "start", "a b", "Ryb", "-", "-", "-");
	parses("svc onboot -o /boot/x.img s1 -b -r 6.1.0", "onboot", "s1", "b", "-", "6.1.0",
	       "/boot/x.img");
	parses("svc compile -c/etc/c -r6.1 x", "compile", "x", "", "/etc/c", "6.1", "-");
	parses("svc compile -yc /etc/c x", "compile", "x", "y", "/etc/c", "-", "-");
	parses("svc compile -Ryr 6.1 x", "compile", "x", "Ry", "-", "6.1", "-");
	parses("svc stop -c a -c b", "stop", "", "", "b", "-", "-");
	parses("svc stop x x y x", "stop", "x y", "", "-", "-", "-");
	parses("svc stop -- x _y", "stop", "x _y", "", "-", "-", "-");
	parses("svc --help", "--help", "", "h", "-", "-", "-");
	parses("svc -h", "-h", "", "h", "-", "-", "-");
	parses("svc start -h x", "start", "x", "h", "-", "-", "-");
	parses("svc start --help", "start", "", "h", "-", "-", "-");
	parses("svc bogus x", "bogus", "x", "", "-", "-", "-"); /* main rejects the command */
	parses("svc start _x X9 a_b_c", "start", "_x X9 a_b_c", "", "-", "-", "-");
}

TEST(rejects)
{
	rejects("svc", NULL);
	rejects("svc start -Z", "invalid option -- 'Z'");
	rejects("svc start -yZ", "invalid option -- 'Z'");
	rejects("svc start --force", "unrecognized option '--force'");
	rejects("svc start -c", "option requires an argument -- 'c'");
	rejects("svc start x -r", "option requires an argument -- 'r'");
	rejects("svc start -o", "option requires an argument -- 'o'");
	rejects("svc start my-script", "'my-script' is not a valid script name");
	rejects("svc start 9x", "'9x' is not a valid script name");
	rejects("svc start x.stp", "'x.stp' is not a valid script name");
	rejects("svc start ../x", "'../x' is not a valid script name");
	rejects("svc start -", "'-' is not a valid script name");
	rejects("svc start |", "'' is not a valid script name");
	rejects("svc start -- -y", "'-y' is not a valid script name");
	rejects("svc start "
		"a2345678901234567890123456789012345678901234567890123456",
		"is not a valid script name");
	rejects("svc start -r ../x", "'../x' is not a valid kernel release");
	rejects("svc start -r ..", "'..' is not a valid kernel release");
	rejects("svc start -r |", "'' is not a valid kernel release");
}
