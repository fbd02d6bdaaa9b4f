#!/usr/bin/env bash
# Disclosure control (SPEC section 9, issue 12): tests/tools/attack.py plays the attacker on
# small suppressed exports (25, 40 and 60 patients, different seeds, and one period), knowing
# the unsuppressed run; then many distinct sites and clinicians (300 and 5,000: no array sized
# by a constant holds the values; run under ASan by scripts/test), and the row-level files.
# Usage: test_attack.sh OUTCOMES_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
. "$(dirname "$0")/lib.sh" # failures, passed, check
attack() { # NAME PATIENTS SEED [REPORT OPTIONS...]
  local name=$1 patients=$2 seed=$3
  shift 3
  "$bin" sample --patients "$patients" --seed "$seed" -o "$tmp/$name.csv" &&
    "$bin" report --quiet "$@" -o "$tmp/$name-raw" "$tmp/$name.csv" &&
    "$bin" report --quiet --suppress-below 11 "$@" -o "$tmp/$name-sup" "$tmp/$name.csv" &&
    python3 tests/tools/attack.py "$tmp/$name-raw" "$tmp/$name-sup" 11
}
check attack_25 attack p25 25 1
check attack_25b attack p25b 25 99
check attack_40 attack p40 40 7
check attack_60 attack p60 60 13
check attack_60_period attack p60p 60 13 --period 2026-06..2026-10
check attack_60_adjust attack p60a 60 13 --adjust baseline,route,drug
check attack_120_funnel attack p120 120 5
# hand-built shapes (attack 12, second round): the first patients of a 60-patient export; a
# 40-patient export scored on MADRS and GAD-7 (the Kaplan-Meier n withheld while its `at`
# estimates gave it back); one site and clinician holding all patients but one
attack_csv() { # NAME CSV [REPORT OPTIONS...]
  local name=$1 csv=$2
  shift 2
  "$bin" report --quiet "$@" -o "$tmp/$name-raw" "$csv" &&
    "$bin" report --quiet --suppress-below 11 "$@" -o "$tmp/$name-sup" "$csv" &&
    python3 tests/tools/attack.py "$tmp/$name-raw" "$tmp/$name-sup" 11
}
"$bin" sample --patients 60 --seed 3 -o "$tmp/b60.csv"
for k in 1 2 11 12 21 22; do
  awk -F, -v k=$k 'NR == 1 { print; next } { if (!($1 in s)) s[$1] = ++c; if (s[$1] <= k) print }' \
    "$tmp/b60.csv" >"$tmp/k$k.csv"
  check "attack_first_$k" attack_csv "k$k" "$tmp/k$k.csv"
done
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { if (!($1 in s)) s[$1] = ++c; $4 = s[$1] == 1 ? "solo" : "main"; $5 = s[$1] == 1 ? "cx" : "cy"; print }' \
  "$tmp/k22.csv" >"$tmp/site1.csv"
check attack_one_site_all_but_one attack_csv site1 "$tmp/site1.csv"
# one code per session, one rare code (anxiety, 2 sessions) pooled as "other": the codes'
# sessions add up to the sessions with any, so "other" was their difference
awk -F, 'BEGIN { OFS = "," } NR > 1 { sub(/\|.*/, "", $19); if ($19 == "blurred_vision" || $19 == "sedation") $19 = "" } { print }' \
  "$tmp/k22.csv" >"$tmp/ae1.csv"
check attack_one_code_per_session attack_csv ae1 "$tmp/ae1.csv"
check attack_one_code_per_session_other python3 -c "
import json
d = json.load(open('$tmp/ae1-sup/results.json'))['safety']['adverse_events']
assert d['sessions_any'] is not None, d
assert [c['sessions'] for c in d['by_code'] if c['code'] == 'other'] == [None], d
assert sum(c['sessions'] is None for c in d['by_code']) >= 2, d
"
# every episode starting in one month (March 2026), one episode per patient; the whole export,
# then --period of that month alone while the p-chart shows 12
python3 - "$tmp/b60.csv" "$tmp/month.csv" <<'EOF'
import csv, datetime as dt, sys
rows = list(csv.reader(open(sys.argv[1])))
first, idx = {}, {}
for r in rows[1:]:
    d = dt.date.fromisoformat(r[1])
    idx.setdefault(r[0], len(idx))
    first[r[0]] = min(first.get(r[0], d), d)
