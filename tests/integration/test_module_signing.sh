#!/bin/sh
# test_module_signing.sh: MODULE_SIGN_KEY/MODULE_SIGN_CERT with the real stap (Debian's 4.8,
# quick through stap's own cache) and the real sign-file of the installed headers: compile
# signs the module (modinfo shows our signer and key), start uses that cache as it is, a
# module signed by another key or not signed is rebuilt (or named with AUTOCOMPILE=no), a
# signed module stays valid once signing is removed, a key that does not match its
# certificate fails that script with sign-file's reason, missing headers name the package,
# a certificate that cannot be read is named, ALLOW_CACHEONLY uses only a module signed with
# the key, and one setting without the other is a config error. start runs with the
# stand-in staprun of lib.sh (nothing is loaded into the kernel).
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
[ -x "/lib/modules/${KVER_DEBIAN:-none}/build/scripts/sign-file" ] ||
	fail "no sign-file in the headers of ${KVER_DEBIAN:-any -amd64 kernel}"
command -v stap >/dev/null || fail "stap is not installed"
command -v openssl >/dev/null || fail "openssl is not installed"
svc_root --real-stap
RT=$(stap_runtime_opt)
KO=$CACHE/signed.ko
add_script signed
echo "signed_OPT='$RT'" >>"$CONF"
cp "$CONF" "$ROOT/base.conf"

