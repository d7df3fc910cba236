/* test_svc_optfilter.c: <script>_OPT handling: upstream's examples (upstream-behaviour §1.9)
 * exactly, getopt normalization, quoted words with blanks, and errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optfilter.h"
#include "strv.h"
#include "test.h"

/* opt -> split -> normalize -> compile options, joined with sep (NULL on any error). */
static char *compile_opts(const char *opt, const char *sep)
{
	_cleanup_strv_free_ char **w = NULL, **n = NULL, **c = NULL;
	char *bad = NULL;

	if (opts_split(opt, &w) < 0 || opts_normalize(w, &n, &bad) < 0 ||
	    opts_for_compile(n, &c) < 0) {
		free(bad);
		return NULL;
	}
	return strv_join(c, sep);
}

static char *run_opts(const char *opt, const char *uprobes, const char *sep, enum run_mode *mode)
{
	_cleanup_strv_free_ char **w = NULL, **n = NULL, **c = NULL;
	char *bad = NULL;

	if (opts_split(opt, &w) < 0 || opts_normalize(w, &n, &bad) < 0 ||
	    opts_for_run(n, uprobes, &c, mode) < 0) {
		free(bad);
		return NULL;
	}
	return strv_join(c, sep);
}

static void compile_is(const char *opt, const char *want)
{
	char *got = compile_opts(opt, " "), what[300];

	snprintf(what, sizeof(what), "compile options of '%s'", opt);
	ASSERT_STREQ(got, want, "%s", what);
	free(got);
}

static void run_is(const char *opt, const char *want, enum run_mode want_mode)
{
	enum run_mode mode = 99;
	char *got = run_opts(opt, NULL, " ", &mode), what[300];

	snprintf(what, sizeof(what), "run options of '%s'", opt);
	ASSERT_STREQ(got, want, "%s", what);
	ASSERT_EQ(mode, want_mode, "mode %s", want_mode == RUN_MODE_DAEMON ? "-D" : "-L");
	free(got);
}

TEST(upstream_examples)
{
	compile_is("", "--");
	compile_is("-v", "-v --");
	compile_is("-o /x -s 8 -F -D MAXACTION=100 -g", "-D MAXACTION=100 -g --");
	compile_is("--save-uprobes -k -p3 -m foo -r 1.2", "--save-uprobes --");
	compile_is("foo bar", "-- foo bar");
	run_is("", "-L", RUN_MODE_LOAD_ONLY);
	run_is("-o /tmp/o", "-o /tmp/o -D", RUN_MODE_DAEMON);
	run_is("-s 8 -F -D X=1 -g", "-b 8 -L", RUN_MODE_LOAD_ONLY);
	run_is("-c /bin/ls -x 5", "-c /bin/ls -x 5 -L", RUN_MODE_LOAD_ONLY);
	run_is("-S 10,5 -o /tmp/o", "-S 10,5 -o /tmp/o -D", RUN_MODE_DAEMON);
}

TEST(lists)
{
	/* Dropped for compiling: -p -m -r -c -x -e -s -o -S with argument, -h -V -k -F. */
	compile_is("-p 4 -m m -r r -c c -x 1 -e e -s 1 -o o -S 1,1 -h -V -k -F", "--");
	compile_is("-v -t -I dir -R rt -g -P -D A=1 -b -u -q -w -l l -d d -L l --vp 0101",
		   "-v -t -I dir -R rt -g -P -D A=1 -b -u -q -w -l l -d d -L l --vp 0101 --");
	/* Kept for running: -c -x -o -S with argument, -s N as -b N; all else dropped. */
	run_is("-v -t -p 4 -I i -e e -R r -r r -m m -k -g -P -D d -b -u -q -w -l l -d d -L l -F "
	       "-h -V --vp 01 -- pos",
	       "-L", RUN_MODE_LOAD_ONLY);
	run_is("-x 5 -s 16 -o /o -c c", "-x 5 -b 16 -o /o -c c -D", RUN_MODE_DAEMON);
}

