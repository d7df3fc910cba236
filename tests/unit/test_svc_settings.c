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
#include "settings_fixture.h"
#include "capture.h"
#include "files.h"
#include "test.h"

/* Writes the main config (CONFIG_PATH set to conf_d first) and loads it; stderr in *err. */
static void conf_file(const char *name, const char *text)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", conf_d, name);
	put_file(path, text);
}

TEST(defaults)
{
	struct settings s;
	char *err, want[600];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	ASSERT_EQ(load(&s, "", "6.1.0-test", &err), 0, "empty config loads (conf.d missing: fine)");
	ASSERT_EQ(err[0], '\0', "no messages");
	free(err);
	ASSERT_STREQ(s.script_path, SYSCONFDIR "/systemtap/script.d", "SCRIPT_PATH default");
	ASSERT_STREQ(s.cache_root, LOCALSTATEDIR "/cache/systemtap", "CACHE_PATH default");
	ASSERT_STREQ(s.cache_path, LOCALSTATEDIR "/cache/systemtap/6.1.0-test",
		     "cache_path = CACHE_PATH/KRELEASE");
	ASSERT_STREQ(s.stat_path, RUNSTATEDIR "/systemtap", "STAT_PATH default");
	ASSERT_STREQ(s.temp_path, "/tmp", "TEMP_PATH default");
	ASSERT_STREQ(s.log_file, LOCALSTATEDIR "/log/systemtap.log", "LOG_FILE default");
	ASSERT_TRUE(s.passall,
		    "booleans: PASSALL=yes RECURSIVE=no AUTOCOMPILE=yes ALLOW_CACHEONLY=no "
		    "LOG_BOOT_ERR=no");
	ASSERT_FALSE(s.recursive,
		     "booleans: PASSALL=yes RECURSIVE=no AUTOCOMPILE=yes ALLOW_CACHEONLY=no "
		     "LOG_BOOT_ERR=no");
	ASSERT_TRUE(s.autocompile,
		    "booleans: PASSALL=yes RECURSIVE=no AUTOCOMPILE=yes ALLOW_CACHEONLY=no "
		    "LOG_BOOT_ERR=no");
	ASSERT_FALSE(s.allow_cacheonly,
		     "booleans: PASSALL=yes RECURSIVE=no AUTOCOMPILE=yes ALLOW_CACHEONLY=no "
		     "LOG_BOOT_ERR=no");
	ASSERT_FALSE(s.log_boot_err,
		     "booleans: PASSALL=yes RECURSIVE=no AUTOCOMPILE=yes ALLOW_CACHEONLY=no "
		     "LOG_BOOT_ERR=no");
	ASSERT_STREQ(s.default_start, "", "DEFAULT_START default");
	ASSERT_STREQ(s.stap, "/usr/bin/stap", "STAP default");
	ASSERT_STREQ(s.staprun, "/usr/bin/staprun", "STAPRUN default");
	ASSERT_STREQ(s.dracut, "dracut", "DRACUT default (PATH lookup)");
	ASSERT_STREQ(s.new_kernel_pkg, "/sbin/new-kernel-pkg", "NEW_KERNEL_PKG default");
	ASSERT_STREQ(s.grubby, "/sbin/grubby", "GRUBBY default");
	ASSERT_STREQ(s.kernel_install, "kernel-install", "KERNEL_INSTALL default");
	ASSERT_EQ(s.compile_jobs, (cpus < 1 ? 1 : cpus), "COMPILE_JOBS default = %d online CPUs",
		  s.compile_jobs);
	ASSERT_STREQ(s.boot_path, "/boot", "BOOT_PATH default");
	ASSERT_STREQ(s.modules_path, "/lib/modules", "MODULES_PATH default");
	ASSERT_STREQ(s.proc_path, "/proc", "PROC_PATH default");
	snprintf(want, sizeof(want), "%s", conf_d);
	ASSERT_STREQ(s.config_path, want, "CONFIG_PATH as set");
	settings_free(&s);
}

