/* manifest.h: the onboot manifest (format 1, docs/design.md "Onboot manifest") and the
 * onboot set, its sibling: one record format, one parser and one writer, shared by
 * systemtap-service (which writes both) and stap-early-loader (which reads the manifest at
 * boot and lists it for the dracut module). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "collect_proto.h"
#include "names.h"

#define MANIFEST_DEFAULT_PATH "/usr/lib/stap-onboot/manifest"
#define MANIFEST_LINE_MAX 4096
#define MANIFEST_FILE_MAX (4 * 1024 * 1024)
#define BUFSIZE_MAX 4095

enum manifest_kind {
	/* "stap-onboot-manifest 1": what one image starts; script lines carry protocol=,
	 * bufsize=, param=. */
	MANIFEST_BOOT,
	/* "stap-onboot-set 1": the recorded onboot set (STATE_PATH/onboot.set); script lines
	 * carry opts= (the <NAME>_OPT it was built with, %XX-escaped) and nothing else. */
	MANIFEST_SET,
};

struct manifest_script {
	char name[SCRIPT_NAME_MAX + 1];
	int protocol;	  /* 4 (stap <= 4.9) or 5 (stap >= 5.0); 0 in a set */
	unsigned bufsize; /* MB, 0 = module default */
	char *params;	  /* " k=v k2=v2" for init_module, "" when none */
	char *opts;	  /* set: the options text, "" when none; NULL in a manifest */
	unsigned line;	  /* line number in the file (0 for records built in memory) */
};

/* Who starts an image's scripts (line "mode early|hook"; early when absent). */
enum manifest_mode {
	MANIFEST_MODE_EARLY, /* the loader is the image's /init and runs before the real init */
	MANIFEST_MODE_HOOK,  /* dracut's cmdline hook runs the loader, as upstream did */
};

struct manifest {
	enum manifest_kind kind;
	char *kernel; /* NULL when the manifest has no kernel line (always in a set) */
	bool log_boot_err;
	enum manifest_mode mode; /* a manifest's; always MANIFEST_MODE_EARLY in a set */
	/* "log_size BYTES" (ONBOOT_LOG_SIZE): what each script's collector keeps in memory
	 * until it is given the log directory; COLLECT_LOG_SIZE_DEFAULT when absent (and in a
	 * set), at most COLLECT_LOG_SIZE_MAX. */
	unsigned long long log_size;
	struct manifest_script *scripts;
	size_t n_scripts;
	unsigned bad_lines; /* lines that were rejected (each already logged) */
};

/* Parses text (len bytes, need not be NUL-terminated) as a file of the given kind; origin
 * names it in messages. Returns 0 (bad lines are logged, counted in bad_lines and skipped),
 * -EBADMSG when line 1 is not the header of that kind in format 1 (logged), or -ENOMEM.
 * *ret is written only on success. Linear in the number of lines. */
int manifest_parse(const char *text, size_t len, const char *origin, enum manifest_kind kind,
		   struct manifest *ret);

/* Reads and parses the file at path: as manifest_parse, or -errno if unreadable (logged;
 * -ENOTREGULAR for a FIFO or device: never blocks). */
int manifest_load(const char *path, enum manifest_kind kind, struct manifest *ret);

/* The number of script records in text (lines after the first whose first word is
 * "script"), bad ones included: what a run is about to try. Does not log. */
size_t manifest_count_scripts(const char *text, size_t len);

/* Appends a script record (copying name, params and opts; NULL means ""). 0, -EINVAL for a
 * name that breaks the rule or a name already there, -ENOMEM. */
int manifest_add_script(struct manifest *m, const char *name, int protocol, unsigned bufsize,
			const char *params, const char *opts);

/* The text of m in its kind's format: the file manifest_parse reads back into the same
 * records. 0 and *ret (newly allocated), -EINVAL when a record could not be read back (bad
 * name, kernel release, protocol, bufsize or param), -ENOMEM. */
int manifest_format(const struct manifest *m, char **ret);

void manifest_free(struct manifest *m);