TEST(normalization)
{
	compile_is("-vg", "-v -g --");
	compile_is("-vvp4", "-v -v --");
	compile_is("-DX=1 -Ifoo -R/rt", "-D X=1 -I foo -R /rt --");
	run_is("-p4 -s8", "-b 8 -L", RUN_MODE_LOAD_ONLY);
	run_is("-ovg", "-o vg -D", RUN_MODE_DAEMON);
	compile_is("--vp 01 --vp=10 --vp= 11", "--vp 01 --vp 10 --vp  -- 11");
	compile_is("--save", "--save-uprobes --");
	/* getopt permutes: positional words after "--", in order; "-" is one. */
	compile_is("a -v b - -g", "-v -g -- a b -");
	compile_is("-- -v x", "-- -v x");
	compile_is("x -- -p 3", "-- x -p 3");
	/* An option argument may look like an option or like "--". */
	compile_is("-D -p -D --", "-D -p -D -- --");
	run_is("-o -s", "-o -s -D", RUN_MODE_DAEMON);
}

TEST(quoting)
{
	char *got;
	enum run_mode mode;

	got = compile_opts("-D 'MSG=\"a b\"' -I \"/dir with blanks\" -v", "|");
	ASSERT_STREQ(got, "-D|MSG=\"a b\"|-I|/dir with blanks|-v|--",
		     "quoted arguments stay one word");
	free(got);
	got = run_opts("-c \"ls -l /tmp\" -o '/var/log/my out'", NULL, "|", &mode);
	ASSERT_STREQ(got, "-c|ls -l /tmp|-o|/var/log/my out|-D", "quoted staprun arguments");
	free(got);
	got = compile_opts("-DX=a\\ b -D\"Y=c d\" 'pos 1'", "|");
	ASSERT_STREQ(got, "-D|X=a b|-D|Y=c d|--|pos 1", "backslash and attached quoted arguments");
	free(got);
	got = compile_opts("-D 'Z=it'\\''s' -D \"Q=\\\"\\$\\`\\\\\"", "|");
	ASSERT_STREQ(got, "-D|Z=it's|-D|Q=\"$`\\|--", "escapes inside quotes");
	free(got);
	got = compile_opts(" \t-v\n\n-g  ", "|");
	ASSERT_STREQ(got, "-v|-g|--", "blanks, tabs and newlines separate words");
	free(got);
	got = compile_opts("-e ''", "|");
	ASSERT_STREQ(got, "--", "an empty quoted argument is a word");
	free(got);
}

TEST(uprobes)
{
	char *got = run_opts("--save-uprobes -s 4", "/c/uprobes/uprobes.ko", " ", NULL);

	ASSERT_STREQ(got, "-u/c/uprobes/uprobes.ko -b 4 -L", "--save-uprobes with uprobes.ko");
	free(got);
	got = run_opts("--save-uprobes -s 4", NULL, " ", NULL);
	ASSERT_STREQ(got, "-b 4 -L", "--save-uprobes without uprobes.ko is dropped");
	free(got);
}

static void normalize_fails(const char *opt, const char *want_bad)
{
	_cleanup_strv_free_ char **w = NULL, **n = NULL;
	char *bad = NULL;
	int r;

	ASSERT_EQ(opts_split(opt, &w), 0, "split '%s'", opt);
	r = opts_normalize(w, &n, &bad);
	ASSERT_EQ(r, -EINVAL, "'%s' is a parse error", opt);
	ASSERT_NULL(n, "'%s' is a parse error", opt);
	ASSERT_STREQ(bad, want_bad, "offending word");
	free(bad);
}

