/* collect_out.h: where a collector puts one script's output: memory (spool.h) until it is
 * given a directory, then NAME.log there, appended, with the marker lines a reader needs: a
 * section header per boot, the gaps, the end. */
#pragma once
#include "collect_proto.h"
#include "names.h"
#include "spool.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Every line the collector itself writes into the file starts with this. */
#define OUT_MARK "-- stap-onboot: "

/* What a section header says: which boot, kernel and script, and when it was armed. */
struct collect_ident {
	char name[SCRIPT_NAME_MAX + 1];
	char boot_id[40];	/* /proc/sys/kernel/random/boot_id, "unknown" when unreadable */
	char release[65];	/* uname -r */
	uint64_t armed_ns;	/* CLOCK_REALTIME when the loader armed it */
	uint64_t armed_boot_ns; /* CLOCK_BOOTTIME then: time since the kernel started */
};

struct collect_out {
	const struct collect_ident *id;
	int fd;			   /* NAME.log, or -1: the output is kept in memory */
	dev_t dev;		   /* of fd */
	ino_t ino;		   /* of fd */
	bool opened_once;	   /* a section for this boot was started in some file */
	bool file_line_start;	   /* fd's file ends at a line end */
	const char *gap_why;	   /* why the pending gap's bytes were lost */
	char dir[COLLECT_DIR_MAX]; /* the directory of the file, for the state file */
	char *pending;		   /* marker lines made while in memory, for the next file */
	size_t pending_len;
	struct spool spool; /* memory, and the account of what was lost */
};

/* In memory, keeping up to limit bytes. */
void out_init(struct collect_out *o, const struct collect_ident *id, size_t limit);

/* Takes one chunk of the script's output: into the file, or memory, or counted as lost. */
void out_feed(struct collect_out *o, const char *data, size_t len);

/* Opens NAME.log in dirfd (dir: its path, for messages and the state file) and makes it the
 * output: append only, created 0644, a regular file with one link, never a symlink. The first
 * file gets the boot's section header and the output kept in memory; another file (a rotated
 * log, a save after a close) a "continued" line. Opening the file already in use changes
 * nothing. 0, or -errno (logged) and the output stays where it was. */
int out_save(struct collect_out *o, int dirfd, const char *dir);

/* Writes "-- stap-onboot: NAME: TEXT" into the file; in memory it waits for the next file,
 * after the output kept until then. */
void out_mark(struct collect_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Marks a pending gap now, even in the middle of a cut line (the output has ended). */
void out_gap_now(struct collect_out *o);

/* Ends the file with a marker saying why (NULL: none), fsyncs and closes it: the output is
 * kept in memory again. Nothing when in memory. */
void out_close(struct collect_out *o, const char *why);

void out_free(struct collect_out *o);

/* "2026-11-22T10:11:12.345Z (2.345 s after the kernel started)" for the two clocks. */
void out_when(char *buf, size_t size, uint64_t real_ns, uint64_t boot_ns);
/* Now on both clocks. */
void out_now(uint64_t *real_ns, uint64_t *boot_ns);
