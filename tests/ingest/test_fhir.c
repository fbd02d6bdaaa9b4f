/* test_fhir.c: the FHIR NDJSON reader (src/ingest/fhir.c). Every input is re-read at every piece
 * size from 1 byte to its whole length and must give the same rows, problems and skip counts;
 * each row and problem is checked with its line and text; the line cap at its boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "support.h"

#include "outcomes/fingerprint.h"

struct got {
    char *rows, *probs;
    struct fhir_counts counts;
    long lines, rows_read;
};

static void got_free(struct got *g)
{
    free(g->rows);
    free(g->probs);
}

static void read_pieces(const char *data, size_t n, size_t piece, struct got *g)
{
    struct ingest_opts o = {.delimiter = ','};
    struct rows rows;
    struct problem_list probs = {0};
    struct diag d;
    memset(g, 0, sizeof *g);
    assert_int_equal(rows_init(&rows), 0);
    struct fhir_reader *r = fhir_reader_new(&o, 0, &rows, &probs, &g->counts);
    assert_non_null(r);
    for (size_t off = 0; off < n; off += piece)
        assert_int_equal(fhir_reader_feed(r, data + off, n - off < piece ? n - off : piece, &d), 0);
    assert_int_equal(fhir_reader_finish(r, &d), 0);
    g->lines = fhir_reader_lines(r);
    g->rows_read = fhir_reader_rows_read(r);
    g->rows = rows_dump(&rows, 1);
    g->probs = problems_dump(&probs);
    fhir_reader_free(r);
    rows_fini(&rows);
    problem_list_fini(&probs);
}

/* Asserts that every piece size gives what the whole buffer gives; returns that. */
static void read_all_sizes(const char *data, size_t n, struct got *whole)
{
    read_pieces(data, n, n ? n : 1, whole);
    for (size_t piece = 1; piece < n; piece++) {
        struct got g;
        read_pieces(data, n, piece, &g);
        if (strcmp(g.rows, whole->rows) != 0 || strcmp(g.probs, whole->probs) != 0 ||
            memcmp(&g.counts, &whole->counts, sizeof g.counts) != 0 || g.lines != whole->lines ||
            g.rows_read != whole->rows_read)
            fail_msg("piece size %zu differs:\n%s%s\nvs whole:\n%s%s", piece, g.rows, g.probs,
                     whole->rows, whole->probs);
        got_free(&g);
    }
}

#define OBS(status, subject, when, value)                                                          \
    "{\"resourceType\":\"Observation\",\"status\":\"" status "\",\"code\":{\"coding\":[{"          \
    "\"system\":\"http://loinc.org\",\"code\":\"44261-6\"}]}," subject "," when "," value "}"
#define P1 "\"subject\":{\"reference\":\"Patient/P1\",\"display\":\"Jane Doe\"}"

/* BOM, CRLF, blank lines, a row of each kind, each kind of problem, a skipped resource of each
 * kind, and a last line without a line end. */
/* clang-format off */
static const char mixed[] =
    "\xEF\xBB\xBF" OBS("final", P1, "\"effectiveDateTime\":\"2026-01-02\"", "\"valueInteger\":12")
    "\r\n"
    "\r\n"
    "  \t \n"
    "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\","
    "\"medicationCodeableConcept\":{\"coding\":[{\"system\":"
    "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"2201623\"}]},"
    "\"subject\":{\"reference\":\"Patient/P2\"},\"effectivePeriod\":{\"start\":"
    "\"2026-01-03T08:00:00+02:00\"},\"dosage\":{\"dose\":{\"value\":56,\"unit\":\"mg\"},"
    "\"route\":{\"text\":\"Nasal\"}}}\n"
    "{\"resourceType\":\"Condition\"}\n"
    "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\","
    "\"medicationCodeableConcept\":{\"text\":\"sertraline\"}}\n"
    "{\"resourceType\":\"Observation\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\","
    "\"code\":\"8867-4\"}]}}\n"
    OBS("final", P1, "\"effectiveDateTime\":\"2026-01-04\"", "\"valueInteger\":28") "\n"
    OBS("registered", P1, "\"effectiveDateTime\":\"2026-01-04\"", "\"valueInteger\":2") "\n"
    "{oops\n"
    "42\n"
    OBS("final", "\"subject\":{\"reference\":\"Patient/\"}", "\"effectiveDateTime\":\"2026-01-04\"",
        "\"valueInteger\":2") "\n"
    OBS("final", P1, "\"effectiveDateTime\":\"2026-02-30\"", "\"valueInteger\":2") "\n"
    OBS("final", P1, "\"effectiveDateTime\":\"2026-01-05\"",
        "\"valueQuantity\":{\"value\":7,\"unit\":\"{score}\",\"code\":\"mg\"}") "\n"
    OBS("final", P1, "\"effectiveDateTime\":\"2026-01-06\"", "\"valueQuantity\":{\"value\":7}");
