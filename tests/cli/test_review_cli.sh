#!/usr/bin/env bash
# Safety monitoring and review.csv (SPEC section 13, issue 18), end to end on a hand-made export
# whose every flag is planted at a known line: review.csv lists exactly those rows (file, line,
# flag, value) and nothing else, sorted by patient, date and flag; the same rows shuffled flag
# the same sessions; the item-9 course, item-9 follow-up, vital-sign pairs and hold-level counts
# are checked against their derivation by hand (below, beside each number); review.csv is in
# the manifest and verify checks it; under --suppress-below it is not written and an earlier
# one is removed; bad monitoring_min values are rejects with file:line:column; the options'
# usage errors exit 2 naming the option.
# Usage: test_review_cli.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
get=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$2/tests/cli/lib.sh"
cd "$tmp"

# Line numbers are physical lines (the header is line 1). Planted, per patient:
#  A (lines 2-7)  3: dose at 165/95 >= 160/100 hold level         -> bp_hold_dosed 165/95
#                 4: post-dose 185/100 >= 180/110; CADSS 12 > 4   -> bp_post_high, cadss_high
#                 5: post-dose 150/(none): incomplete, no reading -> nothing
#                 6: pre-dose 170/(none) with a dose: incomplete  -> nothing (never a reading)
#                 7: pre-dose 170/105 but no dose recorded        -> nothing (not dosed)
#  B (lines 8-12) 8: item 9 = 3 (baseline window); B is seen again two days later (line 9)
#                                                                  -> item9_3 (followed)
#                10: item 9 = 2, next encounter 15 days later      -> item9_no_followup
#                12: item 9 = 2, no encounter after it; the cut (2026-03-31, line 34) is more
#                    than 7 days later                             -> item9_no_followup
#  C (13-19)      six treatment dates, baseline 18 (the index row's own score, taken before
#                 the dose), follow-up 17..15 and 14 on day 23: never <= 9 -> no_response_after_6
#                 on the sixth session (line 19), value "baseline 18; last 14"
#  D (20-26)      six sessions, responds at 9 on the third (<= 6 sessions) -> nothing
#  G, H, F        item 9 course only; F (line 34): item 9 without a PHQ-9 total
#  E (35-38)      intranasal: 95 minutes of monitoring (line 36)   -> monitoring_short 95
#                 130 minutes (37), none recorded (38)              -> counted, not listed
cat >plant.csv <<'EOF'
patient_id,session_date,session_type,clinician,route,drug,dose_mg,weight_kg,phq9,phq9_item9,cadss,sbp_pre,dbp_pre,sbp_post,dbp_post,monitoring_min
A,2026-01-01,assessment,,,,,,20,0,,,,,,
A,2026-01-05,treatment,c1,iv,ketamine,35,70,,,3,165,95,150,90,
A,2026-01-08,treatment,c1,iv,ketamine,35,70,,,12,120,80,185,100,
A,2026-01-12,treatment,c1,iv,ketamine,35,70,,,,150,85,150,,
A,2026-01-15,treatment,c1,iv,ketamine,35,70,,,,170,,140,80,
A,2026-01-19,treatment,c1,iv,ketamine,,,,,,170,105,,,
B,2026-01-01,assessment,,,,,,22,3,,,,,,
B,2026-01-03,treatment,c2,iv,ketamine,35,70,20,1,,,,,,
B,2026-01-10,treatment,c2,iv,ketamine,35,70,18,2,,,,,,
B,2026-01-25,treatment,c2,iv,ketamine,35,70,15,0,,,,,,
B,2026-02-01,assessment,,,,,,14,2,,,,,,
C,2026-01-01,assessment,,,,,,20,,,,,,,
C,2026-01-02,treatment,c2,iv,ketamine,35,70,18,,,,,,,
C,2026-01-05,treatment,c2,iv,ketamine,35,70,17,,,,,,,
C,2026-01-08,treatment,c2,iv,ketamine,35,70,16,,,,,,,
C,2026-01-11,treatment,c2,iv,ketamine,35,70,16,,,,,,,
C,2026-01-14,treatment,c2,iv,ketamine,35,70,15,,,,,,,
C,2026-01-17,treatment,c2,iv,ketamine,35,70,15,,,,,,,
C,2026-01-25,assessment,,,,,,14,,,,,,,
D,2026-02-01,assessment,,,,,,20,0,,,,,,
D,2026-02-02,treatment,c2,iv,ketamine,35,70,18,,,,,,,
D,2026-02-04,treatment,c2,iv,ketamine,35,70,12,1,,,,,,
D,2026-02-06,treatment,c2,iv,ketamine,35,70,9,,,,,,,
D,2026-02-09,treatment,c2,iv,ketamine,35,70,8,,,,,,,
D,2026-02-11,treatment,c2,iv,ketamine,35,70,7,,,,,,,
D,2026-02-13,treatment,c2,iv,ketamine,35,70,6,,,,,,,
G,2026-03-01,assessment,,,,,,15,2,,,,,,
G,2026-03-02,treatment,c2,iv,ketamine,35,70,14,1,,,,,,
G,2026-03-09,treatment,c2,iv,ketamine,35,70,10,0,,,,,,
H,2026-03-01,assessment,,,,,,12,0,,,,,,
H,2026-03-03,treatment,c2,iv,ketamine,35,70,11,0,,,,,,
H,2026-03-10,assessment,,,,,,10,0,,,,,,
F,2026-03-31,assessment,,,,,,,2,,,,,,
E,2026-03-20,assessment,,,,,,18,0,,,,,,
E,2026-03-21,treatment,c3,intranasal,esketamine,56,,17,,,,,,,95
E,2026-03-24,treatment,c3,intranasal,esketamine,56,,15,,,,,,,130
E,2026-03-27,treatment,c3,intranasal,esketamine,84,,14,,,,,,,
EOF
"$bin" report --quiet -o out plant.csv
check report_ok test $? -eq 0
cat >want.csv <<'EOF'
patient_id,episode,date,file,line,flag,value
A,1,2026-01-05,plant.csv,3,bp_hold_dosed,165/95
A,1,2026-01-08,plant.csv,4,bp_post_high,185/100
A,1,2026-01-08,plant.csv,4,cadss_high,12
B,1,2026-01-01,plant.csv,8,item9_3,3
B,1,2026-01-10,plant.csv,10,item9_no_followup,2
B,1,2026-02-01,plant.csv,12,item9_no_followup,2
C,1,2026-01-17,plant.csv,19,no_response_after_6,baseline 18; last 14
E,1,2026-03-21,plant.csv,36,monitoring_short,95
EOF
check review_exactly_planted cmp -s want.csv out/review.csv || diff want.csv out/review.csv
j() { "$get" out/results.json "$1"; }
# the flag counts are the rows of review.csv
check flags_hold test "$(j safety.review.flags.bp_hold_dosed)" = 1
check flags_post test "$(j safety.review.flags.bp_post_high)" = 1
check flags_cadss test "$(j safety.review.flags.cadss_high)" = 1
check flags_item9_3 test "$(j safety.review.flags.item9_3)" = 1
check flags_nofu test "$(j safety.review.flags.item9_no_followup)" = 2
check flags_mon test "$(j safety.review.flags.monitoring_short)" = 1
# monitoring: E's three intranasal sessions, one under 120 minutes, one without a value
check mon_intranasal test "$(j safety.monitoring.intranasal_sessions)" = 3
check mon_short test "$(j safety.monitoring.under_minimum.events)" = 1
check mon_missing test "$(j safety.monitoring.without_value.events)" = 1
check flags_nr6 test "$(j safety.review.flags.no_response_after_6)" = 1
check review_file_named test "$(j safety.review.file)" = review.csv
# no response after 6: C and D have six sessions (the episodes with 6), C is flagged
check nr6_n test "$(j safety.review.no_response_after_6.n)" = 2
# Item 9 per episode (SPEC 13), by hand. Baseline = latest item 9 in [index - 14, index]:
#  A: 0 (line 2), no follow-up item 9                       -> in neither denominator
#  B: index 01-03; 01-01 = 3 and 01-03 = 1: baseline 1; follow-up 2, 0, 2: last 2
#                                                            -> resolved n, not resolved
#  C: no item 9                                              -> neither
#  D: baseline 0 (02-01); follow-up 1 on 02-04              -> worsened n, worsened
#  G: index 03-02; baseline 1 (03-02, the index date, latest); follow-up 0 -> resolved n, resolved
#  H: baseline 0 (03-03); follow-up 0 (03-10)                -> worsened n, not worsened
#  so resolved 1 of 2 (G of B, G), worsened 1 of 2 (D of D, H)
check course_resolved_events test "$(j safety.item9_course.resolved.events)" = 1
check course_resolved_n test "$(j safety.item9_course.resolved.n)" = 2
check course_worsened_events test "$(j safety.item9_course.worsened.events)" = 1
check course_worsened_n test "$(j safety.item9_course.worsened.n)" = 2
# Item 9 >= 2 encounters of cohort episodes: B 01-01 (3), B 01-10, B 02-01, G 03-01 = 4, of which
# followed within 7 days: B 01-01 (01-03) and G 03-01 (03-02) = 2; F has no episode
check i9_ge2 test "$(j safety.phq9_item9.encounters_ge2)" = 4
check i9_eq3 test "$(j safety.phq9_item9.encounters_eq3)" = 1
check i9_followed test "$(j safety.phq9_item9.ge2_followed.events)" = 2
check i9_followed_n test "$(j safety.phq9_item9.ge2_followed.n)" = 4
check i9_open test "$(j safety.phq9_item9.ge2_not_followed_days_open)" = 0
check i9_no_total test "$(j safety.phq9_item9.rows_without_phq9_total)" = 1
# Vital signs over the 26 treatment sessions (A 5, B 3, C 6, D 6, G 2, H 1, E 3); only A's carry
# pressures: pre pairs on lines 3, 4, 5, 7 = 4 (6 has one value); post pairs 3, 4, 6 = 3 (5 has
# one value); all four on 3 and 4 = 2; a dose with a pre pair: 3, 4, 5 = 3, at hold level: 3
check vit_sessions test "$(j safety.vitals.overall.sessions)" = 26
check vit_pre test "$(j safety.vitals.overall.pre_pair.events)" = 4
check vit_post test "$(j safety.vitals.overall.post_pair.events)" = 3
check vit_all test "$(j safety.vitals.overall.all_four.events)" = 2
check vit_pre_inc test "$(j safety.vitals.pre_incomplete.events)" = 1
check vit_post_inc test "$(j safety.vitals.post_incomplete.events)" = 1
check bp_pre_readings test "$(j safety.bp_pre.sessions_measured)" = 4
check bp_post_readings test "$(j safety.bp_post.sessions_measured)" = 3
check hold_n test "$(j safety.bp_hold.dosed.n)" = 3
check hold_events test "$(j safety.bp_hold.dosed.events)" = 1
# by clinician: c1 (A's 5 sessions, all four on 2) and c2 (18 sessions, none)
check clin_c1 test "$(j safety.vitals.funnel_clinician.clinicians.0.clinician)" = c1
check clin_c1_all test "$(j safety.vitals.funnel_clinician.clinicians.0.all_four.events)" = 2
check clin_c2_n test "$(j safety.vitals.funnel_clinician.clinicians.1.sessions)" = 18
# review.csv is an output of the manifest, and verify checks it
check manifest_lists_review grep -q '"review.csv"' out/manifest.json
"$bin" verify out >/dev/null
check verify_ok test $? -eq 0
cp -r out tampered && sed -i 's/165\/95/165\/96/' tampered/review.csv
"$bin" verify tampered >verify.txt
check verify_tampered_exit test $? -eq 1
check verify_tampered_names grep -q 'review.csv' verify.txt

