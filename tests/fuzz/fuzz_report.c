/* fuzz_report.c: libFuzzer target over the whole report path on small inputs: ingest (files,
 * chunks, de-duplication, conflicts), the model, results.json, episodes.csv, rejects.csv and
 * the PDF. Checks the accounting identity.
 *
 * Two modes, by the first byte:
 *  - below 0x80 (every seed that is a CSV file): raw. The first byte picks options
 *    (instrument, endpoint, suppression, threads), the rest is the CSV; the PDF for one input
 *    in eight. Malformed input of every kind.
 *  - 0x80 and above: structured (struct gen). The bytes are read as choices that build a
 *    valid export of unusual shape -- how many patients, rows, episodes, strata values and
 *    unknown headers, dates near the reader's limits, scores at the thresholds, same-day rows
 *    and duplicates, text of 1 to 70 characters of 1- to 4-byte UTF-8 with quotes, delimiters,
 *    tabs and line breaks, one to four files -- and the options (instrument, endpoint, episode
 *    gap, baseline window, as-of date, period, suppression, CI method, threads). Raw mutations
 *    rarely get past the header; this reaches the model and the writers with data they accept.
 *    Here results.json must parse (valid UTF-8 throughout) and the PDF must be drawn.
 * Whenever the PDF is drawn, the input goes through report_run, the run `outcomes report` makes
 * (the inputs hashed beside the reading, episodes.csv formatted into the row memory it reuses,
 * the row columns freed on a thread of their own while the other outputs are made, the
 * manifest and the directory's commit), into a directory of the fuzzer's own; otherwise the
 * writers are called one by one, without the PDF (the slow part). */
#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcomes/date.h"
#include "outcomes/ingest.h"
#include "outcomes/model.h"
#include "outcomes/render.h"
#include "outcomes/report.h"
#include "outcomes/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_FILES 4

static char path[64], paths_s[MAX_FILES][64], outdir[64];

static void cleanup(void)
{
    if (outdir[0]) { /* report_run's directory: only the names it writes */
        char f[128];
        for (size_t k = 0; k < report_noutput_names; k++) {
            snprintf(f, sizeof f, "%s/%s", outdir, report_output_names[k]);
            unlink(f);
        }
        rmdir(outdir);
    }
    if (path[0])
        unlink(path);
    for (int k = 0; k < MAX_FILES; k++)
        if (paths_s[k][0] && !getenv("FUZZ_REPORT_KEEP"))
            unlink(paths_s[k]);
    render_shutdown(); /* fontconfig's caches, so that the leak check at exit is clean */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    stats_init();
    atexit(cleanup);
    return 0;
}

/* --- the structured mode ---------------------------------------------------------------------- */

/* The fuzzer's bytes as a stream of choices; when they run out every choice is 0. */
struct gen {
    const uint8_t *p, *end;
};

/* A choice in [0, n) (n >= 1): one byte, or two when n is over 256. */
static unsigned pick(struct gen *g, unsigned n)
{
    unsigned v = 0;
    if (g->p < g->end)
        v = *g->p++;
    if (n > 256 && g->p < g->end)
        v = v << 8 | *g->p++;
    return n ? v % n : 0;
}

/* One of a list of edge values, or (one time in four) any value in [lo, hi]. */
static int edge(struct gen *g, const int *edges, unsigned nedges, int lo, int hi)
{
    if (pick(g, 4) == 0)
        return lo + (int)pick(g, (unsigned)(hi - lo + 1));
    return edges[pick(g, nedges)];
}

