#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# setup.sh: the contracts of scripts/setup and scripts/fetch-tree, without
# network and without touching the real build/ksrc. Both scripts are copied
# into a temporary directory laid out like the repository and run there;
# apt-get, dpkg-query and id are replaced by shims where setup is run.
#
#  - both scripts pass bash -n;
#  - fetch-tree with KSRC naming a missing directory, an incomplete tree or
#    a Makefile without VERSION exits 2 with a "fetch-tree: ..." message
#    naming the problem;
#  - fetch-tree with KSRC naming a minimal fake tree exits 0, points
#    build/ksrc at it and writes build/ksrc.info (package, path,
#    kernelversion, sha256); a relative KSRC is taken from the caller's cwd;
#  - a second run without KSRC skips at once ("using build/ksrc");
#  - setup: all packages present skips apt; an apt-get failure is shown and
#    exits 1; not root without sudo exits 2 naming the packages; it runs
#    fetch-tree (KSRC honoured) unless BINDSIM_NO_TREE=1.
#
# One line per check, "gate ok: ..." or "gate FAILED: ...", then
# "setup: N passed, M failed"; exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
REPO=$(pwd -P)
CHECK_PREFIX="gate "
. tests/check-lib.sh
# check DESCRIPTION COMMAND...: ok if COMMAND succeeds
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindsim-setup-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The real build/ksrc, to check it is left alone.
real_before=$(readlink build/ksrc 2>/dev/null; cat build/ksrc.info 2>/dev/null)

for s in scripts/setup scripts/fetch-tree; do
	check "bash -n $s" bash -n "$s"
done

# A repository copy holding only the scripts.
R=$tmp/repo
mkdir -p "$R/scripts"
cp scripts/setup scripts/fetch-tree "$R/scripts/"

# A minimal fake kernel tree: the files fetch-tree requires.
T=$tmp/linux
mkdir -p "$T/drivers/iommu/iommufd" "$T/include/uapi/linux"
printf 'VERSION = 7\nPATCHLEVEL = 3\nSUBLEVEL = 0\nEXTRAVERSION = -rc7\nNAME = Test\n' \
	>"$T/Makefile"
HASHED="drivers/iommu/iommufd/device.c drivers/iommu/iommufd/main.c
drivers/iommu/iommufd/hw_pagetable.c drivers/iommu/iommufd/iommufd_private.h
drivers/iommu/iommufd/io_pagetable.h drivers/iommu/iommu-priv.h
include/uapi/linux/iommufd.h"
for f in $HASHED; do
	: >"$T/$f"
done
echo "int device;" >"$T/drivers/iommu/iommufd/device.c"
echo "int main_c;" >"$T/drivers/iommu/iommufd/main.c"
want_sum=$(for f in $HASHED; do cat "$T/$f"; done | sha256sum | cut -d' ' -f1)

# Should fetch-tree try the network anyway, make it fail fast and visibly.
export BINDSIM_APT_URI=http://127.0.0.1:9/debian
unset KSRC BINDSIM_KPKG BINDSIM_NO_TREE

# run_ft ENV...: run the copy's fetch-tree from $tmp; sets out and rc
run_ft() {
	out=$(cd "$tmp" && env "$@" "$R/scripts/fetch-tree" 2>&1)
	rc=$?
}

# --- KSRC refused -----------------------------------------------------------
run_ft KSRC="$tmp/nonexistent"
check "fetch-tree: KSRC missing directory exits 2 with a message" \
	eval '[ $rc -eq 2 ] && grep -q "^fetch-tree: KSRC=.*nonexistent.*no such directory" <<<"$out"'

cp -a "$T" "$tmp/incomplete"
rm "$tmp/incomplete/drivers/iommu/iommu-priv.h"
run_ft KSRC="$tmp/incomplete"
check "fetch-tree: KSRC without iommu-priv.h exits 2 naming it" \
	eval '[ $rc -eq 2 ] && grep -q "^fetch-tree: .*missing drivers/iommu/iommu-priv.h" <<<"$out"'

cp -a "$T" "$tmp/noversion"
echo "all:" >"$tmp/noversion/Makefile"
run_ft KSRC="$tmp/noversion"
check "fetch-tree: KSRC Makefile without VERSION exits 2 naming it" \
	eval '[ $rc -eq 2 ] && grep -q "^fetch-tree: .*VERSION/PATCHLEVEL" <<<"$out"'
check "fetch-tree: refused KSRC leaves no build/ksrc" \
	eval '[ ! -e "$R/build/ksrc" ] && [ ! -L "$R/build/ksrc" ]'

# --- KSRC accepted ----------------------------------------------------------
run_ft KSRC="$T"
check "fetch-tree: KSRC fake tree exits 0" eval '[ $rc -eq 0 ]'
check "fetch-tree: build/ksrc -> KSRC" \
	eval '[ -L "$R/build/ksrc" ] && [ "$(readlink "$R/build/ksrc")" = "$T" ]'
