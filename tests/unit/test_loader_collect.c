/* test_loader_collect.c: a script's collector (collect.h) against the fake kernel: its output
 * kept in memory from the first record, handed over to a real directory fd over its real unix
 * socket (this test stands in for `systemtap-service onboot --save-log`), the section header,
 * no gap and no duplicate across the hand-over, what is lost beyond log_size counted and
 * marked, a late exit request, SIGTERM, close and rotation, the console copy, the state file;
 * and collect_spawn: the collector as the loader starts it, a fork of its own with the real
 * kernel calls. Each collector runs in a child of the test (collect_run after fork, the fake
 * kernel with it). */
#include "collect.h"
#include "collect_proto.h"
#include "ctlproto.h"
#include "fake_kernel.h"
#include "kmsg.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define BOOT_ID "0b5e55ed-1234-4321-abcd-5ea7ab1e0001"

static char *root;
static char kmsg[4200], rundir[4200], logdir[4200];

static void reset(void)
{
	fk_reset(root);
	fr_reap(rundir);
	unlink(kmsg);
	lt_rm_rf(rundir);
	lt_rm_rf(logdir);
	mkdir(logdir, 0755);
}

/* Loads fake module name with a relay file and forks its collector (collect_run in the child,
 * the fake kernel there too): the child's pid. The test keeps the kernel's end of the channel
 * (to send the module's messages) and the relay file's write end (fk_print). */
static pid_t start(const char *name, size_t log_size, bool console, bool exit_requested, int log_fd)
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

static char *file_text(const char *dir, const char *name, const char *suffix)
{
	char p[4400];

	snprintf(p, sizeof(p), "%s/%s%s", dir, name, suffix);
	return lt_read_file(p);
}

