/* manifest_read.c: the parser of the onboot manifest and the onboot set. A bad line is logged
 * with its number and skipped; only a missing or foreign header refuses the whole file. */
#include "manifest.h"

#include "fileio.h"
#include "log_api.h"
#include "manifest_names.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX (MANIFEST_LINE_MAX / 2 + 1)

static const char *const header_word[] = {
    [MANIFEST_BOOT] = "stap-onboot-manifest",
    [MANIFEST_SET] = "stap-onboot-set",
};

struct line {
	const char *origin;
	unsigned number;
	char *word[WORDS_MAX];
	size_t n_words;
};

struct parser {
	struct manifest m;
	struct manifest_names seen; /* the names so far: a duplicate is found in O(1) */
};

/* Kernel module parameter names: letters, digits, '_', '-' and '.'. */
static bool param_key_is_valid(const char *k, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = k[i];

		if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
		    c != '_' && c != '-' && c != '.')
			return false;
	}
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

/* A log_size value: decimal bytes, at most COLLECT_LOG_SIZE_MAX. */
static int parse_size(const char *s, unsigned long long *ret)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long long)(*s - '0');
		if (v > COLLECT_LOG_SIZE_MAX)
			return -ERANGE;
	}
	*ret = v;
	return 0;
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

/* One key=value word of a manifest's script line into s (params collects param= words). */
static int parse_boot_key(const struct line *l, const char *w, struct manifest_script *s,
			  bool *have_bufsize, char *params, size_t *plen)
{
	if (strncmp(w, "protocol=", 9) == 0) {
		if (s->protocol)
			return bad_line(l, "protocol= given twice", NULL);
		if (strcmp(w + 9, "4") && strcmp(w + 9, "5"))
			return bad_line(l, "protocol must be 4 or 5, not", w + 9);
		s->protocol = w[9] - '0';
		return 0;
	}
	if (strncmp(w, "bufsize=", 8) == 0) {
		if (*have_bufsize)
			return bad_line(l, "bufsize= given twice", NULL);
		if (parse_uint(w + 8, BUFSIZE_MAX, &s->bufsize) < 0)
			return bad_line(l, "bufsize must be a number of MB from 0 to 4095, not",
					w + 8);
		*have_bufsize = true;
		return 0;
	}
	if (strncmp(w, "param=", 6) == 0)
		return append_param(l, params, plen, w + 6);
	return bad_line(l, "unknown key", w);
}

/* One key=value word of a set's script line: opts= only, once. */
static int parse_set_key(const struct line *l, const char *w, char **opts)
{
	if (strncmp(w, "opts=", 5) != 0)
		return bad_line(l, "unknown key", w);
	if (*opts)
		return bad_line(l, "opts= given twice", NULL);
	if (manifest_unescape(w + 5, opts) < 0)
		return bad_line(l, "bad %XX escape or control character in", w);
	return 0;
}

static int parse_script(const struct line *l, struct parser *p)
{
	struct manifest_script s = {.line = l->number};
	char params[MANIFEST_LINE_MAX + 2] = "";
	bool have_bufsize = false;
	bool is_set = p->m.kind == MANIFEST_SET;
	char *opts = NULL;
	size_t plen = 0;
	int r = 0;

	if (l->n_words < 2)
		return bad_line(l, "script line without a name", NULL);
	if (!script_name_valid(l->word[1]))
		return bad_line(l,
				"invalid script name (must match " SCRIPT_NAME_RULE
				", at most 55 characters)",
				l->word[1]);
	if (manifest_names_has(&p->seen, p->m.scripts, l->word[1]))
		return bad_line(l, "script listed twice", l->word[1]);
	for (size_t i = 2; i < l->n_words && r == 0; i++)
		r = is_set ? parse_set_key(l, l->word[i], &opts)
			   : parse_boot_key(l, l->word[i], &s, &have_bufsize, params, &plen);
	if (r == 0 && !is_set && !s.protocol)
		r = bad_line(l, "script line without protocol=4|5 for", l->word[1]);
	if (r == 0)
		r = manifest_add_script(&p->m, l->word[1], s.protocol, s.bufsize, params,
					is_set ? (opts ? opts : "") : NULL);
	free(opts);
	if (r == 0) {
		p->m.scripts[p->m.n_scripts - 1].line = l->number;
		r = manifest_names_add(&p->seen, p->m.scripts, p->m.n_scripts - 1);
	}
	return r;
}

