/* kmsg.h: the loader's one way to log: the kernel log (/dev/kmsg), stderr (not when it is
 * the journal, which reads the kernel log itself, nor the console when that shows the record)
 * and, while a script is being started with log_boot_err yes, that script's log file. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define LOG_PREFIX "stap-early-loader: "

enum log_level {
	LEVEL_ERR = 3,
	LEVEL_WARNING = 4,
	LEVEL_NOTICE = 5,
	LEVEL_INFO = 6,
	LEVEL_DEBUG = 7,
};

/* Where records go: kmsg_path (NULL: nowhere; created when create is set, for tests),
 * stderr when use_stderr, except records kmsg took while stderr is the journal (checked
 * here, once) or a console that shows them. Debug records only when verbose. */
void log_setup(const char *kmsg_path, bool create, bool use_stderr);
/* True when $JOURNAL_STREAM names stderr's device and inode (systemd.exec(5)). */
bool log_stderr_is_journal(void);
void log_set_verbose(bool verbose);
/* True when debug records are written. */
bool log_is_verbose(void);
/* Also copy every record to fd (-1: stop). The fd stays the caller's. */
void log_set_script_fd(int fd);
/* From now on the kernel log is opened relative to its directory, opened here once: a
 * collector keeps logging after switch-root, when its own "/" is the old initramfs. 0 or
 * -errno (then paths are used as before). */
int log_pin_kmsg_dir(void);
/* One record "<level>PREFIX: TEXT" (len bytes of text, cut at a record's size) in the kernel
 * log only: a script's output line copied to the console (rd.systemtap.console). */
void log_kmsg_line(enum log_level level, const char *prefix, const char *text, size_t len);

/* Whether a console whose /proc/sys/kernel/printk text starts with printk (its first number:
 * console_loglevel) shows a kernel-log record of level: then the loader does not also write
 * it to stderr when stderr is that console. */
bool log_console_shows(enum log_level level, const char *printk);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_api.h's calls: log_error and log_warning are log_msg at error and warning level. */
#include "log_api.h"

#define log_info(...) log_msg(LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LEVEL_DEBUG, __VA_ARGS__)
