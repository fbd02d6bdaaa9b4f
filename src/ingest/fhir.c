/* fhir.c: FHIR R4 Bulk Data NDJSON (SPEC section 16): one resource a line, read with jansson.
 *
 * Observation -> an assessment row with one LOINC-coded score; MedicationAdministration of
 * ketamine or esketamine -> a treatment row. Other resource types, Observations without a code
 * of the instrument table and administrations of another drug are counted and skipped (they are
 * not rows). A line is capped at FHIR_LINE_MAX bytes: a longer one is rejected unread (only its
 * first FHIR_LINE_MAX bytes are ever held). Only the fields listed in the SPEC are read: never
 * subject.display, performer, note or any other free text but the drug and route texts.
 * Problems are `path: message` (printed as `file:line: path: message`). */
#include "ingest_int.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"

#include "outcomes/instruments.h"
#include "outcomes/timestamp.h"

/* The two calls into the shared parsers (date-times with --timezone, the instrument table). */
struct fhir_reader;
static int fhir_timestamp(const struct fhir_reader *r, const char *s, size_t n, int32_t *day,
                          const char **why);

static const struct column_info *fhir_instrument(const char *s, size_t n)
{
    return ingest_instrument_lookup(s, n);
}

#define LOINC_SYSTEM "http://loinc.org"
#define RXNORM_SYSTEM "http://www.nlm.nih.gov/research/umls/rxnorm"
#define SNOMED_SYSTEM "http://snomed.info/sct"
#define UCUM_SYSTEM "http://unitsofmeasure.org"

struct fhir_reader {
    const struct ingest_opts *opts;
    uint32_t file;
    struct rows *out;
    struct problem_list *probs;
    struct fhir_counts *counts;
    char *line; /* the current physical line, its first FHIR_LINE_MAX + 1 bytes at most */
    size_t n, cap;
    int too_long; /* the current line has more bytes than FHIR_LINE_MAX */
    int open;     /* a line has begun (bytes seen since the last '\n') */
    long lines;   /* physical lines ended */
    long rows_read;
    int mid_file; /* the stream starts after the file's first line: no BOM to strip */
};

static int fhir_timestamp(const struct fhir_reader *r, const char *s, size_t n, int32_t *day,
                          const char **why)
{
    return ingest_timestamp_parse(s, n, 0, r->opts->timezone, day, why);
}

struct fhir_reader *fhir_reader_new(const struct ingest_opts *opts, uint32_t file_index,
                                    struct rows *out, struct problem_list *probs,
                                    struct fhir_counts *counts)
{
    struct fhir_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->opts = opts;
    r->file = file_index;
    r->out = out;
    r->probs = probs;
    r->counts = counts;
    return r;
}

void fhir_reader_free(struct fhir_reader *r)
{
    if (!r)
        return;
    free(r->line);
    free(r);
}

void fhir_reader_mid_file(struct fhir_reader *r)
{
    r->mid_file = 1;
}

long fhir_reader_lines(const struct fhir_reader *r)
{
    return r->lines;
}

long fhir_reader_rows_read(const struct fhir_reader *r)
{
    return r->rows_read;
}

/* --- one resource ---------------------------------------------------------------------------- */

struct res_ctx {
    struct fhir_reader *r;
    long line;
    int failed; /* out of memory */
};

/* Rejects the row: one problem, `path: message`. Returns 1 (the row is done) or -1. */
static int reject(struct res_ctx *c, int reason, int col, const char *value, size_t nvalue,
                  const char *path, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static int reject(struct res_ctx *c, int reason, int col, const char *value, size_t nvalue,
                  const char *path, const char *fmt, ...)
{
    char msg[300];
    int k = snprintf(msg, sizeof msg, "%s: ", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + k, sizeof msg - (size_t)k, fmt, ap);
    va_end(ap);
    if (problem_list_add(c->r->probs, c->r->file, c->line, 0, col, reason, 1, value ? value : "",
                         value ? nvalue : 0, msg) != 0)
        return -1;
    return 1;
}

/* s[0..n) for a message: at most 40 bytes, cut at a UTF-8 character boundary, control
 * characters (a JSON string may hold ESC) shown as '?'. Returns buf. */
static const char *shown(const char *s, size_t n, char buf[48])
{
    size_t k = n < 40 ? n : 40;
    if (k < n)
        while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
            k--;
    for (size_t i = 0; i < k; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    buf[k] = '\0';
    return buf;
}

/* The string at obj.key, or NULL (absent or not a string). */
static const char *str_at(json_t *obj, const char *key, size_t *n)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return NULL;
    *n = json_string_length(v);
    return json_string_value(v);
}

static int equal_ci(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] - 'A' + 'a') : a[i];
        if (x != b[i])
            return 0;
    }
    return 1;
}

