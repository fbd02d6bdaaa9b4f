/* test_ingest.c: ingest_run over files: accounting, duplicates, same-day conflicts, the as-of
 * cut, several files, row-order independence, parallel chunks against sequential reading, and
 * hostile inputs (each with the message it must give). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "outcomes/fingerprint.h"
#include "outcomes/sample.h"
#include "support.h"

static int run(const char *const *paths, size_t n, const struct ingest_opts *o,
               struct ingest_result *res, struct diag *d)
{
    diag_clear(d);
    return ingest_run(paths, n, o, res, d);
}

/* Reads the one file path into res in one chunk (pass 0) or in up to 64 of at least min_chunk
 * bytes (pass 1); the read succeeds. */
static void read_in_chunks(const char *path, int pass, uint64_t min_chunk,
                           struct ingest_result *res)
{
    struct ingest_opts o = default_opts();
    o.threads = pass ? 64 : 1;
    o.min_chunk = pass ? min_chunk : 0;
    struct diag d;
    const char *files[] = {path};
    assert_int_equal(run(files, 1, &o, res, &d), 0);
}

/* Issue 13: the fingerprint of the bytes the readers consumed is the whole file's (what the
 * input hasher computes), whatever the chunks. */
static void assert_fingerprint(const struct ingest_result *res, uint32_t f, const char *data,
                               size_t n)
{
    assert_true(res->files[f].fingerprint == fingerprint_piece(data, n, 0));
}

static void assert_accounting(const struct ingest_result *res)
{
    assert_int_equal(res->rows_read, res->rows_accepted + res->rows_rejected + res->rows_duplicate);
}

