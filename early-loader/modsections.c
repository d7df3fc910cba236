/* modsections.c: the loaded modules' section addresses, through /proc/modules. */
#include "modsections.h"

#include "fileio.h"
#include "macro.h"
#include "rootpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROC_MODULES_MAX (4u << 20)

/* The next space-separated field of [*p, end): its start and length; *p moves past it. */
static const char *next_field(const char **p, const char *end, size_t *len)
{
	const char *start = *p, *stop;

	while (start < end && *start == ' ')
		start++;
	stop = start;
	while (stop < end && *stop != ' ')
		stop++;
	*p = stop;
	*len = (size_t)(stop - start);
	return start;
}

int proc_modules_parse_line(const char *line, size_t len, struct proc_modules_entry *ret)
{
	const char *p = line, *end = line + len, *field[6];
	size_t flen[6];
	uint64_t base = 0;

	for (size_t i = 0; i < ELEMENTSOF(field); i++) {
		field[i] = next_field(&p, end, &flen[i]);
		if (flen[i] == 0)
			return -EINVAL;
	}
	/* The name becomes a path component below /sys/module: the characters a module name
	 * has (KBUILD_MODNAME), nothing else. */
	if (flen[0] >= PROC_MODULES_NAME_MAX)
		return -EINVAL;
	for (size_t i = 0; i < flen[0]; i++) {
		char c = field[0][i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    c != '_' && c != '-')
			return -EINVAL;
	}
	/* "0x" and 1 to 16 hex digits; "0x0000000000000000" when kptr_restrict hides it. */
	if (flen[5] < 3 || flen[5] > 18 || field[5][0] != '0' || field[5][1] != 'x')
		return -EINVAL;
	for (size_t i = 2; i < flen[5]; i++) {
		char c = field[5][i];
		int digit = c >= '0' && c <= '9'   ? c - '0'
			    : c >= 'a' && c <= 'f' ? c - 'a' + 10
			    : c >= 'A' && c <= 'F' ? c - 'A' + 10
						   : -1;

		if (digit < 0)
			return -EINVAL;
		base = base << 4 | (uint64_t)digit;
	}
	memcpy(ret->name, field[0], flen[0]);
	ret->name[flen[0]] = '\0';
	ret->base = base;
	return 0;
}

static void free_sections(struct loaded_module *m)
{
	for (size_t i = 0; i < m->n_sections; i++)
		free(m->sections[i].name);
	free(m->sections);
	m->sections = NULL;
	m->n_sections = 0;
}

/* Reads a sysfs section file ("0x..."); 0 when unreadable. */
static uint64_t read_section_address(int dirfd, const char *name)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 16);
}

static int skip_dots(const struct dirent *d)
{
	return !streq(d->d_name, ".") && !streq(d->d_name, "..");
}

/* Fills m->sections from ROOT/sys/module/NAME/sections; none when it is absent. */
static int read_sections(struct loaded_module *m, const char *root)
{
	char rel[PATH_MAX], dir[PATH_MAX];
	struct dirent **ents = NULL;
	int n, dirfd, r = 0;

	if (snprintf(rel, sizeof(rel), "/sys/module/%s/sections", m->name) >= (int)sizeof(rel) ||
	    root_path(dir, sizeof(dir), root, rel) < 0)
		return -ENAMETOOLONG;
	n = scandir(dir, &ents, skip_dots, alphasort);
	if (n < 0)
		return 0;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	m->sections = calloc(n ? (size_t)n : 1, sizeof(*m->sections));
	if (!m->sections)
		r = -ENOMEM;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (r == 0 && !(m->sections[i].name = strdup(name)))
			r = -ENOMEM;
		else if (r == 0) {
			/* Init sections are freed after load; staprun reports them as 0 too. */
			m->sections[i].addr = dirfd < 0 || strstr(name, "init.")
						  ? 0
						  : read_section_address(dirfd, name);
			m->n_sections++;
		}
		free(ents[i]);
	}
	free(ents);
	if (dirfd >= 0)
		close(dirfd);
	if (r < 0)
		free_sections(m);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct loaded_module *)a)->name,
		      ((const struct loaded_module *)b)->name);
}

/* The module of that name and known base in ms, or NULL: its sections must be read. */
static struct loaded_module *known(struct module_sections *ms, const struct proc_modules_entry *e)
{
	for (size_t i = 0; i < ms->n_mods; i++)
		if (e->base && ms->mods[i].base == e->base && streq(ms->mods[i].name, e->name))
			return &ms->mods[i];
	return NULL;
}

static bool skipped(const char *name, const char *const *skip, size_t n_skip)
{
	for (size_t i = 0; i < n_skip; i++)
		if (streq(skip[i], name))
			return true;
	return false;
}

int module_sections_update(struct module_sections *ms, const char *root, const char *const *skip,
			   size_t n_skip)
{
	struct module_sections next = {0};
	char path[PATH_MAX], *text = NULL, *line, *nl;
	size_t len, cap = 0;
	int r;

	r = root_path(path, sizeof(path), root, "/proc/modules");
	if (r < 0)
		return r;
	r = read_file_limited(path, PROC_MODULES_MAX, &text, &len);
	if (r < 0)
		return r;
	for (line = text; r == 0 && line < text + len; line = nl + 1) {
		struct proc_modules_entry e;
		struct loaded_module *m, *old;

		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			nl = text + len;
		if (proc_modules_parse_line(line, (size_t)(nl - line), &e) < 0 ||
		    skipped(e.name, skip, n_skip))
			continue;
		if (next.n_mods == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct loaded_module *grown = realloc(next.mods, ncap * sizeof(*grown));

			if (!grown) {
				r = -ENOMEM;
				break;
			}
			next.mods = grown;
			cap = ncap;
		}
		m = &next.mods[next.n_mods];
		old = known(ms, &e);
		if (old) {
			*m = *old;
			/* Moved to next: the old list no longer owns it. */
			old->sections = NULL;
			old->n_sections = 0;
			old->base = 0;
		} else {
			*m = (struct loaded_module){.base = e.base};
			memcpy(m->name, e.name, sizeof(m->name));
			r = read_sections(m, root);
		}
		if (r == 0)
			next.n_mods++;
	}
	free(text);
	if (r < 0) {
		module_sections_free(&next);
		return r;
	}
	if (next.n_mods > 1)
		qsort(next.mods, next.n_mods, sizeof(*next.mods), by_name);
	module_sections_free(ms);
	*ms = next;
	return 0;
}

void module_sections_free(struct module_sections *ms)
{
	for (size_t i = 0; i < ms->n_mods; i++)
		free_sections(&ms->mods[i]);
	free(ms->mods);
	*ms = (struct module_sections){0};
}
