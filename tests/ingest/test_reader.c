/* test_reader.c: the streaming reader. Every input is re-read at every piece size from 1 byte
 * to its whole length (libcsv's own test habit) and must give the same rows and problems; every
 * problem message is checked with its line, column and text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "support.h"

/* n two-byte letters (\u00e9) as a string literal */
#define E4 "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
#define E10 E4 E4 "\xC3\xA9\xC3\xA9"
#define E20 E10 E10
#define E60 E20 E20 E20
#define E62 E60 "\xC3\xA9\xC3\xA9"
#define E63 E62 "\xC3\xA9"

/* Reads data in pieces of size piece; fills *rows_out and *probs_out dumps. Returns the rc. */
static int read_pieces(const char *data, size_t n, size_t piece, const struct ingest_opts *o,
                       char **rows_out, char **probs_out, struct diag *d)
{
    struct rows rows;
    struct problem_list probs = {0};
    assert_int_equal(rows_init(&rows), 0);
    struct ingest_reader *r = ingest_reader_new(o, "t.csv", 0, NULL, &rows, &probs);
    assert_non_null(r);
    int rc = 0;
    for (size_t off = 0; off < n && !rc; off += piece)
        rc = ingest_reader_feed(r, data + off, n - off < piece ? n - off : piece, d);
    if (!rc)
        rc = ingest_reader_finish(r, d);
    *rows_out = rows_dump(&rows, 1);
    *probs_out = problems_dump(&probs);
    ingest_reader_free(r);
    rows_fini(&rows);
    problem_list_fini(&probs);
    return rc;
}

/* Asserts that every piece size gives what the whole buffer gives, and returns that. */
static void read_all_sizes(const char *data, const struct ingest_opts *o, char **rows_out,
                           char **probs_out)
{
    size_t n = strlen(data);
    struct diag d;
    assert_int_equal(read_pieces(data, n, n ? n : 1, o, rows_out, probs_out, &d), 0);
    /* whole lines take the plain-line path where they can; libcsv alone must agree */
    struct ingest_opts only = *o;
    only.libcsv_only = 1;
    char *crows, *cprobs;
    assert_int_equal(read_pieces(data, n, n ? n : 1, &only, &crows, &cprobs, &d), 0);
    if (strcmp(crows, *rows_out) != 0 || strcmp(cprobs, *probs_out) != 0)
        fail_msg("libcsv alone differs:\n%s%s\nvs plain-line path:\n%s%s", crows, cprobs, *rows_out,
                 *probs_out);
    free(crows);
    free(cprobs);
    for (size_t piece = 1; piece < n; piece++) {
        char *rows, *probs;
        assert_int_equal(read_pieces(data, n, piece, o, &rows, &probs, &d), 0);
        if (strcmp(rows, *rows_out) != 0 || strcmp(probs, *probs_out) != 0)
            fail_msg("piece size %zu differs:\n%s%s\nvs whole:\n%s%s", piece, rows, probs,
                     *rows_out, *probs_out);
        free(rows);
        free(probs);
    }
}

/* BOM, CRLF, a quoted delimiter and quotes, a blank line, a quoted newline, a bad date, text
 * after a closing quote, and a last line without a line end. */
static const char mixed[] = "\xEF\xBB\xBF"
                            "Patient_ID , session_date,phq9,site\r\n"
                            "P1,2026-01-02,12,\"North, \"\"A\"\"\"\r\n"
                            "\r\n"
                            "P2,2026-01-03,,\"multi\nline\"\r\n"
                            "P3,2026-13-01,5,x\r\n"
                            "P4,2026-01-05,\"7\"x,y\n"
                            "   \n"
                            ",,,\n"
                            "P5,2026-01-06,3,z";

static void test_reader_every_piece_size_mixed(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes(mixed, &o, &rows, &probs);
    assert_string_equal(
        rows,
        "P1|2026-01-02|0|||North, "
        "\"A\"|||||nan|nan|12|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
        "P2|2026-01-03|0|||multi\nline|||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:"
        "4\n"
        "P5|2026-01-06|0|||z|||||nan|nan|3|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:10\n");
    assert_string_equal(
        probs,
        "6:2:invalid_date:1: column 'session_date': expected a real calendar date YYYY-MM-DD "
        "(1900-2199), got \"2026-13-01\"\n"
        "7:3:malformed:1: malformed quoting (a quote inside an unquoted field, or text after a "
        "closing quote)\n");
    free(rows);
    free(probs);
}

