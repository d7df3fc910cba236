/* strfmt.c: printf into a newly allocated string. */
#include <stdio.h>
#include <stdlib.h>

#include "strfmt.h"

char *strdup_vprintf(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = strdup_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *strdup_escape_cntrl(const char *s, size_t len, bool keep_newlines)
{
	/* Worst case: every byte becomes \xHH. */
	char *out = malloc(len * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if ((c < 0x20 && !(c == '\n' && keep_newlines)) || c == 0x7f)
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}
