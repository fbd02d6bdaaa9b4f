#!/usr/bin/env bash
# Valid data of unusual shape, end to end: each case is a small valid export (written here by
# awk) run through `outcomes report`. Each must end with exit 0 and every output written, the
# accounting identity rows_read = rows_accepted + rows_rejected + rows_duplicate holding in
# results.json and in the summary line, and a PDF of every page of the page table; or, where no row is left to
# analyse, exit 1 with one plain message. Never a crash, an abort, a sanitizer report or a
# hang (each run is limited to DEGENERATE_TIMEOUT seconds, default 60). The expected values
# follow from SPEC section 2 by hand and are commented where they are derived.
# DEGENERATE_ONLY=REGEX runs only the cases whose name matches.
# Usage: test_degenerate.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET PAGE_TITLES
set -uo pipefail
bin=$1
get=$4
npages=$("$5" | wc -l) # report.pdf's pages, from the page table
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C # awk counts and writes bytes; the text below is UTF-8 written byte by byte
limit=${DEGENERATE_TIMEOUT:-60}
only=${DEGENERATE_ONLY:-}
failures=0
passed=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
wanted() { [ -z "$only" ] || [[ $1 =~ $only ]]; }

# Day numbers <-> dates (days since 1970-01-01; H. Hinnant's civil-date algorithms).
DATES='
function dn(y, m, d,   yoe, doy) {
  y -= (m <= 2); yoe = y % 400
  doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
  return int(y / 400) * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
}
function ds(z,   era, doe, yoe, y, doy, mp, d, m) {
  z += 719468; era = int(z / 146097); doe = z - era * 146097
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
  y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
  mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
  m = mp < 10 ? mp + 3 : mp - 9
  return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
}'
gen() { awk "$DATES $1" </dev/null; }

