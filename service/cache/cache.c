/* cache.c: the compiled-module cache: its paths, the NAME.opts metadata, and whether a cache
 * can still be used. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "config.h"
#include "config_write.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "sha256.h"
#include "tempfile.h"

#define CACHE_MAGIC_LINE "STAP_ONBOOT_CACHE=1"

const char *cache_state_to_string(enum cache_state st)
{
	switch (st) {
	case CACHE_VALID:
		return "cache is valid";
	case CACHE_MISSING:
		return "no cache";
	case CACHE_SCRIPT_NEWER:
		return "script is newer than its cache";
	case CACHE_SCRIPT_CHANGED:
		return "script changed since its cache was built";
	case CACHE_STAP_CHANGED:
		return "module was built by another stap version than the installed one";
	case CACHE_OPTS_CHANGED:
		return "compile options changed";
	case CACHE_WRONG_KERNEL:
		return "module was built for another kernel release";
	case CACHE_BUILD_CHANGED:
		return "kernel was rebuilt since the module was compiled";
	case CACHE_UNREADABLE:
		return "cache files cannot be read";
	case CACHE_UNSIGNED:
		return "module is not signed, and modules are signed here";
	case CACHE_OTHER_KEY:
		return "module is signed with another key than the one in use";
	}
	return "unknown cache state";
}

static char *cache_file(const struct settings *s, const char *name, const char *suffix)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", s->cache_path, name, suffix) < 0)
		return NULL;
	return p;
}

char *cache_ko_path(const struct settings *s, const char *name)
{
	return cache_file(s, name, ".ko");
}

char *cache_opts_path(const struct settings *s, const char *name)
{
	return cache_file(s, name, ".opts");
}

char *cache_uprobes_path(const struct settings *s, const char *name)
{
	return cache_file(s, name, ".uprobes");
}

void cache_meta_free(struct cache_meta *m)
{
	free(m->kernel_release);
	free(m->kernel_build);
	free(m->stap_version);
	free(m->opts);
	free(m->script_sha256);
	*m = (struct cache_meta){0};
}

int cache_meta_write(const char *path, const struct cache_meta *m)
{
	const char *const keys[] = {"KERNEL_RELEASE", "KERNEL_BUILD", "STAP_VERSION"};
	const char *const vals[] = {m->kernel_release, m->kernel_build ? m->kernel_build : "",
				    m->stap_version};
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int r = 0;

	if (!m->kernel_release || !m->stap_version || !m->opts ||
	    (m->protocol != 4 && m->protocol != 5) ||
	    (m->script_sha256 && !sha256_hex_valid(m->script_sha256)))
		return log_error_errno(-EINVAL, "Refusing to write incomplete cache data to %s",
				       path);
	f = open_memstream(&buf, &size);
	if (!f)
		return log_error_errno(-ENOMEM, "Failed to write %s", path);
	fputs(CACHE_MAGIC_LINE "\n", f);
	for (size_t i = 0; i < ELEMENTSOF(keys) && r == 0; i++)
		r = config_write_assign(f, keys[i], vals[i]);
	fprintf(f, "PROTOCOL=%d\n", m->protocol);
	if (r == 0)
		r = config_write_assign(f, "OPTS", m->opts);
	if (r == 0 && m->script_sha256)
		r = config_write_assign(f, "SCRIPT_SHA256", m->script_sha256);
	if (fclose(f) != 0) {
		free(buf);
		return log_error_errno(-ENOMEM, "Failed to write %s", path);
	}
	if (r < 0) {
		free(buf);
		return log_error_errno(r, "Cannot write a line break into %s", path);
	}
	r = write_file_atomic(path, buf, size, 0644);
	free(buf);
	if (r < 0)
		return log_error_errno(r, "Failed to write %s", path);
	return 0;
}

/* Parses the text of a .opts file. quiet: no message when it is not one of ours (a cache
 * left by upstream's initscript is simply invalid). 0, -EBADMSG or -ENOMEM. */
static int meta_parse(const char *path, const char *text, size_t len, bool quiet,
		      struct cache_meta *ret)
{
	static const char *const required[] = {"KERNEL_RELEASE", "STAP_VERSION", "PROTOCOL",
					       "OPTS"};
	struct config cfg = {0};
	struct cache_meta m = {0};
	const char *build, *proto, *digest;
	int r;

	if (strncmp(text, CACHE_MAGIC_LINE "\n", strlen(CACHE_MAGIC_LINE) + 1) != 0) {
		if (!quiet)
			log_error("%s is not a cache file of this systemtap-service", path);
		return -EBADMSG;
	}
	r = config_parse_text(&cfg, text, len, path);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < ELEMENTSOF(required); i++)
		if (!config_get(&cfg, required[i])) {
			log_error("%s: %s is missing", path, required[i]);
			r = -EBADMSG;
			goto out;
		}
	proto = config_get(&cfg, "PROTOCOL");
	if (!streq(proto, "4") && !streq(proto, "5")) {
		log_error("%s: PROTOCOL=%s is neither 4 nor 5", path, proto);
		r = -EBADMSG;
		goto out;
	}
	digest = config_get(&cfg, "SCRIPT_SHA256");
	if (digest && *digest && !sha256_hex_valid(digest)) {
		log_error("%s: SCRIPT_SHA256=%s is no SHA-256 digest", path, digest);
		r = -EBADMSG;
		goto out;
	}
	build = config_get(&cfg, "KERNEL_BUILD");
	m.protocol = proto[0] - '0';
	m.kernel_release = strdup(config_get(&cfg, "KERNEL_RELEASE"));
	m.kernel_build = build && *build ? strdup(build) : NULL;
	m.stap_version = strdup(config_get(&cfg, "STAP_VERSION"));
	m.opts = strdup(config_get(&cfg, "OPTS"));
	m.script_sha256 = digest && *digest ? strdup(digest) : NULL;
	if (!m.kernel_release || (build && *build && !m.kernel_build) || !m.stap_version ||
	    !m.opts || (digest && *digest && !m.script_sha256)) {
		cache_meta_free(&m);
		r = -ENOMEM;
		goto out;
	}
	*ret = m;
	r = 0;
out:
	config_free(&cfg);
	return r == -EINVAL ? -EBADMSG : r;
}

int cache_meta_read_quiet(const char *path, bool quiet, struct cache_meta *ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file(path, &text, &len);
	if (r < 0) {
		if (!quiet)
			log_error_errno(r, "Failed to read %s", path);
		return r;
	}
	return meta_parse(path, text, len, quiet, ret);
}

int cache_meta_read(const char *path, struct cache_meta *ret)
{
	return cache_meta_read_quiet(path, false, ret);
}
