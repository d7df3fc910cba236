/* fake_elf.h: hand-made ELF64 images for the loader's unit tests: a module with the sections
 * a test asks for, and access to its headers so that a test can corrupt them. Layout: the ELF
 * header, each section's data (8-byte aligned), .shstrtab, then the section headers (0 null,
 * 1..n the sections asked for, n+1 .shstrtab). */
#pragma once
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the vermagic of a module built for release R looks like (Debian 6.1). */
#define FE_VERMAGIC_FLAGS " SMP preempt mod_unload modversions "

struct fe_section {
	const char *name;
	uint32_t type;	/* SHT_PROGBITS, SHT_NOBITS... */
	uint64_t flags; /* SHF_ALLOC... */
	const void *data;
	size_t size;
};

static inline size_t fe_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static inline Elf64_Ehdr fe_get_ehdr(const unsigned char *image)
{
	Elf64_Ehdr eh;

	memcpy(&eh, image, sizeof(eh));
	return eh;
}

static inline void fe_put_ehdr(unsigned char *image, const Elf64_Ehdr *eh)
{
	memcpy(image, eh, sizeof(*eh));
}

static inline Elf64_Shdr fe_get_shdr(const unsigned char *image, unsigned i)
{
	Elf64_Ehdr eh = fe_get_ehdr(image);
	Elf64_Shdr sh;

	memcpy(&sh, image + eh.e_shoff + i * sizeof(sh), sizeof(sh));
	return sh;
}

static inline void fe_put_shdr(unsigned char *image, unsigned i, const Elf64_Shdr *sh)
{
	Elf64_Ehdr eh = fe_get_ehdr(image);

	memcpy(image + eh.e_shoff + i * sizeof(*sh), sh, sizeof(*sh));
}

/* Builds the image of n sections: a malloc'd buffer of *ret_len bytes. */
static inline unsigned char *fe_build(const struct fe_section *secs, size_t n, size_t *ret_len)
{
	size_t names_len = 1 + sizeof(".shstrtab"), off = sizeof(Elf64_Ehdr);
	size_t data_off[64], name_off[64];
	unsigned char *image;

	if (n + 2 > 64)
		abort();
	for (size_t i = 0; i < n; i++) {
		name_off[i] = names_len;
		names_len += strlen(secs[i].name) + 1;
		data_off[i] = off;
		if (secs[i].type != SHT_NOBITS)
			off = fe_align8(off + secs[i].size);
	}
	size_t names_off = off, shoff = fe_align8(off + names_len);
	size_t len = shoff + (n + 2) * sizeof(Elf64_Shdr);

	image = calloc(1, len);
	if (!image)
		abort();
	Elf64_Ehdr eh = {
	    .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT},
	    .e_type = ET_REL,
	    .e_machine = EM_X86_64,
	    .e_version = EV_CURRENT,
	    .e_shoff = shoff,
	    .e_ehsize = sizeof(Elf64_Ehdr),
	    .e_shentsize = sizeof(Elf64_Shdr),
	    .e_shnum = (uint16_t)(n + 2),
	    .e_shstrndx = (uint16_t)(n + 1),
	};
	fe_put_ehdr(image, &eh);
	/* .shstrtab: "\0" then ".shstrtab\0" then the names asked for */
	memcpy(image + names_off + 1, ".shstrtab", sizeof(".shstrtab"));
	for (size_t i = 0; i < n; i++) {
		Elf64_Shdr sh = {
		    .sh_name = (uint32_t)name_off[i],
		    .sh_type = secs[i].type,
		    .sh_flags = secs[i].flags,
		    .sh_offset = data_off[i],
		    .sh_size = secs[i].size,
		    .sh_addralign = 1,
		};
		memcpy(image + names_off + name_off[i], secs[i].name, strlen(secs[i].name) + 1);
		if (secs[i].type != SHT_NOBITS && secs[i].size)
			memcpy(image + data_off[i], secs[i].data, secs[i].size);
		fe_put_shdr(image, (unsigned)i + 1, &sh);
	}
	Elf64_Shdr names = {.sh_name = 1,
			    .sh_type = SHT_STRTAB,
			    .sh_offset = names_off,
			    .sh_size = names_len,
			    .sh_addralign = 1};
	fe_put_shdr(image, (unsigned)n + 1, &names);
	*ret_len = len;
	return image;
}

/* A module's .modinfo records (license, name, vermagic unless NULL, ...), NUL-separated, in
 * buf: returns their length including the last NUL. */
static inline size_t fe_modinfo_text(char *buf, size_t size, const char *name, const char *vermagic)
{
	int n =
	    snprintf(buf, size, "license=GPL%cdepends=%cretpoline=Y%cname=%s%c", 0, 0, 0, name, 0);

	if (vermagic)
		n += snprintf(buf + n, size - (size_t)n, "vermagic=%s%c", vermagic, 0);
	if ((size_t)n >= size)
		abort();
	return (size_t)n;
}

/* A module image like the ones stap makes, as far as the loader looks: .text, .modinfo (with
 * vermagic unless it is NULL), .gnu.linkonce.this_module. Malloc'd, *ret_len bytes. */
static inline unsigned char *fe_module(const char *name, const char *vermagic, size_t *ret_len)
{
	static const unsigned char text[16] = {0x0f, 0x1f, 0x44, 0x00, 0x00, 0xc3};
	char modinfo[512], this_module[64] = "";
	size_t mlen = fe_modinfo_text(modinfo, sizeof(modinfo), name, vermagic);
	const struct fe_section secs[] = {
	    {".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, text, sizeof(text)},
	    {".modinfo", SHT_PROGBITS, SHF_ALLOC, modinfo, mlen},
	    {".gnu.linkonce.this_module", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, this_module,
	     sizeof(this_module)},
	};

	snprintf(this_module + 24, sizeof(this_module) - 24, "%s", name);
	return fe_build(secs, sizeof(secs) / sizeof(secs[0]), ret_len);
}
