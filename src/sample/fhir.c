/* fhir.c: the synthetic export written as FHIR R4 Bulk Data NDJSON (`outcomes sample --shape
 * fhir`, SPEC section 16): the wide sample is written to a temporary file, then each of its
 * rows becomes one MedicationAdministration (a treatment: RxNorm drug, dose in mg, SNOMED CT
 * route) and one Observation per filled LOINC-coded score (PHQ-9 total, PHQ-9 item 9, GAD-7),
 * one resource a line, in row order. Fields FHIR has no place for here (site, clinician,
 * weight, MADRS, CADSS, blood pressure, adverse events, therapy) are left out, so the episodes,
 * rates and Kaplan-Meier figures of the primary instrument are those of the wide sample. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/columns.h"
#include "outcomes/sample.h"

enum { F_PATIENT, F_DATE, F_TYPE, F_ROUTE, F_DRUG, F_DOSE, F_PHQ9, F_ITEM9, F_GAD7, F_N };
static const char *const wanted[F_N] = {"patient_id", "session_date", "session_type",
                                        "route",      "drug",         "dose_mg",
                                        "phq9",       "phq9_item9",   "gad7"};
/* The instruments written as Observations, by their LOINC code (the column table, columns.h). */
static const int score_col[3] = {COL_PHQ9, COL_PHQ9_ITEM9, COL_GAD7};

static const char *route_code(const char *r)
{
    static const char *const map[][2] = {{"iv", "47625008"},
                                         {"im", "78421000"},
                                         {"intranasal", "46713006"},
                                         {"sublingual", "37839007"},
                                         {"oral", "26643006"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i][0], r) == 0)
            return map[i][1];
    return NULL;
}

/* Splits line (no line end) at commas into at most cap fields; returns the count. The sample
 * writes no quoted field. */
static size_t split(char *line, char **field, size_t cap)
{
    size_t n = 0;
    for (char *p = line;; p++) {
        if (n < cap)
            field[n] = p;
        n++;
        p = strchr(p, ',');
        if (!p)
            break;
        *p = '\0';
    }
    return n;
}

static int plain(const char *s)
{
    for (; *s; s++)
        if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
            return 0;
    return 1;
}

int sample_write_fhir(FILE *out, const struct sample_opts *opts, struct diag *d)
{
    FILE *csv = tmpfile();
    if (!csv)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "cannot make a temporary file for the sample");
    int rc = sample_write(csv, opts, d);
    char *line = NULL;
    size_t cap = 0;
    char *field[64];
    int at[F_N];
    long row = 0;
    if (!rc && fseek(csv, 0, SEEK_SET) != 0)
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "writing the sample failed");
    for (ssize_t len; !rc && (len = getline(&line, &cap, csv)) > 0;) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        size_t nf = split(line, field, 64);
        if (nf > 64) {
            rc = diag_set(d, DIAG_IO, NULL, 0, 0, "the sample has too many columns");
            break;
        }
        if (row++ == 0) { /* the header: where each wanted column is */
            for (int k = 0; k < F_N; k++) {
                at[k] = -1;
                for (size_t i = 0; i < nf; i++)
                    if (strcmp(field[i], wanted[k]) == 0)
                        at[k] = (int)i;
                if (at[k] < 0)
                    rc = diag_set(d, DIAG_IO, NULL, 0, 0, "the sample has no column %s", wanted[k]);
            }
            continue;
        }
        const char *v[F_N];
        for (int k = 0; k < F_N; k++) {
            v[k] = (size_t)at[k] < nf ? field[at[k]] : "";
            if (!plain(v[k]))
                rc = diag_set(d, DIAG_IO, NULL, 0, 0, "the sample holds an unexpected value");
        }
        if (rc)
            break;
        if (strcmp(v[F_TYPE], "treatment") == 0) {
            const char *rx = strcmp(v[F_DRUG], "esketamine") == 0 ? "2201623" : "238083";
            fprintf(out,
                    "{\"resourceType\":\"MedicationAdministration\",\"id\":\"ma%ld\","
                    "\"status\":\"completed\",\"medicationCodeableConcept\":{\"coding\":[{"
                    "\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"%s\""
                    "}]},\"subject\":{\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%s\"",
                    row, rx, v[F_PATIENT], v[F_DATE]);
            const char *sct = route_code(v[F_ROUTE]);
            if (*v[F_DOSE] || sct) {
                fputs(",\"dosage\":{", out);
                if (sct)
                    fprintf(out,
                            "\"route\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
                            "\"code\":\"%s\"}]}%s",
                            sct, *v[F_DOSE] ? "," : "");
                if (*v[F_DOSE])
                    fprintf(out,
                            "\"dose\":{\"value\":%s,\"unit\":\"mg\",\"system\":"
                            "\"http://unitsofmeasure.org\",\"code\":\"mg\"}",
                            v[F_DOSE]);
                fputc('}', out);
            }
            fputs("}\n", out);
        }
        for (int k = 0; k < 3; k++) {
            const char *score = v[F_PHQ9 + k];
            if (!*score)
                continue;
            fprintf(out,
                    "{\"resourceType\":\"Observation\",\"id\":\"obs%ld-%d\",\"status\":\"final\","
                    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"%s\"}]},"
                    "\"subject\":{\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%s\","
                    "\"valueInteger\":%s}\n",
                    row, k + 1, ingest_columns[score_col[k]].loinc, v[F_PATIENT], v[F_DATE], score);
        }
    }
    free(line);
    if (!rc && (ferror(csv) || fflush(out) != 0 || ferror(out)))
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "writing the sample failed");
    fclose(csv);
    return rc;
}
