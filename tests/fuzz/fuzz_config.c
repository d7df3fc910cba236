/* fuzz_config.c: config_parse_text on any bytes; an accepted text must give entries that
 * survive a round trip through single quotes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Our error messages would fill the log; sanitizer reports write to fd 2 directly. */
	FILE *null = fopen("/dev/null", "w");
	if (null)
		stderr = null;
	return 0;
}

/* KEY='value' with every ' written as '\'' */
static char *quote_entry(const struct config_entry *e)
{
	size_t n = strlen(e->key) + 4;
	char *out, *o;

	for (const char *v = e->value; *v; v++)
		n += *v == '\'' ? 4 : 1;
	out = o = malloc(n + 1);
	if (!out)
		abort();
	o += sprintf(o, "%s='", e->key);
	for (const char *v = e->value; *v; v++) {
		if (*v == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *v;
		}
	}
	*o++ = '\'';
	*o++ = '\n';
	*o = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg = {0}, again = {0};

	/* A key set before, for $PRE expansions. */
	if (config_set(&cfg, "PRE", "pre'val\"ue $x", NULL) < 0)
		abort();
	if (config_parse_text(&cfg, (const char *)data, size, "fuzz.conf") == 0) {
		for (size_t i = 0; i < cfg.n; i++) {
			const struct config_entry *e = &cfg.entries[i];
			char *line = quote_entry(e);
			if (config_parse_text(&again, line, strlen(line), "again") != 0)
				abort();
			if (strcmp(config_get(&again, e->key), e->value) != 0)
				abort();
			if (i > 0 && (!e->origin || strncmp(e->origin, "fuzz.conf:", 10) != 0))
				abort();
			free(line);
		}
	}
	config_free(&cfg);
	config_free(&again);
	return 0;
}