struct buf {
    char *s;
    size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *q = realloc(b->s, cap);
        if (!q)
            abort();
        b->s = q;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Text of 1-70 characters: letters, blanks and 2-, 3- and 4-byte characters mostly, and now
 * and then a quote, '|', the delimiter, a TAB, a line break or two blanks (a quoted value may
 * hold them), or a Latin-1 byte. Values over 64 characters, and those with the Latin-1 byte,
 * are rejected by the reader, as they must be. */
static void gen_text(struct gen *g, char delim, struct buf *out)
{
    static const char *const common[] = {"a",
                                         "e",
                                         "k",
                                         "Z",
                                         "1",
                                         " ",
                                         "\xc3\xa9",
                                         "\xc3\xbc",
                                         "\xe2\x82\xac",
                                         "\xe6\x9d\xb1",
                                         "\xf0\x9f\x98\x80"};
    static const char *const rare[] = {"\"", "|",    "-",  "\t",
                                       "\n", "\r\n", "  ", "\xe9" /* Latin-1 */};
    unsigned len = 1 + pick(g, pick(g, 8) == 0 ? 70 : 12);
    for (unsigned k = 0; k < len; k++) {
        unsigned c = pick(g, 64);
        const char *piece = c < 62 ? common[c % 11] : rare[pick(g, 8)];
        if (strcmp(piece, "-") == 0) {
            char d[2] = {delim, 0};
            puts_(out, d);
        } else {
            puts_(out, piece);
        }
    }
}

/* Writes field f (n bytes) quoted when it must be (or when the choice says so). */
static void put_field(struct gen *g, struct buf *b, const char *f, size_t n, char delim)
{
    int quote = pick(g, 16) == 0;
    for (size_t i = 0; i < n; i++)
        quote |= f[i] == '"' || f[i] == delim || f[i] == '\n' || f[i] == '\r';
    if (n && (f[0] == ' ' || f[n - 1] == ' '))
        quote |= pick(g, 2);
    if (!quote) {
        put(b, f, n);
        return;
    }
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++)
        put(b, f[i] == '"' ? "\"\"" : &f[i], 1 + (f[i] == '"'));
    put(b, "\"", 1);
}

/* A pool of text values for one column (site, clinician, therapy, adverse events). At most
 * 250 values: the strata of a few hundred values are tests/cli/test_degenerate.sh's, and a
 * run stays fast. */
#define POOL_MAX 250
struct pool {
    struct buf v[POOL_MAX];
    unsigned n;
};

static void pool_fill(struct gen *g, struct pool *p, char delim)
{
    unsigned sizes[] = {1, 2, 3, 5, 12, 40, POOL_MAX};
    p->n = sizes[pick(g, 7)];
    for (unsigned k = 0; k < p->n; k++) {
        p->v[k] = (struct buf){0};
        if (pick(g, 3) == 0) { /* plain ASCII names, distinct */
            char t[32];
            snprintf(t, sizeof t, "value %u", k);
            puts_(&p->v[k], t);
        } else {
            gen_text(g, delim, &p->v[k]);
        }
    }
}

static void pool_free(struct pool *p)
{
    for (unsigned k = 0; k < p->n; k++)
        free(p->v[k].s);
}

/* The largest valid value of an integer column (the column table, columns.h). */
static int col_max(int c)
{
    return ingest_columns[c].hi;
}

/* The export under construction: its delimiter, date style and line end, the columns in file
 * order (canonical ones by enum col, unknown ones negative), the files' bytes, a scratch field,
 * and the pools of text values. */
struct built_export {
    char delim;
    int date_us;
    const char *eol;
    int cols[COL_COUNT + 4], ncols, nfiles;
    struct buf out[MAX_FILES], field;
    struct pool site, clin, ther, ae;
};

/* The options: delimiter, date style, threads, instrument, episode gap, baseline window,
 * endpoint (a FROM:TO name written into name), CI method, induction, suppression, paper. */
