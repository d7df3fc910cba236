#!/bin/sh
# A compile server (Debian's systemtap-server) builds for a client that has no kernel headers:
# stap-serverd runs as the unprivileged user nobody on localhost with a fixed --port, its own
# certificate database and the headers of the machine; the client (the service, in a private
# mount namespace where the kernel's headers are hidden and MODULES_PATH is empty) trusts it
# with --trust-servers=ssl,signer. Then:
#   - compile -r KVER with <NAME>_OPT="--use-server=localhost:PORT --trust-servers=..." builds
#     the module on the server (its log names the request);
#   - with COMPILE_SERVER=localhost:PORT in the config, the Debian postinst kernel hook
#     (onboot --refresh -r KVER) builds the recorded set there instead of giving up for want
#     of headers.
# The host's /etc/systemtap (where signer trust goes) is an overlay of the test's.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || fail "needs root (mount namespace)"
SERVERD=/usr/lib/systemtap/stap-serverd
[ -x "$SERVERD" ] || fail "no $SERVERD: install systemtap-server (make deps)"
K=$KVER_DEBIAN
[ -d "/lib/modules/$K/build" ] || fail "no headers of $K"
if [ -z "${STAP_TEST_MOUNT_NS:-}" ]; then
	exec unshare -m --propagation private env STAP_TEST_MOUNT_NS=1 "$0" "$@"
fi
mkroot
SRV=$(mktemp -d /tmp/stap-onboot-server.XXXXXX)
SRV_PID=
trap 'if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; fi; rm -rf "$ROOT" "$SRV"' EXIT

# /etc and the kernel's module tree as the client sees them: overlays whose upper layers are
# the test's, so trust written to /etc/systemtap and the hidden headers stay in here.
mkdir -p "$ROOT/etc-up" "$ROOT/etc-work" "$ROOT/mod-up" "$ROOT/mod-work"

# --- the server: nobody, a fixed port, its own certificates, the real headers ---------------------
PORT=
for p in $(seq 41710 41790); do
	ss -ltnH "sport = :$p" | grep -q . || { PORT=$p; break; }
done
[ -n "$PORT" ] || fail "no free port in 41710..41790"
cp -a "$(stap_runtime_opt "$K" | sed 's/^-R //')" "$SRV/runtime" 2>/dev/null ||
	cp -a /usr/share/systemtap/runtime "$SRV/runtime"
chown -R nobody:nogroup "$SRV"
chmod 0755 "$SRV"
# Its own mount namespace, made now: the headers hidden from the client below stay its.
unshare -m --propagation private setpriv --reuid=nobody --regid=nogroup --clear-groups \
	env -i PATH=/usr/bin:/bin HOME="$SRV" SYSTEMTAP_DIR="$SRV/stapdir" \
	"$SERVERD" --port "$PORT" --ssl "$SRV/ssl" -r "$K" -R "$SRV/runtime" --log "$SRV/log" \
	</dev/null >"$SRV/out" 2>&1 &
SRV_PID=$!
# It listens first, then makes its certificate database: ready when both are there.
for _ in $(seq 90); do
	ss -ltnH "sport = :$PORT" | grep -q . && [ -s "$SRV/ssl/stap.cert" ] && break
	kill -0 "$SRV_PID" 2>/dev/null || fail "stap-serverd died: $(cat "$SRV/out" "$SRV/log" 2>/dev/null)"
	sleep 1
done
ss -ltnH "sport = :$PORT" | grep -q . || fail "stap-serverd does not listen on $PORT"
[ "$(ps -o user= -p "$SRV_PID")" = nobody ] || fail "stap-serverd does not run as nobody"
[ -s "$SRV/ssl/stap.cert" ] || fail "stap-serverd made no certificate"
ok "stap-serverd runs as nobody on port $PORT with its certificate database $SRV/ssl"

# --- the client: no headers, its own trust -------------------------------------------------------
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$ROOT/etc-up,workdir=$ROOT/etc-work" /etc ||
	fail "cannot mount an overlay over /etc"
