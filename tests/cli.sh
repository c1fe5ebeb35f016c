#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# cli.sh [BINDSIM]: the command line's contracts, on the ASan+UBSan build
# by default (build/asan/bindsim).
#
#  - every malformed input under tests/bad/ is refused with exit 2, a
#    "FILE:LINE:" message containing the text its first line names
#    ("# expect-error: TEXT"), and no sanitizer report: *.world through
#    'explore --world F', *.repro through 'replay F' (and minimise and
#    to-cmocka must refuse them too);
#  - usage errors exit 2; a reproducer of another revision exits 2;
#  - 'explore --json' is deterministic apart from its "timing" object;
#    --no-check walks the same graph, exits 3 and says "checks": false,
#    and is refused with --out and --ktap;
#  - sharded exploration: every shard walks the whole graph (same state
#    count as unsharded), and the shards' findings and fault injections add
#    up to the unsharded run's (the reference has mainline's findings);
#  - bounded, streaming exploration: --out naming a file is refused;
#    --max-states and --time-limit stop with 'closure false' and the
#    reason (exit 3 when nothing was found); SIGINT after the first
#    finding (on V2, build/rev/v2/bindsim) and SIGTERM end the run with
#    the partial summary and leave replayable reproducers in --out;
#    --ktap is KTAP;
#  - kernel-shaped reports carry call chains, the same bytes on every
#    replay: a leak's kmemleak backtrace, a WARNING's and an oops's call
#    trace, an injected fault's FAULT_INJECTION trace, on V2 and V2-abort
#    (model: V2=, V2A=; tree: TV2=, TV2A=, in the tree's file:line), on
#    this build and the ASan tree (TREE_ASAN=), in the explorer's report,
#    and a one-line note without addr2line;
#  - exact closure keeps the counts: the model's default world (the plain
#    build, PLAIN=) and the tree's (TREE=, when built).
#
# One line per check, "ok: ..." or "FAILED: ...", then
# "cli: N passed, M failed"; exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
B=${1:-build/asan/bindsim}
PLAIN=${PLAIN:-build/plain/bindsim}
TREE=${TREE:-build/plain/tree/bindsim}
V2=${V2:-build/rev/v2/bindsim}
# The shard check's depth bound on the default world (closure is the
# plain-build gate's job; this one runs under ASan).
SHARD_DEPTH=${SHARD_DEPTH:-6}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

if [ ! -x "$B" ]; then
	echo "FAILED: no executable $B"
	echo "cli: 0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/check-lib.sh

# A sanitizer report in FILE (ASan, LSan, UBSan)?
sanitized() {
	grep -qE 'Sanitizer|runtime error:' "$1"
}

show() {
	sed -n '1,12s/^/    | /p' "$1"
}

# run NAME EXPECTED_RC CMD...: run CMD with stdout/stderr in $tmp/out and
# $tmp/err; check its exit code (EXPECTED_RC may be "0|1") and that no
# sanitizer spoke.
run() {
	local name=$1 want=$2 rc
	shift 2
	timeout 120 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if sanitized "$tmp/err"; then
		bad "$name: sanitizer report (exit $rc)"
		show "$tmp/err"
		return 1
	fi
	if ! [[ $rc =~ ^($want)$ ]]; then
		bad "$name: exit $rc, expected $want"
		show "$tmp/err"
		return 1
	fi
	return 0
}

# Regular expression matching the string $1 literally.
re_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$/+?(){}|]/\\&/g'
}

# ---------------------------------------------------------------- bad input

check_bad() {
	local f=$1 want
	shift
	want=$(sed -n '1s/^# expect-error: //p' "$f")
	if [ -z "$want" ]; then
		bad "$f: first line is not '# expect-error: TEXT'"
		return
	fi
	run "$f" 2 "$B" "$@" "$f" || return
	if ! grep -qE "^bindsim: $(re_quote "$f"):[0-9]+: " "$tmp/err"; then
		bad "$f: no '$f:LINE:' prefix in the message"
		show "$tmp/err"
		return
	fi
	if ! grep -qF -- "$want" "$tmp/err"; then
		bad "$f: message lacks '$want'"
		show "$tmp/err"
		return
	fi
	ok "$f: exit 2, $(head -n1 "$tmp/err" | sed "s|^bindsim: ||")"
}

