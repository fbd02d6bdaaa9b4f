/* logrank.c: the log-rank test as R survival::survdiff(Surv(time, event) ~ group, rho = 0).
 * At each distinct event time t with n at risk and d events (n_g, d_g per group):
 *   O_g = sum d_g,  E_g = sum d n_g / n,
 *   V_gh = sum d (n - d) / (n - 1) * (n_g / n) (delta_gh - n_h / n)     (for n > 1).
 * As survdiff: keep the groups with E > 0, drop the first of them, chisq = (O-E)' V^-1 (O-E)
 * (solved by LU with GSL), df = kept groups - 1, p = P(chi2_df > chisq).
 * R solves with base solve() (LAPACK dgesv), which stops when a pivot of the LU factors is
 * exactly 0 or when the reciprocal condition number in the 1-norm is below DBL_EPSILON; the
 * same two checks here give "not testable" (R estimates the condition number with dgecon; here
 * it is computed exactly from the inverse, which only differs from that estimate near the
 * threshold). In exact arithmetic that happens exactly when everyone at risk at the first event
 * time has the event then (all responding on the same day, one patient per site): every
 * subject is at risk at the first event time, so V is then 0; otherwise that time's term alone
 * makes V, restricted to the kept groups less the first, positive definite. */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>

#include "stats_int.h"

#define STR_(x) #x
#define STR(x) STR_(x)
static const char why_groups[] = "fewer than two groups",
                  why_many[] = "more than " STR(STATS_LOGRANK_MAX_GROUPS) " groups",
                  why_events[] = "no events", why_one[] = "events expected in one group only",
                  why_singular[] = "singular variance: all at risk had the event at once";

/* The 1-norm (largest column sum of absolute values) of a square matrix, as LAPACK dlange("1"). */
static double norm1(const gsl_matrix *a)
{
    double best = 0;
    for (size_t c = 0; c < a->size2; c++) {
        double s = 0;
        for (size_t r = 0; r < a->size1; r++)
            s += fabs(gsl_matrix_get(a, r, c));
        if (s > best || isnan(s))
            best = s;
    }
    return best;
}

/* Solves m x = b as R's solve(m, b) would: returns 0 with x filled, 1 when R stops (a zero pivot,
 * or reciprocal condition number below DBL_EPSILON), -1 when out of memory. m is overwritten. */
static int solve_like_r(gsl_matrix *m, const gsl_vector *b, gsl_vector *x)
{
    size_t k = m->size1;
    int rc = -1, sign;
    gsl_permutation *perm = gsl_permutation_alloc(k);
    gsl_matrix *inv = gsl_matrix_alloc(k, k);
    if (!perm || !inv)
        goto out;
    rc = 1;
    double anorm = norm1(m);
    if (!isfinite(anorm) || gsl_linalg_LU_decomp(m, perm, &sign) != GSL_SUCCESS)
        goto out;
    for (size_t i = 0; i < k; i++)
        if (gsl_matrix_get(m, i, i) == 0)
            goto out; /* dgesv: "system is exactly singular" */
    if (gsl_linalg_LU_invert(m, perm, inv) != GSL_SUCCESS)
        goto out;
    double rcond = 1 / (anorm * norm1(inv));
    if (!(rcond >= DBL_EPSILON)) /* solve(): "system is computationally singular" */
        goto out;
    if (gsl_linalg_LU_solve(m, perm, b, x) != GSL_SUCCESS)
        goto out;
    rc = 0;
out:
    gsl_permutation_free(perm);
    gsl_matrix_free(inv);
    return rc;
}

/* Numbers the groups with a subject (R sees only these) 0..G-1 in order of group number into
 * slot (-1: no subject); returns G. */
static size_t number_groups(const int *group, size_t n, int ngroups, int *slot)
{
    size_t G = 0;
    for (size_t i = 0; i < n; i++)
        slot[group[i]] = 1;
    for (int g = 0; g < ngroups; g++)
        slot[g] = slot[g] ? (int)G++ : -1;
    return G;
}

/* Observed and expected events and the variance of O - E over G groups, with the sums' work
 * arrays: at risk and events per group at one time. */
struct oev {
    size_t G;
    double *O, *E, *V; /* G, G, G x G */
    long *risk, *dg;
};
static int oev_alloc(struct oev *s, size_t G)
{
    s->G = G;
    s->risk = calloc(G, sizeof *s->risk);
    s->O = calloc(G, sizeof *s->O);
    s->E = calloc(G, sizeof *s->E);
    s->V = calloc(G * G, sizeof *s->V);
    s->dg = calloc(G, sizeof *s->dg);
    return s->risk && s->O && s->E && s->V && s->dg ? 0 : -1;
}
static void oev_free(struct oev *s)
{
    free(s->O);
    free(s->E);
    free(s->V);
    free(s->risk);
    free(s->dg);
}

