/* r_diff.c: the differential test of src/stats against R (driven by test_r_diff.sh).
 *
 *   r_diff cases FILE           writes the cases, drawn from a fixed seed (SplitMix64)
 *   r_diff compare CASES ROUT   runs our estimators on each case and compares them with what
 *                               r_diff.R wrote for the same cases (ROUT); prints every mismatch
 * (R_DIFF_SEED=N in the environment of both draws other cases, for exploring by hand.)
 *
 * A survival case is time, event and group vectors of a chosen shape (heavy ties, all events,
 * no events, one subject, identical groups, one group, many groups (5-15, and now and then
 * 16-100), one subject per group all
 * responding on one day, non-integer and very large times, more groups than the log-rank
 * limit). A proportion case is x of n. Compared, as R computes them:
 *  - survfit(Surv(t, e) ~ 1): every curve row (time, n.risk, n.event, n.censor, surv, std.err,
 *    lower, upper); R's Inf or NA must be our NaN and nothing else may be;
 *  - quantile(fit, c(.25, .5, .75), conf.int = TRUE): with the fit's median and limits, and
 *    stats_km_quantile for the quartiles;
 *  - survdiff(Surv(t, e) ~ factor(g)): chisq, df (= sum(exp > 0) - 1, as print.survdiff) and
 *    p. Where R stops (one group; solve() on a singular variance) ours is null with a reason;
 *    where R's df < 1 (R's p is NaN or 1) ours has R's chisq and df and p null with a reason;
 *    above STATS_LOGRANK_MAX_GROUPS groups ours is null with a reason whatever R says;
 *  - prop.test(x, n, correct = FALSE)$conf.int and binom.test(x, n)$conf.int; where R stops
 *    (n = 0) ours is null.
 * Tolerance: counts exact; every other number within 1e-9 absolute when |R| <= 1 and 1e-9
 * relative above (|ours - R| <= 1e-9 max(1, |R|)). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/stats.h"

#define TOL 1e-9
#define N_SURV 3000     /* survival cases */
#define N_PROP_RAND 300 /* random proportion cases, besides every x of n for n <= 40 */

static uint64_t rng_state = 20261201;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform in lo..hi inclusive */
static long rng_int(long lo, long hi)
{
    return lo + (long)(rng_next() % (uint64_t)(hi - lo + 1));
}

static double rng_unit(void)
{
    return (double)(rng_next() >> 11) / 9007199254740992.0;
}