out = [rows[0]]
for r in rows[1:]:
    off = dt.date.fromisoformat(r[1]) - first[r[0]]
    if off.days <= 80:
        day = dt.date(2026, 3, 1) + dt.timedelta(days=idx[r[0]] % 28) + off
        out.append([r[0], day.isoformat()] + r[2:])
csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n").writerows(out)
EOF
check attack_one_month_export attack_csv month "$tmp/month.csv"
check attack_one_month_export_period attack_csv monthp "$tmp/month.csv" --period 2026-03
# 12 patients: "12 episodes in the period" beside "< 11 excluded" and "(suppressed) eligible"
# (a second label, meaning 11 or more) gave eligible = 11 and excluded = 1 (attack 12f); the
# first 12 patients of 30-patient exports of seeds 1 to 4 each had such a pair
for seed in 1 2 3 4; do
  "$bin" sample --patients 30 --seed $seed -o "$tmp/t$seed.csv"
  awk -F, 'NR == 1 { print; next } { if (!($1 in s)) s[$1] = ++c; if (s[$1] <= 12) print }' \
    "$tmp/t$seed.csv" >"$tmp/twelve$seed.csv"
  check "attack_twelve_seed_$seed" attack_csv "twelve$seed" "$tmp/twelve$seed.csv"
done
check attack_madrs attack_csv madrs "$tmp/p40.csv" --instrument madrs
check attack_gad7 attack_csv gad7 "$tmp/p40.csv" --instrument gad7
check attack_exact attack_csv exact "$tmp/p40.csv" --ci exact
check attack_6m attack_csv e6m "$tmp/p40.csv" --endpoint 6m
check attack_one_month attack_csv per1 "$tmp/p40.csv" --period 2026-05
check attack_40_n5 bash -c "'$bin' report --quiet --suppress-below 5 -o '$tmp/n5-sup' '$tmp/p40.csv' &&
  python3 tests/tools/attack.py '$tmp/p40-raw' '$tmp/n5-sup' 5"

# the attacker finds what an older writer leaked: a hand-made leak in a copy of results.json
python3 - "$tmp/p25-sup/results.json" "$tmp/leak.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["response"]["rate"] = 0.5  # a rate beside withheld events
json.dump(d, open(sys.argv[2], "w"))
EOF
mkdir -p "$tmp/leak" && cp "$tmp/p25-sup/report.pdf" "$tmp/leak/" && cp "$tmp/leak.json" "$tmp/leak/results.json"
check attacker_finds_a_leak bash -c "! python3 tests/tools/attack.py '$tmp/p25-raw' '$tmp/leak' 11 >/dev/null"

# each input file's shape and accounting (issue 21): a wide treatment file with 3 rejected rows
# and 2 extra copies, a long score file with 1 rejected row, a FHIR file with 2 rows and 3
# resources skipped (2 of another type, 1 of another drug): every per-file count from 1 to 10
# is withheld and none can be worked back from the file's total or the flow's
"$bin" sample --patients 40 --seed 21 --shape long -o "$tmp/sh" &&
  { cat "$tmp/sh-treatments.csv"; sed -n '2,3p' "$tmp/sh-treatments.csv"
    sed -n '2p' "$tmp/sh-treatments.csv" | sed 's/,treatment,/,infusion,/'
    sed -n '2p' "$tmp/sh-treatments.csv" | sed 's/^P[0-9]*,/bad id,/'
    sed -n '2p' "$tmp/sh-treatments.csv" | sed 's/,20[0-9][0-9]-/,19-/'; } >"$tmp/sh-wide.csv" &&
  { cat "$tmp/sh-scores.csv"; echo 'P0000001,2026-01-05,44261-6,99,,'; } >"$tmp/sh-long.csv"
