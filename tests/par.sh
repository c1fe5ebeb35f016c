#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# par.sh: explore -j N walks and reports exactly as -j 1 (make check-par).
#
# For each case, 'explore' runs with -j 1, -j 2 and -j 3, and must give:
#  - the same --json report apart from its "timing" object: states,
#    transitions, injections, fault sites, hash collisions, the findings in
#    the order first seen, each with its count and (minimised) reproducer;
#  - the same text report and --sites table apart from the times in it;
#  - the same reproducers in --out DIR, byte for byte;
#  - the same partial result when a bound stops the walk midway
#    (--max-states, --max-findings, --stop-on) or a depth bound cuts it.
# The cases: the model's cheap worlds (PLAIN=), a revision with findings
# (V2=, build/rev/v2/bindsim) and the kernel tree's target (TREE=) when it
# is built. One line per check; exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
PLAIN=${PLAIN:-build/plain/bindsim}
V2=${V2:-build/rev/v2/bindsim}
TREE=${TREE:-build/plain/tree/bindsim}
JOBS=${JOBS:-2 3}
# Levels of this many states or more go to the workers (1: every level,
# so that the stops below come inside a level the workers expanded).
export BINDSIM_PAR_MIN=${BINDSIM_PAR_MIN:-1}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/check-lib.sh

for b in "$PLAIN" "$V2"; do
	if [ ! -x "$b" ]; then
		bad "no executable $b"
		echo "par: $pass passed, $fail failed"
		exit 1
	fi
done

# The parts of a report that are a matter of time: "after 0.03 s",
# "time 1.2 s (...)", "peak memory", the --json "timing" object.
untimed() {
	sed -E -e 's/"timing": \{[^}]*\}//' -e 's/[0-9]+\.[0-9]+ s\b/T s/g' \
		-e '/^(# )?  (time|peak memory) /d' "$1"
}

# same NAME BIN ARGS...: the report of each -j in $JOBS against -j 1's;
# an argument @OUT@ is a directory of each run's own.
same() {
	local name=$1 bin=$2 j rc1 rc
	shift 2
	rm -rf "$tmp/o1"
	"$bin" explore -j 1 "${@/#@OUT@/$tmp/o1}" >"$tmp/r1" 2>"$tmp/e1"
	rc1=$?
	if [ "$rc1" -gt 3 ] || [ "$rc1" = 2 ]; then
		bad "$name: -j 1 exit $rc1"
		sed -n '1,5s/^/    | /p' "$tmp/e1"
		return
	fi
	for j in $JOBS; do
		rm -rf "$tmp/o$j"
		"$bin" explore -j "$j" "${@/#@OUT@/$tmp/o$j}" >"$tmp/r$j" \
			2>"$tmp/e$j"
		rc=$?
		if [ "$rc" != "$rc1" ]; then
			bad "$name: -j $j exit $rc, -j 1 exit $rc1"
		elif ! cmp -s <(untimed "$tmp/r1" | sed "s|$tmp/o1|OUT|g") \
			<(untimed "$tmp/r$j" | sed "s|$tmp/o$j|OUT|g"); then
			bad "$name: -j $j report differs from -j 1's"
			diff <(untimed "$tmp/r1") <(untimed "$tmp/r$j") |
				sed -n '1,8s/^/    | /p'
		elif ! cmp -s "$tmp/e1" "$tmp/e$j"; then
			bad "$name: -j $j stderr differs from -j 1's"
		elif [ -d "$tmp/o1" ] && ! diff -r "$tmp/o1" "$tmp/o$j" \
			>/dev/null; then
			bad "$name: -j $j reproducers differ from -j 1's"
		else
			ok "$name: -j $j as -j 1"
		fi
	done
}

for w in vfio group; do
	same "$w closure --json" "$PLAIN" --json --closure \
		--world worlds/$w.world
done
same "default depth 7 --json" "$PLAIN" --json --depth 7
same "default --max-states 3000" "$PLAIN" --json --max-states 3000
same "vfio closure --sites" "$PLAIN" --closure --world worlds/vfio.world \
	--sites
same "vfio closure --no-faults" "$PLAIN" --json --closure --no-faults \
	--world worlds/vfio.world

# findings: their order, counts and first reproducers
same "V2 closure --json" "$V2" --json --closure
same "V2 closure text, --out" "$V2" --closure --out @OUT@
same "V2 vfio closure --json" "$V2" --json --closure \
	--world worlds/vfio.world
same "V2 --max-findings 1" "$V2" --json --max-findings 1
same "V2 --max-findings 3" "$V2" --json --max-findings 3
same "V2 --stop-on oops" "$V2" --json --stop-on oops
same "V2 --max-states 2500" "$V2" --json --max-states 2500
same "V2 --ktap --shard 1/2" "$V2" --ktap --closure --shard 1/2
# --symmetry: the reduced walk and its --orbits count
same "V2 closure --symmetry --out" "$V2" --closure --symmetry --out @OUT@
same "twins closure --symmetry --json" "$PLAIN" --json --closure --symmetry \
	--world worlds/twins.world
same "vfio closure --orbits --json" "$PLAIN" --json --closure --orbits \
	--world worlds/vfio.world

if [ -x "$TREE" ]; then
	same "tree vfio closure --json" "$TREE" --json --closure \
		--world worlds/vfio.world
fi

echo "par: $pass passed, $fail failed"
[ "$fail" = 0 ]