static int is_str(const char *s, size_t n, const char *lit)
{
    return s && strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* subject.reference "Patient/<id>" with the id rules of SPEC section 1. */
static int read_subject(struct res_ctx *c, json_t *res, struct row_stage *st)
{
    json_t *subj = json_object_get(res, "subject");
    if (!subj)
        return reject(c, REASON_MISSING, COL_PATIENT_ID, NULL, 0, "subject", "missing");
    size_t n = 0;
    const char *ref = json_is_object(subj) ? str_at(subj, "reference", &n) : NULL;
    if (!ref)
        return reject(c, REASON_MISSING, COL_PATIENT_ID, NULL, 0, "subject.reference",
                      "missing (a reference Patient/<id> is required)");
    if (n < 8 || memcmp(ref, "Patient/", 8) != 0)
        return reject(c, REASON_PATIENT_ID, COL_PATIENT_ID, ref, n, "subject.reference",
                      "expected Patient/<id>");
    const char *id = ref + 8;
    size_t nid = n - 8;
    int ok = nid >= 1 && nid <= 64;
    for (size_t i = 0; ok && i < nid; i++) {
        char ch = id[i];
        ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
             ch == '.' || ch == '_' || ch == '-';
    }
    if (!ok)
        return reject(c, REASON_PATIENT_ID, COL_PATIENT_ID, id, nid, "subject.reference",
                      "the id must be 1-64 characters of A-Z a-z 0-9 . _ -");
    st->patient = id;
    st->npatient = nid;
    return 0;
}

/* effectiveDateTime, else effectivePeriod.start: a FHIR dateTime with a day. */
static int read_date(struct res_ctx *c, json_t *res, struct row_stage *st)
{
    char sb[48];
    const char *path = "effectiveDateTime";
    size_t n = 0;
    const char *s = str_at(res, "effectiveDateTime", &n);
    if (!s && json_object_get(res, "effectiveDateTime"))
        return reject(c, REASON_DATE, COL_SESSION_DATE, NULL, 0, path, "expected a string");
    if (!s) {
        json_t *p = json_object_get(res, "effectivePeriod");
        path = "effectivePeriod.start";
        s = json_is_object(p) ? str_at(p, "start", &n) : NULL;
    }
    if (!s)
        return reject(c, REASON_MISSING, COL_SESSION_DATE, NULL, 0, "effectiveDateTime",
                      "missing (nor effectivePeriod.start)");
    int32_t day;
    if (n == 10) {
        if (date_parse_iso(s, n, &day) != 0)
            return reject(c, REASON_DATE, COL_SESSION_DATE, s, n, path,
                          "expected a real calendar date YYYY-MM-DD (years %d-%d), got '%s'",
                          DATE_MIN_YEAR, DATE_MAX_YEAR, shown(s, n, sb));
    } else if (n > 10) {
        const char *why = "";
        if (fhir_timestamp(c->r, s, n, &day, &why) != 0)
            return reject(c, REASON_DATE, COL_SESSION_DATE, s, n, path, "%s, got '%s'", why,
                          shown(s, n, sb));
    } else {
        return reject(c, REASON_DATE, COL_SESSION_DATE, s, n, path,
                      "a date without a day cannot be used, got '%s'", shown(s, n, sb));
    }
    st->date = day;
    return 0;
}

static const char *const obs_status_ok[] = {"final", "amended", "corrected"};
static const char *const med_status_ok[] = {"completed", "in-progress", "stopped"};

/* status: one of ok[0..nok); otherwise the row is set aside with REASON_STATUS. */
static int read_status(struct res_ctx *c, json_t *res, const char *const *ok, size_t nok)
{
    size_t n = 0;
    const char *s = str_at(res, "status", &n);
    if (!s)
        return reject(c, REASON_MISSING, -1, NULL, 0, "status", "missing");
    for (size_t i = 0; i < nok; i++)
        if (is_str(s, n, ok[i]))
            return 0;
    char sb[48];
    return reject(c, REASON_STATUS, -1, s, n, "status", "'%s' is not a usable status (set aside)",
                  shown(s, n, sb));
}

/* An integer JSON number in [lo, hi] at path; 0 and *v, or 1/-1 (rejected). */
static int read_int(struct res_ctx *c, json_t *v, const char *path, int col, int *out)
{
    struct int_range rg = ingest_int_range(col);
    char buf[40];
    if (json_is_real(v)) {
        double x = json_real_value(v);
        snprintf(buf, sizeof buf, "%.17g", x);
        if (x != floor(x))
            return reject(c, REASON_NOT_INTEGER, col, buf, strlen(buf), path,
                          "expected an integer, got %s", buf);
        if (x < rg.lo || x > rg.hi)
            return reject(c, REASON_OUT_OF_RANGE, col, buf, strlen(buf), path,
                          "out of range %d-%d, got %s", rg.lo, rg.hi, buf);
        *out = (int)x;
        return 0;
    }
    if (!json_is_integer(v))
        return reject(c, REASON_NOT_INTEGER, col, NULL, 0, path, "expected an integer");
    json_int_t x = json_integer_value(v);
    snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, x);
    if (x < rg.lo || x > rg.hi)
        return reject(c, REASON_OUT_OF_RANGE, col, buf, strlen(buf), path,
                      "out of range %d-%d, got %s", rg.lo, rg.hi, buf);
    *out = (int)x;
    return 0;
}

