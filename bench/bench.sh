#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench.sh: the explorer's throughput, as a table (make bench).
#
#   default world to closure              plain build
#   vfio world to closure                 plain build
#   large world, depth 6                  plain build
#   default world, depth 5                ASan+UBSan build
#   checked against unchecked             the default world to closure
#                                         with and without --no-check,
#                                         interleaved, same graph: what
#                                         the invariant checks cost
#   base against now (speedup)            BASE's plain build against this
#                                         one, interleaved, same graph,
#                                         and peak RSS per state of each
#   default and vfio worlds to closure    the kernel tree target (TREE),
#                                         when built, interleaved with the
#                                         model's rows so that both see the
#                                         same machine load
#   symmetry reduction                    --symmetry rows in the table; and
#                                         BASE's full walk against this
#                                         one's --symmetry walk of the same
#                                         world: time to closure, and the
#                                         states both ways (the count
#                                         before reduction from one full
#                                         walk of this explorer)
#   -j 2 against -j 1                     default world to closure, plain
#                                         build, interleaved; with the CPU
#                                         time of -j 1 and of -j 2's
#                                         critical path and merge
#
# The rows run with -j 1 (the base binary has no -j) unless they say.
# Each row is the best of RUNS runs (default 3) by the explorer's own time;
# states, transitions and injections must agree between runs. Peak RSS is
# /usr/bin/time -v's maximum resident set size when it is installed, else
# the explorer's own peak memory figure (getrusage). B/state is what the
# explorer stores per state (its image delta, canonical key, record and
# hash-table share: "bytes_per_state"), RSS/state the peak RSS over the
# states. Exit 1 if a run fails (an unchecked run exits 3: no verdict).
set -u
cd "$(dirname "$0")/.."
PLAIN=${PLAIN:-build/plain/bindsim}
ASAN=${ASAN:-build/asan/bindsim}
TREE=${TREE:-build/plain/tree/bindsim}
RUNS=${RUNS:-3}

# BASE: the commit whose explorer the ratios compare against (default:
# bench/base, the commit before the performance work; BASE= none skips).
BASE=${BASE:-$(sed -n '/^[0-9a-f]\{7,40\}$/p' bench/base 2>/dev/null |
	head -n1)}
BASE_BIN=

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

for b in "$PLAIN" "$ASAN"; do
	if [ ! -x "$b" ]; then
		echo "bench: no $b (run make bench)" >&2
		exit 1
	fi
done
# The base binary: built once per commit from 'git archive' under
# build/base/COMMIT (no worktree metadata left behind).
if [ -n "$BASE" ] && [ "$BASE" != none ]; then
	sha=$(git rev-parse --verify -q "$BASE^{commit}") || {
		echo "bench: BASE=$BASE is not a commit here" >&2
		exit 2
	}
	BASE=$(git rev-parse --short=12 "$sha")
	dir=build/base/$sha
	if [ ! -x "$dir/build/plain/bindsim" ]; then
		echo "bench: building BASE=$BASE in $dir" >&2
		rm -rf "$dir" && mkdir -p "$dir" &&
			git archive "$sha" | tar -x -C "$dir" &&
			make -s -C "$dir" FLAVOUR=plain build/plain/bindsim \
				>"$tmp/base.log" 2>&1 || {
			echo "bench: BASE=$BASE does not build:" >&2
			tail -n 5 "$tmp/base.log" >&2
			exit 2
		}
	fi
	BASE_BIN=$dir/build/plain/bindsim
fi

timer=
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
	timer=/usr/bin/time
fi

num() {
	sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" "$2" | head -n1
}

