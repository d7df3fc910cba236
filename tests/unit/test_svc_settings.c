/* test_svc_settings.c: defaults, booleans with upstream's fallbacks, conf.d order and
 * overrides, CONFIG_PATH from the main config, errors and warnings naming file:line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fsutil.h"
#include "log_api.h"
#include "settings.h"
#include "settings_test.h"
#include "svc_test.h"

/* Writes the main config (CONFIG_PATH set to conf_d first) and loads it; stderr in *err. */
static void conf_file(const char *name, const char *text)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", conf_d, name);
	put_file(path, text);
}

static void test_defaults(void)
{
	struct settings s;
	char *err, want[600];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	CHECK(load(&s, "", "6.1.0-test", &err) == 0, "empty config loads (conf.d missing: fine)");
	CHECK(err[0] == '\0', "no messages");
	free(err);
	CHECK_STR(s.script_path, SYSCONFDIR "/systemtap/script.d", "SCRIPT_PATH default");
	CHECK_STR(s.cache_root, LOCALSTATEDIR "/cache/systemtap", "CACHE_PATH default");
	CHECK_STR(s.cache_path, LOCALSTATEDIR "/cache/systemtap/6.1.0-test",
		  "cache_path = CACHE_PATH/KRELEASE");
	CHECK_STR(s.stat_path, RUNSTATEDIR "/systemtap", "STAT_PATH default");
	CHECK_STR(s.temp_path, "/tmp", "TEMP_PATH default");
	CHECK_STR(s.log_file, LOCALSTATEDIR "/log/systemtap.log", "LOG_FILE default");
	CHECK(s.passall && !s.recursive && s.autocompile && !s.allow_cacheonly && !s.log_boot_err,
	      "booleans: PASSALL=yes RECURSIVE=no AUTOCOMPILE=yes ALLOW_CACHEONLY=no "
	      "LOG_BOOT_ERR=no");
	CHECK_STR(s.default_start, "", "DEFAULT_START default");
	CHECK_STR(s.stap, "/usr/bin/stap", "STAP default");
	CHECK_STR(s.staprun, "/usr/bin/staprun", "STAPRUN default");
	CHECK_STR(s.dracut, "dracut", "DRACUT default (PATH lookup)");
	CHECK_STR(s.new_kernel_pkg, "/sbin/new-kernel-pkg", "NEW_KERNEL_PKG default");
	CHECK_STR(s.grubby, "/sbin/grubby", "GRUBBY default");
	CHECK_STR(s.kernel_install, "kernel-install", "KERNEL_INSTALL default");
	CHECK(s.compile_jobs == (cpus < 1 ? 1 : cpus), "COMPILE_JOBS default = %d online CPUs",
	      s.compile_jobs);
	CHECK_STR(s.boot_path, "/boot", "BOOT_PATH default");
	CHECK_STR(s.modules_path, "/lib/modules", "MODULES_PATH default");
	CHECK_STR(s.proc_path, "/proc", "PROC_PATH default");
	snprintf(want, sizeof(want), "%s", conf_d);
	CHECK_STR(s.config_path, want, "CONFIG_PATH as set");
	settings_free(&s);
}

static void test_kernel_release(void)
{
	struct settings s;
	struct utsname u;
	char *err;

	uname(&u);
	CHECK(load(&s, "CACHE_PATH=/c//\n", NULL, &err) == 0, "load without -r");
	free(err);
	CHECK_STR(s.kernel_release, u.release, "kernel_release from uname(2)");
	char want[400];
	snprintf(want, sizeof(want), "/c/%s", u.release);
	CHECK_STR(s.cache_path, want, "cache_path (trailing slashes of CACHE_PATH dropped)");
	settings_free(&s);
	CHECK(load(&s, "", "../x", &err) == -EINVAL && strstr(err, "Invalid kernel release"),
	      "a kernel release with '/' is refused");
	free(err);
}

