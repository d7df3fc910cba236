# e2e-lib.sh: sourced by tests/e2e/run.sh (make e2e) and tests/e2e/demo.sh (make demo).
# Builds a dracut base directory with our module and the test-only module, boots a kernel
# with an image in QEMU and reads the "E2E: " lines the test module printed on the console.
# Needs TOP (the source tree) and WORK (a scratch directory the caller removes).
# shellcheck shell=sh disable=SC2034 # the variables set here are for the callers

BUILD=${BUILD:-$TOP/build}
E2E=$TOP/tests/e2e
KVER=${KVER:-$(ls /lib/modules 2>/dev/null | grep -- '-amd64$' | sort -V | tail -n 1)}
# The second kernel (make deps installs it): the newest other -amd64 release below KVER with its
# headers. The boot test also boots it, as after a kernel update.
KVER_B=${KVER_B:-$(for d in /lib/modules/*-amd64; do echo "${d##*/}"; done | sort -V |
	awk -v a="$KVER" '$0 == a { exit } { print }' | while read -r k; do
		[ -d "/lib/modules/$k/build" ] && [ -r "/boot/vmlinuz-$k" ] && echo "$k"
	done | tail -n 1)}
# Kept between runs: the service's module cache and the plain image (see README.md).
E2E_CACHE=${E2E_CACHE:-$E2E/cache}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}

e2e_die() {
	echo "e2e: $*" >&2
	exit 1
}

# e2e_need_tools: every tool and file the boot test uses, each with the Debian package that
# has it. Installs nothing (make deps / .ci/run do): names what is missing and fails.
e2e_need_tools() {
	missing=
	for pair in stap:systemtap staprun:systemtap-runtime dracut:dracut lsinitrd:dracut-core \
		qemu-system-x86_64:qemu-system-x86 cpio:cpio modinfo:kmod modprobe:kmod perl:perl-base \
		timeout:coreutils gzip:gzip; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}(${pair%%:*})"
	done
	[ -n "$KVER" ] || e2e_die "no kernel under /lib/modules: install linux-image-amd64 and linux-headers-amd64 (make deps)"
	[ -r "/boot/vmlinuz-$KVER" ] || missing="$missing linux-image-$KVER(/boot/vmlinuz-$KVER)"
	[ -d "/lib/modules/$KVER/build" ] || missing="$missing linux-headers-$KVER(/lib/modules/$KVER/build)"
	[ -n "$KVER_B" ] || missing="$missing linux-image-6.1.0-N-amd64+linux-headers-6.1.0-N-amd64(a second kernel below $KVER)"
	[ -d /usr/lib/dracut/modules.d/99base ] || missing="$missing dracut-core(/usr/lib/dracut/modules.d/99base)"
	STAPIO=$(stapio_path)
	[ -n "$STAPIO" ] || missing="$missing systemtap-runtime(stapio)"
	[ -z "$missing" ] || e2e_die "missing packages:$missing; run 'make deps' as root"
	for f in "$BUILD/systemtap-service" "$BUILD/stap-early-loader"; do
		[ -x "$f" ] || e2e_die "$f is not built (run make)"
	done
}

# The stapio that staprun execs (its path is compiled into staprun).
stapio_path() {
	p=$(dpkg -L systemtap-runtime 2>/dev/null | grep '/stapio$' | head -n 1)
	[ -n "$p" ] && [ -x "$p" ] && { echo "$p"; return 0; }
	for p in /usr/lib/systemtap/stapio /usr/libexec/systemtap/stapio; do
		[ -x "$p" ] && { echo "$p"; return 0; }
	done
	return 0
}

# now_ms: milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# step TEXT: progress line with the time since the start.
step() {
	echo "[$(printf '%4s' $((($(now_ms) - E2E_T0) / 1000)))s] $*"
}

