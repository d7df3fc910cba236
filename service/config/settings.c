/* settings.c: upstream defaults, then the main config and the *.conf of CONFIG_PATH applied. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "settings.h"
#include "settings_keys.h"
#include "collect_proto.h"
#include "settings_values.h"
#include "manifest.h"
#include "conf_files.h"
#include "strv.h"

/* Where systemtap's own programs live (not ours: BINDIR may be /usr/local/bin). */
#ifndef STAP_BINDIR
#define STAP_BINDIR "/usr/bin"
#endif

/* The kinds kept as a malloc'd string first, up to KIND_STRING. */
enum kind {
	KIND_PATH,     /* an absolute path */
	KIND_OPT_PATH, /* an absolute path, or "" for none */
	KIND_TOOL,     /* a program: a path, or a name looked up in PATH */
	KIND_STRING,   /* anything */
	KIND_BOOL,     /* check_bool; an invalid value gives the upstream fallback below */
	KIND_JOBS,     /* a positive integer */
	KIND_MODE,     /* ONBOOT_MODE: early or hook, kept as a bool (true: hook) */
	KIND_SECONDS,  /* a time limit: 0 (none) to SECONDS_MAX; "" is the default */
	KIND_SIZE,     /* ONBOOT_LOG_SIZE: bytes, with an optional K, M or G */
	KIND_BUFSIZE,  /* ONBOOT_BUFSIZE: MB, 0..BUFSIZE_MAX */
};

struct param {
	const char *key;
	enum kind kind;
	size_t offset;
	const char *def;   /* default of strings */
	bool def_bool;	   /* default of booleans */
	bool invalid_bool; /* what upstream made of an invalid boolean (check_bool's 2) */
};

#define STR(k, kind, field, def)                                                                   \
	{                                                                                          \
		k, kind, offsetof(struct settings, field), def, false, false                       \
	}
#define BOOL(k, field, def, inval)                                                                 \
	{                                                                                          \
		k, KIND_BOOL, offsetof(struct settings, field), NULL, def, inval                   \
	}

