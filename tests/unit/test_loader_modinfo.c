/* test_loader_modinfo.c: .modinfo read from hand-made ELF64 images: the good case, the
 * release comparison, a missing .modinfo or vermagic, and every header, offset and size that
 * can point outside the file (each image is an exact-size allocation: ASan sees any read past
 * its end). */
#include "macro.h"
#include "test.h"
#include "fake_kernel.h"
#include "kmsg.h"
#include "modinfo.h"

#define RELEASE "6.1.0-56-amd64"

static char *dir, *kmsg_path;

static bool logged(const char *needle)
{
	return file_contains(kmsg_path, needle);
}

/* modinfo_check_release on a fresh kernel log. */
static int check(const unsigned char *image, size_t len, const char *release)
{
	unlink(kmsg_path);
	return modinfo_check_release(image, len, "mod", release);
}

/* The image's .modinfo must be found at index 2 of a fe_module image. */
TEST(good)
{
	const char *v, *why = NULL;
	struct modinfo mi;
	unsigned char *image;
	size_t len, vlen;
	int r;

	image = fe_module("mod", RELEASE FE_VERMAGIC_FLAGS, &len);
	Elf64_Shdr sh = fe_get_shdr(image, 2);
	r = modinfo_section(image, len, &mi, &why);
	ASSERT_EQ(r, 0, "good image: .modinfo found at its offset with its size");
	ASSERT_PTR_EQ(mi.data, (const char *)image + sh.sh_offset,
		      "good image: .modinfo found at its offset with its size (r=%d)", r);
	ASSERT_EQ(mi.size, sh.sh_size,
		  "good image: .modinfo found at its offset with its size (r=%d)", r);
	r = modinfo_get(&mi, "vermagic", &v, &vlen);
	ASSERT_EQ(r, 0, "vermagic value '%.*s'", (int)vlen, r == 0 ? v : "");
	ASSERT_EQ(vlen, strlen(RELEASE FE_VERMAGIC_FLAGS), "vermagic value '%.*s'", (int)vlen,
		  r == 0 ? v : "");
	ASSERT_EQ(memcmp(v, RELEASE FE_VERMAGIC_FLAGS, vlen), 0, "vermagic value '%.*s'", (int)vlen,
		  r == 0 ? v : "");
	r = modinfo_get(&mi, "name", &v, &vlen);
	ASSERT_EQ(r, 0, "name=mod");
	ASSERT_EQ(vlen, 3, "name=mod");
	ASSERT_EQ(memcmp(v, "mod", 3), 0, "name=mod");
	r = modinfo_get(&mi, "depends", &v, &vlen);
	ASSERT_EQ(r, 0, "depends= (empty value)");
	ASSERT_EQ(vlen, 0, "depends= (empty value)");
	ASSERT_EQ(modinfo_get(&mi, "nam", &v, &vlen), -ENODATA,
		  "a key is matched whole, up to its '=': prefixes and missing keys give -ENODATA");
	ASSERT_EQ(modinfo_get(&mi, "vermagic=", &v, &vlen), -ENODATA,
		  "a key is matched whole, up to its '=': prefixes and missing keys give -ENODATA");
	ASSERT_EQ(modinfo_get(&mi, "srcversion", &v, &vlen), -ENODATA,
		  "a key is matched whole, up to its '=': prefixes and missing keys give -ENODATA");
	r = check(image, len, RELEASE);
	ASSERT_EQ(r, 0, "same release: accepted, no error logged");
	ASSERT_FALSE(logged("<3>"), "same release: accepted, no error logged");
	ASSERT_EQ(check(image, len, "6.1.0-56-amd6"), -ENOEXEC,
		  "a release that is a prefix of the module's, or longer: refused");
	ASSERT_EQ(check(image, len, RELEASE "x"), -ENOEXEC,
		  "a release that is a prefix of the module's, or longer: refused");
	free(image);

	image = fe_module("mod", RELEASE, &len);
	ASSERT_EQ(check(image, len, RELEASE), 0, "vermagic of the release alone: accepted");
	free(image);
}

