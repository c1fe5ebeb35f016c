#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# coverage/fault-sites.sh: fault-site coverage gate.
#
#   coverage/fault-sites.sh [--bindsim BIN] [--large-depth N]
#   coverage/fault-sites.sh --runs DIR
#   common: [--out FILE] [--exclude FILE]
#
# Runs BIN (default build/plain/bindsim, else build/cov/bindsim)
# `explore --closure --sites` on the default and vfio worlds and
# `explore --depth N --sites` on the large world (N = 4), or, with --runs,
# reads such outputs saved by coverage/run.sh (DIR/runs names them,
# DIR/sites.txt is `bindsim sites` of the same binary). It unions the
# injection and finding counts per site, lists every site that
# `bindsim sites` reports with injected yes/no in FILE
# (coverage/fault-sites.txt), and fails unless every site was injected at
# least once or its name is in coverage/fault-sites.exclude.
#
# Sites are keyed by name, location and ordinal, so two sites with one
# name (two xa_store in one function) or one location are told apart. An
# exclusion names a site as func:what and covers every site of that name;
# the table says how many. An exclusion that matches no site fails the
# gate (the list must stay true); an excluded site that was injected is
# reported so the exclusion can be dropped.
#
# Exit: 0 gate ok, 1 gate failed, 2 usage or run error.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

BIN="" RUNS="" DEPTH=4
OUT=coverage/fault-sites.txt
EXCL=coverage/fault-sites.exclude

