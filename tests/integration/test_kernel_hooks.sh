#!/bin/sh
# test_kernel_hooks.sh: the kernel hooks as `make install` installs them (@SBINDIR@ and @HOOK@
# substituted), run the way the packages run them (run-parts --exit-on-error, kernel-install),
# with a stand-in systemtap-service that records its argv: which service mode each hook asks
# for, for which kernel and when (DEB_MAINT_PARAMS), that ours runs before Debian's dracut hook,
# and that a failing or missing service never fails a kernel's installation (exit 0, one line on
# stderr with the command that finishes the work), nor a reader of their output that went away
# (no SIGPIPE exit). tests/onboot/test_kernel_update.sh runs them with the real service, stap,
# dracut; tests/integration/test_time_limits.sh with the real service and a stap that hangs.
. "$(dirname "$0")/../lib.sh"
mkroot
K=6.1.0-77-amd64

# make install into a staging directory; the hooks call $ROOT/sbin/systemtap-service.
make -s -C "$TOP" install DESTDIR="$ROOT/dest" SBINDIR="$ROOT/sbin" >"$ROOT/install.log" 2>&1 ||
	fail "make install failed: $(tail -n 5 "$ROOT/install.log")"
HOOKS=$ROOT/dest/etc/kernel
PLUGIN=$ROOT/dest/usr/lib/kernel/install.d/45-systemtap-onboot.install
for h in postinst header_postinst postrm; do
	f=$HOOKS/$h.d/50-systemtap-onboot
	[ -x "$f" ] || fail "make install did not install $f"
	grep -q @ "$f" && fail "unsubstituted @...@ left in $f"
	sh -n "$f" || fail "$f: syntax error"
done
[ -x "$PLUGIN" ] || fail "make install did not install $PLUGIN"
grep -q @ "$PLUGIN" && fail "unsubstituted @...@ left in $PLUGIN"
ok "make install: postinst.d, header_postinst.d, postrm.d hooks and the kernel-install plugin"

# The stand-in service: argv (words joined by |) in $ROOT/calls; exit code SVC_RC, whose
# message goes to stderr.
mkdir -p "$ROOT/sbin"
cat >"$ROOT/sbin/systemtap-service" <<EOS
#!/bin/sh
{ printf '%s' svc; for a in "\$@"; do printf '|%s' "\$a"; done; echo; } >>"$ROOT/calls"
[ "\${SVC_RC:-0}" -eq 0 ] || echo "stand-in: failing with \$SVC_RC" >&2
exit "\${SVC_RC:-0}"
EOS
chmod +x "$ROOT/sbin/systemtap-service"

# parts DIR [ENV...]: run-parts over DIR as the kernel packages do, for kernel K; output in
# $OUT, exit code in $RC, the service calls it made in $CALLS.
parts() {
	dir=$1
	shift
	rm -f "$ROOT/calls"
	OUT=$(env "$@" run-parts --report --exit-on-error --arg="$K" --arg="/boot/vmlinuz-$K" "$dir" 2>&1)
	RC=$?
	CALLS=$(cat "$ROOT/calls" 2>/dev/null)
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}
assert_calls() { [ "$CALLS" = "$1" ] || fail "service called as '$CALLS', expected '$1'"; }

# --- postinst.d ------------------------------------------------------------------------------
parts "$HOOKS/postinst.d" DEB_MAINT_PARAMS="configure ''"
assert_rc 0
assert_calls "svc|onboot|--refresh|-r|$K"
assert_out "^systemtap-onboot: systemtap-service onboot --refresh -r $K\$"
parts "$HOOKS/postinst.d"
assert_calls "svc|onboot|--refresh|-r|$K"
for p in "abort-upgrade 1" "abort-remove" "triggered x"; do
	parts "$HOOKS/postinst.d" DEB_MAINT_PARAMS="$p"
	assert_rc 0
	assert_calls ""
done
ok "postinst.d: onboot --refresh -r KVER on configure (or without DEB_MAINT_PARAMS) only"

