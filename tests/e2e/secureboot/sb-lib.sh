# sb-lib.sh: sourced by tests/e2e/secureboot.sh (make e2e-secureboot) after e2e-lib.sh. The
# pieces of a Secure Boot machine in QEMU: OVMF's Secure Boot firmware with Microsoft's keys,
# Debian's signed shim, MokManager, GRUB and kernel on an EFI system partition built without
# loop mounts, the test's signing keys, and the guest boots. Needs TOP, WORK, KVER.
# shellcheck shell=sh disable=SC2034 # the variables set here are for the caller

SB=$E2E/secureboot
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.secboot.fd}
# The variable store with Microsoft's keys in db/KEK (and Debian's PK), Secure Boot on.
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.ms.fd}
SHIM=/usr/lib/shim/shimx64.efi.signed
MOKMANAGER=/usr/lib/shim/mmx64.efi.signed
GRUB_SIGNED=/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
# mtools refuses a FAT image whose geometry it finds odd; mkfs.vfat -C makes a plain one.
MTOOLS_SKIP_CHECK=1
export MTOOLS_SKIP_CHECK

# sb_need_tools: every tool and file the Secure Boot leg uses, with the Debian package that has
# it. Installs nothing (make deps does): names what is missing and fails.
sb_need_tools() {
	missing=
	for pair in stap:systemtap dracut:dracut lsinitrd:dracut-core qemu-system-x86_64:qemu-system-x86 \
		cpio:cpio modinfo:kmod timeout:coreutils openssl:openssl mokutil:mokutil mcopy:mtools \
		mmd:mtools mkfs.vfat:dosfstools mkfifo:coreutils; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}(${pair%%:*})"
	done
	for pair in "$OVMF_CODE:ovmf" "$OVMF_VARS:ovmf" "$SHIM:shim-signed" "$MOKMANAGER:shim-signed" \
		"$GRUB_SIGNED:grub-efi-amd64-signed" "/boot/vmlinuz-$KVER:linux-image-$KVER" \
		"/lib/modules/$KVER/build/scripts/sign-file:linux-headers-$KVER" \
		"/usr/lib/dracut/modules.d/99base:dracut-core"; do
		[ -r "${pair%:*}" ] || missing="$missing ${pair##*:}(${pair%:*})"
	done
	[ -z "$missing" ] || e2e_die "missing packages:$missing; run 'make deps' as root"
	for f in "$BUILD/systemtap-service" "$BUILD/stap-early-loader"; do
		[ -x "$f" ] || e2e_die "$f is not built (run make)"
	done
}

# sb_key DIR NAME CN: DIR/NAME.key and DIR/NAME.der, a self-signed RSA 2048 code-signing key
# pair as users make for MOK enrollment, made once and kept (the cache of signed modules
# stays valid).
sb_key() {
	[ -s "$1/$2.key" ] && [ -s "$1/$2.der" ] && return 0
	mkdir -p "$1"
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=$3" \
		-addext extendedKeyUsage=codeSigning -addext keyUsage=digitalSignature \
		-keyout "$1/.$2.key" -outform DER -out "$1/.$2.der" >"$WORK/openssl.log" 2>&1 ||
		{ cat "$WORK/openssl.log"; e2e_die "openssl could not make the key $2"; }
	chmod 0600 "$1/.$2.key"
	mv "$1/.$2.key" "$1/$2.key"
	mv "$1/.$2.der" "$1/$2.der"
}

# sb_key_id CERT: the serial of a DER certificate as modinfo prints a module's sig_key
# (AB:CD:...); "" for "".
sb_key_id() {
	[ -n "$1" ] || return 0
	openssl x509 -inform DER -in "$1" -noout -serial | sed 's/^serial=//; s/\(..\)/\1:/g; s/:$//'
}

# sb_grub_cfg FILE CMDLINE: GRUB's configuration: boot the kernel at once with CMDLINE, its
# menu on the serial console.
sb_grub_cfg() {
	cat >"$1" <<EOF
set timeout=0
serial --unit=0 --speed=115200
terminal_output serial console
terminal_input serial console
menuentry stap-onboot-secureboot {
	linux /vmlinuz $2
	initrd /initrd.img
}
EOF
}

# sb_esp ESP INITRD GRUBCFG: the EFI system partition image, without loop mounts: the
# removable-media path EFI/BOOT/BOOTX64.EFI is shim, which loads grubx64.efi and mmx64.efi
# from its own directory; the signed GRUB reads EFI/BOOT/grub.cfg (its built-in config falls
# back to $cmdpath/grub.cfg); the kernel and INITRD at the root.
sb_esp() {
	rm -f "$1"
	mkfs.vfat -C -n ESP "$1" 102400 >/dev/null || e2e_die "mkfs.vfat $1 failed"
	if ! { mmd -i "$1" ::/EFI ::/EFI/BOOT &&
		mcopy -i "$1" "$SHIM" ::/EFI/BOOT/BOOTX64.EFI &&
		mcopy -i "$1" "$GRUB_SIGNED" ::/EFI/BOOT/grubx64.efi &&
		mcopy -i "$1" "$MOKMANAGER" ::/EFI/BOOT/mmx64.efi &&
		mcopy -i "$1" "$3" ::/EFI/BOOT/grub.cfg &&
		mcopy -i "$1" "/boot/vmlinuz-$KVER" ::/vmlinuz &&
		mcopy -i "$1" "$2" ::/initrd.img; }; then
		e2e_die "mtools could not fill $1"
	fi
}

# sb_qemu VARS ESP SERIAL [ARG...]: QEMU with the Secure Boot firmware (SMM, secure pflash), the
# variable store VARS (written: MOK requests and enrollments stay in it), ESP as a virtio
# disk, the serial port SERIAL (a -serial argument); no reboot: a reset ends QEMU. Runs in the
# foreground under BOOT_TIMEOUT, with ARGs added; returns QEMU's status (124: timeout).
sb_qemu() {
	sq_vars=$1
	sq_esp=$2
	sq_serial=$3
	shift 3
	timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -machine q35,smm=on \
		-global driver=cfi.pflash01,property=secure,value=on \
		-drive "if=pflash,format=raw,unit=0,file=$OVMF_CODE,readonly=on" \
		-drive "if=pflash,format=raw,unit=1,file=$sq_vars" \
		-drive "file=$sq_esp,format=raw,if=virtio" -smp 1 -m 1024 -display none -monitor none \
		-serial "$sq_serial" -nic none -no-reboot "$@" </dev/null
}

# sb_boot VARS ESP LOG: boots the ESP, serial console into LOG, QEMU's wall time in ms into
# LOG.ms; returns QEMU's status.
sb_boot() {
	sb_t0=$(now_ms)
	sb_rc=0
	sb_qemu "$1" "$2" "file:$3" || sb_rc=$?
	echo $(($(now_ms) - sb_t0)) >"$3.ms"
	return "$sb_rc"
}

# sb_text [LOG]: the serial log (default: stdin) as text: no CRs, no VT100 control sequences
# and no box-drawing bytes (the firmware and MokManager draw their screens with them).
sb_text() {
	tr -d '\r\200-\377' <"${1:-/dev/stdin}" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g'
}
