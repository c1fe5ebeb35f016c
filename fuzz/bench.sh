#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench.sh REF_AFL_BIN V2_AFL_BIN: fuzzing benchmarks, not a test.
#   1. BENCH_SECS (30) s of AFL++ on the reference model from fuzz/seeds,
#      one instance (one core): exec/s, stability, corpus, coverage
#   2. time for AFL++ to find the V2 leak (a crash of the v2 harness with
#      a "leak " signature), BENCH_RUNS (5) runs each from fuzz/seeds and
#      from an "empty" corpus (AFL++ needs one input: a single byte 0x00,
#      the default world with no operation); medians
# Results in build/fuzz/bench/ and on stdout.
set -uo pipefail
ref=$1 v2=$2
secs=${BENCH_SECS:-30}
runs=${BENCH_RUNS:-5}
cap=${BENCH_CAP:-300}
dir=build/fuzz/bench
rm -rf "$dir" && mkdir -p "$dir/empty"
printf '\0' > "$dir/empty/zero"
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
stat() { sed -n "s/^$1 *: *//p" "$2"; }
median() { sort -g | awk '{v[NR]=$1} END {
	if (!NR) print "nan"; else if (NR % 2) print v[(NR + 1) / 2];
	else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "bench-fuzz: $(nproc) cores, AFL++ $(dpkg-query -W -f='${Version}' afl++ 2>/dev/null)"
afl-fuzz -i fuzz/seeds -o "$dir/ref" -x fuzz/ops.dict -V "$secs" \
	-- "$ref" > "$dir/ref.log" 2>&1 < /dev/null
s=$dir/ref/default/fuzzer_stats
if [ -f "$s" ]; then
	echo "reference, ${secs} s, 1 instance, from fuzz/seeds:"
	echo "  execs_per_sec $(stat execs_per_sec "$s")" \
		"(execs_done $(stat execs_done "$s"))"
	echo "  stability $(stat stability "$s"), corpus_count" \
		"$(stat corpus_count "$s"), bitmap_cvg $(stat bitmap_cvg "$s")," \
		"saved_crashes $(stat saved_crashes "$s")"
else
	echo "reference run failed: see $dir/ref.log"
fi

# Time to the first crash and to the first crash with a "leak " signature
# (the first crash can be another V2 finding, e.g. the noiommu oops, which
# is where AFL_BENCH_UNTIL_CRASH=1 would stop): poll the crashes, classify
# each with the harness itself, stop at the first leak. AFL++ names each
# crash with the fuzzing time (ms) it was found at.
crash_ms() { basename "$1" | sed -n 's/.*,time:\([0-9]*\),.*/\1/p'; }
for corpus in fuzz/seeds "$dir/empty"; do
	first=() leak=() wall=()
	for i in $(seq 1 "$runs"); do
		o=$dir/v2-$(basename "$corpus")-$i
		t0=$(date +%s.%N)
		afl-fuzz -s "$i" -i "$corpus" -o "$o" -x fuzz/ops.dict \
			-V "$cap" -- "$v2" > "$o.log" 2>&1 < /dev/null &
		pid=$!
		declare -A seen=()
		found="" f1=""
		while [ -z "$found" ] && kill -0 "$pid" 2>/dev/null; do
			for c in $(find "$o/default/crashes" -name 'id:*' \
				   2>/dev/null | sort); do
				[ -n "${seen[$c]:-}" ] && continue
				seen[$c]=1
				[ -n "$f1" ] || f1=$c
				sigs=$( ("$v2" "$c"; exit $?) 2>&1 |
					sed -n 's/^  signature: //p' |
					paste -sd, - | sed 's/,/, /g')
				case "$sigs" in
				*leak\ *) found=$c; break ;;
				esac
			done
			[ -n "$found" ] || sleep 0.05
		done
		t1=$(date +%s.%N)
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		unset seen
		if [ -z "$found" ]; then
			echo "  v2 from $corpus run $i: no leak in ${cap} s"
			continue
		fi
		first+=("$(echo "scale=3; $(crash_ms "$f1") / 1000" | bc)")
		leak+=("$(echo "scale=3; $(crash_ms "$found") / 1000" | bc)")
		wall+=("$(echo "$t1 - $t0" | bc)")
		printf '  v2 from %s run %s: first crash at %.3f s, first leak at %.3f s of fuzzing (%s execs; %.2f s wall): %s\n' \
			"$corpus" "$i" "${first[-1]}" "${leak[-1]}" \
			"$(basename "$found" | sed 's/.*execs:\([0-9]*\).*/\1/')" \
			"${wall[-1]}" "$sigs"
	done
	printf 'time to find the V2 leak from %s: median %.3f s of fuzzing (first crash of any kind: %.3f s), %.2f s wall with afl-fuzz start-up; %s of %s runs\n' \
		"$corpus" "$(printf '%s\n' "${leak[@]}" | median)" \
		"$(printf '%s\n' "${first[@]}" | median)" \
		"$(printf '%s\n' "${wall[@]}" | median)" "${#leak[@]}" "$runs"
done

# libFuzzer (ASan+UBSan) on v2 from a truly empty corpus: it stops at the
# first crash of any kind.
lf=${3:-}
[ -n "$lf" ] || exit 0
times=()
for i in $(seq 1 "$runs"); do
	o=$dir/lf-v2-$i
	mkdir -p "$o/corpus"
	t0=$(date +%s.%N)
	"$lf" -seed="$i" -max_total_time="$cap" -max_len=161 -print_final_stats=1 \
		-artifact_prefix="$o/" "$o/corpus" > "$o.log" 2>&1 < /dev/null
	t1=$(date +%s.%N)
	times+=("$(echo "$t1 - $t0" | bc)")
	printf '  libFuzzer v2 run %s: first crash after %.2f s wall, %s execs: %s\n' \
		"$i" "${times[-1]}" \
		"$(sed -n 's/^stat::number_of_executed_units: *//p' "$o.log")" \
		"$(sed -n 's/^  signature: //p' "$o.log" | paste -sd, - |
		   sed 's/,/, /g')"
done
printf 'time to the first v2 crash, libFuzzer from an empty corpus: median %.2f s wall (process start included); %s runs\n' \
	"$(printf '%s\n' "${times[@]}" | median)" "$runs"
