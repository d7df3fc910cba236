/* sb_status.c: what `onboot --status` says about Secure Boot. The question is the user's:
 * will the next boot start my scripts? The kernel refuses a module unless it is signed with a
 * key it trusts; beyond its own keys that is a certificate of MokListRT (under Secure Boot)
 * and, on the distributions' kernels, of db (mok_lists.c says why). Where only those kernels
 * would trust the key (the platform keyring), it counts as trusted, with that said. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "efivars.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "module_sig.h"
#include "mok_test_key.h"
#include "sb_status.h"
#include "strfmt.h"

/* Which kernels check modules against the platform keyring too (mok_lists.c). */
#define PLATFORM_KERNELS "Debian's, Ubuntu's, Fedora's and SUSE's kernels"

/* Whether the kernel loads MOK keys: only under Secure Boot, which counts as on when it
 * cannot be read (efivarfs not mounted: a locked-down kernel most likely came from it). */
static bool mok_loaded(const struct sb_report *r)
{
	return r->st.mode == SB_ON || r->st.mode == SB_UNKNOWN;
}

static void print_state(const struct settings *s, const struct sb_report *r)
{
	const char *why = sb_enforcing_reason(&r->st);

	clog("Secure Boot: %s\n", sb_mode_to_string(r->st.mode));
	if (r->st.lockdown[0])
		clog("Lockdown: %s\n", r->st.lockdown);
	else
		clog("Lockdown: not reported (no %s/kernel/security/lockdown)\n", s->sysfs_path);
	if (why)
		clog("Module signatures: required (%s)\n", why);
	else
		clog("Module signatures: not required\n");
}

static void print_key(const struct settings *s, struct sb_report *r)
{
	const struct sign_key *k = r->key;

	if (k->origin == SIGN_KEY_CONFIG) {
		clog("Signing key: %s (MODULE_SIGN_KEY)\n", k->key);
	} else if (k->origin == SIGN_KEY_DKMS) {
		clog("Signing key: %s (DKMS's key; MODULE_SIGN_KEY is not set)\n", k->key);
	} else if (r->enforcing) {
		r->key_problem = true;
		clog(
		    "Signing key: none (MODULE_SIGN_KEY is not set, no mok.key and mok.pub in %s): "
		    "the kernel will refuse the modules\n",
		    s->dkms_path && *s->dkms_path ? s->dkms_path : "DKMS_PATH (empty)");
		clog("  to fix: make a key and enroll it as the warning above says "
		     "(systemtap-service(8), MODULE SIGNING)\n");
	} else {
		clog("Signing key: none (modules are not signed)\n");
	}
}

/* Where the certificate is enrolled: the lists, else mokutil. *note: how that was learned. */
static enum mok_enrollment enrollment(const struct settings *s, struct sb_report *r,
				      const char *der, size_t len, char **note)
{
	enum mok_enrollment e = mok_lists_find(&r->lists, der, len);

	*note = NULL;
	if (e == MOK_UNKNOWN)
		return mok_test_key(s, r->key->cert, der, len, note);
	if (e == MOK_ENROLLED)
		*note = strdup_printf("MokListRT, %s", r->lists.mok_from);
	return e;
}

/* The "to fix" of a certificate the kernel does not trust: mokutil --import takes DER. */
static void import_hint(const char *cert, size_t der_len)
{
	struct stat st;

	if (stat(cert, &st) == 0 && (size_t)st.st_size == der_len)
		clog("  to fix: mokutil --import %s, reboot, and choose \"Enroll MOK\" in "
		     "MokManager\n",
		     cert);
	else
		clog("  to fix: openssl x509 -in %s -outform DER -out %s.der; "
		     "mokutil --import %s.der; reboot, and choose \"Enroll MOK\" in MokManager\n",
		     cert, cert, cert);
}