mount -t overlay overlay -o "lowerdir=/lib/modules/$K,upperdir=$ROOT/mod-up,workdir=$ROOT/mod-work" \
	"/lib/modules/$K" || fail "cannot mount an overlay over /lib/modules/$K"
rm "/lib/modules/$K/build" && [ ! -e "/lib/modules/$K/build" ] || fail "cannot hide the headers"
export SYSTEMTAP_DIR="$ROOT/stapdir"
mkdir -p "$ROOT/modules"
echo "MODULES_PATH=$ROOT/modules" >>"$CONF"
SERVER_OPT="--use-server=localhost:$PORT --trust-servers=ssl,signer,no-prompt"
CACHE=$ROOT/var/cache/systemtap/$K

add_script viasrv
echo "viasrv_OPT='$SERVER_OPT'" >"$ROOT/etc/systemtap/conf.d/viasrv.conf"
svc compile viasrv -r "$K" -y
assert_rc 0
assert_out ' Compiling viasrv \.\.\. done$'
grep -q "Exec: .*stap .*--use-server=localhost:$PORT --trust-servers=ssl,signer,no-prompt -- " \
	"$ROOT/var/log/systemtap.log" || fail "stap did not get the long options as words"
# server_built NAME: the server's log has the request for module NAME and kernel K.
server_built() {
	grep "Options passed from the client:" "$SRV/log" | grep -- "-m$1 " | grep -q -- "-r$K" ||
		fail "the server's log has no request for $1: $(grep Options "$SRV/log")"
}
server_built viasrv
[ "$(modinfo -F vermagic "$CACHE/viasrv.ko" | cut -d' ' -f1)" = "$K" ] || fail "viasrv.ko is not for $K"
[ -f "$ROOT/stapdir/ssl/client/cert9.db" ] || fail "the client's trust database was not made"
[ -f /etc/systemtap/staprun/cert9.db ] && [ -f "$ROOT/etc-up/systemtap/staprun/cert9.db" ] ||
	fail "signer trust is not in the test's /etc/systemtap"
grep -q "^OPTS='--use-server=localhost:$PORT --trust-servers=ssl,signer,no-prompt --'" \
	"$CACHE/viasrv.opts" || fail "viasrv.opts does not record the options"
ok "compile -r $K without headers: --use-server/--trust-servers in _OPT, built by the server"

# --- the kernel hook of a site without headers, COMPILE_SERVER set ---------------------------------
add_script hooked
printf 'stap-onboot-set 1\nscript hooked\n' >"$ROOT/var/lib/systemtap/onboot.set"
echo "COMPILE_SERVER=localhost:$PORT" >>"$CONF"
cp "$CONF" /etc/systemtap/config
sed -e "s|@SBINDIR@|$BUILD|g" -e 's|@HOOK@|postinst|g' "$TOP/hooks/kernel/50-systemtap-onboot.in" \
	>"$ROOT/50-systemtap-onboot"
chmod +x "$ROOT/50-systemtap-onboot"
OUT=$(env DEB_MAINT_PARAMS=configure "$ROOT/50-systemtap-onboot" "$K" "/boot/vmlinuz-$K" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0
assert_out "^systemtap-onboot: systemtap-service onboot --refresh -r $K\$"
assert_out "headers of kernel $K are not installed: the compile server localhost:$PORT builds"
assert_out ' Compiling hooked \.\.\. done$'
assert_out "^Onboot snapshot of $K: 1 of 1 scripts"
assert_no_out 'failed'
server_built hooked
grep -q "Exec: .*stap .*--use-server=localhost:$PORT " "$ROOT/var/log/systemtap.log" ||
	fail "COMPILE_SERVER did not reach stap"
[ -f "$CACHE/onboot/hooked.ko" ] || fail "the snapshot lacks hooked.ko"
ok "postinst hook, no headers, COMPILE_SERVER: the set built by the server into the snapshot"
