/* reader.c: a streaming reader of one export (or one record-aligned chunk of it) on libcsv.
 *
 * libcsv reports neither lines nor columns, so the reader feeds it one physical line at a time
 * (split at '\n' with memchr) and counts lines itself: a record's line is the physical line
 * where it starts, its column the 1-based field number. Each value is validated in the field
 * callback (libcsv reuses its field buffer) into a fixed-size staging row; the row callback
 * commits the row or records why it is rejected. On a strict-mode parse error the record is
 * rejected as malformed, the parser is re-initialised and reading resumes at the next line.
 * It does not de-duplicate, cut at the as-of date or sort: ingest.c does, over all files. */
#include "ingest_int.h"

#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/text.h"
#include "outcomes/instruments.h"
#include "outcomes/timestamp.h"
#include "outcomes/vec.h"

#define CSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI)
#define ROW_NOT_BEGUN 0 /* libcsv's parser state between records (libcsv.c) */

/* A value rejected while its record is still open: kept until the record ends, because a
 * wrong field count turns the whole record into one `malformed` problem instead. */
struct pending {
    long column;
    int col;
    int reason;
    char value[VALUE_KEEP_BYTES + 1];
    size_t nvalue;
    char message[512];
};

struct ingest_reader {
    const struct ingest_opts *opts;
    const char *path;
    uint32_t file_index;
    struct csv_parser csv;
    int csv_live;         /* csv initialised */
    struct schema schema; /* valid once have_schema */
    int have_schema;
    int stop_after_header; /* stop feeding after the header's line */
    int stopped;           /* ... and that happened */
    uint64_t fed;          /* bytes seen so far, BOM included */
    uint64_t header_end;   /* offset just past the header's last line */
    /* header collection */
    char **hdr;
    size_t nhdr, caphdr;
    long header_line;
    int header_done_in_line; /* the header ended inside the current line */
    /* BOM detection at the stream start */
    unsigned char bom[3];
    int nbom;
    int bom_decided;
    /* position */
    long line;          /* current physical line, 1-based */
    long rec_line;      /* line where the open record started */
    int skip_to_eol;    /* discarding the rest of a line after a parse error */
    uint64_t rec_bytes; /* bytes of the open record given to libcsv (CSV_RECORD_MAX) */
    int in_place;       /* the open record's fields point into the caller's buffer */
    /* the open record */
    size_t nfields;
    int any_filled;
    struct pending *pend;
    size_t npend, cappend;
    struct row_stage st;
    int filled_patient, filled_date;
    /* a long score file's row (SPEC section 16): its score is checked against its instrument's
     * range once the record ends (the two fields may come in either order) */
    int filled_instrument, filled_score;
    int long_col;          /* the instrument's score column, or -1 */
    int score_rc, score_v; /* parse_uint of the score */
    size_t score_field;
    char score_text[VALUE_KEEP_BYTES + 1];
    size_t nscore_text;
    char patient[64];
    char site[4 * TEXT_MAX_CHARS], clinician[4 * TEXT_MAX_CHARS], therapy[4 * TEXT_MAX_CHARS];
    char adverse[4 * ADVERSE_MAX_CHARS];
    struct int_range ranges[N_INT_COLS];
    /* output */
    struct rows *out;
    struct problem_list *probs;
    long rows_read;
    int oom;   /* out of memory inside a callback */
    int fatal; /* header problem found inside a callback */
    struct diag fatal_diag;
    char **unknown;
    size_t nunknown;
};

/* --- messages ------------------------------------------------------------------------------ */

/* Writes value as a quoted, printable string: control bytes and invalid UTF-8 as \xNN, long
 * values shortened with "...". */
