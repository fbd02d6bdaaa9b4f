#!/usr/bin/env bash
# The summary page's figures (SPEC section 10) end to end: comparison {previous, year_before}
# against separate runs on the earlier periods with the same as-of date, the differences against
# R prop.test, benchmark positions from --benchmarks and --target, the benchmarks file's
# file:line:column errors, and the trajectory's n counting episodes.
# Usage: test_summary_cli.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
src=$2
get=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1
. tests/cli/lib.sh
contains() { grep -qF -- "$2" "$1"; }
# close A B: |A - B| <= 1e-12 (1 + |B|)
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= 1e-12 * (1 + m)) }'; }
data=sample-data/sessions.csv
run() { # DIR PERIOD [options]: a report on the sample with the as-of date given explicitly
  local dir=$1 period=$2
  shift 2
  "$bin" report --quiet --period "$period" --as-of 2026-10-31 "$@" -o "$tmp/$dir" "$data"
}

# --- comparison against separate runs on the earlier periods ---
run m 2026-06 && run m_prev 2026-05 && run m_year 2025-06 || { echo "FAIL runs"; exit 1; }
run q 2026-04..2026-06 && run q_prev 2026-01..2026-03 && run q_year 2025-04..2025-06 ||
  { echo "FAIL runs"; exit 1; }
same() { # NAME KEY_IN_COMPARISON DIR OTHER_DIR OTHER_KEY
  check "$1" test "$("$get" "$tmp/$3/results.json" "$2")" = "$("$get" "$tmp/$4/results.json" "$5")"
}
for k in response remission response_observed followup; do
  for f in events n rate ci; do
    same "previous_${k}_$f" comparison.previous.$k.$f m m_prev $k.$f
    same "year_before_${k}_$f" comparison.year_before.$k.$f m m_year $k.$f
    same "q_previous_${k}_$f" comparison.previous.$k.$f q q_prev $k.$f
    same "q_year_before_${k}_$f" comparison.year_before.$k.$f q q_year $k.$f
  done
done
check previous_period_from test "$("$get" "$tmp/m/results.json" comparison.previous.period.from)" = 2026-05
check year_before_period test "$("$get" "$tmp/q/results.json" comparison.year_before.period.to)" = 2025-06
check q_previous_period test "$("$get" "$tmp/q/results.json" comparison.previous.period.from)" = 2026-01
# the counts these runs give (so that the R values below are for them)
check m_counts test "$("$get" "$tmp/m/results.json" response.events)/$("$get" "$tmp/m/results.json" response.n)" = 22/41
check m_prev_counts test "$("$get" "$tmp/m_prev/results.json" response.events)/$("$get" "$tmp/m_prev/results.json" response.n)" = 15/24
check q_counts test "$("$get" "$tmp/q/results.json" remission.events)/$("$get" "$tmp/q/results.json" remission.n)" = 28/98
check q_prev_counts test "$("$get" "$tmp/q_prev/results.json" remission.events)/$("$get" "$tmp/q_prev/results.json" remission.n)" = 21/88
# differences: R 4.2.2, r <- prop.test(c(x_now, x_then), c(n_now, n_then), correct = FALSE),
# printed as sprintf("%.17g", c(r$estimate[1] - r$estimate[2], r$conf.int, r$p.value))
diff_is() { # NAME DIR KEY ESTIMATE LOW HIGH P
  local j=$tmp/$2/results.json
  check "$1_estimate" close "$("$get" "$j" "$3.estimate")" "$4"
  check "$1_low" close "$("$get" "$j" "$3.ci.0")" "$5"
  check "$1_high" close "$("$get" "$j" "$3.ci.1")" "$6"
  check "$1_p" close "$("$get" "$j" "$3.p")" "$7"
}
# prop.test(c(22, 15), c(41, 24), correct = FALSE)
diff_is m_prev_response m comparison.previous.difference.response -0.088414634146341431 \
  -0.33501627068810547 0.15818700239542263 0.48724211969150477
# prop.test(c(14, 6), c(41, 24), correct = FALSE)
diff_is m_prev_remission m comparison.previous.difference.remission 0.091463414634146367 \
  -0.13454550695342604 0.31747233622171878 0.44067956605677328
# prop.test(c(51, 43), c(98, 88), correct = FALSE)
diff_is q_prev_response q comparison.previous.difference.response 0.031771799628942499 \
  -0.11207156032369803 0.17561515958158302 0.66522699252898976
# prop.test(c(28, 21), c(98, 88), correct = FALSE)
diff_is q_prev_remission q comparison.previous.difference.remission 0.047077922077922052 \
  -0.079140013997396008 0.17329585815324011 0.46677936485777111
