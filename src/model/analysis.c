/* analysis.c: from episodes to every figure of results.json (SPEC sections 2-4): the cohort and
 * its flow, the five rates, the four Kaplan-Meier fits, strata with log-rank tests, the monthly
 * p-charts, and the safety and data-quality figures. */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model_int.h"
#include "outcomes/date.h"

/* SPEC section 2's defaults, from the column table (columns.h). */
int model_instrument_defaults(int instrument, int *min_baseline, int *remission_max)
{
    if (instrument < 0 || instrument >= COL_COUNT || ingest_columns[instrument].min_baseline < 0)
        return -1;
    *min_baseline = ingest_columns[instrument].min_baseline;
    *remission_max = ingest_columns[instrument].remission_max;
    return 0;
}

void model_opts_default(struct model_opts *o, int instrument)
{
    memset(o, 0, sizeof *o);
    o->instrument = instrument < 0 ? COL_PHQ9 : instrument;
    model_instrument_defaults(o->instrument, &o->min_baseline, &o->remission_max);
    o->baseline_window = 14;
    o->endpoint_from = 14;
    o->endpoint_to = 42;
    o->endpoint_name = "induction";
    o->episode_gap = 90;
    o->ci = CI_WILSON;
    o->period_all = 1;
    o->bp_pre_sys = 140;
    o->bp_pre_dia = 90;
    o->bp_post_sys = 180;
    o->bp_post_dia = 110;
    o->cadss_above = 4;
    o->bp_hold_sys = 160;
    o->bp_hold_dia = 100;
    o->item9_followup_days = 7;
    o->adjust[0] = ADJ_BASELINE;
    o->nadjust = 1;
    o->induction_k = 6;
    o->induction_d = 21;
}

static const char *const stratum_names[SV_COUNT] = {
    "site", "clinician", "route", "drug", "concurrent_therapy", "dose_band", "frequency"};

const char *model_stratum_name(int var)
{
    return var >= 0 && var < SV_COUNT ? stratum_names[var] : "";
}

/* The value of stratum var for episode e ("" when empty). */
static const char *stratum_of(const struct rows *r, const struct episode *e, int var)
{
    switch (var) {
    case SV_SITE: return strtab_get(r->text, e->site, NULL);
    case SV_CLINICIAN: return strtab_get(r->text, e->clinician, NULL);
    case SV_ROUTE: return ingest_route_name(e->route);
    case SV_DRUG: return ingest_drug_name(e->drug);
    case SV_THERAPY: return strtab_get(r->text, e->therapy, NULL);
    case SV_FREQUENCY: return model_frequency_name(e->dur.frequency);
    default: return model_dose_band_name(e->dose_band);
    }
}

/* Kaplan-Meier of the eligible cohort episodes with follow-up, on days or sessions, for
 * response or remission. */
static int fit(const struct analysis *a, int remission, int sessions, struct km *out)
{
    double *t = malloc((a->nepisodes ? a->nepisodes : 1) * sizeof *t);
    int *ev = malloc((a->nepisodes ? a->nepisodes : 1) * sizeof *ev);
    size_t n = 0;
    int rc = -1;
    if (!t || !ev)
        goto out;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (!e->in_cohort || !e->eligible || e->n_followup == 0)
            continue;
        const struct time_to *tt = remission ? &e->remission : &e->response;
        t[n] = sessions ? tt->sessions : tt->days;
        ev[n] = tt->event;
        n++;
    }
    rc = stats_km_fit(t, ev, n, out);
out:
    free(t);
    free(ev);
    return rc;
}

/* The byte rank of each name of a small enumeration (names[0] = "" ranks 0), so that values
 * can be ordered as their text is without comparing strings. */
static void name_ranks(const char *const *names, int n, uint32_t *rank)
{
    for (int i = 0; i < n; i++) {
        rank[i] = 0;
        for (int j = 0; j < n; j++)
            rank[i] += strcmp(names[j], names[i]) < 0;
    }
}

/* An episode's stratum value as a number that orders like the text (0 = empty): text ids are
 * byte ranks already; the enumerations go through name_ranks. */
