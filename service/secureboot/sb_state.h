/* sb_state.h: whether this machine's kernel refuses unsigned modules: UEFI Secure Boot as the
 * kernel's EFI stub decides it, the lockdown mode, module.sig_enforce (sb_state.c). */
#pragma once
#include <stdbool.h>

#include "settings.h"

enum sb_mode {
	SB_NOT_EFI,	  /* no SYSFS_PATH/firmware/efi: booted without UEFI */
	SB_UNKNOWN,	  /* UEFI, but efivarfs is not mounted */
	SB_OFF,		  /* SecureBoot is 0, or the firmware has no such variable */
	SB_SETUP_MODE,	  /* SecureBoot 1 but SetupMode 1: the kernel treats it as off */
	SB_SHIM_INSECURE, /* shim's validation disabled (MokSBStateRT): off for the kernel */
	SB_ON,
};

struct sb_state {
	enum sb_mode mode;
	char lockdown[16]; /* none, integrity, confidentiality; "" when the kernel does not say */
	bool sig_enforce;  /* SYSFS_PATH/module/module/parameters/sig_enforce is Y */
};

/* Reads the state under SYSFS_PATH (NULL: as a machine without UEFI or lockdown). What
 * cannot be read stays unknown; never fails. */
void sb_state_read(const struct settings *s, struct sb_state *ret);
/* Whether the kernel loads only signed modules: Secure Boot (its lockdown, and IMA's
 * signature enforcement), a lockdown mode other than none, or sig_enforce. */
bool sb_enforcing(const struct sb_state *st);
/* "on", "off", "off (setup mode)", ... for `onboot --status`. */
const char *sb_mode_to_string(enum sb_mode m);
/* What makes the kernel refuse unsigned modules, for a message: "Secure Boot is on",
 * "lockdown is integrity", "module.sig_enforce is set"; NULL when nothing does. */
const char *sb_enforcing_reason(const struct sb_state *st);