# Ours runs before Debian's dracut hook: run-parts' own order, with the real dracut hook.
mkdir -p "$ROOT/order"
cp "$HOOKS/postinst.d/50-systemtap-onboot" "$ROOT/order/"
cp /etc/kernel/postinst.d/dracut "$ROOT/order/dracut" 2>/dev/null || printf '#!/bin/sh\n' >"$ROOT/order/dracut"
chmod +x "$ROOT/order/dracut"
order=$(run-parts --test "$ROOT/order" | sed 's|.*/||' | tr '\n' ' ')
[ "$order" = "50-systemtap-onboot dracut " ] || fail "run-parts order: $order"
ok "run-parts runs 50-systemtap-onboot before dracut"

# --- header_postinst.d: linux-headers-KVER's postinst gives no DEB_MAINT_PARAMS ----------------
parts "$HOOKS/header_postinst.d"
assert_rc 0
assert_calls "svc|onboot|--refresh|--image|-r|$K"
assert_out "^systemtap-onboot: systemtap-service onboot --refresh --image -r $K\$"
ok "header_postinst.d: onboot --refresh --image -r KVER"

# --- postrm.d: only on remove; an upgrade (reinstall of the same release) keeps the modules ----
parts "$HOOKS/postrm.d" DEB_MAINT_PARAMS="remove"
assert_rc 0
assert_calls "svc|onboot|--forget|-r|$K"
for p in "upgrade 6.1.192-2" "purge" "abort-install" "failed-upgrade 1"; do
	parts "$HOOKS/postrm.d" DEB_MAINT_PARAMS="$p"
	assert_rc 0
	assert_calls ""
done
ok "postrm.d: onboot --forget -r KVER on remove only (not upgrade, purge, abort-*)"

# --- a failing service: the hook reports it on stderr and still exits 0 ------------------------
for h in postinst header_postinst postrm; do
	rm -f "$ROOT/calls"
	err=$(SVC_RC=1 DEB_MAINT_PARAMS='' "$HOOKS/$h.d/50-systemtap-onboot" "$K" "/boot/vmlinuz-$K" 2>&1 >/dev/null)
	RC=$?
	assert_rc 0 "$h with a failing service"
	printf '%s\n' "$err" | grep -q "^systemtap-onboot: onboot .* -r $K failed (exit 1): .*; to finish it: systemtap-service onboot .* -r $K\$" ||
		fail "$h: no failure message on stderr: $err"
	[ -s "$ROOT/calls" ] || fail "$h did not call the service"
done
parts "$HOOKS/postinst.d" SVC_RC=3 DEB_MAINT_PARAMS=configure
assert_rc 0 "run-parts --exit-on-error with a failing service"
assert_out "failed (exit 3)"
[ "$(printf '%s\n' "$err" | grep -c '^systemtap-onboot:')" -eq 1 ] || fail "not one line of ours: $err"
ok "a failing service: one line on stderr naming the command that finishes it, exit 0"

# A reader of the hook's output that went away: its echo must not kill it (exit 141 would fail
# the kernel's installation under run-parts --exit-on-error). The pipe's read end is closed
# before the hook starts: a FIFO opened both ways, then its reading side closed.
mkfifo "$ROOT/pipe"
# without_reader CMD...: CMD with stdout and stderr on that pipe; exit code in $RC.
without_reader() {
	RC=0
	# shellcheck disable=SC2094 # the FIFO is opened twice on purpose
	(
		exec 4<>"$ROOT/pipe" 5>"$ROOT/pipe" 4<&-
		"$@" >&5 2>&5
	) || RC=$?
}
for h in postinst header_postinst postrm; do
	rm -f "$ROOT/calls"
	without_reader env SVC_RC=1 DEB_MAINT_PARAMS='' "$HOOKS/$h.d/50-systemtap-onboot" "$K"
	assert_rc 0 "$h with its output reader gone and a failing service"
	[ -s "$ROOT/calls" ] || fail "$h did not get to call the service"
done
without_reader env SVC_RC=2 "$PLUGIN" add "$K" "$ROOT/entry" "$ROOT/vmlinuz-$K"
assert_rc 0 "the plugin with its output reader gone and a failing service"
ok "a hook whose output reader went away: no SIGPIPE, exit 0"

