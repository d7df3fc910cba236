/* test_svc_cache.c: the module cache: NAME.opts round trip, every cache_check state with real
 * ELF modules read by libkmod, kernel build versions (fake trees and the installed Debian
 * kernel), installing into the cache, and the stap version. */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cache.h"
#include "cache_install.h"
#include "cache_kernel.h"
#include "compile.h"
#include "fsutil.h"
#include "kmodctx.h"
#include "macro.h"
#include "stap_version.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (cond) {                                                                        \
			printf("ok: ");                                                            \
		} else {                                                                           \
			printf("FAIL (%s:%d): ", __FILE__, __LINE__);                              \
			failures++;                                                                \
		}                                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
	} while (0)

#define STREQ(a, b) ((a) && (b) && strcmp((a), (b)) == 0)

static char root[] = "/tmp/test_svc_cache.XXXXXX";
static const char *const kver = "6.1.0-56-amd64";

static char *path(const char *rel)
{
	char *p;

	if (asprintf(&p, "%s/%s", root, rel) < 0)
		abort();
	return p;
}

static void put(const char *rel, const void *data, size_t len)
{
	_cleanup_free_ char *p = path(rel);
	_cleanup_free_ char *dir = strdup(p);

	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir, 0755) < 0 || write_file_atomic(p, data, len, 0644) < 0)
		abort();
}

static void put_text(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static void set_mtime(const char *rel, time_t sec, long nsec)
{
	_cleanup_free_ char *p = path(rel);
	struct timespec t[2] = {{sec, nsec}, {sec, nsec}};

	if (utimensat(AT_FDCWD, p, t, 0) < 0)
		abort();
}

/* A minimal ELF64 relocatable holding only .modinfo: what libkmod reads modinfo from. */
static void put_ko(const char *rel, const char *vermagic)
{
	static const char shstr[] = "\0.modinfo\0.shstrtab";
	char modinfo[256], buf[1024] = {0};
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh;
	size_t mlen = 0, off = sizeof(Elf64_Ehdr), shoff;

	if (vermagic)
		mlen = (size_t)snprintf(modinfo, sizeof(modinfo), "vermagic=%s", vermagic) + 1;
	mlen += (size_t)snprintf(modinfo + mlen, sizeof(modinfo) - mlen, "name=x") + 1;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_REL;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 3;
	eh->e_shstrndx = 2;
	memcpy(buf + off, modinfo, mlen);
	memcpy(buf + off + mlen, shstr, sizeof(shstr));
	shoff = (off + mlen + sizeof(shstr) + 7) & ~(size_t)7;
	eh->e_shoff = shoff;
	sh = (Elf64_Shdr *)(buf + shoff);
	sh[1] = (Elf64_Shdr){.sh_name = 1,
			     .sh_type = SHT_PROGBITS,
			     .sh_flags = SHF_ALLOC,
			     .sh_offset = off,
			     .sh_size = mlen,
			     .sh_addralign = 1};
	sh[2] = (Elf64_Shdr){.sh_name = 10,
			     .sh_type = SHT_STRTAB,
			     .sh_offset = off + mlen,
			     .sh_size = sizeof(shstr),
			     .sh_addralign = 1};
	put(rel, buf, shoff + 3 * sizeof(Elf64_Shdr));
}

static struct settings make_settings(void)
{
	struct settings s = {0};

	s.script_path = path("script.d");
	s.cache_root = path("cache");
	s.cache_path = path("cache/6.1.0-56-amd64");
	s.modules_path = path("modules");
	s.boot_path = path("boot");
	s.kernel_release = strdup(kver);
	s.stap = strdup("stap");
	return s;
}

static void free_settings(struct settings *s)
{
	free(s->script_path);
	free(s->cache_root);
	free(s->cache_path);
	free(s->modules_path);
	free(s->boot_path);
	free(s->kernel_release);
	free(s->stap);
}

static void test_meta_round_trip(void)
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
	CHECK(cache_meta_write(p, &m) == 0, "cache_meta_write writes %s", p);
	CHECK(read_file(p, &text, NULL) == 0 && STREQ(text, expect),
	      ".opts text is the documented KEY=VALUE format");
	r = cache_meta_read(p, &back);
	CHECK(r == 0, "cache_meta_read reads it back (%d)", r);
	CHECK(STREQ(back.kernel_release, m.kernel_release) &&
		  STREQ(back.kernel_build, m.kernel_build) &&
		  STREQ(back.stap_version, m.stap_version) && back.protocol == 4 &&
		  STREQ(back.opts, m.opts),
	      "round trip keeps every field, quotes, $ and backslashes (opts \"%s\")",
	      back.opts ? back.opts : "(null)");
	cache_meta_free(&back);

	m.kernel_build = NULL;
	m.protocol = 5;
	m.opts = "--";
	CHECK(cache_meta_write(p, &m) == 0 && cache_meta_read(p, &back) == 0 &&
		  back.kernel_build == NULL && back.protocol == 5 && STREQ(back.opts, "--"),
	      "unknown KERNEL_BUILD is written as '' and read back as NULL; PROTOCOL=5");
	cache_meta_free(&back);

	m.protocol = 3;
	CHECK(cache_meta_write(p, &m) == -EINVAL, "PROTOCOL 3 is refused");
	m.protocol = 4;
	m.opts = "-D X=a\nb --";
	CHECK(cache_meta_write(p, &m) == -EINVAL, "a line break in a value is refused");
	CHECK(cache_meta_read(p, &back) == 0 && back.protocol == 5,
	      "a refused write leaves the previous file intact");
	cache_meta_free(&back);

	put_text("meta/up.opts", "Linux vm 6.18.44 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux\n"
				 "-v -g --\n");
	free(p);
	p = path("meta/up.opts");
	CHECK(cache_meta_read(p, &back) == -EBADMSG, "upstream's two-line .opts is not ours");
	put_text("meta/nokey.opts", "STAP_ONBOOT_CACHE=1\nKERNEL_RELEASE=x\nPROTOCOL=4\nOPTS=--\n");
	free(p);
	p = path("meta/nokey.opts");
	CHECK(cache_meta_read(p, &back) == -EBADMSG, "a missing STAP_VERSION is an error");
	put_text("meta/proto.opts",
		 "STAP_ONBOOT_CACHE=1\nKERNEL_RELEASE=x\nSTAP_VERSION=9\nPROTOCOL=6\nOPTS=--\n");
	free(p);
	p = path("meta/proto.opts");
	CHECK(cache_meta_read(p, &back) == -EBADMSG, "PROTOCOL=6 is an error");
	free(p);
	p = path("meta/none.opts");
	CHECK(cache_meta_read(p, &back) == -ENOENT, "a missing .opts is -ENOENT");
}

