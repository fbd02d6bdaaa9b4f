/* proportion.c: binomial proportions with 95 % intervals.
 *  - Wilson score interval, exactly as R prop.test(x, n, correct = FALSE)$conf.int: with
 *    z = qnorm(0.975), p = x/n, c = z^2/(2n):
 *      limits = (p + c -+ z sqrt(p(1-p)/n + c/(2n))) / (1 + 2c),
 *    and R's own special cases: lower = 0 when p = 0, upper = 1 when p = 1.
 *  - Clopper-Pearson, as R binom.test(x, n)$conf.int: qbeta(0.025, x, n-x+1) and
 *    qbeta(0.975, x+1, n-x), with 0 for x = 0 and 1 for x = n.
 * GSL's inverse beta loops forever on a <= 0 or b <= 0 (DEPENDENCIES), so both special cases
 * are settled before any call. */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "outcomes/stats.h"

struct proportion stats_proportion(long x, long n, enum ci_method method)
{
    struct proportion p = {x, n, NAN, NAN, NAN};
    if (n <= 0 || x < 0 || x > n)
        return p;
    p.rate = (double)x / (double)n;
    if (method == CI_EXACT) {
        p.lo = x == 0 ? 0.0 : gsl_cdf_beta_Pinv(0.025, (double)x, (double)(n - x + 1));
        p.hi = x == n ? 1.0 : gsl_cdf_beta_Qinv(0.025, (double)(x + 1), (double)(n - x));
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