static int observation(struct res_ctx *c, json_t *res)
{
    char sb[48];
    struct fhir_reader *r = c->r;
    /* the code first: an Observation of something else (vital signs, labs) is skipped */
    const struct column_info *ic = NULL;
    json_t *code = json_object_get(res, "code");
    json_t *codings = json_is_object(code) ? json_object_get(code, "coding") : NULL;
    size_t i;
    json_t *cd;
    json_array_foreach(codings, i, cd)
    {
        size_t ns = 0, nc = 0;
        const char *sys = json_is_object(cd) ? str_at(cd, "system", &ns) : NULL;
        const char *cv = json_is_object(cd) ? str_at(cd, "code", &nc) : NULL;
        if (!is_str(sys, ns, LOINC_SYSTEM) || !cv)
            continue;
        const struct column_info *k = fhir_instrument(cv, nc);
        if (k && k->loinc && is_str(cv, nc, k->loinc)) {
            ic = k;
            break;
        }
    }
    if (!ic) {
        r->counts->skipped_other_code++;
        return 2;
    }
    struct row_stage st;
    int rc;
    memset(&st, 0, sizeof st);
    st.patient = st.site = st.clinician = st.therapy = st.adverse = "";
    st.type = SESSION_ASSESSMENT;
    st.dose_mg = st.weight_kg = NAN;
    st.dose_q = st.weight_q = ROWS_DEC_ABSENT;
    for (int k = 0; k < N_INT_COLS; k++)
        st.score[k] = -1;
    if ((rc = read_status(c, res, obs_status_ok, 3)) != 0 || (rc = read_subject(c, res, &st)) ||
        (rc = read_date(c, res, &st)))
        return rc;
    int value;
    json_t *vi = json_object_get(res, "valueInteger");
    json_t *vq = json_object_get(res, "valueQuantity");
    if (vi) {
        if ((rc = read_int(c, vi, "valueInteger", ic->col, &value)) != 0)
            return rc;
    } else if (json_is_object(vq)) {
        /* the unit of a score: none, "{score}" or "1" (UCUM's unity) */
        static const char *const keys[] = {"unit", "code"};
        for (int k = 0; k < 2; k++) {
            size_t nu = 0;
            const char *u = str_at(vq, keys[k], &nu);
            if (u && nu && !is_str(u, nu, "{score}") && !is_str(u, nu, "1") &&
                !is_str(u, nu, "{Score}"))
                return reject(c, REASON_CHOICE, ic->col, u, nu,
                              k ? "valueQuantity.code" : "valueQuantity.unit",
                              "a %s score has no unit ({score}, 1 or none), got '%s'", ic->name,
                              shown(u, nu, sb));
        }
        json_t *v = json_object_get(vq, "value");
        if (!v)
            return reject(c, REASON_MISSING, ic->col, NULL, 0, "valueQuantity.value", "missing");
        if ((rc = read_int(c, v, "valueQuantity.value", ic->col, &value)) != 0)
            return rc;
    } else if (vq) {
        return reject(c, REASON_MALFORMED, ic->col, NULL, 0, "valueQuantity", "expected an object");
    } else {
        return reject(c, REASON_MISSING, ic->col, NULL, 0, "valueInteger",
                      "missing (nor valueQuantity)");
    }
    st.score[INT_INDEX(ic->col)] = (int16_t)value;
    st.file = r->file;
    st.line = (uint32_t)c->line;
    return rows_push(r->out, &st) != 0 ? -1 : 0;
}

