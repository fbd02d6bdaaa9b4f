/* figures.c: the data behind the report's trajectory and waterfall pages.
 *  - Trajectory (SPEC section 13): the usable primary-instrument scores of an eligible cohort
 *    episode from its baseline to the end of follow-up, placed at session = the episode's
 *    treatment dates before the score (baseline: 0) and week = ceil(days since index / 7) (days
 *    1-7 are week 1; baseline: 0), both capped at 12 (12 pools 12 and later). At each x one
 *    score per episode, the last by date in that bucket, so n counts episodes (a patient scored
 *    twice in a week weighs as one scored once). Mean with a t-based 95 % interval
 *    (mean +- qt(0.975, n-1) sd / sqrt(n)); none for n = 1.
 *    Individual lines: every k-th episode in the store's order, k chosen so that at most
 *    TRAJ_SAMPLE are drawn (deterministic).
 *  - Waterfall: percent change at the endpoint of mature eligible episodes that have one,
 *    sorted from the largest rise to the largest fall (ties: remitters, responders, others);
 *    above WATERFALL_MAX bars, evenly spaced ranks are kept, so the shape and the shares stay. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "outcomes/vec.h"

struct acc {
    long n;
    double sum, sumsq;
};

static void finish(const struct acc *acc, struct trajectory_point *p)
{
    p->n = acc->n;
    p->mean = p->lo = p->hi = NAN;
    if (acc->n == 0)
        return;
    p->mean = acc->sum / (double)acc->n;
    if (acc->n < 2)
        return;
    double var = (acc->sumsq - acc->sum * acc->sum / (double)acc->n) / (double)(acc->n - 1);
    /* nu >= 1 here; were GSL to reject it, it returns NaN (stats_init: no abort): a null CI */
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(acc->n - 1)) * sqrt(var > 0 ? var : 0) /
                  sqrt((double)acc->n);
    if (!isfinite(half))
        return;
    p->lo = p->mean - half;
    p->hi = p->mean + half;
}

/* The waterfall's bars, grouped: every bar of a group has the same baseline and endpoint score
 * and class, hence the same percent change, so sorting the groups and expanding them gives the
 * order a sort of every bar gives (counting, not comparing, a million bars). */
struct wf {
    double pct;
    uint8_t cls;
    size_t count;
};

static int wf_cmp(const void *x, const void *y)
{
    const struct wf *a = x, *b = y;
    if (a->pct != b->pct)
        return a->pct > b->pct ? -1 : 1;
    return (int)b->cls - (int)a->cls;
}

/* An episode with a bar: mature, eligible, in the cohort, with an endpoint score. */
static int has_bar(const struct episode *e)
{
    return e->in_cohort && e->eligible && e->mature && e->endpoint_score >= 0;
}

/* The bin of model_pct_bin_name for a change from base (> 0) to end: ceil(10 (end - base) /
 * base) in integers, -9 (with -100 %) to 6 (above +50 %), shifted to 0..15. */
static int pct_bin(int base, int end)
{
    if (base <= 0)
        return PCT_BINS - 1;
    long num = 10L * (end - base), q = num / base;
    if (num % base != 0 && num > 0)
        q++; /* C division truncates toward zero: that is the ceiling below zero */
    if (q < -9)
        q = -9;
    if (q > 6)
        q = 6;
    return (int)q + 9;
}

/* Fills a->waterfall (and a->pct_hist) from the episodes with a bar. */
static int waterfall(struct analysis *a)
{
    int maxs = 0;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (has_bar(e)) {
            maxs = e->baseline_score > maxs ? e->baseline_score : maxs;
            maxs = e->endpoint_score > maxs ? e->endpoint_score : maxs;
        }
    }
    size_t side = (size_t)maxs + 1, nkeys = side * side * 3;
    size_t *count = calloc(nkeys, sizeof *count);
    struct wf *groups = NULL;
    if (!count)
        return -1;
    size_t nwf = 0, ngroups = 0;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (!has_bar(e))
            continue;
        size_t cls = e->remitter ? 2 : e->responder ? 1 : 0;
        size_t key = ((size_t)e->baseline_score * side + (size_t)e->endpoint_score) * 3 + cls;
        ngroups += count[key]++ == 0;
        a->pct_hist[pct_bin(e->baseline_score, e->endpoint_score)]++;
        nwf++;
    }
    groups = malloc((ngroups ? ngroups : 1) * sizeof *groups);
    if (!groups) {
        free(count);
        return -1;
    }
    ngroups = 0;
    for (size_t key = 0; key < nkeys; key++) {
        if (!count[key])
            continue;
        int base = (int)(key / 3 / side), end = (int)(key / 3 % side);
        groups[ngroups++] =
            (struct wf){100.0 * (end - base) / base, (uint8_t)(key % 3), count[key]};
    }
    free(count);
    qsort(groups, ngroups, sizeof *groups, wf_cmp);
    a->waterfall_total = (long)nwf;
    size_t keep = nwf > WATERFALL_MAX ? WATERFALL_MAX : nwf;
    a->waterfall = malloc((keep ? keep : 1) * sizeof *a->waterfall);
    a->waterfall_class = malloc(keep ? keep : 1);
    if (!a->waterfall || !a->waterfall_class) {
        free(groups);
        return -1;
    }
    size_t g = 0, group_end = ngroups ? groups[0].count : 0; /* rank just past group g */
    for (size_t k = 0; k < keep; k++) {
        size_t src = keep == nwf ? k : (size_t)((double)k * (double)(nwf - 1) / (double)(keep - 1));
        while (src >= group_end)
            group_end += groups[++g].count;
        a->waterfall[k] = groups[g].pct;
        a->waterfall_class[k] = groups[g].cls;
    }
    a->nwaterfall = keep;
    free(groups);
    return 0;
}

