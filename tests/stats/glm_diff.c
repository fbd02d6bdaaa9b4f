/* glm_diff.c: the differential test of stats_glm_logit against R (driven by test_glm_diff.sh).
 *
 *   glm_diff cases FILE           writes the cases, drawn from a fixed seed (SplitMix64)
 *   glm_diff compare CASES ROUT   fits each case and compares with what glm_diff.R wrote
 *
 * A case is a design matrix of the shapes the funnel's model takes (an intercept; a baseline
 * score 10-27; dummies of one or two factors with 2-4 levels, now and then a level that never
 * occurs or a factor decided by the other; a constant baseline; n from 1 to 80) and a 0/1
 * response drawn from a logistic model, or all 1, all 0, or separated by the baseline. R fits
 * it with stats::glm.fit(X, y, family = binomial()) (what glm() calls). Compared: converged,
 * iterations, rank, R's warning "fitted probabilities numerically 0 or 1 occurred", every
 * coefficient (NA where aliased: ours NaN) and every fitted value, within 1e-6 (absolute below
 * 1, relative above: SPEC 11's tolerance); the coefficients norm-wise, within 1e-6 times the
 * largest of the case's coefficients: where every y is 1 (or 0) the intercept runs to 24.6 and
 * the others are rounding noise of 1e-9 to 2e-6 in R and in ours alike. Where R stops with an
 * error or ends on non-finite coefficients, ours must report an error. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/stats.h"

#define TOL 1e-6
#define N_CASES 1500
#define MAXN 80
#define MAXP 8

static uint64_t rng_state = 20261216;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static long rng_int(long lo, long hi)
{
    return lo + (long)(rng_next() % (uint64_t)(hi - lo + 1));
}

static double rng_unit(void)
{
    return (double)(rng_next() >> 11) / 9007199254740992.0;
}

struct gcase {
    size_t n, p;
    double x[MAXN * MAXP], y[MAXN];
};

static void draw(long i, struct gcase *c)
{
    int shape = (int)(i % 8);
    c->n = (size_t)(i % 25 == 0 ? rng_int(1, 3) : rng_int(4, MAXN));
    int lev1 = (int)rng_int(2, 4), lev2 = (int)rng_int(2, 3);
    int f1 = shape == 1 || shape == 5 || shape == 7, f2 = shape == 7, base = shape != 6;
    c->p = 1 + (size_t)base + (size_t)(f1 ? lev1 - 1 : 0) + (size_t)(f2 ? lev2 - 1 : 0);
    double a = rng_unit() * 4 - 2, b = (rng_unit() - 0.5) * 0.4;
    int cut = (int)rng_int(12, 25);
    for (size_t r = 0; r < c->n; r++) {
        double *row = c->x + r * c->p;
        size_t col = 0;
        row[col++] = 1;
        int bs = shape == 4 ? 15 : (int)rng_int(10, 27);
        if (base)
            row[col++] = bs;
        int l1 = (int)rng_int(0, lev1 - 1);
        if (shape == 5 && l1 == lev1 - 1)
            l1 = 0; /* the last level never occurs: an all-zero column */
        if (f1) {
            for (int l = 1; l < lev1; l++)
                row[col++] = l1 == l;
        }
        if (f2) {
            int l2 = i % 16 == 7 ? l1 % lev2 : (int)rng_int(0, lev2 - 1); /* decided by f1 */
            for (int l = 1; l < lev2; l++)
                row[col++] = l2 == l;
        }
        double eta = a + b * (bs - 18) + (f1 ? 0.5 * l1 : 0);
        double pr = 1 / (1 + exp(-eta));
        c->y[r] = shape == 2   ? (double)(i % 16 == 2)
                  : shape == 3 ? (double)(bs >= cut)
                               : (double)(rng_unit() < pr);
    }
}

static int write_cases(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "glm_diff: %s: %s\n", path, strerror(errno));
        return 2;
    }
    struct gcase *c = malloc(sizeof *c);
    if (!c)
        return 2;
    for (long i = 0; i < N_CASES; i++) {
        draw(i, c);
        fprintf(f, "G %ld %zu %zu\n", i, c->n, c->p);
        for (size_t k = 0; k < c->n * c->p; k++)
            fprintf(f, "%.17g%c", c->x[k], k + 1 < c->n * c->p ? ' ' : '\n');
        for (size_t k = 0; k < c->n; k++)
            fprintf(f, "%.17g%c", c->y[k], k + 1 < c->n ? ' ' : '\n');
    }
    free(c);
    return fclose(f) == 0 ? 0 : 2;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "glm_diff: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    size_t cap = 1 << 20, n = 0, k;
    char *b = malloc(cap);
    if (!b)
        exit(2);
    while ((k = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n - 1 == 0 && !(b = realloc(b, cap *= 2)))
            exit(2);
    }
    fclose(f);
    b[n] = '\0';
    return b;
}

static char *pos;
static const char *word(void)
{
    while (*pos == ' ' || *pos == '\n')
        pos++;
    if (!*pos)
        return NULL;
    char *w = pos;
    while (*pos && *pos != ' ' && *pos != '\n')
        pos++;
    if (*pos)
        *pos++ = '\0';
    return w;
}
static double number(void)
{
    const char *w = word();
    if (!w) {
        fprintf(stderr, "glm_diff: R's output ends early\n");
        exit(2);
    }
    if (strcmp(w, "NA") == 0 || strcmp(w, "NaN") == 0)
        return NAN;
    return strtod(w, NULL);
}

