/* test_svc_sb_state.c: Secure Boot, lockdown and module.sig_enforce read from a sysfs tree of
 * the test's own, and the MOK lists (shim's MOK table with and without MokListTrustedRT, the
 * EFI variables MokListRT and MokListRT1, db, MokIgnoreDB, MokNew) holding real certificates
 * made by openssl. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efivars.h"
#include "macro.h"
#include "mok_lists.h"
#include "sb_state.h"
#include "sb_certs_fixture.h"
#include "test.h"
#include "tempfile.h"

/* A fresh sysfs tree under dir for one case; s points at it. */
static void fresh(struct settings *s)
{
	static char sysfs[600];

	snprintf(sysfs, sizeof(sysfs), "%s/sys", dir);
	rm_rf(sysfs);
	if (mkdir_p(sysfs, 0755) < 0)
		exit(2);
	*s = (struct settings){.sysfs_path = sysfs};
}

static void byte_var(const struct settings *s, const char *name, const char *guid, uint32_t attr,
		     uint8_t v)
{
	sb_efivar(s->sysfs_path, name, guid, attr, &v, 1);
}

static enum sb_mode mode(const struct settings *s)
{
	struct sb_state st;

	sb_state_read(s, &st);
	return st.mode;
}

TEST(mode)
{
	struct settings s;

	fresh(&s);
	ASSERT_EQ(mode(&s), SB_NOT_EFI, "no firmware/efi: not an EFI system");
	sb_sysfile(s.sysfs_path, "firmware/efi/runtime", "", 0);
	ASSERT_EQ(mode(&s), SB_UNKNOWN, "firmware/efi without efivarfs: unknown");
	byte_var(&s, "Timeout", EFI_GLOBAL_GUID, 7, 5);
	ASSERT_EQ(mode(&s), SB_OFF, "efivarfs without SecureBoot: off");
	byte_var(&s, "SecureBoot", EFI_GLOBAL_GUID, 6, 0);
	ASSERT_EQ(mode(&s), SB_OFF, "SecureBoot 0: off");
	byte_var(&s, "SecureBoot", EFI_GLOBAL_GUID, 6, 1);
	ASSERT_EQ(mode(&s), SB_ON, "SecureBoot 1: on");
	byte_var(&s, "SetupMode", EFI_GLOBAL_GUID, 6, 1);
	ASSERT_EQ(mode(&s), SB_SETUP_MODE, "SetupMode 1: setup mode (off for the kernel)");
	byte_var(&s, "SetupMode", EFI_GLOBAL_GUID, 6, 0);
	ASSERT_EQ(mode(&s), SB_ON, "SetupMode 0: on");
	byte_var(&s, "MokSBStateRT", EFI_SHIM_GUID, 6, 1);
	ASSERT_EQ(mode(&s), SB_SHIM_INSECURE, "volatile MokSBStateRT 1: shim does not validate");
	byte_var(&s, "MokSBStateRT", EFI_SHIM_GUID, 7, 1);
	ASSERT_EQ(mode(&s), SB_ON, "a non-volatile MokSBStateRT is ignored, as the kernel does");
	sb_efivar(s.sysfs_path, "SecureBoot", EFI_GLOBAL_GUID, 6, "", 0);
	ASSERT_EQ(mode(&s), SB_OFF, "a SecureBoot variable without a value: off");
	sb_sysfile(s.sysfs_path, "firmware/efi/efivars/SecureBoot-" EFI_GLOBAL_GUID, "\6", 1);
	ASSERT_EQ(mode(&s), SB_OFF, "a SecureBoot file shorter than its attributes: off");
	s.sysfs_path = NULL;
	ASSERT_EQ(mode(&s), SB_NOT_EFI, "no SYSFS_PATH: not an EFI system");
}

static void lockdown_is(struct settings *s, const char *text, const char *want)
{
	struct sb_state st;

	if (text)
		sb_sysfile(s->sysfs_path, "kernel/security/lockdown", text, strlen(text));
	sb_state_read(s, &st);
	ASSERT_STREQ(st.lockdown, want, "lockdown \"%.*s\": \"%s\"",
		     text ? (int)strcspn(text, "\n") : 4, text ? text : "none", st.lockdown);
}

