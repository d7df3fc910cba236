#!/bin/sh
# onboot --status on a fake sysfs (lib-secureboot.sh) with the real stap, sign-file and dracut
# (fast images): the Secure Boot, lockdown, signing-key and certificate lines; exit 1 with what
# to do when the next boot would refuse a module (unsigned, signed with a key the kernel does
# not trust, no key, the key not enrolled), exit 0 once the fix it names ran; MokListRT from
# shim's MOK table or the EFI variables (split in two), MokNew, db, mokutil --test-key (a
# stand-in recording its argv) where neither can be read, and a machine without UEFI.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
. "$TOP/tests/lib-secureboot.sh"
add_script sba
: >"$ROOT/boot/vmlinuz-$KVER"
DKMS=$ROOT/var/lib/dkms
newcert a
newcert b "another key"
cp "$CONF" "$ROOT/base.conf"
ADVICE='Secure Boot is on and no module signing key is set'
# status: onboot --status; assert_lines LINE...: each line is in its output, whole.
status() { svc onboot --status; }
assert_lines() {
	for l; do
		printf '%s\n' "$OUT" | grep -qxF -- "$l" || fail "no line '$l'"
	done
}
snapsig() { modinfo -F sig_key "$CACHE/onboot/sba.ko"; }

fake_efi off
fake_lockdown none
svc onboot sba -r "$KVER"
assert_rc 0 "onboot sba, Secure Boot off"
[ -z "$(snapsig)" ] || fail "Secure Boot off, no key, yet the snapshot's module is signed"
status
assert_rc 0 "status, Secure Boot off"
assert_lines "Secure Boot: off" "Lockdown: none" "Module signatures: not required" \
	"Signing key: none (modules are not signed)" "$KVER: sba"
assert_no_out 'signature:'
ok "Secure Boot off: exit 0, off, none, not required, no signature lines"

fake_efi on
fake_lockdown integrity
dkms_key a
moklist_table "$ROOT/a.der"
status
assert_rc 1 "status, Secure Boot on, an unsigned module in the snapshot"
assert_lines "Secure Boot: on" "Lockdown: integrity" "Module signatures: required (Secure Boot is on)" \
	"Signing key: $DKMS/mok.key (DKMS's key; MODULE_SIGN_KEY is not set)" \
	"Certificate: $DKMS/mok.pub, enrolled (MokListRT, MOK table)" \
	"  signature: sba is not signed: the kernel will refuse it" \
	"  to fix: systemtap-service onboot --refresh --image -r $KVER"
svc onboot --refresh --image -r "$KVER"
assert_rc 0 "the fix status names"
[ "$(snapsig)" = "$(keyid a)" ] || fail "after the fix the snapshot's module is not signed by DKMS's key"
status
assert_rc 0 "status after the fix"
assert_no_out 'signature:'
assert_out "^  image: $IMG holds this snapshot$"
ok "Secure Boot on, an unsigned module: exit 1 and the fix; after onboot --refresh --image (DKMS's key signs): exit 0"

rm "$SYS/firmware/efi/mok-variables/MokListTrustedRT"
status
assert_rc 0 "enrolled, shim without MokListTrustedRT"
assert_lines "Certificate: $DKMS/mok.pub, enrolled (MokListRT, MOK table); shim sets no MokListTrustedRT: upstream kernels then keep it in their platform keyring and refuse the modules, Debian's, Ubuntu's, Fedora's and SUSE's kernels accept them"
moklist_table
esl "$ROOT/b.der" | efivar MokListRT $SHIM_GUID
esl "$ROOT/a.der" | efivar MokListRT1 $SHIM_GUID
status
assert_rc 1 "only in the EFI variable MokListRT1, no MOK table"
assert_lines "Certificate: $DKMS/mok.pub, only in MokListRT1 or later (shim splits a long list), which Linux reads only from shim's MOK table, and there is none in $SYS/firmware/efi/mok-variables: the kernel will refuse the modules signed with it"
esl "$ROOT/b.der" "$ROOT/a.der" | efivar MokListRT $SHIM_GUID
status
assert_rc 0 "enrolled in the EFI variable MokListRT"
assert_out "^Certificate: $DKMS/mok.pub, enrolled (MokListRT, EFI variable); shim sets no MokListTrustedRT"
esl "$ROOT/b.der" | efivar MokListRT $SHIM_GUID
rm "$EFIVARS/MokListRT1-$SHIM_GUID"
status
assert_rc 1 "DKMS's certificate not enrolled"
assert_lines "Certificate: $DKMS/mok.pub, NOT enrolled: the kernel will refuse the modules signed with it" \
	"  to fix: mokutil --import $DKMS/mok.pub, reboot, and choose \"Enroll MOK\" in MokManager" \
	"  signature: sba is signed with key $(keyid a) (stap-onboot-test), which the kernel does not trust: it will refuse it" \
	"  to fix: enroll the signing key (above): these modules are signed with it"
