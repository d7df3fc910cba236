/* test_svc_collect.c: the collectors' protocol (common/collect_proto.c: requests, state file,
 * the channel a collector holds) and the service's side of it (onboot_collect.c): listing them,
 * reading their state, telling a collector process from another, and a request over a real unix
 * socket with a directory fd to a stand-in collector (a child of the test that answers as one
 * does). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect_proto.h"
#include "fsutil.h"
#include "macro.h"
#include "onboot_collect.h"
#include "strv.h"
#include "svc_test.h"

static char *tmp;
static struct settings s;

static char *at(const char *rel)
{
	return path_in(tmp, rel);
}

static void test_requests(void)
{
	struct collect_request r;
	char buf[COLLECT_MSG_MAX];
	char long_dir[COLLECT_DIR_MAX + 2];

	CHECK(collect_request_parse("save /var/log/x\n", 16, &r) == 0 && r.verb == COLLECT_SAVE &&
		  streq(r.dir, "/var/log/x"),
	      "save DIR");
	CHECK(collect_request_parse("close", 5, &r) == 0 && r.verb == COLLECT_CLOSE, "close");
	static const char *const bad[] = {"save",      "save ",	     "save rel/dir",
					  "save /a b", "save /a\tb", "close now",
					  "CLOSE",     "",	     "stop"};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		CHECK(collect_request_parse(bad[i], strlen(bad[i]), &r) == -EINVAL,
		      "refused: \"%s\"", bad[i]);
	CHECK(collect_request_parse("save /a\0b", 9, &r) == -EINVAL, "a NUL in the path: refused");
	memset(long_dir, 'd', sizeof(long_dir) - 1);
	long_dir[0] = '/';
	long_dir[sizeof(long_dir) - 1] = '\0';
	snprintf(buf, sizeof(buf), "save %s", long_dir);
	CHECK(collect_request_parse(buf, strlen(buf), &r) == -EINVAL,
	      "a directory too long for DIR/NAME.log: refused");
	r = (struct collect_request){.verb = COLLECT_SAVE};
	snprintf(r.dir, sizeof(r.dir), "/var/log/systemtap/onboot");
	CHECK(collect_request_format(&r, buf, sizeof(buf)) == 31 &&
		  streq(buf, "save /var/log/systemtap/onboot\n"),
	      "formatted: %s", buf);
	snprintf(r.dir, sizeof(r.dir), "relative");
	CHECK(collect_request_format(&r, buf, sizeof(buf)) == -EINVAL, "a relative path: -EINVAL");
}

static void test_state_text(void)
{
	struct collect_state st = {.pid = 412,
				   .module = COLLECT_MODULE_STOPPED,
				   .output = COLLECT_OUTPUT_DONE,
				   .log_size = 4194304,
				   .lost_bytes = 12,
				   .lost_lines = 1,
				   .transport_failures = 3};
	struct collect_state back;
	char buf[COLLECT_MSG_MAX];
	int n;

	snprintf(st.script, sizeof(st.script), "sys_trace");
	snprintf(st.file, sizeof(st.file), "/var/log/systemtap/onboot/sys_trace.log");
	n = collect_state_format(&st, buf, sizeof(buf));
	CHECK_STR(buf,
		  "stap-onboot-collector 1\nscript sys_trace\npid 412\nmodule stopped\noutput "
		  "done\nfile /var/log/systemtap/onboot/sys_trace.log\nlog_size 4194304\nkept "
		  "0\nlost_bytes 12\nlost_lines 1\ntransport_failures 3\n",
		  "the state file's text");
	CHECK(n > 0 && collect_state_parse(buf, (size_t)n, &back) == 0 &&
		  memcmp(&st, &back, sizeof(st)) == 0,
	      "read back the same");
	static const char future[] = "stap-onboot-collector 1\nscript a\npid 1\nmodule running\n"
				     "output memory\nfuture_key whatever\n";
	CHECK(collect_state_parse(future, strlen(future), &back) == 0 && back.pid == 1 &&
		  !back.file[0],
	      "an unknown key is ignored, file is optional");
	static const char *const bad[] = {
	    "stap-onboot-collector 2\nscript a\npid 1\nmodule running\noutput memory\n",
	    "stap-onboot-collector 1\nscript a\npid 1\nmodule running\n",
	    "stap-onboot-collector 1\nscript a-b\npid 1\nmodule running\noutput memory\n",
	    "stap-onboot-collector 1\nscript a\npid 0\nmodule running\noutput memory\n",
	    "stap-onboot-collector 1\nscript a\npid 1\nmodule dancing\noutput memory\n",
	    "stap-onboot-collector 1\nscript a\npid 1\nmodule running\noutput memory\nkept -1\n",
	    "stap-onboot-collector 1\nscript a\npid 1\nmodule running\noutput memory\nfile x\n",
	    "stap-onboot-collector 1\nscript a\npid 1\nmodule running\noutput memory\nnospace\n",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		CHECK(collect_state_parse(bad[i], strlen(bad[i]), &back) == -EBADMSG,
		      "refused: bad state %zu", i);
}

static void test_ctl_link(void)
{
	CHECK(collect_ctl_is_of("/proc/systemtap/a/.cmd", "a"), "procfs channel of a");
	CHECK(collect_ctl_is_of("/sys/kernel/debug/systemtap/a/.cmd", "a"), "debugfs channel of a");
	CHECK(!collect_ctl_is_of("/proc/systemtap/ab/.cmd", "a"), "another script's: no");
	CHECK(!collect_ctl_is_of("/proc/systemtap/xa/.cmd", "a"), "a name ending in the name: no");
	CHECK(!collect_ctl_is_of("/proc/systemtap/a/trace0", "a"), "its relay file: no");
	CHECK(!collect_ctl_is_of("socket:[1234]", "a"), "a socket: no");
	CHECK(!collect_ctl_is_of("/proc/systemtap/a-b/.cmd", "a-b"), "a bad name: no");
}

static void test_names_and_state(void)
{
	_cleanup_strv_free_ char **names = NULL;
	struct collect_state st;

	mkdir(at("stat/onboot.d"), 0755);
	put_file(at("stat/onboot.d/zed.state"), "stap-onboot-collector 1\nscript zed\npid 7\n"
						"module exited\noutput done\n");
	put_file(at("stat/onboot.d/alpha.sock"), "");
	put_file(at("stat/onboot.d/alpha.state"), "stap-onboot-collector 1\nscript alpha\npid 8\n"
						  "module running\noutput file\n"
						  "file /l/alpha.log\n");
	put_file(at("stat/onboot.d/bad-name.state"), "");
	put_file(at("stat/onboot.d/.alpha.state.tmp"), "");
	put_file(at("stat/onboot.d/liar.state"), "stap-onboot-collector 1\nscript zed\npid 7\n"
						 "module running\noutput memory\n");
	CHECK(collect_names(&s, &names) == 0 && strv_length(names) == 3 &&
		  streq(names[0], "alpha") && streq(names[1], "liar") && streq(names[2], "zed"),
	      "collect_names: alpha, liar, zed (each once, sorted; bad names and temps skipped)");
	CHECK(collect_state_read(&s, "alpha", &st) == 1 && st.pid == 8 &&
		  st.output == COLLECT_OUTPUT_FILE && streq(st.file, "/l/alpha.log"),
	      "alpha's state");
	CHECK(collect_state_read(&s, "nobody", &st) == 0, "no state file: 0");
	struct capture c;
	capture_begin(&c);
	int r = collect_state_read(&s, "liar", &st);
	free(capture_end(&c));
	CHECK(r == -EBADMSG, "a state file naming another script: refused");
}

static void test_is_of(void)
{
	mkdir(at("proc"), 0755);
	mkdir(at("proc/100"), 0755);
	mkdir(at("proc/100/fd"), 0755);
	put_file(at("proc/100/cmdline"), "@init");
	CHECK(symlink("/usr/sbin/stap-early-loader (deleted)", at("proc/100/exe")) == 0 &&
		  symlink("/proc/systemtap/alpha/.cmd", at("proc/100/fd/3")) == 0,
	      "setup: pid 100 runs stap-early-loader, argv[0] '@init', fd 3 alpha's channel");
	CHECK(collect_is_of(&s, 100, "alpha"), "pid 100 is alpha's collector");
	CHECK(!collect_is_of(&s, 100, "zed"), "not zed's");
	CHECK(!collect_is_of(&s, 101, "alpha"), "no such process: no");
	put_file(at("proc/100/cmdline"), "/init");
	CHECK(!collect_is_of(&s, 100, "alpha"), "argv[0] without '@': no");
	put_file(at("proc/100/cmdline"), "@stap-early-loader");
	unlink(at("proc/100/exe"));
	CHECK(symlink("/usr/bin/python3", at("proc/100/exe")) == 0 &&
		  !collect_is_of(&s, 100, "alpha"),
	      "another program holding the channel: no");
}

/* A stand-in collector on STAT_PATH/onboot.d/NAME.sock: answers one request with the verb,
 * the path and whether a directory fd came (fstat of it). */
