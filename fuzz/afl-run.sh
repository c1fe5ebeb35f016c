#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# afl-run.sh BIN: run AFL++ on the fuzz harness BIN (make fuzz).
#
#   JOBS=N          instances on this machine (default 1): the first is
#                   -M main, the others -S secN in the background
#   FUZZ_SECS=S     stop after S seconds (0: until interrupted)
#   FUZZ_OUT=DIR    the sync directory (default build/fuzz-afl/out); an
#                   existing one is resumed (AFL_AUTORESUME)
#   FUZZ_MAIN=0     no -M on this machine (a second machine of a campaign)
#   FUZZ_TAG=T      prefix of this machine's instance names (Tsec2, ...),
#                   unique per machine when queues are synced
#   FUZZ_FOREIGN="D..."  extra queue directories the main instance
#                   imports (-F), e.g. rsync'ed from other machines
#   FUZZ_SEEDS=DIR  seeds (default fuzz/seeds), FUZZ_DICT (fuzz/ops.dict)
#
# Interactive when stdout is a terminal, AFL_NO_UI otherwise. Exit 1 if a
# crash was saved (afl-fuzz itself exits 0).
set -euo pipefail
bin=$1
jobs=${JOBS:-1}
secs=${FUZZ_SECS:-60}
out=${FUZZ_OUT:-build/fuzz-afl/out}
seeds=${FUZZ_SEEDS:-fuzz/seeds}
dict=${FUZZ_DICT:-fuzz/ops.dict}
tag=${FUZZ_TAG:-}
main=${FUZZ_MAIN:-1}
[ -n "$main" ] || main=1

# AFL_TRY_AFFINITY: bind to a free core when there is one (2.6x the
# execs/s unbound on this VM), run unbound when there is none
export AFL_AUTORESUME=1 AFL_SKIP_CPUFREQ=1 AFL_TRY_AFFINITY=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
mkdir -p "$out"
args=(-i "$seeds" -o "$out" -x "$dict")
[ "$secs" -gt 0 ] && args+=(-V "$secs")

pids=()
stop() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
}
trap stop INT TERM

names=()
for i in $(seq 1 "$jobs"); do
	if [ "$i" -eq 1 ] && [ "$main" = 1 ]; then
		names+=("${tag}main")
	else
		names+=("${tag}sec$i")
	fi
done

echo "afl-run: $jobs instance(s) of $bin, ${secs}s (0: until ^C)," \
	"sync dir $out: ${names[*]}"
for i in $(seq 2 "$jobs"); do
	n=${names[$((i - 1))]}
	AFL_NO_UI=1 afl-fuzz -S "$n" "${args[@]}" -- "$bin" \
		> "$out/$n.log" 2>&1 < /dev/null &
	pids+=($!)
done

n=${names[0]}
role=-S
[ "$main" = 1 ] && role=-M
foreign=()
for f in ${FUZZ_FOREIGN:-}; do
	foreign+=(-F "$f")
done
if [ -t 1 ]; then
	afl-fuzz "$role" "$n" "${foreign[@]}" "${args[@]}" -- "$bin" || true
else
	AFL_NO_UI=1 afl-fuzz "$role" "$n" "${foreign[@]}" "${args[@]}" \
		-- "$bin" > "$out/$n.log" 2>&1 < /dev/null || true
fi
for p in "${pids[@]}"; do
	wait "$p" || true
done

echo
crashes=0
for n in "${names[@]}"; do
	s=$out/$n/fuzzer_stats
	[ -f "$s" ] || continue
	c=$(find "$out/$n/crashes" -name 'id:*' 2>/dev/null | wc -l)
	crashes=$((crashes + c))
	printf 'afl-run: %-10s execs/s %-9s stability %-8s corpus %-5s crashes %s\n' \
		"$n" "$(sed -n 's/^execs_per_sec *: *//p' "$s")" \
		"$(sed -n 's/^stability *: *//p' "$s")" \
		"$(sed -n 's/^corpus_count *: *//p' "$s")" "$c"
done
if [ "$crashes" -gt 0 ]; then
	echo "afl-run: $crashes crash(es); triage with:"
	for n in "${names[@]}"; do
		[ -d "$out/$n/crashes" ] &&
			echo "  make fuzz-triage DIR=$out/$n/crashes${REV:+ REV=$REV}"
	done
	exit 1
fi
