/* onboot_dracut.c: running dracut, its output to LOG_FILE, its progress on a terminal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "onboot_dracut.h"
#include "run.h"
#include "timelimit.h"

#define TAIL_LINES 6
#define MAX_LINE 4096

struct progress {
	const char *label;
	bool tty;
	int width; /* terminal columns: the status line must not wrap */
	time_t start;
	char stage[128];
	char *tail[TAIL_LINES]; /* ring of the last lines */
	size_t tail_next;
};

static void show(struct progress *p)
{
	char line[512];
	int n;

	if (!p->tty)
		return;
	n = snprintf(line, sizeof(line), "%s[%lds%s%s]", p->label, (long)(time(NULL) - p->start),
		     p->stage[0] ? ": " : "", p->stage);
	if (n >= p->width)
		line[p->width > 1 ? p->width - 1 : 0] = '\0';
	printf("\r\033[K%s", line);
	fflush(stdout);
}

static int terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col < 512 ? ws.ws_col : 511;
	return 80;
}

/* "dracut: *** Including module: base ***" -> "Including module: base". */
static void note_stage(struct progress *p, const char *line)
{
	const char *a = strstr(line, "*** "), *b;

	if (!a)
		return;
	a += 4;
	b = strstr(a, " ***");
	if (!b)
		return;
	snprintf(p->stage, sizeof(p->stage), "%.*s", (int)(b - a), a);
}

static void note_line(struct progress *p, char *line)
{
	if (!*line)
		return;
	log_line("%s", line);
	note_stage(p, line);
	free(p->tail[p->tail_next]);
	p->tail[p->tail_next] = strdup(line);
	p->tail_next = (p->tail_next + 1) % TAIL_LINES;
	show(p);
}

static char *join_tail(struct progress *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < TAIL_LINES; i++) {
		const char *l = p->tail[(p->tail_next + i) % TAIL_LINES];

		if (l)
			fprintf(f, "%s\n", l);
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	if (len == 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Reads fd to its end, line by line (long lines are cut at MAX_LINE), or until a signal
 * interrupts us or pid's time limit is reached: whatever holds the pipe open then, we wait for
 * dracut alone. */
static void read_lines(int fd, pid_t pid, struct progress *p)
{
	char buf[MAX_LINE + 1];
	size_t used = 0;

	while (!interrupted() && !timelimit_expired(pid)) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;
		char *start, *nl;
		int ready = poll(&pfd, 1, 1000);

		if (ready < 0 && errno != EINTR)
			break;
		/* On a terminal, tick the elapsed time while dracut is silent (compression). */
		if (ready <= 0) {
			show(p);
			continue;
		}
		n = read(fd, buf + used, MAX_LINE - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		buf[used] = '\0';
		start = buf;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			note_line(p, start);
			start = nl + 1;
		}
		used -= (size_t)(start - buf);
		memmove(buf, start, used);
		if (used == MAX_LINE) {
			buf[used] = '\0';
			note_line(p, buf);
			used = 0;
		}
	}
	if (used) {
		buf[used] = '\0';
		note_line(p, buf);
	}
}

int onboot_run_dracut(char *const argv[], char *const env_add[], const struct run_limit *limit,
		      const char *label, bool progress, struct dracut_run *ret)
{
	struct progress p = {
	    .label = label, .tty = progress && isatty(STDOUT_FILENO), .start = time(NULL)};
	struct dracut_run d = {0};
	int pipefd[2], r;
	pid_t pid;

	if (p.tty)
		p.width = terminal_width();
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return log_error_errno(-errno, "Failed to create a pipe for %s", argv[0]);
	log_exec(argv);
	fflush(stdout);

	/* A signal (interrupt.h) ends dracut; -EINTR then, whatever dracut returned. A run killed
	 * outright (SIGKILL) cannot: dracut then gets SIGTERM from the kernel, and cleans up. */
	struct run_opts o = {.in_fd = -1,
			     .out_fd = pipefd[1],
			     .err_fd = pipefd[1],
			     .flags = RUN_DIE_WITH_PARENT,
			     .env_add = env_add,
			     .limit = limit};
	pid = run_spawn_opts(argv, &o);
	close(pipefd[1]);
	if (pid < 0) {
		r = pid == -EINTR ? -EINTR : log_error_errno(pid, "Failed to run %s", argv[0]);
	} else {
		show(&p);
		/* After a signal, its last words stay in the pipe: closing it would kill it with
		 * SIGPIPE in the middle of its cleanup. */
		read_lines(pipefd[0], pid, &p);
		r = run_wait_note(pid, &d.note);
		if (r < 0 && r != -EINTR && r != -ETIME)
			log_error_errno(r, "Failed to wait for %s", argv[0]);
	}
	close(pipefd[0]);

	if (p.tty) {
		printf("\r\033[K%s", label);
		fflush(stdout);
	}
	if (r >= 0 && interrupted())
		r = -EINTR;
	if (r >= 0 || r == -ETIME)
		d.tail = join_tail(&p);
	for (size_t i = 0; i < TAIL_LINES; i++)
		free(p.tail[i]);
	if (r < 0 && r != -ETIME) {
		free(d.note);
		return r;
	}
	d.status = r;
	*ret = d;
	return 0;
}

void dracut_run_free(struct dracut_run *d)
{
	free(d->tail);
	free(d->note);
	*d = (struct dracut_run){0};
}