static void pick_options(struct gen *g, struct ingest_opts *io, struct model_opts *mo,
                         int *pdf_letter, char *name, size_t name_size)
{
    int instruments[COL_COUNT], ninstruments = 0; /* those that can be primary */
    for (int c = 0; c < COL_COUNT; c++)
        if (ingest_columns[c].min_baseline >= 0)
            instruments[ninstruments++] = c;
    static const char delims[] = {',', ';', '\t'};
    io->delimiter = delims[pick(g, 3)];
    io->date_us = pick(g, 8) == 0;
    io->threads = 1 + (int)pick(g, 4);
    io->min_chunk = 64;
    model_opts_default(mo, instruments[pick(g, (unsigned)ninstruments)]);
    mo->threads = 1 + (int)pick(g, 2);
    static const int gaps[] = {0, 1, 14, 90, 91, 365};
    mo->episode_gap = gaps[pick(g, 6)];
    static const int windows[] = {0, 1, 14, 30};
    mo->baseline_window = windows[pick(g, 4)];
    switch (pick(g, 5)) {
    case 0:
        mo->endpoint_from = mo->endpoint_to = 1;
        mo->endpoint_name = "1:1";
        break;
    case 1:
        mo->endpoint_from = 120;
        mo->endpoint_to = 240;
        mo->endpoint_name = "6m";
        break;
    case 2:
        mo->endpoint_from = 1 + (int)pick(g, 60);
        mo->endpoint_to = mo->endpoint_from + (int)pick(g, 90);
        snprintf(name, name_size, "%d:%d", mo->endpoint_from, mo->endpoint_to);
        mo->endpoint_name = name;
        break;
    default: break; /* induction */
    }
    mo->ci = pick(g, 2) ? CI_WILSON : CI_EXACT;
    /* --induction K:D from choices already made (no new pick, so the seeds keep their
     * meaning): K 1-9, D from K to K + 29 */
    mo->induction_k = 1 + mo->episode_gap % 9;
    mo->induction_d = mo->induction_k + mo->baseline_window % 30;
    static const int below[] = {0, 0, 0, 2, 3, 11, 1000};
    mo->suppress_below = below[pick(g, 7)];
    *pdf_letter = (int)pick(g, 2);
}

/* Days near the reader's limits, or today: returns the first day of the data; an --as-of and
 * a --period near it now and then. */
static int32_t pick_dates(struct gen *g, struct ingest_opts *io, struct model_opts *mo)
{
    static const int y0[] = {2026, 2026, 1900, 2199};
    int year = y0[pick(g, 4)];
    int32_t day0 = year == 2199 ? date_from_ymd(2199, 9, 1) : date_from_ymd(year, 1, 1);
    if (pick(g, 3) == 0) {
        io->have_as_of = 1;
        io->as_of = day0 + (int32_t)pick(g, 200) - 20;
    }
    if (pick(g, 3) == 0) {
        int m0 = date_month_index(day0) + (int)pick(g, 8) - 2;
        mo->period_all = 0;
        mo->period_from = m0;
        mo->period_to = m0 + (int)pick(g, 13);
    }
    return day0;
}

/* Columns: the two required ones, a choice of the others, unknown ones; in any order. */
static void pick_columns(struct gen *g, const struct model_opts *mo, struct built_export *x)
{
    int *cols = x->cols, ncols = 0;
    cols[ncols++] = COL_PATIENT_ID;
    cols[ncols++] = COL_SESSION_DATE;
    for (int c = COL_SESSION_TYPE; c < COL_COUNT; c++)
        if (c == mo->instrument || pick(g, 3))
            cols[ncols++] = c;
    int nunknown = (int)pick(g, 5);
    for (int k = 0; k < nunknown; k++)
        cols[ncols++] = -1 - k;
    for (int k = ncols - 1; k > 0; k--) {
        int j = (int)pick(g, (unsigned)k + 1), t = cols[k];
        cols[k] = cols[j];
        cols[j] = t;
    }
    x->ncols = ncols;
}

/* Each file's header line (a byte-order mark now and then). */
static void write_headers(struct gen *g, struct built_export *x)
{
    for (int f = 0; f < x->nfiles; f++) {
        if (pick(g, 8) == 0)
            puts_(&x->out[f], "\xef\xbb\xbf");
        for (int k = 0; k < x->ncols; k++) {
            x->field.n = 0;
            puts_(&x->field, "");
            if (x->cols[k] >= 0) {
                puts_(&x->field, ingest_col_name((enum col)x->cols[k]));
                if (pick(g, 8) == 0)
                    x->field.s[0] = (char)(x->field.s[0] - 'a' + 'A'); /* names match in any case */
            } else {
                puts_(&x->field, "x-");
                gen_text(g, x->delim, &x->field); /* an unknown header: anything, Latin-1 too */
            }
            if (k)
                put(&x->out[f], &x->delim, 1);
            put_field(g, &x->out[f], x->field.s, x->field.n, x->delim);
        }
        puts_(&x->out[f], x->eol);
    }
}

