#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-run.sh [TEST_BINARY]: make check's reporting (scripts/check-run,
# scripts/cmocka-junit) on a stand-in make whose targets print known
# CMocka and gate lines, and on a real CMocka binary (the ASan+UBSan
# test_bind_faults by default):
#  - the closing "check: N passed, M failed" line counts every test and
#    gate, and a target failing silently as one failure;
#  - KTAP=1 is KTAP: a plan, one subtest per target, one result per test;
#  - JUNIT=DIR: well-formed XML for the gates, and CMocka's own XML per
#    group, rewritten on a second run (CMocka does not overwrite a file).
set -u
cd "$(dirname "$0")/.."
T=${1:-build/asan/tests/test_bind_faults}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/check-lib.sh

cat >"$tmp/make" <<'MK'
#!/bin/sh
# stand-in make: the last argument is the target
for t; do :; done
case $t in
cr-unit)
	echo "== build/x/test_a"
	echo "[ RUN      ] t_one"; echo "[       OK ] t_one"
	echo "[ RUN      ] t_two"; echo "[  FAILED  ] t_two"
	echo "[  FAILED  ] 1 test(s), listed below:"
	echo "[  FAILED  ] t_two"; exit 1 ;;
cr-gates)
	echo "gate ok: first <gate> & co"; echo "gate FAILED: second"
	echo "  why it failed"; exit 1 ;;
cr-silent) echo "cc: error"; exit 2 ;;
esac
MK
chmod +x "$tmp/make"

KTAP= JUNIT= CHECK_LOGS="$tmp/logs" MAKE="$tmp/make" scripts/check-run cr-unit cr-gates cr-silent >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] &&
	[ "$(tail -n1 "$tmp/out")" = "check: 2 passed, 3 failed" ]; then
	ok "check-run: closing line 'check: 2 passed, 3 failed', exit $rc"
else
	bad "check-run: exit $rc, last line '$(tail -n1 "$tmp/out")'"
fi

CHECK_LOGS="$tmp/logs" MAKE="$tmp/make" KTAP=1 JUNIT="$tmp/j" \
	scripts/check-run cr-unit cr-gates cr-silent >"$tmp/ktap" 2>&1
want='KTAP version 1
1..3
    KTAP version 1
    # Subtest: cr-unit
    1..2
    ok 1 test_a.t_one
    not ok 2 test_a.t_two'
if [ "$(head -n7 "$tmp/ktap")" = "$want" ] &&
	grep -qx 'not ok 1 cr-unit' "$tmp/ktap" &&
	grep -qx '    ok 1 first <gate> & co' "$tmp/ktap" &&
	grep -qx 'not ok 3 cr-silent' "$tmp/ktap" &&
	[ "$(tail -n1 "$tmp/ktap")" = "# check: 2 passed, 3 failed" ] &&
	! grep -v '^\(    \)\{0,1\}\(KTAP version 1\|1\.\.[0-9]*\|#.*\|ok .*\|not ok .*\)$' \
		"$tmp/ktap" | grep -q .; then
	ok "check-run KTAP=1: plan, subtests, one result per test and gate"
else
	bad "check-run KTAP=1: not the expected KTAP"
	sed -n '1,30s/^/    | /p' "$tmp/ktap"
fi

wellformed() {
	python3 -c 'import sys, xml.etree.ElementTree as E
for f in sys.argv[1:]: E.parse(f)' "$@" 2>/dev/null
}
if wellformed "$tmp"/j/gates-*.xml &&
	grep -q 'tests="2" failures="1"' "$tmp/j/gates-cr-gates.xml" &&
	grep -q 'name="first &lt;gate&gt; &amp; co"' \
		"$tmp/j/gates-cr-gates.xml" &&
	grep -q 'why it failed' "$tmp/j/gates-cr-gates.xml" &&
	grep -q 'failures="1"' "$tmp/j/gates-cr-silent.xml"; then
	ok "check-run JUNIT: gates as well-formed JUnit test cases"
else
	bad "check-run JUNIT: gates XML missing, malformed or wrong"
fi

if [ -x "$T" ]; then
	n=0
	for i in 1 2; do
		scripts/cmocka-junit "$tmp/c" "$T" >"$tmp/c.out" 2>&1 ||
			n=$((n + 1))
	done
	files=$(ls "$tmp"/c/cmocka-*.xml 2>/dev/null | grep -c .)
	passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' \
		"$tmp/c.out")
	if [ "$n" -eq 0 ] && [ "$files" -ge 1 ] &&
		wellformed "$tmp"/c/cmocka-*.xml &&
		[ "${passed:-0}" -gt 0 ] &&
		! grep -q '<testsuites>' "$tmp/c.out"; then
		ok "cmocka-junit: $files XML file(s), twice, and the" \
			"'[  PASSED  ] $passed test(s).' line"
	else
		bad "cmocka-junit: exit count $n, $files file(s)," \
			"passed '${passed:-}'"
		sed -n '1,12s/^/    | /p' "$tmp/c.out"
	fi
else
	bad "no test binary $T"
fi

echo "check-run: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
