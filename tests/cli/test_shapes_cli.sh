#!/usr/bin/env bash
# Exports as they come (SPEC section 16), end to end: the sample with date-times in
# session_date, and split into a treatment file and a long score file, gives the same episodes
# and figures as the wide sample; --timezone; each input's shape and counts in check's output,
# results.json, the data-quality page and the manifest (wide + long + FHIR together); verify
# reruns them and catches an edited shape; every error with its file, line and column.
# Usage: test_shapes_cli.sh OUTCOMES_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
failures=0
passed=0
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
ok() { passed=$((passed + 1)); }

# expect NAME WANT_EXIT [grep patterns for stdout+stderr...] -- command...
expect() {
  local name=$1 want=$2
  shift 2
  local patterns=()
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$? good=1
  [ "$got" -eq "$want" ] || { echo "FAIL $name: exit $got, want $want"; good=0; }
  for p in "${patterns[@]}"; do
    grep -qF -- "$p" "$tmp/out" "$tmp/err" || { echo "FAIL $name: no '$p' in output"; good=0; }
  done
  if [ $good -eq 1 ]; then ok; else
    failures=$((failures + 1)); sed 's/^/  out: /' "$tmp/out" | head -20; sed 's/^/  err: /' "$tmp/err" | head -20
  fi
}

# same NAME DIR_A DIR_B [PATH...]: results.json equal but for PATHs, episodes.csv identical
same() {
  local name=$1 a=$2 b=$3
  shift 3
  if python3 tests/tools/same_results.py "$a/results.json" "$b/results.json" "$@" >"$tmp/diff" &&
    cmp -s "$a/episodes.csv" "$b/episodes.csv"; then ok; else
    fail "$name"; sed 's/^/  /' "$tmp/diff"; cmp "$a/episodes.csv" "$b/episodes.csv"
  fi
}

wide=sample-data/sessions.csv
"$bin" report --quiet -o "$tmp/wide" "$wide" || fail report_wide

# --- date-times: the sample with a time on every date, in every accepted form --------------
# (session_date is field 2; the sample has no quoted field)
awk -F, -v OFS=, 'NR == 1 { print; next }
  { split("T14:30:00Z| 09:15| 09:15:00|T23:59:59.250-05:00|T00:00:00+14:00|T08:00", f, "|")
    $2 = $2 f[NR % 6 + 1]; print }' "$wide" >"$tmp/stamps.csv"
grep -q "T23:59:59.250-05:00" "$tmp/stamps.csv" || fail stamps_made
"$bin" report --quiet -o "$tmp/stamps" "$tmp/stamps.csv" || fail report_stamps
same stamps_as_wide "$tmp/wide" "$tmp/stamps" .data_quality.files.0.path
# US style, with AM/PM
awk -F, -v OFS=, 'NR == 1 { print; next }
  { split($2, d, "-"); split("2:30 PM|12:05 AM|11:59:59 pm|9:00|23:00", f, "|")
    $2 = (d[2] + 0) "/" (d[3] + 0) "/" d[1] " " f[NR % 5 + 1]; print }' "$wide" >"$tmp/us.csv"
"$bin" report --quiet --date-format us -o "$tmp/us" "$tmp/us.csv" || fail report_us
same us_stamps_as_wide "$tmp/wide" "$tmp/us" .data_quality.files.0.path
# --timezone: noon UTC is the same date in Chicago (07:00 or 06:00), so the same figures
awk -F, -v OFS=, 'NR == 1 { print; next } { $2 = $2 "T12:00:00Z"; print }' "$wide" >"$tmp/noon.csv"
"$bin" report --quiet --timezone America/Chicago -o "$tmp/noon" "$tmp/noon.csv" || fail report_noon
same timezone_noon_as_wide "$tmp/wide" "$tmp/noon" .data_quality.files.0.path
# ... and 03:00 UTC is the day before in Chicago: every date moves back one day, figures stay
awk -F, -v OFS=, 'NR == 1 { print; next } { $2 = $2 "T03:00:00Z"; print }' "$wide" >"$tmp/early.csv"
"$bin" report --quiet --timezone America/Chicago -o "$tmp/early" "$tmp/early.csv" || fail report_early
[ "$(tests_get() { :; }; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["as_of"])' "$tmp/early/results.json")" = 2026-10-30 ] &&
  [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["as_of"])' "$tmp/wide/results.json")" = 2026-10-31 ] &&
  ok || fail timezone_moves_dates
