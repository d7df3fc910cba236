/* log.c: console output, error messages and LOG_FILE lines. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "growbuf.h"
#include "log.h"
#include "macro.h"
#include "strfmt.h"

#define PROGRAM "systemtap-service"
#define HELD_MAX (64 * 1024) /* details held for a failure: the last steps are enough */

static int log_file_fd = -1;
static bool verbose;
static struct growbuf held; /* details not shown yet */

int log_open(const char *path)
{
	_cleanup_free_ char *dir = NULL;
	char *slash;
	int fd, r;

	log_close();
	if (!path || !*path)
		return 0;
	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		r = mkdir_p(dir, 0755);
		if (r < 0)
			return r;
	}
	/* LOG_FILE's directory may be shared (/var/log): a link or a FIFO put there is refused. */
	fd = open_regular(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0644);
	if (fd < 0)
		return fd;
	log_file_fd = fd;
	return 0;
}

void log_close(void)
{
	if (log_file_fd >= 0)
		close(log_file_fd);
	log_file_fd = -1;
	free(held.data);
	held = (struct growbuf){0};
}

void log_set_verbose(bool on)
{
	verbose = on;
}

bool log_verbose(void)
{
	return verbose;
}

int log_fd(void)
{
	return log_file_fd;
}

void log_raw(const char *text)
{
	if (log_file_fd >= 0 && text)
		(void)write_all(log_file_fd, text, strlen(text)); /* logging must not fail */
}

/* "Nov 21 22:44:37": upstream's `LC_ALL=en date +"%b %e %T"`, English whatever the locale. */
static void format_timestamp(char buf[32])
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm)) {
		snprintf(buf, 32, "??? ?? ??:??:??");
		return;
	}
	snprintf(buf, 32, "%s %2d %02d:%02d:%02d", months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

/* Appends one line "<timestamp>: <prefix><text>" with a single write (O_APPEND keeps lines
 * of concurrent writers whole). */
static void log_text(const char *prefix, const char *text, size_t len)
{
	char stamp[32];
	char *line;
	int n;

	if (log_file_fd < 0)
		return;
	format_timestamp(stamp);
	n = asprintf(&line, "%s: %s%.*s\n", stamp, prefix, (int)len, text);
	if (n < 0)
		return;
	(void)write_all(log_file_fd, line, (size_t)n); /* logging must not fail */
	free(line);
}

static void __attribute__((format(printf, 2, 0)))
log_vline(const char *prefix, const char *fmt, va_list ap)
{
	char *text;

	if (log_file_fd < 0)
		return;
	if (vasprintf(&text, fmt, ap) < 0)
		return;
	log_text(prefix, text, strlen(text));
	free(text);
}

void log_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline("", fmt, ap);
	va_end(ap);
}

/* Each piece of text is a log line of its own. */
static void log_pieces(const char *text)
{
	for (const char *p = text; *p;) {
		size_t l = strcspn(p, "\n");
		if (l > 0)
			log_text("", p, l);
		p += l;
		if (*p == '\n')
			p++;
	}
}

void clog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_cleanup_free_ char *text = strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!text)
		return;
	fputs(text, stdout);
	fflush(stdout);
	/* As upstream's `clog "..." -n` then `clog done`. */
	log_pieces(text);
}

void log_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_cleanup_free_ char *text = strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!text)
		return;
	log_pieces(text);
	if (verbose) {
		fputs(text, stdout);
		fflush(stdout);
	} else if (growbuf_append(&held, text, strlen(text), HELD_MAX) < 0) {
		/* Too much held: the oldest details go. */
		free(held.data);
		held = (struct growbuf){0};
		(void)growbuf_append(&held, text, strlen(text), HELD_MAX);
	}
}

static void __attribute__((format(printf, 3, 0)))
report(const char *console_prefix, const char *log_prefix, const char *fmt, va_list ap,
       const char *suffix)
{
	char *text;

	if (vasprintf(&text, fmt, ap) < 0)
		return;
	fflush(stdout);
	if (held.len && !*console_prefix) { /* an error: what led to it first */
		fputs(held.data, stderr);
		held.len = 0;
		held.data[0] = '\0';
	}
	fprintf(stderr, PROGRAM ": %s%s%s\n", console_prefix, text, suffix);
	fflush(stderr);
	if (log_file_fd >= 0) {
		char *full;
		if (asprintf(&full, "%s%s", text, suffix) >= 0) {
			log_text(log_prefix, full, strlen(full));
			free(full);
		}
	}
	free(text);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", "Error: ", fmt, ap, "");
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning: ", "Warning: ", fmt, ap, "");
	va_end(ap);
}

/* True when word must be quoted to read back as one shell word. */
static bool needs_quoting(const char *w)
{
	if (!*w)
		return true;
	for (; *w; w++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			    "_-+=/.,:@%^",
			    *w))
			return true;
	return false;
}

void log_exec(char *const argv[])
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (log_file_fd < 0)
		return;
	f = open_memstream(&buf, &size);
	if (!f)
		return;
	fputs("Exec:", f);
	for (size_t i = 0; argv && argv[i]; i++) {
		const char *w = argv[i];
		fputc(' ', f);
		if (!needs_quoting(w)) {
			fputs(w, f);
			continue;
		}
		/* 'single quoted', with each ' written as '\'' */
		fputc('\'', f);
		for (; *w; w++) {
			if (*w == '\'')
				fputs("'\\''", f);
			else if (*w == '\n')
				fputs("'$'\\n''", f);
			else
				fputc(*w, f);
		}
		fputc('\'', f);
	}
	if (fclose(f) == 0)
		log_text("", buf, size);
	free(buf);
}