# run_case NAME WANT_EXIT OPTION_OR_FILE...: runs the report into $tmp/NAME and checks what
# every case must hold. Sets $out (the directory) and $json.
run_case() {
  local name=$1 want=$2
  shift 2
  out=$tmp/$name
  json=$out/results.json
  timeout "$limit" "$bin" report -o "$out" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$name: exit $got, want $want"
    sed 's/^/  err: /' "$tmp/$name.err" | head -5
    return 1
  fi
  if grep -qE 'Sanitizer|runtime error|gsl:|Default GSL|Assertion' "$tmp/$name.err"; then
    fail "$name: a crash report on standard error"
    head -5 "$tmp/$name.err"
    return 1
  fi
  if [ "$want" -ne 0 ]; then # one plain line (and the --help hint for usage), nothing written
    local lines=1
    [ "$want" -eq 2 ] && lines=2
    if [ "$(wc -l <"$tmp/$name.err")" -ne "$lines" ] || ! head -1 "$tmp/$name.err" | grep -q '^outcomes: ' ||
      [ -e "$out" ]; then
      fail "$name: want one plain message and no output"
      head -5 "$tmp/$name.err"
      return 1
    fi
    passed=$((passed + 1))
    return 0
  fi
  local f files=(report.pdf results.json manifest.json)
  [[ " $* " == *" --suppress-below "* ]] || files+=(episodes.csv rejects.csv) # row-level files
  for f in "${files[@]}"; do
    if [ ! -s "$out/$f" ]; then
      fail "$name: $f not written"
      return 1
    fi
  done
  # the identity in the summary line (always printed, even when small counts are withheld)
  local r a j d
  read -r r a j d < <(sed -nE 's/.*: ([0-9]+) rows read, ([0-9]+) accepted, ([0-9]+) rejected, ([0-9]+) duplicate.*/\1 \2 \3 \4/p' "$tmp/$name.out")
  if [ -z "${r:-}" ] || [ "$r" -ne $((a + j + d)) ]; then
    fail "$name: summary line '$(head -1 "$tmp/$name.out")' breaks the accounting"
    return 1
  fi
  # and in results.json (unless withheld by --suppress-below)
  local jr ja jj jd
  jr=$("$get" "$json" flow.rows_read)
  ja=$("$get" "$json" flow.rows_accepted)
  jj=$("$get" "$json" flow.rows_rejected)
  jd=$("$get" "$json" flow.rows_duplicate)
  if [ "$jr" != null ] && [ "$ja" != null ] && [ "$jj" != null ] && [ "$jd" != null ]; then
    if [ "$jr" != "$r" ] || [ "$jr" -ne $((ja + jj + jd)) ]; then
      fail "$name: results.json flow $jr = $ja + $jj + $jd does not hold"
      return 1
    fi
  fi
  # the page table's pages, or more: the forest plots page on when a variable has many values
  if command -v pdfinfo >/dev/null &&
    ! [ "$(pdfinfo "$out/report.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')" -ge "$npages" ]; then
    fail "$name: report.pdf has fewer than the page table's $npages pages"
    return 1
  fi
  passed=$((passed + 1))
  return 0
}

# is NAME PATH WANT: results.json's value at PATH (json_get's form) is WANT.
is() {
  local v
  v=$("$get" "$tmp/$1/results.json" "$2")
  if [ "$v" = "$3" ]; then passed=$((passed + 1)); else fail "$1: $2 is '$v', want '$3'"; fi
}
near() { # NAME PATH WANT: within 1e-12 (a p-value from another library's chi-square tail)
  local v
  v=$("$get" "$tmp/$1/results.json" "$2")
  if awk -v v="$v" -v w="$3" 'BEGIN { d = v - w; exit !(v != "" && v != "null" && d < 1e-12 && -d < 1e-12) }'; then
    passed=$((passed + 1))
  else
    fail "$1: $2 is '$v', want $3"
  fi
}
same() { # NAME FILE_A FILE_B
  if cmp -s "$2" "$3"; then passed=$((passed + 1)); else fail "$1: $2 and $3 differ"; fi
}
utf8() { # NAME FILE: the file is valid UTF-8
  if iconv -f UTF-8 -t UTF-8 "$2" >/dev/null 2>&1; then passed=$((passed + 1)); else
    fail "$1: $2 is not valid UTF-8"
  fi
}
pdf_has() { # NAME TEXT: the PDF's text holds TEXT
  if ! command -v pdftotext >/dev/null; then return 0; fi
  pdftotext "$tmp/$1/report.pdf" "$tmp/$1.txt" 2>/dev/null
  if grep -qF -- "$2" "$tmp/$1.txt"; then
    passed=$((passed + 1))
  else
    fail "$1: report.pdf does not show '$2'"
  fi
}

H='patient_id,session_date,session_type,site,clinician,route,drug,dose_mg,weight_kg,phq9'

# --- one patient: response on day 14 (9 <= 20/2), not remission (9 > 4) -----------------------
if wanted one_patient; then
  printf '%s\n' "$H" "P1,2026-01-05,treatment,north,c1,iv,ketamine,40,80,20" \
    "P1,2026-01-08,treatment,north,c1,iv,ketamine,40,80,16" \
    "P1,2026-01-19,treatment,north,c1,iv,ketamine,40,80,9" \
    "P1,2026-02-02,assessment,north,c1,,,,,8" >"$tmp/one_patient.csv"
  if run_case one_patient 0 --as-of 2026-03-31 "$tmp/one_patient.csv"; then
    is one_patient flow.patients 1
    is one_patient flow.episodes 1
    is one_patient flow.mature 1
    is one_patient response.events 1
    is one_patient response.n 1
    is one_patient remission.events 0
    is one_patient time_to_response.median 14
    is one_patient time_to_response.events 1
    is one_patient strata.logrank.site.p null # one value: no test
  fi
fi

# --- one treatment row and no score at all -----------------------------------------------------
if wanted one_treatment; then
  printf '%s\n' "patient_id,session_date,session_type" "P1,2026-01-05,treatment" >"$tmp/t.csv"
  if run_case one_treatment 0 "$tmp/t.csv"; then
    is one_treatment flow.episodes 1
    is one_treatment flow.excluded.no_baseline 1
    is one_treatment flow.eligible 0
    is one_treatment response.n 0
    is one_treatment response.rate null
    is one_treatment time_to_response.n 0
    is one_treatment time_to_response.median null
  fi
fi

# --- everyone responding on the same day, in several strata: the log-rank variance is singular
# (R's survdiff stops there): the test is null, the report is written --------------------------
if wanted same_day; then
  # the issue's four rows: two sites, one patient each, both responding on day 14
  printf '%s\n' "patient_id,session_date,site,dose_mg,phq9" "A,2026-01-05,north,40,20" \
    "A,2026-01-19,north,40,5" "B,2026-01-05,south,40,20" "B,2026-01-19,south,40,5" >"$tmp/sd2.csv"
  if run_case same_day_two_sites 0 "$tmp/sd2.csv"; then
    is same_day_two_sites time_to_response.events 2
    is same_day_two_sites strata.logrank.site.p null
    is same_day_two_sites strata.logrank.site.chisq null
  fi
  gen 'BEGIN { print "patient_id,session_date,site,clinician,concurrent_therapy,dose_mg,phq9"
    for (i = 0; i < 12; i++) {
      s = "site" i % 3; c = "c" i % 4; t = i % 2 ? "psychotherapy" : "none"
      print "P" i "," ds(dn(2026, 1, 5)) "," s "," c "," t ",40,22"
      print "P" i "," ds(dn(2026, 1, 19)) "," s "," c "," t ",40,3" } }' >"$tmp/sd.csv"
  if run_case same_day_strata 0 --as-of 2026-03-31 "$tmp/sd.csv"; then
    is same_day_strata time_to_response.events 12
    is same_day_strata time_to_response.median 14
    is same_day_strata remission.events 12
    is same_day_strata strata.logrank.site.p null
    is same_day_strata strata.logrank.clinician.p null
    is same_day_strata strata.logrank.concurrent_therapy.p null
  fi
