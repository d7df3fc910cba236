/* test_loader_run.c: whole runs (startall_run) against the fake kernel: manifest order,
 * failures do not stop the next script, exit status, rd.systemtap=0 / skip / rd.debug,
 * log_boot_err files, FIPS, the environment overrides. The hand-over to the collectors:
 * test_loader_run_collect.c. */
#include "fake_kernel.h"
#include "kmsg.h"
#include "startall.h"

#include <dirent.h>

static char *root;
static struct fr_run files;
static struct loader_config timeouts;

#define MANIFEST_ALL                                                                               \
	"stap-onboot-manifest 1\n"                                                                 \
	"kernel 0.0-not-this-kernel\n"                                                             \
	"log_boot_err yes\n"                                                                       \
	"script good protocol=4 bufsize=2\n"                                                       \
	"script boom protocol=4\n"                                                                 \
	"script mute protocol=5\n"                                                                 \
	"script bad-name protocol=4\n"                                                             \
	"script other protocol=5 param=x=1\n"

static void setup(const char *manifest, const char *cmdline)
{
	fk_reset(root);
	/* The last test's collectors end once their channels are gone. */
	fr_reap(files.rundir);
	unlink(files.kmsg);
	lt_rm_rf(files.rundir);
	lt_write_file(root, "usr/lib/stap-onboot/manifest", manifest);
	lt_write_file(root, "cmdline", cmdline);
	lt_write_file(root, "proc/sys/debug/kprobes-optimization", "1\n");
	lt_write_file(root, "proc/sys/kernel/kptr_restrict", "0\n");
	lt_write_file(root, "proc/sys/crypto/fips_enabled", "0\n");
	const char *names[] = {"good", "boom", "mute", "other"};
	for (size_t i = 0; i < ELEMENTS(names); i++)
		fk_write_ko(files.moddir, names[i]);
	fk_add("good", 4);
	fk_add("boom", 4)->begin_error = true;
	fk_add("mute", 5)->silent = true;
	fk_add("other", 5);
}

static int run(bool verbose)
{
	struct startall_request req = fr_run_request(root, &files);

	req.verbose = verbose;

	return startall_run(&req, &timeouts);
}

static bool logged(const char *needle)
{
	return lt_file_contains(files.kmsg, needle);
}

/* True when the kernel log's first record is want (without its newline). */
static bool first_record_is(const char *want)
{
	char *text = lt_read_file(files.kmsg);
	size_t n = strcspn(text, "\n");
	bool same = n == strlen(want) && strncmp(text, want, n) == 0;

	if (!same)
		printf("   first record: %.*s\n", (int)n, text);
	free(text);
	return same;
}

/* True when the first record is "starting: N scripts in MANIFEST" (n < 0: cannot read). */
static bool starting_first(int n)
{
	char want[4300];

	if (n < 0)
		snprintf(want, sizeof(want), "<6>stap-early-loader: starting: cannot read %s",
			 files.manifest);
	else
		snprintf(want, sizeof(want), "<6>stap-early-loader: starting: %d scripts in %s", n,
			 files.manifest);
	return first_record_is(want);
}

static bool rundir_file_contains(const char *name, const char *needle)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", files.rundir, name);
	return access(p, F_OK) == 0 && (!needle || lt_file_contains(p, needle));
}

static bool root_file_is(const char *rel, const char *text)
{
	char p[4200];
	char *got;
	bool same;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	got = lt_read_file(p);
	same = strcmp(got, text) == 0;
	free(got);
	return same;
}