/* The sums over the distinct times of ty, n subjects at risk at first (s->risk per group). */
static void oev_sum(struct oev *s, const struct tally *ty, size_t n)
{
    size_t G = s->G;
    long at_risk = (long)n, *risk = s->risk, *dg = s->dg;
    for (size_t i = 0; i < ty->k; i++) {
        long d = 0, gone = 0;
        for (size_t g = 0; g < G; g++) {
            dg[g] = ty->d[i * G + g];
            d += dg[g];
            gone += dg[g] + ty->c[i * G + g];
        }
        if (d > 0) {
            double nn = (double)at_risk;
            for (size_t g = 0; g < G; g++) {
                s->O[g] += (double)dg[g];
                s->E[g] += (double)d * (double)risk[g] / nn;
            }
            if (at_risk > 1) {
                double f = (double)d * (nn - (double)d) / (nn - 1);
                for (size_t g = 0; g < G; g++)
                    for (size_t h = 0; h < G; h++)
                        s->V[g * G + h] += f * ((double)risk[g] / nn) *
                                           ((g == h ? 1.0 : 0.0) - (double)risk[h] / nn);
            }
        }
        for (size_t g = 0; g < G; g++)
            risk[g] -= ty->d[i * G + g] + ty->c[i * G + g];
        at_risk -= gone;
    }
}

/* chisq = (O-E)' V^-1 (O-E) over the kept groups less the first (keep[1 .. kept)), and its
 * p-value on df degrees of freedom into *q (NaN: V singular as R's solve() finds it). Returns
 * 0, or -1 out of memory. */
static int quadratic_form(const struct oev *s, const int *keep, size_t kept, double df,
                          double *chi_out, double *q_out)
{
    size_t k = kept - 1, G = s->G;
    gsl_matrix *m = gsl_matrix_alloc(k, k);
    gsl_vector *b = gsl_vector_alloc(k), *x = gsl_vector_alloc(k);
    int rc = -1;
    if (!m || !b || !x)
        goto out;
    for (size_t r = 0; r < k; r++) {
        size_t g = (size_t)keep[r + 1];
        gsl_vector_set(b, r, s->O[g] - s->E[g]);
        for (size_t c = 0; c < k; c++)
            gsl_matrix_set(m, r, c, s->V[g * G + (size_t)keep[c + 1]]);
    }
    int solved = solve_like_r(m, b, x);
    if (solved < 0)
        goto out;
    double chi = 0;
    for (size_t r = 0; solved == 0 && r < k; r++)
        chi += gsl_vector_get(x, r) * gsl_vector_get(b, r);
    /* chi may round to just below 0 (R's too; its pchisq gives 1 there). gsl_cdf_chisq_Q returns
     * NaN (no abort, stats_init) on arguments it rejects. */
    *q_out = solved != 0 || !isfinite(chi) ? NAN : chi <= 0 ? 1.0 : gsl_cdf_chisq_Q(chi, df);
    *chi_out = chi;
    rc = 0;
out:
    gsl_matrix_free(m);
    gsl_vector_free(b);
    gsl_vector_free(x);
    return rc;
}

int stats_logrank(const double *time, const int *event, const int *group, size_t n, int ngroups,
                  double *chisq, double *df, double *p, const char **reason)
{
    *chisq = *df = *p = NAN;
    *reason = why_groups;
    if (ngroups < 2)
        return 0;
    int rc = -1;
    struct tally ty = {0};
    struct oev s = {0};
    int *keep = NULL, *slot = calloc((size_t)ngroups, sizeof *slot), *grp = NULL;
    if (!slot)
        goto out;
    /* groups with a subject (R sees only these), numbered 0..G-1 in order of group number */
    size_t G = number_groups(group, n, ngroups, slot);
    if (G < 2 || G > STATS_LOGRANK_MAX_GROUPS) {
        *reason = G < 2 ? why_groups : why_many;
        rc = 0;
        goto out;
    }
    grp = malloc(n * sizeof *grp);
    keep = calloc(G, sizeof *keep);
    if (oev_alloc(&s, G) != 0 || !grp || !keep)
        goto out;
    for (size_t i = 0; i < n; i++) {
        grp[i] = slot[group[i]];
        s.risk[grp[i]]++;
    }
    if (stats_tally(time, event, grp, (int)G, n, &ty) != 0)
        goto out;
    *reason = NULL;
    oev_sum(&s, &ty, n);
    size_t kept = 0;
    for (size_t g = 0; g < G; g++)
        if (s.E[g] > 0)
            keep[kept++] = (int)g;
    *df = (double)kept - 1;
    if (kept < 2) {
        *chisq = 0;
        *reason = kept ? why_one : why_events;
        rc = 0;
        goto out; /* p stays NaN: nothing to test */
    }
    double chi, q;
    if (quadratic_form(&s, keep, kept, *df, &chi, &q) != 0)
        goto out;
    if (isnan(q)) {
        *df = NAN;
        *reason = why_singular;
    } else {
        *chisq = chi;
        *p = q;
    }
    rc = 0;
out:
    stats_tally_fini(&ty);
    oev_free(&s);
    free(keep);
    free(slot);
    free(grp);
    return rc;
}
