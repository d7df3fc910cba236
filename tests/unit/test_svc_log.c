/* test_svc_log.c: LOG_FILE lines ("Mon dd HH:MM:SS: text", English months), clog pieces,
 * error and warning prefixes, errno text, Exec quoting. */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "capture.h"
#include "test.h"

static const char *tmp;
static char logpath[600];

/* The log so far, with the "Mon dd HH:MM:SS: " of every line checked and removed. */
static char *log_body(void)
{
	char *text = NULL, *out, *o;
	regex_t re;

	if (read_file(logpath, &text, NULL) < 0)
		return strdup("");
	regcomp(&re,
		"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123][0-9] "
		"[0-2][0-9]:[0-5][0-9]:[0-6][0-9]: ",
		REG_EXTENDED);
	out = o = calloc(1, strlen(text) + 1);
	for (char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		regmatch_t m;
		char save = l[len];
		l[len] = '\0';
		if (regexec(&re, l, 1, &m, 0) == 0) {
			o += sprintf(o, "%s\n", l + m.rm_eo);
		} else {
			o += sprintf(o, "BAD LINE: %s\n", l);
		}
		l[len] = save;
		l += len + (save == '\n');
	}
	regfree(&re);
	free(text);
	return out;
}

TEST(lines)
{
	struct capture c;
	char *err, *body, outpath[700], *out;
	int saved, fd, r;
	struct stat st;

	umask(022);
	tmp = test_tmpdir();
	snprintf(logpath, sizeof(logpath), "%s/var/log/systemtap.log", tmp);
	ASSERT_EQ(log_fd(), -1, "no log before log_open");
	ASSERT_EQ(log_open(logpath), 0, "log_open creates the directory and file");
	ASSERT_OK(log_fd(), "log_open creates the directory and file");
	ASSERT_EQ(stat(logpath, &st), 0, "log file mode 0644");
	ASSERT_EQ((st.st_mode & 0777), 0644, "log file mode 0644");
	ASSERT_NE((fcntl(log_fd(), F_GETFD) & FD_CLOEXEC), 0, "log fd is close-on-exec");

	log_line("plain %d", 42);
	/* clog: stdout as given (no newline added), each piece a log line of its own. */
	snprintf(outpath, sizeof(outpath), "%s/stdout", tmp);
	fflush(stdout);
	saved = dup(1);
	fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 1);
	close(fd);
	clog("Starting systemtap: ");
	clog(" Compiling %s ... ", "script1");
	clog("done\n");
	clog("two\nlines\n");
	dup2(saved, 1);
	close(saved);
	ASSERT_EQ(read_file(outpath, &out, NULL), 0, "stdout captured");
	ASSERT_STREQ(out, "Starting systemtap:  Compiling script1 ... done\ntwo\nlines\n",
		     "clog's stdout, no newline added");
	free(out);

	capture_begin(&c);
	log_error("no script file(%s).", "/x.stp");
	r = log_error_errno(-ENOENT, "Failed to read %s", "/etc/x");
	int r2 = log_error_errno(EACCES, "Failed to open %s", "/y");
	log_warning("%s is not a valid script name", "a-b");
	err = capture_end(&c);
	ASSERT_EQ(r, -ENOENT, "log_error_errno returns the negative errno");
	ASSERT_EQ(r2, -EACCES, "log_error_errno returns the negative errno");
	ASSERT_STREQ(err,
		     "systemtap-service: no script file(/x.stp).\n"
		     "systemtap-service: Failed to read /etc/x: No such file or directory\n"
		     "systemtap-service: Failed to open /y: Permission denied\n"
		     "systemtap-service: warning: a-b is not a valid script name\n",
		     "stderr messages");
	free(err);

	char *argv[] = {"/usr/bin/stap",
			"-E",
			"probe procfs(\"srvstat\").read {$value = \"x\"}",
			"it's",
			"",
			"a\nb",
			"-D",
			"X=1,y:z@h/p.q%+^_",
			NULL};
	log_exec(argv);
	log_close();
	ASSERT_EQ(log_fd(), -1, "log_close");
	log_line("not logged after close");

	body = log_body();
	printf("%s", body);
	ASSERT_STREQ(body,
		     "plain 42\n"
		     "Starting systemtap: \n"
		     " Compiling script1 ... \n"
		     "done\n"
		     "two\n"
		     "lines\n"
		     "Error: no script file(/x.stp).\n"
		     "Error: Failed to read /etc/x: No such file or directory\n"
		     "Error: Failed to open /y: Permission denied\n"
		     "Warning: a-b is not a valid script name\n"
		     "Exec: /usr/bin/stap -E 'probe procfs(\"srvstat\").read {$value = \"x\"}' "
		     "'it'\\''s' '' 'a'$'\\n''b' -D X=1,y:z@h/p.q%+^_\n",
		     "log lines: timestamped, English month, one per piece, Exec quoted");
	free(body);

	ASSERT_EQ(log_open(""), 0, "LOG_FILE empty: no log");
	ASSERT_EQ(log_fd(), -1, "LOG_FILE empty: no log");
	ASSERT_EQ(log_open(NULL), 0, "NULL: no log");
	ASSERT_EQ(log_fd(), -1, "NULL: no log");
	snprintf(outpath, sizeof(outpath), "%s/stdout/log", tmp);
	ASSERT_EQ(log_open(outpath), -ENOTDIR, "a log under a file: -ENOTDIR, no log");
	ASSERT_EQ(log_fd(), -1, "a log under a file: -ENOTDIR, no log");
}