fi

# --- nobody responding; everyone censored on one day ---------------------------------------------
if wanted nobody; then
  gen 'BEGIN { print "patient_id,session_date,site,dose_mg,phq9"
    for (i = 0; i < 6; i++) { s = i % 2 ? "north" : "south"; d0 = dn(2026, 1, 5) + i
      print "P" i "," ds(d0) "," s ",40,20"; print "P" i "," ds(d0 + 14) "," s ",40,18"
      print "P" i "," ds(d0 + 28 + i) "," s ",40,17" } }' >"$tmp/nobody.csv"
  if run_case nobody_responding 0 --as-of 2026-06-30 "$tmp/nobody.csv"; then
    is nobody_responding response.events 0
    is nobody_responding response.n 6
    is nobody_responding response.rate 0
    is nobody_responding time_to_response.events 0
    is nobody_responding time_to_response.median null
    is nobody_responding sessions_to_response.median null
  fi
fi
if wanted censored; then
  gen 'BEGIN { print "patient_id,session_date,dose_mg,phq9"
    for (i = 0; i < 5; i++) { print "P" i ",2026-01-05,40," 20 + i; print "P" i ",2026-01-12,,15" } }' \
    >"$tmp/cens.csv"
  if run_case censored_one_day 0 --as-of 2026-06-30 "$tmp/cens.csv"; then
    is censored_one_day time_to_response.n 5
    is censored_one_day time_to_response.events 0
    is censored_one_day time_to_response.curve.0.time 7
    is censored_one_day time_to_response.curve.0.n_censor 5
    is censored_one_day time_to_response.curve.0.surv 1
    is censored_one_day time_to_response.median null
    is censored_one_day response.n 5 # mature; no endpoint score (day 7 < 14): not met
    is censored_one_day flow.with_endpoint 0
  fi
fi

# --- every stratum value with one patient: two patients differing in every variable; A responds
# on day 14, B on day 21. R: survdiff(Surv(c(14, 21), c(1, 1)) ~ c(1, 2)): chisq 1, df 1,
# p 0.31731050786291404 (1 - pchisq(1, 1)) -----------------------------------------------------
if wanted one_per; then
  printf '%s\n' "$H,concurrent_therapy" \
    "A,2026-01-05,treatment,north,c1,iv,ketamine,40,80,20,psychotherapy" \
    "A,2026-01-19,assessment,,,,,,,5," \
    "B,2026-01-05,treatment,south,c2,intranasal,esketamine,84,60,20,none" \
    "B,2026-01-26,assessment,,,,,,,5," >"$tmp/op.csv"
  if run_case one_per_stratum 0 --as-of 2026-06-30 "$tmp/op.csv"; then
    for v in site clinician route drug concurrent_therapy dose_band; do
      is one_per_stratum strata.logrank.$v.chisq 1
      is one_per_stratum strata.logrank.$v.df 1
      near one_per_stratum strata.logrank.$v.p 0.31731050786291404
    done
  fi
fi

# --- thousands of distinct sites and clinicians, one patient each (a telehealth roster) ---------
if wanted many_sites; then
  gen 'BEGIN { print "patient_id,session_date,site,clinician,dose_mg,phq9"
    for (i = 0; i < 3000; i++) { s = sprintf("site-%04d", i); c = sprintf("clin-%04d", i)
      print "P" i "," ds(dn(2026, 1, 5) + i % 20) "," s "," c ",40,20"
      print "P" i "," ds(dn(2026, 1, 5) + i % 20 + 10 + i % 30) "," s "," c ",," 3 + i % 15 } }' \
    >"$tmp/many.csv"
  if run_case many_sites_clinicians 0 --as-of 2026-06-30 "$tmp/many.csv"; then
    is many_sites_clinicians flow.patients 3000
    is many_sites_clinicians flow.eligible 3000
    is many_sites_clinicians strata.site.2999.value site-2999
    is many_sites_clinicians strata.clinician.2999.value clin-2999
  fi
  run_case many_sites_suppressed 0 --suppress-below 11 --as-of 2026-06-30 "$tmp/many.csv"
fi