nw=0
nr=0
for f in tests/bad/*.world; do
	[ -e "$f" ] || continue
	# --depth 0 only bounds the damage if a bad world were accepted
	check_bad "$f" explore --depth 0 --world
	check_bad "$f" check-world
	nw=$((nw + 1))
done
for f in tests/bad/*.repro; do
	[ -e "$f" ] || continue
	check_bad "$f" replay
	nr=$((nr + 1))
done
if [ "$nw" -ge 12 ] && [ "$nr" -ge 12 ]; then
	ok "tests/bad: $nw malformed worlds, $nr malformed reproducers"
else
	bad "tests/bad: $nw worlds and $nr reproducers, want 12 of each"
fi

# minimise and to-cmocka read reproducers the same way
n=0
for f in tests/bad/*.repro; do
	[ -e "$f" ] || continue
	run "minimise $f" 2 "$B" minimise "$f" -o "$tmp/min.repro" ||
		n=$((n + 1))
	run "to-cmocka $f" 2 "$B" to-cmocka "$f" || n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
	ok "minimise and to-cmocka refuse every bad reproducer with exit 2"
else
	bad "minimise/to-cmocka accepted or crashed on $n bad reproducer(s)"
fi

# ---------------------------------------------------------------- usage

usage() {
	local want=$1 name=$2
	shift 2
	run "$name" "$want" "$B" "$@" && ok "$name: exit $want"
}

usage 2 "no command"
usage 2 "unknown command" frobnicate
usage 2 "unknown option" explore --frobnicate
usage 2 "option without its value" explore --depth
usage 2 "negative depth" explore --depth -1
usage 2 "--shard 3/2" explore --shard 3/2 --depth 0
usage 2 "--shard 1/0" explore --shard 1/0 --depth 0
usage 2 "--shard without /" explore --shard 2 --depth 0
usage 2 "--max-findings x" explore --max-findings x --depth 0
usage 2 "-j 0" explore -j 0 --depth 0
usage 2 "--jobs x" explore --jobs x --depth 0
usage 2 "missing world file" explore --world "$tmp/none.world" --depth 0
: >"$tmp/file"
usage 2 "--out under a regular file" explore --depth 0 --out "$tmp/file/d"
usage 2 "--no-check with --out" explore --no-check --depth 0 --out "$tmp/nc"
usage 2 "--no-check with --ktap" explore --no-check --depth 0 --ktap
usage 2 "replay without a file" replay
usage 2 "replay of a missing file" replay "$tmp/none.repro"
usage 2 "replay with two files" replay a.repro b.repro
usage 2 "minimise without a file" minimise
usage 2 "to-cmocka with two files" to-cmocka a.repro b.repro
usage 2 "unknown built-in world" worlds nosuch
usage 0 "help" help
usage 0 "ops" ops
usage 0 "sites" sites
usage 2 "help of an unknown command" help frobnicate
usage 2 "check-world without a file" check-world
usage 2 "diff --world - (the peer cannot read our stdin)" \
	diff --peer "$B" --world -

# ------------------------------------------------- help, stdin, check-world

# every command's --help is its own entry, and 'help' lists them all
n=0
for c in explore replay state minimise to-cmocka to-selftest check-world \
	ops worlds sites encode decode fuzz-import diff serve version; do
	if ! run "$c --help" 0 "$B" "$c" --help ||
	   ! head -n1 "$tmp/out" | grep -q "^bindsim $c\b" ||
	   [ "$(grep -c '^bindsim ' "$tmp/out")" -ne 1 ]; then
		bad "$c --help: not exactly its own entry"
		show "$tmp/out"
		n=$((n + 1))
	elif ! "$B" help | grep -q "^bindsim $c\b"; then
		bad "help: no entry for $c"
		n=$((n + 1))
	fi
done
[ "$n" -eq 0 ] && ok "COMMAND --help: each of 16 commands, one entry"
if run "help --man" 0 "$B" help --man &&
   grep -q '^\.TH BINDSIM 1 ' "$tmp/out" &&
   [ "$(grep -c '^\.TP$' "$tmp/out")" -ge 17 ]; then
	ok "help --man: a manual page with every command"
else
	bad "help --man: no .TH or too few commands"
fi

# "-" reads standard input, with the same result as the file.
# stdin_same NAME FILE CMD...: CMD with "@" as FILE, then as "-" reading
# FILE on stdin; their outputs (timing and the file's name left out) match.
stdin_same() {
	local name=$1 file=$2 a
	local -a with_file=() with_stdin=()
	shift 2
	for a in "$@"; do
		with_file+=("${a/#@/$file}")
		with_stdin+=("${a/#@/-}")
	done
	# both must exit 0 (the reproducer is clean, the world too)
	if "$B" "${with_file[@]}" >"$tmp/file.raw" 2>&1 &&
	   "$B" "${with_stdin[@]}" <"$file" >"$tmp/stdin.raw" 2>&1 &&
	   sed "$norm" "$tmp/file.raw" >"$tmp/file.out" &&
	   sed "$norm" "$tmp/stdin.raw" >"$tmp/stdin.out" &&
	   cmp -s "$tmp/file.out" "$tmp/stdin.out"
	then
		ok "$name: the same output as from the file"
	else
		bad "$name differs from the file form (or failed)"
	fi
}
norm='s/"timing": {[^}]*}//; s/"world": "[^"]*"//'
f=tests/repro/reference--bind-eperm-clean.repro
stdin_same "replay -" "$f" replay @
# to-cmocka reads its file twice: stdin is read once and kept
stdin_same "to-cmocka -" "$f" to-cmocka @
stdin_same "explore --world -" worlds/vfio.world explore --json --depth 2 \
	--world @
printf 'world -\nboot 0\nexpect clean\nbind d0 c0\n' >"$tmp/stdinworld.repro"
if run "a reproducer naming world -" 2 "$B" replay "$tmp/stdinworld.repro" &&
   grep -q "world '-' is not a file" "$tmp/err"; then
	ok "a reproducer cannot name standard input as its world: exit 2"
fi
printf 'world default\nboot 0\nbind zz c0\n' | "$B" replay - \
	>"$tmp/out" 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q '^bindsim: <stdin>:3: unknown device' "$tmp/err"
then
	ok "replay -: a bad line is reported as <stdin>:LINE, exit 2"
else
	bad "replay -: bad input not reported as <stdin>:LINE"
	show "$tmp/err"
fi

# check-world: every shipped world is valid, and --print is a fixed point
n=0
for w in worlds/*.world default; do
	if ! run "check-world $w" 0 "$B" check-world "$w" --print; then
		n=$((n + 1))
		continue
	fi
	grep -v '^boot [0-9]*:\|: valid$' "$tmp/out" >"$tmp/p1.world"
	"$B" check-world - --print <"$tmp/p1.world" 2>/dev/null |
		grep -v '^boot [0-9]*:\|: valid$' >"$tmp/p2.world"
	if ! cmp -s "$tmp/p1.world" "$tmp/p2.world"; then
		bad "check-world $w --print: printing the printed world differs"
		n=$((n + 1))
	fi
done
[ "$n" -eq 0 ] && ok "check-world: worlds/*.world and default valid, --print a fixed point"
# a noiommu VFIO device registers only in the boots that opt in
if run "check-world vfio" 0 "$B" check-world worlds/vfio.world &&
   grep -q '^boot 1: vfio d0 n0(noiommu)$' "$tmp/out" &&
   grep -q '^boot 0: vfio d0$' "$tmp/out"; then
	ok "check-world: n0 registers with VFIO only in the opted-in boot"
else
	bad "check-world: VFIO registrations per boot not as the world says"
	show "$tmp/out"
fi

# the built-in world as printed is a valid world file
if run "worlds default" 0 "$B" worlds default; then
	cp "$tmp/out" "$tmp/default.world"
	usage 0 "'worlds default' output explores" explore --depth 0 \
		--world "$tmp/default.world"
fi

# ------------------------------------------------- options (getopt_long)

cmds="explore replay state minimise to-cmocka to-selftest check-world ops
	worlds sites encode decode fuzz-import diff serve version help"

# The options in TEXT: words "-x" or "--xx-yy" after a space, "[", "|" or
# "(" (so "built-in" and "FILE|-" are not), one a line, sorted.
opts_in() {
	printf '%s\n' "$1" |
		grep -oE '(^|[][ |(])--?[a-z][a-z-]*' | sed 's/^[][ |(]//' |
		sort -u
}

# refused NAME REGEX CMD...: exit 2, and stderr matches REGEX
refused() {
	local name=$1 re=$2
	shift 2
	run "$name" 2 "$B" "$@" || return 1
	if ! grep -qE -- "$re" "$tmp/err"; then
		bad "$name: exit 2 but the message does not match /$re/"
		show "$tmp/err"
		return 1
	fi
	ok "$name: exit 2, $(head -n1 "$tmp/err" | cut -c1-90)"
}

# Every command refuses an unknown option, naming its valid ones; those
# are exactly the options of its synopsis (plus -h|--help and --version),
# of its man page entry, and its text names no other option.
common=$(printf '%s\n' -h --help --version | sort -u)
"$B" help --man >"$tmp/man" 2>/dev/null
n=0
for c in $cmds; do
	if ! run "$c --no-such-option" 2 "$B" "$c" --no-such-option; then
		n=$((n + 1))
		continue
	fi
	valid=$(sed -n "s/^bindsim $c: unknown option '--no-such-option';"\
" valid: //p" "$tmp/err")
	if [ -z "$valid" ]; then
		bad "$c --no-such-option: the message names no valid options"
		show "$tmp/err"
		n=$((n + 1))
		continue
	fi
	valid=$(opts_in " ${valid//, / }")
	"$B" "$c" --help >"$tmp/help" 2>&1
	# the synopsis: the entry's lines before its 4-space-indented text
	syn=$(sed -n '/^    [^ ]/q;p' "$tmp/help")
	text=$(sed -n '/^    [^ ]/,$p' "$tmp/help")
	want=$(printf '%s\n%s\n' "$(opts_in "$syn")" "$common" | grep . |
		sort -u)
	man=$(sed -n "/^\.B $c\( \|\$\)/{s/\\\\-/-/g;p}" "$tmp/man")
	if [ "$valid" != "$want" ]; then
		bad "$c: valid options ($(echo $valid)) are not its synopsis'" \
			"($(echo $want))"
		n=$((n + 1))
	elif [ "$(opts_in "$man")" != "$(opts_in "$syn")" ]; then
		bad "$c: the man page's options ($(echo $(opts_in "$man")))" \
			"are not the synopsis' ($(echo $(opts_in "$syn")))"
		n=$((n + 1))
	elif [ -n "$(comm -23 <(opts_in "$text") <(echo "$valid"))" ]; then
		bad "$c: its text names options it does not take:" \
			"$(comm -23 <(opts_in "$text") <(echo "$valid"))"
		n=$((n + 1))
	fi
done
[ "$n" -eq 0 ] && ok "every command: an unknown option exits 2 naming" \
	"the valid ones, which are its synopsis' and man page's"

# --OPT=VALUE is --OPT VALUE, and -oVALUE is -o VALUE: the same bytes
"$B" explore --json --depth=3 2>&1 | sed 's/"timing": {[^}]*}//' \
	>"$tmp/eq1"
"$B" explore --json --depth 3 2>&1 | sed 's/"timing": {[^}]*}//' \
	>"$tmp/eq2"
if grep -q '"depth": 3,' "$tmp/eq1" && cmp -s "$tmp/eq1" "$tmp/eq2"; then
	ok "explore --depth=3 and --depth 3: the same output"
else
	bad "explore --depth=3 differs from --depth 3 (or failed)"
	show "$tmp/eq1"
fi
f=tests/repro/reference--bind-eperm-clean.repro
rm -f "$tmp"/min-*.repro
"$B" minimise "$f" -o "$tmp/min-o.repro" 2>/dev/null
"$B" minimise "$f" -o"$tmp/min-oj.repro" 2>/dev/null
"$B" minimise "$f" --out="$tmp/min-eq.repro" 2>/dev/null
"$B" minimise --out "$tmp/min-sp.repro" "$f" 2>/dev/null
if [ -s "$tmp/min-o.repro" ] && cmp -s "$tmp/min-o.repro" "$tmp/min-oj.repro" &&
   cmp -s "$tmp/min-o.repro" "$tmp/min-eq.repro" &&
   cmp -s "$tmp/min-o.repro" "$tmp/min-sp.repro"; then
	ok "minimise -o X, -oX, --out=X and --out X (before FILE):" \
		"the same file"
else
	bad "minimise -o X, -oX, --out=X, --out X: not the same file"
fi
"$B" encode --hex "$f" >"$tmp/enc1" 2>&1
"$B" encode --hex --out="$tmp/enc2" "$f" 2>/dev/null
if [ -s "$tmp/enc1" ] && cmp -s "$tmp/enc1" "$tmp/enc2"; then
	ok "encode --hex --out=X: the same bytes as on stdout"
else
	bad "encode --hex --out=X differs from stdout (or failed)"
fi
# options and operands in any order, whatever POSIXLY_CORRECT says
"$B" replay --json "$f" >"$tmp/ord1" 2>&1
POSIXLY_CORRECT=1 "$B" replay "$f" --json >"$tmp/ord2" 2>&1
if grep -q '"matches": true' "$tmp/ord1" && cmp -s "$tmp/ord1" "$tmp/ord2"
then
	ok "replay FILE --json under POSIXLY_CORRECT: as replay --json FILE"
else
	bad "POSIXLY_CORRECT changes how replay FILE --json is read"
fi

# conflicting options, named
refused "explore --depth 3 --closure" \
	"^bindsim explore: --depth and --closure exclude each other" \
	explore --depth 3 --closure
refused "explore --ktap --json" \
	"^bindsim explore: --json and --ktap exclude each other" \
	explore --ktap --json --depth 0
refused "diff --closure --depth=2" \
	"^bindsim diff: --depth and --closure exclude each other" \
	diff --peer "$B" --closure --depth=2
refused "help --man explore" "^bindsim help: --man and COMMAND exclude" \
	help --man explore

# numbers: digits only, in range
for v in 3x -1 +3 ' 3' '' 1001 99999999999999999999; do
	refused "explore --depth '$v'" \
		"^bindsim explore: --depth '$(re_quote "$v")': not a whole"\
" number from 0 to 1000$" \
		explore --depth "$v"
done
refused "explore --max-states=1e3" \
	"^bindsim explore: --max-states '1e3': not a whole number" \
	explore --max-states=1e3
refused "diff --depth 3x" "^bindsim diff: --depth '3x': not a whole number" \
	diff --peer "$B" --depth 3x
refused "explore --shard 1/2x" "^bindsim explore: --shard '1/2x': not I/N" \
	explore --shard 1/2x --depth 0
refused "explore --time-limit 0x10" \
	"^bindsim explore: --time-limit '0x10': not a number of seconds" \
	explore --time-limit 0x10

# missing arguments, flags with one, prefixes, stray operands
refused "explore --world (no argument)" \
	"^bindsim explore: option '--world' needs its argument FILE" \
	explore --world
refused "minimise FILE -o (no argument)" \
	"^bindsim minimise: option '-o\|--out' needs its argument OUT" \
	minimise "$f" -o
refused "replay --json=yes" \
	"^bindsim replay: option '--json' takes no argument" \
	replay --json=yes "$f"
refused "explore --dep 3 (a prefix)" \
	"^bindsim explore: unknown option '--dep'; valid: --world, --depth," \
	explore --dep 3
refused "replay -x FILE" "^bindsim replay: unknown option '-x'; valid: " \
	replay -x "$f"
refused "explore OPERAND" "^bindsim explore: unexpected operand 'x'" \
	explore --depth 0 x
refused "ops OPERAND" "^bindsim ops: unexpected operand 'x'" ops x
refused "version OPERAND" "^bindsim version: unexpected operand 'x'" version x
refused "replay two files" "^bindsim replay: unexpected operand 'b'" \
	replay a b
refused "stop-on an unknown kind" \
	"^bindsim explore: --stop-on 'x': unknown finding kind; valid: leak," \
	explore --stop-on x --depth 0

# "--" ends the options: a file named like one is a FILE
B_ABS=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
mkdir -p "$tmp/dd"
cp "$f" "$tmp/dd/--json"
if (cd "$tmp/dd" && "$B_ABS" replay --json -- --json) >"$tmp/out" \
	2>"$tmp/err" && grep -q '^{"file": "--json",' "$tmp/out"; then
	ok "replay --json -- --json: replays the file named --json"
else
	bad "replay --json -- --json: not the file named --json"
	show "$tmp/err"
fi
if run "replay -- -" 0 "$B" replay -- - <"$f" &&
   grep -q '^expect clean: reproduced$' "$tmp/out"; then
	ok "replay -- -: '-' after '--' is still standard input"
fi

# --version: the same line from every spelling, with the target
"$B" version >"$tmp/v1" 2>&1
"$B" --version >"$tmp/v2" 2>&1
"$B" explore --version >"$tmp/v3" 2>&1
if grep -q "^bindsim revision .*, target " "$tmp/v1" &&
   cmp -s "$tmp/v1" "$tmp/v2" && cmp -s "$tmp/v1" "$tmp/v3"; then
	ok "version, --version, explore --version: $(cat "$tmp/v1")"
else
	bad "version, --version and COMMAND --version differ"
	show "$tmp/v3"
fi

# ---------------------------------------------------------------- revisions

rev=$("$B" help |
	sed -n "s/^This binary is revision '\(.*\)' of the [a-z]*\.$/\1/p")
cat >"$tmp/clean.repro" <<EOF
revision $rev
world default
boot 0
expect clean
bind n1 c0
bind d0 c0 fail=@1
unbind n1
EOF
if run "replay of a clean reproducer" 0 "$B" replay "$tmp/clean.repro"; then
	if grep -q '^expect clean: reproduced$' "$tmp/out"; then
		ok "replay of a clean reproducer: exit 0, reproduced"
	else
		bad "replay of a clean reproducer: no 'reproduced' line"
	fi
fi
sed 's/^expect clean$/expect leak iommufd_alloc_group:kzalloc/' \
	"$tmp/clean.repro" >"$tmp/notfound.repro"
run "replay of an absent finding" 1 "$B" replay "$tmp/notfound.repro" &&
	ok "replay of a finding that does not show: exit 1"
sed "s/^revision .*/revision not-$rev/" "$tmp/clean.repro" >"$tmp/other.repro"
if run "replay of another revision" 2 "$B" replay "$tmp/other.repro"; then
	if grep -qF "reproducer is for revision 'not-$rev'" "$tmp/err"; then
		ok "replay of another revision's reproducer: exit 2"
	else
		bad "replay of another revision: message does not name it"
		show "$tmp/err"
	fi
