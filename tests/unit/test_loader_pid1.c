/* test_loader_pid1.c: earliest mode. The child under a time limit (exit, crash, hang), the
 * search for the real init (fallbacks, never ourselves), and PID 1's whole run in a private
 * mount namespace: API filesystems mounted, the scripts started by a child, the marker for
 * the cmdline hook, then the real init exec'd with the kernel's arguments. */
#include "test.h"
#include "fake_kernel.h"
#include "kmsg.h"
#include "pid1.h"
#include "realinit.h"
#include "supervise.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static char *root;

static int work_exit3(void *arg)
{
	(void)arg;
	return 3;
}

/* abort(), not SIGSEGV: the sanitizers turn a SIGSEGV into an exit status of their own. */
static int work_crash(void *arg)
{
	(void)arg;
	abort();
	return 0;
}

static int work_hang(void *arg)
{
	(void)arg;
	signal(SIGTERM, SIG_IGN); /* only SIGKILL may end it */
	for (;;)
		pause();
	return 0;
}

TEST(supervise)
{
	struct child_result res;
	sigset_t mask;

	supervise_run(work_exit3, NULL, 5000, &res);
	ASSERT_EQ(res.end, CHILD_EXITED, "a child's exit status is reported (%d/%d)", (int)res.end,
		  res.code);
	ASSERT_EQ(res.code, 3, "a child's exit status is reported (%d/%d)", (int)res.end, res.code);
	supervise_run(work_crash, NULL, 5000, &res);
	ASSERT_EQ(res.end, CHILD_SIGNALED, "a crashing child is reported with its signal (%d/%d)",
		  (int)res.end, res.code);
	ASSERT_EQ(res.code, SIGABRT, "a crashing child is reported with its signal (%d/%d)",
		  (int)res.end, res.code);
	supervise_run(work_hang, NULL, 300, &res);
	ASSERT_EQ(res.end, CHILD_TIMED_OUT, "a hanging child is killed at the limit (%d/%d)",
		  (int)res.end, res.code);
	ASSERT_EQ(res.code, SIGKILL, "a hanging child is killed at the limit (%d/%d)", (int)res.end,
		  res.code);
	ASSERT_GE(res.ms, 300, "... after 300 ms, not later (%llu ms)", (unsigned long long)res.ms);
	ASSERT_LT(res.ms, 300 + SUPERVISE_KILL_GRACE_MS, "... after 300 ms, not later (%llu ms)",
		  (unsigned long long)res.ms);
	sigprocmask(SIG_SETMASK, NULL, &mask);
	ASSERT_FALSE(sigismember(&mask, SIGCHLD), "SIGCHLD is unblocked again for the real init");
}

/* Runs realinit_exec below root in a child; returns what the exec'd init wrote to OUT ("" when
 * nothing was exec'd) and the child's status in *status. */
static char *exec_in_child(int *status)
{
	char out[4096];
	pid_t pid;

	snprintf(out, sizeof(out), "%s/out", root);
	unlink(out);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = {"/init", "single", "x=1", NULL};

		setenv("OUT", out, 1);
		log_setup(NULL, false, false);
		_exit(realinit_exec(root, argv) == -ENOENT ? 42 : 43);
	}
	waitpid(pid, status, 0);
	return read_text(out);
}

static void script(const char *rel, const char *name, mode_t mode)
{
	char path[4096], text[256];

	snprintf(text, sizeof(text), "#!/bin/sh\necho \"%s $0 $*\" >\"$OUT\"\n", name);
	put_text_in(root, rel, text);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	chmod(path, mode);
}

TEST(realinit)
{
	char path[4096], self[4096];
	int status;
	char *got;
	ssize_t n;

	script("init.real", "real", 0755);
	script("init", "wrapper", 0755);
	got = exec_in_child(&status);
	ASSERT_EQ(strncmp(got, "real ", 5), 0,
		  "/init.real is run first, with the kernel's arguments: %s", got);
	ASSERT_CONTAINS(got, "init.real single x=1",
			"/init.real is run first, with the kernel's arguments: %s", got);
	free(got);

	chmod(strcat(strcpy(path, root), "/init.real"), 0644);
	got = exec_in_child(&status);
	ASSERT_EQ(strncmp(got, "wrapper ", 8), 0,
		  "an /init.real that cannot be exec'd: /init is next: %s", got);
	free(got);

	/* /init is this very program (rdinit= naming the loader, or /init our symlink). */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "%s/init", root);
	unlink(path);
	ASSERT_EQ(symlink(self, path), 0, "/init -> this program");
	script("sbin/init", "sbin", 0755);
	got = exec_in_child(&status);
	ASSERT_EQ(strncmp(got, "sbin ", 5), 0, "never ourselves again: /sbin/init runs: %s", got);
	free(got);

	snprintf(path, sizeof(path), "%s/sbin/init", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/init.real", root);
	unlink(path);
	got = exec_in_child(&status);
	ASSERT_STREQ(got, "",
		     "no init at all: realinit_exec returns (-ENOENT after the last failure)");
	ASSERT_TRUE(WIFEXITED(status),
		    "no init at all: realinit_exec returns (-ENOENT after the last failure)");
	ASSERT_EQ(WEXITSTATUS(status), 42,
		  "no init at all: realinit_exec returns (-ENOENT after the last failure)");
	free(got);
	remove_tree(root);
	mkdir(root, 0700);
}