grep -q '^P0000001,1,2025-11-30,' "$tmp/early/episodes.csv" && ok || fail timezone_index_date
python3 tests/tools/same_results.py "$tmp/wide/results.json" "$tmp/early/results.json" \
  .as_of .data_quality .monthly .monthly_remission .period .safety.vitals.by_month >"$tmp/diff" && ok || {
  fail timezone_same_figures; cat "$tmp/diff"; }
# the option is recorded and verify reruns it
grep -q '"--timezone"' "$tmp/early/manifest.json" && ok || fail timezone_in_manifest
expect verify_timezone 0 -- "$bin" verify "$tmp/early"
expect check_timezone 0 "0 rejected" -- "$bin" check --timezone UTC "$tmp/early.csv"
expect help_timezone 0 "--timezone ZONE" -- "$bin" check --help
expect bad_timezone 2 \
  "outcomes: --timezone: not a time zone of the tz database (an IANA name such as America/Chicago or UTC), got 'Mars/Olympus'" \
  -- "$bin" report --timezone Mars/Olympus "$wide"
expect bad_timezone_path 2 "got '../../etc/passwd'" -- "$bin" check --timezone ../../etc/passwd "$wide"

# several stamps on one date are one date: same-day rules apply; a zone moves a stamp only
# with --timezone
cat >"$tmp/sameday.csv" <<'CSV'
patient_id,session_date,phq9
A,2026-10-05T08:00:00,12
A,2026-10-05T23:30:00-05:00,12
B,2026-10-05T08:00:00,12
B,2026-10-05T23:30:00-05:00,14
CSV
expect sameday_conflict 0 "4 rows read: 3 accepted, 0 rejected, 1 duplicate; 2 patients; 1 conflicting same-day scores" \
  "$tmp/sameday.csv:3: note: exact duplicate of $tmp/sameday.csv:2 (counted once)" \
  "$tmp/sameday.csv:4: note: phq9 on 2026-10-05 disagrees with $tmp/sameday.csv:5" \
  -- "$bin" check "$tmp/sameday.csv"
expect sameday_timezone 0 "4 rows read: 4 accepted, 0 rejected, 0 duplicate; 2 patients; 0 conflicting same-day scores" \
  -- "$bin" check --timezone UTC "$tmp/sameday.csv"

# impossible times: file:line:column and the reason
cat >"$tmp/badtime.csv" <<'CSV'
patient_id,phq9,session_date
A,12,2026-10-05T25:00
A,12,2026-10-05 12:60
A,12,2026-10-05T12:30:00+24:00
A,12,2026-10-05T12:30 PM
A,12,2026-02-30T10:00
CSV
expect bad_times 1 \
  "$tmp/badtime.csv:2:3: column 'session_date': impossible time: the hour must be 00-23, got \"2026-10-05T25:00\"" \
  "$tmp/badtime.csv:3:3: column 'session_date': impossible time: the minute must be 00-59, got \"2026-10-05 12:60\"" \
  "$tmp/badtime.csv:4:3: column 'session_date': impossible zone offset: expected Z or +HH:MM/-HH:MM up to 23:59, got \"2026-10-05T12:30:00+24:00\"" \
  "$tmp/badtime.csv:5:3: column 'session_date': expected a date YYYY-MM-DD or a date-time: T or a space, HH:MM, optional :SS and fraction, optional Z or +HH:MM/-HH:MM, got \"2026-10-05T12:30 PM\"" \
  "$tmp/badtime.csv:6:3: column 'session_date': expected a real calendar date YYYY-MM-DD (1900-2199), got \"2026-02-30T10:00\"" \
  "5 rows read: 0 accepted, 5 rejected" -- "$bin" check "$tmp/badtime.csv"
printf 'patient_id,session_date\nA,10/5/2026 13:00 PM\nA,10/5/2026 0:15 AM\n' >"$tmp/badus.csv"
expect bad_us_times 1 \
  "$tmp/badus.csv:2:2: column 'session_date': impossible time: the hour must be 1-12 with AM or PM, got \"10/5/2026 13:00 PM\"" \
  "$tmp/badus.csv:3:2: column 'session_date': impossible time: the hour must be 1-12 with AM or PM, got \"10/5/2026 0:15 AM\"" \
  -- "$bin" check --date-format us "$tmp/badus.csv"

