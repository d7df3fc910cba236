/* spool.h: a collector's account of one script's output stream: what it keeps in memory until
 * it has a file (whole, in whole lines, from the first byte up to a limit) and what it lost,
 * counted in bytes and lines, with the gap it leaves in the file. No I/O here. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spool {
	char *buf; /* the kept output, len bytes */
	size_t len, cap, limit;
	bool full;	 /* the limit was reached: nothing more is kept until spool_clear */
	bool line_start; /* the stream's last byte (kept, written or lost) ended a line */
	uint64_t lost_bytes, lost_lines; /* everything lost so far */
	uint64_t gap_bytes, gap_lines;	 /* lost since the last gap marker was written */
};

/* An empty spool that keeps up to limit bytes. */
void spool_init(struct spool *s, size_t limit);

/* Keeps data while it fits: when it does not, the kept output ends after the last whole line
 * that fits and the rest (and everything after, until spool_clear) is lost. */
void spool_keep(struct spool *s, const char *data, size_t len);

/* Counts data, the stream's latest, as lost (a full memory, a file that refused it). */
void spool_lose(struct spool *s, const char *data, size_t len);
/* Counts data as lost without moving the stream on (kept output the file refused). */
void spool_count_lost(struct spool *s, const char *data, size_t len);

/* Notes data that reached the file. */
void spool_passed(struct spool *s, const char *data, size_t len);

/* After a gap, the output resumes at a line start: the number of leading bytes of data that
 * finish the line cut by the gap, counted as lost (0 when there is no gap or it ended at a
 * line's end). */
size_t spool_resync(struct spool *s, const char *data, size_t len);

/* True when bytes were lost since the last gap marker (and the stream is at a line start
 * again, so the marker can be written). */
bool spool_gap_ready(const struct spool *s);

/* The gap marker was written: the next loss starts a new gap. */
void spool_gap_written(struct spool *s);

/* The kept output was written out: keep from nothing again, up to the limit. */
void spool_clear(struct spool *s);

void spool_free(struct spool *s);