# --- scores exactly at every threshold (PHQ-9: eligible >= 10, response 2(b - s) >= b,
# remission <= 4, endpoint days 14-42, baseline window 14 days, mature when index + 42 <= as-of;
# blood pressure >= 140/90 before and >= 180/110 after, CADSS above 4) --------------------------
if wanted thresholds; then
  S=patient_id,session_date,session_type,dose_mg,phq9,sbp_pre,dbp_pre,sbp_post,dbp_post,cadss,phq9_item9
  printf '%s\n' "$S" \
    "P1,2026-01-05,treatment,40,10,140,80,180,100,4,1" \
    "P1,2026-02-16,assessment,,5,,,,,," \
    "P2,2026-01-05,treatment,40,10,139,89,179,109,5,2" \
    "P2,2026-01-19,assessment,,4,,,,,," \
    "P3,2026-01-05,treatment,40,9,,,,,," \
    "P3,2026-01-19,assessment,,0,,,,,," \
    "P4,2025-12-22,assessment,,20,,,,,," \
    "P4,2026-01-05,treatment,40,,,,,,," \
    "P4,2026-01-25,assessment,,19,,,,,," \
    "P4,2026-02-17,assessment,,0,,,,,," \
    "P5,2025-12-21,assessment,,20,,,,,," \
    "P5,2026-01-05,treatment,40,,,,,,," \
    "P6,2026-01-05,treatment,40,11,120,90,150,110,,0" \
    "P6,2026-02-04,assessment,,6,,,,,," \
    "P7,2026-01-06,treatment,40,20,,,,,," \
    "P7,2026-01-20,assessment,,2,,,,,," >"$tmp/thr.csv"
  # P1: baseline 10 (eligible), day 42 score 5: 2 x 5 >= 10, response, not remission.
  # P2: baseline 10, day 14 score 4: response and remission. P3: baseline 9, below the minimum.
  # P4: baseline 14 days before the index; day 20 score 19 is the endpoint; day 43 is after
  # the as-of date (set aside). P5: a score 15 days before: no baseline. P6: 2 x 5 < 11.
  # P7: its index + 42 is one day past the as-of date: not mature.
  if run_case thresholds 0 --as-of 2026-02-16 "$tmp/thr.csv"; then
    is thresholds flow.rows_rejected 1
    is thresholds data_quality.rejected_by_reason.after_as_of 1
    is thresholds flow.excluded.baseline_below_min 1
    is thresholds flow.excluded.no_baseline 1
    is thresholds flow.eligible 5
    is thresholds flow.mature 4
    is thresholds flow.with_endpoint 4
    is thresholds response.events 2
    is thresholds response.n 4
    is thresholds remission.events 1
    is thresholds safety.bp_pre.sessions_at_or_above 2
    is thresholds safety.bp_post.sessions_at_or_above 2
    is thresholds safety.cadss.sessions_above 1
  fi
  # one thread or 64: the same results
  if run_case thresholds_t64 0 --threads 64 --as-of 2026-02-16 "$tmp/thr.csv"; then
    same thresholds_t64 "$tmp/thresholds/results.json" "$tmp/thresholds_t64/results.json"
  fi
  if run_case thresholds_t1 0 --threads 1 --as-of 2026-02-16 "$tmp/thr.csv"; then
    same thresholds_t1 "$tmp/thresholds/results.json" "$tmp/thresholds_t1/results.json"
  fi
fi

# --- the first and last dates the reader accepts (1900-01-01, 2199-12-31); a day outside each
# is rejected ------------------------------------------------------------------------------------
if wanted dates; then
  printf '%s\n' "patient_id,session_date,dose_mg,phq9" "A,1900-01-01,40,20" "A,1900-01-15,,5" \
    "B,2199-11-01,40,20" "B,2199-12-31,,3" "C,1899-12-31,40,20" "C,2200-01-01,40,20" >"$tmp/dates.csv"
  if run_case date_edges 0 "$tmp/dates.csv"; then
    is date_edges flow.rows_rejected 2
    is date_edges data_quality.rejected_by_reason.invalid_date 2
    is date_edges as_of 2199-12-31
    is date_edges period.from 1900-01
    is date_edges period.to 2199-12
    is date_edges flow.episodes 2
    is date_edges flow.mature 2
    is date_edges response.events 1 # B's day-60 score is past the endpoint window
    # S is 0.5 from day 14 to B's censoring on day 60: R's quantile.survfit takes the middle
    is date_edges time_to_response.median 37
    is date_edges monthly.11.month 2199-12
  fi
  if run_case date_edges_first_month 0 --period 1900-01 "$tmp/dates.csv"; then
    is date_edges_first_month flow.cohort_episodes 1
    is date_edges_first_month monthly.0.month 1899-02
  fi
fi

# --- one patient with dozens of episodes (a course every 120 days: 106 days after the last
# treatment, over the gap of 90) -----------------------------------------------------------------
if wanted dozens; then
  gen 'BEGIN { print "patient_id,session_date,dose_mg,phq9"
    for (k = 0; k < 40; k++) { d = dn(2020, 1, 6) + 120 * k
      print "P1," ds(d) ",40,20"; print "P1," ds(d + 7) ",40,14"; print "P1," ds(d + 14) ",40,8" } }' \
    >"$tmp/dozens.csv"
  if run_case dozens_of_episodes 0 --as-of 2034-12-31 "$tmp/dozens.csv"; then
    is dozens_of_episodes flow.patients 1
    is dozens_of_episodes flow.episodes 40
    is dozens_of_episodes flow.mature 40
    is dozens_of_episodes response.events 40
    is dozens_of_episodes time_to_response.median 14
    is dozens_of_episodes sessions_to_response.median 2
  fi
fi

