#!/usr/bin/env bash
# End-to-end tests of `outcomes report`: outputs, byte-identical reruns and shuffled input,
# options and --config, --strict, and failures that must leave the directory untouched.
# Usage: test_report_cli.sh OUTCOMES_BINARY SOURCE_DIR [JSON_COMPARE]
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$src"
. "$(dirname "$0")/lib.sh" # failures, passed, check
run() { # WANT_EXIT COMMAND... (output in $tmp/out, $tmp/err)
  local want=$1
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || { echo "  exit $got, want $want: $*"; sed 's/^/  err: /' "$tmp/err" | head -5; return 1; }
}
has() { grep -qF -- "$1" "$tmp/out" "$tmp/err"; }

# the sample: three files, the summary on stdout
check report_sample run 0 "$bin" report -o "$tmp/a" sample-data/sessions.csv
check report_summary has "$tmp/a: 5962 rows read, 5962 accepted, 0 rejected, 0 duplicate"
check report_files test -s "$tmp/a/results.json" -a -s "$tmp/a/episodes.csv" -a -s "$tmp/a/rejects.csv"
check report_no_temp_files test -z "$(ls -A "$tmp/a" | grep -v -e '^results.json$' -e '^episodes.csv$' -e '^rejects.csv$' -e '^review.csv$' -e '^report.pdf$' -e '^manifest.json$')"
check rejects_header_only test "$(cat "$tmp/a/rejects.csv")" = "file,line,column,value,reason"
check episodes_header test "$(head -1 "$tmp/a/episodes.csv" | cut -d, -f1-5)" = "patient_id,episode,index_date,baseline_date,baseline_score"

# episodes.csv explains the figures: its rows recount the Kaplan-Meier n and events and the
# response rate's numerator and denominator (as a spreadsheet would)
get=${4:-}
if [ -n "$get" ]; then
  km=$(awk -F, 'NR > 1 && $6 == 1 && $14 > 0 { n++; e += $15 } END { print n, e }' "$tmp/a/episodes.csv")
  check episodes_km test "$km" = "$("$get" "$tmp/a/results.json" time_to_response.n) $("$get" "$tmp/a/results.json" time_to_response.events)"
  rr=$(awk -F, 'NR > 1 && $6 == 1 && $13 == 1 { n++; r += $11; m += $12 } END { print n, r, m }' "$tmp/a/episodes.csv")
  check episodes_rates test "$rr" = "$("$get" "$tmp/a/results.json" response.n) $("$get" "$tmp/a/results.json" response.events) $("$get" "$tmp/a/results.json" remission.events)"
  rem=$(awk -F, 'NR > 1 && $6 == 1 && $14 > 0 { e += $19 } END { print e }' "$tmp/a/episodes.csv")
  check episodes_remission_km test "$rem" = "$("$get" "$tmp/a/results.json" time_to_remission.events)"
fi

# a rerun gives the same bytes
check report_rerun run 0 "$bin" report --quiet -o "$tmp/b" sample-data/sessions.csv
check rerun_identical cmp -s "$tmp/a/results.json" "$tmp/b/results.json"
check rerun_identical_episodes cmp -s "$tmp/a/episodes.csv" "$tmp/b/episodes.csv"

# shuffled rows (a fixed pseudo-random order) give byte-identical results.json and episodes.csv
{ head -1 sample-data/sessions.csv; tail -n +2 sample-data/sessions.csv | awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort -k1,1 | cut -f2-; } >"$tmp/shuffled.csv"
check shuffled_differs bash -c "! cmp -s sample-data/sessions.csv '$tmp/shuffled.csv'"
check report_shuffled run 0 "$bin" report --quiet -o "$tmp/c" "$tmp/shuffled.csv"
# results.json names its input files: compare all but that list
check shuffled_results cmp -s <(grep -v '"path"' "$tmp/a/results.json") <(grep -v '"path"' "$tmp/c/results.json")
check shuffled_episodes cmp -s "$tmp/a/episodes.csv" "$tmp/c/episodes.csv"
# the PDF names its input files too (the data-quality page): the shuffled rows under the same
# relative path give the same PDF
mkdir -p "$tmp/sh/sample-data" && cp "$tmp/shuffled.csv" "$tmp/sh/sample-data/sessions.csv"
check report_shuffled_same_name bash -c "cd '$tmp/sh' && '$bin' report --quiet -o '$tmp/c2' sample-data/sessions.csv"
check shuffled_pdf cmp -s "$tmp/a/report.pdf" "$tmp/c2/report.pdf"
# one thread or two: the same bytes
check report_one_thread run 0 "$bin" report --quiet --threads 1 -o "$tmp/d" sample-data/sessions.csv
# --timings: one line on standard error naming every stage; the outputs do not change
check report_timings run 0 "$bin" report --quiet --timings -o "$tmp/tm" sample-data/sessions.csv
check report_timings_line grep -qE '^timings: read and validate [0-9.]+ s, sort and de-duplicate [0-9.]+ s, derive episodes [0-9.]+ s, statistics [0-9.]+ s, format episodes.csv [0-9.]+ s, write it [0-9.]+ s, JSON and PDF [0-9.]+ s, write the rest [0-9.]+ s' "$tmp/err"
check report_timings_same cmp "$tmp/tm/results.json" "$tmp/d/results.json"
check threads_identical cmp -s "$tmp/a/results.json" "$tmp/d/results.json"

