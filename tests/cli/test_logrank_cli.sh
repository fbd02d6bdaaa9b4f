#!/usr/bin/env bash
# End to end: exports whose log-rank test cannot be computed (issue 11). Two sites, one patient
# each, both responding on day 14 used to abort in GSL ("matrix is singular", exit 134); 101
# sites must not build a dense 101 x 101 system. Both run to exit 0 with p null and a reason in
# results.json and "not testable: <reason>" in the PDF. A rate with n = 0 writes "ci": null.
# Usage: test_logrank_cli.sh OUTCOMES_BINARY SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
get=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh" # failures, passed, check
val() { "$get" "$tmp/$1/results.json" "$2"; }

# two sites, one patient each, both responding on day 14 (R: survdiff stops, "Lapack routine
# dgesv: system is exactly singular"); nothing is mature yet, so response has n = 0
cat >"$tmp/four.csv" <<'CSV'
patient_id,session_date,session_type,site,phq9
A1,2026-03-02,treatment,north,20
A1,2026-03-16,assessment,north,5
B1,2026-03-02,treatment,south,20
B1,2026-03-16,assessment,south,5
CSV
"$bin" report --quiet -o "$tmp/a" "$tmp/four.csv" 2>"$tmp/err"
check four_rows_exit_0 test $? -eq 0
check singular_p_null test "$(val a strata.logrank.site.p)" = null
check singular_chisq_null test "$(val a strata.logrank.site.chisq)" = null
check singular_df_null test "$(val a strata.logrank.site.df)" = null
check singular_reason test "$(val a strata.logrank.site.reason)" = "singular variance: all at risk had the event at once"
check one_value_reason test "$(val a strata.logrank.route.reason)" = "fewer than two groups"
check response_n_0 test "$(val a response.n)" = 0
check response_ci_null test "$(val a response.ci)" = null
check response_rate_null test "$(val a response.rate)" = null
pdftotext "$tmp/a/report.pdf" "$tmp/a.txt"
# the line wraps within its panel: compared with the PDF's lines joined
check pdf_not_testable grep -qF "log-rank: not testable: singular variance: all at risk had the event at once" <(tr '\n' ' ' <"$tmp/a.txt")

# 101 sites, one patient each, responding on days 7-27 (mature at the as-of date)
{
  echo "patient_id,session_date,session_type,site,phq9"
  for i in $(seq 1 101); do
    printf 'P%03d,2026-01-05,treatment,site%03d,20\n' "$i" "$i"
    printf 'P%03d,2026-01-%02d,assessment,site%03d,%d\n' "$i" $((7 + i % 21)) "$i" $((i % 2 ? 5 : 15))
  done
} >"$tmp/many.csv"
"$bin" report --quiet --as-of 2026-03-31 -o "$tmp/b" "$tmp/many.csv" 2>"$tmp/err"
check many_exit_0 test $? -eq 0
check many_p_null test "$(val b strata.logrank.site.p)" = null
check many_reason test "$(val b strata.logrank.site.reason)" = "more than 100 groups"
check many_no_reason_when_tested bash -c "! '$get' '$tmp/b/results.json' strata.logrank.clinician.p >/dev/null || true"
pdftotext "$tmp/b/report.pdf" "$tmp/b.txt"
check many_pdf grep -qF "log-rank: not testable: more than 100 groups" "$tmp/b.txt"
check many_response_ci test "$(val b response.ci.0)" != null
# the first 100 of them: tested, and no reason key
head -201 "$tmp/many.csv" >"$tmp/hundred.csv"
"$bin" report --quiet --as-of 2026-03-31 -o "$tmp/c" "$tmp/hundred.csv" 2>"$tmp/err"
check hundred_exit_0 test $? -eq 0
check hundred_df test "$(val c strata.logrank.site.df)" = 99
check hundred_p_number bash -c "[[ '$(val c strata.logrank.site.p)' =~ ^[0-9] ]]"
check hundred_no_reason bash -c "! '$get' '$tmp/c/results.json' strata.logrank.site.reason >/dev/null"

echo "test_logrank_cli: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