fi

# ---------------------------------------------------------------- json

json_of() {
	# explore --json minus its "timing" object
	sed 's/"timing": {[^}]*}//' "$1"
}

if run "explore --json vfio (1)" 0 "$B" explore --json --closure \
	--world worlds/vfio.world; then
	cp "$tmp/out" "$tmp/j1"
	if run "explore --json vfio (2)" 0 "$B" explore --json --closure \
		--world worlds/vfio.world; then
		cp "$tmp/out" "$tmp/j2"
		if ! grep -q '"timing": {' "$tmp/j1"; then
			bad "explore --json: no \"timing\" object"
		elif ! grep -q '"closure": true' "$tmp/j1"; then
			bad "explore --json: vfio world did not close"
		elif cmp -s <(json_of "$tmp/j1") <(json_of "$tmp/j2"); then
			ok "explore --json twice on vfio.world: identical but" \
				"for timing"
		else
			bad "explore --json differs between two runs"
			diff <(json_of "$tmp/j1") <(json_of "$tmp/j2") | head -5
		fi
		if command -v python3 >/dev/null; then
			if python3 -m json.tool "$tmp/j1" >/dev/null 2>&1; then
				ok "explore --json is valid JSON"
			else
				bad "explore --json is not valid JSON"
			fi
		fi
	fi
	# --no-check (benchmarks): the same walk, judged by nothing, and
	# neither its exit code nor its JSON reads as a clean verdict
	if run "explore --no-check vfio" 3 "$B" explore --json --closure \
		--no-check --world worlds/vfio.world; then
		counts='"states": [0-9]*, "expanded": [0-9]*, '
		counts+='"transitions": [0-9]*, "injections": [0-9]*'
		if ! grep -q '"checks": false' "$tmp/out"; then
			bad "explore --no-check: no \"checks\": false"
		elif [ "$(grep -o "$counts" "$tmp/out")" != \
			"$(grep -o "$counts" "$tmp/j1")" ]; then
			bad "explore --no-check walks another graph"
		elif grep -q '"checks"' "$tmp/j1"; then
			bad "explore --json says \"checks\" when it checked"
		else
			ok "explore --no-check: exit 3, \"checks\": false, the" \
				"same states, transitions and injections"
		fi
	fi
