#!/bin/sh
# Without -o the bootloader is told about the new image: new-kernel-pkg where it exists, else
# grubby, else kernel-install on a Boot Loader Spec machine (always with the image). Debian has
# neither new-kernel-pkg nor grubby, and the real kernel-install would change the host's /boot,
# so stand-ins record their argv. A failing tool, or one that never returns (TOOL_TIMEOUT), is
# reported (exit 1) and the new image stays; the old one is intact byte for byte as IMG.bak.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
dracut_once # dracut builds the same image every time here
CALLS="$ROOT/tool.calls"
VMLINUZ="$ROOT/boot/vmlinuz-$KVER"

# stand_in NAME [EXIT]: records "NAME|arg|arg..." in $CALLS and exits EXIT (0).
stand_in() {
	cat >"$ROOT/$1" <<EOS
#!/bin/sh
{ printf '%s' "$1"; for a in "\$@"; do printf '|%s' "\$a"; done; echo; } >>"$CALLS"
[ "${2:-0}" -eq 0 ] || echo "$1: cannot update the boot loader" >&2
exit ${2:-0}
EOS
	chmod +x "$ROOT/$1"
}
tools() { # NEW_KERNEL_PKG GRUBBY KERNEL_INSTALL
	cat >"$ROOT/etc/systemtap/conf.d/zz-tools.conf" <<EOC
NEW_KERNEL_PKG=$1
GRUBBY=$2
KERNEL_INSTALL=$3
EOC
	rm -f "$CALLS"
}

# 1. new-kernel-pkg first.
stand_in new-kernel-pkg
stand_in grubby
stand_in kernel-install
tools "$ROOT/new-kernel-pkg" "$ROOT/grubby" "$ROOT/kernel-install"
svc onboot alpha -r "$KVER"
assert_rc 0
assert_no_out 'Updating bootloader'
grep -q ' Updating bootloader (new-kernel-pkg) \.\.\. done$' "$LOG" || fail "LOG_FILE lacks the tool"
[ "$(cat "$CALLS")" = "new-kernel-pkg|--initrdfile=$IMG|--update|$KVER" ] || fail "argv: $(cat "$CALLS")"
assert_onboot_image "$IMG" alpha
ok "new-kernel-pkg --initrdfile=IMG --update KVER (said in LOG_FILE, and on stdout with -v only)"

# 2. No new-kernel-pkg: grubby.
tools "$ROOT/none/new-kernel-pkg" "$ROOT/grubby" "$ROOT/kernel-install"
svc onboot alpha -v -r "$KVER"
assert_rc 0
assert_out '^ Updating bootloader (grubby) \.\.\. done$'
[ "$(cat "$CALLS")" = "grubby|--update-kernel=$VMLINUZ|--initrd=$IMG" ] || fail "argv: $(cat "$CALLS")"
ok "grubby --update-kernel=BOOT_PATH/vmlinuz-KVER --initrd=IMG"

# 3. Neither, no Boot Loader Spec entries: kernel-install is not used; a note.
tools "$ROOT/none/new-kernel-pkg" "$ROOT/none/grubby" "$ROOT/kernel-install"
svc onboot alpha -v -r "$KVER"
assert_rc 0
assert_out "^NB: no bootloader tool found .*; the boot loader finds $IMG by its name$"
assert_no_file "$CALLS"
ok "no tool and no BLS entries: note, nothing run"

# 4. Boot Loader Spec entries (BOOT_PATH/loader/entries, and ROOT/efi/loader/entries = the
#    /efi of a BOOT_PATH of /boot): kernel-install add KVER VMLINUZ IMG.
for entries in "$ROOT/boot/loader/entries" "$ROOT/efi/loader/entries"; do
	mkdir -p "$entries"
	tools "$ROOT/none/new-kernel-pkg" "$ROOT/none/grubby" "$ROOT/kernel-install"
	svc onboot alpha -v -r "$KVER"
	assert_rc 0
	assert_out '^ Updating bootloader (kernel-install) \.\.\. done$'
	[ "$(cat "$CALLS")" = "kernel-install|add|$KVER|$VMLINUZ|$IMG" ] || fail "argv: $(cat "$CALLS")"
	rm -r "$entries"
	ok "BLS entries in ${entries#"$ROOT"}: kernel-install add KVER VMLINUZ IMG"
done