rx='"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"238083"}]}'
{ for d in 05 06; do
    echo "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\",$rx,\"subject\":{\"reference\":\"Patient/F1\"},\"effectiveDateTime\":\"2026-01-$d\",\"dosage\":{\"dose\":{\"value\":35,\"unit\":\"mg\"}}}"
  done
  echo '{"resourceType":"Patient","id":"F1"}'; echo '{"resourceType":"Encounter","id":"e1"}'
  echo '{"resourceType":"MedicationAdministration","status":"completed","medicationCodeableConcept":{"text":"midazolam"},"subject":{"reference":"Patient/F1"},"effectiveDateTime":"2026-01-05"}'
} >"$tmp/sh-med.ndjson"
shapes_attack() {
  "$bin" report --quiet -o "$tmp/sh-raw" "$tmp/sh-wide.csv" "$tmp/sh-long.csv" "$tmp/sh-med.ndjson" &&
    "$bin" report --quiet --suppress-below 11 -o "$tmp/sh-sup" "$tmp/sh-wide.csv" "$tmp/sh-long.csv" "$tmp/sh-med.ndjson" &&
    python3 tests/tools/attack.py "$tmp/sh-raw" "$tmp/sh-sup" 11
}
check attack_shapes shapes_attack
check attack_shapes_counts python3 -c "
import json
raw = json.load(open('$tmp/sh-raw/results.json'))['data_quality']['files']
sup = json.load(open('$tmp/sh-sup/results.json'))['data_quality']['files']
assert [f['shape'] for f in raw] == ['wide', 'long', 'fhir'], raw
assert [(f['rows_rejected'], f['rows_duplicate']) for f in raw] == [(3, 2), (1, 0), (0, 0)], raw
assert raw[2]['resources_skipped'] == {'total': 3, 'other_resource_type': 2, 'observation_other_code': 0, 'other_drug': 1}, raw[2]
assert [f['shape'] for f in sup] == ['wide', 'long', 'fhir'], sup
assert sup[0]['rows_rejected'] is None and sup[0]['rows_duplicate'] is None and sup[0]['suppressed'], sup[0]
assert sup[2]['rows_read'] is None and sup[2]['resources_skipped']['total'] is None, sup[2]
"

# no row-level file under suppression; a stale one (and a killed run's temporary) is removed
# (review.csv is not an output of this version: the directory commit refuses it as foreign)
mkdir -p "$tmp/stale" && for f in episodes.csv rejects.csv .episodes.csv.tmp .rejects.csv.tmp; do echo old >"$tmp/stale/$f"; done
check stale_run "$bin" report --quiet --suppress-below 11 -o "$tmp/stale" "$tmp/p25.csv"
for f in episodes.csv rejects.csv .episodes.csv.tmp .rejects.csv.tmp; do
  check "no_$f" test ! -e "$tmp/stale/$f"
done

# many distinct sites and clinicians: every patient its own site and clinician (300 here; 5,000
# values in tests/model/test_disclosure.c, as the log-rank test over 5,000 groups takes minutes)
for n in 300; do
  "$bin" sample --patients "$n" --seed 5 -o "$tmp/m$n.csv"
  awk -F, 'BEGIN { OFS = "," } NR > 1 { $4 = "site-" $1; $5 = "clin-" $1 } { print }' "$tmp/m$n.csv" >"$tmp/s$n.csv"
  check "sites_${n}_run" "$bin" report --quiet --suppress-below 11 -o "$tmp/s$n" "$tmp/s$n.csv"
  check "sites_${n}_values" python3 -c "
import json, sys
d = json.load(open('$tmp/s$n/results.json'))
sites = d['strata']['site']
assert len(sites) >= $n * 9 // 10, len(sites)
assert all(s['response']['suppressed'] for s in sites), 'a site of one patient published'
"
  check "sites_${n}_unsuppressed" "$bin" report --quiet -o "$tmp/u$n" "$tmp/s$n.csv"
done

echo "test_attack: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