# one thread or two on a file big enough to be split (> 16 MB), full of quoted newlines near
# any boundary: every multi-line value accepted (SPEC section 1), byte-identical outputs
"$bin" sample --patients 16000 --seed 9 -o "$tmp/q.csv"
awk 'NR > 1 && NR % 3 == 0 { sub(/,psychotherapy,/, ",\"psycho\ntherapy\",") } { print }' "$tmp/q.csv" >"$tmp/quoted.csv"
check quoted_big test "$(stat -c %s "$tmp/quoted.csv")" -gt 16777216
check quoted_t1 run 0 "$bin" report --quiet --threads 1 -o "$tmp/q1" "$tmp/quoted.csv"
check quoted_t2 run 0 "$bin" report --quiet --threads 2 -o "$tmp/q2" "$tmp/quoted.csv"
check quoted_none_rejected test "$(cat "$tmp/q1/rejects.csv")" = "file,line,column,value,reason"
check quoted_kept_in_episodes grep -q ',"psycho$' "$tmp/q1/episodes.csv"
check quoted_threads_episodes cmp -s "$tmp/q1/episodes.csv" "$tmp/q2/episodes.csv"
check quoted_threads_results cmp -s "$tmp/q1/results.json" "$tmp/q2/results.json"
check quoted_threads_rejects cmp -s "$tmp/q1/rejects.csv" "$tmp/q2/rejects.csv"
check quoted_threads_pdf cmp -s "$tmp/q1/report.pdf" "$tmp/q2/report.pdf"

# the default directory is reports/<period>
mkdir -p "$tmp/cwd" && cp sample-data/sessions.csv "$tmp/cwd/"
check report_default_dir run 0 bash -c "cd '$tmp/cwd' && '$bin' report --quiet --period 2026-03 sessions.csv"
check default_dir_exists test -s "$tmp/cwd/reports/2026-03/results.json"
check period_in_json grep -q '"from": "2026-03"' "$tmp/cwd/reports/2026-03/results.json"

# options and --config give the same result
check report_options run 0 "$bin" report --quiet --instrument madrs --endpoint 6m --ci exact --period 2025-06..2026-03 --baseline-window 10 --episode-gap 60 -o "$tmp/e" sample-data/sessions.csv
printf 'instrument = madrs\nendpoint = 6m\nci = exact\nperiod = 2025-06..2026-03\nbaseline-window = 10\nepisode-gap = 60\n' >"$tmp/opts.ini"
check report_config run 0 "$bin" report --quiet --config "$tmp/opts.ini" -o "$tmp/f" sample-data/sessions.csv
check config_identical cmp -s "$tmp/e/results.json" "$tmp/f/results.json"
check madrs_defaults grep -q '"min_baseline": 20' "$tmp/e/results.json"
check madrs_remission grep -q '"remission_max": 12' "$tmp/e/results.json"
check endpoint_6m grep -q '"from": 120' "$tmp/e/results.json"
check ci_exact grep -q '"ci_method": "exact"' "$tmp/e/results.json"
# an explicit threshold wins over the instrument's default, in either order
check report_thresholds run 0 "$bin" report --quiet --min-baseline 15 --instrument madrs -o "$tmp/g" sample-data/sessions.csv
check threshold_kept grep -q '"min_baseline": 15' "$tmp/g/results.json"