static void test_reader_every_piece_size_unterminated_quote(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,site\nA,2026-01-01,\"open\nB,2026-01-02,x\n", &o, &rows,
                   &probs);
    assert_string_equal(rows, "");
    assert_string_equal(probs, "2:3:malformed:1: unterminated quoted field: the record runs "
                               "from line 2 to the end of the file\n");
    free(rows);
    free(probs);
}

/* Lines the plain-line path takes (no quote): blanks around fields and whole blank lines,
 * empty fields, CR line ends, a CR inside a line (libcsv ends the record there, so the line
 * goes to libcsv), fields with inner blanks, too few and too many fields. */
static void test_reader_plain_lines_as_libcsv(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,phq9,site\n"
                   "  P1 ,\t2026-01-02\t, 12 ,  North  Wing  \n"
                   "\t \t\n"
                   " , , , \n"
                   "P2,2026-01-03,,\r\n"
                   "\r\n"
                   "P3,2026-01-04,4,a\rP4,2026-01-05,5,b\n"
                   "P5,2026-01-06,6\n"
                   "P6,2026-01-07,7,x,y\n"
                   "P7,2026-01-08,8,\x01x\n"
                   ",2026-01-09,9,z\n",
                   &o, &rows, &probs);
    assert_string_equal(
        rows, "P1|2026-01-02|0|||North  "
              "Wing|||||nan|nan|12|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
              "P2|2026-01-03|0||||||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:5\n"
              "P3|2026-01-04|0|||a|||||nan|nan|4|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:7\n"
              "P4|2026-01-05|0|||b|||||nan|nan|5|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:7\n");
    assert_string_equal(
        probs,
        "8:4:malformed:1: record has 3 fields, the header has 4\n"
        "9:5:malformed:1: record has 5 fields, the header has 4\n"
        "10:4:invalid_text:1: column 'site': a control character (byte 1) is not allowed, got "
        "\"\\x01x\"\n"
        "11:1:missing_required:1: column 'patient_id': a value is required\n");
    free(rows);
    free(probs);
    /* tab-delimited: a tab is a delimiter, not a blank */
    o.delimiter = '\t';
    read_all_sizes("patient_id\tsession_date\tsite\n"
                   " P1 \t 2026-01-02 \t a b \n"
                   "\t\t\n"
                   "  \n"
                   "P2\t2026-01-03\t\n",
                   &o, &rows, &probs);
    assert_string_equal(
        rows,
        "P1|2026-01-02|0|||a b|||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
        "P2|2026-01-03|0||||||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:5\n");
    assert_string_equal(probs, "");
    free(rows);
    free(probs);
}

/* Found by fuzz_ingest: a record that begins after a carriage return ended a multi-line record
 * begins on the CR's line, not on the line where the record before it began. */
static void test_reader_record_after_cr_on_its_own_line(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,site\n"
                   "P1,2026-01-02,\"a\n"
                   "b\"\rP2,2026-13-01,x\n"
                   "P3,2026-01-04,y\n",
                   &o, &rows, &probs);
    assert_string_equal(
        probs,
        "3:2:invalid_date:1: column 'session_date': expected a real calendar date YYYY-MM-DD "
        "(1900-2199), got \"2026-13-01\"\n");
    assert_string_equal(
        rows,
        "P1|2026-01-02|0|||a\nb|||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
        "P3|2026-01-04|0|||y|||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:4\n");
    free(rows);
    free(probs);
}

static void test_reader_field_count_and_quote_in_unquoted(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,site\n"
                   "A,2026-01-01\n"
                   "B,2026-01-02,x,extra\n"
                   "C,2026-01-03,Dr \"Bob\"\n"
                   "D,2026-01-04,ok\n",
                   &o, &rows, &probs);
    assert_string_equal(
        rows,
        "D|2026-01-04|0|||ok|||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:5\n");
    assert_string_equal(probs,
                        "2:3:malformed:1: record has 2 fields, the header has 3\n"
                        "3:4:malformed:1: record has 4 fields, the header has 3\n"
                        "4:3:malformed:1: malformed quoting (a quote inside an unquoted field, "
                        "or text after a closing quote)\n");
    free(rows);
    free(probs);
}

