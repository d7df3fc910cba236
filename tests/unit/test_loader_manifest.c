/* test_loader_manifest.c: the onboot manifest parser: the design.md example, every kind of
 * bad line (named by number, the rest still counts) and the header rules. */
#include "fake_kernel.h"
#include "kmsg.h"
#include "manifest.h"

static char *dir, *kmsg_path;

static int parse(const char *text, struct manifest *m)
{
	unlink(kmsg_path);
	return manifest_parse(text, strlen(text), "M", MANIFEST_BOOT, m);
}

static bool logged(const char *needle)
{
	return lt_file_contains(kmsg_path, needle);
}

static void test_example(void)
{
	struct manifest m;
	int r;

	r = parse("stap-onboot-manifest 1\n"
		  "kernel 6.1.0-56-amd64\n"
		  "log_boot_err no\n"
		  "script counter protocol=4 bufsize=0\n"
		  "script needs_counter protocol=4 bufsize=8\n"
		  "script withparam protocol=5 bufsize=0 param=answer=42 param=greeting=hi\n",
		  &m);
	CHECK(r == 0 && m.n_scripts == 3 && m.bad_lines == 0, "design.md example: 3 scripts");
	if (r < 0 || m.n_scripts != 3)
		return;
	CHECK(strcmp(m.kernel, "6.1.0-56-amd64") == 0 && !m.log_boot_err,
	      "kernel and log_boot_err");
	CHECK(m.mode == MANIFEST_MODE_EARLY, "no mode line: earliest mode");
	CHECK(m.log_size == COLLECT_LOG_SIZE_DEFAULT, "no log_size line: the default (%llu)",
	      m.log_size);
	CHECK(strcmp(m.scripts[0].name, "counter") == 0 && m.scripts[0].protocol == 4 &&
		  m.scripts[0].bufsize == 0 && m.scripts[0].line == 4,
	      "script 1: counter, protocol 4, bufsize 0, line 4");
	CHECK(strcmp(m.scripts[1].name, "needs_counter") == 0 && m.scripts[1].bufsize == 8,
	      "script 2 in manifest order, bufsize 8");
	CHECK(m.scripts[2].protocol == 5 &&
		  strcmp(m.scripts[2].params, " answer=42 greeting=hi") == 0,
	      "script 3: protocol 5, params '%s'", m.scripts[2].params);
	CHECK(strcmp(m.scripts[0].params, "") == 0, "no params: empty string");
	manifest_free(&m);
}

static void test_syntax(void)
{
	struct manifest m;
	int r;

	r = parse("stap-onboot-manifest 1\r\n"
		  "# a comment\n"
		  "\n"
		  "   \t \n"
		  "  # indented comment\n"
		  "log_boot_err yes\r\n"
		  "script\ttabbed\tprotocol=5\r\n"
		  "script last protocol=4 bufsize=4095", /* no final newline */
		  &m);
	CHECK(r == 0 && m.n_scripts == 2 && m.bad_lines == 0,
	      "comments, blank lines, tabs, CRLF, no final newline");
	CHECK(r == 0 && m.log_boot_err && !m.kernel, "log_boot_err yes; kernel line optional");
	if (r == 0)
		manifest_free(&m);
	r = parse("stap-onboot-manifest 1\nmode hook\nscript a protocol=4\n", &m);
	CHECK(r == 0 && m.bad_lines == 0 && m.mode == MANIFEST_MODE_HOOK, "mode hook");
	if (r == 0)
		manifest_free(&m);
	r = parse("stap-onboot-manifest 1\nmode hook\nmode early\nscript a protocol=4\n", &m);
	CHECK(r == 0 && m.bad_lines == 0 && m.mode == MANIFEST_MODE_EARLY, "mode early, last wins");
	if (r == 0)
		manifest_free(&m);
	r = parse("stap-onboot-manifest 1\nlog_size 0\nlog_size 1073741824\nscript a protocol=4\n",
		  &m);
	CHECK(r == 0 && m.bad_lines == 0 && m.log_size == 1073741824ULL,
	      "log_size 0 and 1G accepted, the last wins");
	if (r == 0)
		manifest_free(&m);
	r = parse("stap-onboot-manifest 1\nlog_boot_err yes\r\nscript\ttabbed\tprotocol=5\r\n"
		  "script last protocol=4 bufsize=4095",
		  &m);
	CHECK(r == 0 && m.n_scripts == 2 && m.scripts[1].bufsize == 4095, "bufsize 4095 accepted");
	if (r == 0)
		manifest_free(&m);
}

struct bad_case {
	const char *line;
	const char *message;
};

