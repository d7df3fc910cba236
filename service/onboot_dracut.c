/* onboot_dracut.c: running dracut, its output to LOG_FILE, its progress on a terminal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "onboot_dracut.h"
#include "run.h"

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

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t got_signal;

static void forward_signal(int sig)
{
	got_signal = sig;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

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

/* Reads fd to its end, line by line (long lines are cut at MAX_LINE). */
static void read_lines(int fd, struct progress *p)
{
	char buf[MAX_LINE + 1];
	size_t used = 0;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;
		char *start, *nl;

		/* On a terminal, tick the elapsed time while dracut is silent (compression). */
		if (p->tty && poll(&pfd, 1, 1000) == 0) {
			show(p);
			continue;
		}
		n = read(fd, buf + used, MAX_LINE - used);
		if (n < 0 && errno == EINTR) {
			show(p);
			continue;
		}
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

int onboot_run_dracut(char *const argv[], const char *label, char **ret_tail)
{
	struct progress p = {.label = label, .tty = isatty(STDOUT_FILENO), .start = time(NULL)};
	struct sigaction sa = {.sa_handler = forward_signal}, old_int, old_term, old_hup;
	int pipefd[2], r;
	pid_t pid;

	if (p.tty)
		p.width = terminal_width();
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return log_error_errno(-errno, "Failed to create a pipe for %s", argv[0]);
	log_exec(argv);
	fflush(stdout);
	got_signal = 0;
	child_pid = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	pid = run_spawn(argv, NULL, pipefd[1], pipefd[1]);
	close(pipefd[1]);
	if (pid < 0) {
		r = log_error_errno(pid, "Failed to run %s", argv[0]);
	} else {
		child_pid = pid;
		show(&p);
		read_lines(pipefd[0], &p);
		do
			r = run_wait(pid);
		while (r == -EINTR);
		child_pid = 0;
		if (r < 0)
			log_error_errno(r, "Failed to wait for %s", argv[0]);
	}
	close(pipefd[0]);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);

	if (p.tty) {
		printf("\r\033[K%s", label);
		fflush(stdout);
	}
	if (r >= 0 && got_signal)
		r = -EINTR;
	if (ret_tail)
		*ret_tail = join_tail(&p);
	for (size_t i = 0; i < TAIL_LINES; i++)
		free(p.tail[i]);
	return r;
}