/* A quote error on a later line of a multi-line record names that line too. */
static void test_reader_quote_error_inside_multiline_record(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,concurrent_therapy\n"
                   "A,2026-01-01,\"first\nsecond\" oops\n"
                   "B,2026-01-02,ok\n",
                   &o, &rows, &probs);
    assert_string_equal(probs, "2:3:malformed:1: malformed quoting at line 3 (a quote inside an "
                               "unquoted field, or text after a closing quote)\n");
    assert_string_equal(
        rows,
        "B|2026-01-02|0|||||ok|||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:4\n");
    free(rows);
    free(probs);
}

/* SPEC section 1: a quoted text value may hold line breaks and tabs (a multi-line note, an
 * address): the row is accepted and the value kept as given (trimmed at its ends). An unknown
 * column is never validated. NUL and the other C0 control bytes still reject the value, and the
 * length limit counts characters (a line break is one). */
static void test_reader_multiline_text_accepted(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    static const char data[] =
        "patient_id,session_date,site,clinician,adverse_events,concurrent_therapy,notes\n"
        "P1,2026-01-02,\"North\nWing\",\"Dr\tA\",\"nausea\r\nheadache\",\" talk\rtherapy\n\","
        "\"x\n\x01y\"\n"
        "P2,2026-01-03,\"a\nb\x01\",,,,\n"
        "P3,2026-01-04,,\"c\n\x1f\",,,\n"
        "P4,2026-01-05,,,,\"\x7f\n\",\n"
        /* 62 two-byte letters, a line break and a letter: 64 characters, accepted; one more
         * letter is too long */
        "P5,2026-01-06,\"" E62 "\nx\",,,,\n"
        "P6,2026-01-07,\"" E63 "\nx\",,,,\n";
    read_all_sizes(data, &o, &rows, &probs);
    assert_string_equal(
        probs,
        "7:3:invalid_text:1: column 'site': a control character (byte 4) is not allowed, got "
        "\"a\\x0Ab\\x01\"\n"
        "9:4:invalid_text:1: column 'clinician': a control character (byte 3) is not allowed, "
        "got \"c\\x0A\\x1F\"\n"
        "11:6:invalid_text:1: column 'concurrent_therapy': a control character (byte 1) is not "
        "allowed, got \"\\x7F\"\n"
        "15:3:too_long:1: column 'site': 65 characters, at most 64 allowed, got \"" E20 E10
        "...\"\n");
    assert_string_equal(rows,
                        "P1|2026-01-02|0|||North\nWing|Dr\tA|talk\rtherapy|nausea\r\nheadache||"
                        "nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
                        "P5|2026-01-06|0|||" E62 "\nx|||||"
                        "nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:13\n");
    free(rows);
    free(probs);
}
/* 8 euro signs (3 bytes each) */
#define E8                                                                                         \
    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82" \
    "\xac"

