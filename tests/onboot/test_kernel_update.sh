#!/bin/sh
# test_kernel_update.sh: onboot that lasts across a real kernel update. In an owned root
# (lib-kupdate.sh: a private mount namespace whose /boot, /etc/kernel, /etc/systemtap, /var,
# dracut modules and /usr/local/sbin are the test's), with what `make install` installs, the
# real stap and dracut and Debian's own dracut hooks:
#   1. kernel A (the default kernel) gets its image from the Debian hooks, then
#      `systemtap-service onboot NAME -r A` records NAME and rebuilds A's image;
#   2. kernel B (the second installed kernel) is "installed": the postinst.d hooks run as the
#      linux-image package runs them. Ours compiles NAME for B before Debian's dracut hook
#      builds /boot/initrd.img-B, which then holds NAME.ko built for B; onboot --status agrees;
#   3. B is removed (postrm.d): its modules and snapshot are gone, and its image;
#   4. kernel-install add/remove B with our plugin: the snapshot comes and goes;
#   5. B is installed without its headers: our hook names the package and exits 0, the image is
#      built without NAME; the headers arrive (header_postinst.d): the image is rebuilt with it.
# Kernel A's snapshot and image stay as they were throughout.
# shellcheck disable=SC2034 # RC: read by assert_rc (lib.sh)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kupdate.sh"
kupdate_enter "$@"

NAME=kupd_tick
CACHE=/var/cache/systemtap
IMG_A=/boot/initrd.img-$KA
IMG_B=/boot/initrd.img-$KB
RT_OPT=$(stap_runtime_opt "$KA")
# One _OPT serves every kernel: the runtime copy patched for A must fit B as well.
rt_b=$(stap_runtime_opt "$KB")
[ "${rt_b:+patched}" = "${RT_OPT:+patched}" ] ||
	fail "kernels $KA and $KB need different stap runtimes (task_work_cancel_func)"
cat >"/etc/systemtap/script.d/$NAME.stp" <<'EOS'
probe begin { printf("kupd_tick started\n") }
probe timer.s(5) { printf("kupd_tick tick\n") }
EOS
echo "${NAME}_OPT='$RT_OPT'" >"/etc/systemtap/conf.d/$NAME.conf"

# assert_snapshot KVER: KVER's snapshot lists NAME, and its NAME.ko is built for KVER.
assert_snapshot() {
	m=$CACHE/$1/onboot/manifest
	assert_file "$m"
	grep -qx "kernel $1" "$m" || fail "$m names another kernel"
	grep -q "^script $NAME " "$m" || fail "$m does not list $NAME"
	v=$(modinfo -F vermagic "$CACHE/$1/onboot/$NAME.ko" | cut -d ' ' -f 1)
	[ "$v" = "$1" ] || fail "$CACHE/$1/onboot/$NAME.ko is built for '$v', not $1"
}
# assert_image_script IMG KVER: IMG holds the loader, KVER's snapshot and NAME.ko built for KVER.
assert_image_script() {
	assert_file "$1"
	v=$(image_ko_vermagic "$1" "$NAME")
	[ "$v" = "$2" ] || fail "$1: usr/lib/stap-onboot/$NAME.ko is built for '$v', not $2"
	lsinitrd -f usr/lib/stap-onboot/manifest "$1" | cmp -s - "$CACHE/$2/onboot/manifest" ||
		fail "$1 does not hold $2's snapshot manifest"
	lsinitrd "$1" | grep -q ' usr/sbin/stap-early-loader$' || fail "$1 lacks the loader"
}
assert_image_no_script() {
	assert_file "$1"
	! lsinitrd "$1" | grep -q ' usr/lib/stap-onboot/' || fail "$1 holds onboot scripts"
}

# --- 1. kernel A: its image from the hooks, then onboot NAME ------------------------------------
kernel_hooks /etc/kernel/postinst.d "$KA" DEB_MAINT_PARAMS=configure
assert_rc 0 "postinst.d for $KA"
assert_image_no_script "$IMG_A"
isvc onboot "$NAME" -r "$KA"
assert_rc 0 "onboot $NAME -r $KA"
assert_snapshot "$KA"
assert_image_script "$IMG_A" "$KA"
grep -qw "$NAME" /var/lib/systemtap/onboot.set || fail "onboot did not record $NAME"
sum_a=$(sha256sum <"$IMG_A")
man_a=$(sha256sum <"$CACHE/$KA/onboot/manifest")
ok "kernel $KA: onboot $NAME recorded, compiled, in /boot/initrd.img-$KA"