# one_run LABEL BINARY ARGS...: one explore run; sets states, trans, inj,
# secs, rss, bps, cpu (user + system seconds, with /usr/bin/time); returns
# 1 on failure (status set).
one_run() {
	local label=$1 bin=$2 rc ok=1 jobs=()
	shift 2
	# --no-check judges nothing, and says so with exit 3
	case " $* " in *" --no-check "*) ok=3 ;; esac
	[ "$bin" = "$BASE_BIN" ] || jobs=(-j 1)
	if [ -n "$timer" ]; then
		$timer -v "$bin" explore --json "${jobs[@]}" "$@" >"$tmp/out" \
			2>"$tmp/err"
	else
		"$bin" explore --json "${jobs[@]}" "$@" >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	# exit 1 is findings (the reference has mainline's), not failure
	if [ "$rc" -gt 1 ] && [ "$rc" -ne "$ok" ]; then
		echo "bench: $label: exit $rc" >&2
		sed -n '1,5p' "$tmp/err" >&2
		status=1
		return 1
	fi
	states=$(num states "$tmp/out")
	trans=$(num transitions "$tmp/out")
	inj=$(num injections "$tmp/out")
	secs=$(num seconds "$tmp/out")
	bps=$(num bytes_per_state "$tmp/out")
	cpu=
	if [ -n "$timer" ]; then
		rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' \
			"$tmp/err")
		cpu=$(awk '/(User|System) time \(seconds\):/ { s += $NF }
			END { print s }' "$tmp/err")
	else
		rss=$(num peak_rss_kb "$tmp/out")
	fi
}

less() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'
}

# row LABEL BINARY ARGS...
row() {
	local label=$1 bin=$2 i best= key=
	local bstates btrans binj brss bbps
	shift 2
	for i in $(seq "$RUNS"); do
		one_run "$label" "$bin" "$@" || return
		if [ -n "$key" ] && [ "$key" != "$states/$trans/$inj" ]; then
			echo "bench: $label: runs disagree ($key vs" \
				"$states/$trans/$inj)" >&2
			status=1
		fi
		key=$states/$trans/$inj
		if [ -z "$best" ] || less "$secs" "$best"; then
			best=$secs
			bstates=$states btrans=$trans binj=$inj brss=$rss
			bbps=$bps
		fi
	done
	awk -v l="$label" -v s="$bstates" -v t="$btrans" -v j="$binj" \
		-v sec="$best" -v r="$brss" -v b="$bbps" 'BEGIN {
		rate = sec > 0 ? (t + j) / sec : 0
		printf "%-28s %9d %10d %10d %8.2f %11.0f %8.0f %8.0f %9.0f\n",
		       l, s, t, j, sec, rate, r / 1024, b,
		       (s > 0 ? r * 1024 / s : 0)
	}'
}

# ratio LABEL A B ARGS...: explorer A against explorer B (each "BINARY"
# or "BINARY FLAG", e.g. "$PLAIN --no-check"), runs interleaved (A, B, A,
# B, ...) so both see the same load; best of RUNS each. The two must walk
# the same graph (states, transitions, injections). Prints each one's best
# time, A's over B's, and each one's peak RSS per state.
# With TPUT=1 the graphs may differ (a world whose operations grew since
# BASE): the ratio is then of runs per second, (transitions + injections)
# over the time, and both graphs' state counts are printed.
ratio() {
	local label=$1 a=$2 b=$3 i abest='' bbest='' akey='' bkey=''
	local arss='' brss='' astates='' aruns='' bruns=''
	shift 3
	for i in $(seq "$RUNS"); do
		# shellcheck disable=SC2086 # "BINARY FLAG" splits on purpose
		one_run "$label ($a)" $a "$@" || return
		akey=$states/$trans/$inj astates=$states
		aruns=$((trans + inj))
		if [ -z "$abest" ] || less "$secs" "$abest"; then
			abest=$secs arss=$rss
		fi
		# shellcheck disable=SC2086
		one_run "$label ($b)" $b "$@" || return
		bkey=$states/$trans/$inj bruns=$((trans + inj))
		if [ -z "$bbest" ] || less "$secs" "$bbest"; then
			bbest=$secs brss=$rss
		fi
	done
	if [ "$akey" != "$bkey" ] && [ "${TPUT:-0}" != 1 ]; then
		echo "bench: $label: $a walks $akey, $b $bkey" >&2
		status=1
	fi
	awk -v l="$label" -v a="$abest" -v b="$bbest" -v ar="$arss" \
		-v br="$brss" -v as="$astates" -v s="$states" \
		-v tp="${TPUT:-0}" -v ra="$aruns" -v rb="$bruns" 'BEGIN {
		r = b > 0 ? a / b : 0
		if (tp == 1 && a > 0 && b > 0)
			r = (rb / b) / (ra / a)
		printf "%-28s %8.2f %8.2f %7.2fx %9.0f %9.0f", l, a, b, r,
		       ar * 1024 / as, br * 1024 / s
		if (tp == 1)
			printf "  (runs/s; %d and %d states)", as, s
		printf "\n"
	}'
}