fi

# ---------------------------------------------------------------- shards

num() {
	sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$2" | head -n1
}

sigs_of() {
	grep -o '"signature": "[^"]*"' "$1" | sort -u
}

if run "explore default depth $SHARD_DEPTH" '0|1' "$B" explore --json \
	--depth "$SHARD_DEPTH"; then
	all_states=$(num states "$tmp/out")
	all_inj=$(num injections "$tmp/out")
	all_sigs=$(sigs_of "$tmp/out")
	sum_inj=0
	good=1
	: >"$tmp/shard-sigs"
	for i in 0 1 2; do
		run "explore --shard $i/3" '0|1' "$B" explore --json \
			--depth "$SHARD_DEPTH" --shard "$i/3" || {
			good=0
			continue
		}
		s=$(num states "$tmp/out")
		j=$(num injections "$tmp/out")
		sigs_of "$tmp/out" >>"$tmp/shard-sigs"
		if [ "$s" != "$all_states" ]; then
			bad "shard $i/3: $s states, unsharded $all_states"
			good=0
		else
			ok "shard $i/3 (depth $SHARD_DEPTH): $s states as unsharded"
		fi
		sum_inj=$((sum_inj + ${j:-0}))
	done
	if [ "$good" -eq 1 ] && [ "$sum_inj" -eq "$all_inj" ] &&
		[ "$all_inj" -gt 0 ]; then
		ok "shards' injections add up: $sum_inj = $all_inj"
	elif [ "$good" -eq 1 ]; then
		bad "shards' injections $sum_inj, unsharded $all_inj"
	fi
	if [ "$(sort -u "$tmp/shard-sigs")" = "$all_sigs" ]; then
		ok "shards' findings add up: $(printf '%s\n' "$all_sigs" |
			grep -c .) signature(s) as unsharded"
	else
		bad "shards' findings differ from the unsharded run's"
	fi