# usage errors (exit 2), with the option named
check bad_instrument run 2 "$bin" report --instrument phq8 x.csv
check bad_instrument_msg has "--instrument: expected one of phq9, madrs, qids_sr16, hamd17, bdi2, gad7, hama, got 'phq8'"
check bad_endpoint run 2 "$bin" report --endpoint 30:10 x.csv
check bad_endpoint_msg has "--endpoint: expected induction, 6m, 12m or FROM:TO days (1 <= FROM <= TO), got '30:10'"
check bad_period run 2 "$bin" report --period 2026-13 x.csv
check bad_period_msg has "--period: expected YYYY-MM, YYYY-MM..YYYY-MM (in order) or all, got '2026-13'"
check bad_period_order run 2 "$bin" report --period 2026-05..2026-01 x.csv
check bad_ci run 2 "$bin" report --ci bayes x.csv
check bad_ci_msg has "--ci: expected wilson or exact, got 'bayes'"
check bad_bp run 2 "$bin" report --bp-pre 140 x.csv
check bad_bp_msg has "--bp-pre: expected SYSTOLIC/DIASTOLIC mmHg such as 140/90, got '140'"
check bad_window run 2 "$bin" report --baseline-window -1 x.csv
check report_help run 0 "$bin" report --help
check report_help_lists has "--endpoint W"

# --strict: rejected rows fail the run, list every problem, and write nothing
check strict_fails run 1 "$bin" report --strict --columns sample-data/messy-columns.ini --date-format us --delimiter ';' -o "$tmp/h" sample-data/messy-export.csv
check strict_lists has "sample-data/messy-export.csv:7:10: column 'phq9' (\"PHQ-9 Total\"): expected an integer 0-27, got \"2O\""
check strict_summary has "outcomes: --strict: 14 rows rejected; nothing was written"
check strict_wrote_nothing test ! -e "$tmp/h"
# without --strict the same export is analysed and its rejects listed
check messy_report run 0 "$bin" report --columns sample-data/messy-columns.ini --date-format us --delimiter ';' -o "$tmp/i" sample-data/messy-export.csv
check messy_rejects test "$(wc -l <"$tmp/i/rejects.csv")" -eq 15
check messy_reject_line grep -q '^sample-data/messy-export.csv,7,phq9,2O,not_an_integer$' "$tmp/i/rejects.csv"
check messy_monitoring_reject grep -q '^sample-data/messy-export.csv,29,monitoring_min,2h,not_an_integer$' "$tmp/i/rejects.csv"

# --suppress-below 11: no count from 1 to 10 in results.json, no episodes.csv (a stale one is
# removed), "< 11" in the PDF
check suppress_run run 0 "$bin" report --quiet --suppress-below 11 --period 2026-09 -o "$tmp/a" sample-data/sessions.csv
check suppress_no_episodes test ! -e "$tmp/a/episodes.csv"
check suppress_no_rejects test ! -e "$tmp/a/rejects.csv"
counts='"(events|n|n_risk|n_event|n_censor|rows_read|rows_accepted|rows_rejected|rows_duplicate|patients|episodes|cohort_episodes|no_baseline|baseline_below_min|eligible|mature|with_endpoint|with_followup|sessions|sessions_measured|sessions_at_or_above|sessions_above|sessions_any|episodes_any|encounters|encounters_ge1|encounters_ge2|episodes_resolved|episodes_worsened|missing|total|duplicates|treatment_sessions|without_score|rows)": ([1-9]|10)(,|$)'
check suppress_no_small_counts bash -c "! grep -qE '$counts' '$tmp/a/results.json'"
check suppress_marked grep -q '"suppressed": true' "$tmp/a/results.json"
check suppress_definition grep -q '"suppress_below": 11' "$tmp/a/results.json"
check unsuppressed_has_small grep -qE "$counts" "$tmp/d/results.json"
pdftotext "$tmp/a/report.pdf" "$tmp/sup.txt"
check suppress_pdf_marker grep -q '< 11' "$tmp/sup.txt"
check suppress_pdf_footer grep -q 'counts < 11 suppressed' "$tmp/sup.txt"
# complementary suppression: 38 in the period, 2 excluded (hidden) -> eligible (36) is hidden
# too, or 38 - 36 would give the 2 away; 25 mature with 16 responders (9 non-responders)
if [ -n "$get" ]; then
  check comp_cohort_shown test "$("$get" "$tmp/a/results.json" flow.cohort_episodes)" = 38
  check comp_excluded_hidden test "$("$get" "$tmp/a/results.json" flow.excluded.baseline_below_min)" = null
  check comp_eligible_hidden test "$("$get" "$tmp/a/results.json" flow.eligible)" = null
  check comp_response_hidden test "$("$get" "$tmp/a/results.json" response.events)" = null
  check comp_response_marked test "$("$get" "$tmp/a/results.json" response.suppressed)" = true