# sym_ratio LABEL ARGS...: BASE's full walk against this explorer's
# --symmetry walk at -j 1 and at -j 2, interleaved, best of RUNS each by
# the explorer's time: the time to closure of the same world, not the same
# graph. Then the states: BASE's, this explorer's reduced walk's, and its
# full walk's (one run), and the full walk's states per second of the
# reduced walk's time against BASE's states per second.
sym_ratio() {
	local label=$1 i bb='' nb='' n2='' bstates='' nstates='' fstates=''
	shift
	for i in $(seq "$RUNS"); do
		one_run "$label (base)" "$BASE_BIN" "$@" || return
		bstates=$states
		less "$secs" "${bb:-1e9}" && bb=$secs
		one_run "$label (--symmetry)" "$PLAIN" --symmetry "$@" || return
		nstates=$states
		less "$secs" "${nb:-1e9}" && nb=$secs
		one_run "$label (--symmetry -j 2)" "$PLAIN" --symmetry "$@" \
			-j 2 || return
		less "$secs" "${n2:-1e9}" && n2=$secs
	done
	one_run "$label (full)" "$PLAIN" "$@" || return
	fstates=$states
	awk -v l="$label" -v a="$bb" -v b="$nb" -v c="$n2" -v bs="$bstates" \
		-v ns="$nstates" -v fs="$fstates" 'BEGIN {
		printf "%-28s %8.2f %8.2f %7.2fx %8.2f %7.2fx  (states: base " \
		       "%d; now %d, %d before reduction: %.2fx states/s)\n",
		       l, a, b, (b > 0 ? a / b : 0), c, (c > 0 ? a / c : 0),
		       bs, ns, fs, (b > 0 && bs > 0 ? (fs / b) / (bs / a) : 0)
	}'
}

# jobs_ratio LABEL ARGS...: -j 2 against -j 1, runs interleaved, best of
# RUNS each by the explorer's time; the same graph. Also the CPU seconds
# (best) of -j 1, and of -j 2: all processes, the parent's merge, and the
# critical path (the least -j 2 can take on two free cores; on a shared
# machine the wall clock of -j 2 gets no more CPU than -j 1's).
jobs_ratio() {
	local label=$1 i b1= b2= k1= k2= c1= c2= crit= merge= x
	shift
	for i in $(seq "$RUNS"); do
		one_run "$label -j 1" "$PLAIN" -j 1 "$@" || return
		k1=$states/$trans/$inj
		less "$secs" "${b1:-1e9}" && b1=$secs
		[ -z "$cpu" ] || less "$cpu" "${c1:-1e9}" && c1=$cpu
		one_run "$label -j 2" "$PLAIN" -j 2 "$@" || return
		k2=$states/$trans/$inj
		less "$secs" "${b2:-1e9}" && b2=$secs
		[ -z "$cpu" ] || less "$cpu" "${c2:-1e9}" && c2=$cpu
		x=$(num critical_cpu "$tmp/out")
		less "$x" "${crit:-1e9}" && crit=$x
		x=$(num merge_cpu "$tmp/out")
		less "$x" "${merge:-1e9}" && merge=$x
	done
	if [ "$k1" != "$k2" ]; then
		echo "bench: $label: -j 1 walks $k1, -j 2 $k2" >&2
		status=1
	fi
	awk -v l="$label" -v a="$b1" -v b="$b2" -v c1="${c1:-0}" \
		-v c2="${c2:-0}" -v cr="$crit" -v m="$merge" 'BEGIN {
		printf "%-28s %8.2f %8.2f %7.2fx  (cpu: -j 1 %.2f s; -j 2 " \
		       "%.2f s, merge %.2f s, critical path %.2f s: %.2fx)\n",
		       l, a, b, (b > 0 ? a / b : 0), c1, c2, m, cr,
		       (cr > 0 ? c1 / cr : 0)
	}'
}

