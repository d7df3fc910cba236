/* test_svc_sign_key.c: which key signs (the configured pair; DKMS's on a machine that needs
 * signatures; none, with the how-to warning once per run), the warning for a private key
 * others can read, and `mokutil --test-key` through a stand-in that records its argv and
 * answers as mokutil 0.6 does (the real one needs EFI variables this machine lacks). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "mok_test_key.h"
#include "capture.h"
#include "sb_fixture.h"
#include "test.h"
#include "tempfile.h"
#include "sign_key.h"

static const char *dir; /* the program's temp directory: the certificate */

/* A settings struct whose SYSFS_PATH says Secure Boot on (sb) or off, and whose DKMS_PATH is
 * dir/dkms (a fresh name each time: sign_key_get works each answer out once). */
static struct settings machine(bool sb, const char *dkms)
{
	static char sysfs[2][600], dk[8][600], state[600], tmp[600];
	static int n;
	uint8_t v = sb;
	char *sys = sysfs[sb];

	snprintf(sys, sizeof(sysfs[0]), "%s/sys-%s", dir, sb ? "on" : "off");
	sb_efivar(sys, "SecureBoot", "8be4df61-93ca-11d2-aa0d-00e098032b8c", 6, &v, 1);
	n = (n + 1) % 8;
	snprintf(dk[n], sizeof(dk[0]), "%s/%s", dir, dkms);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	return (struct settings){
	    .sysfs_path = sys, .dkms_path = dk[n], .state_path = state, .temp_path = tmp};
}

/* dir/NAME/mok.key and mok.pub, copies of a's pair (pub: only with pub). */
static void dkms_pair(const char *name, bool pub, mode_t key_mode)
{
	char d[600];
	size_t len;
	char *data;

	snprintf(d, sizeof(d), "%s/%s", dir, name);
	mkdir_p(d, 0755);
	data = sb_slurp(dir, "a.key", &len);
	if (write_file_atomic(path_in(d, "mok.key"), data, len, key_mode) < 0)
		exit(2);
	free(data);
	if (pub) {
		data = sb_slurp(dir, "a.der", &len);
		if (write_file_atomic(path_in(d, "mok.pub"), data, len, 0644) < 0)
			exit(2);
		free(data);
	}
}

/* sign_key_get for s; *err: what it printed (to free). */
static const struct sign_key *get(const struct settings *s, char **err)
{
	const struct sign_key *k = NULL;
	struct capture c;

	capture_begin(&c);
	if (sign_key_get(s, &k) < 0)
		ASSERT_TRUE(0, "sign_key_get failed");
	*err = capture_end(&c);
	return k;
}