static void show_value(const char *s, size_t n, char *out, size_t outn)
{
    size_t o = 0, bad = 0;
    int valid = n <= 4096 && ingest_utf8_chars(s, n, &bad) >= 0;
    if (outn < 16)
        return;
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* shortened only before a character: continuation bytes are copied whole (the 8
         * bytes kept free hold the 3 a sequence can still need, "...", the quote and NUL) */
        if ((o + 8 >= outn || i >= 60) && !(valid && (c & 0xc0) == 0x80)) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else if (c >= 0x80 && valid) {
            out[o++] = (char)c;
        } else {
            o += (size_t)snprintf(out + o, outn - o, "\\x%02X", c);
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

#define LABEL_ROOM (TEXT_ROOM(60) + 48) /* col_label's longest text */

/* "column 'phq9'" or, when the header names it differently, "column 'phq9' (\"PHQ-9 Total\")" */
static void col_label(const struct ingest_reader *r, int col, size_t field, char *out, size_t outn)
{
    const char *name = ingest_col_name((enum col)col);
    const char *hdr = field < r->schema.nfields ? r->schema.names[field] : name;
    char shown[TEXT_ROOM(60)]; /* the header as text, 60 characters at most */
    if (strcmp(hdr, name) == 0)
        snprintf(out, outn, "column '%s'", name);
    else
        snprintf(out, outn, "column '%s' (\"%s\")", name,
                 text_display(shown, sizeof shown, hdr, 60));
}

#if defined(__GNUC__)
#define COLD __attribute__((cold, noinline))
#else
#define COLD
#endif

/* Error paths are kept out of line so the per-field hot path stays small. */
COLD static void pend(struct ingest_reader *r, size_t field, int col, int reason, const char *s,
                      size_t n, const char *what)
{
    if (r->npend == r->cappend) {
        size_t cap = r->cappend ? r->cappend * 2 : 8;
        struct pending *p = realloc(r->pend, cap * sizeof *p);
        if (!p) {
            r->oom = 1;
            return;
        }
        r->pend = p;
        r->cappend = cap;
    }
    struct pending *p = &r->pend[r->npend++];
    char label[LABEL_ROOM], shown[128];
    p->column = (long)field + 1;
    p->col = col;
    p->reason = reason;
    p->nvalue = n < VALUE_KEEP_BYTES ? n : VALUE_KEEP_BYTES;
    memcpy(p->value, s, p->nvalue);
    p->value[p->nvalue] = '\0';
    col_label(r, col, field, label, sizeof label);
    show_value(s, n, shown, sizeof shown);
    snprintf(p->message, sizeof p->message, "%s: %s, got %s", label, what, shown);
}

/* --- value rules --------------------------------------------------------------------------- */

static int parse_uint(const char *s, size_t n, int *out)
{
    if (n == 0 || n > 4)
        return n > 4 && n < 40 ? -2 : -1; /* many digits: out of range if all digits */
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* Plain decimal: digits, at most one '.', at least one digit; no sign, no exponent. With at
 * most 15 significant digits the value is N / 10^k with N and 10^k exact doubles, and IEEE
 * division rounds that correctly: the same double strtod (and R) gives, without its cost.
 * Longer inputs go through strtod. */
static int parse_decimal(const char *s, size_t n, double *out, uint32_t *q)
{
    char buf[64];
    int digits = 0, dots = 0, frac = 0;
    uint64_t v = 0;
    if (n == 0 || n >= sizeof buf)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits++;
            frac += dots;
            v = v * 10 + (uint64_t)(s[i] - '0');
        } else if (s[i] == '.' && !dots) {
            dots++;
        } else {
            return -1;
        }
    }
    if (!digits)
        return -1;
    if (digits <= 15) {
        *out = (double)v / rows_pow10[frac];
        /* the same value as a row store decimal: v / 10^frac with v's trailing zeros taken
         * off is the same quotient, so its division gives the same double */
        while (frac > 0 && v % 10 == 0) {
            v /= 10;
            frac--;
        }
        *q = v < (1u << 28) - 1 ? (uint32_t)(v << 4) | (uint32_t)frac : ROWS_DEC_NOPACK;
        return 0;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    *q = ROWS_DEC_NOPACK;
    return 0;
}

static int lower_equal(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n && word[i]; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return i == n && word[i] == '\0';
}

/* An allowed word and its length (from the literal, so the two cannot disagree). */
struct word {
    const char *text;
    size_t n;
};
#define WORD(s)                                                                                    \
    {                                                                                              \
        s, sizeof s - 1                                                                            \
    }
static const struct word route_words[] = {WORD("iv"), WORD("im"), WORD("intranasal"),
                                          WORD("sublingual"), WORD("oral")};
static const struct word drug_words[] = {WORD("ketamine"), WORD("esketamine")};
static const struct word type_words[] = {WORD("assessment"), WORD("treatment")};
#undef WORD

/* The index of the word s[0..n) spells in any case, or -1: lengths first, then the bytes as
 * they are (the usual spelling), then case-insensitively. */
static inline int match_word(const char *s, size_t n, const struct word *words, int nwords)
{
    for (int i = 0; i < nwords; i++) {
        if (words[i].n != n)
            continue;
        size_t k = 0;
        while (k < n && s[k] == words[i].text[k])
            k++;
        if (k == n || lower_equal(s, n, words[i].text))
            return i;
    }
    return -1;
}

const char *ingest_route_name(int route)
{
    return route > 0 && route < ROUTE_COUNT ? route_words[route - 1].text : "";
}

const char *ingest_drug_name(int drug)
{
    return drug > 0 && drug < DRUG_COUNT ? drug_words[drug - 1].text : "";
}

/* Validates text against UTF-8, control characters and a length limit; copies it to dst. */
COLD static void bad_text(struct ingest_reader *r, size_t field, int col, const char *s, size_t n,
                          long chars, size_t bad, long max_chars)
{
    char what[96];
    if (chars < 0) {
        if (bad < n && ((unsigned char)s[bad] < 0x20 || s[bad] == 0x7f))
            snprintf(what, sizeof what, "a control character (byte %zu) is not allowed", bad + 1);
        else
            snprintf(what, sizeof what, "invalid UTF-8 at byte %zu", bad + 1);
        pend(r, field, col, REASON_TEXT, s, n, what);
    } else {
        snprintf(what, sizeof what, "%ld characters, at most %ld allowed", chars, max_chars);
        pend(r, field, col, REASON_TOO_LONG, s, n, what);
    }
}

/* 1 when every byte of s[0..n) is printable ASCII (0x20-0x7E); eight bytes at a time. */
static inline int printable_ascii(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
                return 0;
        return 1;
    }
    for (size_t i = 0;; i += 8) {
        if (i + 8 > n)
            i = n - 8; /* the last word overlaps the one before */
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t x = w ^ (ones * 0x7F);
        uint64_t del = ~(((x & low7) + low7) | x | low7);  /* bytes equal to 0x7F */
        uint64_t ctl = ~((w & low7) + ones * 0x60) & high; /* low seven bits below 0x20 */
        if ((w & high) | del | ctl)
            return 0;
        if (i + 8 == n)
            return 1;
    }
}

static void take_text(struct ingest_reader *r, size_t field, int col, const char *s, size_t n,
                      char *dst, size_t dstn, long max_chars, const char **ptr, size_t *len)
{
    size_t bad = 0;
    long chars = (long)n;
    if (!printable_ascii(s, n)) /* the common case: printable ASCII, one byte per character */
        chars = ingest_utf8_chars(s, n, &bad);
    if (chars < 0 || chars > max_chars || n > dstn) {
        bad_text(r, field, col, s, n, chars, bad, max_chars);
        return;
    }
    if (r->in_place) {
        *ptr = s; /* a plain line: its bytes stay put until the row is stored */
    } else {
        memcpy(dst, s, n); /* libcsv reuses its field buffer */
        *ptr = dst;
    }
    *len = n;
}

COLD static void bad_integer(struct ingest_reader *r, size_t field, int col, const char *s,
                             size_t n, int rc)
{
    char what[96];
    struct int_range rg = ingest_int_range(col);
    if (rc == -2 && all_digits(s, n))
        rc = 1;
    else if (rc == -2)
        rc = -1;
    if (rc < 0) {
        snprintf(what, sizeof what, "expected an integer %d-%d", rg.lo, rg.hi);
        pend(r, field, col, REASON_NOT_INTEGER, s, n, what);
    } else {
        snprintf(what, sizeof what, "out of range %d-%d", rg.lo, rg.hi);
        pend(r, field, col, REASON_OUT_OF_RANGE, s, n, what);
    }
}

/* Not a plain date: a date-time (SPEC section 16) is read off the hot path, else rejected. */
COLD static void bad_date(struct ingest_reader *r, size_t field, int col, const char *s, size_t n)
{
    const char *why = NULL;
    if (ingest_timestamp_parse(s, n, r->opts->date_us, r->opts->timezone, &r->st.date, &why) != 0)
        pend(r, field, col, REASON_DATE, s, n, why);
}

/* A long row's instrument: one of our score names or a LOINC code (instruments.h). */
static void take_instrument(struct ingest_reader *r, size_t field, const char *s, size_t n)
{
    r->filled_instrument = 1;
    const struct column_info *e = ingest_instrument_lookup(s, n);
    if (e) {
        r->long_col = e->col;
        return;
    }
    char what[400];
    size_t nt = N_CONFLICT_COLS, o = 0;
    const struct column_info *t = &ingest_columns[COL_PHQ9];
    o += (size_t)snprintf(what + o, sizeof what - o, "unknown instrument: expected one of");
    for (size_t k = 0; k < nt && o < sizeof what; k++)
        o += (size_t)snprintf(what + o, sizeof what - o, "%s %s", k ? "," : "", t[k].name);
    for (size_t k = 0, first = 1; k < nt && o < sizeof what; k++)
        if (t[k].loinc) {
            o += (size_t)snprintf(what + o, sizeof what - o, "%s %s",
                                  first ? ", or one of the LOINC codes" : ",", t[k].loinc);
            first = 0;
        }
    pend(r, field, COL_LONG_INSTRUMENT, REASON_CHOICE, s, n, what);
}

/* The end of a long row: its score, checked against its instrument's range, goes to that
 * instrument's column (the row is then an assessment with that one score). */
static void finish_long_row(struct ingest_reader *r)
{
    if (!r->filled_score)
        return; /* reported as missing */
    const char *s = r->score_text;
    const size_t n = r->nscore_text;
    char what[96];
    if (r->long_col < 0) { /* the instrument is unknown or missing: the score's form only */
        if (r->score_rc != 0 && !all_digits(s, n))
            pend(r, r->score_field, COL_LONG_SCORE, REASON_NOT_INTEGER, s, n,
                 "expected an integer");
        return;
    }
    const struct int_range *rg = &r->ranges[INT_INDEX(r->long_col)];
    const char *name = ingest_col_name((enum col)r->long_col);
    if (r->score_rc == 0 && r->score_v >= rg->lo && r->score_v <= rg->hi) {
        r->st.score[INT_INDEX(r->long_col)] = (int16_t)r->score_v;
    } else if (r->score_rc == 0 || (r->score_rc == -2 && all_digits(s, n))) {
        snprintf(what, sizeof what, "out of range %d-%d for %s", rg->lo, rg->hi, name);
        pend(r, r->score_field, COL_LONG_SCORE, REASON_OUT_OF_RANGE, s, n, what);
    } else {
        snprintf(what, sizeof what, "expected an integer %d-%d for %s", rg->lo, rg->hi, name);
        pend(r, r->score_field, COL_LONG_SCORE, REASON_NOT_INTEGER, s, n, what);
    }
}

#if defined(__GNUC__)
#define HOT_INLINE inline __attribute__((always_inline))
#else
#define HOT_INLINE inline
#endif

/* The characters of a patient_id: A-Z a-z 0-9 . _ - */
#define ID_RANGE(a, z)                                                                             \
    [a] = 1, [a + 1] = 1, [a + 2] = 1, [a + 3] = 1, [a + 4] = 1, [a + 5] = 1, [a + 6] = 1,         \
    [a + 7] = 1, [a + 8] = 1, [a + 9] = 1
static const unsigned char id_char[256] = {
    ID_RANGE('0', '9'), ID_RANGE('A', 'J'), ID_RANGE('K', 'T'), ['U'] = 1, ['V'] = 1,
    ['W'] = 1,          ['X'] = 1,          ['Y'] = 1,          ['Z'] = 1, ID_RANGE('a', 'j'),
    ID_RANGE('k', 't'), ['u'] = 1,          ['v'] = 1,          ['w'] = 1, ['x'] = 1,
    ['y'] = 1,          ['z'] = 1,          ['.'] = 1,          ['_'] = 1, ['-'] = 1};
#undef ID_RANGE

static HOT_INLINE void take_value(struct ingest_reader *r, size_t field, int col, const char *s,
                                  size_t n)
{
    switch (col) {
    case COL_PATIENT_ID: {
        r->filled_patient = 1;
        int ok = n <= 64;
        for (size_t i = 0; ok && i < n; i++)
            ok = id_char[(unsigned char)s[i]];
        if (!ok) {
            pend(r, field, col, REASON_PATIENT_ID, s, n,
                 "expected 1-64 characters of A-Z a-z 0-9 . _ -");
            return;
        }
        if (r->in_place) {
            r->st.patient = s;
        } else {
            memcpy(r->patient, s, n);
            r->st.patient = r->patient;
        }
        r->st.npatient = n;
        return;
    }
    case COL_SESSION_DATE: {
        r->filled_date = 1;
        int rc =
            r->opts->date_us ? date_parse_us(s, n, &r->st.date) : date_parse_iso(s, n, &r->st.date);
        if (rc != 0)
            bad_date(r, field, col, s, n); /* a date-time, or not a date */
        return;
    }
    case COL_SESSION_TYPE:
        r->st.type = match_word(s, n, type_words, 2);
        if (r->st.type < 0)
            pend(r, field, col, REASON_CHOICE, s, n, "expected treatment or assessment");
        return;
    case COL_ROUTE: {
        int k = match_word(s, n, route_words, 5);
        if (k < 0)
            pend(r, field, col, REASON_CHOICE, s, n,
                 "expected one of iv, im, intranasal, sublingual, oral");
        else
            r->st.route = k + 1;
        return;
    }
    case COL_DRUG: {
        int k = match_word(s, n, drug_words, 2);
        if (k < 0)
            pend(r, field, col, REASON_CHOICE, s, n, "expected ketamine or esketamine");
        else
            r->st.drug = k + 1;
        return;
    }
    case COL_DOSE_MG:
    case COL_WEIGHT_KG: {
        double v;
        uint32_t q;
        int dose = col == COL_DOSE_MG;
        if (parse_decimal(s, n, &v, &q) != 0) {
            pend(r, field, col, REASON_NOT_NUMBER, s, n,
                 "expected a plain decimal number such as 12.5 (no sign, no exponent)");
            return;
        }
        if (dose ? !(v > 0 && v <= 1000) : !(v >= 20 && v <= 350)) {
            pend(r, field, col, REASON_OUT_OF_RANGE, s, n,
                 dose ? "expected a dose above 0 and at most 1000 mg"
                      : "expected a weight from 20 to 350 kg");
            return;
        }
        if (dose) {
            r->st.dose_mg = v;
            r->st.dose_q = q;
        } else {
            r->st.weight_kg = v;
            r->st.weight_q = q;
        }
        return;
    }
    case COL_SITE:
        take_text(r, field, col, s, n, r->site, sizeof r->site, TEXT_MAX_CHARS, &r->st.site,
                  &r->st.nsite);
        return;
    case COL_CLINICIAN:
        take_text(r, field, col, s, n, r->clinician, sizeof r->clinician, TEXT_MAX_CHARS,
                  &r->st.clinician, &r->st.nclinician);
        return;
    case COL_CONCURRENT_THERAPY:
        take_text(r, field, col, s, n, r->therapy, sizeof r->therapy, TEXT_MAX_CHARS,
                  &r->st.therapy, &r->st.ntherapy);
        return;
    case COL_ADVERSE_EVENTS:
        take_text(r, field, col, s, n, r->adverse, sizeof r->adverse, ADVERSE_MAX_CHARS,
                  &r->st.adverse, &r->st.nadverse);
        return;
    case COL_LONG_INSTRUMENT: take_instrument(r, field, s, n); return;
    case COL_LONG_SCORE:
        r->filled_score = 1;
        r->score_rc = parse_uint(s, n, &r->score_v);
        r->score_field = field;
        r->nscore_text = n < VALUE_KEEP_BYTES ? n : VALUE_KEEP_BYTES;
        memcpy(r->score_text, s, r->nscore_text);
        return;
    default: { /* integer columns */
        int v = 0;
        int rc = parse_uint(s, n, &v);
        const struct int_range *rg = &r->ranges[INT_INDEX(col)];
        if (rc == 0 && v >= rg->lo && v <= rg->hi)
            r->st.score[INT_INDEX(col)] = (int16_t)v;
        else
            bad_integer(r, field, col, s, n, rc);
        return;
    }
    }
}

/* --- records ------------------------------------------------------------------------------- */

static void record_reset(struct ingest_reader *r)
{
    /* a record that begins before this physical line ends (after a carriage return ended the
     * last one) begins on it; one that begins on a later line is dated when its piece starts */
    r->rec_line = r->line;
    r->nfields = 0;
    r->any_filled = 0;
    r->npend = 0;
    r->filled_patient = r->filled_date = 0;
    r->filled_instrument = r->filled_score = 0;
    r->long_col = -1;
    memset(&r->st, 0, sizeof r->st);
    r->st.type = -1;
    r->st.patient = r->st.site = r->st.clinician = r->st.therapy = r->st.adverse = "";
    r->st.dose_mg = r->st.weight_kg = NAN;
    r->st.dose_q = r->st.weight_q = ROWS_DEC_ABSENT;
    for (int k = 0; k < N_INT_COLS; k++)
        r->st.score[k] = -1;
}

static void add_problem(struct ingest_reader *r, long column, int col, int reason, int first,
                        const char *value, size_t nvalue, const char *message)
{
    if (problem_list_add(r->probs, r->file_index, r->rec_line, column, col, reason, first, value,
                         nvalue, message) != 0)
        r->oom = 1;
}

static void reject_malformed(struct ingest_reader *r, long column, const char *message)
{
    r->rows_read++;
    add_problem(r, column, -1, REASON_MALFORMED, 1, "", 0, message);
}

/* A field of a data record (the schema is known and nothing failed). */
static HOT_INLINE void record_field(struct ingest_reader *r, const char *s, size_t n)
{
    size_t field = r->nfields++;
    if (n && ((unsigned char)s[0] <= ' ' || (unsigned char)s[n - 1] <= ' '))
        ingest_trim(&s, &n); /* libcsv trims unquoted fields; quoted ones may keep blanks */
    if (n == 0)
        return;
    r->any_filled = 1;
    if (field < r->schema.nfields) {
        int col = r->schema.field_col[field];
        if (col >= 0)
            take_value(r, field, col, s, n);
    }
}

/* One field of the open record from libcsv: the header's names, or a data record's field. */
static void take_field(struct ingest_reader *r, const char *s, size_t n)
{
    if (r->have_schema && !r->fatal) {
        record_field(r, s, n);
        return;
    }
    r->nfields++;
    if (r->fatal)
        return;
    ingest_trim(&s, &n);
    if (r->nhdr == r->caphdr) {
        size_t cap = r->caphdr ? r->caphdr * 2 : 32;
        char **h = realloc(r->hdr, cap * sizeof *h);
        if (!h) {
            r->oom = 1;
            return;
        }
        r->hdr = h;
        r->caphdr = cap;
    }
    char *name = malloc(n + 1);
    if (!name) {
        r->oom = 1;
        return;
    }
    memcpy(name, s, n);
    name[n] = '\0';
    r->hdr[r->nhdr++] = name;
}

static void on_field(void *data, size_t n, void *ctx)
{
    take_field(ctx, data ? data : "", n);
}

static void finish_header(struct ingest_reader *r);

static void on_row(int c, void *ctx)
{
    struct ingest_reader *r = ctx;
    (void)c;
    if (!r->have_schema) {
        finish_header(r);
        record_reset(r);
        return;
    }
    if (r->fatal) {
        record_reset(r);
        return;
    }
    if (!r->any_filled) { /* a blank record such as ",,,," counts as a blank line */
        record_reset(r);
        return;
    }
    r->rows_read++;
    if (r->nfields != r->schema.nfields) {
        char msg[160];
        snprintf(msg, sizeof msg, "record has %zu fields, the header has %zu", r->nfields,
                 r->schema.nfields);
        /* the column of the first missing or extra field */
        size_t first = r->nfields < r->schema.nfields ? r->nfields : r->schema.nfields;
        add_problem(r, (long)first + 1, -1, REASON_MALFORMED, 1, "", 0, msg);
        record_reset(r);
        return;
    }
    static const int required[4] = {COL_PATIENT_ID, COL_SESSION_DATE, COL_LONG_INSTRUMENT,
                                    COL_LONG_SCORE};
    const int filled[4] = {r->filled_patient, r->filled_date, r->filled_instrument,
                           r->filled_score};
    const int nrequired = r->schema.shape == SHAPE_LONG ? 4 : 2;
    if (r->schema.shape == SHAPE_LONG)
        finish_long_row(r);
    size_t nrows_problems = 0;
    for (int k = 0; k < nrequired; k++) {
        if (!filled[k]) {
            char msg[LABEL_ROOM + 32], label[LABEL_ROOM];
            col_label(r, required[k], (size_t)r->schema.col_field[required[k]], label,
                      sizeof label);
            snprintf(msg, sizeof msg, "%s: a value is required", label);
            add_problem(r, r->schema.col_field[required[k]] + 1, required[k], REASON_MISSING,
                        nrows_problems == 0, "", 0, msg);
            nrows_problems++;
        }
    }
    for (size_t i = 0; i < r->npend; i++, nrows_problems++)
        add_problem(r, r->pend[i].column, r->pend[i].col, r->pend[i].reason, nrows_problems == 0,
                    r->pend[i].value, r->pend[i].nvalue, r->pend[i].message);
    if (nrows_problems == 0) {
        if (r->st.type < 0)
            r->st.type = (r->st.dose_mg == r->st.dose_mg || r->st.route) ? SESSION_TREATMENT
                                                                         : SESSION_ASSESSMENT;
        r->st.file = r->file_index;
        r->st.line = (uint32_t)r->rec_line;
        if (rows_push(r->out, &r->st) != 0)
            r->oom = 1;
    }
    record_reset(r);
}

static int header_ready(struct ingest_reader *r, struct diag *d);

/* The header record is complete: build the schema at once (a CR-only file may carry data
 * records in the same "line"). A failure is kept and returned by the next feed. */
static void finish_header(struct ingest_reader *r)
{
    r->have_schema = 1;
    r->header_done_in_line = 1;
    r->schema.nfields = r->nhdr;
    r->schema.names = r->hdr;
    r->hdr = NULL;
    r->nhdr = r->caphdr = 0;
    r->schema.field_col = malloc((r->schema.nfields ? r->schema.nfields : 1) * sizeof(int));
    if (!r->schema.field_col) {
        r->oom = 1;
        return;
    }
    r->fatal = header_ready(r, &r->fatal_diag); /* later records: ignored until the caller stops */
}

/* --- the stream ---------------------------------------------------------------------------- */

static int space_blank_only(unsigned char c)
{
    return c == ' ';
}

static int csv_start(struct ingest_reader *r)
{
    if (csv_init(&r->csv, CSV_OPTIONS) != 0)
        return -1;
    csv_set_delim(&r->csv, (unsigned char)r->opts->delimiter);
    /* libcsv grows a field's buffer by a fixed block (128 bytes by default): a 10 MB field would
     * take 80,000 reallocs, each a full copy where realloc cannot remap. */
    csv_set_blk_size(&r->csv, 64 * 1024);
    if (r->opts->delimiter == '\t')
        csv_set_space_func(&r->csv, space_blank_only); /* a tab is a delimiter, not a blank */
    r->csv_live = 1;
    return 0;
}

struct ingest_reader *ingest_reader_new(const struct ingest_opts *opts, const char *path,
                                        uint32_t file_index, const struct schema *schema,
                                        struct rows *out, struct problem_list *probs)
{
    struct ingest_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->opts = opts;
    r->path = path;
    r->file_index = file_index;
    r->out = out;
    r->probs = probs;
    r->line = r->rec_line = 1;
    for (int k = 0; k < N_INT_COLS; k++)
        r->ranges[k] = ingest_int_range(COL_FIRST_INT + k);
    if (schema) {
        if (ingest_schema_copy(&r->schema, schema) != 0) {
            free(r);
            return NULL;
        }
        r->have_schema = 1;
        r->bom_decided = 1;
    }
    record_reset(r);
    if (csv_start(r) != 0) {
        ingest_reader_free(r);
        return NULL;
    }
    return r;
}

void ingest_reader_free(struct ingest_reader *r)
{
    if (!r)
        return;
    if (r->csv_live)
        csv_free(&r->csv);
    for (size_t i = 0; i < r->nhdr; i++)
        free(r->hdr[i]);
    free(r->hdr);
    ingest_schema_fini(&r->schema);
    free(r->pend);
    free(r->unknown);
    free(r);
}

static int oom(struct ingest_reader *r, struct diag *d)
{
    return diag_set(d, DIAG_IO, r->path, 0, 0, "out of memory while reading");
}

/* After the header record: build the schema, list unknown columns. */
static int header_ready(struct ingest_reader *r, struct diag *d)
{
    int rc = ingest_schema_build(&r->schema, r->opts, r->path, r->header_line, d);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < r->schema.nfields; i++) {
        if (r->schema.field_col[i] >= 0)
            continue;
        if (vec_reserve(&r->unknown, r->nunknown, sizeof *r->unknown) != 0)
            return oom(r, d);
        r->unknown[r->nunknown++] = r->schema.names[i];
    }
    return 0;
}

