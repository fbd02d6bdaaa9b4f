/* episodes.c: a patient's rows -> treatment episodes with baseline, follow-up, endpoint and times
 * to response and remission (SPEC section 2). Works on one patient's rows at a time (the store
 * is sorted by patient and date), so it is linear in rows.
 *
 * Usable score: for one date and instrument, the value its rows give, unless they disagree
 * (ingest marked the conflict): then that date has no usable score. Several rows giving the same
 * value are one score. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "outcomes/vec.h"

/* The usable scores of instrument col for rows [a, b), one per date, in date order. */
size_t model_usable_scores(const struct rows *r, size_t a, size_t b, int col,
                           struct dated_score *out)
{
    size_t n = 0;
    int k = INT_INDEX(col);
    int conflict_bit = k < N_CONFLICT_COLS ? 1 << k : 0;
    if (!rows_has_int(r, col)) /* no row has the column */
        return 0;
    for (size_t i = a; i < b;) {
        size_t j = i;
        int value = -1, bad = 0;
        for (; j < b && rows_date(r, j) == rows_date(r, i); j++) {
            int s = rows_int(r, col, j);
            if (s < 0)
                continue;
            if (rows_conflict(r, j) & conflict_bit)
                bad = 1;
            value = s;
        }
        if (value >= 0 && !bad)
            out[n++] = (struct dated_score){rows_date(r, i), value};
        i = j;
    }
    return n;
}

int model_responds(int baseline, int score)
{
    return 2 * (baseline - score) >= baseline; /* a 50 % reduction, in integers */
}

static const char *const band_names[DOSE_BANDS] = {"<0.50", "0.50-0.74", "0.75-0.99", ">=1.00"};

const char *model_dose_band_name(int band)
{
    return band >= 0 && band < DOSE_BANDS ? band_names[band] : "";
}

static int dose_band(double mgkg)
{
    if (isnan(mgkg))
        return -1;
    /* compared in hundredths of mg/kg, rounded, so that 0.5 and 35/70 land in one band */
    long h = lround(mgkg * 100);
    return h < 50 ? 0 : h < 75 ? 1 : h < 100 ? 2 : 3;
}

int model_count_before(const int32_t *tdates, size_t nt, int32_t d)
{
    size_t lo = 0, hi = nt;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (tdates[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int)lo;
}

int model_patient_episodes(const struct rows *r, size_t p, size_t a, size_t b,
                           const struct model_opts *o, int32_t as_of, struct patient_scratch *ps,
                           struct episode **eps, size_t *neps)
{
    /* treatment dates, and the first treatment row of each */
    size_t nt = 0;
    for (size_t i = a; i < b; i++) {
        if (rows_type(r, i) != SESSION_TREATMENT)
            continue;
        if (nt > 0 && ps->tdate[nt - 1] == rows_date(r, i))
            continue;
        ps->tdate[nt] = rows_date(r, i);
        ps->trow[nt] = i;
        nt++;
    }
    if (nt == 0)
        return 0;
    size_t ns = model_usable_scores(r, a, b, o->instrument, ps->scores);
    for (size_t t0 = 0, t1; t0 < nt; t0 = t1) {
        t1 = t0 + 1;
        while (t1 < nt && ps->tdate[t1] - ps->tdate[t1 - 1] <= o->episode_gap)
            t1++;
        if (vec_reserve(eps, *neps, sizeof **eps) != 0)
            return -1;
        struct episode *e = &(*eps)[(*neps)++];
        memset(e, 0, sizeof *e);
        const int32_t I = ps->tdate[t0];
        const int32_t next = t1 < nt ? ps->tdate[t1] : INT32_MAX;
        const int32_t *tdates = ps->tdate + t0;
        const size_t ntd = t1 - t0;
        e->patient = rows_pid(r, p);
        e->number =
            *neps > 1 && (*eps)[*neps - 2].patient == e->patient ? (*eps)[*neps - 2].number + 1 : 1;
        e->index_date = I;
        e->next_index = next;
        e->index_row = ps->trow[t0];
        e->baseline_score = e->endpoint_score = -1;
        e->baseline_date = e->endpoint_date = e->last_followup_date = 0;
        /* strata from the index row */
        size_t ir = e->index_row;
        e->site = rows_text(r, TEXT_SITE, ir);
        e->clinician = rows_text(r, TEXT_CLINICIAN, ir);
        e->therapy = rows_text(r, TEXT_THERAPY, ir);
        e->route = rows_route(r, ir);
        e->drug = rows_drug(r, ir);
        double dose = rows_dose(r, ir), weight = rows_weight(r, ir);
        e->mg_per_kg = (!isnan(dose) && !isnan(weight)) ? dose / weight : NAN;
        e->dose_band = dose_band(e->mg_per_kg);
        /* baseline: the latest usable score in [I - window, I] */
        for (size_t k = 0; k < ns && ps->scores[k].date <= I; k++)
            if (ps->scores[k].date >= I - o->baseline_window) {
                e->baseline_date = ps->scores[k].date;
                e->baseline_score = ps->scores[k].score;
            }
        e->exclusion = e->baseline_score < 0                 ? EXCL_NO_BASELINE
                       : e->baseline_score < o->min_baseline ? EXCL_BELOW_MIN
                                                             : EXCL_NONE;
        e->eligible = e->exclusion == EXCL_NONE;
        e->mature = (int64_t)I + o->endpoint_to <= (int64_t)as_of;
        /* follow-up: I < date < next - window */
        int64_t fu_end = next == INT32_MAX ? INT64_MAX : (int64_t)next - o->baseline_window;
        e->response.event = e->remission.event = 0;
        int resp_found = 0, rem_found = 0;
        for (size_t k = 0; k < ns; k++) {
            int32_t d = ps->scores[k].date;
            int s = ps->scores[k].score;
            if (d <= I || (int64_t)d >= fu_end)
                continue;
            e->n_followup++;
            e->last_followup_date = d;
            int days = d - I;
            if (days >= o->endpoint_from && days <= o->endpoint_to) {
                e->endpoint_date = d;
                e->endpoint_score = s;
            }
            if (e->baseline_score < 0)
                continue;
            if (!resp_found && model_responds(e->baseline_score, s)) {
                resp_found = 1;
                e->response = (struct time_to){.event = 1,
                                               .date = d,
                                               .days = days,
                                               .sessions = model_count_before(tdates, ntd, d)};
            }
            if (!rem_found && s <= o->remission_max) {
                rem_found = 1;
                e->remission = (struct time_to){.event = 1,
                                                .date = d,
                                                .days = days,
                                                .sessions = model_count_before(tdates, ntd, d)};
            }
        }
        if (e->n_followup > 0) {
            int32_t d = e->last_followup_date;
            struct time_to censored = {.event = 0,
                                       .date = d,
                                       .days = d - I,
                                       .sessions = model_count_before(tdates, ntd, d)};
            if (!resp_found)
                e->response = censored;
            if (!rem_found)
                e->remission = censored;
        }
        if (e->eligible && e->endpoint_score >= 0) {
            e->responder = model_responds(e->baseline_score, e->endpoint_score);
            e->remitter = e->endpoint_score <= o->remission_max;
        }
        model_episode_durability(e, tdates, ntd, ps->scores, ns, fu_end, o);
    }
    return 0;
}
