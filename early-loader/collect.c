/* collect.c: a collector's setup and loop: the module's control channel and relay files, its
 * socket, SIGTERM. Everything it needs after switch-root is an open fd by then (its "/" stays
 * the old initramfs): the channel, the relay files, the kernel log's directory, its run
 * directory (its working directory), the socket; the log directory arrives as an fd. */
#include "collector.h"

#include "collect_sock.h"
#include "fileio.h"
#include "kmsg.h"
#include "loader.h"
#include "macro.h"
#include "rootpath.h"
#include "sysseam.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

/* The run directory RUNDIR/onboot.d, made and entered: 0 or -errno (logged). */
static int enter_rundir(const struct collect_args *a)
{
	char dir[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s/" COLLECT_DIR, a->rundir) >= (int)sizeof(dir))
		return log_error_errno(-ENAMETOOLONG, "%s: run directory", a->name);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(dir, 0755);
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "%s: cannot create %s", a->name, dir);
	if (chdir(dir) < 0)
		return log_error_errno(-errno, "%s: cannot enter %s", a->name, dir);
	return 0;
}

/* Opens ROOT/proc/systemtap/NAME/trace* (else the debugfs place): how many. */
static size_t open_traces(struct collector *c)
{
	static const char *const dirs[] = {"/proc/systemtap/", "/sys/kernel/debug/systemtap/"};
	char rel[PATH_MAX], dir[PATH_MAX];
	struct dirent *de;

	for (size_t k = 0; k < ELEMENTSOF(dirs) && c->n_trace == 0; k++) {
		DIR *d;

		snprintf(rel, sizeof(rel), "%s%s", dirs[k], c->id.name);
		if (root_path(dir, sizeof(dir), c->a->root, rel) < 0 || !(d = opendir(dir)))
			continue;
		while ((de = readdir(d)) && c->n_trace < TRACE_MAX) {
			const char *n = de->d_name;
			int fd;

			if (strncmp(n, "trace", 5) != 0 || !n[5] ||
			    strspn(n + 5, "0123456789") != strlen(n + 5))
				continue;
			fd = openat(dirfd(d), n, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
			if (fd < 0)
				log_warning("%s: cannot open %s/%s: %s", c->id.name, dir, n,
					    strerror(errno));
			else
				c->trace[c->n_trace++] = fd;
		}
		closedir(d);
	}
	return c->n_trace;
}

static void read_boot_id(struct collector *c)
{
	char path[PATH_MAX], *text = NULL;
	size_t len;

	snprintf(c->id.boot_id, sizeof(c->id.boot_id), "unknown");
	if (root_path(path, sizeof(path), c->a->root, "/proc/sys/kernel/random/boot_id") < 0 ||
	    read_file_limited(path, 128, &text, &len) < 0)
		return;
	text[strcspn(text, "\n")] = '\0';
	if (*text && strlen(text) < sizeof(c->id.boot_id))
		snprintf(c->id.boot_id, sizeof(c->id.boot_id), "%s", text);
	free(text);
}

/* SIGTERM and SIGINT blocked: read from the signalfd once it is there, pending until then. */
static void block_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigprocmask(SIG_BLOCK, set, NULL);
}

