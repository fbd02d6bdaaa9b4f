/* checks.c: safety monitoring and the review list (SPEC section 13; README "Definitions").
 *  - Sessions are the treatment rows of cohort episodes (as safety.c), except by month: there
 *    every treatment row dated in one of the 12 months ending with the period's last, whatever
 *    its episode's period (a trend, as the p-chart's months are).
 *  - Vital signs: a pair is both of its values (sbp and dbp); a session with one value of a pair
 *    is incomplete, counted as such and never as a reading. Route and clinician are the
 *    session row's own. The clinician funnel is unadjusted (SPEC 11's limits around the rate
 *    of all four over the sessions that name a clinician, stats_funnel_unadjusted).
 *  - Hold level: a session with a dose (dose_mg filled) and a pre-dose pair at or above
 *    --bp-hold (systolic >= S or diastolic >= D).
 *  - Monitoring: intranasal sessions with monitoring_min below 120, and without a value.
 *  - Item 9: usable item-9 values (one per date, none where same-day rows disagree) from an
 *    episode's baseline window to the end of its follow-up; a value >= 2 is followed when the
 *    patient has another accepted row (any encounter) dated 1 to --item9-followup-days days
 *    later; not followed and the days not over by the data cut: counted as open.
 *  - No response after 6: an eligible cohort episode with at least 6 treatment dates and no
 *    response event after at most 6 of them (the event's sessions <= 6).
 *  - The review list: one row per flagged session (the row's file and line; for item 9 the
 *    first row of that date holding the value) or episode (its sixth session's row), sorted by
 *    patient id, date, flag, then file and line.
 * Nothing here depends on row order: the same rows shuffled flag the same sessions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "outcomes/date.h"
#include "outcomes/sort.h"
#include "outcomes/vec.h"

const char *model_review_flag_name(int flag)
{
    static const char *const names[RF_COUNT] = {
        "bp_hold_dosed",     "bp_post_high",     "cadss_high",         "item9_3",
        "item9_no_followup", "monitoring_short", "no_response_after_6"};
    return flag >= 0 && flag < RF_COUNT ? names[flag] : "";
}

/* Minutes of monitoring of row i, or -1 when not recorded. */
static int monitoring_min(const struct rows *r, size_t i)
{
    return rows_int(r, COL_MONITORING_MIN, i);
}

static void vitals_add(struct vitals *v, int pre, int post)
{
    v->sessions++;
    v->pre += pre;
    v->post += post;
    v->all += pre && post;
}

struct builder {
    struct safety_checks *c;
    const struct rows *r;
    const struct episode *episodes; /* the analysis's: review rows name theirs by index */
    int oom;
    int count_only; /* a subset's (analysis.net): the review rows counted, not kept */
};

/* A review row; v1, v2 and open: the value found, as model_review_value writes it. */
static void review_add(struct builder *b, const struct episode *e, size_t row, int flag, int v1,
                       int v2, int open)
{
    struct safety_checks *c = b->c;
    if (b->count_only) {
        c->nreview++;
        c->flags[flag]++;
        return;
    }
    if (b->oom || vec_reserve(&c->review, c->nreview, sizeof *c->review) != 0) {
        b->oom = 1;
        return;
    }
    struct review_row *q = &c->review[c->nreview++];
    memset(q, 0, sizeof *q);
    q->row = (uint32_t)row;
    q->episode = (uint32_t)(e - b->episodes);
    q->flag = (unsigned)flag & 15u;
    q->v1 = (unsigned)v1 & 4095u; /* (0-4095: test_columns checks the table's ranges) */
    q->v2 = v2;
    q->open = (unsigned)open & 1u;
    c->flags[flag]++;
}

int model_review_value(const struct review_row *q, char *buf, size_t size)
{
    switch (q->flag) {
    case RF_BP_HOLD_DOSED:
    case RF_BP_POST_HIGH: return snprintf(buf, size, "%d/%d", q->v1, q->v2);
    case RF_ITEM9_NO_FOLLOWUP:
        return snprintf(buf, size, "%d%s", q->v1, q->open ? " (days not over)" : "");
    case RF_NO_RESPONSE_AFTER_6:
        if (q->v2 >= 0)
            return snprintf(buf, size, "baseline %d; last %d", q->v1, q->v2);
        return snprintf(buf, size, "baseline %d; no score", q->v1);
    default: return snprintf(buf, size, "%d", q->v1); /* CADSS, minutes, item 9 = 3 */
    }
}

