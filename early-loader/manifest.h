/* manifest.h: the onboot manifest (format 1, docs/design.md "Onboot manifest"). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define MANIFEST_DEFAULT_PATH "/usr/lib/stap-onboot/manifest"
#define MANIFEST_LINE_MAX 4096
#define MANIFEST_FILE_MAX (4 * 1024 * 1024)
/* The kernel's MODULE_NAME_LEN (64 - sizeof(unsigned long)) less the NUL. */
#define SCRIPT_NAME_MAX 55
#define BUFSIZE_MAX 4095

struct manifest_script {
	char name[SCRIPT_NAME_MAX + 1];
	int protocol;	  /* 4 (stap <= 4.9) or 5 (stap >= 5.0) */
	unsigned bufsize; /* MB, 0 = module default */
	char *params;	  /* " k=v k2=v2" for init_module, "" when none */
	unsigned line;	  /* line number in the manifest */
};

struct manifest {
	char *kernel; /* NULL when the manifest has no kernel line */
	bool log_boot_err;
	struct manifest_script *scripts;
	size_t n_scripts;
	unsigned bad_lines; /* lines that were rejected (each already logged) */
};

/* Parses text (len bytes, need not be NUL-terminated); origin names it in messages.
 * Returns 0 (bad lines are logged, counted in bad_lines and skipped), -EBADMSG when line 1 is
 * not a format 1 header (logged), or -ENOMEM. *ret is written only on success. */
int manifest_parse(const char *text, size_t len, const char *origin, struct manifest *ret);

/* Reads and parses the manifest at path: as manifest_parse, or -errno if unreadable (logged). */
int manifest_load(const char *path, struct manifest *ret);

/* The number of script records in text (lines after the first whose first word is
 * "script"), bad ones included: what a run is about to try. Does not log. */
size_t manifest_count_scripts(const char *text, size_t len);

void manifest_free(struct manifest *m);

/* True when name matches [A-Za-z_][A-Za-z0-9_]* and fits SCRIPT_NAME_MAX. */
bool script_name_is_valid(const char *name, size_t len);