struct scase {
    size_t n;
    int ngroups;
    double *t;
    int *e, *g;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("r_diff: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

/* Draws survival case i: its shape is i modulo the number of shapes. */
static void draw_case(long i, struct scase *c)
{
    int shape = (int)(i % 12);
    size_t n;
    int G;
    long tmax;
    double pev;
    switch (shape) {
    case 0: n = (size_t)rng_int(1, 40), G = (int)rng_int(1, 4), tmax = 4, pev = 0.5; break;
    case 1: n = (size_t)rng_int(1, 30), G = (int)rng_int(1, 3), tmax = 10, pev = 1; break;
    case 2: n = (size_t)rng_int(1, 30), G = (int)rng_int(1, 3), tmax = 10, pev = 0; break;
    case 3: n = 1, G = (int)rng_int(1, 2), tmax = 20, pev = 0.5; break;
    case 5: n = (size_t)rng_int(2, 40), G = 1, tmax = 30, pev = rng_unit(); break;
    case 6:
        n = (size_t)rng_int(10, 80), G = (int)rng_int(5, 15), tmax = 40, pev = rng_unit();
        break;
    case 7: /* one subject per group, everyone responding on one day: singular (R stops) */
        n = (size_t)rng_int(2, 6), G = (int)n, tmax = 14, pev = 1;
        break;
    case 10: n = (size_t)rng_int(2, 60), G = (int)rng_int(2, 3), tmax = 3, pev = 0.8; break;
    default: n = (size_t)rng_int(2, 60), G = (int)rng_int(2, 5), tmax = 60, pev = rng_unit(); break;
    }
    if (i % 60 == 6) { /* many groups, up to the log-rank limit */
        G = (int)rng_int(16, STATS_LOGRANK_MAX_GROUPS);
        n = (size_t)G * (size_t)rng_int(1, 3);
    }
    if (i % 250 == 11 && shape != 7) { /* more groups than the log-rank limit, now and then */
        G = STATS_LOGRANK_MAX_GROUPS + (int)rng_int(1, 6);
        n = (size_t)G + (size_t)rng_int(0, 20);
        tmax = 30;
    }
    c->n = n;
    c->ngroups = G;
    c->t = xmalloc(n * sizeof *c->t);
    c->e = xmalloc(n * sizeof *c->e);
    c->g = xmalloc(n * sizeof *c->g);
    long day = rng_int(1, tmax);
    for (size_t k = 0; k < n; k++) {
        c->t[k] = (double)rng_int(shape == 9 ? 0 : 1, tmax);
        c->e[k] = rng_unit() < pev;
        c->g[k] = (int)rng_int(0, G - 1);
        if (shape == 7 || (i % 250 == 11 && shape != 7 && k < (size_t)G)) {
            c->g[k] = (int)k; /* every group present */
            if (shape == 7)
                c->t[k] = (double)day;
        }
    }
    if (shape == 4 && n >= 2) { /* identical groups: one sample repeated in each group */
        size_t m = n / (size_t)(G < 2 ? 2 : G);
        if (m == 0)
            m = 1;
        for (size_t k = 0; k < n; k++) {
            c->t[k] = c->t[k % m];
            c->e[k] = c->e[k % m];
            c->g[k] = (int)(k / m) % c->ngroups;
        }
    }
    if (shape == 8) { /* not integers (the tally's sorting path); now and then a huge range */
        int huge = (i / 12) % 3 == 0;
        for (size_t k = 0; k < n; k++)
            c->t[k] = huge ? c->t[k] * 250000.5 : c->t[k] / 4 + 0.125;
    }
}

static void free_case(struct scase *c)
{
    free(c->t);
    free(c->e);
    free(c->g);
}

struct pcase {
    long x, n;
};

static size_t prop_cases(struct pcase **out)
{
    size_t cap = 2000, k = 0;
    struct pcase *v = xmalloc(cap * sizeof *v);
    v[k++] = (struct pcase){0, 0}; /* R stops: ours null */
    for (long n = 1; n <= 40; n++)
        for (long x = 0; x <= n; x++)
            v[k++] = (struct pcase){x, n};
    for (int i = 0; i < N_PROP_RAND; i++) {
        long n = i % 3 == 0   ? rng_int(41, 1000)
                 : i % 3 == 1 ? rng_int(1000, 100000)
                              : rng_int(100000, 5000000);
        long x = i % 10 == 0 ? 0 : i % 10 == 1 ? n : i % 10 == 2 ? 1 : rng_int(0, n);
        v[k++] = (struct pcase){x, n};
    }
    *out = v;
    return k;
}

static int write_cases(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "r_diff: %s: %s\n", path, strerror(errno));
        return 2;
    }
    for (long i = 0; i < N_SURV; i++) {
        struct scase c;
        draw_case(i, &c);
        fprintf(f, "S %ld %zu %d\n", i, c.n, c.ngroups);
        for (size_t k = 0; k < c.n; k++)
            fprintf(f, "%.17g%c", c.t[k], k + 1 < c.n ? ' ' : '\n');
        for (size_t k = 0; k < c.n; k++)
            fprintf(f, "%d%c", c.e[k], k + 1 < c.n ? ' ' : '\n');
        for (size_t k = 0; k < c.n; k++)
            fprintf(f, "%d%c", c.g[k], k + 1 < c.n ? ' ' : '\n');
        free_case(&c);
    }
    struct pcase *pc;
    size_t np = prop_cases(&pc);
    for (size_t i = 0; i < np; i++)
        fprintf(f, "P %zu %ld %ld\n", i, pc[i].x, pc[i].n);
    free(pc);
    if (fclose(f) != 0) {
        fprintf(stderr, "r_diff: %s: write failed\n", path);
        return 2;
    }
    return 0;
}