# the same rows in reverse order: the same flags on the same sessions (lines aside)
{ head -1 plant.csv; tail -n +2 plant.csv | tac; } >shuffled.csv
"$bin" report --quiet -o out2 shuffled.csv
cut -d, -f1-3,6,7 out/review.csv >a.txt
cut -d, -f1-3,6,7 out2/review.csv >b.txt
check shuffled_same_flags cmp -s a.txt b.txt
# line 3 of plant.csv is line 38 - 3 + 2 = 37 of the reversed file
check shuffled_line grep -q '^A,1,2026-01-05,shuffled.csv,37,bp_hold_dosed,165/95$' out2/review.csv

# options: --bp-hold 170/110 un-flags A's 165/95; --item9-followup-days 15 follows B's 01-10
"$bin" report --quiet --bp-hold 170/110 --item9-followup-days 15 -o out3 plant.csv
check hold_option test "$("$get" out3/results.json safety.review.flags.bp_hold_dosed)" = 0
check hold_threshold test "$("$get" out3/results.json safety.bp_hold.threshold)" = "[170,110]"
check fu_option test "$("$get" out3/results.json safety.review.flags.item9_no_followup)" = 1
check manifest_option grep -q '"--bp-hold"' out3/manifest.json
"$bin" report --bp-hold 170 -o bad plant.csv >/dev/null 2>err.txt
check hold_usage_exit test $? -eq 2
check hold_usage_names grep -q -- '--bp-hold' err.txt
"$bin" report --item9-followup-days 0 -o bad plant.csv >/dev/null 2>err.txt
check fu_usage_exit test $? -eq 2
check fu_usage_names grep -q -- '--item9-followup-days' err.txt
check usage_nothing_written test ! -e bad