/* One table row per value rule: the input value, the column, the expected message. */
static const struct {
    const char *header;
    const char *row;
    const char *problems;
} value_cases[] = {
    {"patient_id,session_date", ",2026-01-01",
     "2:1:missing_required:1: column 'patient_id': a value is required\n"},
    {"patient_id,session_date", "A,",
     "2:2:missing_required:1: column 'session_date': a value is required\n"},
    {"patient_id,session_date", "D 11,2026-01-01",
     "2:1:invalid_patient_id:1: column 'patient_id': expected 1-64 characters of A-Z a-z 0-9 . "
     "_ -, got \"D 11\"\n"},
    {"patient_id,session_date",
     "A234567890123456789012345678901234567890123456789012345678901234X,2026-01-01",
     "2:1:invalid_patient_id:1: column 'patient_id': expected 1-64 characters of A-Z a-z 0-9 . "
     "_ -, got \"A23456789012345678901234567890123456789012345678901234567890...\"\n"},
    {"patient_id,session_date,phq9", "A,2026-01-01,2O",
     "2:3:not_an_integer:1: column 'phq9': expected an integer 0-27, got \"2O\"\n"},
    {"patient_id,session_date,phq9", "A,2026-01-01,28",
     "2:3:out_of_range:1: column 'phq9': out of range 0-27, got \"28\"\n"},
    {"patient_id,session_date,phq9", "A,2026-01-01,-1",
     "2:3:not_an_integer:1: column 'phq9': expected an integer 0-27, got \"-1\"\n"},
    {"patient_id,session_date,phq9", "A,2026-01-01,12.0",
     "2:3:not_an_integer:1: column 'phq9': expected an integer 0-27, got \"12.0\"\n"},
    {"patient_id,session_date,madrs", "A,2026-01-01,00000000061",
     "2:3:out_of_range:1: column 'madrs': out of range 0-60, got \"00000000061\"\n"},
    {"patient_id,session_date,phq9_item9", "A,2026-01-01,4",
     "2:3:out_of_range:1: column 'phq9_item9': out of range 0-3, got \"4\"\n"},
    {"patient_id,session_date,sbp_pre", "A,2026-01-01,29",
     "2:3:out_of_range:1: column 'sbp_pre': out of range 30-300, got \"29\"\n"},
    {"patient_id,session_date,cadss", "A,2026-01-01,93",
     "2:3:out_of_range:1: column 'cadss': out of range 0-92, got \"93\"\n"},
    {"patient_id,session_date,dose_mg", "A,2026-01-01,0",
     "2:3:out_of_range:1: column 'dose_mg': expected a dose above 0 and at most 1000 mg, got "
     "\"0\"\n"},
    {"patient_id,session_date,dose_mg", "A,2026-01-01,1e2",
     "2:3:not_a_number:1: column 'dose_mg': expected a plain decimal number such as 12.5 (no "
     "sign, no exponent), got \"1e2\"\n"},
    {"patient_id,session_date,weight_kg", "A,2026-01-01,19.99",
     "2:3:out_of_range:1: column 'weight_kg': expected a weight from 20 to 350 kg, got "
     "\"19.99\"\n"},
    {"patient_id,session_date,route", "A,2026-01-01,pill",
     "2:3:invalid_choice:1: column 'route': expected one of iv, im, intranasal, sublingual, "
     "oral, got \"pill\"\n"},
    {"patient_id,session_date,drug", "A,2026-01-01,ketamin",
     "2:3:invalid_choice:1: column 'drug': expected ketamine or esketamine, got \"ketamin\"\n"},
    {"patient_id,session_date,session_type", "A,2026-01-01,visit",
     "2:3:invalid_choice:1: column 'session_type': expected treatment or assessment, got "
     "\"visit\"\n"},
    {"patient_id,session_date,site", "A,2026-01-01,\xff\xfe",
     "2:3:invalid_text:1: column 'site': invalid UTF-8 at byte 1, got \"\\xFF\\xFE\"\n"},
    {"patient_id,session_date,clinician",
     "A,2026-01-01,12345678901234567890123456789012345678901234567890123456789012345",
     "2:3:too_long:1: column 'clinician': 65 characters, at most 64 allowed, got "
     "\"123456789012345678901234567890123456789012345678901234567890...\"\n"},
    /* a long value is shown shortened before a character, never inside one: 60 bytes end
     * inside the 20th euro sign (3 bytes each), so it is kept whole */
    {"patient_id,session_date,clinician", "A,2026-01-01,a" E8 E8 E8 E8 E8 E8 E8 E8,
     "2:3:too_long:1: column 'clinician': 65 characters, at most 64 allowed, got "
     "\"a" E8 E8 "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac...\"\n"},
    /* two problems in one row: both listed, the first decides the reason */
    {"patient_id,session_date,phq9,madrs", "A,2026-02-30,99,x",
     "2:2:invalid_date:1: column 'session_date': expected a real calendar date YYYY-MM-DD "
     "(1900-2199), got \"2026-02-30\"\n"
     "2:3:out_of_range:0: column 'phq9': out of range 0-27, got \"99\"\n"
     "2:4:not_an_integer:0: column 'madrs': expected an integer 0-60, got \"x\"\n"},
};

static void test_reader_value_rules_messages(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    for (size_t i = 0; i < sizeof value_cases / sizeof *value_cases; i++) {
        char data[512], *rows, *probs;
        struct diag d;
        snprintf(data, sizeof data, "%s\n%s\n", value_cases[i].header, value_cases[i].row);
        assert_int_equal(read_pieces(data, strlen(data), strlen(data), &o, &rows, &probs, &d), 0);
        if (strcmp(probs, value_cases[i].problems) != 0)
            fail_msg("case %zu (%s): got\n%s", i, value_cases[i].row, probs);
        assert_string_equal(rows, "");
        free(rows);
        free(probs);
    }
}