TEST(kernel_release)
{
	struct settings s;
	struct utsname u;
	char *err;

	uname(&u);
	ASSERT_EQ(load(&s, "CACHE_PATH=/c//\n", NULL, &err), 0, "load without -r");
	free(err);
	ASSERT_STREQ(s.kernel_release, u.release, "kernel_release from uname(2)");
	char want[400];
	snprintf(want, sizeof(want), "/c/%s", u.release);
	ASSERT_STREQ(s.cache_path, want, "cache_path (trailing slashes of CACHE_PATH dropped)");
	settings_free(&s);
	ASSERT_EQ(load(&s, "", "../x", &err), -EINVAL, "a kernel release with '/' is refused");
	ASSERT_CONTAINS(err, "Invalid kernel release", "a kernel release with '/' is refused");
	free(err);
}

static void check_bool_value(const char *key, const char *value, size_t offset, bool want,
			     bool warn)
{
	struct settings s;
	char text[200], *err, where[600];

	snprintf(text, sizeof(text), "\n%s=%s\n", key, value);
	snprintf(where, sizeof(where), "%s:3:", main_conf);
	ASSERT_EQ(load(&s, text, "k", &err), 0, "%s=%s loads", key, value);
	ASSERT_EQ(*(bool *)((char *)&s + offset), want, "%s=%s means %s", key, value,
		  want ? "yes" : "no");
	if (warn) {
		ASSERT_CONTAINS(err, "warning:", "a warning names %s and %s", where, key);
		ASSERT_CONTAINS(err, where, "a warning names %s and %s", where, key);
		ASSERT_CONTAINS(err, key, "a warning names %s and %s", where, key);
	} else
		ASSERT_EQ(err[0], '\0', "no warning");
	free(err);
	settings_free(&s);
}

TEST(booleans)
{
	static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "1"};
	static const char *const no[] = {"n", "N", "no", "No", "NO", "0"};
	static const char *const invalid[] = {"maybe", "", "2", "true", "yES"};

	for (size_t i = 0; i < 6; i++) {
		ASSERT_EQ(parse_bool(yes[i]), 1, "parse_bool(%s) = 1", yes[i]);
		ASSERT_EQ(parse_bool(no[i]), 0, "parse_bool(%s) = 0", no[i]);
	}
	for (size_t i = 0; i < 5; i++)
		ASSERT_EQ(parse_bool(invalid[i]), -1, "parse_bool(\"%s\") = -1", invalid[i]);
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

TEST(conf_d_order)
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
	ASSERT_EQ(load(&s, "PASSALL=yes\ns_OPT=main\nx_REQ='a b'\n", "k", &err), 0, "load conf.d");
	ASSERT_EQ(err[0], '\0', "no messages");
	free(err);
	ASSERT_STREQ(settings_script_opt(&s, "s"), "b",
		     "b.conf overrides a.conf and the main config");
	ASSERT_STREQ(settings_script_opt(&s, "t"), "a", "a.conf read");
	ASSERT_STREQ(settings_script_opt(&s, "u"), "a", "C order: B.conf before a.conf");
	ASSERT_STREQ(settings_script_opt(&s, "w"), "9", "C order: 10.conf before 9.conf");
	ASSERT_FALSE(s.passall, "conf.d overrides a global parameter of the main config");
	ASSERT_STREQ(settings_script_req(&s, "x"), "a b", "_REQ from the main config");
	ASSERT_STREQ(settings_script_opt(&s, "nope"), "", "unset _OPT is \"\"");
	ASSERT_STREQ(settings_script_req(&s, "nope"), "", "unset _REQ is \"\"");
	ASSERT_STREQ(settings_script_opt(&s, "bad-name"), "", "_OPT of an invalid name is \"\"");
	settings_free(&s);
}