/* RxNorm codes (README, "FHIR"): only concepts read in a source, the product concepts of
 * openFDA's ketamine hydrochloride NDC records and ndclist.com's esketamine nasal spray pages.
 * The ingredient codes (6130 ketamine, 2056173 esketamine) could not be checked against a
 * source, so they are not listed: a wrong code would silently count another drug, while an
 * administration coded by an unlisted code is counted as "another drug", visibly, and one
 * that also names the drug in medicationCodeableConcept.text is read by that. */
static const struct {
    const char *rxcui;
    int drug;
} rxnorm[] = {
    {"206967", DRUG_KETAMINE},    {"206970", DRUG_KETAMINE},    {"206972", DRUG_KETAMINE},
    {"238082", DRUG_KETAMINE},    {"238083", DRUG_KETAMINE},    {"238084", DRUG_KETAMINE},
    {"2201623", DRUG_ESKETAMINE}, {"2201625", DRUG_ESKETAMINE},
};

static int drug_of(json_t *mcc, int *drug)
{
    json_t *codings = json_object_get(mcc, "coding"), *cd;
    size_t i;
    json_array_foreach(codings, i, cd)
    {
        size_t ns = 0, nc = 0;
        const char *sys = json_is_object(cd) ? str_at(cd, "system", &ns) : NULL;
        const char *cv = json_is_object(cd) ? str_at(cd, "code", &nc) : NULL;
        if (!is_str(sys, ns, RXNORM_SYSTEM))
            continue;
        for (size_t k = 0; k < sizeof rxnorm / sizeof *rxnorm; k++)
            if (is_str(cv, nc, rxnorm[k].rxcui)) {
                *drug = rxnorm[k].drug;
                return 1;
            }
    }
    size_t n = 0;
    const char *t = str_at(mcc, "text", &n);
    if (t) {
        ingest_trim(&t, &n);
        if (equal_ci(t, n, "ketamine")) {
            *drug = DRUG_KETAMINE;
            return 1;
        }
        if (equal_ci(t, n, "esketamine")) {
            *drug = DRUG_ESKETAMINE;
            return 1;
        }
    }
    return 0;
}

static const struct {
    const char *snomed, *word1, *word2;
    int route;
} routes[] = {
    {"47625008", "intravenous", "iv", ROUTE_IV},
    {"78421000", "intramuscular", "im", ROUTE_IM},
    {"46713006", "nasal", "intranasal", ROUTE_INTRANASAL},
    {"37839007", "sublingual", "sl", ROUTE_SUBLINGUAL},
    {"26643006", "oral", "po", ROUTE_ORAL},
};
#define NROUTES (sizeof routes / sizeof *routes)