static void test_full_run(void)
{
	int rc;

	setup(MANIFEST_ALL, "root=/dev/vda quiet\n");
	rc = run(false);
	CHECK(starting_first(5),
	      "first record: 'starting: 5 scripts in %s' (the bad line included)", files.manifest);
	CHECK(rc == 3, "exit status 3 = boom + mute failed + 1 bad manifest line (got %d)", rc);
	CHECK(strcmp(fk.load_order, "good boom mute other") == 0, "loaded in manifest order: %s",
	      fk.load_order);
	CHECK(fk_find("good")->loaded && fk_find("other")->loaded, "good and other stay loaded");
	CHECK(!fk_find("boom")->loaded && !fk_find("mute")->loaded,
	      "boom (begin error) and mute (silent) unloaded");
	CHECK(strcmp(fk_find("good")->params, "_stp_bufsize=2") == 0 &&
		  strcmp(fk_find("other")->params, "_stp_bufsize=0 x=1") == 0,
	      "bufsize and params from the manifest");
	CHECK(logged("<3>stap-early-loader: ") && logged("manifest:7: invalid script name"),
	      "the bad manifest line is an error naming line 7");
	CHECK(logged("<4>stap-early-loader: the manifest is for kernel 0.0-not-this-kernel"),
	      "kernel mismatch warned about");
	CHECK(logged("<3>stap-early-loader: boom: ERROR: boom near"), "boom's ERROR line logged");
	CHECK(logged("mute: no STP_TRANSPORT"), "mute's timeout logged");
	CHECK(logged("<6>stap-early-loader: other: armed in"),
	      "the script after the failures armed");
	CHECK(logged("<3>stap-early-loader: 2 armed, 0 finished, 2 failed, 0 skipped, 1 bad "
		     "manifest lines"),
	      "summary line");
	CHECK(!logged("<7>"), "no debug records without rd.debug");
	CHECK(rundir_file_contains("boom.log", "boom: ERROR: boom near") &&
		  rundir_file_contains("boom.log", "WARNING: Number of errors") &&
		  rundir_file_contains("boom.log", "boom: failed after"),
	      "log_boot_err: %s/boom.log has the module's messages and the failure", files.rundir);
	CHECK(rundir_file_contains("good.log", "good: armed in") &&
		  !rundir_file_contains("good.log", "boom"),
	      "good.log has only good's outcome");
	CHECK(rundir_file_contains("mute.log", "no STP_TRANSPORT"), "mute.log has its timeout");
	CHECK(!rundir_file_contains("bad-name.log", NULL), "no log file for a rejected line");
	CHECK(root_file_is("proc/sys/debug/kprobes-optimization", "0") &&
		  root_file_is("proc/sys/kernel/kptr_restrict", "1"),
	      "kprobes-optimization 0, kptr_restrict 0 -> 1 (like staprun)");
}

static void test_disabled(void)
{
	int rc;

	setup(MANIFEST_ALL, "ro rd.systemtap=0 quiet\n");
	rc = run(false);
	CHECK(rc == 0 && fk.load_order[0] == '\0', "rd.systemtap=0: exit 0, nothing loaded");
	CHECK(first_record_is("<6>stap-early-loader: rd.systemtap=0 on the kernel command line: no "
			      "SystemTap script started"),
	      "and says so in the kernel log, first");
	CHECK(!logged("starting:"), "no 'starting' line");
	CHECK(root_file_is("proc/sys/debug/kprobes-optimization", "1\n"),
	      "no kernel setting touched");
	CHECK(access(files.rundir, F_OK) < 0, "no log directory made");
}

static void test_skip(void)
{
	int rc;

	setup(MANIFEST_ALL, "rd.systemtap.skip=good,boom rd.systemtap.skip=mute\n");
	rc = run(false);
	CHECK(rc == 1, "skip good,boom,mute: only the bad line counts (got %d)", rc);
	CHECK(strcmp(fk.load_order, "other") == 0, "only 'other' loaded: '%s'", fk.load_order);
	CHECK(logged("good: skipped (rd.systemtap.skip)") && logged("mute: skipped"),
	      "skips logged");
	CHECK(logged("1 armed, 0 finished, 0 failed, 3 skipped, 1 bad manifest lines"),
	      "summary counts the skipped");
}

