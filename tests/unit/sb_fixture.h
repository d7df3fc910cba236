/* sb_fixture.h: real certificates from openssl and hand-built EFI signature lists for the Secure
 * Boot unit tests (header only). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_id.h"
#include "efi_siglist.h"
#include "files.h"
#include "fsutil.h"
#include "tempfile.h"
#include "run.h"

/* Runs argv in dir; exits 2 when it fails (the tools are part of the test setup). */
static inline void sb_run_ok(char *const argv[], const char *dir)
{
	char *out = NULL;
	int r = run_capture(argv, dir, &out);

	if (r != 0) {
		printf("FAIL: %s exited with %d: %s\n", argv[0], r, out ? out : "");
		exit(2);
	}
	free(out);
}

/* dir/NAME.key (mode 0600), dir/NAME.der and dir/NAME.pem: a self-signed certificate whose
 * subject and issuer are /CN=cn. */
static inline void sb_make_cert(const char *dir, const char *name, const char *cn)
{
	char key[600], der[600], pem[600], subj[200];

	snprintf(key, sizeof(key), "%s/%s.key", dir, name);
	snprintf(der, sizeof(der), "%s/%s.der", dir, name);
	snprintf(pem, sizeof(pem), "%s/%s.pem", dir, name);
	snprintf(subj, sizeof(subj), "/CN=%s", cn);
	{
		char *argv[] = {"openssl", "req",      "-new", "-x509", "-newkey", "rsa:2048",
				"-nodes",  "-days",    "1",    "-subj", subj,	   "-keyout",
				key,	   "-outform", "DER",  "-out",	der,	   NULL};
		sb_run_ok(argv, dir);
	}
	{
		char *argv[] = {"openssl", "x509", "-inform", "DER", "-in", der, "-out", pem, NULL};
		sb_run_ok(argv, dir);
	}
}

/* The bytes of dir/rel (exits 2 when unreadable). */
static inline char *sb_slurp(const char *dir, const char *rel, size_t *len)
{
	char *data;

	if (read_file(path_in(dir, rel), &data, len) < 0) {
		printf("FAIL: cannot read %s/%s\n", dir, rel);
		exit(2);
	}
	return data;
}

/* A growing byte buffer for hand-built lists. */
struct sb_buf {
	uint8_t data[16384];
	size_t len;
};

static inline void sb_put(struct sb_buf *b, const void *p, size_t n)
{
	if (b->len + n > sizeof(b->data))
		abort();
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void sb_le32(struct sb_buf *b, uint32_t v)
{
	uint8_t le[4] = {v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24 & 0xff};

	sb_put(b, le, 4);
}

/* Appends one EFI_SIGNATURE_LIST of type: header_size bytes of header (0xAA), then n
 * signatures of owner 0x11.. + data[i] (each sig_len bytes). */
static inline void sb_list(struct sb_buf *b, const uint8_t *type, uint32_t header_size,
			   const void *const *data, size_t n, size_t sig_len)
{
	static const uint8_t owner[EFI_GUID_SIZE] = {0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
						     0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
						     0x11, 0x11, 0x11, 0x11};
	uint8_t pad = 0xaa;

	sb_put(b, type, EFI_GUID_SIZE);
	sb_le32(b, (uint32_t)(28 + header_size + n * (EFI_GUID_SIZE + sig_len)));
	sb_le32(b, header_size);
	sb_le32(b, (uint32_t)(EFI_GUID_SIZE + sig_len));
	for (uint32_t i = 0; i < header_size; i++)
		sb_put(b, &pad, 1);
	for (size_t i = 0; i < n; i++) {
		sb_put(b, owner, EFI_GUID_SIZE);
		sb_put(b, data[i], sig_len);
	}
}

/* Appends one X.509 list holding the certificate der. */
static inline void sb_x509(struct sb_buf *b, const void *der, size_t len)
{
	const void *one[] = {der};

	sb_list(b, efi_cert_x509_guid, 0, one, 1, len);
}

/* Writes EFI variable NAME-GUID under sysfs (efivarfs' 4 attribute bytes, then len bytes of
 * value). */
static inline void sb_efivar(const char *sysfs, const char *name, const char *guid, uint32_t attr,
			     const void *value, size_t len)
{
	char p[700];
	struct sb_buf b = {.len = 0};

	snprintf(p, sizeof(p), "%s/firmware/efi/efivars", sysfs);
	if (mkdir_p(p, 0755) < 0)
		exit(2);
	snprintf(p, sizeof(p), "%s/firmware/efi/efivars/%s-%s", sysfs, name, guid);
	sb_le32(&b, attr);
	sb_put(&b, value, len);
	if (write_file_atomic(p, b.data, b.len, 0644) < 0)
		exit(2);
}

/* Writes sysfs/rel (its directories too). */
static inline void sb_sysfile(const char *sysfs, const char *rel, const void *data, size_t len)
{
	char p[700], *slash;

	snprintf(p, sizeof(p), "%s/%s", sysfs, rel);
	slash = strrchr(p, '/');
	*slash = '\0';
	if (mkdir_p(p, 0755) < 0)
		exit(2);
	*slash = '/';
	if (write_file_atomic(p, data, len, 0644) < 0)
		exit(2);
}