TEST(wrong_release)
{
	unsigned char *image;
	size_t len;
	int r;

	image = fe_module("mod", "6.1.0-99-amd64" FE_VERMAGIC_FLAGS, &len);
	r = check(image, len, RELEASE);
	ASSERT_EQ(r, -ENOEXEC, "vermagic 6.1.0-99-amd64 on " RELEASE ": refused");
	ASSERT_TRUE(
	    logged("<3>stap-early-loader: mod: built for kernel 6.1.0-99-amd64, running " RELEASE
		   ": not loaded\n"),
	    "error: 'mod: built for kernel 6.1.0-99-amd64, running %s: not loaded'", RELEASE);
	free(image);

	/* A hostile release: control characters and a newline, longer than uname's 64. */
	char vermagic[200];
	memset(vermagic, 'A', sizeof(vermagic));
	memcpy(vermagic, "6.1\n\033[2J", 8);
	memcpy(vermagic + 150, " SMP", 5);
	vermagic[sizeof(vermagic) - 1] = '\0';
	image = fe_module("mod", vermagic, &len);
	r = check(image, len, RELEASE);
	char *log = read_text(kmsg_path);
	char *line = strstr(log, "built for kernel ");
	size_t line_len = line ? strcspn(line, "\n") : 0;
	ASSERT_EQ(r, -ENOEXEC, "control characters shown as '?': %.*s", (int)line_len,
		  line ? line : "");
	ASSERT_TRUE(line, "control characters shown as '?': %.*s", (int)line_len, line ? line : "");
	ASSERT_EQ(strncmp(line, "built for kernel 6.1??[2JAAA", 28), 0,
		  "control characters shown as '?': %.*s", (int)line_len, line ? line : "");
	ASSERT_CONTAINS(line, "AAA..., running " RELEASE ": not loaded\n",
			"a long release is cut after 64 characters, on one line");
	ASSERT_LT(line_len, 150, "a long release is cut after 64 characters, on one line");
	free(log);
	free(image);
}

TEST(missing)
{
	const char *v, *why = NULL;
	static const char other[] = "vermagic=" RELEASE " SMP";
	struct modinfo mi;
	unsigned char *image;
	size_t len, vlen;
	int r;

	image = fe_module("mod", NULL, &len);
	r = check(image, len, RELEASE);
	ASSERT_EQ(r, -ENOEXEC, ".modinfo without vermagic: refused, 'no vermagic'");
	ASSERT_TRUE(logged("<3>stap-early-loader: mod: no vermagic in the module's "
			   ".modinfo: not loaded"),
		    ".modinfo without vermagic: refused, 'no vermagic'");
	free(image);

	image = fe_module("mod", " SMP preempt", &len);
	r = check(image, len, RELEASE);
	ASSERT_EQ(r, -ENOEXEC, "vermagic with an empty release: refused");
	ASSERT_TRUE(logged("mod: no kernel release in the module's vermagic"),
		    "vermagic with an empty release: refused");
	free(image);

	struct fe_section none[] = {{".text", SHT_PROGBITS, SHF_ALLOC, "x", 1},
				    {".modinfo.bak", SHT_PROGBITS, SHF_ALLOC, other, sizeof(other)},
				    {".comment", SHT_PROGBITS, 0, other, sizeof(other)}};
	image = fe_build(none, ELEMENTSOF(none), &len);
	r = modinfo_section(image, len, &mi, &why);
	ASSERT_EQ(r, -ENOENT, "no section named exactly .modinfo: -ENOENT");
	r = check(image, len, RELEASE);
	ASSERT_EQ(r, -ENOEXEC, "and refused: 'no vermagic: the module has no .modinfo section'");
	ASSERT_TRUE(logged("<3>stap-early-loader: mod: no vermagic: the module has no "
			   ".modinfo section: not loaded"),
		    "and refused: 'no vermagic: the module has no .modinfo section'");
	free(image);

	/* The kernel ignores a section without SHF_ALLOC; the next .modinfo counts. */
	static const char fake[] = "vermagic=9.9.9 SMP";
	struct fe_section two[] = {{".modinfo", SHT_PROGBITS, 0, fake, sizeof(fake)},
				   {".modinfo", SHT_PROGBITS, SHF_ALLOC, other, sizeof(other)}};
	image = fe_build(two, ELEMENTSOF(two), &len);
	r = modinfo_section(image, len, &mi, &why);
	ASSERT_EQ(r, 0, "a .modinfo without SHF_ALLOC is skipped, as the kernel skips it");
	ASSERT_EQ(modinfo_get(&mi, "vermagic", &v, &vlen), 0,
		  "a .modinfo without SHF_ALLOC is skipped, as the kernel skips it");
	ASSERT_EQ(v[0], '6', "a .modinfo without SHF_ALLOC is skipped, as the kernel skips it");
	free(image);
	two[1].flags = 0;
	image = fe_build(two, ELEMENTSOF(two), &len);
	ASSERT_EQ(modinfo_section(image, len, &mi, &why), -ENOENT,
		  "only unallocated .modinfo sections: -ENOENT");
	free(image);
}