static long mismatches, compared, n_errors, n_aliased, n_sep, n_unconv;
static double worst;

/* within TOL of r, relative to max(1, scale) (scale = |r| but for the coefficients) */
static void same_at(long id, const char *what, double ours, double r, double scale)
{
    compared++;
    if (isnan(r) ? !isnan(ours) : !(fabs(ours - r) <= TOL * fmax(1, scale))) {
        if (++mismatches <= 30)
            fprintf(stderr, "MISMATCH glm case %ld: %s: ours %.17g, R %.17g\n", id, what, ours, r);
        return;
    }
    if (!isnan(r) && fabs(ours - r) / fmax(1, scale) > worst)
        worst = fabs(ours - r) / fmax(1, scale);
}

static void same(long id, const char *what, double ours, double r)
{
    same_at(id, what, ours, r, fabs(r));
}

static int compare(const char *cases_path, const char *r_path)
{
    char *buf = slurp(r_path);
    pos = buf;
    struct gcase *c = malloc(sizeof *c);
    if (!c)
        return 2;
    (void)cases_path; /* the cases are drawn again from the same seed */
    for (long i = 0; i < N_CASES; i++) {
        draw(i, c);
        const char *w = word();
        if (!w || strcmp(w, "G") != 0 || (long)number() != i) {
            fprintf(stderr, "glm_diff: R's output out of step at case %ld\n", i);
            return 2;
        }
        struct glm_fit f;
        if (stats_glm_logit(c->x, c->y, c->n, c->p, &f) != 0)
            return 2;
        w = word();
        if (strcmp(w, "ERROR") == 0) { /* R stopped or ended on non-finite coefficients */
            n_errors++;
            compared++;
            if (!f.error && ++mismatches <= 30)
                fprintf(stderr, "MISMATCH glm case %ld: R stops, ours fits\n", i);
            while (*pos && *pos != '\n')
                pos++;
            stats_glm_fini(&f);
            continue;
        }
        double conv = strcmp(w, "TRUE") == 0, iter = number(), rank = number(), sep = number();
        n_aliased += rank < (double)c->p;
        n_sep += sep != 0;
        n_unconv += !conv;
        double rc[MAXP], rf[MAXN], scale = 0;
        for (size_t k = 0; k < c->p; k++) {
            rc[k] = number();
            scale = isnan(rc[k]) ? scale : fmax(scale, fabs(rc[k]));
        }
        for (size_t k = 0; k < c->n; k++)
            rf[k] = number();
        /* the fit on every row, then on the distinct rows with their counts (as the funnel's
         * model fits): both are R's */
        double gx[MAXN * MAXP], gy[MAXN], gc[MAXN];
        size_t grp[MAXN], ng = 0;
        for (size_t r = 0; r < c->n; r++) {
            size_t g = 0;
            while (g < ng && !(gy[g] == c->y[r] &&
                               memcmp(gx + g * c->p, c->x + r * c->p, c->p * sizeof *gx) == 0))
                g++;
            if (g == ng) {
                memcpy(gx + g * c->p, c->x + r * c->p, c->p * sizeof *gx);
                gy[g] = c->y[r];
                gc[g] = 0;
                ng++;
            }
            gc[g]++;
            grp[r] = g;
        }
        struct glm_fit gf;
        if (stats_glm_logit_grouped(gx, gy, gc, ng, c->p, &gf) != 0)
            return 2;
        for (int pass = 0; pass < 2; pass++) {
            const struct glm_fit *q = pass ? &gf : &f;
            if (q->error) {
                if (++mismatches <= 30)
                    fprintf(stderr, "MISMATCH glm case %ld: ours stops (%s), R fits\n", i,
                            q->error);
                continue;
            }
            same(i, "converged", q->converged, conv);
            same(i, "iterations", q->iterations, iter);
            same(i, "rank", q->rank, rank);
            same(i, "separation warning", q->separation, sep);
            for (size_t k = 0; k < c->p; k++)
                same_at(i, pass ? "coefficient (grouped)" : "coefficient", q->coef[k], rc[k],
                        scale);
            for (size_t k = 0; k < c->n; k++)
                same(i, pass ? "fitted (grouped)" : "fitted", q->fitted[pass ? grp[k] : k], rf[k]);
        }
        stats_glm_fini(&gf);
        stats_glm_fini(&f);
    }
    free(c);
    free(buf);
    printf("glm_diff: %d cases (%ld where R stops, %ld aliased, %ld separated, %ld not "
           "converged), %ld values compared, %ld mismatches; worst deviation %.3g\n",
           N_CASES, n_errors, n_aliased, n_sep, n_unconv, compared, mismatches, worst);
    return mismatches ? 1 : 0;
}

int main(int argc, char **argv)
{
    stats_init();
    if (argc == 3 && strcmp(argv[1], "cases") == 0)
        return write_cases(argv[2]);
    if (argc == 4 && strcmp(argv[1], "compare") == 0)
        return compare(argv[2], argv[3]);
    fprintf(stderr, "usage: glm_diff cases FILE | glm_diff compare CASES R_OUTPUT\n");
    return 2;
}
