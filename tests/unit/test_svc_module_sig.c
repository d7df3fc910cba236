/* test_svc_module_sig.c: module signing: the certificate reader (PEM and DER made by the real
 * openssl, checked against openssl's own serial), the signature comparison, finding the
 * headers' sign-file and hash, signing with the real sign-file, and the cache check of signed
 * and unsigned modules read by libkmod. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cache_fixture.h"
#include "test.h"
#include "tempfile.h"
#include "cert_id.h"
#include "module_sig.h"
#include "module_sign.h"
#include "run.h"

/* Runs argv; aborts the test when it fails (the tools are part of the test setup). */
static char *run_ok(char *const argv[])
{
	char *out = NULL;
	int r = run_capture(argv, root, &out);

	if (r != 0) {
		printf("FAIL: %s exited with %d: %s\n", argv[0], r, out ? out : "");
		exit(1);
	}
	return out;
}

/* NAME.key, NAME.pem and NAME.der in root: a self-signed certificate for subj; serial NULL:
 * openssl picks a random one. */
static void make_cert(const char *name, const char *subj, const char *serial)
{
	_cleanup_free_ char *key = NULL, *pem = NULL, *der = NULL;
	char *req[] = {"openssl", "req",   "-new", "-x509",	  "-newkey",	  "rsa:2048",
		       "-nodes",  "-days", "1",	   "-subj",	  (char *)subj,	  "-keyout",
		       NULL,	  "-out",  NULL,   "-set_serial", (char *)serial, NULL};

	if (asprintf(&key, "%s.key", name) < 0 || asprintf(&pem, "%s.pem", name) < 0 ||
	    asprintf(&der, "%s.der", name) < 0)
		abort();
	req[12] = key;
	req[14] = pem;
	if (!serial)
		req[15] = NULL;
	free(run_ok(req));
	{
		char *conv[] = {"openssl", "x509", "-in", pem, "-outform",
				"DER",	   "-out", der,	  NULL};
		free(run_ok(conv));
	}
}

static int read_id(const char *rel, struct cert_id *id)
{
	_cleanup_free_ char *p = path(rel);

	*id = (struct cert_id){0};
	return cert_id_read(p, id);
}

static void check_cert(const char *rel, const char *serial, const char *cn)
{
	struct cert_id id;
	int r = read_id(rel, &id);

	ASSERT_EQ(r, 0, "%s: serial %s (expected %s)", rel, id.serial ? id.serial : "(none)",
		  serial);
	ASSERT_STREQ(id.serial, serial, "%s: serial %s (expected %s)", rel,
		     id.serial ? id.serial : "(none)", serial);
	ASSERT_EQ(r, 0, "%s: issuer CN %s", rel, id.issuer_cn ? id.issuer_cn : "(none)");
	if (cn)
		ASSERT_STREQ(id.issuer_cn, cn, "%s: issuer CN", rel);
	else
		ASSERT_NULL(id.issuer_cn, "%s: no issuer CN", rel);
	cert_id_free(&id);
}

/* openssl's "serial=0A1B..." as libkmod writes a key id: "0A:1B:...". */
static char *openssl_serial(const char *rel)
{
	char *argv[] = {"openssl", "x509", "-in", (char *)rel, "-noout", "-serial", NULL};
	_cleanup_free_ char *out = run_ok(argv);
	char *hex = strchr(out, '=') + 1, *s = calloc(strlen(hex) * 2, 1), *w = s;

	for (size_t i = 0; hex[i] && hex[i] != '\n'; i += 2)
		w += sprintf(w, "%s%.2s", i ? ":" : "", hex + i);
	return s;
}

TEST(cert_read)
{
	struct cert_id id;

	make_cert("a", "/CN=stap-onboot-test", "0xC0FFEE00");
	make_cert("b", "/O=Example Org/CN=Second Key/OU=lab", "5");
	make_cert("r", "/CN=random serial", NULL);
	make_cert("n", "/O=No Common Name", "0x7f01");
	/* The first byte has its high bit set: DER stores 00 C0 FF EE 00, libkmod C0:FF:EE:00. */
	check_cert("a.pem", "C0:FF:EE:00", "stap-onboot-test");
	check_cert("a.der", "C0:FF:EE:00", "stap-onboot-test");
	check_cert("b.pem", "05", "Second Key");
	check_cert("b.der", "05", "Second Key");
	check_cert("n.der", "7F:01", NULL);
	{
		_cleanup_free_ char *want = openssl_serial("r.pem");
		check_cert("r.pem", want, "random serial");
		check_cert("r.der", want, "random serial");
	}
	{
		char *argv[] = {"openssl", "x509", "-in", "a.pem", "-text", "-out", "a.txt", NULL};
		free(run_ok(argv));
		check_cert("a.txt", "C0:FF:EE:00", "stap-onboot-test");
	}
	put_text("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot*base64\n"
				"-----END CERTIFICATE-----\n");
	ASSERT_EQ(read_id("garbage.pem", &id), -EBADMSG, "a PEM block that is no base64: -EBADMSG");
	put_text("empty.der", "");
	ASSERT_EQ(read_id("empty.der", &id), -EBADMSG, "an empty file: -EBADMSG");
	{
		_cleanup_free_ char *p = path("a.der"), *data = NULL;
		size_t len;

		if (read_file(p, &data, &len) < 0)
			abort();
		put("cut.der", data, 40);
		ASSERT_EQ(read_id("cut.der", &id), -EBADMSG, "a certificate cut short: -EBADMSG");
		put("key.der", "\x30\x82\xff\xff", 4);
		ASSERT_EQ(read_id("key.der", &id), -EBADMSG, "a length past the end: -EBADMSG");
	}
	ASSERT_EQ(read_id("a.key", &id), -EBADMSG, "a private key is not a certificate");
	ASSERT_EQ(read_id("none.der", &id), -ENOENT, "a missing file: -ENOENT");
}

