# lib.sh: sourced by the shell tests. Gives a temp root, a config in it, and assertions.
# Never touches the host's /etc/systemtap, /boot or /var: everything lives under $ROOT.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
SVC="$BUILD/systemtap-service"
KVER_DEBIAN=${KVER_DEBIAN:-$(ls /lib/modules 2>/dev/null | grep -- '-amd64$' | sort -V | tail -n 1)}

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# svc_tree DIR: the directories systemtap-service writes, under DIR, and DIR/etc/systemtap/config
# pointing every path of the service there (the test root, a build host, a bench target).
svc_tree() {
	mkdir -p "$1/etc/systemtap/conf.d" "$1/etc/systemtap/script.d" "$1/var/cache/systemtap" \
		"$1/run/systemtap" "$1/tmp" "$1/var/log" "$1/boot" "$1/var/lib/systemtap"
	cat >"$1/etc/systemtap/config" <<EOC
SCRIPT_PATH=$1/etc/systemtap/script.d
CONFIG_PATH=$1/etc/systemtap/conf.d
CACHE_PATH=$1/var/cache/systemtap
STAT_PATH=$1/run/systemtap
TEMP_PATH=$1/tmp
LOG_FILE=$1/var/log/systemtap.log
STATE_PATH=$1/var/lib/systemtap
BOOT_PATH=$1/boot
EOC
}

# mkroot: a fresh temp root with etc/systemtap/{config,conf.d,script.d}, var/cache, run, tmp.
# Sets ROOT and CONF. The config points every path into ROOT (SYSFS_PATH and DKMS_PATH too:
# no test sees the host's Secure Boot state or DKMS key; $ROOT/sys does not exist until a
# test makes one).
mkroot() {
	ROOT=$(mktemp -d /tmp/stap-onboot-test.XXXXXX)
	trap 'rm -rf "$ROOT"' EXIT
	svc_tree "$ROOT"
	CONF="$ROOT/etc/systemtap/config"
	cat >>"$CONF" <<EOC
SYSFS_PATH=$ROOT/sys
DKMS_PATH=$ROOT/var/lib/dkms
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
		# Tests run two at a time (runner.sh -j2): one makes the copy, the other waits.
		(
			flock 9
			if [ ! -f "$rt/.patched" ]; then
				rm -rf "$rt.new"
				cp -a /usr/share/systemtap/runtime "$rt.new"
				sed -i 's/\btask_work_cancel\b/task_work_cancel_func/g' "$rt.new/stp_task_work.c"
				touch "$rt.new/.patched"
				rm -rf "$rt" && mv "$rt.new" "$rt"
			fi
		) 9>"$rt.lock" >&2
		echo "-R $rt"
	fi
}

# ---- helpers of the systemtap-service command tests ---------------------------------------

# svcr ARGS...: svc for the Debian kernel (-r KVER_DEBIAN): its caches can hold real modules.
svcr() { svc "$@" -r "$KVER_DEBIAN"; }

# fake_sysmodule: call right after mkroot. Re-runs the test in a private mount namespace
# (the first ROOT is dropped) where /sys/module is $ROOT/sys_module, so that libkmod's
# /sys/module/NAME/initstate reads what the test and fake_staprun_kmod write.
fake_sysmodule() {
	if [ -z "${STAP_TEST_MOUNT_NS:-}" ]; then
		rm -rf "$ROOT"
		trap - EXIT
		exec unshare -m --propagation private env STAP_TEST_MOUNT_NS=1 "$0" "$@"
	fi
	mkdir -p "$ROOT/sys_module"
	mount --bind "$ROOT/sys_module" /sys/module || fail "cannot bind-mount over /sys/module"
	[ -z "$(ls -A /sys/module)" ] || fail "/sys/module is not the empty fake"
}

# fake_loaded NAME [STATE]: a loaded module NAME (initstate live) in the fake /sys/module.
fake_loaded() {
	[ -n "${STAP_TEST_MOUNT_NS:-}" ] || fail "fake_loaded needs fake_sysmodule"
	mkdir -p "/sys/module/$1" && echo "${2:-live}" >"/sys/module/$1/initstate"
}

# fake_staprun_kmod: as fake_staprun (argv in $ROOT/staprun.calls, STAPRUN_RC, STAPRUN_ERR)
# but it also plays the kernel of fake_sysmodule: loading NAME.ko makes /sys/module/NAME
# live, `-d NAME` removes it (or fails as staprun does for a module that is not loaded).
# With -D it starts a stand-in stapio, a sleeping shell with NAME.ko in its argv that prints
# its pid on stdout; on SIGTERM it unloads the module and exits, as stapio does. It runs from
# $ROOT/stapio, a copy of /bin/sh, so that /proc/PID/exe names stapio as the real one's does.
# STAPRUN_SLEEP=N makes every call take N seconds first; STAPRUN_FAIL_FOR=NAME makes loading
# NAME.ko fail as staprun does for a bad module. STAPIO_GOING=N (in the stand-in stapio's
# environment) keeps the module "going" N seconds before it is gone, as a real unload may.
fake_staprun_kmod() {
	cp /bin/sh "$ROOT/stapio"
	cat >"$ROOT/staprun" <<'EOS'
#!/bin/sh
d=$(dirname "$0")
{ printf '%s' "staprun"; for a in "$@"; do printf '|%s' "$a"; done; echo; } >>"$d/staprun.calls"
[ -n "${STAPRUN_SLEEP:-}" ] && sleep "$STAPRUN_SLEEP"
[ -n "${STAPRUN_ERR:-}" ] && printf '%s\n' "$STAPRUN_ERR" >&2
[ "${STAPRUN_RC:-0}" -eq 0 ] || exit "$STAPRUN_RC"
[ -n "${STAP_TEST_MOUNT_NS:-}" ] || { echo "fake staprun: no fake /sys/module" >&2; exit 99; }
mode=L
for a in "$@"; do
	case $a in -d) mode=d ;; -D) mode=D ;; esac
	last=$a
