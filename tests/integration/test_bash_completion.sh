#!/bin/bash
# test_bash_completion.sh: the bash completion of systemtap-service, as `make install` puts it
# (where pkg-config says, @SYSCONFDIR@ and @SBINDIR@ substituted), completes the commands of the usage, the
# options, the script names of SCRIPT_PATH (main config, -c, CONFIG_PATH/*.conf), the kernel
# releases of MODULES_PATH after -r and files after -c/-o, with and without bash-completion;
# a config or a directory name holding $(...) or `...` is never executed. The names come from
# the installed binary's query (systemtap-service --complete), whose config reading is the
# service's: a config only the service refuses offers nothing, and the query writes nothing.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
[ -f "$BASH_COMPLETION" ] || fail "bash-completion is not installed (make deps)"
mkroot
cd "$ROOT" || fail "cd $ROOT"

# --- make install: where pkg-config says, else PREFIX/share/bash-completion/completions --------
compdir=$(pkg-config --variable=completionsdir bash-completion)
[ -n "$compdir" ] || fail "pkg-config knows no completionsdir of bash-completion"
# The completion runs SBINDIR/systemtap-service: $ROOT/sbin is the staged install's sbin.
make -s -C "$TOP" install DESTDIR="$ROOT/inst" SYSCONFDIR="$ROOT/etc" SBINDIR="$ROOT/sbin" \
	>"$ROOT/install.log" 2>&1 || fail "make install: $(cat "$ROOT/install.log")"
ln -s "$ROOT/inst$ROOT/sbin" "$ROOT/sbin" || fail "ln $ROOT/sbin"
COMPLETION=$ROOT/inst$compdir/systemtap-service
assert_file "$COMPLETION"
grep -q "@[A-Z_]*@" "$COMPLETION" && fail "unsubstituted @...@ left in $COMPLETION"
grep -qF "$ROOT/etc/systemtap/config" "$COMPLETION" || fail "SYSCONFDIR not substituted"
grep -qF "$ROOT/sbin/systemtap-service --complete" "$COMPLETION" || fail "SBINDIR not substituted"
bash -n "$COMPLETION" || fail "$COMPLETION: syntax error"
mkdir "$ROOT/no-pc"
plan=$(PKG_CONFIG_LIBDIR=$ROOT/no-pc make -s -n -C "$TOP" install DESTDIR=/d PREFIX=/opt/x 2>/dev/null)
printf '%s\n' "$plan" | grep -q " /d/opt/x/share/bash-completion/completions/systemtap-service\$" ||
	fail "without bash-completion.pc, make install does not use PREFIX/share/bash-completion"
ok "make install: $compdir/systemtap-service (fallback PREFIX/share/bash-completion/completions)"

# --- the files it completes --------------------------------------------------------------------
SD=$ROOT/etc/systemtap/script.d
long=a123456789b123456789c123456789d123456789e123456789f1234 # 55 characters: the limit
# shellcheck disable=SC2016 # names holding $(...) and `...`, literally
for f in alpha beta beta2 _under "$long" "${long}x" bad-name 9lives 'x$(touch marker)' \
	'`touch marker2`'; do
	echo 'probe begin { exit() }' >"$SD/$f.stp"
done
echo note >"$SD/notes.txt"
mkdir "$SD/dir.stp"
MOD=$ROOT/lib/modules
# Directory names the service would take as releases but a shell would run (cwd is $ROOT).
# shellcheck disable=SC2016 # literally
hostile=('`touch${IFS}marker4`' 'a;touch${IFS}marker5' '$(touch${IFS}marker6)')
mkdir -p "$MOD/6.1.0-57-amd64" "$MOD/5.10.0-30-amd64" "$MOD/6.1.0-test" "$MOD/\$(touch marker3)"
for f in "${hostile[@]}"; do
	mkdir "$MOD/$f"