static void check_bool_value(const char *key, const char *value, size_t offset, bool want,
			     bool warn)
{
	struct settings s;
	char text[200], *err, where[600];

	snprintf(text, sizeof(text), "\n%s=%s\n", key, value);
	snprintf(where, sizeof(where), "%s:3:", main_conf);
	CHECK(load(&s, text, "k", &err) == 0, "%s=%s loads", key, value);
	CHECK(*(bool *)((char *)&s + offset) == want, "%s=%s means %s", key, value,
	      want ? "yes" : "no");
	if (warn)
		CHECK(strstr(err, "warning:") && strstr(err, where) && strstr(err, key),
		      "a warning names %s and %s", where, key);
	else
		CHECK(err[0] == '\0', "no warning");
	free(err);
	settings_free(&s);
}

static void test_booleans(void)
{
	static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "1"};
	static const char *const no[] = {"n", "N", "no", "No", "NO", "0"};
	static const char *const invalid[] = {"maybe", "", "2", "true", "yES"};

	for (size_t i = 0; i < 6; i++) {
		CHECK(parse_bool(yes[i]) == 1, "parse_bool(%s) = 1", yes[i]);
		CHECK(parse_bool(no[i]) == 0, "parse_bool(%s) = 0", no[i]);
	}
	for (size_t i = 0; i < 5; i++)
		CHECK(parse_bool(invalid[i]) == -1, "parse_bool(\"%s\") = -1", invalid[i]);
	check_bool_value("PASSALL", "no", offsetof(struct settings, passall), false, false);
	check_bool_value("RECURSIVE", "Yes", offsetof(struct settings, recursive), true, false);
	check_bool_value("AUTOCOMPILE", "0", offsetof(struct settings, autocompile), false, false);
	check_bool_value("ALLOW_CACHEONLY", "y", offsetof(struct settings, allow_cacheonly), true,
			 false);
	check_bool_value("LOG_BOOT_ERR", "YES", offsetof(struct settings, log_boot_err), true,
			 false);
	/* Upstream's check_bool gave 2 for these: each variable's test made it yes or no. */
	check_bool_value("PASSALL", "maybe", offsetof(struct settings, passall), false, true);
	check_bool_value("PASSALL", "", offsetof(struct settings, passall), false, true);
	check_bool_value("AUTOCOMPILE", "maybe", offsetof(struct settings, autocompile), true,
			 true);
	check_bool_value("RECURSIVE", "true", offsetof(struct settings, recursive), false, true);
	check_bool_value("LOG_BOOT_ERR", "2", offsetof(struct settings, log_boot_err), false, true);
	check_bool_value("ALLOW_CACHEONLY", "on", offsetof(struct settings, allow_cacheonly), false,
			 true);
}

static void test_conf_d_order(void)
{
	struct settings s;
	char *err;

	mkdir_p(conf_d, 0755);
	conf_file("b.conf", "s_OPT=b\nPASSALL=no\n");
	conf_file("a.conf", "s_OPT=a\nt_OPT=a\nu_OPT=a\n");
	conf_file("B.conf", "u_OPT=B\nv_OPT=B\n");
	conf_file("10.conf", "w_OPT=10\n");
	conf_file("9.conf", "w_OPT=9\n");
	conf_file(".hidden.conf", "s_OPT=hidden\n");
	conf_file("c.conf.bak", "s_OPT=bak\n");
	conf_file("noext", "s_OPT=noext\n");
	CHECK(load(&s, "PASSALL=yes\ns_OPT=main\nx_REQ='a b'\n", "k", &err) == 0, "load conf.d");
	CHECK(err[0] == '\0', "no messages");
	free(err);
	CHECK_STR(settings_script_opt(&s, "s"), "b", "b.conf overrides a.conf and the main config");
	CHECK_STR(settings_script_opt(&s, "t"), "a", "a.conf read");
	CHECK_STR(settings_script_opt(&s, "u"), "a", "C order: B.conf before a.conf");
	CHECK_STR(settings_script_opt(&s, "w"), "9", "C order: 10.conf before 9.conf");
	CHECK(!s.passall, "conf.d overrides a global parameter of the main config");
	CHECK_STR(settings_script_req(&s, "x"), "a b", "_REQ from the main config");
	CHECK_STR(settings_script_opt(&s, "nope"), "", "unset _OPT is \"\"");
	CHECK_STR(settings_script_req(&s, "nope"), "", "unset _REQ is \"\"");
	CHECK_STR(settings_script_opt(&s, "bad-name"), "", "_OPT of an invalid name is \"\"");
	settings_free(&s);
}

