/* module_sig.h: whose key signed a module, and whether that is the configured one
 * (module_sig.c). */
#pragma once
#include <stdbool.h>

#include "cert_id.h"
#include "settings.h"

/* The signature of module ko as libkmod reads it: *ret_key the signing key's serial number
 * ("80:AA:00:BB"), *ret_signer its issuer's name (NULL when libkmod gives none). Both NULL
 * for an unsigned module. 0, or -errno after a message. */
int module_signature(const char *ko, char **ret_key, char **ret_signer);
/* Whether a signature (key, signer from module_signature; key NULL: unsigned) was made with
 * the key of certificate id: the serial numbers match and, when both have one, the names. */
bool module_signed_by(const char *key, const char *signer, const struct cert_id *id);
/* The certificate modules are signed with (MODULE_SIGN_CERT, or DKMS's: sign_key_get) read
 * once per run (the cache check asks for every script): *ret is NULL when nothing signs. 0, or
 * -errno after a message naming the file. */
int module_sign_cert_id(const struct settings *s, const struct cert_id **ret);
