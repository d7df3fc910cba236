/* kmsg.c: log records to /dev/kmsg, stderr (unless that is the journal, or the console that
 * shows the record already) and the current script's log file. */
#include "kmsg.h"

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define RECORD_MAX 1024

static const char *kmsg_path;
static int kmsg_dirfd = AT_FDCWD;
static const char *kmsg_name; /* kmsg_path relative to kmsg_dirfd */
static bool kmsg_create;
static bool to_stderr = true;
static bool verbose;
static int script_fd = -1;
static bool stderr_is_journal;
/* console_loglevel when stderr is /dev/console, -1 when it is not, -2 not looked at yet. */
static int stderr_console_level = -2;

bool log_stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	char *end;
	struct stat st;

	if (!env || !*env)
		return false;
	errno = 0;
	dev = strtoull(env, &end, 10);
	if (errno || end == env || *end != ':')
		return false;
	env = end + 1;
	ino = strtoull(env, &end, 10);
	if (errno || end == env || *end)
		return false;
	/* The variable outlives redirections (a hook may point stderr at the console): only
	 * the descriptor it names is the journal. */
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_setup(const char *path, bool create, bool use_stderr)
{
	if (kmsg_dirfd >= 0)
		close(kmsg_dirfd);
	kmsg_dirfd = AT_FDCWD;
	kmsg_path = kmsg_name = path;
	kmsg_create = create;
	to_stderr = use_stderr;
	stderr_console_level = -2;
	stderr_is_journal = use_stderr && log_stderr_is_journal();
}

/* console_loglevel: the first number of /proc/sys/kernel/printk's text (0 when none). */
static int console_level_of(const char *printk)
{
	int level = 0;

	for (; printk && *printk >= '0' && *printk <= '9' && level < 100; printk++)
		level = level * 10 + (*printk - '0');
	return level;
}

bool log_console_shows(enum log_level level, const char *printk)
{
	return (int)level < console_level_of(printk);
}

/* Whether the kernel itself prints a kmsg record of this level on stderr: stderr is
 * /dev/console (PID 1, dracut's shell init) and the level is below console_loglevel. Looked
 * up once, when /proc may be mounted at last. */
static bool kernel_prints_on_stderr(enum log_level level)
{
	struct stat st;

	if (stderr_console_level == -2) {
		char *printk = NULL;
		size_t len;

		stderr_console_level = -1;
		if (fstat(STDERR_FILENO, &st) == 0 && S_ISCHR(st.st_mode) &&
		    major(st.st_rdev) == 5 && minor(st.st_rdev) == 1 &&
		    read_file_limited("/proc/sys/kernel/printk", 256, &printk, &len) == 0)
			stderr_console_level = console_level_of(printk);
		free(printk);
	}
	return (int)level < stderr_console_level;
}

void log_set_verbose(bool v)
{
	verbose = v;
}

bool log_is_verbose(void)
{
	return verbose;
}

void log_set_script_fd(int fd)
{
	script_fd = fd;
}

int log_pin_kmsg_dir(void)
{
	const char *slash = kmsg_path ? strrchr(kmsg_path, '/') : NULL;
	char dir[4096];
	size_t n;
	int fd;

	if (!slash)
		return -EINVAL;
	n = slash == kmsg_path ? 1 : (size_t)(slash - kmsg_path);
	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, kmsg_path, n);
	dir[n] = '\0';
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (kmsg_dirfd >= 0)
		close(kmsg_dirfd);
	kmsg_dirfd = fd;
	kmsg_name = slash + 1;
	return 0;
}

/* /dev/kmsg rate-limits each open file (10 records per 5 s), so every record gets its own
 * open: a failing boot must not lose the lines that say why. */
/* Writes one record (n bytes with its newline) to the kernel log: true when it took it. */
static bool write_record(const char *rec, size_t n)
{
	int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | O_APPEND;
	bool ok;
	int fd;

	if (!kmsg_name)
		return false;
	if (kmsg_create)
		flags |= O_CREAT;
	fd = openat(kmsg_dirfd, kmsg_name, flags, 0644);
	if (fd < 0)
		return false;
	ok = write_all(fd, rec, n) == 0;
	close(fd);
	return ok;
}

/* True when the record reached the kernel log. */
static bool write_kmsg(enum log_level level, const char *text)
{
	char rec[RECORD_MAX + 32];
	int n = snprintf(rec, sizeof(rec), "<%d>" LOG_PREFIX "%s\n", (int)level, text);

	return n > 0 && write_record(rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1);
}

void log_kmsg_line(enum log_level level, const char *prefix, const char *text, size_t len)
{
	char rec[RECORD_MAX + 32];
	int n = snprintf(rec, sizeof(rec), "<%d>%s: ", (int)level, prefix);
	size_t room;

	if (n < 0 || (size_t)n >= RECORD_MAX)
		return;
	room = RECORD_MAX - (size_t)n;
	if (len > room)
		len = room;
	/* The kernel shows control characters as escapes; a newline would end the record. */
	for (size_t i = 0; i < len; i++)
		rec[(size_t)n + i] = text[i] == '\n' ? ' ' : text[i];
	rec[(size_t)n + len] = '\n';
	write_record(rec, (size_t)n + len + 1);
}

static void write_line(int fd, const char *text)
{
	char rec[RECORD_MAX + 32];
	int n = snprintf(rec, sizeof(rec), LOG_PREFIX "%s\n", text);

	if (n > 0)
		write_all(fd, rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1);
}

static void log_record(enum log_level level, const char *text)
{
	if (level == LEVEL_DEBUG && !verbose)
		return;
	bool in_kmsg = write_kmsg(level, text);

	/* Not twice on the console: a serial console shows about 10 characters a millisecond,
	 * and the writer waits for it. Not twice in the journal either, which reads the kernel
	 * log too (systemd initramfs: dracut-cmdline.service). A record the kernel log did not
	 * take still goes to stderr. */
	if (to_stderr && !(in_kmsg && (stderr_is_journal || kernel_prints_on_stderr(level))))
		write_line(STDERR_FILENO, text);
	if (script_fd >= 0)
		write_line(script_fd, text);
}

/* One record per line: kmsg would show an embedded newline as an escape. */
static void log_text(enum log_level level, char *text)
{
	char *line = text;

	for (;;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (*line || !nl)
			log_record(level, line);
		if (!nl || !nl[1])
			return;
		line = nl + 1;
	}
}

static void __attribute__((format(printf, 2, 0)))
vlog(enum log_level level, const char *fmt, va_list ap)
{
	char text[RECORD_MAX];

	vsnprintf(text, sizeof(text), fmt, ap);
	log_text(level, text);
}

#define VLOG(level, fmt)                                                                           \
	do {                                                                                       \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		vlog(level, fmt, ap);                                                              \
		va_end(ap);                                                                        \
	} while (0)

void log_msg(enum log_level level, const char *fmt, ...)
{
	VLOG(level, fmt);
}

void log_error(const char *fmt, ...)
{
	VLOG(LEVEL_ERR, fmt);
}

void log_warning(const char *fmt, ...)
{
	VLOG(LEVEL_WARNING, fmt);
}