static const struct param params[] = {
    STR("SCRIPT_PATH", KIND_PATH, script_path, SYSCONFDIR "/systemtap/script.d"),
    STR("CONFIG_PATH", KIND_PATH, config_path, SYSCONFDIR "/systemtap/conf.d"),
    STR("CACHE_PATH", KIND_PATH, cache_root, LOCALSTATEDIR "/cache/systemtap"),
    STR("STAT_PATH", KIND_PATH, stat_path, RUNSTATEDIR "/systemtap"),
    STR("TEMP_PATH", KIND_PATH, temp_path, "/tmp"),
    STR("LOG_FILE", KIND_OPT_PATH, log_file, LOCALSTATEDIR "/log/systemtap.log"),
    STR("STATE_PATH", KIND_PATH, state_path, LOCALSTATEDIR "/lib/systemtap"),
    /* Upstream kept check_bool's 2 for invalid values: PASSALL and RECURSIVE test for 1,
     * AUTOCOMPILE for 0, LOG_BOOT_ERR reached the boot hook as 2 (= no). */
    BOOL("PASSALL", passall, true, false),
    BOOL("RECURSIVE", recursive, false, false),
    BOOL("AUTOCOMPILE", autocompile, true, true),
    BOOL("ALLOW_CACHEONLY", allow_cacheonly, false, false),
    BOOL("LOG_BOOT_ERR", log_boot_err, false, false),
    {"ONBOOT_MODE", KIND_MODE, offsetof(struct settings, onboot_hook), NULL, false, false},
    STR("DEFAULT_START", KIND_STRING, default_start, ""),
    STR("STAP", KIND_TOOL, stap, STAP_BINDIR "/stap"),
    STR("STAPRUN", KIND_TOOL, staprun, STAP_BINDIR "/staprun"),
    STR("DRACUT", KIND_TOOL, dracut, "dracut"),
    STR("NEW_KERNEL_PKG", KIND_TOOL, new_kernel_pkg, "/sbin/new-kernel-pkg"),
    STR("GRUBBY", KIND_TOOL, grubby, "/sbin/grubby"),
    STR("KERNEL_INSTALL", KIND_TOOL, kernel_install, "kernel-install"),
    {"COMPILE_JOBS", KIND_JOBS, offsetof(struct settings, compile_jobs), NULL, false, false},
    STR("BOOT_PATH", KIND_PATH, boot_path, "/boot"),
    STR("MODULES_PATH", KIND_PATH, modules_path, "/lib/modules"),
    STR("PROC_PATH", KIND_PATH, proc_path, "/proc"),
    STR("STAP_EARLY_LOADER", KIND_PATH, early_loader, SBINDIR "/stap-early-loader"),
    STR("DRACUT_OPTS", KIND_STRING, dracut_opts, ""),
    STR("MODULE_SIGN_KEY", KIND_OPT_PATH, module_sign_key, ""),
    STR("MODULE_SIGN_CERT", KIND_OPT_PATH, module_sign_cert, ""),
    /* Prebuilt sets and compile servers. */
    STR("COMPILE_SERVER", KIND_STRING, compile_server, ""),
    /* Secure Boot: where the machine's state is read, DKMS's key pair, mokutil. */
    STR("SYSFS_PATH", KIND_PATH, sysfs_path, "/sys"),
    STR("DKMS_PATH", KIND_OPT_PATH, dkms_path, LOCALSTATEDIR "/lib/dkms"),
    STR("MOKUTIL", KIND_TOOL, mokutil, "mokutil"),
    /* Time limits (run.h), the man page says why these. */
    STR("COMPILE_TIMEOUT", KIND_SECONDS, compile_timeout, "1800"),
    STR("DRACUT_TIMEOUT", KIND_SECONDS, dracut_timeout, "900"),
    STR("TOOL_TIMEOUT", KIND_SECONDS, tool_timeout, "300"),
    STR("ONBOOT_LOG_DIR", KIND_PATH, onboot_log_dir, LOCALSTATEDIR "/log/systemtap/onboot"),
    {"ONBOOT_LOG_SIZE", KIND_SIZE, offsetof(struct settings, onboot_log_size), NULL, false, false},
    {"ONBOOT_BUFSIZE", KIND_BUFSIZE, offsetof(struct settings, onboot_bufsize), NULL, false, false},
};

static char **str_field(struct settings *s, const struct param *p)
{
	return (char **)((char *)s + p->offset);
}

static bool *bool_field(struct settings *s, const struct param *p)
{
	return (bool *)((char *)s + p->offset);
}

static unsigned *seconds_field(struct settings *s, const struct param *p)
{
	return (unsigned *)((char *)s + p->offset);
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}

static int set_defaults(struct settings *s)
{
	for (size_t i = 0; i < ELEMENTSOF(params); i++) {
		const struct param *p = &params[i];
		if (p->kind == KIND_BOOL || p->kind == KIND_MODE) {
			*bool_field(s, p) = p->def_bool;
		} else if (p->kind == KIND_JOBS) {
			s->compile_jobs = online_cpus();
		} else if (p->kind == KIND_SECONDS) {
			*seconds_field(s, p) = (unsigned)strtoul(p->def, NULL, 10);
		} else if (p->kind == KIND_SIZE) {
			s->onboot_log_size = COLLECT_LOG_SIZE_DEFAULT;
		} else if (p->kind == KIND_BUFSIZE) {
			s->onboot_bufsize = ONBOOT_BUFSIZE_DEFAULT;
		} else {
			*str_field(s, p) = strdup(p->def);
			if (!*str_field(s, p))
				return -ENOMEM;
		}
	}
	return 0;
}