fi

# Reproducer assertions and the state view (no revision or expect line:
# any binary, expect clean; the world found beside the reproducer).
mkdir -p "$tmp/rdir"
cp worlds/vfio.world "$tmp/rdir/mine.world"
cat >"$tmp/rdir/assert.repro" <<'EOF'
world mine.world
bind d0 c0 = 0
assert group g0 owner c0
assert ctx c0 object 2 type device
bind d0 c0 = -EINVAL
EOF
if run "asserted reproducer, world beside it" 0 "$B" replay \
	"$tmp/rdir/assert.repro"; then
	ok "asserted reproducer replays clean (exit 0)"
fi
sed 's/^bind d0 c0 = 0$/bind d0 c0 = -EPERM/' "$tmp/rdir/assert.repro" \
	>"$tmp/rdir/wrong-ret.repro"
if run "wrong return code" 1 "$B" replay "$tmp/rdir/wrong-ret.repro"; then
	if grep -q "^BUG: assert step:1" "$tmp/out" &&
	   grep -q "returned 0, the reproducer asserts -EPERM" "$tmp/out"; then
		ok "a wrong return code is an 'assert step:1' finding (exit 1)"
	else
		bad "wrong return code: no 'assert step:1' finding"
		show "$tmp/out"
	fi
fi
sed 's/^assert group g0 owner c0$/assert group g0 owner c1/' \
	"$tmp/rdir/assert.repro" >"$tmp/rdir/wrong-state.repro"
if run "wrong state assertion" 1 "$B" replay "$tmp/rdir/wrong-state.repro"
then
	if grep -q "^BUG: assert line:3" "$tmp/out"; then
		ok "a false state assertion is an 'assert line:3' finding"
	else
		bad "wrong state: no 'assert line:3' finding"
		show "$tmp/out"
	fi
fi
if run "bindsim state" 0 "$B" state "$tmp/rdir/assert.repro"; then
	if grep -q "^   | group g0$" "$tmp/out" &&
	   grep -q "^   |  owner c0$" "$tmp/out"; then
		ok "bindsim state prints the state view after the last step"
	else
		bad "bindsim state: no state view"
		show "$tmp/out"
	fi
fi
if run "replay --json" 0 "$B" replay --json "$tmp/rdir/assert.repro"; then
	if grep -q '"steps": \[{"op": "bind d0 c0", "ret": 0, "out": "id 2"}, {"op": "bind d0 c0", "ret": -22}\]' "$tmp/out"; then
		ok "replay --json lists every step's return code"
	else
		bad "replay --json: no per-step return codes"
		show "$tmp/out"
	fi
fi

# A reproducer whose fault never fires is stale: replay says so, exit 1
printf 'world default\nbind d0 c0 fail=@50\n' >"$tmp/rdir/f50.repro"
if run "fault beyond the step's fault points" 1 "$B" replay \
	"$tmp/rdir/f50.repro"; then
	if grep -q "asked for a fault that was not injected" "$tmp/err"; then
		ok "fail=@50 beyond the step's fault points: exit 1, said"
	else
		bad "fail=@50: no 'not injected' message"
		show "$tmp/err"
	fi
fi
printf 'world default\nbind d0 c0 fail=no_such:site#1\n' >"$tmp/rdir/fs.repro"
if run "unknown fault site" 1 "$B" replay "$tmp/rdir/fs.repro"; then
	ok "an unknown fault site: exit 1 (not 'reproduced')"
fi
# to-cmocka: an expect line with '"', '\' and '*/' still gives valid C
printf 'world default\nexpect leak x"y*/z\\w\nbind d0 c0\n' \
	>"$tmp/rdir/quote.repro"
if run "to-cmocka with quotes" 0 "$B" to-cmocka "$tmp/rdir/quote.repro"
then
	if gcc -std=gnu11 -fsyntax-only -Wall -Werror -Ishims/include \
		-Imodel/include -Imodel -Isim -x c "$tmp/out" 2>"$tmp/cc"; then
		ok "to-cmocka escapes '\"', '\\' and '*/' (the C compiles)"
	else
		bad "to-cmocka: the C does not compile with a quoted expect"
		show "$tmp/cc"
	fi
