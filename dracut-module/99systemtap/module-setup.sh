#!/bin/bash
# dracut module "systemtap" (stap-onboot): puts stap-early-loader, the onboot snapshot of the
# target kernel (its manifest and the SystemTap modules it lists) into the initramfs, and the
# cmdline/01 hook that runs the loader. Sourced by dracut (bash); kept to POSIX sh.
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
	# shellcheck disable=SC2086 # one name per line -> one line
	dinfo "systemtap: onboot scripts:" $_scripts
	return 0
}