# --- an export of duplicates only ------------------------------------------------------------------
if wanted duplicates; then
  gen 'BEGIN { print "patient_id,session_date,dose_mg,phq9"; for (i = 0; i < 50; i++) print "P1,2026-01-05,40,20" }' \
    >"$tmp/dup.csv"
  if run_case duplicates_only 0 "$tmp/dup.csv"; then
    is duplicates_only flow.rows_read 50
    is duplicates_only flow.rows_accepted 1
    is duplicates_only flow.rows_duplicate 49
    is duplicates_only flow.episodes 1
  fi
fi

# --- only the two required columns: assessments only, no episode -----------------------------
if wanted two_columns; then
  printf '%s\n' "patient_id,session_date" "P1,2026-01-05" "P2,2026-01-06" "P1,2026-02-05" >"$tmp/two.csv"
  if run_case two_columns 0 "$tmp/two.csv"; then
    is two_columns flow.patients 2
    is two_columns flow.episodes 0
    is two_columns response.n 0
  fi
fi

# --- option edges ----------------------------------------------------------------------------------
if wanted options; then
  printf '%s\n' "patient_id,session_date,dose_mg,phq9" "A,2026-01-04,,20" "A,2026-01-05,40," \
    "A,2026-01-06,40,9" "A,2026-01-07,40,8" "B,2026-01-05,40,20" "B,2026-01-06,,12" >"$tmp/opt.csv"
  # endpoint day 1 only: B's day-1 12 is not a response (2 x 8 < 20); A's day-1 9 is
  if run_case endpoint_1_1 0 --endpoint 1:1 "$tmp/opt.csv"; then
    is endpoint_1_1 definitions.endpoint.from 1
    is endpoint_1_1 definitions.endpoint.to 1
    is endpoint_1_1 flow.mature 2
    is endpoint_1_1 response.events 1
  fi
  # gap 0: every treatment date starts an episode (A: 3, B: 1)
  if run_case episode_gap_0 0 --episode-gap 0 "$tmp/opt.csv"; then
    is episode_gap_0 flow.episodes 4
  fi
  # window 0: only a score on the index date is a baseline (A's is the day before)
  if run_case baseline_window_0 0 --baseline-window 0 "$tmp/opt.csv"; then
    is baseline_window_0 flow.excluded.no_baseline 1
    is baseline_window_0 flow.eligible 1
  fi
  if run_case threads_64 0 --threads 64 "$tmp/opt.csv"; then
    run_case threads_1 0 --threads 1 "$tmp/opt.csv" &&
      same threads_64 "$tmp/threads_1/results.json" "$tmp/threads_64/results.json"
  fi
  # a threshold above the cohort: every count withheld, the report still written
  if run_case suppress_above_cohort 0 --suppress-below 1000 "$tmp/opt.csv"; then
    is suppress_above_cohort flow.rows_read null
    is suppress_above_cohort response.rate null
  fi
  # an as-of date before every row: nothing is left; exit 1 and a plain message
  if run_case as_of_before_all 1 --as-of 2000-01-01 "$tmp/opt.csv"; then
    if grep -qF "no row was accepted" "$tmp/as_of_before_all.err"; then passed=$((passed + 1)); else
      fail "as_of_before_all: message '$(cat "$tmp/as_of_before_all.err")'"
    fi
  fi
  if run_case period_without_episodes 0 --period 2020-01 "$tmp/opt.csv"; then
    is period_without_episodes flow.cohort_episodes 0
    is period_without_episodes flow.eligible 0
    is period_without_episodes response.n 0
  fi
fi

# --- 40 input files (one patient each), and --threads 64 on them: the same results ---------------
if wanted files_40; then
  files=()
  for i in $(seq 1 40); do
    printf '%s\n' "patient_id,session_date,dose_mg,phq9" "P$i,2026-01-05,40,20" "P$i,2026-01-$((10 + i % 20)),,$((i % 12))" \
      >"$tmp/f$i.csv"
    files+=("$tmp/f$i.csv")
  done
  if run_case files_40 0 --as-of 2026-06-30 "${files[@]}"; then
    is files_40 flow.rows_read 80
    is files_40 flow.patients 40
    is files_40 data_quality.files.39.rows_read 2
  fi
  if run_case files_40_t64 0 --threads 64 --as-of 2026-06-30 "${files[@]}"; then
    same files_40_t64 "$tmp/files_40/results.json" "$tmp/files_40_t64/results.json"
  fi
fi

