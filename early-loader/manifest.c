/* manifest.c: parser for the onboot manifest. A bad line is logged with its number and
 * skipped; only a missing or foreign header refuses the whole file. */
#include "manifest.h"

#include "fileutil.h"
#include "kmsg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_WORD "stap-onboot-manifest"
#define WORDS_MAX (MANIFEST_LINE_MAX / 2 + 1)

struct line {
	const char *origin;
	unsigned number;
	char *word[WORDS_MAX];
	size_t n_words;
};

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

bool script_name_is_valid(const char *name, size_t len)
{
	if (len == 0 || len > SCRIPT_NAME_MAX || !is_name_start(name[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_name_char(name[i]))
			return false;
	return true;
}

/* Kernel module parameter names: letters, digits, '_', '-' and '.'. */
static bool param_key_is_valid(const char *k, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(k[i]) && k[i] != '-' && k[i] != '.')
			return false;
	return true;
}

static int bad_line(const struct line *l, const char *reason, const char *what)
{
	log_error("%s:%u: %s%s%s%s, line ignored", l->origin, l->number, reason, what ? " '" : "",
		  what ? what : "", what ? "'" : "");
	return -EINVAL;
}

/* Splits buf (NUL-terminated, no newline) into words at runs of spaces and tabs. */
static void split_words(char *buf, struct line *l)
{
	char *p = buf;

	l->n_words = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return;
		l->word[l->n_words++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (!*p)
			return;
		*p++ = '\0';
	}
}

static int parse_uint(const char *s, unsigned max, unsigned *ret)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*ret = (unsigned)v;
	return 0;
}

static bool has_script(const struct manifest *m, const char *name)
{
	for (size_t i = 0; i < m->n_scripts; i++)
		if (strcmp(m->scripts[i].name, name) == 0)
			return true;
	return false;
}