static void test_verbose_and_no_log_files(void)
{
	int rc;

	setup("stap-onboot-manifest 1\nlog_boot_err no\nscript good protocol=4\n", "rd.debug\n");
	lt_write_file(root, "proc/sys/kernel/kptr_restrict", "2\n");
	char p[4200];
	snprintf(p, sizeof(p), "%s/proc/sys/debug/kprobes-optimization", root);
	unlink(p);
	rc = run(false);
	CHECK(root_file_is("proc/sys/kernel/kptr_restrict", "2\n") && access(p, F_OK) < 0,
	      "kptr_restrict 2 left alone; a missing kprobes-optimization is not created");
	CHECK(rc == 0, "one good script: exit 0");
	CHECK(logged("<7>stap-early-loader: good: init_module") &&
		  logged("<7>stap-early-loader: good: relocation kernel/_stext = "
			 "0xffffffff81000000"),
	      "rd.debug: debug records in the kernel log");
	CHECK(access(files.rundir, F_OK) < 0, "log_boot_err no: no /run/systemtap files");
	CHECK(logged("<7>stap-early-loader: good: phases: read ") && logged(" ms, init_module ") &&
		  logged(" ms, relocations ") && logged(" ms, transport ") && logged(" ms, start "),
	      "rd.debug: one line with each phase's ms (read, init_module, relocations, "
	      "transport, start)");

	setup("stap-onboot-manifest 1\nscript good protocol=4\n", "quiet\n");
	rc = run(true);
	CHECK(rc == 0 && logged("<7>stap-early-loader: good: opened "), "-v: debug records too");
}

static void test_manifest_unusable(void)
{
	int rc;

	setup("stap-onboot-manifest 2\nscript good protocol=4\n", "");
	rc = run(false);
	CHECK(rc == 255 && fk.load_order[0] == '\0', "format 2: exit 255, nothing loaded");
	CHECK(logged("unsupported manifest format '2'") &&
		  logged("no SystemTap script started: the manifest"),
	      "and why");

	setup(MANIFEST_ALL, "");
	unlink(files.manifest);
	rc = run(false);
	CHECK(rc == 255 && logged("Failed to read manifest") && logged("No such file or directory"),
	      "missing manifest: exit 255, reason logged");
	CHECK(starting_first(-1), "after a first record 'starting: cannot read MANIFEST'");
}

/* A FIFO or a device where a module should be would stall the boot (a FIFO's open waits for a
 * writer; /dev/zero never ends): refused at once, the next script still starts. */
static void test_not_regular_modules(void)
{
	char good[4200], other[4200];
	int rc;

	setup("stap-onboot-manifest 1\nscript good protocol=4\nscript other protocol=5\n", "");
	snprintf(good, sizeof(good), "%s/good.ko", files.moddir);
	snprintf(other, sizeof(other), "%s/other.ko", files.moddir);
	unlink(good);
	unlink(other);
	if (mkfifo(good, 0644) < 0 || symlink("/dev/zero", other) < 0)
		abort();
	rc = run(false);
	CHECK(rc == 2 && fk.load_order[0] == '\0', "FIFO and /dev/zero as modules: both refused");
	CHECK(logged("good.ko: not a regular file") && logged("other.ko: not a regular file"),
	      "each named, with the reason");
	/* The next setup writes modules there: a FIFO would wait for a reader forever. */
	unlink(good);
	unlink(other);
}