static void test_vermagic(void)
{
	_cleanup_free_ char *p = path("ko/x.ko"), *rel = NULL;

	put_ko("ko/x.ko", "6.1.0-56-amd64 SMP preempt mod_unload modversions ");
	CHECK(module_vermagic_release(p, &rel) == 0 && STREQ(rel, "6.1.0-56-amd64"),
	      "libkmod reads vermagic of a hand-made ELF: release \"%s\"", rel ? rel : "(null)");
	free(p);
	p = path("ko/novm.ko");
	put_ko("ko/novm.ko", NULL);
	CHECK(module_vermagic_release(p, &rel) == -ENODATA, "a module without vermagic: -ENODATA");
	free(p);
	p = path("ko/junk.ko");
	put_text("ko/junk.ko", "this is not an ELF file at all, just text\n");
	CHECK(module_vermagic_release(p, &rel) < 0, "a non-ELF file is an error");
	free(p);
	p = path("ko/missing.ko");
	CHECK(module_vermagic_release(p, &rel) == -ENOENT, "a missing module is -ENOENT");
	free(p);
	free(rel);
	rel = NULL;
	/* One libkmod context per run: a module of the same name elsewhere (another kernel's
	 * cache) is read from its own file, not from what the context kept of the first. */
	p = path("ko/other/x.ko");
	put_ko("ko/other/x.ko", "6.1.0-57-amd64 SMP preempt mod_unload modversions ");
	CHECK(module_vermagic_release(p, &rel) == 0 && STREQ(rel, "6.1.0-57-amd64"),
	      "x.ko of another kernel, same context: release \"%s\"", rel ? rel : "(null)");
	{
		struct kmod_ctx *a = NULL, *b = NULL;

		CHECK(kmod_context_get(&a) == 0 && kmod_context_get(&b) == 0 && a && a == b,
		      "one libkmod context for the process");
	}
}

