/* durability.c: does it last? (SPEC section 12; README "Definitions").
 *
 * Per episode (model_episode_durability, called by model_patient_episodes while the patient's
 * treatment dates and usable scores are at hand):
 *  - induction sessions: the episode's treatment dates in [index, index + D] (the index date
 *    counts); complete when at least K; the frequency band 1-3, 4-5, 6-8, 9+ of that count;
 *  - loss of response, for an episode with a response event on date r: the first of two
 *    consecutive usable follow-up scores after r that both fail the response criterion against
 *    the baseline; the event date is the first of the two. No such pair: censored at the last
 *    follow-up score (r itself when the response was the last score: time 0);
 *  - maintenance sessions: the episode's treatment dates after index + endpoint_to.
 * Over the cohort (model_durability, one task of model_run): the Kaplan-Meier of loss in days
 * from r with its estimate at 28, 56 and 84 days, the maintenance figures, and the induction
 * completion rate overall, by route, the distribution of sessions in the window and the
 * endpoint response of completers and non-completers. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "outcomes/vec.h"

static const char *const frequency_names[FREQUENCY_BANDS] = {"1-3", "4-5", "6-8", "9+"};

const char *model_frequency_name(int band)
{
    return band >= 0 && band < FREQUENCY_BANDS ? frequency_names[band] : "";
}

static int frequency_band(int sessions)
{
    return sessions <= 3 ? 0 : sessions <= 5 ? 1 : sessions <= 8 ? 2 : 3;
}

void model_episode_durability(struct episode *e, const int32_t *tdates, size_t ntd,
                              const struct dated_score *sc, size_t ns, int64_t fu_end,
                              const struct model_opts *o)
{
    struct episode_durability *u = &e->dur;
    const int64_t I = e->index_date;
    memset(u, 0, sizeof *u);
    int n = 0, maint = 0;
    for (size_t k = 0; k < ntd; k++) {
        n += tdates[k] <= I + o->induction_d;
        maint += tdates[k] > I + o->endpoint_to;
    }
    u->induction_sessions = (int16_t)(n < INT16_MAX ? n : INT16_MAX);
    u->induction_complete = n >= o->induction_k;
    u->frequency = (int8_t)frequency_band(n);
    u->maintenance_sessions = maint;
    if (!e->response.event || e->baseline_score < 0)
        return;
    const int32_t r = e->response.date;
    int32_t last = r, pending = 0;
    int have_pending = 0;
    for (size_t k = 0; k < ns; k++) {
        int32_t d = sc[k].date;
        if (d <= r || (int64_t)d >= fu_end)
            continue;
        last = d;
        if (model_responds(e->baseline_score, sc[k].score)) {
            have_pending = 0;
        } else if (have_pending) {
            u->loss_event = 1;
            break;
        } else {
            have_pending = 1;
            pending = d;
        }
    }
    u->loss_date = u->loss_event ? pending : last;
    u->days_to_loss = u->loss_date - r;
}

/* In the durability population: an eligible cohort episode with a response event. */
static int responding(const struct episode *e)
{
    return e->in_cohort && e->eligible && e->n_followup > 0 && e->response.event;
}

/* R summary(fit, times = t, extend = TRUE): the last curve row at or before t (surv 1 and
 * limits 1 before the first), n.risk the subjects whose time is at or after t. */
static struct km_at km_at_time(const struct km *k, double t)
{
    struct km_at at = {t, 1, 1, 1, 0};
    size_t j = 0;
    while (j < k->ncurve && k->curve[j].time <= t)
        j++;
    if (j > 0) {
        at.surv = k->curve[j - 1].surv;
        at.lower = k->curve[j - 1].lower;
        at.upper = k->curve[j - 1].upper;
    }
    size_t q = j > 0 && k->curve[j - 1].time == t ? j - 1 : j; /* the first at or after t */
    at.n_risk = q < k->ncurve ? k->curve[q].n_risk : 0;
    return at;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median (R median) of x[0..n), sorting it; NaN when n = 0. */
static double median_of(double *x, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(x, n, sizeof *x, cmp_double);
    return stats_quantile_sorted(x, n, 0.5);
}

static int route_cmp(const void *a, const void *b)
{
    const struct induction_route *x = a, *y = b;
    return strcmp(ingest_route_name(x->route), ingest_route_name(y->route));
}

/* Loss of response: the Kaplan-Meier of days from the response to its loss, and its estimate
 * at 28, 56 and 84 days. */
static int loss_of_response(const struct analysis *a, struct durability *u)
{
    size_t cap = a->nepisodes ? a->nepisodes : 1;
    double *t = malloc(cap * sizeof *t);
    int *ev = malloc(cap * sizeof *ev);
    int rc = -1;
    if (!t || !ev)
        goto out;
    size_t n = 0;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (!responding(e))
            continue;
        t[n] = e->dur.days_to_loss;
        ev[n] = e->dur.loss_event;
        n++;
    }
    if (stats_km_fit(t, ev, n, &u->km) != 0)
        goto out;
    static const double times[DURABILITY_AT] = {28, 56, 84};
    for (int k = 0; k < DURABILITY_AT; k++)
        u->at[k] = km_at_time(&u->km, times[k]);
    rc = 0;
out:
    free(t);
    free(ev);
    return rc;
}