info=$(cat "$R/build/ksrc.info" 2>/dev/null)
check "fetch-tree: ksrc.info package KSRC" grep -qx "package KSRC" <<<"$info"
check "fetch-tree: ksrc.info path" grep -qx "path $T" <<<"$info"
check "fetch-tree: ksrc.info kernelversion 7.3.0-rc7" \
	grep -qx "kernelversion 7.3.0-rc7" <<<"$info"
check "fetch-tree: ksrc.info sha256 of the iommufd files" \
	grep -qx "sha256 $want_sum" <<<"$info"

rm -rf "$R/build"
out=$(cd "$tmp" && KSRC=linux "$R/scripts/fetch-tree" 2>&1)
rc=$?
check "fetch-tree: relative KSRC is taken from the caller's cwd" \
	eval '[ $rc -eq 0 ] && [ "$(readlink "$R/build/ksrc")" = "$T" ]'

# --- Skip -----------------------------------------------------------------
rm -f "$R/build/ksrc.info"
t0=$(date +%s%N)
run_ft
ms=$((($(date +%s%N) - t0) / 1000000))
check "fetch-tree: second run skips (${ms} ms)" \
	eval '[ $rc -eq 0 ] && grep -qx "fetch-tree: using build/ksrc (7.3.0-rc7)" <<<"$out" && [ $ms -lt 2000 ]'
check "fetch-tree: skip rewrites a missing ksrc.info" \
	grep -qx "kernelversion 7.3.0-rc7" "$R/build/ksrc.info"

# --- setup, with shims for apt-get, dpkg-query and id ---------------------
S=$tmp/shims
mkdir -p "$S"
cat >"$S/dpkg-query" <<'EOF'
#!/bin/sh
# every package installed when SHIM_INSTALLED=1, none otherwise
[ "${SHIM_INSTALLED:-0}" = 1 ] && printf 'ii ' || printf 'un '
EOF
cat >"$S/apt-get" <<'EOF'
#!/bin/sh
echo "apt-get $*" >>"$SHIM_LOG"
case " $* " in
*" install "*) echo "E: Unable to locate package shim-boom" >&2; exit 100 ;;
esac
exit 0
EOF
cat >"$S/id" <<'EOF'
#!/bin/sh
echo "${SHIM_UID:-0}"
EOF
chmod +x "$S/dpkg-query" "$S/apt-get" "$S/id"
export SHIM_LOG=$tmp/apt.log
# A PATH with the shims and only the tools setup needs (so no sudo).
B=$tmp/bin
mkdir -p "$B"
for t in bash env dirname grep mktemp tail stat rm cat sh; do
	p=$(command -v "$t") && ln -s "$p" "$B/$t"
done
cp "$S"/* "$B/"

# run_setup PATH ENV...: sets out and rc
run_setup() {
	local path=$1
	shift
	: >"$SHIM_LOG"
	out=$(cd "$tmp" && env PATH="$path" "$@" "$R/scripts/setup" 2>&1)
	rc=$?
}

run_setup "$B" SHIM_INSTALLED=1 BINDSIM_NO_TREE=1
check "setup: all present skips apt, BINDSIM_NO_TREE=1 skips the tree" \
	eval '[ $rc -eq 0 ] && grep -q "all packages present" <<<"$out" && [ ! -s "$SHIM_LOG" ] && grep -q "not fetching" <<<"$out"'

run_setup "$B" SHIM_INSTALLED=0 SHIM_UID=0 BINDSIM_NO_TREE=1
check "setup: apt-get failure shown, 'setup: apt-get failed', exit 1" \
	eval '[ $rc -eq 1 ] && grep -q "^setup: apt-get failed" <<<"$out" && grep -q "E: Unable to locate package shim-boom" <<<"$out"'
check "setup: as root runs apt-get update then install with the options" \
	eval 'grep -qx "apt-get -o DPkg::Lock::Timeout=300 update -qq" "$SHIM_LOG" && grep -q "^apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends .*coccinelle xz-utils ca-certificates$" "$SHIM_LOG"'

run_setup "$B" SHIM_INSTALLED=0 SHIM_UID=1000 BINDSIM_NO_TREE=1
check "setup: not root, no sudo: exit 2 naming the packages, no apt-get" \
	eval '[ $rc -eq 2 ] && grep -q "sudo not found.*libcmocka-dev.*coccinelle" <<<"$out" && [ ! -s "$SHIM_LOG" ]'

rm -rf "$R/build"
run_setup "$S:$PATH" SHIM_INSTALLED=1 SHIM_UID="$(id -u)" KSRC="$T"
check "setup: runs fetch-tree (KSRC honoured)" \
	eval '[ $rc -eq 0 ] && grep -q "^fetch-tree: using KSRC=" <<<"$out" && grep -qx "path $T" "$R/build/ksrc.info"'

real_after=$(readlink build/ksrc 2>/dev/null; cat build/ksrc.info 2>/dev/null)
check "the real build/ksrc and build/ksrc.info are untouched" \
	[ "$real_before" = "$real_after" ]

echo "setup: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