TEST(config_path_from_main)
{
	struct settings s;
	char other[600], text[700], *err;

	snprintf(other, sizeof(other), "%s/other.d", tmpdir);
	mkdir_p(other, 0755);
	snprintf(text, sizeof(text), "%s/x.conf", other);
	put_file(text, "o_OPT=other\n");
	snprintf(text, sizeof(text), "CONFIG_PATH=%s/\n", other);
	ASSERT_EQ(load(&s, text, "k", &err), 0, "main config changes CONFIG_PATH");
	free(err);
	ASSERT_STREQ(settings_script_opt(&s, "o"), "other",
		     "files of the new CONFIG_PATH are read");
	ASSERT_STREQ(settings_script_opt(&s, "s"), "", "files of the old CONFIG_PATH are not");
	ASSERT_STREQ(s.config_path, other, "config_path is the new one");
	settings_free(&s);
}

static void expect_error(const char *text, const char *what, const char *where_suffix)
{
	struct settings s;
	char *err, where[700];

	snprintf(where, sizeof(where), "%s%s", main_conf, where_suffix);
	ASSERT_EQ(load(&s, text, "k", &err), -EINVAL, "refused: %s", text);
	ASSERT_CONTAINS(err, where, "error names %s and says \"%s\"", where, what);
	ASSERT_CONTAINS(err, what, "error names %s and says \"%s\"", where, what);
	free(err);
}

TEST(errors)
{
	struct settings s;
	struct capture c;
	char path[600], *err;
	int r;

	snprintf(path, sizeof(path), "%s/no-such-config", tmpdir);
	capture_begin(&c);
	r = settings_load(&s, path, "k");
	err = capture_end(&c);
	ASSERT_EQ(r, -ENOENT, "a missing main config is an error naming it");
	ASSERT_CONTAINS(err, path, "a missing main config is an error naming it");
	ASSERT_CONTAINS(err, "No such file", "a missing main config is an error naming it");
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
	ASSERT_EQ(symlink("/nonexistent/target", path), 0, "dangling symlink zz.conf");
	ASSERT_EQ(load(&s, "", "k", &err), -ENOENT,
		  "an unreadable conf.d file is an error naming it");
	ASSERT_CONTAINS(err, path, "an unreadable conf.d file is an error naming it");
	free(err);
	unlink(path);
	mkdir(path, 0755);
	ASSERT_EQ(load(&s, "", "k", &err), -ENOTREGULAR,
		  "a directory named *.conf is an error naming it");
	ASSERT_CONTAINS(err, path, "a directory named *.conf is an error naming it");
	ASSERT_CONTAINS(err, "not a regular file",
			"a directory named *.conf is an error naming it");
	free(err);
	rmdir(path);
	/* A FIFO would block a plain open() for good (no writer): refused at once. */
	alarm(10);
	mkfifo(path, 0644);
	ASSERT_EQ(load(&s, "", "k", &err), -ENOTREGULAR,
		  "a FIFO named *.conf is refused at once, naming it");
	ASSERT_CONTAINS(err, path, "a FIFO named *.conf is refused at once, naming it");
	ASSERT_CONTAINS(err, "not a regular file",
			"a FIFO named *.conf is refused at once, naming it");
	alarm(0);
	free(err);
	unlink(path);
}

/* ONBOOT_BUFSIZE: 1 MB a CPU unless set; 0 (the module's default) to 4095. */
TEST(onboot_bufsize)
{
	struct settings s;
	char *err;

	ASSERT_EQ(load(&s, "", "k", &err), 0);
	ASSERT_EQ(s.onboot_bufsize, 1, "ONBOOT_BUFSIZE's default: 1 MB a CPU");
	free(err);
	settings_free(&s);
	ASSERT_EQ(load(&s, "ONBOOT_BUFSIZE=0", "k", &err), 0);
	ASSERT_EQ(s.onboot_bufsize, 0, "ONBOOT_BUFSIZE=0: the module's own default");
	free(err);
	settings_free(&s);
	ASSERT_EQ(load(&s, "ONBOOT_BUFSIZE=4095", "k", &err), 0);
	ASSERT_EQ(s.onboot_bufsize, 4095);
	free(err);
	settings_free(&s);
	expect_error("ONBOOT_BUFSIZE=4096", "ONBOOT_BUFSIZE must be a number of MB from 0 to 4095",
		     ":2:");
	expect_error("ONBOOT_BUFSIZE=-1", "ONBOOT_BUFSIZE must be a number of MB", ":2:");
	expect_error("ONBOOT_BUFSIZE=1M", "ONBOOT_BUFSIZE must be a number of MB", ":2:");
}