# No service (the hooks are conffiles and outlive the package); no kernel release.
mv "$ROOT/sbin/systemtap-service" "$ROOT/sbin/gone"
parts "$HOOKS/postinst.d" DEB_MAINT_PARAMS=configure
assert_rc 0
[ -z "$OUT" ] || fail "a hook without the service printed: $OUT"
mv "$ROOT/sbin/gone" "$ROOT/sbin/systemtap-service"
rm -f "$ROOT/calls"
"$HOOKS/postinst.d/50-systemtap-onboot" || fail "the hook without arguments failed"
"$PLUGIN" add || fail "the plugin without a release failed"
[ ! -e "$ROOT/calls" ] || fail "a hook without a kernel release called the service"
ok "without the service or a kernel release: nothing done, exit 0"

# --- the kernel-install plugin, run by the real kernel-install ---------------------------------
# KERNEL_INSTALL_PLUGINS: only our plugin; BOOT_ROOT: a temp dir, never the host's /boot.
: >"$ROOT/vmlinuz-$K"
# shellcheck disable=SC2034 # RC: for assert_rc
kinst() {
	rm -f "$ROOT/calls"
	OUT=$(env "$@" KERNEL_INSTALL_PLUGINS="$PLUGIN" BOOT_ROOT="$ROOT/bootroot" KERNEL_INSTALL_MACHINE_ID= \
		kernel-install "$KI_OP" "$K" ${KI_IMAGE:+"$KI_IMAGE"} 2>&1)
	RC=$?
	CALLS=$(cat "$ROOT/calls" 2>/dev/null)
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}
# kinst_initrd: kinst with $ROOT/initrd-$K given after the kernel image.
# shellcheck disable=SC2034 # RC: for assert_rc
kinst_initrd() {
	rm -f "$ROOT/calls"
	OUT=$(KERNEL_INSTALL_PLUGINS="$PLUGIN" BOOT_ROOT="$ROOT/bootroot" \
		kernel-install add "$K" "$KI_IMAGE" "$ROOT/initrd-$K" 2>&1)
	RC=$?
	CALLS=$(cat "$ROOT/calls" 2>/dev/null)
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}
mkdir -p "$ROOT/bootroot"
# No initrd given, no generator: the entry gets the kernel's image in /boot (Debian's
# 85-initrd.install), which --image makes sure holds the onboot scripts.
KI_OP=add KI_IMAGE=$ROOT/vmlinuz-$K kinst
assert_rc 0 "kernel-install add"
assert_calls "svc|onboot|--refresh|--image|-r|$K"
assert_out "systemtap-onboot: systemtap-service onboot --refresh --image -r $K"
# An initrd given (as onboot itself does): that one goes in, --refresh only.
: >"$ROOT/initrd-$K"
KI_OP=add KI_IMAGE=$ROOT/vmlinuz-$K kinst_initrd
assert_rc 0 "kernel-install add with an initrd"
assert_calls "svc|onboot|--refresh|-r|$K"
# An initrd generator (install.conf's initrd_generator=) builds it after us: --refresh only.
mkdir -p "$ROOT/kconf"
echo initrd_generator=dracut >"$ROOT/kconf/install.conf"
KI_OP=add KI_IMAGE=$ROOT/vmlinuz-$K kinst KERNEL_INSTALL_CONF_ROOT="$ROOT/kconf"
assert_rc 0 "kernel-install add with an initrd generator"
assert_calls "svc|onboot|--refresh|-r|$K"
KI_OP=add KI_IMAGE=$ROOT/vmlinuz-$K kinst SVC_RC=1
assert_rc 0 "kernel-install add with a failing service"
assert_out "failed (exit 1)"
KI_OP=remove KI_IMAGE='' kinst
assert_rc 0 "kernel-install remove"
assert_calls "svc|onboot|--forget|-r|$K"
rm -f "$ROOT/calls"
"$PLUGIN" inspect "$K" "$ROOT/bootroot/x" || fail "the plugin failed on an unknown command"
[ ! -e "$ROOT/calls" ] || fail "the plugin acted on an unknown command"
ok "kernel-install plugin: add -> --refresh [--image], remove -> --forget, exit 0 on failure"
