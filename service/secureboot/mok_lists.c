/* mok_lists.c: MokListRT, db and MokNew read from sysfs, and the certificates in them, as
 * Linux 6.1 uses them (security/integrity/platform_certs/load_uefi.c, keyring_handler.c,
 * machine_keyring.c): db's X.509 certificates go to the platform keyring (unless MokIgnoreDB);
 * MokListRT's, under Secure Boot only, come from shim's MOK table, else from the EFI variable
 * MokListRT alone (never MokListRT1...: a shim that splits a list publishes the table too),
 * into the machine keyring when the table holds MokListTrustedRT (Debian's 6.1: always), else
 * the platform keyring. Module signatures are checked against the secondary keyring, which
 * links the machine keyring; upstream never against the platform keyring, but Debian's,
 * Ubuntu's, Fedora's and SUSE's kernels retry against it ("KEYS: Make use of platform keyring
 * for module signature verify"), so keys that land there sign modules on those. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_id.h"
#include "efi_siglist.h"
#include "efivars.h"
#include "macro.h"
#include "mok_lists.h"
#include "module_sig.h"

/* Appends EFI variables NAME1, NAME2... to *buf until one is missing. 0 (none: *buf stays
 * NULL), or -errno. */
static int read_more(const struct settings *s, const char *name, const char *guid, char **buf,
		     size_t *len)
{
	for (unsigned i = 1;; i++) {
		_cleanup_free_ char *part = NULL;
		char var[64];
		size_t n;
		char *grown;
		int r;

		snprintf(var, sizeof(var), "%s%u", name, i);
		r = efivar_read(s, var, guid, NULL, &part, &n);
		if (r < 0)
			return r == -ENOENT ? 0 : r;
		grown = realloc(*buf, *len + n + 1);
		if (!grown)
			return -ENOMEM;
		memcpy(grown + *len, part, n);
		*len += n;
		grown[*len] = '\0';
		*buf = grown;
	}
}

static int read_moklist(const struct settings *s, struct mok_lists *l)
{
	_cleanup_free_ char *flag = NULL;
	size_t n;
	int r = mokvar_read(s, "MokListRT", &l->mok, &l->mok_len);

	if (r == 0) {
		l->mok_from = "MOK table";
		r = mokvar_read(s, "MokListTrustedRT", &flag, &n);
		l->mok_trusted = r == 0;
		return r == -ENOMEM ? r : 0;
	}
	if (r == -ENOMEM)
		return r;
	l->mok_err = r;
	if (!efivars_mounted(s)) {
		if (r == -ENOENT)
			l->mok_err = -ENODEV;
		return 0;
	}
	r = efivar_read(s, "MokListRT", EFI_SHIM_GUID, NULL, &l->mok, &l->mok_len);
	if (r == 0) {
		l->mok_from = "EFI variable";
		r = read_more(s, "MokListRT", EFI_SHIM_GUID, &l->mok_more, &l->mok_more_len);
		if (r == -ENOMEM)
			return r;
	} else if (r == -ENOENT) {
		/* No shim, or one too old to publish its list: no MOK is trusted. */
		l->mok_from = "none";
	} else if (r == -ENOMEM) {
		return r;
	} else {
		l->mok_err = r;
	}
	return 0;
}

int mok_lists_read(const struct settings *s, struct mok_lists *ret)
{
	struct mok_lists l = {0};
	_cleanup_free_ char *ignore = NULL;
	size_t n;
	int r;

	r = read_moklist(s, &l);
	if (r == 0) {
		r = efivar_read(s, "MokIgnoreDB", EFI_SHIM_GUID, NULL, &ignore, &n);
		l.db_ignored = r == 0;
	}
	if (r != -ENOMEM && !l.db_ignored)
		r = efivar_read(s, "db", EFI_DB_GUID, NULL, &l.db, &l.db_len);
	if (r != -ENOMEM)
		r = efivar_read(s, "MokNew", EFI_SHIM_GUID, NULL, &l.moknew, &l.moknew_len);
	if (r == -ENOMEM) {
		mok_lists_free(&l);
		return r;
	}
	*ret = l;
	return 0;
}

void mok_lists_free(struct mok_lists *l)
{
	free(l->mok);
	free(l->mok_more);
	free(l->db);
	free(l->moknew);
	*l = (struct mok_lists){0};
}

enum mok_enrollment mok_lists_find(const struct mok_lists *l, const void *der, size_t len)
{
	if (!l->mok_from)
		return MOK_UNKNOWN;
	if (l->mok && efi_siglist_has_x509(l->mok, l->mok_len, der, len) == 1)
		return MOK_ENROLLED;
	if (l->db && efi_siglist_has_x509(l->db, l->db_len, der, len) == 1)
		return MOK_IN_DB;
	if (l->moknew && efi_siglist_has_x509(l->moknew, l->moknew_len, der, len) == 1)
		return MOK_PENDING;
	if (l->mok_more && efi_siglist_has_x509(l->mok_more, l->mok_more_len, der, len) == 1)
		return MOK_OVERFLOW;
	return MOK_NOT_ENROLLED;
}

/* Whether an X.509 certificate in the lists of data signed (key, signer). */
static bool list_trusts(const char *data, size_t len, const char *key, const char *signer)
{
	struct efi_siglist_iter it;
	struct efi_sig sig;

	efi_siglist_begin(&it, data, len);
	while (efi_siglist_next(&it, &sig) > 0) {
		struct cert_id id;
		bool match;

		if (memcmp(sig.type, efi_cert_x509_guid, EFI_GUID_SIZE) != 0 ||
		    cert_id_from_der(sig.data, sig.len, &id) < 0)
			continue;
		match = module_signed_by(key, signer, &id);
		cert_id_free(&id);
		if (match)
			return true;
	}
	return false;
}

bool mok_lists_trust(const struct mok_lists *l, bool sb_on, const char *key, const char *signer,
		     bool *ret_platform)
{
	bool mok = sb_on && l->mok && list_trusts(l->mok, l->mok_len, key, signer);
	bool db = !mok && l->db && list_trusts(l->db, l->db_len, key, signer);

	if (ret_platform)
		*ret_platform = db || (mok && !l->mok_trusted);
	return mok || db;
}
