#!/usr/bin/env bash
# Runs every R reference case (tests/data/reference/*/) through `outcomes report` with the case's
# arguments and compares results.json with the expected.json R produced (json_compare: every
# value present in expected.json, to 1e-9). Usage: test_reference.sh OUTCOMES SOURCE_DIR JSON_COMPARE
set -uo pipefail
bin=$1
src=$2
cmp=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
for case in "$src"/tests/data/reference/*/; do
  name=$(basename "$case")
  read -r -a args <"$case/args" || true
  if ! "$bin" report --quiet "${args[@]}" -o "$tmp/$name" "$case"/*.csv; then
    echo "FAIL $name: outcomes report failed"
    failed=$((failed + 1))
    continue
  fi
  if "$cmp" "$case/expected.json" "$tmp/$name/results.json"; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