/* Records as the kernel's get_modinfo() walks them: runs of NULs, an unterminated end. */
TEST(records)
{
	static const char raw[] = "\0\0name=a\0\0\0vermagic=1.2 SMP\0vermagic=3.4\0tail=xy";
	struct modinfo mi = {.data = NULL, .size = 0};
	const char *v;
	size_t vlen;
	char *copy;
	int r;

	ASSERT_EQ(modinfo_get(&mi, "vermagic", &v, &vlen), -ENODATA, "empty section: -ENODATA");
	copy = malloc(sizeof(raw) - 1); /* without the final NUL: the section ends in "xy" */
	memcpy(copy, raw, sizeof(raw) - 1);
	mi = (struct modinfo){.data = copy, .size = sizeof(raw) - 1};
	r = modinfo_get(&mi, "vermagic", &v, &vlen);
	ASSERT_EQ(r, 0, "the first vermagic record wins, after runs of NULs");
	ASSERT_EQ(vlen, 7, "the first vermagic record wins, after runs of NULs");
	ASSERT_EQ(memcmp(v, "1.2 SMP", 7), 0, "the first vermagic record wins, after runs of NULs");
	r = modinfo_get(&mi, "tail", &v, &vlen);
	ASSERT_EQ(r, 0, "a last record without NUL ends at the section's end");
	ASSERT_EQ(vlen, 2, "a last record without NUL ends at the section's end");
	ASSERT_EQ(memcmp(v, "xy", 2), 0, "a last record without NUL ends at the section's end");
	mi.size = sizeof(raw) - 1 - 4;
	r = modinfo_get(&mi, "tail", &v, &vlen);
	ASSERT_EQ(r, -ENODATA, "'tail' cut to 'tai': not found");
	free(copy);
}

/* Every prefix of a good image, in an allocation of exactly that size. */
TEST(truncated)
{
	unsigned char *image, *copy;
	size_t len, refused = 0, bad = 0;
	struct modinfo mi;
	const char *why;

	image = fe_module("mod", RELEASE FE_VERMAGIC_FLAGS, &len);
	for (size_t n = 0; n < len; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, image, n);
		why = NULL;
		if (modinfo_section(copy, n, &mi, &why) == -ENOEXEC && why)
			refused++;
		else
			bad++;
		free(copy);
	}
	ASSERT_EQ(
	    refused, len,
	    "all %zu truncated copies (0..%zu bytes) refused as corrupt, no read past the end",
	    refused, len - 1);
	ASSERT_EQ(
	    bad, 0,
	    "all %zu truncated copies (0..%zu bytes) refused as corrupt, no read past the end",
	    refused, len - 1);
	copy = malloc(10);
	memcpy(copy, image, 10);
	why = NULL;
	ASSERT_EQ(modinfo_section(copy, 10, &mi, &why), -ENOEXEC,
		  "10 bytes: 'shorter than an ELF header'");
	ASSERT_STREQ(why, "shorter than an ELF header", "10 bytes: 'shorter than an ELF header'");
	free(copy);
	free(image);
}