# --- long score files ------------------------------------------------------------------------
# the bundled split (outcomes sample --shape long) is what the sample command writes today
"$bin" sample --shape long -o "$tmp/split" || fail sample_long
cmp -s "$tmp/split-treatments.csv" sample-data/sessions-treatments.csv && \
  cmp -s "$tmp/split-scores.csv" sample-data/sessions-scores.csv && ok || fail sample_long_is_bundled
expect sample_long_needs_prefix 2 "--shape long writes two files: give -o PREFIX" -- "$bin" sample --shape long
expect sample_long_unwritable 3 "/nonexistent/dir/x-treatments.csv: cannot write: No such file or directory" \
  -- "$bin" sample --shape long -o /nonexistent/dir/x
expect sample_bad_shape 2 "--shape: expected wide, long or fhir, got 'tall'" -- "$bin" sample --shape tall -o "$tmp/x"
# an independent split of the wide sample (awk, instruments by name) gives the same files but
# for the instrument names
awk -F, -v OFS=, -v t="$tmp/awk-treatments.csv" -v s="$tmp/awk-scores.csv" '
  NR == 1 { for (i = 1; i <= NF; i++) { h[i] = $i; sc[i] = $i ~ /^(phq9|phq9_item9|madrs|qids_sr16|hamd17|bdi2|gad7)$/ }
            print "patient_id,session_date,instrument,score,site,clinician" > s }
  { line = ""; for (i = 1; i <= NF; i++) if (!sc[i]) line = line (line == "" ? "" : ",") $i
    if (NR == 1 || $3 == "treatment") print line > t
    if (NR > 1) for (i = 1; i <= NF; i++) if (sc[i] && $i != "") print $1, $2, h[i], $i, $4, $5 > s }' "$wide"
cmp -s "$tmp/awk-treatments.csv" sample-data/sessions-treatments.csv && ok || fail awk_treatments
sed -e 's/,44261-6,/,phq9,/' -e 's/,44260-8,/,phq9_item9,/' -e 's/,70274-6,/,gad7,/' \
  sample-data/sessions-scores.csv | cmp -s - "$tmp/awk-scores.csv" && ok || fail awk_scores

long_skip=".data_quality.files .data_quality.missing_scores .flow.rows_read .flow.rows_accepted"
"$bin" report --quiet -o "$tmp/long" sample-data/sessions-treatments.csv sample-data/sessions-scores.csv ||
  fail report_long
# shellcheck disable=SC2086
same long_as_wide "$tmp/wide" "$tmp/long" $long_skip
"$bin" report --quiet --threads 2 -o "$tmp/long-names" "$tmp/awk-scores.csv" "$tmp/awk-treatments.csv" ||
  fail report_long_names
# shellcheck disable=SC2086
same long_names_as_wide "$tmp/wide" "$tmp/long-names" $long_skip
# mapped headers, a quoted field, CRLF line ends, shuffled rows, other column order
{ echo '"Result Value";Questionnaire;Pseudonym;session_date;clinician;site'
  tail -n +2 sample-data/sessions-scores.csv | sort -t, -k4,4 -k1,1r |
    awk -F, -v OFS=';' '{ print $4, "\"" $3 "\"", $1, $2 "T10:00:00+02:00", $6, $5 }'
} | sed 's/$/\r/' >"$tmp/mapped-scores.csv"
printf 'patient_id = Pseudonym\ninstrument = Questionnaire\nscore = Result Value\n' >"$tmp/map.ini"
"$bin" report --quiet --delimiter ';' --columns "$tmp/map.ini" -o "$tmp/long-mapped" \
  "$tmp/mapped-scores.csv" || fail report_long_mapped_scores_only
sed 's/,/;/g' sample-data/sessions-treatments.csv >"$tmp/semi-treatments.csv"
"$bin" report --quiet --delimiter ';' --columns "$tmp/map.ini" -o "$tmp/long-mapped" \
  "$tmp/semi-treatments.csv" "$tmp/mapped-scores.csv" || fail report_long_mapped