static int read_route(struct res_ctx *c, json_t *route, struct row_stage *st)
{
    char sb[48];
    if (!json_is_object(route))
        return reject(c, REASON_MALFORMED, COL_ROUTE, NULL, 0, "dosage.route",
                      "expected a CodeableConcept");
    json_t *codings = json_object_get(route, "coding"), *cd;
    size_t i;
    json_array_foreach(codings, i, cd)
    {
        size_t ns = 0, nc = 0;
        const char *sys = json_is_object(cd) ? str_at(cd, "system", &ns) : NULL;
        const char *cv = json_is_object(cd) ? str_at(cd, "code", &nc) : NULL;
        if (!is_str(sys, ns, SNOMED_SYSTEM) || !cv)
            continue;
        for (size_t k = 0; k < NROUTES; k++)
            if (is_str(cv, nc, routes[k].snomed)) {
                st->route = routes[k].route;
                return 0;
            }
        return reject(c, REASON_CHOICE, COL_ROUTE, cv, nc, "dosage.route.coding",
                      "SNOMED CT code %s is not one of the routes read (47625008, 78421000, "
                      "46713006, 37839007, 26643006)",
                      shown(cv, nc, sb));
    }
    size_t n = 0;
    const char *t = str_at(route, "text", &n);
    if (!t)
        return reject(c, REASON_CHOICE, COL_ROUTE, NULL, 0, "dosage.route",
                      "no SNOMED CT coding and no text");
    ingest_trim(&t, &n);
    for (size_t k = 0; k < NROUTES; k++)
        if (equal_ci(t, n, routes[k].word1) || equal_ci(t, n, routes[k].word2) ||
            equal_ci(t, n, ingest_route_name(routes[k].route))) {
            st->route = routes[k].route;
            return 0;
        }
    return reject(c, REASON_CHOICE, COL_ROUTE, t, n, "dosage.route.text",
                  "expected intravenous, intramuscular, nasal, sublingual or oral, got '%s'",
                  shown(t, n, sb));
}

static int read_dose(struct res_ctx *c, json_t *dose, struct row_stage *st)
{
    char sb[48];
    if (!json_is_object(dose))
        return reject(c, REASON_MALFORMED, COL_DOSE_MG, NULL, 0, "dosage.dose",
                      "expected a Quantity");
    static const char *const keys[] = {"unit", "code"};
    for (int k = 0; k < 2; k++) {
        size_t nu = 0;
        const char *u = str_at(dose, keys[k], &nu);
        if (u && !is_str(u, nu, "mg"))
            return reject(c, REASON_CHOICE, COL_DOSE_MG, u, nu,
                          k ? "dosage.dose.code" : "dosage.dose.unit", "expected mg, got '%s'",
                          shown(u, nu, sb));
    }
    size_t n0 = 0, n1 = 0;
    if (!str_at(dose, "unit", &n0) && !str_at(dose, "code", &n1))
        return reject(c, REASON_CHOICE, COL_DOSE_MG, NULL, 0, "dosage.dose.unit",
                      "missing (the dose must be in mg)");
    json_t *v = json_object_get(dose, "value");
    if (!v)
        return reject(c, REASON_MISSING, COL_DOSE_MG, NULL, 0, "dosage.dose.value", "missing");
    if (!json_is_number(v))
        return reject(c, REASON_NOT_NUMBER, COL_DOSE_MG, NULL, 0, "dosage.dose.value",
                      "expected a number");
    double x = json_number_value(v);
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", x);
    if (!(x > 0 && x <= 1000))
        return reject(c, REASON_OUT_OF_RANGE, COL_DOSE_MG, buf, strlen(buf), "dosage.dose.value",
                      "out of range (0, 1000] mg, got %s", buf);
    st->dose_mg = x;
    st->dose_q = ROWS_DEC_NOPACK; /* (a FHIR file is never read into decimals) */
    return 0;
}

static int administration(struct res_ctx *c, json_t *res)
{
    struct fhir_reader *r = c->r;
    json_t *mcc = json_object_get(res, "medicationCodeableConcept");
    struct row_stage st;
    int rc, drug = DRUG_NONE;
    if (!mcc) {
        if (json_object_get(res, "medicationReference"))
            return reject(c, REASON_CHOICE, COL_DRUG, NULL, 0, "medicationReference",
                          "not read: the drug must be a medicationCodeableConcept");
        return reject(c, REASON_MISSING, COL_DRUG, NULL, 0, "medicationCodeableConcept", "missing");
    }
    if (!json_is_object(mcc))
        return reject(c, REASON_MALFORMED, COL_DRUG, NULL, 0, "medicationCodeableConcept",
                      "expected an object");
    if (!drug_of(mcc, &drug)) {
        r->counts->skipped_other_drug++;
        return 2;
    }
    memset(&st, 0, sizeof st);
    st.patient = st.site = st.clinician = st.therapy = st.adverse = "";
    st.type = SESSION_TREATMENT;
    st.drug = drug;
    st.dose_mg = st.weight_kg = NAN;
    st.dose_q = st.weight_q = ROWS_DEC_ABSENT;
    for (int k = 0; k < N_INT_COLS; k++)
        st.score[k] = -1;
    if ((rc = read_status(c, res, med_status_ok, 3)) != 0 || (rc = read_subject(c, res, &st)) ||
        (rc = read_date(c, res, &st)))
        return rc;
    json_t *dosage = json_object_get(res, "dosage");
    if (dosage && !json_is_object(dosage))
        return reject(c, REASON_MALFORMED, -1, NULL, 0, "dosage", "expected an object");
    json_t *dose = dosage ? json_object_get(dosage, "dose") : NULL;
    json_t *route = dosage ? json_object_get(dosage, "route") : NULL;
    if ((dose && (rc = read_dose(c, dose, &st)) != 0) ||
        (route && (rc = read_route(c, route, &st)) != 0))
        return rc;
    st.file = r->file;
    st.line = (uint32_t)c->line;
    return rows_push(r->out, &st) != 0 ? -1 : 0;
}

