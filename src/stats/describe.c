/* describe.c: small descriptive statistics and the p-chart.
 *  - Quantiles as R quantile(type = 7): h = (n - 1) p, x[floor h] + (h - floor h) (x[floor h + 1]
 *    - x[floor h]).
 *  - p-chart (SPEC section 3): centre = sum x / sum n over the months shown; limits
 *    centre +- 3 sqrt(centre (1 - centre) / n) clipped to [0, 1]; signals outside the limits or
 *    in runs of 6 or more plotted months strictly on one side of the centre. */
#include <math.h>

#include "outcomes/stats.h"

double stats_quantile_sorted(const double *x, size_t n, double prob)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * prob;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

void stats_pchart(struct pchart_point *pts, size_t nmonths)
{
    long sx = 0, sn = 0;
    for (size_t i = 0; i < nmonths; i++) {
        sx += pts[i].events;
        sn += pts[i].n;
    }
    double centre = sn > 0 ? (double)sx / (double)sn : NAN;
    for (size_t i = 0; i < nmonths; i++) {
        struct pchart_point *q = &pts[i];
        q->centre = centre;
        q->signal = 0;
        if (q->n <= 0 || isnan(centre)) {
            q->rate = q->n > 0 ? (double)q->events / (double)q->n : NAN;
            q->lower = q->upper = NAN;
            continue;
        }
        q->rate = (double)q->events / (double)q->n;
        double half = 3 * sqrt(centre * (1 - centre) / (double)q->n);
        q->lower = centre - half < 0 ? 0 : centre - half;
        q->upper = centre + half > 1 ? 1 : centre + half;
        if (q->rate < q->lower || q->rate > q->upper)
            q->signal = 1;
    }
    if (isnan(centre))
        return;
    /* runs: plotted months strictly on one side; n = 0 months are skipped */
    size_t start = 0, len = 0;
    int side = 0;
    for (size_t i = 0; i <= nmonths; i++) {
        int s = 0;
        if (i < nmonths) {
            if (pts[i].n <= 0)
                continue;
            s = pts[i].rate > centre ? 1 : pts[i].rate < centre ? -1 : 0;
        }
        if (i < nmonths && s != 0 && s == side) {
            len++;
            continue;
        }
        if (len >= 6) /* close the run: mark its plotted months */
            for (size_t k = start; k < i; k++)
                if (pts[k].n > 0)
                    pts[k].signal = 1;
        side = s;
        start = i;
        len = s != 0 ? 1 : 0;
    }
}
