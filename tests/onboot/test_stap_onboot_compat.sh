#!/bin/sh
# Moving from upstream's 2026 stap-onboot and stap@.service on a machine without stap:
# modules stap-service-prepare left in MODULES_PATH/KVER/systemtap/ (built here with the real
# stap exactly as it builds them: stap -p4 -m NAME $STAP_OPTIONS NAME.stp) with their
# SCRIPT_PATH/NAME.options are imported; `stap-onboot` (a link to systemtap-service, as make
# install makes) takes upstream's options and builds the image with the real dracut. Modules
# that cannot be trusted (another kernel, no stap version in their bytes, a script changed
# since) are left with the reason.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
. "$(dirname "$0")/../lib-prebuilt.sh"
setup_onboot fast
no_stap_here
KB=$(ls /lib/modules | grep -- '-amd64$' | grep -vx "$KVER" | sort -V | tail -n 1)
UP=$ROOT/modules/$KVER/systemtap
mkdir -p "$UP" "$ROOT/bin"
echo "MODULES_PATH=$ROOT/modules" >>"$CONF"
ln -s "$SVC" "$ROOT/bin/stap-onboot"
SD=$ROOT/etc/systemtap/script.d

# upstream_module NAME [STAPRUN_OPTIONS]: what stap-service-prepare leaves: NAME.stp and
# NAME.options in script.d, NAME.ko (real stap, in a scratch directory) in $UP, the script
# older than the module.
upstream_module() {
	printf 'probe begin { printf("%s started\\n") }\nprobe timer.s(5) { }\n' "$1" >"$SD/$1.stp"
	printf 'STAP_OPTIONS="%s"\n' "$RT_OPT" >"$SD/$1.options"
	[ -z "${2:-}" ] || printf 'STAPRUN_OPTIONS="%s"\n' "$2" >>"$SD/$1.options"
	mkdir -p "$ROOT/prep" && (cd "$ROOT/prep" && stap -p4 -m "$1" $RT_OPT -r "$KVER" "$SD/$1.stp" \
		>/dev/null 2>&1) || fail "stap cannot build $1 as upstream does"
	mv "$ROOT/prep/$1.ko" "$UP/"
	touch -d '-1 hour' "$SD/$1.stp"
}
upstream_module alpha
upstream_module beta "-b 4"
upstream_module gamma
echo '# edited after the build' >>"$SD/gamma.stp"
cp "$(find "/lib/modules/$KB/kernel" -name '*.ko' -size -16k | head -n 1)" "$UP/other.ko"
cp "$(find "/lib/modules/$KVER/kernel" -name '*.ko' -size -16k | head -n 1)" "$UP/plain.ko"

OUT=$("$ROOT/bin/stap-onboot" -R alpha 2>&1)
RC=$?
assert_rc 3
assert_out "^stap-onboot: invalid option -- 'R'"
assert_out '^Usage: stap-onboot \[OPTIONS\] \[SCRIPTS\]'
OUT=$("$ROOT/bin/stap-onboot" -h 2>&1)
RC=$?
assert_rc 0
assert_out 'stap-onboot is systemtap-service onboot'
ok "stap-onboot: upstream's options only (-R is a usage error, exit 3), -h the usage"

OUT=$("$ROOT/bin/stap-onboot" -c "$CONF" -r "$KVER" -o "$ROOT/boot/up.img" alpha beta 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0
assert_out "^Importing upstream's modules of $UP:"
assert_out '^ Importing alpha \.\.\. done$'
assert_out '^ Importing beta \.\.\. done$'
assert_out '^ Importing gamma \.\.\. skipped (its script changed since it was built)$'
assert_out '^ Importing other \.\.\. skipped (it is not a module for this kernel)$'
assert_out '^ Importing plain \.\.\. skipped (its bytes do not say which stap built it)$'
assert_out "STAPRUN_OPTIONS=-b 4 is not taken over"
assert_out "alpha.ko was not built by systemtap-service"
assert_out '^ Creating initramfs with alpha beta \.\.\. done$'
ONE_OFF=1 assert_onboot_image "$ROOT/boot/up.img" alpha beta
cmp -s "$UP/alpha.ko" "$CACHE/alpha.ko" || fail "alpha.ko is not the imported module"
grep -q "^SCRIPT_SHA256=" "$CACHE/alpha.opts" || fail "alpha.opts has no digest"
grep -q "^STAP_VERSION='4.8'$" "$CACHE/alpha.opts" || fail "alpha.opts does not name stap 4.8"
grep -q "^alpha_OPT='$RT_OPT'\$" "$ROOT/etc/systemtap/conf.d/alpha.conf" ||
	fail "alpha.conf does not carry STAP_OPTIONS"
assert_no_stap_run
ok "stap-onboot -c -r -o NAMES: upstream's modules imported (others left, with why), the image built, no stap"

svc onboot --import -r "$KVER"
assert_rc 0
assert_out '^ Importing alpha \.\.\. skipped (its cache here is valid already)$'
assert_out "^Imported 0 of 5 modules"
svc onboot --import -r "$KB"
assert_rc 0
assert_out "No modules of upstream's services in $ROOT/modules/$KB/systemtap"
ok "onboot --import: a valid cache stays; a kernel without upstream modules says so"