usage() {
	sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
err() {
	echo "gate FAILED: fault sites: $*"
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--bindsim) [ $# -ge 2 ] || usage; BIN=$2; shift ;;
	--runs) [ $# -ge 2 ] || usage; RUNS=$2; shift ;;
	--out) [ $# -ge 2 ] || usage; OUT=$2; shift ;;
	--exclude) [ $# -ge 2 ] || usage; EXCL=$2; shift ;;
	--large-depth)
		[ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || usage
		DEPTH=$2; shift ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
	shift
done
[ -r "$EXCL" ] || err "no exclusion file $EXCL"

tmp=""
trap '[ -n "$tmp" ] && rm -rf "$tmp"' EXIT

if [ -n "$RUNS" ]; then
	[ -r "$RUNS/runs" ] && [ -r "$RUNS/sites.txt" ] ||
		err "$RUNS lacks runs or sites.txt (run make coverage)"
	BIN="(saved runs in $RUNS)"
else
	if [ -z "$BIN" ]; then
		for b in build/plain/bindsim build/cov/bindsim; do
			[ -x "$b" ] && { BIN=$b; break; }
		done
	fi
	[ -n "$BIN" ] && [ -x "$BIN" ] ||
		err "no bindsim binary (make, or --bindsim BIN)"
	tmp=$(mktemp -d)
	RUNS=$tmp
	run() {
		local name=$1 rc
		shift
		"$BIN" explore "$@" --sites >"$RUNS/$name.txt" 2>"$RUNS/$name.err"
		rc=$?
		if [ "$rc" -gt 1 ]; then
			cat "$RUNS/$name.err" >&2
			err "$BIN explore $* exited $rc"
		fi
		echo "$name $*" >>"$RUNS/runs"
	}
	run default --closure
	run vfio --world worlds/vfio.world --closure
	run large --world worlds/large.world --depth "$DEPTH"
	"$BIN" sites >"$RUNS/sites.txt" || err "$BIN sites failed"
fi

files=()
while read -r name _; do
	case $name in repro | "") continue ;; esac
	[ -r "$RUNS/$name.txt" ] || err "missing explorer output $RUNS/$name.txt"
	files+=("$RUNS/$name.txt")
done <"$RUNS/runs"
[ ${#files[@]} -gt 0 ] || err "no explorer runs in $RUNS/runs"

mkdir -p "$(dirname "$OUT")"
awk -v out="$OUT" -v bin="$BIN" -v excl="$EXCL" '
function trim(s) { sub(/^[[:space:]]+/, "", s); sub(/[[:space:]]+$/, "", s); return s }
# "NAME... LOC" with NAME from field from to NF-1
function name_of(from,   i, s) {
	s = $from
	for (i = from + 1; i < NF; i++)
		s = s " " $i
	return s
}
function fatal(msg) {
	print "gate FAILED: fault sites: " msg
	bad = 2
	exit 2
}
BEGIN { nsites = nex = nruns = fileno = 0 }
FILENAME != cur {
	cur = FILENAME
	fileno++
	in_sites = 0
	delete occ
}
# --- 1: the exclusion list
fileno == 1 {
	if ($0 ~ /^[[:space:]]*(#|$)/)
		next
	n = $1
	reason = trim(substr($0, index($0, $1) + length($1)))
	if (n !~ /^[^:]+:.+$/ || reason == "")
		fatal(excl ":" FNR ": expected \"func:what  reason\"")
	if (n in ex_reason)
		fatal(excl ":" FNR ": " n " listed twice")
	ex_reason[n] = reason
	ex_order[nex++] = n
	next
}
# --- 2: bindsim sites
fileno == 2 {
	if (NF < 2)
		next
	n = name_of(1)
	loc = $NF
	k = n SUBSEP loc
	key = k SUBSEP (++occ[k])
	site[nsites] = key
	sname[nsites] = n
	sloc[nsites] = loc
	known[key] = nsites++
	next
}
# --- 3...: explorer outputs
/^bindsim explore: / {
	desc = $0
	sub(/^bindsim explore: world /, "", desc)
	if (match(desc, /, revision [^,]*/)) {
		rev = substr(desc, RSTART + 11, RLENGTH - 11)
		desc = substr(desc, 1, RSTART - 1) substr(desc, RSTART + RLENGTH)
	}
	run_desc[nruns++] = desc
	next
}
/^  states / { run_desc[nruns - 1] = run_desc[nruns - 1] ", " $2 " states" }
/^fault sites \(injections, findings\):/ { in_sites = 1; seen_sites[fileno] = 1; next }
in_sites && NF >= 4 && $1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ {
	n = name_of(3)
	loc = $NF
	k = n SUBSEP loc
	key = k SUBSEP (++occ[k])
	if (!(key in known))
		fatal(FILENAME ": site " n " at " loc " is not in bindsim sites (another binary?)")
	inj[key] += $1
	fnd[key] += $2
	next
}
END {
	if (bad)
		exit bad
	for (f = 3; f <= fileno; f++)
		if (!(f in seen_sites))
			fatal("an explorer output lacks the --sites table")
	if (!nsites)
		fatal("bindsim sites lists no fault site")

	nok = nex_used = nmiss = 0
	for (i = 0; i < nsites; i++) {
		key = site[i]
		n = sname[i]
		if (n in ex_reason)
			ex_count[n]++
		if (inj[key] > 0) {
			nok++
			note = ""
			if (n in ex_reason) {
				note = "excluded, but injected here"
				ex_inj[n]++
			}
		} else if (n in ex_reason) {
			nex_used++
			note = "excluded: " ex_reason[n]
		} else {
			miss[nmiss++] = i
			note = "NEVER INJECTED"
		}
		line[i] = sprintf("%-8s %10d %8d  %-52s %-28s %s",
		    inj[key] > 0 ? "yes" : "no", inj[key], fnd[key], n, sloc[i], note)
		sub(/[[:space:]]+$/, "", line[i])
	}

	print "# bindsim fault-site coverage (coverage/fault-sites.sh)" > out
	print "# binary: " bin ", revision " (rev == "" ? "?" : rev) > out
	for (r = 0; r < nruns; r++)
		print "# run: " run_desc[r] > out
	print "# A site passes when some run injected a fault there, or when" > out
	print "# " excl " lists its name (covering every site of that name)." > out
	print "#" > out
	printf "%-8s %10s %8s  %-52s %-28s %s\n", "injected", "injections",
	    "findings", "site", "location", "note" > out
	for (i = 0; i < nsites; i++)
		print line[i] > out
	print "" > out
	printf "# %d sites: %d injected, %d excluded, %d never injected\n",
	    nsites, nok, nex_used, nmiss > out
	for (e = 0; e < nex; e++) {
		n = ex_order[e]
		printf "# exclusion %s covers %d site(s): %s\n", n, ex_count[n] + 0,
		    ex_reason[n] > out
	}
	close(out)

	rc = 0
	for (e = 0; e < nex; e++) {
		n = ex_order[e]
		if (!ex_count[n]) {
			print "gate FAILED: fault sites: exclusion " n " matches no fault site (" excl ")"
			rc = 1
		} else if (ex_inj[n] == ex_count[n]) {
			print "fault sites: note: every site of " n " was injected; drop its exclusion"
		} else if (ex_inj[n]) {
			printf "fault sites: note: %d of %d sites of %s were injected\n", ex_inj[n], ex_count[n], n
		}
	}
	if (nmiss) {
		printf "gate FAILED: fault sites: %d of %d sites never injected and not excluded (%s):\n",
		    nmiss, nsites, out
		for (m = 0; m < nmiss; m++)
			printf "    %s %s\n", sname[miss[m]], sloc[miss[m]]
		rc = 1
	}
	if (!rc)
		printf "gate ok: fault sites: %d sites, %d injected, %d excluded by name (%s)\n",
		    nsites, nok, nex_used, out
	exit rc
}' "$EXCL" "$RUNS/sites.txt" "${files[@]}"
