/* test_svc_cache.c: the module cache: NAME.opts round trip, every cache_check state with real
 * ELF modules read by libkmod, installing into the cache, and the stap version
 * (test_svc_cache_kernel.c: vermagic and kernel build versions). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "cache_install.h"
#include "cache_kernel.h"
#include "cache_fixture.h"
#include "test.h"
#include "tempfile.h"
#include "stap_version.h"

TEST(meta_round_trip)
{
	_cleanup_free_ char *p = path("meta/x.opts"), *text = NULL;
	struct cache_meta m = {.kernel_release = (char *)kver,
			       .kernel_build =
				   "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)",
			       .stap_version = "4.8",
			       .protocol = 4,
			       .opts = "-R /var/tmp/it's $HOME \\x \"q\" --"};
	struct cache_meta back = {0};
	const char *expect = "STAP_ONBOOT_CACHE=1\n"
			     "KERNEL_RELEASE='6.1.0-56-amd64'\n"
			     "KERNEL_BUILD='#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)'\n"
			     "STAP_VERSION='4.8'\n"
			     "PROTOCOL=4\n"
			     "OPTS='-R /var/tmp/it'\"'\"'s $HOME \\x \"q\" --'\n";
	int r;

	{
		_cleanup_free_ char *dir = path("meta");
		mkdir_p(dir, 0755);
	}
	ASSERT_EQ(cache_meta_write(p, &m), 0, "cache_meta_write writes %s", p);
	ASSERT_EQ(read_file(p, &text, NULL), 0, ".opts text is the documented KEY=VALUE format");
	ASSERT_STREQ(text, expect, ".opts text is the documented KEY=VALUE format");
	r = cache_meta_read(p, &back);
	ASSERT_EQ(r, 0, "cache_meta_read reads it back");
	ASSERT_STREQ(back.kernel_release, m.kernel_release,
		     "round trip keeps every field, quotes, $ and backslashes (opts \"%s\")",
		     back.opts ? back.opts : "(null)");
	ASSERT_STREQ(back.kernel_build, m.kernel_build,
		     "round trip keeps every field, quotes, $ and backslashes (opts \"%s\")",
		     back.opts ? back.opts : "(null)");
	ASSERT_STREQ(back.stap_version, m.stap_version,
		     "round trip keeps every field, quotes, $ and backslashes (opts \"%s\")",
		     back.opts ? back.opts : "(null)");
	ASSERT_EQ(back.protocol, 4,
		  "round trip keeps every field, quotes, $ and backslashes (opts \"%s\")",
		  back.opts ? back.opts : "(null)");
	ASSERT_STREQ(back.opts, m.opts,
		     "round trip keeps every field, quotes, $ and backslashes (opts \"%s\")",
		     back.opts ? back.opts : "(null)");
	cache_meta_free(&back);

	m.kernel_build = NULL;
	m.protocol = 5;
	m.opts = "--";
	ASSERT_EQ(cache_meta_write(p, &m), 0,
		  "unknown KERNEL_BUILD is written as '' and read back as NULL; PROTOCOL=5");
	ASSERT_EQ(cache_meta_read(p, &back), 0,
		  "unknown KERNEL_BUILD is written as '' and read back as NULL; PROTOCOL=5");
	ASSERT_NULL(back.kernel_build,
		    "unknown KERNEL_BUILD is written as '' and read back as NULL; PROTOCOL=5");
	ASSERT_EQ(back.protocol, 5,
		  "unknown KERNEL_BUILD is written as '' and read back as NULL; PROTOCOL=5");
	ASSERT_STREQ(back.opts, "--",
		     "unknown KERNEL_BUILD is written as '' and read back as NULL; PROTOCOL=5");
	cache_meta_free(&back);

	m.protocol = 3;
	ASSERT_EQ(cache_meta_write(p, &m), -EINVAL, "PROTOCOL 3 is refused");
	m.protocol = 4;
	m.opts = "-D X=a\nb --";
	ASSERT_EQ(cache_meta_write(p, &m), -EINVAL, "a line break in a value is refused");
	ASSERT_EQ(cache_meta_read(p, &back), 0, "a refused write leaves the previous file intact");
	ASSERT_EQ(back.protocol, 5, "a refused write leaves the previous file intact");
	cache_meta_free(&back);

	put_text("meta/up.opts", "Linux vm 6.18.44 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux\n"
				 "-v -g --\n");
	free(p);
	p = path("meta/up.opts");
	ASSERT_EQ(cache_meta_read(p, &back), -EBADMSG, "upstream's two-line .opts is not ours");
	put_text("meta/nokey.opts", "STAP_ONBOOT_CACHE=1\nKERNEL_RELEASE=x\nPROTOCOL=4\nOPTS=--\n");
	free(p);
	p = path("meta/nokey.opts");
	ASSERT_EQ(cache_meta_read(p, &back), -EBADMSG, "a missing STAP_VERSION is an error");
	put_text("meta/proto.opts",
		 "STAP_ONBOOT_CACHE=1\nKERNEL_RELEASE=x\nSTAP_VERSION=9\nPROTOCOL=6\nOPTS=--\n");
	free(p);
	p = path("meta/proto.opts");
	ASSERT_EQ(cache_meta_read(p, &back), -EBADMSG, "PROTOCOL=6 is an error");
	free(p);
	p = path("meta/none.opts");
	ASSERT_EQ(cache_meta_read(p, &back), -ENOENT, "a missing .opts is -ENOENT");
}
/* The cache of "x" as compile would leave it. */
static void put_cache(const struct settings *s, const char *vermagic, const char *build,
		      const char *opts)
{
	_cleanup_free_ char *p = path("cache/6.1.0-56-amd64/x.opts");
	struct cache_meta m = {.kernel_release = s->kernel_release,
			       .kernel_build = (char *)build,
			       .stap_version = "4.8",
			       .protocol = 4,
			       .opts = (char *)opts};

	put_ko("cache/6.1.0-56-amd64/x.ko", vermagic);
	if (cache_meta_write(p, &m) < 0)
		abort();
	set_mtime("cache/6.1.0-56-amd64/x.ko", 1700000000, 500);
}