static void test_config_path_from_main(void)
{
	struct settings s;
	char other[600], text[700], *err;

	snprintf(other, sizeof(other), "%s/other.d", tmpdir);
	mkdir_p(other, 0755);
	snprintf(text, sizeof(text), "%s/x.conf", other);
	put_file(text, "o_OPT=other\n");
	snprintf(text, sizeof(text), "CONFIG_PATH=%s/\n", other);
	CHECK(load(&s, text, "k", &err) == 0, "main config changes CONFIG_PATH");
	free(err);
	CHECK_STR(settings_script_opt(&s, "o"), "other", "files of the new CONFIG_PATH are read");
	CHECK_STR(settings_script_opt(&s, "s"), "", "files of the old CONFIG_PATH are not");
	CHECK_STR(s.config_path, other, "config_path is the new one");
	settings_free(&s);
}

static void expect_error(const char *text, const char *what, const char *where_suffix)
{
	struct settings s;
	char *err, where[700];

	snprintf(where, sizeof(where), "%s%s", main_conf, where_suffix);
	CHECK(load(&s, text, "k", &err) == -EINVAL, "refused: %s", text);
	CHECK(strstr(err, where) && strstr(err, what), "error names %s and says \"%s\"", where,
	      what);
	free(err);
}

static void test_errors(void)
{
	struct settings s;
	struct capture c;
	char path[600], *err;
	int r;

	snprintf(path, sizeof(path), "%s/no-such-config", tmpdir);
	capture_begin(&c);
	r = settings_load(&s, path, "k");
	err = capture_end(&c);
	CHECK(r == -ENOENT && strstr(err, path) && strstr(err, "No such file"),
	      "a missing main config is an error naming it");
	free(err);

	expect_error("COMPILE_JOBS=0", "COMPILE_JOBS must be a positive integer", ":2:");
	expect_error("COMPILE_JOBS=-2", "COMPILE_JOBS must be a positive integer", ":2:");
	expect_error("COMPILE_JOBS=4x", "COMPILE_JOBS must be a positive integer", ":2:");
	expect_error("\nCOMPILE_JOBS=many", "COMPILE_JOBS must be a positive integer", ":3:");
	expect_error("SCRIPT_PATH=relative/dir", "SCRIPT_PATH must be an absolute path", ":2:");
	expect_error("CACHE_PATH=", "CACHE_PATH must not be empty", ":2:");
	expect_error("STAP=", "STAP must not be empty", ":2:");
	expect_error("A=$(reboot)", "command substitution", ":2:");
	/* CONFIG_PATH is checked before its directory is read. */
	expect_error("\nCONFIG_PATH=conf.d", "CONFIG_PATH must be an absolute path", ":3:");

	/* conf.d entries that cannot be read: a dangling symlink and a directory. */
	snprintf(path, sizeof(path), "%s/zz.conf", conf_d);
	CHECK(symlink("/nonexistent/target", path) == 0, "dangling symlink zz.conf");
	CHECK(load(&s, "", "k", &err) == -ENOENT && strstr(err, path),
	      "an unreadable conf.d file is an error naming it");
	free(err);
	unlink(path);
	mkdir(path, 0755);
	CHECK(load(&s, "", "k", &err) == -ENOTREGULAR && strstr(err, path) &&
		  strstr(err, "not a regular file"),
	      "a directory named *.conf is an error naming it");
	free(err);
	rmdir(path);
	/* A FIFO would block a plain open() for good (no writer): refused at once. */
	alarm(10);
	mkfifo(path, 0644);
	CHECK(load(&s, "", "k", &err) == -ENOTREGULAR && strstr(err, path) &&
		  strstr(err, "not a regular file"),
	      "a FIFO named *.conf is refused at once, naming it");
	alarm(0);
	free(err);
	unlink(path);
}