/* clang-format on */

static void mixed_all_sizes(void **state)
{
    (void)state;
    struct got g;
    read_all_sizes(mixed, sizeof mixed - 1, &g);
    assert_int_equal(g.lines, 15);
    assert_int_equal(g.rows_read, 10); /* 15 lines, 2 blank, 3 skipped */
    assert_int_equal(g.counts.resources_skipped, 3);
    assert_int_equal(g.counts.skipped_other_type, 1);
    assert_int_equal(g.counts.skipped_other_drug, 1);
    assert_int_equal(g.counts.skipped_other_code, 1);
    const char *want_rows =
        "P1|2026-01-02|0||||||||nan|nan|12|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:1\n"
        "P2|2026-01-03|1|intranasal|esketamine||||||56|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-"
        "1|c0|@0:4\n"
        "P1|2026-01-06|0||||||||nan|nan|7|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:15\n";
    if (strcmp(g.rows, want_rows) != 0)
        fail_msg("rows:\n%s", g.rows);
    const char *want_probs =
        "8:0:out_of_range:1: valueInteger: out of range 0-27, got 28\n"
        "9:0:status_not_usable:1: status: 'registered' is not a usable status (set aside)\n"
        "10:0:malformed:1: line: not JSON: string or '}' expected near 'oops' (column 5)\n"
        "11:0:malformed:1: line: not a JSON object\n"
        "12:0:invalid_patient_id:1: subject.reference: the id must be 1-64 characters of A-Z a-z "
        "0-9 . _ -\n"
        "13:0:invalid_date:1: effectiveDateTime: expected a real calendar date YYYY-MM-DD (years "
        "1900-2199), got '2026-02-30'\n"
        "14:0:invalid_choice:1: valueQuantity.code: a phq9 score has no unit ({score}, 1 or none), "
        "got 'mg'\n";
    if (strcmp(g.probs, want_probs) != 0)
        fail_msg("problems:\n%s", g.probs);
    assert_null(strstr(g.rows, "Jane"));
    assert_null(strstr(g.probs, "Jane"));
    got_free(&g);
}

/* A line of FHIR_LINE_MAX + 1 bytes is rejected unread, and the line after it is read as
 * usual, whatever the piece size. */
static void line_cap(void **state)
{
    (void)state;
    const char *head = "{\"resourceType\":\"Patient\",\"id\":\"P1\",\"pad\":\"";
    const char *tail = "\"}";
    const char *next =
        OBS("final", P1, "\"effectiveDateTime\":\"2026-01-02\"", "\"valueInteger\":12") "\n";
    size_t len = FHIR_LINE_MAX + 1, n;
    char *buf = malloc(len + 1 + strlen(next) + 1);
    assert_non_null(buf);
    memcpy(buf, head, strlen(head));
    memset(buf + strlen(head), 'x', len - strlen(head) - strlen(tail));
    memcpy(buf + len - strlen(tail), tail, strlen(tail));
    n = len;
    buf[n++] = '\n';
    memcpy(buf + n, next, strlen(next));
    n += strlen(next);
    size_t pieces[] = {n, 4096, 65537, 7};
    for (size_t k = 0; k < sizeof pieces / sizeof *pieces; k++) {
        struct got g;
        read_pieces(buf, n, pieces[k], &g);
        assert_int_equal(g.lines, 2);
        assert_int_equal(g.rows_read, 2);
        assert_int_equal(g.counts.resources_skipped, 0);
        assert_string_equal(g.probs, "1:0:too_long:1: line: longer than 1048576 bytes (not "
                                     "read; one resource a line is expected)\n");
        assert_non_null(strstr(g.rows, "P1|2026-01-02|0|"));
        got_free(&g);
    }
    free(buf);
}

/* The boundary: a line of FHIR_LINE_MAX bytes (its CR included) is read: the Patient is
 * skipped. */
