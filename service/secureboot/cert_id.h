/* cert_id.h: which key a certificate stands for, in the terms libkmod uses for a module's
 * signature (cert_id.c). */
#pragma once
#include <stddef.h>

struct cert_id {
	char *serial;	 /* "80:AA:00:BB": the serial number's bytes, leading zeros dropped, as
			  * libkmod's "sig_key" of a module signed with the certificate's key */
	char *issuer_cn; /* the issuer's commonName (libkmod's "signer"), NULL when none */
};

/* Reads serial number and issuer CN of the DER X.509 certificate data. 0, -EBADMSG (not a
 * certificate) or -ENOMEM. */
int cert_id_from_der(const unsigned char *data, size_t len, struct cert_id *ret);
/* The DER bytes of the certificate in path: a PEM file's first CERTIFICATE block decoded, a
 * DER file as it is (not checked). 0 and *ret (malloc'd), or -errno after a message naming
 * path. */
int cert_der_read(const char *path, char **ret, size_t *ret_len);
/* Reads the certificate in path, PEM ("-----BEGIN CERTIFICATE-----") or DER. 0, or -errno
 * after a message naming path. */
int cert_id_read(const char *path, struct cert_id *ret);
void cert_id_free(struct cert_id *id);