# prop.test(c(51, 22), c(98, 43), correct = FALSE)
diff_is q_year_response q comparison.year_before.difference.response 0.0087802562885619384 \
  -0.17039925658466401 0.18795976916178789 0.92347194544625388
# an earlier period without data: n 0, difference null
run e 2025-04..2025-06 || echo "FAIL run e"
check no_previous_n test "$("$get" "$tmp/e/results.json" comparison.previous.response.n)" = 0
check no_previous_diff test "$("$get" "$tmp/e/results.json" comparison.previous.difference.response)" = null
check no_year_diff test "$("$get" "$tmp/e/results.json" comparison.year_before.difference.remission)" = null

# --- benchmarks: positions against the clinic's interval of the same population ---
cat >"$tmp/bm.csv" <<'CSV'
id,citation,instrument,measure,population,window,rate,n
low,"Low et al., 2020",phq9,response,complete_case,6 weeks,0.30,100
mid,Mid,phq9,response,complete_case,,0.55,
high,High,phq9,response,complete_case,,90%,50
other,Other,madrs,response,complete_case,,0.5,10
CSV
run b 2026-04..2026-06 --benchmarks "$tmp/bm.csv" --target response=0.5,remission=60% ||
  echo "FAIL run b"
j=$tmp/b/results.json
check bm_count test "$("$get" "$j" benchmarks.4.id)" = target
check bm_other_instrument_left_out test "$("$get" "$j" benchmarks.5)" = "" 2>/dev/null
check bm_low test "$("$get" "$j" benchmarks.0.position)" = below
check bm_mid test "$("$get" "$j" benchmarks.1.position)" = inside
check bm_high test "$("$get" "$j" benchmarks.2.position)" = above
check bm_high_rate close "$("$get" "$j" benchmarks.2.rate)" 0.9
check bm_complete_case_beside_observed test "$("$get" "$j" benchmarks.0.clinic.ci)" = "$("$get" "$j" response_observed.ci)"
check target_response test "$("$get" "$j" benchmarks.3.position)" = inside
check target_response_beside_headline test "$("$get" "$j" benchmarks.3.clinic.ci)" = "$("$get" "$j" response.ci)"
check target_remission test "$("$get" "$j" benchmarks.4.position)" = above
check target_flag test "$("$get" "$j" benchmarks.4.target)" = true
# the shipped file: McInnes and Oliver, complete case, beside response_observed
run s 2026-04..2026-06 || echo "FAIL run s"
j=$tmp/s/results.json
check shipped_mcinnes test "$("$get" "$j" benchmarks.0.id)" = mcinnes2022_response
check shipped_mcinnes_rate close "$("$get" "$j" benchmarks.0.rate)" 0.536
check shipped_oliver test "$("$get" "$j" benchmarks.3.id)" = oliver2022_remission
# under another instrument the PHQ-9 benchmarks are left out
"$bin" report --quiet --period 2026-04..2026-06 --instrument gad7 -o "$tmp/g" "$data" || echo "FAIL gad7"
check other_instrument_none test "$("$get" "$tmp/g/results.json" benchmarks)" = "[]"

# --- benchmarks.csv checked like an export ---
bad() { # NAME CONTENT EXPECTED_MESSAGE
  printf '%b' "$2" >"$tmp/bad.csv"
  "$bin" report --quiet --benchmarks "$tmp/bad.csv" -o "$tmp/bad" "$data" 2>"$tmp/err"
  local rc=$?
  check "$1_exit" test "$rc" = 1
  check "$1_message" contains "$tmp/err" "$tmp/bad.csv:$3"
  check "$1_nothing_written" test ! -e "$tmp/bad"
}
H='id,citation,instrument,measure,population,window,rate,n\n'
bad rate "${H}a,A,phq9,response,complete_case,,0.3,1\n\nb,\"two\nlines\",phq9,response,complete_case,,1.5,3\n" \
  "4:7: rate: expected a proportion 0-1"