static void test_values_and_warnings(void)
{
	struct settings s;
	char *err, where[700];

	CHECK(
	    load(&s,
		 "COMPILE_JOBS=3\nLOG_FILE=\nSTAP=/opt/st/stap\nDRACUT=/usr/bin/dracut\n"
		 "NEW_KERNEL_PKG=nkp\nGRUBBY=/g\nKERNEL_INSTALL=/ki\n"
		 "STAPRUN=/sr\nBOOT_PATH=/r/boot\nMODULES_PATH=/r/lib/modules\nPROC_PATH=/r/proc\n"
		 "DEFAULT_START='a b'\nSTAT_PATH=/r/run\nTEMP_PATH=/r/tmp\nSCRIPT_PATH=/r/s.d\n"
		 "lowercase_helper=1\nMYSCRIPT_OPT=-v\nMYSCRIPT_REQ=x\n"
		 "PASSAL=no\nKRELEASE=9.9\nINITRAMFS=/x.img\nLSINITRD=/l\n",
		 "k", &err) == 0,
	    "every parameter set");
	CHECK(s.compile_jobs == 3, "COMPILE_JOBS=3");
	CHECK_STR(s.log_file, "", "LOG_FILE= means no log file");
	CHECK_STR(s.stap, "/opt/st/stap", "STAP");
	CHECK_STR(s.staprun, "/sr", "STAPRUN");
	CHECK_STR(s.dracut, "/usr/bin/dracut", "DRACUT");
	CHECK_STR(s.new_kernel_pkg, "nkp", "NEW_KERNEL_PKG");
	CHECK_STR(s.grubby, "/g", "GRUBBY");
	CHECK_STR(s.kernel_install, "/ki", "KERNEL_INSTALL");
	CHECK_STR(s.boot_path, "/r/boot", "BOOT_PATH");
	CHECK_STR(s.modules_path, "/r/lib/modules", "MODULES_PATH");
	CHECK_STR(s.proc_path, "/r/proc", "PROC_PATH");
	CHECK_STR(s.default_start, "a b", "DEFAULT_START");
	CHECK_STR(s.stat_path, "/r/run", "STAT_PATH");
	CHECK_STR(s.temp_path, "/r/tmp", "TEMP_PATH");
	CHECK_STR(s.script_path, "/r/s.d", "SCRIPT_PATH");
	CHECK_STR(s.kernel_release, "k", "KRELEASE in the config does not change the release");
	snprintf(where, sizeof(where), "%s:20: unknown parameter PASSAL", main_conf);
	CHECK(strstr(err, where) != NULL, "typo PASSAL warned with file:line");
	snprintf(where, sizeof(where), "%s:21: KRELEASE cannot be set", main_conf);
	CHECK(strstr(err, where) != NULL, "internal KRELEASE warned");
	snprintf(where, sizeof(where), "%s:22: INITRAMFS cannot be set", main_conf);
	CHECK(strstr(err, where) != NULL, "internal INITRAMFS warned");
	snprintf(where, sizeof(where),
		 "%s:23: LSINITRD is not used any more (onboot reads the image itself); ignored",
		 main_conf);
	CHECK(strstr(err, where) != NULL, "LSINITRD: warned as not used any more");
	CHECK(!strstr(err, "lowercase_helper") && !strstr(err, "MYSCRIPT"),
	      "no warning for lowercase keys nor <script>_OPT/_REQ");
	free(err);
	settings_free(&s);
	CHECK(load(&s, "COMPILE_JOBS=", "k", &err) == 0 && s.compile_jobs >= 1,
	      "COMPILE_JOBS= means the default");
	free(err);
	settings_free(&s);
}

