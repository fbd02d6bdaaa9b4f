#!/usr/bin/env bash
# `outcomes verify`: ok on a fresh report directory; a changed byte in an input or an output is
# named; a missing file is named; an unreadable manifest is an I/O error. Also checks the
# manifest's content. Usage: test_verify.sh OUTCOMES SOURCE_DIR ... JSON_GET
set -uo pipefail
bin=$1
src=$2
get=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passed=0
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL $name"; failures=$((failures + 1)); fi
}
cd "$tmp"
cp "$src/sample-data/sessions.csv" export.csv
"$bin" report --quiet --title "Lakeside Clinic" --period 2026-03..2026-08 -o out export.csv || exit 1
check manifest_exists test -s out/manifest.json
check manifest_input_path test "$("$get" out/manifest.json inputs.0.path)" = export.csv
check manifest_input_rows test "$("$get" out/manifest.json inputs.0.rows)" = 5962
check manifest_input_size test "$("$get" out/manifest.json inputs.0.size)" = "$(stat -c %s export.csv)"
check manifest_input_sha test "$("$get" out/manifest.json inputs.0.sha256)" = "$(sha256sum export.csv | cut -d' ' -f1)"
check manifest_output_sha test "$("$get" out/manifest.json outputs.0.sha256)" = "$(sha256sum out/report.pdf | cut -d' ' -f1)"
check manifest_cairo test "$("$get" out/manifest.json libraries.cairo)" = "1.16.0"
check manifest_gsl test -n "$("$get" out/manifest.json libraries.gsl)"
check manifest_libcsv test "$("$get" out/manifest.json libraries.libcsv)" = "3.0.3"
check manifest_command test "$("$get" out/manifest.json command_line.1)" = report
check manifest_period grep -q '"2026-03..2026-08"' out/manifest.json

"$bin" verify out >"$tmp/v1.txt"
check verify_ok_exit test $? -eq 0
check verify_ok_line test "$(tail -1 "$tmp/v1.txt")" = ok
check verify_lists_rerun grep -q '^ok       rerun results.json$' "$tmp/v1.txt"

# one byte of an output changes: named, exit 1
cp -r out out2
printf 'X' | dd of=out2/results.json bs=1 seek=10 conv=notrunc status=none
"$bin" verify out2 >"$tmp/v2.txt"
check verify_output_changed_exit test $? -eq 1
check verify_output_named grep -q '^differs  output results.json (changed since the run)$' "$tmp/v2.txt"
check verify_others_ok grep -q '^ok       output report.pdf$' "$tmp/v2.txt"
check verify_failed_line grep -q '^FAILED: 1 check did not match$' "$tmp/v2.txt"

# a missing output
cp -r out out3
rm out3/episodes.csv
"$bin" verify out3 >"$tmp/v3.txt"
check verify_missing_exit test $? -eq 1
check verify_missing_named grep -q '^missing  output episodes.csv$' "$tmp/v3.txt"

# one byte of the input changes: named, and no rerun
cp export.csv export.orig
printf '9' | dd of=export.csv bs=1 seek=200 conv=notrunc status=none
"$bin" verify out >"$tmp/v4.txt"
check verify_input_changed_exit test $? -eq 1
check verify_input_named grep -q '^differs  input export.csv (its content changed since the run)$' "$tmp/v4.txt"
check verify_not_rerun grep -q '^not rerun: an input is missing or changed$' "$tmp/v4.txt"
mv export.orig export.csv

# the recorded SOURCE_DATE_EPOCH is used by the rerun
SOURCE_DATE_EPOCH=1700000000 "$bin" report --quiet -o out5 export.csv
check manifest_epoch test "$("$get" out5/manifest.json source_date_epoch)" = 1700000000
"$bin" verify out5 >"$tmp/v5.txt"
check verify_epoch_ok test $? -eq 0

# a directory without a manifest; usage
"$bin" verify "$tmp" 2>"$tmp/err"
check verify_no_manifest_exit test $? -eq 3
check verify_no_manifest_msg grep -q "cannot read the manifest" "$tmp/err"
"$bin" verify 2>/dev/null
check verify_usage test $? -eq 2
"$bin" verify --help | grep -q "Usage: outcomes verify DIR"
check verify_help test $? -eq 0

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
