/* manifest_names.c: the name set and the value escaping behind the manifest reader/writer. */
#include "manifest_names.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a: names are short and not chosen to collide by anyone but the file's own writer. Its
 * low bits (the slot) barely change between names that differ in their last characters (s1,
 * s2, ...): without the final mix those fill runs of neighbouring slots, and a set of 200k such
 * names took seconds to read. The mix (murmur3's finalizer) spreads every bit over the low ones. */
static size_t hash_name(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (size_t)h;
}

static size_t find_slot(const size_t *slot, size_t cap, const struct manifest_script *v,
			const char *name)
{
	size_t i = hash_name(name) & (cap - 1);

	while (slot[i] && strcmp(v[slot[i] - 1].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

bool manifest_names_has(const struct manifest_names *set, const struct manifest_script *v,
			const char *name)
{
	return set->cap && set->slot[find_slot(set->slot, set->cap, v, name)];
}

int manifest_names_add(struct manifest_names *set, const struct manifest_script *v, size_t index)
{
	/* Kept at most half full, so a probe ends soon. */
	if ((set->n + 1) * 2 > set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 64;
		size_t *nslot = calloc(ncap, sizeof(*nslot));

		if (!nslot)
			return -ENOMEM;
		for (size_t i = 0; i < set->cap; i++)
			if (set->slot[i])
				nslot[find_slot(nslot, ncap, v, v[set->slot[i] - 1].name)] =
				    set->slot[i];
		free(set->slot);
		set->slot = nslot;
		set->cap = ncap;
	}
	set->slot[find_slot(set->slot, set->cap, v, v[index].name)] = index + 1;
	set->n++;
	return 0;
}

void manifest_names_free(struct manifest_names *set)
{
	free(set->slot);
	*set = (struct manifest_names){0};
}

static bool must_escape(unsigned char c)
{
	return c <= ' ' || c >= 0x7f || c == '%' || c == '#';
}

int manifest_escape(const char *text, char **ret)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(strlen(text) * 3 + 1), *o = out;

	if (!out)
		return -ENOMEM;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (must_escape(*p)) {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		} else
			*o++ = (char)*p;
	}
	*o = '\0';
	*ret = out;
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int manifest_unescape(const char *word, char **ret)
{
	char *out = malloc(strlen(word) + 1), *o = out;

	if (!out)
		return -ENOMEM;
	for (const char *p = word; *p; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);

			if (lo < 0)
				goto bad;
			c = hi * 16 + lo;
			p += 2;
		}
		/* Options may hold tabs; other controls (a newline) only come from a hand edit. */
		if ((c < ' ' && c != '\t') || c == 0x7f)
			goto bad;
		*o++ = (char)c;
	}
	*o = '\0';
	*ret = out;
	return 0;
bad:
	free(out);
	return -EINVAL;
}
