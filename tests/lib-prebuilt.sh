# lib-prebuilt.sh: sourced after tests/lib.sh by the tests of machines without a compiler. A
# build host beside the test root: $BROOT, with its own config $BCONF pointing every path into
# it, run with svcb (as svc: output in $OUT, exit code in $RC). The real stap compiles there.

# mk_buildhost: creates $BROOT and $BCONF (STAP is the real stap).
mk_buildhost() {
	BROOT=$ROOT/buildhost
	svc_tree "$BROOT"
	BCONF=$BROOT/etc/systemtap/config
}

# svcb ARGS...: systemtap-service on the build host.
svcb() {
	OUT=$("$SVC" "$@" -c "$BCONF" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed 's/^/    b| /'
}

# add_bscript NAME [OPTS]: a small script on the build host (begin + timer probes, no debuginfo
# needed), its _OPT the runtime option Debian's stap needs for KVER plus OPTS.
add_bscript() {
	cat >"$BROOT/etc/systemtap/script.d/$1.stp" <<EOS
probe begin { printf("$1 started\n") }
probe timer.s(5) { printf("$1 tick\n") }
EOS
	echo "$1_OPT='$(stap_runtime_opt "${KVER:-$KVER_DEBIAN}")${2:+ $2}'" \
		>"$BROOT/etc/systemtap/conf.d/$1.conf"
}

# no_stap_here: the test root's STAP points nowhere, as on a machine with systemtap-runtime
# only; assert_no_stap_run then checks its log for any attempt to run one.
no_stap_here() {
	echo "STAP=$ROOT/no-stap/stap" >>"$CONF"
}
assert_no_stap_run() {
	! grep -q -- "no-stap/stap\|Compiling" "$ROOT/var/log/systemtap.log" ||
		fail "the target tried to run stap: $(grep -- 'no-stap/stap\|Compiling' "$ROOT/var/log/systemtap.log" | head -n 3)"
	assert_no_file "$ROOT/var/cache/systemtap/.stap-version"
}
