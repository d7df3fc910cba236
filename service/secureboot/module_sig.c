/* module_sig.c: a module's signature as libkmod reads it (the "sig_key" and "signer" that
 * modinfo shows) compared with the certificate the service signs with. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kmodctx.h"
#include "log.h"
#include "macro.h"
#include "module_sig.h"
#include "sign_key.h"

int module_signature(const char *ko, char **ret_key, char **ret_signer)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *info = NULL, *l;
	char *key = NULL, *signer = NULL;
	int r;

	r = kmod_context_get(&ctx);
	if (r < 0)
		return r;
	r = kmod_module_new_from_path(ctx, ko, &mod);
	if (r < 0) {
		log_error_errno(r, "Failed to read module %s", ko);
		goto out;
	}
	r = kmod_module_get_info(mod, &info);
	if (r < 0) {
		log_error_errno(r, "Failed to read the module information of %s", ko);
		goto out;
	}
	kmod_list_foreach(l, info)
	{
		const char *k = kmod_module_info_get_key(l), *v = kmod_module_info_get_value(l);
		char **dst = streq(k, "sig_key") ? &key : streq(k, "signer") ? &signer : NULL;

		if (!dst || !v || !*v || *dst)
			continue;
		*dst = strdup(v);
		if (!*dst) {
			r = log_error_errno(-ENOMEM, "Failed to read the signature of %s", ko);
			goto out;
		}
	}
	r = 0;
out:
	kmod_module_info_free_list(info);
	kmod_module_unref(mod);
	if (r == 0 && key) {
		*ret_key = key;
		*ret_signer = signer;
	} else {
		free(key);
		free(signer);
		if (r == 0)
			*ret_key = *ret_signer = NULL;
	}
	return r;
}

bool module_signed_by(const char *key, const char *signer, const struct cert_id *id)
{
	/* Hex digits: libkmod prints upper case today; a case change must not rebuild. */
	if (!key || strcasecmp(key, id->serial) != 0)
		return false;
	return !signer || !id->issuer_cn || streq(signer, id->issuer_cn);
}

/* The certificate read for the cache checks of this run, by path. */
static struct {
	char *path;
	struct cert_id id;
} cert_memo;

static void cert_memo_free(void)
{
	free(cert_memo.path);
	cert_id_free(&cert_memo.id);
	cert_memo.path = NULL;
}

int module_sign_cert_id(const struct settings *s, const struct cert_id **ret)
{
	static bool registered;
	const struct sign_key *k;
	struct cert_id id;
	int r;

	*ret = NULL;
	r = sign_key_get(s, &k);
	if (r < 0 || !k->cert || !*k->cert)
		return r;
	if (!cert_memo.path || !streq(cert_memo.path, k->cert)) {
		r = cert_id_read(k->cert, &id);
		if (r < 0)
			return r;
		cert_memo_free();
		cert_memo.id = id;
		cert_memo.path = strdup(k->cert);
		if (!cert_memo.path) {
			cert_memo_free();
			return log_error_errno(-ENOMEM, "Failed to read certificate %s", k->cert);
		}
		if (!registered && atexit(cert_memo_free) == 0)
			registered = true;
	}
	*ret = &cert_memo.id;
	return 0;
}