fi

# minimise: a file that does not show its expect line has nothing to keep
printf 'world default\nexpect leak nowhere:kzalloc\nbind d0 c0\n' \
	>"$tmp/rdir/nomin.repro"
if run "minimise of a non-reproducing file" 1 "$B" minimise \
	"$tmp/rdir/nomin.repro"; then
	if grep -q "does not reproduce" "$tmp/err"; then
		ok "minimise refuses a file that does not reproduce (exit 1)"
	else
		bad "minimise: no 'does not reproduce' message"
		show "$tmp/err"
	fi
fi
# encode: a reproducer the byte form cannot express is bad input (exit 2)
# (a map takes a page at one of the world's IOVA classes: not 0x5000)
printf 'world default\nioas-map c0 1 0x5000 0x1000\n' >"$tmp/rdir/noenc.repro"
run "encode of a map outside the IOVA classes" 2 "$B" encode --hex \
	"$tmp/rdir/noenc.repro" &&
	ok "encode refuses what the byte form cannot express (exit 2)"

# worlds/default.world is the built-in default world, word for word
if "$B" worlds default | diff -q - worlds/default.world >/dev/null; then
	ok "worlds/default.world is the built-in default world"
else
	bad "worlds/default.world differs from 'bindsim worlds default'"
fi

# ------------------------------------------------ bounded, streaming runs

usage 2 "--max-states x" explore --max-states x --depth 0
usage 2 "--time-limit 0" explore --time-limit 0 --depth 0
usage 2 "--time-limit -1" explore --time-limit -1 --depth 0
usage 2 "--json with --ktap" explore --json --ktap --depth 0
echo keep >"$tmp/file"
if run "--out naming a file" 2 "$B" explore --depth 1 --out "$tmp/file"; then
	if grep -qF "$tmp/file exists and is not a directory" "$tmp/err" &&
		[ "$(cat "$tmp/file")" = keep ]; then
		ok "--out naming an existing file: exit 2, file untouched"
	else
		bad "--out naming a file: no message, or the file changed"
		show "$tmp/err"
	fi
fi

# --max-states on a clean world: exactly N states, not a closure, exit 3
if run "--max-states 100 vfio" 3 "$B" explore --json --max-states 100 \
	--world worlds/vfio.world; then
	if [ "$(num states "$tmp/out")" = 100 ] &&
		grep -q '"closure": false, "stopped": "max-states"' "$tmp/out"
	then
		ok "--max-states 100: 100 states, closure false," \
			"stopped max-states, exit 3"
	else
		bad "--max-states 100: wrong summary"
		show "$tmp/out"
	fi
fi
if run "--max-states 100 vfio text" 3 "$B" explore --max-states 100 \
	--world worlds/vfio.world; then
	if grep -q '^  closure  *false$' "$tmp/out" &&
		grep -q '^  stopped  *max-states$' "$tmp/out"; then
		ok "--max-states: text summary says 'closure false'," \
			"'stopped max-states'"
	else
		bad "--max-states: text summary lacks closure/stopped lines"
		show "$tmp/out"
	fi
fi
# the limit shows; the exit is 1 if a finding came first (the large world
# has mainline's), 3 if the machine was too slow to reach one in time
if run "--time-limit 0.3 large" "1|3" "$B" explore --json --time-limit 0.3 \
	--world worlds/large.world; then
	if grep -q '"closure": false, "stopped": "time-limit"' "$tmp/out"; then
		ok "--time-limit 0.3 on large.world: stopped time-limit"
	else
		bad "--time-limit: wrong summary"
		show "$tmp/out"
	fi
fi

# --ktap: one test, findings as diagnostics
if run "--ktap vfio" 0 "$B" explore --ktap --closure \
	--world worlds/vfio.world; then
	if [ "$(sed -n 1p "$tmp/out")" = "KTAP version 1" ] &&
		[ "$(sed -n 2p "$tmp/out")" = "1..1" ] &&
		[ "$(tail -n1 "$tmp/out")" = "ok 1 vfio" ] &&
		! sed '1,2d;$d' "$tmp/out" | grep -qv '^#'; then
		ok "--ktap on a clean world: KTAP, 'ok 1 vfio'"
	else
		bad "--ktap on a clean world: not KTAP"
		show "$tmp/out"
	fi
fi
if run "--ktap default" 1 "$B" explore --ktap --depth 4; then
	if [ "$(tail -n1 "$tmp/out")" = "not ok 1 default" ] &&
		grep -q '^# BUG: ' "$tmp/out" &&
		! sed '1,2d;$d' "$tmp/out" | grep -qv '^#'; then
		ok "--ktap with findings: 'not ok 1 default', '# BUG:' lines"
	else
		bad "--ktap with findings: not KTAP"
		show "$tmp/out"
	fi
fi