static enum cache_state check(const struct settings *s, const char *opts)
{
	enum cache_state st = (enum cache_state) - 1;
	int r = cache_check(s, "x", opts, &st);

	ASSERT_OK(r, "cache_check");
	return st;
}

TEST(cache_check)
{
	struct settings s = cache_settings(strdup("stap"));
	const char *vm = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
	const char *uts = "modules/6.1.0-56-amd64/build/include/generated/utsversion.h";
	enum cache_state st;

	ASSERT_EQ(check(&s, "--"), CACHE_MISSING, "empty cache: %s",
		  cache_state_to_string(CACHE_MISSING));
	put_ko("cache/6.1.0-56-amd64/x.ko", vm);
	ASSERT_EQ(check(&s, "--"), CACHE_MISSING, ".ko without .opts: missing");

	put_text("script.d/x.stp", "probe begin { exit() }\n");
	set_mtime("script.d/x.stp", 1600000000, 0);
	put_text(uts, "#define UTS_VERSION \"#1 SMP Fake build\"\n");
	put_cache(&s, vm, "#1 SMP Fake build", "-v --");
	st = check(&s, "-v --");
	ASSERT_EQ(st, CACHE_VALID, "complete cache, same options, kernel and build: %s",
		  cache_state_to_string(st));

	set_mtime("script.d/x.stp", 1700000000, 500);
	ASSERT_EQ(check(&s, "-v --"), CACHE_VALID, "script as old as the module (same ns): valid");
	set_mtime("script.d/x.stp", 1700000000, 501);
	st = check(&s, "-v --");
	ASSERT_EQ(st, CACHE_SCRIPT_NEWER, "script 1 ns newer than the module: %s",
		  cache_state_to_string(st));
	set_mtime("script.d/x.stp", 1600000000, 0);

	st = check(&s, "-v -g --");
	ASSERT_EQ(st, CACHE_OPTS_CHANGED, "other compile options: %s", cache_state_to_string(st));

	put_cache(&s, "6.1.0-99-amd64 SMP preempt mod_unload ", "#1 SMP Fake build", "-v --");
	st = check(&s, "-v --");
	ASSERT_EQ(st, CACHE_WRONG_KERNEL, "module vermagic for 6.1.0-99-amd64: %s",
		  cache_state_to_string(st));

	put_cache(&s, vm, "#1 SMP Fake build", "-v --");
	free(s.kernel_release);
	s.kernel_release = strdup("6.1.0-99-amd64");
	ASSERT_EQ(check(&s, "-v --"), CACHE_WRONG_KERNEL,
		  ".opts and module for another release than the target: wrong kernel");
	free(s.kernel_release);
	s.kernel_release = strdup(kver);

	put_text(uts, "#define UTS_VERSION \"#2 SMP Fake build\"\n");
	kernel_build_versions_forget(); /* the kernel was rebuilt: another run */
	st = check(&s, "-v --");
	ASSERT_EQ(st, CACHE_BUILD_CHANGED, "headers now say #2, module built for #1: %s",
		  cache_state_to_string(st));
	put_cache(&s, vm, NULL, "-v --");
	ASSERT_EQ(check(&s, "-v --"), CACHE_VALID, "build unknown at compile time: check skipped");
	put_cache(&s, vm, "#1 SMP Fake build", "-v --");
	{
		_cleanup_free_ char *p = path(uts);
		unlink(p);
	}
	kernel_build_versions_forget();
	ASSERT_EQ(check(&s, "-v --"), CACHE_VALID,
		  "build of the target unknown now (no headers, no image, not running): skipped");

	put_text("cache/6.1.0-56-amd64/x.opts",
		 "Linux vm 6.18.44 #1 SMP @0 x86_64 GNU/Linux\n--\n");
	st = check(&s, "--");
	ASSERT_EQ(st, CACHE_UNREADABLE, "upstream's .opts: %s", cache_state_to_string(st));
	put_cache(&s, vm, NULL, "--");
	put_text("cache/6.1.0-56-amd64/x.ko", "garbage\n");
	ASSERT_EQ(check(&s, "--"), CACHE_UNREADABLE, "a .ko that is no ELF: unreadable");

	put_cache(&s, vm, NULL, "--");
	{
		_cleanup_free_ char *p = path("script.d/x.stp");
		unlink(p);
	}
	s.allow_cacheonly = true;
	ASSERT_EQ(check(&s, "--"), CACHE_VALID, "ALLOW_CACHEONLY and no script: no mtime check");
	cache_settings_free(&s);
}