/* A control character or DEL at every position of text values of 7 to 17 bytes is found (the
 * printable-ASCII check reads eight bytes at a time, the last word overlapping); UTF-8 letters
 * pass. */
static void test_reader_text_bytes_checked_everywhere(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    for (size_t n = 7; n <= 17; n++) {
        for (size_t at = 0; at < n; at++) {
            for (int bad = 0; bad < 2; bad++) {
                char value[32], data[128];
                memset(value, 'x', n);
                value[n] = '\0';
                value[at] = bad ? '\x7f' : '\x01';
                snprintf(data, sizeof data, "patient_id,session_date,site\nP1,2026-01-02,%s\n",
                         value);
                char *rows, *probs, want[64];
                struct diag d;
                assert_int_equal(
                    read_pieces(data, strlen(data), strlen(data), &o, &rows, &probs, &d), 0);
                assert_string_equal(rows, "");
                snprintf(want, sizeof want, "(byte %zu) is not allowed", at + 1);
                if (!strstr(probs, want))
                    fail_msg("n %zu at %zu: %s", n, at, probs);
                free(rows);
                free(probs);
            }
        }
    }
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,site\nP1,2026-01-02,Z\xC3\xBCrich Nord-Ost\n", &o,
                   &rows, &probs);
    assert_string_equal(probs, "");
    assert_non_null(strstr(rows, "Z\xC3\xBCrich Nord-Ost"));
    free(rows);
    free(probs);
}

static void test_reader_values_accepted_and_normalised(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,session_type,route,drug,dose_mg,weight_kg,phq9,"
                   "adverse_events,concurrent_therapy\n"
                   "a.B_c-9,2024-02-29,,IV,Ketamine,35.5,71,0,nausea|headache,\"  none \"\n"
                   "X,2026-01-01,,,,.5,,27,,\n"
                   "Y,2026-01-01,ASSESSMENT,Intranasal,,,,,,\n"
                   "Z,2026-01-01,,,,,350,,,\n",
                   &o, &rows, &probs);
    assert_string_equal(probs, "");
    /* session_type: empty with a dose or a route -> treatment (1), else assessment (0) */
    assert_string_equal(
        rows, "a.B_c-9|2024-02-29|1|iv|ketamine|||none|nausea|headache||35.5|71|0|-1|-1|-1|-1|-1|-"
              "1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
              "X|2026-01-01|1||||||||0.5|nan|27|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:3\n"
              "Y|2026-01-01|0|intranasal|||||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|"
              "c0|@0:4\n"
              "Z|2026-01-01|0||||||||nan|350|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:5\n");
    free(rows);
    free(probs);
}

static void test_reader_semicolon_us_dates_and_tab(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    o.delimiter = ';';
    o.date_us = 1;
    read_all_sizes("patient_id;session_date;site\nA;10/31/2026;\"a;b\"\nB;2026-10-31;x\n", &o,
                   &rows, &probs);
    assert_string_equal(
        rows,
        "A|2026-10-31|0|||a;b|||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n");
    assert_string_equal(probs, "3:2:invalid_date:1: column 'session_date': expected a real "
                               "calendar date MM/DD/YYYY (1900-2199), got \"2026-10-31\"\n");
    free(rows);
    free(probs);
    o.delimiter = '\t';
    o.date_us = 0;
    read_all_sizes("patient_id\tsession_date\tsite\nA\t2026-01-01\t two words \nB\t2026-01-02\t\n",
                   &o, &rows, &probs);
    assert_string_equal(probs, "");
    assert_string_equal(
        rows,
        "A|2026-01-01|0|||two words|||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
        "B|2026-01-02|0||||||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:3\n");
    free(rows);
    free(probs);
}

