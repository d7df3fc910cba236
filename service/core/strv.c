/* strv.c: NULL-terminated string vectors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

size_t strv_length(char *const *v)
{
	size_t n = 0;

	if (!v)
		return 0;
	while (v[n])
		n++;
	return n;
}

int strv_consume(char ***v, char *s)
{
	size_t n = strv_length(*v);
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(char *));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int strv_push(char ***v, const char *s)
{
	return strv_consume(v, strdup(s));
}

int strv_extend(char ***v, char *const *add)
{
	for (size_t i = 0; add && add[i]; i++) {
		int r = strv_push(v, add[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

char *strv_join(char *const *v, const char *sep)
{
	size_t seplen = strlen(sep), len = 1;
	char *out, *p;

	for (size_t i = 0; v && v[i]; i++)
		len += strlen(v[i]) + (i ? seplen : 0);
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (size_t i = 0; v && v[i]; i++) {
		if (i) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		size_t l = strlen(v[i]);
		memcpy(p, v[i], l);
		p += l;
	}
	*p = '\0';
	return out;
}

int strv_split_blanks(const char *s, char ***ret)
{
	static const char blanks[] = " \t\n";
	char **v = NULL;

	/* An empty input still gives an (empty) vector, never NULL. */
	v = calloc(1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	while (*s) {
		s += strspn(s, blanks);
		size_t l = strcspn(s, blanks);
		if (l == 0)
			break;
		if (strv_consume(&v, strndup(s, l)) < 0) {
			strv_free(v);
			return -ENOMEM;
		}
		s += l;
	}
	*ret = v;
	return 0;
}

char **strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
	return NULL;
}

void strv_freep(char ***v)
{
	*v = strv_free(*v);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **v)
{
	if (v)
		qsort(v, strv_length(v), sizeof(char *), compare_strings);
}
