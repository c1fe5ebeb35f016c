# SPDX-License-Identifier: GPL-2.0-only
# Shared by the shell checks (tests/cli.sh, tests/roundtrip.sh): one line
# per check, "ok: ..." or "FAILED: ...", counted for the closing line.
pass=0
fail=0

ok() {
	echo "ok: $*"
	pass=$((pass + 1))
}

bad() {
	echo "FAILED: $*"
	fail=$((fail + 1))
}
