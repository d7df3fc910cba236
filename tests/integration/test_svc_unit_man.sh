#!/bin/sh
# test_svc_unit_man.sh: the systemd unit (as installed, @SBINDIR@ substituted) passes
# systemd-analyze verify and has upstream's settings; the man page is lint-clean and documents
# every command of the usage, every option and every parameter of the default config.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
MAN=$TOP/man/systemtap-service.8
UNIT_IN=$TOP/service/systemtap.service.in
mkroot

# --- the unit -------------------------------------------------------------------------------
mkdir -p "$ROOT/sbin"
cp "$SVC" "$ROOT/sbin/systemtap-service"
sed "s|@SBINDIR@|$ROOT/sbin|g" "$UNIT_IN" >"$ROOT/systemtap.service"
grep -q @ "$ROOT/systemtap.service" && fail "unsubstituted @...@ left in the unit"
out=$(systemd-analyze verify --man=no "$ROOT/systemtap.service" 2>&1)
[ $? -eq 0 ] && [ -z "$out" ] || fail "systemd-analyze verify: $out"
for line in "Type=oneshot" "RemainAfterExit=yes" "Documentation=man:systemtap-service(8)" \
	"ExecStart=$ROOT/sbin/systemtap-service start" \
	"ExecReload=$ROOT/sbin/systemtap-service reload" \
	"ExecStop=$ROOT/sbin/systemtap-service stop" "WantedBy=multi-user.target"; do
	grep -qxF "$line" "$ROOT/systemtap.service" || fail "the unit lacks '$line'"
done
ok "unit: verify clean; oneshot, RemainAfterExit, start/reload/stop, man page, multi-user"

# --- the man page ----------------------------------------------------------------------------
mandoc -Tlint -W warning "$MAN" || fail "mandoc -Tlint reports problems"
mandoc -Tutf8 "$MAN" | col -b >"$ROOT/man.txt"
section() { sed -n "/^$1\$/,/^[A-Z][A-Z ()]*\$/p" "$ROOT/man.txt"; }
cmds=$("$SVC" --help | sed -n 's/^Usage: systemtap-service {\([^}]*\)}.*/\1/p' | tr '|' ' ')
[ -n "$cmds" ] || fail "no commands in the usage"
for c in $cmds; do
	section COMMANDS | grep -qE "^ +([a-z-]+, )*$c(,|\$| )" || fail "COMMANDS lacks $c"
done
for o in -c -R -r -y -o -b -h --help; do
	section OPTIONS | grep -qE "^ +(-[a-z], )?$o( |,|\$)" || fail "OPTIONS lacks $o"
done
for p in $(sed -n 's/^#\([A-Z_]*\)=.*/\1/p' "$TOP/service/config.default"); do
	section 'GLOBAL PARAMETERS' | grep -qE "^ +$p( |\$)" || fail "GLOBAL PARAMETERS lacks $p"
done
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS 'GLOBAL PARAMETERS' 'SCRIPT PARAMETERS' \
	'CONFIGURATION FILE FORMAT' CACHE 'EARLY BOOT (onboot)' FILES 'EXIT STATUS' EXAMPLES \
	'DIFFERENCES FROM UPSTREAM' 'SEE ALSO'; do
	grep -qxF "$s" "$ROOT/man.txt" || fail "no section $s"
done
for code in 0 1 3 4 6 129 130 143; do
	section 'EXIT STATUS' | grep -qE "^ +([0-9]+, )*$code[,[:space:]]" || fail "EXIT STATUS lacks $code"
done
ok "man page: lint clean, every command, option, parameter, section and exit code"