# under suppression no review.csv, and an earlier one is removed
"$bin" report --quiet --suppress-below 11 -o out plant.csv
check suppressed_ok test $? -eq 0
check suppressed_no_review test ! -e out/review.csv
check suppressed_file_null test "$(j safety.review.file)" = null

# bad monitoring_min: not an integer, out of range: rejected with file:line:column
printf 'patient_id,session_date,route,dose_mg,monitoring_min\nQ,2026-01-01,intranasal,56,2h\nQ,2026-01-02,intranasal,56,1441\nQ,2026-01-03,intranasal,56,120\n' >badmon.csv
"$bin" check badmon.csv >check.txt
check badmon_exit test $? -eq 1
check badmon_2h grep -qF "badmon.csv:2:5: column 'monitoring_min': expected an integer 0-1440, got \"2h\"" check.txt
check badmon_1441 grep -qF "badmon.csv:3:5: column 'monitoring_min': out of range 0-1440, got \"1441\"" check.txt
"$bin" report --quiet -o badmon badmon.csv
check badmon_rejects grep -q '^badmon.csv,2,monitoring_min,2h,not_an_integer$' badmon/rejects.csv
check badmon_one_session test "$("$get" badmon/results.json safety.monitoring.intranasal_sessions)" = 1

# degenerate shapes: no treatment session at all (nothing to flag: the header only, rates null);
# one patient dosed once, on one day, with every flag of a session at once
printf 'patient_id,session_date,phq9,phq9_item9\nZ,2026-01-01,20,3\nZ,2026-01-20,10,0\n' >none.csv
"$bin" report --quiet -o none none.csv
check none_ok test $? -eq 0
check none_header_only test "$(cat none/review.csv)" = "patient_id,episode,date,file,line,flag,value"
check none_sessions test "$("$get" none/results.json safety.vitals.overall.sessions)" = 0
check none_rate_null test "$("$get" none/results.json safety.vitals.overall.all_four.rate)" = null
check none_no_clinicians test "$("$get" none/results.json safety.vitals.funnel_clinician.clinicians)" = "[]"
printf 'patient_id,session_date,session_type,dose_mg,phq9,phq9_item9,cadss,sbp_pre,dbp_pre,sbp_post,dbp_post\nY,2026-01-01,treatment,56,20,3,30,170,110,190,120\n' >one.csv
"$bin" report --quiet -o one one.csv
check one_ok test $? -eq 0
# item 9 = 3 on the index date: listed, and (no later encounter, the cut that same day) not
# followed with the days not over
cat >want1.csv <<'EOF2'
patient_id,episode,date,file,line,flag,value
Y,1,2026-01-01,one.csv,2,bp_hold_dosed,170/110
Y,1,2026-01-01,one.csv,2,bp_post_high,190/120
Y,1,2026-01-01,one.csv,2,cadss_high,30
Y,1,2026-01-01,one.csv,2,item9_3,3
Y,1,2026-01-01,one.csv,2,item9_no_followup,3 (days not over)
EOF2
check one_all_flags cmp -s want1.csv one/review.csv || diff want1.csv one/review.csv
check one_open test "$("$get" one/results.json safety.phq9_item9.ge2_not_followed_days_open)" = 1