static int apply_param(struct settings *s, const struct param *p, const struct config_entry *e)
{
	const char *v = e->value;
	char **field;
	int b;

	switch (p->kind) {
	case KIND_BOOL:
		b = parse_bool(v);
		if (b < 0) {
			log_warning(
			    "%s: invalid %s value \"%s\" (expected yes or no): treated as %s",
			    e->origin, p->key, v, p->invalid_bool ? "yes" : "no");
			b = p->invalid_bool;
		}
		*bool_field(s, p) = b;
		return 0;
	case KIND_JOBS:
		/* COMPILE_JOBS= (as in the default config) means the default. */
		if (!*v) {
			s->compile_jobs = online_cpus();
			return 0;
		}
		if (settings_parse_jobs(v, &s->compile_jobs) < 0) {
			log_error("%s: COMPILE_JOBS must be a positive integer, not \"%s\"",
				  e->origin, v);
			return -EINVAL;
		}
		return 0;
	case KIND_SECONDS:
		if (settings_parse_seconds(*v ? v : p->def, seconds_field(s, p)) < 0) {
			log_error("%s: %s must be a number of seconds (0: no limit, at most %ld), "
				  "not \"%s\"",
				  e->origin, p->key, SECONDS_MAX, v);
			return -EINVAL;
		}
		return 0;
	case KIND_MODE:
		if (!streq(v, "early") && !streq(v, "hook")) {
			log_error("%s: %s must be early or hook, not \"%s\"", e->origin, p->key, v);
			return -EINVAL;
		}
		*bool_field(s, p) = streq(v, "hook");
		return 0;
	case KIND_SIZE:
		if (settings_parse_size(v, &s->onboot_log_size) < 0) {
			log_error("%s: %s must be a number of bytes (K, M or G allowed) up to 1G, "
				  "not \"%s\"",
				  e->origin, p->key, v);
			return -EINVAL;
		}
		return 0;
	case KIND_BUFSIZE:
		if (settings_parse_bufsize(v, &s->onboot_bufsize) < 0) {
			log_error("%s: %s must be a number of MB from 0 to %d, not \"%s\"",
				  e->origin, p->key, BUFSIZE_MAX, v);
			return -EINVAL;
		}
		return 0;
	case KIND_PATH:
	case KIND_OPT_PATH:
		/* LOG_FILE= means no log file, MODULE_SIGN_KEY= no signing, DKMS_PATH= no DKMS key.
		 */
		if (!*v && p->kind == KIND_PATH) {
			log_error("%s: %s must not be empty", e->origin, p->key);
			return -EINVAL;
		}
		if (*v && v[0] != '/') {
			log_error("%s: %s must be an absolute path, not \"%s\"", e->origin, p->key,
				  v);
			return -EINVAL;
		}
		break;
	case KIND_TOOL:
		if (!*v) {
			log_error("%s: %s must not be empty", e->origin, p->key);
			return -EINVAL;
		}
		break;
	case KIND_STRING:
		break;
	}
	field = str_field(s, p);
	free(*field);
	*field = p->kind == KIND_PATH || p->kind == KIND_OPT_PATH ? settings_strip_slashes(v)
								  : strdup(v);
	return *field ? 0 : -ENOMEM;
}

static const struct param *find_param(const char *key)
{
	for (size_t i = 0; i < ELEMENTSOF(params); i++)
		if (streq(params[i].key, key))
			return &params[i];
	return NULL;
}

/* MODULE_SIGN_KEY without MODULE_SIGN_CERT (or the other way round) is a mistake, not a
 * request for unsigned modules. 0 or -EINVAL after a message naming where the one was set. */
