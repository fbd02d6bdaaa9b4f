#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (Draft 2020-12) with python3-jsonschema (Debian's).

Usage: validate_schema.py [--as-written] SCHEMA FILE...
Prints each violation as FILE: PATH: message and exits 1 when there is one, 77 when jsonschema
is not installed (scripts/deps --test installs it). With --as-written only the files a report
left as it wrote them are checked (tests plant and tamper with others): a results.json whose
SHA-256 is the one the manifest.json beside it records, a manifest.json whose every listed
output beside it has the recorded SHA-256; a line says how many were checked."""
import hashlib
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema is not installed (python3-jsonschema)")
    sys.exit(77)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def as_written(path):
    """1 when path is a file of a report directory as the report wrote it."""
    d, name = os.path.split(path)
    try:
        m = json.load(open(os.path.join(d, "manifest.json")))
        outs = {o["name"]: o["sha256"] for o in m["outputs"]}
        if name == "manifest.json":
            return all(os.path.isfile(os.path.join(d, n)) and sha256(os.path.join(d, n)) == h
                       for n, h in outs.items() if n != "manifest.json")
        return outs.get(name) == sha256(path)
    except (OSError, ValueError, KeyError, TypeError):
        return False


args = sys.argv[1:]
only_written = bool(args) and args[0] == "--as-written"
if only_written:
    args = args[1:]
schema = json.load(open(args[0]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = checked = 0
for f in args[1:]:
    if only_written and not as_written(f):
        continue
    checked += 1
    try:
        doc = json.load(open(f))
    except ValueError as e:
        print(f"{f}: not JSON: {e}")
        bad += 1
        continue
    for e in sorted(v.iter_errors(doc), key=lambda e: list(e.path)):
        print(f"{f}: {'/'.join(map(str, e.path)) or '(top)'}: {e.message[:200]}")
        bad += 1
if only_written:
    print(f"{checked} of {len(args) - 1} files as a report wrote them, checked")
sys.exit(1 if bad else 0)
