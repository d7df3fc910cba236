/* log.h: the one way the service reports: console lines (clog) and LOG_FILE lines. */
#pragma once
#include <stdbool.h>
#include <stdio.h>

/* Opens LOG_FILE for appending (created 0644, its directory too); NULL or failure: no log file.
 * A symlink or anything but a regular file is refused (-ENOTREGULAR, fsutil.h). Returns 0 or
 * a negative errno (the caller may go on without a log). */
int log_open(const char *path);
void log_close(void);
/* Appends "Mon dd HH:MM:SS: <text>" (LC_ALL=C date "%b %e %T") to LOG_FILE only. */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints to stdout (no newline added when the text does not end with one) and logs it.
 * (clog is also C99's complex log, a compiler builtin: the symbol is svc_clog.) */
#define clog svc_clog
void clog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A detail of a step (the file system checked, where dracut's log went, a backup, the boot
 * loader tool): to LOG_FILE always; on stdout with -v (log_set_verbose); else held, and
 * printed on stderr before the next error (log_error), so that a failure shows what led to it.
 * Stdout keeps upstream's lines. */
void log_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -v: details on stdout as they come. */
void log_set_verbose(bool on);
bool log_verbose(void);
/* log_api.h's calls: log_error writes "systemtap-service: <text>" to stderr and "Error: <text>"
 * to LOG_FILE; log_warning "systemtap-service: warning: <text>" and "Warning: <text>". */
#include "log_api.h"
/* Logs "Exec: argv..." with each word shell-quoted when needed. */
void log_exec(char *const argv[]);
/* Appends text (may be NULL) to LOG_FILE as it is, no timestamp: a program's output. */
void log_raw(const char *text);
/* File descriptor of the open LOG_FILE, or -1: child programs append their output there. */
int log_fd(void);