TEST(values_and_warnings)
{
	struct settings s;
	char *err, where[700];

	ASSERT_EQ(
	    load(&s,
		 "COMPILE_JOBS=3\nLOG_FILE=\nSTAP=/opt/st/stap\nDRACUT=/usr/bin/dracut\n"
		 "NEW_KERNEL_PKG=nkp\nGRUBBY=/g\nKERNEL_INSTALL=/ki\n"
		 "STAPRUN=/sr\nBOOT_PATH=/r/boot\nMODULES_PATH=/r/lib/modules\nPROC_PATH=/r/proc\n"
		 "DEFAULT_START='a b'\nSTAT_PATH=/r/run\nTEMP_PATH=/r/tmp\nSCRIPT_PATH=/r/s.d\n"
		 "lowercase_helper=1\nMYSCRIPT_OPT=-v\nMYSCRIPT_REQ=x\n"
		 "PASSAL=no\nKRELEASE=9.9\nINITRAMFS=/x.img\nLSINITRD=/l\n",
		 "k", &err),
	    0, "every parameter set");
	ASSERT_EQ(s.compile_jobs, 3, "COMPILE_JOBS=3");
	ASSERT_STREQ(s.log_file, "", "LOG_FILE= means no log file");
	ASSERT_STREQ(s.stap, "/opt/st/stap", "STAP");
	ASSERT_STREQ(s.staprun, "/sr", "STAPRUN");
	ASSERT_STREQ(s.dracut, "/usr/bin/dracut", "DRACUT");
	ASSERT_STREQ(s.new_kernel_pkg, "nkp", "NEW_KERNEL_PKG");
	ASSERT_STREQ(s.grubby, "/g", "GRUBBY");
	ASSERT_STREQ(s.kernel_install, "/ki", "KERNEL_INSTALL");
	ASSERT_STREQ(s.boot_path, "/r/boot", "BOOT_PATH");
	ASSERT_STREQ(s.modules_path, "/r/lib/modules", "MODULES_PATH");
	ASSERT_STREQ(s.proc_path, "/r/proc", "PROC_PATH");
	ASSERT_STREQ(s.default_start, "a b", "DEFAULT_START");
	ASSERT_STREQ(s.stat_path, "/r/run", "STAT_PATH");
	ASSERT_STREQ(s.temp_path, "/r/tmp", "TEMP_PATH");
	ASSERT_STREQ(s.script_path, "/r/s.d", "SCRIPT_PATH");
	ASSERT_STREQ(s.kernel_release, "k", "KRELEASE in the config does not change the release");
	snprintf(where, sizeof(where), "%s:20: unknown parameter PASSAL", main_conf);
	ASSERT_CONTAINS(err, where, "typo PASSAL warned with file:line");
	snprintf(where, sizeof(where), "%s:21: KRELEASE cannot be set", main_conf);
	ASSERT_CONTAINS(err, where, "internal KRELEASE warned");
	snprintf(where, sizeof(where), "%s:22: INITRAMFS cannot be set", main_conf);
	ASSERT_CONTAINS(err, where, "internal INITRAMFS warned");
	snprintf(where, sizeof(where),
		 "%s:23: LSINITRD is not used any more (onboot reads the image itself); ignored",
		 main_conf);
	ASSERT_CONTAINS(err, where, "LSINITRD: warned as not used any more");
	ASSERT_NOT_CONTAINS(err, "lowercase_helper",
			    "no warning for lowercase keys nor <script>_OPT/_REQ");
	ASSERT_NOT_CONTAINS(err, "MYSCRIPT", "no warning for lowercase keys nor <script>_OPT/_REQ");
	free(err);
	settings_free(&s);
	ASSERT_EQ(load(&s, "COMPILE_JOBS=", "k", &err), 0, "COMPILE_JOBS= means the default");
	ASSERT_GE(s.compile_jobs, 1, "COMPILE_JOBS= means the default");
	free(err);
	settings_free(&s);
}