/* Header problems stop the run with file:line:column. */
static void test_reader_header_errors(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        long line, column;
        const char *message;
    } cases[] = {
        {"session_date,phq9\nx,1\n", 1, 0,
         "required column 'patient_id' is missing from the header"},
        {"patient_id,phq9\n", 1, 0, "required column 'session_date' is missing from the header"},
        {"patient_id,session_date,First Name\n", 1, 3,
         "column 'First Name' looks like a direct identifier; this tool only takes "
         "de-identified data (remove the column, or pass --allow-column 'First Name' after "
         "review: it is never read)"},
        {"patient_id,session_date,PHQ9,phq9\n", 1, 4,
         "the header names column 'phq9' twice (fields 3 and 4)"},
        {"", 0, 0, "the file is empty: expected a header row naming the columns"},
        {"\n\n  \n", 0, 0, "the file is empty: expected a header row naming the columns"},
        {"patient_id,\"session_date\n", 1, 0, "the header has an unterminated quoted name"},
        {"patient_id,session\"date\n", 1, 2,
         "the header is not valid CSV (a quote inside an unquoted name, or text after a closing "
         "quote)"},
    };
    struct ingest_opts o = default_opts();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *rows, *probs;
        struct diag d;
        diag_clear(&d);
        size_t n = strlen(cases[i].data);
        int rc = read_pieces(cases[i].data, n, n ? n : 1, &o, &rows, &probs, &d);
        assert_int_equal(rc, DIAG_DATA);
        assert_string_equal(d.file, "t.csv");
        assert_int_equal(d.line, cases[i].line);
        assert_int_equal(d.column, cases[i].column);
        assert_string_equal(d.message, cases[i].message);
        free(rows);
        free(probs);
    }
}

static void test_reader_allow_column_and_mapping(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    const char *allow[] = {"mrn"};
    struct colmap map = {0};
    map.header[COL_PATIENT_ID] = (char *)"Pseudonym";
    map.header[COL_PHQ9] = (char *)"PHQ-9 Total";
    o.allow = allow;
    o.nallow = 1;
    o.colmap = &map;
    char *rows, *probs;
    read_all_sizes("MRN,pseudonym,Session_Date,phq-9 total,notes\n123,K1,2026-01-01,30,hi\n", &o,
                   &rows, &probs);
    assert_string_equal(rows, "");
    assert_string_equal(probs, "2:4:out_of_range:1: column 'phq9' (\"phq-9 total\"): out of range "
                               "0-27, got \"30\"\n");
    free(rows);
    free(probs);
    /* a mapped header of 70 characters, 2 bytes each, is named by its first 59 and an ellipsis
     * (cut by characters, not bytes) */
    char hdr[160] = "", csv[400], want[400];
    for (int k = 0; k < 70; k++)
        strcat(hdr, "\xc3\x84");
    map.header[COL_PHQ9] = hdr;
    snprintf(csv, sizeof csv, "pseudonym,session_date,%s\nK1,2026-01-01,30\n", hdr);
    read_all_sizes(csv, &o, &rows, &probs);
    snprintf(want, sizeof want,
             "2:3:out_of_range:1: column 'phq9' (\"%.118s\xe2\x80\xa6\"): out of "
             "range 0-27, got \"30\"\n",
             hdr);
    assert_string_equal(probs, want);
    map.header[COL_PHQ9] = (char *)"PHQ-9 Total";
    free(rows);
    free(probs);
    struct diag d;
    const char *data = "Patient,session_date\n";
    assert_int_equal(read_pieces(data, strlen(data), 1, &o, &rows, &probs, &d), DIAG_DATA);
    assert_int_equal(d.line, 1);
    assert_int_equal(d.column, 0);
    assert_string_equal(d.message, "required column 'patient_id' (mapped to \"Pseudonym\") is "
                                   "missing from the header");
    free(rows);
    free(probs);
    data = "Pseudonym,session_date\n";
    o.colmap = NULL;
    assert_int_equal(read_pieces(data, strlen(data), 1, &o, &rows, &probs, &d), DIAG_DATA);
    assert_string_equal(d.message, "required column 'patient_id' is missing from the header");
    free(rows);
    free(probs);
}

/* Date-times in session_date (SPEC section 16): the date as written, at every piece size, on
 * both paths; an impossible time is rejected with its reason. */