fi
check comp_pdf grep -q '< 11 eligible' "$tmp/sup.txt"
# one label for every withheld count: a second one ("(suppressed)", N or more) beside "< 11"
# split a total of 12 into 11 and 1 (attack 12f)
check comp_pdf_one_label bash -c "! grep -q '(suppressed)' '$tmp/sup.txt'"
# under suppression a curve has no per-step rows (surv and std_err of two rows give n at risk
# and events), only the median and "at" (SPEC 9)
check km_no_rows bash -c "! grep -q '\"n_risk\"' '$tmp/a/results.json'"
check km_at_rows grep -q '"at": \[' "$tmp/a/results.json"
# within each stratum variable, never exactly one value hidden (it could be worked back)
if [ -n "$get" ]; then
  for var in site clinician route drug concurrent_therapy dose_band; do
    hidden=0
    k=0
    while v=$("$get" "$tmp/a/results.json" strata.$var.$k.value 2>/dev/null) && [ -n "$v" ]; do
      [ "$("$get" "$tmp/a/results.json" strata.$var.$k.response.suppressed 2>/dev/null)" = true ] && hidden=$((hidden + 1))
      k=$((k + 1))
    done
    check "strata_${var}_not_one_hidden" test "$hidden" -ne 1
  done
fi
check bad_suppress run 2 "$bin" report --suppress-below 1 x.csv
check bad_suppress_msg has "--suppress-below: expected a count 2-1000, got '1'"

# failures leave the directory as it was
echo "old" >"$tmp/keep.txt"
mkdir -p "$tmp/ro" && cp "$tmp/a/results.json" "$tmp/ro/" && chmod a-w "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
  check readonly_dir run 3 "$bin" report --quiet -o "$tmp/ro" sample-data/sessions.csv
fi
check dir_is_file run 3 "$bin" report --quiet -o "$tmp/keep.txt" sample-data/sessions.csv
check dir_is_file_msg has "exists and is not a directory"
check file_untouched test "$(cat "$tmp/keep.txt")" = "old"
check empty_analysis run 1 "$bin" report --quiet -o "$tmp/j" --as-of 2000-01-01 sample-data/sessions.csv
check empty_analysis_msg has "no row was accepted: there is nothing to analyse"
check empty_wrote_nothing test ! -e "$tmp/j"

# a path with spaces and non-ASCII letters, for the input and the output
mkdir -p "$tmp/dir with spaces/Zürich"
cp sample-data/sessions.csv "$tmp/dir with spaces/Zürich/sessions été.csv"
check unicode_paths run 0 "$bin" report --quiet -o "$tmp/dir with spaces/Zürich/out put" "$tmp/dir with spaces/Zürich/sessions été.csv"
check unicode_paths_files test -s "$tmp/dir with spaces/Zürich/out put/report.pdf"
check unicode_paths_verify run 0 "$bin" verify "$tmp/dir with spaces/Zürich/out put"

