#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# coverage/run.sh: the measured runs and the reports of `make coverage`.
# Needs the cov flavour built first (make FLAVOUR=cov all: gcc -O0
# --coverage, no sanitizers, so every run ends normally and writes .gcda).
#
#  1. deletes every build/cov/**/*.gcda (counters add up across runs)
#  2. runs every CMocka binary build/cov/tests/test_*
#  3. runs the explorer with --sites: default and vfio worlds to closure,
#     the large world to depth COV_LARGE_DEPTH (4); the outputs stay in
#     build/cov/explore/ for coverage/fault-sites.sh --runs; the same for
#     the kernel tree target (build/cov/tree/bindsim) in
#     build/cov/explore-tree/ when it was built
#  4. replays tests/repro/*.repro whose `revision` line names this binary's
#     revision (reference); reproducers of other revisions are skipped
#  5. gcovr over model/ and shims/ (--exclude-unreachable-branches):
#     coverage/html/index.html (--html-details), coverage/summary.json,
#     coverage/cobertura.xml, and build/cov/coverage.json (the full report
#     that coverage/uncovered.py reads)
#  6. prints lines / branches / functions per file
#
# Exit: 0 done, 1 a unit test failed (reports are still written), 2 a run
# or gcovr could not work. Explorer findings or a reproducer that does not
# reproduce are reported but left to their own gates (check-explore, the
# revision gates).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
. coverage/policy.sh

B=build/cov
BIN=$B/bindsim
RUNS=$B/explore
LARGE_DEPTH=${COV_LARGE_DEPTH:-4}
OUT=coverage

die() {
	echo "coverage: $*" >&2
	exit 2
}

[ -x "$BIN" ] || die "$BIN missing: run make FLAVOUR=cov all"
command -v gcovr >/dev/null || die "gcovr not found (apt-get install gcovr)"
command -v python3 >/dev/null || die "python3 not found"

T0=$(date +%s)
step() { printf 'coverage: %-44s (%ds)\n' "$1" $(($(date +%s) - T0)); }

# ------------------------------------------------------------ 1. counters
find "$B" -name '*.gcda' -delete
rm -rf "$RUNS"
mkdir -p "$RUNS"

# ---------------------------------------------------------- 2. unit tests
test_fail=0
nr_tests=0
for t in "$B"/tests/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=$(basename "$t")
	nr_tests=$((nr_tests + 1))
	if ! "$t" >"$RUNS/$name.log" 2>&1; then
		echo "coverage: unit test $name FAILED (log: $RUNS/$name.log)"
		test_fail=1
	fi
done
[ "$nr_tests" -gt 0 ] || die "no test binaries in $B/tests"
step "$nr_tests unit test binaries run"

# ------------------------------------------------------------ 3. explorer
# explore DIR NAME BIN ARGS...: one run, --sites table kept in DIR/NAME.txt
explore() {
	local dir=$1 name=$2 bin=$3 rc
	shift 3
	"$bin" explore "$@" --sites >"$dir/$name.txt" 2>"$dir/$name.err"
	rc=$?
	case $rc in
	0) ;;
	1) echo "coverage: note: explorer findings in $name (see" \
		"$dir/$name.txt; the verdict gates judge them)" ;;
	*) cat "$dir/$name.err" >&2
	   die "$bin explore $* failed (exit $rc)" ;;
	esac
	echo "$name $*" >>"$dir/runs.part"
	step "explore $name: $(sed -n 's/^  states *//p' "$dir/$name.txt" |
		tr -s ' ') states"
}
# explore_all DIR BIN: the three worlds and the site list, for one target
explore_all() {
	explore "$1" default "$2" --closure
	explore "$1" vfio "$2" --world worlds/vfio.world --closure
	explore "$1" replace "$2" --world worlds/replace.world --closure
	explore "$1" group "$2" --world worlds/group.world --closure
	explore "$1" ioas "$2" --world worlds/ioas.world --closure
	explore "$1" kernel "$2" --world worlds/kernel.world --closure
	explore "$1" large "$2" --world worlds/large.world --depth "$LARGE_DEPTH"
	"$2" sites >"$1/sites.txt" || die "$2 sites failed"
}
explore_all "$RUNS" "$BIN"
# The kernel tree target, when built (make check-coverage builds it)
TREE_BIN=$B/tree/bindsim
TREE_RUNS=$B/explore-tree
rm -rf "$TREE_RUNS"
if [ -x "$TREE_BIN" ]; then
	mkdir -p "$TREE_RUNS"
	explore_all "$TREE_RUNS" "$TREE_BIN"
	mv "$TREE_RUNS/runs.part" "$TREE_RUNS/runs"
fi

# --------------------------------------------------------- 4. reproducers
rev=$("$BIN" help | sed -n "s/^This binary is revision '\(.*\)' of the .*/\1/p")
[ -n "$rev" ] || die "cannot read the revision of $BIN"
replayed=0 skipped=0 mismatched=0
shopt -s nullglob
for r in tests/repro/*.repro; do
	rrev=$(sed -n 's/^[[:space:]]*revision[[:space:]]\{1,\}\([^[:space:]#]*\).*/\1/p' "$r" |
		head -n 1)
	rrev=${rrev:-$rev}	# no revision line: any binary
	if [ "$rrev" != "$rev" ]; then
		skipped=$((skipped + 1))
		continue
	fi
	replayed=$((replayed + 1))
	"$BIN" replay "$r" >"$RUNS/replay.log" 2>&1
	case $? in
	0) ;;
	1) mismatched=$((mismatched + 1))
	   echo "coverage: note: $r does not reproduce its expect line" ;;
	*) echo "coverage: note: $r: replay failed:" \
		"$(tail -n 1 "$RUNS/replay.log")" ;;
	esac
done
shopt -u nullglob
step "$replayed reproducers replayed ($skipped of other revisions)"
echo "repro $replayed replayed, $skipped skipped" >>"$RUNS/runs.part"

# --------------------------------------------------------------- 5. gcovr
rm -rf "$OUT/html"
mkdir -p "$OUT/html"
if ! gcovr -r . --filter 'model/' --filter 'shims/' --filter 'ktree/' \
	--filter "$B/tree/src/" \
	"${GCOVR_POLICY[@]}" \
	--html-details "$OUT/html/index.html" \
	--html-title "bindsim coverage (model/, shims/, ktree/, the tree)" \
	--json-summary "$OUT/summary.json" --json-summary-pretty \
	--cobertura "$OUT/cobertura.xml" \
	--json "$B/coverage.json" \
	"$B" >"$RUNS/gcovr.log" 2>&1; then
	cat "$RUNS/gcovr.log" >&2
	die "gcovr failed"
fi
step "reports written"
# complete: coverage/fault-sites.sh --runs and make coverage-gate may use it
mv "$RUNS/runs.part" "$RUNS/runs"

# --------------------------------------------------------------- 6. table
echo
echo "coverage of model/, shims/, ktree/ and the tree's files:" \
	"$nr_tests unit test binaries;" \
	"explorer: default, vfio to closure, large to depth $LARGE_DEPTH;" \
	"$replayed reproducers"
coverage/table.py "$OUT/summary.json" || die "cannot read $OUT/summary.json"
echo
echo "reports: $OUT/html/index.html $OUT/summary.json $OUT/cobertura.xml"
echo "missed lines and branches: coverage/uncovered.py [--branches]"
exit "$test_fail"
