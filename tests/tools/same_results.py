#!/usr/bin/env python3
"""same_results.py A.json B.json [PATH...]: exits 0 when two results.json files are equal but
for the dotted PATHs given (e.g. .data_quality .flow.rows_read), which are left out; prints each
difference with its path otherwise. For the shape tests (tests/cli/test_shapes_cli.sh): the same
data in another shape must give the same figures, and only what describes the input files may
differ."""
import json
import sys


def walk(x, y, path, skip, out):
    if path in skip:
        return
    if type(x) is not type(y):
        out.append("%s: %r vs %r" % (path, x, y))
    elif isinstance(x, dict):
        for k in sorted(set(x) | set(y)):
            p = path + "." + k
            if p in skip:
                continue
            if k not in x or k not in y:
                out.append("%s: on one side only" % p)
            else:
                walk(x[k], y[k], p, skip, out)
    elif isinstance(x, list):
        if len(x) != len(y):
            out.append("%s: %d vs %d elements" % (path, len(x), len(y)))
        else:
            for i, (p, q) in enumerate(zip(x, y)):
                walk(p, q, "%s.%d" % (path, i), skip, out)
    elif x != y:
        out.append("%s: %r vs %r" % (path, x, y))


def main():
    a, b = (json.load(open(p)) for p in sys.argv[1:3])
    out = []
    walk(a, b, "", set(sys.argv[3:]), out)
    for line in out[:40]:
        print(line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