static void test_bad_lines(void)
{
	static const struct bad_case cases[] = {
	    {"script 9lives protocol=4", "invalid script name"},
	    {"script bad-name protocol=4", "invalid script name"},
	    {"script a23456789012345678901234567890123456789012345678901234567 protocol=4",
	     "invalid script name"},
	    {"script noproto", "script line without protocol=4|5"},
	    {"script p3 protocol=3", "protocol must be 4 or 5"},
	    {"script p2 protocol=4 protocol=4", "protocol= given twice"},
	    {"script big protocol=4 bufsize=4096", "bufsize must be"},
	    {"script neg protocol=4 bufsize=-1", "bufsize must be"},
	    {"script hex protocol=4 bufsize=0x10", "bufsize must be"},
	    {"script b2 protocol=4 bufsize=1 bufsize=2", "bufsize= given twice"},
	    {"script k protocol=4 colour=red", "unknown key"},
	    {"script k protocol=4 param=novalue", "param= needs KEY=VALUE"},
	    {"script k protocol=4 param==v", "param= needs KEY=VALUE"},
	    {"script k protocol=4 param=a/b=1", "param= needs KEY=VALUE"},
	    {"script k protocol=4 param=_stp_bufsize=9", "use bufsize= instead"},
	    {"script k protocol=4 param=s=\"x", "quotes are not allowed"},
	    {"script k protocol=4 param=s=a\rb=c", "control characters are not allowed"},
	    {"script k protocol=4 param=s=a\vb=c", "control characters are not allowed"},
	    {"script", "script line without a name"},
	    {"script good protocol=4", "script listed twice"},
	    {"kernel", "kernel line needs exactly one release"},
	    {"kernel a b", "kernel line needs exactly one release"},
	    {"log_boot_err maybe", "log_boot_err must be yes or no"},
	    {"mode later", "mode must be early or hook"},
	    {"mode", "mode must be early or hook"},
	    {"log_size", "log_size must be a number of bytes"},
	    {"log_size 1073741825", "log_size must be a number of bytes"},
	    {"log_size 4M", "log_size must be a number of bytes"},
	    {"log_size 1 2", "log_size must be a number of bytes"},
	    {"scripts x protocol=4", "unknown record"},
	    {"stap-onboot-manifest 1", "unknown record"},
	};
	char text[8192];
	struct manifest m;
	int r;

	for (size_t i = 0; i < ELEMENTS(cases); i++) {
		char want[256];

		snprintf(text, sizeof(text),
			 "stap-onboot-manifest 1\nscript good protocol=4\n%s\nscript after "
			 "protocol=5\n",
			 cases[i].line);
		r = parse(text, &m);
		snprintf(want, sizeof(want), "M:3: %s", cases[i].message);
		CHECK(r == 0 && m.bad_lines == 1 && m.n_scripts == 2 &&
			  strcmp(m.scripts[1].name, "after") == 0,
		      "bad line '%s' skipped, the other scripts still count", cases[i].line);
		CHECK(logged(want) && logged("line ignored"), "error names the line: '%s'", want);
		if (r == 0)
			manifest_free(&m);
	}
}

static void test_long_and_nul_lines(void)
{
	char *text = malloc(3 * MANIFEST_LINE_MAX);
	struct manifest m;
	size_t n;
	int r;

	strcpy(text, "stap-onboot-manifest 1\nscript ");
	n = strlen(text);
	memset(text + n, 'a', MANIFEST_LINE_MAX);
	n += MANIFEST_LINE_MAX;
	strcpy(text + n, "\nscript ok protocol=4\n");
	r = parse(text, &m);
	CHECK(r == 0 && m.bad_lines == 1 && m.n_scripts == 1, "a line over 4096 bytes is rejected");
	CHECK(logged("M:2: line longer than 4096 bytes"), "and named");
	if (r == 0)
		manifest_free(&m);

	/* exactly 4096 bytes is fine */
	static const char head[] = "stap-onboot-manifest 1\n";
	static const char prefix[] = "script ok protocol=4 param=z=";
	strcpy(text, head);
	strcat(text, prefix);
	n = strlen(text);
	size_t line_start = strlen(head);
	memset(text + n, 'x', MANIFEST_LINE_MAX - (n - line_start));
	n = line_start + MANIFEST_LINE_MAX;
	strcpy(text + n, "\n");
	r = manifest_parse(text, strlen(text), "M", MANIFEST_BOOT, &m);
	CHECK(r == 0 && m.bad_lines == 0 && m.n_scripts == 1 &&
		  strlen(text) - line_start - 1 == MANIFEST_LINE_MAX,
	      "a line of exactly 4096 bytes is accepted");
	if (r == 0)
		manifest_free(&m);

	static const char nul[] = "stap-onboot-manifest 1\nscript a\0b protocol=4\nscript c "
				  "protocol=4\n";
	unlink(kmsg_path);
	r = manifest_parse(nul, sizeof(nul) - 1, "M", MANIFEST_BOOT, &m);
	CHECK(r == 0 && m.bad_lines == 1 && m.n_scripts == 1 && logged("M:2: NUL byte in line"),
	      "a NUL byte rejects its line only");
	if (r == 0)
		manifest_free(&m);
	free(text);
}