static int signal_fd(void)
{
	sigset_t set;

	block_stop_signals(&set);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Waits until the gate's write ends are all closed (the boot went on), at most
 * COLLECT_GATE_MAX_MS (collect.h), then closes it. */
static void wait_at_gate(const struct collect_args *a)
{
	struct pollfd p = {.fd = a->gate_fd, .events = POLLIN};
	uint64_t end = sysseam->now_ms() + COLLECT_GATE_MAX_MS, now;
	sigset_t set;

	block_stop_signals(&set);
	/* Nothing is ever written to it: any event is its end. */
	while ((now = sysseam->now_ms()) < end && poll(&p, 1, (int)(end - now)) < 0 &&
	       errno == EINTR)
		;
	if (sysseam->now_ms() >= end)
		log_debug("%s: the loader still runs after %d ms: collecting already", a->name,
			  COLLECT_GATE_MAX_MS);
	close(a->gate_fd);
}

static int setup(struct collector *c)
{
	const struct collect_args *a = c->a;
	int r;

	log_set_script_fd(a->log_fd);
	if (log_pin_kmsg_dir() < 0)
		log_debug("%s: the kernel log stays a path for its collector", a->name);
	snprintf(c->id.name, sizeof(c->id.name), "%s", a->name);
	c->console = a->console;
	c->id.armed_ns = a->armed_ns;
	c->id.armed_boot_ns = a->armed_boot_ns;
	read_boot_id(c);
	if (sysseam->kernel_release(c->id.release, sizeof(c->id.release)) < 0)
		snprintf(c->id.release, sizeof(c->id.release), "unknown");
	out_init(&c->out, &c->id, a->log_size);
	if (open_traces(c) == 0)
		return log_error_errno(-ENOENT, "%s: no trace files in /proc/systemtap/%s", a->name,
				       a->name);
	r = enter_rundir(a);
	if (r < 0)
		return r;
	c->in_rundir = true;
	c->lfd = collect_sock_listen(a->name);
	if (c->lfd < 0)
		return c->lfd;
	c->sfd = signal_fd();
	if (c->sfd < 0)
		return log_error_errno(-errno, "%s: cannot watch for SIGTERM", a->name);
	return 0;
}

static void handle_request(struct collector *c)
{
	struct collect_request req;
	char when[128];
	uint64_t real, boot;
	int conn, fd, r;

	if (collect_sock_take(c->lfd, c->id.name, &req, &conn, &fd) < 0)
		return;
	if (req.verb == COLLECT_SAVE) {
		r = out_save(&c->out, fd, req.dir);
		close(fd);
		if (r < 0)
			collect_sock_reply(conn, false, "cannot open %s/%s.log: %s", req.dir,
					   c->id.name, errno_reason(r));
		else
			collect_sock_reply(conn, true, "%s/%s.log", req.dir, c->id.name);
	} else {
		out_now(&real, &boot);
		out_when(when, sizeof(when), real, boot);
		if (c->out.fd >= 0) {
			char why[512];

			snprintf(why, sizeof(why),
				 "file closed %s by onboot --close-log (shutdown, or "
				 "systemtap-onboot-log.service stopped); what follows is kept in "
				 "memory until the next save",
				 when);
			out_close(&c->out, why);
		}
		collect_sock_reply(conn, true, "closed");
	}
	c->state_dirty = true;
	collector_state(c, true);
}

/* SIGTERM or SIGINT: end the module; when it has ended already, give up waiting for a file. */
static bool handle_signal(struct collector *c)
{
	struct signalfd_siginfo si;

	if (read(c->sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return false;
	if (c->module == COLLECT_MODULE_RUNNING) {
		collector_end(c, COLLECT_MODULE_STOPPED);
		return false;
	}
	if (c->out.spool.len)
		log_warning("%s: its collector ends with %zu bytes of output never saved to a file",
			    c->id.name, c->out.spool.len);
	return true;
}

/* What the module says on its channel; a broken channel lets go of it. */
static void handle_channel(struct collector *c)
{
	int r;

	do
		r = channel_read_one(&c->ch, 0);
	while (r == 0 && !c->ch.exited);
	if (r < 0 && r != -ETIMEDOUT) {
		log_warning("%s: its control channel failed: %s", c->id.name, strerror(-r));
		collector_finish(c, COLLECT_MODULE_DETACHED);
	} else if (c->ch.exited)
		collector_finish(c, c->ending ? c->end_as : COLLECT_MODULE_EXITED);
	else if (c->ch.exit_requested)
		collector_end(c, COLLECT_MODULE_EXITED);
}

/* The poll set: the signal fd, the socket, then while the module runs its channel and its
 * relay files (which[k]: the trace index of p[3 + k]). Returns how many. */
static nfds_t poll_set(const struct collector *c, struct pollfd *p, size_t *which)
{
	nfds_t n = 0;

	p[n++] = (struct pollfd){.fd = c->sfd, .events = POLLIN};
	p[n++] = (struct pollfd){.fd = c->lfd, .events = POLLIN};
	if (c->module == COLLECT_MODULE_RUNNING) {
		p[n++] = (struct pollfd){.fd = c->ch.fd, .events = POLLIN};
		for (size_t i = 0; i < c->n_trace; i++)
			if (c->trace[i] >= 0) {
				which[n - 3] = i;
				p[n++] = (struct pollfd){.fd = c->trace[i], .events = POLLIN};
			}
	}
	return n;
}

/* A relay file that reports an error, or a test's FIFO at its end, is read no more. */
static void drop_ended(struct collector *c, const struct pollfd *p, nfds_t n, const size_t *which)
{
	for (nfds_t k = 3; k < n; k++)
		if ((p[k].revents & (POLLHUP | POLLERR | POLLNVAL)) && !(p[k].revents & POLLIN) &&
		    c->trace[which[k - 3]] >= 0) {
			close(c->trace[which[k - 3]]);
			c->trace[which[k - 3]] = -1;
		}
}

static int timeout_ms(const struct collector *c)
{
	uint64_t now = sysseam->now_ms(), due = UINT64_MAX;

	if (c->ending && c->module == COLLECT_MODULE_RUNNING)
		due = c->end_deadline;
	if (c->state_dirty && c->state_at + 1000 < due)
		due = c->state_at + 1000;
	/* A message waiting for one numbered before it. */
	if (c->tm.n && c->tm.q[0].at + TRACEMSG_WAIT_MS < due)
		due = c->tm.q[0].at + TRACEMSG_WAIT_MS;
	if (due == UINT64_MAX)
		return -1;
	return due <= now ? 0 : (int)(due - now);
}

static void run_loop(struct collector *c)
{
	static struct pollfd p[TRACE_MAX + 3];
	static size_t which[TRACE_MAX];

	for (;;) {
		nfds_t n = poll_set(c, p, which);
		int r = poll(p, n, timeout_ms(c));

		if (r < 0 && errno != EINTR) {
			log_error("%s: its collector cannot wait: %s", c->id.name, strerror(errno));
			return;
		}
		if (r > 0 && (p[0].revents & POLLIN) && handle_signal(c))
			return;
		if (c->module == COLLECT_MODULE_RUNNING) {
			collector_read(c);
			if (r > 0)
				drop_ended(c, p, n, which);
			if (r > 0 && p[2].revents)
				handle_channel(c);
		}
		if (c->ending && c->module == COLLECT_MODULE_RUNNING &&
		    sysseam->now_ms() >= c->end_deadline) {
			log_warning("%s: no STP_EXIT reply within %d ms; unloading anyway",
				    c->id.name, LOADER_REPLY_TIMEOUT_MS);
			collector_finish(c, c->end_as);
		}
		if (r > 0 && (p[1].revents & POLLIN))
			handle_request(c);
		/* Ended, and its output all in its file: done. */
		if (c->module != COLLECT_MODULE_RUNNING && c->out.fd >= 0)
			return;
		collector_state(c, false);
	}
}

int collect_run(const struct collect_args *a)
{
	struct collector c = {.a = a, .lfd = -1, .sfd = -1};
	char sock[SCRIPT_NAME_MAX + 8];
	int r;

	c.ch = (struct channel){.script = a->name, .fd = a->ctl_fd, .protocol = a->protocol};
	tracemsg_init(&c.tm, a->protocol, collector_take, &c);
	for (size_t i = 0; i < TRACE_MAX; i++)
		c.trace[i] = -1;
	if (a->gated)
		wait_at_gate(a);
	r = setup(&c);
	if (r < 0) {
		/* Without its relay files or socket nothing can be saved: let go of the channel,
		 * so that the module runs on in flight-recorder mode, as staprun -L leaves it. */
		log_warning("%s: its output is not collected; it stays in the module's buffer "
			    "(staprun -A %s reads it)",
			    a->name, a->name);
		collector_finish(&c, COLLECT_MODULE_DETACHED);
	} else {
		log_debug("%s: collector %d holds its channel, %zu trace file(s)", a->name,
			  (int)getpid(), c.n_trace);
		c.state_dirty = true;
		collector_state(&c, true);
		if (a->exit_requested)
			collector_end(&c, COLLECT_MODULE_EXITED);
		run_loop(&c);
		out_close(&c.out, NULL);
	}
	c.done = true;
	c.state_dirty = true;
	collector_state(&c, true);
	snprintf(sock, sizeof(sock), "%s" COLLECT_SOCK_SUFFIX, a->name);
	if (c.lfd >= 0) {
		unlink(sock);
		close(c.lfd);
	}
	if (c.sfd >= 0)
		close(c.sfd);
	for (size_t i = 0; i < TRACE_MAX; i++)
		tracemsg_file_free(&c.tf[i]);
	tracemsg_free(&c.tm);
	out_free(&c.out);
	return r < 0 ? 1 : 0;
}
