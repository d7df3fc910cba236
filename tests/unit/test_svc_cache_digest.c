/* test_svc_cache_digest.c: caches valid by content (cache_check.c): the script digest in
 * NAME.opts, whatever the mtimes, the mtime rule only for caches without one, and the stap
 * version rule (stap_installed.c): compared where stap is installed, through a memo that
 * spares `stap -V`; not at all where stap is not installed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cache_kernel.h"
#include "cache_fixture.h"
#include "test.h"
#include "tempfile.h"
#include "sha256.h"
#include "stap_version.h"

static const char *const vm = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
static const char *const script = "probe begin { exit() }\n";

/* A stand-in stap whose -V says version and counts its runs in ROOT/stap.runs. */
static void put_stap(const char *version)
{
	_cleanup_free_ char *p = path("bin/stap"), *runs = path("stap.runs"), *text = NULL;

	if (asprintf(&text,
		     "#!/bin/sh\necho run >>'%s'\necho 'Systemtap translator/driver (version "
		     "%s/0.188, test)'\n",
		     runs, version) < 0)
		abort();
	put_text("bin/stap", text);
	if (chmod(p, 0755) < 0)
		abort();
}

static int stap_runs(void)
{
	_cleanup_free_ char *runs = path("stap.runs"), *text = NULL;
	int n = 0;

	if (read_file(runs, &text, NULL) < 0)
		return 0;
	for (char *p = text; (p = strstr(p, "run")); p += 3)
		n++;
	return n;
}

/* The cache of "x" as compile leaves it, recording digest (NULL: an older cache). */
static void put_cache(const struct settings *s, const char *digest, const char *stap_version)
{
	_cleanup_free_ char *p = path("cache/6.1.0-56-amd64/x.opts");
	struct cache_meta m = {.kernel_release = s->kernel_release,
			       .stap_version = (char *)stap_version,
			       .protocol = 4,
			       .opts = "--",
			       .script_sha256 = (char *)digest};

	put_ko("cache/6.1.0-56-amd64/x.ko", vm);
	if (cache_meta_write(p, &m) < 0)
		abort();
	set_mtime("cache/6.1.0-56-amd64/x.ko", 1700000000, 0);
}

static enum cache_state check(const struct settings *s)
{
	enum cache_state st = (enum cache_state) - 1;

	ASSERT_OK(cache_check(s, "x", "--", &st));
	return st;
}

TEST(meta_digest)
{
	_cleanup_free_ char *p = path("meta/d.opts"), *text = NULL;
	char hex[SHA256_HEX_SIZE];
	struct cache_meta m = {.kernel_release = (char *)kver,
			       .stap_version = "4.8",
			       .protocol = 4,
			       .opts = "--",
			       .script_sha256 = hex};
	struct cache_meta back = {0};

	sha256_hex(script, strlen(script), hex);
	put_text("meta/keep", "");
	ASSERT_EQ(cache_meta_write(p, &m), 0,
		  "SCRIPT_SHA256 is written as the last line and read back");
	ASSERT_EQ(read_file(p, &text, NULL), 0,
		  "SCRIPT_SHA256 is written as the last line and read back");
	ASSERT_CONTAINS(text, "\nSCRIPT_SHA256='",
			"SCRIPT_SHA256 is written as the last line and read back");
	ASSERT_EQ(cache_meta_read(p, &back), 0,
		  "SCRIPT_SHA256 is written as the last line and read back");
	ASSERT_STREQ(back.script_sha256, m.script_sha256,
		     "SCRIPT_SHA256 is written as the last line and read back");
	cache_meta_free(&back);
	m.script_sha256 = "ABC";
	ASSERT_EQ(cache_meta_write(p, &m), -EINVAL, "a digest that is no SHA-256 is refused");
	put_text("meta/bad.opts", "STAP_ONBOOT_CACHE=1\nKERNEL_RELEASE=x\nSTAP_VERSION=4.8\n"
				  "PROTOCOL=4\nOPTS=--\nSCRIPT_SHA256=xyz\n");
	free(p);
	p = path("meta/bad.opts");
	ASSERT_EQ(cache_meta_read(p, &back), -EBADMSG, "a bad SCRIPT_SHA256 in a file is -EBADMSG");
}

