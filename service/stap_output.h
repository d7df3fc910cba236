/* stap_output.h: showing and logging the output of a stap run. */
#pragma once

/* Prints stap's last non-blank stderr lines (err may be NULL), indented, in one piece; with
 * none, says that stap printed no error and its exit code. */
void stap_output_show_errors(const char *err, int code);
/* Copies text (may be NULL) to LOG_FILE as it is, when a log is open (upstream's logex). */
void stap_output_log(const char *text);
