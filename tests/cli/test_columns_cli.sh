#!/usr/bin/env bash
# The columns added through the column table alone (include/outcomes/columns.h): `hama` (HAM-A
# 0-56, an instrument: --instrument hama with SPEC section 2's defaults 18 / 7, read from wide
# and long files, same-day conflicts) and `monitoring_min` (0-1440, read and checked, not an
# instrument). Usage: test_columns_cli.sh OUTCOMES_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/cli/lib.sh"
cat >"$tmp/a.csv" <<'CSV'
patient_id,session_date,session_type,dose_mg,route,hama,monitoring_min
P1,2026-01-05,treatment,56,intranasal,30,120
P1,2026-01-05,assessment,,,28,
P1,2026-01-20,treatment,56,intranasal,10,90
P1,2026-02-10,assessment,,,5,
P2,2026-01-06,treatment,56,intranasal,57,120
P2,2026-01-06,treatment,56,intranasal,20,1441
P2,2026-01-06,treatment,56,intranasal,20,12.5
P2,2026-01-06,treatment,56,intranasal,20,-3
P3,2026-01-07,treatment,56,intranasal,25,100
P3,2026-01-07,treatment,56,intranasal,25,130
P3,2026-01-07,treatment,56,intranasal,25,130
P3,2026-02-01,assessment,,,3,
CSV
"$bin" check "$tmp/a.csv" >"$tmp/out" 2>&1
check check_exit [ $? -eq 1 ]
cat >"$tmp/want" <<EOF2
$tmp/a.csv:6:6: column 'hama': out of range 0-56, got "57"
$tmp/a.csv:7:7: column 'monitoring_min': out of range 0-1440, got "1441"
$tmp/a.csv:8:7: column 'monitoring_min': expected an integer 0-1440, got "12.5"
$tmp/a.csv:9:7: column 'monitoring_min': expected an integer 0-1440, got "-3"
$tmp/a.csv:12: note: exact duplicate of $tmp/a.csv:11 (counted once)
$tmp/a.csv:3: note: hama on 2026-01-05 disagrees with $tmp/a.csv:2 (same patient and date): that day's hama is not used
$tmp/a.csv: wide, 12 rows read: 7 accepted, 4 rejected, 1 duplicate
12 rows read: 7 accepted, 4 rejected, 1 duplicate (not_an_integer 2, out_of_range 2); 2 patients; 1 conflicting same-day scores
EOF2
check check_messages diff -u "$tmp/want" "$tmp/out"

# --instrument hama: SPEC section 2's thresholds, the label HAM-A
"$bin" report -q --instrument hama -o "$tmp/r" "$tmp/a.csv"
check report_hama [ $? -eq 0 ]
j=$tmp/r/results.json
check conflicts_hama [ "$(python3 -c "import json;print(json.load(open('$j'))['data_quality']['conflicting_same_day_scores']['hama'])")" = 1 ]
check json_instrument grep -q '"instrument": "hama"' "$j"
pdftotext "$tmp/r/report.pdf" "$tmp/r.txt"
check pdf_thresholds grep -q "HAM-A: eligible baseline >= 18, remission <= 7" "$tmp/r.txt"
# monitoring_min is read for the safety page (SPEC 13), not in the missing-values listing
check no_monitoring_listing bash -c "! grep -q monitoring_min '$j'"

# a long score file names hama
cat >"$tmp/t.csv" <<'CSV'
patient_id,session_date,session_type,dose_mg,route
P1,2026-01-05,treatment,56,intranasal
CSV
cat >"$tmp/s.csv" <<'CSV'
patient_id,session_date,instrument,score
P1,2026-01-05,HAMA,30
P1,2026-01-20,hama,56
P1,2026-01-21,hama,57
CSV
"$bin" check "$tmp/t.csv" "$tmp/s.csv" >"$tmp/out" 2>&1
check long_exit [ $? -eq 1 ]
check long_range grep -qF "$tmp/s.csv:4:4: column 'score': out of range 0-56 for hama, got \"57\"" "$tmp/out"
check long_counts grep -q "4 rows read: 3 accepted, 1 rejected" "$tmp/out"

# --instrument names only instruments with defaults
"$bin" report -q --instrument monitoring_min -o "$tmp/r2" "$tmp/a.csv" 2>"$tmp/err"
check bad_instrument [ $? -eq 2 ]
check bad_instrument_msg grep -qF "expected one of phq9, madrs, qids_sr16, hamd17, bdi2, gad7, hama, got 'monitoring_min'" "$tmp/err"
echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
