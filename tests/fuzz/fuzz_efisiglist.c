/* fuzz_efisiglist.c: libFuzzer target for the EFI signature list parser (efi_siglist.c): any
 * bytes as a key database (MokListRT, db, MokNew). Checks what the parser promises: every
 * signature lies inside the input, after its owner GUID, and efi_siglist_has_x509 agrees with
 * a walk of the same signatures (asked for the data of the last X.509 signature seen). */
#include "efi_siglist.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct efi_siglist_iter it;
	struct efi_sig sig;
	const uint8_t *last = NULL;
	size_t last_len = 0, n = 0;
	int r;

	efi_siglist_begin(&it, data, size);
	while ((r = efi_siglist_next(&it, &sig)) > 0) {
		if (sig.type < data || sig.type + EFI_GUID_SIZE > data + size ||
		    sig.owner + EFI_GUID_SIZE != sig.data || sig.data < data || sig.len > size ||
		    sig.data + sig.len > data + size)
			abort();
		if (memcmp(sig.type, efi_cert_x509_guid, EFI_GUID_SIZE) == 0) {
			last = sig.data;
			last_len = sig.len;
		}
		if (++n > size)
			abort(); /* each signature takes at least its owner's 16 bytes */
	}
	if (r != 0 && r != -EBADMSG)
		abort();
	if (last && efi_siglist_has_x509(data, size, last, last_len) != 1)
		abort();
	if (!last && efi_siglist_has_x509(data, size, "x", 1) != r)
		abort();
	return 0;
}
