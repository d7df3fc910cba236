/* collect_end.c: a collector's output side: reading the module's relay files into its output
 * (and the console copy), ending and unloading the module, the state file. */
#include "collector.h"

#include "ctlproto.h"
#include "fileio.h"
#include "kmsg.h"
#include "loader.h"
#include "sysseam.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK 65536
/* Reads of one file in a row before the others get their turn. */
#define READS_IN_A_ROW 16
#define STATE_EVERY_MS 1000

/* Copies whole lines of data to the kernel log; a line longer than a record goes in parts. */
static void console_copy(struct collector *c, const char *data, size_t len)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		size_t room = sizeof(c->cons) - c->cons_len;
		size_t part = n < room ? n : room;

		memcpy(c->cons + c->cons_len, data, part);
		c->cons_len += part;
		data += part;
		len -= part;
		if (nl && part == n) {
			data++;
			len--;
		} else if (c->cons_len < sizeof(c->cons))
			continue;
		log_kmsg_line(LEVEL_NOTICE, c->id.name, c->cons, c->cons_len);
		c->cons_len = 0;
	}
}

void collector_take(void *collector, const char *data, size_t len)
{
	struct collector *c = collector;

	/* The console copy is for the boot before the output has a file. */
	if (c->console && c->out.opened_once) {
		if (c->cons_len)
			log_kmsg_line(LEVEL_NOTICE, c->id.name, c->cons, c->cons_len);
		c->cons_len = 0;
		c->console = false;
	}
	if (c->console)
		console_copy(c, data, len);
	out_feed(&c->out, data, len);
	c->state_dirty = true;
}