rss_src="the explorer (getrusage)"
[ -z "$timer" ] || rss_src="/usr/bin/time -v"
printf "bindsim bench: best of %s run(s), explorer time; peak RSS from %s\n" \
	"$RUNS" "$rss_src"
printf "%-28s %9s %10s %10s %8s %11s %8s %8s %9s\n" run states transitions \
	injections seconds "(t+i)/s" "RSS MiB" "B/state" "RSS/state"
row "default closure" "$PLAIN" --closure
if [ -x "$TREE" ]; then
	row "tree: default closure" "$TREE" --closure
fi
row "vfio closure" "$PLAIN" --world worlds/vfio.world --closure
if [ -x "$TREE" ]; then
	row "tree: vfio closure" "$TREE" --world worlds/vfio.world --closure
fi
row "large depth 6" "$PLAIN" --world worlds/large.world --depth 6
row "default closure, symmetry" "$PLAIN" --closure --symmetry
if [ -x "$TREE" ]; then
	row "tree: default, symmetry" "$TREE" --closure --symmetry
fi
row "three closure, symmetry" "$PLAIN" --world worlds/three.world \
	--closure --symmetry
row "default depth 5 (ASan)" "$ASAN" --depth 5
printf "\nwhat the checks cost: checked against --no-check, same graph:\n"
printf "%-28s %8s %8s %8s %9s %9s\n" run checked no-check ratio \
	"RSS/state" "RSS/state"
ratio "default closure" "$PLAIN" "$PLAIN --no-check" --closure
if [ -n "$BASE_BIN" ]; then
	printf "\nagainst BASE=%s (%s), -j 1:\n" "$BASE" \
		"$(git log -1 --format=%s "$BASE" 2>/dev/null | cut -c1-40)"
	printf "%-28s %8s %8s %8s %9s %9s\n" run base now speedup \
		"RSS/state" "RSS/state"
	# in-kernel callers grew the default and large worlds since BASE:
	# their rows compare runs per second
	TPUT=1 ratio "default closure" "$BASE_BIN" "$PLAIN" --closure
	ratio "vfio closure" "$BASE_BIN" "$PLAIN" --world worlds/vfio.world \
		--closure
	ratio "replace closure" "$BASE_BIN" "$PLAIN" \
		--world worlds/replace.world --closure
	TPUT=1 ratio "large depth 6" "$BASE_BIN" "$PLAIN" \
		--world worlds/large.world --depth 6
	printf "\nagainst BASE=%s: its full walk, this one's --symmetry walk\n" \
		"$BASE"
	printf "%-28s %8s %8s %8s %8s %8s\n" run base "now -j 1" speedup \
		"now -j 2" speedup
	sym_ratio "default closure" --closure
	sym_ratio "replace closure" --world worlds/replace.world --closure
fi
printf "\n-j 2 against -j 1 (%s CPUs online; load %s):\n" "$(nproc)" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-28s %8s %8s %8s\n" run "-j 1" "-j 2" speedup
jobs_ratio "default closure" --closure
jobs_ratio "default, symmetry" --closure --symmetry
exit $status
