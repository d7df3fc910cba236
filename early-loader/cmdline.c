/* cmdline.c: rd.systemtap=, rd.systemtap.skip=, rd.debug and rdinitdebug. */
#include "cmdline.h"

#include "fileio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CMDLINE_MAX (64 * 1024)

/* dracut's getargbool: 0, no and off are false; anything else (or no value) is true. */
static bool value_is_true(const char *v)
{
	return !v || (strcmp(v, "0") && strcmp(v, "no") && strcmp(v, "off"));
}

/* Appends "list," to *names (",a,b," so far; NULL: empty). */
static int add_names(char **names, const char *list)
{
	size_t old = *names ? strlen(*names) : 1;
	size_t add = strlen(list);
	char *n = realloc(*names, old + add + 2);

	if (!n)
		return -ENOMEM;
	if (!*names)
		strcpy(n, ",");
	strcat(n, list);
	strcat(n, ",");
	*names = n;
	return 0;
}

/* rd.systemtap.console: no value or dracut's true words: every script; 0, no, off: none;
 * anything else: names. */
static int apply_console(struct boot_switches *b, const char *v)
{
	if (!v || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "on") == 0) {
		b->console_all = true;
	} else if (!value_is_true(v)) {
		b->console_all = false;
		free(b->console);
		b->console = NULL;
	} else if (*v)
		return add_names(&b->console, v);
	return 0;
}

/* Unknown values are ignored, as dracut ignores what its getarg does not understand: a typo
 * must not change how the machine boots. */
static void apply_mode(struct boot_switches *b, const char *v)
{
	if (strcmp(v, "early") == 0)
		b->mode = BOOT_MODE_EARLY;
	else if (strcmp(v, "hook") == 0)
		b->mode = BOOT_MODE_HOOK;
}

static void apply_timeout(struct boot_switches *b, const char *v)
{
	unsigned long n = 0;

	if (*v < '0' || *v > '9')
		return;
	for (; *v >= '0' && *v <= '9'; v++) {
		n = n * 10 + (unsigned long)(*v - '0');
		if (n > CMDLINE_TIMEOUT_MAX_S)
			return;
	}
	if (*v == '\0' && n > 0)
		b->timeout_s = (unsigned)n;
}

static int apply(struct boot_switches *b, char *word)
{
	char *value = strchr(word, '=');

	if (value)
		*value++ = '\0';
	if (strcmp(word, "rd.systemtap") == 0)
		b->disabled = !value_is_true(value);
	else if (strcmp(word, "rd.debug") == 0 || strcmp(word, "rdinitdebug") == 0)
		b->verbose = value_is_true(value);
	else if (strcmp(word, "rd.systemtap.skip") == 0 && value && *value)
		return add_names(&b->skip, value);
	else if (strcmp(word, "rd.systemtap.console") == 0)
		return apply_console(b, value);
	else if (strcmp(word, "rd.systemtap.mode") == 0 && value)
		apply_mode(b, value);
	else if (strcmp(word, "rd.systemtap.timeout") == 0 && value)
		apply_timeout(b, value);
	return 0;
}

int cmdline_parse(const char *text, struct boot_switches *ret)
{
	struct boot_switches b = {0};
	char *copy = strdup(text), *p, *out;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	p = copy;
	for (;;) {
		bool quoted = false;
		char *word;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		/* Like the kernel: quotes group a value with blanks and are removed. */
		word = out = p;
		for (; *p; p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (!quoted && (*p == ' ' || *p == '\t' || *p == '\n'))
				break;
			*out++ = *p;
		}
		if (*p)
			p++;
		*out = '\0';
		r = apply(&b, word);
		if (r < 0)
			break;
	}
	free(copy);
	if (r < 0) {
		boot_switches_free(&b);
		return r;
	}
	*ret = b;
	return 0;
}

int cmdline_load(const char *path, struct boot_switches *ret)
{
	char *text;
	size_t len;
	int r;

	r = read_file_limited(path, CMDLINE_MAX, &text, &len);
	if (r < 0)
		return r;
	r = cmdline_parse(text, ret);
	free(text);
	return r;
}

/* True when the ",a,b," list names script. */
static bool names_have(const char *names, const char *script)
{
	size_t n = strlen(script);

	if (!names || n == 0)
		return false;
	for (const char *p = names; (p = strstr(p, script)); p++)
		if (p > names && p[-1] == ',' && p[n] == ',')
			return true;
	return false;
}

bool boot_switches_skip(const struct boot_switches *b, const char *script)
{
	return names_have(b->skip, script);
}

bool boot_switches_console(const struct boot_switches *b, const char *script)
{
	return b->console_all || names_have(b->console, script);
}

void boot_switches_free(struct boot_switches *b)
{
	free(b->skip);
	free(b->console);
	b->skip = b->console = NULL;
}
