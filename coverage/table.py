#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Per-file coverage table from a gcovr --json-summary report.

usage: coverage/table.py [coverage/summary.json]

One row per file (lines, branches, functions: percent and covered/total),
then a total per top-level directory (model, shims) and overall.
"""
import json
import sys


def cell(covered, total):
    if not total:
        return "%-19s" % "-"
    return "%6.1f%% %5d/%-5d" % (100.0 * covered / total, covered, total)


def row(name, c):
    return ("%-32s %s  %s  %s" % (name, cell(c[0], c[1]), cell(c[2], c[3]),
                                  cell(c[4], c[5]))).rstrip()


def main(argv):
    path = argv[0] if argv else "coverage/summary.json"
    with open(path) as f:
        data = json.load(f)
    keys = ("line_covered", "line_total", "branch_covered", "branch_total",
            "function_covered", "function_total")
    print("%-32s %-19s  %-19s  %s" % ("file", "lines", "branches",
                                      "functions"))
    areas = {}
    total = [0] * 6
    for entry in sorted(data["files"], key=lambda e: e["filename"]):
        c = [entry.get(k) or 0 for k in keys]
        print(row(entry["filename"], c))
        area = entry["filename"].split("/")[0]
        acc = areas.setdefault(area, [0] * 6)
        for i in range(6):
            acc[i] += c[i]
            total[i] += c[i]
    print("-" * 95)
    for area in sorted(areas):
        print(row(area + "/ (total)", areas[area]))
    print(row("total", total))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
