/* modsections.h: where the loaded modules' sections are (what staprun reads from
 * /sys/module/M/sections), found through /proc/modules and kept for a whole run: a module's
 * sections do not move while it stays loaded at the same base address. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROC_MODULES_NAME_MAX 64 /* the kernel's MODULE_NAME_LEN, with its NUL */

/* One line of /proc/modules: "NAME SIZE REFS DEPS STATE ADDRESS[ (TAINTS)]". */
struct proc_modules_entry {
	char name[PROC_MODULES_NAME_MAX];
	uint64_t base; /* 0 when hidden (kptr_restrict) */
};

struct module_section {
	char *name;
	uint64_t addr; /* 0 for init sections: freed once the module is live */
};

struct loaded_module {
	char name[PROC_MODULES_NAME_MAX];
	uint64_t base;
	struct module_section *sections; /* sorted by name */
	size_t n_sections;
};

/* The modules of the last update, sorted by name. */
struct module_sections {
	struct loaded_module *mods;
	size_t n_mods;
};

/* Parses one line of /proc/modules (len bytes, no newline) into *ret. 0, or -EINVAL for a
 * line of another shape (*ret untouched). */
int proc_modules_parse_line(const char *line, size_t len, struct proc_modules_entry *ret);

/* Brings *ms up to date with ROOT/proc/modules: drops the modules no longer listed, and reads
 * ROOT/sys/module/M/sections/ for those new, loaded at another base, or whose base is hidden.
 * A module without a sections directory is kept with none; the n_skip modules named in skip
 * are left out. 0, or -errno when /proc/modules cannot be read (*ms unchanged; not logged). */
int module_sections_update(struct module_sections *ms, const char *root, const char *const *skip,
			   size_t n_skip);

/* Frees what *ms holds and empties it. */
void module_sections_free(struct module_sections *ms);
