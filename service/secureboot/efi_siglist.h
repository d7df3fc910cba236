/* efi_siglist.h: the EFI key databases (db, MokListRT, MokNew...): a sequence of
 * EFI_SIGNATURE_LIST structures, each a header (SignatureType GUID, SignatureListSize,
 * SignatureHeaderSize, SignatureSize), a header of its own, then signatures of SignatureSize
 * bytes (SignatureOwner GUID + data). Read without trusting a size (efi_siglist.c). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define EFI_GUID_SIZE 16
/* EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072 as stored: the first three
 * fields little-endian. */
extern const uint8_t efi_cert_x509_guid[EFI_GUID_SIZE];

/* One signature; every pointer is into the data being read. */
struct efi_sig {
	const uint8_t *type;  /* SignatureType of its list, EFI_GUID_SIZE bytes */
	const uint8_t *owner; /* SignatureOwner, EFI_GUID_SIZE bytes */
	const uint8_t *data;  /* SignatureData: a DER certificate for EFI_CERT_X509_GUID */
	size_t len;
};

struct efi_siglist_iter {
	const uint8_t *p; /* the next list */
	size_t left;	  /* bytes from p to the end */
	const uint8_t *type, *sig;
	size_t sig_size, sigs_left; /* of the current list */
};

/* Starts reading the lists in data (len bytes, 0 is an empty database). */
void efi_siglist_begin(struct efi_siglist_iter *it, const void *data, size_t len);
/* The next signature: 1 and *ret, 0 after the last one, -EBADMSG at a list whose sizes do not
 * fit (as the kernel's parser, which has loaded the signatures before it by then). */
int efi_siglist_next(struct efi_siglist_iter *it, struct efi_sig *ret);
/* Whether an X.509 signature in data is the certificate der byte for byte: 1, 0, or -EBADMSG
 * when it is not before a list that does not parse. */
int efi_siglist_has_x509(const void *data, size_t len, const void *der, size_t der_len);
