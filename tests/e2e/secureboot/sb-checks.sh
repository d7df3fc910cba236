# sb-checks.sh: sourced by tests/e2e/secureboot.sh after the three boots. Asserts on the
# modules, the image and the serial consoles (the kernel's own lines and the "E2E: " report);
# prints the times, and on any failure every serial log and the service's log. Uses WORK,
# KVER, KCACHE, KEYS, OUR_CN, OTHER_CN, before_rc, mok_rc, MOK_DONE, after_rc from
# secureboot.sh.
# shellcheck shell=sh disable=SC2154

. "$TOP/tests/e2e/lib-check.sh"
# has REGEX FILE / lacks REGEX FILE: extended regex in FILE; count REGEX FILE: matching lines.
has() { grep -Eq -- "$1" "$2"; }
lacks() { ! grep -Eq -- "$1" "$2"; }
count() { grep -Ec -- "$1" "$2" || :; }
# The serial consoles as text (kernel lines and the report), and the report alone.
for b in before after; do
	sb_text "$WORK/console-$b.log" >"$WORK/$b.txt"
done
# MokManager's screens are cursor moves over blanks: squeezed, they read as one line a screen.
sb_text "$WORK/console-mok.log" | tr -s ' ' >"$WORK/mok.txt"
EB=$WORK/e2e-before.txt
EA=$WORK/e2e-after.txt
# A kernel-log line on the console: [ seconds] TEXT.
K='^\[ *[0-9.]+\] '
L="${K}stap-early-loader: "
HINT='init_module failed \(the kernel accepts only signed modules: sign it .*mokutil --import.*\): Key was rejected by service'

# ---- the modules and the image, on the host ----------------------------------------------
check "compile signed sb_signed with our key ($OUR_CN, sha256)" sh -c \
	"[ \"\$(modinfo -F signer '$KCACHE/sb_signed.ko')\" = '$OUR_CN' ] &&
	 [ \"\$(modinfo -F sig_key '$KCACHE/sb_signed.ko')\" = '$(sb_key_id "$KEYS/ours.der")' ] &&
	 [ \"\$(modinfo -F sig_hashalgo '$KCACHE/sb_signed.ko')\" = sha256 ]"
check "sb_unsigned carries no signature" sh -c "[ -z \"\$(modinfo -F signer '$KCACHE/sb_unsigned.ko')\" ]"
check "sb_otherkey is signed with the other key ($OTHER_CN)" \
	sh -c "[ \"\$(modinfo -F signer '$KCACHE/sb_otherkey.ko')\" = '$OTHER_CN' ]"
check "image: earliest mode (/init is the loader, manifest 'mode early')" sh -c \
	"grep -Eq ' init -> usr/sbin/stap-early-loader\$' '$WORK/boot.list' && grep -qx 'mode early' '$WORK/manifest.onboot'"
check "image: onboot packed the signed sb_signed.ko of the cache" sh -c \
	"lsinitrd -f usr/lib/stap-onboot/sb_signed.ko '$WORK/boot.img' | cmp -s - '$KCACHE/sb_signed.ko'"
check "image: mokutil and efivarfs for the guest" sh -c \
	"grep -Eq ' usr/bin/mokutil\$' '$WORK/boot.list' && grep -q '/efivarfs.ko' '$WORK/boot.list'"

# ---- boot 1 and 3: Secure Boot and lockdown --------------------------------------------------
# sb_boot_ok NAME RC: the guest powered itself off, the report ended, no kernel trouble.
sb_boot_ok() {
	[ "$2" = 0 ] && has 'reboot: Power down' "$WORK/$1.txt" && grep -qx end "$WORK/e2e-$1.txt" &&
		grep -qx 'sb end' "$WORK/e2e-$1.txt" &&
		lacks 'BUG:|Oops|Call Trace|WARNING: CPU|general protection|Attempted to kill init' "$WORK/$1.txt"
}
for b in before after; do
	t=$WORK/$b.txt
	e=$WORK/e2e-$b.txt
	rc=$before_rc
	[ "$b" = after ] && rc=$after_rc
	check "$b: shim, GRUB and the kernel booted under Secure Boot (EFI stub: UEFI Secure Boot is enabled.)" \
		has '^EFI stub: UEFI Secure Boot is enabled\.' "$t"
	check "$b: the kernel is locked down from EFI Secure Boot (its own line)" \
		has "${K}Kernel is locked down from EFI Secure Boot; see man kernel_lockdown\\.7\$" "$t"
	check "$b: the kernel says secure boot is enabled" has "${K}secureboot: Secure boot enabled\$" "$t"
	check "$b: guest: lockdown [integrity], mokutil --sb-state: SecureBoot enabled" sh -c \
		"grep -qx 'sb lockdown: none \\[integrity\\] confidentiality' '$e' && grep -qx 'sb state: SecureBoot enabled' '$e'"
	check "$b: the loader ran as /init and tried the 3 modules" has "${L}starting: 3 scripts in " "$t"
	check "$b: sb_unsigned refused (kernel: unsigned module rejected; the loader's signing hint)" sh -c \
		"grep -Eq '${K}Loading of unsigned module is rejected\$' '$t' && grep -Eq '${L}sb_unsigned: $HINT' '$t'"
	check "$b: sb_otherkey refused (EKEYREJECTED, the signing hint)" has "${L}sb_otherkey: $HINT" "$t"
	check "$b: PID 1 handed over to /init.real" has "${L}handing over to /init\\.real" "$t"
	check "$b: the boot went on: the report ran, the guest powered itself off (qemu exit $rc)" \
		sb_boot_ok "$b" "$rc"
done

# ---- boot 1: before the enrollment -------------------------------------------------------------
check "before: our certificate is not enrolled (mokutil --test-key)" has '^sb test-key: .* is not enrolled$' "$EB"
check "before: sb_signed, signed with our key, is refused too (EKEYREJECTED, the signing hint)" \
	has "${L}sb_signed: $HINT" "$WORK/before.txt"
check "before: the kernel rejected 2 modules with an unavailable key (sb_otherkey, sb_signed)" \
	[ "$(count "${K}Loading of module with unavailable key is rejected\$" "$WORK/before.txt")" = 2 ]
check "before: 0 armed, 3 failed" has "${L}0 armed, 0 finished, 3 failed, " "$WORK/before.txt"
check "before: mokutil --import queued our certificate" sh -c \
	"grep -qx 'sb import rc=0' '$EB' && grep -qx 'sb new rc=0' '$EB' && grep -qx 'sb new: *Subject: CN=$OUR_CN' '$EB'"

# ---- boot 2: MokManager --------------------------------------------------------------------
mok_driven() {
	[ "$MOK_DONE" = "key 'Enroll MOK' Continue Yes password Reboot" ] &&
		grep -q 'Shim UEFI key management' "$WORK/mok.txt"
}
check "MokManager came up and was driven to the end ($MOK_DONE)" mok_driven
check "MokManager took the password at once (asked once) and rebooted: qemu exited by itself (exit $mok_rc)" \
	[ "$mok_rc:$(count 'Password:' "$WORK/mok.txt")" = 0:1 ]

# ---- boot 3: after the enrollment -----------------------------------------------------------
# The number of keys in the machine keyring (MOKs shim marks trusted), before and after.
mk_before=$(sed -n 's/^sb keyring: \.machine: //p' "$EB")
mk_after=$(sed -n 's/^sb keyring: \.machine: //p' "$EA")
case $mk_before in '' | *[!0-9]*) mk_before=-9 ;; *) ;; esac
check "after: the kernel loaded our certificate from MokListRT (and not before)" sh -c \
	"grep -A1 -E '${K}integrity: Loading X\\.509 certificate: UEFI:MokListRT' '$WORK/after.txt' |
		grep -Eq \"${K}integrity: Loaded X\\.509 cert '$OUR_CN: \" &&
	 ! grep -q \"Loaded X.509 cert '$OUR_CN\" '$WORK/before.txt'"