TEST(compare)
{
	struct cert_id id = {.serial = "C0:FF:EE:00", .issuer_cn = "stap-onboot-test"};
	struct cert_id no_cn = {.serial = "C0:FF:EE:00"};

	ASSERT_TRUE(module_signed_by("C0:FF:EE:00", "stap-onboot-test", &id),
		    "same serial and name");
	ASSERT_TRUE(module_signed_by("c0:ff:ee:00", "stap-onboot-test", &id), "hex case ignored");
	ASSERT_TRUE(module_signed_by("C0:FF:EE:00", NULL, &id),
		    "no signer name: the serial decides");
	ASSERT_TRUE(module_signed_by("C0:FF:EE:00", "anyone", &no_cn), "no CN: the serial decides");
	ASSERT_FALSE(module_signed_by("C0:FF:EE:01", "stap-onboot-test", &id), "other serial");
	ASSERT_FALSE(module_signed_by("C0:FF:EE", "stap-onboot-test", &id),
		     "a prefix of the serial");
	ASSERT_FALSE(module_signed_by("C0:FF:EE:00", "Other CA", &id), "same serial, other issuer");
	ASSERT_FALSE(module_signed_by(NULL, NULL, &id), "unsigned");
}

/* MODULES_PATH/KVER/build/scripts/sign-file of an installed kernel (the setup), or exit. */
static char *sign_file;

static char *host_sign_file(void)
{
	DIR *d = opendir("/lib/modules");
	struct dirent *de;
	char *p = NULL;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    asprintf(&p, "/lib/modules/%s/build/scripts/sign-file", de->d_name) < 0)
			continue;
		if (access(p, X_OK) == 0)
			break;
		free(p);
		p = NULL;
	}
	if (d)
		closedir(d);
	if (!p) {
		printf("FAIL: no kernel headers with scripts/sign-file (make deps)\n");
		exit(1);
	}
	return p;
}

TEST(signer_prepare)
{
	struct settings s = {.modules_path = path("modules"), .kernel_release = (char *)kver};
	struct module_signer m = {0};
	_cleanup_free_ char *tool = path("modules/6.1.0-56-amd64/build/scripts/sign-file");

	ASSERT_EQ(module_signer_prepare(&s, &m), -ENOENT, "no headers: -ENOENT");
	put_text("modules/6.1.0-56-amd64/build/Makefile", "");
	ASSERT_EQ(module_signer_prepare(&s, &m), -ENOENT, "headers without sign-file: -ENOENT");
	put_text("modules/6.1.0-56-amd64/build/scripts/README", "");
	if (symlink(sign_file, tool) < 0)
		abort();
	ASSERT_EQ(module_signer_prepare(&s, &m), 0, "sign-file found; no config: sha256");
	ASSERT_STREQ(m.hash, "sha256", "sign-file found; no config: sha256");
	ASSERT_STREQ(m.sign_file, tool, "sign-file found; no config: sha256");
	module_signer_free(&m);
	put_text("modules/6.1.0-56-amd64/build/.config",
		 "# CONFIG_X is not set\nCONFIG_MODULE_SIG_HASH=\"sha384\"\n");
	ASSERT_EQ(module_signer_prepare(&s, &m), 0, ".config: sha384");
	ASSERT_STREQ(m.hash, "sha384", ".config: sha384");
	module_signer_free(&m);
	put_text("modules/6.1.0-56-amd64/build/include/config/auto.conf",
		 "CONFIG_A=y\nCONFIG_MODULE_SIG_HASH=sha512\n");
	ASSERT_EQ(module_signer_prepare(&s, &m), 0, "auto.conf before .config: sha512");
	ASSERT_STREQ(m.hash, "sha512", "auto.conf before .config: sha512");
	module_signer_free(&m);
	/* sign-file would block for ever opening a FIFO key: refused at once, as a directory. */
	s.module_sign_key = path("key.fifo");
	if (mkfifo(s.module_sign_key, 0600) < 0)
		abort();
	ASSERT_EQ(module_signer_prepare(&s, &m), -ENOTREGULAR, "a FIFO key: -ENOTREGULAR at once");
	free(s.module_sign_key);
	s.module_sign_key = path("modules");
	ASSERT_EQ(module_signer_prepare(&s, &m), -ENOTREGULAR, "a directory key: -ENOTREGULAR");
	free(s.module_sign_key);
	s.module_sign_key = path("modules/6.1.0-56-amd64/build/Makefile");
	ASSERT_EQ(module_signer_prepare(&s, &m), 0, "a regular file key: fine");
	module_signer_free(&m);
	free(s.module_sign_key);
	free(s.modules_path);
}