bad measure "${H}a,A,phq9,responders,complete_case,,0.3,1\n" "2:4: measure: expected response or remission, got 'responders'"
bad population "${H}a,A,phq9,response,itt,,0.3,1\n" "2:5: population: expected complete_case or missing_as_not_met"
bad instrument "${H}a,A,phq-9,response,complete_case,,0.3,1\n" "2:3: instrument: expected an instrument column name"
bad id "${H}a b,A,phq9,response,complete_case,,0.3,1\n" "2:1: id: expected 1-64 characters"
bad n "${H}a,A,phq9,response,complete_case,,0.3,-4\n" "2:8: n: expected empty or a whole number >= 1, got '-4'"
bad citation "${H}a,,phq9,response,complete_case,,0.3,1\n" "2:2: citation: expected text"
bad fields "${H}a,A,phq9,response,complete_case,,0.3\n" "2:8: fewer fields than the header has"
bad more_fields "${H}a,A,phq9,response,complete_case,,0.3,1,9\n" "2:9: more fields than the header has"
bad header 'id,citation,instrument,measure,population,rate,n\n' "1: the header has no column 'window'"
bad twice "${H}a,A,phq9,response,complete_case,,0.3,1\na,B,phq9,response,complete_case,,0.4,1\n" \
  "3:1: id 'a' is listed twice"
bad quote "${H}a,\"A\"x,phq9,response,complete_case,,0.3,1\n" "2:2: malformed CSV"
bad unterminated "${H}a,\"A,phq9,response,complete_case,,0.3,1\n" "2:2: malformed CSV"
bad empty '' "1: the file is empty"
"$bin" report --quiet --benchmarks "$tmp/none.csv" -o "$tmp/bad" "$data" 2>"$tmp/err"
check missing_file_exit test $? = 3
check missing_file_message contains "$tmp/err" "cannot read the benchmarks file"
# a header in another order and case, a byte-order mark, CRLF: read
printf '\xef\xbb\xbfRATE,N,id,Citation,instrument,measure,population,window\r\n0.5,,x,X,phq9,remission,missing_as_not_met,\r\n' >"$tmp/ok.csv"
run ok 2026-04..2026-06 --benchmarks "$tmp/ok.csv" || echo "FAIL ok"
check reordered_header test "$("$get" "$tmp/ok/results.json" benchmarks.0.measure)" = remission
check reordered_n_null test "$("$get" "$tmp/ok/results.json" benchmarks.0.n)" = null
# --target usage errors name the option and exit 2
for t in response=2 response=0.5,response=0.6 speed=0.5 response= "response=0.5," ""; do
  "$bin" report --quiet --target "$t" -o "$tmp/bad" "$data" 2>"$tmp/err"
  check "target_usage_$t" test $? = 2
  check "target_message_$t" contains "$tmp/err" "--target: expected response=RATE"
done
"$bin" report --quiet --km-min-at-risk 0 -o "$tmp/bad" "$data" 2>"$tmp/err"
check km_min_usage test $? = 2
check km_min_message contains "$tmp/err" "--km-min-at-risk: expected a number at risk"
# the options are recorded, and verify reruns with them
check manifest_benchmarks contains "$tmp/b/manifest.json" '"--benchmarks"'
check manifest_target contains "$tmp/b/manifest.json" '"response=0.5,remission=60%"'
"$bin" verify "$tmp/b" >/dev/null || echo "FAIL verify"
check verify_b test $? = 0

# --- the trajectory counts episodes: n at x = 0 is the eligible; never above it ---
j=$tmp/q/results.json
elig=$("$get" "$j" flow.eligible)
check traj_baseline_n test "$("$get" "$j" trajectory.by_session.0.n)" = "$elig"
check traj_week_baseline_n test "$("$get" "$j" trajectory.by_week.0.n)" = "$elig"
for k in $(seq 1 12); do
  check "traj_session_${k}_le_eligible" test "$("$get" "$j" trajectory.by_session.$k.n)" -le "$elig"
  check "traj_week_${k}_le_eligible" test "$("$get" "$j" trajectory.by_week.$k.n)" -le "$elig"
done

