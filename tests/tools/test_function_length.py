#!/usr/bin/env python3
"""The test of scripts/function-length itself (ctest test_function_length_check).

  python3 tests/tools/test_function_length.py scripts/function-length

Builds small trees in a temporary directory (never under tests/, where the real check would
find them) and runs the checker on them: a 101-line function fails and a 100-line one passes;
an allowlisted long function passes; an entry naming a function that is not (or no longer) long,
or is gone, fails, so that the list cannot go stale; usage errors exit 2."""
import os
import shutil
import subprocess
import sys
import tempfile

checker = sys.argv[1]
failures = 0
roots = []


def function(name, length, multiline=False):
    """A C function whose body, braces included, is length lines."""
    sig = ("static int %s(int a,\n           int b)\n" % name) if multiline \
        else ("static int %s(int a, int b)\n" % name)
    body = ["    a += b;"] * (length - 3) + ["    return a;"]
    return "/* %s: %d lines */\n%s{\n%s\n}\n\n" % (name, length, sig, "\n".join(body))


def tree(files, allow):
    """A root with the given files (path -> text) and tests/function_length.allow."""
    root = tempfile.mkdtemp(prefix="function-length-")
    roots.append(root)
    files = dict(files)
    files["tests/function_length.allow"] = allow
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    return root


def run(root, *extra):
    p = subprocess.run([sys.executable, checker, "--root", root] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def check(name, root, want_rc, want_text=None, *extra):
    global failures
    rc, out = run(root, *extra)
    ok = rc == want_rc and (want_text is None or want_text in out)
    print("%s %s" % ("ok  " if ok else "FAIL", name))
    if not ok:
        print("  exit %d (want %d); output:\n%s" % (rc, want_rc, out))
        failures += 1


HEADER = "# the list\n"

# the limit: 100 lines pass, 101 fail (in src/, tests/ and tools/, .c and .h)
check("100 lines pass", tree({"src/a/x.c": function("hundred", 100)}, HEADER), 0)
check("101 lines fail", tree({"src/a/x.c": function("long_one", 101)}, HEADER), 1,
      "src/a/x.c:2: long_one: 101 lines, over 100")
check("101 lines in tests/ fail", tree({"tests/t.c": function("t101", 101)}, HEADER), 1,
      "tests/t.c:2: t101: 101 lines")
check("101 lines in a tools/ header fail", tree({"tools/h.h": function("h101", 101)}, HEADER), 1,
      "tools/h.h:2: h101: 101 lines")
check("a multi-line signature names the function",
      tree({"src/m.c": function("split_sig", 101, multiline=True)}, HEADER), 1,
      "src/m.c:2: split_sig: 101 lines")
check("files outside src, tests and tools are not read",
      tree({"build/x.c": function("generated", 300)}, HEADER), 0)
check("--max changes the limit", tree({"src/x.c": function("fifty", 51)}, HEADER), 1,
      "fifty: 51 lines, over 50", "--max", "50")

# the allowlist
two = function("short_one", 20) + function("long_one", 150)
check("an allowlisted long function passes",
      tree({"src/x.c": two}, HEADER + "src/x.c long_one  # why it is here\n"), 0,
      "src/x.c:25: long_one: 150 lines (allowed")
check("an allowlisted function in another file does not cover this one",
      tree({"src/x.c": two}, HEADER + "src/y.c long_one\n"), 1, "long_one: 150 lines, over 100")
check("an entry naming a function no longer long fails",
      tree({"src/x.c": function("was_long", 100)}, HEADER + "src/x.c was_long\n"), 1,
      "'src/x.c was_long' is not a function over 100 lines")
check("an entry naming a function that is gone fails",
      tree({"src/x.c": two}, HEADER + "src/x.c long_one\nsrc/gone.c old\n"), 1,
      "'src/gone.c old' is not a function over 100 lines")

# usage errors
ok_tree = tree({"src/x.c": function("f", 10)}, HEADER)
check("a malformed allowlist line exits 2", tree({}, "src/x.c\n"), 2, "expected 'path function'")
check("a missing allowlist exits 2", ok_tree, 2, "no-such.allow", "--allow",
      os.path.join(ok_tree, "no-such.allow"))
check("--max needs a number", ok_tree, 2, "--max: expected a positive number", "--max", "x")
check("an unknown option exits 2", ok_tree, 2, "unknown option '--frob'", "--frob")

for r in roots:
    shutil.rmtree(r)
sys.exit(1 if failures else 0)
