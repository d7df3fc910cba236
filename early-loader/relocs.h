/* relocs.h: where the kernel and its modules live, told to a freshly loaded stap module
 * before STP_START (what staprun's send_relocations does). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "modsections.h"

enum kernel_symbol {
	SYM_STEXT,
	SYM_KALLSYMS_LOOKUP_NAME,
	SYM_KALLSYMS_ON_EACH_SYMBOL,
	SYM_MODULE_KALLSYMS_ON_EACH_SYMBOL, /* protocol 5 only */
	SYM_COUNT,
};

/* The kernel symbols' addresses, kept for a whole run: they do not move, and scanning
 * /proc/kallsyms is the slowest part of a run (a third of its instructions). */
struct kernel_syms {
	int n_known; /* addrs[0 .. n_known-1] hold a successful lookup */
	uint64_t addrs[SYM_COUNT];
};

/* What a run learns once for all its modules. */
struct reloc_cache {
	struct kernel_syms syms;
	struct module_sections sections;
	char **started; /* the modules this run loaded: no relocations of theirs are sent */
	size_t n_started;
};

/* Notes that this run loaded module name. 0 or -ENOMEM. */
int reloc_cache_add_started(struct reloc_cache *cache, const char *name);

/* Frees what the cache holds (it stays usable, empty). */
void reloc_cache_free(struct reloc_cache *cache);

/* The kernel symbol's name as /proc/kallsyms spells it. */
const char *kernel_symbol_name(enum kernel_symbol s);

/* Scans kallsyms_path for the first n (<= SYM_COUNT) kernel (not module) symbols of enum
 * kernel_symbol, and stops once it has them all: the core kernel's symbols come first, in
 * address order, so a protocol 4 run reads about a fifth of the file. addrs[s] stays 0 when
 * absent (module_kallsyms_on_each_symbol is not exported by every kernel: then the whole
 * file is read). Returns 0 or -errno (unreadable; not logged). */
int kallsyms_find(const char *kallsyms_path, uint64_t addrs[SYM_COUNT], int n);

/* Sends, on the control channel fd: the kernel symbols (_stext, kallsyms_lookup_name,
 * kallsyms_on_each_symbol, for protocol 5 also module_kallsyms_on_each_symbol; taken from
 * *cache when known, else looked up and stored there; cache may be NULL), the build-id
 * note flag when ROOT/sys/kernel/notes is readable, then the sections of every module in
 * ROOT/proc/modules (ROOT/sys/module/M/sections/S, init sections as 0), sorted by name, but
 * for the module script itself and those the run started (see relocs.c); both kept in *cache
 * for the next module (cache may be NULL: all read here). Returns 0, or -errno
 * when a kernel symbol could not be sent (logged). Section failures are only counted in the
 * debug log. */
int relocs_send(int fd, int protocol, const char *root, const char *script,
		struct reloc_cache *cache);
