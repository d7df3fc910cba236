/* onboot_initrd.c: what the kernel would unpack from an initramfs, for a few named files. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onboot_initrd.h"

#define MAX_TRACKED (1u << 20)
#define CHUNK 65536

/* Open addressing, string keys (owned), int values. */
struct table {
	char **keys;
	int *vals;
	size_t cap, used;
};

struct initrd_model {
	struct initrd_want *w;
	size_t n;
	struct table names; /* tracked name -> node */
	struct table links; /* "ino:major:minor:mode" -> node of the group's first name */
	unsigned archive;   /* of the entries in links */
	size_t nodes, node_cap;
	uint32_t *type; /* per node: S_IFMT bits */
	int *inode;	/* per node: its file (regular) or -1 */
	size_t inodes, inode_cap;
	unsigned char *eq; /* per inode, n flags: its bytes equal w[i].data */
	unsigned char chunk[CHUNK];
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t slot(const struct table *t, const char *key)
{
	size_t i = (size_t)hash(key) & (t->cap - 1);

	while (t->keys[i] && strcmp(t->keys[i], key) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int table_get(const struct table *t, const char *key)
{
	size_t i;

	if (t->cap == 0)
		return -1;
	i = slot(t, key);
	return t->keys[i] ? t->vals[i] : -1;
}

static int table_grow(struct table *t)
{
	struct table bigger = {.cap = t->cap ? t->cap * 2 : 64};

	bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
	bigger.vals = calloc(bigger.cap, sizeof(*bigger.vals));
	if (!bigger.keys || !bigger.vals) {
		free(bigger.keys);
		free(bigger.vals);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->keys[i]) {
			size_t j = slot(&bigger, t->keys[i]);

			bigger.keys[j] = t->keys[i];
			bigger.vals[j] = t->vals[i];
		}
	bigger.used = t->used;
	free(t->keys);
	free(t->vals);
	*t = bigger;
	return 0;
}

/* Sets key to val (a new key is copied). */
static int table_put(struct table *t, const char *key, int val)
{
	size_t i;

	if ((t->used + 1) * 2 > t->cap && table_grow(t) < 0)
		return -ENOMEM;
	i = slot(t, key);
	if (!t->keys[i]) {
		t->keys[i] = strdup(key);
		if (!t->keys[i])
			return -ENOMEM;
		t->used++;
	}
	t->vals[i] = val;
	return 0;
}

static void table_clear(struct table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->vals);
	*t = (struct table){0};
}

int initrd_model_new(struct initrd_want *w, size_t n, struct initrd_model **ret)
{
	struct initrd_model *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->w = w;
	m->n = n;
	*ret = m;
	return 0;
}

void initrd_model_free(struct initrd_model *m)
{
	if (!m)
		return;
	table_clear(&m->names);
	table_clear(&m->links);
	free(m->type);
	free(m->inode);
	free(m->eq);
	free(m);
}

/* "./usr//lib/./x" -> "usr/lib/x" in out; -EBADMSG for a ".." component. */
static int normalize(const char *name, char *out)
{
	char *o = out;

	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -EBADMSG;
		if (len > 0 && !(len == 1 && p[0] == '.')) {
			if (o != out)
				*o++ = '/';
			memcpy(o, p, len);
			o += len;
		}
		p += len;
		p += *p == '/';
	}
	*o = '\0';
	return 0;
}

/* The node of name, created (type 0: absent) when create; -1 when untracked, -errno. */
static int node_of(struct initrd_model *m, const char *name, bool create)
{
	int id = table_get(&m->names, name);

	if (id >= 0 || !create)
		return id;
	if (m->nodes >= MAX_TRACKED)
		return -E2BIG;
	if (m->nodes == m->node_cap) {
		size_t cap = m->node_cap ? m->node_cap * 2 : 64;
		uint32_t *type = realloc(m->type, cap * sizeof(*type));

		if (!type)
			return -ENOMEM;
		m->type = type;
		int *inode = realloc(m->inode, cap * sizeof(*inode));
		if (!inode)
			return -ENOMEM;
		m->inode = inode;
		m->node_cap = cap;
	}
	if (table_put(&m->names, name, (int)m->nodes) < 0)
		return -ENOMEM;
	m->type[m->nodes] = 0;
	m->inode[m->nodes] = -1;
	return (int)m->nodes++;
}

static unsigned char *eq_of(struct initrd_model *m, int inode)
{
	return m->eq + (size_t)inode * (m->n ? m->n : 1);
}

static int new_inode(struct initrd_model *m)
{
	size_t stride = m->n ? m->n : 1;

	if (m->inodes >= MAX_TRACKED)
		return -E2BIG;
	if (m->inodes == m->inode_cap) {
		size_t cap = m->inode_cap ? m->inode_cap * 2 : 64;
		unsigned char *eq = realloc(m->eq, cap * stride);

		if (!eq)
			return -ENOMEM;
		m->eq = eq;
		m->inode_cap = cap;
	}
	memset(m->eq + m->inodes * stride, 0, stride);
	return (int)m->inodes++;
}

/* Reads the current body into the flags eq: which wants it equals byte for byte. */
static int compare_body(struct initrd_model *m, struct cpio_reader *r, uint32_t size,
			unsigned char *eq)
{
	bool any = false;
	uint64_t off = 0;

	for (size_t i = 0; i < m->n; i++) {
		eq[i] = m->w[i].data && m->w[i].len == size;
		any |= eq[i];
	}
	while (any) {
		ssize_t got = cpio_read_body(r, m->chunk, sizeof(m->chunk));

		if (got < 0)
			return (int)got;
		if (got == 0)
			break;
		any = false;
		for (size_t i = 0; i < m->n; i++) {
			eq[i] = eq[i] && memcmp(m->w[i].data + off, m->chunk, (size_t)got) == 0;
			any |= eq[i];
		}
		off += (uint64_t)got;
	}
	return 0;
}

/* A regular entry for node id: linked to its group's file or its own, then its body. */
static int apply_regular(struct initrd_model *m, struct cpio_reader *r, const struct cpio_entry *e,
			 int id)
{
	char key[64];
	int first = -1, k;

	if (e->nlink >= 2) {
		snprintf(key, sizeof(key), "%x:%x:%x:%x", e->ino, e->dev_major, e->dev_minor,
			 e->mode);
		first = table_get(&m->links, key);
		if (first < 0 && table_put(&m->links, key, id) < 0)
			return -ENOMEM;
	}
	if (first >= 0) {
		/* The name is removed, then linked to the group's first name: that fails when the
		 * first name is no file any more (or is this very name), leaving nothing. */
		if (first == id || m->type[first] != S_IFREG) {
			m->type[id] = 0;
			m->inode[id] = -1;
			return 0;
		}
		m->type[id] = S_IFREG;
		m->inode[id] = m->inode[first];
		if (e->size == 0)
			return 0;
	} else {
		/* The name is opened with O_TRUNC: an existing file (maybe shared) is rewritten. */
		if (m->type[id] != S_IFREG || m->inode[id] < 0) {
			k = new_inode(m);
			if (k < 0)
				return k;
			m->inode[id] = k;
		}
		m->type[id] = S_IFREG;
	}
	return compare_body(m, r, e->size, eq_of(m, m->inode[id]));
}

static int apply(struct initrd_model *m, struct cpio_reader *r, const struct cpio_entry *e)
{
	char name[CPIO_NAME_MAX];
	uint32_t type = e->mode & S_IFMT;
	bool linked = type == S_IFREG && e->nlink >= 2;
	int id, k;

	k = normalize(e->name, name);
	if (k < 0)
		return k;
	if (!*name)
		return 0; /* "." */
	id = node_of(m, name, linked);
	if (id < 0)
		return id == -1 ? 0 : id;
	if (type == S_IFREG)
		return apply_regular(m, r, e, id);
	/* A directory, symlink or device replaces a name of another type; the name stays. */
	m->type[id] = type;
	m->inode[id] = -1;
	return 0;
}

int initrd_model_feed(struct initrd_model *m, struct cpio_reader *r)
{
	struct cpio_entry *e = malloc(sizeof(*e));
	int k;

	if (!e)
		return -ENOMEM;
	/* Hard links never join entries of two archives. */
	table_clear(&m->links);
	m->archive = 0;
	for (size_t i = 0; i < m->n; i++) {
		k = node_of(m, m->w[i].path, true);
		if (k < 0)
			goto out;
	}
	while ((k = cpio_next(r, e)) == CPIO_ENTRY) {
		if (e->archive != m->archive) {
			table_clear(&m->links);
			m->archive = e->archive;
		}
		k = apply(m, r, e);
		if (k < 0)
			break;
	}
out:
	free(e);
	return k;
}

void initrd_model_finish(struct initrd_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		int id = table_get(&m->names, m->w[i].path);
		bool reg = id >= 0 && m->type[id] == S_IFREG && m->inode[id] >= 0;

		m->w[i].present = id >= 0 && m->type[id] != 0;
		m->w[i].matches = reg && m->w[i].data && eq_of(m, m->inode[id])[i];
	}
}