# --- non-ASCII text of every length, 1 to 70 characters, in every text column and in headers:
# the characters cycle through 2-, 3- and 4-byte ones (e, euro sign, an emoji), starting at a
# different one for each length, so that every cut (24 characters in a legend, 40 in a table,
# a width in the forest plot) falls on each kind. Values over 64 characters are rejected
# (too_long); adverse-event codes (up to 1024) and headers are kept whatever their length -------
if wanted non_ascii; then
  TEXT='function t(L,   s, k) { s = ""; for (k = 0; k < L; k++) s = s ch[(k + L) % 3]; return s }
    BEGIN { ch[0] = "\303\251"; ch[1] = "\342\202\254"; ch[2] = "\360\237\230\200" }'
  for r in $(seq 0 13); do
    gen "$TEXT"' BEGIN { r = '"$r"'
      h = "patient_id,session_date,session_type,site,clinician,concurrent_therapy,adverse_events,dose_mg,phq9"
      for (L = 5 * r + 1; L <= 5 * r + 5; L++) h = h ",X" t(L)
      print h
      for (L = 5 * r + 1; L <= 5 * r + 5; L++) {
        v = t(L); e = ",,,,,"
        print "P" L ",2026-01-05,treatment," v "," v "," v "," t(L) "|" t(L + 1) ",40,20" e
        print "P" L "," ds(dn(2026, 1, 19) + L % 9) ",assessment,,,,,," (L % 2 ? 4 : 15) e
        print "Q" L ",2026-01-06,treatment,,,," t(L) "|" t(L) "|" t(L + 2) ",40," e } }' \
      >"$tmp/na$r.csv"
    # the rows of lengths 65-70 (their first row) are rejected; the title has 5r+5 characters
    rej=0
    [ "$r" -eq 12 ] && rej=1
    [ "$r" -eq 13 ] && rej=5
    title=$(gen "$TEXT"' BEGIN { printf "%s", t(5 * '"$r"' + 5) }')
    if run_case "non_ascii_$r" 0 --as-of 2026-06-30 --title "$title" "$tmp/na$r.csv"; then
      is "non_ascii_$r" flow.rows_rejected $rej
      is "non_ascii_$r" data_quality.rejected_by_reason.too_long $rej
      for k in 0 4; do
        is "non_ascii_$r" data_quality.unknown_columns.$k \
          "X$(gen "$TEXT"' BEGIN { printf "%s", t(5 * '"$r"' + 1 + '"$k"') }')"
      done
      utf8 "non_ascii_$r" "$tmp/non_ascii_$r/rejects.csv"
      "$bin" check "$tmp/na$r.csv" >"$tmp/na$r.check" 2>&1
      utf8 "non_ascii_$r" "$tmp/na$r.check"
    fi
  done

  # --title counts characters: 200 of 4 bytes each are taken, 201 are not
  t200=$(gen "$TEXT"' BEGIN { for (k = 0; k < 200; k++) printf "%s", ch[2] }')
  run_case title_200_characters 0 --title "$t200" "$tmp/na0.csv"
  if run_case title_201_characters 2 --title "${t200}x" "$tmp/na0.csv"; then
    if grep -qF "outcomes: --title: at most 200 characters" "$tmp/title_201_characters.err"; then
      passed=$((passed + 1))
    else
      fail "title_201_characters: $(cat "$tmp/title_201_characters.err")"
    fi
  fi
fi

# --- 300 distinct therapies; 10,000 sites (one row each) --------------------------------------------
if wanted therapies_300; then
  gen 'BEGIN { print "patient_id,session_date,concurrent_therapy,dose_mg,phq9"
    for (i = 0; i < 300; i++) { t = sprintf("therapy %03d", i)
      print "P" i "," ds(dn(2026, 1, 5) + i % 7) "," t ",40,20"
      print "P" i "," ds(dn(2026, 1, 19) + i % 11) "," t ",," i % 20 } }' >"$tmp/th.csv"
  if run_case therapies_300 0 --as-of 2026-06-30 "$tmp/th.csv"; then
    is therapies_300 strata.concurrent_therapy.299.value "therapy 299"
    is therapies_300 strata.logrank.concurrent_therapy.p null # over 100 groups: not tested
    # every value is drawn: the forest plots page on (a continued heading), the last one there
    if command -v pdftotext >/dev/null; then
      pdftotext "$tmp/therapies_300/report.pdf" "$tmp/th.txt"
      pages=$(pdfinfo "$tmp/therapies_300/report.pdf" | awk '/^Pages:/ { print $2 }')
      if [ "$pages" -gt "$npages" ] && grep -qF "therapy 299" "$tmp/th.txt" &&
        grep -qF "therapy 000" "$tmp/th.txt" && grep -qF "Concurrent therapy (continued)" "$tmp/th.txt" &&
        grep -qF "page $pages of $pages" "$tmp/th.txt"; then
        passed=$((passed + 1))
      else
        fail "therapies_300: the forest plots do not page on to every value ($pages pages)"
      fi
    fi
  fi
  run_case therapies_300_suppressed 0 --suppress-below 11 --as-of 2026-06-30 "$tmp/th.csv"