/* One line (CR, blanks trimmed; not empty). Returns 0 (row or rejected or skipped) or -1. */
static int resource(struct fhir_reader *r, const char *s, size_t n, long line, int too_long)
{
    struct res_ctx c = {r, line, 0};
    r->rows_read++;
    if (too_long) {
        char msg[120];
        snprintf(msg, sizeof msg,
                 "line: longer than %u bytes (not read; one resource a line is expected)",
                 (unsigned)FHIR_LINE_MAX);
        return problem_list_add(r->probs, r->file, line, 0, -1, REASON_TOO_LONG, 1, "", 0, msg);
    }
    json_error_t err;
    json_t *res = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    int rc;
    if (!res) {
        rc = reject(&c, REASON_MALFORMED, -1, NULL, 0, "line", "not JSON: %s (column %d)", err.text,
                    err.column);
    } else if (!json_is_object(res)) {
        rc = reject(&c, REASON_MALFORMED, -1, NULL, 0, "line", "not a JSON object");
    } else {
        size_t nt = 0;
        const char *type = str_at(res, "resourceType", &nt);
        if (!type)
            rc = reject(&c, REASON_MISSING, -1, NULL, 0, "resourceType", "missing");
        else if (is_str(type, nt, "Observation"))
            rc = observation(&c, res);
        else if (is_str(type, nt, "MedicationAdministration"))
            rc = administration(&c, res);
        else {
            r->counts->skipped_other_type++;
            rc = 2;
        }
        if (rc == 2) { /* skipped: not a row */
            r->counts->resources_skipped++;
            r->rows_read--;
            rc = 0;
        }
    }
    json_decref(res);
    return rc < 0 ? -1 : 0;
}

static int end_line(struct fhir_reader *r)
{
    const char *s = r->line ? r->line : "";
    size_t n = r->n;
    long line = r->lines + 1;
    r->lines++;
    r->open = 0;
    if (line == 1 && !r->mid_file && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    int too_long = r->too_long;
    r->too_long = 0;
    r->n = 0;
    if (!too_long) {
        ingest_trim(&s, &n);
        if (n == 0)
            return 0; /* a blank line: no row */
    }
    return resource(r, s, n, line, too_long);
}

/* Appends s[0..n) to the current line, keeping at most FHIR_LINE_MAX + 1 bytes. */
static int append(struct fhir_reader *r, const char *s, size_t n)
{
    if (n)
        r->open = 1;
    if (r->too_long)
        return 0;
    if (r->n + n > FHIR_LINE_MAX) {
        r->too_long = 1;
        return 0;
    }
    if (r->n + n > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->n + n)
            cap *= 2;
        if (cap > FHIR_LINE_MAX)
            cap = FHIR_LINE_MAX;
        char *p = realloc(r->line, cap);
        if (!p)
            return -1;
        r->line = p;
        r->cap = cap;
    }
    memcpy(r->line + r->n, s, n);
    r->n += n;
    return 0;
}

int fhir_reader_feed(struct fhir_reader *r, const char *buf, size_t len, struct diag *d)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (append(r, p, (size_t)((nl ? nl : end) - p)) != 0)
            return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        if (!nl)
            break;
        if (end_line(r) != 0)
            return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        p = nl + 1;
    }
    return 0;
}

int fhir_reader_finish(struct fhir_reader *r, struct diag *d)
{
    if (r->open && end_line(r) != 0)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    return 0;
}

int fhir_sniff(const char *buf, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    return i < n && buf[i] == '{';
}
