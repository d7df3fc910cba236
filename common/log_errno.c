/* log_errno.c: the one implementation of the "<what failed>: <reason>" error shape. */
#include "log_api.h"

#include "fileio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Longer than any line either program writes (the kernel log takes ~1 KiB a record). */
#define MESSAGE_MAX 2048

const char *errno_reason(int err)
{
	if (err < 0)
		err = -err;
	if (err == ENOTREGULAR)
		return "not a regular file";
	return strerror(err);
}

int log_error_errno(int err, const char *fmt, ...)
{
	char text[MESSAGE_MAX];
	va_list ap;

	if (err > 0)
		err = -err;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_error("%s: %s", text, errno_reason(err));
	return err;
}