# --- page 1 as SPEC section 10: period and as-of at the top, the sentences (every number one of
# results.json's), the previous period, the benchmarks and targets ---
page1() { pdftotext -f 1 -l 1 "$1" - | tr -s ' \n' '  '; }
p1=$(page1 "$tmp/b/report.pdf")
has1() { case "$p1" in *"$1"*) return 0 ;; esac; echo "  page 1 lacks: $1"; return 1; }
pc() { awk -v v="$1" 'BEGIN { printf "%.1f", 100 * v }'; }
j=$tmp/b/results.json
check p1_period has1 "April to June 2026 (episodes starting 2026-04 to 2026-06) | data as of 2026-10-31 | PHQ-9"
check p1_sentence_response has1 "From April to June 2026, $(pc "$("$get" "$j" response.rate)")% of mature eligible episodes ($("$get" "$j" response.events) of $("$get" "$j" response.n)) responded by the end of induction, days 14-42 (95% CI $(pc "$("$get" "$j" response.ci.0)")-$(pc "$("$get" "$j" response.ci.1)")%)"
check p1_sentence_previous has1 "$(pc "$("$get" "$j" comparison.previous.difference.response.estimate)") points more than in January to March 2026 (95% CI $(pc "$("$get" "$j" comparison.previous.difference.response.ci.0)") to $(pc "$("$get" "$j" comparison.previous.difference.response.ci.1)"); not significant, p = 0.67)"
check p1_sentence_remission has1 "$(pc "$("$get" "$j" remission.rate)")% remitted ($("$get" "$j" remission.events) of $("$get" "$j" remission.n);"
check p1_sentence_year has1 "A year before (April to June 2025), $(pc "$("$get" "$j" comparison.year_before.response.rate)")% responded ($("$get" "$j" comparison.year_before.response.events) of $("$get" "$j" comparison.year_before.response.n)): a difference of +$(pc "$("$get" "$j" comparison.year_before.difference.response.estimate)") points"
check p1_sentence_benchmark has1 "Counting only episodes with an endpoint score, as the published series do, $(pc "$("$get" "$j" response_observed.rate)")% responded"
check p1_benchmark_low has1 "Low et al. 2020's 30.0% lies below the clinic's 95% CI"
check p1_benchmark_mid has1 "Mid et al.'s 55.0% lies inside the clinic's 95% CI"
check p1_benchmark_high has1 "High et al.'s 90.0% lies above the clinic's 95% CI"
check p1_targets has1 "The clinic's targets: response 50.0%: within the 95% CI; remission 60.0%: not met (the target lies above the 95% CI)."
check p1_tile_change has1 "+$(pc "$("$get" "$j" comparison.previous.difference.response.estimate)") points since 2026-01..2026-03"
check p1_tile_first_response has1 "First response, any visit"
check p1_tile_first_response_days has1 " $("$get" "$j" time_to_response.median) days "
# the first-response tile names its n as episodes and the sessions as a second median (not
# "n 512 or 4 sessions (median)", which reads as two alternative counts)
check p1_tile_first_response_n has1 "Kaplan-Meier median of $("$get" "$j" time_to_response.n) episodes;"
check p1_tile_first_response_sessions has1 "; median $("$get" "$j" sessions_to_response.median) sessions"
no_or_sessions() { case "$p1" in *"sessions (median)"*) return 1 ;; esac; }
check p1_tile_no_or_sessions no_or_sessions
check p1_comparison_row has1 "previous 2026-01..2026-03 $(pc "$("$get" "$j" comparison.previous.response.rate)")% ($("$get" "$j" comparison.previous.response.events) of $("$get" "$j" comparison.previous.response.n))"
check p1_benchmark_row has1 "High et al. response, complete case - 90.0% (n 50)"
no_flow() { case "$p1" in *"rows read"*) return 1 ;; esac; }
check p1_no_flow no_flow
# between three and five sentences, each from its template (summary.c), before the tiles
sentences() {
  local text=${p1%%Response at the endpoint*}
  grep -oE "(In|From) [A-Z][a-z]+( [0-9]{4})?( to [A-Z][a-z]+)? [0-9]{4}, [0-9.]+% of mature|(In|From) [A-Z][a-z]+.* no eligible episode had reached|% remitted \(|The remission rate is withheld|A year before \(|Counting only episodes with an endpoint score|The response rate among episodes|The clinic's targets:|Half of the [0-9]+ episodes followed|Fewer than half of the|No eligible episode of|The time to a first response is withheld" <<<"$text" | wc -l
}
ns=$(sentences)
check p1_three_to_five_sentences test "$ns" -ge 3 -a "$ns" -le 5
check p1_five_sentences_here test "$ns" = 5
# the shipped benchmarks on the sample's report
p1=$(page1 "$tmp/s/report.pdf")
check p1_shipped_mcinnes has1 "McInnes et al. 2022's 53.6% lies"
check p1_shipped_oliver has1 "Oliver et al. 2022's 50.0% lies"
# an empty earlier period is said, not hidden
p1=$(page1 "$tmp/e/report.pdf")
check p1_no_previous has1 "January to March 2025 had no mature episode to compare with"

