# lib.sh: sourced by the shell tests. Gives a temp root, a config in it, and assertions.
# Never touches the host's /etc/systemtap, /boot or /var: everything lives under $ROOT.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
SVC="$BUILD/systemtap-service"
KVER_DEBIAN=${KVER_DEBIAN:-$(ls /lib/modules 2>/dev/null | grep -- '-amd64$' | sort -V | tail -n 1)}

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# mkroot: a fresh temp root with etc/systemtap/{config,conf.d,script.d}, var/cache, run, tmp.
# Sets ROOT and CONF. The config points every path into ROOT.
mkroot() {
	ROOT=$(mktemp -d /tmp/stap-onboot-test.XXXXXX)
	trap 'rm -rf "$ROOT"' EXIT
	mkdir -p "$ROOT/etc/systemtap/conf.d" "$ROOT/etc/systemtap/script.d" \
		"$ROOT/var/cache/systemtap" "$ROOT/run/systemtap" "$ROOT/tmp" "$ROOT/var/log" "$ROOT/boot"
	CONF="$ROOT/etc/systemtap/config"
	cat >"$CONF" <<EOC
SCRIPT_PATH=$ROOT/etc/systemtap/script.d
CONFIG_PATH=$ROOT/etc/systemtap/conf.d
CACHE_PATH=$ROOT/var/cache/systemtap
STAT_PATH=$ROOT/run/systemtap
TEMP_PATH=$ROOT/tmp
LOG_FILE=$ROOT/var/log/systemtap.log
BOOT_PATH=$ROOT/boot
EOC
}

# svc ARGS...: runs systemtap-service with the test config; output in $OUT, exit code in $RC.
svc() {
	OUT=$("$SVC" "$@" -c "$CONF" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}

assert_rc() { [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC${2:+ ($2)}"; }
assert_out() { printf '%s\n' "$OUT" | grep -q -- "$1" || fail "output lacks '$1'"; }
assert_no_out() { ! printf '%s\n' "$OUT" | grep -q -- "$1" || fail "output has '$1'"; }
assert_file() { [ -e "$1" ] || fail "missing file $1"; }
assert_no_file() { [ ! -e "$1" ] || fail "unexpected file $1"; }

# A stand-in staprun that records its argv (one line per call, words separated by |) in
# $ROOT/staprun.calls; STAPRUN_RC sets its exit code, STAPRUN_ERR a message for stderr.
fake_staprun() {
	cat >"$ROOT/staprun" <<'EOS'
#!/bin/sh
d=$(dirname "$0")
{ printf '%s' "staprun"; for a in "$@"; do printf '|%s' "$a"; done; echo; } >>"$d/staprun.calls"
[ -n "${STAPRUN_ERR:-}" ] && echo "$STAPRUN_ERR" >&2
exit "${STAPRUN_RC:-0}"
EOS
	chmod +x "$ROOT/staprun"
	echo "STAPRUN=$ROOT/staprun" >>"$CONF"
}

# The patched stap runtime Debian's stap 4.8 needs for kernels with task_work_cancel_func
# (see ../shared/docs/e2e-recipe.md), kept under ~/.cache/stap-onboot so stap's own cache hits. Prints the -R option to use ("" when not needed).
stap_runtime_opt() {
	kver=${1:-$KVER_DEBIAN}
	hdr=/usr/src/linux-headers-$kver
	common=$(readlink -f "/lib/modules/$kver/source" 2>/dev/null || true)
	if grep -qs task_work_cancel_func "$common/include/linux/task_work.h" "$hdr/include/linux/task_work.h"; then
		rt=${STAP_ONBOOT_TEST_CACHE:-$HOME/.cache/stap-onboot}/runtime-$kver
		mkdir -p "$(dirname "$rt")"
		if [ ! -f "$rt/.patched" ]; then
			rm -rf "$rt.new"
			cp -a /usr/share/systemtap/runtime "$rt.new"
			sed -i 's/\btask_work_cancel\b/task_work_cancel_func/g' "$rt.new/stp_task_work.c"
			touch "$rt.new/.patched"
			rm -rf "$rt" && mv "$rt.new" "$rt"
		fi
		echo "-R $rt"
	fi
}