/* Review rows of one patient by date, flag, file and line (their store rows'). */
struct review_order {
    const struct review_row *v;
    const struct rows *r;
};
static int review_cmp(uint32_t x, uint32_t y, const void *ctx)
{
    const struct review_order *o = ctx;
    const struct review_row *a = &o->v[x], *b = &o->v[y];
    int32_t da = rows_date(o->r, a->row), db = rows_date(o->r, b->row);
    if (da != db)
        return da < db ? -1 : 1;
    if (a->flag != b->flag)
        return a->flag < b->flag ? -1 : 1;
    uint32_t fa = rows_file(o->r, a->row), fb = rows_file(o->r, b->row);
    if (fa != fb)
        return fa < fb ? -1 : 1;
    uint32_t la = rows_line(o->r, a->row), lb = rows_line(o->r, b->row);
    if (la != lb)
        return la < lb ? -1 : 1;
    return 0;
}

/* The rows come patient by patient (the episodes' order, patient ids being byte ranks): each
 * patient's run sorted alone (a stable merge sort of its indices), so that the scratch is a
 * patient's rows, not a copy of the whole list (7 M rows on a 10 M-row export). */
static int sort_review(struct safety_checks *c, const struct episode *eps, const struct rows *r)
{
    uint32_t *idx = NULL, *tmp = NULL;
    struct review_row *run = NULL;
    size_t cap = 0;
    int rc = 0;
    for (size_t i = 0; c->review && i < c->nreview && !rc;) { /* (a subset's: not kept) */
        size_t j = i + 1;
        uint32_t patient = eps[c->review[i].episode].patient;
        while (j < c->nreview && eps[c->review[j].episode].patient == patient)
            j++;
        size_t k = j - i;
        if (k > 1 && k > cap) {
            free(idx);
            free(tmp);
            free(run);
            cap = k;
            idx = malloc(cap * sizeof *idx);
            tmp = malloc(cap * sizeof *tmp);
            run = malloc(cap * sizeof *run);
            rc = !idx || !tmp || !run ? -1 : 0;
        }
        if (k > 1 && !rc) {
            for (size_t q = 0; q < k; q++)
                idx[q] = (uint32_t)q;
            struct review_order o = {c->review + i, r};
            sort_indices(idx, k, review_cmp, &o, tmp);
            for (size_t q = 0; q < k; q++)
                run[q] = c->review[i + idx[q]];
            memcpy(c->review + i, run, k * sizeof *run);
        }
        i = j;
    }
    free(idx);
    free(tmp);
    free(run);
    return rc;
}

static int clinician_funnel(struct safety_checks *c, const struct rows *r,
                            const struct vitals *by_id, uint32_t ntext)
{
    size_t n = 0;
    for (uint32_t t = 1; t < ntext; t++)
        n += by_id[t].sessions > 0;
    c->nclinicians = 0;
    if (n == 0)
        return 0;
    c->by_clinician = calloc(n, sizeof *c->by_clinician);
    struct funnel_unit *fu = calloc(n, sizeof *fu);
    if (!c->by_clinician || !fu) {
        free(fu);
        return -1;
    }
    /* text ids are byte ranks: id order is byte order */
    for (uint32_t t = 1; t < ntext; t++) {
        if (by_id[t].sessions == 0)
            continue;
        struct vitals_unit *u = &c->by_clinician[c->nclinicians++];
        size_t len;
        const char *s = strtab_get(r->text, t, &len);
        if (!(u->value = malloc(len + 1))) {
            free(fu);
            return -1;
        }
        memcpy(u->value, s, len);
        u->value[len] = '\0';
        u->v = by_id[t];
        fu[c->nclinicians - 1] =
            (struct funnel_unit){.n = (double)u->v.sessions, .x = (double)u->v.all};
    }
    /* the funnel of SPEC 11, unadjusted: the centre is the clinicians' pooled rate */
    c->funnel_centre = stats_funnel_unadjusted(fu, n);
    for (size_t k = 0; k < n; k++) {
        struct vitals_unit *u = &c->by_clinician[k];
        u->lo95 = fu[k].lim.lo95;
        u->hi95 = fu[k].lim.hi95;
        u->lo998 = fu[k].lim.lo998;
        u->hi998 = fu[k].lim.hi998;
        u->flag = fu[k].flag;
    }
    free(fu);
    return 0;
}

/* The first row of [*from, b) dated d that holds a value in column col (a usable value has
 * one); *from advances to the first row dated d, so that dates asked in order cost one pass. */
static size_t row_with(const struct rows *r, size_t *from, size_t b, int32_t d, int col)
{
    while (*from < b && rows_date(r, *from) < d)
        (*from)++;
    for (size_t i = *from; i < b && rows_date(r, i) == d; i++)
        if (rows_int(r, col, i) >= 0)
            return i;
    return *from;
}

/* The end (exclusive) of an episode's item 9 and follow-up window: the baseline window before
 * the next episode's index date. */
static int64_t follow_up_end(const struct episode *e, const struct model_opts *o)
{
    return e->next_index == INT32_MAX ? INT64_MAX : (int64_t)e->next_index - o->baseline_window;
}

