# lib-secureboot.sh: sourced after lib.sh by the Secure Boot tests. A fake sysfs under
# $ROOT/sys (the SYSFS_PATH of mkroot's config) with the files the kernel shows: efivarfs
# variables (4 attribute bytes, then the value), shim's MOK table (mok-variables), the
# lockdown mode and module.sig_enforce. Certificates and keys are made by the real openssl.

SYS=$ROOT/sys
EFIVARS=$SYS/firmware/efi/efivars
GLOBAL_GUID=8be4df61-93ca-11d2-aa0d-00e098032b8c
SHIM_GUID=605dab50-e046-4300-abb6-3dd810dd8b23
DB_GUID=d719b2cb-3d3a-4596-a3bc-dad00e67656f

# le32 N: N as 4 little-endian bytes.
le32() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}

# esl DER...: an EFI signature list sequence, one EFI_CERT_X509_GUID list per certificate
# (owner GUID: shim's), as shim and the firmware store them.
esl() {
	for der; do
		n=$(stat -c %s "$der")
		printf '\241\131\300\245\344\224\247\112\207\265\253\025\134\053\360\162'
		le32 $((28 + 16 + n))
		le32 0
		le32 $((16 + n))
		printf '\120\253\135\140\106\340\000\103\253\266\075\330\020\335\213\043'
		cat "$der"
	done
}

# efivar NAME GUID [ATTR]: stdin as the value of EFI variable NAME-GUID (ATTR: the attribute
# byte, default 6 = boot service + runtime access).
efivar() {
	mkdir -p "$EFIVARS"
	{ le32 "${3:-6}"; cat; } >"$EFIVARS/$1-$2"
}

# fake_efi on|off|setup|none: a UEFI machine with Secure Boot on, off, on in setup mode, or
# (none) one with efivarfs not mounted; fake_noefi: a machine without UEFI.
fake_efi() {
	rm -rf "$SYS/firmware"
	mkdir -p "$EFIVARS"
	case $1 in
	on) printf '\001' | efivar SecureBoot $GLOBAL_GUID && printf '\000' | efivar SetupMode $GLOBAL_GUID ;;
	off) printf '\000' | efivar SecureBoot $GLOBAL_GUID ;;
	setup) printf '\001' | efivar SecureBoot $GLOBAL_GUID && printf '\001' | efivar SetupMode $GLOBAL_GUID ;;
	none) ;;
	*) fail "fake_efi: $1" ;;
	esac
}
fake_noefi() { rm -rf "$SYS/firmware"; }

# fake_lockdown none|integrity|confidentiality|absent
fake_lockdown() {
	mkdir -p "$SYS/kernel/security"
	case $1 in
	none) echo '[none] integrity confidentiality' ;;
	integrity) echo 'none [integrity] confidentiality' ;;
	confidentiality) echo 'none integrity [confidentiality]' ;;
	absent) rm -f "$SYS/kernel/security/lockdown"; return ;;
	esac >"$SYS/kernel/security/lockdown"
}

# moklist_table DER...: shim's MOK table entry MokListRT holding the certificates, and
# MokListTrustedRT as Debian's shim 16.1 sets it (none: both entries are removed);
# moklist_var DER...: the same as the EFI variable MokListRT instead.
moklist_table() {
	mkdir -p "$SYS/firmware/efi/mok-variables"
	if [ $# -eq 0 ]; then
		rm -f "$SYS/firmware/efi/mok-variables/MokListRT" \
			"$SYS/firmware/efi/mok-variables/MokListTrustedRT"
	else
		esl "$@" >"$SYS/firmware/efi/mok-variables/MokListRT"
		printf '\001' >"$SYS/firmware/efi/mok-variables/MokListTrustedRT"
	fi
}
moklist_var() { esl "$@" | efivar MokListRT $SHIM_GUID; }

# newcert NAME [CN]: $ROOT/NAME.key and $ROOT/NAME.der (DER certificate), mode 0600 key.
newcert() {
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=${2:-stap-onboot-test}" \
		-keyout "$ROOT/$1.key" -outform DER -out "$ROOT/$1.der" 2>/dev/null ||
		fail "openssl cannot make key $1"
	chmod 600 "$ROOT/$1.key"
}

# dkms_key NAME: DKMS's key pair (DKMS_PATH/mok.key, mok.pub) is a copy of NAME's.
dkms_key() {
	mkdir -p "$ROOT/var/lib/dkms"
	cp "$ROOT/$1.key" "$ROOT/var/lib/dkms/mok.key"
	cp "$ROOT/$1.der" "$ROOT/var/lib/dkms/mok.pub"
	chmod 600 "$ROOT/var/lib/dkms/mok.key"
}

# keyid NAME: the serial of NAME.der as modinfo prints a sig_key (AB:CD:...).
keyid() {
	openssl x509 -inform DER -in "$ROOT/$1.der" -noout -serial |
		sed 's/^serial=//; s/\(..\)/\1:/g; s/:$//'
}