/* A fake bzImage: setup header magic and the kernel_version pointer, the string behind it. */
static void put_bzimage(const char *rel, const char *version)
{
	char img[0x1000] = {0};
	uint16_t off = 0x600;

	memcpy(img + 0x202, "HdrS", 4);
	img[0x20E] = (char)(off & 0xff);
	img[0x20F] = (char)(off >> 8);
	memcpy(img + off + 0x200, version, strlen(version) + 1);
	put(rel, img, sizeof(img));
}

static char *build_of(const char *modules, const char *boot, const char *release)
{
	struct settings s = {.modules_path = (char *)modules, .boot_path = (char *)boot};
	char *v = (char *)"unset";
	int r = kernel_build_version(&s, release, &v);

	if (r < 0) {
		printf("FAIL: kernel_build_version(%s, %s, %s) = %d\n", modules, boot, release, r);
		failures++;
		return NULL;
	}
	return v;
}

/* The newest installed *-amd64 kernel that has an image in /boot (CI installs one). */
static char *installed_debian_kernel(void)
{
	const char *env = getenv("KVER_DEBIAN");
	struct dirent *de;
	char *best = NULL;
	DIR *d;

	if (env && *env)
		return strdup(env);
	d = opendir("/lib/modules");
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char img[512];

		if (l < 6 || strcmp(de->d_name + l - 6, "-amd64") != 0)
			continue;
		snprintf(img, sizeof(img), "/boot/vmlinuz-%s", de->d_name);
		if (access(img, R_OK) == 0 && (!best || strverscmp(de->d_name, best) > 0)) {
			free(best);
			best = strdup(de->d_name);
		}
	}
	if (d)
		closedir(d);
	return best;
}

static void test_kernel_build(void)
{
	_cleanup_free_ char *mods = path("kb/modules"), *boot = path("kb/boot");
	_cleanup_free_ char *none = path("kb/none"), *deb = installed_debian_kernel();
	char *v, *from_headers;
	struct utsname u;

	put_text("kb/modules/9.9.9-test/build/include/generated/utsversion.h",
		 "#ifndef X\n#define UTS_VERSION \"#7 SMP PREEMPT_DYNAMIC Fake 1\"\n#endif\n");
	v = build_of(mods, none, "9.9.9-test");
	CHECK(STREQ(v, "#7 SMP PREEMPT_DYNAMIC Fake 1"), "utsversion.h of a fake tree: \"%s\"",
	      v ? v : "(null)");
	free(v);
	put_text("kb/modules/9.9.9-test/build/include/generated/utsversion.h",
		 "#define UTS_VERSION \"#8 SMP Rebuilt\"\n");
	v = build_of(mods, none, "9.9.9-test");
	CHECK(STREQ(v, "#7 SMP PREEMPT_DYNAMIC Fake 1"),
	      "looked up once per run: a second ask does not read the headers again: \"%s\"",
	      v ? v : "(null)");
	free(v);
	kernel_build_versions_forget();
	v = build_of(mods, none, "9.9.9-test");
	CHECK(STREQ(v, "#8 SMP Rebuilt"), "after kernel_build_versions_forget, read again: \"%s\"",
	      v ? v : "(null)");
	free(v);
	put_text("kb/modules/9.9.8-test/build/include/generated/compile.h",
		 "#define UTS_MACHINE \"x86_64\"\n#define UTS_VERSION \"#3 SMP Old\"\n");
	v = build_of(mods, none, "9.9.8-test");
	CHECK(STREQ(v, "#3 SMP Old"), "compile.h of an older fake tree: \"%s\"", v ? v : "(null)");
	free(v);
	put_bzimage("kb/boot/vmlinuz-9.9.7-test",
		    "9.9.7-test (builder@example.org) #5 SMP Tue Jan 1 00:00:00 UTC 2030");
	v = build_of(mods, boot, "9.9.7-test");
	CHECK(STREQ(v, "#5 SMP Tue Jan 1 00:00:00 UTC 2030"),
	      "no headers: the bzImage header of a fake vmlinuz: \"%s\"", v ? v : "(null)");
	free(v);
	put_bzimage("kb/boot/vmlinuz-9.9.6-test", "9.9.66-test (b@h) #5 SMP Other");
	v = build_of(mods, boot, "9.9.6-test");
	CHECK(v == NULL, "a bzImage of another release is not used");
	v = build_of(mods, boot, "9.9.5-test");
	CHECK(v == NULL, "no source at all: unknown (NULL), not an error");

	if (uname(&u) == 0) {
		v = build_of(none, none, u.release);
		CHECK(STREQ(v, u.version),
		      "running kernel without headers or image: uname -v \"%s\"", v ? v : "(null)");
		free(v);
	}

	CHECK(deb != NULL, "an installed Debian kernel (/boot/vmlinuz-*-amd64) is present");
	if (!deb)
		return;
	v = build_of(none, "/boot", deb);
	from_headers = build_of("/lib/modules", none, deb);
	CHECK(v && v[0] == '#', "/boot/vmlinuz-%s: \"%s\"", deb, v ? v : "(null)");
	CHECK(STREQ(v, from_headers),
	      "the real bzImage and the real headers' utsversion.h agree (\"%s\")",
	      from_headers ? from_headers : "(null)");
	free(v);
	free(from_headers);
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

	if (r < 0) {
		printf("FAIL: cache_check returned %d\n", r);
		failures++;
	}
	return st;
}

