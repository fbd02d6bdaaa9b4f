#!/usr/bin/env bash
# End-to-end tests of FHIR R4 Bulk Data NDJSON input (SPEC section 16, README "FHIR"): the
# bundled sample written as FHIR (tests/tools/wide_to_fhir.awk) gives the same episodes, rates,
# Kaplan-Meier figures and drug/route strata as the wide CSV, alone and pooled with a wide
# treatment file; every bad input gives its `file:line: path: message` and its rejects.csv row;
# accounting holds per file; the shape is in results.json and manifest.json; verify reruns it;
# the bundled sample-data/fhir example reads clean.
# Usage: test_fhir_cli.sh OUTCOMES SOURCE_DIR JSON_COMPARE JSON_GET
set -uo pipefail
bin=$1
src=$2
get=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh" # failures, passed, check
run() { # WANT_EXIT COMMAND... (output in $tmp/out, $tmp/err)
  local want=$1
  shift
  timeout 120 "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || { echo "  exit $got, want $want: $*"; sed 's/^/  err: /' "$tmp/err" | head -5; return 1; }
}
has() { grep -qF -- "$1" "$tmp/out" "$tmp/err" || { echo "  no '$1' in:"; sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -8; return 1; }; }
same() { # KEY DIR_A DIR_B: the subtree KEY of both results.json, byte for byte
  local a b
  a=$("$get" "$2/results.json" "$1") && b=$("$get" "$3/results.json" "$1") || { echo "  $1 missing"; return 1; }
  [ "$a" = "$b" ] || { echo "  $1 differs: ${a:0:200} / ${b:0:200}"; return 1; }
}
is() { # FILE KEY WANT
  local v
  v=$("$get" "$1" "$2")
  [ "$v" = "$3" ] || { echo "  $2 = '$v', want '$3'"; return 1; }
}
cd "$tmp"
cp "$src/sample-data/sessions.csv" wide.csv
awk -F, -v obs=Observation.ndjson -v med=MedicationAdministration.ndjson \
  -f "$src/tests/tools/wide_to_fhir.awk" wide.csv

# --- the sample as FHIR: the same episodes and figures as the wide CSV ------------------------
check report_wide run 0 "$bin" report --quiet -o w wide.csv
check report_fhir run 0 "$bin" report --quiet -o f Observation.ndjson MedicationAdministration.ndjson
# (the scores are in Observations, so the treatment rows carry none: the wide file's
#  site, clinician, dose band, therapy, blood pressure and CADSS have no FHIR place here)
keys="as_of flow.patients flow.episodes flow.eligible flow.mature flow.with_endpoint
  flow.with_followup flow.excluded response remission response_observed remission_observed
  followup time_to_response time_to_remission sessions_to_response sessions_to_remission
  monthly monthly_remission strata.drug strata.route strata.logrank.drug strata.logrank.route"
for k in $keys; do
  "$get" w/results.json "$k" >/dev/null || continue # a key this version does not write
  check "fhir_same_$k" same "$k" w f
done
check fhir_response_events is f/results.json response.events 244
check fhir_response_n is f/results.json response.n 486
check fhir_shape_obs is f/results.json data_quality.files.0.shape fhir
check fhir_shape_med is f/results.json data_quality.files.1.shape fhir
check wide_shape is w/results.json data_quality.files.0.shape wide
check fhir_manifest_shape is f/manifest.json inputs.0.shape fhir
check wide_manifest_shape is w/manifest.json inputs.0.shape wide
# the converter added a Patient and a heart-rate Observation per patient: skipped, not rows
check fhir_skipped_type is f/results.json data_quality.files.0.resources_skipped.other_resource_type 500
check fhir_skipped_code is f/results.json data_quality.files.0.resources_skipped.observation_other_code 500
check fhir_skipped_total is f/results.json data_quality.files.0.resources_skipped.total 1000
check fhir_med_rows is f/results.json data_quality.files.1.rows_read 4150
check fhir_pdf_skipped bash -c "command -v pdftotext >/dev/null || exit 0; pdftotext f/report.pdf - | tr '\\n' ' ' | grep -q 'FHIR resources skipped (not rows): 500 of another type, 500 Observations'"
check fhir_verify run 0 "$bin" verify f
check fhir_verify_ok has "rerun results.json"