TEST(choice)
{
	struct settings s;
	const struct sign_key *k;
	char *err, key[600], cert[600];

	snprintf(key, sizeof(key), "%s/a.key", dir);
	snprintf(cert, sizeof(cert), "%s/a.der", dir);
	dkms_pair("dkms1", true, 0600);
	s = machine(true, "dkms1");
	s.module_sign_key = key;
	s.module_sign_cert = cert;
	k = get(&s, &err);
	ASSERT_EQ(k->origin, SIGN_KEY_CONFIG, "MODULE_SIGN_KEY set: the configured pair, quietly");
	ASSERT_STREQ(k->key, key, "MODULE_SIGN_KEY set: the configured pair, quietly");
	ASSERT_STREQ(k->cert, cert, "MODULE_SIGN_KEY set: the configured pair, quietly");
	ASSERT_STREQ(err, "", "MODULE_SIGN_KEY set: the configured pair, quietly");
	free(err);

	s = machine(false, "dkms1");
	k = get(&s, &err);
	ASSERT_EQ(k->origin, SIGN_KEY_NONE,
		  "Secure Boot off, DKMS's pair there: no key, no warning");
	ASSERT_FALSE(k->key, "Secure Boot off, DKMS's pair there: no key, no warning");
	ASSERT_STREQ(err, "", "Secure Boot off, DKMS's pair there: no key, no warning");
	free(err);

	s = machine(true, "dkms1");
	k = get(&s, &err);
	ASSERT_EQ(k->origin, SIGN_KEY_DKMS, "Secure Boot on, nothing configured: DKMS's pair (%s)",
		  k->key ? k->key : "none");
	ASSERT_STREQ(k->key, path_in(s.dkms_path, "mok.key"),
		     "Secure Boot on, nothing configured: DKMS's pair (%s)",
		     k->key ? k->key : "none");
	ASSERT_STREQ(k->cert, path_in(s.dkms_path, "mok.pub"),
		     "Secure Boot on, nothing configured: DKMS's pair (%s)",
		     k->key ? k->key : "none");
	ASSERT_STREQ(err, "", "Secure Boot on, nothing configured: DKMS's pair (%s)",
		     k->key ? k->key : "none");
	free(err);

	dkms_pair("dkms2", false, 0600);
	s = machine(true, "dkms2");
	k = get(&s, &err);
	ASSERT_EQ(k->origin, SIGN_KEY_NONE, "DKMS's key without its certificate: no key");
	ASSERT_CONTAINS(err, "Secure Boot is on and no module signing key is set",
			"the warning says how to make a key and enroll it");
	ASSERT_CONTAINS(err, "openssl req -new -x509",
			"the warning says how to make a key and enroll it");
	ASSERT_CONTAINS(err, "mokutil --import",
			"the warning says how to make a key and enroll it");
	ASSERT_CONTAINS(err,
			"MODULE_SIGN_KEY=", "the warning says how to make a key and enroll it");
	ASSERT_CONTAINS(err, "MokManager", "the warning says how to make a key and enroll it");
	ASSERT_CONTAINS(err, "/state/mok/mok.der",
			"the warning says how to make a key and enroll it");
	free(err);
	s = machine(true, "dkms3");
	s.dkms_path = "";
	k = get(&s, &err);
	ASSERT_EQ(k->origin, SIGN_KEY_NONE,
		  "DKMS_PATH empty, still no key: the warning is not given twice in one run");
	ASSERT_STREQ(err, "",
		     "DKMS_PATH empty, still no key: the warning is not given twice in one run");
	free(err);
	s.sysfs_path = NULL;
	s.dkms_path = NULL;
	k = get(&s, &err);
	ASSERT_EQ(k->origin, SIGN_KEY_NONE, "settings without SYSFS_PATH: no key");
	ASSERT_STREQ(err, "", "settings without SYSFS_PATH: no key");
	free(err);
}

TEST(key_mode)
{
	struct settings s;
	const struct sign_key *k;
	char *err;

	dkms_pair("dkms-open", true, 0644);
	s = machine(true, "dkms-open");
	k = get(&s, &err);
	ASSERT_EQ(k->origin, SIGN_KEY_DKMS,
		  "a world-readable key: the warning names it and the chmod");
	ASSERT_CONTAINS(err, "is readable by every user (mode 0644)",
			"a world-readable key: the warning names it and the chmod");
	ASSERT_CONTAINS(err, k->key, "a world-readable key: the warning names it and the chmod");
	ASSERT_CONTAINS(err, "chmod 600",
			"a world-readable key: the warning names it and the chmod");
	free(err);
	k = get(&s, &err);
	ASSERT_STREQ(err, "", "once per run");
	free(err);

	dkms_pair("dkms-group", true, 0640);
	s = machine(true, "dkms-group");
	k = get(&s, &err);
	ASSERT_STREQ(err, "", "0640 with root's group: no warning");
	free(err);
	if (geteuid() == 0) {
		dkms_pair("dkms-daemon", true, 0640);
		if (chown(path_in(dir, "dkms-daemon/mok.key"), 0, 1) < 0)
			exit(2);
		s = machine(true, "dkms-daemon");
		k = get(&s, &err);
		ASSERT_CONTAINS(err, "is readable by group",
				"0640 with another group: the warning names the group");
		ASSERT_CONTAINS(err, "(mode 0640)",
				"0640 with another group: the warning names the group");
		ASSERT_CONTAINS(err, "chmod 600",
				"0640 with another group: the warning names the group");
		free(err);
	}
}