static void test_cache_check(void)
{
	struct settings s = make_settings();
	const char *vm = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
	const char *uts = "modules/6.1.0-56-amd64/build/include/generated/utsversion.h";
	enum cache_state st;

	CHECK(check(&s, "--") == CACHE_MISSING, "empty cache: %s",
	      cache_state_to_string(CACHE_MISSING));
	put_ko("cache/6.1.0-56-amd64/x.ko", vm);
	CHECK(check(&s, "--") == CACHE_MISSING, ".ko without .opts: missing");

	put_text("script.d/x.stp", "probe begin { exit() }\n");
	set_mtime("script.d/x.stp", 1600000000, 0);
	put_text(uts, "#define UTS_VERSION \"#1 SMP Fake build\"\n");
	put_cache(&s, vm, "#1 SMP Fake build", "-v --");
	st = check(&s, "-v --");
	CHECK(st == CACHE_VALID, "complete cache, same options, kernel and build: %s",
	      cache_state_to_string(st));

	set_mtime("script.d/x.stp", 1700000000, 500);
	CHECK(check(&s, "-v --") == CACHE_VALID, "script as old as the module (same ns): valid");
	set_mtime("script.d/x.stp", 1700000000, 501);
	st = check(&s, "-v --");
	CHECK(st == CACHE_SCRIPT_NEWER, "script 1 ns newer than the module: %s",
	      cache_state_to_string(st));
	set_mtime("script.d/x.stp", 1600000000, 0);

	st = check(&s, "-v -g --");
	CHECK(st == CACHE_OPTS_CHANGED, "other compile options: %s", cache_state_to_string(st));

	put_cache(&s, "6.1.0-99-amd64 SMP preempt mod_unload ", "#1 SMP Fake build", "-v --");
	st = check(&s, "-v --");
	CHECK(st == CACHE_WRONG_KERNEL, "module vermagic for 6.1.0-99-amd64: %s",
	      cache_state_to_string(st));

	put_cache(&s, vm, "#1 SMP Fake build", "-v --");
	free(s.kernel_release);
	s.kernel_release = strdup("6.1.0-99-amd64");
	CHECK(check(&s, "-v --") == CACHE_WRONG_KERNEL,
	      ".opts and module for another release than the target: wrong kernel");
	free(s.kernel_release);
	s.kernel_release = strdup(kver);

	put_text(uts, "#define UTS_VERSION \"#2 SMP Fake build\"\n");
	kernel_build_versions_forget(); /* the kernel was rebuilt: another run */
	st = check(&s, "-v --");
	CHECK(st == CACHE_BUILD_CHANGED, "headers now say #2, module built for #1: %s",
	      cache_state_to_string(st));
	put_cache(&s, vm, NULL, "-v --");
	CHECK(check(&s, "-v --") == CACHE_VALID, "build unknown at compile time: check skipped");
	put_cache(&s, vm, "#1 SMP Fake build", "-v --");
	{
		_cleanup_free_ char *p = path(uts);
		unlink(p);
	}
	kernel_build_versions_forget();
	CHECK(check(&s, "-v --") == CACHE_VALID,
	      "build of the target unknown now (no headers, no image, not running): skipped");

	put_text("cache/6.1.0-56-amd64/x.opts",
		 "Linux vm 6.18.44 #1 SMP @0 x86_64 GNU/Linux\n--\n");
	st = check(&s, "--");
	CHECK(st == CACHE_UNREADABLE, "upstream's .opts: %s", cache_state_to_string(st));
	put_cache(&s, vm, NULL, "--");
	put_text("cache/6.1.0-56-amd64/x.ko", "garbage\n");
	CHECK(check(&s, "--") == CACHE_UNREADABLE, "a .ko that is no ELF: unreadable");

	put_cache(&s, vm, NULL, "--");
	{
		_cleanup_free_ char *p = path("script.d/x.stp");
		unlink(p);
	}
	s.allow_cacheonly = true;
	CHECK(check(&s, "--") == CACHE_VALID, "ALLOW_CACHEONLY and no script: no mtime check");
	free_settings(&s);
}

