/* stap_output.c: what the service does with a stap run's output: the tail of its errors on
 * the terminal, all of it in LOG_FILE. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "stap_output.h"
#include "strv.h"

/* How many of stap's last stderr lines a failed compile shows. */
#define STAP_ERROR_LINES 12

/* Prints stap's last non-blank stderr lines, indented, in one piece. */
void stap_output_show_errors(const char *err, int code)
{
	_cleanup_strv_free_ char **lines = NULL;
	_cleanup_free_ char *text = NULL;
	size_t n, from;

	for (const char *p = err; p && *p;) {
		size_t l = strcspn(p, "\n");
		if (strspn(p, " \t\r") < l &&
		    strv_consume(&lines, strndup(p, l - (p[l - 1] == '\r'))) < 0)
			return;
		p += l + (p[l] == '\n');
	}
	n = strv_length(lines);
	if (n == 0) {
		printf("    (stap printed no error, exit code %d)\n", code);
		fflush(stdout);
		return;
	}
	from = n > STAP_ERROR_LINES ? n - STAP_ERROR_LINES : 0;
	text = strv_join(lines + from, "\n    ");
	if (text) {
		printf("    %s\n", text);
		fflush(stdout);
	}
}

/* Copies a file of stap's output to LOG_FILE as it is (upstream's logex). */
void stap_output_log(const char *text)
{
	size_t len = text ? strlen(text) : 0;
	const char *p = text;

	while (log_fd() >= 0 && len > 0) {
		ssize_t n = write(log_fd(), p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}