/* The fast path for the common line: a whole physical line, begun at a record boundary after
 * the header, with no quote character and no carriage return but one just before its '\n'.
 * libcsv splits such a line at each delimiter and trims blanks around each field; this does the
 * same split and leaves the trimming to on_field (ingest_trim removes a superset of libcsv's
 * blanks, and what libcsv would keep cannot start or end with them). A line that is blank once
 * trimmed gives no record, as in libcsv. Any other line goes to libcsv. Returns 1 when the line
 * was taken. tests/ingest/test_reader.c and fuzz_ingest.c check that both paths agree. */

/* 0x80 in each byte of w that equals the byte repeated in pat, 0 elsewhere (exact: no carries
 * between bytes). */
static inline uint64_t bytes_equal(uint64_t w, uint64_t pat)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    uint64_t x = w ^ pat;
    return ~(((x & low7) + low7) | x | low7);
}

static int plain_line(struct ingest_reader *r, const char *p, size_t n)
{
    size_t len = n - 1; /* without the '\n' */
    if (len && p[len - 1] == '\r')
        len--;
    if (memchr(p, '"', len) || memchr(p, '\r', len))
        return 0;
    const char delim = r->opts->delimiter;
    const char *s = p, *end = p + len;
    int blank = 1;
    for (const char *q = p; q < end && blank; q++)
        blank = *q == ' ' || (*q == '\t' && delim != '\t');
    if (blank)
        return 1; /* libcsv: blanks then a line end give no record */
    r->rec_line = r->line;
    r->in_place = 1;
    size_t i = 0;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* eight bytes at a time: the delimiters' positions from a byte-equality mask */
    const uint64_t pat = 0x0101010101010101ULL * (unsigned char)delim;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        for (uint64_t m = bytes_equal(w, pat); m; m &= m - 1) {
            const char *e = p + i + ((unsigned)__builtin_ctzll(m) >> 3);
            record_field(r, s, (size_t)(e - s));
            s = e + 1;
        }
    }
