#!/usr/bin/env bash
# End-to-end tests of `outcomes check`, `outcomes sample`, --help/--version and exit codes,
# run on the bundled sample data. Usage: test_check_cli.sh OUTCOMES_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
failures=0
passed=0

# expect NAME WANT_EXIT [grep patterns for stdout+stderr...] -- command...
expect() {
  local name=$1 want=$2
  shift 2
  local patterns=()
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  local ok=1
  [ "$got" -eq "$want" ] || { echo "FAIL $name: exit $got, want $want"; ok=0; }
  for p in "${patterns[@]}"; do
    grep -qF -- "$p" "$tmp/out" "$tmp/err" || { echo "FAIL $name: no '$p' in output"; ok=0; }
  done
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); else
    failures=$((failures + 1)); sed 's/^/  out: /' "$tmp/out" | head -20; sed 's/^/  err: /' "$tmp/err" | head -20
  fi
}

expect version 0 "outcomes 0.1.0" -- "$bin" --version
expect help 0 "Usage: outcomes COMMAND" "report" "check" "verify" "sample" -- "$bin" --help
expect no_command 2 "Usage: outcomes COMMAND" -- "$bin"
expect unknown_command 2 "outcomes: unknown command 'frobnicate'" -- "$bin" frobnicate
expect check_help 0 "Usage: outcomes check [options] FILE..." "--delimiter C" "--allow-column NAME" \
  -- "$bin" check --help
expect sample_help 0 "--patients N" "--seed S" -- "$bin" sample --help
expect check_unknown_option 2 "outcomes: unknown option '--frob'" "Try 'outcomes check --help'." \
  -- "$bin" check --frob x.csv
expect check_missing_value 2 "option '--delimiter' needs a value (C)" -- "$bin" check x.csv --delimiter
expect check_bad_delimiter 2 "--delimiter: delimiter must be ',', ';' or '\\t', got '|'" \
  -- "$bin" check --delimiter '|' x.csv
expect check_bad_as_of 2 "--as-of: expected a date YYYY-MM-DD, got '2026-02-30'" \
  -- "$bin" check --as-of 2026-02-30 x.csv
expect check_no_file 2 "outcomes: no input file given" -- "$bin" check
expect check_missing_file 3 "outcomes: /nonexistent/x.csv: cannot open: No such file or directory" \
  -- "$bin" check /nonexistent/x.csv
expect check_directory 3 "outcomes: sample-data: is a directory, not a CSV file" -- "$bin" check sample-data

# the bundled sample is clean
expect check_sample 0 \
  "5962 rows read: 5962 accepted, 0 rejected, 0 duplicate; 500 patients; 0 conflicting same-day scores" \
  -- "$bin" check sample-data/sessions.csv
expect check_sample_quiet 0 -- "$bin" check --quiet sample-data/sessions.csv
[ -s "$tmp/out" ] && { echo "FAIL check_sample_quiet: printed output"; failures=$((failures + 1)); }

# the messy export: every planted defect, by line, exactly as recorded
expect check_messy 1 -- "$bin" check --columns sample-data/messy-columns.ini --date-format us \
  --delimiter ';' sample-data/messy-export.csv
if ! diff -u tests/data/messy-check.expected "$tmp/out"; then
  echo "FAIL check_messy_output"; failures=$((failures + 1))
fi
# the same options from --config give the same listing; the command line wins over the file
cat >"$tmp/opts.ini" <<'INI'
; options for the messy clinic
delimiter = ,
date-format = us
columns = sample-data/messy-columns.ini
INI
expect check_config 1 -- "$bin" check --config "$tmp/opts.ini" --delimiter ';' sample-data/messy-export.csv
diff -q tests/data/messy-check.expected "$tmp/out" >/dev/null || { echo "FAIL check_config_output"; failures=$((failures + 1)); }
printf 'delimiter = ;\nbogus = 1\n' >"$tmp/bad.ini"
expect check_config_unknown_key 2 "outcomes: $tmp/bad.ini:2: 'bogus' is not an option of this command (see --help)" \
  -- "$bin" check --config "$tmp/bad.ini" x.csv
printf 'patient_id = Client ID\nnot_a_column = X\n' >"$tmp/badmap.ini"
expect check_columns_unknown 2 "outcomes: $tmp/badmap.ini:2: 'not_a_column' is not a column of outcomes (see the README's input table)" \
  -- "$bin" check --columns "$tmp/badmap.ini" sample-data/sessions.csv
expect check_columns_missing 3 "outcomes: $tmp/none.ini: cannot read the column mapping: No such file or directory" \
  -- "$bin" check --columns "$tmp/none.ini" sample-data/sessions.csv

printf 'phq9 = A\nphq9 = B\n' >"$tmp/twice.ini"
expect check_columns_twice 2 "outcomes: $tmp/twice.ini:2: column 'phq9' is mapped twice" \
  -- "$bin" check --columns "$tmp/twice.ini" sample-data/sessions.csv
printf 'phq9 =\n' >"$tmp/emptymap.ini"
expect check_columns_empty 2 "outcomes: $tmp/emptymap.ini:1: column 'phq9' is mapped to an empty header" \
  -- "$bin" check --columns "$tmp/emptymap.ini" sample-data/sessions.csv
printf 'patient_id = A\nthis line has no equals sign\n' >"$tmp/noeq.ini"
expect check_columns_bad_line 2 "outcomes: $tmp/noeq.ini:2: not a valid INI line (expected name = value)" \
  -- "$bin" check --columns "$tmp/noeq.ini" sample-data/sessions.csv