# shellcheck disable=SC2086
same long_mapped_as_wide "$tmp/wide" "$tmp/long-mapped" $long_skip
# the shape of each input in results.json and the manifest; verify reruns the pair
python3 - "$tmp/long/results.json" "$tmp/long/manifest.json" "$tmp/wide/results.json" <<'PY' && ok || fail shapes_recorded
import json, sys
r, m, w = (json.load(open(p)) for p in sys.argv[1:4])
assert [f["shape"] for f in r["data_quality"]["files"]] == ["wide", "long"], r["data_quality"]["files"]
assert [f["rows_read"] for f in r["data_quality"]["files"]] == [4150, 16289]
assert [f["shape"] for f in m["inputs"]] == ["wide", "long"], m["inputs"]
assert [f["shape"] for f in w["data_quality"]["files"]] == ["wide"]
PY
expect verify_long 0 -- "$bin" verify "$tmp/long"
expect check_long 0 "20439 rows read: 20439 accepted, 0 rejected, 0 duplicate; 500 patients; 0 conflicting same-day scores" \
  -- "$bin" check sample-data/sessions-treatments.csv sample-data/sessions-scores.csv

# a mixed input, wide + long + FHIR (the bundled FHIR example under other patient ids, so that
# nothing pools with the CSV sample's patients): check prints each file's shape and counts;
# results.json, the manifest and the data-quality page show them; verify reruns it, and a
# shape edited in the manifest or in results.json is caught
mkdir -p "$tmp/fhir"
for f in sample-data/fhir/*.ndjson; do sed 's#Patient/P#Patient/F#g; s#"id":"P#"id":"F#g' "$f" >"$tmp/fhir/${f##*/}"; done
mixed=(sample-data/sessions-treatments.csv sample-data/sessions-scores.csv "$tmp/fhir/MedicationAdministration.ndjson" "$tmp/fhir/Observation.ndjson")
expect check_mixed 0 \
  "sample-data/sessions-treatments.csv: wide, 4150 rows read: 4150 accepted, 0 rejected, 0 duplicate" \
  "sample-data/sessions-scores.csv: long, 16289 rows read: 16289 accepted, 0 rejected, 0 duplicate" \
  "$tmp/fhir/MedicationAdministration.ndjson: fhir, 41 rows read: 41 accepted, 0 rejected, 0 duplicate; 0 resources skipped (not rows)" \
  "$tmp/fhir/Observation.ndjson: fhir, 132 rows read: 132 accepted, 0 rejected, 0 duplicate; 10 resources skipped (not rows)" \
  "20612 rows read: 20612 accepted, 0 rejected, 0 duplicate; 505 patients" \
  -- "$bin" check "${mixed[@]}"
"$bin" check --quiet "${mixed[@]}" >"$tmp/quiet" && [ ! -s "$tmp/quiet" ] && ok || fail check_mixed_quiet
expect report_mixed 0 -- "$bin" report --quiet -o "$tmp/mixed" "${mixed[@]}"
python3 - "$tmp/mixed/results.json" "$tmp/mixed/manifest.json" <<'PY' && ok || fail mixed_recorded
import json, sys
r, m = (json.load(open(p)) for p in sys.argv[1:3])
files = r["data_quality"]["files"]
assert [f["shape"] for f in files] == ["wide", "long", "fhir", "fhir"], files
assert [(f["rows_read"], f["rows_accepted"], f["rows_rejected"], f["rows_duplicate"]) for f in files] == \
    [(4150, 4150, 0, 0), (16289, 16289, 0, 0), (41, 41, 0, 0), (132, 132, 0, 0)], files
assert files[3]["resources_skipped"]["total"] == 10, files[3]
assert [f["shape"] for f in m["inputs"]] == ["wide", "long", "fhir", "fhir"], m["inputs"]
PY
if command -v pdftotext >/dev/null; then
  pdftotext -layout "$tmp/mixed/report.pdf" - | grep -A6 "Input files (shape and rows)" >"$tmp/page"
  grep -Eq "sessions-scores.csv +long +16289 +16289 +0 +0" "$tmp/page" &&
    grep -Eq "Observation.ndjson +FHIR +132 +132 +0 +0" "$tmp/page" && ok ||
    { fail mixed_page; cat "$tmp/page"; }
