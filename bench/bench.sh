#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench.sh: the explorer's throughput, as a table (make bench).
#
#   default world to closure              plain build
#   vfio world to closure                 plain build
#   large world, depth 6                  plain build
#   default world, depth 5                ASan+UBSan build
#   default and vfio worlds to closure    the kernel tree target (TREE),
#                                         when built, interleaved with the
#                                         model's rows so that both see the
#                                         same machine load
#
# Each row is the best of RUNS runs (default 3) by the explorer's own time;
# states, transitions and injections must agree between runs. Peak RSS is
# /usr/bin/time -v's maximum resident set size when it is installed, else
# the explorer's own peak memory figure (getrusage). Exit 1 if a run fails
# or finds something (the reference model must be clean).
set -u
cd "$(dirname "$0")/.."
PLAIN=${PLAIN:-build/plain/bindsim}
ASAN=${ASAN:-build/asan/bindsim}
TREE=${TREE:-build/plain/tree/bindsim}
RUNS=${RUNS:-3}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

for b in "$PLAIN" "$ASAN"; do
	if [ ! -x "$b" ]; then
		echo "bench: no $b (run make bench)" >&2
		exit 1
	fi
done
timer=
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
	timer=/usr/bin/time
fi

num() {
	sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" "$2" | head -n1
}

# row LABEL BINARY ARGS...
row() {
	local label=$1 bin=$2 i rc best= key= states trans inj secs rss
	local bstates btrans binj brss
	shift 2
	for i in $(seq "$RUNS"); do
		if [ -n "$timer" ]; then
			$timer -v "$bin" explore --json "$@" >"$tmp/out" \
				2>"$tmp/err"
		else
			"$bin" explore --json "$@" >"$tmp/out" 2>"$tmp/err"
		fi
		rc=$?
		# exit 1 is findings (the reference has mainline's), not failure
		if [ "$rc" -gt 1 ]; then
			echo "bench: $label: exit $rc" >&2
			sed -n '1,5p' "$tmp/err" >&2
			status=1
			return
		fi
		states=$(num states "$tmp/out")
		trans=$(num transitions "$tmp/out")
		inj=$(num injections "$tmp/out")
		secs=$(num seconds "$tmp/out")
		if [ -n "$timer" ]; then
			rss=$(sed -n \
				's/.*Maximum resident set size (kbytes): //p' \
				"$tmp/err")
		else
			rss=$(num peak_rss_kb "$tmp/out")
		fi
		if [ -n "$key" ] && [ "$key" != "$states/$trans/$inj" ]; then
			echo "bench: $label: runs disagree ($key vs" \
				"$states/$trans/$inj)" >&2
			status=1
		fi
		key=$states/$trans/$inj
		if [ -z "$best" ] ||
			awk -v a="$secs" -v b="$best" \
				'BEGIN { exit !(a < b) }'; then
			best=$secs
			bstates=$states btrans=$trans binj=$inj brss=$rss
		fi
	done
	awk -v l="$label" -v s="$bstates" -v t="$btrans" -v j="$binj" \
		-v sec="$best" -v r="$brss" 'BEGIN {
		rate = sec > 0 ? (t + j) / sec : 0
		printf "%-28s %9d %10d %10d %8.2f %11.0f %8.0f\n",
		       l, s, t, j, sec, rate, r / 1024
	}'
}

rss_src="the explorer (getrusage)"
[ -z "$timer" ] || rss_src="/usr/bin/time -v"
printf "bindsim bench: best of %s run(s), explorer time; peak RSS from %s\n" \
	"$RUNS" "$rss_src"
printf "%-28s %9s %10s %10s %8s %11s %8s\n" run states transitions \
	injections seconds "(t+i)/s" "RSS MiB"
row "default closure" "$PLAIN" --closure
if [ -x "$TREE" ]; then
	row "tree: default closure" "$TREE" --closure
fi
row "vfio closure" "$PLAIN" --world worlds/vfio.world --closure
if [ -x "$TREE" ]; then
	row "tree: vfio closure" "$TREE" --world worlds/vfio.world --closure
fi
row "large depth 6" "$PLAIN" --world worlds/large.world --depth 6
row "default depth 5 (ASan)" "$ASAN" --depth 5
exit $status