/* One patient's choices: id, and the site, clinician and therapy of most rows. */
struct patient {
    char pid[80];
    unsigned site, clin, ther;
};

/* An integer column's value: for the primary instrument baselines and the thresholds, for
 * blood pressure the flag levels, else the range's ends and 4, 5. */
static int int_value(struct gen *g, const struct model_opts *mo, int c)
{
    int lo = ingest_columns[c].lo, hi = col_max(c), smax = col_max(mo->instrument), x;
    if (c == mo->instrument) { /* baselines and the thresholds */
        const int e[] = {0,
                         smax,
                         mo->min_baseline,
                         mo->min_baseline - 1,
                         mo->remission_max,
                         mo->remission_max + 1,
                         mo->min_baseline / 2,
                         smax / 2};
        x = edge(g, e, 8, 0, smax);
    } else if (lo == 30) { /* blood pressure */
        const int e[] = {30, 300, 89, 90, 109, 110, 139, 140, 179, 180};
        x = edge(g, e, 10, 30, 300);
    } else {
        const int e[] = {0, 4, 5, hi};
        x = edge(g, e, 4, lo, hi);
    }
    return x < lo ? lo : x > hi ? hi : x; /* item 9 is 0-3 */
}

/* The value of column c in a row of patient pt on day (a treatment when treat): into v, or a
 * text value of the pools returned (v unused then). */
static const struct buf *column_value(struct gen *g, struct built_export *x,
                                      const struct model_opts *mo, const struct patient *pt, int c,
                                      int32_t day, int treat, char *v, size_t vsize)
{
    switch (c) {
    case COL_PATIENT_ID: snprintf(v, vsize, "%s", pt->pid); break;
    case COL_SESSION_DATE: {
        int y, m, d;
        date_to_ymd(day, &y, &m, &d);
        if (x->date_us)
            snprintf(v, vsize, "%d/%d/%04d", m, d, y);
        else
            date_format(day, v);
        break;
    }
    case COL_SESSION_TYPE: {
        static const char *const t[] = {"", "treatment", "assessment", "Treatment"};
        snprintf(v, vsize, "%s",
                 pick(g, 4) == 0 ? t[pick(g, 4)]
                 : treat         ? "treatment"
                                 : "assessment");
        break;
    }
    case COL_SITE: return &x->site.v[pick(g, 8) ? pt->site : pick(g, x->site.n)];
    case COL_CLINICIAN: return &x->clin.v[pick(g, 8) ? pt->clin : pick(g, x->clin.n)];
    case COL_CONCURRENT_THERAPY: return &x->ther.v[pt->ther];
    case COL_ADVERSE_EVENTS:
        if (pick(g, 2) == 0) {
            x->field.n = 0;
            puts_(&x->field, "");
            for (unsigned q = 0, nq = 1 + pick(g, 3); q < nq; q++) {
                if (q)
                    puts_(&x->field, "|");
                const struct buf *code = &x->ae.v[pick(g, x->ae.n)];
                put(&x->field, code->s, code->n);
            }
            return &x->field;
        }
        break;
    case COL_ROUTE: {
        static const char *const t[] = {"", "iv", "im", "intranasal", "sublingual", "oral", "IV"};
        snprintf(v, vsize, "%s", treat ? t[pick(g, 7)] : "");
        break;
    }
    case COL_DRUG: {
        static const char *const t[] = {"", "ketamine", "esketamine", "Esketamine"};
        snprintf(v, vsize, "%s", treat ? t[pick(g, 4)] : "");
        break;
    }
    case COL_DOSE_MG: {
        static const char *const t[] = {"", "0.5", ".5", "12", "12.5", "40", "56", "84", "1000"};
        snprintf(v, vsize, "%s", treat ? t[pick(g, 9)] : "");
        break;
    }
    case COL_WEIGHT_KG: {
        static const char *const t[] = {"", "20", "70.5", "80", "350"};
        snprintf(v, vsize, "%s", t[pick(g, 5)]);
        break;
    }
    default:
        if (col_is_int(c) && pick(g, 3))
            snprintf(v, vsize, "%d", int_value(g, mo, c));
        else if (c < 0)
            snprintf(v, vsize, "%s", pick(g, 4) ? "" : "note");
        break;
    }
    return NULL;
}

