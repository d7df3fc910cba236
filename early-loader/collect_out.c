/* collect_out.c: one script's output into memory, then into NAME.log with its marker lines. */
#include "collect_out.h"

#include "fileio.h"
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MARK_MAX 1024

void out_now(uint64_t *real_ns, uint64_t *boot_ns)
{
	struct timespec r, b;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_BOOTTIME, &b);
	*real_ns = (uint64_t)r.tv_sec * 1000000000ULL + (uint64_t)r.tv_nsec;
	*boot_ns = (uint64_t)b.tv_sec * 1000000000ULL + (uint64_t)b.tv_nsec;
}

void out_when(char *buf, size_t size, uint64_t real_ns, uint64_t boot_ns)
{
	time_t sec = (time_t)(real_ns / 1000000000ULL);
	struct tm tm;
	char day[32] = "?";

	if (gmtime_r(&sec, &tm))
		strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03uZ (%llu.%03u s after the kernel started)", day,
		 (unsigned)(real_ns / 1000000ULL % 1000),
		 (unsigned long long)(boot_ns / 1000000000ULL),
		 (unsigned)(boot_ns / 1000000ULL % 1000));
}

void out_init(struct collect_out *o, const struct collect_ident *id, size_t limit)
{
	*o = (struct collect_out){.id = id, .fd = -1, .file_line_start = true};
	spool_init(&o->spool, limit);
}

/* Writes to the file; on failure counts what did not reach it as lost. stream: data is the
 * stream's latest (not the kept output of earlier, written late). */
static void file_write(struct collect_out *o, const char *data, size_t len, bool stream)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(o->fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (o->spool.gap_bytes == 0)
				log_warning(
				    "%s: cannot write its output file: %s; counting what is "
				    "lost",
				    o->id->name, strerror(n < 0 ? errno : EIO));
			o->gap_why = "the file refused them (full or failing)";
			if (stream)
				spool_lose(&o->spool, data + done, len - done);
			else
				spool_count_lost(&o->spool, data + done, len - done);
			break;
		}
		done += (size_t)n;
	}
	if (done) {
		if (stream)
			spool_passed(&o->spool, data, done);
		o->file_line_start = data[done - 1] == '\n';
	}
}

static void __attribute__((format(printf, 2, 0)))
vmark(struct collect_out *o, const char *fmt, va_list ap)
{
	char line[MARK_MAX];
	int n, m;

	/* A marker starts a line of its own, even in the middle of a line of output. */
	n = snprintf(line, sizeof(line),
		     "%s" OUT_MARK "%s: ", o->fd < 0 || o->file_line_start ? "" : "\n",
		     o->id->name);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m < (int)(sizeof(line) - (size_t)n - 1) ? m : (int)(sizeof(line) - (size_t)n - 2);
	line[n++] = '\n';
	if (o->fd < 0) {
		char *p = realloc(o->pending, o->pending_len + (size_t)n);

		if (p) {
			memcpy(p + o->pending_len, line, (size_t)n);
			o->pending = p;
			o->pending_len += (size_t)n;
		}
	} else if (write_all(o->fd, line, (size_t)n) == 0)
		o->file_line_start = true;
}

void out_mark(struct collect_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmark(o, fmt, ap);
	va_end(ap);
}

static void mark_gap(struct collect_out *o)
{
	out_mark(o, "%llu bytes (%llu lines) of output lost here: %s",
		 (unsigned long long)o->spool.gap_bytes, (unsigned long long)o->spool.gap_lines,
		 o->gap_why ? o->gap_why : "?");
	spool_gap_written(&o->spool);
}

void out_gap_now(struct collect_out *o)
{
	if (o->spool.gap_bytes)
		mark_gap(o);
}

void out_feed(struct collect_out *o, const char *data, size_t len)
{
	size_t skip;

	if (o->fd < 0) {
		bool was_full = o->spool.full;

		spool_keep(&o->spool, data, len);
		if (o->spool.full && !was_full) {
			o->gap_why =
			    "more than ONBOOT_LOG_SIZE came before the log directory was given";
			log_warning("%s: more than %zu bytes of output before its file was opened "
				    "(ONBOOT_LOG_SIZE): counting what is lost until then",
				    o->id->name, o->spool.limit);
		}
		return;
	}
	skip = spool_resync(&o->spool, data, len);
	data += skip;
	len -= skip;
	if (len == 0)
		return;
	if (spool_gap_ready(&o->spool))
		mark_gap(o);
	file_write(o, data, len, true);
}

/* Opens NAME.log in dirfd: fd, or -errno. */
static int open_log(const struct collect_out *o, int dirfd, struct stat *st)
{
	char file[SCRIPT_NAME_MAX + 8];
	int fd, fl;

	snprintf(file, sizeof(file), "%s.log", o->id->name);
	/* O_NONBLOCK: a FIFO planted there must not hang the collector. */
	fd = openat(dirfd, file,
		    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		    0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_nlink != 1 ||
	    (fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int r = S_ISREG(st->st_mode) && st->st_nlink != 1 ? -EMLINK : -ENOTREGULAR;

		close(fd);
		return r;
	}
	return fd;
}

int out_save(struct collect_out *o, int dirfd, const char *dir)
{
	char when[128];
	uint64_t real, boot;
	struct stat st;
	int fd;

	fd = open_log(o, dirfd, &st);
	if (fd < 0)
		return log_error_errno(fd, "%s: cannot open %s/%s.log for its output", o->id->name,
				       dir, o->id->name);
	if (o->fd >= 0 && st.st_dev == o->dev && st.st_ino == o->ino) {
		close(fd);
		return 0;
	}
	out_now(&real, &boot);
	out_when(when, sizeof(when), real, boot);
	if (o->fd >= 0)
		out_close(o, "continued in a new file (reopened: a rotated log?)");
	o->fd = fd;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	snprintf(o->dir, sizeof(o->dir), "%s", dir);
	/* The file may end in the middle of a line (another writer, a crash): start our own. */
	o->file_line_start = st.st_size == 0;
	if (!o->opened_once) {
		char armed[128];

		out_when(armed, sizeof(armed), o->id->armed_ns, o->id->armed_boot_ns);
		out_mark(o,
			 "boot %s kernel %s, started at boot, armed %s; its output from the "
			 "first record",
			 o->id->boot_id, o->id->release, armed);
	} else
		out_mark(o, "boot %s kernel %s, continued %s", o->id->boot_id, o->id->release,
			 when);
	o->opened_once = true;
	if (o->spool.len)
		file_write(o, o->spool.buf, o->spool.len, false);
	spool_clear(&o->spool);
	if (spool_gap_ready(&o->spool))
		mark_gap(o);
	if (o->pending_len) {
		if (!o->file_line_start)
			file_write(o, "\n", 1, false);
		file_write(o, o->pending, o->pending_len, false);
		free(o->pending);
		o->pending = NULL;
		o->pending_len = 0;
	}
	log_info("%s: its output goes to %s/%s.log", o->id->name, dir, o->id->name);
	return 0;
}

void out_close(struct collect_out *o, const char *why)
{
	if (o->fd < 0)
		return;
	if (why)
		out_mark(o, "%s", why);
	if (fsync(o->fd) < 0 && errno != EINVAL)
		log_warning("%s: cannot sync its output file: %s", o->id->name, strerror(errno));
	close(o->fd);
	o->fd = -1;
}

void out_free(struct collect_out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	free(o->pending);
	o->pending = NULL;
	spool_free(&o->spool);
}