static uint32_t stratum_key(const struct episode *e, int var, const uint32_t *route_rank,
                            const uint32_t *drug_rank, const uint32_t *band_rank)
{
    switch (var) {
    case SV_SITE: return e->site;
    case SV_CLINICIAN: return e->clinician;
    case SV_THERAPY: return e->therapy;
    case SV_ROUTE: return route_rank[e->route];
    case SV_DRUG: return drug_rank[e->drug];
    case SV_FREQUENCY: return (uint32_t)e->dur.frequency + 1; /* "1-3" < "4-5" < "6-8" < "9+" */
    default: return band_rank[e->dose_band + 1];
    }
}

static int strata(struct analysis *a, const struct rows *r)
{
    size_t cap = a->nepisodes ? a->nepisodes : 1;
    const char **val = malloc(cap * sizeof *val);
    uint32_t *ep = malloc(cap * sizeof *ep), *ord = malloc(cap * sizeof *ord),
             *key = malloc(cap * sizeof *key);
    size_t nkeys = strtab_count(r->text) + 8;
    uint32_t *count = malloc((nkeys + 1) * sizeof *count);
    double *t = malloc(cap * sizeof *t);
    int *ev = malloc(cap * sizeof *ev), *grp = malloc(cap * sizeof *grp);
    int rc = -1;
    uint32_t route_rank[ROUTE_COUNT], drug_rank[DRUG_COUNT], band_rank[DOSE_BANDS + 1];
    const char *route_names[ROUTE_COUNT], *drug_names[DRUG_COUNT], *band_names[DOSE_BANDS + 1];
    for (int i = 0; i < ROUTE_COUNT; i++)
        route_names[i] = ingest_route_name(i);
    for (int i = 0; i < DRUG_COUNT; i++)
        drug_names[i] = ingest_drug_name(i);
    for (int i = 0; i <= DOSE_BANDS; i++)
        band_names[i] = model_dose_band_name(i - 1);
    name_ranks(route_names, ROUTE_COUNT, route_rank);
    name_ranks(drug_names, DRUG_COUNT, drug_rank);
    name_ranks(band_names, DOSE_BANDS + 1, band_rank);
    if (!val || !ep || !ord || !key || !count || !t || !ev || !grp)
        goto out;
    for (int var = 0; var < SV_COUNT; var++) {
        struct stratum *st = &a->strata[var];
        size_t n = 0;
        memset(count, 0, (nkeys + 1) * sizeof *count);
        for (size_t i = 0; i < a->nepisodes; i++) {
            const struct episode *e = &a->episodes[i];
            uint32_t k = stratum_key(e, var, route_rank, drug_rank, band_rank);
            if (e->in_cohort && e->eligible && k) {
                ep[n] = (uint32_t)i;
                key[n] = k;
                val[n] = stratum_of(r, e, var);
                count[k + 1]++;
                n++;
            }
        }
        for (size_t k = 0; k < nkeys; k++)
            count[k + 1] += count[k];
        for (size_t q = 0; q < n; q++)
            ord[count[key[q]]++] = (uint32_t)q;
        size_t nd = 0;
        for (size_t k = 0; k < n; k++)
            if (k == 0 || key[ord[k - 1]] != key[ord[k]])
                nd++;
        st->values = calloc(nd ? nd : 1, sizeof *st->values);
        if (!st->values)
            goto out;
        st->nvalues = nd;
        size_t nlr = 0; /* log-rank input */
        for (size_t k = 0, g = 0; k < n; g++) {
            size_t end = k + 1;
            while (end < n && key[ord[end]] == key[ord[k]])
                end++;
            struct stratum_value *sv = &st->values[g];
            if (!(sv->value = strdup(val[ord[k]])))
                goto out;
            long mature = 0, resp = 0, rem = 0;
            size_t nkm = nlr;
            for (size_t q = k; q < end; q++) {
                const struct episode *e = &a->episodes[ep[ord[q]]];
                if (e->mature) {
                    mature++;
                    resp += e->responder;
                    rem += e->remitter;
                }
                if (e->n_followup > 0) {
                    t[nlr] = e->response.days;
                    ev[nlr] = e->response.event;
                    grp[nlr] = (int)g;
                    nlr++;
                }
            }
            sv->response = stats_proportion(resp, mature, a->opts.ci);
            sv->remission = stats_proportion(rem, mature, a->opts.ci);
            if (stats_km_fit(t + nkm, ev + nkm, nlr - nkm, &sv->km) != 0)
                goto out;
            sv->km_n = sv->km.n;
            sv->km_events = sv->km.events;
            sv->km_median = sv->km.median;
            k = end;
        }
        if (stats_logrank(t, ev, grp, nlr, (int)nd, &st->chisq, &st->df, &st->p,
                          &st->logrank_reason) != 0)
            goto out;
    }
    rc = 0;
out:
    free(val);
    free(ep);
    free(ord);
    free(key);
    free(count);
    free(t);
    free(ev);
    free(grp);
    return rc;
}

