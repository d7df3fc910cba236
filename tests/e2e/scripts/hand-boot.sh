#!/bin/sh
# hand-boot.sh: boots build/stap-early-loader against the real Debian kernel without
# systemtap-service: compiles the test scripts with stap directly, assembles the image tree of
# docs/design.md "Image layout" by hand (loader, manifest, NAME.ko, cmdline/01 hook), adds it
# with dracut --include and prints what the test module reported. A developer's tool for
# quick real-kernel feedback on the loader; `make e2e` (run.sh) is the real test.
# Usage: tests/e2e/scripts/hand-boot.sh [EXTRA KERNEL CMDLINE...]
set -eu
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
WORK=$(mktemp -d /tmp/stap-onboot-hand.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=tests/e2e/scripts/e2e-lib.sh
. "$TOP/tests/e2e/scripts/e2e-lib.sh"
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
E2E_T0=$(now_ms)
STAPIO=$(stapio_path)
ko=$E2E_CACHE/hand-$KVER
mkdir -p "$ko"
rt=$(stap_runtime_opt "$KVER")

step "compiling (stap's own cache makes this fast after the first time)"
for s in e2e_exec e2e_dep e2e_boom e2e_foreign; do
	[ -n "$(find "$ko/$s.ko" -newer "$E2E/stp/$s.stp" 2>/dev/null)" ] && continue
	# shellcheck disable=SC2016,SC2086 # a stap probe, not shell; rt: "-R DIR" or ""
	(cd "$WORK" && stap -E 'probe procfs("srvstat").read {$value = "running\n"}' -m "$s" -p4 \
		-r "$KVER" $rt -- "$E2E/stp/$s.stp" >/dev/null) || e2e_die "stap failed on $s.stp"
	mv "$WORK/$s.ko" "$ko/$s.ko"
done
"$E2E/scripts/foreign-ko" "$ko/e2e_foreign.ko" "$WORK/e2e_foreign.ko" >/dev/null

step "assembling the image tree"
tree=$WORK/tree
mkdir -p "$tree/usr/sbin" "$tree/usr/lib/stap-onboot" "$tree/usr/lib/dracut/hooks/cmdline"
cp "$BUILD/stap-early-loader" "$tree/usr/sbin/"
cp "$ko/e2e_exec.ko" "$ko/e2e_dep.ko" "$ko/e2e_boom.ko" "$WORK/e2e_foreign.ko" \
	"$tree/usr/lib/stap-onboot/"
cat >"$tree/usr/lib/stap-onboot/manifest" <<EOF
stap-onboot-manifest 1
kernel $KVER
log_boot_err yes
script e2e_boom protocol=4 bufsize=0
script e2e_exec protocol=4 bufsize=1
script e2e_foreign protocol=4 bufsize=0
script e2e_dep protocol=4 bufsize=0
EOF
if [ -f "$TOP/hooks/stap-early-loader.sh" ]; then
	cp "$TOP/hooks/stap-early-loader.sh" "$tree/usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh"
else
	echo /usr/sbin/stap-early-loader >"$tree/usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh"
fi

step "building the image"
e2e_dracut_base "$WORK" "" "" "" ""
# shellcheck disable=SC2086 # words of options
dracut $DRACUT_TEST_OPTS --add stap-onboot-e2e --include "$tree" / --kver "$KVER" -f "$WORK/hand.img" \
	>"$WORK/dracut.log" 2>&1 ||
	{ cat "$WORK/dracut.log"; e2e_die "dracut failed"; }

step "booting"
rc=0
e2e_boot "$WORK/hand.img" "$WORK/console.log" "$@" || rc=$?
tr -d '\r' <"$WORK/console.log" | grep -e 'stap' -e 'e2e' -e 'E2E' -e 'Power down' -e 'BUG' -e 'Call Trace' || true
step "qemu exit $rc"
e2e_powered_off "$WORK/console.log" || { tr -d '\r' <"$WORK/console.log" | tail -n 60; e2e_die "the guest did not power off"; }