static int parse_record(const struct line *l, struct parser *p)
{
	const char *kw = l->word[0];

	if (strcmp(kw, "script") == 0)
		return parse_script(l, p);
	if (p->m.kind == MANIFEST_BOOT && strcmp(kw, "kernel") == 0) {
		if (l->n_words != 2)
			return bad_line(l, "kernel line needs exactly one release", NULL);
		if (p->m.kernel)
			return bad_line(l, "kernel given twice", NULL);
		if (!kernel_release_valid(l->word[1]))
			return bad_line(l, "not a kernel release:", l->word[1]);
		p->m.kernel = strdup(l->word[1]);
		return p->m.kernel ? 0 : -ENOMEM;
	}
	if (p->m.kind == MANIFEST_BOOT && strcmp(kw, "log_boot_err") == 0) {
		if (l->n_words != 2 || (strcmp(l->word[1], "yes") && strcmp(l->word[1], "no")))
			return bad_line(l, "log_boot_err must be yes or no", NULL);
		p->m.log_boot_err = strcmp(l->word[1], "yes") == 0;
		return 0;
	}
	if (p->m.kind == MANIFEST_BOOT && strcmp(kw, "log_size") == 0) {
		unsigned long long v = 0;

		if (l->n_words != 2 || parse_size(l->word[1], &v) < 0)
			return bad_line(
			    l, "log_size must be a number of bytes from 0 to 1073741824", NULL);
		p->m.log_size = v;
		return 0;
	}
	if (p->m.kind == MANIFEST_BOOT && strcmp(kw, "mode") == 0) {
		if (l->n_words != 2 || (strcmp(l->word[1], "early") && strcmp(l->word[1], "hook")))
			return bad_line(l, "mode must be early or hook", NULL);
		p->m.mode =
		    strcmp(l->word[1], "hook") == 0 ? MANIFEST_MODE_HOOK : MANIFEST_MODE_EARLY;
		return 0;
	}
	return bad_line(l, "unknown record", kw);
}

static int parse_header(const struct line *l, enum manifest_kind kind)
{
	const char *want = header_word[kind];

	if (l->n_words < 1 || strcmp(l->word[0], want) != 0) {
		log_error("%s:1: not an onboot %s (line 1 must be '%s 1')", l->origin,
			  kind == MANIFEST_SET ? "set" : "manifest", want);
		return -EBADMSG;
	}
	if (l->n_words != 2 || strcmp(l->word[1], "1") != 0) {
		log_error("%s:1: unsupported %s format '%s' (this program reads format 1)",
			  l->origin, kind == MANIFEST_SET ? "set" : "manifest",
			  l->n_words > 1 ? l->word[1] : "");
		return -EBADMSG;
	}
	return 0;
}

/* Parses one line (without its newline); returns -ENOMEM/-EBADMSG to stop, else 0. */
static int parse_line(struct line *l, const char *text, size_t len, struct parser *p)
{
	char buf[MANIFEST_LINE_MAX + 1];
	int r;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (len > MANIFEST_LINE_MAX || memchr(text, '\0', len)) {
		if (l->number == 1) {
			log_error("%s:1: not an onboot manifest", l->origin);
			return -EBADMSG;
		}
		bad_line(
		    l, len > MANIFEST_LINE_MAX ? "line longer than 4096 bytes" : "NUL byte in line",
		    NULL);
		p->m.bad_lines++;
		return 0;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	split_words(buf, l);
	if (l->number == 1)
		return parse_header(l, p->m.kind);
	if (l->n_words == 0 || l->word[0][0] == '#')
		return 0;
	r = parse_record(l, p);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		p->m.bad_lines++;
	return 0;
}

int manifest_parse(const char *text, size_t len, const char *origin, enum manifest_kind kind,
		   struct manifest *ret)
{
	struct parser p = {.m = {.kind = kind, .log_size = COLLECT_LOG_SIZE_DEFAULT}};
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
		r = parse_header(l, kind);
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		l->number++;
		r = parse_line(l, text + pos, end - pos, &p);
		if (r < 0)
			break;
		pos = end + 1;
	}
	free(l);
	manifest_names_free(&p.seen);
	if (r < 0) {
		manifest_free(&p.m);
		return r;
	}
	*ret = p.m;
	return 0;
}

int manifest_load(const char *path, enum manifest_kind kind, struct manifest *ret)
{
	char *text;
	size_t len;
	int r;

	r = read_file_limited(path, MANIFEST_FILE_MAX, &text, &len);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path);
	r = manifest_parse(text, len, path, kind, ret);
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