/* Appends to *gaps the days between consecutive maintenance sessions of episode e (its
 * patient's rows [ra, rb)). */
static int maintenance_gaps(const struct rows *r, size_t ra, size_t rb, const struct episode *e,
                            const struct model_opts *o, double **gaps, size_t *ngaps)
{
    int64_t after = (int64_t)e->index_date + o->endpoint_to;
    int32_t prev = 0;
    int have = 0;
    for (size_t q = ra; q < rb; q++) {
        int32_t d = rows_date(r, q);
        if (rows_type(r, q) != SESSION_TREATMENT || d <= after || d >= e->next_index ||
            (have && d == prev))
            continue;
        if (have) {
            if (vec_reserve(gaps, *ngaps, sizeof **gaps) != 0)
                return -1;
            (*gaps)[(*ngaps)++] = d - prev;
        }
        prev = d;
        have = 1;
    }
    return 0;
}

/* Maintenance: counts per episode, and the days between consecutive maintenance sessions of
 * one episode, pooled (the rows give the dates again). */
static int maintenance(const struct rows *r, const size_t *pstart, const struct analysis *a,
                       struct durability *u)
{
    double *ms = malloc((a->nepisodes ? a->nepisodes : 1) * sizeof *ms), *gaps = NULL;
    size_t p = 0, nms = 0, ngaps = 0;
    int rc = -1;
    if (!ms)
        goto out;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (!responding(e) || !e->mature)
            continue;
        ms[nms++] = e->dur.maintenance_sessions;
        u->maint_episodes++;
        if (e->dur.maintenance_sessions == 0)
            continue;
        u->maint_with_sessions++;
        if (e->dur.maintenance_sessions < 2)
            continue;
        while (rows_pid(r, p) != e->patient)
            p++;
        if (maintenance_gaps(r, pstart[p], pstart[p + 1], e, &a->opts, &gaps, &ngaps) != 0)
            goto out;
    }
    u->maint_intervals = (long)ngaps;
    u->maint_sessions_median = median_of(ms, nms);
    u->maint_interval_median = median_of(gaps, ngaps);
    rc = 0;
out:
    free(ms);
    free(gaps);
    return rc;
}

/* Induction completion over eligible cohort episodes whose window has closed: overall, by
 * route, the sessions in the window, and the endpoint response of completers and
 * non-completers. */
static int induction_completion(const struct analysis *a, struct durability *u)
{
    const struct model_opts *o = &a->opts;
    long rc_counts[ROUTE_COUNT][2] = {{0}};
    long completed = 0, closed = 0, cm[2][2] = {{0}}; /* [completed][n, responders] */
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (!e->in_cohort || !e->eligible)
            continue;
        if ((int64_t)e->index_date + o->induction_d > (int64_t)a->as_of) {
            u->ind_open++;
            continue;
        }
        int c = e->dur.induction_complete;
        closed++;
        completed += c;
        rc_counts[e->route][0]++;
        rc_counts[e->route][1] += c;
        int bin = e->dur.induction_sessions < u->nbins ? e->dur.induction_sessions : u->nbins;
        u->sessions[bin - 1]++;
        if (e->mature) {
            cm[c][0]++;
            cm[c][1] += e->responder;
        }
    }
    u->completed = stats_proportion(completed, closed, o->ci);
    u->ind_no_route_n = rc_counts[ROUTE_NONE][0];
    u->ind_no_route_events = rc_counts[ROUTE_NONE][1];
    u->by_route = calloc(ROUTE_COUNT, sizeof *u->by_route);
    if (!u->by_route)
        return -1;
    for (int k = 1; k < ROUTE_COUNT; k++)
        if (rc_counts[k][0] > 0) {
            struct induction_route *ir = &u->by_route[u->nroutes++];
            ir->route = k;
            ir->completed = stats_proportion(rc_counts[k][1], rc_counts[k][0], o->ci);
        }
    qsort(u->by_route, u->nroutes, sizeof *u->by_route, route_cmp);
    u->resp_completers = stats_proportion(cm[1][1], cm[1][0], o->ci);
    u->resp_noncompleters = stats_proportion(cm[0][1], cm[0][0], o->ci);
    return 0;
}

int model_durability(const struct rows *r, const size_t *pstart, struct analysis *a)
{
    struct durability *u = &a->durability;
    const struct model_opts *o = &a->opts;
    memset(u, 0, sizeof *u);
    u->maint_sessions_median = u->maint_interval_median = NAN;
    u->nbins = o->induction_k + 1 > 12 ? o->induction_k + 1 : 12;
    u->sessions = calloc((size_t)u->nbins, sizeof *u->sessions);
    if (!u->sessions)
        return -1;
    /* loss of response */
    if (loss_of_response(a, u) != 0)
        return -1;
    /* maintenance */
    if (maintenance(r, pstart, a, u) != 0)
        return -1;
    /* induction completion over eligible cohort episodes whose window has closed */
    return induction_completion(a, u);
}

void model_durability_fini(struct durability *u)
{
    stats_km_fini(&u->km);
    free(u->by_route);
    free(u->sessions);
    memset(u, 0, sizeof *u);
}
