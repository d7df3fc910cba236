/* modinfo.c: find .modinfo in a module's ELF64 image and check the release in its vermagic.
 *
 * Why: with CONFIG_MODVERSIONS (Debian) the kernel skips the release when it compares
 * vermagic and checks symbol CRCs instead, so a module built against another release's
 * headers can load when the CRCs match, and a runtime built for other headers may crash the
 * boot. The loader refuses such a module itself. */
#include "modinfo.h"

#include "kmsg.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ELFDATA_NATIVE ELFDATA2LSB
#else
#define ELFDATA_NATIVE ELFDATA2MSB
#endif

/* uname(2)'s release field holds 64 characters. */
#define RELEASE_SHOWN_MAX 64

static int corrupt(const char **ret_why, const char *why)
{
	if (ret_why)
		*ret_why = why;
	return -ENOEXEC;
}

/* True when the size bytes at off lie inside a len-byte image. */
static bool in_image(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/* Section header i; the caller has checked that the table lies inside the image. */
static void read_shdr(const unsigned char *image, const Elf64_Ehdr *eh, unsigned i, Elf64_Shdr *ret)
{
	memcpy(ret, image + eh->e_shoff + (uint64_t)i * sizeof(*ret), sizeof(*ret));
}

/* True when the name at offset name of the section name table is ".modinfo". */
static bool is_modinfo_name(const unsigned char *image, const Elf64_Shdr *names, uint32_t name)
{
	static const char want[] = ".modinfo"; /* with its NUL */

	return name <= names->sh_size && sizeof(want) <= names->sh_size - name &&
	       memcmp(image + names->sh_offset + name, want, sizeof(want)) == 0;
}

int modinfo_section(const void *image, size_t len, struct modinfo *ret, const char **ret_why)
{
	const unsigned char *p = image;
	Elf64_Shdr names, sh;
	Elf64_Ehdr eh;

	if (len < SELFMAG || memcmp(p, ELFMAG, SELFMAG) != 0)
		return corrupt(ret_why, "no ELF magic");
	if (len < sizeof(eh))
		return corrupt(ret_why, "shorter than an ELF header");
	memcpy(&eh, p, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA_NATIVE)
		return corrupt(ret_why, "not a 64-bit ELF file of this machine's byte order");
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0)
		return corrupt(ret_why, "no table of ELF64 section headers");
	if (!in_image(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), len))
		return corrupt(ret_why, "section headers past the end of the file");
	/* 0 is the null section; SHN_XINDEX (extended numbering) is >= any e_shnum, and the
	 * kernel does not support it either. */
	if (eh.e_shstrndx == SHN_UNDEF || eh.e_shstrndx >= eh.e_shnum)
		return corrupt(ret_why, "no section name table");
	read_shdr(p, &eh, eh.e_shstrndx, &names);
	if (names.sh_type == SHT_NOBITS || !in_image(names.sh_offset, names.sh_size, len))
		return corrupt(ret_why, "section name table past the end of the file");
	for (unsigned i = 1; i < eh.e_shnum; i++) {
		read_shdr(p, &eh, i, &sh);
		/* The kernel's find_sec() ignores sections without SHF_ALLOC. */
		if (!(sh.sh_flags & SHF_ALLOC) || !is_modinfo_name(p, &names, sh.sh_name))
			continue;
		if (sh.sh_type == SHT_NOBITS || !in_image(sh.sh_offset, sh.sh_size, len))
			return corrupt(ret_why, ".modinfo section past the end of the file");
		ret->data = (const char *)p + sh.sh_offset;
		ret->size = sh.sh_size;
		return 0;
	}
	return -ENOENT;
}

int modinfo_get(const struct modinfo *mi, const char *key, const char **ret_value, size_t *ret_len)
{
	size_t klen = strlen(key), pos = 0;

	while (pos < mi->size) {
		const char *rec = mi->data + pos;
		const char *nul = memchr(rec, '\0', mi->size - pos);
		size_t n = nul ? (size_t)(nul - rec) : mi->size - pos;

		if (n > klen && memcmp(rec, key, klen) == 0 && rec[klen] == '=') {
			*ret_value = rec + klen + 1;
			*ret_len = n - klen - 1;
			return 0;
		}
		pos += n + 1;
	}
	return -ENODATA;
}

/* vermagic's first word, as the kernel's same_magic() splits it: the release. */
static size_t release_length(const char *vermagic, size_t len)
{
	const char *space = memchr(vermagic, ' ', len);

	return space ? (size_t)(space - vermagic) : len;
}

/* s (len bytes from a file) fit for the log: at most RELEASE_SHOWN_MAX bytes, others '?'. */
static void printable(char *buf, size_t size, const char *s, size_t len)
{
	size_t n = len < RELEASE_SHOWN_MAX ? len : RELEASE_SHOWN_MAX;
	size_t i;

	for (i = 0; i < n && i + 1 < size; i++)
		buf[i] = s[i] > ' ' && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	if (len > n)
		snprintf(buf + i, size - i, "...");
}

int modinfo_check_release(const void *image, size_t len, const char *script, const char *release)
{
	char shown[RELEASE_SHOWN_MAX + 4];
	const char *why = "", *vermagic;
	struct modinfo mi;
	size_t n;
	int r;

	r = modinfo_section(image, len, &mi, &why);
	if (r == -ENOENT) {
		log_error("%s: no vermagic: the module has no .modinfo section: not loaded",
			  script);
		return -ENOEXEC;
	}
	if (r < 0) {
		log_error("%s: not a valid kernel module (%s): not loaded", script, why);
		return -ENOEXEC;
	}
	if (modinfo_get(&mi, "vermagic", &vermagic, &n) < 0) {
		log_error("%s: no vermagic in the module's .modinfo: not loaded", script);
		return -ENOEXEC;
	}
	n = release_length(vermagic, n);
	if (n == 0) {
		log_error("%s: no kernel release in the module's vermagic: not loaded", script);
		return -ENOEXEC;
	}
	if (n != strlen(release) || memcmp(vermagic, release, n) != 0) {
		printable(shown, sizeof(shown), vermagic, n);
		log_error("%s: built for kernel %s, running %s: not loaded", script, shown,
			  release);
		return -ENOEXEC;
	}
	log_debug("%s: vermagic names the running kernel %s", script, release);
	return 0;
}