/* Treatment row i of episode e: its vital-sign pairs (overall, by route and clinician), a dose
 * at a hold-level pressure, a high post-dose pressure, a high CADSS and intranasal monitoring
 * time. */
static void session_checks(struct builder *b, const struct episode *e, size_t i,
                           const struct model_opts *o, struct vitals *by_clin)
{
    const struct rows *r = b->r;
    struct safety_checks *c = b->c;
    int sp = rows_int(r, COL_SBP_PRE, i), dp = rows_int(r, COL_DBP_PRE, i);
    int sq = rows_int(r, COL_SBP_POST, i), dq = rows_int(r, COL_DBP_POST, i);
    int pre = sp >= 0 && dp >= 0, post = sq >= 0 && dq >= 0;
    c->pre_incomplete += (sp >= 0) != (dp >= 0);
    c->post_incomplete += (sq >= 0) != (dq >= 0);
    vitals_add(&c->all, pre, post);
    vitals_add(&c->by_route[rows_route(r, i) < ROUTE_COUNT ? rows_route(r, i) : ROUTE_NONE], pre,
               post);
    uint32_t clin = rows_text(r, TEXT_CLINICIAN, i);
    vitals_add(clin ? &by_clin[clin] : &c->no_clinician, pre, post);
    if (pre && !isnan(rows_dose(r, i))) {
        c->dosed_pre++;
        if (sp >= o->bp_hold_sys || dp >= o->bp_hold_dia) {
            c->hold_dosed++;
            review_add(b, e, i, RF_BP_HOLD_DOSED, sp, dp, 0);
        }
    }
    if (post && (sq >= o->bp_post_sys || dq >= o->bp_post_dia)) {
        review_add(b, e, i, RF_BP_POST_HIGH, sq, dq, 0);
    }
    int cadss = rows_int(r, COL_CADSS, i);
    if (cadss > o->cadss_above) {
        review_add(b, e, i, RF_CADSS_HIGH, cadss, 0, 0);
    }
    if (rows_route(r, i) == ROUTE_INTRANASAL) {
        c->intranasal++;
        int m = monitoring_min(r, i);
        if (m < 0) {
            c->monitoring_missing++;
        } else {
            c->monitoring_n++;
            if (m < 120) {
                c->monitoring_short++;
                review_add(b, e, i, RF_MONITORING_SHORT, m, 0, 0);
            }
        }
    }
}

/* Item 9, baseline window to the end of follow-up (as safety.c counts it): a 3, and a 2 or 3
 * without another encounter within the follow-up days. */
static void item9_checks(struct builder *b, const struct episode *e, size_t ra, size_t rb,
                         const struct analysis *a, struct dated_score *scores)
{
    const struct rows *r = b->r;
    const struct model_opts *o = &a->opts;
    struct safety_checks *c = b->c;
    size_t n9 = model_usable_scores(r, ra, rb, COL_PHQ9_ITEM9, scores);
    int64_t from = (int64_t)e->index_date - o->baseline_window, to = follow_up_end(e, o);
    size_t next = ra, at = ra; /* the first row dated after the score's date; on it */
    for (size_t k = 0; k < n9; k++) {
        int32_t d = scores[k].date;
        if (d < from || d >= to || scores[k].score < 2)
            continue;
        size_t row = row_with(r, &at, rb, d, COL_PHQ9_ITEM9);
        if (scores[k].score == 3) {
            c->item9_eq3++;
            review_add(b, e, row, RF_ITEM9_3, 3, 0, 0);
        }
        while (next < rb && rows_date(r, next) <= d)
            next++;
        if (next < rb && (int64_t)rows_date(r, next) - d <= o->item9_followup_days) {
            c->item9_followed++;
        } else {
            int open = (int64_t)d + o->item9_followup_days > a->as_of;
            c->item9_open += open;
            review_add(b, e, row, RF_ITEM9_NO_FOLLOWUP, scores[k].score, 0, open);
        }
    }
}

/* The episode's treatment dates counted: how many, the 6th (and its first row) and the 7th
 * (INT32_MAX without one). */
struct treatment_dates {
    int n;
    int32_t d6, d7;
    size_t row6;
};

/* No response after 6 sessions: an eligible episode with 6 treatment dates or more that did
 * not respond by the 6th; the value names the baseline and the last score by the 7th date. */
static void no_response_check(struct builder *b, const struct episode *e, size_t ra, size_t rb,
                              const struct model_opts *o, struct treatment_dates td,
                              struct dated_score *scores)
{
    const struct rows *r = b->r;
    struct safety_checks *c = b->c;
    if (!e->eligible || td.n < 6)
        return;
    c->no_response_n++;
    int responded = e->n_followup > 0 && e->response.event && e->response.sessions <= 6;
    if (responded)
        return;
    size_t ns = model_usable_scores(r, ra, rb, o->instrument, scores);
    int64_t to = follow_up_end(e, o);
    int last = -1;
    for (size_t k = 0; k < ns; k++) {
        int64_t d = scores[k].date;
        if (d > e->index_date && d < to && d <= td.d7)
            last = scores[k].score;
    }
    review_add(b, e, td.row6, RF_NO_RESPONSE_AFTER_6, e->baseline_score, last, 0);
}

