/* test_loader_cmdline.c: rd.systemtap=, rd.systemtap.skip=, rd.debug and rdinitdebug. */
#include "cmdline.h"
#include "fake_kernel.h"

static struct boot_switches parse(const char *text)
{
	struct boot_switches b = {.disabled = true, .verbose = true};
	int r = cmdline_parse(text, &b);

	if (r < 0) {
		printf("cmdline_parse(%s) failed: %d\n", text, r);
		exit(2);
	}
	return b;
}

static void test_disabled(void)
{
	static const struct {
		const char *cmdline;
		bool disabled;
	} cases[] = {
	    {"BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet", false},
	    {"rd.systemtap=0", true},
	    {"quiet rd.systemtap=no splash", true},
	    {"rd.systemtap=off", true},
	    {"rd.systemtap=1", false},
	    {"rd.systemtap", false},
	    {"rd.systemtap=0 rd.systemtap=1", false}, /* the last one wins, like getargbool */
	    {"rd.systemtap=1 rd.systemtap=0\n", true},
	    {"rd.systemtapx=0 xrd.systemtap=0", false},
	    {"rd.systemtap.skip=0", false},
	    {"\"rd.systemtap=0\"", true},
	    {"", false},
	};

	for (size_t i = 0; i < ELEMENTS(cases); i++) {
		struct boot_switches b = parse(cases[i].cmdline);

		CHECK(b.disabled == cases[i].disabled, "'%s': %s", cases[i].cmdline,
		      cases[i].disabled ? "disabled" : "enabled");
		boot_switches_free(&b);
	}
}

static void test_verbose(void)
{
	static const struct {
		const char *cmdline;
		bool verbose;
	} cases[] = {
	    {"quiet", false},	  {"rd.debug", true},	 {"rdinitdebug", true},
	    {"rd.debug=1", true}, {"rd.debug=0", false}, {"rd.debugx", false},
	    {"debug", false},
	};

	for (size_t i = 0; i < ELEMENTS(cases); i++) {
		struct boot_switches b = parse(cases[i].cmdline);

		CHECK(b.verbose == cases[i].verbose, "'%s': %s", cases[i].cmdline,
		      cases[i].verbose ? "verbose" : "quiet");
		boot_switches_free(&b);
	}
}

static void test_skip(void)
{
	struct boot_switches b;

	b = parse("ro rd.systemtap.skip=alpha,beta quiet rd.systemtap.skip=gamma");
	CHECK(boot_switches_skip(&b, "alpha") && boot_switches_skip(&b, "beta") &&
		  boot_switches_skip(&b, "gamma"),
	      "skip lists from two switches add up");
	CHECK(!boot_switches_skip(&b, "alph") && !boot_switches_skip(&b, "lpha") &&
		  !boot_switches_skip(&b, "eta") && !boot_switches_skip(&b, "delta") &&
		  !boot_switches_skip(&b, ""),
	      "only whole names match");
	CHECK(!b.disabled && !b.verbose, "skip does not disable");
	boot_switches_free(&b);

	b = parse("rd.systemtap.skip=\"one,two\" rd.systemtap.skip=");
	CHECK(boot_switches_skip(&b, "one") && boot_switches_skip(&b, "two"),
	      "quoted value; empty switch ignored");
	boot_switches_free(&b);

	b = parse("quiet");
	CHECK(!boot_switches_skip(&b, "one") && b.skip == NULL, "no switch: nothing skipped");
	boot_switches_free(&b);
}