# e2e_dracut_base DIR SERVICE CACHE NAMES CONFD: a private copy of /usr/lib/dracut in
# DIR/dracut with our module "systemtap" and the test-only module "stap-onboot-e2e" added.
# dracut and systemtap-service take it from $dracutbasedir, which this exports. Sets
# DRACUT_TEST_OPTS: the options for the test images (the host's dracut configuration stays
# out: --conf/--confdir; -m base: the smallest image that reaches pre-mount, with dracut's
# shell init); DRACUT_TEST_OPTS_SYSTEMD: the same as a systemd initramfs (systemd is /init,
# the hooks run from dracut-systemd's units, as on Fedora and RHEL). The test-only module is
# added with --add stap-onboot-e2e. SERVICE, CACHE, NAMES, CONFD: what that module
# puts in the image for systemtap-service inside the VM: the binary ("" for none),
# CACHE/NAME.ko and NAME.opts of each of NAMES, CONFD/*.conf (the scripts' _OPT: the cache
# check compares the options). Nothing is installed on the host.
e2e_dracut_base() {
	base=$1/dracut
	rm -rf "$base"
	cp -a /usr/lib/dracut "$base"
	mod=$base/modules.d/99systemtap
	if [ -f "$TOP/dracut-module/99systemtap/module-setup.sh" ] && [ -f "$TOP/hooks/stap-early-loader.sh" ]; then
		mkdir -p "$mod"
		# As `make install` does; the loader and the manifest are given by environment.
		sed -e "s|@SBINDIR@|/usr/sbin|g" -e "s|@CACHEDIR@|/var/cache/systemtap|g" \
			"$TOP/dracut-module/99systemtap/module-setup.sh" >"$mod/module-setup.sh"
		cp "$TOP/hooks/stap-early-loader.sh" "$mod/stap-early-loader.sh"
		chmod 0755 "$mod/module-setup.sh" "$mod/stap-early-loader.sh"
	fi
	cp -a "$E2E/dracut/99stap-onboot-e2e" "$base/modules.d/"
	dracutbasedir=$base
	export dracutbasedir
	e2e_module_conf "$KVER" "$2" "$3" "$4" "$5"
	mkdir -p "$1/dracut.conf.d"
	DRACUT_TEST_OPTS="--conf /dev/null --confdir $1/dracut.conf.d --no-hostonly --no-hostonly-cmdline -m base --no-compress --no-early-microcode"
	# -m adds up; systemd-initrd and systemd come with dracut-systemd anyway.
	DRACUT_TEST_OPTS_SYSTEMD="$DRACUT_TEST_OPTS -m systemd -m systemd-initrd -m dracut-systemd"
}

# e2e_module_conf KVER SERVICE CACHE NAMES CONFD: (re)writes the test-only module's e2e.conf in
# $dracutbasedir for the next image (see e2e_dracut_base; KVER: the image's kernel).
e2e_module_conf() {
	cat >"$dracutbasedir/modules.d/99stap-onboot-e2e/e2e.conf" <<EOC
E2E_SERVICE='$2'
E2E_STAPRUN='$(command -v staprun)'
E2E_STAPIO='$STAPIO'
E2E_CACHE='$3'
E2E_SCRIPTS='$4'
E2E_CONFD='$5'
E2E_KVER='$1'
EOC
}

# e2e_write_config FILE CACHE DRACUT-WORDS [LINE...]: a systemtap-service configuration of the
# caller's own in $WORK (scripts, conf.d, pid files, temp, log, state, boot directory, and a
# sysfs and DKMS directory that do not exist: the host's Secure Boot state and DKMS key never
# decide how the test's modules are signed), module
# cache CACHE, LOG_BOOT_ERR=yes, the built loader, DRACUT_OPTS of the test images plus
# DRACUT-WORDS, and each LINE after that.
e2e_write_config() {
	f=$1
	c=$2
	x=$3
	shift 3
	{
		cat <<EOF
SCRIPT_PATH=$WORK/script.d
CONFIG_PATH=$WORK/conf.d
CACHE_PATH=$c
STAT_PATH=$WORK/run
TEMP_PATH=$WORK/tmp
LOG_FILE=$WORK/systemtap.log
STATE_PATH=$WORK/state
BOOT_PATH=$WORK/boot
SYSFS_PATH=$WORK/sys
DKMS_PATH=$WORK/dkms
LOG_BOOT_ERR=yes
STAP_EARLY_LOADER=$BUILD/stap-early-loader
DRACUT_OPTS="$DRACUT_TEST_OPTS$x"
EOF
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} >"$f"
}

# e2e_boot IMG LOG CMDLINE...: boots /boot/vmlinuz-$BOOT_KVER (default KVER) with IMG in QEMU
# (TCG), serial console into LOG, qemu's wall time in ms into LOG.ms. Returns qemu's status
# (124: timeout).
e2e_boot() {
	img=$1
	log=$2
	shift 2
	rc=0
	t0=$(now_ms)
	timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -smp 1 -m 1024 -display none \
		-monitor none -serial "file:$log" -nic none -no-reboot \
		-kernel "/boot/vmlinuz-${BOOT_KVER:-$KVER}" -initrd "$img" \
		-append "console=ttyS0 panic=-1 rd.shell=0 e2e.test=1 $*" </dev/null || rc=$?
	echo $(($(now_ms) - t0)) >"$log.ms"
	return "$rc"
}