static void test_many_bad_lines(void)
{
	size_t cap = 64 * 1024, n;
	char *text = malloc(cap);
	int rc;

	n = (size_t)sprintf(text, "stap-onboot-manifest 1\nscript good protocol=4\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(text + n, "bogus %d\n", i);
	setup(text, "");
	rc = run(false);
	CHECK(rc == 254, "300 bad lines: exit status capped at 254 (got %d)", rc);
	CHECK(fk_find("good")->loaded, "the good script still started");
	free(text);
}

static void test_fips_and_no_cmdline(void)
{
	int rc;

	setup(MANIFEST_ALL, "");
	lt_write_file(root, "proc/sys/crypto/fips_enabled", "1\n");
	unlink(files.cmdline);
	rc = run(false);
	CHECK(rc == 5, "FIPS mode: 4 scripts + 1 bad line fail (got %d)", rc);
	CHECK(fk.load_order[0] == '\0', "nothing loaded in FIPS mode");
	CHECK(logged("FIPS mode"), "FIPS refusal logged");
	CHECK(logged("<4>stap-early-loader: cannot read ") && logged("no rd.systemtap switches"),
	      "unreadable command line: a warning, and the run goes on");
	CHECK(starting_first(5), "the warning comes after the 'starting' line");
}

/* A module built for another release among good ones: refused before init_module, counted
 * failed, the next one still armed. */
static void test_foreign_release(void)
{
	int rc;

	setup("stap-onboot-manifest 1\nkernel " FK_RELEASE "\nlog_boot_err yes\n"
	      "script good protocol=4\nscript foreign protocol=4\nscript other protocol=5\n",
	      "");
	fk_add("foreign", 4);
	fk_write_ko_vermagic(files.moddir, "foreign", "6.1.0-99-amd64" FE_VERMAGIC_FLAGS);
	rc = run(false);
	CHECK(starting_first(3), "first record: 'starting: 3 scripts in MANIFEST'");
	CHECK(rc == 1, "exit status 1: one failed (got %d)", rc);
	CHECK(strcmp(fk.load_order, "good other") == 0 && fk.init_calls == 2,
	      "init_module only for good and other: '%s'", fk.load_order);
	CHECK(logged("<3>stap-early-loader: foreign: built for kernel 6.1.0-99-amd64, "
		     "running " FK_RELEASE ": not loaded"),
	      "the refusal logged at error level");
	CHECK(!logged("the manifest is for kernel"), "no manifest warning: it names %s",
	      FK_RELEASE);
	CHECK(logged("<6>stap-early-loader: other: armed in"), "the next script armed");
	CHECK(logged("<3>stap-early-loader: 2 armed, 0 finished, 1 failed, 0 skipped, 0 bad"),
	      "summary counts it failed");
	CHECK(rundir_file_contains("foreign.log", "foreign: built for kernel 6.1.0-99-amd64"),
	      "log_boot_err: foreign.log has the refusal");
}

static void test_env(void)
{
	struct startall_request req;

	unsetenv("STAP_EARLY_LOADER_CMDLINE");
	unsetenv("STAP_EARLY_LOADER_KMSG");
	unsetenv("STAP_EARLY_LOADER_RUNDIR");
	unsetenv("STAP_EARLY_LOADER_ROOT");
	startall_request_init(&req, "/m", false);
	CHECK(strcmp(req.cmdline_path, "/proc/cmdline") == 0 &&
		  strcmp(req.kmsg_path, "/dev/kmsg") == 0 && !req.kmsg_is_file &&
		  strcmp(req.rundir, "/run/systemtap") == 0 && strcmp(req.root, "") == 0 &&
		  strcmp(req.manifest_path, "/m") == 0,
	      "defaults without environment");
	setenv("STAP_EARLY_LOADER_CMDLINE", "/c", 1);
	setenv("STAP_EARLY_LOADER_KMSG", "/k", 1);
	setenv("STAP_EARLY_LOADER_RUNDIR", "/r", 1);
	setenv("STAP_EARLY_LOADER_ROOT", "/x", 1);
	startall_request_init(&req, "/m", true);
	CHECK(strcmp(req.cmdline_path, "/c") == 0 && strcmp(req.kmsg_path, "/k") == 0 &&
		  req.kmsg_is_file && strcmp(req.rundir, "/r") == 0 &&
		  strcmp(req.root, "/x") == 0 && req.verbose,
	      "STAP_EARLY_LOADER_CMDLINE/_KMSG/_RUNDIR/_ROOT override");
}

int main(void)
{
	root = fk_make_root();
	fr_run_request(root, &files);
	setenv("TZ", "UTC", 1);
	loader_config_init(&timeouts, NULL, NULL);
	timeouts.transport_timeout_ms = 100;
	timeouts.reply_timeout_ms = 100;

	test_full_run();
	test_disabled();
	test_skip();
	test_verbose_and_no_log_files();
	test_manifest_unusable();
	test_not_regular_modules();
	test_many_bad_lines();
	test_fips_and_no_cmdline();
	test_foreign_release();
	test_env();

	fk_reset(root);
	fr_reap(files.rundir);
	lt_rm_rf(root);
	free(root);
	return lt_result();
}
