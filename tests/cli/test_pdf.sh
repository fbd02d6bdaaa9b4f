#!/usr/bin/env bash
# Checks report.pdf with poppler's pdfinfo and pdftotext: the page table's pages with their
# titles (tests/tools/page_titles.c prints them from src/report/pages/table.c), the
# footer on every page, the headline figures of page 1 and the Durability page's equal to
# results.json's, the Safety page's clinician funnel's zoomed axis, the Monthly trend's centre
# label and note, no patient
# identifier anywhere in the text, reproducible bytes, SOURCE_DATE_EPOCH, Letter paper, and an
# honest page for an empty cohort.
# Usage: test_pdf.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET PAGE_TITLES
set -uo pipefail
bin=$1
src=$2
get=$4
mapfile -t titles < <("$5" "Lakeside Clinic") # the page table's headings, in order
ntable=${#titles[@]} # the report's pages: the table's, and the Definitions continued when long
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
failures=0
passed=0
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL $name"; failures=$((failures + 1)); fi
}
contains() { grep -qF -- "$2" "$1"; }

"$bin" report --quiet --title "Lakeside Clinic" -o "$tmp/r" sample-data/sessions.csv || { echo "FAIL report"; exit 1; }
pdf=$tmp/r/report.pdf
json=$tmp/r/results.json
check page_table test "$ntable" -ge 1
npages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
# every table page once (the forest plots fit one page here); the last, Definitions, may go on
check pages test "$npages" -ge "$ntable" -a "$npages" -le $((ntable + 1))
check a4 contains <(pdfinfo "$pdf") "841.89 x 595.28 pts (A4)"
check creation_date_is_as_of contains <(pdfinfo "$pdf") "CreationDate:    Sat Oct 31 00:00:00 2026 UTC"
for i in $(seq 1 "$npages"); do
  pdftotext -layout -f "$i" -l "$i" "$pdf" "$tmp/p$i.txt"
  t=$((i <= ntable ? i : ntable))
  check "page${i}_title" contains "$tmp/p$i.txt" "${titles[$((t - 1))]}"
  check "page${i}_footer" contains "$tmp/p$i.txt" "page $i of $npages"
  check "page${i}_footer_clinic" contains "$tmp/p$i.txt" "Lakeside Clinic | period 2025-04 to 2026-10 | as of 2026-10-31 | PHQ-9: eligible baseline >= 10, remission <= 4, endpoint days 14-42"
done

# page 1's headline figures are results.json's
pct() { awk -v v="$1" 'BEGIN { printf "%.1f%%", 100 * v }'; }
for k in response remission; do
  rate=$(pct "$("$get" "$json" $k.rate)")
  lo=$(awk -v v="$("$get" "$json" $k.ci.0)" 'BEGIN { printf "%.1f", 100 * v }')
  hi=$(pct "$("$get" "$json" $k.ci.1)")
  ev=$("$get" "$json" $k.events)
  n=$("$get" "$json" $k.n)
  check "headline_${k}_rate" contains "$tmp/p1.txt" "$rate"
  check "headline_${k}_ci" contains "$tmp/p1.txt" "$ev of $n; 95% CI $lo-$hi"
done
med=$("$get" "$json" time_to_response.median)
check headline_median_days contains "$tmp/p1.txt" "$(printf '%.0f' "$med") days"
meds=$("$get" "$json" sessions_to_response.median)
check headline_median_sessions contains "$tmp/p1.txt" "$(printf '%.0f' "$meds") sessions"
# the flow is page 2 (SPEC section 10)
check flow_rows contains "$tmp/p2.txt" "$("$get" "$json" flow.rows_read) rows read"
check flow_eligible contains "$tmp/p2.txt" "$("$get" "$json" flow.eligible) eligible"
check flow_mature contains "$tmp/p2.txt" "$("$get" "$json" flow.mature) mature"

# the Durability page's figures are results.json's (its text in reading order, one line)
dp=0
for i in $(seq 1 "$ntable"); do
  [ "${titles[$((i - 1))]}" = "Durability: does the response last?" ] && dp=$i