done
if [ "$mode" = d ]; then
	[ -d "/sys/module/$last" ] && rm -rf "/sys/module/$last" && exit 0
	echo "ERROR: '$last' is not a zombie systemtap module." >&2
	exit 234
fi
name=$(basename "$last" .ko)
if [ "$name" = "${STAPRUN_FAIL_FOR:-}" ]; then
	echo "ERROR: Couldn't insert module '$last': Invalid module format" >&2
	exit 1
fi
if [ -e "/sys/module/$name" ]; then
	echo "ERROR: Couldn't insert module '$last': File exists" >&2
	exit 1
fi
mkdir "/sys/module/$name" && echo live >"/sys/module/$name/initstate"
if [ "$mode" = D ]; then
	"$d/stapio" -c 'trap "echo going >/sys/module/$1/initstate; sleep ${STAPIO_GOING:-0}; rm -rf /sys/module/$1; kill \$s; exit 0" TERM; sleep 120 & s=$!; wait $s' \
		stapio "$name" "$last" </dev/null >/dev/null 2>&1 &
	echo $!
fi
exit 0
EOS
	chmod +x "$ROOT/staprun"
	echo "STAPRUN=$ROOT/staprun" >>"$CONF"
}

# staprun_calls: the recorded staprun argv lines (words joined by |), one per call.
staprun_calls() { cat "$ROOT/staprun.calls" 2>/dev/null; }

# stap_standin_head: prints the start of a stand-in stap (sh): `-V` answers with Debian's 4.8
# banner; every other call is recorded in $ROOT/stap.calls (words joined by |) and leaves
# $name (the -m argument) and $script (the last word) for the rest of the stand-in.
stap_standin_head() {
	cat <<EOS
#!/bin/sh
if [ "\$1" = -V ]; then
	echo "Systemtap translator/driver (version 4.8/0.188, Debian version 4.8-2)" >&2
	exit 0
fi
{ printf '%s' "stap"; for a in "\$@"; do printf '|%s' "\$a"; done; echo; } >>"$ROOT/stap.calls"
name= prev=
for a in "\$@"; do
	[ "\$prev" = -m ] && name=\$a
	prev=\$a
	script=\$a
done
EOS
}

# fake_stap: a stand-in stap for the command tests (the real stap is tested by
# test_compile*.sh). `-V` prints Debian's 4.8 banner; otherwise it records its argv in
# $ROOT/stap.calls and, as `stap -p4 -m NAME` does, leaves NAME.ko in its working directory:
# a copy of a real module of the Debian kernel, so that the vermagic checks of the cache pass
# (nothing is ever loaded). A script containing STAP_FAIL fails with stap's kind of message;
# one containing NEEDS_UPROBES also leaves uprobes/uprobes.ko, as --save-uprobes does.
fake_stap() {
	ko=$(find "/lib/modules/$KVER_DEBIAN/kernel" -name '*.ko' -size -16k | sort | head -n 1)
	[ -n "$ko" ] || fail "no module of $KVER_DEBIAN to copy"
	stap_standin_head >"$ROOT/stap"
	cat >>"$ROOT/stap" <<EOS
if grep -q STAP_FAIL "\$script"; then
	echo "parse error: expected one of '. , ( ? ! \$ @'" >&2
	echo "Pass 1: parse failed.  [man error::pass1]" >&2
	exit 1
fi
cp "$ko" "\$name.ko"
if grep -q NEEDS_UPROBES "\$script"; then
	mkdir -p uprobes && cp "$ko" uprobes/uprobes.ko
fi
exit 0
EOS
	chmod +x "$ROOT/stap"
	echo "STAP=$ROOT/stap" >>"$CONF"
}

# svc_root [--real-stap]: the set-up of the systemtap-service command tests, right at their
# start (fake_sysmodule re-runs the script from the top): mkroot, the fake /sys/module, the
# stand-in staprun that plays its kernel (fake_staprun_kmod) and, without --real-stap, the
# stand-in stap (fake_stap). Sets SD (SCRIPT_PATH), CACHE (the Debian kernel's cache), STAT
# (STAT_PATH) and LOG (LOG_FILE) besides ROOT and CONF.
svc_root() {
	mkroot
	fake_sysmodule
	[ "${1:-}" = --real-stap ] || fake_stap
	fake_staprun_kmod
	SD=$ROOT/etc/systemtap/script.d
	CACHE=$ROOT/var/cache/systemtap/$KVER_DEBIAN
	STAT=$ROOT/run/systemtap
	LOG=$ROOT/var/log/systemtap.log
}

# add_script NAME [TEXT]: SCRIPT_PATH/NAME.stp.
add_script() {
	if [ $# -gt 1 ]; then
		printf '%s\n' "$2"
	else
		printf 'probe begin { printf("%s\\n") }\n' "$1"
	fi >"$ROOT/etc/systemtap/script.d/$1.stp"
}