# stop BIN SIGNAL DIR ARGS...: explore in the background, send SIGNAL once
# a reproducer is in DIR; the exit code lands in $sig_rc
stop_after_first() {
	local bin=$1 sig=$2 dir=$3 pid i
	shift 3
	"$bin" explore --out "$dir" "$@" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for i in $(seq 600); do
		ls "$dir"/*.repro >/dev/null 2>&1 && break
		sleep 0.05
	done
	kill "-$sig" "$pid" 2>/dev/null
	wait "$pid"
	sig_rc=$?
}

# SIGINT after V2's first finding: the partial summary, every finding seen
# so far in --out, each replayable (large.world does not close in a test)
if [ -x "$V2" ]; then
	stop_after_first "$V2" INT "$tmp/int" --world worlds/large.world
	n=$(ls "$tmp/int"/*.repro 2>/dev/null | grep -c .)
	nf=$(sed -n 's/^  findings  *\([0-9]*\)$/\1/p' "$tmp/out")
	if [ "$sig_rc" -eq 1 ] && grep -q '^  stopped  *interrupted$' \
		"$tmp/out" && grep -q '^  closure  *false$' "$tmp/out" &&
		[ "$n" -ge 1 ] && [ "$n" = "$nf" ]; then
		ok "SIGINT after the first finding: exit 1, 'stopped" \
			"interrupted', $n reproducer(s) in --out"
	else
		bad "SIGINT: exit $sig_rc, $n reproducer(s) for ${nf:-no}" \
			"finding(s), or no 'stopped interrupted' summary"
		show "$tmp/out"
	fi
	m=0
	for f in "$tmp/int"/*.repro; do
		[ -e "$f" ] || continue
		"$V2" replay "$f" >/dev/null 2>&1 || {
			bad "SIGINT: $f does not replay"
			m=$((m + 1))
		}
	done
	[ "$m" -eq 0 ] && [ "$n" -ge 1 ] &&
		ok "SIGINT: all $n reproducer(s) replay on V2"
else
	bad "no $V2 (make revisions) for the SIGINT check"
fi
# SIGTERM, on this build: the same clean ending
stop_after_first "$B" TERM "$tmp/term" --world worlds/large.world
if [ "$sig_rc" -eq 1 ] && grep -q '^  stopped  *interrupted$' "$tmp/out" &&
	! sanitized "$tmp/err"; then
	ok "SIGTERM: exit 1, 'stopped interrupted', no sanitizer report"
else
	bad "SIGTERM: exit $sig_rc, or no 'stopped interrupted' summary"
	show "$tmp/out"
	show "$tmp/err"
fi

# ------------------------------------ kernel-shaped reports: call chains

# in_order FILE ERE...: each extended regular expression matches a line of
# FILE after the line the one before it matched.
in_order() {
	local f=$1 re n last=0
	shift
	for re in "$@"; do
		n=$(awk -v l="$last" -v re="$re" \
			'NR > l && $0 ~ re { print NR; exit }' "$f")
		if [ -z "$n" ]; then
			echo "    | no line matching '$re' after line $last"
			return 1
		fi
		last=$n
	done
}

# chains NAME BIN REPRO ERE...: 'BIN replay REPRO' prints the lines in
# order, no frame of bindsim's engine or report machinery, and the same
# bytes twice.
chains() {
	local name=$1 bin=$2 repro=$3
	shift 3
	if [ ! -x "$bin" ]; then
		bad "$name: no $bin"
		return
	fi
	run "$name" '0|1' "$bin" replay "$repro" || return
	cp "$tmp/out" "$tmp/chain1"
	run "$name (again)" '0|1' "$bin" replay "$repro" || return
	if ! cmp -s "$tmp/chain1" "$tmp/out"; then
		bad "$name: two replays differ"
		diff "$tmp/chain1" "$tmp/out" | sed -n '1,8s/^/    | /p'
	elif grep -qE '^ +[a-z_]+ (sim/[a-z_]+|shims/(core|stack)|[a-z]+/target)[.]c:' \
		"$tmp/out"; then
		bad "$name: a frame of bindsim's engine in a call chain"
		grep -E ' (sim|shims/core|shims/stack|[a-z]+/target)[./]' \
			"$tmp/out" | sed -n '1,4s/^/    | /p'
	elif in_order "$tmp/out" "$@"; then
		ok "$name"
	else
		bad "$name: the report lacks its call chain"
		show "$tmp/out"
	fi
}

# leak_chain NAME BIN REPRO: the kmemleak block of the idev leak, its
# backtrace starting at the allocation's own site (the 'at' line).
leak_chain() {
	local at
	at=$("$2" replay "$3" 2>/dev/null | sed -n \
		'/^BUG: leak _iommufd_object_alloc:kzalloc$/,/^BUG/s/^  at \([^ ]*\) _iommufd_object_alloc$/\1/p' |
		head -n1)
	if [ -z "$at" ]; then
		bad "$1: no leak of _iommufd_object_alloc:kzalloc"
		return
	fi
	chains "$1" "$2" "$3" \
		'^BUG: leak _iommufd_object_alloc:kzalloc$' \
		'^  report: memory leak in _iommufd_object_alloc$' \
		'^  unreferenced object [(]size [0-9]+[)]:$' \
		'^    comm "bindsim", pid 1$' '^    backtrace:$' \
		"^      _iommufd_object_alloc $(re_quote "$at")\$" \
		"^      iommufd_device_bind ${4}device[.]c:[0-9]+\$" \
		'^      vfio_device_cdev_open_bind model/vfio[.]c:[0-9]+$' \
		'^result: findings$'
}

# warn_chain NAME BIN REPRO DIR: the WARNING splat of v2-abort's release
# of DMA ownership never claimed, with its call trace
warn_chain() {
	chains "$1" "$2" "$3" \
		'^  report: WARNING in iommufd_device_destroy$' \
		'^  ------------\[ cut here \]------------$' \
		"^  WARNING: CPU: 0 PID: 1 at ${4}device[.]c:[0-9]+ iommufd_device_destroy\$" \
		'^  CPU: 0 PID: 1 Comm: bindsim$' '^  Call Trace:$' \
		'^   <TASK>$' \
		'^   iommu_device_release_dma_owner shims/iommu[.]c:[0-9]+$' \
		"^   iommufd_device_destroy ${4}device[.]c:[0-9]+\$" \
		"^   iommufd_device_bind ${4}device[.]c:[0-9]+\$" \
		'^   </TASK>$'
}

# fault_chain NAME BIN REPRO DIR: the injected fault's FAULT_INJECTION
# line, then its call trace
fault_chain() {
	chains "$1" "$2" "$3" \
		'^        FAULT_INJECTION: forcing a failure[.] name iommufd_alloc_group:kzalloc, ' \
		'^        CPU: 0 PID: 1 Comm: bindsim$' '^        Call Trace:$' \
		"^         iommufd_alloc_group ${4}device[.]c:[0-9]+\$" \
		"^         iommufd_device_bind ${4}device[.]c:[0-9]+\$" \
		'^         </TASK>$' '^   = -ENOMEM$'
}

# oops_chain NAME BIN REPRO DIR: the NULL dereference's RIP and trace
oops_chain() {
	chains "$1" "$2" "$3" \
		'^  report: BUG: kernel NULL pointer dereference in iommufd_group_release$' \
		"^  RIP: 0010:iommufd_group_release ${4}device[.]c:[0-9]+\$" \
		'^  Call Trace:$' \
		"^   iommufd_group_release ${4}device[.]c:[0-9]+\$" \
		"^   iommufd_device_unbind ${4}device[.]c:[0-9]+\$" \
		'^   </TASK>$'
}

V2A=${V2A:-build/rev/v2-abort/bindsim}
TV2=${TV2:-build/trev/v2/bindsim}
TV2A=${TV2A:-build/trev/v2-abort/bindsim}
TREE_ASAN=${TREE_ASAN:-build/asan/tree/bindsim}
r=tests/repro
leak_chain "model leak: kmemleak backtrace" "$V2" $r/v2--leak-nofault.repro \
	model/
warn_chain "model WARN: splat with call trace" "$V2A" \
	$r/v2-abort--warn-iommufd-device-destroy-iommu-device-release-dma-owner.repro \
	model/
fault_chain "model fault: FAULT_INJECTION with call trace" "$V2" \
	$r/v2--leak--iommufd-object-alloc-kzalloc.repro model/
oops_chain "model oops: RIP and call trace" "$V2" \
	$r/v2--oops-iommufd-group-release-iommu-group-id.repro model/
# this build (ASan+UBSan), the reference: an injected fault's chain
sed 's/^expect .*/expect clean/; /^revision /d' \
	$r/v2--leak--iommufd-object-alloc-kzalloc.repro >"$tmp/fault.repro"
fault_chain "fault chain on $B" "$B" "$tmp/fault.repro" model/
if [ -x "$TREE" ]; then
	r=tests/repro-tree
	t=drivers/iommu/iommufd/
	leak_chain "tree leak: backtrace in the tree's file:line" "$TV2" \
		$r/v2--leak-nofault.repro $t
	warn_chain "tree WARN: splat with call trace" "$TV2A" \
		$r/v2-abort--warn-iommufd-device-destroy-iommu-device-release-dma-owner.repro \
		$t
	fault_chain "tree fault: FAULT_INJECTION with call trace" "$TV2" \
		$r/v2--leak--iommufd-object-alloc-kzalloc.repro $t
	oops_chain "tree oops: RIP and call trace" "$TV2" \
		$r/v2--oops-iommufd-group-release-iommu-group-id.repro $t
	# an ioctl's chain ends at the file operation, as the kernel's at
	# the system call
	printf 'world default\nboot 0\nioas-alloc c0 fail=_iommufd_object_alloc:kzalloc#1\n' \
		>"$tmp/ioctl.repro"
	if [ -x "$TREE_ASAN" ]; then
		chains "tree ioctl chain ends at iommufd_fops_ioctl ($TREE_ASAN)" \
			"$TREE_ASAN" "$tmp/ioctl.repro" \
			'^         _iommufd_object_alloc drivers/iommu/iommufd/main[.]c:[0-9]+$' \
			'^         iommufd_fops_ioctl drivers/iommu/iommufd/main[.]c:[0-9]+$' \
			'^         </TASK>$'
	fi
fi
# the explorer's report of a finding carries the chain too (a replay of
# its minimised reproducer)
if run "V2 explore --depth 1" 1 "$V2" explore --depth 1 &&
	in_order "$tmp/out" '^BUG: leak _iommufd_object_alloc:kzalloc$' \
		'^    backtrace:$' \
		'^      _iommufd_object_alloc model/main[.]c:[0-9]+$' \
		'^      iommufd_device_bind model/device[.]c:[0-9]+$' \
		'^  first seen after'; then
	ok "explore: a leak's report carries its backtrace"
else
	bad "explore: no backtrace in the leak's report"
fi
# no addr2line: the site alone, with a note, the same exit status
if run "replay without addr2line" 0 env PATH=/nonexistent "$V2" replay \
	tests/repro/v2--leak-nofault.repro &&
	in_order "$tmp/out" '^    backtrace:$' \
		'^      [(]no call chain: addr2line not found' \
		'^expect leak _iommufd_object_alloc:kzalloc: reproduced$'; then
	ok "no addr2line: a one-line note instead of the chain"
else
	bad "no addr2line: no note, or the replay failed"
fi

# ------------------------------------------------ exact closure, counts

# closure_counts NAME BIN STATES [TRANSITIONS]
closure_counts() {
	local name=$1 bin=$2 states=$3 trans=${4:-}
	if ! run "$name closure" '0|1' "$bin" explore --json --closure; then
		return
	fi
	if [ "$(num states "$tmp/out")" = "$states" ] &&
		{ [ -z "$trans" ] ||
		  [ "$(num transitions "$tmp/out")" = "$trans" ]; } &&
		grep -q '"closure": true, "stopped": false' "$tmp/out"; then
		ok "$name default world to closure: $states states" \
			"${trans:+and $trans transitions}"
	else
		bad "$name default world: $(num states "$tmp/out") states," \
			"$(num transitions "$tmp/out") transitions, want" \
			"$states ${trans:-}"
	fi
}
# What a call hands back is printed after its return code, and is in
# replay --json as "out"
f=tests/repro/reference--ioas-ranges.repro
if "$B" replay "$f" >"$tmp/out" 2>"$tmp/err" &&
   grep -qx '   -> 2 ranges 0x0-0x7ffffff 0x8100000-0xffffffffffffffff' \
	"$tmp/out" &&
   grep -qx '   -> unmapped 0x1000' "$tmp/out" &&
   grep -qx '   -> id 2' "$tmp/out"; then
	ok "replay prints the ids, unmapped bytes and IOVA ranges handed back"
else
	bad "replay of $f lacks the '-> ...' result lines"
	show "$tmp/out"
fi
if "$B" replay --json "$f" >"$tmp/out" 2>"$tmp/err" &&
   grep -qF '{"op": "ioas-unmap c0 1 0x0 0x3000", "ret": 0, "out": "unmapped 0x1000"}' \
	"$tmp/out" &&
   grep -qF '{"op": "ioas-unmap c0 1 0x1000 0x800", "ret": -2}' "$tmp/out"
then
	ok "replay --json: each step's result as \"out\", none on failure"
else
	bad "replay --json of $f lacks the step results"
	show "$tmp/out"
fi

if [ -x "$PLAIN" ]; then
	closure_counts model "$PLAIN" 94632 4209394
else
	bad "no $PLAIN for the closure counts"
fi
if [ -x "$TREE" ]; then
	closure_counts tree "$TREE" 94632
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
