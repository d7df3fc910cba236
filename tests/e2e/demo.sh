#!/bin/sh
# demo.sh (make demo): the boot test's chain, for a person. A sample script that traces the
# programs run during early boot, `systemtap-service onboot -o` to put it into an image,
# a boot of the Debian kernel with that image in QEMU, and the trace read back before root
# is mounted. Touches nothing on the host outside a temp directory and the e2e cache.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/e2e/scripts/e2e-lib.sh
. "$TOP/tests/e2e/scripts/e2e-lib.sh"
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
set -eu

E2E_T0=$(now_ms)
WORK=$(mktemp -d /tmp/stap-onboot-demo.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
NAME=demo_execs
e2e_need_tools

echo "stap-onboot demo: trace what the initramfs runs, from before root is mounted"
echo
step "1/5 the sample script, $E2E/stp/$NAME.stp:"
sed 's/^/      /' "$E2E/stp/$NAME.stp"

e2e_dracut_base "$WORK" "" "" "" ""
# A configuration of its own: nothing under /etc/systemtap, /var or /boot is used.
mkdir -p "$WORK/script.d" "$WORK/conf.d" "$WORK/run" "$WORK/tmp" "$WORK/boot"
cp -p "$E2E/stp/$NAME.stp" "$WORK/script.d/"
echo "${NAME}_OPT='$(stap_runtime_opt "$KVER")'" >"$WORK/conf.d/$NAME.conf"
e2e_write_config "$WORK/config" "$E2E_CACHE/demo" " --add stap-onboot-e2e"

echo
step "2/5 systemtap-service onboot -o demo.img $NAME -r $KVER (compiles first: ~1 min the first time)"
"$BUILD/systemtap-service" onboot -o "$WORK/demo.img" -r "$KVER" "$NAME" -c "$WORK/config" </dev/null ||
	{ tail -n 30 "$WORK/systemtap.log" 2>/dev/null; e2e_die "onboot failed"; }

echo
step "3/5 what onboot put into the image (lsinitrd):"
lsinitrd "$WORK/demo.img" | grep -E ' (init|init\.real|usr/(lib/stap-onboot|sbin/stap-early-loader|lib/dracut/hooks/cmdline/01-stap).*)( -> .*)?$' |
	sed 's/^/      /'
echo "      manifest:"
lsinitrd -f usr/lib/stap-onboot/manifest "$WORK/demo.img" | sed 's/^/        /'

echo
step "4/5 booting $KVER with demo.img in QEMU (TCG, about 20 s); the loader's kernel-log lines:"
e2e_boot "$WORK/demo.img" "$WORK/console.log" &
qemu=$!
shown=0
show_new() {
	tr -d '\r' <"$WORK/console.log" 2>/dev/null |
		grep -E '^\[ *[0-9.]+\] (stap-early-loader|Run /init|reboot: Power down)' >"$WORK/live.txt" || true
	n=$(wc -l <"$WORK/live.txt")
	[ "$n" -gt "$shown" ] && sed -n "$((shown + 1)),${n}p" "$WORK/live.txt" | sed 's/^/      /'
	shown=$n
}
while kill -0 "$qemu" 2>/dev/null; do
	sleep 1
	show_new
done
rc=0
wait "$qemu" || rc=$?
show_new
e2e_lines "$WORK/console.log" >"$WORK/e2e.txt"
if [ "$rc" -ne 0 ] || ! e2e_powered_off "$WORK/console.log" || ! grep -q "^proc $NAME/trace: " "$WORK/e2e.txt"; then
	tr -d '\r' <"$WORK/console.log" | tail -n 60
	e2e_die "the boot did not go as expected (qemu exit $rc); serial log above"
fi

echo
step "5/5 the trace taken during early boot (/proc/systemtap/$NAME/trace, read at pre-mount):"
sed -n "s|^proc $NAME/trace: |      |p" "$WORK/e2e.txt"
echo
step "done: the loader ran as the initramfs's /init, so the script saw its init (/init.real) start, and everything after it, before root was mounted."