/* One corruption of a good image: what the test changes, and the reason expected. */
struct corruption {
	const char *what;
	void (*apply)(unsigned char *image, size_t len);
	const char *why;
};

#define EHDR_CHANGE(fn, stmt)                                                                      \
	static void fn(unsigned char *image, size_t len)                                           \
	{                                                                                          \
		Elf64_Ehdr eh = fe_get_ehdr(image);                                                \
		(void)len;                                                                         \
		stmt;                                                                              \
		fe_put_ehdr(image, &eh);                                                           \
	}
/* Changes section header i (2 = .modinfo, 4 = .shstrtab in a fe_module image). */
#define SHDR_CHANGE(fn, i, stmt)                                                                   \
	static void fn(unsigned char *image, size_t len)                                           \
	{                                                                                          \
		Elf64_Shdr sh = fe_get_shdr(image, i);                                             \
		(void)len;                                                                         \
		stmt;                                                                              \
		fe_put_shdr(image, i, &sh);                                                        \
	}

EHDR_CHANGE(bad_magic, eh.e_ident[EI_MAG1] = 'X')
EHDR_CHANGE(class32, eh.e_ident[EI_CLASS] = ELFCLASS32)
EHDR_CHANGE(big_endian, eh.e_ident[EI_DATA] = ELFDATA2MSB)
EHDR_CHANGE(shentsize, eh.e_shentsize = 40)
EHDR_CHANGE(shnum_zero, eh.e_shnum = 0)
EHDR_CHANGE(shoff_past_end, eh.e_shoff = len)
EHDR_CHANGE(shoff_wraps, eh.e_shoff = UINT64_MAX - 63)
EHDR_CHANGE(shnum_past_end, eh.e_shnum = 6)
EHDR_CHANGE(shnum_max, eh.e_shnum = 0xffff)
EHDR_CHANGE(shstrndx_zero, eh.e_shstrndx = SHN_UNDEF)
EHDR_CHANGE(shstrndx_past, eh.e_shstrndx = eh.e_shnum)
EHDR_CHANGE(shstrndx_xindex, eh.e_shstrndx = SHN_XINDEX)
SHDR_CHANGE(names_offset, 4, sh.sh_offset = len + 1)
SHDR_CHANGE(names_size, 4, sh.sh_size = len)
SHDR_CHANGE(names_wraps, 4, sh.sh_size = UINT64_MAX)
SHDR_CHANGE(names_nobits, 4, sh.sh_type = SHT_NOBITS)
SHDR_CHANGE(modinfo_offset, 2, sh.sh_offset = len)
SHDR_CHANGE(modinfo_size, 2, sh.sh_size = len - sh.sh_offset + 1)
SHDR_CHANGE(modinfo_wraps, 2, sh.sh_offset = UINT64_MAX - 1; sh.sh_size = 4)
SHDR_CHANGE(modinfo_nobits, 2, sh.sh_type = SHT_NOBITS)

