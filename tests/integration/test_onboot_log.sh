#!/bin/sh
# test_onboot_log.sh: the saved output of the scripts started at boot, from the service's side.
# - make install DESTDIR: the unit systemtap-onboot-log.service (systemd-analyze verify), its
#   enable link, the logrotate snippet (logrotate -d);
# - onboot --save-log and --close-log against real collectors: the built stap-early-loader run
#   as "@stap-early-loader --collect NAME", with a FIFO as its control channel on fd 3 (at
#   PROC_PATH/systemtap/NAME/.cmd, where the service looks for it; what the collector writes,
#   STP_EXIT, it reads back as the module's reply) and a FIFO as the module's relay file,
#   which the test writes (no real module can load into the host kernel);
# - status: each boot script with its output file, what was lost; adoption of a collector's
#   pid; a forced rotation by logrotate with the snippet, whose postrotate reopens the file
#   without losing a line;
# - stop of a module a collector holds: SIGTERM to it (a stand-in: a copy of sh named
#   stap-early-loader, in the fake /sys/module), never to a process that only claims to be one.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] && [ -x "$BUILD/stap-early-loader" ] || fail "not built"
command -v logrotate >/dev/null || fail "logrotate is missing (make deps)"
mkroot
fake_sysmodule
fake_staprun_kmod
STAT=$ROOT/run/systemtap
PROC=$ROOT/proc
KROOT=$ROOT/kroot
LOGDIR=$ROOT/var/log/systemtap/onboot
mkdir -p "$PROC/systemtap" "$KROOT/proc/sys/kernel/random" "$ROOT/sbin" "$ROOT/bin"
echo 0b5e55ed-1234-4321-abcd-5ea7ab1e0002 >"$KROOT/proc/sys/kernel/random/boot_id"
{
	echo "PROC_PATH=$PROC"
	echo "ONBOOT_LOG_DIR=$LOGDIR"
} >>"$CONF"
PIDS=
trap 'for p in $PIDS; do kill -9 "$p" 2>/dev/null; done; rm -rf "$ROOT"' EXIT

