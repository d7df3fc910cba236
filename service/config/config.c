/* config.c: the KEY=value config format, parsed as the shell would read it, never executed. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fsutil.h"
#include "growbuf.h"
#include "log.h"
#include "macro.h"
#include "strfmt.h"

struct parser {
	struct config *cfg;
	const char *p, *end;
	const char *file;
	unsigned line;
};

/* -E2BIG once the value would pass CONFIG_VALUE_MAX bytes. */
static int sbuf_add(struct growbuf *b, const char *s, size_t len)
{
	return growbuf_append(b, s, len, CONFIG_VALUE_MAX);
}

static int sbuf_addc(struct growbuf *b, char c)
{
	return sbuf_add(b, &c, 1);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_key_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_key_char(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9');
}

static int __attribute__((format(printf, 3, 4)))
parse_error(const struct parser *ps, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_cleanup_free_ char *reason = strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!reason)
		return -ENOMEM;
	log_error("%s:%u: %s", ps->file, line, reason);
	return -EINVAL;
}

/* The reason an unquoted shell metacharacter is refused, or NULL when c is not one. */
static const char *metachar_reason(char c)
{
	switch (c) {
	case ';':
		return "unquoted ';' (a command separator) is not allowed";
	case '|':
		return "unquoted '|' (a pipe) is not allowed";
	case '&':
		return "unquoted '&' is not allowed";
	case '<':
	case '>':
		return "redirections ('<', '>') are not allowed";
	case '(':
	case ')':
		return "unquoted '(' or ')' is not allowed";
	case '`':
		return "command substitution (`...`) is not allowed";
	default:
		return NULL;
	}
}

/* Expands "$..." at ps->p (which points at the '$') into out. */
static int parse_dollar(struct parser *ps, struct growbuf *out, bool quoted)
{
	const char *p = ps->p + 1, *name;
	size_t len;
	bool braced = false;

	if (p < ps->end && *p == '(')
		return parse_error(ps, ps->line, "command substitution $(...) is not allowed");
	if (p < ps->end && *p == '{') {
		braced = true;
		p++;
	}
	name = p;
	if (p < ps->end && is_key_start(*p))
		while (p < ps->end && is_key_char(*p))
			p++;
	len = (size_t)(p - name);
	if (braced) {
		if (len == 0 || p >= ps->end || *p != '}')
			return parse_error(ps, ps->line,
					   "only ${NAME} and $NAME expansions are supported");
		p++;
	} else if (len == 0) {
		char c = p < ps->end ? *p : '\0';
		if ((c >= '0' && c <= '9') || (c && strchr("$?!#@*-", c)))
			return parse_error(ps, ps->line, "special parameter $%c is not supported",
					   c);
		if (!quoted && (c == '\'' || c == '"'))
			return parse_error(ps, ps->line, "$%c...%c quoting is not supported", c, c);
		/* A lone '$' is literal, as in the shell. */
		ps->p++;
		return sbuf_addc(out, '$');
	}
	_cleanup_free_ char *key = strndup(name, len);
	if (!key)
		return -ENOMEM;
	const char *v = config_get(ps->cfg, key);
	ps->p = p;
	return v ? sbuf_add(out, v, strlen(v)) : 0;
}

static int parse_single_quoted(struct parser *ps, struct growbuf *out)
{
	unsigned start_line = ps->line;
	const char *q = ++ps->p;

	while (q < ps->end && *q != '\'') {
		if (*q == '\0')
			return parse_error(ps, ps->line, "NUL byte in the text");
		if (*q == '\n')
			ps->line++;
		q++;
	}
	if (q >= ps->end)
		return parse_error(ps, start_line, "unbalanced ' quote");
	int r = sbuf_add(out, ps->p, (size_t)(q - ps->p));
	ps->p = q + 1;
	return r;
}

static int parse_double_quoted(struct parser *ps, struct growbuf *out)
{
	unsigned start_line = ps->line;
	int r = 0;

	ps->p++;
	while (r == 0) {
		if (ps->p >= ps->end)
			return parse_error(ps, start_line, "unbalanced \" quote");
		char c = *ps->p;
		if (c == '"') {
			ps->p++;
			return 0;
		} else if (c == '\0') {
			return parse_error(ps, ps->line, "NUL byte in the text");
		} else if (c == '`') {
			return parse_error(ps, ps->line, "%s", metachar_reason(c));
		} else if (c == '$') {
			r = parse_dollar(ps, out, true);
		} else if (c == '\\' && ps->p + 1 < ps->end) {
			char n = ps->p[1];
			ps->p += 2;
			if (n == '\n')
				ps->line++; /* a line continuation */
			else if (strchr("\"\\$`", n))
				r = sbuf_addc(out, n);
			else
				r = sbuf_add(out, ps->p - 2, 2);
		} else {
			if (c == '\n')
				ps->line++;
			r = sbuf_addc(out, c);
			ps->p++;
		}
	}
	return r;
}