/* --- reading R's answers ------------------------------------------------------------------ */

struct reader {
    char *buf, *pos;
    const char *path;
};

/* The next whitespace-separated word, or NULL at the end. */
static const char *word(struct reader *r)
{
    while (*r->pos == ' ' || *r->pos == '\n' || *r->pos == '\t' || *r->pos == '\r')
        r->pos++;
    if (!*r->pos)
        return NULL;
    char *w = r->pos;
    while (*r->pos && *r->pos != ' ' && *r->pos != '\n' && *r->pos != '\t' && *r->pos != '\r')
        r->pos++;
    if (*r->pos)
        *r->pos++ = '\0';
    return w;
}

static void fail_read(const struct reader *r, const char *what)
{
    fprintf(stderr, "r_diff: %s: malformed R output: %s\n", r->path, what);
    exit(2);
}

static void expect(struct reader *r, const char *tag)
{
    const char *w = word(r);
    if (!w || strcmp(w, tag) != 0)
        fail_read(r, tag);
}

/* A number as R's sprintf("%.17g") writes it: NA, NaN, Inf, -Inf or a decimal. */
static double number(struct reader *r)
{
    const char *w = word(r);
    if (!w)
        fail_read(r, "a number");
    if (strcmp(w, "NA") == 0 || strcmp(w, "NaN") == 0)
        return NAN;
    if (strcmp(w, "Inf") == 0)
        return INFINITY;
    if (strcmp(w, "-Inf") == 0)
        return -INFINITY;
    char *end;
    double v = strtod(w, &end);
    if (*end)
        fail_read(r, w);
    return v;
}

/* "ERROR <words to the end of the line>" or numbers: returns 1 (and skips the line) for an
 * error. */
static int r_error(struct reader *r, char *msg, size_t cap)
{
    while (*r->pos == ' ')
        r->pos++;
    if (strncmp(r->pos, "ERROR", 5) != 0)
        return 0;
    char *nl = strchr(r->pos, '\n');
    size_t len = nl ? (size_t)(nl - r->pos) : strlen(r->pos);
    snprintf(msg, cap, "%.*s", (int)len, r->pos);
    r->pos += len;
    return 1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "r_diff: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    size_t cap = 1 << 20, n = 0;
    char *b = xmalloc(cap);
    size_t k;
    while ((k = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n - 1 == 0) {
            cap *= 2;
            b = realloc(b, cap);
            if (!b)
                exit(2);
        }
    }
    fclose(f);
    b[n] = '\0';
    return b;
}

/* --- comparing ---------------------------------------------------------------------------- */

static long mismatches, compared;
static double worst; /* the largest |ours - R| / max(1, |R|) among the finite values */

static void mismatch(const char *kind, long id, const char *what, double ours, double r)
{
    if (++mismatches <= 30)
        fprintf(stderr, "MISMATCH %s case %ld: %s: ours %.17g, R %.17g\n", kind, id, what, ours, r);
}

/* R's non-finite (NA, Inf) is our NaN; otherwise within TOL (absolute below 1, relative above). */
static void same(const char *kind, long id, const char *what, double ours, double r)
{
    compared++;
    if (!isfinite(r)) {
        if (!isnan(ours))
            mismatch(kind, id, what, ours, r);
        return;
    }
    double dev = fabs(ours - r) / fmax(1, fabs(r));
    if (dev > worst)
        worst = dev;
    if (!(dev <= TOL))
        mismatch(kind, id, what, ours, r);
}

static void same_count(const char *kind, long id, const char *what, long ours, double r)
{
    compared++;
    if (!((double)ours == r))
        mismatch(kind, id, what, (double)ours, r);
}

static long n_rows, n_r_stops, n_r_singular, n_df0, n_many, n_tested;

