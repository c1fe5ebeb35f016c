#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# coverage/gate.sh [THRESHOLDS]: enforce coverage/thresholds on the
# counters `make coverage` left in build/cov. One gcovr invocation per area
# (a source directory) with its own --filter AREA/ and
# --fail-under-line / --fail-under-branch, after
# --exclude-unreachable-branches as in the reports.
#
# Prints one `gate ok:` or `gate FAILED:` line per area; exit 0 when every
# area passes, 1 when one falls short, 2 on bad input or a gcovr error.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
. coverage/policy.sh

B=build/cov
FILE=${1:-coverage/thresholds}

bad() {
	echo "gate FAILED: coverage: $*"
	exit 2
}

[ -r "$FILE" ] || bad "no thresholds file $FILE"
command -v gcovr >/dev/null || bad "gcovr not found"
find "$B" -name '*.gcda' -print -quit 2>/dev/null | grep -q . ||
	bad "no coverage data in $B (run make coverage)"

# AREA.METRIC VALUE lines -> "AREA lines|branches VALUE", in file order
parsed=$(awk '
	/^[[:space:]]*(#|$)/ { next }
	NF != 2 || $1 !~ /^[A-Za-z0-9_-]+\.(lines|branches)$/ ||
	    $2 !~ /^[0-9]+(\.[0-9]+)?$/ || $2 + 0 > 100 {
		printf "bad line %d: %s\n", FNR, $0 > "/dev/stderr"; err = 1; next
	}
	{ split($1, p, "."); print p[1], p[2], $2 }
	END { exit err }' "$FILE") || bad "$FILE: expected AREA.lines|AREA.branches PERCENT"
[ -n "$parsed" ] || bad "$FILE sets no threshold"

fail=0
for area in $(echo "$parsed" | awk '!seen[$1]++ { print $1 }'); do
	[ -d "$area" ] || bad "$FILE: no directory $area/"
	args=() want=""
	while read -r a metric value; do
		[ "$a" = "$area" ] || continue
		case $metric in
		lines) args+=(--fail-under-line "$value") ;;
		branches) args+=(--fail-under-branch "$value") ;;
		esac
		want="$want $metric>=$value%"
	done <<<"$parsed"
	out=$(gcovr -r . --filter "$area/" "${GCOVR_POLICY[@]}" \
		--print-summary "${args[@]}" "$B" 2>&1)
	rc=$?
	got=$(echo "$out" | awk '
		/^lines:/ { l = $2 } /^branches:/ { b = $2 } /^functions:/ { f = $2 }
		END { printf "lines %s, branches %s, functions %s", l, b, f }')
	case $rc in
	0) echo "gate ok: coverage $area/: $got (want$want)" ;;
	2 | 4 | 6)
		why=$(echo "$out" | sed -n 's/^(ERROR) failed minimum \(.*\)/\1/p' |
			paste -sd ';' - | sed 's/;/; /g')
		echo "gate FAILED: coverage $area/: $why (want$want)"
		fail=1 ;;
	*) echo "$out" >&2
	   bad "gcovr exited $rc for $area/" ;;
	esac
done
exit "$fail"