static void test_reader_every_piece_size_timestamps(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,phq9\n"
                   "A,2026-10-05T14:30:00Z,20\n"
                   "A,\"2026-10-06 09:15:00\",18\n"
                   "A,2026-10-20T10:00:00-05:00,8\n"
                   "B,2026-10-05T25:00,20\n"
                   "B,2026-10-05 12:60,20\n"
                   "B,2026-10-05T12:30:00+24:00,20\n"
                   "B,2026-10-05T12:30:00 PM,20\n",
                   &o, &rows, &probs);
    assert_string_equal(
        rows, "A|2026-10-05|0||||||||nan|nan|20|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
              "A|2026-10-06|0||||||||nan|nan|18|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:3\n"
              "A|2026-10-20|0||||||||nan|nan|8|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:4\n");
    assert_string_equal(
        probs,
        "5:2:invalid_date:1: column 'session_date': impossible time: the hour must be 00-23, got "
        "\"2026-10-05T25:00\"\n"
        "6:2:invalid_date:1: column 'session_date': impossible time: the minute must be 00-59, "
        "got \"2026-10-05 12:60\"\n"
        "7:2:invalid_date:1: column 'session_date': impossible zone offset: expected Z or "
        "+HH:MM/-HH:MM up to 23:59, got \"2026-10-05T12:30:00+24:00\"\n"
        "8:2:invalid_date:1: column 'session_date': expected a date YYYY-MM-DD or a date-time: T "
        "or a space, HH:MM, optional :SS and fraction, optional Z or +HH:MM/-HH:MM, got "
        "\"2026-10-05T12:30:00 PM\"\n");
    free(rows);
    free(probs);
    o.date_us = 1;
    read_all_sizes("patient_id,session_date,phq9\n"
                   "A,10/5/2026 2:30 PM,20\n"
                   "A,10/06/2026 09:15:00,18\n"
                   "B,10/5/2026 13:00 PM,20\n",
                   &o, &rows, &probs);
    assert_string_equal(
        rows, "A|2026-10-05|0||||||||nan|nan|20|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
              "A|2026-10-06|0||||||||nan|nan|18|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:3\n");
    assert_string_equal(probs, "4:2:invalid_date:1: column 'session_date': impossible time: the "
                               "hour must be 1-12 with AM or PM, got \"10/5/2026 13:00 PM\"\n");
    free(rows);
    free(probs);
}

/* A long score file (SPEC section 16): one score per row, by name or LOINC code, in whichever
 * field order; each problem with its line, column and text; at every piece size. */
static void test_reader_every_piece_size_long(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    char *rows, *probs;
    read_all_sizes("score,Patient_ID,session_date,Instrument,site\n"
                   "20,A,2026-10-05,phq9,north\n"
                   "1,A,2026-10-05T09:00Z,44260-8,north\n"
                   "\"21\",A,2026-10-07,GAD7,\"south, 2\"\n"
                   "9,A,2026-10-07,70274-6,\n"
                   "31,B,2026-10-07,madrs,\n"
                   "22,B,2026-10-07,70274-6,\n"
                   "x,B,2026-10-07,qids_sr16,\n"
                   "5,B,2026-10-07,44262-0,\n"
                   "y,B,2026-10-07,phq,\n"
                   ",B,2026-10-07,phq9,\n"
                   "5,B,2026-10-07,,\n"
                   "64,B,2026-10-07,89209-1,\n",
                   &o, &rows, &probs);
    assert_string_equal(
        rows,
        "A|2026-10-05|0|||north|||||nan|nan|20|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
        "A|2026-10-05|0|||north|||||nan|nan|-1|1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:3\n"
        "A|2026-10-07|0|||south, 2|||||nan|nan|-1|-1|-1|-1|-1|-1|21|-1|-1|-1|-1|-1|-1|-1|c0|@0:4\n"
        "A|2026-10-07|0||||||||nan|nan|-1|-1|-1|-1|-1|-1|9|-1|-1|-1|-1|-1|-1|-1|c0|@0:5\n"
        "B|2026-10-07|0||||||||nan|nan|-1|-1|31|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:6\n");
    assert_string_equal(
        probs,
        "7:1:out_of_range:1: column 'score': out of range 0-21 for gad7, got \"22\"\n"
        "8:1:not_an_integer:1: column 'score': expected an integer 0-27 for qids_sr16, got "
        "\"x\"\n"
        "9:4:invalid_choice:1: column 'instrument' (\"Instrument\"): unknown instrument: expected "
        "one of phq9, phq9_item9, madrs, qids_sr16, hamd17, bdi2, gad7, hama, or one of the LOINC "
        "codes "
        "44261-6, 44260-8, 89209-1, 70274-6, got \"44262-0\"\n"
        /* the instrument decides the reason: the score is checked once the record ends */
        "10:4:invalid_choice:1: column 'instrument' (\"Instrument\"): unknown instrument: "
        "expected one of phq9, phq9_item9, madrs, qids_sr16, hamd17, bdi2, gad7, hama, or one of "
        "the "
        "LOINC codes 44261-6, 44260-8, 89209-1, 70274-6, got \"phq\"\n"
        "10:1:not_an_integer:0: column 'score': expected an integer, got \"y\"\n"
        "11:1:missing_required:1: column 'score': a value is required\n"
        "12:4:missing_required:1: column 'instrument' (\"Instrument\"): a value is required\n"
        "13:1:out_of_range:1: column 'score': out of range 0-63 for bdi2, got \"64\"\n");
    free(rows);
    free(probs);
}