/* survfit: every curve row of R's fit against ours. */
static void compare_survfit(struct reader *r, const struct km *km, long id)
{
    expect(r, "K");
    double nrow = number(r);
    same_count("survfit", id, "number of curve rows", (long)km->ncurve, nrow);
    for (size_t k = 0; k < (size_t)nrow; k++) {
        double v[8];
        for (int j = 0; j < 8; j++)
            v[j] = number(r);
        if (k >= km->ncurve)
            continue;
        const struct km_row *w = &km->curve[k];
        char what[64];
        snprintf(what, sizeof what, "row %zu time", k);
        same("survfit", id, what, w->time, v[0]);
        snprintf(what, sizeof what, "row %zu n.risk", k);
        same_count("survfit", id, what, w->n_risk, v[1]);
        snprintf(what, sizeof what, "row %zu n.event", k);
        same_count("survfit", id, what, w->n_event, v[2]);
        snprintf(what, sizeof what, "row %zu n.censor", k);
        same_count("survfit", id, what, w->n_censor, v[3]);
        snprintf(what, sizeof what, "row %zu surv", k);
        same("survfit", id, what, w->surv, v[4]);
        snprintf(what, sizeof what, "row %zu std.err", k);
        same("survfit", id, what, w->std_err, v[5]);
        snprintf(what, sizeof what, "row %zu lower", k);
        same("survfit", id, what, w->lower, v[6]);
        snprintf(what, sizeof what, "row %zu upper", k);
        same("survfit", id, what, w->upper, v[7]);
        n_rows++;
    }
}

/* quantile(fit, c(.25, .5, .75), conf.int = TRUE): the fit's median and stats_km_quantile. */
static void compare_quantiles(struct reader *r, const struct km *km, long id)
{
    expect(r, "Q");
    static const double probs[3] = {0.25, 0.5, 0.75};
    for (int j = 0; j < 3; j++) {
        double q = number(r), lo = number(r), hi = number(r), oq, olo, ohi;
        if (stats_km_quantile(km, probs[j], &oq, &olo, &ohi) != 0)
            exit(2);
        if (j == 1) { /* the fit's own median is what the report prints */
            same("quantile", id, "median", km->median, q);
            same("quantile", id, "median lower", km->median_lo, lo);
            same("quantile", id, "median upper", km->median_hi, hi);
        }
        char what[48];
        snprintf(what, sizeof what, "quantile %g", probs[j]);
        same("quantile", id, what, oq, q);
        snprintf(what, sizeof what, "quantile %g lower", probs[j]);
        same("quantile", id, what, olo, lo);
        snprintf(what, sizeof what, "quantile %g upper", probs[j]);
        same("quantile", id, what, ohi, hi);
    }
}

/* The groups with a subject in case c. */
static int groups_present(const struct scase *c)
{
    int present = 0;
    char *seen = calloc((size_t)c->ngroups, 1);
    if (!seen)
        exit(2);
    for (size_t k = 0; k < c->n; k++)
        present += !seen[c->g[k]]++;
    free(seen);
    return present;
}

/* survdiff: chisq, df and p, or where R stops (or has df < 1, or there are more groups than
 * the limit) ours null with a reason. */
static void compare_logrank(struct reader *r, const struct scase *c, long id)
{
    double chisq, df, p;
    const char *why;
    if (stats_logrank(c->t, c->e, c->g, c->n, c->ngroups, &chisq, &df, &p, &why) != 0) {
        fputs("r_diff: out of memory\n", stderr);
        exit(2);
    }
    expect(r, "L");
    char msg[256];
    int present = groups_present(c);
    int r_stops = r_error(r, msg, sizeof msg);
    double rc = 0, rdf = 0, rp = 0;
    if (!r_stops) {
        rc = number(r);
        rdf = number(r);
        rp = number(r);
    }
    compared++;
    if (present > STATS_LOGRANK_MAX_GROUPS) { /* not computed, whatever R says */
        n_many++;
        if (!(isnan(chisq) && isnan(df) && isnan(p) && why && strstr(why, "more than")))
            mismatch("survdiff", id, "more groups than the limit: not null", chisq, rc);
    } else if (r_stops) {
        n_r_stops++;
        n_r_singular += strstr(msg, "singular") != NULL;
        if (!(isnan(chisq) && isnan(df) && isnan(p) && why)) {
            mismatch("survdiff", id, "R stops, ours is not null", chisq, NAN);
            fprintf(stderr, "  R: %s\n", msg);
        }
    } else if (rdf < 1) {
        n_df0++;
        if (!(isnan(p) && why))
            mismatch("survdiff", id, "df < 1: p not null", p, rp);
        same("survdiff", id, "chisq (df < 1)", chisq, rc);
        same("survdiff", id, "df (df < 1)", df, rdf);
    } else {
        n_tested++;
        if (why)
            mismatch("survdiff", id, why, NAN, rc);
        same("survdiff", id, "chisq", chisq, rc);
        same("survdiff", id, "df", df, rdf);
        same("survdiff", id, "p", p, rp);
    }
}