static int check_sign_pair(const struct settings *s)
{
	bool key = *s->module_sign_key, cert = *s->module_sign_cert;
	const struct config_entry *e;

	if (key == cert)
		return 0;
	e = config_find(&s->cfg, key ? "MODULE_SIGN_KEY" : "MODULE_SIGN_CERT");
	log_error("%s: %s is set but %s is not: module signing needs both", e ? e->origin : "?",
		  key ? "MODULE_SIGN_KEY" : "MODULE_SIGN_CERT",
		  key ? "MODULE_SIGN_CERT" : "MODULE_SIGN_KEY");
	return -EINVAL;
}

static int apply_config(struct settings *s)
{
	for (size_t i = 0; i < s->cfg.n; i++) {
		const struct config_entry *e = &s->cfg.entries[i];
		const struct param *p = find_param(e->key);

		if (!p) {
			settings_check_other_key(e);
			continue;
		}
		int r = apply_param(s, p, e);
		if (r < 0)
			return r;
	}
	return check_sign_pair(s);
}

int settings_load(struct settings *ret, const char *config_file, const char *kver)
{
	struct settings s = {0};
	_cleanup_strv_free_ char **confs = NULL;
	const struct config_entry *e;
	struct utsname u;
	int r;

	r = set_defaults(&s);
	if (r < 0)
		goto out;
	r = config_parse_file(&s.cfg, config_file ? config_file : DEFAULT_CONFIG);
	if (r < 0)
		goto out;
	/* CONFIG_PATH as the main config left it decides which files come next. */
	e = config_find(&s.cfg, "CONFIG_PATH");
	if (e) {
		r = apply_param(&s, find_param("CONFIG_PATH"), e);
		if (r < 0)
			goto out;
	}
	r = list_conf_files(s.config_path, &confs);
	if (r < 0)
		goto out;
	for (size_t i = 0; confs[i]; i++) {
		r = config_parse_file(&s.cfg, confs[i]);
		if (r < 0)
			goto out;
	}
	r = apply_config(&s);
	if (r < 0)
		goto out;
	if (!kver) {
		if (uname(&u) < 0) {
			r = log_error_errno(-errno, "Failed to get the kernel release");
			goto out;
		}
		kver = u.release;
	}
	if (!kernel_release_valid(kver)) {
		log_error("Invalid kernel release \"%s\"", kver);
		r = -EINVAL;
		goto out;
	}
	s.kernel_release = strdup(kver);
	s.cache_path = path_join(s.cache_root, kver);
	if (!s.kernel_release || !s.cache_path) {
		r = log_error_errno(-ENOMEM, "Failed to load the settings");
		goto out;
	}
	*ret = s;
	return 0;
out:
	if (r == -ENOMEM)
		log_error_errno(r, "Failed to load the settings");
	settings_free(&s);
	return r;
}

static const char *script_value(const struct settings *s, const char *name, const char *suffix)
{
	char key[128];
	const char *v;

	if (!script_name_valid(name))
		return "";
	snprintf(key, sizeof(key), "%s%s", name, suffix);
	v = config_get(&s->cfg, key);
	return v ? v : "";
}

const char *settings_script_opt(const struct settings *s, const char *name)
{
	return script_value(s, name, "_OPT");
}

const char *settings_script_req(const struct settings *s, const char *name)
{
	return script_value(s, name, "_REQ");
}

int settings_use_kernel(struct settings *s, const char *kver)
{
	char *release = strdup(kver), *cache = path_join(s->cache_root, kver);

	if (!release || !cache) {
		free(release);
		free(cache);
		return -ENOMEM;
	}
	free(s->kernel_release);
	free(s->cache_path);
	s->kernel_release = release;
	s->cache_path = cache;
	return 0;
}

void settings_free(struct settings *s)
{
	for (size_t i = 0; i < ELEMENTSOF(params); i++)
		if (params[i].kind <= KIND_STRING) {
			free(*str_field(s, &params[i]));
			*str_field(s, &params[i]) = NULL;
		}
	free(s->cache_path);
	free(s->kernel_release);
	s->cache_path = s->kernel_release = NULL;
	config_free(&s->cfg);
}