static pid_t stand_in(const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/stat/onboot.d/%s.sock", tmp, name);
	unlink(sa.sun_path);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0)
		exit(2);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char buf[4096], ans[4200], cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf) - 1};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		struct stat st;
		int conn = accept(lfd, NULL, NULL), fd = -1;
		ssize_t n = recvmsg(conn, &mh, 0);

		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		if (c && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
		if (strncmp(buf, "save ", 5) == 0)
			snprintf(ans, sizeof(ans), "ok %s (dir fd %s)", buf,
				 fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ? "yes"
										       : "no");
		else
			snprintf(ans, sizeof(ans), "error no %s for me", buf);
		send(conn, ans, strlen(ans), 0);
		_exit(0);
	}
	close(lfd);
	return pid;
}

static void test_request(void)
{
	struct collect_request req = {.verb = COLLECT_SAVE};
	char reply[4096];
	int fd, r;
	pid_t pid;

	snprintf(req.dir, sizeof(req.dir), "%s", tmp);
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pid = stand_in("alpha");
	r = collect_request(&s, "alpha", &req, fd, reply, sizeof(reply));
	waitpid(pid, NULL, 0);
	CHECK(r == 0 && strstr(reply, "save ") && strstr(reply, "(dir fd yes)"),
	      "save: the request and the directory's fd arrived, the answer came back: %s", reply);
	req.verb = COLLECT_CLOSE;
	pid = stand_in("alpha");
	r = collect_request(&s, "alpha", &req, -1, reply, sizeof(reply));
	waitpid(pid, NULL, 0);
	CHECK(r == -EPROTO && streq(reply, "no close for me"), "an error answer: -EPROTO and its "
							       "text");
	CHECK(collect_request(&s, "zed", &req, -1, reply, sizeof(reply)) == -ECONNREFUSED,
	      "no socket: -ECONNREFUSED");
	close(fd);
}

int main(void)
{
	char tmpl[] = "/tmp/test_svc_collect.XXXXXX";

	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 2;
	s.stat_path = strdup(at("stat"));
	s.proc_path = strdup(at("proc"));
	mkdir(s.stat_path, 0755);
	test_requests();
	test_state_text();
	test_ctl_link();
	test_names_and_state();
	test_is_of();
	test_request();
	CHECK(rm_rf(tmp) == 0, "cleanup");
	free(s.stat_path);
	free(s.proc_path);
	return test_summary();
}
