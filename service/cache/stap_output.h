/* stap_output.h: showing the errors of a failed stap run. */
#pragma once

/* Prints stap's last non-blank stderr lines (err may be NULL), indented, in one piece; with
 * none, says that stap printed no error and its exit code. */
void stap_output_show_errors(const char *err, int code);
