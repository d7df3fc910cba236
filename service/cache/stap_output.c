/* stap_output.c: the tail of a failed stap run's errors, shown on the terminal. */
#include <stdio.h>
#include <string.h>

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
