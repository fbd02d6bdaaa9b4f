/* benchmarks.c: benchmarks.csv (the published rates shipped with the tool, or --benchmarks
 * FILE) and --target, read into a struct benchmark_list (outcomes/benchmarks.h).
 *
 * The file is small (at most 1 MiB, read whole) and parsed with libcsv as an export is: RFC
 * 4180, a header row, column order free, names matched case-insensitively after trimming,
 * values trimmed, blank lines skipped. libcsv reports no positions, so the file is fed one
 * physical line at a time and a record's line is the one its first field started on (a quoted
 * citation may span lines). Unlike an export, a bad row is not set aside: a benchmark the user
 * asked for and did not get would be a silent loss on the report's first page, so the first
 * problem stops the run, as file:line:column: message. */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/benchmarks.h"
#include "outcomes/infile.h"
#include "outcomes/ingest.h"
#include "outcomes/columns.h"
#include "outcomes/sha256.h"
#include "outcomes/vec.h"

enum {
    BC_ID,
    BC_CITATION,
    BC_INSTRUMENT,
    BC_MEASURE,
    BC_POPULATION,
    BC_WINDOW,
    BC_RATE,
    BC_N,
    BC_COUNT
};
static const char *const bc_names[BC_COUNT] = {"id",         "citation", "instrument", "measure",
                                               "population", "window",   "rate",       "n"};

const char *benchmarks_measure_name(int m)
{
    return m == BM_REMISSION ? "remission" : "response";
}

const char *benchmarks_population_name(int p)
{
    return p == BM_COMPLETE_CASE ? "complete_case" : "missing_as_not_met";
}

void benchmarks_fini(struct benchmark_list *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].id);
        free(b->v[i].citation);
        free(b->v[i].window);
    }
    free(b->v);
    b->v = NULL;
    b->n = 0;
}

/* Drops the entries appended after `keep` (a failed read leaves the list as it was). */
static void truncate_list(struct benchmark_list *b, size_t keep)
{
    for (size_t i = keep; i < b->n; i++) {
        free(b->v[i].id);
        free(b->v[i].citation);
        free(b->v[i].window);
    }
    b->n = keep;
}

/* A rate: a plain decimal 0-1 ("0.536", ".5", "1") or a percentage 0-100 followed by '%'. */
static int parse_rate(const char *s, double *out)
{
    size_t n = strlen(s), digits = 0, dots = 0;
    int pct = n > 0 && s[n - 1] == '%';
    if (pct)
        n--;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)s[i]))
            digits++;
        else if (s[i] == '.')
            dots++;
        else
            return -1;
    }
    if (digits == 0 || dots > 1 || n > 20)
        return -1;
    char buf[24];
    memcpy(buf, s, n);
    buf[n] = '\0';
    double v = strtod(buf, NULL);
    if (pct)
        v /= 100;
    if (!(v >= 0 && v <= 1))
        return -1;
    *out = v;
    return 0;
}

struct bctx {
    const char *path;
    struct benchmark_list *out;
    struct diag *d;
    long line;     /* physical line being fed */
    long rec_line; /* line of the current record's first field */
    int in_record;
    int header_done;
    int col_of[16]; /* field index -> BC_*, -1 unknown; header fields beyond 16: error */
    int nheader;
    int field; /* field index in the current record */
    char *val[BC_COUNT];
    int failed;
};

static void trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (a < n && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    memmove(s, s + a, n - a);
    s[n - a] = '\0';
}

static void fail(struct bctx *c, long column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void fail(struct bctx *c, long column, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = 1;
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_set(c->d, DIAG_DATA, c->path, c->rec_line, column, "%s", msg);
}

static void on_field(void *data, size_t len, void *arg)
{
    struct bctx *c = arg;
    if (c->failed)
        return;
    if (!c->in_record) {
        c->in_record = 1;
        c->rec_line = c->line;
        c->field = 0;
    }
    int f = c->field++;
    char *s = malloc(len + 1);
    if (!s) {
        c->failed = 1;
        diag_set(c->d, DIAG_IO, NULL, 0, 0, "out of memory");
        return;
    }
    memcpy(s, data, len);
    s[len] = '\0';
    trim(s);
    if (!c->header_done) {
        if (f >= 16) {
            free(s);
            fail(c, f + 1, "%s", "too many columns in the header");
            return;
        }
        int col = -1;
        for (int k = 0; k < BC_COUNT; k++) {
            size_t i = 0;
            while (bc_names[k][i] && tolower((unsigned char)s[i]) == bc_names[k][i])
                i++;
            if (!bc_names[k][i] && !s[i])
                col = k;
        }
        for (int q = 0; q < f && col >= 0; q++)
            if (c->col_of[q] == col) {
                fail(c, f + 1, "column '%s' appears twice in the header", bc_names[col]);
                free(s);
                return;
            }
        c->col_of[f] = col; /* unknown columns are ignored, as in an export */
        c->nheader = f + 1;
        free(s);
        return;
    }
    if (f >= c->nheader) {
        free(s);
        fail(c, f + 1, "%s", "more fields than the header has");
        return;
    }
    int col = c->col_of[f];
    if (col < 0) {
        free(s);
        return;
    }
    free(c->val[col]);
    c->val[col] = s;
}

static int id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
            return 0;
    return 1;
}