static void monthly(struct analysis *a)
{
    a->month0 = a->period_to - 11;
    for (int k = 0; k < 12; k++) {
        a->monthly[k] = (struct pchart_point){0};
        a->monthly_remission[k] = (struct pchart_point){0};
    }
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        int k = date_month_index(e->index_date) - a->month0;
        if (k < 0 || k >= 12 || !e->eligible || !e->mature)
            continue;
        a->monthly[k].n++;
        a->monthly[k].events += e->responder;
        a->monthly_remission[k].n++;
        a->monthly_remission[k].events += e->remitter;
    }
    stats_pchart(a->monthly, 12);
    stats_pchart(a->monthly_remission, 12);
}

static void data_quality(const struct rows *r, const struct model_opts *o, struct data_quality *q)
{
    memset(q, 0, sizeof *q);
    q->missing_n = (long)r->n;
    for (size_t p = 0, i = 0; i < r->n;) {
        /* one patient's rows of one date (the store is sorted so): a treatment has a score when
         * any of them carries one, so that a score from a long score file counts (SPEC 16) */
        size_t j = rows_day_end(r, &p, i);
        int scored = 0;
        for (size_t k = i; k < j; k++)
            scored |= rows_int(r, o->instrument, k) >= 0;
        for (; i < j; i++) {
            for (int k = 0; k < N_INT_COLS; k++)
                q->missing[k] += rows_int(r, COL_FIRST_INT + k, i) < 0;
            if (rows_type(r, i) == SESSION_TREATMENT) {
                q->treatment_sessions++;
                q->treatment_without_primary += !scored;
            }
        }
    }
}

/* Episodes of patients [p0, p1) into their own array (one thread's share). */
struct episodes_job {
    const struct rows *r;
    const size_t *pstart;
    size_t p0, p1, maxrows;
    const struct model_opts *opts;
    int32_t as_of;
    struct episode *eps;
    size_t neps;
    int rc;
};

static void *episodes_run(void *arg)
{
    struct episodes_job *j = arg;
    struct patient_scratch ps = {0};
    j->rc = -1;
    ps.tdate = malloc((j->maxrows ? j->maxrows : 1) * sizeof *ps.tdate);
    ps.trow = malloc((j->maxrows ? j->maxrows : 1) * sizeof *ps.trow);
    ps.scores = malloc((j->maxrows ? j->maxrows : 1) * sizeof *ps.scores);
    if (ps.tdate && ps.trow && ps.scores) {
        j->rc = 0;
        for (size_t p = j->p0; p < j->p1 && !j->rc; p++)
            j->rc = model_patient_episodes(j->r, p, j->pstart[p], j->pstart[p + 1], j->opts,
                                           j->as_of, &ps, &j->eps, &j->neps);
    }
    free(ps.tdate);
    free(ps.trow);
    free(ps.scores);
    return NULL;
}

/* The analyses after the cohort: independent tasks that read the episodes and rows and each
 * write their own part of the analysis. Two workers take them from a shared counter, the
 * longest first, so the cores stay evenly busy whatever the data make each cost. */
