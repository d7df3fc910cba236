/* fuzz_cert.c: libFuzzer target for the certificate reader of module signing (cert_id.c): any
 * bytes as a DER certificate. Checks what a successful read promises: a serial of colon-separated
 * upper-case hex byte pairs, without leading zero bytes, and an issuer CN that is a C string. */
#include "cert_id.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_serial(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || (n + 1) % 3 != 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');

		if (i % 3 == 2 ? c != ':' : !hex)
			abort();
	}
	if (n > 2 && s[0] == '0' && s[1] == '0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert_id id;

	if (cert_id_from_der(data, size, &id) == 0) {
		check_serial(id.serial);
		if (id.issuer_cn)
			(void)strlen(id.issuer_cn);
		cert_id_free(&id);
	}
	return 0;
}
