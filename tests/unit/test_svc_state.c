/* test_svc_state.c: pid files (atomic write, read, remove, which files count as scripts),
 * script states from pid files and the kernel's module state (libkmod reading a fake
 * /sys/module, bind-mounted in a private mount namespace), adoption of boot-time modules
 * through PROC_PATH/systemtap/NAME/srvstat. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "macro.h"
#include "state.h"
#include "strv.h"
#include "svc_test.h"

static char *tmp;
static struct settings s;

static char *at(const char *rel)
{
	return path_in(tmp, rel);
}

static char *slurp(const char *path)
{
	char *text = NULL;

	if (read_file(path, &text, NULL) < 0)
		return NULL;
	return text;
}

/* A fake /sys/module in a private mount namespace: module states are files we write. */
static int fake_sysmodule(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0) {
		perror("unshare/mount (this test needs root)");
		return -1;
	}
	mkdir(at("sys_module"), 0755);
	if (mount(at("sys_module"), "/sys/module", "none", MS_BIND, NULL) < 0) {
		perror("bind mount over /sys/module");
		return -1;
	}
	return 0;
}

static void fake_module(const char *name, const char *initstate)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	put_file(path, initstate);
}

static int count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void test_pidfiles(void)
{
	_cleanup_strv_free_ char **names = NULL;
	struct stat st;
	char *text, *joined;

	CHECK(pidfile_write(&s, "alpha", 1234) == 0, "pidfile_write alpha 1234");
	text = slurp(at("stat/alpha"));
	CHECK_STR(text, "1234\n", "pid file content");
	free(text);
	CHECK(stat(at("stat/alpha"), &st) == 0 && (st.st_mode & 07777) == 0644, "mode 0644");
	CHECK(pidfile_write(&s, "alpha", 0) == 0, "rewrite with 0");
	text = slurp(at("stat/alpha"));
	CHECK_STR(text, "0\n", "rewritten pid file");
	free(text);
	CHECK(pidfile_write(&s, "beta", 7) == 0, "pidfile_write beta");
	put_file(at("stat/x.log"), "boot error\n");
	put_file(at("stat/.lock"), "1 start\n");
	put_file(at("stat/9bad"), "0\n");
	mkdir(at("stat/gamma"), 0755);
	CHECK(pidfiles_list(&s, &names) == 0, "pidfiles_list");
	joined = strv_join(names, " ");
	CHECK_STR(joined, "alpha beta", "only regular files named like scripts, sorted");
	free(joined);
	CHECK(pidfile_remove(&s, "beta") == 0 && !path_exists(at("stat/beta")), "pidfile_remove");
	CHECK(pidfile_remove(&s, "beta") == 0, "removing a missing pid file is fine");
	CHECK(count_entries(at("stat")) == 5,
	      "no temp file left beside alpha x.log .lock 9bad gamma");

	struct settings none = s;
	char **empty = NULL;
	none.stat_path = at("no-such-dir");
	CHECK(pidfiles_list(&none, &empty) == 0 && empty && !empty[0], "missing STAT_PATH: empty");
	strv_free(empty);
}

static void expect_state(const char *name, enum script_state want, pid_t want_pid)
{
	enum script_state st = (enum script_state) - 1;
	pid_t pid = -1;
	int r = script_state(&s, name, &st, &pid);

	CHECK(r == 0 && st == want && pid == want_pid,
	      "%s: state %d pid %d (got r=%d state %d pid %d)", name, want, (int)want_pid, r,
	      (int)st, (int)pid);
}

