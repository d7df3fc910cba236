/* test_svc_config.c: the config parser: every accepted form, every refused one (named by
 * file:line), and that nothing is ever executed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fsutil.h"
#include "capture.h"
#include "files.h"
#include "test.h"

static const char *tmpdir; /* the program's temp directory */

/* Parses text as file "t.conf" into a fresh config; returns the parse result. */
static int parse(const char *text, struct config *cfg)
{
	*cfg = (struct config){0};
	return config_parse_text(cfg, text, strlen(text), "t.conf");
}

static void accept(const char *text, const char *key, const char *want)
{
	struct config cfg;
	int r = parse(text, &cfg);

	ASSERT_EQ(r, 0, "accepted: %s", text);
	ASSERT_STREQ(config_get(&cfg, key), want, "%s", key);
	config_free(&cfg);
}

TEST(accepted)
{
	accept("A=b", "A", "b");
	accept("A=b\n", "A", "b");
	accept("A=", "A", "");
	accept("  \t A=indented", "A", "indented");
	accept("# comment\n\n   # indented comment\nA=x\n", "A", "x");
	accept("A=\"x y\"", "A", "x y");
	accept("A='x y'", "A", "x y");
	accept("A=''", "A", "");
	accept("A=\"\"", "A", "");
	accept("A=\"q\\\"b\\\\c\\$d\\`e\"", "A", "q\"b\\c$d`e");
	accept("A=\"a\\nb\"", "A", "a\\nb");
	accept("A='$B `x` $(y) ; | & < >'", "A", "$B `x` $(y) ; | & < >");
	accept("A=\"; | & < > ( ) # ~\"", "A", "; | & < > ( ) # ~");
	accept("B=base\nA=$B/x", "A", "base/x");
	accept("B=base\nA=${B}x", "A", "basex");
	accept("B='b c'\nA=\"$B/${B}\"", "A", "b c/b c");
	accept("A=$NOPE/x", "A", "/x");
	accept("A=x\"y z\"'w'v", "A", "xy zwv");
	accept("A=b # comment", "A", "b");
	accept("A='b' \t# comment", "A", "b");
	accept("A=b#c", "A", "b#c");
	accept("A=\\ b\\;c", "A", " b;c");
	accept("A=a\\\nb", "A", "ab");
	accept("A=\"line1\nline2\"", "A", "line1\nline2");
	accept("A=a$", "A", "a$");
	accept("A=\"$ x\"", "A", "$ x");
	accept("A=1\nA=$A:2", "A", "1:2");
	accept("A=b\r\n", "A", "b");
	accept("A=*.stp", "A", "*.stp");
	accept("A={a,b}", "A", "{a,b}");
	accept("A=x=y", "A", "x=y");
	accept("A=a:b~", "A", "a:b~");
	accept("_x1=lower", "_x1", "lower");
	accept("script1_OPT='-o /tmp/o -D X=\"a b\"'", "script1_OPT", "-o /tmp/o -D X=\"a b\"");
}

TEST(override_and_origin)
{
	struct config cfg = {0};
	const struct config_entry *e;

	ASSERT_EQ(config_parse_text(&cfg, "A=1\nB=2\n", 8, "one.conf"), 0, "first file");
	ASSERT_EQ(config_parse_text(&cfg, "\nA=3\n", 5, "two.conf"), 0, "second file");
	ASSERT_STREQ(config_get(&cfg, "A"), "3", "later file overrides");
	e = config_find(&cfg, "A");
	ASSERT_STREQ(e ? e->origin : NULL, "two.conf:2", "origin names the last assignment");
	ASSERT_EQ(cfg.n, 2, "entries keep the order of first assignment");
	ASSERT_STREQ(cfg.entries[0].key, "A", "entries keep the order of first assignment");
	ASSERT_NULL(config_get(&cfg, "C"), "unset key");
	ASSERT_NULL(config_find(&cfg, "C"), "unset key");
	ASSERT_EQ(config_set(&cfg, "C", "x", NULL), 0, "config_set without origin");
	ASSERT_NULL(config_find(&cfg, "C")->origin, "config_set without origin");
	config_free(&cfg);
	ASSERT_EQ(cfg.n, 0, "config_free empties");
	ASSERT_NULL(cfg.entries, "config_free empties");
}

/* Parses text, expects -EINVAL and a message naming t.conf:line and containing what. */
static void reject(const char *text, unsigned line, const char *what)
{
	struct config cfg;
	struct capture c;
	char where[32], *err;
	int r;

	capture_begin(&c);
	r = parse(text, &cfg);
	err = capture_end(&c);
	config_free(&cfg);
	snprintf(where, sizeof(where), "t.conf:%u: ", line);
	ASSERT_EQ(r, -EINVAL, "refused: %s", text);
	ASSERT_CONTAINS(err, where, "message names %s", where);
	ASSERT_CONTAINS(err, what, "message says \"%s\"", what);
	free(err);
}

