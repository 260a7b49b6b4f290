#!/usr/bin/env python3
"""Counts the public symbols of the CloudTrailVerify library and how many carry a doc comment of their own.

    scripts/doc-coverage.py [--min PERCENT] [--list] [--no-build]

Runs `swift package dump-symbol-graph --skip-synthesized-members --skip-inherited-docs` and reads
CloudTrailVerify.symbols.json. Symbols the compiler makes (Codable/Equatable/Hashable witnesses, enum
`init(rawValue:)`, CodingKeys) are not ours to document and are left out. --list prints the undocumented ones;
--min fails (exit 1) below that coverage. It also fails when a top-level public type is not curated on the DocC
landing page (Sources/CloudTrailVerify/CloudTrailVerify.docc/CloudTrailVerify.md), which says it lists the whole API.
"""
import re
import argparse
import glob
import json
import os
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--min", type=float, default=0.0)
parser.add_argument("--list", action="store_true")
parser.add_argument("--no-build", action="store_true", help="read the symbol graph an earlier run left")
args = parser.parse_args()
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

if not args.no_build:
    out = subprocess.run(["swift", "package", "dump-symbol-graph", "--skip-synthesized-members", "--skip-inherited-docs"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        sys.exit(2)
paths = sorted(glob.glob(".build/**/symbolgraph/CloudTrailVerify.symbols.json", recursive=True), key=os.path.getmtime)
if not paths:
    sys.exit("no CloudTrailVerify.symbols.json under .build")
graph = json.load(open(paths[-1]))

# Witnesses of standard protocols: their meaning is the protocol's.
standard = {"==(_:_:)", "!=(_:_:)", "<(_:_:)", "hash(into:)", "hashValue", "init(from:)", "encode(to:)",
            "init(rawValue:)", "rawValue", "allCases", "description", "debugDescription", "RawValue", "AllCases"}
symbols = []
for symbol in graph["symbols"]:
    path = symbol["pathComponents"]
    if symbol.get("accessLevel") not in ("public", "open"):
        continue
    if "CodingKeys" in path or path[-1] in standard and not symbol.get("docComment"):
        continue
    symbols.append((".".join(path), symbol["kind"]["identifier"], bool(symbol.get("docComment"))))

documented = sum(1 for _, _, has in symbols if has)
types = sum(1 for _, kind, _ in symbols if kind in ("swift.struct", "swift.enum", "swift.class", "swift.protocol"))
coverage = 100.0 * documented / max(1, len(symbols))
print(f"public symbols: {len(symbols)} ({types} types), documented: {documented} ({coverage:.1f} %)")
if args.list:
    for name, kind, has in sorted(symbols):
        if not has:
            print(f"  undocumented {kind.removeprefix('swift.')}: {name}")
landing = open("Sources/CloudTrailVerify/CloudTrailVerify.docc/CloudTrailVerify.md").read()
curated = set(re.findall(r"^- ``(\w+)``", landing, re.M))
top_level = {name for name, kind, _ in symbols if "." not in name}
missing = sorted(top_level - curated)
stale = sorted(curated - top_level)
print(f"top-level public symbols: {len(top_level)}, on the landing page: {len(top_level & curated)}")
for name in missing:
    print(f"  not on the landing page: {name}", file=sys.stderr)
for name in stale:
    print(f"  on the landing page but not public: {name}", file=sys.stderr)
if missing or stale:
    sys.exit(1)
if coverage < args.min:
    print(f"below the required {args.min} %", file=sys.stderr)
    sys.exit(1)