# e2e_systemd_boot CONFIG DIR CMDLINE NAMES...: the systemd flavour of the test image.
# `systemtap-service onboot -o DIR/boot.img NAMES` with CONFIG whose DRACUT_OPTS is
# DRACUT_TEST_OPTS_SYSTEMD plus the test-only module (DIR/config), then two boots of kernel
# KVER with it, in parallel (TCG, one vCPU each): the image's own mode with CMDLINE (one word
# list; DIR/console.log, DIR/e2e.txt), rd.systemtap.mode=hook, where the loader runs from
# dracut-cmdline.service (DIR/console-hook.log, DIR/e2e-hook.txt), and with the faults build
# of the loader a crashing and a hanging loading child (DIR/console-crash.log and -hang.log,
# DIR/crash.rc and hang.rc, DIR/e2e-crash.txt and -hang.txt). Leaves DIR/svc.out and
# DIR/boot.list (lsinitrd); sets SD_ONBOOT_RC, SD_BUILD_MS, SD_BOOT_RC and SD_HOOK_RC.
e2e_systemd_boot() {
	sd_conf=$1
	sd_dir=$2
	sd_cmdline=$3
	shift 3
	mkdir -p "$sd_dir"
	sed "s|^DRACUT_OPTS=.*|DRACUT_OPTS=\"$DRACUT_TEST_OPTS_SYSTEMD --add stap-onboot-e2e\"|" \
		"$sd_conf" >"$sd_dir/config"
	SD_ONBOOT_RC=0
	sd_t0=$(now_ms)
	"$BUILD/systemtap-service" onboot -o "$sd_dir/boot.img" "$@" -r "$KVER" -c "$sd_dir/config" \
		>"$sd_dir/svc.out" 2>&1 </dev/null || SD_ONBOOT_RC=$?
	SD_BUILD_MS=$(($(now_ms) - sd_t0))
	sed 's/^/    | /' "$sd_dir/svc.out"
	lsinitrd "$sd_dir/boot.img" >"$sd_dir/boot.list" 2>&1 || true
	e2e_faults_image "$sd_dir/boot.img" "$sd_dir/faults.img"
	# shellcheck disable=SC2086 # words of the kernel command line
	e2e_mode_boot "$sd_dir" hook "$sd_dir/boot.img" rd.systemtap.mode=hook ${E2E_APPEND:-}
	# shellcheck disable=SC2086
	e2e_mode_boot "$sd_dir" crash "$sd_dir/faults.img" $E2E_CRASH_CMDLINE ${E2E_APPEND:-}
	# shellcheck disable=SC2086
	e2e_mode_boot "$sd_dir" hang "$sd_dir/faults.img" $E2E_HANG_CMDLINE ${E2E_APPEND:-}
	SD_BOOT_RC=0
	# shellcheck disable=SC2086 # words of the kernel command line
	e2e_boot "$sd_dir/boot.img" "$sd_dir/console.log" $sd_cmdline || SD_BOOT_RC=$?
	wait
	SD_HOOK_RC=$(cat "$sd_dir/hook.rc" 2>/dev/null || echo 255)
	e2e_lines "$sd_dir/console.log" >"$sd_dir/e2e.txt"
	for m in hook crash hang; do
		e2e_mode_lines "$sd_dir" "$m"
	done
}

# The kernel command lines of the boots with a crashing and a hanging loading child (the
# faults build): the crash comes after a run in which module.sig_enforce=1 refused every
# unsigned module; the hang after the scripts were armed, and PID 1 kills it after 2 s.
E2E_CRASH_CMDLINE="rd.systemtap.fault=crash module.sig_enforce=1"
E2E_HANG_CMDLINE="rd.systemtap.fault=hang rd.systemtap.timeout=2"

# e2e_faults_image IMG OUT: IMG with the boot test's build of the loader
# (build/stap-early-loader-faults: rd.systemtap.fault=crash|hang) appended as a second cpio
# archive: the kernel unpacks both, the later usr/sbin/stap-early-loader wins.
e2e_faults_image() {
	fl=$BUILD/stap-early-loader-faults
	[ -x "$fl" ] || e2e_die "$fl is not built (make build/stap-early-loader-faults)"
	ft=$(mktemp -d "$WORK/faults.XXXXXX")
	mkdir -p "$ft/usr/sbin"
	cp "$fl" "$ft/usr/sbin/stap-early-loader"
	(cd "$ft" && find usr | cpio -o -H newc --quiet) >"$ft.cpio"
	cat "$1" "$ft.cpio" >"$2"
	rm -rf "$ft" "$ft.cpio"
}

# e2e_mode_boot DIR NAME IMG CMDLINE...: boots IMG in the background, serial console in
# DIR/console-NAME.log, qemu's status in DIR/NAME.rc; `wait`, then e2e_mode_lines DIR NAME.
e2e_mode_boot() {
	md=$1
	mn=$2
	mi=$3
	shift 3
	(
		r=0
		e2e_boot "$mi" "$md/console-$mn.log" "$@" || r=$?
		echo "$r" >"$md/$mn.rc"
	) &
}

# e2e_mode_lines DIR NAME: DIR/e2e-NAME.txt from the boot's console.
e2e_mode_lines() {
	e2e_lines "$1/console-$2.log" >"$1/e2e-$2.txt"
}

# e2e_lines LOG: the "E2E: " lines of a serial log, without the prefix and the CRs.
e2e_lines() {
	tr -d '\r' <"$1" | sed -n 's/^.*E2E: //p'
}

# e2e_powered_off LOG: true when the guest powered itself off.
e2e_powered_off() {
	tr -d '\r' <"$1" | grep -q 'reboot: Power down'
}