fi
if wanted sites_10000; then
  gen 'BEGIN { print "patient_id,session_date,site,dose_mg,phq9"
    for (i = 0; i < 10000; i++) print "P" i "," ds(dn(2026, 1, 5) + i % 28) ",site " i ",40," 10 + i % 18 }' \
    >"$tmp/s10k.csv"
  if run_case sites_10000 0 --as-of 2026-06-30 "$tmp/s10k.csv"; then
    is sites_10000 flow.rows_read 10000
    is sites_10000 strata.logrank.site.p null
  fi
  # and with a follow-up each: 10,000 groups for the log-rank test
  gen 'BEGIN { print "patient_id,session_date,site,dose_mg,phq9"
    for (i = 0; i < 10000; i++) { d = dn(2026, 1, 5) + i % 28
      print "P" i "," ds(d) ",site " i ",40,20"; print "P" i "," ds(d + 14 + i % 17) ",site " i ",," i % 19 } }' \
    >"$tmp/s10kf.csv"
  if run_case sites_10000_followup 0 --as-of 2026-06-30 "$tmp/s10kf.csv"; then
    is sites_10000_followup flow.with_followup 10000
    is sites_10000_followup strata.logrank.site.p null
  fi
fi

# --- a Latin-1 header and a Latin-1 value: the header is kept (escaped where it is shown), the
# row with the value is rejected (invalid_text); nothing raw reaches the terminal --------------------
if wanted latin1; then
  printf 'patient_id,session_date,site,dose_mg,phq9,Geb\xe4ude\nA,2026-01-05,Z\xfcrich,40,20,x\nB,2026-01-05,Basel,40,20,\nB,2026-01-19,,,5,\n' \
    >"$tmp/latin1.csv"
  if run_case latin1 0 --as-of 2026-06-30 "$tmp/latin1.csv"; then
    is latin1 data_quality.unknown_columns.0 'Geb\xE4ude'
    is latin1 data_quality.rejected_by_reason.invalid_text 1
    pdf_has latin1 'Geb\xE4ude'
  fi
  "$bin" check "$tmp/latin1.csv" >"$tmp/latin1.check" 2>&1
  utf8 latin1_check "$tmp/latin1.check"
  if grep -qF "'Geb\\xE4ude'" "$tmp/latin1.check" && grep -qF '"Z\xFCrich"' "$tmp/latin1.check"; then
    passed=$((passed + 1))
  else
    fail "latin1_check: $(cat "$tmp/latin1.check")"
  fi
fi

# --- a quoted site and an adverse-event code holding line breaks (SPEC 1): the rows are accepted
# and the PDF shows each run of blanks and breaks as one space ------------------------------------
if wanted multiline; then
  printf 'patient_id,session_date,site,adverse_events,dose_mg,phq9\nA,2026-01-05,"Praxis am See\r\n  Haus B",nausea,40,20\nA,2026-01-19,,,,5\nB,2026-01-05,"Praxis am See\r\n  Haus B","dizzy\nin the\tevening",40,20\nB,2026-01-26,,,,9\n' \
    >"$tmp/ml.csv"
  if run_case multiline_site 0 --as-of 2026-06-30 "$tmp/ml.csv"; then
    is multiline_site flow.rows_rejected 0
    is multiline_site strata.site.0.value $'Praxis am See\r\n  Haus B'
    pdf_has multiline_site "Praxis am See Haus B"
    pdf_has multiline_site "dizzy in the evening"
  fi
fi

# --- adverse-event cells of unusual shape: '|' at the ends, '||', blanks and line breaks around
# or instead of a code, and a cell of 512 one-letter codes (1,023 characters, within the limit).
# A code is trimmed of what a value is trimmed of (space, tab, CR, LF): a code of line breaks only
# is no code, as a value of line breaks only is no value. (Before: "|\n|" counted a code "\n".)
if wanted ae_cells; then
  {
    printf '%s\n' "patient_id,session_date,dose_mg,phq9,adverse_events" \
      "A,2026-01-05,40,20,|nausea|" "B,2026-01-05,40,20,nausea||headache" "C,2026-01-05,40,20,|" \
      "D,2026-01-05,40,20,||" "E,2026-01-05,40,20, | nausea | "
    printf 'F,2026-01-05,40,20,"|\n|"\nG,2026-01-05,40,20,"\r\n"\nH,2026-01-05,40,20,"\t|\r\nnausea\n|"\n'
    gen 'BEGIN { printf "I,2026-01-05,40,20,"; for (i = 0; i < 512; i++) printf "%s%c", i ? "|" : "", 97 + i % 26; print "" }'
    echo "A,2026-01-20,,5,"
  } >"$tmp/ae.csv"
  if run_case ae_cells 0 --as-of 2026-06-30 "$tmp/ae.csv"; then
    is ae_cells flow.rows_rejected 0
    is ae_cells flow.rows_accepted 10
    is ae_cells safety.adverse_events.sessions_any 5 # A, B, E, H, I; not C, D, F, G
    is ae_cells safety.adverse_events.by_code.0.code a
    is ae_cells safety.adverse_events.by_code.0.sessions 1 # 20 copies in I's cell, one row
    is ae_cells safety.adverse_events.by_code.8.code headache # byte order: a-h, headache, i-n, ...
    is ae_cells safety.adverse_events.by_code.15.code nausea
    is ae_cells safety.adverse_events.by_code.15.sessions 4 # A, B, E, H
    is ae_cells safety.adverse_events.by_code.27.code z
    is ae_cells safety.adverse_events.by_code.28.code '' # 26 letters, headache, nausea: no more
  fi
