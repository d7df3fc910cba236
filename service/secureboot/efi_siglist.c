/* efi_siglist.c: EFI signature lists as the firmware and shim store them. The sizes come from
 * a variable anyone with root can write, so each is checked against what is left before it
 * is used, with the kernel's rules (security/integrity/platform_certs/efi_parser.c): a list
 * holds its 28-byte header, its own header and at least one signature, and whole signatures
 * only. */
#include <errno.h>
#include <string.h>

#include "efi_siglist.h"

/* SignatureType, SignatureListSize, SignatureHeaderSize, SignatureSize. */
#define LIST_HEADER_SIZE (EFI_GUID_SIZE + 3 * 4)

const uint8_t efi_cert_x509_guid[EFI_GUID_SIZE] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
						   0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};

static size_t le32(const uint8_t *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

void efi_siglist_begin(struct efi_siglist_iter *it, const void *data, size_t len)
{
	*it = (struct efi_siglist_iter){.p = data, .left = data ? len : 0};
}

/* Makes the list at it->p the current one. 0 or -EBADMSG (it unchanged). */
static int open_list(struct efi_siglist_iter *it)
{
	size_t list_size, header_size, sig_size, body;

	if (it->left < LIST_HEADER_SIZE)
		return -EBADMSG;
	list_size = le32(it->p + EFI_GUID_SIZE);
	header_size = le32(it->p + EFI_GUID_SIZE + 4);
	sig_size = le32(it->p + EFI_GUID_SIZE + 8);
	if (list_size > it->left || list_size < LIST_HEADER_SIZE ||
	    header_size > list_size - LIST_HEADER_SIZE || sig_size < EFI_GUID_SIZE)
		return -EBADMSG;
	body = list_size - LIST_HEADER_SIZE - header_size;
	if (body < sig_size || body % sig_size != 0)
		return -EBADMSG;
	it->type = it->p;
	it->sig = it->p + LIST_HEADER_SIZE + header_size;
	it->sig_size = sig_size;
	it->sigs_left = body / sig_size;
	it->p += list_size;
	it->left -= list_size;
	return 0;
}

int efi_siglist_next(struct efi_siglist_iter *it, struct efi_sig *ret)
{
	if (it->sigs_left == 0) {
		int r;

		if (it->left == 0)
			return 0;
		r = open_list(it);
		if (r < 0)
			return r;
	}
	*ret = (struct efi_sig){.type = it->type,
				.owner = it->sig,
				.data = it->sig + EFI_GUID_SIZE,
				.len = it->sig_size - EFI_GUID_SIZE};
	it->sig += it->sig_size;
	it->sigs_left--;
	return 1;
}

int efi_siglist_has_x509(const void *data, size_t len, const void *der, size_t der_len)
{
	struct efi_siglist_iter it;
	struct efi_sig sig;
	int r;

	efi_siglist_begin(&it, data, len);
	while ((r = efi_siglist_next(&it, &sig)) > 0)
		if (memcmp(sig.type, efi_cert_x509_guid, EFI_GUID_SIZE) == 0 &&
		    sig.len == der_len && memcmp(sig.data, der, der_len) == 0)
			return 1;
	return r;
}