static void line_cap_fits(void **state)
{
    (void)state;
    const char *head = "{\"resourceType\":\"Patient\",\"pad\":\"";
    size_t len = FHIR_LINE_MAX - 1;
    char *buf = malloc(len + 2);
    assert_non_null(buf);
    memcpy(buf, head, strlen(head));
    memset(buf + strlen(head), 'y', len - strlen(head) - 2);
    memcpy(buf + len - 2, "\"}", 2);
    buf[len] = '\r';
    buf[len + 1] = '\n';
    struct got g;
    read_pieces(buf, len + 2, 1000, &g);
    assert_int_equal(g.rows_read, 0);
    assert_int_equal(g.counts.skipped_other_type, 1);
    assert_string_equal(g.probs, "");
    got_free(&g);
    free(buf);
}

/* A MedicationAdministration's checks, one line each. */
#define MED(status, drug, rest)                                                                    \
    "{\"resourceType\":\"MedicationAdministration\",\"status\":\"" status "\","                    \
    "\"medicationCodeableConcept\":" drug ",\"subject\":{\"reference\":\"Patient/P3\"},"           \
    "\"effectiveDateTime\":\"2026-03-01\"" rest "}\n"
/* clang-format off */
#define KET "{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"238083\"}]}"
/* clang-format on */
/* clang-format off */
static const char meds[] =
    MED("completed", KET, ",\"dosage\":{\"dose\":{\"value\":0.5,\"unit\":\"mg/kg\"}}")
    MED("completed", KET, ",\"dosage\":{\"dose\":{\"value\":35}}")
    MED("completed", KET, ",\"dosage\":{\"dose\":{\"value\":1200,\"unit\":\"mg\"}}")
    MED("completed", KET, ",\"dosage\":{\"route\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"34206005\"}]}}")
    MED("not-done", KET, "")
    MED("completed", "{\"text\":\" KETAMINE \"}", ",\"dosage\":{\"route\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"37839007\"}]}}")
    "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\",\"medicationReference\":{\"reference\":\"Medication/1\"}}\n"
    MED("in-progress", KET, ",\"dosage\":{\"dose\":{\"value\":40,\"unit\":\"mg\",\"code\":\"mg\"},\"route\":{\"text\":\"IV\"}}");
/* clang-format on */

static void administrations(void **state)
{
    (void)state;
    struct got g;
    read_all_sizes(meds, sizeof meds - 1, &g);
    assert_int_equal(g.rows_read, 8);
    const char *want_rows = "P3|2026-03-01|1|sublingual|ketamine||||||nan|nan|-1|-1|-1|-1|-1|-1|-1|"
                            "-1|-1|-1|-1|-1|-1|-1|c0|@0:6\n"
                            "P3|2026-03-01|1|iv|ketamine||||||40|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|"
                            "-1|-1|-1|-1|c0|@0:8\n";
    if (strcmp(g.rows, want_rows) != 0)
        fail_msg("rows:\n%s", g.rows);
    const char *want_probs =
        "1:0:invalid_choice:1: dosage.dose.unit: expected mg, got 'mg/kg'\n"
        "2:0:invalid_choice:1: dosage.dose.unit: missing (the dose must be in mg)\n"
        "3:0:out_of_range:1: dosage.dose.value: out of range (0, 1000] mg, got 1200\n"
        "4:0:invalid_choice:1: dosage.route.coding: SNOMED CT code 34206005 is not one of the "
        "routes read (47625008, 78421000, 46713006, 37839007, 26643006)\n"
        "5:0:status_not_usable:1: status: 'not-done' is not a usable status (set aside)\n"
        "7:0:invalid_choice:1: medicationReference: not read: the drug must be a "
        "medicationCodeableConcept\n";
    if (strcmp(g.probs, want_probs) != 0)
        fail_msg("problems:\n%s", g.probs);
    got_free(&g);
}

/* A FHIR file read whole by ingest_run, by one thread and in chunks (2-9 threads, chunks from
 * 40 bytes): the same rows (line numbers included), problems (as-of set-asides included),
 * duplicates, skip counts, accounting and fingerprint. */
