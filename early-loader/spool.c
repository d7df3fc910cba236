/* spool.c: keeping a script's output in memory up to a limit, counting what is lost. */
#include "spool.h"

#include <stdlib.h>
#include <string.h>

/* The first allocation: most boot traces are a few hundred KiB. */
#define SPOOL_FIRST_CAP (64 * 1024)

static uint64_t newlines(const char *data, size_t len)
{
	uint64_t n = 0;

	for (const char *p = data; (p = memchr(p, '\n', len - (size_t)(p - data))); p++)
		n++;
	return n;
}

void spool_init(struct spool *s, size_t limit)
{
	*s = (struct spool){.limit = limit, .line_start = true};
}

/* Room for want bytes in all, never beyond the limit: false when memory ran out. */
static bool reserve(struct spool *s, size_t want)
{
	size_t cap = s->cap ? s->cap : SPOOL_FIRST_CAP;
	char *n;

	if (want <= s->cap)
		return true;
	while (cap < want)
		cap = cap > s->limit / 2 ? s->limit : cap * 2;
	if (cap > s->limit)
		cap = s->limit;
	n = realloc(s->buf, cap);
	if (!n)
		return false;
	s->buf = n;
	s->cap = cap;
	return true;
}

void spool_count_lost(struct spool *s, const char *data, size_t len)
{
	uint64_t lines = newlines(data, len);

	s->lost_bytes += len;
	s->gap_bytes += len;
	s->lost_lines += lines;
	s->gap_lines += lines;
}

void spool_lose(struct spool *s, const char *data, size_t len)
{
	if (len == 0)
		return;
	spool_count_lost(s, data, len);
	s->line_start = data[len - 1] == '\n';
}

void spool_passed(struct spool *s, const char *data, size_t len)
{
	if (len)
		s->line_start = data[len - 1] == '\n';
}

void spool_keep(struct spool *s, const char *data, size_t len)
{
	size_t fit = 0;

	if (len == 0)
		return;
	if (!s->full && s->len + len <= s->limit && reserve(s, s->len + len))
		fit = len;
	else if (!s->full) {
		/* Whole lines only: cut after the last newline that still fits. */
		size_t room = s->limit - s->len;
		const char *nl = NULL;

		for (size_t i = room < len ? room : len; i > 0 && !nl; i--)
			if (data[i - 1] == '\n')
				nl = data + i - 1;
		fit = nl ? (size_t)(nl - data) + 1 : 0;
		if (fit && !reserve(s, s->len + fit))
			fit = 0;
		s->full = true;
	}
	if (fit) {
		memcpy(s->buf + s->len, data, fit);
		s->len += fit;
		spool_passed(s, data, fit);
	}
	spool_lose(s, data + fit, len - fit);
}

size_t spool_resync(struct spool *s, const char *data, size_t len)
{
	const char *nl;
	size_t n;

	if (s->gap_bytes == 0 || s->line_start)
		return 0;
	nl = memchr(data, '\n', len);
	n = nl ? (size_t)(nl - data) + 1 : len;
	spool_lose(s, data, n);
	return n;
}

bool spool_gap_ready(const struct spool *s)
{
	return s->gap_bytes > 0 && s->line_start;
}

void spool_gap_written(struct spool *s)
{
	s->gap_bytes = s->gap_lines = 0;
}

void spool_clear(struct spool *s)
{
	s->len = 0;
	s->full = false;
	/* Give back what a big boot trace took: the file takes the output from now on. */
	free(s->buf);
	s->buf = NULL;
	s->cap = 0;
}

void spool_free(struct spool *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}
