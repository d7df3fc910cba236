# lib-check.sh: sourced by the checks of each boot leg (scripts/e2e-checks.sh,
# secureboot/sb-checks.sh, system/checks.sh): check() counts what holds in passed and failed.
# shellcheck shell=sh

passed=0
failed=0
check() { # DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		passed=$((passed + 1))
		echo "ok: $desc"
	else
		failed=$((failed + 1))
		echo "FAIL: $desc"
	fi
}
