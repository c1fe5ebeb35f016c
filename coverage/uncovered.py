#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""List what the coverage run missed, with the source text.

usage: coverage/uncovered.py [--branches] [--filter REGEX] [GCOVR_JSON]

Reads the full gcovr JSON report (`make coverage` writes
build/cov/coverage.json) and prints, per file, every executable line that
never ran and, with --branches, every line with a branch never taken
("b 1/2" = one of two branch outcomes taken). Paths are relative to the
repository root; run it from there.
"""
import json
import re
import sys


def main(argv):
    path = "build/cov/coverage.json"
    want_branches = False
    filt = None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--branches":
            want_branches = True
        elif a == "--filter" and args:
            filt = re.compile(args.pop(0))
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif a.startswith("-"):
            print("uncovered.py: unknown option " + a, file=sys.stderr)
            return 2
        else:
            path = a
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print("uncovered.py: %s: %s (run make coverage first)" % (path, e),
              file=sys.stderr)
        return 2

    for entry in sorted(data["files"], key=lambda e: e["file"]):
        name = entry["file"]
        if filt and not filt.search(name):
            continue
        try:
            with open(name, errors="replace") as f:
                src = f.read().split("\n")
        except OSError:
            src = []
        out = []
        for ln in entry["lines"]:
            if ln.get("gcovr/noncode") or ln.get("gcovr/excluded"):
                continue
            no = ln["line_number"]
            text = src[no - 1].strip() if 0 < no <= len(src) else ""
            br = ln.get("branches", [])
            taken = sum(1 for b in br if b["count"] > 0)
            if ln["count"] == 0:
                out.append("  %5d  line      %s" % (no, text))
            elif want_branches and br and taken < len(br):
                out.append("  %5d  b %d/%-5d %s" % (no, taken, len(br),
                                                    text))
        if out:
            print(name)
            print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