TEST(lockdown)
{
	struct settings s;
	struct sb_state st;

	fresh(&s);
	lockdown_is(&s, NULL, "");
	lockdown_is(&s, "[none] integrity confidentiality\n", "none");
	lockdown_is(&s, "none [integrity] confidentiality\n", "integrity");
	lockdown_is(&s, "none integrity [confidentiality]\n", "confidentiality");
	lockdown_is(&s, "none integrity confidentiality\n", "");
	lockdown_is(&s, "[] x\n", "");
	lockdown_is(&s, "[a-mode-name-longer-than-the-buffer] x\n", "");

	fresh(&s);
	sb_state_read(&s, &st);
	ASSERT_FALSE(sb_enforcing(&st), "nothing: signatures not required");
	ASSERT_FALSE(sb_enforcing_reason(&st), "nothing: signatures not required");
	sb_sysfile(s.sysfs_path, "kernel/security/lockdown", "[none] integrity\n", 17);
	sb_state_read(&s, &st);
	ASSERT_FALSE(sb_enforcing(&st), "lockdown none: not required");
	sb_sysfile(s.sysfs_path, "kernel/security/lockdown", "none [integrity]\n", 17);
	sb_state_read(&s, &st);
	ASSERT_TRUE(sb_enforcing(&st),
		    "lockdown integrity (lockdown= on a machine without UEFI): required");
	ASSERT_STREQ(sb_enforcing_reason(&st), "the kernel is in integrity lockdown", "its reason");
	fresh(&s);
	sb_sysfile(s.sysfs_path, "module/module/parameters/sig_enforce", "Y\n", 2);
	sb_state_read(&s, &st);
	ASSERT_TRUE(st.sig_enforce, "sig_enforce Y: required");
	ASSERT_TRUE(sb_enforcing(&st), "sig_enforce Y: required");
	sb_sysfile(s.sysfs_path, "module/module/parameters/sig_enforce", "N\n", 2);
	sb_state_read(&s, &st);
	ASSERT_FALSE(st.sig_enforce, "sig_enforce N");
	byte_var(&s, "SecureBoot", EFI_GLOBAL_GUID, 6, 1);
	sb_state_read(&s, &st);
	ASSERT_STREQ(sb_enforcing_reason(&st), "Secure Boot is on", "Secure Boot: required");
}

static enum mok_enrollment find(const struct settings *s, const char *der, size_t len,
				const char **from)
{
	struct mok_lists l;
	enum mok_enrollment e;

	if (mok_lists_read(s, &l) < 0) {
		ASSERT_TRUE(0, "mok_lists_read");
		return MOK_UNKNOWN;
	}
	e = mok_lists_find(&l, der, len);
	*from = l.mok_from;
	mok_lists_free(&l);
	return e;
}

TEST(lists)
{
	struct settings s;
	struct sb_buf a = {.len = 0}, b = {.len = 0}, ab = {.len = 0};
	const char *from;

	sb_x509(&a, der_a, len_a);
	sb_x509(&b, der_b, len_b);
	sb_x509(&ab, der_b, len_b);
	sb_x509(&ab, der_a, len_a);

	fresh(&s);
	sb_sysfile(s.sysfs_path, "firmware/efi/runtime", "", 0);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_UNKNOWN,
		  "UEFI without efivarfs or MOK table: unknown");
	ASSERT_FALSE(from, "UEFI without efivarfs or MOK table: unknown");
	sb_sysfile(s.sysfs_path, "firmware/efi/mok-variables/MokListRT", ab.data, ab.len);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_ENROLLED, "a in shim's MOK table: enrolled");
	ASSERT_STREQ(from, "MOK table", "a in shim's MOK table: enrolled");
	sb_sysfile(s.sysfs_path, "firmware/efi/mok-variables/MokListRT", b.data, b.len);
	byte_var(&s, "SecureBoot", EFI_GLOBAL_GUID, 6, 1);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_NOT_ENROLLED, "only b in the table: a not");

	fresh(&s);
	byte_var(&s, "SecureBoot", EFI_GLOBAL_GUID, 6, 1);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_NOT_ENROLLED,
		  "efivarfs without MokListRT (no shim): not enrolled");
	ASSERT_STREQ(from, "none", "efivarfs without MokListRT (no shim): not enrolled");
	sb_efivar(s.sysfs_path, "MokListRT", EFI_SHIM_GUID, 6, b.data, b.len);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_NOT_ENROLLED,
		  "the EFI variable MokListRT with b: a not enrolled");
	ASSERT_STREQ(from, "EFI variable", "the EFI variable MokListRT with b: a not enrolled");
	sb_efivar(s.sysfs_path, "MokListRT1", EFI_SHIM_GUID, 6, a.data, a.len);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_OVERFLOW,
		  "a in MokListRT1 only: Linux reads that only through the MOK table (overflow)");
	ASSERT_EQ(find(&s, der_b, len_b, &from), MOK_ENROLLED, "b in MokListRT: enrolled");
	sb_sysfile(s.sysfs_path, "firmware/efi/mok-variables/MokListRT", ab.data, ab.len);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_ENROLLED,
		  "the MOK table holds the whole list: a enrolled");
	ASSERT_STREQ(from, "MOK table", "the MOK table holds the whole list: a enrolled");

	fresh(&s);
	byte_var(&s, "SecureBoot", EFI_GLOBAL_GUID, 6, 1);
	sb_efivar(s.sysfs_path, "MokListRT", EFI_SHIM_GUID, 6, b.data, b.len);
	sb_efivar(s.sysfs_path, "db", EFI_DB_GUID, 7, a.data, a.len);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_IN_DB, "a in db: in db");
	byte_var(&s, "MokIgnoreDB", EFI_SHIM_GUID, 6, 1);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_NOT_ENROLLED,
		  "MokIgnoreDB: the kernel skips db, a not enrolled");
	sb_efivar(s.sysfs_path, "MokNew", EFI_SHIM_GUID, 7, ab.data, ab.len);
	ASSERT_EQ(find(&s, der_a, len_a, &from), MOK_PENDING, "a in MokNew: queued");
	ASSERT_EQ(find(&s, der_b, len_b, &from), MOK_ENROLLED,
		  "b in MokListRT and MokNew: enrolled first");
}