/* The header of a long score file: mapped names, and the columns it may not have. */
static void test_reader_long_header(void **state)
{
    (void)state;
    struct ingest_opts o = default_opts();
    struct colmap map = {0};
    map.header[COL_LONG_INSTRUMENT] = (char *)"Questionnaire";
    map.header[COL_LONG_SCORE] = (char *)"Result Value";
    o.colmap = &map;
    char *rows, *probs;
    read_all_sizes("patient_id,session_date,questionnaire,result value,clinician,notes\n"
                   "A,2026-10-05,44261-6,12,c1,x\n"
                   "A,2026-10-05,44261-6,13,c1,x\n",
                   &o, &rows, &probs);
    assert_string_equal(
        rows,
        "A|2026-10-05|0||||c1||||nan|nan|12|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n"
        "A|2026-10-05|0||||c1||||nan|nan|13|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:3\n");
    assert_string_equal(probs, "");
    free(rows);
    free(probs);
    o.colmap = NULL;
    /* one of the two alone: an unknown column of a wide file */
    read_all_sizes("patient_id,session_date,score\nA,2026-10-05,12\n", &o, &rows, &probs);
    assert_string_equal(
        rows, "A|2026-10-05|0||||||||nan|nan|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|-1|c0|@0:2\n");
    free(rows);
    free(probs);
    static const struct {
        const char *data;
        long column;
        const char *message;
    } cases[] = {
        {"patient_id,session_date,instrument,score,phq9\n", 5,
         "column 'phq9' in a long score file (its header has 'instrument' and 'score'): a long "
         "file holds one score per row with patient_id, session_date, site and clinician; score "
         "columns belong in a wide file"},
        {"patient_id,dose_mg,session_date,instrument,score\n", 2,
         "column 'dose_mg' in a long score file (its header has 'instrument' and 'score'): a long "
         "file holds one score per row with patient_id, session_date, site and clinician; "
         "treatments and vitals belong in a file of their own"},
        {"patient_id,session_date,instrument,score,instrument\n", 5,
         "the header names column 'instrument' twice (fields 3 and 5)"},
        {"patient_id,instrument,score\n", 0,
         "required column 'session_date' is missing from the header"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct diag d;
        diag_clear(&d);
        size_t n = strlen(cases[i].data);
        assert_int_equal(read_pieces(cases[i].data, n, n, &o, &rows, &probs, &d), DIAG_DATA);
        assert_string_equal(d.file, "t.csv");
        assert_int_equal(d.line, 1);
        assert_int_equal(d.column, cases[i].column);
        assert_string_equal(d.message, cases[i].message);
        free(rows);
        free(probs);
    }
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_every_piece_size_mixed),
        cmocka_unit_test(test_reader_every_piece_size_unterminated_quote),
        cmocka_unit_test(test_reader_plain_lines_as_libcsv),
        cmocka_unit_test(test_reader_record_after_cr_on_its_own_line),
        cmocka_unit_test(test_reader_field_count_and_quote_in_unquoted),
        cmocka_unit_test(test_reader_quote_error_inside_multiline_record),
        cmocka_unit_test(test_reader_multiline_text_accepted),
        cmocka_unit_test(test_reader_value_rules_messages),
        cmocka_unit_test(test_reader_text_bytes_checked_everywhere),
        cmocka_unit_test(test_reader_values_accepted_and_normalised),
        cmocka_unit_test(test_reader_semicolon_us_dates_and_tab),
        cmocka_unit_test(test_reader_header_errors),
        cmocka_unit_test(test_reader_allow_column_and_mapping),
        cmocka_unit_test(test_reader_every_piece_size_timestamps),
        cmocka_unit_test(test_reader_every_piece_size_long),
        cmocka_unit_test(test_reader_long_header),
    };
    apply_test_filter();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