/* The stand-in mokutil: records its argv, keeps a copy of the file it was given, prints
 * dir/answer (with FILE replaced by its file) and exits 1, as 0.6 does for most answers. */
static void standin(const char *answer)
{
	char script[2048];

	snprintf(script, sizeof(script),
		 "#!/bin/sh\nprintf '%%s\\n' \"$@\" >%s/mokutil.args\ncp \"$2\" %s/mokutil.given\n"
		 "sed \"s|FILE|$2|\" %s/answer\nexit 1\n",
		 dir, dir, dir);
	put_file(path_in(dir, "mokutil"), script);
	chmod(path_in(dir, "mokutil"), 0755);
	put_file(path_in(dir, "answer"), answer);
}

TEST(mokutil)
{
	struct settings s = machine(true, "none");
	char *der, *given, *args, *note, cert[600], pem[600], mokutil[600];
	size_t len, glen;
	enum mok_enrollment e;

	snprintf(cert, sizeof(cert), "%s/a.der", dir);
	snprintf(pem, sizeof(pem), "%s/a.pem", dir);
	mkdir_p(s.temp_path, 0755);
	snprintf(mokutil, sizeof(mokutil), "%s/mokutil", dir);
	s.mokutil = mokutil;
	der = sb_slurp(dir, "a.der", &len);
	standin("FILE is already enrolled\n");
	e = mok_test_key(&s, cert, der, len, &note);
	ASSERT_EQ(e, MOK_ENROLLED, "\"already enrolled\"");
	ASSERT_STREQ(note, "mokutil --test-key", "\"already enrolled\"");
	free(note);
	args = sb_slurp(dir, "mokutil.args", &glen);
	ASSERT_EQ(strncmp(args, "--test-key\n", 11), 0, "argv: --test-key and the DER file itself");
	ASSERT_CONTAINS(args, cert, "argv: --test-key and the DER file itself");
	free(args);
	standin("FILE is not enrolled\n");
	ASSERT_EQ(mok_test_key(&s, cert, der, len, &note), MOK_NOT_ENROLLED, "\"not enrolled\"");
	free(note);
	standin("FILE is already in the enrollment request\n");
	ASSERT_EQ(mok_test_key(&s, cert, der, len, &note), MOK_PENDING,
		  "\"in the enrollment request\"");
	free(note);
	standin("FILE is already in db\n");
	ASSERT_EQ(mok_test_key(&s, cert, der, len, &note), MOK_IN_DB, "\"already in db\"");
	free(note);
	standin("EFI variables are not supported on this system\n");
	e = mok_test_key(&s, pem, der, len, &note);
	ASSERT_EQ(e, MOK_UNKNOWN, "anything else: unknown, with mokutil's words (%s)", note);
	ASSERT_STREQ(note, "EFI variables are not supported on this system",
		     "anything else: unknown, with mokutil's words (%s)", note);
	free(note);
	given = sb_slurp(dir, "mokutil.given", &glen);
	ASSERT_EQ(glen, len, "a PEM certificate reaches mokutil as its DER bytes");
	ASSERT_EQ(memcmp(given, der, len), 0, "a PEM certificate reaches mokutil as its DER bytes");
	free(given);
	ASSERT_EQ(rmdir(s.temp_path), 0, "the DER copy is gone from TEMP_PATH");
	snprintf(mokutil, sizeof(mokutil), "%s/no-such-mokutil", dir);
	e = mok_test_key(&s, cert, der, len, &note);
	ASSERT_EQ(e, MOK_UNKNOWN, "no mokutil: %s", note);
	ASSERT_CONTAINS(note, "cannot run", "no mokutil: %s", note);
	free(note);
	free(der);
}

static void setup(void)
{
	dir = test_tmpdir();
	sb_make_cert(dir, "a", "stap-onboot-test");
}
TEST_SETUP(setup)