/* Patient pt's rows into one of the files: in courses of treatments with scores, at the
 * thresholds often; now and then an exact duplicate of a row, or a blank line. */
static void write_patient(struct gen *g, struct built_export *x, const struct model_opts *mo,
                          int32_t day0, unsigned pt)
{
    struct patient p;
    if (pick(g, 32) == 0) { /* the longest id */
        memset(p.pid, 'x', 64);
        snprintf(p.pid + 60, sizeof p.pid - 60, "%04u", pt % 10000);
    } else {
        snprintf(p.pid, sizeof p.pid, "P%u", pt);
    }
    int32_t day = day0 + (int32_t)pick(g, 120);
    unsigned nrows = 1 + pick(g, pick(g, 8) == 0 ? 90 : 10);
    struct buf *o = &x->out[pick(g, (unsigned)x->nfiles)];
    p.site = pick(g, x->site.n);
    p.clin = pick(g, x->clin.n);
    p.ther = pick(g, x->ther.n);
    for (unsigned r = 0; r < nrows && g->p < g->end; r++) {
        size_t row_start = o->n;
        static const int steps[] = {0, 1, 3, 7, 14, 28, 42, 43, 91, 120};
        day += steps[pick(g, 10)];
        int treat = pick(g, 3) != 0;
        for (int k = 0; k < x->ncols; k++) {
            char v[64] = "";
            const struct buf *tv = column_value(g, x, mo, &p, x->cols[k], day, treat, v, sizeof v);
            if (k)
                put(o, &x->delim, 1);
            if (tv)
                put_field(g, o, tv->s, tv->n, x->delim);
            else
                put_field(g, o, v, strlen(v), x->delim);
        }
        puts_(o, x->eol);
        if (pick(g, 12) == 0) { /* an exact duplicate of the row */
            size_t len = o->n - row_start;
            char *copy = malloc(len);
            if (!copy)
                abort();
            memcpy(copy, o->s + row_start, len);
            put(o, copy, len);
            free(copy);
        }
        if (pick(g, 32) == 0)
            puts_(o, x->eol); /* a blank line */
    }
}

/* Writes the files (paths_s) and frees the export. */
static void write_files(struct built_export *x)
{
    for (int f = 0; f < x->nfiles; f++) {
        if (!paths_s[f][0])
            snprintf(paths_s[f], sizeof paths_s[f], "/tmp/outcomes-fuzz-%ld-%d.csv", (long)getpid(),
                     f);
        FILE *fp = fopen(paths_s[f], "wb");
        if (!fp || fwrite(x->out[f].s, 1, x->out[f].n, fp) != x->out[f].n)
            abort();
        fclose(fp);
        free(x->out[f].s);
    }
    free(x->field.s);
    pool_free(&x->site);
    pool_free(&x->clin);
    pool_free(&x->ther);
    pool_free(&x->ae);
}

/* Builds the export into up to MAX_FILES files and the options (a FROM:TO endpoint's name into
 * endpoint_name); returns the number of files. */
