/* test_svc_cache_kernel.c: what the cache knows of kernels: a module's vermagic read by libkmod
 * (one context per run), and kernel build versions (fake trees and the installed Debian kernel),
 * looked up once per run. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cache_kernel.h"
#include "cache_fixture.h"
#include "test.h"
#include "tempfile.h"
#include "kmodctx.h"

TEST(vermagic)
{
	_cleanup_free_ char *p = path("ko/x.ko"), *rel = NULL;

	put_ko("ko/x.ko", "6.1.0-56-amd64 SMP preempt mod_unload modversions ");
	ASSERT_EQ(module_vermagic_release(p, &rel), 0,
		  "libkmod reads vermagic of a hand-made ELF: release \"%s\"",
		  rel ? rel : "(null)");
	ASSERT_STREQ(rel, "6.1.0-56-amd64",
		     "libkmod reads vermagic of a hand-made ELF: release \"%s\"",
		     rel ? rel : "(null)");
	free(p);
	p = path("ko/novm.ko");
	put_ko("ko/novm.ko", NULL);
	ASSERT_EQ(module_vermagic_release(p, &rel), -ENODATA,
		  "a module without vermagic: -ENODATA");
	free(p);
	p = path("ko/junk.ko");
	put_text("ko/junk.ko", "this is not an ELF file at all, just text\n");
	ASSERT_LT(module_vermagic_release(p, &rel), 0, "a non-ELF file is an error");
	free(p);
	p = path("ko/missing.ko");
	ASSERT_EQ(module_vermagic_release(p, &rel), -ENOENT, "a missing module is -ENOENT");
	free(p);
	free(rel);
	rel = NULL;
	/* One libkmod context per run: a module of the same name elsewhere (another kernel's
	 * cache) is read from its own file, not from what the context kept of the first. */
	p = path("ko/other/x.ko");
	put_ko("ko/other/x.ko", "6.1.0-57-amd64 SMP preempt mod_unload modversions ");
	ASSERT_EQ(module_vermagic_release(p, &rel), 0,
		  "x.ko of another kernel, same context: release \"%s\"", rel ? rel : "(null)");
	ASSERT_STREQ(rel, "6.1.0-57-amd64", "x.ko of another kernel, same context: release \"%s\"",
		     rel ? rel : "(null)");
	{
		struct kmod_ctx *a = NULL, *b = NULL;

		ASSERT_EQ(kmod_context_get(&a), 0, "one libkmod context for the process");
		ASSERT_EQ(kmod_context_get(&b), 0, "one libkmod context for the process");
		ASSERT_TRUE(a, "one libkmod context for the process");
		ASSERT_PTR_EQ(a, b, "one libkmod context for the process");
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

	ASSERT_OK(r, "kernel_build_version(%s, %s, %s)", modules, boot, release);
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

TEST(kernel_build)
{
	_cleanup_free_ char *mods = path("kb/modules"), *boot = path("kb/boot");
	_cleanup_free_ char *none = path("kb/none"), *deb = installed_debian_kernel();
	char *v, *from_headers;
	struct utsname u;

	put_text("kb/modules/9.9.9-test/build/include/generated/utsversion.h",
		 "#ifndef X\n#define UTS_VERSION \"#7 SMP PREEMPT_DYNAMIC Fake 1\"\n#endif\n");
	v = build_of(mods, none, "9.9.9-test");
	ASSERT_STREQ(v, "#7 SMP PREEMPT_DYNAMIC Fake 1", "utsversion.h of a fake tree: \"%s\"",
		     v ? v : "(null)");
	free(v);
	put_text("kb/modules/9.9.9-test/build/include/generated/utsversion.h",
		 "#define UTS_VERSION \"#8 SMP Rebuilt\"\n");
	v = build_of(mods, none, "9.9.9-test");
	ASSERT_STREQ(v, "#7 SMP PREEMPT_DYNAMIC Fake 1",
		     "looked up once per run: a second ask does not read the headers again: \"%s\"",
		     v ? v : "(null)");
	free(v);
	kernel_build_versions_forget();
	v = build_of(mods, none, "9.9.9-test");
	ASSERT_STREQ(v, "#8 SMP Rebuilt", "after kernel_build_versions_forget, read again: \"%s\"",
		     v ? v : "(null)");
	free(v);
	put_text("kb/modules/9.9.8-test/build/include/generated/compile.h",
		 "#define UTS_MACHINE \"x86_64\"\n#define UTS_VERSION \"#3 SMP Old\"\n");
	v = build_of(mods, none, "9.9.8-test");
	ASSERT_STREQ(v, "#3 SMP Old", "compile.h of an older fake tree: \"%s\"", v ? v : "(null)");
	free(v);
	put_bzimage("kb/boot/vmlinuz-9.9.7-test",
		    "9.9.7-test (builder@example.org) #5 SMP Tue Jan 1 00:00:00 UTC 2030");
	v = build_of(mods, boot, "9.9.7-test");
	ASSERT_STREQ(v, "#5 SMP Tue Jan 1 00:00:00 UTC 2030",
		     "no headers: the bzImage header of a fake vmlinuz: \"%s\"", v ? v : "(null)");
	free(v);
	put_bzimage("kb/boot/vmlinuz-9.9.6-test", "9.9.66-test (b@h) #5 SMP Other");
	v = build_of(mods, boot, "9.9.6-test");
	ASSERT_NULL(v, "a bzImage of another release is not used");
	v = build_of(mods, boot, "9.9.5-test");
	ASSERT_NULL(v, "no source at all: unknown (NULL), not an error");

	if (uname(&u) == 0) {
		v = build_of(none, none, u.release);
		ASSERT_STREQ(v, u.version,
			     "running kernel without headers or image: uname -v \"%s\"",
			     v ? v : "(null)");
		free(v);
	}

	ASSERT_NOT_NULL(deb, "an installed Debian kernel (/boot/vmlinuz-*-amd64) is present");
	if (!deb)
		return;
	v = build_of(none, "/boot", deb);
	from_headers = build_of("/lib/modules", none, deb);
	ASSERT_TRUE(v, "/boot/vmlinuz-%s: \"%s\"", deb, v ? v : "(null)");
	ASSERT_EQ(v[0], '#', "/boot/vmlinuz-%s: \"%s\"", deb, v ? v : "(null)");
	ASSERT_STREQ(v, from_headers,
		     "the real bzImage and the real headers' utsversion.h agree (\"%s\")",
		     from_headers ? from_headers : "(null)");
	free(v);
	free(from_headers);
}

TEST_SETUP(cache_fixture_setup)