done
touch "$MOD/not-a-dir"
echo "MODULES_PATH=$MOD" >>"$CONF"
mkdir -p "$ROOT/other.d" "$ROOT/dir with space" "$ROOT/c3.d" "$ROOT/outdir"
touch "$ROOT/other.d/gamma.stp" "$ROOT/dir with space/delta.stp" "$ROOT/out.img" "$ROOT/out2.img"
echo "SCRIPT_PATH=$ROOT/other.d # a comment" >"$ROOT/other.conf"
cat >"$ROOT/quoted.conf" <<EOC
# Quotes, \$NAME of an earlier key, a value over two lines, then conf.d.
BASE='$ROOT'
SCRIPT_PATH="\${BASE}/dir"' with space'
DRACUT_OPTS="--no-compress
  --force"
CONFIG_PATH=\$BASE/c3.d
STAT_PATH=$ROOT/run/systemtap
CACHE_PATH=$ROOT/var/cache/systemtap
TEMP_PATH=$ROOT/tmp
LOG_FILE=
EOC
echo "MODULES_PATH=\"$ROOT/lib/\"modules" >"$ROOT/c3.d/10-modules.conf"
echo "MODULES_PATH=/nonexistent" >"$ROOT/c3.d/.hidden.conf"
i=0
for bad in "SCRIPT_PATH=\$(touch $ROOT/marker)" "SCRIPT_PATH=\`touch $ROOT/marker\`" \
	"SCRIPT_PATH=\"\$(touch $ROOT/marker)\"" "SCRIPT_PATH=$SD; touch $ROOT/marker" \
	"SCRIPT_PATH=$SD && touch $ROOT/marker" "SCRIPT_PATH=$SD | touch $ROOT/marker" \
	"SCRIPT_PATH=~/x" "SCRIPT_PATH=relative/path" "SCRIPT_PATH=\"$SD" "SCRIPT_PATH=$SD x" \
	"touch $ROOT/marker" "SCRIPT_PATH=$SD
COMPILE_JOBS=abc"; do
	i=$((i + 1))
	printf '%s\n' "$bad" >"$ROOT/bad$i.conf"
done
nbad=$i
# The completion's reading of these files is the service's: it takes quoted.conf, refuses the
# bad ones.
"$SVC" status -c "$ROOT/quoted.conf" >"$ROOT/status.out" 2>&1
RC=$?
assert_rc 3 "status with quoted.conf: $(cat "$ROOT/status.out")"
for ((i = 1; i <= nbad; i++)); do
	"$SVC" status -c "$ROOT/bad$i.conf" >/dev/null 2>&1
	RC=$?
	assert_rc 6 "bad$i.conf: $(cat "$ROOT/bad$i.conf")"
done

# --- the query: one name per line, nothing for a refused config, nothing written ---------------
# (status above may have made both; the query must make neither.)
rm -f "$ROOT/var/log/systemtap.log" "$ROOT/run/systemtap/.lock"
out=$("$SVC" --complete scripts -c "$ROOT/quoted.conf" 2>"$ROOT/q.err")
RC=$?
assert_rc 0 "--complete scripts: $(cat "$ROOT/q.err")"
[ "$out" = delta ] || fail "--complete scripts -c quoted.conf printed [$out], want delta"
out=$("$SVC" --complete releases -c "$ROOT/quoted.conf" 2>/dev/null)
want=$(printf '%s\n' 5.10.0-30-amd64 6.1.0-57-amd64 6.1.0-test "${hostile[@]}" | LC_ALL=C sort)
[ "$out" = "$want" ] || fail "--complete releases printed [$out], want [$want]"
out=$("$SVC" --complete scripts -c "$CONF" 2>/dev/null)
[ "$out" = "$(printf '%s\n' _under alpha beta beta2 "$long" | LC_ALL=C sort)" ] ||
	fail "--complete scripts -c $CONF printed [$out]"
