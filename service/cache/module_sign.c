/* module_sign.c: signs the modules stap built with the kernel's own sign-file, which knows
 * the signature format of every kernel the headers are for. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "module_sign.h"
#include "run.h"
#include "sign_key.h"
#include "strfmt.h"
#include "tempfile.h"

void module_signer_free(struct module_signer *m)
{
	free(m->sign_file);
	free(m->hash);
	*m = (struct module_signer){0};
}

/* CONFIG_MODULE_SIG_HASH in the kernel config text (quoted in .config, bare in some
 * auto.conf), or NULL. Only a plain algorithm name is taken: it becomes an argument. */
static char *hash_from_config(const char *text)
{
	static const char key[] = "CONFIG_MODULE_SIG_HASH=";
	const char *p;
	size_t n;

	for (p = text; (p = strstr(p, key)); p++)
		if (p == text || p[-1] == '\n')
			break;
	if (!p)
		return NULL;
	p += strlen(key);
	if (*p == '"')
		p++;
	n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
	if (n == 0 || (p[n] != '"' && p[n] != '\n' && p[n] != '\0'))
		return NULL;
	return strndup(p, n);
}

/* The hash the kernel build signs its own modules with, from build/include/config/auto.conf
 * or build/.config; sha256 (every distribution kernel's) when neither says. */
static int kernel_sig_hash(const char *build, char **ret)
{
	static const char *const files[] = {"include/config/auto.conf", ".config"};

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *path = path_join(build, files[i]), *text = NULL;

		if (!path)
			return -ENOMEM;
		if (read_file(path, &text, NULL) == -ENOMEM)
			return -ENOMEM;
		*ret = text ? hash_from_config(text) : NULL;
		if (*ret)
			return 0;
	}
	*ret = strdup("sha256");
	return *ret ? 0 : -ENOMEM;
}

int module_signer_prepare(const struct settings *s, struct module_signer *ret)
{
	const char *kver = s->kernel_release;
	_cleanup_free_ char *build = strdup_printf("%s/%s/build", s->modules_path, kver);
	_cleanup_free_ char *tool = path_join(build ? build : "", "scripts/sign-file");
	struct module_signer m = {0};
	const struct sign_key *k;
	int r;

	if (!build || !tool)
		return log_error_errno(-ENOMEM, "Failed to prepare module signing");
	/* sign-file would wait for ever on a FIFO and read a device to its end: only a regular
	 * file is a key (the certificate is checked the same way, in cert_id.c). */
	r = sign_key_get(s, &k);
	if (r < 0)
		return r;
	if (k->key) {
		r = open_regular(k->key, O_RDONLY, 0);
		if (r < 0)
			return log_error_errno(r, "Cannot sign modules with %s %s",
					       sign_key_origin_to_string(k->origin), k->key);
		close(r);
	}
	if (!path_exists(build)) {
		log_error("Cannot sign modules for kernel %s: %s is missing (install its headers: "
			  "linux-headers-%s on Debian, kernel-devel-%s on Fedora)",
			  kver, build, kver, kver);
		return -ENOENT;
	}
	if (access(tool, X_OK) < 0) {
		unsigned major = 0, minor = 0;

		r = -errno;
		/* Debian's headers link scripts/ to the kbuild package of the X.Y series. */
		if (sscanf(kver, "%u.%u", &major, &minor) != 2)
			major = minor = 0;
		log_error_errno(r,
				"Cannot sign modules for kernel %s: no sign-file at %s (install "
				"linux-kbuild-%u.%u on Debian, kernel-devel-%s on Fedora)",
				kver, tool, major, minor, kver);
		return r;
	}
	r = kernel_sig_hash(build, &m.hash);
	if (r < 0)
		return log_error_errno(r, "Failed to prepare module signing");
	m.sign_file = tool;
	tool = NULL;
	*ret = m;
	return 0;
}

/* out without its trailing blank lines, for a one-message error. */
static const char *trim_end(char *out)
{
	size_t n = out ? strlen(out) : 0;

	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	return n ? out : "no message";
}

int module_sign(const struct settings *s, const struct module_signer *m, const char *ko)
{
	_cleanup_free_ char *out = NULL, *subject = strdup_printf("signing %s", ko);
	struct run_limit limit = {s->tool_timeout, "TOOL_TIMEOUT", subject};
	struct temp tmp = TEMP_INIT; /* sign-file writes it by name; a killed run's is found */
	const struct sign_key *k;
	int r;

	if (!subject)
		return log_error_errno(-ENOMEM, "Failed to sign %s", ko);
	r = sign_key_get(s, &k);
	if (r < 0)
		return r;
	if (!k->key)
		return log_error_errno(-EINVAL, "Failed to sign %s: no signing key", ko);
	r = temp_file_named(ko, &tmp);
	if (r < 0)
		return log_error_errno(r, "Failed to sign %s: cannot create a file next to it", ko);
	{
		char *const argv[] = {m->sign_file, m->hash,  k->key, k->cert,
				      (char *)ko,   tmp.path, NULL};
		r = run_capture_limited(argv, NULL, &limit, &out);
	}
	if (r > 0) {
		log_error("Failed to sign %s with %s (sign-file exit code %d): %s", ko, k->key, r,
			  trim_end(out));
		r = -EBADMSG;
	} else if (r < 0) {
		if (r != -ETIME) /* else run.c said it did not finish in time */
			log_error_errno(r, "Failed to sign %s: cannot run %s", ko, m->sign_file);
	} else {
		r = temp_commit(&tmp, ko, 0644);
		if (r < 0)
			log_error_errno(r, "Failed to replace %s with its signed copy %s", ko,
					tmp.path ? tmp.path : "");
	}
	temp_discard(&tmp);
	return r;
}