TEST(trust)
{
	struct settings s;
	struct sb_buf a = {.len = 0}, junk = {.len = 0};
	struct mok_lists l;
	bool platform;
	/* make_cert gives random serials: read them the way module_signature reports them. */
	struct cert_id ia, ib;

	if (cert_id_from_der((unsigned char *)der_a, len_a, &ia) < 0 ||
	    cert_id_from_der((unsigned char *)der_b, len_b, &ib) < 0)
		exit(2);
	sb_put(&junk, "\xa1\x59\xc0\xa5\xe4\x94\xa7\x4a\x87\xb5\xab\x15\x5c\x2b\xf0\x72", 16);
	sb_le32(&junk, 28 + 16 + 3);
	sb_le32(&junk, 0);
	sb_le32(&junk, 16 + 3);
	sb_put(&junk, "0123456789abcdefxyz", 19); /* an "X.509" entry that is no certificate */
	sb_x509(&a, der_a, len_a);
	sb_put(&junk, a.data, a.len);

	fresh(&s);
	byte_var(&s, "SecureBoot", EFI_GLOBAL_GUID, 6, 1);
	sb_sysfile(s.sysfs_path, "firmware/efi/mok-variables/MokListRT", junk.data, junk.len);
	if (mok_lists_read(&s, &l) < 0)
		exit(2);
	ASSERT_FALSE(l.mok_trusted, "no MokListTrustedRT in the table");
	ASSERT_TRUE(
	    mok_lists_trust(&l, true, ia.serial, ia.issuer_cn, &platform),
	    "a module signed by a: trusted through MokListRT (an entry that is no certificate "
	    "skipped), in the platform keyring without MokListTrustedRT");
	ASSERT_TRUE(
	    platform,
	    "a module signed by a: trusted through MokListRT (an entry that is no certificate "
	    "skipped), in the platform keyring without MokListTrustedRT");
	mok_lists_free(&l);
	sb_sysfile(s.sysfs_path, "firmware/efi/mok-variables/MokListTrustedRT", "\x01", 1);
	if (mok_lists_read(&s, &l) < 0)
		exit(2);
	ASSERT_TRUE(l.mok_trusted, "with MokListTrustedRT: the machine keyring");
	ASSERT_TRUE(mok_lists_trust(&l, true, ia.serial, ia.issuer_cn, &platform),
		    "with MokListTrustedRT: the machine keyring");
	ASSERT_FALSE(platform, "with MokListTrustedRT: the machine keyring");
	ASSERT_FALSE(mok_lists_trust(&l, false, ia.serial, ia.issuer_cn, &platform),
		     "without Secure Boot the kernel does not load MOK keys: not trusted");
	ASSERT_FALSE(mok_lists_trust(&l, true, ib.serial, ib.issuer_cn, &platform),
		     "signed by b: not trusted");
	ASSERT_FALSE(mok_lists_trust(&l, true, ia.serial, "someone else", &platform),
		     "a's serial with another signer: not trusted");
	mok_lists_free(&l);
	sb_efivar(s.sysfs_path, "db", EFI_DB_GUID, 7, a.data, a.len);
	sb_sysfile(s.sysfs_path, "firmware/efi/mok-variables/MokListRT", "", 0);
	if (mok_lists_read(&s, &l) < 0)
		exit(2);
	ASSERT_TRUE(mok_lists_trust(&l, false, ia.serial, ia.issuer_cn, &platform),
		    "a in db: trusted, through the platform keyring (the distributions' kernels)");
	ASSERT_TRUE(platform,
		    "a in db: trusted, through the platform keyring (the distributions' kernels)");
	mok_lists_free(&l);
	cert_id_free(&ia);
	cert_id_free(&ib);
}