/* The episode's flags and counts over the rows [ra, rb) of its patient. */
static void episode_checks(struct builder *b, const struct episode *e, size_t ra, size_t rb,
                           const struct analysis *a, struct vitals *by_clin,
                           struct dated_score *scores)
{
    const struct rows *r = b->r;
    struct treatment_dates td = {0, 0, INT32_MAX, ra};
    int32_t last_td = INT32_MIN;
    for (size_t i = ra; i < rb; i++) {
        if (rows_type(r, i) != SESSION_TREATMENT || rows_date(r, i) < e->index_date ||
            rows_date(r, i) >= e->next_index)
            continue;
        if (rows_date(r, i) != last_td) {
            last_td = rows_date(r, i);
            td.n++;
            if (td.n == 6) {
                td.d6 = rows_date(r, i);
                td.row6 = i;
            } else if (td.n == 7) {
                td.d7 = rows_date(r, i);
            }
        }
        session_checks(b, e, i, &a->opts, by_clin);
    }
    /* item 9, baseline window to the end of follow-up (as safety.c counts it) */
    item9_checks(b, e, ra, rb, a, scores);
    /* no response after 6 sessions */
    no_response_check(b, e, ra, rb, &a->opts, td, scores);
}

int model_checks(const struct rows *r, const size_t *pstart, const struct analysis *a,
                 struct safety_checks *c)
{
    memset(c, 0, sizeof *c);
    c->funnel_centre = NAN;
    c->month0 = a->period_to - 11;
    uint32_t ntext = strtab_count(r->text);
    size_t maxrows = 1;
    for (size_t q = 0; pstart[q] < r->n; q++)
        if (pstart[q + 1] - pstart[q] > maxrows)
            maxrows = pstart[q + 1] - pstart[q];
    struct vitals *by_clin = calloc(ntext ? ntext : 1, sizeof *by_clin);
    struct dated_score *scores = malloc(maxrows * sizeof *scores);
    struct builder b = {c, r, a->episodes, 0, a->net != NULL};
    if (!by_clin || !scores)
        goto oom;
    if (a->net) { /* every row's counts: a subset's are the network's */
        memcpy(c->by_month, a->net->checks.by_month, sizeof c->by_month);
        c->item9_without_total = a->net->checks.item9_without_total;
    }
    /* every treatment row by month; item 9 without a total that patient and date */
    for (size_t p = 0, i = 0; i < r->n && !a->net;) {
        size_t j = rows_day_end(r, &p, i);
        int total = 0;
        for (size_t k = i; k < j; k++)
            total |= rows_int(r, COL_PHQ9, k) >= 0;
        for (size_t k = i; k < j; k++) {
            c->item9_without_total += !total && rows_int(r, COL_PHQ9_ITEM9, k) >= 0;
            int m = date_month_index(rows_date(r, k)) - c->month0;
            if (rows_type(r, k) != SESSION_TREATMENT || m < 0 || m >= 12)
                continue;
            int sp = rows_int(r, COL_SBP_PRE, k), dp = rows_int(r, COL_DBP_PRE, k);
            int sq = rows_int(r, COL_SBP_POST, k), dq = rows_int(r, COL_DBP_POST, k);
            vitals_add(&c->by_month[m], sp >= 0 && dp >= 0, sq >= 0 && dq >= 0);
        }
        i = j;
    }
    size_t p = 0;
    for (size_t ei = 0; ei < a->nepisodes && !b.oom; ei++) {
        const struct episode *e = &a->episodes[ei];
        if (!e->in_cohort)
            continue;
        while (rows_pid(r, p) != e->patient)
            p++;
        episode_checks(&b, e, pstart[p], pstart[p + 1], a, by_clin, scores);
    }
    if (b.oom || clinician_funnel(c, r, by_clin, ntext) != 0 || sort_review(c, a->episodes, r) != 0)
        goto oom;
    free(by_clin);
    free(scores);
    return 0;
oom:
    free(by_clin);
    free(scores);
    model_checks_fini(c);
    return -1;
}

void model_checks_fini(struct safety_checks *c)
{
    for (size_t k = 0; k < c->nclinicians; k++)
        free(c->by_clinician[k].value);
    free(c->by_clinician);
    free(c->review);
    c->by_clinician = NULL;
    c->review = NULL;
    c->nclinicians = c->nreview = 0;
}