/* Parses one value (ends at an unquoted blank, newline or the end) into out. */
static int parse_value(struct parser *ps, struct growbuf *out)
{
	bool tilde_may_expand = true; /* at the start, and after ':', as in shell assignments */
	int r = sbuf_add(out, "", 0);

	while (r == 0 && ps->p < ps->end) {
		char c = *ps->p;
		const char *reason = metachar_reason(c);

		if (is_blank(c) || c == '\n')
			break;
		if (reason)
			return parse_error(ps, ps->line, "%s", reason);
		if (c == '\0')
			return parse_error(ps, ps->line, "NUL byte in the text");
		if (c == '~' && tilde_may_expand)
			return parse_error(ps, ps->line,
					   "tilde expansion is not supported; write the path");
		tilde_may_expand = c == ':';
		if (c == '\'') {
			r = parse_single_quoted(ps, out);
		} else if (c == '"') {
			r = parse_double_quoted(ps, out);
		} else if (c == '$') {
			r = parse_dollar(ps, out, false);
		} else if (c == '\\') {
			if (ps->p + 1 >= ps->end)
				return parse_error(ps, ps->line,
						   "backslash at the end of the text");
			if (ps->p[1] == '\n')
				ps->line++; /* a line continuation */
			else
				r = sbuf_addc(out, ps->p[1]);
			ps->p += 2;
		} else {
			r = sbuf_addc(out, c);
			ps->p++;
		}
	}
	return r;
}

/* Parses "KEY=value [# comment]" at ps->p and applies it. */
static int parse_assignment(struct parser *ps)
{
	unsigned line = ps->line;
	const char *key = ps->p;
	_cleanup_free_ char *k = NULL, *origin = NULL;
	struct growbuf value = {NULL, 0, 0};
	int r;

	if (!is_key_start(*ps->p))
		return parse_error(ps, line,
				   "expected KEY=value (KEY must match [A-Za-z_][A-Za-z0-9_]*)");
	while (ps->p < ps->end && is_key_char(*ps->p))
		ps->p++;
	k = strndup(key, (size_t)(ps->p - key));
	if (!k)
		return -ENOMEM;
	if (ps->p >= ps->end || *ps->p != '=') {
		if (ps->p < ps->end && !is_blank(*ps->p) && *ps->p != '\n') {
			const char *e = ps->p;
			while (e < ps->end && *e && !strchr(" \t\r\n=", *e) && e - key < 64)
				e++;
			return parse_error(ps, line, "invalid KEY \"%.*s\"", (int)(e - key), key);
		}
		return parse_error(ps, line, "missing \"=\" directly after %s", k);
	}
	ps->p++;
	r = parse_value(ps, &value);
	if (r == -E2BIG)
		r = parse_error(ps, line, "the value of %s is longer than %d bytes", k,
				CONFIG_VALUE_MAX);
	if (r < 0)
		goto out;
	while (ps->p < ps->end && is_blank(*ps->p))
		ps->p++;
	if (ps->p < ps->end && *ps->p != '\n' && *ps->p != '#') {
		const char *reason = metachar_reason(*ps->p);
		r = parse_error(ps, ps->line, "%s",
				reason ? reason : "unquoted blank in the value (quote the value)");
		goto out;
	}
	if (asprintf(&origin, "%s:%u", ps->file, line) < 0) {
		origin = NULL;
		r = -ENOMEM;
		goto out;
	}
	r = config_set(ps->cfg, k, value.data, origin);
out:
	free(value.data);
	return r;
}

int config_parse_text(struct config *cfg, const char *text, size_t len, const char *origin_file)
{
	struct parser ps = {cfg, text, text + len, origin_file ? origin_file : "(config)", 1};

	while (ps.p < ps.end) {
		char c = *ps.p;
		if (is_blank(c)) {
			ps.p++;
		} else if (c == '\n') {
			ps.line++;
			ps.p++;
		} else if (c == '#') {
			while (ps.p < ps.end && *ps.p != '\n')
				ps.p++;
		} else {
			int r = parse_assignment(&ps);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int config_parse_file(struct config *cfg, const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file(path, &text, &len);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path);
	return config_parse_text(cfg, text, len, path);
}

static struct config_entry *entry_find(const struct config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (streq(cfg->entries[i].key, key))
			return &cfg->entries[i];
	return NULL;
}

int config_set(struct config *cfg, const char *key, const char *value, const char *origin)
{
	struct config_entry *e = entry_find(cfg, key);
	char *v = strdup(value), *o = origin ? strdup(origin) : NULL;

	if (!v || (origin && !o))
		goto nomem;
	if (!e) {
		struct config_entry *n = realloc(cfg->entries, (cfg->n + 1) * sizeof(*n));
		if (!n)
			goto nomem;
		cfg->entries = n;
		e = &n[cfg->n];
		*e = (struct config_entry){strdup(key), NULL, NULL};
		if (!e->key)
			goto nomem;
		cfg->n++;
	}
	free(e->value);
	free(e->origin);
	e->value = v;
	e->origin = o;
	return 0;
nomem:
	free(v);
	free(o);
	return -ENOMEM;
}

const char *config_get(const struct config *cfg, const char *key)
{
	const struct config_entry *e = config_find(cfg, key);

	return e ? e->value : NULL;
}

const struct config_entry *config_find(const struct config *cfg, const char *key)
{
	return entry_find(cfg, key);
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
		free(cfg->entries[i].origin);
	}
	free(cfg->entries);
	cfg->entries = NULL;
	cfg->n = 0;
}