check "after: it is in the machine keyring (.machine: $mk_before -> ${mk_after:-?} keys), which module signatures trust" \
	[ "${mk_after:-x}" = "$((mk_before + 1))" ]
check "after: mokutil --test-key: our certificate is enrolled" has '^sb test-key: .* is already enrolled$' "$EA"
check "after: sb_signed armed under lockdown, in earliest mode (before the hand-over)" sh -c \
	"grep -Eq '${L}sb_signed: armed in ' '$WORK/after.txt' &&
	 [ \$(grep -En '${L}sb_signed: armed' '$WORK/after.txt' | cut -d: -f1) -lt \$(grep -En '${L}handing over' '$WORK/after.txt' | cut -d: -f1) ]"
check "after: its signature verified (no 'module verification failed'; 'unavailable key' for sb_otherkey only)" \
	[ "$(count 'module verification failed' "$WORK/after.txt"):$(count "${K}Loading of module with unavailable key is rejected\$" "$WORK/after.txt")" = 0:1 ]
check "after: 1 armed, 2 failed" has "${L}1 armed, 0 finished, 2 failed, " "$WORK/after.txt"
check "after: sb_signed is loaded and counting at pre-mount" sh -c \
	"grep -qx 'module sb_signed' '$EA' && [ \"\$(sed -n 's/^proc sb_signed\\/ticks: //p' '$EA')\" -gt 0 ]"

# ---- times and the verdict ------------------------------------------------------------------
ms() { cat "$1.ms" 2>/dev/null || echo '?'; }
echo "times (qemu wall, ms): before $(ms "$WORK/console-before.log"), MokManager $(ms "$WORK/console-mok.log"), after $(ms "$WORK/console-after.log"); whole leg $(($(now_ms) - E2E_T0))"
echo "e2e-secureboot: $passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
	for b in before mok after; do
		echo "---- serial console, boot $b ($WORK/console-$b.log) ----"
		cat "$WORK/$b.txt"
		echo # MokManager's screen ends without a newline
	done
	echo "---- systemtap-service log ----"
	tail -n 40 "$WORK/systemtap.log" 2>/dev/null || :
	exit 1
fi
