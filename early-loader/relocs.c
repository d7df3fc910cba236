/* relocs.c: kallsyms lookups, the build-id note and the loaded modules' section addresses. */
#include "relocs.h"

#include "ctlproto.h"
#include "macro.h"
#include "rootpath.h"
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KALLSYMS_READ_SIZE (64 * 1024)

static const char *const symbol_names[SYM_COUNT] = {
    [SYM_STEXT] = "_stext",
    [SYM_KALLSYMS_LOOKUP_NAME] = "kallsyms_lookup_name",
    [SYM_KALLSYMS_ON_EACH_SYMBOL] = "kallsyms_on_each_symbol",
    [SYM_MODULE_KALLSYMS_ON_EACH_SYMBOL] = "module_kallsyms_on_each_symbol",
};

const char *kernel_symbol_name(enum kernel_symbol s)
{
	return symbol_names[s];
}

/* Takes one line of kallsyms, "ADDR TYPE NAME[\t[MODULE]]" (len bytes, without its newline):
 * records it when it names a wanted core kernel symbol not found yet. The name is looked at
 * first: the address of one line in thousands is parsed. Returns how many it found (0 or 1). */
static int take_line(const char *line, size_t len, const size_t want_len[SYM_COUNT],
		     uint64_t addrs[SYM_COUNT], bool found[SYM_COUNT], int n)
{
	const char *space = memchr(line, ' ', len), *name;
	size_t name_len;
	char *end;

	if (!space || space == line || (size_t)(space - line) + 3 > len || space[2] != ' ')
		return 0;
	name = space + 3;
	/* A module's symbol, "NAME\t[MODULE]", is longer than NAME: never taken. */
	name_len = len - (size_t)(name - line);
	for (int s = 0; s < n; s++) {
		if (found[s] || name_len != want_len[s] || memcmp(name, symbol_names[s], name_len))
			continue;
		addrs[s] = strtoull(line, &end, 16);
		if (end != space)
			return 0;
		found[s] = true;
		return 1;
	}
	return 0;
}