/* The hand-written R reference case (tests/data/reference/edge_small, README there). */
static void test_ingest_edge_small_accounting(void **state)
{
    (void)state;
    const char *path = TEST_DATA_DIR "/reference/edge_small/edge_small.csv";
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    date_parse_iso("2026-05-31", 10, &o.as_of);
    o.have_as_of = 1;
    assert_int_equal(run(&path, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_read, 45);
    assert_int_equal(res.rows_accepted, 41);
    assert_int_equal(res.rows_rejected, 3);
    assert_int_equal(res.rows_duplicate, 1);
    assert_int_equal(res.patients, 10);
    assert_null(res.rows.file); /* one input file: no file column, rows_file is 0 */
    assert_int_equal(rows_file(&res.rows, 40), 0);
    assert_int_equal(res.rejected_by_reason[REASON_DATE], 1);
    assert_int_equal(res.rejected_by_reason[REASON_OUT_OF_RANGE], 1);
    assert_int_equal(res.rejected_by_reason[REASON_PATIENT_ID], 1);
    /* D8 day 7: MADRS 12 and 13 on one date */
    assert_int_equal(res.conflicting_same_day_scores, 1);
    assert_int_equal(res.conflicts_by_col[INT_INDEX(COL_MADRS)], 1);
    assert_int_equal(res.ndups, 1);
    assert_int_equal(res.dups[0].line, 40);
    assert_int_equal(res.dups[0].orig_line, 39);
    assert_accounting(&res);
    ingest_result_fini(&res);
}

/* The columns added through the column table alone (columns.h): hama (HAM-A 0-56, a
 * conflict-checked instrument, bit 7) and monitoring_min (0-1440, stored, not an instrument: two
 * rows of a day that differ only in it are two encounters, neither a duplicate nor a conflict). */
static void test_ingest_hama_monitoring_min(void **state)
{
    (void)state;
    const char *data = "patient_id,session_date,hama,monitoring_min,dose_mg\n"
                       "A,2026-01-01,30,120,56\n"  /* 2 */
                       "A,2026-01-01,28,,\n"       /* 3: hama disagrees: conflict */
                       "A,2026-01-02,56,1440,56\n" /* 4: both at their maximum */
                       "B,2026-01-05,20,100,56\n"  /* 5 */
                       "B,2026-01-05,20,130,56\n"  /* 6: differs in monitoring_min only */
                       "B,2026-01-06,57,0,56\n"    /* 7: hama out of range */
                       "B,2026-01-07,0,1441,56\n"  /* 8: monitoring_min out of range */
                       "B,2026-01-08,0,90.5,56\n"  /* 9: not an integer */
                       "B,2026-01-09,0,-1,56\n";   /* 10: not an integer */
    char *path = write_temp(data, strlen(data));
    const char *paths[] = {path};
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    assert_int_equal(run(paths, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_read, 9);
    assert_int_equal(res.rows_accepted, 5);
    assert_int_equal(res.rows_rejected, 4);
    assert_int_equal(res.rows_duplicate, 0);
    assert_accounting(&res);
    assert_int_equal(res.conflicting_same_day_scores, 1);
    assert_int_equal(res.conflicts_by_col[INT_INDEX(COL_HAMA)], 1);
    char *probs = problems_dump(&res.problems);
    assert_string_equal(probs,
                        "7:3:out_of_range:1: column 'hama': out of range 0-56, got \"57\"\n"
                        "8:4:out_of_range:1: column 'monitoring_min': out of range 0-1440, got "
                        "\"1441\"\n"
                        "9:4:not_an_integer:1: column 'monitoring_min': expected an integer "
                        "0-1440, got \"90.5\"\n"
                        "10:4:not_an_integer:1: column 'monitoring_min': expected an integer "
                        "0-1440, got \"-1\"\n");
    /* store order: patient, date, content; read per row with rows_int */
    const struct rows *r = &res.rows;
    static const int hama[] = {28, 30, 56, 20, 20}, mon[] = {-1, 120, 1440, 100, 130};
    static const int conflict[] = {1 << 7, 1 << 7, 0, 0, 0};
    assert_int_equal(r->n, 5);
    for (size_t i = 0; i < r->n; i++) {
        assert_int_equal(rows_int(r, COL_HAMA, i), hama[i]);
        assert_int_equal(rows_int(r, COL_MONITORING_MIN, i), mon[i]);
        assert_int_equal(rows_conflict(r, i), conflict[i]);
    }
    free(probs);
    ingest_result_fini(&res);
    unlink(path);
    free(path);
}

static void test_ingest_duplicates_conflicts_as_of(void **state)
{
    (void)state;
    const char *data = "patient_id,session_date,phq9,madrs,site\n"
                       "B,2026-01-05,10,20,x\n"
                       "A,2026-01-01,10,,x\n"
                       "A,2026-01-01,10,,x\n"   /* exact duplicate of line 3 */
                       "A,2026-01-01, 10 ,,x\n" /* same after trimming: duplicate */
                       "A,2026-01-01,11,,y\n"   /* phq9 disagrees: conflict */
                       "A,2026-01-01,,30,y\n"   /* madrs alone: no conflict */
                       "B,2026-01-05,10,21,x\n" /* madrs disagrees */
                       "B,2026-02-01,3,,x\n";   /* after the as-of date */
    char *path = write_temp(data, strlen(data));
    const char *paths[] = {path};
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    date_parse_iso("2026-01-31", 10, &o.as_of);
    o.have_as_of = 1;
    assert_int_equal(run(paths, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_read, 8);
    assert_int_equal(res.rows_duplicate, 2);
    assert_int_equal(res.rows_rejected, 1);
    assert_int_equal(res.rejected_by_reason[REASON_AFTER_AS_OF], 1);
    assert_int_equal(res.rows_accepted, 5);
    assert_accounting(&res);
    assert_int_equal(res.conflicting_same_day_scores, 2);
    assert_int_equal(res.conflicts_by_col[INT_INDEX(COL_PHQ9)], 1);
    assert_int_equal(res.conflicts_by_col[INT_INDEX(COL_MADRS)], 1);
    char *probs = problems_dump(&res.problems);
    assert_string_equal(probs, "9:2:after_as_of:1: column 'session_date': 2026-02-01 is after "
                               "the as-of date 2026-01-31 (set aside)\n");
    char *rows = rows_dump(&res.rows, 1);
    /* sorted by patient, date, content; conflict bits: phq9 = 1, madrs = 4 */
    assert_string_equal(
        rows, "A|2026-01-01|0|||x|||||nan|nan|10|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c1|@0:3\n"
              "A|2026-01-01|0|||y|||||nan|nan|-1|-1|30|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:7\n"
              "A|2026-01-01|0|||y|||||nan|nan|11|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c1|@0:6\n"
              "B|2026-01-05|0|||x|||||nan|nan|10|-1|20|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c4|@0:2\n"
              "B|2026-01-05|0|||x|||||nan|nan|10|-1|21|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c4|@0:8\n");
    assert_int_equal(res.patients, 2);
    free(rows);
    free(probs);
    ingest_result_fini(&res);
    /* default as-of: the latest valid date; nothing set aside */
    o.have_as_of = 0;
    assert_int_equal(run(paths, 1, &o, &res, &d), 0);
    assert_int_equal(res.as_of, date_from_ymd(2026, 2, 1));
    assert_int_equal(res.rows_rejected, 0);
    ingest_result_fini(&res);
    unlink(path);
    free(path);
}

static void test_ingest_several_files_pool_rows(void **state)
{
    (void)state;
    const char *a = "patient_id,session_date,phq9,extra\nP1,2026-01-01,12,z\n";
    const char *b = "PHQ9;Session_Date;Patient_ID\n12;2026-01-01;P1\nx;2026-01-02;P2\n";
    char *pa = write_temp(a, strlen(a)), *pb = write_temp(b, strlen(b));
    const char *paths[] = {pa, pb};
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    /* b read with ',' is one column: stop, and suggest the delimiter */
    assert_int_equal(run(paths, 2, &o, &res, &d), DIAG_DATA);
    assert_string_equal(d.file, pb);
    assert_string_equal(d.message, "required column 'patient_id' is missing from the header (it "
                                   "has one column containing ';': try --delimiter ';')");
    ingest_result_fini(&res);
    unlink(pb);
    free(pb);
    b = "PHQ9,Session_Date,Patient_ID\n12,2026-01-01,P1\nx,2026-01-02,P2\n";
    pb = write_temp(b, strlen(b));
    paths[1] = pb;
    assert_int_equal(run(paths, 2, &o, &res, &d), 0);
    assert_int_equal(res.rows_read, 3);
    assert_int_equal(res.rows_duplicate, 1); /* the same row in both files */
    assert_int_equal(res.rows_rejected, 1);
    assert_int_equal(res.problems.v[0].file, 1);
    assert_int_equal(res.problems.v[0].line, 3);
    assert_int_equal(res.problems.v[0].column, 1);
    assert_int_equal(res.nunknown, 1);
    assert_string_equal(res.unknown[0], "extra");
    ingest_result_fini(&res);
    unlink(pa);
    unlink(pb);
    free(pa);
    free(pb);
}

/* A sample export shuffled line by line reads to the same store (line numbers aside). */
static void test_ingest_row_order_does_not_matter(void **state)
{
    (void)state;
    char *path = write_temp("", 0);
    FILE *f = fopen(path, "w");
    struct sample_opts so = {.patients = 60, .seed = 11, .months = 12};
    struct diag d;
    date_parse_iso("2026-10-31", 10, &so.as_of);
    assert_int_equal(sample_write(f, &so, &d), 0);
    fclose(f);
    /* read it back, shuffle the data lines (seeded), write it again */
    f = fopen(path, "r");
    char **lines = NULL, buf[1024];
    size_t n = 0;
    while (fgets(buf, sizeof buf, f)) {
        lines = realloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = strdup(buf);
    }
    fclose(f);
    unsigned long x = 12345;
    for (size_t i = n - 1; i > 1; i--) {
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        size_t j = 1 + (size_t)((x >> 33) % i);
        char *t = lines[i];
        lines[i] = lines[j];
        lines[j] = t;
    }
    char *shuffled = write_temp("", 0);
    f = fopen(shuffled, "w");
    for (size_t i = 0; i < n; i++) {
        fputs(lines[i], f);
        if (i == 5) /* and one duplicate, so the kept copy must not depend on order */
            fputs(lines[i], f);
        free(lines[i]);
    }
    free(lines);
    fclose(f);
    struct ingest_opts o = default_opts();
    struct ingest_result r1, r2;
    const char *p1[] = {path}, *p2[] = {shuffled};
    assert_int_equal(run(p1, 1, &o, &r1, &d), 0);
    assert_int_equal(run(p2, 1, &o, &r2, &d), 0);
    char *d1 = rows_dump(&r1.rows, 0), *d2 = rows_dump(&r2.rows, 0);
    assert_true(r1.rows.n > 500);
    assert_string_equal(d1, d2);
    assert_int_equal(r1.patients, r2.patients);
    assert_int_equal(r1.conflicting_same_day_scores, r2.conflicting_same_day_scores);
    assert_int_equal(r2.rows_duplicate, r1.rows_duplicate + 1);
    free(d1);
    free(d2);
    ingest_result_fini(&r1);
    ingest_result_fini(&r2);
    unlink(path);
    unlink(shuffled);
    free(path);
    free(shuffled);
}

/* Quoted newlines near every chunk boundary, lone CRs and runs of blank lines: any number of
 * threads gives the same store, the same problems and the same line numbers as one thread. */
static void test_ingest_threads_give_identical_results(void **state)
{
    (void)state;
    struct sbuf b = {0};
    sbuf_printf(&b, "patient_id,session_date,phq9,concurrent_therapy,site\n");
    for (int i = 0; i < 400; i++) {
        if (i % 7 == 0)
            sbuf_printf(&b, "P%d,2026-01-%02d,%d,\"note\nsecond line\",s%d\n", i % 50, 1 + i % 28,
                        i % 30, i % 3);
        else if (i % 11 == 0)
            sbuf_printf(&b, "P%d,2026-01-%02d,%d,\"a,\"\"b\"\"\",s%d\n", i % 50, 1 + i % 28, i % 27,
                        i % 3);
        else if (i % 13 == 0)
            sbuf_printf(&b, "P%d,2026-01-%02d,%d,x\"y,s%d\n", i % 50, 1 + i % 28, i % 27, i % 3);
        else if (i % 17 == 0) /* a record ended by a lone CR: the next one shares its line */
            sbuf_printf(&b, "P%d,2026-01-%02d,%d,psychotherapy,s%d\r", i % 50, 1 + i % 28, i % 27,
                        i % 3);
        else if (i % 19 == 0) /* then a run of blank lines: more line ends than rows */
            sbuf_printf(&b, "P%d,2026-01-%02d,%d,psychotherapy,s%d\n%s", i % 50, 1 + i % 28, i % 27,
                        i % 3, "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n");
        else
            sbuf_printf(&b, "P%d,2026-01-%02d,%d,psychotherapy,s%d\r\n", i % 50, 1 + i % 28, i % 27,
                        i % 3);
    }
    char *path = write_temp(b.s, b.n);
    const char *paths[] = {path};
    struct ingest_opts o = default_opts();
    struct ingest_result ref;
    struct diag d;
    assert_int_equal(run(paths, 1, &o, &ref, &d), 0);
    char *rows_ref = rows_dump(&ref.rows, 1), *probs_ref = problems_dump(&ref.problems);
    assert_true(ref.rows_rejected > 0);
    assert_fingerprint(&ref, 0, b.s, b.n);
    for (int threads = 2; threads <= 9; threads++) {
        for (uint64_t chunk = 40; chunk < 2000; chunk = chunk * 3 + 7) {
            struct ingest_result res;
            o.threads = threads;
            o.min_chunk = chunk;
            assert_int_equal(run(paths, 1, &o, &res, &d), 0);
            char *rows = rows_dump(&res.rows, 1), *probs = problems_dump(&res.problems);
            assert_string_equal(rows, rows_ref);
            assert_string_equal(probs, probs_ref);
            assert_int_equal(res.rows_read, ref.rows_read);
            assert_int_equal(res.files[0].lines, ref.files[0].lines);
            assert_fingerprint(&res, 0, b.s, b.n);
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

/* Issue 11: no limit on files or chunks but memory. 40 files (a patient's rows spread over all
 * of them, so the store is sorted from many segments; a row repeated across files), read by one
 * thread and by 64 with tiny chunks (hundreds of segments, where 64 failed as "out of memory"):
 * the same store, problems and accounting. */
static void test_ingest_forty_files_any_threads(void **state)
{
    (void)state;
    enum { NFILES = 40 };
    char *paths[NFILES];
    struct sbuf data[NFILES];
    for (int f = 0; f < NFILES; f++) {
        struct sbuf b = {0};
        sbuf_printf(&b, "patient_id,session_date,phq9,site\n");
        for (int i = 0; i < 30; i++)
            sbuf_printf(&b, "P%02d,2026-%02d-%02d,%d,\"site\n%d\"\n", (i * 7 + f) % 25, 1 + f % 12,
                        1 + i % 28, (i + f) % 30, f % 5);
        sbuf_printf(&b, "P00,2026-01-01,9,same\n"); /* in every file: 39 duplicates */
        paths[f] = write_temp(b.s, b.n);
        data[f] = b;
    }
    struct ingest_opts o = default_opts();
    struct ingest_result ref, res;
    struct diag d;
    assert_int_equal(run((const char *const *)paths, NFILES, &o, &ref, &d), 0);
    assert_int_equal(ref.rows_read, NFILES * 31);
    assert_int_equal(ref.rows_duplicate, NFILES - 1);
    assert_accounting(&ref);
    char *rows_ref = rows_dump(&ref.rows, 1), *probs_ref = problems_dump(&ref.problems);
    o.threads = 64;
    o.min_chunk = 16;
    assert_int_equal(run((const char *const *)paths, NFILES, &o, &res, &d), 0);
    char *rows = rows_dump(&res.rows, 1), *probs = problems_dump(&res.problems);
    assert_string_equal(rows, rows_ref);
    assert_string_equal(probs, probs_ref);
    assert_int_equal(res.rows_read, ref.rows_read);
    assert_int_equal(res.rows_duplicate, ref.rows_duplicate);
    assert_int_equal(res.rows_rejected, ref.rows_rejected);
    for (int f = 0; f < NFILES; f++) { /* each file's bytes, read in up to 64 chunks */
        assert_fingerprint(&ref, (uint32_t)f, data[f].s, data[f].n);
        assert_fingerprint(&res, (uint32_t)f, data[f].s, data[f].n);
        free(data[f].s);
    }
    free(rows);
    free(probs);
    free(rows_ref);
    free(probs_ref);
    ingest_result_fini(&ref);
    ingest_result_fini(&res);
    for (int f = 0; f < NFILES; f++) {
        unlink(paths[f]);
        free(paths[f]);
    }
}

/* An unknown header that is not UTF-8 (Latin-1 "Bemerkung\xE4") is kept byte for byte, for the
 * data-quality listing to show (escaped) as it is. */
static void test_ingest_unknown_header_bytes_as_given(void **state)
{
    (void)state;
    const char *data = "patient_id,session_date, Bemerkung\xE4 ,Z\xC3\xBCrich\nP1,2026-01-01,x,y\n";
    char *p = write_temp(data, strlen(data));
    const char *pc = p;
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    assert_int_equal(run(&pc, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_accepted, 1);
    assert_int_equal(res.nunknown, 2);
    assert_string_equal(res.unknown[0], "Bemerkung\xE4");
    assert_string_equal(res.unknown[1], "Z\xC3\xBCrich");
    ingest_result_fini(&res);
    unlink(p);
    free(p);
}

/* The store keeps a file column only when some row comes from a file other than the first: a
 * second file with no rows, or rows only from the second, are told apart. */
static void test_ingest_file_column(void **state)
{
    (void)state;
    const char *rows = "patient_id,session_date\nA,2026-01-01\nB,2026-01-02\n";
    const char *none = "patient_id,session_date\n";
    char *pr = write_temp(rows, strlen(rows)), *pn = write_temp(none, strlen(none));
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    const char *first[] = {pr, pn};
    assert_int_equal(run(first, 2, &o, &res, &d), 0);
    assert_int_equal(res.rows_accepted, 2);
    assert_null(res.rows.file);
    assert_int_equal(rows_file(&res.rows, 1), 0);
    assert_int_equal(res.files[0].rows_accepted, 2);
    ingest_result_fini(&res);
    const char *second[] = {pn, pr};
    assert_int_equal(run(second, 2, &o, &res, &d), 0);
    assert_int_equal(res.rows_accepted, 2);
    assert_non_null(res.rows.file);
    assert_int_equal(rows_file(&res.rows, 0), 1);
    assert_int_equal(rows_file(&res.rows, 1), 1);
    assert_int_equal(res.files[1].rows_accepted, 2);
    ingest_result_fini(&res);
    unlink(pr);
    unlink(pn);
    free(pr);
    free(pn);
}

/* An integer column no accepted row has a value in is not stored (rows_narrow):
 * madrs in the header with every value empty, qids_sr16 not in it, cadss with a value only on a
 * rejected row; a column whose values span at most 255 numbers is kept in a byte (dbp_pre 30 to
 * 284, exactly 255; sbp_pre one value), one spanning more in two (sbp_post 30 to 285, 256;
 * monitoring_min 0 to 1440); rows_int reads each, -1 from a dropped one. */
static void test_ingest_absent_int_columns(void **state)
{
    (void)state;
    const char *text =
        "patient_id,session_date,phq9,madrs,cadss,sbp_pre,dbp_pre,sbp_post,monitoring_min\n"
        "A,2026-01-01,12,,,128,30,30,1440\n"
        "B,2026-01-02,,,,,284,285,0\n"
        "B,2026-01-03,0,,,,,,\n"
        "C,2026-13-40,,,5,,,,\n";
    char *p = write_temp(text, strlen(text));
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    const char *files[] = {p};
    assert_int_equal(run(files, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_accepted, 3);
    assert_int_equal(res.rows_rejected, 1);
    const struct rows *r = &res.rows;
    static const int in_byte[] = {COL_PHQ9, COL_SBP_PRE, COL_DBP_PRE};
    for (size_t k = 0; k < sizeof in_byte / sizeof *in_byte; k++) {
        assert_non_null(r->small[INT_INDEX(in_byte[k])]);
        assert_null(r->score[INT_INDEX(in_byte[k])]);
    }
    static const int in_two[] = {COL_SBP_POST, COL_MONITORING_MIN};
    for (size_t k = 0; k < sizeof in_two / sizeof *in_two; k++) {
        assert_non_null(r->score[INT_INDEX(in_two[k])]);
        assert_null(r->small[INT_INDEX(in_two[k])]);
    }
    for (int col = COL_MADRS; col <= COL_CADSS; col += COL_CADSS - COL_MADRS) {
        assert_false(rows_has_int(r, col));
        assert_int_equal(rows_int(r, col, 0), -1);
    }
    assert_false(rows_has_int(r, COL_QIDS_SR16));
    assert_true(rows_has_int(r, COL_PHQ9));
    static const int want[][4] = {
        /* the column, then its values in rows A, B (day 2), B (day 3) */
        {COL_PHQ9, 12, -1, 0},       {COL_SBP_PRE, 128, -1, -1},        {COL_DBP_PRE, 30, 284, -1},
        {COL_SBP_POST, 30, 285, -1}, {COL_MONITORING_MIN, 1440, 0, -1},
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        for (size_t i = 0; i < 3; i++)
            assert_int_equal(rows_int(r, want[k][0], i), want[k][i + 1]);
    ingest_result_fini(&res);
    unlink(p);
    free(p);
}

/* Dose and weight kept as exact decimals (rows_dose, rows_weight give strtod's double) when
 * every value packs in 28 bits: read so from the start (one input file), and when a value does
 * not (17 significant digits, read with strtod), the file read again in doubles (here in its
 * last chunk, with 64 chunks of 16 bytes at least, and in one piece: the same rows), then the
 * column that packs narrowed once the store is built, the other kept in doubles. */
static void test_ingest_narrow_decimals(void **state)
{
    (void)state;
    static const char *const dose[] = {"37.9", "0.5", "1000", "12.345678", "0.000001", "56.250"};
    static const char *const weight[] = {"70.3",  "20",   "349.99",
                                         "80.10", "80.1", "72.345678901234567"};
    enum { N = 6, REPEAT = 8 };
    for (int tail = 0; tail < 2; tail++) { /* tail 0: every value packs */
        struct sbuf b = {0};
        sbuf_printf(&b, "%s", "patient_id,session_date,session_type,dose_mg,weight_kg\n");
        for (int k = 0; k < REPEAT; k++)
            for (int i = 0; i < N - 1 + tail; i++)
                sbuf_printf(&b, "P%d%d,2026-01-0%d,treatment,%s,%s\n", k, i, i + 1, dose[i],
                            weight[i]);
        sbuf_printf(&b, "%s", "Q9,2026-02-01,treatment,,\n");
        char *p = write_temp(b.s, b.n);
        free(b.s);
        char *ref = NULL;
        for (int pass = 0; pass < 2; pass++) {
            struct ingest_result res;
            read_in_chunks(p, pass, 16, &res);
            assert_int_equal(res.rows_accepted, REPEAT * (N - 1 + tail) + 1);
            const struct rows *r = &res.rows;
            assert_null(r->dose_mg);
            assert_non_null(r->dose_dec);
            if (tail) {
                assert_non_null(r->weight_kg); /* 72.345678901234567 does not pack */
                assert_null(r->weight_dec);
            } else {
                assert_null(r->weight_kg);
                assert_non_null(r->weight_dec);
            }
            for (size_t i = 0; i + 1 < r->n; i++) { /* (P00..P75 sort by patient: i % N) */
                size_t k = i % (size_t)(N - 1 + tail);
                double want_d = strtod(dose[k], NULL), want_w = strtod(weight[k], NULL);
                assert_memory_equal(&(double){rows_dose(r, i)}, &want_d, sizeof want_d);
                assert_memory_equal(&(double){rows_weight(r, i)}, &want_w, sizeof want_w);
            }
            assert_true(isnan(rows_dose(r, r->n - 1)) && isnan(rows_weight(r, r->n - 1)));
            char *dump = rows_dump(r, 1);
            if (pass)
                assert_string_equal(dump, ref);
            free(ref);
            ref = dump;
            ingest_result_fini(&res);
        }
        free(ref);
        unlink(p);
        free(p);
    }
}

/* Type, route and drug in one byte; dates as 2-byte offsets when they span 65,535 days or fewer
 * (2026-01-01 to 2199-12-31: 63,551; 1900-01-01 to 2199-12-31, 109,572, stay in 4 bytes); the
 * conflict bits freed when no row has one, kept when one has. rows_date, rows_type,
 * rows_route, rows_drug and rows_conflict read each form. */
static void test_ingest_narrow_kind_date(void **state)
{
    (void)state;
    const char *narrow = "patient_id,session_date,session_type,route,drug,dose_mg,phq9\n"
                         "A,2026-01-01,treatment,iv,esketamine,50,12\n"
                         "A,2026-02-01,assessment,,,,10\n"
                         "B,2205-01-01,treatment,oral,ketamine,40,9\n"
                         "B,2199-12-31,treatment,sublingual,ketamine,40,9\n";
    const char *wide = "patient_id,session_date,phq9\n"
                       "A,1900-01-01,12\n"
                       "A,2199-12-31,10\n"
                       "A,2199-12-31,11\n";
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    char *p = write_temp(narrow, strlen(narrow));
    const char *files[] = {p};
    assert_int_equal(run(files, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_accepted, 3); /* 2205 is not a date */
    const struct rows *r = &res.rows;
    assert_non_null(r->kind);
    assert_null(r->type);
    assert_null(r->date);
    assert_null(r->conflict);
    static const int want[][4] = {{SESSION_TREATMENT, ROUTE_IV, DRUG_ESKETAMINE, 0},
                                  {SESSION_ASSESSMENT, ROUTE_NONE, DRUG_NONE, 31},
                                  {SESSION_TREATMENT, ROUTE_SUBLINGUAL, DRUG_KETAMINE, 63551}};
    int32_t day0 = rows_date(r, 0);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(rows_type(r, i), want[i][0]);
        assert_int_equal(rows_route(r, i), want[i][1]);
        assert_int_equal(rows_drug(r, i), want[i][2]);
        assert_int_equal(rows_date(r, i) - day0, want[i][3]);
        assert_int_equal(rows_conflict(r, i), 0);
    }
    ingest_result_fini(&res);
    unlink(p);
    free(p);
    p = write_temp(wide, strlen(wide));
    files[0] = p;
    assert_int_equal(run(files, 1, &o, &res, &d), 0);
    r = &res.rows;
    assert_non_null(r->date); /* 109,572 days */
    assert_null(r->date16);
    assert_int_equal(rows_date(r, 1) - rows_date(r, 0), 109572);
    assert_non_null(r->conflict); /* two PHQ-9 scores on 2199-12-31 */
    assert_int_equal(rows_conflict(r, 0), 0);
    assert_int_equal(rows_conflict(r, 1), 1);
    ingest_result_fini(&res);
    unlink(p);
    free(p);
}

/* Text ids in one byte when the column's largest id allows (256 strings or fewer in the whole
 * text table, ids ranked by bytes), two when it is at most 65,535, else four; rows_text reads
 * each width. 70,000 rows: site one value ("s", ranked last: id 70,301, four bytes), clinician
 * 300 (ids 1-300: two), adverse event one each (four), therapy none (one). */
static void test_ingest_narrow_text(void **state)
{
    (void)state;
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "patient_id,session_date,phq9,site,clinician,adverse_events\n");
    enum { N = 70000 };
    for (int i = 0; i < N; i++)
        sbuf_printf(&b, "P%05d,2026-01-01,3,s,c%03d,e%05d\n", i, i % 300, i);
    char *p = write_temp(b.s, b.n);
    free(b.s);
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    const char *files[] = {p};
    assert_int_equal(run(files, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_accepted, N);
    const struct rows *r = &res.rows;
    assert_int_equal(r->ids[TEXT_THERAPY].width, 1); /* every id 0 */
    assert_null(r->ids[TEXT_ADVERSE].p);             /* 70,301 strings: four bytes */
    assert_non_null(r->adverse);
    assert_int_equal(r->ids[TEXT_CLINICIAN].width, 2);
    assert_null(r->ids[TEXT_SITE].p);
    for (size_t i = 0; i < (size_t)N; i += 997) {
        char want[16];
        assert_string_equal(strtab_get(r->text, rows_text(r, TEXT_SITE, i), 0), "s");
        snprintf(want, sizeof want, "c%03d", (int)(i % 300));
        assert_string_equal(strtab_get(r->text, rows_text(r, TEXT_CLINICIAN, i), 0), want);
        snprintf(want, sizeof want, "e%05d", (int)i);
        assert_string_equal(strtab_get(r->text, rows_text(r, TEXT_ADVERSE, i), 0), want);
        assert_int_equal(rows_text(r, TEXT_THERAPY, i), 0);
    }
    /* read in one chunk, the 70,301 strings overflow the two-byte ids read: the file is read
     * again wide. In 64 chunks each holds fewer than 65,536 and reads in two bytes; the merged
     * table does not, and the build widens them. The same rows either way. */
    char *one = rows_dump(r, 1);
    ingest_result_fini(&res);
    o.threads = 64;
    o.min_chunk = 4096;
    assert_int_equal(run(files, 1, &o, &res, &d), 0);
    char *many = rows_dump(&res.rows, 1);
    assert_string_equal(one, many);
    assert_null(res.rows.ids[TEXT_ADVERSE].p);
    assert_int_equal(res.rows.ids[TEXT_CLINICIAN].width, 2);
    free(one);
    free(many);
    ingest_result_fini(&res);
    unlink(p);
    free(p);
    /* and with a date past 2079-06-06 last: in one chunk the text overflows first (read again
     * with the text wide), then the date (again with the dates wide too); in 64 only the last
     * chunk's date does. The same rows, the date kept. */
    b = (struct sbuf){0};
    sbuf_printf(&b, "%s", "patient_id,session_date,phq9,site,clinician,adverse_events\n");
    for (int i = 0; i < N; i++)
        sbuf_printf(&b, "P%05d,2026-01-01,3,s,c%03d,e%05d\n", i, i % 300, i);
    sbuf_printf(&b, "%s", "Z,2150-01-01,4,s,c000,e00000\n");
    p = write_temp(b.s, b.n);
    free(b.s);
    files[0] = p;
    char *dumps[2];
    for (int pass = 0; pass < 2; pass++) {
        read_in_chunks(p, pass, 4096, &res);
        assert_int_equal(res.rows_accepted, N + 1);
        char day[11];
        date_format(rows_date(&res.rows, N), day);
        assert_string_equal(day, "2150-01-01");
        dumps[pass] = rows_dump(&res.rows, 1);
        ingest_result_fini(&res);
    }
    assert_string_equal(dumps[0], dumps[1]);
    free(dumps[0]);
    free(dumps[1]);
    unlink(p);
    free(p);
}

/* Once built, the store keeps its patients as row ranges (prow, pid), the lines as offsets from
 * the row number (one byte in patient order; two with a few hundred rejected rows between or
 * in reverse order; four when, reversed, they span more than 65,535), and dose and weight in
 * two bytes when every value is v / 10^k with v < 4095. */
static void test_ingest_narrow_store(void **state)
{
    (void)state;
    for (int shape = 0; shape < 4; shape++) { /* in order; rejected rows between; reversed */
        struct sbuf b = {0};
        sbuf_printf(&b, "%s", "patient_id,session_date,session_type,dose_mg,weight_kg,phq9\n");
        const int N = shape == 3 ? 33000 : 600, rev = shape >= 2;
        for (int k = 0; k < N; k++) {
            int i = rev ? N - 1 - k : k;
            sbuf_printf(&b, "P%05d,2026-01-%02d,treatment,%s,%s,%d\n", i / 3, 1 + i % 3,
                        i % 5 ? "40.9" : "409.4", i % 7 ? "80.5" : "", i % 27);
            if (shape == 1 && k < 300)
                sbuf_printf(&b, "%s", "bad id!,2026-01-01,treatment,,,\n");
        }
        char *p = write_temp(b.s, b.n);
        free(b.s);
        char *ref = NULL;
        for (int pass = 0; pass < 2; pass++) {
            struct ingest_result res;
            read_in_chunks(p, pass, 512, &res);
            const struct rows *r = &res.rows;
            assert_int_equal(r->n, N);
            assert_int_equal(res.rows_rejected, shape == 1 ? 300 : 0);
            assert_null(r->patient);
            assert_int_equal(r->npatients, N / 3);
            assert_int_equal(r->prow[N / 3], N);
            for (size_t q = 0; q < r->npatients; q++) {
                char want[32];
                snprintf(want, sizeof want, "P%05zu", q);
                assert_string_equal(strtab_get(r->patients, rows_pid(r, q), 0), want);
                assert_int_equal(r->prow[q], 3 * q);
                for (size_t i = r->prow[q]; i < r->prow[q + 1]; i++)
                    assert_int_equal(rows_patient(r, i), rows_pid(r, q));
            }
            assert_non_null(r->dose16);
            assert_non_null(r->weight16);
            assert_null(r->dose_dec);
            assert_null(r->dose_mg);
            if (shape == 3) {
                assert_non_null(r->line); /* line - row spans 65,998 */
            } else {
                assert_null(r->line); /* (reversed: 1,198) */
                assert_int_equal(r->line_n.width, shape == 0 ? 1 : 2);
            }
            for (size_t i = 0; i < r->n; i++) {
                size_t k = rev ? (size_t)N - 1 - i : i; /* the record's place in the file */
                long line = 2 + (long)k + (shape == 1 ? (long)(k < 300 ? k : 300) : 0);
                assert_int_equal(rows_line(r, i), line);
                assert_true(rows_dose(r, i) == (i % 5 ? 40.9 : 409.4));
                if (i % 7)
                    assert_true(rows_weight(r, i) == 80.5);
                else
                    assert_true(isnan(rows_weight(r, i)));
            }
            char *dump = rows_dump(r, 1);
            if (pass)
                assert_string_equal(dump, ref);
            free(pass ? dump : ref);
            ref = pass ? ref : dump;
            ingest_result_fini(&res);
        }
        free(ref);
        unlink(p);
        free(p);
    }
}

/* Found by fuzz_report: with CR-only line ends the whole file is one physical line, read by the
 * header reader; its records must be counted (rows_read) and attributed to their file. */
static void test_ingest_cr_only_line_ends(void **state)
{
    (void)state;
    const char *a = "patient_id,session_date\nZ,2026-01-01\n";
    const char *b = "patient_id,session_date\rA,2026-01-01\rB,2026-13-01\r";
    char *pa = write_temp(a, strlen(a)), *pb = write_temp(b, strlen(b));
    const char *paths[] = {pa, pb};
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    assert_int_equal(run(paths, 2, &o, &res, &d), 0);
    assert_int_equal(res.rows_read, 3);
    assert_int_equal(res.rows_accepted, 2);
    assert_int_equal(res.rows_rejected, 1);
    assert_accounting(&res);
    assert_int_equal(res.problems.v[0].file, 1);
    assert_int_equal(res.problems.v[0].line, 1);
    assert_int_equal(rows_file(&res.rows, 0), 1); /* A, from the second file */
    assert_int_equal(rows_file(&res.rows, 1), 0); /* Z */
    assert_non_null(res.rows.file);
    assert_fingerprint(&res, 0, a, strlen(a));
    assert_fingerprint(&res, 1, b, strlen(b));
    ingest_result_fini(&res);
    unlink(pa);
    unlink(pb);
    free(pa);
    free(pb);
}

/* Hostile inputs: the documented diag, never a crash. */
static void test_ingest_unreadable_inputs(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    const char *missing = "/nonexistent/dir/export.csv";
    assert_int_equal(run(&missing, 1, &o, &res, &d), DIAG_IO);
    assert_string_equal(d.file, missing);
    assert_string_equal(d.message, "cannot open: No such file or directory");
    ingest_result_fini(&res);
    const char *dir = "/tmp";
    assert_int_equal(run(&dir, 1, &o, &res, &d), DIAG_IO);
    assert_string_equal(d.message, "is a directory, not a CSV file");
    ingest_result_fini(&res);
    /* a device is refused unread (it would never end) */
    const char *dev = "/dev/zero";
    assert_int_equal(run(&dev, 1, &o, &res, &d), DIAG_IO);
    assert_string_equal(d.file, dev);
    assert_int_equal(d.line, 0);
    assert_string_equal(d.message, "is not a regular file (a character device): an input must be "
                                   "a file: it is hashed for the manifest and read again by "
                                   "verify");
    ingest_result_fini(&res);
    char *empty = write_temp("", 0);
    const char *pe = empty;
    assert_int_equal(run(&pe, 1, &o, &res, &d), DIAG_DATA);
    assert_string_equal(d.message, "the file is empty: expected a header row naming the columns");
    ingest_result_fini(&res);
    unlink(empty);
    free(empty);
    /* a binary file: bytes 0-255 over and over */
    char bin[4096];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(i * 7 % 256);
    char *pb = write_temp(bin, sizeof bin);
    const char *pbc = pb;
    assert_int_equal(run(&pbc, 1, &o, &res, &d), DIAG_DATA);
    assert_int_equal(d.line, 1);
    assert_true(strlen(d.message) > 10);
    ingest_result_fini(&res);
    unlink(pb);
    free(pb);
}

static void test_ingest_hostile_contents(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    struct ingest_result res;
    struct diag d;
    /* header only */
    char *p = write_temp("patient_id,session_date\n", 24);
    const char *pc = p;
    assert_int_equal(run(&pc, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_read, 0);
    assert_int_equal(res.have_as_of, 0);
    assert_fingerprint(&res, 0, "patient_id,session_date\n", 24);
    ingest_result_fini(&res);
    unlink(p);
    free(p);
    /* a NUL byte and invalid UTF-8 in data fields */
    static const char nul[] = "patient_id,session_date,site\nA\0B,2026-01-01,x\nC,2026-01-01,a\0b\n"
                              "D,2026-01-01,caf\xe9\n";
    p = write_temp(nul, sizeof nul - 1);
    pc = p;
    assert_int_equal(run(&pc, 1, &o, &res, &d), 0);
    char *probs = problems_dump(&res.problems);
    assert_string_equal(probs,
                        "2:1:invalid_patient_id:1: column 'patient_id': expected 1-64 characters "
                        "of A-Z a-z 0-9 . _ -, got \"A\\x00B\"\n"
                        "3:3:invalid_text:1: column 'site': a control character (byte 2) is not "
                        "allowed, got \"a\\x00b\"\n"
                        "4:3:invalid_text:1: column 'site': invalid UTF-8 at byte 4, got "
                        "\"caf\\xE9\"\n");
    free(probs);
    ingest_result_fini(&res);
    unlink(p);
    free(p);
    /* a 10 MB field */
    size_t big = 10u << 20;
    char *data = malloc(big + 100);
    int k = sprintf(data, "patient_id,session_date,adverse_events\nA,2026-01-01,");
    memset(data + k, 'n', big);
    k += (int)big;
    k += sprintf(data + k, "\nB,2026-01-02,ok\n");
    p = write_temp(data, (size_t)k);
    pc = p;
    assert_int_equal(run(&pc, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_accepted, 1);
    assert_int_equal(res.rejected_by_reason[REASON_TOO_LONG], 1);
    assert_int_equal(res.problems.v[0].line, 2);
    assert_int_equal(res.problems.v[0].column, 3);
    assert_true(strstr(res.problems.v[0].message, "10485760 characters, at most 1024 allowed"));
    assert_int_equal(strlen(res.problems.v[0].value), 256);
    ingest_result_fini(&res);
    unlink(p);
    free(p);
    free(data);
    /* 100,000 columns */
    struct sbuf b = {0};
    sbuf_printf(&b, "patient_id,session_date");
    for (int i = 0; i < 100000; i++)
        sbuf_printf(&b, ",c%d", i);
    sbuf_printf(&b, "\nA,2026-01-01");
    for (int i = 0; i < 100000; i++)
        sbuf_printf(&b, ",%d", i);
    sbuf_printf(&b, "\nB,2026-01-01\n");
    p = write_temp(b.s, b.n);
    pc = p;
    assert_int_equal(run(&pc, 1, &o, &res, &d), 0);
    assert_int_equal(res.rows_accepted, 1);
    assert_int_equal(res.nunknown, 100000);
    assert_int_equal(res.problems.v[0].line, 3);
    assert_string_equal(res.problems.v[0].message, "record has 2 fields, the header has 100002");
    assert_fingerprint(&res, 0, b.s, b.n); /* a header over several of the reader's blocks */
    ingest_result_fini(&res);
    unlink(p);
    free(p);
    free(b.s);
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ingest_edge_small_accounting),
        cmocka_unit_test(test_ingest_duplicates_conflicts_as_of),
        cmocka_unit_test(test_ingest_hama_monitoring_min),
        cmocka_unit_test(test_ingest_several_files_pool_rows),
        cmocka_unit_test(test_ingest_row_order_does_not_matter),
        cmocka_unit_test(test_ingest_threads_give_identical_results),
        cmocka_unit_test(test_ingest_forty_files_any_threads),
        cmocka_unit_test(test_ingest_unknown_header_bytes_as_given),
        cmocka_unit_test(test_ingest_file_column),
        cmocka_unit_test(test_ingest_absent_int_columns),
        cmocka_unit_test(test_ingest_narrow_text),
        cmocka_unit_test(test_ingest_narrow_store),
        cmocka_unit_test(test_ingest_narrow_kind_date),
        cmocka_unit_test(test_ingest_narrow_decimals),
        cmocka_unit_test(test_ingest_cr_only_line_ends),
        cmocka_unit_test(test_ingest_unreadable_inputs),
        cmocka_unit_test(test_ingest_hostile_contents),
    };
    apply_test_filter();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