#endif
    for (; i < len; i++) {
        if (p[i] == delim) {
            record_field(r, s, (size_t)(p + i - s));
            s = p + i + 1;
        }
    }
    record_field(r, s, (size_t)(end - s));
    on_row('\n', r);
    r->in_place = 0;
    return 1;
}

/* A record longer than CSV_RECORD_MAX bytes (a broken export: a 1 GB line): rejected as
 * too_long without being held (libcsv would buffer it whole), the rest of its physical line
 * skipped; reading resumes at the next line. The piece p[0..n) is consumed. */
COLD static int too_long(struct ingest_reader *r, size_t n, int ends_line, struct diag *d)
{
    char msg[160];
    snprintf(msg, sizeof msg,
             "record longer than %u bytes (not read; the rest of its line is skipped)",
             (unsigned)CSV_RECORD_MAX);
    r->rows_read++;
    add_problem(r, 1, -1, REASON_TOO_LONG, 1, "", 0, msg);
    csv_free(&r->csv);
    r->csv_live = 0;
    if (r->oom || csv_start(r) != 0)
        return oom(r, d);
    record_reset(r);
    r->rec_bytes = 0;
    r->skip_to_eol = !ends_line;
    r->fed += n;
    if (ends_line)
        r->line++;
    return 0;
}

