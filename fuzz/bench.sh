#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench.sh REF_AFL_BIN V2_AFL_BIN [V2_LF_BIN]: fuzzing benchmarks, not a
# test.
#   1. the harness against the previous one: AFL++ on the reference model
#      from fuzz/seeds, one instance (one core), BENCH_SECS (30) s per run,
#      BENCH_PAIRS (3) pairs of runs interleaved (base, new, base, new...)
#      so that both see the same load. The previous harness is BASE's
#      (default bench/base, as make bench; BASE=none skips it), built from
#      'git archive' under build/base/COMMIT. Per run: exec/s, stability,
#      the load average before the run and, when perf works, the CPU time
#      of afl-fuzz and the target together (exec per CPU second: less
#      sensitive to other jobs than exec/s, yet not free of them); medians,
#      and the ratio of the medians
#   2. time for AFL++ to find the V2 leak (a crash of the v2 harness with
#      a "leak " signature), BENCH_RUNS (5) runs each from fuzz/seeds and
#      from an "empty" corpus (AFL++ needs one input: a single byte 0x00,
#      the default world with no operation); medians
#   3. with V2_LF_BIN, the same for libFuzzer from an empty corpus
# Results in build/fuzz/bench/ and on stdout.
set -uo pipefail
ref=$1 v2=$2
secs=${BENCH_SECS:-30}
pairs=${BENCH_PAIRS:-3}
runs=${BENCH_RUNS:-5}
cap=${BENCH_CAP:-300}
dir=build/fuzz/bench
rm -rf "$dir" && mkdir -p "$dir/empty"
printf '\0' > "$dir/empty/zero"
# AFL_TRY_AFFINITY: bind to a free core when there is one (2.6x the
# execs/s unbound on this VM), run unbound when there is none
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_TRY_AFFINITY=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
stat() { sed -n "s/^$1 *: *//p" "$2"; }
median() { sort -g | awk '{v[NR]=$1} END {
	if (!NR) print "nan"; else if (NR % 2) print v[(NR + 1) / 2];
	else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# The previous harness: BASE's AFL++ build of the reference.
BASE=${BASE:-$(sed -n '/^[0-9a-f]\{7,40\}$/p' bench/base 2>/dev/null |
	head -n1)}
base=
if [ -n "$BASE" ] && [ "$BASE" != none ]; then
	sha=$(git rev-parse --verify -q "$BASE^{commit}") || {
		echo "bench-fuzz: BASE=$BASE is not a commit here" >&2
		exit 2
	}
	# the tree bench/bench.sh builds BASE's explorer in, if it is there
	src=build/base/$sha
	base=$src/build/fuzz-afl/fuzz_ops
	if [ ! -x "$base" ]; then
		echo "bench-fuzz: building BASE=${sha:0:12}'s harness in $src" >&2
		{ [ -f "$src/Makefile" ] || { mkdir -p "$src" &&
			git archive "$sha" | tar -x -C "$src"; }; } &&
			make -s -C "$src" REV= build/fuzz-afl/fuzz_ops \
				> "$dir/base-build.log" 2>&1 || {
			echo "bench-fuzz: BASE=${sha:0:12}'s harness does not" \
				"build:" >&2
			tail -n 5 "$dir/base-build.log" >&2
			exit 2
		}
	fi
fi
perf=
perf stat -x, -e task-clock -o /dev/null true 2>/dev/null && perf=1

echo "bench-fuzz: $(nproc) cores, AFL++ $(dpkg-query -W -f='${Version}' \
	afl++ 2>/dev/null), load average $(load)"

# afl_run NAME BIN: one BENCH_SECS run of AFL++ from the seeds into
# $dir/NAME; prints its line and appends "exec/s exec-per-cpu-s" to
# $dir/NAME's family file ($dir/new.txt or $dir/base.txt).
afl_run() {
	local name=$1 bin=$2 o=$dir/$1 l0 cpu= per=- s
	l0=$(load)
	if [ -n "$perf" ]; then
		perf stat -x, -e task-clock -o "$o.perf" afl-fuzz -s 1 \
			-i fuzz/seeds -o "$o" -x fuzz/ops.dict -V "$secs" \
			-- "$bin" > "$o.log" 2>&1 < /dev/null
		cpu=$(awk -F, '/task-clock/ { printf "%.2f", $1 / 1000 }' \
			"$o.perf")
	else
		afl-fuzz -s 1 -i fuzz/seeds -o "$o" -x fuzz/ops.dict \
			-V "$secs" -- "$bin" > "$o.log" 2>&1 < /dev/null
	fi
	s=$o/default/fuzzer_stats
	if [ ! -f "$s" ]; then
		echo "  $name: afl-fuzz failed, see $o.log"
		return 1
	fi
	[ -n "$cpu" ] && per=$(awk -v e="$(stat execs_done "$s")" \
		-v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? e / c : 0) }')
	printf '  %-7s execs_per_sec %8s  exec/CPU-s %6s  (execs_done %s, CPU %s s)  stability %s  corpus %s  bitmap_cvg %s  saved_crashes %s  load before %s\n' \
		"$name" "$(stat execs_per_sec "$s")" "$per" \
		"$(stat execs_done "$s")" "${cpu:--}" "$(stat stability "$s")" \
		"$(stat corpus_count "$s")" "$(stat bitmap_cvg "$s")" \
		"$(stat saved_crashes "$s")" "$l0"
	echo "$(stat execs_per_sec "$s") $per" >> "$dir/${name%%-*}.txt"
}

echo "reference, ${secs} s per run, 1 instance, from fuzz/seeds (afl-fuzz" \
	"-s 1), ${base:+BASE=${sha:0:12} and this tree }interleaved:"
for i in $(seq 1 "$pairs"); do
	[ -n "$base" ] && afl_run "base-$i" "$base"
	afl_run "new-$i" "$ref"
done
col() { [ -f "$2" ] && awk -v c="$1" '{ print $c }' "$2" | grep -v '^-$' |
	median; }
for f in base new; do
	[ -f "$dir/$f.txt" ] || continue
	printf '  %-7s median execs_per_sec %s, exec/CPU-s %s (%s runs)\n' \
		"$f" "$(col 1 "$dir/$f.txt")" "$(col 2 "$dir/$f.txt")" \
		"$(wc -l < "$dir/$f.txt")"
done
if [ -f "$dir/base.txt" ] && [ -f "$dir/new.txt" ]; then
	awk -v a="$(col 1 "$dir/new.txt")" -v b="$(col 1 "$dir/base.txt")" \
	    -v c="$(col 2 "$dir/new.txt")" -v d="$(col 2 "$dir/base.txt")" \
	    'BEGIN {
		printf "  new/base: %.2fx execs_per_sec", (b > 0 ? a / b : 0)
		if (c != "nan" && d != "nan" && d > 0)
			printf ", %.2fx exec/CPU-s", c / d
		printf "\n"
	}'
fi
echo "  load average after: $(load)"

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