# --- 2. kernel B installed: our hook, then Debian's dracut hook -----------------------------------
kernel_hooks /etc/kernel/postinst.d "$KB" DEB_MAINT_PARAMS="configure ''"
assert_rc 0 "postinst.d for $KB"
assert_out "^systemtap-onboot: systemtap-service onboot --refresh -r $KB\$"
assert_out "^dracut: Generating $IMG_B\$"
printf '%s\n' "$OUT" | awk '/systemtap-onboot:/ { s = NR } /^dracut: Generating/ { d = NR } END { exit !(s && d && s < d) }' ||
	fail "our hook did not run before Debian's dracut hook"
assert_snapshot "$KB"
assert_image_script "$IMG_B" "$KB"
isvc onboot --status
assert_rc 0 "onboot --status with every image holding its snapshot"
assert_out "^$KB: $NAME\$"
assert_out "^  image: $IMG_B holds this snapshot\$"
ok "kernel $KB installed: /boot/initrd.img-$KB holds $NAME.ko built for $KB; --status agrees"

# --- 3. kernel B removed ---------------------------------------------------------------------------
kernel_hooks /etc/kernel/postrm.d "$KB" DEB_MAINT_PARAMS="upgrade 1"
assert_rc 0
assert_snapshot "$KB"
kernel_hooks /etc/kernel/postrm.d "$KB" DEB_MAINT_PARAMS=remove
assert_rc 0 "postrm.d for $KB"
assert_out "^systemtap-onboot: systemtap-service onboot --forget -r $KB\$"
assert_no_file "$CACHE/$KB"
assert_no_file "$IMG_B"
ok "kernel $KB removed (not on upgrade): its cache, snapshot and image are gone"

# --- 4. kernel-install, with our plugin only and a temp BOOT_ROOT ---------------------------------
PLUGIN=$KT/dest/usr/lib/kernel/install.d/45-systemtap-onboot.install
OUT=$(KERNEL_INSTALL_PLUGINS="$PLUGIN" BOOT_ROOT="$KT/bootroot" kernel-install add "$KB" "/boot/vmlinuz-$KB" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0 "kernel-install add $KB"
assert_snapshot "$KB"
OUT=$(KERNEL_INSTALL_PLUGINS="$PLUGIN" BOOT_ROOT="$KT/bootroot" kernel-install remove "$KB" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0 "kernel-install remove $KB"
assert_no_file "$CACHE/$KB"
ok "kernel-install add/remove $KB: the snapshot comes and goes"

# --- 5. kernel B without its headers, then the headers --------------------------------------------
hide_headers "$KB"
kernel_hooks /etc/kernel/postinst.d "$KB" DEB_MAINT_PARAMS=configure
assert_rc 0 "postinst.d for $KB without headers"
assert_out "Install linux-headers-$KB\$"
assert_no_file "$CACHE/$KB/onboot"
assert_image_no_script "$IMG_B"
ok "kernel $KB without headers: the hook names linux-headers-$KB, exit 0, image without $NAME"
# --status reports B's next boot as it is: no snapshot, so nothing to start, although a set is
# recorded: not built, exit 1 (as dkms status says of a kernel a module was not built for).
isvc onboot --status
assert_rc 1 "onboot --status with a kernel lacking the recorded set"
assert_out "^$KB: no onboot scripts\$"
assert_out "^  not built: the recorded onboot set ($NAME) has no snapshot for this kernel\$"
show_headers "$KB"
kernel_hooks /etc/kernel/header_postinst.d "$KB"
assert_rc 0 "header_postinst.d for $KB"
assert_out "^systemtap-onboot: systemtap-service onboot --refresh --image -r $KB\$"
assert_snapshot "$KB"
assert_image_script "$IMG_B" "$KB"
isvc onboot --status
assert_rc 0 "onboot --status after the headers came"
assert_out "^$KB: $NAME\$"
assert_out "^  image: $IMG_B holds this snapshot\$"
ok "headers of $KB installed: the image is rebuilt with $NAME.ko built for $KB"

[ "$(sha256sum <"$IMG_A")" = "$sum_a" ] || fail "kernel $KB's updates changed $IMG_A"
[ "$(sha256sum <"$CACHE/$KA/onboot/manifest")" = "$man_a" ] || fail "kernel $KB's updates changed $KA's snapshot"
ok "kernel $KA's image and snapshot untouched by $KB's install, removal and headers"