TEST(corrupt)
{
	static const struct corruption cases[] = {
	    {"bad magic", bad_magic, "no ELF magic"},
	    {"ELFCLASS32", class32, "not a 64-bit ELF file of this machine's byte order"},
	    {"big-endian", big_endian, "not a 64-bit ELF file of this machine's byte order"},
	    {"e_shentsize 40", shentsize, "no table of ELF64 section headers"},
	    {"e_shnum 0", shnum_zero, "no table of ELF64 section headers"},
	    {"e_shoff = file size", shoff_past_end, "section headers past the end of the file"},
	    {"e_shoff + table wraps around", shoff_wraps,
	     "section headers past the end of the file"},
	    {"e_shnum one too many", shnum_past_end, "section headers past the end of the file"},
	    {"e_shnum 0xffff", shnum_max, "section headers past the end of the file"},
	    {"e_shstrndx 0", shstrndx_zero, "no section name table"},
	    {"e_shstrndx = e_shnum", shstrndx_past, "no section name table"},
	    {"e_shstrndx SHN_XINDEX", shstrndx_xindex, "no section name table"},
	    {".shstrtab offset past the end", names_offset,
	     "section name table past the end of the file"},
	    {".shstrtab size past the end", names_size,
	     "section name table past the end of the file"},
	    {".shstrtab size wraps around", names_wraps,
	     "section name table past the end of the file"},
	    {".shstrtab SHT_NOBITS", names_nobits, "section name table past the end of the file"},
	    {".modinfo offset = file size", modinfo_offset,
	     ".modinfo section past the end of the file"},
	    {".modinfo one byte too long", modinfo_size,
	     ".modinfo section past the end of the file"},
	    {".modinfo offset + size wraps around", modinfo_wraps,
	     ".modinfo section past the end of the file"},
	    {".modinfo SHT_NOBITS", modinfo_nobits, ".modinfo section past the end of the file"},
	};
	struct modinfo mi;
	unsigned char *image;
	const char *why;
	size_t len;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		image = fe_module("mod", RELEASE FE_VERMAGIC_FLAGS, &len);
		cases[i].apply(image, len);
		why = NULL;
		r = modinfo_section(image, len, &mi, &why);
		ASSERT_EQ(r, -ENOEXEC, "%s: -ENOEXEC, '%s'", cases[i].what,
			  why ? why : "(no reason)");
		ASSERT_STREQ(why, cases[i].why, "%s: -ENOEXEC, '%s'", cases[i].what,
			     why ? why : "(no reason)");
		free(image);
	}

	image = fe_module("mod", RELEASE FE_VERMAGIC_FLAGS, &len);
	shoff_past_end(image, len);
	r = check(image, len, RELEASE);
	ASSERT_EQ(r, -ENOEXEC, "modinfo_check_release logs the reason and refuses");
	ASSERT_TRUE(logged("<3>stap-early-loader: mod: not a valid kernel module "
			   "(section headers past the end of the file): not loaded"),
		    "modinfo_check_release logs the reason and refuses");
	free(image);
}

/* Section names that leave the name table: never matched, never read past it. */
TEST(names)
{
	struct modinfo mi;
	unsigned char *image;
	const char *why;
	size_t len;
	int r;

	image = fe_module("mod", RELEASE FE_VERMAGIC_FLAGS, &len);
	Elf64_Shdr names = fe_get_shdr(image, 4), sh = fe_get_shdr(image, 2);
	sh.sh_name = (uint32_t)names.sh_size + 100;
	fe_put_shdr(image, 2, &sh);
	r = modinfo_section(image, len, &mi, &why);
	ASSERT_EQ(r, -ENOENT, ".modinfo's sh_name past the name table: not found");

	/* Swap the names of .text and .modinfo, then end the name table inside ".modinfo". */
	sh = fe_get_shdr(image, 2);
	sh.sh_name = 11; /* "\0.shstrtab\0" then ".text\0" */
	fe_put_shdr(image, 2, &sh);
	Elf64_Shdr text = fe_get_shdr(image, 1);
	text.sh_name = 11 + 6;
	fe_put_shdr(image, 1, &text);
	r = modinfo_section(image, len, &mi, &why);
	ASSERT_EQ(r, 0, "a section renamed by its sh_name is found");
	names.sh_size = 11 + 6 + 4; /* ".modinfo" cut to ".mod" */
	fe_put_shdr(image, 4, &names);
	r = modinfo_section(image, len, &mi, &why);
	ASSERT_EQ(r, -ENOENT, "a name cut by the end of the name table does not match");
	free(image);
}

static void setup(void)
{
	dir = strdup("/tmp/stap-loader-modinfo.XXXXXX");
	if (!dir || !mkdtemp(dir) || asprintf(&kmsg_path, "%s/kmsg", dir) < 0)
		exit(2);
	log_setup(kmsg_path, true, false);
}
TEST_SETUP(setup)

static void teardown(void)
{
	remove_tree(dir);
	free(dir);
	free(kmsg_path);
}
TEST_TEARDOWN(teardown)