# pooled with a wide file: the treatments from the CSV (scores blanked), the scores from FHIR
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
  $c["session_type"] == "treatment" { $c["phq9"] = $c["phq9_item9"] = $c["gad7"] = ""; print }' \
  wide.csv >treatments.csv
check report_pooled run 0 "$bin" report --quiet -o p treatments.csv Observation.ndjson
for k in $keys; do
  "$get" w/results.json "$k" >/dev/null || continue
  check "pooled_same_$k" same "$k" w p
done
check pooled_shapes is p/manifest.json inputs.1.shape fhir
check pooled_shape0 is p/manifest.json inputs.0.shape wide

# --- outcomes sample --shape fhir: the same sample as NDJSON, the same figures ----------------
check sample_shape_fhir run 0 "$bin" sample --shape fhir -o sample.ndjson
check sample_shape_fhir_again run 0 "$bin" sample --shape fhir -o sample2.ndjson
check sample_shape_same_bytes cmp -s sample.ndjson sample2.ndjson
check sample_shape_wide run 0 "$bin" sample --shape wide -o sample.csv
check sample_shape_wide_is_default cmp -s sample.csv wide.csv
check sample_shape_lines test "$(wc -l <sample.ndjson)" -eq 17979
check sample_shape_first bash -c "head -1 sample.ndjson | grep -qF '\"resourceType\":\"MedicationAdministration\"'"
check report_sample_fhir run 0 "$bin" report --quiet -o sf sample.ndjson
for k in $keys; do
  "$get" w/results.json "$k" >/dev/null || continue
  check "sample_fhir_same_$k" same "$k" w sf
done
check sample_shape_bad run 2 "$bin" sample --shape tall
check sample_shape_bad_msg has "outcomes: --shape: expected wide, long or fhir, got 'tall'"