# a full disk (a 64 KiB tmpfs, where this machine lets us mount one): exit 3, nothing left
mkdir -p "$tmp/full"
if mount -t tmpfs -o size=64k tmpfs "$tmp/full" 2>/dev/null; then
  check full_disk run 3 "$bin" report --quiet -o "$tmp/full/out" sample-data/sessions.csv
  check full_disk_msg has "No space left on device"
  check full_disk_clean test -z "$(ls -A "$tmp/full/out" 2>/dev/null)"
  # directories the failed run made are removed again
  check full_disk_new_dirs run 3 "$bin" report --quiet -o "$tmp/full/new/deeper" sample-data/sessions.csv
  check full_disk_new_dirs_gone test -z "$(ls -A "$tmp/full")"
  umount "$tmp/full"
  # a disk that fills up while episodes.csv (over 8 MB: direct I/O) is being written
  "$bin" sample --patients 60000 --seed 9 -o "$tmp/big60.csv"
  mount -t tmpfs -o size=4m tmpfs "$tmp/full"
  check full_disk_large run 3 "$bin" report --quiet -o "$tmp/full/out" "$tmp/big60.csv"
  check full_disk_large_msg has "cannot write episodes.csv: No space left on device"
  check full_disk_large_clean test -z "$(ls -A "$tmp/full")"
  umount "$tmp/full"
  mount -t tmpfs -o size=64m tmpfs "$tmp/full"
  check large_on_tmpfs run 0 "$bin" report --quiet -o "$tmp/full/out" "$tmp/big60.csv"
  check large_on_tmpfs_size test "$(stat -c %s "$tmp/full/out/episodes.csv")" -gt 8388608
  cp "$tmp/full/out/episodes.csv" "$tmp/big60-episodes.csv"
  check large_on_tmpfs_verify run 0 "$bin" verify "$tmp/full/out"
  umount "$tmp/full"
  # ramfs refuses direct I/O: the large file goes through the page cache instead
  if mount -t ramfs ramfs "$tmp/full" 2>/dev/null; then
    check large_on_ramfs run 0 "$bin" report --quiet -o "$tmp/full/out" "$tmp/big60.csv"
    check large_on_ramfs_same cmp "$tmp/full/out/episodes.csv" "$tmp/big60-episodes.csv"
    check large_on_ramfs_no_tmp test -z "$(ls -A "$tmp/full/out" | grep '^\.')"
    umount "$tmp/full"
  else
    echo "skip large_on_ramfs: cannot mount a ramfs here"
  fi
else
  echo "skip full_disk: cannot mount a tmpfs here"
fi

# progress: on a terminal (script gives one), not with --quiet, never into a pipe
[ -s "$tmp/big.csv" ] || "$bin" sample --patients 30000 --seed 5 -o "$tmp/big.csv"
# (a machine without a terminal device, where script cannot open a pseudo-terminal: skipped,
# and said so)
if ! command -v script >/dev/null; then
  echo "skip progress_on_tty, no_progress_quiet: script (util-linux) is not installed"
elif ! script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
  echo "skip progress_on_tty, no_progress_quiet: no terminal device here (script cannot open a pseudo-terminal)"
else
  script -qec "'$bin' report -o '$tmp/tty' '$tmp/big.csv'" /dev/null >"$tmp/tty.txt" 2>&1
  check progress_on_tty grep -qE 'reading: +[0-9]+% of [0-9]+ MB|analysing|writing the outputs|sorting' "$tmp/tty.txt"
  script -qec "'$bin' report --quiet -o '$tmp/tty2' '$tmp/big.csv'" /dev/null >"$tmp/tty2.txt" 2>&1
  check no_progress_quiet test ! -s "$tmp/tty2.txt"
fi
"$bin" report -o "$tmp/pipe" "$tmp/big.csv" 2>"$tmp/pipe.err" >/dev/null
check no_progress_in_pipe test ! -s "$tmp/pipe.err"

# an input that grows while it is read: detected when it is hashed, nothing written
cp "$tmp/big.csv" "$tmp/growing.csv" 2>/dev/null || "$bin" sample --patients 30000 --seed 5 -o "$tmp/growing.csv"
( for i in $(seq 1 4000); do echo "P9999999,2026-01-01,assessment,north,c01,,,,,5,0,,,,,,,,,none" >>"$tmp/growing.csv"; sleep 0.001; done ) &
grower=$!
sleep 0.2
check growing_input run 3 "$bin" report --quiet -o "$tmp/grow" "$tmp/growing.csv"
kill "$grower" 2>/dev/null
wait "$grower" 2>/dev/null
check growing_input_msg has "the file changed while it was being read"
check growing_input_nothing test ! -e "$tmp/grow"

# a signal part-way leaves no temporary file, and either every output or none
[ -s "$tmp/big.csv" ] || "$bin" sample --patients 30000 --seed 5 -o "$tmp/big.csv"
for delay in 0.05 0.2 0.4 0.6 0.8 1.0; do
  rm -rf "$tmp/sig"
  "$bin" report --quiet -o "$tmp/sig" "$tmp/big.csv" &
  pid=$!
  sleep "$delay"
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  check "signal_${delay}_no_temp" test -z "$(ls -A "$tmp/sig" 2>/dev/null | grep '\.tmp$')"
  n=$(ls "$tmp/sig" 2>/dev/null | wc -l)
  check "signal_${delay}_all_or_nothing" test "$n" -eq 0 -o "$n" -eq 6
done

# every results.json and manifest.json left against the schemas (docs/)
source "$(dirname "${BASH_SOURCE[0]}")/schema.sh"
schema_check "$src" "$tmp"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
