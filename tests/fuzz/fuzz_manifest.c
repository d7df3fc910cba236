/* fuzz_manifest.c: libFuzzer target for the onboot manifest parser (and, on the same bytes,
 * the kernel command line parser). Checks what a successful parse promises. */
#include "cmdline.h"
#include "kmsg.h"
#include "manifest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_script(const struct manifest_script *s)
{
	if (!script_name_is_valid(s->name, strlen(s->name)))
		abort();
	if ((s->protocol != 4 && s->protocol != 5) || s->bufsize > BUFSIZE_MAX || s->line < 2)
		abort();
	/* params: "" or " k=v" words, no quotes, no blanks inside a word */
	for (const char *p = s->params; *p; p++) {
		if (*p == '"' || *p == '\t' || *p == '\n' || *p == '\r')
			abort();
		if (*p == ' ' && (p[1] == ' ' || p[1] == '\0' || p[1] == '='))
			abort();
	}
	if (*s->params && s->params[0] != ' ')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_switches b;
	struct manifest m;
	size_t lines = 1;
	char *text;

	log_setup(NULL, false, false);
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (manifest_parse((const char *)data, size, "fuzz", &m) == 0) {
		if (m.n_scripts + m.bad_lines > lines)
			abort();
		for (size_t i = 0; i < m.n_scripts; i++) {
			check_script(&m.scripts[i]);
			for (size_t j = 0; j < i; j++)
				if (strcmp(m.scripts[i].name, m.scripts[j].name) == 0)
					abort();
		}
		manifest_free(&m);
	}

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cmdline_parse(text, &b) == 0) {
		boot_switches_skip(&b, "a");
		boot_switches_free(&b);
	}
	free(text);
	return 0;
}
