#!/bin/bash
# dracut module "systemtap" (stap-onboot): puts stap-early-loader, the onboot manifest of the
# target kernel and the SystemTap modules it lists into the initramfs, and the cmdline/01 hook
# that runs the loader. Sourced by dracut (bash); kept to POSIX sh.
#
# Where things come from (docs/design.md, "dracut module"):
#   manifest  $STAP_ONBOOT_MANIFEST (set by `systemtap-service onboot`), else
#             @CACHEDIR@/$kernel/onboot.manifest: one per kernel release, so a plain
#             `dracut -f` for that kernel keeps the scripts and never takes another kernel's.
#   modules   NAME.ko beside the manifest, one per "script NAME ..." line.
#   loader    $STAP_EARLY_LOADER, else @SBINDIR@/stap-early-loader (static binary).
#   hook      $moddir/stap-early-loader.sh
# Everything is installed with inst_simple: plain copies that hostonly filtering never drops.
# shellcheck disable=SC2154 # kernel, moddir: set by dracut

stap_onboot_manifest() {
	if [ -n "${STAP_ONBOOT_MANIFEST:-}" ]; then
		printf '%s\n' "$STAP_ONBOOT_MANIFEST"
	else
		printf '%s\n' "@CACHEDIR@/${kernel:-}/onboot.manifest"
	fi
}

stap_onboot_loader() {
	printf '%s\n' "${STAP_EARLY_LOADER:-@SBINDIR@/stap-early-loader}"
}

# stap_onboot_scripts MANIFEST: prints the script names of a format-1 manifest written for
# $kernel, one a line. Returns 1 (printing why on stderr when $2 is "verbose") when the file
# is unreadable, not format 1, for another kernel or names an invalid script.
stap_onboot_scripts() {
	_m=$1
	_verbose=${2:-}
	if [ ! -r "$_m" ]; then
		[ -n "$_verbose" ] && derror "systemtap: cannot read onboot manifest $_m"
		return 1
	fi
	_first=1
	_names=
	while read -r _key _value _rest || [ -n "$_key" ]; do
		if [ "$_first" = 1 ]; then
			_first=0
			if [ "$_key" != stap-onboot-manifest ] || [ "$_value" != 1 ] || [ -n "$_rest" ]; then
				[ -n "$_verbose" ] && derror "systemtap: $_m is not an onboot manifest of format 1"
				return 1
			fi
			continue
		fi
		case $_key in
		kernel)
			if [ -n "${kernel:-}" ] && [ "$_value" != "$kernel" ]; then
				[ -n "$_verbose" ] && derror "systemtap: $_m was written for kernel $_value, not $kernel"
				return 1
			fi
			;;
		script)
			case $_value in
			'' | [!A-Za-z_]* | *[!A-Za-z0-9_]*)
				[ -n "$_verbose" ] && derror "systemtap: $_m: invalid script name '$_value'"
				return 1
				;;
			esac
			_names="$_names $_value"
			;;
		esac
	done <"$_m"
	[ "$_first" = 0 ] || return 1
	for _n in $_names; do
		printf '%s\n' "$_n"
	done
	return 0
}

# Included whenever the target kernel's manifest lists a script (hostonly or not): that is
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
	_scripts=$(stap_onboot_scripts "$_manifest" verbose) || return 1
	_dir=$(dirname "$_manifest")

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
