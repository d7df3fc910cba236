/* sb_status.h: the Secure Boot part of `onboot --status`: whether the next boot's kernel will
 * accept the modules of the onboot snapshots (sb_status.c). */
#pragma once
#include <stdbool.h>

#include "cert_id.h"
#include "mok_lists.h"
#include "onboot_snapshot.h"
#include "sb_state.h"
#include "settings.h"
#include "sign_key.h"

struct sb_report {
	struct sb_state st;
	bool enforcing;		      /* the kernel loads only signed modules */
	const struct sign_key *key;   /* sign_key_get's */
	struct mok_lists lists;	      /* read on a UEFI machine */
	enum mok_enrollment enrolled; /* of key->cert; MOK_UNKNOWN without a key */
	struct cert_id cert;	      /* key->cert's serial and issuer; serial NULL: unread */
	bool key_problem;	      /* enforcing, and modules signed now would be refused */
};

/* Prints "Secure Boot:", "Lockdown:", "Module signatures:", "Signing key:" and
 * "Certificate:" lines, and what to do when the key would not be trusted; fills *ret for
 * sb_status_modules. 0, or -ENOMEM (*ret then needs no free). */
int sb_status_print(const struct settings *s, struct sb_report *ret);
/* When r->enforcing: prints a line for each module of snap the kernel would refuse (not
 * signed, or signed with a key it does not trust) or that cannot be judged. The number of
 * refused modules; *ret_rebuild: one of them is not signed with the key in use (enrolling
 * that key alone does not help). */
int sb_status_modules(const struct sb_report *r, const struct onboot_snapshot *snap,
		      bool *ret_rebuild);
void sb_report_free(struct sb_report *r);