static void test_states(void)
{
	struct capture c;
	bool loaded = true;
	char *err;

	fake_module("running", "live\n");
	fake_module("coming", "coming\n");
	fake_module("going", "going\n");
	fake_module("foreign", "live\n");
	pidfile_write(&s, "running", 4242);
	pidfile_write(&s, "coming", 0);
	pidfile_write(&s, "going", 0);
	pidfile_write(&s, "dead", 99);
	put_file(at("stat/garbled"), "not a pid\n");
	fake_module("garbled", "live\n");

	CHECK(module_loaded("running", &loaded) == 0 && loaded, "live: loaded");
	CHECK(module_loaded("coming", &loaded) == 0 && loaded, "coming: loaded");
	CHECK(module_loaded("going", &loaded) == 0 && !loaded, "going: not loaded");
	CHECK(module_loaded("absent", &loaded) == 0 && !loaded, "absent: not loaded");
	expect_state("running", SCRIPT_RUNNING, 4242);
	expect_state("coming", SCRIPT_RUNNING, 0);
	expect_state("going", SCRIPT_DEAD_PIDFILE, 0);
	expect_state("dead", SCRIPT_DEAD_PIDFILE, 99);
	expect_state("absent", SCRIPT_STOPPED, 0);
	expect_state("foreign", SCRIPT_LOADED_NO_PIDFILE, 0);
	capture_begin(&c);
	expect_state("garbled", SCRIPT_RUNNING, 0);
	err = capture_end(&c);
	CHECK(strstr(err, "does not hold a pid") != NULL, "a garbled pid file is reported");
	free(err);
}

static void test_adoption(void)
{
	char *text;

	mkdir(at("proc"), 0755);
	CHECK(adopt_boot_modules(&s) == 0, "no PROC_PATH/systemtap: nothing to adopt");
	mkdir(at("proc/systemtap"), 0755);
	mkdir(at("proc/systemtap/booted"), 0755);
	put_file(at("proc/systemtap/booted/srvstat"), "running\n");
	mkdir(at("proc/systemtap/plain"), 0755); /* a stap module without the srvstat probe */
	mkdir(at("proc/systemtap/idle"), 0755);
	put_file(at("proc/systemtap/idle/srvstat"), "stopped\n");
	mkdir(at("proc/systemtap/bad-name"), 0755);
	put_file(at("proc/systemtap/bad-name/srvstat"), "running\n");
	/* srvstat is exactly "running\n" (the service's probe): no word merely containing it. */
	static const char *const not_running[] = {
	    "not running\n", "running\nstopped\n", "runningx\n", "xrunning", "running\n\n", ""};
	for (size_t i = 0; i < ELEMENTSOF(not_running); i++) {
		char name[32], path[64];
		snprintf(name, sizeof(name), "fake%zu", i);
		snprintf(path, sizeof(path), "proc/systemtap/%s", name);
		mkdir(at(path), 0755);
		snprintf(path, sizeof(path), "proc/systemtap/%s/srvstat", name);
		put_file(at(path), not_running[i]);
	}
	mkdir(at("proc/systemtap/nonl"), 0755);
	put_file(at("proc/systemtap/nonl/srvstat"), "running");
	mkdir(at("proc/systemtap/running"), 0755); /* already has pid file 4242 */
	put_file(at("proc/systemtap/running/srvstat"), "running\n");

	CHECK(adopt_boot_modules(&s) == 0, "adopt_boot_modules");
	text = slurp(at("stat/booted"));
	CHECK_STR(text, "0\n", "booted adopted with pid 0");
	free(text);
	CHECK(!path_exists(at("stat/plain")), "no srvstat: not adopted");
	CHECK(!path_exists(at("stat/idle")), "srvstat not 'running': not adopted");
	CHECK(!path_exists(at("stat/bad-name")), "bad name: not adopted");
	for (size_t i = 0; i < ELEMENTSOF(not_running); i++) {
		char path[64];
		snprintf(path, sizeof(path), "stat/fake%zu", i);
		CHECK(!path_exists(at(path)), "srvstat \"%s\": not adopted", not_running[i]);
	}
	CHECK(path_exists(at("stat/nonl")), "\"running\" without its newline: adopted");
	text = slurp(at("stat/running"));
	CHECK_STR(text, "4242\n", "an existing pid file is kept");
	free(text);
}

/* A process below the fake PROC_PATH: its exe link, its fd 3 (ctl: where it leads, NULL:
 * none) and its argv (words joined by NULs). */
