/* collect_test.h: the collector tests' setting (header-only, one collector per test): a fake
 * module with a relay file, its collector forked on it (collect_run in the child, the fake
 * kernel with it), requests to its real socket as systemtap-service sends them, the records
 * sys_trace prints, the files it writes. Uses fake_kernel.h and test.h. */
#pragma once
#include "collect.h"
#include "collect_proto.h"
#include "collect_send.h"
#include "ctlproto.h"
#include "fake_kernel.h"
#include "kmsg.h"
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define BOOT_ID "0b5e55ed-1234-4321-abcd-5ea7ab1e0001"

static char *root; /* the fake root: kernel files, run and log directories */
static char kmsg[4200], rundir[4200], logdir[4200];

/* Each test starts from no module, no run or log files. */
static inline void reset(void)
{
	fk_reset(root);
	fr_reap(rundir);
	unlink(kmsg);
	remove_tree(rundir);
	remove_tree(logdir);
	mkdir(logdir, 0755);
}

/* Loads fake module name with a relay file and forks its collector (collect_run in the child,
 * the fake kernel there too): the child's pid. The test keeps the kernel's end of the channel
 * (to send the module's messages) and the relay file's write end (fk_print). */
static inline pid_t start(const char *name, size_t log_size, bool console, bool exit_requested,
			  int log_fd)
{
	struct fk_module *m = fk_add(name, 4);
	char ctl[4300];
	unsigned char *image;
	size_t len;
	pid_t pid;
	int fd;

	m->trace = true;
	image = fe_module(name, FK_RELEASE FE_VERMAGIC_FLAGS, &len);
	if (fk_init_module(image, len, "") < 0)
		exit(2);
	free(image);
	snprintf(ctl, sizeof(ctl), "%s/proc/systemtap/%s/.cmd", root, name);
	fd = fk_open_ctl(ctl);
	struct collect_args a = {
	    .name = m->name,
	    .protocol = 4,
	    .ctl_fd = fd,
	    .log_fd = log_fd,
	    .log_size = log_size,
	    .console = console,
	    .exit_requested = exit_requested,
	    .armed_ns = 1700000000123000000ULL,
	    .armed_boot_ns = 2345000000ULL,
	    .root = root,
	    .rundir = rundir,
	    .kmsg_path = kmsg,
	    .kmsg_is_file = true,
	};
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		log_setup(kmsg, true, false);
		_exit(collect_run(&a));
	}
	/* Only the collector holds the channel now, as after the loader's hand-over. */
	close(fd);
	m->ufd = -1;
	return pid;
}

/* DIR/NAME SUFFIX, read whole ("" when missing). */
static inline char *file_text(const char *dir, const char *name, const char *suffix)
{
	char p[4400];

	snprintf(p, sizeof(p), "%s/%s%s", dir, name, suffix);
	return read_text(p);
}

/* Waits (at most 5 s) until name's state file holds needle. */
static inline bool state_has(const char *name, const char *needle)
{
	char dir[4300];

	snprintf(dir, sizeof(dir), "%s/onboot.d", rundir);
	for (int i = 0; i < 500; i++) {
		char *t = file_text(dir, name, ".state");
		bool found = strstr(t, needle) != NULL;

		free(t);
		if (found)
			return true;
		usleep(10000);
	}
	return false;
}

/* Sends a request (verb "save DIR" with DIR's fd, or any text) to name's socket as
 * systemtap-service does: its answer in reply. */
static inline int request(const char *name, const char *text, int fd, char *reply, size_t size)
{
	char sock[4200];
	ssize_t n;
	int s;

	if (snprintf(sock, sizeof(sock), "%.4000s/" COLLECT_DIR "/%.60s" COLLECT_SOCK_SUFFIX,
		     rundir, name) >= (int)sizeof(sock))
		return -ENAMETOOLONG;
	s = collect_send(sock, text, strlen(text), fd);
	if (s < 0)
		return s;
	n = recv(s, reply, size - 1, 0);
	close(s);
	reply[n > 0 ? n : 0] = '\0';
	return n > 0 ? 0 : -EIO;
}

/* "save LOGDIR" with LOGDIR's fd: true when the collector said ok. */
static inline bool save(const char *name)
{
	char text[4400], reply[4096];
	int fd = open(logdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	snprintf(text, sizeof(text), "save %s\n", logdir);
	r = request(name, text, fd, reply, sizeof(reply));
	close(fd);
	return r == 0 && strncmp(reply, "ok ", 3) == 0;
}

/* Prints lines first..last as sys_trace does: "N exec 1 /x" ("1 begin" for 1). */
static inline void print_records(struct fk_module *m, int first, int last)
{
	char line[64];

	for (int i = first; i <= last; i++) {
		if (i == 1)
			snprintf(line, sizeof(line), "1 begin\n");
		else
			snprintf(line, sizeof(line), "%d exec %d /usr/bin/prog%d\n", i, i % 7, i);
		fk_print(m, line);
	}
}

/* True when text's records (lines starting with a digit) are exactly 1..n, in order. */
static inline bool records_are(const char *text, int n)
{
	int want = 1;

	for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		if (*l >= '0' && *l <= '9') {
			if (atoi(l) != want)
				return false;
			want++;
		}
	return want == n + 1;
}

/* The collector pid's exit status (at most 10 s), -1 when it did not exit. */
static inline int end_of(pid_t pid)
{
	int status = -1;

	alarm(10);
	waitpid(pid, &status, 0);
	alarm(0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The program's TEST_SETUP: the fake root, its kernel files and directories (every test's
 * reset() empties them). */
static inline void collect_test_setup(void)
{
	root = fk_make_root();
	snprintf(kmsg, sizeof(kmsg), "%s/kmsg", root);
	snprintf(rundir, sizeof(rundir), "%s/run/systemtap", root);
	snprintf(logdir, sizeof(logdir), "%s/log", root);
	put_text_in(root, "proc/sys/kernel/random/boot_id", BOOT_ID "\n");
	setenv("TZ", "UTC", 1);
}

/* The program's TEST_TEARDOWN: removes the root (each test's collectors ended with its
 * session). */
static inline void collect_test_teardown(void)
{
	remove_tree(root);
	free(root);
}
