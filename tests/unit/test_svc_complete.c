/* test_svc_complete.c: the completion's query (cmd_complete.c): SCRIPT_PATH's valid NAME.stp,
 * MODULES_PATH's directories (links followed) that -r takes, sorted; the word list
 * (scripts|releases [-c FILE]); a refused config prints nothing and exits 0. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_complete.h"
#include "commands.h"
#include "fsutil.h"
#include "strv.h"
#include "capture.h"
#include "files.h"
#include "test.h"

static const char *tmp;

/* tmp/rel, malloc'd (path_in's buffers rotate). */
static char *at(const char *rel)
{
	char *p = strdup(path_in(tmp, rel));

	if (!p)
		exit(2);
	return p;
}

/* cmd_complete's exit code; *out what it printed on stdout (malloc'd). */
static int query(char *const argv[], int argc, char **out)
{
	int saved, fd = open(path_in(tmp, "stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct capture c;
	int rc;

	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	close(fd);
	capture_begin(&c);
	rc = cmd_complete(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	free(capture_end(&c));
	*out = read_text(path_in(tmp, "stdout"));
	return rc;
}

TEST(scripts_and_releases)
{
	struct settings s;

	tmp = test_tmpdir();
	s = (struct settings){.script_path = at("scripts"), .modules_path = at("modules")};
	char **v = NULL, *j;

	put_text_in(tmp, "scripts/beta.stp", "");
	put_text_in(tmp, "scripts/alpha.stp", "");
	put_text_in(tmp, "scripts/bad-name.stp", "");
	put_text_in(tmp, "scripts/notes.txt", "");
	mkdir(path_in(tmp, "scripts/dir.stp"), 0755);
	ASSERT_EQ(complete_scripts(&s, &v), 0);
	j = strv_join(v, " ");
	ASSERT_STREQ(j, "alpha beta", "valid NAME.stp only, sorted");
	free(j);
	v = strv_free(v);

	mkdir(path_in(tmp, "modules"), 0755);
	mkdir(path_in(tmp, "modules/6.1.0-57-amd64"), 0755);
	mkdir(path_in(tmp, "modules/5.10.0-30-amd64"), 0755);
	mkdir(path_in(tmp, "modules/a b"), 0755);
	mkdir(path_in(tmp, "modules/.hidden"), 0755);
	put_text_in(tmp, "modules/not-a-dir", "");
	ASSERT_EQ(symlink("6.1.0-57-amd64", path_in(tmp, "modules/6.1.0-link")), 0);
	ASSERT_EQ(symlink("not-a-dir", path_in(tmp, "modules/6.1.0-file")), 0);
	ASSERT_EQ(complete_releases(&s, &v), 0);
	j = strv_join(v, " ");
	ASSERT_STREQ(j, "5.10.0-30-amd64 6.1.0-57-amd64 6.1.0-link",
		     "directories (a link to one too) named as -r takes, no dot names, sorted");
	free(j);
	v = strv_free(v);

	free(s.script_path);
	free(s.modules_path);
	s.modules_path = at("nowhere");
	s.script_path = at("nowhere");
	ASSERT_EQ(complete_releases(&s, &v), 0, "a missing MODULES_PATH");
	ASSERT_NULL(v[0], "no release");
	v = strv_free(v);
	ASSERT_EQ(complete_scripts(&s, &v), 0, "a missing SCRIPT_PATH");
	ASSERT_NULL(v[0], "no script");
	v = strv_free(v);
	free(s.script_path);
	free(s.modules_path);
}

TEST(command_line)
{
	char *conf, *bad, *out, *text;

	tmp = test_tmpdir();
	conf = at("config");
	bad = at("bad");

	if (asprintf(&text, "SCRIPT_PATH=%s/s\nCONFIG_PATH=%s/none\nMODULES_PATH=%s/m\n", tmp, tmp,
		     tmp) < 0)
		exit(2);
	put_file(conf, text);
	free(text);
	put_text_in(tmp, "s/gamma.stp", "");
	mkdir(path_in(tmp, "m"), 0755);
	mkdir(path_in(tmp, "m/6.1.0-test"), 0755);
	put_file(bad, "SCRIPT_PATH=$(touch x)\n");

	ASSERT_EQ(query((char *[]){"scripts", "-c", conf, NULL}, 3, &out), EXIT_OK);
	ASSERT_STREQ(out, "gamma\n", "one name per line");
	free(out);
	ASSERT_EQ(query((char *[]){"releases", "-c", conf, NULL}, 3, &out), EXIT_OK);
	ASSERT_STREQ(out, "6.1.0-test\n");
	free(out);
	ASSERT_EQ(query((char *[]){"scripts", "-c", bad, NULL}, 3, &out), EXIT_OK,
		  "a refused config: exit 0");
	ASSERT_STREQ(out, "", "and nothing printed");
	free(out);
	ASSERT_EQ(query((char *[]){"bogus", NULL}, 1, &out), EXIT_USAGE);
	free(out);
	ASSERT_EQ(query((char *[]){"scripts", "-x", conf, NULL}, 3, &out), EXIT_USAGE);
	free(out);
	ASSERT_EQ(query((char *[]){NULL}, 0, &out), EXIT_USAGE, "no word after --complete");
	free(out);
	ASSERT_EQ(query((char *[]){"scripts", "-c", NULL}, 2, &out), EXIT_USAGE, "-c without file");
	free(out);
	free(conf);
	free(bad);
}
