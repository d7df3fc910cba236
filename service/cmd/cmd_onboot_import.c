/* cmd_onboot_import.c: `onboot --import [-r KVER]`: the modules upstream's 2026 services
 * (stap@.service, stap-service-prepare) keep in MODULES_PATH/KVER/systemtap/NAME.ko, with the
 * options of SCRIPT_PATH/NAME.options (else NAME.options beside the module), taken into the
 * cache of KVER, so that a machine moving from upstream's stap-onboot keeps its modules even
 * without stap. A module is taken only when it is a module for KVER, its script has not
 * changed since it was built (upstream's own rule: the script not newer than the module), and
 * its bytes name the stap version that built it. stap-onboot (argv[0]) imports first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cache.h"
#include "cache_install.h"
#include "cache_kernel.h"
#include "cmd_common.h"
#include "commands.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "module_origin.h"
#include "optfilter.h"
#include "script_conf.h"
#include "sha256.h"
#include "stap_version.h"
#include "strv.h"
#include "tempfile.h"
#include "upstream_options.h"

#define UPSTREAM_DIR "systemtap"

/* NAME's options: SCRIPT_PATH/NAME.options, else beside the module; none is no options. */
static int read_options(const struct settings *s, const char *dir, const char *name,
			struct upstream_options *ret, char **ret_from)
{
	const char *const bases[] = {s->script_path, dir};

	for (size_t i = 0; i < ELEMENTSOF(bases); i++) {
		int r;

		if (asprintf(ret_from, "%s/%s.options", bases[i], name) < 0)
			return -ENOMEM;
		r = upstream_options_read(*ret_from, ret);
		if (r != -ENOENT)
			return r;
		free(*ret_from);
	}
	*ret_from = NULL;
	ret->stap = strdup("");
	ret->staprun = strdup("");
	return ret->stap && ret->staprun ? 0 : -ENOMEM;
}

/* The normalized compile options of text joined, or NULL after a message. */
static char *compile_opts(const char *text, const char *from)
{
	_cleanup_strv_free_ char **words = NULL, **norm = NULL, **comp = NULL;
	_cleanup_free_ char *bad = NULL;

	if (opts_split(text, &words) < 0 || opts_normalize(words, &norm, &bad) < 0 ||
	    opts_for_compile(norm, &comp) < 0) {
		log_error("%s: STAP_OPTIONS=%s cannot be used (%s)", from, text, bad ? bad : "?");
		return NULL;
	}
	return strv_join(comp, " ");
}

/* Why ko of name cannot be imported (NULL: it can): *m filled then, its digest in *hex. */
static const char *judge(const struct settings *s, const char *name, const char *ko,
			 const char *opts_text, const char *from, struct cache_meta *m,
			 char hex[SHA256_HEX_SIZE], bool *srvstat)
{
	_cleanup_free_ char *release = NULL, *stp = NULL;
	struct stat ss, ks;
	int r;

	r = module_vermagic_release(ko, &release);
	if (r < 0 || !streq(release, s->kernel_release))
		return "it is not a module for this kernel";
	r = module_origin(ko, &m->stap_version, srvstat);
	if (r < 0 || !m->stap_version)
		return "its bytes do not say which stap built it";
	m->protocol = stap_protocol_for_version(m->stap_version);
	if (m->protocol < 0)
		return "it was built by an unknown stap version";
	if (asprintf(&stp, "%s/%s.stp", s->script_path, name) < 0)
		return "out of memory";
	if (stat(stp, &ss) == 0 && stat(ko, &ks) == 0) {
		if (ss.st_mtim.tv_sec > ks.st_mtim.tv_sec ||
		    (ss.st_mtim.tv_sec == ks.st_mtim.tv_sec &&
		     ss.st_mtim.tv_nsec > ks.st_mtim.tv_nsec))
			return "its script changed since it was built";
		if (sha256_file(stp, hex) < 0)
			return "its script cannot be read";
		m->script_sha256 = hex;
	}
	m->opts = compile_opts(opts_text, from ? from : "no options file");
	if (!m->opts)
		return "its STAP_OPTIONS cannot be used";
	m->kernel_release = s->kernel_release;
	return NULL;
}

