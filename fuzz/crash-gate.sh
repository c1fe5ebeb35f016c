#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# crash-gate.sh V2_BINDSIM REF_BINDSIM V2_REPLAY REF_REPLAY CRASHDIR OUTDIR
#
# The committed fuzzer crashes (CRASHDIR/*.bin, found on revision v2):
#   1. each one crashes the v2 fuzz harness with a "leak " signature;
#   2. none crashes the reference harness;
#   3. 'V2_BINDSIM fuzz-import CRASHDIR' turns them into reproducers, and
#      a "leak " one replays with V2_BINDSIM (its expect line reproduced);
#   4. 'REF_BINDSIM fuzz-import' finds nothing in them.
# Prints one "gate ok:"/"gate FAILED:" line per check; exit 1 on a failure.
set -uo pipefail
v2=$1 ref=$2 v2fz=$3 reffz=$4 dir=$5 out=$6
fail=0
ok() { echo "gate ok: fuzz crash: $*"; }
bad() { echo "gate FAILED: fuzz crash: $*"; fail=1; }

shopt -s nullglob
inputs=("$dir"/*.bin)
if [ ${#inputs[@]} -eq 0 ]; then
	bad "no $dir/*.bin"
	exit 1
fi
rm -rf "$out" && mkdir -p "$out"

for f in "${inputs[@]}"; do
	# a subshell, so that the shell's "Aborted" goes to the log too
	("$v2fz" "$f"; exit $?) > "$out/v2-harness.log" 2>&1
	rc=$?
	sig=$(sed -n 's/^  signature: \(leak .*\)/\1/p' "$out/v2-harness.log" |
		paste -sd, - | sed 's/,/, /g')
	if [ $rc -ne 0 ] && [ -n "$sig" ]; then
		ok "$f crashes the v2 fuzz harness ($sig)"
	else
		bad "$f does not crash the v2 fuzz harness with a leak" \
			"(exit $rc, see $out/v2-harness.log)"
	fi
	if ("$reffz" "$f"; exit $?) > "$out/ref-harness.log" 2>&1; then
		ok "$f does not crash the reference fuzz harness"
	else
		bad "$f crashes the reference fuzz harness" \
			"(see $out/ref-harness.log)"
	fi
done

"$v2" fuzz-import "$dir" --out "$out/v2" > "$out/v2-import.log" 2>&1
rc=$?
leaks=0
for r in "$out"/v2/*.repro; do
	exp=$(sed -n 's/^expect //p' "$r")
	case "$exp" in
	leak\ *) ;;
	*) continue ;;
	esac
	if "$v2" replay "$r" > "$out/v2-replay.log" 2>&1; then
		leaks=$((leaks + 1))
		ok "v2 fuzz-import -> $(basename "$r"): '$exp' replays" \
			"with $v2"
	else
		bad "$r ('$exp') does not replay with $v2" \
			"(see $out/v2-replay.log)"
	fi
done
if [ $rc -ne 0 ] || [ $leaks -eq 0 ]; then
	bad "v2 fuzz-import of $dir gave no replaying leak reproducer" \
		"(exit $rc, see $out/v2-import.log)"
fi

"$ref" fuzz-import "$dir" --out "$out/ref" > "$out/ref-import.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q ' 0 distinct signatures' "$out/ref-import.log"; then
	ok "reference fuzz-import of $dir: no finding"
else
	bad "reference fuzz-import of $dir found something or failed" \
		"(exit $rc, see $out/ref-import.log)"
fi
exit $fail
