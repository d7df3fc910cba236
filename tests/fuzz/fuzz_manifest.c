/* fuzz_manifest.c: libFuzzer target for the loader's parsers of untrusted input, chosen by the
 * first byte (one target, so the Makefile needs no new rule):
 *   0x7f  the input is a module image for the .modinfo reader (modinfo.c), as read from disk;
 *   0x01  the rest is .modinfo content and header mutations: a valid ELF64 module is built
 *         around it and then corrupted, so the fuzzer starts deep in the section walk;
 *   else  the onboot manifest parser and, on the same bytes, the kernel command line parser.
 * Checks what a successful parse promises. */
#include "../unit/fake_elf.h"
#include "cmdline.h"
#include "kmsg.h"
#include "manifest.h"
#include "modinfo.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RELEASE "6.1.0-56-amd64"
#define MUTATIONS_MAX 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_script(const struct manifest_script *a, const struct manifest_script *b)
{
	return strcmp(a->name, b->name) == 0 && a->protocol == b->protocol &&
	       a->bufsize == b->bufsize && strcmp(a->params, b->params) == 0 &&
	       (a->opts ? b->opts && strcmp(a->opts, b->opts) == 0 : !b->opts);
}

/* What the parser accepted, the writer writes, and the parser reads back the same. */
static void check_round_trip(const struct manifest *m)
{
	struct manifest back;
	char *text;

	if (manifest_format(m, &text) != 0)
		abort();
	if (manifest_parse(text, strlen(text), "round trip", m->kind, &back) != 0)
		abort();
	if (back.bad_lines || back.n_scripts != m->n_scripts ||
	    back.log_boot_err != m->log_boot_err || back.mode != m->mode ||
	    (m->kind == MANIFEST_BOOT && back.log_size != m->log_size) ||
	    (m->kernel ? !back.kernel || strcmp(m->kernel, back.kernel) : back.kernel != NULL))
		abort();
	for (size_t i = 0; i < m->n_scripts; i++)
		if (!same_script(&m->scripts[i], &back.scripts[i]))
			abort();
	manifest_free(&back);
	free(text);
}

static void check_script(const struct manifest_script *s)
{
	if (!script_name_valid(s->name))
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

static void fuzz_text(const uint8_t *data, size_t size)
{
	struct boot_switches b;
	struct manifest m;
	size_t lines = 1;
	char *text;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (manifest_count_scripts((const char *)data, size) > lines)
		abort();
	if (manifest_parse((const char *)data, size, "fuzz", MANIFEST_BOOT, &m) == 0) {
		if (m.n_scripts + m.bad_lines > lines || m.log_size > COLLECT_LOG_SIZE_MAX)
			abort();
		for (size_t i = 0; i < m.n_scripts; i++) {
			check_script(&m.scripts[i]);
			for (size_t j = 0; j < i && j < 64; j++)
				if (strcmp(m.scripts[i].name, m.scripts[j].name) == 0)
					abort();
		}
		check_round_trip(&m);
		manifest_free(&m);
	}
	if (manifest_parse((const char *)data, size, "fuzz", MANIFEST_SET, &m) == 0) {
		check_round_trip(&m);
		manifest_free(&m);
	}

	text = malloc(size + 1);
	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cmdline_parse(text, &b) == 0) {
		if (b.timeout_s > CMDLINE_TIMEOUT_MAX_S || b.mode > BOOT_MODE_HOOK)
			abort();
		boot_switches_skip(&b, "a");
		boot_switches_console(&b, "a");
		boot_switches_free(&b);
	}
	free(text);
}

/* True when [p, p + n) lies inside [start, start + len). */
static bool inside(const void *p, size_t n, const void *start, size_t len)
{
	const char *c = p, *s = start;

	return c >= s && c <= s + len && n <= (size_t)(s + len - c);
}

/* The image (len bytes, an allocation of exactly that size): returns whether modinfo_section
 * found .modinfo. */
static bool fuzz_image(const unsigned char *image, size_t len)
{
	const char *why = NULL, *v = NULL;
	struct modinfo mi;
	size_t vlen = 0;
	int r, rv = -ENODATA;
	bool found;

	r = modinfo_section(image, len, &mi, &why);
	found = r == 0;
	if (r == -ENOEXEC && !why)
		abort();
	if (r < 0 && r != -ENOEXEC && r != -ENOENT)
		abort();
	if (r == 0) {
		if (!inside(mi.data, mi.size, image, len))
			abort();
		rv = modinfo_get(&mi, "vermagic", &v, &vlen);
		if (rv == 0 && (!inside(v, vlen, mi.data, mi.size) || v - mi.data < 9 ||
				memcmp(v - 9, "vermagic=", 9) != 0))
			abort();
		if (rv != 0 && rv != -ENODATA)
			abort();
	}
	/* Accepted exactly when vermagic's first word is the release. */
	bool same = rv == 0 && vlen >= strlen(RELEASE) &&
		    memcmp(v, RELEASE, strlen(RELEASE)) == 0 &&
		    (vlen == strlen(RELEASE) || v[strlen(RELEASE)] == ' ');
	r = modinfo_check_release(image, len, "fuzz", RELEASE);
	if ((r == 0) != same || (r != 0 && r != -ENOEXEC))
		abort();
	return found;
}

/* data: [count, then count x (position high, position low, xor)] then .modinfo content. */
static void fuzz_built_image(const uint8_t *data, size_t size)
{
	size_t n_mut = size ? data[0] % (MUTATIONS_MAX + 1) : 0, len;
	const uint8_t *mut = data + 1;
	struct fe_section secs[2] = {
	    {".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, "\xc3", 1},
	    {".modinfo", SHT_PROGBITS, SHF_ALLOC, NULL, 0},
	};
	unsigned char *built, *image;

	if (size < 1 + 3 * n_mut)
		return;
	secs[1].data = data + 1 + 3 * n_mut;
	secs[1].size = size - 1 - 3 * n_mut;
	built = fe_build(secs, 2, &len);
	/* Mutate only the ELF header and the section headers: what the walk trusts. */
	Elf64_Ehdr eh = fe_get_ehdr(built);
	size_t structure = sizeof(eh) + (size_t)eh.e_shnum * sizeof(Elf64_Shdr);
	for (size_t i = 0; i < n_mut; i++) {
		size_t pos = (((size_t)mut[3 * i] << 8) | mut[3 * i + 1]) % structure;

		built[pos < sizeof(eh) ? pos : eh.e_shoff + pos - sizeof(eh)] ^= mut[3 * i + 2];
	}
	image = malloc(len);
	if (!image)
		abort();
	memcpy(image, built, len);
	free(built);
	if (!fuzz_image(image, len) && n_mut == 0)
		abort(); /* an unchanged image must have its .modinfo */
	free(image);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_setup(NULL, false, false);
	if (size > 0 && data[0] == 0x7f)
		fuzz_image(data, size);
	else if (size > 0 && data[0] == 0x01)
		fuzz_built_image(data + 1, size - 1);
	else
		fuzz_text(data, size);
	return 0;
}