/* text of at most 1000 characters, UTF-8, one line after the display rule (no C0 control other
 * than TAB, CR, LF); empty allowed for window, not for citation */
static int text_ok(const char *s, int allow_empty)
{
    size_t bad = 0;
    long chars = ingest_text_chars(s, strlen(s), &bad);
    if (chars < 0 || chars > 1000 || (!allow_empty && chars == 0))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n') || *p == 0x7f)
            return 0;
    return 1;
}

static long column_of(const struct bctx *c, int col)
{
    for (int q = 0; q < c->nheader; q++)
        if (c->col_of[q] == col)
            return q + 1;
    return 0;
}

static void on_row(int ch, void *arg)
{
    struct bctx *c = arg;
    (void)ch;
    if (c->failed)
        return;
    if (!c->in_record) /* a blank line */
        return;
    c->in_record = 0;
    if (!c->header_done) {
        c->header_done = 1;
        for (int k = 0; k < BC_COUNT; k++)
            if (!column_of(c, k)) {
                fail(c, 0, "the header has no column '%s' (expected " BENCHMARKS_HEADER ")",
                     bc_names[k]);
                return;
            }
        return;
    }
    if (c->field < c->nheader) {
        fail(c, c->field + 1, "%s", "fewer fields than the header has");
        goto clear;
    }
    struct benchmark b = {0};
    b.n = -1;
    const char *v[BC_COUNT];
    for (int k = 0; k < BC_COUNT; k++)
        v[k] = c->val[k] ? c->val[k] : "";
    if (!id_ok(v[BC_ID])) {
        fail(c, column_of(c, BC_ID), "id: expected 1-64 characters of [A-Za-z0-9._-], got '%s'",
             v[BC_ID]);
        goto clear;
    }
    if (!text_ok(v[BC_CITATION], 0)) {
        fail(c, column_of(c, BC_CITATION), "%s",
             "citation: expected text of 1-1000 characters (UTF-8, no control characters)");
        goto clear;
    }
    /* an instrument that can be the primary one (the column table's thresholds) */
    int icol = ingest_col_find(v[BC_INSTRUMENT]);
    if (icol < 0 || col_info(icol)->min_baseline < 0) {
        fail(c, column_of(c, BC_INSTRUMENT),
             "instrument: expected an instrument column name (phq9, madrs, ...), got '%s'",
             v[BC_INSTRUMENT]);
        goto clear;
    }
    b.instrument = icol;
    if (strcmp(v[BC_MEASURE], "response") == 0)
        b.measure = BM_RESPONSE;
    else if (strcmp(v[BC_MEASURE], "remission") == 0)
        b.measure = BM_REMISSION;
    else {
        fail(c, column_of(c, BC_MEASURE), "measure: expected response or remission, got '%s'",
             v[BC_MEASURE]);
        goto clear;
    }
    if (strcmp(v[BC_POPULATION], "complete_case") == 0)
        b.population = BM_COMPLETE_CASE;
    else if (strcmp(v[BC_POPULATION], "missing_as_not_met") == 0)
        b.population = BM_MISSING_AS_NOT_MET;
    else {
        fail(c, column_of(c, BC_POPULATION),
             "population: expected complete_case or missing_as_not_met, got '%s'",
             v[BC_POPULATION]);
        goto clear;
    }
    if (!text_ok(v[BC_WINDOW], 1)) {
        fail(c, column_of(c, BC_WINDOW), "%s",
             "window: expected text of at most 1000 characters (UTF-8, no control characters)");
        goto clear;
    }
    if (parse_rate(v[BC_RATE], &b.rate) != 0) {
        fail(c, column_of(c, BC_RATE),
             "rate: expected a proportion 0-1 (such as 0.536) or a percentage (53.6%%), got '%s'",
             v[BC_RATE]);
        goto clear;
    }
    if (*v[BC_N]) {
        char *end;
        errno = 0;
        long n = strtol(v[BC_N], &end, 10);
        if (errno || *end || n < 1 || !isdigit((unsigned char)v[BC_N][0]) || n > 100000000L) {
            fail(c, column_of(c, BC_N), "n: expected empty or a whole number >= 1, got '%s'",
                 v[BC_N]);
            goto clear;
        }
        b.n = n;
    }
    for (size_t i = 0; i < c->out->n; i++)
        if (!c->out->v[i].target && strcmp(c->out->v[i].id, v[BC_ID]) == 0 &&
            c->out->v[i].measure == b.measure && c->out->v[i].population == b.population &&
            c->out->v[i].instrument == b.instrument) {
            fail(c, column_of(c, BC_ID),
                 "id '%s' is listed twice for the same instrument, measure and population",
                 v[BC_ID]);
            goto clear;
        }
    if (vec_reserve(&c->out->v, c->out->n, sizeof *c->out->v) != 0 || !(b.id = strdup(v[BC_ID])) ||
        !(b.citation = strdup(v[BC_CITATION])) || !(b.window = strdup(v[BC_WINDOW]))) {
        free(b.id);
        free(b.citation);
        c->failed = 1;
        diag_set(c->d, DIAG_IO, NULL, 0, 0, "out of memory");
        goto clear;
    }
    c->out->v[c->out->n++] = b;
clear:
    for (int k = 0; k < BC_COUNT; k++) {
        free(c->val[k]);
        c->val[k] = NULL;
    }
}

