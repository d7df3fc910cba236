/* stap_version.c: which stap builds the modules, and the control protocol its modules speak. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "run.h"
#include "stap_version.h"

int stap_protocol_for_version(const char *version)
{
	char *end;
	long major;

	if (!version || *version < '0' || *version > '9')
		return -EINVAL;
	errno = 0;
	major = strtol(version, &end, 10);
	if (errno || (*end && *end != '.'))
		return -EINVAL;
	return major < 5 ? 4 : 5;
}

int stap_version_parse(const char *output, char **ret)
{
	const char *key = "(version ", *p;
	char *v;
	size_t n;

	p = output ? strstr(output, key) : NULL;
	if (!p)
		return -EBADMSG;
	p += strlen(key);
	n = strcspn(p, "/ ,)\n");
	if (n == 0 || *p < '0' || *p > '9')
		return -EBADMSG;
	v = strndup(p, n);
	if (!v)
		return -ENOMEM;
	*ret = v;
	return 0;
}

int stap_version_run(const struct settings *s, const char *stap, char **ret)
{
	char *argv[] = {(char *)stap, "-V", NULL};
	struct run_limit limit = {s->tool_timeout, "TOOL_TIMEOUT", "asked for its version, -V"};
	_cleanup_free_ char *out = NULL;
	int r;

	r = run_capture_limited(argv, NULL, &limit, &out);
	if (r == -ETIME)
		return r;
	if (r < 0)
		return log_error_errno(r, "Failed to run %s", stap);
	if (r > 0) {
		log_error("%s -V failed with exit code %d", stap, r);
		return -EIO;
	}
	r = stap_version_parse(out, ret);
	if (r < 0)
		return log_error_errno(r, "Cannot find the version in the output of %s -V", stap);
	return 0;
}

int stap_version(const struct settings *s, char **ret)
{
	/* One `stap -V` per process, however many scripts and calls. */
	static char *version, *version_of;
	char *v = NULL, *of;
	int r;

	if (!version || !streq(version_of, s->stap)) {
		r = stap_version_run(s, s->stap, &v);
		if (r < 0)
			return r;
		of = strdup(s->stap);
		if (!of) {
			free(v);
			return log_error_errno(-ENOMEM, "Failed to run %s", s->stap);
		}
		free(version);
		free(version_of);
		version = v;
		version_of = of;
	}
	v = strdup(version);
	if (!v)
		return log_error_errno(-ENOMEM, "Failed to run %s", s->stap);
	*ret = v;
	return 0;
}
