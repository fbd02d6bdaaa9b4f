/* proportion.c: binomial proportions with 95 % intervals.
 *  - Wilson score interval, exactly as R prop.test(x, n, correct = FALSE)$conf.int: with
 *    z = qnorm(0.975), p = x/n, c = z^2/(2n):
 *      limits = (p + c -+ z sqrt(p(1-p)/n + c/(2n))) / (1 + 2c),
 *    and R's own special cases: lower = 0 when p = 0, upper = 1 when p = 1.
 *  - Clopper-Pearson, as R binom.test(x, n)$conf.int: qbeta(0.025, x, n-x+1) and
 *    qbeta(0.975, x+1, n-x), with 0 for x = 0 and 1 for x = n.
 * The beta quantiles are not GSL's gsl_cdf_beta_Pinv/Qinv: those loop forever on a <= 0 or
 * b <= 0 (DEPENDENCIES), return NaN for x = 1 or 2 of a million, and did not return within
 * 20 s (inside GSL 2.7.1's internal search) for 1,000,000 of 2,000,000 (found by the
 * differential test against R, tests/stats/r_diff.c). Instead Brent's method (GSL's root
 * solver, at most 200 steps) brackets the root of I_p(a, b) - P on [0, 1], the regularised
 * incomplete beta coming from gsl_sf_beta_inc_e with its status checked (underflow is its
 * correct value 0 far in the lower tail; where it does not converge, for a + b above about a
 * million, the equal binomial tail is summed): any other failure gives NaN (a null limit),
 * never an abort or a hang. */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

#include "outcomes/stats.h"

struct beta_target {
    double a, b, P; /* a and b are whole numbers here */
    int failed;
};

/* P(Bin(N, p) >= k) for 1 <= k <= N and 0 < p < 1, which is I_p(k, N - k + 1): the terms summed
 * from the one next to k away from the mode (so they only shrink), each from the one before by
 * the ratio of binomial probabilities, the first from lgamma (its rounding, ~1e-16 of log
 * N!, moves the quantile by far less than 1e-9). */
static double binom_tail(double N, double k, double p)
{
    double q = 1 - p, mode = floor((N + 1) * p);
    int upper = k > mode; /* sum j = k, k+1, ... ; else 1 - sum j = k-1, k-2, ... */
    double j = upper ? k : k - 1;
    double term =
        exp(lgamma(N + 1) - lgamma(j + 1) - lgamma(N - j + 1) + j * log(p) + (N - j) * log1p(-p));
    double sum = 0;
    while (term > 0 && j >= 0 && j <= N) {
        sum += term;
        if (term < sum * 1e-17)
            break;
        if (upper) {
            term *= (N - j) / (j + 1) * (p / q);
            j++;
        } else {
            term *= j / (N - j + 1) * (q / p);
            j--;
        }
    }
    return upper ? sum : 1 - sum;
}

static double beta_gap(double p, void *params)
{
    struct beta_target *t = params;
    gsl_sf_result r;
    int status = gsl_sf_beta_inc_e(t->a, t->b, p, &r);
    if (status == GSL_EUNDRFLW) /* far in the lower tail: the value is 0, and correct */
        status = GSL_SUCCESS;
    if (status == GSL_EMAXITER && p > 0 && p < 1) {
        /* its continued fraction does not converge near the mean once a + b is above about a
         * million: the binomial sum instead */
        r.val = binom_tail(t->a + t->b - 1, t->a, p);
        status = GSL_SUCCESS;
    }
    if (status != GSL_SUCCESS || !isfinite(r.val)) {
        t->failed = 1;
        return NAN;
    }
    return r.val - t->P;
}

