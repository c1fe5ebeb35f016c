#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# roundtrip.sh: a finding's whole life cycle on a deliberately broken model
# (tests/roundtrip/broken.patch, built as revision roundtrip-broken):
#
#   explore --stop-on leak --out DIR     exit 1, the leak reproducer in DIR
#   replay (broken binary)               exit 0: reproduced
#   replay (reference binary)            exit 2: another revision's file
#   replay as revision reference         exit 1: the reference is fixed
#   minimise                             not longer, still replays
#   to-cmocka                            compiles (-Wall -Wextra -Werror);
#                                        passes linked with the reference
#                                        model, fails with the broken one
#
# Needs build/roundtrip/broken/bindsim (scripts/build-variant),
# build/plain/bindsim, build/plain/libbindsim.a and build/plain/libcore.a
# (make check-roundtrip builds them). One line per check, "ok: ..." or
# "FAILED: ...", then "roundtrip: N passed, M failed"; exit 1 on failure.
set -u
cd "$(dirname "$0")/.."
V=${V:-build/roundtrip/broken}
BROKEN=$V/bindsim
REF=${REF:-build/plain/bindsim}
CC=${CC:-gcc}
CMOCKA_LIBS=$(pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -g"
# the finding the patch must produce: the igroup the bind forgot to put
WANT="leak iommufd_alloc_group:kzalloc"

tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
. tests/check-lib.sh

show() {
	sed -n '1,12s/^/    | /p' "$1"
}

finish() {
	echo "roundtrip: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

steps() {
	# operation lines of a reproducer
	grep -cvE '^[[:space:]]*(#|$|revision |world|boot |expect )' "$1"
}

for f in "$BROKEN" "$REF" build/plain/libbindsim.a build/plain/libcore.a; do
	if [ ! -e "$f" ]; then
		bad "missing $f (run make check-roundtrip)"
		finish
	fi
done

# ------------------------------------------------------------- explore

"$BROKEN" explore --stop-on leak --out "$tmp/found" >"$tmp/explore.out" \
	2>"$tmp/explore.err"
rc=$?
nrepro=$(find "$tmp/found" -name '*.repro' 2>/dev/null | wc -l)
if [ "$rc" -ne 1 ]; then
	bad "explore on the broken model: exit $rc, expected 1"
	show "$tmp/explore.err"
	finish
fi
if [ "$nrepro" -lt 1 ]; then
	bad "explore on the broken model wrote no reproducer"
	finish
fi
ok "explore on the broken model: exit 1, $nrepro reproducer(s) written"

R=$(grep -lx "expect $WANT" "$tmp"/found/*.repro | head -n1)
if [ -z "$R" ]; then
	bad "no reproducer expects '$WANT':"
	grep -h '^expect ' "$tmp"/found/*.repro | sed 's/^/    | /'
	finish
fi
if ! grep -qx 'revision roundtrip-broken' "$R"; then
	bad "$(basename "$R"): not written for revision roundtrip-broken"
	finish
fi
ok "reproducer $(basename "$R") expects '$WANT'"

# ------------------------------------------------------------- replay

"$BROKEN" replay "$R" >"$tmp/replay.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -qx "expect $WANT: reproduced" "$tmp/replay.out"
then
	ok "replay with the broken binary: exit 0, reproduced"
else
	bad "replay with the broken binary: exit $rc"
	show "$tmp/replay.out"
fi

"$REF" replay "$R" >"$tmp/ref.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then
	ok "replay with the reference binary: exit 2 (revision mismatch)"
else
	bad "replay with the reference binary: exit $rc, expected 2"
	show "$tmp/ref.out"
fi

ref_rev=$("$REF" help |
	sed -n "s/^This binary is revision '\(.*\)' of the [a-z]*\.$/\1/p")
sed "s/^revision .*/revision $ref_rev/" "$R" >"$tmp/as-ref.repro"
"$REF" replay "$tmp/as-ref.repro" >"$tmp/asref.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q ': NOT reproduced$' "$tmp/asref.out"; then
	ok "the same steps on the reference model: exit 1, not reproduced"
else
	bad "the same steps on the reference model: exit $rc, expected 1"
	show "$tmp/asref.out"
fi

# ------------------------------------------------------------- minimise

"$BROKEN" minimise "$R" -o "$tmp/min.repro" >"$tmp/min.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$tmp/min.repro" ]; then
	bad "minimise: exit $rc"
	show "$tmp/min.out"
else
	before=$(steps "$R")
	after=$(steps "$tmp/min.repro")
	if [ "$after" -le "$before" ] && [ "$after" -ge 1 ]; then
		ok "minimise: $before -> $after operation(s)"
	else
		bad "minimise: $before -> $after operations"
	fi
	"$BROKEN" replay "$tmp/min.repro" >"$tmp/minrep.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "the minimised reproducer still replays (exit 0)"
	else
		bad "the minimised reproducer: replay exit $rc"
		show "$tmp/minrep.out"
	fi
fi

# ------------------------------------------------------------- to-cmocka

if ! "$BROKEN" to-cmocka "$R" >"$tmp/gen.c" 2>"$tmp/gen.err"; then
	bad "to-cmocka failed"
	show "$tmp/gen.err"
	finish
fi
if head -n1 "$tmp/gen.c" | grep -qx '// SPDX-License-Identifier: GPL-2.0-only'
then
	ok "to-cmocka: $(wc -l <"$tmp/gen.c") lines of C"
else
	bad "to-cmocka output does not start with the SPDX line"
fi

# against the reference model: the finding is absent, the test passes
if $CC $CFLAGS -Ishims/include -Imodel/include -Imodel -Isim "$tmp/gen.c" \
	build/plain/libbindsim.a $CMOCKA_LIBS -o "$tmp/gen-ref" \
	>"$tmp/cc-ref.log" 2>&1; then
	if "$tmp/gen-ref" >"$tmp/run-ref.log" 2>&1; then
		ok "generated test passes on the reference model"
	else
		bad "generated test fails on the reference model"
		show "$tmp/run-ref.log"
	fi
else
	bad "generated test does not compile against the reference model"
	show "$tmp/cc-ref.log"
fi

# against the broken model's objects: the finding is there, the test fails
vinc="-I$V/src/model/include -I$V/src/model -Ishims/include -Isim"
if $CC $CFLAGS $vinc -DBINDSIM_REV='"roundtrip-broken"' -c sim/revision.c \
	-o "$tmp/revision.o" >"$tmp/cc-broken.log" 2>&1 &&
	$CC $CFLAGS $vinc "$tmp/gen.c" "$V"/obj/model-*.o "$tmp/revision.o" \
	build/plain/libcore.a $CMOCKA_LIBS -o "$tmp/gen-broken" \
	>>"$tmp/cc-broken.log" 2>&1; then
	if "$tmp/gen-broken" >"$tmp/run-broken.log" 2>&1; then
		bad "generated test passes on the broken model"
	elif grep -q 'FAILED' "$tmp/run-broken.log"; then
		ok "generated test fails on the broken model"
	else
		bad "generated test on the broken model: no cmocka failure"
		show "$tmp/run-broken.log"
	fi
else
	bad "generated test does not link against the broken model"
	show "$tmp/cc-broken.log"
fi

finish
