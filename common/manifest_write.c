/* manifest_write.c: building manifest records in memory and writing them out in the one
 * format manifest_read.c reads back. */
#include "manifest.h"

#include "manifest_names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int manifest_add_script(struct manifest *m, const char *name, int protocol, unsigned bufsize,
			const char *params, const char *opts)
{
	struct manifest_script s = {.protocol = protocol, .bufsize = bufsize};
	struct manifest_script *n;

	if (!script_name_valid(name))
		return -EINVAL;
	strcpy(s.name, name);
	s.params = strdup(params ? params : "");
	s.opts = opts ? strdup(opts) : NULL;
	if (!s.params || (opts && !s.opts))
		goto nomem;
	/* Doubling when n is a power of two: amortized O(1) per record, no capacity field. */
	if ((m->n_scripts & (m->n_scripts - 1)) == 0) {
		n = realloc(m->scripts, (m->n_scripts ? m->n_scripts * 2 : 1) * sizeof(*n));
		if (!n)
			goto nomem;
		m->scripts = n;
	}
	m->scripts[m->n_scripts++] = s;
	return 0;
nomem:
	free(s.params);
	free(s.opts);
	return -ENOMEM;
}

/* True when text can be a param= value list: " k=v" words with no quote or control. */
static bool params_writable(const char *params)
{
	for (const char *p = params; *p; p++)
		if (*p == '"' || (unsigned char)*p < ' ' || *p == 0x7f ||
		    (*p == ' ' && (p[1] == ' ' || p[1] == '\0' || p[1] == '=')))
			return false;
	return !*params || params[0] == ' ';
}

static bool opts_writable(const char *opts)
{
	for (const char *p = opts; *p; p++)
		if (((unsigned char)*p < ' ' && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

static int check_records(const struct manifest *m)
{
	struct manifest_names seen = {0};
	int r = 0;

	if (m->kind == MANIFEST_BOOT &&
	    ((m->kernel && !kernel_release_valid(m->kernel)) || m->log_size > COLLECT_LOG_SIZE_MAX))
		return -EINVAL;
	for (size_t i = 0; i < m->n_scripts && r == 0; i++) {
		const struct manifest_script *s = &m->scripts[i];

		if (!script_name_valid(s->name) || manifest_names_has(&seen, m->scripts, s->name))
			r = -EINVAL;
		else if (m->kind == MANIFEST_BOOT &&
			 ((s->protocol != 4 && s->protocol != 5) || s->bufsize > BUFSIZE_MAX ||
			  !params_writable(s->params)))
			r = -EINVAL;
		else if (m->kind == MANIFEST_SET && s->opts && !opts_writable(s->opts))
			r = -EINVAL;
		else
			r = manifest_names_add(&seen, m->scripts, i);
	}
	manifest_names_free(&seen);
	return r;
}

static int write_script(FILE *f, enum manifest_kind kind, const struct manifest_script *s)
{
	char *escaped = NULL;

	fprintf(f, "script %s", s->name);
	if (kind == MANIFEST_BOOT) {
		fprintf(f, " protocol=%d bufsize=%u", s->protocol, s->bufsize);
		/* params is " k=v k2=v2": each word becomes param=k=v. */
		for (const char *p = s->params; *p;) {
			size_t n = strcspn(p + 1, " ");

			fprintf(f, " param=%.*s", (int)n, p + 1);
			p += n + 1;
		}
	} else if (s->opts && *s->opts) {
		if (manifest_escape(s->opts, &escaped) < 0)
			return -ENOMEM;
		fprintf(f, " opts=%s", escaped);
		free(escaped);
	}
	fputc('\n', f);
	return 0;
}

int manifest_format(const struct manifest *m, char **ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	r = check_records(m);
	if (r < 0)
		return r;
	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	/* Line 1 must be the format line: comments only after it. */
	if (m->kind == MANIFEST_BOOT) {
		fputs("stap-onboot-manifest 1\n"
		      "# Written by systemtap-service onboot; run it again to change this file.\n",
		      f);
		if (m->kernel)
			fprintf(f, "kernel %s\n", m->kernel);
		fprintf(f, "log_boot_err %s\n", m->log_boot_err ? "yes" : "no");
		fprintf(f, "mode %s\n", m->mode == MANIFEST_MODE_HOOK ? "hook" : "early");
		fprintf(f, "log_size %llu\n", m->log_size);
	} else
		fputs(
		    "stap-onboot-set 1\n"
		    "# The onboot set, in start order, with the options each script was built\n"
		    "# with. Written by systemtap-service onboot; kernel hooks build it for every\n"
		    "# new kernel.\n",
		    f);
	for (size_t i = 0; i < m->n_scripts && r == 0; i++)
		r = write_script(f, m->kind, &m->scripts[i]);
	if (fclose(f) != 0 || r < 0) {
		free(text);
		return -ENOMEM;
	}
	*ret = text;
	return 0;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n_scripts; i++) {
		free(m->scripts[i].params);
		free(m->scripts[i].opts);
	}
	free(m->scripts);
	free(m->kernel);
	*m = (struct manifest){0};
}