/* The installed default config: all comments; uncommented it gives exactly the defaults. */
TEST(config_default)
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
	    "ONBOOT_LOG_SIZE", "ONBOOT_BUFSIZE"};
	struct settings d, u;
	struct config cfg = {0};
	char path[600], *text, *err, *p;
	size_t len;

	snprintf(path, sizeof(path), "%s/service/config.default", top);
	if (read_file(path, &text, &len) < 0) {
		ASSERT_TRUE(0, "read %s", path);
		return;
	}
	ASSERT_EQ(config_parse_text(&cfg, text, len, path), 0,
		  "config.default parses and sets nothing");
	ASSERT_EQ(cfg.n, 0, "config.default parses and sets nothing");
	config_free(&cfg);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char line[64];
		snprintf(line, sizeof(line), "\n#%s=", keys[i]);
		ASSERT_CONTAINS(text, line, "config.default shows %s", keys[i]);
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
	ASSERT_EQ(load(&u, text, "k", &err), 0, "config.default uncommented loads");
	ASSERT_EQ(err[0], '\0', "without warnings");
	free(err);
	ASSERT_EQ(load(&d, "", "k", &err), 0, "empty config loads");
	free(err);
	ASSERT_STREQ(u.script_path, d.script_path, "same SCRIPT_PATH");
	ASSERT_STREQ(u.cache_path, d.cache_path, "same CACHE_PATH");
	ASSERT_STREQ(u.stat_path, d.stat_path, "same STAT_PATH");
	ASSERT_STREQ(u.temp_path, d.temp_path, "same TEMP_PATH");
	ASSERT_STREQ(u.log_file, d.log_file, "same LOG_FILE");
	ASSERT_EQ(u.passall, d.passall, "same booleans and COMPILE_JOBS");
	ASSERT_EQ(u.recursive, d.recursive, "same booleans and COMPILE_JOBS");
	ASSERT_EQ(u.autocompile, d.autocompile, "same booleans and COMPILE_JOBS");
	ASSERT_EQ(u.allow_cacheonly, d.allow_cacheonly, "same booleans and COMPILE_JOBS");
	ASSERT_EQ(u.log_boot_err, d.log_boot_err, "same booleans and COMPILE_JOBS");
	ASSERT_EQ(u.compile_jobs, d.compile_jobs, "same booleans and COMPILE_JOBS");
	ASSERT_STREQ(u.default_start, d.default_start, "same DEFAULT_START");
	ASSERT_STREQ(u.stap, d.stap, "same STAP");
	ASSERT_STREQ(u.staprun, d.staprun, "same STAPRUN");
	ASSERT_STREQ(u.dracut, d.dracut, "same DRACUT");
	ASSERT_STREQ(u.new_kernel_pkg, d.new_kernel_pkg, "same NEW_KERNEL_PKG");
	ASSERT_STREQ(u.grubby, d.grubby, "same GRUBBY");
	ASSERT_STREQ(u.kernel_install, d.kernel_install, "same KERNEL_INSTALL");
	ASSERT_STREQ(u.boot_path, d.boot_path, "same BOOT_PATH");
	ASSERT_STREQ(u.modules_path, d.modules_path, "same MODULES_PATH");
	ASSERT_STREQ(u.proc_path, d.proc_path, "same PROC_PATH");
	ASSERT_STREQ(u.module_sign_key, "", "no module signing");
	ASSERT_STREQ(u.module_sign_cert, "", "no module signing");
	ASSERT_STREQ(u.onboot_log_dir, d.onboot_log_dir, "same ONBOOT_LOG_DIR");
	ASSERT_EQ(u.onboot_log_size, d.onboot_log_size, "same ONBOOT_LOG_SIZE");
	ASSERT_EQ(u.onboot_bufsize, d.onboot_bufsize, "same ONBOOT_BUFSIZE");
	settings_free(&u);
	settings_free(&d);
	free(text);
}

TEST_SETUP(settings_fixture_setup)
