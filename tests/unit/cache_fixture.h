/* cache_fixture.h: the temp root, files and hand-made modules of the cache unit tests
 * (header only). */
#pragma once
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fsutil.h"
#include "macro.h"
#include "settings.h"
#include "tempfile.h"
#include "test.h"

/* The program's temp directory, set by cache_fixture_setup. */
static const char *root;
static const char *const kver = "6.1.0-56-amd64";

static inline char *path(const char *rel)
{
	char *p;

	if (asprintf(&p, "%s/%s", root, rel) < 0)
		abort();
	return p;
}

static inline void put(const char *rel, const void *data, size_t len)
{
	_cleanup_free_ char *p = path(rel);
	_cleanup_free_ char *dir = strdup(p);

	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir, 0755) < 0 || write_file_atomic(p, data, len, 0644) < 0)
		abort();
}

static inline void put_text(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static inline void set_mtime(const char *rel, time_t sec, long nsec)
{
	_cleanup_free_ char *p = path(rel);
	struct timespec t[2] = {{sec, nsec}, {sec, nsec}};

	if (utimensat(AT_FDCWD, p, t, 0) < 0)
		abort();
}

/* A minimal ELF64 relocatable holding only .modinfo: what libkmod reads modinfo from. */
static inline void put_ko(const char *rel, const char *vermagic)
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

/* Run from the program's TEST_SETUP: the root is the program's temp directory, shared by its
 * tests. */
static inline void cache_fixture_setup(void)
{
	root = test_tmpdir();
}

/* Settings whose paths are under the test root (script.d, cache, modules, boot), for kver;
 * stap (taken) is the STAP setting. Free with cache_settings_free. */
static inline struct settings cache_settings(char *stap)
{
	struct settings s = {0};

	s.script_path = path("script.d");
	s.cache_root = path("cache");
	s.cache_path = path("cache/6.1.0-56-amd64");
	s.modules_path = path("modules");
	s.boot_path = path("boot");
	s.kernel_release = strdup(kver);
	s.stap = stap;
	return s;
}

static inline void cache_settings_free(struct settings *s)
{
	free(s->script_path);
	free(s->cache_root);
	free(s->cache_path);
	free(s->modules_path);
	free(s->boot_path);
	free(s->kernel_release);
	free(s->stap);
}