static void fake_process(int pid, const char *exe, const char *ctl, const char *argv, size_t len)
{
	char dir[64], path[96];
	FILE *f;

	snprintf(dir, sizeof(dir), "proc/%d", pid);
	mkdir(at(dir), 0755);
	snprintf(path, sizeof(path), "%s/fd", dir);
	mkdir(at(path), 0755);
	snprintf(path, sizeof(path), "%s/fd/3", dir);
	unlink(at(path));
	if (ctl && symlink(ctl, at(path)) < 0)
		exit(2);
	snprintf(path, sizeof(path), "%s/exe", dir);
	unlink(at(path));
	if (symlink(exe, at(path)) < 0)
		exit(2);
	snprintf(path, sizeof(path), "%s/cmdline", dir);
	f = fopen(at(path), "w");
	if (!f || fwrite(argv, 1, len, f) != len || fclose(f) != 0)
		exit(2);
}

static void collector_state(const char *name, int pid)
{
	char path[64], text[512];

	snprintf(path, sizeof(path), "stat/onboot.d/%s.state", name);
	snprintf(text, sizeof(text),
		 "stap-onboot-collector 1\nscript %s\npid %d\nmodule running\noutput memory\n",
		 name, pid);
	put_file(at(path), text);
}

/* Boot modules with a collector: the pid file gets the collector's pid, once it really is
 * that module's collector. */
static void test_adoption_collectors(void)
{
	static const char argv_a[] = "@init";
	char *text;

	mkdir(at("stat/onboot.d"), 0755);
	static const char *const names[] = {"col_a", "col_b", "col_c", "col_d"};
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		char path[64];
		snprintf(path, sizeof(path), "proc/systemtap/%s", names[i]);
		mkdir(at(path), 0755);
		snprintf(path, sizeof(path), "proc/systemtap/%s/srvstat", names[i]);
		put_file(at(path), "running\n");
	}
	fake_process(31337, "/usr/sbin/stap-early-loader (deleted)", "/proc/systemtap/col_a/.cmd",
		     argv_a, sizeof(argv_a));
	collector_state("col_a", 31337);
	fake_process(31338, "/usr/sbin/stap-early-loader", "/proc/systemtap/col_other/.cmd", argv_a,
		     sizeof(argv_a));
	collector_state("col_b", 31338); /* the pid is another module's collector now */
	fake_process(31339, "/usr/bin/sleep", "/proc/systemtap/col_c/.cmd", argv_a, sizeof(argv_a));
	collector_state("col_c", 31339); /* the channel, but another program */
	put_file(at("stat/col_d"), "0\n");
	fake_process(31340, "/usr/sbin/stap-early-loader", "/proc/systemtap/col_d/.cmd", argv_a,
		     sizeof(argv_a));
	collector_state("col_d", 31340);
	CHECK(adopt_boot_modules(&s) == 0, "adopt_boot_modules with collectors");
	text = slurp(at("stat/col_a"));
	CHECK_STR(text, "31337\n", "col_a: its collector's pid (its program deleted: switch-root)");
	free(text);
	text = slurp(at("stat/col_b"));
	CHECK_STR(text, "0\n", "col_b: the state's pid is another's collector: 0");
	free(text);
	text = slurp(at("stat/col_c"));
	CHECK_STR(text, "0\n", "col_c: the pid runs another program (holding the channel): 0");
	free(text);
	text = slurp(at("stat/col_d"));
	CHECK_STR(text, "31340\n", "col_d: a pid file 0 gets the collector's pid");
	free(text);
}

int main(void)
{
	char tmpl[] = "/tmp/test_svc_state.XXXXXX";

	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 2;
	s.stat_path = strdup(at("stat"));
	s.proc_path = strdup(at("proc"));
	mkdir(s.stat_path, 0755);
	test_pidfiles();
	if (fake_sysmodule() == 0) {
		test_states();
		umount("/sys/module");
	} else {
		CHECK(0, "a fake /sys/module is needed for the state checks");
	}
	test_adoption();
	test_adoption_collectors();
	CHECK(rm_rf(tmp) == 0, "cleanup");
	free(s.stat_path);
	free(s.proc_path);
	return test_summary();
}
