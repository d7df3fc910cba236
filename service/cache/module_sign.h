/* module_sign.h: signing freshly built modules with MODULE_SIGN_KEY, or DKMS's key
 * (sign_key.h; module_sign.c). */
#pragma once
#include "settings.h"

/* The kernel's own sign-file and the hash its modules are signed with. */
struct module_signer {
	char *sign_file; /* MODULES_PATH/KVER/build/scripts/sign-file */
	char *hash;	 /* CONFIG_MODULE_SIG_HASH of the headers, else "sha256" */
};

/* Checks that MODULE_SIGN_KEY is a regular file (-ENOTREGULAR at once for a FIFO, a device, a
 * directory), finds sign-file and the hash in the headers of s->kernel_release. 0, or -errno
 * after a message naming the key, or the missing file and the package that has it. */
int module_signer_prepare(const struct settings *s, struct module_signer *ret);
void module_signer_free(struct module_signer *m);
/* Signs module ko with the key and certificate of s (sign_key_get): sign-file (under
 * TOOL_TIMEOUT) writes a temporary file next to ko, which replaces ko once it is on disk. 0, or
 * -errno after a message with sign-file's output (ko is then unchanged). */
int module_sign(const struct settings *s, const struct module_signer *m, const char *ko);
