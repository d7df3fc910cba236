/* cert_id.c: the serial number and issuer of an X.509 certificate, read by a small DER walk:
 * the cache check needs only these two fields, and a walk to them is shorter than running
 * openssl once per script or linking libcrypto for the whole service. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_id.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"

/* A certificate file larger than this is not one. */
#define CERT_FILE_MAX ((size_t)1 << 20)
#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"

enum {
	DER_INTEGER = 0x02,
	DER_OID = 0x06,
	DER_UTF8 = 0x0c,
	DER_PRINTABLE = 0x13,
	DER_T61 = 0x14,
	DER_IA5 = 0x16,
	DER_SEQUENCE = 0x30,
	DER_SET = 0x31,
	DER_VERSION = 0xa0, /* [0] EXPLICIT of tbsCertificate */
};

struct der {
	const unsigned char *p;
	size_t len;
};

/* Takes the next element off in: its tag and contents. 0 or -EBADMSG. */
static int der_next(struct der *in, unsigned char *ret_tag, struct der *ret)
{
	size_t hl = 2, l;

	if (in->len < 2 || (in->p[0] & 0x1f) == 0x1f) /* no multi-byte tags in what we read */
		return -EBADMSG;
	l = in->p[1];
	if (l & 0x80) {
		size_t n = l & 0x7f;

		if (n == 0 || n > 4 || n > in->len - 2)
			return -EBADMSG;
		l = 0;
		for (size_t i = 0; i < n; i++)
			l = l << 8 | in->p[2 + i];
		hl += n;
	}
	if (l > in->len - hl)
		return -EBADMSG;
	*ret_tag = in->p[0];
	*ret = (struct der){in->p + hl, l};
	in->p += hl + l;
	in->len -= hl + l;
	return 0;
}

/* The next element of in, which must have tag. 0 or -EBADMSG. */
static int der_expect(struct der *in, unsigned char tag, struct der *ret)
{
	unsigned char t;
	int r = der_next(in, &t, ret);

	return r < 0 ? r : t == tag ? 0 : -EBADMSG;
}

/* "80:AA:00:BB" for the INTEGER contents v: libkmod prints the number's magnitude, without
 * the 00 that DER puts before a first byte with the high bit set. */
static char *serial_text(struct der v)
{
	char *s, *w;

	while (v.len > 1 && v.p[0] == 0) {
		v.p++;
		v.len--;
	}
	s = malloc(v.len * 3 + 1);
	if (!s)
		return NULL;
	w = s;
	for (size_t i = 0; i < v.len; i++)
		w += sprintf(w, i ? ":%02X" : "%02X", v.p[i]);
	*w = '\0';
	return s;
}

/* The first commonName (OID 2.5.4.3) of the Name contents name, or NULL. 0, -EBADMSG or
 * -ENOMEM. */
static int name_cn(struct der name, char **ret)
{
	static const unsigned char cn_oid[] = {0x55, 0x04, 0x03};
	struct der rdn, atv, oid, val;
	unsigned char t;
	int r;

	*ret = NULL;
	while (name.len > 0) {
		r = der_expect(&name, DER_SET, &rdn);
		while (r == 0 && rdn.len > 0) {
			r = der_expect(&rdn, DER_SEQUENCE, &atv);
			if (r == 0)
				r = der_expect(&atv, DER_OID, &oid);
			if (r == 0)
				r = der_next(&atv, &t, &val);
			if (r < 0)
				return r;
			if (oid.len != sizeof(cn_oid) || memcmp(oid.p, cn_oid, oid.len) != 0)
				continue;
			if ((t != DER_UTF8 && t != DER_PRINTABLE && t != DER_T61 && t != DER_IA5) ||
			    memchr(val.p, '\0', val.len))
				return -EBADMSG;
			*ret = strndup((const char *)val.p, val.len);
			return *ret ? 0 : -ENOMEM;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int cert_id_from_der(const unsigned char *data, size_t len, struct cert_id *ret)
{
	struct der in = {data, len}, cert, tbs, serial, alg, issuer;
	struct cert_id id = {0};
	unsigned char t;
	int r;

	r = der_expect(&in, DER_SEQUENCE, &cert);
	if (r == 0)
		r = der_expect(&cert, DER_SEQUENCE, &tbs);
	if (r == 0)
		r = der_next(&tbs, &t, &serial);
	if (r == 0 && t == DER_VERSION) /* v1 certificates have no version */
		r = der_next(&tbs, &t, &serial);
	if (r == 0 && (t != DER_INTEGER || serial.len == 0))
		r = -EBADMSG;
	if (r == 0)
		r = der_expect(&tbs, DER_SEQUENCE, &alg);
	if (r == 0)
		r = der_expect(&tbs, DER_SEQUENCE, &issuer);
	if (r == 0)
		r = name_cn(issuer, &id.issuer_cn);
	if (r == 0) {
		id.serial = serial_text(serial);
		r = id.serial ? 0 : -ENOMEM;
	}
	if (r < 0) {
		cert_id_free(&id);
		return r;
	}
	*ret = id;
	return 0;
}

static int b64_value(char c)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(digits, c) : NULL;

	return p ? (int)(p - digits) : -1;
}

/* Decodes the base64 of the first CERTIFICATE block of the PEM text in place into *ret_len
 * bytes at text. 0 or -EBADMSG. */
static int pem_decode(char *text, size_t *ret_len)
{
	static const char begin[] = PEM_BEGIN, end[] = "-----END CERTIFICATE-----";
	char *p = strstr(text, begin), *stop;
	unsigned long acc = 0;
	size_t n = 0, bits = 0;
	bool padded = false;

	if (!p || !(stop = strstr(p, end)))
		return -EBADMSG;
	for (p += strlen(begin); p < stop; p++) {
		int v = b64_value(*p);

		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			continue;
		if (*p == '=') {
			padded = true;
			continue;
		}
		if (v < 0 || padded)
			return -EBADMSG;
		acc = (acc << 6 | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			text[n++] = (char)(acc >> bits & 0xff);
		}
	}
	*ret_len = n;
	return 0;
}

int cert_der_read(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	r = read_file_limited(path, CERT_FILE_MAX, &data, &len);
	if (r < 0)
		return log_error_errno(r, "Failed to read certificate %s", path);
	/* A DER file has NUL bytes before any such text; PEM files may have text before it. */
	if (strstr(data, PEM_BEGIN) && pem_decode(data, &len) < 0) {
		log_error("%s is not an X.509 certificate (PEM or DER)", path);
		return -EBADMSG;
	}
	*ret = data;
	*ret_len = len;
	data = NULL;
	return 0;
}

int cert_id_read(const char *path, struct cert_id *ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	r = cert_der_read(path, &data, &len);
	if (r < 0)
		return r;
	r = cert_id_from_der((const unsigned char *)data, len, ret);
	if (r == -EBADMSG)
		log_error("%s is not an X.509 certificate (PEM or DER)", path);
	else if (r < 0)
		log_error_errno(r, "Failed to read certificate %s", path);
	return r;
}

void cert_id_free(struct cert_id *id)
{
	free(id->serial);
	free(id->issuer_cn);
	*id = (struct cert_id){0};
}