TEST(install)
{
	struct settings s = cache_settings(strdup("stap"));
	_cleanup_free_ char *work = path("work"), *ko = path("cache/6.1.0-56-amd64/y.ko");
	_cleanup_free_ char *up = path("cache/6.1.0-56-amd64/uprobes/uprobes.ko");
	_cleanup_free_ char *marker = path("cache/6.1.0-56-amd64/y.uprobes");
	_cleanup_free_ char *opts = path("cache/6.1.0-56-amd64/y.opts");
	struct timespec t = {2100000000, 123456789};
	struct cache_meta m = {
	    .kernel_release = (char *)kver, .stap_version = "4.8", .protocol = 4, .opts = "--"};
	struct cache_meta back = {0};
	struct stat st;

	mkdir_p(s.cache_path, 0755);
	put_ko("work/y.ko", "6.1.0-56-amd64 SMP ");
	put_ko("work/uprobes/uprobes.ko", "6.1.0-56-amd64 SMP ");
	ASSERT_EQ(cache_install(&s, "y", work, &t, &m), 0, "cache_install of y with uprobes.ko");
	ASSERT_EQ(stat(ko, &st), 0, "y.ko is in the cache, mode 0644, mtime = when stap started");
	ASSERT_EQ(st.st_mtim.tv_sec, t.tv_sec,
		  "y.ko is in the cache, mode 0644, mtime = when stap started");
	ASSERT_EQ(st.st_mtim.tv_nsec, t.tv_nsec,
		  "y.ko is in the cache, mode 0644, mtime = when stap started");
	ASSERT_EQ((st.st_mode & 07777), 0644,
		  "y.ko is in the cache, mode 0644, mtime = when stap started");
	ASSERT_TRUE(path_exists(up), "uprobes/uprobes.ko and y.uprobes installed");
	ASSERT_TRUE(path_exists(marker), "uprobes/uprobes.ko and y.uprobes installed");
	ASSERT_EQ(cache_meta_read(opts, &back), 0, "y.opts written");
	ASSERT_STREQ(back.opts, "--", "y.opts written");
	cache_meta_free(&back);

	put_ko("work/y.ko", "6.1.0-56-amd64 SMP ");
	ASSERT_EQ(cache_install(&s, "y", work, &t, &m), 0,
		  "a new module without uprobes.ko removes the stale y.uprobes");
	ASSERT_FALSE(path_exists(marker),
		     "a new module without uprobes.ko removes the stale y.uprobes");
	ASSERT_EQ(cache_install(&s, "y", work, &t, &m), -ENOENT,
		  "nothing built: -ENOENT and the old cache is left as it was");
	ASSERT_TRUE(path_exists(opts),
		    "nothing built: -ENOENT and the old cache is left as it was");
	cache_settings_free(&s);
}