/* Feeds one piece of at most one physical line (ending with '\n' or not). */
static int feed_piece(struct ingest_reader *r, const char *p, size_t n, int ends_line,
                      struct diag *d)
{
    if (ends_line && r->have_schema && !r->skip_to_eol && !r->fatal && n <= CSV_RECORD_MAX &&
        r->csv.pstate == ROW_NOT_BEGUN && !r->opts->libcsv_only && plain_line(r, p, n)) {
        if (r->oom)
            return oom(r, d);
        r->fed += n;
        r->line++;
        return 0;
    }
    if (!r->skip_to_eol) {
        if (r->csv.pstate == ROW_NOT_BEGUN) {
            r->rec_line = r->line;
            if (!r->have_schema)
                r->header_line = r->line;
        }
        if (r->have_schema && !r->fatal && r->rec_bytes + n > CSV_RECORD_MAX)
            return too_long(r, n, ends_line, d);
        size_t used = csv_parse(&r->csv, p, n, on_field, on_row, r);
        r->rec_bytes = r->csv.pstate == ROW_NOT_BEGUN ? 0 : r->rec_bytes + n;
        if (r->oom)
            return oom(r, d);
        if (r->fatal) {
            *d = r->fatal_diag;
            return r->fatal;
        }
        if (used < n) {
            if (csv_error(&r->csv) != CSV_EPARSE)
                return oom(r, d);
            if (!r->have_schema)
                return diag_set(d, DIAG_DATA, r->path, r->line, (long)r->nfields + 1,
                                "the header is not valid CSV (a quote inside an unquoted name, "
                                "or text after a closing quote)");
            char msg[200];
            if (r->line != r->rec_line)
                snprintf(msg, sizeof msg,
                         "malformed quoting at line %ld (a quote inside an unquoted field, or "
                         "text after a closing quote)",
                         r->line);
            else
                snprintf(msg, sizeof msg,
                         "malformed quoting (a quote inside an unquoted field, or text after a "
                         "closing quote)");
            reject_malformed(r, (long)r->nfields + 1, msg);
            if (r->oom)
                return oom(r, d);
            if (r->line != r->rec_line)
                r->probs->v[r->probs->n - 1].at_line = r->line;
            csv_free(&r->csv);
            r->csv_live = 0;
            if (csv_start(r) != 0)
                return oom(r, d);
            record_reset(r);
            r->rec_bytes = 0;
            r->skip_to_eol = !ends_line;
        }
    }
    r->fed += n;
    if (ends_line) {
        r->line++;
        r->skip_to_eol = 0;
        if (r->header_done_in_line) {
            r->header_done_in_line = 0;
            r->header_end = r->fed;
            if (r->stop_after_header)
                r->stopped = 1;
        }
    }
    return 0;
}