static void print_cert(const struct settings *s, struct sb_report *r)
{
	const char *cert = r->key->cert;
	_cleanup_free_ char *der = NULL, *note = NULL;
	size_t len;

	if (cert_der_read(cert, &der, &len) < 0 ||
	    cert_id_from_der((unsigned char *)der, len, &r->cert) < 0) {
		clog("Certificate: %s cannot be read\n", cert);
		r->key_problem = r->enforcing;
		return;
	}
	if (!efi_booted(s)) {
		r->key_problem = r->enforcing;
		clog("Certificate: %s; not an EFI system: no Machine Owner Keys%s\n", cert,
		     r->enforcing ? ", the kernel trusts only its built-in keys" : "");
		return;
	}
	r->enrolled = enrollment(s, r, der, len, &note);
	switch (r->enrolled) {
	case MOK_ENROLLED:
		if (r->enforcing && !mok_loaded(r)) {
			r->key_problem = true;
			clog("Certificate: %s, enrolled (%s), but the kernel loads Machine "
			     "Owner Keys only under Secure Boot\n",
			     cert, note ? note : "MokListRT");
		} else if (r->lists.mok && !r->lists.mok_trusted)
			clog("Certificate: %s, enrolled (%s); shim sets no "
			     "MokListTrustedRT: upstream kernels then keep it in their "
			     "platform keyring and refuse the modules, %s accept them\n",
			     cert, note ? note : "MokListRT", PLATFORM_KERNELS);
		else
			clog("Certificate: %s, enrolled (%s)\n", cert, note ? note : "MokListRT");
		break;
	case MOK_OVERFLOW:
		r->key_problem = r->enforcing;
		clog("Certificate: %s, only in MokListRT1 or later (shim splits a long list), "
		     "which Linux reads only from shim's MOK table, and there is none in "
		     "%s/firmware/efi/mok-variables%s\n",
		     cert, s->sysfs_path,
		     r->enforcing ? ": the kernel will refuse the modules signed with it" : "");
		if (r->enforcing)
			clog("  to fix: boot a kernel that reads shim's MOK table (Linux 5.10 and "
			     "later), or enroll fewer keys (mokutil --list-enrolled, --delete)\n");
		break;
	case MOK_PENDING:
		clog("Certificate: %s, queued for enrollment (mokutil --import): confirm \"Enroll "
		     "MOK\" in MokManager at the next boot\n",
		     cert);
		break;
	case MOK_IN_DB:
		clog("Certificate: %s, in the firmware's db, not enrolled as a MOK: %s accept "
		     "modules signed with it, upstream kernels do not\n",
		     cert, PLATFORM_KERNELS);
		break;
	case MOK_NOT_ENROLLED:
		r->key_problem = r->enforcing;
		clog("Certificate: %s, NOT enrolled%s\n", cert,
		     r->enforcing ? ": the kernel will refuse the modules signed with it" : "");
		if (r->enforcing)
			import_hint(cert, len);
		break;
	case MOK_UNKNOWN:
		clog("Certificate: %s, enrollment unknown (%s)\n", cert,
		     note ? note : "MokListRT cannot be read");
		break;
	}
}

int sb_status_print(const struct settings *s, struct sb_report *ret)
{
	struct sb_report r = {.enrolled = MOK_UNKNOWN};
	int rc;

	rc = sign_key_get(s, &r.key);
	if (rc < 0)
		return rc;
	sb_state_read(s, &r.st);
	r.enforcing = sb_enforcing(&r.st);
	if (!efi_booted(s))
		r.lists.mok_from = "none"; /* no firmware keys: the kernel trusts only its own */
	else if (mok_lists_read(s, &r.lists) < 0)
		return log_error_errno(-ENOMEM, "Failed to read the MOK lists");
	print_state(s, &r);
	print_key(s, &r);
	if (r.key->cert)
		print_cert(s, &r);
	*ret = r;
	return 0;
}

/* Whether the kernel will accept a module signed with (key, signer): 1, 0, or -1 when that
 * cannot be told. */
static int trusted(const struct sb_report *r, const char *key, const char *signer)
{
	bool ours = r->cert.serial && module_signed_by(key, signer, &r->cert);

	if (ours && (r->enrolled == MOK_PENDING || r->enrolled == MOK_IN_DB))
		return 1;
	if (r->lists.mok_from)
		return mok_lists_trust(&r->lists, mok_loaded(r), key, signer, NULL);
	if (ours && r->enrolled == MOK_ENROLLED)
		return mok_loaded(r);
	if (ours && r->enrolled == MOK_NOT_ENROLLED)
		return 0;
	return -1;
}

int sb_status_modules(const struct sb_report *r, const struct onboot_snapshot *snap,
		      bool *ret_rebuild)
{
	int refused = 0;

	*ret_rebuild = false;
	for (size_t i = 0; r->enforcing && i < snap->n; i++) {
		const struct onboot_script *m = &snap->v[i];
		_cleanup_free_ char *key = NULL, *signer = NULL;
		int t;

		if (module_signature(m->ko_path, &key, &signer) < 0) {
			clog("  signature: %s cannot be read: the kernel will refuse it\n",
			     m->name);
			refused++;
			*ret_rebuild = true;
			continue;
		}
		if (!key) {
			clog("  signature: %s is not signed: the kernel will refuse it\n", m->name);
			refused++;
			*ret_rebuild = true;
			continue;
		}
		t = trusted(r, key, signer);
		if (t == 0) {
			*ret_rebuild |= !r->cert.serial || !module_signed_by(key, signer, &r->cert);
			clog(
			    "  signature: %s is signed with key %s (%s), which the kernel does not "
			    "trust: it will refuse it\n",
			    m->name, key, signer ? signer : "no signer name");
			refused++;
		} else if (t < 0) {
			clog("  signature: %s is signed with key %s (%s): whether it is enrolled "
			     "cannot be told here\n",
			     m->name, key, signer ? signer : "no signer name");
		}
	}
	return refused;
}

void sb_report_free(struct sb_report *r)
{
	mok_lists_free(&r->lists);
	cert_id_free(&r->cert);
}
