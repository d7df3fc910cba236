#!/bin/bash
# dracut module "systemtap" (stap-onboot): puts stap-early-loader, the onboot snapshot of the
# target kernel (its manifest and the SystemTap modules it lists) into the initramfs, and the
# cmdline/01 hook that runs the loader. In earliest mode (the manifest's "mode early", the
# default) /init becomes the loader and the image's own init moves to /init.real: the loader
# runs first, as PID 1, and execs it. That is why this module is 99systemtap: it must be
# installed after 99base (dracut's init.sh) and 00systemd (the systemd symlink) made /init.
# Sourced by dracut (bash); kept to POSIX sh.
#
# Where things come from (docs/design.md, "dracut module"):
#   manifest  $STAP_ONBOOT_MANIFEST (set by `systemtap-service onboot`), else the snapshot
#             @CACHEDIR@/$kernel/onboot/manifest: one per kernel release, written only by
#             onboot and the kernel hooks, so a plain `dracut -f` for that kernel packs the
#             same modules, byte for byte, whatever compile or cleanup did since.
#   modules   NAME.ko beside the manifest, one per script it lists.
#   loader    $STAP_EARLY_LOADER, else @SBINDIR@/stap-early-loader (static binary).
#   hook      $moddir/stap-early-loader.sh
# The manifest is read by the loader itself (`--list`): one C parser decides what goes into
# the image and what starts at boot. Everything is installed with inst_simple: plain copies
# that hostonly filtering never drops.
# shellcheck disable=SC2154 # kernel, moddir: set by dracut

stap_onboot_manifest() {
	if [ -n "${STAP_ONBOOT_MANIFEST:-}" ]; then
		printf '%s\n' "$STAP_ONBOOT_MANIFEST"
	else
		printf '%s\n' "@CACHEDIR@/${kernel:-}/onboot/manifest"
	fi
}

stap_onboot_loader() {
	printf '%s\n' "${STAP_EARLY_LOADER:-@SBINDIR@/stap-early-loader}"
}

# stap_onboot_scripts MANIFEST [verbose]: the loader's list of the manifest's scripts, one a
# line. Fails (the loader saying why on stderr, shown only when verbose) when the manifest is
# unreadable, has a bad line or was written for another kernel than $kernel.
stap_onboot_scripts() {
	[ -f "$1" ] || return 1
	if [ -n "${2:-}" ]; then
		"$(stap_onboot_loader)" --list "$1" ${kernel:+--kernel "$kernel"}
	else
		"$(stap_onboot_loader)" --list "$1" ${kernel:+--kernel "$kernel"} 2>/dev/null
	fi
}

# stap_onboot_mode MANIFEST: early or hook (who starts the scripts), from the loader.
stap_onboot_mode() {
	"$(stap_onboot_loader)" --list-mode "$1" 2>/dev/null
}

# Earliest mode: /init -> the loader, the image's init moved to /init.real (a relative symlink
# such as systemd's stays valid: both live in /). Undone when it cannot be completed.
stap_onboot_wrap_init() {
	if [ ! -e "$initdir/init" ] && [ ! -L "$initdir/init" ]; then
		dwarn "systemtap: the image has no /init: the onboot scripts start from the cmdline hook"
		return 0
	fi
	mv -f "$initdir/init" "$initdir/init.real" || return 1
	if ! ln -s usr/sbin/stap-early-loader "$initdir/init"; then
		mv -f "$initdir/init.real" "$initdir/init"
		return 1
	fi
	dinfo "systemtap: /init is stap-early-loader (earliest mode); the image's init is /init.real"
	return 0
}

# Included whenever the target kernel's snapshot lists a script (hostonly or not): that is
# what keeps the onboot scripts in images that dracut rebuilds on its own.
check() {
	_scripts=$(stap_onboot_scripts "$(stap_onboot_manifest)") || return 1
	[ -n "$_scripts" ] || return 1
	return 0
}

depends() {
	return 0
}

install() {
	_manifest=$(stap_onboot_manifest)
	_loader=$(stap_onboot_loader)
	_hook="$moddir/stap-early-loader.sh"
	if ! _scripts=$(stap_onboot_scripts "$_manifest" verbose); then
		derror "systemtap: not installing the onboot scripts: $_manifest was refused (see above)"
		return 1
	fi
	_dir=${_manifest%/*}

	# All or nothing: a half-installed set would start some scripts and not others.
	_missing=
	for _f in "$_loader" "$_hook"; do
		[ -f "$_f" ] || _missing="$_missing $_f"
	done
	for _n in $_scripts; do
		[ -f "$_dir/$_n.ko" ] || _missing="$_missing $_dir/$_n.ko"
	done
	if [ -n "$_missing" ]; then
		derror "systemtap: not installing the onboot scripts, missing:$_missing"
		return 1
	fi

	inst_simple "$_loader" /usr/sbin/stap-early-loader || return 1
	inst_simple "$_manifest" /usr/lib/stap-onboot/manifest || return 1
	for _n in $_scripts; do
		inst_simple "$_dir/$_n.ko" "/usr/lib/stap-onboot/$_n.ko" || return 1
	done
	inst_hook cmdline 01 "$_hook"
	if [ "$(stap_onboot_mode "$_manifest")" != hook ]; then
		if ! stap_onboot_wrap_init; then
			derror "systemtap: cannot make /init the loader"
			return 1
		fi
	fi
	# shellcheck disable=SC2086 # one name per line -> one line
	dinfo "systemtap: onboot scripts:" $_scripts
	return 0
}