static void chunks_any_threads(void **state)
{
    (void)state;
    struct sbuf b = {0};
    sbuf_printf(&b, "\xEF\xBB\xBF");
    for (int i = 0; i < 300; i++) {
        char when[40];
        snprintf(when, sizeof when, "\"effectiveDateTime\":\"2026-0%d-%02d\"", 1 + i % 3,
                 1 + i % 28);
        if (i % 23 == 1) /* an exact repeat: a duplicate */
            for (int k = 0; k < 2; k++)
                sbuf_printf(&b,
                            "{\"resourceType\":\"Observation\",\"status\":\"final\","
                            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":"
                            "\"70274-6\"}]},\"subject\":{\"reference\":\"Patient/D%d\"},%s,"
                            "\"valueInteger\":4}\n",
                            i, when);
        else if (i % 11 == 0)
            sbuf_printf(&b, "\r\n\n");
        else if (i % 13 == 0)
            sbuf_printf(&b, "{\"resourceType\":\"Patient\",\"id\":\"P%d\"}\n", i);
        else if (i % 17 == 0)
            sbuf_printf(&b, "not json %d\r\n", i);
        else if (i % 7 == 0)
            sbuf_printf(&b,
                        "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\","
                        "\"medicationCodeableConcept\":{\"text\":\"ketamine\"},\"subject\":{"
                        "\"reference\":\"Patient/P%d\"},%s,\"dosage\":{\"dose\":{\"value\":%d,"
                        "\"unit\":\"mg\"}}}\n",
                        i % 20, when, 20 + i % 1000 * 3);
        else
            sbuf_printf(&b,
                        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{"
                        "\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"44261-6\"}]},"
                        "\"subject\":{\"reference\":\"Patient/P%d\"},%s,\"valueInteger\":%d}\n",
                        i % 20, when, i % 31);
    }
    char *path = write_temp(b.s, b.n);
    const char *paths[] = {path};
    struct ingest_opts o = default_opts();
    o.have_as_of = 1;
    date_parse_iso("2026-03-20", 10, &o.as_of);
    struct ingest_result ref;
    struct diag d;
    assert_int_equal(ingest_run(paths, 1, &o, &ref, &d), 0);
    assert_int_equal(ref.files[0].shape, SHAPE_FHIR);
    assert_true(ref.rows_rejected > 10);
    assert_true(ref.rows_duplicate > 0);
    assert_true(ref.rejected_by_reason[REASON_AFTER_AS_OF] > 0);
    assert_true(ref.rejected_by_reason[REASON_MALFORMED] > 0);
    assert_true(ref.rejected_by_reason[REASON_OUT_OF_RANGE] > 0);
    assert_int_equal(ref.rows_read, ref.rows_accepted + ref.rows_rejected + ref.rows_duplicate);
    assert_int_equal(ref.files[0].fhir.skipped_other_type, ref.files[0].fhir.resources_skipped);
    assert_true(ref.files[0].fhir.resources_skipped > 10);
    assert_true(ref.files[0].fingerprint == fingerprint_piece(b.s, b.n, 0));
    char *rows_ref = rows_dump(&ref.rows, 1), *probs_ref = problems_dump(&ref.problems);
    for (int threads = 2; threads <= 9; threads++) {
        for (uint64_t chunk = 40; chunk < 20000; chunk = chunk * 3 + 7) {
            struct ingest_result res;
            o.threads = threads;
            o.min_chunk = chunk;
            assert_int_equal(ingest_run(paths, 1, &o, &res, &d), 0);
            char *rows = rows_dump(&res.rows, 1), *probs = problems_dump(&res.problems);
            assert_string_equal(rows, rows_ref);
            assert_string_equal(probs, probs_ref);
            assert_int_equal(res.rows_read, ref.rows_read);
            assert_int_equal(res.rows_duplicate, ref.rows_duplicate);
            assert_int_equal(res.files[0].lines, ref.files[0].lines);
            assert_memory_equal(&res.files[0].fhir, &ref.files[0].fhir, sizeof res.files[0].fhir);
            assert_int_equal(res.ndups, ref.ndups);
            for (size_t i = 0; i < res.ndups; i++) {
                assert_int_equal(res.dups[i].line, ref.dups[i].line);
                assert_int_equal(res.dups[i].orig_line, ref.dups[i].orig_line);
            }
            assert_true(res.files[0].fingerprint == fingerprint_piece(b.s, b.n, 0));
            free(rows);
            free(probs);
            ingest_result_fini(&res);
        }
    }
    free(rows_ref);
    free(probs_ref);
    ingest_result_fini(&ref);
    unlink(path);
    free(path);
    free(b.s);
}

static void sniff(void **state)
{
    (void)state;
    assert_int_equal(fhir_sniff("{\"a\":1}", 7), 1);
    assert_int_equal(fhir_sniff("\xEF\xBB\xBF \r\n\t{", 8), 1);
    assert_int_equal(fhir_sniff("patient_id,session_date\n", 24), 0);
    assert_int_equal(fhir_sniff("\xEF\xBB\xBF", 3), 0);
    assert_int_equal(fhir_sniff("", 0), 0);
    assert_int_equal(fhir_sniff("[{}]", 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mixed_all_sizes),    cmocka_unit_test(line_cap),
        cmocka_unit_test(line_cap_fits),      cmocka_unit_test(administrations),
        cmocka_unit_test(chunks_any_threads), cmocka_unit_test(sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