static int append_param(const struct line *l, char *params, size_t *len, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = strlen(kv);

	if (!eq || !param_key_is_valid(kv, (size_t)(eq - kv)))
		return bad_line(l, "param= needs KEY=VALUE with a valid parameter name", kv);
	if (strncmp(kv, "_stp_bufsize=", 13) == 0)
		return bad_line(l, "use bufsize= instead of", kv);
	if (strchr(kv, '"'))
		return bad_line(l, "quotes are not allowed in", kv);
	/* The kernel splits module parameters at any isspace(), \r \v \f included. */
	for (const char *p = kv; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return bad_line(l, "control characters are not allowed in param=", NULL);
	/* params has room for the whole line, and kv is part of that line. */
	params[(*len)++] = ' ';
	memcpy(params + *len, kv, n + 1);
	*len += n;
	return 0;
}

static int parse_script(const struct line *l, struct manifest *m)
{
	struct manifest_script s = {.line = l->number};
	char params[MANIFEST_LINE_MAX + 2] = "";
	bool have_bufsize = false;
	size_t plen = 0;
	int r;

	if (l->n_words < 2)
		return bad_line(l, "script line without a name", NULL);
	if (!script_name_is_valid(l->word[1], strlen(l->word[1])))
		return bad_line(l,
				"invalid script name (must match [A-Za-z_][A-Za-z0-9_]*, "
				"at most 55 characters)",
				l->word[1]);
	if (has_script(m, l->word[1]))
		return bad_line(l, "script listed twice", l->word[1]);
	strcpy(s.name, l->word[1]);
	for (size_t i = 2; i < l->n_words; i++) {
		const char *w = l->word[i];

		if (strncmp(w, "protocol=", 9) == 0) {
			if (s.protocol)
				return bad_line(l, "protocol= given twice", NULL);
			if (strcmp(w + 9, "4") && strcmp(w + 9, "5"))
				return bad_line(l, "protocol must be 4 or 5, not", w + 9);
			s.protocol = w[9] - '0';
		} else if (strncmp(w, "bufsize=", 8) == 0) {
			if (have_bufsize)
				return bad_line(l, "bufsize= given twice", NULL);
			if (parse_uint(w + 8, BUFSIZE_MAX, &s.bufsize) < 0)
				return bad_line(
				    l, "bufsize must be a number of MB from 0 to 4095, not", w + 8);
			have_bufsize = true;
		} else if (strncmp(w, "param=", 6) == 0) {
			r = append_param(l, params, &plen, w + 6);
			if (r < 0)
				return r;
		} else
			return bad_line(l, "unknown key", w);
	}
	if (!s.protocol)
		return bad_line(l, "script line without protocol=4|5 for", s.name);

	s.params = strdup(params);
	if (!s.params)
		return -ENOMEM;
	struct manifest_script *n = realloc(m->scripts, (m->n_scripts + 1) * sizeof(*n));
	if (!n) {
		free(s.params);
		return -ENOMEM;
	}
	m->scripts = n;
	m->scripts[m->n_scripts++] = s;
	return 0;
}

static int parse_record(const struct line *l, struct manifest *m)
{
	const char *kw = l->word[0];

	if (strcmp(kw, "script") == 0)
		return parse_script(l, m);
	if (strcmp(kw, "kernel") == 0) {
		if (l->n_words != 2)
			return bad_line(l, "kernel line needs exactly one release", NULL);
		if (m->kernel)
			return bad_line(l, "kernel given twice", NULL);
		m->kernel = strdup(l->word[1]);
		return m->kernel ? 0 : -ENOMEM;
	}
	if (strcmp(kw, "log_boot_err") == 0) {
		if (l->n_words != 2 || (strcmp(l->word[1], "yes") && strcmp(l->word[1], "no")))
			return bad_line(l, "log_boot_err must be yes or no", NULL);
		m->log_boot_err = strcmp(l->word[1], "yes") == 0;
		return 0;
	}
	return bad_line(l, "unknown record", kw);
}

static int parse_header(const struct line *l)
{
	if (l->n_words < 1 || strcmp(l->word[0], HEADER_WORD) != 0) {
		log_error("%s:1: not an onboot manifest (line 1 must be '" HEADER_WORD " 1')",
			  l->origin);
		return -EBADMSG;
	}
	if (l->n_words != 2 || strcmp(l->word[1], "1") != 0) {
		log_error("%s:1: unsupported manifest format '%s' (this loader reads format 1)",
			  l->origin, l->n_words > 1 ? l->word[1] : "");
		return -EBADMSG;
	}
	return 0;
}

/* Parses one line (without its newline); returns -ENOMEM/-EBADMSG to stop, else 0. */
static int parse_line(struct line *l, const char *p, size_t len, struct manifest *m)
{
	char buf[MANIFEST_LINE_MAX + 1];
	int r;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len > MANIFEST_LINE_MAX || memchr(p, '\0', len)) {
		if (l->number == 1) {
			log_error("%s:1: not an onboot manifest", l->origin);
			return -EBADMSG;
		}
		bad_line(
		    l, len > MANIFEST_LINE_MAX ? "line longer than 4096 bytes" : "NUL byte in line",
		    NULL);
		m->bad_lines++;
		return 0;
	}
	memcpy(buf, p, len);
	buf[len] = '\0';
	split_words(buf, l);
	if (l->number == 1)
		return parse_header(l);
	if (l->n_words == 0 || l->word[0][0] == '#')
		return 0;
	r = parse_record(l, m);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		m->bad_lines++;
	return 0;
}

int manifest_parse(const char *text, size_t len, const char *origin, struct manifest *ret)
{
	struct manifest m = {0};
	struct line *l;
	size_t pos = 0;
	int r = 0;

	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->origin = origin;
	l->number = 0;
	if (len == 0) {
		l->n_words = 0;
		l->number = 1;
		r = parse_header(l);
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		l->number++;
		r = parse_line(l, text + pos, end - pos, &m);
		if (r < 0)
			break;
		pos = end + 1;
	}
	free(l);
	if (r < 0) {
		manifest_free(&m);
		return r;
	}
	*ret = m;
	return 0;
}

int manifest_load(const char *path, struct manifest *ret)
{
	char *text;
	size_t len;
	int r;

	r = read_file(path, MANIFEST_FILE_MAX, &text, &len);
	if (r < 0)
		return log_error_errno(r, "Failed to read manifest %s", path);
	r = manifest_parse(text, len, path, ret);
	free(text);
	return r;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

size_t manifest_count_scripts(const char *text, size_t len)
{
	static const char kw[] = "script";
	size_t n = 0, pos = 0, kwlen = sizeof(kw) - 1;

	for (unsigned line = 1; pos < len; line++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t i = pos;

		while (i < end && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (line > 1 && end - i >= kwlen && memcmp(text + i, kw, kwlen) == 0 &&
		    (end - i == kwlen || is_blank(text[i + kwlen])))
			n++;
		pos = end + 1;
	}
	return n;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n_scripts; i++)
		free(m->scripts[i].params);
	free(m->scripts);
	free(m->kernel);
	*m = (struct manifest){0};
}