static int structured_build(struct gen *g, struct ingest_opts *io, struct model_opts *mo,
                            int *pdf_letter, char *endpoint_name, size_t name_size)
{
    struct built_export x = {0};
    pick_options(g, io, mo, pdf_letter, endpoint_name, name_size);
    x.delim = io->delimiter;
    x.date_us = io->date_us;
    /* days near the reader's limits, or today */
    int32_t day0 = pick_dates(g, io, mo);
    /* columns: the two required ones, a choice of the others, unknown ones; in any order */
    pick_columns(g, mo, &x);
    pool_fill(g, &x.site, x.delim);
    pool_fill(g, &x.clin, x.delim);
    pool_fill(g, &x.ther, x.delim);
    pool_fill(g, &x.ae, x.delim);
    x.nfiles = 1 + (int)pick(g, MAX_FILES);
    x.eol = pick(g, 4) ? "\n" : "\r\n";
    write_headers(g, &x);
    /* patients: rows in courses of treatments with scores, at the thresholds often */
    unsigned npatients = 1 + pick(g, pick(g, 4) == 0 ? 400 : 12);
    for (unsigned pt = 0; pt < npatients && g->p < g->end; pt++)
        write_patient(g, &x, mo, day0, pt);
    write_files(&x);
    return x.nfiles;
}

/* FUZZ_REPORT_KEEP=1 fuzz_report INPUT: keeps the files a structured input built and prints
 * the `outcomes report` command that reads them with the same options, to reproduce a finding
 * with the tool itself. */
static int keep_files(void)
{
    return getenv("FUZZ_REPORT_KEEP") != NULL;
}

static void print_command(const struct ingest_opts *io, const struct model_opts *mo, int nfiles,
                          int letter)
{
    char day[11];
    fprintf(stderr,
            "outcomes report -o fuzz-out --threads %d --instrument %s --episode-gap %d "
            "--baseline-window %d --endpoint %d:%d --ci %s",
            io->threads, ingest_col_name((enum col)mo->instrument), mo->episode_gap,
            mo->baseline_window, mo->endpoint_from, mo->endpoint_to,
            mo->ci == CI_EXACT ? "exact" : "wilson");
    if (mo->suppress_below > 1)
        fprintf(stderr, " --suppress-below %d", mo->suppress_below);
    fprintf(stderr, " --induction %d:%d", mo->induction_k, mo->induction_d);
    if (io->have_as_of) {
        date_format(io->as_of, day);
        fprintf(stderr, " --as-of %s", day);
    }
    if (!mo->period_all)
        fprintf(stderr, " --period %04d-%02d..%04d-%02d", mo->period_from / 12,
                mo->period_from % 12 + 1, mo->period_to / 12, mo->period_to % 12 + 1);
    if (io->delimiter != ',')
        fprintf(stderr, " --delimiter '%s'", io->delimiter == ';' ? ";" : "\\t");
    if (io->date_us)
        fprintf(stderr, " --date-format us");
    if (letter)
        fprintf(stderr, " --paper letter");
    for (int f = 0; f < nfiles; f++)
        fprintf(stderr, " %s", paths_s[f]);
    fprintf(stderr, "\n");
}

/* The whole run through report_run. must_work: valid data (structured mode): the model and
 * the writers never fail and results.json parses. */
static void run_all(const char *const *paths, size_t n, const struct ingest_opts *io,
                    const struct model_opts *mo, int letter, int must_work)
{
    static const char *const argv[] = {"fuzz_report"};
    if (!outdir[0])
        snprintf(outdir, sizeof outdir, "/tmp/outcomes-fuzz-%ld-out", (long)getpid());
    struct report_request rq;
    memset(&rq, 0, sizeof rq);
    rq.files = paths;
    rq.nfiles = n;
    rq.ingest = *io;
    rq.model = *mo;
    rq.threads = io->threads > 1 ? io->threads : 1;
    rq.title = "Fuzz";
    rq.letter = letter;
    rq.period_label = "all";
    rq.dir = outdir;
    rq.argv = argv;
    rq.argc = 1;
    struct report_outputs out;
    struct diag d;
    int rc = report_run(&rq, &out, &d);
    const struct ingest_result *in = &out.in;
    if (out.stage > REPORT_READ &&
        in->rows_read != in->rows_accepted + in->rows_rejected + in->rows_duplicate)
        abort();
    if (rc && must_work && out.stage >= REPORT_MODEL && in->rows_accepted > 0) {
        fprintf(stderr, "report_run failed on valid data: %s\n", d.message);
        abort();
    }
    if (rc == 0 && must_work) { /* results.json must be JSON, which is UTF-8 */
        char f[128];
        json_error_t err;
        snprintf(f, sizeof f, "%s/results.json", outdir);
        json_t *back = json_load_file(f, 0, &err);
        if (!back)
            abort();
        json_decref(back);
    }
    report_outputs_fini(&out);
}

