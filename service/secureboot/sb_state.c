/* sb_state.c: Secure Boot, lockdown and signature enforcement read from sysfs. Secure Boot
 * counts as the kernel's EFI stub counts it (drivers/firmware/efi/libstub/secureboot.c):
 * SecureBoot 1, SetupMode not 1, and shim not told to skip validation (a volatile
 * MokSBStateRT of 1). Only then does the kernel lock itself down and load MOK keys. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "efivars.h"
#include "fsutil.h"
#include "macro.h"
#include "sb_state.h"

/* The one-byte value of a variable: 0 or 1 and *ret; -ENOENT or -errno. */
static int efivar_byte(const struct settings *s, const char *name, const char *guid,
		       uint32_t *ret_attr, unsigned *ret)
{
	_cleanup_free_ char *v = NULL;
	size_t len;
	int r = efivar_read(s, name, guid, ret_attr, &v, &len);

	if (r < 0)
		return r;
	if (len < 1)
		return -EBADMSG;
	*ret = (unsigned char)v[0];
	return 0;
}

static enum sb_mode read_mode(const struct settings *s)
{
	unsigned sb, setup, insecure;
	uint32_t attr;

	if (!efi_booted(s))
		return SB_NOT_EFI;
	if (!efivars_mounted(s))
		return SB_UNKNOWN;
	if (efivar_byte(s, "SecureBoot", EFI_GLOBAL_GUID, NULL, &sb) < 0 || sb != 1)
		return SB_OFF;
	if (efivar_byte(s, "SetupMode", EFI_GLOBAL_GUID, NULL, &setup) == 0 && setup == 1)
		return SB_SETUP_MODE;
	if (efivar_byte(s, "MokSBStateRT", EFI_SHIM_GUID, &attr, &insecure) == 0 &&
	    !(attr & EFI_VARIABLE_NON_VOLATILE) && insecure == 1)
		return SB_SHIM_INSECURE;
	return SB_ON;
}

/* The bracketed word of "none [integrity] confidentiality" into buf; "" when none. */
static void read_lockdown(const struct settings *s, char *buf, size_t size)
{
	_cleanup_free_ char *p = path_join(s->sysfs_path, "kernel/security/lockdown"), *t = NULL;
	const char *open, *close;

	buf[0] = '\0';
	if (!p || read_file_limited(p, 4096, &t, NULL) < 0)
		return;
	open = strchr(t, '[');
	close = open ? strchr(open, ']') : NULL;
	if (close && (size_t)(close - open - 1) < size && close > open + 1)
		snprintf(buf, size, "%.*s", (int)(close - open - 1), open + 1);
}

static bool read_sig_enforce(const struct settings *s)
{
	_cleanup_free_ char *p = path_join(s->sysfs_path, "module/module/parameters/sig_enforce");
	_cleanup_free_ char *t = NULL;

	return p && read_file_limited(p, 4096, &t, NULL) == 0 && (t[0] == 'Y' || t[0] == '1');
}

void sb_state_read(const struct settings *s, struct sb_state *ret)
{
	*ret = (struct sb_state){.mode = SB_NOT_EFI};
	if (!s->sysfs_path)
		return;
	ret->mode = read_mode(s);
	read_lockdown(s, ret->lockdown, sizeof(ret->lockdown));
	ret->sig_enforce = read_sig_enforce(s);
}

bool sb_enforcing(const struct sb_state *st)
{
	return sb_enforcing_reason(st) != NULL;
}

const char *sb_enforcing_reason(const struct sb_state *st)
{
	if (st->mode == SB_ON)
		return "Secure Boot is on";
	if (st->lockdown[0] && !streq(st->lockdown, "none"))
		return streq(st->lockdown, "integrity") ? "the kernel is in integrity lockdown"
		       : streq(st->lockdown, "confidentiality")
			   ? "the kernel is in confidentiality lockdown"
			   : "the kernel is locked down";
	if (st->sig_enforce)
		return "module.sig_enforce is set";
	return NULL;
}

const char *sb_mode_to_string(enum sb_mode m)
{
	switch (m) {
	case SB_NOT_EFI:
		return "not an EFI system";
	case SB_UNKNOWN:
		return "unknown (efivarfs is not mounted)";
	case SB_OFF:
		return "off";
	case SB_SETUP_MODE:
		return "off (the firmware is in setup mode)";
	case SB_SHIM_INSECURE:
		return "off (shim's validation is disabled: mokutil --disable-validation)";
	case SB_ON:
		return "on";
	}
	return "unknown";
}