out=$("$SVC" --complete scripts -c "$ROOT/bad$nbad.conf" 2>"$ROOT/q.err")
RC=$?
assert_rc 0 "--complete with a refused config"
[ -z "$out" ] || fail "--complete with a refused config printed [$out]"
grep -q COMPILE_JOBS "$ROOT/q.err" || fail "the reason of the refusal is not on stderr"
"$SVC" --complete bogus >/dev/null 2>&1
RC=$?
assert_rc 3 "--complete bogus"
assert_no_file "$ROOT/var/log/systemtap.log"
assert_no_file "$ROOT/run/systemtap/.lock"
ok "query: --complete scripts|releases [-c FILE], silent on a refused config, writes nothing"

# --- the checks, run with and without bash-completion ------------------------------------------
# comp LINE: completes LINE (cursor at its end) as bash does; the offers are in COMPREPLY.
comp() {
	local line=$1
	COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=() COMPREPLY=()
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_systemtap_service systemtap-service "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" 2>"$ROOT/comp.err"
	[ -s "$ROOT/comp.err" ] && fail "'$line': stderr: $(cat "$ROOT/comp.err")"
}

# expect LINE WORD...: completing LINE offers exactly the WORDs, each once (compared without
# forking: the machine is shared).
expect() {
	local line=$1 x same=true
	local -A want=()
	shift
	for x; do
		want[$x]=1
	done
	comp "$line"
	((${#COMPREPLY[@]} == ${#want[@]})) || same=false
	for x in "${COMPREPLY[@]}"; do
		[[ ${want[$x]-} == 1 ]] || same=false
		want[$x]=2
	done
	$same || fail "$MODE: '$line' offers [$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort |
		tr '\n' ' ')], want [$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')]"
}

checks() {
	local cmds c
	cmds=$("$SVC" --help | sed -n 's/^Usage: systemtap-service {\([^}]*\)}.*/\1/p' | tr '|' ' ')
	[ -n "$cmds" ] || fail "no commands in the usage"
	# shellcheck disable=SC2086 # one word per command
	expect "systemtap-service " $cmds
	expect "systemtap-service st" start status stop
	expect "systemtap-service co" compile condrestart
	expect "systemtap-service -" -h --help
	expect "systemtap-service bogus "
	ok "$MODE: commands (as in the usage: $cmds)"

	expect "systemtap-service start -" -c -r -h --help -R -y
	expect "systemtap-service start -y -" -c -r -h --help -R
	expect "systemtap-service onboot -" -c -r -h --help -o -R -y -b --status --refresh --image \
		--forget --pack --load --import --save-log --close-log
	expect "systemtap-service onboot --refresh --" --help --status --image --forget --pack \
		--load --import --save-log --close-log
	ok "$MODE: options (-o, -b and the long ones for onboot only, flags not twice)"

	for c in $cmds; do
		expect "systemtap-service $c " _under alpha beta beta2 "$long"
	done
	expect "systemtap-service start b" beta beta2
	expect "systemtap-service start beta -y alpha " _under beta2 "$long"
	expect "systemtap-service stop -- "  _under alpha beta beta2 "$long"
	expect "systemtap-service stop -- -"
	expect "systemtap-service onboot --status "
	expect "systemtap-service onboot --forget -r 6.1.0-test "
	expect "systemtap-service onboot --load x.pack "
	expect "systemtap-service onboot --pack x.pack b" beta beta2
	expect "systemtap-service onboot --save-log "
	expect "systemtap-service onboot --close-log "
	expect "systemtap-service start -c $ROOT/other.conf " gamma
	expect "systemtap-service start -yc $ROOT/other.conf " gamma
	expect "systemtap-service start -c$ROOT/other.conf " gamma
	expect "systemtap-service start -c '$ROOT/other.conf' g" gamma
	HOME=$ROOT expect "systemtap-service start -c ~/other.conf " gamma
	expect "systemtap-service start -c $ROOT/quoted.conf " delta
	expect "systemtap-service start -c $ROOT/missing.conf "
	ok "$MODE: script names of SCRIPT_PATH (valid ones, not named twice; -c, ~, quotes, \$NAME)"

	# A name with a blank is no release the service takes; the others come quoted, and the shell
	# reads each offer back as the directory's name: inserted on the command line, none runs.
	local q offers=(5.10.0-30-amd64 6.1.0-57-amd64 6.1.0-test)
	for c in "${hostile[@]}"; do
		printf -v q '%q' "$c"
		offers+=("$q")
	done
	expect "systemtap-service compile -r " "${offers[@]}"
	local read_back=()
	for q in "${COMPREPLY[@]}"; do
		eval "read_back=($q)"
		[[ ${#read_back[@]} -eq 1 && -d $MOD/${read_back[0]} ]] ||
			fail "$MODE: the offer $q is not one directory's name"
	done
	printf -v q '%q' "${hostile[1]}"
	expect "systemtap-service compile -r a" "$q"
	expect "systemtap-service onboot -yr 6.1" 6.1.0-57-amd64 6.1.0-test
	expect "systemtap-service onboot -r 6.1.0-test " _under alpha beta beta2 "$long"
	expect "systemtap-service compile -c $ROOT/quoted.conf -r 5" 5.10.0-30-amd64
	local real=()
	for c in /lib/modules/*/; do
		c=${c%/}
		real+=("${c##*/}")
	done
	((${#real[@]})) || fail "no kernel release in /lib/modules"
	expect "systemtap-service compile -c $ROOT/other.conf -r " "${real[@]}"
	ok "$MODE: kernel releases after -r (MODULES_PATH of the config, else /lib/modules)"

	expect "systemtap-service onboot -o $ROOT/ou" "$ROOT/out.img" "$ROOT/out2.img" "$ROOT/outdir"
	expect "systemtap-service start -c $ROOT/other" "$ROOT/other.conf" "$ROOT/other.d"
	expect "systemtap-service onboot --load $ROOT/ou" "$ROOT/out.img" "$ROOT/out2.img" "$ROOT/outdir"
	expect "systemtap-service onboot --pack $ROOT/ou" "$ROOT/out.img" "$ROOT/out2.img" "$ROOT/outdir"
	ok "$MODE: files after -o, -c, --pack and --load"

	for ((c = 1; c <= nbad; c++)); do
		expect "systemtap-service start -c $ROOT/bad$c.conf "
		expect "systemtap-service start -c $ROOT/bad$c.conf -r "
	done
	assert_no_file "$ROOT/marker"
	assert_no_file "$ROOT/marker2"
	assert_no_file "$ROOT/marker3"
	assert_no_file "$ROOT/marker4"
	assert_no_file "$ROOT/marker5"
	assert_no_file "$ROOT/marker6"
	ok "$MODE: configs the service refuses (\$(...), \`...\`, ;, &&, |, ~, COMPILE_JOBS=abc ...) offer nothing"
}

# stopped: the checks of $MODE failed; a completion that died (set -u) left its reason here.
stopped() {
	[ -s "$ROOT/comp.err" ] && echo "$MODE: stderr of the last completion: $(cat "$ROOT/comp.err")" >&2
	exit 1
}

MODE="plain bash"
(
	# shellcheck source=/dev/null
	. "$COMPLETION"
	declare -F _init_completion >/dev/null && fail "bash-completion loaded in plain mode"
	[[ $(complete -p systemtap-service) == *"-F _systemtap_service "* ]] ||
		fail "no complete -F for systemtap-service"
	checks
) || stopped
MODE="bash-completion"
(
	set +u # bash-completion is not nounset-clean
	# shellcheck source=/dev/null
	. "$BASH_COMPLETION"
	# shellcheck source=/dev/null
	. "$COMPLETION"
	declare -F _init_completion >/dev/null || fail "no _init_completion in $BASH_COMPLETION"
	checks
) || stopped