TEST(content_rule)
{
	struct settings s = cache_settings(path("nonexistent/stap"));
	char hex[SHA256_HEX_SIZE];
	enum cache_state st;

	sha256_hex(script, strlen(script), hex);
	put_text("script.d/x.stp", script);
	set_mtime("script.d/x.stp", 1800000000, 0); /* newer than the module */
	put_cache(&s, hex, "4.8");
	st = check(&s);
	ASSERT_EQ(st, CACHE_VALID, "same bytes, script mtime after the module's (a copy): %s",
		  cache_state_to_string(st));
	put_text("script.d/x.stp", "probe begin { exit() } \n");
	set_mtime("script.d/x.stp", 1600000000, 0); /* older than the module */
	st = check(&s);
	ASSERT_EQ(st, CACHE_SCRIPT_CHANGED, "other bytes, script older than the module: %s",
		  cache_state_to_string(st));

	put_text("script.d/x.stp", script);
	set_mtime("script.d/x.stp", 1800000000, 0);
	put_cache(&s, NULL, "4.8");
	st = check(&s);
	ASSERT_EQ(st, CACHE_SCRIPT_NEWER, "no digest recorded: upstream's mtime rule (%s)",
		  cache_state_to_string(st));
	set_mtime("script.d/x.stp", 1600000000, 0);
	ASSERT_EQ(check(&s), CACHE_VALID, "no digest, script older: valid");
	{
		_cleanup_free_ char *stp = path("script.d/x.stp");
		unlink(stp);
	}
	put_cache(&s, hex, "4.8");
	ASSERT_EQ(check(&s), CACHE_VALID, "no script (ALLOW_CACHEONLY's case): the digest is moot");
	cache_settings_free(&s);
}

TEST(stap_rule)
{
	struct settings s = cache_settings(path("bin/stap"));
	_cleanup_free_ char *memo = path("cache/.stap-version");
	char hex[SHA256_HEX_SIZE];
	enum cache_state st;

	sha256_hex(script, strlen(script), hex);
	put_text("script.d/x.stp", script);
	put_stap("4.8");
	put_cache(&s, hex, "4.8");
	ASSERT_EQ(
	    check(&s), CACHE_VALID,
	    "stap 4.8 installed, cache of 4.8: valid; stap -V ran once, its answer kept in %s",
	    memo);
	ASSERT_EQ(
	    stap_runs(), 1,
	    "stap 4.8 installed, cache of 4.8: valid; stap -V ran once, its answer kept in %s",
	    memo);
	ASSERT_TRUE(
	    path_exists(memo),
	    "stap 4.8 installed, cache of 4.8: valid; stap -V ran once, its answer kept in %s",
	    memo);
	ASSERT_EQ(check(&s), CACHE_VALID,
		  "the memo describes this stap: valid without running it again");
	ASSERT_EQ(stap_runs(), 1, "the memo describes this stap: valid without running it again");
	put_cache(&s, hex, "4.7");
	st = check(&s);
	ASSERT_EQ(st, CACHE_STAP_CHANGED, "cache of 4.7 under stap 4.8: %s",
		  cache_state_to_string(st));
	ASSERT_EQ(stap_runs(), 1, "cache of 4.7 under stap 4.8: %s", cache_state_to_string(st));

	put_stap("4.9"); /* an upgrade: another binary (size and ctime) */
	put_cache(&s, hex, "4.8");
	st = check(&s);
	ASSERT_EQ(st, CACHE_STAP_CHANGED,
		  "stap replaced by 4.9: -V runs again, the 4.8 cache is %s",
		  cache_state_to_string(st));
	ASSERT_EQ(stap_runs(), 2, "stap replaced by 4.9: -V runs again, the 4.8 cache is %s",
		  cache_state_to_string(st));

	free(s.stap);
	s.stap = path("nonexistent/stap");
	st = check(&s);
	ASSERT_EQ(
	    st, CACHE_VALID,
	    "no stap installed (runtime only): the recorded version stands, nothing runs (%s)",
	    cache_state_to_string(st));
	ASSERT_EQ(
	    stap_runs(), 2,
	    "no stap installed (runtime only): the recorded version stands, nothing runs (%s)",
	    cache_state_to_string(st));
	free(s.stap);
	s.stap = strdup("no-such-stap-anywhere");
	ASSERT_EQ(check(&s), CACHE_VALID, "a STAP name found nowhere in PATH: not installed");

	free(s.stap);
	s.stap = path("bin/stap");
	put_stap("4.8"); /* reinstalled: its ctime changes */
	put_text("cache/.stap-version", "garbage\n");
	ASSERT_EQ(check(&s), CACHE_VALID, "an unreadable memo: stap -V decides (4.8 again: valid)");
	ASSERT_EQ(stap_runs(), 3, "an unreadable memo: stap -V decides (4.8 again: valid)");
	cache_settings_free(&s);
}

TEST_SETUP(cache_fixture_setup)