done
check durability_page test "$dp" -gt 0
pdftotext -f "$dp" -l "$dp" "$pdf" - | tr '\n' ' ' | tr -s ' ' >"$tmp/dur.flat"
for k in 0 1 2; do
  t=$("$get" "$json" durability.at.$k.time)
  s=$(pct "$("$get" "$json" durability.at.$k.surv)")
  check "durability_at_$t" contains "$tmp/dur.flat" "Still responding at $t days: $s"
done
check durability_reference contains "$tmp/dur.flat" "McInnes et al. 2022"
check durability_completed contains "$tmp/dur.flat" "completed: $(pct "$("$get" "$json" induction.completed.rate)") ($("$get" "$json" induction.completed.events) of $("$get" "$json" induction.completed.n);"
check durability_maintenance contains "$tmp/dur.flat" "with a maintenance session: $("$get" "$json" maintenance.episodes_with_sessions)"

# the Safety page's clinician funnel: rates near 100 % get a y axis from a round value below
# every point, the centre and each point's 99.8 % limits (results.json's, at its n), at most
# 90 %, said in the axis title; the fair-comparison funnels keep 0-100 %
sp=0
for i in $(seq 1 "$ntable"); do
  [ "${titles[$((i - 1))]}" = "Safety: vital signs, blood pressure and monitoring" ] && sp=$i
done
check safety_page test "$sp" -gt 0
axis_from() { # RESULTS_JSON: the floor the rule gives ("" for the plain axis)
  python3 - "$1" <<'PY'
import json, math, sys
f = json.load(open(sys.argv[1]))["safety"]["vitals"]["funnel_clinician"]
c = f["centre"]
lo = 1 if c is None else c
for u in f["clinicians"]:
    r = (u.get("all_four") or {}).get("rate")
    if r is None:
        continue
    lo = min(lo, r, 1 if c is None else u["limits998"][0])
span = 100 * (1 - lo)
step = 2 if span <= 8 else 5 if span <= 20 else 10
frm = math.floor((100 * lo - step / 4) / step) * step
print("" if frm < 50 else min(frm, 90))
PY
}
want=$(axis_from "$json")
check safety_axis_rule test "$want" = 85 # (the sample's: rates 93-99 %, smallest n 106)
pdftotext -f "$sp" -l "$sp" "$pdf" "$tmp/safety.txt"
check safety_axis_said contains "$tmp/safety.txt" "share of sessions with all four values (axis from $want %)"
check safety_axis_tick grep -qx "$want%" "$tmp/safety.txt"
check safety_axis_no_zero bash -c "! grep -qx '0%' <(sed -n '/unadjusted funnel/,\$p' '$tmp/safety.txt')"
for t in "Fair comparison: clinicians" "Fair comparison: sites"; do
  for i in $(seq 1 "$npages"); do
    if grep -qF "$t" "$tmp/p$i.txt"; then
      check "fair_axis_plain_${t##* }" bash -c "! grep -q 'axis from' '$tmp/p$i.txt'"
    fi
  done
done
# under suppression: only the drawn points (the centre is withheld) make the range
"$bin" report --quiet --suppress-below 11 -o "$tmp/q" sample-data/sessions.csv
want=$(axis_from "$tmp/q/results.json")
check safety_axis_suppressed_rule test "$want" = 90
pdftotext -f "$sp" -l "$sp" "$tmp/q/report.pdf" "$tmp/safety_q.txt"
check safety_axis_suppressed contains "$tmp/safety_q.txt" "(axis from $want %)"
# shares far from 100 % (four sessions in five without a post-dose systolic): the plain axis
awk -F, -v OFS=, 'NR > 1 && NR % 5 { $17 = "" } 1' sample-data/sessions.csv >"$tmp/gaps.csv"
"$bin" report --quiet -o "$tmp/g" "$tmp/gaps.csv"
check safety_axis_plain_rule test "$(axis_from "$tmp/g/results.json")" = ""
pdftotext -f "$sp" -l "$sp" "$tmp/g/report.pdf" "$tmp/safety_g.txt"
check safety_axis_plain bash -c "! grep -q 'axis from' '$tmp/safety_g.txt'"
check safety_axis_plain_title contains "$tmp/safety_g.txt" "share of sessions with all four values"
check safety_axis_plain_zero bash -c "sed -n '/unadjusted funnel/,\$p' '$tmp/safety_g.txt' | grep -qx '0%'"

