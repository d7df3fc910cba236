# rootfs.sh: sourced by tests/e2e/system.sh. The Debian root file system the whole-system test
# boots: built once by mmdebstrap from the package source apt uses on this machine and kept in
# SYSTEM_CACHE (default ~/.cache/stap-onboot/system), keyed by the suite, the sources, the
# package list and mmdebstrap's options; rebuilt only when that key changes.
# shellcheck shell=sh disable=SC2034 # the variables set here are for the caller

SYSTEM_CACHE=${SYSTEM_CACHE:-${STAP_ONBOOT_TEST_CACHE:-$HOME/.cache/stap-onboot}/system}
# The suite: Debian 12 (the release the project supports), whatever the host runs.
SYSTEM_SUITE=${SYSTEM_SUITE:-bookworm}
# What the guest runs: systemd as PID 1 (systemd-sysv gives /sbin/init), udev for /dev/vda,
# kmod, and the SystemTap runtime (staprun, stapio) the service runs in the guest. Nothing
# else: no apt, no getty is used, no network.
SYSTEM_PACKAGES="systemd,systemd-sysv,udev,kmod,systemtap-runtime"
# essential: only Essential:yes packages plus the ones above (mmdebstrap installs no
# recommends); no docs, man pages or translations; dpkg without fsync (a broken root is
# rebuilt from scratch). Split into words unglobbed (set -f): the paths hold '*'.
SYSTEM_MMDEBSTRAP_OPTS="--mode=root --variant=essential --format=directory
 --dpkgopt=force-unsafe-io
 --dpkgopt=path-exclude=/usr/share/man/*
 --dpkgopt=path-exclude=/usr/share/doc/*
 --dpkgopt=path-include=/usr/share/doc/*/copyright
 --dpkgopt=path-exclude=/usr/share/locale/*
 --dpkgopt=path-exclude=/usr/share/info/*"
SYSTEM_MMDEBSTRAP_TIMEOUT=${SYSTEM_MMDEBSTRAP_TIMEOUT:-1200}

# system_sources: apt's package sources of this machine for SYSTEM_SUITE and its -updates and
# -security suites, one "deb URI SUITE COMPONENTS" line each, from sources.list,
# sources.list.d/*.list (one-line format) and sources.list.d/*.sources (deb822).
system_sources() {
	{
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			# Options in brackets ([signed-by=...]) are dropped: mmdebstrap uses the host's keys.
			sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" { $1 = ""; print "deb" $0 }'
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			# deb822: stanzas separated by blank lines; Types/URIs/Suites/Components/Enabled.
			awk '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && enabled != "no")
					for (i = 1; i <= nu; i++)
						for (j = 1; j <= ns; j++)
							print "deb " u[i] " " s[j] " " comps
				types = ""; enabled = ""; comps = ""; nu = 0; ns = 0
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{
				key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
				if (key == "types") types = $0
				else if (key == "uris") nu = split($0, u, " ")
				else if (key == "suites") ns = split($0, s, " ")
				else if (key == "components") comps = $0
				else if (key == "enabled") enabled = tolower($0)
			}
			END { flush() }' "$f"
		done
	} | awk -v suite="$SYSTEM_SUITE" '$3 == suite || $3 == suite "-updates" || $3 == suite "-security"' |
		sed 's/  */ /g'
}

# system_root_key: what the cached root depends on (one line).
system_root_key() {
	{
		echo "$SYSTEM_SUITE"
		system_sources
		echo "$SYSTEM_PACKAGES"
		echo "$SYSTEM_MMDEBSTRAP_OPTS"
		mmdebstrap --version 2>/dev/null
	} | cksum | cut -d' ' -f1
}

# system_root: makes sure the cached root exists and sets SYSTEM_ROOT to it; builds it with
# mmdebstrap when its key changed (older roots are removed). SYSTEM_ROOT_BUILT=1 when it was
# built in this run, with SYSTEM_ROOT_MS the time it took.
system_root() {
	key=$(system_root_key)
	SYSTEM_ROOT=$SYSTEM_CACHE/root-$key
	SYSTEM_ROOT_BUILT=0
	SYSTEM_ROOT_MS=0
	[ -f "$SYSTEM_ROOT.done" ] && [ -d "$SYSTEM_ROOT" ] && return 0
	srcs=$(system_sources)
	[ -n "$srcs" ] || e2e_die "no apt source for $SYSTEM_SUITE in /etc/apt/sources.list*: mmdebstrap needs one"
	command -v mmdebstrap >/dev/null || e2e_die "mmdebstrap is missing: run 'make deps' as root"
	[ "$(id -u)" -eq 0 ] || e2e_die "mmdebstrap --mode=root needs root"
	mkdir -p "$SYSTEM_CACHE"
	rm -rf "$SYSTEM_CACHE"/root-*
	step "mmdebstrap: Debian $SYSTEM_SUITE ($SYSTEM_PACKAGES) into $SYSTEM_ROOT (once; a few minutes)"
	printf '%s\n' "$srcs" | sed 's/^/    source: /'
	t0=$(now_ms)
	set --
	while IFS= read -r line; do
		set -- "$@" "$line"
	done <<EOS
$srcs
EOS
	log=$SYSTEM_CACHE/mmdebstrap.log
	set -f
	# shellcheck disable=SC2086 # words of options
	if ! timeout -k 10 "$SYSTEM_MMDEBSTRAP_TIMEOUT" mmdebstrap $SYSTEM_MMDEBSTRAP_OPTS \
		--include="$SYSTEM_PACKAGES" "$SYSTEM_SUITE" "$SYSTEM_ROOT.new" "$@" >"$log" 2>&1 </dev/null; then
		set +f
		tail -n 40 "$log" | sed 's/^/    | /'
		rm -rf "$SYSTEM_ROOT.new"
		e2e_die "mmdebstrap failed (log: $log)"
	fi
	set +f
	mv "$SYSTEM_ROOT.new" "$SYSTEM_ROOT"
	SYSTEM_ROOT_MS=$(($(now_ms) - t0))
	SYSTEM_ROOT_BUILT=1
	echo "$key" >"$SYSTEM_ROOT.done"
	echo "    built in $((SYSTEM_ROOT_MS / 1000)) s, $(du -sm "$SYSTEM_ROOT" | cut -f1) MB"
}
