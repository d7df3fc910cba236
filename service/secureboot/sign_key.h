/* sign_key.h: the key pair modules are signed with in this run: the configured one, else on a
 * machine that refuses unsigned modules DKMS's, as DKMS users expect (sign_key.c). */
#pragma once
#include "settings.h"

enum sign_key_origin {
	SIGN_KEY_NONE,	 /* modules are not signed */
	SIGN_KEY_CONFIG, /* MODULE_SIGN_KEY and MODULE_SIGN_CERT */
	SIGN_KEY_DKMS,	 /* DKMS_PATH/mok.key and DKMS_PATH/mok.pub */
};

struct sign_key {
	enum sign_key_origin origin;
	char *key, *cert; /* NULL with SIGN_KEY_NONE */
};

/* The key pair of s, worked out once per run (again only when the settings it depends on
 * change). Without MODULE_SIGN_KEY, when the kernel refuses unsigned modules (sb_enforcing):
 * DKMS's pair when both files are there, else no key and a warning, once per run, on how to
 * make a key and enroll it. A private key that others can read gets a warning naming it and
 * the chmod that fixes it, once per file. 0 and *ret (valid until the next call), or
 * -ENOMEM. */
int sign_key_get(const struct settings *s, const struct sign_key **ret);
/* "MODULE_SIGN_KEY", "DKMS's key" or "none". */
const char *sign_key_origin_to_string(enum sign_key_origin o);
