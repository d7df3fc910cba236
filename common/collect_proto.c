/* collect_proto.c: the collectors' socket requests and state file, written and parsed in one
 * place for the early loader and systemtap-service. */
#include "collect_proto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define STATE_HEADER "stap-onboot-collector 1"

static const char *const module_names[COLLECT_MODULE_STATES] = {
    [COLLECT_MODULE_RUNNING] = "running",
    [COLLECT_MODULE_EXITED] = "exited",
    [COLLECT_MODULE_STOPPED] = "stopped",
    [COLLECT_MODULE_DETACHED] = "detached",
};

static const char *const output_names[COLLECT_OUTPUT_OUTPUTS] = {
    [COLLECT_OUTPUT_MEMORY] = "memory",
    [COLLECT_OUTPUT_FILE] = "file",
    [COLLECT_OUTPUT_DONE] = "done",
};

const char *collect_module_name(enum collect_module m)
{
	return m < COLLECT_MODULE_STATES ? module_names[m] : "unknown";
}

const char *collect_output_name(enum collect_output o)
{
	return o < COLLECT_OUTPUT_OUTPUTS ? output_names[o] : "unknown";
}

/* An absolute path of printable characters without blanks, shorter than max. */
static bool path_ok(const char *p, size_t len, size_t max)
{
	if (len == 0 || len >= max || p[0] != '/')
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
			return false;
	return true;
}

int collect_request_parse(const char *msg, size_t len, struct collect_request *ret)
{
	struct collect_request r = {0};

	if (len > 0 && msg[len - 1] == '\n')
		len--;
	if (len == 5 && memcmp(msg, "close", 5) == 0) {
		r.verb = COLLECT_CLOSE;
	} else if (len > 5 && memcmp(msg, "save ", 5) == 0 &&
		   path_ok(msg + 5, len - 5, COLLECT_DIR_MAX)) {
		r.verb = COLLECT_SAVE;
		memcpy(r.dir, msg + 5, len - 5);
		r.dir[len - 5] = '\0';
	} else
		return -EINVAL;
	*ret = r;
	return 0;
}

