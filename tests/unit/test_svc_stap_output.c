/* test_svc_stap_output.c: the tail of stap's errors on the terminal, and its whole output
 * copied to LOG_FILE by log_raw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "stap_output.h"
#include "files.h"
#include "test.h"

static const char *tmpdir; /* the program's temp directory */

/* What stap_output_show_errors(err, code) prints on stdout (malloc'd). */
static char *shown(const char *err, int code)
{
	char *path = path_in(tmpdir, "stdout"), *text = NULL;
	FILE *f;
	int saved;

	fflush(stdout);
	saved = dup(1);
	f = fopen(path, "w");
	if (saved < 0 || !f || dup2(fileno(f), 1) < 0) {
		perror(path);
		exit(2);
	}
	stap_output_show_errors(err, code);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	fclose(f);
	if (read_file(path, &text, NULL) < 0) {
		perror(path);
		exit(2);
	}
	return text;
}

TEST(show_errors)
{
	char *out, err[1024] = "";

	out = shown("semantic error: no match\r\n\n   \nPass 2: analysis failed.\n", 1);
	ASSERT_STREQ(out, "    semantic error: no match\n    Pass 2: analysis failed.\n",
		     "blank lines dropped, CR trimmed, lines indented");
	free(out);

	for (int i = 1; i <= 20; i++)
		snprintf(err + strlen(err), sizeof(err) - strlen(err), "line %d\n", i);
	out = shown(err, 1);
	ASSERT_EQ(strncmp(out, "    line 9\n", 11), 0, "only the last 12 lines: starts at line 9");
	ASSERT_CONTAINS(out, "    line 20\n", "ends at line 20, line 8 left out");
	ASSERT_NOT_CONTAINS(out, "line 8\n", "ends at line 20, line 8 left out");
	free(out);

	out = shown("no newline at the end", 1);
	ASSERT_STREQ(out, "    no newline at the end\n", "a last line without newline is shown");
	free(out);

	out = shown(NULL, 137);
	ASSERT_STREQ(out, "    (stap printed no error, exit code 137)\n", "no stderr at all");
	free(out);
	out = shown(" \n\t\n", 2);
	ASSERT_STREQ(out, "    (stap printed no error, exit code 2)\n", "only blank stderr");
	free(out);
}

TEST(log)
{
	char *log = path_in(tmpdir, "log/systemtap.log"), *text = NULL;

	log_raw("not logged: no log open\n");
	ASSERT_EQ(log_open(log), 0, "log_open %s", log);
	log_raw("Pass 1: parsed\n");
	log_raw(NULL);
	log_raw("");
	log_raw("stderr text without newline");
	log_close();
	ASSERT_EQ(read_file(log, &text, NULL), 0, "read %s", log);
	ASSERT_STREQ(text, "Pass 1: parsed\nstderr text without newline",
		     "the output is copied as it is, nothing added");
	free(text);
}

static void setup(void)
{
	tmpdir = test_tmpdir();
}
TEST_SETUP(setup)