TEST(errors)
{
	_cleanup_strv_free_ char **w = NULL;

	normalize_fails("-v -Q", "-Q");
	normalize_fails("-vgZ", "-vgZ");
	normalize_fails("--no-such-option", "--no-such-option");
	normalize_fails("--v 11", "--v"); /* --vp or --version: ambiguous, as for stap */
	normalize_fails("--s", "--s");
	normalize_fails("--privilege", "--privilege");
	normalize_fails("--ldd=1", "--ldd=1");
	normalize_fails("--save-uprobes=1", "--save-uprobes=1");
	normalize_fails("-v -p", "-p");
	normalize_fails("--vp", "--vp");
	normalize_fails("-gx", "-gx");
	normalize_fails("--=x", "--=x");
	normalize_fails("-:", "-:");
	ASSERT_EQ(opts_split("-D 'unbalanced", &w), -EINVAL, "unbalanced ' quote");
	ASSERT_NULL(w, "unbalanced ' quote");
	ASSERT_EQ(opts_split("-D \"unbalanced", &w), -EINVAL, "unbalanced \" quote");
	ASSERT_EQ(opts_split("-D x\\", &w), -EINVAL, "trailing backslash");
	ASSERT_EQ(opts_split(NULL, &w), 0, "NULL text: no words");
	ASSERT_EQ(strv_length(w), 0, "NULL text: no words");
}

static void refused_is(const char *opt, const char *want)
{
	_cleanup_strv_free_ char **w = NULL, **n = NULL;
	char *bad = NULL;
	int r;

	ASSERT_EQ(opts_split(opt, &w), 0, "split '%s'", opt);
	r = opts_normalize(w, &n, &bad);
	ASSERT_EQ(r, -EPERM, "'%s' is refused (%d)", opt, r);
	ASSERT_NULL(n, "'%s' is refused (%d)", opt, r);
	ASSERT_STREQ(bad, want, "the option and why");
	free(bad);
}

/* stap 4.8's long options (`stap --help`), each with its argument form. */
TEST(long_options)
{
	compile_is("--use-server=localhost:5000 --trust-servers=ssl,signer,no-prompt -g",
		   "--use-server=localhost:5000 --trust-servers=ssl,signer,no-prompt -g --");
	compile_is("--use-server", "--use-server --");
	/* An optional argument must be attached, as for getopt: a next word is positional. */
	compile_is("--use-server localhost", "--use-server -- localhost");
	compile_is("--privilege stapusr --compatible=4.0 --modinfo A=B",
		   "--privilege stapusr --compatible 4.0 --modinfo A=B --");
	compile_is("--sysenv=PATH=/x --sysroot /sr", "--sysenv PATH=/x --sysroot /sr --");
	compile_is("--all-modules --ldd --skip-badvars --suppress-handler-errors "
		   "--suppress-time-limits --check-version --unprivileged",
		   "--all-modules --ldd --skip-badvars --suppress-handler-errors "
		   "--suppress-time-limits --check-version --unprivileged --");
	compile_is("--prologue-searching=never --download-debuginfo=no --use-server-on-error "
		   "--tmpdir=/var/tmp",
		   "--prologue-searching=never --download-debuginfo=no --use-server-on-error "
		   "--tmpdir /var/tmp --");
	compile_is("--runtime=kernel --suppress-h",
		   "--runtime kernel --suppress-handler-errors --");
	compile_is("--help --version -v", "-v --");
	compile_is("--target-namespace 42 -g", "-g --");
	run_is("--target-namespace=42 -s 4", "-N 42 -b 4 -L", RUN_MODE_LOAD_ONLY);
	run_is("--use-server=h:1 --trust-servers --privilege stapsys -o /o", "-o /o -D",
	       RUN_MODE_DAEMON);
	refused_is("--bpf",
		   "--bpf: builds a BPF program, not the kernel module the service starts");
	refused_is("-g --runtime=bpf",
		   "--runtime: builds no kernel module: the service starts only --runtime=kernel");
	refused_is("--remote host", "--remote: runs the script on another host; the service runs "
				    "its modules here");
	refused_is("--remote-prefix", "--remote-prefix: runs the script on another host; the "
				      "service runs its modules here");
	refused_is("--dump-functions", "--dump-functions: lists what stap knows and builds no "
				       "module");
	refused_is("--list-servers=online", "--list-servers: reports on compile servers and builds "
					    "nothing (run stap --list-servers yourself)");
}
