#!/bin/sh
# test_secureboot_defaults.sh: module signing when MODULE_SIGN_KEY is unset, with the real stap
# (quick through stap's own cache) and the real sign-file of the installed headers, on a fake
# sysfs (lib-secureboot.sh): with Secure Boot on (or lockdown without UEFI) DKMS's key pair
# signs and the cache check asks for it, a configured key still wins; with Secure Boot off
# nothing is signed; with no key the warning on how to make and enroll one comes once per run,
# however many scripts; a private key others can read is named with the chmod that fixes it.
# start runs with the stand-in staprun of lib.sh (nothing is loaded into the kernel). Four
# compiles (module.sig_enforce, setup mode and the rest of the choice: test_svc_sign_key,
# test_svc_sb_state).
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
[ -x "/lib/modules/${KVER_DEBIAN:-none}/build/scripts/sign-file" ] ||
	fail "no sign-file in the headers of ${KVER_DEBIAN:-any -amd64 kernel}"
command -v stap >/dev/null || fail "stap is not installed"
command -v openssl >/dev/null || fail "openssl is not installed"
svc_root --real-stap
. "$TOP/tests/lib-secureboot.sh"
RT=$(stap_runtime_opt)
DKMS=$ROOT/var/lib/dkms
add_script sba
add_script sbb
printf "sba_OPT='%s'\nsbb_OPT='%s'\n" "$RT" "$RT" >>"$CONF"
cp "$CONF" "$ROOT/base.conf"
newcert a
newcert b "another key"
ADVICE='Secure Boot is on and no module signing key is set'

# sig NAME: the key serial of the cached NAME.ko ("" when unsigned).
sig() { modinfo -F sig_key "$CACHE/$1.ko"; }
# count TEXT: how many output lines hold TEXT.
count() { printf '%s\n' "$OUT" | grep -c -- "$1"; }
base() { cp "$ROOT/base.conf" "$CONF"; }

# --- Secure Boot on, nothing configured, DKMS's pair there: it signs ----------------------------
fake_efi on
fake_lockdown integrity
dkms_key a
svcr compile -y sba sbb
assert_rc 0 "compile with DKMS's key"
assert_out ' Compiling sba \.\.\. done$'
assert_no_out "$ADVICE"
assert_no_out 'readable by'
[ "$(sig sba)" = "$(keyid a)" ] || fail "sba.ko is signed by '$(sig sba)', not DKMS's $(keyid a)"
[ "$(sig sbb)" = "$(keyid a)" ] || fail "sbb.ko is signed by '$(sig sbb)', not DKMS's $(keyid a)"
grep -q "Signing modules with DKMS's key $DKMS/mok.key (Secure Boot is on, MODULE_SIGN_KEY is not set)" "$LOG" ||
	fail "LOG_FILE does not say that DKMS's key signs"
grep -q "Exec: .*/scripts/sign-file sha256 $DKMS/mok.key $DKMS/mok.pub " "$LOG" ||
	fail "LOG_FILE lacks sign-file with DKMS's pair"
ok "Secure Boot on, MODULE_SIGN_KEY unset: DKMS's mok.key/mok.pub sign (sign-file, modinfo)"

# --- the cache check asks for the key in use ---------------------------------------------------
fake_efi off
fake_lockdown none
svcr compile -y sba
assert_rc 0 "compile with Secure Boot off"
assert_no_out "$ADVICE"
[ -z "$(sig sba)" ] || fail "Secure Boot off, yet sba.ko is signed"
fake_noefi
fake_lockdown integrity
echo AUTOCOMPILE=no >>"$CONF"
svcr start sba
assert_rc 1 "AUTOCOMPILE=no, an unsigned module, lockdown"
assert_out 'No valid cache for sba: module is not signed, and modules are signed here'
base
svcr start sba
assert_rc 0 "start rebuilds"
assert_out ' Compiling sba \.\.\. done$'
[ "$(sig sba)" = "$(keyid a)" ] || fail "lockdown=integrity without UEFI: not signed by DKMS's key"
svcr stop sba
printf 'MODULE_SIGN_KEY=%s\nMODULE_SIGN_CERT=%s\nAUTOCOMPILE=no\n' "$ROOT/b.key" "$ROOT/b.der" >>"$CONF"
svcr start sba
assert_rc 1 "AUTOCOMPILE=no, signed by DKMS's key, b configured"
assert_out 'No valid cache for sba: module is signed with another key than the one in use'
base
ok "Secure Boot off: DKMS's pair is not used; lockdown without UEFI: the unsigned module is not valid and is rebuilt signed by DKMS's key; a configured key wins over DKMS's"

# --- no key at all: the advice once per run (the cache checks of two scripts) -------------------
rm -rf "$DKMS"
fake_efi on
fake_lockdown integrity
svcr start sba sbb
assert_rc 0 "start without any key (the cache holds signed modules: valid)"
assert_no_out 'Compiling'
[ "$(count "$ADVICE")" -eq 1 ] || fail "the advice came $(count "$ADVICE") times for two scripts"
assert_out "openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500"
assert_out "set MODULE_SIGN_KEY=$ROOT/var/lib/systemtap/mok/mok.priv and MODULE_SIGN_CERT=$ROOT/var/lib/systemtap/mok/mok.der"
assert_out "mokutil --import $ROOT/var/lib/systemtap/mok/mok.der"
assert_out 'choose "Enroll MOK"'
assert_out "DKMS's key pair ($DKMS/mok.key and mok.pub) is used instead when it exists"
grep -q "Warning: $ADVICE" "$LOG" || fail "LOG_FILE lacks the advice"
svcr stop sba sbb
dkms_key a
echo DKMS_PATH= >>"$CONF"
svcr start sba
[ "$(count "$ADVICE")" -eq 1 ] || fail "DKMS_PATH=: no advice"
assert_no_out "DKMS's key pair"
svcr stop sba
base
ok "no key and Secure Boot on: one warning per run (two scripts) with the whole way to a key; DKMS_PATH= never uses DKMS's"

# --- private keys others can read -----------------------------------------------------------
chmod 644 "$DKMS/mok.key"
svcr start sba sbb
assert_rc 0 "start with a world-readable DKMS key"
[ "$(count "Private key $DKMS/mok.key is readable by every user (mode 0644)")" -eq 1 ] ||
	fail "no single world-readable warning naming $DKMS/mok.key"
assert_out "fix it with chmod 600 $DKMS/mok.key"
svcr stop sba sbb
chgrp daemon "$DKMS/mok.key" && chmod 640 "$DKMS/mok.key"
svcr start sba
assert_out "Private key $DKMS/mok.key is readable by group daemon (mode 0640)"
svcr stop sba
chgrp root "$DKMS/mok.key"
svcr start sba
assert_no_out 'readable by'
svcr stop sba
chmod 604 "$ROOT/b.key"
printf 'MODULE_SIGN_KEY=%s\nMODULE_SIGN_CERT=%s\nAUTOCOMPILE=no\n' "$ROOT/b.key" "$ROOT/b.der" >>"$CONF"
svcr start sba
assert_out "Private key $ROOT/b.key is readable by every user (mode 0604)"
ok "a private key others can read: one warning naming it and chmod 600 (0640 with root's group is fine)"
echo "PASS"