TEST(rejected)
{
	char marker[512], text[1200];

	snprintf(marker, sizeof(marker), "%s/executed", tmpdir);
#define R(fmt, line, what)                                                                         \
	do {                                                                                       \
		snprintf(text, sizeof(text), fmt, marker);                                         \
		reject(text, line, what);                                                          \
	} while (0)
	R("A=$(touch %s)", 1, "command substitution $(...)");
	R("A=\"$(touch %s)\"", 1, "command substitution $(...)");
	R("A=$((1+1))%s", 1, "command substitution $(...)");
	R("A=`touch %s`", 1, "command substitution (`...`)");
	R("A=\"`touch %s`\"", 1, "command substitution (`...`)");
	R("A=b; touch %s", 1, "';'");
	R("A=b;touch %s", 1, "';'");
	R("A=b | touch %s", 1, "'|'");
	R("A=b|touch %s", 1, "'|'");
	R("A=b & touch %s", 1, "'&'");
	R("A=b&&touch %s", 1, "'&'");
	R("A=b > %s", 1, "redirections");
	R("A=b>%s", 1, "redirections");
	R("A=b <%s", 1, "redirections");
	R("A=b touch %s", 1, "unquoted blank");
	R("A=(a %s)", 1, "'('");
	R("\n\nA b %s", 3, "missing \"=\" directly after A");
	R("A =b%s", 1, "missing \"=\" directly after A");
	R("export A=%s", 1, "missing \"=\" directly after export");
	R("touch %s", 1, "missing \"=\" directly after touch");
	R("A\n# %s", 1, "missing \"=\" directly after A");
	R("1A=b%s", 1, "expected KEY=value");
	R("A-B=c%s", 1, "invalid KEY \"A-B\"");
	R("=b%s", 1, "expected KEY=value");
	R("A='unbalanced %s", 1, "unbalanced ' quote");
	R("A=\"unbalanced %s", 1, "unbalanced \" quote");
	R("X=1\nA=\"opened here\n%s\nmore", 2, "unbalanced \" quote");
	R("A=${B:-%s}", 1, "only ${NAME}");
	R("A=${%s}", 1, "only ${NAME}");
	R("A=$1%s", 1, "special parameter $1");
	R("A=$$%s", 1, "special parameter $$");
	R("A=~/%s", 1, "tilde expansion");
	R("A=/x:~/%s", 1, "tilde expansion");
	R("A=$'%s'", 1, "quoting is not supported");
	R("A=x%s\\", 1, "backslash at the end");
	R("A=1\nB=2\n# c\nC=b c%s", 4, "unquoted blank");
#undef R
	{
		const char nul[] = "A=a\0b";
		struct config cfg = {0};
		struct capture c;
		char *err;
		capture_begin(&c);
		int r = config_parse_text(&cfg, nul, sizeof(nul) - 1, "t.conf");
		err = capture_end(&c);
		ASSERT_EQ(r, -EINVAL, "a NUL byte is refused");
		ASSERT_CONTAINS(err, "t.conf:1: NUL byte", "a NUL byte is refused");
		free(err);
		config_free(&cfg);
	}
	ASSERT_FALSE(path_exists(marker), "none of the refused lines was executed (%s absent)",
		     marker);
}

/* Values are bounded: "A=$A$A" on every line would double the value each time. */
TEST(value_bound)
{
	struct config cfg = {0};
	char *text = NULL, *err, *limit;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	ASSERT_NOT_NULL(f, "open_memstream");
	fputs("A=x\n", f);
	for (int i = 0; i < 40; i++)
		fputs("A=$A\"$A\"${A}\n", f); /* tripled each line: 3^40 bytes unbounded */
	fclose(f);
	struct capture c;
	capture_begin(&c);
	r = config_parse_text(&cfg, text, len, "t.conf");
	err = capture_end(&c);
	/* 3^10 = 59049 fits, 3^11 does not: line 1 + 11 */
	ASSERT_EQ(r, -EINVAL, "a value growing past CONFIG_VALUE_MAX is refused");
	ASSERT_CONTAINS(err, "t.conf:12: the value of A is longer than 65536 bytes",
			"the message names file:line and the bound: %s", err);
	ASSERT_TRUE(config_get(&cfg, "A"), "the last accepted value is kept intact");
	ASSERT_EQ(strlen(config_get(&cfg, "A")), 59049, "the last accepted value is kept intact");
	free(err);
	free(text);
	config_free(&cfg);

	limit = malloc(CONFIG_VALUE_MAX + 8);
	ASSERT_NOT_NULL(limit, "malloc");
	memcpy(limit, "B=", 2);
	memset(limit + 2, 'v', CONFIG_VALUE_MAX);
	limit[CONFIG_VALUE_MAX + 2] = '\0';
	ASSERT_EQ(parse(limit, &cfg), 0, "a value of exactly CONFIG_VALUE_MAX bytes is accepted");
	ASSERT_EQ(strlen(config_get(&cfg, "B")), CONFIG_VALUE_MAX, "and kept whole");
	config_free(&cfg);
	memcpy(limit + CONFIG_VALUE_MAX + 2, "w", 2);
	capture_begin(&c);
	r = parse(limit, &cfg);
	err = capture_end(&c);
	ASSERT_EQ(r, -EINVAL, "one byte more is refused");
	ASSERT_CONTAINS(err, "t.conf:1: the value of B is longer", "one byte more is refused");
	free(err);
	free(limit);
	config_free(&cfg);
}

TEST(files)
{
	struct config cfg = {0};
	struct capture c;
	char path[512], *err;
	int r;

	snprintf(path, sizeof(path), "%s/good.conf", tmpdir);
	put_file(path, "# comment\nSCRIPT_PATH=/x\n");
	ASSERT_EQ(config_parse_file(&cfg, path), 0, "config_parse_file reads %s", path);
	ASSERT_STREQ(config_get(&cfg, "SCRIPT_PATH"), "/x", "value from the file");
	ASSERT_CONTAINS(config_find(&cfg, "SCRIPT_PATH")->origin, "good.conf:2",
			"origin is path:line");
	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	capture_begin(&c);
	r = config_parse_file(&cfg, path);
	err = capture_end(&c);
	ASSERT_EQ(r, -ENOENT, "a missing file is -ENOENT");
	ASSERT_CONTAINS(err, path, "the message names the file and the reason");
	ASSERT_CONTAINS(err, "No such file or directory",
			"the message names the file and the reason");
	free(err);
	config_free(&cfg);
}

static void setup(void)
{
	tmpdir = test_tmpdir();
}
TEST_SETUP(setup)