# --- bad input: file:line: path: message, one rejects.csv row each ---------------------------
obs='"code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]}'
rx='"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"238083"}]}'
ok_obs="{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-20\",\"valueInteger\":5}"
{
  printf '\xef\xbb\xbf{"resourceType":"MedicationAdministration","status":"completed",%s,"subject":{"reference":"Patient/P1","display":"Jane Doe"},"effectiveDateTime":"2026-01-05T10:00:00Z","dosage":{"dose":{"value":35,"unit":"mg"},"route":{"coding":[{"system":"http://snomed.info/sct","code":"47625008"}]}},"note":[{"text":"called Jane"}]}\r\n' "$rx"
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-05\",\"valueInteger\":31}" # 2
  echo "{\"resourceType\":\"Observation\",\"status\":\"preliminary\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-05\",\"valueInteger\":3}" # 3
  echo ""                                                                               # 4
  echo "this is not json"                                                               # 5
  echo '[{"resourceType":"Observation"}]'                                               # 6
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-06\",\"valueQuantity\":{\"value\":12,\"unit\":\"kg\"}}" # 7
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"effectiveDateTime\":\"2026-01-06\",\"valueInteger\":12}" # 8
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"valueInteger\":12}" # 9
  echo '{"resourceType":"MedicationAdministration","status":"completed","medicationCodeableConcept":{"text":"midazolam"},"subject":{"reference":"Patient/P1"},"effectiveDateTime":"2026-01-05"}' # 10
  echo "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\",$rx,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-08\",\"dosage\":{\"dose\":{\"value\":0.5,\"unit\":\"mg/kg\"}}}" # 11
  echo "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\",$rx,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-08\",\"dosage\":{\"route\":{\"text\":\"rectal\"}}}" # 12
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Group/7\"},\"effectiveDateTime\":\"2026-01-06\",\"valueInteger\":12}" # 13
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01\",\"valueInteger\":12}" # 14
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-06T25:00:00Z\",\"valueInteger\":12}" # 15
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-06\",\"valueInteger\":12.5}" # 16
  echo "$ok_obs"                                                                         # 17
  echo "$ok_obs"                                                                         # 18 (duplicate)
  printf '{"resourceType":"Patient","id":"P1","name":[{"text":"%s"}]}\n' "$(head -c 3000000 /dev/zero | tr '\0' x)" # 19: 3 MB
  echo '{"resourceType":"Encounter","id":"e1"}'                                          # 20
  echo '{"status":"final"}'                                                              # 21
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-20\",\"valueInteger\":5,\"valueInteger\":6}" # 22
  printf '%s' "$ok_obs" | sed 's/2026-01-20/2026-01-21/'                                 # 23, no line end
} >bad.ndjson
check bad_check run 1 "$bin" check bad.ndjson
check bad_range has "bad.ndjson:2: valueInteger: out of range 0-27, got 31"
check bad_status has "bad.ndjson:3: status: 'preliminary' is not a usable status (set aside)"
check bad_not_json has "bad.ndjson:5: line: not JSON: "
check bad_not_object has "bad.ndjson:6: line: not a JSON object"
check bad_unit has "bad.ndjson:7: valueQuantity.unit: a phq9 score has no unit ({score}, 1 or none), got 'kg'"
check bad_no_subject has "bad.ndjson:8: subject: missing"
check bad_no_date has "bad.ndjson:9: effectiveDateTime: missing (nor effectivePeriod.start)"
check bad_dose_unit has "bad.ndjson:11: dosage.dose.unit: expected mg, got 'mg/kg'"
check bad_route has "bad.ndjson:12: dosage.route.text: expected intravenous, intramuscular, nasal, sublingual or oral, got 'rectal'"
check bad_reference has "bad.ndjson:13: subject.reference: expected Patient/<id>"
check bad_partial_date has "bad.ndjson:14: effectiveDateTime: a date without a day cannot be used, got '2026-01'"
check bad_time has "bad.ndjson:15: effectiveDateTime: "
check bad_time_value has "'2026-01-06T25:00:00Z'"
check bad_not_integer has "bad.ndjson:16: valueInteger: expected an integer, got 12.5"
check bad_too_long has "bad.ndjson:19: line: longer than 1048576 bytes (not read; one resource a line is expected)"
check bad_no_type has "bad.ndjson:21: resourceType: missing"
check bad_dup_key has "bad.ndjson:22: line: not JSON: duplicate object key"
check bad_dup_row has "bad.ndjson:18: note: exact duplicate of bad.ndjson:17"
check bad_skipped has "bad.ndjson: note: FHIR resources skipped (not rows): 1 of another type, 0 Observations without a LOINC code of the instrument table, 1 administrations of another drug"
# 23 lines, one blank, two skipped (Encounter, midazolam): 20 rows; the 3 MB Patient line is
# rejected unread (its type cannot be known without reading it): a row
check bad_summary has "20 rows read: 3 accepted, 16 rejected, 1 duplicate"
check bad_file_counts has "bad.ndjson: fhir, 20 rows read: 3 accepted, 16 rejected, 1 duplicate; 2 resources skipped (not rows)"
check bad_no_names bash -c "! grep -q 'Jane' '$tmp/out' '$tmp/err'"
check bad_report run 0 "$bin" report --quiet -o b bad.ndjson
check bad_accounting is b/results.json flow.rows_read 20
check bad_accepted is b/results.json flow.rows_accepted 3
check bad_rejected is b/results.json flow.rows_rejected 16
check bad_duplicate is b/results.json flow.rows_duplicate 1
check bad_status_reason is b/results.json data_quality.rejected_by_reason.status_not_usable 1
check bad_file_shape is b/results.json data_quality.files.0.shape fhir
check bad_file_accepted is b/results.json data_quality.files.0.rows_accepted 3
check bad_file_rejected is b/results.json data_quality.files.0.rows_rejected 16
check bad_file_duplicate is b/results.json data_quality.files.0.rows_duplicate 1
check bad_file_skipped is b/results.json data_quality.files.0.resources_skipped.total 2
check bad_rejects_status grep -qx 'bad.ndjson,3,,preliminary,status_not_usable' b/rejects.csv
check bad_rejects_range grep -qx 'bad.ndjson,2,phq9,31,out_of_range' b/rejects.csv
check bad_rejects_long grep -qx 'bad.ndjson,19,,,too_long' b/rejects.csv
check bad_rejects_count test "$(($(wc -l <b/rejects.csv) - 1))" -eq 16
check bad_no_names_out bash -c "! grep -rq 'Jane' '$tmp/b'"
check bad_verify run 0 "$bin" verify b
# --strict: the rejected rows fail the run, listed as file:line: path: message
check bad_strict run 1 "$bin" report --strict --quiet -o s bad.ndjson
check bad_strict_list has "bad.ndjson:2: valueInteger: out of range 0-27, got 31"
check bad_strict_no_status bash -c "! grep -q 'preliminary' '$tmp/err'"
# a status set aside alone is not an error (like rows after --as-of)
{ echo "$ok_obs"; echo "{\"resourceType\":\"Observation\",\"status\":\"entered-in-error\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-05\",\"valueInteger\":3}"; } >aside.ndjson
check aside_check run 0 "$bin" check aside.ndjson
check aside_listed has "aside.ndjson:2: status: 'entered-in-error' is not a usable status (set aside)"
# a value in a message: control characters (ESC from a JSON \u001b) shown as '?', at most 40
# bytes, cut at a character boundary
e20=$(printf '\\u00e9%.0s' $(seq 25))
{ echo "{\"resourceType\":\"Observation\",\"status\":\"x\\u001b[31my\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-05\",\"valueInteger\":3}"
  echo "{\"resourceType\":\"Observation\",\"status\":\"final\",$obs,\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-0$e20\",\"valueInteger\":3}"; } >shown.ndjson
