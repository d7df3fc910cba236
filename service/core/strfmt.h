/* strfmt.h: printf into a newly allocated string (strfmt.c). */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* The formatted string, newly allocated; NULL when out of memory. */
char *strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* strdup_printf with a va_list. */
char *strdup_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* The len bytes of s for a terminal: control characters (escape sequences, carriage returns,
 * NUL; newlines too unless keep_newlines) as \xHH and a backslash as \\, so text another
 * program wrote cannot move the cursor or fake a line. Newly allocated; NULL when out of
 * memory. */
char *strdup_escape_cntrl(const char *s, size_t len, bool keep_newlines);