int kallsyms_find(const char *path, uint64_t addrs[SYM_COUNT], int n)
{
	bool found[SYM_COUNT] = {false};
	size_t have = 0, want_len[SYM_COUNT];
	int n_found = 0, fd;
	char *buf;

	for (int s = 0; s < SYM_COUNT; s++) {
		addrs[s] = 0;
		want_len[s] = strlen(symbol_names[s]);
	}
	/* Plain read(2)s, no stdio: closing a stdio stream with unread input seeks back, and a
	 * seek in /proc/kallsyms makes the kernel format every line from the start again (the
	 * whole part read so far, as long as reading it: under emulation tens of ms). Each read
	 * gives about a page (seq_file). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	buf = malloc(KALLSYMS_READ_SIZE);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n_found < n) {
		ssize_t got = read(fd, buf + have, KALLSYMS_READ_SIZE - have);
		char *line = buf, *nl;

		if (got < 0 && errno == EINTR)
			continue;
		/* An error midway ends the scan with what it found, as the file's end does. */
		if (got <= 0)
			break;
		have += (size_t)got;
		while (n_found < n && (nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			n_found += take_line(line, (size_t)(nl - line), want_len, addrs, found, n);
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		/* A line longer than the buffer is no symbol of ours: dropped. */
		if (have == KALLSYMS_READ_SIZE)
			have = 0;
		memmove(buf, line, have);
	}
	/* The last line without a newline (a plain file's end). */
	if (n_found < n && have)
		take_line(buf, have, want_len, addrs, found, n);
	free(buf);
	close(fd);
	return 0;
}

static int send_kernel_symbols(int fd, int protocol, const char *root, const char *script,
			       struct kernel_syms *cache)
{
	int n_syms = protocol == 5 ? SYM_COUNT : SYM_MODULE_KALLSYMS_ON_EACH_SYMBOL;
	uint64_t addrs[SYM_COUNT];
	char path[PATH_MAX];
	int r = 0;

	r = root_path(path, sizeof(path), root, "/proc/kallsyms");
	if (r == 0 && cache && cache->n_known >= n_syms)
		memcpy(addrs, cache->addrs, sizeof(addrs));
	else if (r == 0) {
		r = kallsyms_find(path, addrs, n_syms);
		if (r == 0 && cache) {
			memcpy(cache->addrs, addrs, sizeof(addrs));
			cache->n_known = n_syms;
		}
	}
	if (r < 0) {
		/* The module can still run probes that need no kernel addresses. */
		log_warning("%s: cannot read %s (%s): kernel addresses unknown to the module",
			    script, path, strerror(-r));
		for (int s = 0; s < SYM_COUNT; s++)
			addrs[s] = 0;
	} else if (addrs[SYM_STEXT] == 0 || addrs[SYM_KALLSYMS_LOOKUP_NAME] == 0)
		log_warning("%s: %s shows no address for _stext/kallsyms_lookup_name "
			    "(kptr_restrict=2?); kernel probes may not work",
			    script, path);
	for (int s = 0; s < n_syms; s++) {
		r = ctl_send_relocation(fd, protocol, "kernel", symbol_names[s], addrs[s]);
		if (r < 0)
			return log_error_errno(r, "%s: failed to send relocation kernel/%s", script,
					       symbol_names[s]);
		log_debug("%s: relocation kernel/%s = 0x%llx", script, symbol_names[s],
			  (unsigned long long)addrs[s]);
	}
	return 0;
}

/* Every loaded module's sections (staprun's /sys/module/M/sections/S), sorted by module and
 * section name, taken from the run's cache (brought up to date first) or read here.
 *
 * Not those of the module itself, nor of the stap modules this run started before it: a
 * module uses a relocation only for a module named in its _stp_modules[] (runtime/sym.c,
 * _stp_kmodule_update_address). For itself, that entry is _stp_module_self, which it fills
 * from its own section attributes in the kernel (transport/symbols.c,
 * _stp_module_update_self); another onboot script's module was not there when stap built
 * its tables. Sent, they change nothing; read, they were most of this step's time at boot,
 * when no other module is loaded yet (bench/boot.sh). */
static void send_sections(int fd, int protocol, const char *root, const char *script,
			  struct reloc_cache *cache)
{
	struct module_sections own = {0}, *ms = cache ? &cache->sections : &own;
	const char *self[] = {script};
	unsigned failed = 0;
	int r;

	if (cache && reloc_cache_add_started(cache, script) < 0)
		cache = NULL;
	r = cache ? module_sections_update(ms, root, (const char *const *)cache->started,
					   cache->n_started)
		  : module_sections_update(ms, root, self, ELEMENTSOF(self));
	if (r < 0)
		log_warning("%s: cannot read %s/proc/modules (%s): the module is told no other "
			    "module's addresses",
			    script, root, strerror(-r));
	for (size_t i = 0; r == 0 && i < ms->n_mods; i++) {
		const struct loaded_module *m = &ms->mods[i];

		for (size_t j = 0; j < m->n_sections; j++)
			if (ctl_send_relocation(fd, protocol, m->name, m->sections[j].name,
						m->sections[j].addr) < 0)
				failed++;
	}
	module_sections_free(&own);
	if (failed)
		log_debug("%s: %u module section relocations not sent", script, failed);
}

int relocs_send(int fd, int protocol, const char *root, const char *script,
		struct reloc_cache *cache)
{
	char notes[PATH_MAX];
	int r;

	r = send_kernel_symbols(fd, protocol, root, script, cache ? &cache->syms : NULL);
	if (r < 0)
		return r;
	/* 2 = "the kernel has a build-id note": the module then checks it itself. */
	if (root_path(notes, sizeof(notes), root, "/sys/kernel/notes") == 0 &&
	    access(notes, R_OK) == 0) {
		r = ctl_send_relocation(fd, protocol, "kernel", ".note.gnu.build-id", 2);
		if (r < 0)
			return log_error_errno(r, "%s: failed to send the build-id relocation",
					       script);
	}
	send_sections(fd, protocol, root, script, cache);
	return 0;
}

int reloc_cache_add_started(struct reloc_cache *cache, const char *name)
{
	char **grown, *copy;

	for (size_t i = 0; i < cache->n_started; i++)
		if (streq(cache->started[i], name))
			return 0;
	copy = strdup(name);
	grown = copy ? realloc(cache->started, (cache->n_started + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	grown[cache->n_started++] = copy;
	cache->started = grown;
	return 0;
}

void reloc_cache_free(struct reloc_cache *cache)
{
	module_sections_free(&cache->sections);
	for (size_t i = 0; i < cache->n_started; i++)
		free(cache->started[i]);
	free(cache->started);
	*cache = (struct reloc_cache){0};
}