int model_figures(const struct rows *r, const size_t *pstart, struct analysis *a)
{
    struct acc by_s[TRAJ_POINTS] = {{0}}, by_w[TRAJ_POINTS] = {{0}};
    struct dated_score *sc = NULL;
    int32_t *td = NULL; /* the episode's treatment dates */
    int rc = -1;
    long eligible = 0;
    for (size_t i = 0; i < a->nepisodes; i++)
        eligible += a->episodes[i].in_cohort && a->episodes[i].eligible;
    a->traj_episodes = eligible;
    long every = eligible > TRAJ_SAMPLE ? (eligible + TRAJ_SAMPLE - 1) / TRAJ_SAMPLE : 1;
    size_t maxrows = 1;
    for (size_t q = 0; pstart[q] < r->n; q++)
        if (pstart[q + 1] - pstart[q] > maxrows)
            maxrows = pstart[q + 1] - pstart[q];
    sc = malloc(maxrows * sizeof *sc);
    td = malloc(maxrows * sizeof *td);
    if (!sc || !td)
        goto out;
    size_t p = 0;
    long seen = 0;
    for (size_t ei = 0; ei < a->nepisodes; ei++) {
        const struct episode *e = &a->episodes[ei];
        if (!e->in_cohort || !e->eligible)
            continue;
        while (rows_pid(r, p) != e->patient)
            p++;
        size_t ra = pstart[p], rb = pstart[p + 1];
        int sampled = seen++ % every == 0;
        size_t first = a->ntraj_pts;
        size_t ns = model_usable_scores(r, ra, rb, a->opts.instrument, sc);
        size_t ntd = 0;
        for (size_t i = ra; i < rb; i++)
            if (rows_type(r, i) == SESSION_TREATMENT && rows_date(r, i) >= e->index_date &&
                rows_date(r, i) < e->next_index && (ntd == 0 || td[ntd - 1] != rows_date(r, i)))
                td[ntd++] = rows_date(r, i);
        int64_t fu_end = e->next_index == INT32_MAX
                             ? INT64_MAX
                             : (int64_t)e->next_index - a->opts.baseline_window;
        int last_s[TRAJ_POINTS], last_w[TRAJ_POINTS]; /* the bucket's last score, -1 none */
        for (int k = 0; k < TRAJ_POINTS; k++)
            last_s[k] = last_w[k] = -1;
        for (size_t k = 0; k < ns; k++) {
            int32_t d = sc[k].date;
            int baseline = d == e->baseline_date;
            if (!baseline && (d <= e->index_date || (int64_t)d >= fu_end))
                continue;
            int s = baseline ? 0 : model_count_before(td, ntd, d);
            int w = baseline ? 0 : (d - e->index_date + 6) / 7; /* days 1-7: week 1 */
            if (s > 12)
                s = 12;
            if (w > 12)
                w = 12;
            last_s[s] = sc[k].score; /* scores come in date order: the last one stays */
            last_w[w] = sc[k].score;
            if (sampled) {
                if (vec_reserve(&a->traj_pts, a->ntraj_pts, sizeof *a->traj_pts) != 0)
                    goto out;
                a->traj_pts[a->ntraj_pts++] =
                    (struct traj_pt){(int16_t)s, (int16_t)w, (int16_t)sc[k].score};
            }
        }
        for (int k = 0; k < TRAJ_POINTS; k++) {
            if (last_s[k] >= 0) {
                by_s[k].n++;
                by_s[k].sum += last_s[k];
                by_s[k].sumsq += (double)last_s[k] * last_s[k];
            }
            if (last_w[k] >= 0) {
                by_w[k].n++;
                by_w[k].sum += last_w[k];
                by_w[k].sumsq += (double)last_w[k] * last_w[k];
            }
        }
        if (sampled && a->ntraj_pts > first) {
            if (vec_reserve(&a->traj_lines, a->ntraj_lines, sizeof *a->traj_lines) != 0)
                goto out;
            a->traj_lines[a->ntraj_lines++] =
                (struct traj_line){(uint32_t)first, (uint32_t)(a->ntraj_pts - first)};
        }
    }
    for (int k = 0; k < TRAJ_POINTS; k++) {
        finish(&by_s[k], &a->by_session[k]);
        finish(&by_w[k], &a->by_week[k]);
    }
    rc = waterfall(a);
out:
    free(sc);
    free(td);
    return rc;
}