static void test_console(void)
{
	struct boot_switches b;

	b = parse("quiet");
	CHECK(!boot_switches_console(&b, "a"), "no rd.systemtap.console: no copy");
	boot_switches_free(&b);
	static const char *const all[] = {"rd.systemtap.console=1", "rd.systemtap.console",
					  "rd.systemtap.console=yes", "rd.systemtap.console=on",
					  "rd.systemtap.console=a rd.systemtap.console=1"};
	for (size_t i = 0; i < ELEMENTS(all); i++) {
		b = parse(all[i]);
		CHECK(boot_switches_console(&b, "a") && boot_switches_console(&b, "zed"),
		      "'%s': every script", all[i]);
		boot_switches_free(&b);
	}
	b = parse("rd.systemtap.console=a,bee rd.systemtap.console=cee");
	CHECK(boot_switches_console(&b, "a") && boot_switches_console(&b, "bee") &&
		  boot_switches_console(&b, "cee") && !boot_switches_console(&b, "be") &&
		  !boot_switches_console(&b, "d"),
	      "named scripts, lists add up, whole names only");
	boot_switches_free(&b);
	b = parse("rd.systemtap.console=1 rd.systemtap.console=a rd.systemtap.console=0");
	CHECK(!boot_switches_console(&b, "a") && !boot_switches_console(&b, "b"),
	      "rd.systemtap.console=0 at the end: none");
	boot_switches_free(&b);
	b = parse("rd.systemtap.console=off rd.systemtap.console=b rd.systemtap.console=");
	CHECK(boot_switches_console(&b, "b") && !boot_switches_console(&b, "a"),
	      "off, then a name: that one; an empty value changes nothing");
	boot_switches_free(&b);
}

static void test_quotes(void)
{
	struct boot_switches b = parse("foo=\"a b rd.systemtap=0 c\" rd.debug");

	CHECK(!b.disabled && b.verbose, "a switch inside another's quoted value is not a switch");
	boot_switches_free(&b);
}

static void test_load(void)
{
	char *dir = fk_make_root(), path[4096];
	struct boot_switches b = {0};

	lt_write_file(dir, "cmdline", "root=/dev/vda rd.systemtap.skip=x rdinitdebug\n");
	snprintf(path, sizeof(path), "%s/cmdline", dir);
	CHECK(cmdline_load(path, &b) == 0 && b.verbose && boot_switches_skip(&b, "x"),
	      "cmdline_load reads a file");
	boot_switches_free(&b);
	snprintf(path, sizeof(path), "%s/none", dir);
	b = (struct boot_switches){.verbose = true};
	CHECK(cmdline_load(path, &b) == -ENOENT && b.verbose, "missing file: -ENOENT, untouched");
	lt_rm_rf(dir);
	free(dir);
}

static void test_mode_and_timeout(void)
{
	static const struct {
		const char *cmdline;
		enum boot_mode mode;
		unsigned timeout_s;
	} cases[] = {
	    {"quiet", BOOT_MODE_DEFAULT, 0},
	    {"rd.systemtap.mode=hook", BOOT_MODE_HOOK, 0},
	    {"rd.systemtap.mode=early", BOOT_MODE_EARLY, 0},
	    {"rd.systemtap.mode=hook rd.systemtap.mode=early", BOOT_MODE_EARLY, 0},
	    /* A typo changes nothing: the image decides. */
	    {"rd.systemtap.mode=hook rd.systemtap.mode=Hook", BOOT_MODE_HOOK, 0},
	    {"rd.systemtap.mode=later rd.systemtap.mode", BOOT_MODE_DEFAULT, 0},
	    {"rd.systemtap.timeout=7", BOOT_MODE_DEFAULT, 7},
	    {"rd.systemtap.timeout=3600", BOOT_MODE_DEFAULT, 3600},
	    {"rd.systemtap.timeout=3601", BOOT_MODE_DEFAULT, 0},
	    {"rd.systemtap.timeout=99999999999999999999", BOOT_MODE_DEFAULT, 0},
	    {"rd.systemtap.timeout=0", BOOT_MODE_DEFAULT, 0},
	    {"rd.systemtap.timeout=-1 rd.systemtap.timeout=5s", BOOT_MODE_DEFAULT, 0},
	    {"rd.systemtap.timeout=5 rd.systemtap.timeout=x", BOOT_MODE_DEFAULT, 5},
	};

	for (size_t i = 0; i < ELEMENTS(cases); i++) {
		struct boot_switches b = parse(cases[i].cmdline);

		CHECK(b.mode == cases[i].mode && b.timeout_s == cases[i].timeout_s,
		      "'%s': mode %d, timeout %u s", cases[i].cmdline, (int)b.mode, b.timeout_s);
		boot_switches_free(&b);
	}
}

int main(void)
{
	test_mode_and_timeout();
	test_disabled();
	test_verbose();
	test_skip();
	test_console();
	test_quotes();
	test_load();
	return lt_result();
}