/* Reads file i until it has nothing more for now: true when it gave something. */
static bool read_one(struct collector *c, size_t i)
{
	static char buf[READ_CHUNK];
	bool got = false;

	for (unsigned k = 0; k < READS_IN_A_ROW; k++) {
		ssize_t n = read(c->trace[i], buf, sizeof(buf));

		if (n > 0) {
			tracemsg_feed(&c->tm, &c->tf[i], buf, (size_t)n, sysseam->now_ms());
			got = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* The runtime says ENODATA when its buffer is empty; a test's FIFO EAGAIN, and 0
		 * at its end (a relay file may also give 0: only padding was left). */
		if (n < 0 && errno != EAGAIN && errno != ENODATA) {
			log_warning("%s: cannot read its output (trace file %zu): %s", c->id.name,
				    i, strerror(errno));
			close(c->trace[i]);
			c->trace[i] = -1;
		}
		break;
	}
	return got;
}

void collector_read(struct collector *c)
{
	bool more = true;

	while (more) {
		more = false;
		for (size_t i = 0; i < c->n_trace; i++)
			if (c->trace[i] >= 0 && read_one(c, i))
				more = true;
	}
	tracemsg_flush(&c->tm, sysseam->now_ms(), false);
}

void collector_end(struct collector *c, enum collect_module why)
{
	int r;

	if (c->ending || c->module != COLLECT_MODULE_RUNNING)
		return;
	c->ending = true;
	c->end_as = why;
	c->end_deadline = sysseam->now_ms() + LOADER_REPLY_TIMEOUT_MS;
	log_debug("%s: sending STP_EXIT (%s)", c->id.name,
		  why == COLLECT_MODULE_STOPPED ? "SIGTERM" : "the script asked to exit");
	r = ctl_send_exit(c->ch.fd, c->ch.protocol);
	if (r < 0) {
		log_warning("%s: failed to send STP_EXIT: %s; unloading anyway", c->id.name,
			    strerror(-r));
		c->end_deadline = 0;
	}
}

static const char *end_words(enum collect_module how)
{
	switch (how) {
	case COLLECT_MODULE_EXITED:
		return "the script asked to exit";
	case COLLECT_MODULE_STOPPED:
		return "stopped (SIGTERM: systemtap-service stop)";
	default:
		return "the collector lost the module's control channel";
	}
}

void collector_finish(struct collector *c, enum collect_module how)
{
	char when[128];
	uint64_t real, boot;
	int r = 0;

	/* The end probes' output was flushed before the STP_EXIT reply: take all of it. */
	collector_read(c);
	tracemsg_flush(&c->tm, sysseam->now_ms(), true);
	for (size_t i = 0; i < c->n_trace; i++) {
		if (c->trace[i] >= 0)
			close(c->trace[i]);
		c->trace[i] = -1;
		tracemsg_file_free(&c->tf[i]);
	}
	if (c->tm.skipped)
		log_warning("%s: %llu bytes of its relay files were no message (a message cut "
			    "short by a full buffer?)",
			    c->id.name, (unsigned long long)c->tm.skipped);
	if (c->cons_len && c->console)
		log_kmsg_line(LEVEL_NOTICE, c->id.name, c->cons, c->cons_len);
	c->cons_len = 0;
	channel_close(&c->ch);
	/* An open relay file or channel holds a module reference: unload only now. */
	if (how != COLLECT_MODULE_DETACHED)
		r = loader_unload(c->id.name);
	c->module = how;
	out_gap_now(&c->out);
	out_now(&real, &boot);
	out_when(when, sizeof(when), real, boot);
	if (c->ch.transport_failures)
		out_mark(&c->out,
			 "the module counted %llu transport failures: its buffer was full and "
			 "refused output (a larger bufsize, stap -s, would help)",
			 c->ch.transport_failures);
	if (how == COLLECT_MODULE_DETACHED) {
		out_mark(&c->out,
			 "%s %s: what it prints from now on stays in its buffer "
			 "(staprun -A %s)",
			 end_words(how), when, c->id.name);
		log_warning("%s: its collector lost the control channel: the script runs on "
			    "detached (staprun -A %s reads its output)",
			    c->id.name, c->id.name);
	} else {
		out_mark(&c->out, "ended %s: %s, module %s", when, end_words(how),
			 r == 0 ? "unloaded" : "could not be unloaded");
		log_info("%s: %s: ended and %s", c->id.name, end_words(how),
			 r == 0 ? "unloaded" : "could not be unloaded (see above)");
	}
	c->state_dirty = true;
}

void collector_state(struct collector *c, bool now)
{
	struct collect_state st = {
	    .pid = (long)getpid(),
	    .module = c->module,
	    .output = c->done	       ? COLLECT_OUTPUT_DONE
		      : c->out.fd >= 0 ? COLLECT_OUTPUT_FILE
				       : COLLECT_OUTPUT_MEMORY,
	    .log_size = c->out.spool.limit,
	    .kept = c->out.spool.len,
	    .lost_bytes = c->out.spool.lost_bytes,
	    .lost_lines = c->out.spool.lost_lines,
	    .transport_failures = c->ch.transport_failures,
	};
	char text[COLLECT_MSG_MAX], tmp[SCRIPT_NAME_MAX + 16], file[SCRIPT_NAME_MAX + 16];
	uint64_t t = sysseam->now_ms();
	int fd, n;

	if (!c->in_rundir || !c->state_dirty || (!now && t < c->state_at + STATE_EVERY_MS))
		return;
	snprintf(st.script, sizeof(st.script), "%s", c->id.name);
	if (c->out.opened_once)
		snprintf(st.file, sizeof(st.file), "%s/%s.log", c->out.dir, c->id.name);
	n = collect_state_format(&st, text, sizeof(text));
	snprintf(tmp, sizeof(tmp), ".%s.state.tmp", c->id.name);
	snprintf(file, sizeof(file), "%s" COLLECT_STATE_SUFFIX, c->id.name);
	/* In the run directory (the current one): tmpfs, so the fsync costs nothing. */
	fd = n < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0 || rename(tmp, file) < 0)
		log_warning("%s: cannot write its state file %s: %s", c->id.name, file,
			    n < 0 ? strerror(-n) : strerror(errno));
	if (fd >= 0)
		close(fd);
	c->state_dirty = false;
	c->state_at = t;
}
