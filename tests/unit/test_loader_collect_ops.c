/* test_loader_collect_ops.c: a collector's operations against the fake kernel: the console
 * copy (rd.systemtap.console) until the hand-over, close (shutdown) and save again, a rotated
 * file reopened, requests it refuses, a second SIGTERM; and collect_spawn, the collector as the
 * loader starts it (a fork of its own with the real kernel calls, its command line its own
 * where the kernel allows). */
#include "collect_test.h"

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
	collect_test_begin();
	test_console();
	test_close_and_rotate();
	test_bad_requests();
	test_spawn();
	return collect_test_end();
}
