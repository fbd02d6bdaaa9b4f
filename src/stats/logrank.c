/* logrank.c: the log-rank test as R survival::survdiff(Surv(time, event) ~ group, rho = 0).
 * At each distinct event time t with n at risk and d events (n_g, d_g per group):
 *   O_g = sum d_g,  E_g = sum d n_g / n,
 *   V_gh = sum d (n - d) / (n - 1) * (n_g / n) (delta_gh - n_h / n)     (for n > 1).
 * As survdiff: keep the groups with E > 0, drop the first of them, chisq = (O-E)' V^-1 (O-E)
 * (solved by LU with GSL), df = kept groups - 1, p = P(chi2_df > chisq). */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>

#include "stats_int.h"

int stats_logrank(const double *time, const int *event, const int *group, size_t n,
                  int ngroups, double *chisq, double *df, double *p)
{
    *chisq = *df = *p = NAN;
    if (ngroups < 2)
        return 0;
    size_t G = (size_t)ngroups;
    int rc = -1;
    struct tally ty = {0};
    double *O = calloc(G, sizeof *O), *E = calloc(G, sizeof *E), *V = calloc(G * G, sizeof *V);
    long *risk = calloc(G, sizeof *risk), *dg = calloc(G, sizeof *dg);
    gsl_matrix *m = NULL;
    gsl_vector *b = NULL, *x = NULL;
    gsl_permutation *perm = NULL;
    int *keep = calloc(G, sizeof *keep);
    if (!O || !E || !V || !risk || !dg || !keep ||
        stats_tally(time, event, group, ngroups, n, &ty) != 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        risk[group[i]]++;
    long at_risk = (long)n;
    for (size_t i = 0; i < ty.k; i++) {
        long d = 0, gone = 0;
        for (size_t g = 0; g < G; g++) {
            dg[g] = ty.d[i * G + g];
            d += dg[g];
            gone += dg[g] + ty.c[i * G + g];
        }
        if (d > 0) {
            double nn = (double)at_risk;
            for (size_t g = 0; g < G; g++) {
                O[g] += (double)dg[g];
                E[g] += (double)d * (double)risk[g] / nn;
            }
            if (at_risk > 1) {
                double f = (double)d * (nn - (double)d) / (nn - 1);
                for (size_t g = 0; g < G; g++)
                    for (size_t h = 0; h < G; h++)
                        V[g * G + h] += f * ((double)risk[g] / nn) *
                                        ((g == h ? 1.0 : 0.0) - (double)risk[h] / nn);
            }
        }
        for (size_t g = 0; g < G; g++)
            risk[g] -= ty.d[i * G + g] + ty.c[i * G + g];
        at_risk -= gone;
    }
    size_t kept = 0;
    for (size_t g = 0; g < G; g++)
        if (E[g] > 0)
            keep[kept++] = (int)g;
    *df = (double)kept - 1;
    if (kept < 2) {
        *chisq = 0;
        rc = 0;
        goto out; /* p stays NaN: nothing to test */
    }
    size_t k = kept - 1;
    m = gsl_matrix_alloc(k, k);
    b = gsl_vector_alloc(k);
    x = gsl_vector_alloc(k);
    perm = gsl_permutation_alloc(k);
    if (!m || !b || !x || !perm)
        goto out;
    for (size_t r = 0; r < k; r++) {
        size_t g = (size_t)keep[r + 1];
        gsl_vector_set(b, r, O[g] - E[g]);
        for (size_t c = 0; c < k; c++)
            gsl_matrix_set(m, r, c, V[g * G + (size_t)keep[c + 1]]);
    }
    int sign;
    if (gsl_linalg_LU_decomp(m, perm, &sign) != GSL_SUCCESS ||
        gsl_linalg_LU_solve(m, perm, b, x) != GSL_SUCCESS)
        goto out;
    double chi = 0;
    for (size_t r = 0; r < k; r++)
        chi += gsl_vector_get(x, r) * gsl_vector_get(b, r);
    if (!isfinite(chi))
        goto out;
    *chisq = chi;
    *p = gsl_cdf_chisq_Q(chi, *df);
    rc = 0;
out:
    gsl_matrix_free(m);
    gsl_vector_free(b);
    gsl_vector_free(x);
    gsl_permutation_free(perm);
    stats_tally_fini(&ty);
    free(O);
    free(E);
    free(V);
    free(risk);
    free(dg);
    free(keep);
    return rc;
}
