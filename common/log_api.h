/* log_api.h: the log calls shared code makes. Each program implements log_error and
 * log_warning its own way (systemtap-service: service/core/log.c, the terminal and LOG_FILE;
 * stap-early-loader: early-loader/kmsg.c, the kernel log); the errno shape is common. */
#pragma once

/* Reports one error line naming what failed and why. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports one warning line. */
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_error of "<message>: <errno_reason(err)>"; returns err as a negative errno. */
int log_error_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What a negative (or positive) errno means for a user: strerror, except our own uses
 * (ENOTREGULAR: "not a regular file"). Never NULL. */
const char *errno_reason(int err);