TEST(stap_version)
{
	struct settings s = {.stap = (char *)"stap"};
	char *v = NULL;

	ASSERT_EQ(
	    stap_version_parse("Systemtap translator/driver (version 4.8/0.188, Debian version "
			       "4.8-2)\nCopyright (C) 2005-2022 Red Hat, Inc. and others\n",
			       &v),
	    0, "stap 4.8 -V output: \"%s\"", v ? v : "(null)");
	ASSERT_STREQ(v, "4.8", "stap 4.8 -V output: \"%s\"", v ? v : "(null)");
	free(v);
	v = NULL;
	ASSERT_EQ(stap_version_parse("Systemtap translator/driver (version 5.1/0.190, non-git "
				     "sources)\n",
				     &v),
		  0, "stap 5.1 -V output: \"%s\"", v ? v : "(null)");
	ASSERT_STREQ(v, "5.1", "stap 5.1 -V output: \"%s\"", v ? v : "(null)");
	free(v);
	v = NULL;
	ASSERT_EQ(stap_version_parse("bash: stap: command not found\n", &v), -EBADMSG,
		  "text without a version: -EBADMSG");
	ASSERT_FALSE(v, "text without a version: -EBADMSG");
	ASSERT_EQ(stap_protocol_for_version("4.8"), 4, "protocol 4 for stap 3.3, 4.8, 4.9");
	ASSERT_EQ(stap_protocol_for_version("4.9"), 4, "protocol 4 for stap 3.3, 4.8, 4.9");
	ASSERT_EQ(stap_protocol_for_version("3.3"), 4, "protocol 4 for stap 3.3, 4.8, 4.9");
	ASSERT_EQ(stap_protocol_for_version("5.0"), 5, "protocol 5 for stap 5.0, 5.1, 10.2");
	ASSERT_EQ(stap_protocol_for_version("5.1"), 5, "protocol 5 for stap 5.0, 5.1, 10.2");
	ASSERT_EQ(stap_protocol_for_version("10.2"), 5, "protocol 5 for stap 5.0, 5.1, 10.2");
	ASSERT_EQ(stap_protocol_for_version("x.1"), -EINVAL, "no protocol for \"x.1\" and \"4a\"");
	ASSERT_EQ(stap_protocol_for_version("4a"), -EINVAL, "no protocol for \"x.1\" and \"4a\"");

	ASSERT_EQ(stap_version(&s, &v), 0, "the installed stap -V: version %s, protocol %d",
		  v ? v : "(null)", v ? stap_protocol_for_version(v) : -1);
	ASSERT_TRUE(v, "the installed stap -V: version %s, protocol %d", v ? v : "(null)",
		    v ? stap_protocol_for_version(v) : -1);
	ASSERT_GT(stap_protocol_for_version(v), 0, "the installed stap -V: version %s, protocol %d",
		  v ? v : "(null)", v ? stap_protocol_for_version(v) : -1);
	free(v);
	v = NULL;
	s.stap = (char *)"/nonexistent/stap";
	ASSERT_EQ(stap_version(&s, &v), -ENOENT, "a missing stap: -ENOENT");
	ASSERT_FALSE(v, "a missing stap: -ENOENT");
}

TEST_SETUP(cache_fixture_setup)
