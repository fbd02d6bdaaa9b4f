# wide_to_fhir.awk: writes a wide session CSV (canonical header, no quoted fields, as
# `outcomes sample` writes it) as FHIR R4 Bulk Data NDJSON, for the shape-equivalence tests:
#   awk -F, -v obs=Observation.ndjson -v med=MedicationAdministration.ndjson -f wide_to_fhir.awk sessions.csv
# Each treatment row gives a MedicationAdministration (RxNorm drug, dose in mg, SNOMED CT route);
# each filled phq9, phq9_item9 and gad7 an Observation (LOINC). The forms vary from row to row,
# as real exports do: effectiveDateTime as a date, a UTC date-time or effectivePeriod.start;
# valueInteger or valueQuantity ({score}, 1 or no unit); a route as a code or as text; a CRLF
# line end now and then; a Patient resource per patient and a heart-rate Observation (both
# skipped by the reader). The CSV's site, clinician, weight, blood pressure, CADSS, adverse
# events and therapy have no place here and are dropped.
BEGIN {
    loinc["phq9"] = "44261-6"; loinc["phq9_item9"] = "44260-8"; loinc["gad7"] = "70274-6"
    rx["ketamine"] = "238083"; rx["esketamine"] = "2201623"
    sct["iv"] = "47625008"; sct["im"] = "78421000"; sct["intranasal"] = "46713006"
    sct["sublingual"] = "37839007"; sct["oral"] = "26643006"
    word["iv"] = "intravenous"; word["im"] = "intramuscular"; word["intranasal"] = "nasal"
    word["sublingual"] = "sublingual"; word["oral"] = "oral"
    nnames = split("phq9 phq9_item9 gad7", names, " ")
    n = 0
}
NR == 1 {
    for (i = 1; i <= NF; i++) col[$i] = i
    next
}
function when(d, k) {
    if (k % 3 == 0) return "\"effectiveDateTime\":\"" d "\""
    if (k % 3 == 1) return "\"effectiveDateTime\":\"" d "T09:30:00Z\""
    return "\"effectivePeriod\":{\"start\":\"" d "\",\"end\":\"" d "\"}"
}
function eol(k) { return k % 17 == 5 ? "\r" : "" }
{
    pid = $col["patient_id"]; day = $col["session_date"]; n++
    if (!(pid in seen)) {
        seen[pid] = 1
        printf "{\"resourceType\":\"Patient\",\"id\":\"%s\"}\n", pid > obs
        printf "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},\"subject\":{\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%s\",\"valueQuantity\":{\"value\":72,\"unit\":\"/min\"}}\n", pid, day > obs
    }
    if ($col["session_type"] == "treatment") {
        drug = $col["drug"]; route = $col["route"]; dose = $col["dose_mg"]
        s = "{\"resourceType\":\"MedicationAdministration\",\"id\":\"m" n "\",\"status\":\"completed\","
        s = s "\"medicationCodeableConcept\":"
        if (n % 5 == 0) s = s "{\"text\":\"" drug "\"}"
        else s = s "{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"" rx[drug] "\"}]}"
        s = s ",\"subject\":{\"reference\":\"Patient/" pid "\"}," when(day, n)
        d = ""
        if (dose != "") d = "\"dose\":{\"value\":" dose ",\"unit\":\"mg\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mg\"}"
        if (route != "") {
            r = n % 4 == 0 ? "{\"text\":\"" word[route] "\"}" : "{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"" sct[route] "\"}]}"
            d = d (d == "" ? "" : ",") "\"route\":" r
        }
        if (d != "") s = s ",\"dosage\":{" d "}"
        print s "}" eol(n) > med
    }
    for (j = 1; j <= nnames; j++) {
        name = names[j]; v = $col[name]
        if (v == "") continue
        k = n + length(name)
        s = "{\"resourceType\":\"Observation\",\"status\":\"" (k % 7 == 0 ? "amended" : "final") "\","
        s = s "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" loinc[name] "\"}]},"
        s = s "\"subject\":{\"reference\":\"Patient/" pid "\"}," when(day, k) ","
        if (k % 4 == 0) s = s "\"valueQuantity\":{\"value\":" v ",\"unit\":\"{score}\"}"
        else if (k % 4 == 1) s = s "\"valueQuantity\":{\"value\":" v "}"
        else s = s "\"valueInteger\":" v
        print s "}" eol(k) > obs
    }
}
