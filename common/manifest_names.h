/* manifest_names.h: a set of script names (open addressing), so that reading a manifest of
 * N scripts finds duplicates in O(N), and the %XX escaping of set values. Internal to
 * common/manifest_*.c. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

/* Indexes into a script array that may move (realloc): a slot holds index + 1, 0 = free. */
struct manifest_names {
	size_t *slot;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

/* True when one of the added records of v is called name. */
bool manifest_names_has(const struct manifest_names *set, const struct manifest_script *v,
			const char *name);
/* Adds record index of v (v may move later; pass the current v each call). 0 or -ENOMEM. */
int manifest_names_add(struct manifest_names *set, const struct manifest_script *v, size_t index);
void manifest_names_free(struct manifest_names *set);

/* text with every byte that could not stand in one word of a line (blanks, '%', '#',
 * controls, non-ASCII) as %XX. 0 and *ret (newly allocated) or -ENOMEM. */
int manifest_escape(const char *text, char **ret);
/* The reverse of manifest_escape. 0 and *ret, -EINVAL for a bad escape or a decoded NUL or
 * control character, -ENOMEM. */
int manifest_unescape(const char *word, char **ret);