printf 'quiet = maybe\n' >"$tmp/bool.ini"
expect check_config_bool 2 "outcomes: $tmp/bool.ini:1: 'quiet' takes true or false, got 'maybe'" \
  -- "$bin" check --config "$tmp/bool.ini" x.csv
printf 'threads = 0\n' >"$tmp/threads.ini"
expect check_config_value 2 "outcomes: $tmp/threads.ini:1: expected a number of threads 1-64, got '0'" \
  -- "$bin" check --config "$tmp/threads.ini" x.csv
printf 'delimiter\n' >"$tmp/noval.ini"
expect check_config_bad_line 2 "outcomes: $tmp/noval.ini:1: not a valid INI line (expected option = value)" \
  -- "$bin" check --config "$tmp/noval.ini" x.csv
expect check_config_missing 3 "outcomes: $tmp/nope.ini: cannot read the config file: No such file or directory" \
  -- "$bin" check --config "$tmp/nope.ini" x.csv
expect check_threads_zero 2 "outcomes: --threads: expected a number of threads 1-64, got '0'" \
  -- "$bin" check --threads 0 x.csv
expect check_bad_date_format 2 "outcomes: --date-format: date format must be 'iso' or 'us', got 'eu'" \
  -- "$bin" check --date-format eu x.csv
expect check_switch_value 2 "outcomes: option '--quiet' takes no value" -- "$bin" check --quiet=1 x.csv
expect check_not_regular 3 "outcomes: /dev/null: is not a regular file" -- "$bin" check /dev/null
expect check_equals_form 0 "5962 rows read" -- "$bin" check --delimiter=, --threads=1 sample-data/sessions.csv
# getopt_long (src/cli/options.c): abbreviations, glued and clustered short options, "--", an
# ambiguous prefix, --version after every command word
expect check_abbrev 0 "5962 rows read" -- "$bin" check --del , --thr 1 sample-data/sessions.csv
expect check_ambiguous 2 "outcomes: option '--tim' is ambiguous (--timezone, --timings)" \
  "Try 'outcomes check --help'." -- "$bin" check --tim x.csv
expect check_unknown_short 2 "outcomes: unknown option '-x'" -- "$bin" check -qx x.csv
expect check_end_of_options 3 "outcomes: --quiet: cannot open" -- "$bin" check -- --quiet
expect sample_glued_o 0 -- "$bin" sample --patients 2 -qo"$tmp/glued.csv"
expect sample_glued_o_file 0 "patient_id" -- head -1 "$tmp/glued.csv"
for c in report check verify sample; do
  expect "${c}_version" 0 "outcomes 0.1.0" -- "$bin" "$c" --version
done
expect sample_file_argument 2 "outcomes: sample takes no file arguments (use -o FILE)" -- "$bin" sample x.csv

# identifier columns stop the run; --allow-column lets a reviewed one through
printf 'patient_id,session_date,DOB,phq9\nA,2026-01-01,1970-01-01,12\n' >"$tmp/dob.csv"
expect check_identifier 1 "outcomes: $tmp/dob.csv:1:3: column 'DOB' looks like a direct identifier" \
  -- "$bin" check "$tmp/dob.csv"
expect check_identifier_allowed 0 "1 rows read: 1 accepted" -- "$bin" check --allow-column dob "$tmp/dob.csv"
printf 'session_date,phq9\n2026-01-01,12\n' >"$tmp/nopid.csv"
expect check_missing_column 1 "outcomes: $tmp/nopid.csv:1: required column 'patient_id' is missing from the header" \
  -- "$bin" check "$tmp/nopid.csv"
printf '' >"$tmp/empty.csv"
expect check_empty 1 "the file is empty: expected a header row naming the columns" -- "$bin" check "$tmp/empty.csv"
# rows after --as-of are set aside but are not errors
expect check_as_of 0 "rejected" "after_as_of" -- "$bin" check --as-of 2026-06-30 sample-data/sessions.csv

# sample: the same seed gives the same bytes, another seed other bytes
expect sample_a 0 -- "$bin" sample --patients 40 --seed 3 -o "$tmp/a.csv"
expect sample_b 0 -- "$bin" sample --patients 40 --seed 3 -o "$tmp/b.csv"
expect sample_c 0 -- "$bin" sample --patients 40 --seed 4 -o "$tmp/c.csv"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || { echo "FAIL sample_same_seed"; failures=$((failures + 1)); }
cmp -s "$tmp/a.csv" "$tmp/c.csv" && { echo "FAIL sample_other_seed"; failures=$((failures + 1)); }
"$bin" sample --patients 40 --seed 3 >"$tmp/stdout.csv"
cmp -s "$tmp/a.csv" "$tmp/stdout.csv" || { echo "FAIL sample_stdout"; failures=$((failures + 1)); }
expect sample_checks_clean 0 "rows read" "0 rejected" -- "$bin" check "$tmp/a.csv"
expect sample_bad_patients 2 "--patients: expected a number of patients 1-9999999, got '0'" \
  -- "$bin" sample --patients 0
expect sample_too_many_patients 2 "--patients: expected a number of patients 1-9999999, got '10000000'" \
  -- "$bin" sample --patients 10000000
expect sample_unwritable 3 "outcomes: /nonexistent/dir/x.csv: cannot write: No such file or directory" \
  -- "$bin" sample -o /nonexistent/dir/x.csv
expect sample_full_disk 3 "outcomes: /dev/full" -- "$bin" sample --patients 2000 -o /dev/full
# the committed sample is what the generator makes by default
"$bin" sample -o "$tmp/default.csv"
cmp -s sample-data/sessions.csv "$tmp/default.csv" || { echo "FAIL sample_data_is_reproducible"; failures=$((failures + 1)); }

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