esl "$ROOT/a.der" | efivar MokNew $SHIM_GUID 7
status
assert_rc 0 "queued in MokNew"
assert_lines "Certificate: $DKMS/mok.pub, queued for enrollment (mokutil --import): confirm \"Enroll MOK\" in MokManager at the next boot"
rm "$EFIVARS/MokNew-$SHIM_GUID"
esl "$ROOT/a.der" | efivar db $DB_GUID 39
status
assert_rc 0 "in db"
assert_lines "Certificate: $DKMS/mok.pub, in the firmware's db, not enrolled as a MOK: Debian's, Ubuntu's, Fedora's and SUSE's kernels accept modules signed with it, upstream kernels do not"
printf '\001' | efivar MokIgnoreDB $SHIM_GUID
status
assert_rc 1 "in db, but shim's MokIgnoreDB"
ok "no MokListTrustedRT: the platform-keyring caveat; only in MokListRT1 without the MOK table: exit 1; not enrolled: exit 1, mokutil --import and the module named; MokNew; db (not with MokIgnoreDB)"

# Neither the MOK table nor efivarfs: mokutil --test-key answers.
fake_efi none
cat >"$ROOT/mokutil" <<EOS
#!/bin/sh
printf '%s\n' "\$*" >>"$ROOT/mokutil.calls"
echo "\$2 \$(cat "$ROOT/mokutil.answer")"
exit 1
EOS
chmod +x "$ROOT/mokutil"
echo "MOKUTIL=$ROOT/mokutil" >>"$CONF"
echo "is already enrolled" >"$ROOT/mokutil.answer"
status
assert_rc 0 "mokutil says enrolled"
assert_lines "Secure Boot: unknown (efivarfs is not mounted)" \
	"Module signatures: required (the kernel is in integrity lockdown)" \
	"Certificate: $DKMS/mok.pub, enrolled (mokutil --test-key)"
[ "$(cat "$ROOT/mokutil.calls")" = "--test-key $DKMS/mok.pub" ] ||
	fail "mokutil ran as '$(cat "$ROOT/mokutil.calls")'"
echo "is not enrolled" >"$ROOT/mokutil.answer"
status
assert_rc 1 "mokutil says not enrolled"
assert_out "^  signature: sba is signed with key $(keyid a) (stap-onboot-test), which the kernel does not trust"
ok "no MOK lists readable: mokutil --test-key CERT (argv), enrolled or not"

fake_efi on
moklist_table "$ROOT/b.der"
cp "$ROOT/base.conf" "$CONF"
printf 'MODULE_SIGN_KEY=%s\nMODULE_SIGN_CERT=%s\n' "$ROOT/b.key" "$ROOT/b.der" >>"$CONF"
status
assert_rc 1 "the configured key b enrolled, the snapshot signed by DKMS's a"
assert_lines "Signing key: $ROOT/b.key (MODULE_SIGN_KEY)" \
	"Certificate: $ROOT/b.der, enrolled (MokListRT, MOK table)" \
	"  signature: sba is signed with key $(keyid a) (stap-onboot-test), which the kernel does not trust: it will refuse it" \
	"  to fix: systemtap-service onboot --refresh --image -r $KVER"
svc onboot --refresh --image -r "$KVER"
assert_rc 0 "the fix"
[ "$(snapsig)" = "$(keyid b)" ] || fail "the snapshot's module is not signed by b after the fix"
status
assert_rc 0 "status after the fix"
ok "a module signed with another key than the enrolled one: exit 1; after the fix it names: exit 0"

cp "$ROOT/base.conf" "$CONF"
rm -rf "$DKMS"
status
assert_rc 1 "no key, Secure Boot on, a set recorded"
assert_lines "Signing key: none (MODULE_SIGN_KEY is not set, no mok.key and mok.pub in $DKMS): the kernel will refuse the modules" \
	"  to fix: make a key and enroll it as the warning above says (systemtap-service(8), MODULE SIGNING)"
[ "$(printf '%s\n' "$OUT" | grep -c "$ADVICE")" -eq 1 ] || fail "not one warning on making a key"
fake_noefi
status
assert_rc 1 "no key, lockdown without UEFI"
assert_lines "Secure Boot: not an EFI system"
dkms_key a
status
assert_rc 1 "DKMS's key, lockdown without UEFI"
assert_lines "Certificate: $DKMS/mok.pub; not an EFI system: no Machine Owner Keys, the kernel trusts only its built-in keys" \
	"  signature: sba is signed with key $(keyid b) (another key), which the kernel does not trust: it will refuse it"
fake_lockdown none
status
assert_rc 0 "no UEFI, no lockdown"
assert_lines "Secure Boot: not an EFI system" "Module signatures: not required" \
	"Signing key: none (modules are not signed)"
ok "no key with Secure Boot on: exit 1 and the warning once; a machine without UEFI, locked down or not"