fi

# --- 60 distinct adverse-event codes: the 50 most frequent are listed (README "Definitions"),
# in byte order; c50 and c51 are seen in 11 sessions each, and the tie goes by bytes (c50 is
# listed). Code cK is seen in 61 - K sessions (c51: 11), one patient a row, and a patient X lists
# c59 and c60: "other" pools c51..c60 (10 codes) with 11+9+8+7+6+5+4+3+3+2 = 58 listings in 57
# sessions (X's one session lists two) and 57 episodes ---------------------------------------------
if wanted ae_listed; then
  gen 'BEGIN { print "patient_id,session_date,dose_mg,phq9,adverse_events"
    for (k = 1; k <= 60; k++) { n = k == 51 ? 11 : 61 - k
      for (i = 0; i < n; i++) printf "P%02d_%02d,2026-01-05,40,20,c%02d\n", k, i, k }
    print "X,2026-01-05,40,20,c59|c60" }' >"$tmp/ae_listed.csv"
  if run_case ae_listed 0 --as-of 2026-06-30 "$tmp/ae_listed.csv"; then
    is ae_listed safety.adverse_events.codes_listed_max 50
    is ae_listed safety.adverse_events.by_code.0.code c01
    is ae_listed safety.adverse_events.by_code.0.sessions 60
    is ae_listed safety.adverse_events.by_code.49.code c50
    is ae_listed safety.adverse_events.by_code.49.sessions 11
    is ae_listed safety.adverse_events.by_code.50.code other
    is ae_listed safety.adverse_events.by_code.50.codes 10
    is ae_listed safety.adverse_events.by_code.50.sessions 57
    is ae_listed safety.adverse_events.by_code.50.episodes 57
    is ae_listed safety.adverse_events.by_code.51.code ''
    is ae_listed safety.adverse_events.by_code.0.codes '' # only "other" says how many it pools
    is ae_listed safety.adverse_events.sessions_any 1832 # 1830 + 1 (c51) + X
  fi
fi

# --- each instrument with only its column present (and the dose), and a primary instrument that
# no row scores: every episode has no baseline, and the run says why on standard output ----------
if wanted instrument_only; then
  for ins in madrs qids_sr16 hamd17 bdi2 gad7; do
    printf '%s\n' "patient_id,session_date,dose_mg,$ins" "A,2026-01-05,40,10" "A,2026-01-20,,5" \
      "B,2026-01-05,40,10" "B,2026-01-19,,0" >"$tmp/only_$ins.csv"
    # 10 -> 5 on day 15 and 10 -> 0 on day 14: both respond; KM median (14 + 15) / 2 as survfit
    if run_case "only_$ins" 0 --instrument "$ins" --min-baseline 10 --as-of 2026-06-30 "$tmp/only_$ins.csv"; then
      is "only_$ins" instrument "$ins"
      is "only_$ins" response.events 2
      is "only_$ins" time_to_response.median 14.5
    fi
  done
  if run_case instrument_absent 0 --instrument madrs "$tmp/only_gad7.csv"; then
    is instrument_absent flow.excluded.no_baseline 2
    if grep -qF "note: no accepted row has a madrs score (--instrument madrs)" "$tmp/instrument_absent.out"; then
      passed=$((passed + 1))
    else
      fail "instrument_absent: no note on standard output: $(cat "$tmp/instrument_absent.out")"
    fi
    if grep -q "note: no accepted row" "$tmp/only_gad7.out"; then fail "only_gad7: a note with gad7 scored"; fi
  fi
fi

# an episode whose first treatment is on 1969-12-31 (day number -1, once the "no session yet"
# mark of the safety page's session count: the session was not counted and CADSS by session
# was written before its array, found by a helper's ASan run with --episode-gap 1)
printf '%s\n' "patient_id,session_date,session_type,phq9,cadss" \
  "A,1969-12-24,assessment,20," "A,1969-12-31,treatment,,10" "A,1970-01-02,treatment,,20" \
  "A,1970-01-20,assessment,8," >"$tmp/day_minus_1.csv"
if run_case day_minus_1 0 --period 1969-12 --as-of 1970-03-31 "$tmp/day_minus_1.csv"; then
  is day_minus_1 safety.cadss.sessions_measured 2
  is day_minus_1 safety.cadss.by_session.0.n 1
  is day_minus_1 safety.cadss.by_session.0.median 10
  is day_minus_1 safety.cadss.by_session.1.n 1
  is day_minus_1 safety.cadss.by_session.1.median 20
fi

# every results.json and manifest.json left against the schemas (docs/)
source "$(dirname "${BASH_SOURCE[0]}")/schema.sh"
schema_check "$2" "$tmp"

echo "test_degenerate: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