# a review.csv of many pieces (written as it is made, in 1 MiB pieces, with direct I/O past
# 4 MiB): its rows are results.json's flag counts, the manifest's digest is of its bytes,
# verify passes; under --each site every sub-report's rows are, in order, the network's rows of
# its episodes (here every episode has a site: together they are the network's rows)
"$bin" sample --patients 12000 --seed 4 -o big.csv
"$bin" report --quiet --each site -o big big.csv
check big_many_pieces test "$(stat -c %s big/review.csv)" -gt $((4 << 20))
flags=$(python3 -c 'import json,sys; print(sum(json.load(open(sys.argv[1]))["safety"]["review"]["flags"].values()))' big/results.json 2>/dev/null)
check big_rows_are_flags test "$(($(wc -l <big/review.csv) - 1))" = "$flags"
check big_digest test "$(python3 -c 'import json,sys; print([f["sha256"] for f in json.load(open(sys.argv[1]))["outputs"] if f["name"] == "review.csv"][0])' big/manifest.json)" = "$(sha256sum big/review.csv | cut -d' ' -f1)"
"$bin" verify big >big-verify.txt
check big_verify test $? -eq 0
for d in big/site/*/; do tail -n +2 "$d/review.csv"; done | sort >subs.txt
tail -n +2 big/review.csv | sort >net.txt
check big_subs_are_net cmp -s subs.txt net.txt
ok=1
for d in big/site/*/; do
  head -1 "$d/review.csv" | cmp -s - <(head -1 big/review.csv) || ok=0
  tail -n +2 "$d/review.csv" | cmp -s - <(grep -Fxf <(tail -n +2 "$d/review.csv") <(tail -n +2 big/review.csv)) || ok=0
done
check big_subs_in_order test "$ok" = 1

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