# the Monthly trend page: each chart's centre rate right of its frame (past every month's label,
# so never on the shaded period or a point), "centre" above it; with no month drawn, the note
# under a chart names no centre line
mp=0
for i in $(seq 1 "$ntable"); do
  [ "${titles[$((i - 1))]}" = "Monthly trend" ] && mp=$i
done
check monthly_page test "$mp" -gt 0
centre_right_of_months() { # PDF PAGE: 0 when every chart's centre label is right of its months
  pdftotext -f "$2" -l "$2" -bbox "$1" - | python3 -c '
import re, sys
w = [(float(a), float(b), float(c), t) for a, b, c, t in re.findall(
    r"<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" yMax=\"[0-9.]+\">([^<]*)<", sys.stdin.read())]
months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "mature", "mat..."}
right = max(x1 for x0, y0, x1, t in w if t in months)
labels = [(x0, y0) for i, (x0, y0, x1, t) in enumerate(w) if t == "centre" and i + 1 < len(w)
          and re.fullmatch(r"[0-9]+\.[0-9]%", w[i + 1][3]) and abs(w[i + 1][0] - x0) < 0.5]
sys.exit(0 if len(labels) == int(sys.argv[1]) and all(x0 > right for x0, y0 in labels) else 1)' "$3"
}
check monthly_centre_right centre_right_of_months "$pdf" "$mp" 2
check monthly_centre_note grep -q "The centre line, $(pct "$("$get" "$json" monthly.0.centre)")" "$tmp/p$mp.txt"
"$bin" sample --patients 25 -o "$tmp/s25.csv"
"$bin" report --quiet --suppress-below 11 -o "$tmp/q25" "$tmp/s25.csv"
pdftotext -f "$mp" -l "$mp" "$tmp/q25/report.pdf" "$tmp/m25.txt"
check monthly_none_drawn test "$(grep -c '^Not drawn' "$tmp/m25.txt")" -eq 2
check monthly_none_no_centre bash -c "! grep -q 'centre line' '$tmp/m25.txt'"
check monthly_none_headline test "$(grep -c "^The period's headline rate (page 1) is" "$tmp/m25.txt")" -eq 2

# no patient identifier anywhere in the PDF's text
pdftotext "$pdf" "$tmp/all.txt"
tail -n +2 sample-data/sessions.csv | cut -d, -f1 | sort -u >"$tmp/ids.txt"
check ids_listed test "$(wc -l <"$tmp/ids.txt")" -eq 500
check no_patient_ids bash -c "! grep -qF -f '$tmp/ids.txt' '$tmp/all.txt'"

