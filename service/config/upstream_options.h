/* upstream_options.h: the NAME.options files of upstream's 2026 services (upstream_options.c):
 * stap@.service and its stap-service-prepare source SCRIPT_PATH/NAME.options as a shell file,
 * staprun@.service reads it as a systemd EnvironmentFile. Two keys matter:
 *   STAP_OPTIONS="..."     the stap options the module was compiled with
 *   STAPRUN_OPTIONS="..."  the options staprun ran it with
 * Read here with the config parser: never executed; anything the parser refuses (command
 * substitution, ;, |, ...) makes the file unreadable, and the module is not imported. */
#pragma once
#include <stddef.h>

struct upstream_options {
	char *stap;    /* STAP_OPTIONS, "" when unset */
	char *staprun; /* STAPRUN_OPTIONS, "" when unset */
};

/* Parses the text of a NAME.options (origin names it in messages). 0 and *ret, -EINVAL after
 * log_error naming origin:line, -ENOMEM. */
int upstream_options_parse(const char *text, size_t len, const char *origin,
			   struct upstream_options *ret);
/* Reads path: as upstream_options_parse, or -errno after a message (-ENOENT silently: no file
 * means no options). */
int upstream_options_read(const char *path, struct upstream_options *ret);
void upstream_options_free(struct upstream_options *o);
