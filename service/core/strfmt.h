/* strfmt.h: printf into a newly allocated string (strfmt.c). */
#pragma once
#include <stdarg.h>

/* The formatted string, newly allocated; NULL when out of memory. */
char *strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* strdup_printf with a va_list. */
char *strdup_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