enum {
    TASK_STRATA,
    TASK_FUNNEL,
    TASK_SAFETY,
    TASK_CHECKS,
    TASK_FIGURES,
    TASK_QUALITY,
    TASK_FIT_DAYS_RESPONSE,
    TASK_FIT_DAYS_REMISSION,
    TASK_FIT_SESSIONS_RESPONSE,
    TASK_FIT_SESSIONS_REMISSION,
    TASK_MONTHLY,
    TASK_DURABILITY,
    TASK_COUNT
};

struct after_job {
    struct analysis *a;
    const struct rows *r;
    const size_t *pstart;
    atomic_int *next;
    int rc;
};

static int after_task(struct analysis *a, const struct rows *r, const size_t *pstart, int task)
{
    switch (task) {
    case TASK_STRATA: return strata(a, r);
    case TASK_FUNNEL: return model_funnel(r, a);
    case TASK_SAFETY: return model_safety(r, pstart, a, &a->safety);
    case TASK_CHECKS: return model_checks(r, pstart, a, &a->checks);
    case TASK_FIGURES: return model_figures(r, pstart, a);
    case TASK_QUALITY: /* every row's: a subset's are the network's */
        if (a->net)
            a->dq = a->net->dq;
        else
            data_quality(r, &a->opts, &a->dq);
        return 0;
    case TASK_FIT_DAYS_RESPONSE: return fit(a, 0, 0, &a->time_to_response);
    case TASK_FIT_DAYS_REMISSION: return fit(a, 1, 0, &a->time_to_remission);
    case TASK_FIT_SESSIONS_RESPONSE: return fit(a, 0, 1, &a->sessions_to_response);
    case TASK_FIT_SESSIONS_REMISSION: return fit(a, 1, 1, &a->sessions_to_remission);
    case TASK_DURABILITY: return model_durability(r, pstart, a);
    default: monthly(a); return 0;
    }
}

static void *after_run(void *arg)
{
    struct after_job *j = arg;
    j->rc = 0;
    for (int t; (t = atomic_fetch_add(j->next, 1)) < TASK_COUNT;)
        j->rc |= after_task(j->a, j->r, j->pstart, t) != 0;
    return NULL;
}

static double seconds_since(struct timespec t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) * 1e-9;
}

/* Runs fn(&jobs[0]) here and fn(&jobs[1]) on a second thread when threads > 1 (or here after
 * it when no thread can be had). */
static void run_two(void *(*fn)(void *), void *job0, void *job1, int threads)
{
    pthread_t tid;
    int started = threads > 1 && pthread_create(&tid, NULL, fn, job1) == 0;
    fn(job0);
    if (started)
        pthread_join(tid, NULL);
    else
        fn(job1);
}

/* Everything after the episodes (a->episodes, the period): the cohort and its flow, the rates,
 * then the nine tasks on two threads, then the disclosure decision. Returns 0 or -1 (out of
 * memory). */
static int analyse_episodes(const struct ingest_result *in, const struct model_opts *opts,
                            struct analysis *a, const size_t *pstart,
                            const struct timespec *t_start)
{
    const struct rows *r = &in->rows;
    /* the cohort and its flow: the same function gives the comparison periods' (comparison.c) */
    struct period_rates pr;
    model_period_rates(a, a->period_from, a->period_to, &pr);
    for (size_t i = 0; i < a->nepisodes; i++) {
        struct episode *e = &a->episodes[i];
        int m = date_month_index(e->index_date);
        e->in_cohort = m >= a->period_from && m <= a->period_to;
    }
    a->cohort_episodes = pr.cohort;
    a->excluded_no_baseline = pr.no_baseline;
    a->excluded_below_min = pr.below_min;
    a->eligible = pr.eligible;
    a->with_followup = pr.with_followup;
    a->mature = pr.mature;
    a->with_endpoint = pr.with_endpoint;
    a->response = pr.response;
    a->remission = pr.remission;
    a->response_observed = pr.response_observed;
    a->remission_observed = pr.remission_observed;
    a->followup = pr.followup;
    model_comparisons(a);
    if (model_benchmarks(a) != 0)
        return -1;
    atomic_int next_task = 0;
    if (t_start)
        a->seconds_episodes = seconds_since(*t_start);
    struct after_job aj[2] = {{a, r, pstart, &next_task, 0}, {a, r, pstart, &next_task, 0}};
    run_two(after_run, &aj[0], &aj[1], opts->threads);
    if (aj[0].rc || aj[1].rc || model_disclose(in, a) != 0)
        return -1;
    return 0;
}