static void test_header(void)
{
	static const char *const bad[] = {
	    "",
	    "\n",
	    "# comment first\nstap-onboot-manifest 1\n",
	    "stap-onboot-manifest\n",
	    "stap-onboot-manifest 2\nscript a protocol=4\n",
	    "stap-onboot-manifest 1 extra\n",
	    "script a protocol=4\n",
	};
	struct manifest m = {.n_scripts = 99};

	for (size_t i = 0; i < ELEMENTS(bad); i++) {
		int r = parse(bad[i], &m);

		CHECK(r == -EBADMSG && m.n_scripts == 99, "header case %zu refused, *ret untouched",
		      i);
	}
	CHECK((parse("stap-onboot-manifest 2\n", &m), logged("unsupported manifest format '2'")),
	      "format 2 is named in the error");
	CHECK((parse("hello\n", &m), logged("M:1: not an onboot manifest")),
	      "a foreign file is named");
	CHECK(parse("stap-onboot-manifest 1\n", &m) == 0 && m.n_scripts == 0,
	      "header only: no scripts, no error");
	manifest_free(&m);
}

static void test_load(void)
{
	struct manifest m;
	char path[4096];
	int r;

	snprintf(path, sizeof(path), "%s/manifest", dir);
	lt_write_file(dir, "manifest", "stap-onboot-manifest 1\nscript x protocol=4\n");
	r = manifest_load(path, MANIFEST_BOOT, &m);
	CHECK(r == 0 && m.n_scripts == 1, "manifest_load reads a file");
	if (r == 0)
		manifest_free(&m);
	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	unlink(kmsg_path);
	r = manifest_load(path, MANIFEST_BOOT, &m);
	CHECK(r == -ENOENT && logged("Failed to read") && logged("No such file"),
	      "missing manifest: -ENOENT, logged with the reason");
}

static void test_names(void)
{
	CHECK(script_name_valid("_a1") && script_name_valid("Z"), "valid names");
	CHECK(!script_name_valid("") && !script_name_valid("1a") && !script_name_valid("a.b") &&
		  !script_name_valid("a b"),
	      "invalid names");
	char longname[SCRIPT_NAME_MAX + 2];
	memset(longname, 'n', sizeof(longname));
	longname[SCRIPT_NAME_MAX] = '\0';
	CHECK(script_name_valid(longname), "55 characters fit a kernel module name");
	longname[SCRIPT_NAME_MAX] = 'n';
	longname[SCRIPT_NAME_MAX + 1] = '\0';
	CHECK(!script_name_valid(longname), "56 do not");
}

static size_t count(const char *text)
{
	return manifest_count_scripts(text, strlen(text));
}

/* The number in the loader's "starting: N scripts" line. */
static void test_count_scripts(void)
{
	static const char text[] = "stap-onboot-manifest 1\n"
				   "script a protocol=4\n"
				   "  \tscript\tb protocol=5\r\n"
				   "script\n"
				   "script bad-name protocol=4\n"
				   "# script commented\n"
				   "#script commented\n"
				   "scripts x\n"
				   "kernel script\n"
				   "\n"
				   "script\r\n"
				   "script last protocol=4";
	struct manifest m = {0};

	CHECK(count(text) == 6,
	      "script records counted, bad ones too, not comments, 'scripts' or 'kernel script' "
	      "(got %zu)",
	      count(text));
	CHECK(parse(text, &m) == 0 && m.n_scripts == 3 && m.bad_lines == 3 + 1,
	      "the parser sees the same 6 (3 good, 3 bad) and 'scripts x' as a bad line");
	manifest_free(&m);
	CHECK(count("script a protocol=4\n") == 0, "line 1 is the header, never a script");
	CHECK(count("") == 0 && count("stap-onboot-manifest 1") == 0, "empty: 0");
	CHECK(manifest_count_scripts("x\nscript a\nscript b", 11) == 1,
	      "stops at len (the text need not be NUL-terminated)");
}

int main(void)
{
	dir = fk_make_root();
	if (asprintf(&kmsg_path, "%s/kmsg", dir) < 0)
		return 2;
	log_setup(kmsg_path, true, false);

	test_example();
	test_syntax();
	test_bad_lines();
	test_long_and_nul_lines();
	test_header();
	test_load();
	test_names();
	test_count_scripts();

	lt_rm_rf(dir);
	free(dir);
	free(kmsg_path);
	return lt_result();
}
