/* cache.c: the compiled-module cache: its paths, the NAME.opts metadata, and whether a cache
 * can still be used. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cache.h"
#include "cache_kernel.h"
#include "config.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "module_sig.h"

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
	*m = (struct cache_meta){0};
}

/* A config-format word that reads back as v: 'single quoted', a ' inside written as "'". */
static int quote_value(FILE *f, const char *v)
{
	if (strchr(v, '\n'))
		return -EINVAL;
	fputc('\'', f);
	for (; *v; v++) {
		if (*v == '\'')
			fputs("'\"'\"'", f);
		else
			fputc(*v, f);
	}
	fputc('\'', f);
	return 0;
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
	    (m->protocol != 4 && m->protocol != 5))
		return log_error_errno(-EINVAL, "Refusing to write incomplete cache data to %s",
				       path);
	f = open_memstream(&buf, &size);
	if (!f)
		return log_error_errno(-ENOMEM, "Failed to write %s", path);
	fputs(CACHE_MAGIC_LINE "\n", f);
	for (size_t i = 0; i < ELEMENTSOF(keys) && r == 0; i++) {
		fprintf(f, "%s=", keys[i]);
		r = quote_value(f, vals[i]);
		fputc('\n', f);
	}
	fprintf(f, "PROTOCOL=%d\nOPTS=", m->protocol);
	if (r == 0)
		r = quote_value(f, m->opts);
	fputc('\n', f);
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
	const char *build, *proto;
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
	build = config_get(&cfg, "KERNEL_BUILD");
	m.protocol = proto[0] - '0';
	m.kernel_release = strdup(config_get(&cfg, "KERNEL_RELEASE"));
	m.kernel_build = build && *build ? strdup(build) : NULL;
	m.stap_version = strdup(config_get(&cfg, "STAP_VERSION"));
	m.opts = strdup(config_get(&cfg, "OPTS"));
	if (!m.kernel_release || (build && *build && !m.kernel_build) || !m.stap_version ||
	    !m.opts) {
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

static int meta_read(const char *path, bool quiet, struct cache_meta *ret)
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
	return meta_read(path, false, ret);
}

/* Whether the script's mtime is strictly after the module's (upstream's `-nt`); a missing
 * script is never newer. 0, or -errno after a message. */
static int script_newer(const struct settings *s, const char *name, const char *ko, bool *ret)
{
	_cleanup_free_ char *stp = NULL;
	struct stat ss, ks;

	if (asprintf(&stp, "%s/%s.stp", s->script_path, name) < 0) {
		stp = NULL;
		return -ENOMEM;
	}
	if (stat(stp, &ss) < 0) {
		if (errno != ENOENT)
			return log_error_errno(-errno, "Failed to stat %s", stp);
		*ret = false;
		return 0;
	}
	if (stat(ko, &ks) < 0)
		return log_error_errno(-errno, "Failed to stat %s", ko);
	*ret = ss.st_mtim.tv_sec > ks.st_mtim.tv_sec ||
	       (ss.st_mtim.tv_sec == ks.st_mtim.tv_sec && ss.st_mtim.tv_nsec > ks.st_mtim.tv_nsec);
	return 0;
}

/* With a signing key in use (MODULE_SIGN_CERT, or DKMS's: sign_key.h), the module must be
 * signed with it; without, any signature (or none) will do. */
static int check_signature(const struct settings *s, const char *ko, enum cache_state *ret)
{
	_cleanup_free_ char *key = NULL, *signer = NULL;
	const struct cert_id *id;
	int r;

	r = module_sign_cert_id(s, &id);
	if (r < 0 || !id) {
		*ret = CACHE_VALID;
		return r;
	}
	r = module_signature(ko, &key, &signer);
	if (r == -ENOMEM)
		return r;
	*ret = r < 0				   ? CACHE_UNREADABLE
	       : !key				   ? CACHE_UNSIGNED
	       : module_signed_by(key, signer, id) ? CACHE_VALID
						   : CACHE_OTHER_KEY;
	return 0;
}

/* The checks that need the parsed .opts and the module, cheapest first. */
static int check_contents(const struct settings *s, const char *ko, const struct cache_meta *m,
			  const char *compile_opts, enum cache_state *ret)
{
	_cleanup_free_ char *release = NULL, *build = NULL;
	int r;

	if (!streq(m->opts, compile_opts)) {
		*ret = CACHE_OPTS_CHANGED;
		return 0;
	}
	if (!streq(m->kernel_release, s->kernel_release)) {
		*ret = CACHE_WRONG_KERNEL;
		return 0;
	}
	r = module_vermagic_release(ko, &release);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret = CACHE_UNREADABLE;
		return 0;
	}
	if (!streq(release, s->kernel_release)) {
		*ret = CACHE_WRONG_KERNEL;
		return 0;
	}
	r = kernel_build_version(s, s->kernel_release, &build);
	if (r < 0)
		return r;
	/* Unknown on either side: nothing to compare, the vermagic check has to do. */
	if (build && m->kernel_build && !streq(build, m->kernel_build)) {
		*ret = CACHE_BUILD_CHANGED;
		return 0;
	}
	return check_signature(s, ko, ret);
}

int cache_check(const struct settings *s, const char *name, const char *compile_opts,
		enum cache_state *ret)
{
	_cleanup_free_ char *ko = cache_ko_path(s, name);
	_cleanup_free_ char *opts = cache_opts_path(s, name);
	struct cache_meta m = {0};
	enum cache_state st = CACHE_UNREADABLE;
	bool newer = false;
	int r;

	if (!ko || !opts)
		return log_error_errno(-ENOMEM, "Failed to check the cache of %s", name);
	if (!path_exists(ko) || !path_exists(opts)) {
		*ret = CACHE_MISSING;
		return 0;
	}
	r = script_newer(s, name, ko, &newer);
	if (r < 0)
		return r;
	if (newer) {
		*ret = CACHE_SCRIPT_NEWER;
		return 0;
	}
	r = meta_read(opts, true, &m);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to read %s", opts);
	if (r < 0) {
		*ret = CACHE_UNREADABLE;
		return 0;
	}
	r = check_contents(s, ko, &m, compile_opts, &st);
	cache_meta_free(&m);
	if (r < 0)
		return r == -ENOMEM ? log_error_errno(r, "Failed to check the cache of %s", name)
				    : r;
	*ret = st;
	return 0;
}