fi
expect verify_mixed 0 "ok       rerun manifest.json" "ok       rerun results.json" -- "$bin" verify "$tmp/mixed"
cp -r "$tmp/mixed" "$tmp/mixed-m"
python3 - "$tmp/mixed-m/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["inputs"][1]["shape"] = "wide"
json.dump(m, open(sys.argv[1], "w"), indent=2)
PY
expect verify_tampered_manifest_shape 1 "differs  rerun manifest.json (inputs: not what the run records)" \
  -- "$bin" verify "$tmp/mixed-m"
cp -r "$tmp/mixed" "$tmp/mixed-r"
sed -i '0,/"shape": "long"/s//"shape": "wide"/' "$tmp/mixed-r/results.json"
grep -q '"shape": "long"' "$tmp/mixed-r/results.json" && fail results_tampered_made || ok
expect verify_tampered_results_shape 1 "differs  output results.json" -- "$bin" verify "$tmp/mixed-r"

# duplicates and same-day conflicts across a wide and a long file (SPEC section 1's rules)
cat >"$tmp/w.csv" <<'CSV'
patient_id,session_date,site,clinician,phq9,dose_mg
A,2026-10-05,north,c1,14,35
A,2026-10-12,north,c1,,
B,2026-10-12,,,9,
CSV
cat >"$tmp/l.csv" <<'CSV'
patient_id,session_date,instrument,score,site,clinician
A,2026-10-05T09:00:00,phq9,15,north,c1
A,2026-10-12,44261-6,8,north,c1
B,2026-10-12,phq9,9,,
B,2026-10-12 16:00,phq9,9,,
CSV
expect across_files 0 \
  "7 rows read: 5 accepted, 0 rejected, 2 duplicate; 2 patients; 1 conflicting same-day scores" \
  "$tmp/l.csv:2: note: phq9 on 2026-10-05 disagrees with $tmp/w.csv:2 (same patient and date)" \
  "$tmp/l.csv:4: note: exact duplicate of $tmp/w.csv:4 (counted once)" \
  "$tmp/l.csv:5: note: exact duplicate of $tmp/w.csv:4 (counted once)" \
  "$tmp/w.csv: wide, 3 rows read: 3 accepted, 0 rejected, 0 duplicate" \
  "$tmp/l.csv: long, 4 rows read: 2 accepted, 0 rejected, 2 duplicate" \
  -- "$bin" check "$tmp/w.csv" "$tmp/l.csv"

# long-file errors: file:line:column and the reason
cat >"$tmp/bad-long.csv" <<'CSV'
patient_id,session_date,instrument,score
A,2026-10-05,phq9,28
A,2026-10-05,44260-8,4
A,2026-10-05,44262-0,5
A,2026-10-05,gad7,x
A,2026-10-05,,5
A,2026-10-05,madrs,
A,2026-10-05T25:00,madrs,30
CSV
expect long_errors 1 \
  "$tmp/bad-long.csv:2:4: column 'score': out of range 0-27 for phq9, got \"28\"" \
  "$tmp/bad-long.csv:3:4: column 'score': out of range 0-3 for phq9_item9, got \"4\"" \
  "$tmp/bad-long.csv:4:3: column 'instrument': unknown instrument: expected one of phq9, phq9_item9, madrs, qids_sr16, hamd17, bdi2, gad7, hama, or one of the LOINC codes 44261-6, 44260-8, 89209-1, 70274-6, got \"44262-0\"" \
  "$tmp/bad-long.csv:5:4: column 'score': expected an integer 0-21 for gad7, got \"x\"" \
  "$tmp/bad-long.csv:6:3: column 'instrument': a value is required" \
  "$tmp/bad-long.csv:7:4: column 'score': a value is required" \
  "$tmp/bad-long.csv:8:2: column 'session_date': impossible time: the hour must be 00-23, got \"2026-10-05T25:00\"" \
  "7 rows read: 0 accepted, 7 rejected, 0 duplicate (missing_required 2, invalid_date 1, not_an_integer 1, out_of_range 2, invalid_choice 1)" \
  "$tmp/bad-long.csv: long, 7 rows read: 0 accepted, 7 rejected, 0 duplicate" \
  -- "$bin" check "$tmp/bad-long.csv"