int collect_request_format(const struct collect_request *r, char *buf, size_t size)
{
	int n;

	if (r->verb == COLLECT_CLOSE)
		n = snprintf(buf, size, "close\n");
	else if (r->verb == COLLECT_SAVE &&
		 path_ok(r->dir, strnlen(r->dir, sizeof(r->dir)), COLLECT_DIR_MAX))
		n = snprintf(buf, size, "save %s\n", r->dir);
	else
		return -EINVAL;
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

int collect_state_format(const struct collect_state *st, char *buf, size_t size)
{
	size_t flen = strnlen(st->file, sizeof(st->file));
	int n;

	if (!script_name_valid(st->script) ||
	    (flen && !path_ok(st->file, flen, COLLECT_PATH_MAX)) ||
	    st->module >= COLLECT_MODULE_STATES || st->output >= COLLECT_OUTPUT_OUTPUTS)
		return -EINVAL;
	n = snprintf(buf, size,
		     STATE_HEADER "\nscript %s\npid %ld\nmodule %s\noutput %s\n%s%s%slog_size "
				  "%llu\nkept %llu\nlost_bytes %llu\nlost_lines %llu\n"
				  "transport_failures %llu\n",
		     st->script, st->pid, module_names[st->module], output_names[st->output],
		     flen ? "file " : "", flen ? st->file : "", flen ? "\n" : "",
		     (unsigned long long)st->log_size, (unsigned long long)st->kept,
		     (unsigned long long)st->lost_bytes, (unsigned long long)st->lost_lines,
		     (unsigned long long)st->transport_failures);
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

static int parse_u64(const char *v, size_t len, uint64_t *ret)
{
	uint64_t n = 0;

	if (len == 0 || len > 20)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EBADMSG;
		if (n > (UINT64_MAX - (uint64_t)(v[i] - '0')) / 10)
			return -EBADMSG;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	*ret = n;
	return 0;
}

static int parse_name(const char *v, size_t len, const char *const *names, int count)
{
	for (int i = 0; i < count; i++)
		if (strlen(names[i]) == len && memcmp(v, names[i], len) == 0)
			return i;
	return -EBADMSG;
}

/* Bits of the keys a state file must have. */
enum {
	HAVE_SCRIPT = 1,
	HAVE_PID = 2,
	HAVE_MODULE = 4,
	HAVE_OUTPUT = 8,
	HAVE_ALL = 15,
};

static int parse_line(const char *k, size_t klen, const char *v, size_t vlen,
		      struct collect_state *st, unsigned *have)
{
	uint64_t *num = NULL, pid;
	int i;

#define KEY(s) (klen == sizeof(s) - 1 && memcmp(k, s, klen) == 0)
	if (KEY("script")) {
		if (vlen > SCRIPT_NAME_MAX)
			return -EBADMSG;
		memset(st->script, 0, sizeof(st->script));
		memcpy(st->script, v, vlen);
		st->script[vlen] = '\0';
		if (!script_name_valid(st->script))
			return -EBADMSG;
		*have |= HAVE_SCRIPT;
	} else if (KEY("pid")) {
		if (parse_u64(v, vlen, &pid) < 0 || pid == 0 || pid > 0x7fffffff)
			return -EBADMSG;
		st->pid = (long)pid;
		*have |= HAVE_PID;
	} else if (KEY("module")) {
		i = parse_name(v, vlen, module_names, COLLECT_MODULE_STATES);
		if (i < 0)
			return i;
		st->module = (enum collect_module)i;
		*have |= HAVE_MODULE;
	} else if (KEY("output")) {
		i = parse_name(v, vlen, output_names, COLLECT_OUTPUT_OUTPUTS);
		if (i < 0)
			return i;
		st->output = (enum collect_output)i;
		*have |= HAVE_OUTPUT;
	} else if (KEY("file")) {
		if (!path_ok(v, vlen, COLLECT_PATH_MAX))
			return -EBADMSG;
		/* A later line replaces an earlier one whole. */
		memset(st->file, 0, sizeof(st->file));
		memcpy(st->file, v, vlen);
		st->file[vlen] = '\0';
	} else if (KEY("log_size"))
		num = &st->log_size;
	else if (KEY("kept"))
		num = &st->kept;
	else if (KEY("lost_bytes"))
		num = &st->lost_bytes;
	else if (KEY("lost_lines"))
		num = &st->lost_lines;
	else if (KEY("transport_failures"))
		num = &st->transport_failures;
#undef KEY
	return num ? parse_u64(v, vlen, num) : 0;
}

int collect_state_parse(const char *text, size_t len, struct collect_state *ret)
{
	struct collect_state st = {0};
	size_t hlen = strlen(STATE_HEADER), pos;
	unsigned have = 0;

	if (len < hlen + 1 || memcmp(text, STATE_HEADER "\n", hlen + 1) != 0)
		return -EBADMSG;
	for (pos = hlen + 1; pos < len;) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos), *sp;
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		int r;

		pos += n + 1;
		if (n == 0)
			continue;
		sp = memchr(line, ' ', n);
		if (!sp || memchr(line, '\0', n))
			return -EBADMSG;
		r = parse_line(line, (size_t)(sp - line), sp + 1, n - (size_t)(sp - line) - 1, &st,
			       &have);
		if (r < 0)
			return r;
	}
	if (have != HAVE_ALL)
		return -EBADMSG;
	*ret = st;
	return 0;
}

bool collect_ctl_is_of(const char *link, const char *name)
{
	static const char dir[] = "/systemtap/", file[] = "/.cmd";
	size_t l = strlen(link), n = strlen(name), tail = sizeof(dir) - 1 + n + sizeof(file) - 1;

	if (!script_name_valid(name) || l < tail)
		return false;
	link += l - tail;
	return memcmp(link, dir, sizeof(dir) - 1) == 0 &&
	       memcmp(link + sizeof(dir) - 1, name, n) == 0 &&
	       strcmp(link + sizeof(dir) - 1 + n, file) == 0;
}