# newkey NAME FORM [SERIAL]: $ROOT/NAME.key and $ROOT/NAME.cert (FORM: DER or PEM).
newkey() {
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=stap-onboot-test \
		${3:+-set_serial "$3"} -keyout "$ROOT/$1.key" -outform "$2" -out "$ROOT/$1.cert" \
		2>/dev/null || fail "openssl cannot make key $1"
}
# keyid NAME: the serial of NAME.cert as modinfo prints a sig_key (AB:CD:...).
keyid() {
	form=DER
	head -c 5 "$ROOT/$1.cert" | grep -q -- ----- && form=PEM
	openssl x509 -inform "$form" -in "$ROOT/$1.cert" -noout -serial |
		sed 's/^serial=//; s/\(..\)/\1:/g; s/:$//'
}
# use_key NAME...: the base config with MODULE_SIGN_KEY/CERT of NAME (none: no signing).
use_key() {
	cp "$ROOT/base.conf" "$CONF"
	[ $# -eq 0 ] || printf 'MODULE_SIGN_KEY=%s\nMODULE_SIGN_CERT=%s\n' \
		"$ROOT/$1.key" "$ROOT/${2:-$1}.cert" >>"$CONF"
}
# signed_by NAME: the cached module carries NAME's signature, read by modinfo (libkmod).
signed_by() {
	[ "$(modinfo -F signer "$KO")" = stap-onboot-test ] ||
		fail "signer of signed.ko is '$(modinfo -F signer "$KO")'"
	[ "$(modinfo -F sig_key "$KO")" = "$(keyid "$1")" ] ||
		fail "sig_key of signed.ko is '$(modinfo -F sig_key "$KO")', not $1's $(keyid "$1")"
	[ "$(modinfo -F sig_hashalgo "$KO")" = sha256 ] || fail "signed.ko is not signed with sha256"
}
stamp() { stat -c %i.%Y.%y "$KO"; }

# A serial whose first byte has the high bit set: DER stores a 00 before it, libkmod not.
newkey a DER 0x9a0001
newkey b PEM

# --- compile signs --------------------------------------------------------------------------
use_key a
svcr compile -y signed
assert_rc 0 "compile with MODULE_SIGN_KEY"
assert_out ' Compiling signed \.\.\. done$'
signed_by a
[ "$(keyid a)" = 9A:00:01 ] || fail "keyid helper: $(keyid a)"
[ "$(ls "$CACHE")" = "$(printf 'signed.ko\nsigned.opts')" ] ||
	fail "files left in the cache: $(ls "$CACHE")"
[ -z "$(ls -A "$ROOT/tmp")" ] || fail "temporary directories left in TEMP_PATH"
grep -q "Exec: .*/scripts/sign-file sha256 $ROOT/a.key $ROOT/a.cert " "$ROOT/var/log/systemtap.log" ||
	fail "LOG_FILE lacks the sign-file command"
ok "compile signs the module with the configured key (DER certificate), sha256 from the headers"

# --- the cache check knows the key ------------------------------------------------------------
before=$(stamp)
svcr start signed
assert_rc 0 "start with a cache signed by the configured key"
assert_no_out 'Compiling'
[ "$(stamp)" = "$before" ] || fail "signed.ko was rebuilt"
grep -q "signed.ko" "$ROOT/staprun.calls" || fail "staprun did not load signed.ko"
svcr stop signed
assert_rc 0 "stop"
ok "start: a module signed with the configured key is a cache hit, not rebuilt"

use_key b
echo AUTOCOMPILE=no >>"$CONF"
svcr start signed
assert_rc 1 "AUTOCOMPILE=no and a module signed by another key"
assert_out "No valid cache for signed: module is signed with another key than the one in use"
use_key b
svcr start signed
assert_rc 0 "start with another key"
assert_out ' Compiling signed \.\.\. done$'
signed_by b
svcr stop signed
ok "another key (PEM certificate): the module is rebuilt and signed by it"

mv "$ROOT/etc/systemtap/script.d/signed.stp" "$ROOT/signed.stp"
use_key a
echo ALLOW_CACHEONLY=yes >>"$CONF"
svcr start signed
assert_rc 1 "ALLOW_CACHEONLY, no script, a module signed by another key"
assert_out "No valid cache for signed: module is signed with another key than the one in use, and no script file"
use_key b
echo ALLOW_CACHEONLY=yes >>"$CONF"
svcr start signed
assert_rc 0 "ALLOW_CACHEONLY, no script, a module signed by the configured key"
assert_out 'Use compiled cache'
svcr stop signed
mv "$ROOT/signed.stp" "$ROOT/etc/systemtap/script.d/signed.stp"
ok "ALLOW_CACHEONLY without the script: only a module signed with the configured key is used"

use_key
before=$(stamp)
svcr start signed
assert_rc 0 "start without signing configured"
assert_no_out 'Compiling'
[ "$(stamp)" = "$before" ] || fail "a signed module was rebuilt without signing configured"
svcr stop signed
ok "signing removed from the config: the signed module stays valid"

svcr compile -y signed
assert_rc 0 "compile without signing"
[ -z "$(modinfo -F sig_key "$KO")" ] || fail "compiled without a key, yet signed"
use_key a
echo AUTOCOMPILE=no >>"$CONF"
svcr start signed
assert_rc 1 "AUTOCOMPILE=no and an unsigned module"
assert_out 'No valid cache for signed: module is not signed, and modules are signed here'
use_key a
svcr start signed
assert_rc 0 "start with signing and an unsigned cache"
assert_out ' Compiling signed \.\.\. done$'
signed_by a
svcr stop signed
ok "an unsigned module is rebuilt once signing is configured"

# --- failures ---------------------------------------------------------------------------------
before=$(stamp)
use_key b a
svcr compile -y signed
assert_rc 1 "a key that does not match its certificate"
assert_out ' Compiling signed \.\.\. error$'
assert_out "Failed to sign .*signed.ko with $ROOT/b.key (sign-file exit code 1)"
assert_out 'private key does not match certificate\|key values mismatch'
[ "$(stamp)" = "$before" ] || fail "the cache changed although signing failed"
[ -z "$(ls -A "$ROOT/tmp")" ] || fail "temporary directories left after a failed signing"
ok "sign-file fails: that script fails with sign-file's reason, the cache stays"

use_key a missing
svcr compile -y signed
assert_rc 1 "a missing certificate"
assert_out "Failed to read certificate $ROOT/missing.cert: No such file or directory"
assert_out ' Compiling signed \.\.\. error$'
cp "$ROOT/a.key" "$ROOT/notcert.cert"
use_key a notcert
svcr compile -y signed
assert_rc 1 "a key where the certificate should be"
assert_out "$ROOT/notcert.cert is not an X.509 certificate (PEM or DER)"
ok "a certificate that cannot be read or is none: named, nothing compiled"

use_key a
mkdir -p "$ROOT/modules/$KVER_DEBIAN/build"
echo "MODULES_PATH=$ROOT/modules" >>"$CONF"
svcr compile -y signed
assert_rc 1 "headers without sign-file"
assert_out "no sign-file at $ROOT/modules/$KVER_DEBIAN/build/scripts/sign-file (install linux-kbuild-[0-9]*\.[0-9]* on Debian"
assert_out ' Compiling signed \.\.\. error$'
ok "no sign-file in the headers: the package to install is named"

for one in KEY CERT; do
	cp "$ROOT/base.conf" "$CONF"
	echo "MODULE_SIGN_$one=$ROOT/a.key" >>"$CONF"
	line=$(wc -l <"$CONF")
	other=CERT
	[ $one = CERT ] && other=KEY
	svcr compile -y signed
	assert_rc 6 "MODULE_SIGN_$one alone"
	assert_out "$CONF:$line: MODULE_SIGN_$one is set but MODULE_SIGN_$other is not"
done
ok "one of MODULE_SIGN_KEY/MODULE_SIGN_CERT alone: config error (exit 6) naming file:line"
echo "PASS"
