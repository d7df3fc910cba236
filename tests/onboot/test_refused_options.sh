#!/bin/sh
# What cannot run at boot is refused per script, through PASSALL, before dracut runs:
# -o (no root file system yet: upstream's "Unsupported option -o in script NAME"), -c and -x
# (no command, no process), unparsable options, a script that does not compile. With
# PASSALL=yes the first refusal stops everything (FAILED, exit 1, image untouched); with
# PASSALL=no the refused scripts are skipped with a warning and the rest go in.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script good
add_script withoutput "-o /var/log/x.out"
add_script withcmd "-c /bin/true"
add_script withpid "-x 1"
add_script withns "--target-namespace=1"
add_script badopt "--no-such-option"
add_script bigbuf "-s 5000"
printf 'probe begin { x = }\n' >"$ROOT/etc/systemtap/script.d/broken.stp"
echo "broken_OPT='$RT_OPT'" >"$ROOT/etc/systemtap/conf.d/broken.conf"
OUTIMG="$IMG" # the kernel's own image: onboot keeps its snapshot and set
old_image "$OUTIMG"

check_refused() { # NAME MESSAGE
	svc onboot good "$1" -r "$KVER"
	assert_rc 1
	assert_out "^ Checking options $1 \.\.\. error$"
	assert_out "^FAILED"
	assert_out "$2"
	assert_no_out 'Creating initramfs'
	assert_unchanged "$OUTIMG"
	assert_no_file "$CACHE/onboot/manifest"
	assert_no_temp "$ROOT/boot" "$CACHE"
	ok "PASSALL=yes: $1 refused ($2), nothing changed"
}
check_refused withoutput "Unsupported option -o in script withoutput$"
check_refused withcmd "Unsupported option -c in script withcmd: no command can be started"
check_refused withpid "Unsupported option -x in script withpid: there is no process"
check_refused withns "Unsupported option -N in script withns (--target-namespace): there is no process"
check_refused bigbuf "Bad runtime options for script bigbuf: -s 5000"

svc onboot good badopt -r "$KVER"
assert_rc 1
assert_out 'Failed to parse parameters.*--no-such-option'
assert_out 'Could not compile badopt (2)'
assert_no_out 'Creating initramfs'
assert_unchanged "$OUTIMG"
ok "PASSALL=yes: unparsable options stop onboot, nothing changed"

svc onboot good broken -r "$KVER"
assert_rc 1
assert_out '^ Compiling broken \.\.\. error'
assert_out 'Could not compile broken'
assert_no_out 'Creating initramfs'
assert_unchanged "$OUTIMG"
ok "PASSALL=yes: a script that does not compile stops onboot, nothing changed"

svc onboot withoutput withcmd -r "$KVER"
assert_rc 1
assert_out "^ Checking options withoutput \.\.\. error$"
assert_no_out "Checking options withcmd"
ok "PASSALL=yes stops at the first refused script"

echo "PASSALL=no" >>"$CONF"
svc onboot good withoutput withcmd broken -r "$KVER"
assert_rc 0
assert_out '^ Checking options withoutput \.\.\. skipped$'
assert_out '^ Checking options withcmd \.\.\. skipped$'
assert_out 'warning: Unsupported option -o in script withoutput'
assert_out 'warning: Could not compile broken'
assert_out '^ Creating initramfs with good \.\.\. done$'
assert_out 'WARNING'
assert_onboot_image "$OUTIMG" good
assert_image_lacks "$OUTIMG" usr/lib/stap-onboot/withoutput.ko usr/lib/stap-onboot/withcmd.ko
[ "$(grep -c '^script' "$CACHE/onboot/manifest")" -eq 1 ] || fail "manifest should list only good"
ok "PASSALL=no: refused scripts skipped with a warning, the good one built in"

old_image "$OUTIMG"
remember_manifest
svc onboot withoutput withpid -r "$KVER"
assert_rc 1
assert_out 'No scripts left to operate on'
assert_no_out 'Creating initramfs'
assert_unchanged "$OUTIMG"
assert_manifest_unchanged
ok "PASSALL=no and nothing left: 'No scripts left to operate on', nothing changed"

svc onboot good no_such_script -r "$KVER"
assert_rc 0
assert_out 'no script file'
assert_out '^ Creating initramfs with good \.\.\. done$'
ok "PASSALL=no: a missing script file is skipped"