static int feed_lines(struct ingest_reader *r, const char *buf, size_t len, struct diag *d)
{
    while (len && !r->stopped) {
        const char *nl = memchr(buf, '\n', len);
        size_t n = nl ? (size_t)(nl - buf) + 1 : len;
        int rc = feed_piece(r, buf, n, nl != NULL, d);
        if (rc != 0)
            return rc;
        buf += n;
        len -= n;
    }
    return 0;
}

int ingest_reader_feed(struct ingest_reader *r, const char *buf, size_t len, struct diag *d)
{
    static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};
    while (!r->bom_decided && len) {
        unsigned char c = (unsigned char)*buf;
        if (c != utf8_bom[r->nbom]) {
            r->bom_decided = 1;
            int rc = feed_lines(r, (const char *)r->bom, (size_t)r->nbom, d);
            if (rc != 0)
                return rc;
            break;
        }
        r->bom[r->nbom++] = c;
        buf++;
        len--;
        if (r->nbom == 3) {
            r->bom_decided = 1;
            r->fed += 3;
        }
    }
    return feed_lines(r, buf, len, d);
}

int ingest_reader_finish(struct ingest_reader *r, struct diag *d)
{
    if (!r->bom_decided) {
        r->bom_decided = 1;
        int rc = feed_lines(r, (const char *)r->bom, (size_t)r->nbom, d);
        if (rc != 0)
            return rc;
    }
    if (r->stopped)
        return 0;
    if (!r->skip_to_eol) {
        if (r->csv.pstate == ROW_NOT_BEGUN) {
            r->rec_line = r->line;
            if (!r->have_schema)
                r->header_line = r->line;
        }
        if (csv_fini(&r->csv, on_field, on_row, r) != 0) {
            if (!r->have_schema)
                return diag_set(d, DIAG_DATA, r->path, r->header_line, 0,
                                "the header has an unterminated quoted name");
            char msg[160];
            snprintf(msg, sizeof msg,
                     "unterminated quoted field: the record runs from line %ld to the end of the "
                     "file",
                     r->rec_line);
            reject_malformed(r, (long)r->nfields + 1, msg);
        }
        if (r->oom)
            return oom(r, d);
        if (r->fatal) {
            *d = r->fatal_diag;
            return r->fatal;
        }
    }
    if (r->header_done_in_line) { /* header without a line end */
        r->header_done_in_line = 0;
        r->header_end = r->fed;
    }
    if (!r->have_schema)
        return diag_set(d, DIAG_DATA, r->path, 0, 0,
                        "the file is empty: expected a header row naming the columns");
    return 0;
}

const struct schema *ingest_reader_schema(const struct ingest_reader *r)
{
    return r->have_schema && !r->fatal ? &r->schema : NULL;
}

uint64_t ingest_reader_header_end(const struct ingest_reader *r)
{
    return r->header_end;
}

int ingest_reader_at_boundary(const struct ingest_reader *r)
{
    return r->csv.pstate == ROW_NOT_BEGUN && !r->skip_to_eol;
}

long ingest_reader_rows_read(const struct ingest_reader *r)
{
    return r->rows_read;
}

long ingest_reader_lines(const struct ingest_reader *r)
{
    return r->line - 1;
}

void ingest_reader_unknown(const struct ingest_reader *r, char ***names, size_t *n)
{
    *names = r->unknown;
    *n = r->nunknown;
}

void ingest_reader_stop_after_header(struct ingest_reader *r)
{
    r->stop_after_header = 1;
}