# withheld rates on page 1 say "withheld" and why, never "< 11 of 23" (it reads as fewer than
# 11 when the count was withheld because its complement is small) nor "< 11 of < 11"
"$bin" sample --patients 25 --seed 3 -o "$tmp/w25.csv"
"$bin" report --quiet --suppress-below 11 -o "$tmp/w25" "$tmp/w25.csv" || echo "FAIL w25"
p1=$(page1 "$tmp/w25/report.pdf")
no_lt_of() { case "$p1" in *"< 11 of"* | *"of < 11"* | *suppressed\ \(*) echo "  page 1: $p1"; return 1 ;; esac; }
check p1_withheld_no_lt_of no_lt_of
check p1_withheld_word has1 "withheld"
# the flow says what its one label "< 11" covers (a count withheld for a small complement too)
check flow_label_note bash -c "pdftotext -f 2 -l 2 '$tmp/w25/report.pdf' - | tr -s ' \n' '  ' | grep -qF '< 11 marks every withheld count'"
wn=$("$get" "$tmp/w25/results.json" response.n)
if [ "$("$get" "$tmp/w25/results.json" response.rate)" = null ] && [ "$wn" != null ]; then
  check p1_withheld_tile_n has1 "$wn episodes; a count in it is under 11"
else
  check p1_withheld_case_present false
fi

# --- a 200-character title, 64-character site, clinician and therapy names, 40 clinicians:
# every page, no text leaving its box (pdftotext -bbox), an outline entry per page, the title
# as the document's ---
title=$(awk 'BEGIN { s = ""; while (length(s) < 200) s = s "Lakeside Community Ketamine and Esketamine Infusion Clinic Mmmm Wwww "; print substr(s, 1, 200) }')
awk -F, 'BEGIN { OFS = "," }
  function name(p, k,   s) { s = sprintf("%s %02d Wide Name With Many Words And Mmmm Wwww Characters ", p, k); s = s s; return substr(s, 1, 64) }
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; print; next }
  { k = substr($1, 2) + 0; $col["clinician"] = name("Clinician", k % 40); $col["site"] = name("Regional Treatment Centre", k % 5)
    if ($col["concurrent_therapy"] != "") $col["concurrent_therapy"] = name("Therapy", k % 12); print }' \
  "$data" >"$tmp/long.csv"
check long_names_40_clinicians test "$(tail -n +2 "$tmp/long.csv" | awk -F, '{ print $5 }' | sort -u | wc -l)" = 40
check long_names_64 test "$(tail -n +2 "$tmp/long.csv" | awk -F, '{ print length($5) }' | sort -u)" = 64
for opt in "" "--suppress-below 11" "--paper letter"; do
  # shellcheck disable=SC2086
  "$bin" report --quiet --title "$title" $opt -o "$tmp/long" "$tmp/long.csv" || echo "FAIL long report $opt"
  check "text_boxes_${opt:-plain}" python3 tests/tools/text_boxes.py "$tmp/long/report.pdf"
  pages=$(pdfinfo "$tmp/long/report.pdf" | awk '/^Pages:/ { print $2 }')
  # the outline: one /Title per page besides the document's own
  check "outline_${opt:-plain}" test "$(grep -a -c '/Title' "$tmp/long/report.pdf")" -eq $((pages + 1))
done
check doc_title test "$(pdfinfo "$tmp/long/report.pdf" | sed -n 's/^Title: *//p')" = "$title"
check long_title_on_page1 bash -c "pdftotext -f 1 -l 1 '$tmp/long/report.pdf' - | tr -s ' \n' '  ' | grep -qF '$title'"
# the sample and a 25-patient export too
"$bin" sample --patients 25 --seed 3 -o "$tmp/p25.csv"
"$bin" report --quiet -o "$tmp/p25" "$tmp/p25.csv" || echo "FAIL p25"
check text_boxes_25 python3 tests/tools/text_boxes.py "$tmp/p25/report.pdf"
# too few patients: page 8 says no value keeps 10 at risk (with each n) instead of empty axes;
# page 6 draws no monthly rate on fewer than 5 episodes
check strata_km_none_at_risk bash -c "pdftotext -f 8 -l 8 '$tmp/p25/report.pdf' - | tr -s ' \n' '  ' | grep -qE 'No curve drawn: every value has fewer than 10 episodes at risk from the start\. [^:]+: n [0-9]+'"
check pchart_few_not_drawn bash -c "pdftotext -f 6 -l 6 '$tmp/p25/report.pdf' - | tr -s ' \n' '  ' | grep -qF 'no month has 5 or more mature eligible episodes'"
check text_boxes_sample python3 tests/tools/text_boxes.py "$tmp/b/report.pdf"
# no text below 7.5 pt: the drawing code's literal sizes (the PDF's word boxes do not tell a
# size from a rotated word's length)
small='([0-6](\.[0-9]+)?|7(\.[0-4][0-9]*)?)'
check no_text_below_7_5pt bash -c "! grep -nE 'render_(text|label|wrap)\((cr|d->cr), [^,]*, [^,]*, $small,|render_paragraph\((cr|d->cr), [^,]*, $small,' src/render/*.c src/report/pages/*.c"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