/* Waits (at most 5 s) until name's state file holds needle. */
static bool state_has(const char *name, const char *needle)
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
static int request(const char *name, const char *text, int fd, char *reply, size_t size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(int))];
	} cbuf = {0};
	struct iovec iov = {.iov_base = (void *)text, .iov_len = strlen(text)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;
	int s;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%.60s/onboot.d/%.50s.sock", rundir, name) >=
	    (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (fd >= 0) {
		mh.msg_control = cbuf.space;
		mh.msg_controllen = sizeof(cbuf.space);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || sendmsg(s, &mh, 0) < 0) {
		if (s >= 0)
			close(s);
		return -errno;
	}
	n = recv(s, reply, size - 1, 0);
	close(s);
	reply[n > 0 ? n : 0] = '\0';
	return n > 0 ? 0 : -EIO;
}

/* "save LOGDIR" with LOGDIR's fd: true when the collector said ok. */
static bool save(const char *name)
{
	char text[4400], reply[4096];
	int fd = open(logdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	snprintf(text, sizeof(text), "save %s\n", logdir);
	r = request(name, text, fd, reply, sizeof(reply));
	close(fd);
	return r == 0 && strncmp(reply, "ok ", 3) == 0;
}

/* Prints lines first..last as sys_trace does: "N exec 1 /x" ("1 begin" for 1). */
static void print_records(struct fk_module *m, int first, int last)
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
static bool records_are(const char *text, int n)
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

static int end_of(pid_t pid)
{
	int status = -1;

	alarm(10);
	waitpid(pid, &status, 0);
	alarm(0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The whole path: records before and after the hand-over, then stop. */
static void test_hand_over(void)
{
	int logfd;
	pid_t pid;
	char *t, *st, where[4400];

	reset();
	snprintf(where, sizeof(where), "%s/col.bootlog", root);
	logfd = open(where, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	pid = start("col", 1 << 20, false, false, logfd);
	close(logfd);
	print_records(fk_find("col"), 1, 50);
	CHECK(state_has("col", "kept 1") && state_has("col", "module running\noutput memory\n"),
	      "before the hand-over: kept in memory, the state file says so");
	CHECK(save("col"), "save LOGDIR over the socket, with the directory's fd: ok");
	print_records(fk_find("col"), 51, 100);
	CHECK(state_has("col", "output file\n"), "state: output file");
	usleep(100000);
	kill(pid, SIGTERM);
	CHECK(end_of(pid) == 0, "SIGTERM: the collector ended the module and exited 0");
	t = file_text(logdir, "col", ".log");
	CHECK(strncmp(t, "-- stap-onboot: col: boot " BOOT_ID " kernel " FK_RELEASE, 44 + 36) ==
		      0 &&
		  strstr(strtok(strdup(t), "\n"), "armed 2023-11-14T22:13:20.123Z (2.345 s after "
						  "the kernel started)"),
	      "section header: boot id, kernel release, script, when it was armed:\n%.300s", t);
	CHECK(records_are(t, 100),
	      "records 1..100 each once, in order: no gap, no duplicate at the hand-over");
	CHECK(strstr(t, "\n-- stap-onboot: col: ended ") &&
		  strstr(t, "stopped (SIGTERM: systemtap-service stop), module unloaded\n"),
	      "closing line: stopped, module unloaded");
	free(t);
	st = file_text(rundir, "onboot.d/col", ".state");
	snprintf(where, sizeof(where), "file %s/col.log\n", logdir);
	CHECK(strstr(st, "module stopped\noutput done\n") && strstr(st, where) &&
		  strstr(st, "lost_bytes 0\n"),
	      "state at the end: stopped, done, the file, nothing lost:\n%s", st);
	free(st);
	snprintf(where, sizeof(where), "%s/onboot.d/col.sock", rundir);
	CHECK(access(where, F_OK) < 0, "its socket is gone");
	CHECK(lt_file_contains(kmsg, "<6>stap-early-loader: col: stopped (SIGTERM: "
				     "systemtap-service stop): ended and unloaded"),
	      "the kernel log says so");
	snprintf(where, sizeof(where), "%s/col.bootlog", root);
	CHECK(lt_file_contains(where, "col: its output goes to ") &&
		  lt_file_contains(where, "ended and unloaded"),
	      "its LOG_BOOT_ERR file has its messages");
}

/* More than log_size before the hand-over: the first records kept whole, the rest counted and
 * marked at the gap, the line cut by the gap not half written. */
static void test_lost(void)
{
	struct fk_module *m;
	pid_t pid;
	char *t, *st;

	reset();
	pid = start("small", 100, false, false, -1);
	m = fk_find("small");
	print_records(m, 1, 4); /* 8 + 3 * 24 = 80 bytes */
	fk_print(m, "5 exec 5 /usr/bin/prog5\n6 exec 6 /usr/bin/prog6\n7 par");
	CHECK(state_has("small", "lost_bytes 53\nlost_lines 2\n"),
	      "records 5 and 6 and the start of 7 (53 bytes, 2 whole lines) counted as lost");
	CHECK(lt_file_contains(kmsg, "<4>stap-early-loader: small: more than 100 bytes of output "
				     "before its file was opened (ONBOOT_LOG_SIZE)"),
	      "warned once in the kernel log");
	CHECK(save("small"), "saved");
	fk_print(m, "tial\n8 exec 1 /usr/bin/prog8\n");
	usleep(100000);
	kill(pid, SIGTERM);
	CHECK(end_of(pid) == 0, "stopped");
	t = file_text(logdir, "small", ".log");
	CHECK(strstr(t, "\n4 exec 4 /usr/bin/prog4\n-- stap-onboot: small: 58 bytes (3 lines) of "
			"output lost here: more than ONBOOT_LOG_SIZE came before the log directory "
			"was given\n8 exec 1 /usr/bin/prog8\n"),
	      "the file: 1..4 whole, the gap marked (the rest of record 7 too: 58 bytes, 3 "
	      "lines), then 8:\n%s",
	      t);
	CHECK(!strstr(t, "tial"), "no half line after the gap");
	free(t);
	st = file_text(rundir, "onboot.d/small", ".state");
	CHECK(strstr(st, "lost_bytes 58\nlost_lines 3\n") != NULL, "the state keeps the count");
	free(st);
}

/* exit() in a probe long after the start: the collector ends and unloads the module, keeps
 * its output until it is given its file, writes it and ends. */
static void test_late_exit(void)
{
	struct fk_module *m;
	pid_t pid;
	char *t;

	reset();
	pid = start("late", 1 << 20, false, false, -1);
	m = fk_find("late");
	print_records(m, 1, 3);
	usleep(50000);
	fk_queue(m, CTL_REQUEST_EXIT, NULL, 0);
	CHECK(state_has("late", "module exited\noutput memory\n"),
	      "STP_REQUEST_EXIT: ended (STP_EXIT, unloaded), its output still in memory");
	CHECK(lt_file_contains(kmsg, "late: the script asked to exit: ended and unloaded"),
	      "logged: ended and unloaded");
	CHECK(save("late"), "then the save");
	CHECK(end_of(pid) == 0, "the collector ends once the output is in the file");
	t = file_text(logdir, "late", ".log");
	CHECK(records_are(t, 3) && strstr(t, "the script asked to exit, module unloaded\n"),
	      "its file: records 1..3, then the end:\n%s", t);
	free(t);

	/* exit() in a begin probe: the loader saw the request at the reply (--exit). */
	reset();
	pid = start("quick", 1 << 20, false, true, -1);
	CHECK(state_has("quick", "module exited\n"), "--exit: ended at once");
	CHECK(save("quick") && end_of(pid) == 0, "saved, ended");
}

/* rd.systemtap.console: output lines in the kernel log until the hand-over, not after. */
static void test_console(void)
{
	struct fk_module *m;
	pid_t pid;

	reset();
	pid = start("cons", 1 << 20, true, false, -1);
	m = fk_find("cons");
	print_records(m, 1, 2);
	fk_print(m, "3 exec 3 a very lo");
	fk_print(m, "ng line\n");
	for (int i = 0; i < 500 && !lt_file_contains(kmsg, "<5>cons: 3 exec"); i++)
		usleep(10000);
	CHECK(lt_file_contains(kmsg, "<5>cons: 1 begin\n<5>cons: 2 exec 2 /usr/bin/prog2\n"
				     "<5>cons: 3 exec 3 a very long line\n"),
	      "each output line is one kernel-log record (notice), a line printed in two parts "
	      "too");
	CHECK(save("cons"), "saved");
	fk_print(m, "4 after the save\n");
	usleep(200000);
	kill(pid, SIGTERM);
	end_of(pid);
	CHECK(!lt_file_contains(kmsg, "after the save"), "after the hand-over: no copy");
}

/* close (shutdown) then save again; a rotated file: reopened, both files say so. */
static void test_close_and_rotate(void)
{
	struct fk_module *m;
	char from[4400], to[4400], reply[4096], *t;
	pid_t pid;

	reset();
	pid = start("rot", 1 << 20, false, false, -1);
	m = fk_find("rot");
	print_records(m, 1, 2);
	CHECK(state_has("rot", "kept 3"), "records 1, 2 kept");
	CHECK(save("rot") && save("rot"), "saved; saving again to the same file changes nothing");
	CHECK(request("rot", "close\n", -1, reply, sizeof(reply)) == 0 &&
		  strcmp(reply, "ok closed") == 0,
	      "close: ok");
	print_records(m, 3, 4);
	CHECK(state_has("rot", "output memory\n") && state_has("rot", "kept 4"),
	      "after close: in memory again");
	CHECK(save("rot"), "save again (the unit started again)");
	print_records(m, 5, 6);
	usleep(100000);
	snprintf(from, sizeof(from), "%s/rot.log", logdir);
	snprintf(to, sizeof(to), "%s/rot.log.1", logdir);
	rename(from, to);
	CHECK(save("rot"), "a rotated file: save (logrotate's postrotate) opens a new one");
	print_records(m, 7, 8);
	usleep(100000);
	kill(pid, SIGTERM);
	end_of(pid);
	t = lt_read_file(to);
	CHECK(records_are(t, 6) && strstr(t, "rot: file closed ") &&
		  strstr(t, "\n-- stap-onboot: rot: boot " BOOT_ID " kernel " FK_RELEASE
			    ", continued ") &&
		  strstr(t, "rot: continued in a new file (reopened: a rotated log?)\n"),
	      "the old file: 1..6, closed, continued, then its end:\n%s", t);
	free(t);
	t = lt_read_file(from);
	CHECK(strncmp(t, "-- stap-onboot: rot: boot " BOOT_ID, 62) == 0 && strstr(t, "continued") &&
		  strstr(t, "\n7 exec") && strstr(t, "\n8 exec") && strstr(t, "module unloaded\n"),
	      "the new file: continued, 7, 8, the end:\n%s", t);
	free(t);
}

/* Requests it cannot use get an error and change nothing; a file it may not use is refused. */
static void test_bad_requests(void)
{
	char reply[4400], p[4400];
	pid_t pid;
	int fd;

	reset();
	pid = start("picky", 1 << 20, false, false, -1);
	CHECK(state_has("picky", "module running"), "running");
	CHECK(request("picky", "rm -rf /\n", -1, reply, sizeof(reply)) == 0 &&
		  strcmp(reply, "error bad request") == 0,
	      "an unknown request: error");
	CHECK(request("picky", "save relative/dir\n", -1, reply, sizeof(reply)) == 0 &&
		  strcmp(reply, "error bad request") == 0,
	      "save with a relative path and no fd: error");
	fd = open(logdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(request("picky", "close\n", fd, reply, sizeof(reply)) == 0 &&
		  strcmp(reply, "error bad request") == 0,
	      "close carrying an fd: error");
	snprintf(p, sizeof(p), "%s/elsewhere", root);
	CHECK(symlink(p, strcat(strcpy(p, logdir), "/picky.log")) == 0, "a symlink planted as "
									"picky.log");
	snprintf(reply, sizeof(reply), "save %s\n", logdir);
	CHECK(request("picky", reply, fd, reply, sizeof(reply)) == 0 &&
		  strncmp(reply, "error cannot open ", 18) == 0,
	      "save: a symlink is not followed: error (%s)", reply);
	close(fd);
	CHECK(state_has("picky", "output memory\n"), "still in memory");
	kill(pid, SIGTERM);
	CHECK(state_has("picky", "module stopped"), "SIGTERM: stopped, kept in memory");
	kill(pid, SIGTERM);
	CHECK(end_of(pid) == 0, "a second SIGTERM, never saved: it ends");
	CHECK(lt_file_contains(kmsg, "picky: its collector ends with 0 bytes") ||
		  !lt_file_contains(kmsg, "picky: its collector ends with"),
	      "nothing printed, nothing lost");
}

/* The kernel side of a channel: the next message the collector sent, as its type. */
static enum ctl_type next_sent(int kfd)
{
	struct ctl_msg msg;

	return ctl_recv(kfd, 4, 5000, &msg) == 0 ? msg.type : CTL_UNKNOWN;
}

/* collect_spawn: this program exec'd as the collector, as the loader starts it. */
static void test_spawn(void)
{
	struct fk_module *m;
	char ctl[4300], p[64], link[256], *t;
	unsigned char *image;
	size_t len;
	pid_t pid;
	int fd, status;
	ssize_t n;

	reset();
	m = fk_add("spawned_col", 4);
	m->trace = true;
	image = fe_module(m->name, FK_RELEASE FE_VERMAGIC_FLAGS, &len);
	fk_init_module(image, len, "");
	free(image);
	snprintf(ctl, sizeof(ctl), "%s/proc/systemtap/%s/.cmd", root, m->name);
	fd = fk_open_ctl(ctl);
	struct collect_args a = {.name = m->name,
				 .protocol = 4,
				 .ctl_fd = fd,
				 .log_fd = -1,
				 .log_size = 4096,
				 .console = true,
				 .root = root,
				 .rundir = rundir,
				 .kmsg_path = kmsg,
				 .kmsg_is_file = true};
	pid = collect_spawn(&a);
	close(fd);
	m->ufd = -1;
	CHECK(pid > 0 && state_has(m->name, "module running"), "spawned (%d), running", (int)pid);
	snprintf(p, sizeof(p), "/proc/%d/cmdline", (int)pid);
	t = lt_read_file(p);
	/* The kernel takes a command line of its own with CAP_SYS_RESOURCE only (at boot). */
	if (t[0] == '@')
		CHECK(strcmp(t, COLLECT_ARGV0) == 0 &&
			  strcmp(t + sizeof(COLLECT_ARGV0), "--collect") == 0 &&
			  strcmp(t + sizeof(COLLECT_ARGV0) + 10, "spawned_col") == 0,
		      "argv[0] '%s', then --collect spawned_col: systemd's killing sprees spare it",
		      t);
	else
		printf(
		    "skip: no CAP_SYS_RESOURCE here: the collector's command line (%s) is not its "
		    "own\n",
		    t);
	free(t);
	CHECK(getsid(pid) == pid, "its own session");
	snprintf(p, sizeof(p), "/proc/%d/fd/0", (int)pid);
	n = readlink(p, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	CHECK(strcmp(link, "/dev/null") == 0, "stdin is /dev/null (%s)", link);
	snprintf(p, sizeof(p), "/proc/%d/fd/3", (int)pid);
	n = readlink(p, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(link, "socket:", 7) == 0, "fd 3 is the control channel (%s)", link);
	fk_print(m, "1 begin\n");
	for (int i = 0; i < 500 && !lt_file_contains(kmsg, "<5>spawned_col: 1 begin"); i++)
		usleep(10000);
	CHECK(lt_file_contains(kmsg, "<5>spawned_col: 1 begin"), "it reads the relay file");
	kill(pid, SIGTERM);
	CHECK(next_sent(m->kfd) == CTL_EXIT, "SIGTERM: it sends STP_EXIT on the channel");
	fk_print(m, "2 end probe\n");
	fk_queue(m, CTL_EXIT, NULL, 0);
	CHECK(state_has(m->name, "module stopped"), "after the reply: stopped");
	CHECK(save(m->name), "saved");
	alarm(10);
	waitpid(pid, &status, 0);
	alarm(0);
	t = file_text(logdir, m->name, ".log");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && records_are(t, 2) &&
		  strstr(t, "spawned_col: ended "),
	      "it wrote its output (the end probe's too) and ended:\n%s", t);
	free(t);
}

int main(void)
{
	root = fk_make_root();
	snprintf(kmsg, sizeof(kmsg), "%s/kmsg", root);
	snprintf(rundir, sizeof(rundir), "%s/run/systemtap", root);
	snprintf(logdir, sizeof(logdir), "%s/log", root);
	lt_write_file(root, "proc/sys/kernel/random/boot_id", BOOT_ID "\n");
	setenv("TZ", "UTC", 1);

	test_hand_over();
	test_lost();
	test_late_exit();
	test_console();
	test_close_and_rotate();
	test_bad_requests();
	test_spawn();

	fk_reset(root);
	fr_reap(rundir);
	lt_rm_rf(root);
	free(root);
	return lt_result();
}