int model_run(const struct ingest_result *in, const struct model_opts *opts, struct analysis *a,
              struct diag *d)
{
    const struct rows *r = &in->rows;
    size_t *pstart = NULL;
    struct episodes_job ej[2] = {{0}, {0}};
    int rc = DIAG_IO;
    memset(a, 0, sizeof *a);
    a->opts = *opts;
    if (!in->have_as_of || r->n == 0)
        return diag_set(d, DIAG_DATA, NULL, 0, 0,
                        "no row was accepted: there is nothing to analyse (see the problems "
                        "listed by `outcomes check`)");
    a->as_of = in->as_of;
    struct timespec t_start;
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    /* patients' row ranges */
    size_t npat = 0, maxrows = 0;
    if (!(pstart = model_patient_starts(r, &npat)))
        goto oom;
    for (size_t p = 0; p < npat; p++)
        if (pstart[p + 1] - pstart[p] > maxrows)
            maxrows = pstart[p + 1] - pstart[p];
    /* episodes: the patients in two halves by rows, one per thread, joined in patient order
     * (the same array whatever the number of threads) */
    size_t half = 0;
    while (half < npat && pstart[half] < r->n / 2)
        half++;
    for (int k = 0; k < 2; k++)
        ej[k] = (struct episodes_job){
            r, pstart, k ? half : 0, k ? npat : half, maxrows, opts, a->as_of, NULL, 0, 0};
    run_two(episodes_run, &ej[0], &ej[1], opts->threads);
    if (ej[0].rc || ej[1].rc)
        goto oom;
    if (ej[1].neps) {
        struct episode *all = realloc(ej[0].eps, (ej[0].neps + ej[1].neps) * sizeof *all);
        if (!all)
            goto oom;
        ej[0].eps = all;
        /* the second half copied from its end in pieces, its array shrunk after each (its
         * pages given back as the first's are filled: never both halves' memory twice) */
        for (size_t n1 = ej[1].neps, k; n1 > 0; n1 -= k) {
            k = n1 < 65536 ? n1 : 65536;
            memcpy(all + ej[0].neps + n1 - k, ej[1].eps + n1 - k, k * sizeof *all);
            struct episode *rest = n1 > k ? realloc(ej[1].eps, (n1 - k) * sizeof *rest) : NULL;
            if (rest)
                ej[1].eps = rest; /* (NULL: none left, or kept whole: it is freed below) */
        }
        free(ej[1].eps);
        ej[1].eps = NULL;
    }
    a->episodes = ej[0].eps;
    a->nepisodes = ej[0].neps + ej[1].neps;
    ej[0].eps = NULL;
    if (opts->episodes_done)
        opts->episodes_done(opts->episodes_done_arg);
    /* the period */
    if (opts->period_all) {
        int32_t first = rows_date(r, 0);
        for (size_t i = 1; i < r->n; i++)
            if (rows_date(r, i) < first)
                first = rows_date(r, i);
        a->period_from = date_month_index(first);
        a->period_to = date_month_index(a->as_of);
    } else {
        a->period_from = opts->period_from;
        a->period_to = opts->period_to;
    }
    if (analyse_episodes(in, opts, a, pstart, &t_start) != 0)
        goto oom;
    rc = 0;
    goto out;
oom:
    diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory while analysing");
out:
    free(pstart);
    free(ej[0].eps);
    free(ej[1].eps);
    if (rc)
        model_fini(a);
    return rc;
}

