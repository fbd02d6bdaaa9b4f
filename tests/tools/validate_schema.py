#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (Draft 2020-12) with python3-jsonschema (Debian's).
Usage: validate_schema.py SCHEMA FILE...; prints each violation as FILE: PATH: message and
exits 1 when there is one, 77 when jsonschema is not installed (scripts/deps --test installs it)."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema is not installed (python3-jsonschema)")
    sys.exit(77)

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for f in sys.argv[2:]:
    try:
        doc = json.load(open(f))
    except ValueError as e:
        print(f"{f}: not JSON: {e}")
        bad += 1
        continue
    for e in sorted(v.iter_errors(doc), key=lambda e: list(e.path)):
        print(f"{f}: {'/'.join(map(str, e.path)) or '(top)'}: {e.message[:200]}")
        bad += 1
sys.exit(1 if bad else 0)