/* The cache of "x" as compile leaves it (kernel build unknown: no build check). */
static void put_cache(const struct settings *s)
{
	_cleanup_free_ char *p = path("cache/6.1.0-56-amd64/x.opts");
	struct cache_meta m = {.kernel_release = s->kernel_release,
			       .stap_version = "4.8",
			       .protocol = 4,
			       .opts = "--"};

	put_ko("cache/6.1.0-56-amd64/x.ko", "6.1.0-56-amd64 SMP mod_unload ");
	if (cache_meta_write(p, &m) < 0)
		abort();
}

static enum cache_state check(const struct settings *s)
{
	enum cache_state st = (enum cache_state) - 1;

	ASSERT_OK(cache_check(s, "x", "--", &st));
	return st;
}

TEST(sign_and_check)
{
	struct settings s = {.script_path = path("script.d"),
			     .cache_path = path("cache/6.1.0-56-amd64"),
			     .modules_path = path("modules"),
			     .boot_path = path("boot"),
			     .kernel_release = (char *)kver};
	struct module_signer m = {.sign_file = (char *)sign_file, .hash = "sha256"};
	_cleanup_free_ char *ko = path("cache/6.1.0-56-amd64/x.ko"), *key = NULL, *signer = NULL;
	_cleanup_free_ char *a_key = path("a.key"), *a_der = path("a.der"), *b_pem = path("b.pem");
	_cleanup_free_ char *b_key = path("b.key"), *before = NULL, *after = NULL;
	size_t lb, la;
	enum cache_state st;

	make_cert("a2", "/CN=other issuer", "0xC0FFEE00");
	put_cache(&s);
	ASSERT_EQ(check(&s), CACHE_VALID, "no signing configured: an unsigned module is valid");
	s.module_sign_key = a_key;
	s.module_sign_cert = a_der;
	st = check(&s);
	ASSERT_EQ(st, CACHE_UNSIGNED, "signing configured, unsigned module: %s",
		  cache_state_to_string(st));
	ASSERT_EQ(module_sign(&s, &m, ko), 0, "module signed with a.key");
	ASSERT_EQ(module_signature(ko, &key, &signer), 0, "libkmod reads the signature: %s by %s",
		  key ? key : "-", signer ? signer : "-");
	ASSERT_STREQ(key, "C0:FF:EE:00", "libkmod reads the signature: %s by %s", key ? key : "-",
		     signer ? signer : "-");
	ASSERT_STREQ(signer, "stap-onboot-test", "libkmod reads the signature: %s by %s",
		     key ? key : "-", signer ? signer : "-");
	ASSERT_EQ(check(&s), CACHE_VALID, "signed with the configured key: valid");
	s.module_sign_cert = b_pem;
	st = check(&s);
	ASSERT_EQ(st, CACHE_OTHER_KEY, "another certificate configured: %s",
		  cache_state_to_string(st));
	{
		_cleanup_free_ char *a2 = path("a2.pem");
		s.module_sign_cert = a2;
		ASSERT_EQ(check(&s), CACHE_OTHER_KEY, "same serial, another issuer: other key");
	}
	s.module_sign_cert = NULL;
	ASSERT_EQ(check(&s), CACHE_VALID, "signing removed: a signed module stays valid");

	/* A key that does not match the certificate: sign-file fails, the module is kept. */
	s.module_sign_key = b_key;
	s.module_sign_cert = a_der;
	if (read_file(ko, &before, &lb) < 0)
		abort();
	ASSERT_EQ(module_sign(&s, &m, ko), -EBADMSG, "key and certificate do not match: -EBADMSG");
	if (read_file(ko, &after, &la) < 0)
		abort();
	ASSERT_EQ(la, lb, "the module is unchanged");
	ASSERT_EQ(memcmp(before, after, la), 0, "the module is unchanged");
	{
		_cleanup_free_ char *dir = path("cache/6.1.0-56-amd64");
		DIR *d = opendir(dir);
		struct dirent *de;
		int n = 0;

		while (d && (de = readdir(d)))
			n += de->d_name[0] != '.';
		if (d)
			closedir(d);
		ASSERT_EQ(n, 2, "no temporary file left next to it (%d entries)", n);
	}
	free(s.script_path);
	free(s.cache_path);
	free(s.modules_path);
	free(s.boot_path);
}

static void setup(void)
{
	cache_fixture_setup();
	sign_file = host_sign_file();
}
TEST_SETUP(setup)

static void teardown(void)
{
	free(sign_file);
}
TEST_TEARDOWN(teardown)