# collector NAME SIZE FD: starts NAME's real collector (log_size SIZE) and opens its relay
# file's write end on FD (3..9) of this shell; sets PID. Its module is "loaded" and "running"
# for the service (fake /sys/module, PROC_PATH/systemtap/NAME/srvstat); PROC_PATH/PID is
# /proc/PID, so that the service sees the collector's real program and argv.
collector() {
	d=$KROOT/proc/systemtap/$1
	mkdir -p "$d" "$PROC/systemtap/$1"
	mkfifo "$d/trace0" "$PROC/systemtap/$1/.cmd"
	eval "exec $3<>\"\$d/trace0\""
	STAP_EARLY_LOADER_ROOT=$KROOT STAP_EARLY_LOADER_KMSG=$ROOT/kmsg STAP_EARLY_LOADER_RUNDIR=$STAT \
		bash -c 'exec -a @stap-early-loader "$0" "$@"' "$BUILD/stap-early-loader" --collect "$1" \
		--protocol 4 --log-size "$2" --armed 1700000000000000000:2000000000 \
		3<>"$PROC/systemtap/$1/.cmd" </dev/null >/dev/null 2>&1 &
	PID=$!
	PIDS="$PIDS $PID"
	ln -s "/proc/$PID" "$PROC/$PID"
	echo running >"$PROC/systemtap/$1/srvstat"
	fake_loaded "$1"
	n=0
	until grep -qs 'module running' "$STAT/onboot.d/$1.state"; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || fail "the collector of $1 wrote no state"
		sleep 0.05
	done
}
# le32 N: N as four little-endian bytes, as printf escapes.
le32() { printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
# records FD FIRST LAST: "N exec N /usr/bin/pN" lines (1: "1 begin") on FD, each one message
# as the runtime frames a flushed print buffer in its relay file (protocol 4: the sequence
# number, here N, and the text's length before the text).
records() {
	i=$2
	while [ "$i" -le "$3" ]; do
		if [ "$i" = 1 ]; then t="1 begin"; else t="$i exec $i /usr/bin/p$i"; fi
		# shellcheck disable=SC2059 # the format holds the header's escapes
		printf "$(le32 "$i")$(le32 $((${#t} + 1)))%s\n" "$t"
		i=$((i + 1))
	done >&"$1"
}
# numbered FILE...: the record numbers in the files, one a line.
numbered() { cat "$@" | grep -E '^[0-9]+ ' | cut -d' ' -f1; }
# wait_for FILE TEXT: at most 5 s.
wait_for() {
	n=0
	until grep -qF -- "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || fail "$1 never held '$2'"
		sleep 0.05
	done
}

# --- make install DESTDIR: the unit, its enable link, the logrotate snippet ----------------
D=$ROOT/dest
make -s -C "$TOP" install DESTDIR="$D" PREFIX=/usr >"$ROOT/install.log" 2>&1 || {
	cat "$ROOT/install.log"
	fail "make install failed"
}
U=$D/usr/lib/systemd/system/systemtap-onboot-log.service
assert_file "$U"
[ "$(readlink "$D/etc/systemd/system/sysinit.target.wants/systemtap-onboot-log.service")" = \
	/usr/lib/systemd/system/systemtap-onboot-log.service ] || fail "no enable link in sysinit.target.wants"
for line in "After=local-fs.target" "Before=sysinit.target shutdown.target" "Conflicts=shutdown.target" \
	"RequiresMountsFor=/var/log/systemtap/onboot" "Type=oneshot" "RemainAfterExit=yes" \
	"ExecStart=/usr/sbin/systemtap-service onboot --save-log" \
	"ExecStop=/usr/sbin/systemtap-service onboot --close-log" "WantedBy=sysinit.target"; do
	grep -qxF "$line" "$U" || fail "the unit lacks '$line'"
done
cp "$SVC" "$ROOT/sbin/systemtap-service"
sed "s|@SBINDIR@|$ROOT/sbin|g; s|@ONBOOTLOGDIR@|$LOGDIR|g; s|@RUNSTATEDIR@|$ROOT/run|g" \
	"$TOP/service/systemtap-onboot-log.service.in" >"$ROOT/systemtap-onboot-log.service"
out=$(systemd-analyze verify --man=no "$ROOT/systemtap-onboot-log.service" 2>&1)
[ $? -eq 0 ] && [ -z "$out" ] || fail "systemd-analyze verify: $out"
LR=$D/etc/logrotate.d/systemtap-onboot
grep -q '^/var/log/systemtap/onboot/\*\.log {' "$LR" || fail "the snippet names no /var/log/systemtap/onboot/*.log"
out=$(logrotate -d -s "$ROOT/logrotate.state" "$LR" 2>&1) || fail "logrotate -d: $out"
printf '%s\n' "$out" | grep -q 'rotating pattern: /var/log/systemtap/onboot/\*\.log' ||
	fail "logrotate -d did not read the pattern: $out"
ok "make install: the unit (verify clean), enabled in sysinit.target.wants, the logrotate snippet (logrotate -d clean)"

# --- the output kept in memory, saved by --save-log -------------------------------------------
collector trace 65536 7
records 7 1 20
wait_for "$STAT/onboot.d/trace.state" 'kept 440'
svc status
expect() { printf '%s\n' "$OUT" | grep -qxF -- "$1" || fail "status lacks the line '$1'"; }
expect "trace($PID) is running..."
expect "trace: started at boot; its output is kept in memory (440 bytes) until systemtap-service onboot --save-log"
[ "$(cat "$STAT/trace")" = "$PID" ] || fail "the pid file does not name the collector"
grep -q "Adopted running module trace (started at boot; its output collector is $PID)" \
	"$ROOT/var/log/systemtap.log" || fail "adoption not logged"
ok "status: adopted with its collector's pid; the output kept in memory, its size"
svc onboot --save-log
assert_rc 0 "--save-log"
assert_out "Saving the output of trace to $LOGDIR/trace.log"
[ "$(stat -c '%U %a' "$LOGDIR")" = "$(id -un) 755" ] || fail "ONBOOT_LOG_DIR not made 0755"
records 7 21 30
wait_for "$LOGDIR/trace.log" '30 exec 30'
head -n 1 "$LOGDIR/trace.log" | grep -q "^-- stap-onboot: trace: boot 0b5e55ed-1234-4321-abcd-5ea7ab1e0002 kernel .*, started at boot, armed 2023-11-14T22:13:20.000Z (2.000 s after the kernel started)" ||
	fail "no section header: $(head -n 1 "$LOGDIR/trace.log")"
[ "$(numbered "$LOGDIR/trace.log" | tr '\n' ' ')" = "$(seq 1 30 | tr '\n' ' ')" ] ||
	fail "records are not 1..30 once each"
svc status trace
expect "trace: started at boot; its output goes to $LOGDIR/trace.log"
ok "--save-log: ONBOOT_LOG_DIR made (0755), header, records 1..30 once each across the hand-over; status names the file"

# --- a memory too small: the loss is counted, in the file and in status -----------------------
collector small 100 8
records 8 1 10
wait_for "$STAT/onboot.d/small.state" 'lost_lines 5'
svc onboot --save-log
assert_rc 0
assert_out "Saving the output of small to $LOGDIR/small.log"
assert_out "Saving the output of trace to $LOGDIR/trace.log"
records 8 11 11
wait_for "$LOGDIR/small.log" '11 exec 11'
grep -qx -- '-- stap-onboot: small: 108 bytes (5 lines) of output lost here: more than ONBOOT_LOG_SIZE came before the log directory was given' \
	"$LOGDIR/small.log" || fail "no gap marker: $(cat "$LOGDIR/small.log")"
svc status small
expect "small: 108 bytes (5 lines) of its output were lost (more than ONBOOT_LOG_SIZE=100 before its file was opened, or the file refused them)"
ok "beyond ONBOOT_LOG_SIZE: counted, marked at the gap in the file, shown by status"

# --- logrotate with the snippet: the postrotate reopens, no line lost -------------------------
printf '#!/bin/sh\nexec %s "$@" -c %s\n' "$SVC" "$CONF" >"$ROOT/sbin/systemtap-service"
chmod 0755 "$ROOT/sbin/systemtap-service"
sed "s|@SBINDIR@|$ROOT/sbin|g; s|@ONBOOTLOGDIR@|$LOGDIR|g" "$TOP/service/systemtap-onboot.logrotate.in" \
	>"$ROOT/logrotate.conf"
logrotate -f -s "$ROOT/logrotate.state" "$ROOT/logrotate.conf" >"$ROOT/logrotate.out" 2>&1 ||
	fail "logrotate -f: $(cat "$ROOT/logrotate.out")"
records 7 31 35
wait_for "$LOGDIR/trace.log" '35 exec 35'
assert_file "$LOGDIR/trace.log.1.gz"
zcat "$LOGDIR/trace.log.1.gz" >"$ROOT/old.log"
grep -qx -- '-- stap-onboot: trace: continued in a new file (reopened: a rotated log?)' "$ROOT/old.log" ||
	fail "the rotated file does not say where it continues"
grep -q -- '^-- stap-onboot: trace: boot 0b5e55ed-1234-4321-abcd-5ea7ab1e0002 kernel .*, continued ' \
	"$LOGDIR/trace.log" || fail "the new file does not start with 'continued'"
[ "$(numbered "$ROOT/old.log" "$LOGDIR/trace.log" | tr '\n' ' ')" = "$(seq 1 35 | tr '\n' ' ')" ] ||
	fail "records across the rotation are not 1..35 once each"
ok "logrotate -f: the file rotated and compressed, the collector reopened it (postrotate: --save-log); records 1..35 once each"

# --- --close-log (the unit's stop): the files are closed, the output kept in memory -----------
svc onboot --close-log
assert_rc 0
assert_out "Closed the output file of trace"
grep -q -- '^-- stap-onboot: trace: file closed .* by onboot --close-log' "$LOGDIR/trace.log" ||
	fail "no closing line"
records 7 36 37
wait_for "$STAT/onboot.d/trace.state" 'kept 48'
[ -z "$(find /proc/"$PID"/fd -lname "$LOGDIR/*" 2>/dev/null)" ] || fail "the collector still holds a file in $LOGDIR"
svc status trace
expect "trace: started at boot; its output is kept in memory (48 bytes) until systemtap-service onboot --save-log, then $LOGDIR/trace.log"
ok "--close-log: closing line, no file of ONBOOT_LOG_DIR held open, later output kept in memory"

# --- stop: SIGTERM to the collector; never to a process that only claims to be one ------------
cp /bin/sh "$ROOT/bin/stap-early-loader"
# The stand-in holds the module's channel on fd 3 (a file where the service looks for it) and
# ends the module as a collector does (here: the fake /sys/module entry) on TERM.
mkdir -p "$PROC/systemtap/held"
: >"$PROC/systemtap/held/.cmd"
bash -c 'exec -a @stap-early-loader "$0" -c "$1" x --collect held' "$ROOT/bin/stap-early-loader" \
	'trap "rm -rf /sys/module/held; exit 0" TERM; sleep 60 & wait' 3<"$PROC/systemtap/held/.cmd" \
	</dev/null >/dev/null 2>&1 &
held=$!
PIDS="$PIDS $held"
ln -s "/proc/$held" "$PROC/$held"
echo running >"$PROC/systemtap/held/srvstat"
fake_loaded held
printf 'stap-onboot-collector 1\nscript held\npid %d\nmodule running\noutput file\nfile %s\n' \
	"$held" "$LOGDIR/held.log" >"$STAT/onboot.d/held.state"
# A process that claims to be one: argv[0] '@', the program's name, but not the channel.
bash -c 'exec -a @stap-early-loader "$0" -c "sleep 60" x --collect liar' "$ROOT/bin/stap-early-loader" \
	</dev/null >/dev/null 2>&1 &
liar=$!
PIDS="$PIDS $liar"
ln -s "/proc/$liar" "$PROC/$liar"
mkdir -p "$PROC/systemtap/liar"
echo running >"$PROC/systemtap/liar/srvstat"
fake_loaded liar
printf 'stap-onboot-collector 1\nscript liar\npid %d\nmodule running\noutput memory\n' "$liar" \
	>"$STAT/onboot.d/liar.state"
svc status
expect "held($held) is running..."
expect "liar is running..."
[ "$(cat "$STAT/liar")" = 0 ] || fail "a state naming a process that is no collector was believed"
calls=$(staprun_calls | wc -l)
svc stop held
assert_rc 0 "stop held"
grep -q "Exec: kill -TERM $held" "$ROOT/var/log/systemtap.log" || fail "no SIGTERM to the collector"
[ "$(staprun_calls | wc -l)" = "$calls" ] || fail "staprun was run to stop a collector's module"
assert_no_file "$STAT/held"
n=0
while kill -0 "$held" 2>/dev/null && [ "$n" -lt 40 ]; do sleep 0.05; n=$((n + 1)); done
kill -0 "$held" 2>/dev/null && fail "the stand-in collector still runs"
svc stop liar
kill -0 "$liar" || fail "a process that is not liar's collector was killed"
staprun_calls | tail -n 1 | grep -qx 'staprun|-d|liar' || fail "liar's module not unloaded with staprun -d"
ok "stop: SIGTERM to the collector (no staprun); a pid that is no collector is never signalled (staprun -d)"