/* The writers one by one, without the PDF. */
static void writers(const struct ingest_result *in, const struct analysis *a, int check_json)
{
    struct report_input ri;
    size_t n;
    report_input_of(in, &ri);
    char *json = report_results_json(&ri, a, &n);
    if (check_json) { /* results.json must be JSON, which is UTF-8 */
        json_error_t err;
        json_t *back = json ? json_loadb(json, n, 0, &err) : NULL;
        if (!back)
            abort();
        json_decref(back);
    }
    free(json);
    char *part[2] = {NULL, NULL};
    size_t lens[2] = {0, 0};
    if (report_episodes_csv(&ri, a, 2, part, lens) == 0) {
        free(part[0]);
        free(part[1]);
    }
    free(report_rejects_csv(&ri, &n));
}

static void structured(const uint8_t *data, size_t size)
{
    struct gen g = {data, data + size};
    struct ingest_opts io;
    struct model_opts mo;
    int letter = 0;
    char endpoint_name[24];
    memset(&io, 0, sizeof io);
    int nfiles = structured_build(&g, &io, &mo, &letter, endpoint_name, sizeof endpoint_name);
    int draw = pick(&g, 2) == 0; /* the PDF for one input in two: it is the slow part */
    const char *paths[MAX_FILES];
    for (int f = 0; f < nfiles; f++)
        paths[f] = paths_s[f];
    if (keep_files())
        print_command(&io, &mo, nfiles, letter);
    if (draw) {
        run_all(paths, (size_t)nfiles, &io, &mo, letter, 1);
        return;
    }
    struct ingest_result in;
    struct analysis a;
    struct diag d;
    memset(&a, 0, sizeof a);
    if (ingest_run(paths, (size_t)nfiles, &io, &in, &d) == 0) {
        if (in.rows_read != in.rows_accepted + in.rows_rejected + in.rows_duplicate)
            abort();
        if (in.rows_accepted > 0 && model_run(&in, &mo, &a, &d) != 0) {
            /* valid data: the model gives a result (nulls with reasons), never an error */
            fprintf(stderr, "model_run failed on valid data: %s\n", d.message);
            abort();
        }
        if (in.rows_accepted > 0)
            writers(&in, &a, 1);
        model_fini(&a);
    }
    ingest_result_fini(&in);
}

/* --- both modes ---------------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] >= 0x80) {
        structured(data + 1, size - 1);
        return 0;
    }
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/outcomes-fuzz-%ld.csv", (long)getpid());
    }
    uint8_t opt = data[0];
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    struct ingest_opts io;
    memset(&io, 0, sizeof io);
    io.delimiter = ',';
    io.threads = 1 + (opt & 1);
    io.min_chunk = 64;
    const char *paths[] = {path};
    struct model_opts mo;
    static const int instruments[] = {COL_PHQ9, COL_MADRS, COL_GAD7};
    model_opts_default(&mo, instruments[(opt >> 1) % 3]);
    if (opt & 8) {
        mo.endpoint_from = 1;
        mo.endpoint_to = 20;
        mo.endpoint_name = "1:20";
    }
    mo.suppress_below = (opt & 16) ? 3 : 0;
    if ((opt & 0xE0) == 0) { /* the PDF: the whole run */
        run_all(paths, 1, &io, &mo, 0, 0);
        return 0;
    }
    struct ingest_result in;
    struct analysis a;
    struct diag d;
    memset(&a, 0, sizeof a);
    if (ingest_run(paths, 1, &io, &in, &d) == 0) {
        if (in.rows_read != in.rows_accepted + in.rows_rejected + in.rows_duplicate)
            abort();
        if (model_run(&in, &mo, &a, &d) == 0)
            writers(&in, &a, 0);
        model_fini(&a);
    }
    ingest_result_fini(&in);
    return 0;
}