static void compare_survival(struct reader *r, const struct scase *c, long id)
{
    struct km km;
    if (stats_km_fit(c->t, c->e, c->n, &km) != 0) {
        fputs("r_diff: out of memory\n", stderr);
        exit(2);
    }
    compare_survfit(r, &km, id);
    compare_quantiles(r, &km, id);
    stats_km_fini(&km);
    compare_logrank(r, c, id);
}

static void compare_proportion(struct reader *r, const struct pcase *pc, long id)
{
    static const char *tags[2] = {"W", "B"};
    static const enum ci_method methods[2] = {CI_WILSON, CI_EXACT};
    static const char *names[2] = {"prop.test", "binom.test"};
    for (int j = 0; j < 2; j++) {
        expect(r, tags[j]);
        struct proportion p = stats_proportion(pc->x, pc->n, methods[j]);
        char msg[256];
        if (r_error(r, msg, sizeof msg)) {
            compared++;
            if (!(isnan(p.rate) && isnan(p.lo) && isnan(p.hi)))
                mismatch(names[j], id, "R stops, ours is not null", p.lo, NAN);
            continue;
        }
        double lo = number(r), hi = number(r);
        same(names[j], id, "lower", p.lo, lo);
        same(names[j], id, "upper", p.hi, hi);
        same(names[j], id, "rate", p.rate, (double)pc->x / (double)pc->n);
    }
}

static int compare(const char *cases_path, const char *r_path)
{
    struct reader r = {slurp(r_path), NULL, r_path};
    r.pos = r.buf;
    long ns = 0, np = 0;
    for (long i = 0; i < N_SURV; i++) {
        struct scase c;
        draw_case(i, &c);
        expect(&r, "S");
        if ((long)number(&r) != i)
            fail_read(&r, "case number");
        compare_survival(&r, &c, i);
        free_case(&c);
        ns++;
    }
    struct pcase *pc;
    size_t npc = prop_cases(&pc);
    for (size_t i = 0; i < npc; i++) {
        expect(&r, "P");
        if ((size_t)number(&r) != i)
            fail_read(&r, "proportion case number");
        compare_proportion(&r, &pc[i], (long)i);
        np++;
    }
    free(pc);
    if (word(&r))
        fail_read(&r, "more output than cases");
    free(r.buf);
    (void)cases_path;
    printf("r_diff: %ld survival cases (%ld curve rows; log-rank: %ld tested, %ld where R stops "
           "(%ld of them on a singular variance), %ld with df < 1, %ld above %d groups), "
           "%ld proportion cases (x2 methods); %ld values compared, largest deviation %.3g, "
           "%ld mismatches\n",
           ns, n_rows, n_tested, n_r_stops, n_r_singular, n_df0, n_many, STATS_LOGRANK_MAX_GROUPS,
           np, compared, worst, mismatches);
    return mismatches ? 1 : 0;
}

int main(int argc, char **argv)
{
    stats_init();
    const char *seed = getenv("R_DIFF_SEED"); /* other draws, to explore by hand; the test's
                                               * own run never sets it */
    if (seed && *seed)
        rng_state = strtoull(seed, NULL, 10);
    if (argc == 3 && strcmp(argv[1], "cases") == 0)
        return write_cases(argv[2]);
    if (argc == 4 && strcmp(argv[1], "compare") == 0)
        return compare(argv[2], argv[3]);
    fputs("usage: r_diff cases FILE | r_diff compare CASES R_OUTPUT\n", stderr);
    return 2;
}
