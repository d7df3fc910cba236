/* mok_lists.h: the certificates the next boot's kernel trusts for modules beyond its own, as
 * the firmware and shim publish them: MokListRT, db, and the pending MokNew (mok_lists.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

struct mok_lists {
	/* MokListRT as the kernel reads it: the entry of shim's MOK table, else the EFI variable
	 * MokListRT alone. */
	char *mok;
	size_t mok_len;
	const char *mok_from; /* "MOK table", "EFI variable", "none"; NULL: cannot be read */
	int mok_err;	      /* why not, -errno */
	/* The EFI variables MokListRT1, MokListRT2... concatenated: the rest of a list too long
	 * for one variable, which the kernel reads only through the MOK table. NULL: none. */
	char *mok_more;
	size_t mok_more_len;
	/* MokListTrustedRT is in the MOK table: the kernel puts MOK keys into its machine keyring
	 * (trusted for modules), else into the platform keyring (only some kernels trust it). */
	bool mok_trusted;
	char *db; /* the firmware's db; NULL when absent or ignored */
	size_t db_len;
	bool db_ignored; /* shim's MokIgnoreDB: the kernel skips db */
	char *moknew;	 /* `mokutil --import` requests MokManager has not handled; NULL: none */
	size_t moknew_len;
};

enum mok_enrollment {
	MOK_UNKNOWN,	  /* MokListRT cannot be read */
	MOK_NOT_ENROLLED, /* in none of them */
	MOK_PENDING,	  /* in MokNew only: MokManager enrolls it at the next boot */
	MOK_OVERFLOW,	  /* in MokListRT1... only, which the kernel does not read here */
	MOK_IN_DB,	  /* in db, not in MokListRT */
	MOK_ENROLLED,	  /* in MokListRT */
};

/* Reads the lists under SYSFS_PATH (a machine booted with UEFI). What is missing stays NULL;
 * 0, or -ENOMEM. */
int mok_lists_read(const struct settings *s, struct mok_lists *ret);
void mok_lists_free(struct mok_lists *l);
/* Where the DER certificate der is: MokListRT, else db, else MokNew, else MokListRT1...;
 * MOK_UNKNOWN when MokListRT cannot be read. */
enum mok_enrollment mok_lists_find(const struct mok_lists *l, const void *der, size_t len);
/* Whether a module signature (key serial and signer as module_signature gives them) was made
 * with the key of an X.509 certificate of MokListRT (when sb_on: the kernel loads MOK keys
 * only under Secure Boot) or of db. *ret_platform (may be NULL): only through the kernel's
 * platform keyring (db's, or MokListRT's without MokListTrustedRT), which upstream kernels do
 * not check modules against. */
bool mok_lists_trust(const struct mok_lists *l, bool sb_on, const char *key, const char *signer,
		     bool *ret_platform);