/* The fake /proc on a tmpfs of its own: apifs then takes it for mounted and leaves it, so
 * that the run reads the fake kallsyms and never writes the host's /proc/sys. */
static int fake_proc_mounted(void)
{
	char proc[4096], tmp[4096];
	int status;
	pid_t pid;

	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(tmp, sizeof(tmp), "%s/proc.tmpfs", root);
	if (mkdir(tmp, 0755) < 0 || mount("tmpfs", tmp, "tmpfs", 0, NULL) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		execlp("cp", "cp", "-a", strcat(proc, "/."), tmp, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return mount(tmp, proc, NULL, MS_MOVE, NULL);
}

/* PID 1's whole run, in a child with its own mount namespace: the mounts it makes below root
 * go away with it. Needs CAP_SYS_ADMIN; said and skipped without. The real init (a script)
 * reports what it found: its arguments, the marker, the mounts PID 1 made. */
TEST(pid1_main)
{
	struct fr_run files;
	struct startall_request req = fr_run_request(root, &files);
	char out[4096], init_real[4096], text_init[1024];
	int status;
	pid_t pid;
	char *text;

	snprintf(out, sizeof(out), "%s/out", root);
	snprintf(init_real, sizeof(init_real), "%s/init.real", root);
	fk_reset(root);
	put_text_in(root, "usr/lib/stap-onboot/manifest",
		    "stap-onboot-manifest 1\nlog_boot_err yes\nscript good protocol=4\n");
	put_text_in(root, "cmdline", "quiet rd.systemtap.timeout=5\n");
	put_text_in(root, "proc/sys/crypto/fips_enabled", "0\n");
	put_text_in(root, "proc/kallsyms",
		    "ffffffff81000000 T _stext\nffffffff81100100 T kallsyms_lookup_name\n");
	fk_write_ko(files.moddir, "good");
	fk_add("good", 4);
	snprintf(text_init, sizeof(text_init),
		 "#!/bin/sh\n"
		 "m() { grep -c \" %s/$1 $2 \" /proc/self/mounts; }\n"
		 "{ echo \"real $0 $*\"; [ -f %s/run/stap-early-loader.done ] && echo marker;\n"
		 "  echo \"mounted run=$(m run tmpfs) dev=$(m dev devtmpfs) sys=$(m sys sysfs)\";\n"
		 "  cat %s/run/systemtap/good.log; } >\"$OUT\"\n",
		 root, root, root);
	put_text_in(root, "init.real", text_init);
	chmod(init_real, 0755);
	unlink(out);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = {"/init", "single", NULL};

		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    fake_proc_mounted() < 0)
			_exit(77);
		setenv("OUT", out, 1);
		pid1_main(&req, argv);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		printf("skip: PID 1's run needs a mount namespace (CAP_SYS_ADMIN)\n");
		return;
	}
	text = read_text(files.kmsg);
	ASSERT_CONTAINS(text, "good: armed", "the child armed the script:\n%s", text);
	ASSERT_CONTAINS(text, "handing over to " REAL_INIT_PATH,
			"then PID 1 hands over to " REAL_INIT_PATH);
	free(text);
	text = read_text(out);
	ASSERT_EQ(strncmp(text, "real ", 5), 0,
		  "the real init ran with the kernel's arguments:\n%s", text);
	ASSERT_CONTAINS(text, "init.real single",
			"the real init ran with the kernel's arguments:\n%s", text);
	ASSERT_CONTAINS(text, "\nmarker\n",
			"the marker for the cmdline hook is in the /run PID 1 mounted");
	ASSERT_CONTAINS(
	    text, "mounted run=1 dev=1 sys=1",
	    "PID 1 mounted a tmpfs on /run, devtmpfs on /dev, sysfs on /sys, once each");
	ASSERT_CONTAINS(text, "good: armed",
			"the script's LOG_BOOT_ERR log is in that /run, for the real init to keep");
	free(text);
}

/* The hook's run after PID 1's: nothing to do. */
TEST(marker)
{
	ASSERT_FALSE(pid1_started(root), "no marker: the cmdline hook starts the scripts");
	put_text_in(root, "run/stap-early-loader.done", "");
	ASSERT_TRUE(pid1_started(root), "marker: PID 1 started them");
}

static void setup(void)
{
	root = fk_make_root();
	setenv("TZ", "UTC", 1);
}
TEST_SETUP(setup)

static void teardown(void)
{
	remove_tree(root);
	free(root);
}
TEST_TEARDOWN(teardown)