# 5. -o: no bootloader tool at all.
tools "$ROOT/new-kernel-pkg" "$ROOT/grubby" "$ROOT/kernel-install"
svc onboot alpha -r "$KVER" -o "$ROOT/boot/other.img"
assert_rc 0
assert_out '^NB: bootloader was not updated$'
assert_no_file "$CALLS"
ok "-o: bootloader not updated, no tool run"

# 6. The tool fails: reported, exit 1, the new image stays, the old one is IMG.bak.
rm -f "$IMG.bak"
old_image "$IMG"
stand_in new-kernel-pkg 3
tools "$ROOT/new-kernel-pkg" "$ROOT/grubby" "$ROOT/kernel-install"
svc onboot alpha -b -r "$KVER"
assert_rc 1
assert_out '^ Creating initramfs with alpha \.\.\. done$'
assert_out '^ Updating bootloader (new-kernel-pkg) \.\.\. error$'
assert_out "Bootloader update failed: $ROOT/new-kernel-pkg exited with status 3"
[ "$(cat "$CALLS")" = "new-kernel-pkg|--initrdfile=$IMG|--update|$KVER" ] || fail "argv: $(cat "$CALLS")"
grep -q 'new-kernel-pkg: cannot update the boot loader' "$LOG" || fail "tool output not in LOG_FILE"
assert_unchanged "$IMG.bak"
assert_onboot_image "$IMG" alpha
ok "failing new-kernel-pkg: exit 1, new image kept, old one intact as .bak"

stand_in grubby 1
tools "$ROOT/none/new-kernel-pkg" "$ROOT/grubby" "$ROOT/kernel-install"
svc onboot alpha -r "$KVER"
assert_rc 1
assert_out "Bootloader update failed: $ROOT/grubby exited with status 1"
assert_onboot_image "$IMG" alpha
ok "failing grubby: reported, exit 1"

# 7. The tool never returns (a kernel-install plugin that hangs): killed with its process group
#    after DRACUT_TIMEOUT (kernel-install may run dracut) or TOOL_TIMEOUT (grubby), reported
#    after the tool's line (exit 1); the new image stays.
cat >"$ROOT/kernel-install" <<EOS
#!/bin/sh
{ printf '%s' kernel-install; for a in "\$@"; do printf '|%s' "\$a"; done; echo; } >>"$CALLS"
sleep 100000
EOS
chmod +x "$ROOT/kernel-install"
mkdir -p "$ROOT/boot/loader/entries"
tools "$ROOT/none/new-kernel-pkg" "$ROOT/none/grubby" "$ROOT/kernel-install"
printf 'DRACUT_TIMEOUT=2\nTOOL_TIMEOUT=3\n' >"$ROOT/etc/systemtap/conf.d/zz-limit.conf"
t0=$(date +%s)
OUT=$(timeout -k 5 60 "$SVC" onboot alpha -r "$KVER" -c "$CONF" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
[ "$RC" -ne 124 ] || fail "onboot hung with a kernel-install that hangs"
assert_rc 1
[ $(($(date +%s) - t0)) -lt 30 ] || fail "onboot took $(($(date +%s) - t0)) s"
assert_out '^ Updating bootloader (kernel-install) \.\.\. error$'
assert_out "^systemtap-service: kernel-install (pointing the boot loader at $IMG) did not finish within 2 s and was killed with its process group; if it needs longer, raise DRACUT_TIMEOUT"
[ "$(cat "$CALLS")" = "kernel-install|add|$KVER|$VMLINUZ|$IMG" ] || fail "argv: $(cat "$CALLS")"
assert_onboot_image "$IMG" alpha
rm -r "$ROOT/boot/loader"
cp "$ROOT/kernel-install" "$ROOT/grubby"
tools "$ROOT/none/new-kernel-pkg" "$ROOT/grubby" "$ROOT/none/kernel-install"
OUT=$(timeout -k 5 60 "$SVC" onboot alpha -r "$KVER" -c "$CONF" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 1
assert_out '^ Updating bootloader (grubby) \.\.\. error$'
assert_out "^systemtap-service: grubby (pointing the boot loader at $IMG) did not finish within 3 s and was killed with its process group; if it needs longer, raise TOOL_TIMEOUT"
rm "$ROOT/etc/systemtap/conf.d/zz-limit.conf"
ok "a boot loader tool that hangs: killed after DRACUT_TIMEOUT (kernel-install) or TOOL_TIMEOUT (grubby), exit 1, the new image stays"