static void test_install(void)
{
	struct settings s = make_settings();
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
	CHECK(cache_install(&s, "y", work, &t, &m) == 0, "cache_install of y with uprobes.ko");
	CHECK(stat(ko, &st) == 0 && st.st_mtim.tv_sec == t.tv_sec &&
		  st.st_mtim.tv_nsec == t.tv_nsec && (st.st_mode & 07777) == 0644,
	      "y.ko is in the cache, mode 0644, mtime = when stap started");
	CHECK(path_exists(up) && path_exists(marker), "uprobes/uprobes.ko and y.uprobes installed");
	CHECK(cache_meta_read(opts, &back) == 0 && STREQ(back.opts, "--"), "y.opts written");
	cache_meta_free(&back);

	put_ko("work/y.ko", "6.1.0-56-amd64 SMP ");
	CHECK(cache_install(&s, "y", work, &t, &m) == 0 && !path_exists(marker),
	      "a new module without uprobes.ko removes the stale y.uprobes");
	CHECK(cache_install(&s, "y", work, &t, &m) == -ENOENT && path_exists(opts),
	      "nothing built: -ENOENT and the old cache is left as it was");
	free_settings(&s);
}

static void test_stap_version(void)
{
	struct settings s = {.stap = (char *)"stap"};
	char *v = NULL;

	CHECK(stap_version_parse("Systemtap translator/driver (version 4.8/0.188, Debian version "
				 "4.8-2)\nCopyright (C) 2005-2022 Red Hat, Inc. and others\n",
				 &v) == 0 &&
		  STREQ(v, "4.8"),
	      "stap 4.8 -V output: \"%s\"", v ? v : "(null)");
	free(v);
	v = NULL;
	CHECK(stap_version_parse("Systemtap translator/driver (version 5.1/0.190, non-git "
				 "sources)\n",
				 &v) == 0 &&
		  STREQ(v, "5.1"),
	      "stap 5.1 -V output: \"%s\"", v ? v : "(null)");
	free(v);
	v = NULL;
	CHECK(stap_version_parse("bash: stap: command not found\n", &v) == -EBADMSG && !v,
	      "text without a version: -EBADMSG");
	CHECK(stap_protocol_for_version("4.8") == 4 && stap_protocol_for_version("4.9") == 4 &&
		  stap_protocol_for_version("3.3") == 4,
	      "protocol 4 for stap 3.3, 4.8, 4.9");
	CHECK(stap_protocol_for_version("5.0") == 5 && stap_protocol_for_version("5.1") == 5 &&
		  stap_protocol_for_version("10.2") == 5,
	      "protocol 5 for stap 5.0, 5.1, 10.2");
	CHECK(stap_protocol_for_version("x.1") == -EINVAL &&
		  stap_protocol_for_version("4a") == -EINVAL,
	      "no protocol for \"x.1\" and \"4a\"");

	CHECK(stap_version(&s, &v) == 0 && v && stap_protocol_for_version(v) > 0,
	      "the installed stap -V: version %s, protocol %d", v ? v : "(null)",
	      v ? stap_protocol_for_version(v) : -1);
	free(v);
	v = NULL;
	s.stap = (char *)"/nonexistent/stap";
	CHECK(stap_version(&s, &v) == -ENOENT && !v, "a missing stap: -ENOENT");
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_meta_round_trip();
	test_vermagic();
	test_kernel_build();
	test_cache_check();
	test_install();
	test_stap_version();
	rm_rf(root);
	if (failures) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	printf("all cache checks passed\n");
	return 0;
}
