/* test_svc_cmd_common.c: what the commands share: the script list (named, or every valid
 * SCRIPT_PATH/NAME.stp plus CACHE_PATH/NAME.ko with ALLOW_CACHEONLY, bad names logged with
 * upstream's line), PASSALL handling (FAILED or a whole logged warning), OK/WARNING, and the
 * yes/no prompt (-y, yes, no, empty, EOF, unclear answers asked again). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_common.h"
#include "fsutil.h"
#include "log.h"
#include "strv.h"
#include "capture.h"
#include "files.h"
#include "test.h"

static const char *tmp; /* the program's temp directory */
static struct settings s;

static char *at(const char *rel)
{
	return path_in(tmp, rel);
}

/* stdout into a file until out_end(), which returns what was printed (malloc'd). */
static int saved_stdout = -1;
static void out_begin(void)
{
	int fd = open(at("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fflush(stdout);
	saved_stdout = dup(1);
	dup2(fd, 1);
	close(fd);
}
static char *out_end(void)
{
	char *text = NULL;

	fflush(stdout);
	dup2(saved_stdout, 1);
	close(saved_stdout);
	read_file(at("stdout"), &text, NULL);
	return text;
}

/* stdin from text until the returned fd is restored with in_end(). */
static int in_begin(const char *text)
{
	int saved = dup(0), fd;

	put_file(at("stdin"), text);
	fd = open(at("stdin"), O_RDONLY);
	dup2(fd, 0);
	close(fd);
	clearerr(stdin);
	return saved;
}
static void in_end(int saved)
{
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
}

static char *log_text(void)
{
	char *text = NULL;

	read_file(at("log"), &text, NULL);
	return text ? text : strdup("");
}

TEST(scripts)
{
	struct invocation inv = {.s = &s};
	char **names = NULL, *j, *logged;
	char *given[] = {"zeta", "alpha", NULL};
	struct capture c;

	put_file(at("scripts/beta.stp"), "");
	put_file(at("scripts/alpha.stp"), "");
	put_file(at("scripts/bad-name.stp"), "");
	put_file(at("scripts/9lives.stp"), "");
	put_file(at("scripts/notes.txt"), "");
	put_file(at("scripts/.stp"), "");
	mkdir(at("scripts/dir.stp"), 0755);
	put_file(at("cache/gamma.ko"), "");
	put_file(at("cache/alpha.ko"), "");
	put_file(at("cache/bad.name.ko"), "");

	capture_begin(&c);
	ASSERT_EQ(invocation_scripts(&inv, &names), 0, "invocation_scripts without names");
	free(capture_end(&c));
	j = strv_join(names, " ");
	ASSERT_STREQ(j, "alpha beta", "every valid NAME.stp, sorted (no dirs, no other files)");
	free(j);
	names = strv_free(names);
	logged = log_text();
	ASSERT_CONTAINS(logged,
			"bad-name is not a valid script name (must match "
			"[a-zA-Z_][a-zA-Z0-9_]*)",
			"a bad name is logged with upstream's line");
	ASSERT_CONTAINS(logged, "9lives is not a valid script name", "9lives logged");
	free(logged);

	s.allow_cacheonly = true;
	ASSERT_EQ(invocation_scripts(&inv, &names), 0, "with ALLOW_CACHEONLY");
	j = strv_join(names, " ");
	ASSERT_STREQ(j, "alpha beta gamma", "plus every valid cached NAME.ko, each once");
	free(j);
	names = strv_free(names);
	s.allow_cacheonly = false;

	inv.names = given;
	inv.names_given = true;
	ASSERT_EQ(invocation_scripts(&inv, &names), 0, "with names");
	j = strv_join(names, " ");
	ASSERT_STREQ(j, "zeta alpha", "the named scripts, in the given order");
	free(j);
	strv_free(names);

	struct settings none = s;
	struct invocation inv2 = {.s = &none};
	none.script_path = at("no-such-dir");
	ASSERT_EQ(invocation_scripts(&inv2, &names), 0, "a missing SCRIPT_PATH: no scripts");
	ASSERT_TRUE(names, "a missing SCRIPT_PATH: no scripts");
	ASSERT_FALSE(names[0], "a missing SCRIPT_PATH: no scripts");
	strv_free(names);
}

TEST(passall)
{
	struct invocation inv = {.s = &s};
	struct capture c;
	char *out, *err, *logged;
	bool stop;

	s.passall = true;
	capture_begin(&c);
	out_begin();
	stop = might_fail(&inv, "Failed to run \"a\". (1)");
	out = out_end();
	err = capture_end(&c);
	ASSERT_TRUE(stop, "PASSALL=yes: might_fail says stop");
	ASSERT_STREQ(out, "FAILED", "PASSALL=yes prints FAILED");
	ASSERT_CONTAINS(err, "Failed to run \"a\". (1)", "and the message on stderr");
	ASSERT_EQ(inv.nr_fails, 0, "not counted");
	free(out);
	free(err);

	s.passall = false;
	capture_begin(&c);
	out_begin();
	stop = might_fail(&inv, "Failed to stop \"b\". (4)");
	out = out_end();
	err = capture_end(&c);
	ASSERT_FALSE(stop, "PASSALL=no: go on, one failure counted");
	ASSERT_EQ(inv.nr_fails, 1, "PASSALL=no: go on, one failure counted");
	ASSERT_STREQ(out, "", "nothing on stdout");
	ASSERT_CONTAINS(err, "warning: Failed to stop \"b\". (4)", "a warning on stderr");
	logged = log_text();
	ASSERT_CONTAINS(logged, "Warning: Failed to stop \"b\". (4)\n",
			"the whole message is logged (upstream logged its first word)");
	free(logged);
	free(out);
	free(err);

	out_begin();
	might_success(&inv, "systemtap startup");
	out = out_end();
	ASSERT_STREQ(out, "WARNING", "after a failure: WARNING (upstream's missing `warning`)");
	free(out);
	logged = log_text();
	ASSERT_CONTAINS(logged, "Warning: 1 failure occurred.\n", "the count is logged");
	ASSERT_CONTAINS(logged, "Warning: systemtap startup\n", "the message is logged");
	free(logged);

	inv.nr_fails = 0;
	out_begin();
	might_success(&inv, "systemtap stopping");
	out = out_end();
	ASSERT_STREQ(out, "OK", "no failure: OK");
	free(out);
	logged = log_text();
	ASSERT_CONTAINS(logged, "Pass: systemtap stopping\n", "Pass: logged");
	free(logged);
}

static void asks(const char *input, const char *shown, bool assume_yes, bool want, int prompts)
{
	struct invocation inv = {.s = &s, .assume_yes = assume_yes};
	int saved = in_begin(input), n = 0;
	char *out;
	bool got;

	out_begin();
	got = ask_yesno(&inv, "Do you really want to update above caches");
	out = out_end();
	in_end(saved);
	for (const char *p = out;
	     (p = strstr(p, "Do you really want to update above caches [y/N]: ")); p++)
		n++;
	ASSERT_EQ(got, want, "input %s%s: %s after %d prompt(s) (got %s, %d)", shown,
		  assume_yes ? " with -y" : "", want ? "yes" : "no", prompts, got ? "yes" : "no",
		  n);
	ASSERT_EQ(n, prompts, "input %s%s: %s after %d prompt(s) (got %s, %d)", shown,
		  assume_yes ? " with -y" : "", want ? "yes" : "no", prompts, got ? "yes" : "no",
		  n);
	free(out);
}

TEST(yes_no_prompt)
{
	asks("y\n", "'y'", false, true, 1);
	asks("YES\n", "'YES'", false, true, 1);
	asks("n\n", "'n'", false, false, 1);
	asks("\n", "an empty line", false, false, 1);
	asks("", "EOF", false, false, 1);
	asks("maybe\nsure\nyes\n", "'maybe' 'sure' 'yes'", false, true, 3);
	asks("what\n", "'what' then EOF", false, false, 2);
	asks("", "none", true, true, 0);
}

static void setup(void)
{
	tmp = test_tmpdir();
	mkdir(at("scripts"), 0755);
	mkdir(at("cache"), 0755);
	s.script_path = strdup(at("scripts"));
	s.cache_path = strdup(at("cache"));
	if (log_open(at("log")) < 0)
		exit(2);
}
TEST_SETUP(setup)

static void teardown(void)
{
	log_close();
	ASSERT_EQ(rm_rf(tmp), 0, "cleanup");
	free(s.script_path);
	free(s.cache_path);
}
TEST_TEARDOWN(teardown)