int benchmarks_read(const char *path, struct benchmark_list *out, struct diag *d)
{
    static const struct infile_words words = {"cannot read the benchmarks file",
                                              "a benchmarks CSV file",
                                              "--benchmarks takes a regular file"};
    char *text;
    size_t len;
    int rc = infile_read_small(path, &words, 1u << 20, 4096, &text, &len, d);
    if (rc)
        return rc;
    size_t keep = out->n;
    struct bctx c = {.path = path, .out = out, .d = d};
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(text);
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    }
    const char *s = text, *end = text + len;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) /* a byte-order mark */
        s += 3;
    while (s < end && !c.failed) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s + 1) : (size_t)(end - s);
        c.line++;
        if (csv_parse(&p, s, n, on_field, on_row, &c) != n && !c.failed) {
            c.rec_line = c.in_record ? c.rec_line : c.line;
            fail(&c, c.in_record ? c.field + 1 : 1, "malformed CSV: %s",
                 csv_strerror(csv_error(&p)));
        }
        s += n;
    }
    if (!c.failed && csv_fini(&p, on_field, on_row, &c) != 0) {
        c.rec_line = c.in_record ? c.rec_line : c.line;
        fail(&c, c.in_record ? c.field + 1 : 1, "malformed CSV: %s",
             "an unterminated quoted field at the end of the file");
    }
    if (!c.failed && !c.header_done)
        diag_set(d, DIAG_DATA, path, 1, 0,
                 "the file is empty (expected the header " BENCHMARKS_HEADER ")"),
            c.failed = 1;
    csv_free(&p);
    for (int k = 0; k < BC_COUNT; k++)
        free(c.val[k]);
    char hex[65]; /* the digest of the bytes parsed, for the manifest */
    if (!c.failed && sha256_hex(text, len, hex) != 0)
        c.failed = diag_set(d, DIAG_IO, path, 0, 0, "hashing failed") != 0;
    free(text);
    if (!c.failed) {
        out->size = len;
        memcpy(out->sha256, hex, sizeof hex);
    }
    if (c.failed) {
        truncate_list(out, keep);
        return d->code ? (int)d->code : DIAG_DATA;
    }
    return 0;
}

int benchmarks_parse_target(const char *spec, const char *where, struct benchmark_list *out,
                            struct diag *d)
{
    size_t keep = out->n;
    int seen[2] = {0, 0};
    const char *s = spec;
    if (!*s)
        goto bad;
    while (*s) {
        const char *comma = strchr(s, ','), *stop = comma ? comma : s + strlen(s);
        const char *eq = memchr(s, '=', (size_t)(stop - s));
        if (!eq)
            goto bad;
        int m;
        if ((size_t)(eq - s) == 8 && strncmp(s, "response", 8) == 0)
            m = BM_RESPONSE;
        else if ((size_t)(eq - s) == 9 && strncmp(s, "remission", 9) == 0)
            m = BM_REMISSION;
        else
            goto bad;
        char val[32];
        size_t vl = (size_t)(stop - eq - 1);
        double rate;
        if (vl == 0 || vl >= sizeof val)
            goto bad;
        memcpy(val, eq + 1, vl);
        val[vl] = '\0';
        if (seen[m] || parse_rate(val, &rate) != 0)
            goto bad;
        seen[m] = 1;
        struct benchmark b = {0};
        b.instrument = -1;
        b.measure = m;
        b.population = BM_MISSING_AS_NOT_MET;
        b.rate = rate;
        b.n = -1;
        b.target = 1;
        if (vec_reserve(&out->v, out->n, sizeof *out->v) != 0 || !(b.id = strdup("target")) ||
            !(b.citation = strdup("the clinic's target (--target)")) || !(b.window = strdup(""))) {
            free(b.id);
            free(b.citation);
            truncate_list(out, keep);
            return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        }
        out->v[out->n++] = b;
        s = comma ? comma + 1 : stop;
        if (comma && !*s)
            goto bad;
    }
    return 0;
bad:
    truncate_list(out, keep);
    return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                    "%s: expected response=RATE and/or remission=RATE, comma-separated, each at "
                    "most once, a RATE 0-1 or a percentage (response=0.5,remission=30%%), got "
                    "'%s'",
                    where, spec);
}
