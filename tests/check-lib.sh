# SPDX-License-Identifier: GPL-2.0-only
# Shared by the shell checks (tests/cli.sh, tests/roundtrip.sh,
# tests/setup.sh): one line per check, "ok: ..." or "FAILED: ..." (after
# CHECK_PREFIX, e.g. "gate "), counted for the closing line.
pass=0
fail=0
CHECK_PREFIX=${CHECK_PREFIX:-}

ok() {
	echo "${CHECK_PREFIX}ok: $*"
	pass=$((pass + 1))
}

bad() {
	echo "${CHECK_PREFIX}FAILED: $*"
	fail=$((fail + 1))
}