/* The P-quantile of Beta(a, b) (a, b > 0, 0 < P < 1), as R qbeta(P, a, b); NaN on failure. */
static double beta_quantile(double P, double a, double b)
{
    struct beta_target t = {a, b, P, 0};
    gsl_function f = {beta_gap, &t};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    double root = NAN;
    if (!s || gsl_root_fsolver_set(s, &f, 0, 1) != GSL_SUCCESS)
        goto out;
    for (int i = 0; i < 200; i++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS || t.failed)
            goto out;
        double lo = gsl_root_fsolver_x_lower(s), hi = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(lo, hi, 0, 2 * DBL_EPSILON) == GSL_SUCCESS)
            break;
    }
    root = gsl_root_fsolver_root(s);
out:
    gsl_root_fsolver_free(s);
    return root;
}

struct proportion stats_proportion(long x, long n, enum ci_method method)
{
    struct proportion p = {x, n, NAN, NAN, NAN};
    if (n <= 0 || x < 0 || x > n)
        return p;
    p.rate = (double)x / (double)n;
    if (method == CI_EXACT) {
        const double alpha = (1 - 0.95) / 2; /* as binom.test computes it */
        p.lo = x == 0 ? 0.0 : beta_quantile(alpha, (double)x, (double)(n - x + 1));
        p.hi = x == n ? 1.0 : beta_quantile(1 - alpha, (double)(x + 1), (double)(n - x));
        return p;
    }
    const double z = gsl_cdf_ugaussian_Pinv(0.975);
    const double c = z * z / (2.0 * (double)n);
    const double est = p.rate;
    const double root = z * sqrt(est * (1 - est) / (double)n + c / (2.0 * (double)n));
    double lo = est <= 0 ? 0.0 : (est + c - root) / (1 + 2 * c);
    double hi = est >= 1 ? 1.0 : (est + c + root) / (1 + 2 * c);
    p.lo = lo < 0 ? 0 : lo;
    p.hi = hi > 1 ? 1 : hi;
    return p;
}

/* Two proportions x1/n1 and x2/n2 compared as R prop.test(c(x1, x2), c(n1, n2), correct =
 * FALSE): estimate p1 - p2; conf.int p1 - p2 -+ qnorm(0.975) sqrt(sum p(1-p)/n), clipped to
 * [-1, 1] as R clips it; p.value pchisq(X2, 1, lower.tail = FALSE) where X2 is Pearson's
 * statistic of the 2x2 table of successes and failures against its expected counts (no Yates
 * correction). R stops when an n is 0: everything NaN here. Where an expected count is 0 (both
 * groups all successes or all failures) R's statistic is NaN, and so is p here; the estimate
 * and interval stand. */
struct prop_diff stats_prop_diff(long x1, long n1, long x2, long n2)
{
    struct prop_diff d = {NAN, NAN, NAN, NAN};
    if (n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2)
        return d;
    double p1 = (double)x1 / (double)n1, p2 = (double)x2 / (double)n2;
    d.estimate = p1 - p2;
    const double z = gsl_cdf_ugaussian_Pinv(0.975);
    double width = z * sqrt(p1 * (1 - p1) / (double)n1 + p2 * (1 - p2) / (double)n2);
    d.lo = fmax(d.estimate - width, -1.0);
    d.hi = fmin(d.estimate + width, 1.0);
    /* Pearson's X2 over the 2x2 table, as chisq.test's sum((x - E)^2 / E) inside prop.test */
    double n = (double)(n1 + n2), s = (double)(x1 + x2), f = n - s;
    const double obs[4] = {(double)x1, (double)(n1 - x1), (double)x2, (double)(n2 - x2)};
    const double exp_[4] = {(double)n1 * s / n, (double)n1 * f / n, (double)n2 * s / n,
                            (double)n2 * f / n};
    double x2stat = 0;
    for (int k = 0; k < 4; k++) {
        if (exp_[k] == 0) {
            x2stat = NAN;
            break;
        }
        double dv = obs[k] - exp_[k];
        x2stat += dv * dv / exp_[k];
    }
    d.p = isnan(x2stat) ? NAN : gsl_cdf_chisq_Q(x2stat, 1.0);
    return d;
}
