/* km.c: Kaplan-Meier, following R survival::survfit(Surv(time, event) ~ 1) with its defaults.
 *  - One curve row per distinct time, events and censorings alike (summary(fit, censored=TRUE)).
 *  - Ties: at a time, events happen before censorings (the censored are still at risk).
 *  - S(t) = prod (1 - d/n). std_err = fit$std.err = sqrt(sum d / (n (n - d))) (Greenwood, on
 *    the cumulative hazard scale); once S = 0 it is Inf in R: NaN (null) here, as are the limits.
 *  - 95 % limits with conf.type = "log": S exp(-+ z se), upper capped at 1.
 *  - Median and limits as quantile.survfit (survival 3.5): on the curve 1 - S (and 1 - lower,
 *    1 - upper) with the point (0, 0) prepended and repeated levels dropped, the quantile is the
 *    first time the level reaches 0.5 (within tolerance sqrt(DBL_EPSILON)); where the level equals
 *    0.5 it is the midpoint of that time and the next jump, or of that time and the curve's last
 *    time when no jump follows; never reached: NaN.
 * Drop-out is treated as non-informative censoring: that is the estimator's assumption. */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

/* R's approx(X, 1:m, p, method = "constant", f = 1) over levels X[k] = ys[k] + shift: the
 * position of the smallest level at or above p (approx sorts by level, so this holds even for a
 * band that is not monotone); m when p lies outside [min X, max X]. NaN levels are skipped. */
static size_t approx_right(const double *ys, size_t m, double shift, double p)
{
    size_t best = m;
    double lowest = INFINITY, highest = -INFINITY;
    for (size_t k = 0; k < m; k++) {
        if (isnan(ys[k]))
            continue;
        double X = ys[k] + shift;
        if (X < lowest)
            lowest = X;
        if (X > highest)
            highest = X;
        if (X >= p && (best == m || X < ys[best] + shift))
            best = k;
    }
    return p < lowest || p > highest ? m : best;
}

/* findq of quantile.survfit for probability p (0 < p <= 1) on levels 1 - s[i] at times x[i]
 * (i < n), with the point (0, 0) prepended. */
static double find_quantile(const double *x, const double *s, size_t n, double p)
{
    const double tol = sqrt(DBL_EPSILON);
    double *xs = malloc((n + 1) * sizeof *xs), *ys = malloc((n + 1) * sizeof *ys);
    double result = NAN;
    if (!xs || !ys)
        goto out;
    /* levels without repeats (duplicated() keeps each value's first time, NaN included) */
    size_t m = 0;
    int seen_nan = 0;
    double ymax = -INFINITY;
    xs[m] = 0;
    ys[m++] = 0;
    for (size_t i = 0; i < n; i++) {
        double y = 1 - s[i];
        int dup = 0;
        if (isnan(y)) {
            dup = seen_nan;
            seen_nan = 1;
        } else {
            if (y > ymax)
                ymax = y;
            for (size_t k = 0; k < m && !dup; k++)
                dup = ys[k] == y;
        }
        if (!dup) {
            xs[m] = x[i];
            ys[m++] = y;
        }
    }
    if (ymax < p) /* max(y, na.rm = TRUE) < p: never reached */
        goto out;
    size_t i1 = approx_right(ys, m, tol, p), i2 = approx_right(ys, m, -tol, p);
    if (i1 < m && i2 < m)
        result = (xs[i1] + xs[i2]) / 2;
    if (!isnan(ys[m - 1]) && fabs(p - ys[m - 1]) < tol)
        result = i1 < m ? (xs[i1] + x[n - 1]) / 2 : NAN; /* a flat at p to the curve's end */
out:
    free(xs);
    free(ys);
    return result;
}

int stats_km_fit(const double *time, const int *event, size_t n, struct km *out)
{
    memset(out, 0, sizeof *out);
    out->median = out->median_lo = out->median_hi = NAN;
    out->n = (long)n;
    if (n == 0)
        return 0;
    struct tally ty;
    double *tt = NULL, *lo = NULL, *hi = NULL, *sv = NULL;
    int rc = -1;
    if (stats_tally(time, event, NULL, 1, n, &ty) != 0)
        return -1;
    out->curve = malloc(ty.k * sizeof *out->curve);
    if (!out->curve)
        goto out;
    const double z = gsl_cdf_ugaussian_Pinv(0.975);
    long at_risk = (long)n;
    double surv = 1, varsum = 0;
    int dead = 0; /* S reached 0 */
    for (size_t i = 0; i < ty.k; i++) {
        double t = ty.time[i];
        long d = ty.d[i], c = ty.c[i];
        struct km_row *row = &out->curve[out->ncurve++];
        row->time = t;
        row->n_risk = at_risk;
        row->n_event = d;
        row->n_censor = c;
        if (d > 0) {
            surv *= 1.0 - (double)d / (double)at_risk;
            if (d == at_risk)
                dead = 1;
            else
                varsum += (double)d / ((double)at_risk * (double)(at_risk - d));
        }
        row->surv = dead ? 0.0 : surv;
        if (dead) {
            row->std_err = row->lower = row->upper = NAN;
        } else {
            row->std_err = sqrt(varsum);
            row->lower = surv * exp(-z * row->std_err);
            row->upper = surv * exp(z * row->std_err);
            if (row->upper > 1)
                row->upper = 1;
        }
        out->events += d;
        at_risk -= d + c;
    }
    tt = malloc(out->ncurve * sizeof *tt);
    sv = malloc(out->ncurve * sizeof *sv);
    lo = malloc(out->ncurve * sizeof *lo);
    hi = malloc(out->ncurve * sizeof *hi);
    if (!tt || !sv || !lo || !hi)
        goto out;
    for (size_t k = 0; k < out->ncurve; k++) {
        tt[k] = out->curve[k].time;
        sv[k] = out->curve[k].surv;
        lo[k] = out->curve[k].lower;
        hi[k] = out->curve[k].upper;
    }
    out->median = find_quantile(tt, sv, out->ncurve, 0.5);
    out->median_lo = find_quantile(tt, lo, out->ncurve, 0.5);
    out->median_hi = find_quantile(tt, hi, out->ncurve, 0.5);
    rc = 0;
out:
    stats_tally_fini(&ty);
    free(tt);
    free(sv);
    free(lo);
    free(hi);
    if (rc)
        stats_km_fini(out);
    return rc;
}

long stats_km_at_risk(const struct km *km, double t)
{
    for (size_t i = 0; i < km->ncurve; i++)
        if (km->curve[i].time >= t)
            return km->curve[i].n_risk;
    return 0;
}

int stats_km_quantile(const struct km *km, double p, double *q, double *lo, double *hi)
{
    *q = *lo = *hi = NAN;
    if (km->ncurve == 0 || !(p > 0 && p <= 1))
        return 0;
    size_t n = km->ncurve;
    double *buf = malloc(4 * n * sizeof *buf);
    if (!buf)
        return -1;
    double *tt = buf, *sv = buf + n, *l = buf + 2 * n, *h = buf + 3 * n;
    for (size_t k = 0; k < n; k++) {
        tt[k] = km->curve[k].time;
        sv[k] = km->curve[k].surv;
        l[k] = km->curve[k].lower;
        h[k] = km->curve[k].upper;
    }
    *q = find_quantile(tt, sv, n, p);
    *lo = find_quantile(tt, l, n, p);
    *hi = find_quantile(tt, h, n, p);
    free(buf);
    return 0;
}

void stats_km_fini(struct km *km)
{
    if (!km)
        return;
    free(km->curve);
    km->curve = NULL;
    km->ncurve = 0;
}