# the same bytes on a rerun; SOURCE_DATE_EPOCH changes only the dates
"$bin" report --quiet --title "Lakeside Clinic" -o "$tmp/r2" sample-data/sessions.csv
check pdf_rerun_identical cmp -s "$pdf" "$tmp/r2/report.pdf"
SOURCE_DATE_EPOCH=86400 "$bin" report --quiet --title "Lakeside Clinic" -o "$tmp/r3" sample-data/sessions.csv
check epoch_date contains <(pdfinfo "$tmp/r3/report.pdf") "CreationDate:    Fri Jan  2 00:00:00 1970 UTC"
# only the dates: the same text and the same content hash on every page (manifest.json's
# outputs[report.pdf].pages), whatever cairo's encoding does with a date (cairo 1.18, Debian
# 13, compresses the document information with the rest: other bytes from there on)
pdftotext "$tmp/r3/report.pdf" "$tmp/r3.txt"
check epoch_same_text cmp -s "$tmp/all.txt" "$tmp/r3.txt"
pages_of() { python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print([o.get("pages") for o in m["outputs"] if o["name"] == "report.pdf"][0])' "$1"; }
check epoch_same_page_content test "$(pages_of "$tmp/r3/manifest.json")" = "$(pages_of "$(dirname "$pdf")/manifest.json")"
check epoch_page_content_recorded test "$(pages_of "$tmp/r3/manifest.json")" != None
check epoch_other_bytes bash -c "! cmp -s '$pdf' '$tmp/r3/report.pdf'"
check epoch_json_same cmp -s "$json" "$tmp/r3/results.json"
SOURCE_DATE_EPOCH=yesterday "$bin" report --quiet -o "$tmp/r4" sample-data/sessions.csv 2>"$tmp/err"
check epoch_bad_exit test $? -eq 2
check epoch_bad_msg contains "$tmp/err" "SOURCE_DATE_EPOCH must be seconds since 1970"

# Letter paper
"$bin" report --quiet --paper letter -o "$tmp/l" sample-data/sessions.csv
check letter contains <(pdfinfo "$tmp/l/report.pdf") "792 x 612 pts (letter)"
# the p-chart's "not yet mature" is whole on Letter (two lines where a month is too narrow) and
# on A4, and no text leaves its box or runs into another
pdftotext -layout -f "$mp" -l "$mp" "$tmp/l/report.pdf" "$tmp/l_m.txt"
check letter_not_yet_mature_whole bash -c "grep -q 'not yet' '$tmp/l_m.txt' && ! grep -q 'mat…' '$tmp/l_m.txt'"
check letter_text_boxes python3 tests/tools/text_boxes.py "$tmp/l/report.pdf"
"$bin" report --quiet -o "$tmp/a4" sample-data/sessions.csv
pdftotext -layout -f "$mp" -l "$mp" "$tmp/a4/report.pdf" "$tmp/a4_m.txt"
check a4_not_yet_mature_whole contains "$tmp/a4_m.txt" "not yet mature"

# item 9 under --suppress-below 11 with 11 encounters of 2 or 3: the followed-up and the not
# followed-up are "withheld (11 encounters)", not "< 11 of 11"
"$bin" sample --patients 25 --seed 6 -o "$tmp/s25_6.csv"
"$bin" report --quiet --suppress-below 11 -o "$tmp/i9" "$tmp/s25_6.csv"
pdftotext -layout "$tmp/i9/report.pdf" "$tmp/i9.txt"
check item9_withheld_of_n contains "$tmp/i9.txt" "withheld (11 encounters)"
check item9_no_lt_n_of_n bash -c "! grep -q '< 11 of 11\b' '$tmp/i9.txt'"

# an empty or tiny cohort gives honest pages, not broken charts
printf 'patient_id,session_date,session_type,phq9\nA,2026-10-20,treatment,20\nA,2026-10-25,assessment,18\n' >"$tmp/tiny.csv"
"$bin" report --quiet -o "$tmp/t" "$tmp/tiny.csv"
check tiny_report test -s "$tmp/t/report.pdf"
pdftotext -layout "$tmp/t/report.pdf" "$tmp/tiny.txt"
check tiny_no_mature contains "$tmp/tiny.txt" "no mature episode"
check tiny_pages test "$(pdfinfo "$tmp/t/report.pdf" | awk '/^Pages:/ { print $2 }')" -ge "$ntable"
check tiny_not_reached contains "$tmp/tiny.txt" "not reached"
pdftotext -f "$mp" -l "$mp" "$tmp/t/report.pdf" "$tmp/tiny_m.txt"
check tiny_monthly_no_centre bash -c "! grep -q 'centre line' '$tmp/tiny_m.txt'"
check tiny_monthly_headline grep -q "The period's headline rate (page 1) has no mature episode." "$tmp/tiny_m.txt"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