/* The installed default config: all comments; uncommented it gives exactly the defaults. */
static void test_config_default(void)
{
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	static const char *const keys[] = {
	    "SCRIPT_PATH",     "CONFIG_PATH",	 "CACHE_PATH",	    "STAT_PATH",
	    "TEMP_PATH",       "LOG_FILE",	 "PASSALL",	    "RECURSIVE",
	    "AUTOCOMPILE",     "DEFAULT_START",	 "ALLOW_CACHEONLY", "LOG_BOOT_ERR",
	    "COMPILE_JOBS",    "STAP",		 "STAPRUN",	    "DRACUT",
	    "NEW_KERNEL_PKG",  "GRUBBY",	 "KERNEL_INSTALL",  "BOOT_PATH",
	    "MODULES_PATH",    "PROC_PATH",	 "MODULE_SIGN_KEY", "MODULE_SIGN_CERT",
	    "COMPILE_TIMEOUT", "DRACUT_TIMEOUT", "TOOL_TIMEOUT",    "ONBOOT_LOG_DIR",
	    "ONBOOT_LOG_SIZE"};
	struct settings d, u;
	struct config cfg = {0};
	char path[600], *text, *err, *p;
	size_t len;

	snprintf(path, sizeof(path), "%s/service/config.default", top);
	if (read_file(path, &text, &len) < 0) {
		CHECK(0, "read %s", path);
		return;
	}
	CHECK(config_parse_text(&cfg, text, len, path) == 0 && cfg.n == 0,
	      "config.default parses and sets nothing");
	config_free(&cfg);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char line[64];
		snprintf(line, sizeof(line), "\n#%s=", keys[i]);
		CHECK(strstr(text, line) != NULL, "config.default shows %s", keys[i]);
	}
	/* Uncomment "#KEY=" lines (a "#" before an upper-case letter). */
	for (p = text; (p = strstr(p, "\n#")); p++)
		if (p[2] >= 'A' && p[2] <= 'Z')
			p[1] = ' ';
	/* Its CONFIG_PATH line would read the host's conf.d: point it back into the test. */
	rm_rf(conf_d);
	if (asprintf(&p, "%s\nCONFIG_PATH=%s\n", text, conf_d) < 0)
		exit(2);
	free(text);
	text = p;
	CHECK(load(&u, text, "k", &err) == 0, "config.default uncommented loads");
	CHECK(err[0] == '\0', "without warnings");
	free(err);
	CHECK(load(&d, "", "k", &err) == 0, "empty config loads");
	free(err);
	CHECK_STR(u.script_path, d.script_path, "same SCRIPT_PATH");
	CHECK_STR(u.cache_path, d.cache_path, "same CACHE_PATH");
	CHECK_STR(u.stat_path, d.stat_path, "same STAT_PATH");
	CHECK_STR(u.temp_path, d.temp_path, "same TEMP_PATH");
	CHECK_STR(u.log_file, d.log_file, "same LOG_FILE");
	CHECK(u.passall == d.passall && u.recursive == d.recursive &&
		  u.autocompile == d.autocompile && u.allow_cacheonly == d.allow_cacheonly &&
		  u.log_boot_err == d.log_boot_err && u.compile_jobs == d.compile_jobs,
	      "same booleans and COMPILE_JOBS");
	CHECK_STR(u.default_start, d.default_start, "same DEFAULT_START");
	CHECK_STR(u.stap, d.stap, "same STAP");
	CHECK_STR(u.staprun, d.staprun, "same STAPRUN");
	CHECK_STR(u.dracut, d.dracut, "same DRACUT");
	CHECK_STR(u.new_kernel_pkg, d.new_kernel_pkg, "same NEW_KERNEL_PKG");
	CHECK_STR(u.grubby, d.grubby, "same GRUBBY");
	CHECK_STR(u.kernel_install, d.kernel_install, "same KERNEL_INSTALL");
	CHECK_STR(u.boot_path, d.boot_path, "same BOOT_PATH");
	CHECK_STR(u.modules_path, d.modules_path, "same MODULES_PATH");
	CHECK_STR(u.proc_path, d.proc_path, "same PROC_PATH");
	CHECK(!*u.module_sign_key && !*u.module_sign_cert, "no module signing");
	CHECK_STR(u.onboot_log_dir, d.onboot_log_dir, "same ONBOOT_LOG_DIR");
	CHECK(u.onboot_log_size == d.onboot_log_size, "same ONBOOT_LOG_SIZE");
	settings_free(&u);
	settings_free(&d);
	free(text);
}

int main(void)
{
	settings_test_begin("test_svc_settings.");
	test_defaults();
	test_kernel_release();
	test_booleans();
	test_conf_d_order();
	test_config_path_from_main();
	test_errors();
	test_values_and_warnings();
	test_config_default();
	settings_test_end();
	return test_summary();
}
