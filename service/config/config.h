/* config.h: the config file format: parsed, never executed.
 *
 * Accepted lines: blank, "# comment", KEY=value with KEY = [A-Za-z_][A-Za-z0-9_]*.
 * value: unquoted word, "double quoted" (\" \\ \$ \` escapes; $VAR and ${VAR} expand to
 * keys set before, else to ""), 'single quoted' (literal), or several of these joined.
 * A trailing "# comment" after blanks is allowed. Anything else - command substitution
 * $(...) or backticks, ;, |, &, <, >, an unquoted blank inside a value, a missing "=" - is
 * an error naming file:line, and nothing is executed.
 * A value longer than CONFIG_VALUE_MAX bytes after expansion is an error too: without a
 * bound, "A=$A$A" repeated doubles the value on every line. */
#pragma once
#include <stddef.h>

#define CONFIG_VALUE_MAX (64 * 1024)

struct config_entry {
	char *key;
	char *value;
	char *origin; /* "file:line" where it was last set */
};

struct config {
	struct config_entry *entries; /* in order of first assignment; later ones override */
	size_t n;
};

/* Parses text (of file name origin_file) into cfg, overriding earlier keys.
 * Returns 0, or -EINVAL after log_error("FILE:LINE: reason") (a value over
 * CONFIG_VALUE_MAX included), or -ENOMEM. */
int config_parse_text(struct config *cfg, const char *text, size_t len, const char *origin_file);
/* Reads and parses path; unreadable file: log_error naming it with strerror, -errno. */
int config_parse_file(struct config *cfg, const char *path);
/* Sets key to value (origin may be NULL). 0 or -ENOMEM. */
int config_set(struct config *cfg, const char *key, const char *value, const char *origin);
/* The value of key, or NULL when never set. */
const char *config_get(const struct config *cfg, const char *key);
/* The entry of key, or NULL. */
const struct config_entry *config_find(const struct config *cfg, const char *key);
void config_free(struct config *cfg);
