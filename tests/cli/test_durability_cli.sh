#!/usr/bin/env bash
# End to end, SPEC section 12: --induction K:D (usage errors exit 2 naming the option; the value
# reaches results.json and the manifest), the seven columns at the end of episodes.csv, and the
# README's auditor snippet: R survfit on episodes.csv's days_to_loss / loss_event reproduces
# results.json's durability curve, median and `at` (to 1e-9; skipped when Rscript or survival
# is missing). Usage: test_durability_cli.sh OUTCOMES_BINARY SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
src=$2
get=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh" # failures, passed, check
val() { "$get" "$tmp/$1/results.json" "$2"; }

data="$src/sample-data/sessions.csv"
for bad in 0:0 7:6 6 6:x :21 6:366 -1:21; do
  "$bin" report --quiet --induction "$bad" -o "$tmp/bad" "$data" 2>"$tmp/err"
  rc=$?
  check "induction_${bad}_exit_2" test $rc -eq 2
  check "induction_${bad}_names_option" grep -q -- '--induction' "$tmp/err"
  check "induction_${bad}_no_output" test ! -e "$tmp/bad"
done
"$bin" report --quiet --induction 8:30 -o "$tmp/k8" "$data"
check induction_8_30_exit_0 test $? -eq 0
check induction_k_in_json test "$(val k8 induction.definition.min_sessions)" = 8
check induction_d_in_json test "$(val k8 induction.definition.within_days)" = 30
check induction_in_manifest grep -q '"--induction",' "$tmp/k8/manifest.json"
check induction_value_in_manifest grep -q '"8:30"' "$tmp/k8/manifest.json"
"$bin" verify "$tmp/k8" >/dev/null
check induction_verify test $? -eq 0

"$bin" report --quiet -o "$tmp/s" "$data"
check default_exit_0 test $? -eq 0
check default_k_6 test "$(val s induction.definition.min_sessions)" = 6
check default_d_21 test "$(val s induction.definition.within_days)" = 21
header=$(head -1 "$tmp/s/episodes.csv")
# SPEC 12's seven columns right after SPEC 5's last (dose_band); issue 16's fitted_response_p ends
# the row (test_funnel_cli.sh)
check episodes_csv_columns_after_dose_band test "${header##*dose_band,}" = \
  "induction_sessions,induction_complete,frequency,loss_event,loss_date,days_to_loss,maintenance_sessions,fitted_response_p"
check frequency_stratum test "$(val s strata.frequency.0.value)" = "1-3"
check frequency_logrank test "$(val s strata.logrank.frequency.df)" != null

# the README's auditor snippet, on the sample's episodes.csv
if command -v Rscript >/dev/null && Rscript -e 'library(survival)' >/dev/null 2>&1; then
  cat >"$tmp/audit.R" <<'R'
library(survival)
args <- commandArgs(TRUE)
d <- read.csv(args[1])
d <- d[!is.na(d$loss_event), ]   # eligible episodes with a response event
fit <- survfit(Surv(days_to_loss, loss_event) ~ 1, data = d)
s <- summary(fit, censored = TRUE)
a <- summary(fit, times = c(28, 56, 84), extend = TRUE)
q <- quantile(fit, 0.5)
cat(sprintf("n %d\nevents %d\nmedian %.17g\n", nrow(d), sum(d$loss_event), q$quantile))
cat(sprintf("curve.%d.surv %.17g\n", seq_along(s$time) - 1, s$surv), sep = "")
cat(sprintf("curve.%d.std_err %.17g\n", seq_along(s$time) - 1, fit$std.err), sep = "")
cat(sprintf("curve.%d.lower %.17g\n", seq_along(s$time) - 1, s$lower), sep = "")
cat(sprintf("at.%d.surv %.17g\n", 0:2, a$surv), sep = "")
cat(sprintf("at.%d.lower %.17g\n", 0:2, a$lower), sep = "")
cat(sprintf("at.%d.upper %.17g\n", 0:2, a$upper), sep = "")
R
  Rscript "$tmp/audit.R" "$tmp/s/episodes.csv" >"$tmp/r.txt"
  check r_ran test -s "$tmp/r.txt"
  check r_curve_length test "$(grep -c '^curve\..*\.surv' "$tmp/r.txt")" = \
    "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["durability"]["curve"]))' "$tmp/s/results.json")"
  bad=0
  while read -r key want; do
    have=$(val s "durability.$key")
    case "$want" in NA) want=null ;; esac
    if [ "$want" = null ] || [ "$have" = null ]; then
      [ "$want" = "$have" ] || { echo "durability.$key: R $want, outcomes $have"; bad=1; }
      continue
    fi
    awk -v a="$have" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b;
      exit !(d <= 1e-9 * (1 + m)) }' || { echo "durability.$key: R $want, outcomes $have"; bad=1; }
  done <"$tmp/r.txt"
  check r_matches_durability test $bad -eq 0
else
  echo "skip: Rscript with survival not found (the auditor snippet is not run)"
fi

# 25 patients under --suppress-below 11: every bar of the sessions histogram is withheld, so the
# page says so instead of drawing an empty axis
"$bin" sample --patients 25 --seed 1 -o "$tmp/s25.csv"
"$bin" report --quiet --suppress-below 11 -o "$tmp/p25" "$tmp/s25.csv"
check sup25_exit_0 test $? -eq 0
pdftotext -f 11 -l 11 "$tmp/p25/report.pdf" "$tmp/p25.txt"
check sup25_durability_page grep -q "Durability: does the response last" "$tmp/p25.txt"
check sup25_sessions_withheld_said grep -q "induction window: not drawn" "$tmp/p25.txt"
check sup25_no_empty_axis_title bash -c "! grep -q 'sessions in days 0-21' '$tmp/p25.txt'"
# the induction lines: a total withheld for its complement is not shown as "< 11" (it is 23 or
# more there), a count withheld over a total of 2N - 2 or less is "withheld (n episodes)", not
# "< 11 of 11"; both withheld: "withheld (small counts)"
check sup25_no_lt_total bash -c "! grep -q 'of < 11' '$tmp/p25.txt'"
check sup25_no_lt_of_small_total bash -c "! grep -q '< 11 of 11' '$tmp/p25.txt'"
check sup25_total_withheld grep -q "completed: 23 of a withheld number (rate suppressed)" "$tmp/p25.txt"
check sup25_small_total grep -q "iv: withheld (11 episodes)" "$tmp/p25.txt"
check sup25_both_withheld grep -q "im: withheld (small counts)" "$tmp/p25.txt"
pdftotext -f 11 -l 11 "$tmp/s/report.pdf" "$tmp/s11.txt"
check plain_sessions_drawn grep -q "sessions in days 0-21" "$tmp/s11.txt"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
