/* cache_check.c: whether a cache can still be used. By content, never by where or when it was
 * made: a cache copied from a build host (cp -r, rsync, tar: every mtime changed) is valid as
 * long as the script's bytes, the options, the kernel and the stap version are the ones it was
 * built with. Upstream's mtime rule is kept for caches that record no script digest. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cache.h"
#include "cache_kernel.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "module_sig.h"
#include "sha256.h"
#include "stap_version.h"

/* Whether the script's mtime is strictly after the module's (upstream's `-nt`). 0, or -errno
 * after a message. */
static int script_newer(const struct stat *ss, const char *ko, bool *ret)
{
	struct stat ks;

	if (stat(ko, &ks) < 0)
		return log_error_errno(-errno, "Failed to stat %s", ko);
	*ret = ss->st_mtim.tv_sec > ks.st_mtim.tv_sec || (ss->st_mtim.tv_sec == ks.st_mtim.tv_sec &&
							  ss->st_mtim.tv_nsec > ks.st_mtim.tv_nsec);
	return 0;
}

/* The script against what the cache recorded: its digest when there is one, else its mtime
 * against the module's. A missing script matches (ALLOW_CACHEONLY is the callers' rule). */
static int check_script(const struct settings *s, const char *name, const char *ko,
			const struct cache_meta *m, enum cache_state *ret)
{
	_cleanup_free_ char *stp = NULL;
	char hex[SHA256_HEX_SIZE];
	struct stat ss;
	bool newer = false;
	int r;

	*ret = CACHE_VALID;
	if (asprintf(&stp, "%s/%s.stp", s->script_path, name) < 0) {
		stp = NULL;
		return -ENOMEM;
	}
	if (stat(stp, &ss) < 0) {
		if (errno != ENOENT)
			return log_error_errno(-errno, "Failed to stat %s", stp);
		return 0;
	}
	if (!m->script_sha256) {
		r = script_newer(&ss, ko, &newer);
		if (r == 0 && newer)
			*ret = CACHE_SCRIPT_NEWER;
		return r;
	}
	r = sha256_file(stp, hex);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", stp);
	if (!streq(hex, m->script_sha256))
		*ret = CACHE_SCRIPT_CHANGED;
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

/* Where stap is installed, the version that built the module must be the installed one (an
 * upgraded stap rebuilds). Where it is not (a runtime-only machine), nothing here could build
 * the module again: the recorded version stands, and the recorded PROTOCOL tells staprun and
 * the loader how to talk to the module. */
static int check_stap(const struct settings *s, const struct cache_meta *m, enum cache_state *ret)
{
	_cleanup_free_ char *installed = NULL;
	int r = stap_installed_version(s, &installed);

	*ret = r == 0 && installed && !streq(installed, m->stap_version) ? CACHE_STAP_CHANGED
									 : CACHE_VALID;
	return r;
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
	r = check_stap(s, m, ret);
	if (r < 0 || *ret != CACHE_VALID)
		return r;
	return check_signature(s, ko, ret);
}

int cache_check(const struct settings *s, const char *name, const char *compile_opts,
		enum cache_state *ret)
{
	_cleanup_free_ char *ko = cache_ko_path(s, name);
	_cleanup_free_ char *opts = cache_opts_path(s, name);
	struct cache_meta m = {0};
	enum cache_state st = CACHE_UNREADABLE;
	int r;

	if (!ko || !opts)
		return log_error_errno(-ENOMEM, "Failed to check the cache of %s", name);
	if (!path_exists(ko) || !path_exists(opts)) {
		*ret = CACHE_MISSING;
		return 0;
	}
	r = cache_meta_read_quiet(opts, true, &m);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to read %s", opts);
	if (r < 0) {
		*ret = CACHE_UNREADABLE;
		return 0;
	}
	r = check_script(s, name, ko, &m, &st);
	if (r == 0 && st == CACHE_VALID)
		r = check_contents(s, ko, &m, compile_opts, &st);
	cache_meta_free(&m);
	if (r < 0)
		return r == -ENOMEM ? log_error_errno(r, "Failed to check the cache of %s", name)
				    : r;
	*ret = st;
	return 0;
}