"$bin" report --quiet -o "$tmp/bad-long-report" "$tmp/bad-long.csv" "$wide"
grep -qF "$tmp/bad-long.csv,4,instrument,44262-0,invalid_choice" "$tmp/bad-long-report/rejects.csv" && ok ||
  { fail long_rejects_csv; head -5 "$tmp/bad-long-report/rejects.csv"; }
printf 'patient_id,session_date,instrument,score,dose_mg\nA,2026-10-05,phq9,3,35\n' >"$tmp/long-dose.csv"
expect long_with_dose 1 \
  "$tmp/long-dose.csv:1:5: column 'dose_mg' in a long score file (its header has 'instrument' and 'score'): a long file holds one score per row with patient_id, session_date, site and clinician; treatments and vitals belong in a file of their own" \
  -- "$bin" check "$tmp/long-dose.csv"
printf 'patient_id,session_date,gad7,instrument,score\n' >"$tmp/long-wide.csv"
expect long_with_score_column 1 \
  "$tmp/long-wide.csv:1:3: column 'gad7' in a long score file (its header has 'instrument' and 'score'): a long file holds one score per row with patient_id, session_date, site and clinician; score columns belong in a wide file" \
  -- "$bin" check "$tmp/long-wide.csv"
printf 'score = Value\nscore = Other\n' >"$tmp/twice.ini"
expect map_score_twice 2 "column 'score' is mapped twice" -- "$bin" check --columns "$tmp/twice.ini" "$wide"

# a 1 GB line (a sparse file: no disk used): rejected as too_long without being held, the rest
# of the line skipped, reading resumes at the next line; so is a 20 MB quoted field (a 10 MB
# one is still read and rejected by its column's length limit: tests/ingest/test_ingest.c)
printf 'patient_id,session_date,phq9\nA,2026-01-01,' >"$tmp/huge.csv"
truncate -s 1G "$tmp/huge.csv" && printf '\nB,2026-01-02,5\n' >>"$tmp/huge.csv"
# (peak memory is asserted on a plain build: under ASan, set by scripts/test with
# ASAN_OPTIONS, shadow memory and the quarantine of freed blocks make RSS meaningless)
if command -v /usr/bin/time >/dev/null && [ -z "${ASAN_OPTIONS:-}" ]; then
  expect huge_line 1 "$tmp/huge.csv:2:1: record longer than 16777216 bytes (not read; the rest of its line is skipped)" \
    "$tmp/huge.csv: wide, 2 rows read: 1 accepted, 1 rejected, 0 duplicate" \
    -- /usr/bin/time -f "peak %M KB" -o "$tmp/huge.time" "$bin" check "$tmp/huge.csv"
  awk '/^peak/ { k = $2 } END { exit !(k > 0 && k < 100000) }' "$tmp/huge.time" && ok || { fail huge_line_memory; cat "$tmp/huge.time"; }
else
  expect huge_line 1 "$tmp/huge.csv:2:1: record longer than 16777216 bytes" -- "$bin" check "$tmp/huge.csv"
fi
rm -f "$tmp/huge.csv"
{ printf 'patient_id,session_date,adverse_events\nA,2026-01-01,"'; head -c 20000000 /dev/zero | tr '\0' x
  printf '"\nB,2026-01-02,nausea\n'; } >"$tmp/field.csv"
for t in 1 2; do
  expect "huge_field_threads_$t" 1 "$tmp/field.csv:2:1: record longer than 16777216 bytes (not read; the rest of its line is skipped)" \
    "2 rows read: 1 accepted, 1 rejected, 0 duplicate (too_long 1)" -- "$bin" check --threads "$t" "$tmp/field.csv"
done
"$bin" report --quiet -o "$tmp/field" "$tmp/field.csv" 2>/dev/null
grep -qx "$tmp/field.csv,2,,,too_long" "$tmp/field/rejects.csv" && ok || { fail huge_field_rejects; cat "$tmp/field/rejects.csv"; }
# every results.json and manifest.json left against the schemas (docs/)
source "$(dirname "${BASH_SOURCE[0]}")/schema.sh"
schema_check "$src" "$tmp"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