/* Imports dir/NAME.ko. 1 imported, 0 left (said why), -errno. */
static int import_one(struct settings *s, const char *dir, const char *name)
{
	_cleanup_free_ char *ko = NULL, *from = NULL, *copy = NULL;
	struct temp work = TEMP_INIT;
	struct upstream_options o = {0};
	struct cache_meta m = {0};
	enum cache_state st = CACHE_MISSING;
	char hex[SHA256_HEX_SIZE];
	struct timespec now;
	const char *why;
	bool srvstat = false;
	int r;

	if (asprintf(&ko, "%s/%s.ko", dir, name) < 0)
		return -ENOMEM;
	clog(" Importing %s ... ", name);
	r = read_options(s, dir, name, &o, &from);
	if (r < 0) {
		clog("skipped\n");
		return r == -ENOMEM ? r : 0;
	}
	why = judge(s, name, ko, o.stap, from, &m, hex, &srvstat);
	if (!why && cache_check(s, name, m.opts, &st) == 0 && st == CACHE_VALID)
		why = "its cache here is valid already";
	r = 0;
	if (why) {
		clog("skipped (%s)\n", why);
		goto out;
	}
	r = temp_dir(s->temp_path, "import", &work);
	if (r == 0 && asprintf(&copy, "%s/%s.ko", work.path, name) < 0)
		r = -ENOMEM;
	if (r == 0)
		r = copy_file_atomic(ko, copy, 0644);
	clock_gettime(CLOCK_REALTIME, &now);
	if (r == 0)
		r = cache_install(s, name, work.path, &now, &m);
	clog(r == 0 ? "done\n" : "error\n");
	if (r == 0)
		r = script_conf_adopt(s, name, o.stap, from ? from : "the module's (no options)");
	if (r == 0 && *o.staprun)
		log_warning("%s: STAPRUN_OPTIONS=%s is not taken over: put the stap options that "
			    "give it into %s_OPT (-s N for -b N, -o FILE for -o FILE)",
			    from, o.staprun, name);
	if (r == 0 && !srvstat)
		log_warning("%s was not built by systemtap-service: started at boot, status and "
			    "stop see it only once it is rebuilt here",
			    ko);
	if (r == 0 && !m.script_sha256)
		log_warning("%s has no script in %s: it is used with ALLOW_CACHEONLY=yes only",
			    name, s->script_path);
	r = r < 0 ? r : 1;
out:
	temp_discard(&work);
	free(m.opts);
	free(m.stap_version);
	upstream_options_free(&o);
	return r;
}

int onboot_import_upstream(struct invocation *inv, size_t *ret_found)
{
	struct settings *s = inv->s;
	_cleanup_free_ char *dir = NULL;
	_cleanup_strv_free_ char **names = NULL;
	size_t done = 0;
	int r;

	if (asprintf(&dir, "%s/%s/" UPSTREAM_DIR, s->modules_path, s->kernel_release) < 0)
		return log_error_errno(-ENOMEM, "Failed to import");
	r = scan_dir_names(dir, ".ko", &names);
	*ret_found = strv_length(names);
	if (r < 0 || !names)
		return r;
	r = mkdir_p(s->cache_path, 0755);
	if (r < 0)
		return log_error_errno(r, "Failed to make cache directory (%s)", s->cache_path);
	clog("Importing upstream's modules of %s:\n", dir);
	strv_sort(names);
	for (size_t i = 0; names[i]; i++) {
		r = import_one(s, dir, names[i]);
		if (r < 0)
			return r == -ENOMEM ? log_error_errno(r, "Failed to import") : r;
		done += (size_t)r;
	}
	clog("Imported %zu of %zu modules into %s\n", done, strv_length(names), s->cache_path);
	return (int)done;
}

int cmd_onboot_import(struct invocation *inv)
{
	size_t found = 0;
	int r;

	if (inv->names_given) {
		log_error(
		    "--import takes no script names: every module of the kernel is looked at");
		return EXIT_USAGE;
	}
	r = onboot_import_upstream(inv, &found);

	if (r == 0 && found == 0)
		clog("No modules of upstream's services in %s/%s/" UPSTREAM_DIR "\n",
		     inv->s->modules_path, inv->s->kernel_release);
	return r < 0 ? EXIT_FAIL : EXIT_OK;
}