void model_fini(struct analysis *a)
{
    if (!a)
        return;
    free(a->episodes);
    stats_km_fini(&a->time_to_response);
    stats_km_fini(&a->time_to_remission);
    stats_km_fini(&a->sessions_to_response);
    stats_km_fini(&a->sessions_to_remission);
    for (int v = 0; v < SV_COUNT; v++) {
        for (size_t k = 0; k < a->strata[v].nvalues; k++) {
            free(a->strata[v].values[k].value);
            stats_km_fini(&a->strata[v].values[k].km);
        }
        free(a->strata[v].values);
    }
    model_safety_fini(&a->safety);
    model_checks_fini(&a->checks);
    model_funnel_fini(&a->funnel);
    model_durability_fini(&a->durability);
    model_disclosure_fini(&a->disc);
    free(a->benchmarks);
    free(a->traj_lines);
    free(a->traj_pts);
    free(a->waterfall);
    free(a->waterfall_class);
    memset(a, 0, sizeof *a);
}

size_t *model_patient_starts(const struct rows *r, size_t *npatients)
{
    size_t *pstart = malloc((r->npatients + 1) * sizeof *pstart);
    if (!pstart)
        return NULL;
    for (size_t p = 0; p <= r->npatients; p++)
        pstart[p] = r->prow[p];
    if (npatients)
        *npatients = r->npatients;
    return pstart;
}

int model_subset(const struct ingest_result *in, const struct analysis *net, int var,
                 uint32_t value, struct analysis *a, struct diag *d)
{
    return model_subset_of(in, net, NULL, var, value, a, d);
}

int model_subset_of(const struct ingest_result *in, const struct analysis *net,
                    const size_t *starts, int var, uint32_t value, struct analysis *a,
                    struct diag *d)
{
    memset(a, 0, sizeof *a);
    a->opts = net->opts;
    a->opts.threads = 1; /* on the calling thread: a caller makes several at once */
    a->net = net;
    a->as_of = net->as_of;
    a->period_from = net->period_from;
    a->period_to = net->period_to;
    if (var != SV_SITE && var != SV_CLINICIAN)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "a report per value is made by site or by "
                        "clinician");
    size_t n = 0;
    for (size_t i = 0; i < net->nepisodes; i++)
        n += (var == SV_SITE ? net->episodes[i].site : net->episodes[i].clinician) == value;
    a->episodes = malloc((n ? n : 1) * sizeof *a->episodes);
    size_t *own = starts ? NULL : model_patient_starts(&in->rows, NULL);
    const size_t *pstart = starts ? starts : own;
    if (!a->episodes || !pstart) {
        free(own);
        model_fini(a);
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory while analysing");
    }
    for (size_t i = 0; i < net->nepisodes; i++) {
        const struct episode *e = &net->episodes[i];
        if ((var == SV_SITE ? e->site : e->clinician) == value)
            a->episodes[a->nepisodes++] = *e;
    }
    int rc = analyse_episodes(in, &a->opts, a, pstart, NULL);
    free(own);
    a->net = NULL;
    if (rc == 0) {
        /* the breakdown (and the funnel) by var has one value, the whole report, and nothing
         * "without a value":
         * it is left out (its cells would be the totals' with a missing part known to be 0, which
         * the disclosure decision cannot take for unknown), and the decision made again */
        struct stratum *st = &a->strata[var];
        for (size_t k = 0; k < st->nvalues; k++) {
            free(st->values[k].value);
            stats_km_fini(&st->values[k].km);
        }
        free(st->values);
        st->values = NULL;
        st->nvalues = 0;
        struct funnel_units *fu = &a->funnel.units[var == SV_SITE ? FUNNEL_SITE : FUNNEL_CLINICIAN];
        for (size_t k = 0; k < fu->nvalues; k++) /* the funnel's units by var likewise */
            free(fu->values[k].value);
        free(fu->values);
        fu->values = NULL;
        fu->nvalues = 0;
        fu->no_value = 0;
        model_disclosure_fini(&a->disc);
        rc = model_disclose(in, a);
    }
    if (rc != 0) {
        model_fini(a);
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory while analysing");
    }
    return 0;
}
