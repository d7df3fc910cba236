/* efivars.h: the firmware's variables as Linux shows them under SYSFS_PATH (efivars.c):
 * efivarfs in firmware/efi/efivars (each file NAME-GUID: 4 attribute bytes, then the value)
 * and shim's MOK variable table in firmware/efi/mok-variables (one file per entry, the value
 * alone). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "settings.h"

#define EFI_GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c" /* SecureBoot, SetupMode */
#define EFI_DB_GUID "d719b2cb-3d3a-4596-a3bc-dad00e67656f"     /* db */
#define EFI_SHIM_GUID "605dab50-e046-4300-abb6-3dd810dd8b23"   /* MokListRT, MokNew... */
#define EFI_VARIABLE_NON_VOLATILE 0x1

/* Whether the machine booted through UEFI: SYSFS_PATH/firmware/efi exists. */
bool efi_booted(const struct settings *s);
/* Whether efivarfs is mounted on SYSFS_PATH/firmware/efi/efivars (a directory with entries:
 * the mount point alone is empty). */
bool efivars_mounted(const struct settings *s);
/* The value of EFI variable NAME-GUID, its attributes in *ret_attr (may be NULL). 0 and *ret
 * (malloc'd, NUL-terminated after *ret_len bytes), -ENOENT when there is no such variable,
 * or -errno. Does not log. */
int efivar_read(const struct settings *s, const char *name, const char *guid, uint32_t *ret_attr,
		char **ret, size_t *ret_len);
/* Entry NAME of shim's MOK variable table, as efivar_read (-ENOENT: no table or no entry). */
int mokvar_read(const struct settings *s, const char *name, char **ret, size_t *ret_len);