check shown_check run 1 "$bin" check shown.ndjson
check shown_escape has "shown.ndjson:1: status: 'x?[31my' is not a usable status (set aside)"
check shown_no_esc bash -c "! grep -q $'\\x1b' '$tmp/out'"
check shown_cut has "got '2026-01-0$(printf '\xc3\xa9%.0s' $(seq 15))'"
# the RxNorm ingredient codes 6130 (ketamine) and 2056173 (esketamine) are not in the table (no
# source checked them, README "FHIR"): coded by them alone, an administration is counted as
# another drug, visibly; the same coding with medicationCodeableConcept.text is read by the text
ing='"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6130"}]'
{ echo "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\",$ing},\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-05\"}"
  echo "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\",$ing,\"text\":\"Ketamine\"},\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-06\"}"
  echo "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\",${ing/6130/2056173}},\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-07\"}"
  echo "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\",${ing/6130/2201625}},\"subject\":{\"reference\":\"Patient/P1\"},\"effectiveDateTime\":\"2026-01-08\"}"
} >ingredient.ndjson
check ingredient_check run 0 "$bin" check ingredient.ndjson
check ingredient_skipped has "ingredient.ndjson: note: FHIR resources skipped (not rows): 0 of another type, 0 Observations without a LOINC code of the instrument table, 2 administrations of another drug"
check ingredient_counts has "ingredient.ndjson: fhir, 2 rows read: 2 accepted, 0 rejected, 0 duplicate; 2 resources skipped (not rows)"

# only skipped resources: a note, not a failure
{ echo '{"resourceType":"Patient","id":"P1"}'; echo; } >patients.ndjson
check skipped_only run 0 "$bin" check patients.ndjson
check skipped_only_note has "patients.ndjson: note: no Observation or MedicationAdministration to read"

# a 1 GB line (a sparse file): rejected unread, in bounded memory
printf '{"resourceType":"Patient","id":"' >huge.ndjson && truncate -s 1G huge.ndjson && echo >>huge.ndjson && echo "$ok_obs" >>huge.ndjson
# (peak memory is asserted on a plain build: under ASan, set by scripts/test with
# ASAN_OPTIONS, shadow memory and the quarantine of freed blocks make RSS meaningless)
if command -v /usr/bin/time >/dev/null && [ -z "${ASAN_OPTIONS:-}" ]; then
  check huge_line run 1 /usr/bin/time -f "peak %M KB" -o huge.time "$bin" check huge.ndjson
  check huge_line_memory awk '/^peak/ { k = $2 } END { exit !(k > 0 && k < 100000) }' huge.time
else
  check huge_line run 1 "$bin" check huge.ndjson
fi
check huge_line_msg has "huge.ndjson:1: line: longer than 1048576 bytes (not read; one resource a line is expected)"
check huge_line_next has "huge.ndjson: fhir, 2 rows read: 1 accepted, 1 rejected, 0 duplicate"
rm -f huge.ndjson

# --- the bundled example ------------------------------------------------------------------------
check sample_fhir run 0 "$bin" check "$src"/sample-data/fhir/*.ndjson
check sample_fhir_clean has " 0 rejected, 0 duplicate"

# every results.json and manifest.json left against the schemas (docs/)
source "$(dirname "${BASH_SOURCE[0]}")/schema.sh"
schema_check "$src" "$tmp"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
