/* results_json.c: results.json, built with jansson (keys in insertion order, 2-space indent) and
 * numbers rewritten to their shortest exact form (numfmt). NaN is written as null. Key names
 * and nesting follow SPEC section 5; what the SPEC leaves open is in the README. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/numfmt.h"
#include "outcomes/report.h"
#include "report_int.h"
#include "outcomes/text.h"

void report_month_label(int month, char *buf)
{
    int y = month / 12, m = month % 12 + 1;
    buf[0] = (char)('0' + y / 1000 % 10);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '\0';
}

/* A number: null for NaN, an integer when integral (so 13 is not written 13.0). */
static json_t *num(double v)
{
    if (isnan(v) || isinf(v))
        return json_null();
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* Text from the input that ingest does not validate (an unknown header, a path): as it is when
 * it is UTF-8, else its escaped form (text_escape: "Unbekannt\\xE9"), since a JSON string must
 * be UTF-8 and jansson refuses anything else (NULL, which would drop the entry silently). */
static json_t *text_str(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    size_t room = TEXT_ROOM(strlen(s));
    char *buf = malloc(room);
    if (!buf)
        return NULL;
    j = json_string(text_escape(buf, room, s));
    free(buf);
    return j;
}

static json_t *date_str(int32_t day)
{
    char buf[11];
    date_format(day, buf);
    return json_string(buf);
}

static json_t *month_str(int month)
{
    char buf[8];
    report_month_label(month, buf);
    return json_string(buf);
}

static json_t *pair(double a, double b)
{
    json_t *arr = json_array();
    json_array_append_new(arr, num(a));
    json_array_append_new(arr, num(b));
    return arr;
}

static json_t *proportion(const struct proportion *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "events", json_integer(p->events));
    json_object_set_new(o, "n", json_integer(p->n));
    json_object_set_new(o, "rate", num(p->rate));
    json_object_set_new(o, "ci", p->n > 0 ? pair(p->lo, p->hi) : json_null());
    return o;
}

/* A count, or null when withheld (the caller marks the object "suppressed": true). */
static json_t *count(long v, uint8_t withheld)
{
    return withheld ? json_null() : json_integer(v);
}

/* A suppressed figure: every number null, "suppressed": true. */
static void null_numbers(json_t *o)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (json_is_number(v))
            json_object_set_new(o, key, json_null());
        else if (json_is_array(v))
            for (size_t i = 0; i < json_array_size(v); i++)
                if (json_is_number(json_array_get(v, i)))
                    json_array_set_new(v, i, json_null());
    }
}

static json_t *hide(json_t *o)
{
    null_numbers(o);
    json_object_set_new(o, "suppressed", json_true());
    return o;
}

/* A proportion as the disclosure decision dp allows: withheld counts, and the rate and
 * interval when either count is withheld, are null, and the object is "suppressed": true. */
static json_t *proportion_d(const struct proportion *p, struct disc_prop dp)
{
    json_t *o = proportion(p);
    if (dp.events || dp.n || dp.rate) {
        json_object_set_new(o, "events", count(p->events, dp.events));
        json_object_set_new(o, "n", count(p->n, dp.n));
        json_object_set_new(o, "rate", json_null());
        json_object_set_new(o, "ci", json_null());
        json_object_set_new(o, "suppressed", json_true());
    }
    return o;
}

/* Under suppression (dk->... from the disclosure decision) a curve has no per-step rows, only
 * the median and "at": the estimate and interval at fixed times while N or more are at risk. */
static json_t *km(const struct km *k, const char *unit, int below, const struct disc_km *dk)
{
    json_t *o = json_object(), *curve = json_array();
    json_object_set_new(o, "unit", json_string(unit));
    json_object_set_new(o, "n", count(k->n, dk->n));
    json_object_set_new(o, "events", count(k->events, dk->events));
    json_object_set_new(o, "median", dk->median ? json_null() : num(k->median));
    json_object_set_new(o, "median_ci",
                        dk->median ? pair(NAN, NAN) : pair(k->median_lo, k->median_hi));
    if (dk->n || dk->events || dk->median)
        json_object_set_new(o, "suppressed", json_true());
    if (below > 1) {
        json_decref(curve);
        json_t *at = json_array();
        for (int i = 0; i < dk->nat; i++) {
            json_t *row = json_object();
            json_object_set_new(row, "time", num(dk->at[i].time));
            json_object_set_new(row, "surv", num(dk->at[i].surv));
            json_object_set_new(row, "lower", num(dk->at[i].lower));
            json_object_set_new(row, "upper", num(dk->at[i].upper));
            json_array_append_new(at, row);
        }
        json_object_set_new(o, "at", at);
        return o;
    }
    for (size_t i = 0; i < k->ncurve; i++) {
        const struct km_row *r = &k->curve[i];
        json_t *row = json_object();
        json_object_set_new(row, "time", num(r->time));
        json_object_set_new(row, "n_risk", json_integer(r->n_risk));
        json_object_set_new(row, "n_event", json_integer(r->n_event));
        json_object_set_new(row, "n_censor", json_integer(r->n_censor));
        json_object_set_new(row, "surv", num(r->surv));
        json_object_set_new(row, "std_err", num(r->std_err));
        json_object_set_new(row, "lower", num(r->lower));
        json_object_set_new(row, "upper", num(r->upper));
        json_array_append_new(curve, row);
    }
    json_object_set_new(o, "curve", curve);
    return o;
}

static json_t *pchart(const struct pchart_point *pts, int month0, const struct disc_month *dm,
                      uint8_t centre)
{
    json_t *arr = json_array();
    for (int k = 0; k < 12; k++) {
        const struct pchart_point *q = &pts[k];
        const struct disc_month *m = &dm[k];
        json_t *o = json_object();
        json_object_set_new(o, "month", month_str(month0 + k));
        json_object_set_new(o, "n", count(q->n, m->n));
        json_object_set_new(o, "events", count(q->events, m->events));
        json_object_set_new(o, "rate", m->rate ? json_null() : num(q->rate));
        json_object_set_new(o, "centre", centre ? json_null() : num(q->centre));
        json_object_set_new(o, "lower", m->limits ? json_null() : num(q->lower));
        json_object_set_new(o, "upper", m->limits ? json_null() : num(q->upper));
        json_object_set_new(o, "signal", m->limits ? json_null() : json_boolean(q->signal));
        if (m->n || m->events || m->rate || m->limits || centre)
            json_object_set_new(o, "suppressed", json_true());
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *strata(const struct analysis *a)
{
    json_t *o = json_object(), *lr = json_object();
    for (int v = 0; v < SV_COUNT; v++) {
        const struct stratum *st = &a->strata[v];
        json_t *arr = json_array();
        for (size_t k = 0; k < st->nvalues; k++) {
            const struct stratum_value *sv = &st->values[k];
            const struct disc_value *dv = &a->disc.strata[v][k];
            json_t *item = json_object(), *t = json_object();
            json_object_set_new(item, "value", json_string(sv->value));
            json_object_set_new(item, "response", proportion_d(&sv->response, dv->response));
            json_object_set_new(item, "remission", proportion_d(&sv->remission, dv->remission));
            json_object_set_new(t, "n", count(sv->km_n, dv->km.n));
            json_object_set_new(t, "events", count(sv->km_events, dv->km.events));
            json_object_set_new(t, "median", dv->km.median ? json_null() : num(sv->km_median));
            if (dv->km.n || dv->km.events || dv->km.median)
                json_object_set_new(t, "suppressed", json_true());
            json_object_set_new(item, "time_to_response", t);
            json_array_append_new(arr, item);
        }
        json_object_set_new(o, model_stratum_name(v), arr);
        json_t *test = json_object();
        json_object_set_new(test, "chisq", num(st->chisq));
        json_object_set_new(test, "df", num(st->df));
        json_object_set_new(test, "p", num(st->p));
        if (a->disc.logrank[v])
            test = hide(test); /* withheld: no numbers and no reason either */
        else if (st->logrank_reason)
            json_object_set_new(test, "reason", json_string(st->logrank_reason));
        json_object_set_new(lr, model_stratum_name(v), test);
    }
    json_object_set_new(o, "logrank", lr);
    return o;
}

/* Marks o "suppressed": true when any flag is set. */
static json_t *mark(json_t *o, int any)
{
    if (any)
        json_object_set_new(o, "suppressed", json_true());
    return o;
}

/* A proportion x of n (counts of the model) with the run's interval, as dp allows. */
static json_t *share_d(long x, long n, struct disc_prop dp, enum ci_method ci)
{
    struct proportion p = stats_proportion(x, n, ci);
    return proportion_d(&p, dp);
}

/* Vital signs of a group of sessions: {sessions, pre, post, all} (SPEC 13). */
static json_t *vitals(const struct vitals *v, const struct disc_vitals *dv, enum ci_method ci)
{
    json_t *o = json_object();
    json_object_set_new(o, "sessions", count(v->sessions, dv->sessions));
    json_object_set_new(o, "pre_pair", share_d(v->pre, v->sessions, dv->pre, ci));
    json_object_set_new(o, "post_pair", share_d(v->post, v->sessions, dv->post, ci));
    json_object_set_new(o, "all_four", share_d(v->all, v->sessions, dv->all, ci));
    return mark(o, dv->sessions);
}

/* The item-9 figures of SPEC 13 beside the encounter counts of phq9_item9. */
static void safety_item9(const struct analysis *a, json_t *t)
{
    const struct safety_checks *c = &a->checks;
    const struct disc_checks *dc = &a->disc.checks;
    json_object_set_new(t, "encounters_eq3", count(c->item9_eq3, dc->item9_eq3.events));
    json_object_set_new(t, "followup_days", json_integer(a->opts.item9_followup_days));
    json_object_set_new(
        t, "ge2_followed",
        share_d(c->item9_followed, a->safety.item9_ge2, dc->item9_followed, a->opts.ci));
    json_object_set_new(t, "ge2_not_followed_days_open", count(c->item9_open, dc->item9_open));
    json_object_set_new(t, "rows_without_phq9_total",
                        count(c->item9_without_total, dc->item9_without_total));
    if (dc->item9_eq3.events || dc->item9_open || dc->item9_without_total)
        json_object_set_new(t, "suppressed", json_true());
}

/* Vital-sign completeness, hold level, monitoring time and the review list's counts. */
static void safety_checks(const struct analysis *a, json_t *o)
{
    const struct safety_checks *c = &a->checks;
    const struct disc_checks *dc = &a->disc.checks;
    enum ci_method ci = a->opts.ci;
    json_t *v = json_object(), *arr, *t;
    json_object_set_new(v, "overall", vitals(&c->all, &dc->all, ci));
    json_object_set_new(v, "pre_incomplete",
                        share_d(c->pre_incomplete, c->all.sessions, dc->pre_incomplete, ci));
    json_object_set_new(v, "post_incomplete",
                        share_d(c->post_incomplete, c->all.sessions, dc->post_incomplete, ci));
    arr = json_array();
    for (int r = 1; r <= ROUTE_COUNT; r++) { /* sessions without a route last */
        int k = r % ROUTE_COUNT;
        if (c->by_route[k].sessions == 0)
            continue;
        t = vitals(&c->by_route[k], &dc->by_route[k], ci);
        json_object_set_new(t, "route", k ? json_string(ingest_route_name(k)) : json_null());
        json_array_append_new(arr, t);
    }
    json_object_set_new(v, "by_route", arr);
    t = json_object();
    json_object_set_new(t, "measure", json_string("all_four"));
    json_object_set_new(t, "adjusted", json_false());
    json_object_set_new(t, "centre", dc->funnel_centre ? json_null() : num(c->funnel_centre));
    arr = json_array();
    for (size_t k = 0; k < c->nclinicians; k++) {
        const struct vitals_unit *u = &c->by_clinician[k];
        const struct disc_vitals *du = &dc->by_clinician[k];
        json_t *q = vitals(&u->v, du, ci);
        json_object_set_new(q, "clinician", text_str(u->value));
        int lim = dc->funnel_centre || du->sessions;
        json_object_set_new(q, "limits95", lim ? pair(NAN, NAN) : pair(u->lo95, u->hi95));
        json_object_set_new(q, "limits998", lim ? pair(NAN, NAN) : pair(u->lo998, u->hi998));
        json_object_set_new(q, "flag",
                            lim || du->all.rate ? json_null()
                                                : json_string(stats_funnel_flag_name(u->flag)));
        json_array_append_new(arr, mark(q, lim || du->all.rate));
    }
    json_object_set_new(t, "clinicians", arr);
    json_object_set_new(t, "no_clinician", vitals(&c->no_clinician, &dc->no_clinician, ci));
    json_object_set_new(v, "funnel_clinician", mark(t, dc->funnel_centre));
    arr = json_array();
    for (int m = 0; m < 12; m++) {
        t = vitals(&c->by_month[m], &dc->by_month[m], ci);
        json_object_set_new(t, "month", month_str(c->month0 + m));
        json_array_append_new(arr, t);
    }
    json_object_set_new(v, "by_month", arr);
    json_object_set_new(o, "vitals", v);
    t = json_object();
    json_object_set_new(t, "threshold", pair(a->opts.bp_hold_sys, a->opts.bp_hold_dia));
    json_object_set_new(t, "dosed", share_d(c->hold_dosed, c->dosed_pre, dc->hold_dosed, ci));
    json_object_set_new(o, "bp_hold", t);
    t = json_object();
    json_object_set_new(t, "minimum_minutes", json_integer(120));
    json_object_set_new(t, "intranasal_sessions", count(c->intranasal, dc->intranasal));
    json_object_set_new(t, "under_minimum",
                        share_d(c->monitoring_short, c->intranasal, dc->monitoring_short, ci));
    json_object_set_new(t, "without_value",
                        share_d(c->monitoring_missing, c->intranasal, dc->monitoring_missing, ci));
    json_object_set_new(o, "monitoring", mark(t, dc->intranasal));
    t = json_object();
    json_object_set_new(t, "file",
                        a->opts.suppress_below > 1 ? json_null() : json_string("review.csv"));
    json_t *fl = json_object();
    int any = 0;
    for (int f = 0; f < RF_COUNT; f++) {
        json_object_set_new(fl, model_review_flag_name(f), count(c->flags[f], dc->flags[f]));
        any |= dc->flags[f];
    }
    json_object_set_new(t, "flags", mark(fl, any));
    json_object_set_new(
        t, "no_response_after_6",
        share_d(c->flags[RF_NO_RESPONSE_AFTER_6], c->no_response_n, dc->no_response, ci));
    json_object_set_new(o, "review", t);
}

static json_t *safety(const struct analysis *a)
{
    const struct safety *s = &a->safety;
    const struct disclosure *d = &a->disc;
    const struct model_opts *op = &a->opts;
    json_t *o = json_object(), *t;
    json_object_set_new(o, "sessions", count(s->sessions, d->sessions));
    mark(o, d->sessions);
    t = json_object();
    json_object_set_new(t, "threshold", pair(op->bp_pre_sys, op->bp_pre_dia));
    json_object_set_new(t, "sessions_measured", count(s->bp_pre_n, d->bp_pre_n));
    json_object_set_new(t, "sessions_at_or_above", count(s->bp_pre_high, d->bp_pre.events));
    json_object_set_new(o, "bp_pre", mark(t, d->bp_pre_n || d->bp_pre.events));
    t = json_object();
    json_object_set_new(t, "threshold", pair(op->bp_post_sys, op->bp_post_dia));
    json_object_set_new(t, "sessions_measured", count(s->bp_post_n, d->bp_post_n));
    json_object_set_new(t, "sessions_at_or_above", count(s->bp_post_high, d->bp_post.events));
    json_object_set_new(o, "bp_post", mark(t, d->bp_post_n || d->bp_post.events));
    t = json_object();
    int st = d->sbp_rise_stats;
    json_object_set_new(t, "n", count(s->sbp_rise_n, d->sbp_rise_n));
    int ex = st || d->sbp_rise_extremes;
    json_object_set_new(t, "min", ex ? json_null() : num(s->sbp_rise_min));
    json_object_set_new(t, "q1", st ? json_null() : num(s->sbp_rise_q1));
    json_object_set_new(t, "median", st ? json_null() : num(s->sbp_rise_median));
    json_object_set_new(t, "q3", st ? json_null() : num(s->sbp_rise_q3));
    json_object_set_new(t, "max", ex ? json_null() : num(s->sbp_rise_max));
    json_object_set_new(t, "mean", st ? json_null() : num(s->sbp_rise_mean));
    static const char *const bins[8] = {"<0",    "0-9",   "10-19", "20-29",
                                        "30-39", "40-49", "50-59", ">=60"};
    json_t *h = json_array();
    for (int k = 0; k < 8; k++) {
        json_t *b = json_object();
        json_object_set_new(b, "mmhg", json_string(bins[k]));
        json_object_set_new(b, "sessions", count(s->sbp_rise_hist[k], d->sbp_rise_hist[k]));
        json_array_append_new(h, mark(b, d->sbp_rise_hist[k]));
    }
    json_object_set_new(t, "histogram", h);
    json_object_set_new(o, "sbp_rise", mark(t, d->sbp_rise_n || ex));
    t = json_object();
    json_object_set_new(t, "sessions_measured", count(s->cadss_n, d->cadss_n));
    json_object_set_new(t, "above", json_integer(op->cadss_above));
    json_object_set_new(t, "sessions_above", count(s->cadss_above, d->cadss_above.events));
    json_t *bys = json_array();
    for (size_t k = 0; k < s->cadss_nsessions; k++) {
        json_t *b = json_object();
        int w = d->cadss_by_session[k];
        json_object_set_new(b, "session", json_integer((json_int_t)k + 1));
        json_object_set_new(b, "and_later", json_boolean(k + 1 == s->cadss_nsessions));
        json_object_set_new(b, "n", count(s->cadss_by_session_n[k], w));
        json_object_set_new(b, "median", w ? json_null() : num(s->cadss_by_session_median[k]));
        json_object_set_new(b, "q1", w ? json_null() : num(s->cadss_by_session_q1[k]));
        json_object_set_new(b, "q3", w ? json_null() : num(s->cadss_by_session_q3[k]));
        json_array_append_new(bys, mark(b, w));
    }
    json_object_set_new(t, "by_session", bys);
    json_object_set_new(o, "cadss", mark(t, d->cadss_n || d->cadss_above.events));
    t = json_object();
    json_object_set_new(t, "sessions_any", count(s->ae_any_sessions, d->ae_any_sessions.events));
    json_object_set_new(t, "episodes", count(s->episodes, d->episodes));
    json_object_set_new(t, "episodes_any", count(s->ae_any_episodes, d->ae_any_episodes.events));
    mark(t, d->ae_any_sessions.events || d->episodes || d->ae_any_episodes.events);
    json_t *codes = json_array();
    for (size_t k = 0; k < s->nae; k++) {
        json_t *c = json_object();
        json_object_set_new(c, "code", json_string(s->ae_code[k]));
        json_object_set_new(c, "sessions", count(s->ae_sessions[k], d->ae_sessions[k].events));
        json_object_set_new(c, "episodes", count(s->ae_episodes[k], d->ae_episodes[k].events));
        int other = s->ae_other_codes > 0 && k + 1 == s->nae; /* the pooled codes */
        if (other)
            json_object_set_new(c, "codes", count(s->ae_other_codes, d->ae_other_codes));
        json_array_append_new(codes, mark(c, d->ae_sessions[k].events || d->ae_episodes[k].events ||
                                                 (other && d->ae_other_codes)));
    }
    json_object_set_new(t, "codes_listed_max", json_integer(MODEL_AE_LISTED));
    json_object_set_new(t, "by_code", codes);
    json_object_set_new(o, "adverse_events", t);
    t = json_object();
    json_object_set_new(t, "encounters", count(s->item9_n, d->item9_n));
    json_object_set_new(t, "encounters_ge1", count(s->item9_ge1, d->item9_ge1.events));
    json_object_set_new(t, "encounters_ge2", count(s->item9_ge2, d->item9_ge2.events));
    safety_item9(a, t);
    json_object_set_new(o, "phq9_item9",
                        mark(t, d->item9_n || d->item9_ge1.events || d->item9_ge2.events));
    t = json_object();
    json_object_set_new(t, "resolved", proportion_d(&s->item9_resolved, d->item9_resolved));
    json_object_set_new(t, "worsened", proportion_d(&s->item9_worsened, d->item9_worsened));
    json_object_set_new(o, "item9_course", t);
    safety_checks(a, o);
    return o;
}

/* One input file's shape and its part of the accounting (README "Outputs": data_quality.files),
 * each count as the disclosure decision flags it (rows the file's rows_read, k the others);
 * returns 1 when any of them is withheld. */
static int file_counts(json_t *fo, const struct ingest_file *fl, uint8_t rows,
                       const struct disc_file *k)
{
    json_object_set_new(fo, "shape", json_string(ingest_shape_name(fl->shape)));
    json_object_set_new(fo, "rows_read", count(fl->rows_read, rows));
    json_object_set_new(fo, "rows_accepted", count(fl->rows_accepted, k->accepted));
    json_object_set_new(fo, "rows_rejected", count(fl->rows_rejected, k->rejected));
    json_object_set_new(fo, "rows_duplicate", count(fl->rows_duplicate, k->duplicate));
    int any = rows || k->accepted || k->rejected || k->duplicate;
    if (fl->shape == SHAPE_FHIR) { /* resources that are not rows */
        const struct fhir_counts *c = &fl->fhir;
        json_t *sk = json_object();
        json_object_set_new(sk, "total", count(c->resources_skipped, k->skipped));
        json_object_set_new(sk, "other_resource_type",
                            count(c->skipped_other_type, k->skipped_type));
        json_object_set_new(sk, "observation_other_code",
                            count(c->skipped_other_code, k->skipped_code));
        json_object_set_new(sk, "other_drug", count(c->skipped_other_drug, k->skipped_drug));
        json_object_set_new(fo, "resources_skipped", sk);
        any |= k->skipped || k->skipped_type || k->skipped_code || k->skipped_drug;
    }
    return any;
}

static json_t *data_quality(const struct report_input *in, const struct analysis *a)
{
    const struct disclosure *d = &a->disc;
    json_t *o = json_object(), *t = json_object();
    int any = 0;
    for (int r = 0; r < REASON_COUNT; r++) {
        json_object_set_new(t, ingest_reason_name(r),
                            count(in->rejected_by_reason[r], d->rejected_by_reason[r]));
        any |= d->rejected_by_reason[r];
    }
    json_object_set_new(o, "rejected_by_reason", mark(t, any));
    json_object_set_new(o, "duplicates", count(in->rows_duplicate, d->flow[F_DUPLICATE]));
    t = json_object();
    json_object_set_new(t, "total", count(in->conflicting_same_day_scores, d->conflicts_total));
    any = d->conflicts_total;
    for (int k = 0; k < N_CONFLICT_COLS; k++) {
        json_object_set_new(t, ingest_col_name((enum col)(COL_PHQ9 + k)),
                            count(in->conflicts_by_col[k], d->conflicts_by_col[k]));
        any |= d->conflicts_by_col[k];
    }
    json_object_set_new(o, "conflicting_same_day_scores", mark(t, any));
    json_t *unk = json_array();
    for (size_t i = 0; i < in->nunknown; i++)
        json_array_append_new(unk, text_str(in->unknown[i]));
    json_object_set_new(o, "unknown_columns", unk);
    t = json_object();
    json_object_set_new(t, "rows", count(a->dq.missing_n, d->missing_rows));
    mark(t, d->missing_rows);
    for (int k = 0; k < N_INT_COLS; k++) {
        if (!ingest_columns[COL_FIRST_INT + k].dq_missing)
            continue;
        json_t *c = json_object();
        json_object_set_new(c, "missing", count(a->dq.missing[k], d->missing[k].events));
        json_object_set_new(
            c, "rate",
            d->missing[k].rate
                ? json_null()
                : num(a->dq.missing_n ? (double)a->dq.missing[k] / (double)a->dq.missing_n : NAN));
        json_object_set_new(t, ingest_col_name((enum col)(COL_PHQ9 + k)),
                            mark(c, d->missing[k].events || d->missing[k].rate));
    }
    json_object_set_new(o, "missing_scores", t);
    t = json_object();
    json_object_set_new(t, "treatment_sessions",
                        count(a->dq.treatment_sessions, d->treatment_sessions));
    json_object_set_new(t, "without_score",
                        count(a->dq.treatment_without_primary, d->without_score.events));
    json_object_set_new(o, "primary_instrument_at_treatment",
                        mark(t, d->treatment_sessions || d->without_score.events));
    json_t *files = json_array();
    for (size_t f = 0; f < in->nfiles; f++) {
        json_t *fo = json_object();
        report_json_set_path(fo, "path", in->files[f].path);
        json_array_append_new(
            files, mark(fo, file_counts(fo, &in->files[f], d->file_rows[f], &d->files[f])));
    }
    json_object_set_new(o, "files", files);
    return o;
}

/* Under suppression, the histogram of percent change that replaces the waterfall's bars. */
static json_t *pct_histogram(const struct analysis *a)
{
    json_t *h = json_array();
    for (int k = 0; k < PCT_BINS; k++) {
        json_t *b = json_object();
        json_object_set_new(b, "percent", json_string(model_pct_bin_name(k)));
        json_object_set_new(b, "episodes", count(a->pct_hist[k], a->disc.pct_hist[k]));
        json_array_append_new(h, mark(b, a->disc.pct_hist[k]));
    }
    return h;
}

/* funnel (SPEC 11): the case-mix model and every clinician's and site's comparison. */
static json_t *funnel(const struct analysis *a)
{
    const struct funnel *f = &a->funnel;
    const struct disc_funnel *df = &a->disc.funnel;
    json_t *o = json_object(), *m = json_object(), *cov = json_array(), *co = json_array(),
           *dr = json_array();
    json_object_set_new(m, "formula", json_string(f->formula ? f->formula : ""));
    for (int k = 0; k < a->opts.nadjust; k++)
        json_array_append_new(cov, json_string(model_adjust_name(a->opts.adjust[k])));
    json_object_set_new(m, "covariates", cov);
    for (int k = 0; k < f->ndropped; k++)
        json_array_append_new(dr, json_string(f->dropped[k]));
    json_object_set_new(m, "dropped", dr);
    for (size_t k = 0; k < f->nterms; k++) {
        json_t *t = json_object();
        json_object_set_new(t, "term", json_string(f->terms[k].name));
        json_object_set_new(t, "estimate", df->model ? json_null() : num(f->terms[k].estimate));
        json_array_append_new(co, mark(t, df->model));
    }
    json_object_set_new(m, "coefficients", co);
    json_object_set_new(m, "converged", json_boolean(f->converged));
    json_object_set_new(m, "iterations", json_integer(f->iterations));
    json_object_set_new(m, "n", count(f->n, df->n));
    json_object_set_new(m, "left_out", count(f->left_out, df->left_out));
    json_object_set_new(m, "adjusted", json_boolean(f->adjusted));
    json_object_set_new(m, "reason", f->reason ? json_string(f->reason) : json_null());
    json_object_set_new(o, "model", mark(m, df->n || df->left_out || df->model));
    json_object_set_new(o, "observed", count(f->observed, df->observed));
    json_object_set_new(o, "with_endpoint", count(f->with_endpoint, df->with_endpoint));
    json_object_set_new(o, "centre", df->centre ? json_null() : num(f->centre));
    json_object_set_new(o, "followup_centre",
                        df->followup_centre ? json_null() : num(f->followup_centre));
    static const char *const names[FUNNEL_VARS] = {"clinician", "site"};
    json_t *nv = json_object();
    for (int v = 0; v < FUNNEL_VARS; v++) {
        json_t *arr = json_array();
        for (size_t k = 0; k < f->units[v].nvalues; k++) {
            const struct funnel_value *u = &f->units[v].values[k];
            const struct disc_funnel_value *d = &df->units[v][k];
            json_t *it = json_object();
            json_object_set_new(it, "value", json_string(u->value));
            json_object_set_new(it, "n", count(u->n, d->n));
            json_object_set_new(it, "observed", count(u->observed, d->observed));
            json_object_set_new(it, "with_endpoint", count(u->with_endpoint, d->with_endpoint));
            json_object_set_new(it, "expected", d->rate ? json_null() : num(u->expected));
            json_object_set_new(it, "adjusted_rate", d->rate ? json_null() : num(u->adjusted_rate));
            json_object_set_new(it, "followup", d->followup ? json_null() : num(u->followup));
            json_object_set_new(
                it, "flag", d->rate ? json_null() : json_string(stats_funnel_flag_name(u->flag)));
            json_object_set_new(
                it, "followup_flag",
                d->followup ? json_null() : json_string(stats_funnel_flag_name(u->followup_flag)));
            json_array_append_new(
                arr, mark(it, d->n || d->observed || d->with_endpoint || d->rate || d->followup));
        }
        json_object_set_new(o, names[v], arr);
        json_object_set_new(nv, names[v], count(f->units[v].no_value, df->no_value[v]));
    }
    json_object_set_new(o, "without_value", mark(nv, df->no_value[0] || df->no_value[1]));
    return o;
}

/* results.json is written one top-level key at a time (a section): each is built as a jansson
 * tree, dumped, re-indented under the root and appended to the bytes, and freed before the
 * next, so that no tree of the whole file is ever held (README "Outputs"). The bytes are those
 * one json_dumps of the whole tree would give (2-space indent, keys in order). */
struct json_out {
    char *buf;
    size_t len, cap;
    int err;
};

static void out_bytes(struct json_out *w, const char *p, size_t n)
{
    if (w->err)
        return;
    if (w->len + n + 2 > w->cap) {
        size_t nc = w->cap ? w->cap : 65536;
        while (w->len + n + 2 > nc)
            nc *= 2;
        char *b = realloc(w->buf, nc);
        if (!b) {
            w->err = 1;
            return;
        }
        w->buf = b;
        w->cap = nc;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

/* Appends "key": value (value taken over and freed) as the root object's next member. */
static void section(struct json_out *w, const char *key, json_t *value)
{
    char *text = value ? json_dumps(value, JSON_PRESERVE_ORDER | JSON_INDENT(2) |
                                               JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY)
                       : NULL;
    json_decref(value);
    if (!text) {
        w->err = 1;
        return;
    }
    numfmt_json_shorten(text);
    out_bytes(w, w->len ? ",\n  \"" : "{\n  \"", 5);
    out_bytes(w, key, strlen(key));
    out_bytes(w, "\": ", 3);
    /* one level deeper: every line after the first indented by two more spaces */
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        if (!nl) {
            out_bytes(w, p, strlen(p));
            break;
        }
        out_bytes(w, p, (size_t)(nl - p) + 1);
        out_bytes(w, "  ", 2);
        p = nl + 1;
    }
    free(text);
}

/* The keys of report_json_summary (results_summary.c), each as a section of its own, in order
 * (jansson keeps an object's keys in insertion order). */
static void summary_sections(struct json_out *w, const struct analysis *a)
{
    json_t *o = json_object();
    if (!o) {
        w->err = 1;
        return;
    }
    report_json_summary(o, a);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        section(w, key, json_incref(v));
    }
    json_decref(o);
}

/* SPEC 12: "durability" (the loss-of-response curve with "at" 28, 56, 84 days), "maintenance"
 * and "induction", as the disclosure decision allows. */
static void durability(struct json_out *w, const struct analysis *a)
{
    const struct durability *u = &a->durability;
    const struct disc_durability *dd = &a->disc.durability;
    int below = a->opts.suppress_below;
    json_t *o = km(&u->km, "days", below, &dd->km), *at = json_array(), *t;
    for (int k = 0; k < dd->nat && u->km.n > 0; k++) {
        json_t *row = json_object();
        json_object_set_new(row, "time", num(u->at[k].time));
        json_object_set_new(row, "surv", num(u->at[k].surv));
        json_object_set_new(row, "lower", num(u->at[k].lower));
        json_object_set_new(row, "upper", num(u->at[k].upper));
        json_array_append_new(at, row);
    }
    json_object_set_new(o, "at",
                        at); /* replaces the 7-56 days that km() writes under suppression */
    section(w, "durability", o);
    t = json_object();
    json_object_set_new(t, "episodes", count(u->maint_episodes, dd->maint_episodes));
    json_object_set_new(t, "episodes_with_sessions",
                        count(u->maint_with_sessions, dd->maint_with_sessions));
    json_object_set_new(t, "sessions_median",
                        dd->maint_sessions_median ? json_null() : num(u->maint_sessions_median));
    json_object_set_new(t, "interval_median_days",
                        dd->maint_interval_median ? json_null() : num(u->maint_interval_median));
    section(w, "maintenance",
            mark(t, dd->maint_episodes || dd->maint_with_sessions || dd->maint_sessions_median ||
                        dd->maint_interval_median));
    o = json_object();
    t = json_object();
    json_object_set_new(t, "min_sessions", json_integer(a->opts.induction_k));
    json_object_set_new(t, "within_days", json_integer(a->opts.induction_d));
    json_object_set_new(o, "definition", t);
    json_object_set_new(o, "completed", proportion_d(&u->completed, dd->completed));
    json_t *arr = json_array();
    for (size_t k = 0; k < u->nroutes; k++) {
        json_t *r = json_object(), *p = proportion_d(&u->by_route[k].completed, dd->by_route[k]);
        json_object_set_new(r, "value", json_string(ingest_route_name(u->by_route[k].route)));
        json_object_update(r, p); /* after "value", in p's order */
        json_decref(p);
        json_array_append_new(arr, r);
    }
    json_object_set_new(o, "by_route", arr);
    arr = json_array();
    for (int k = 0; k < u->nbins; k++) {
        json_t *b = json_object();
        json_object_set_new(b, "sessions_in_window", json_integer(k + 1));
        json_object_set_new(b, "and_more", json_boolean(k + 1 == u->nbins));
        json_object_set_new(b, "episodes", count(u->sessions[k], dd->sessions[k]));
        json_array_append_new(arr, mark(b, dd->sessions[k]));
    }
    json_object_set_new(o, "sessions", arr);
    json_object_set_new(o, "response_completers",
                        proportion_d(&u->resp_completers, dd->resp_completers));
    json_object_set_new(o, "response_noncompleters",
                        proportion_d(&u->resp_noncompleters, dd->resp_noncompleters));
    section(w, "induction", o);
}

char *report_results_json(const struct report_input *in, const struct analysis *a, size_t *len)
{
    const struct model_opts *op = &a->opts;
    struct json_out w = {NULL, 0, 0, 0}, *root = &w;
    json_t *t, *u;
    section(root, "schema", json_integer(1));
    t = json_object();
    json_object_set_new(t, "name", json_string("outcomes"));
    json_object_set_new(t, "version", json_string(OUTCOMES_VERSION));
    section(root, "tool", t);
    section(root, "instrument", json_string(ingest_col_name((enum col)op->instrument)));
    section(root, "as_of", date_str(a->as_of));
    if (in->each_by) { /* a --each sub-report: which, and that the row counts are not its own */
        t = json_object();
        json_object_set_new(t, "by", json_string(in->each_by));
        report_json_set_path(t, "value", in->each_value);
        json_object_set_new(t, "directory", json_string(in->each_dir));
        json_object_set_new(t, "row_counts",
                            json_string("network: rows_read, rows_accepted, rows_rejected, "
                                        "rows_duplicate, patients and rejects.csv are the "
                                        "whole export's"));
        section(root, "report_of", t);
    }
    t = json_object();
    json_object_set_new(t, "from", month_str(a->period_from));
    json_object_set_new(t, "to", month_str(a->period_to));
    section(root, "period", t);
    t = json_object();
    json_object_set_new(t, "baseline_window_days", json_integer(op->baseline_window));
    json_object_set_new(t, "min_baseline", json_integer(op->min_baseline));
    json_object_set_new(t, "remission_max", json_integer(op->remission_max));
    u = json_object();
    json_object_set_new(u, "from", json_integer(op->endpoint_from));
    json_object_set_new(u, "to", json_integer(op->endpoint_to));
    json_object_set_new(u, "name", json_string(op->endpoint_name));
    json_object_set_new(t, "endpoint", u);
    json_object_set_new(t, "episode_gap_days", json_integer(op->episode_gap));
    json_object_set_new(t, "ci_method", json_string(op->ci == CI_EXACT ? "exact" : "wilson"));
    json_object_set_new(t, "suppress_below",
                        op->suppress_below > 1 ? json_integer(op->suppress_below) : json_null());
    section(root, "definitions", t);
    t = json_object();
    const struct disclosure *dc = &a->disc;
    const uint8_t *fl = dc->flow;
    json_object_set_new(t, "rows_read", count(in->rows_read, fl[F_ROWS_READ]));
    json_object_set_new(t, "rows_accepted", count(in->rows_accepted, fl[F_ACCEPTED]));
    json_object_set_new(t, "rows_rejected", count(in->rows_rejected, fl[F_REJECTED]));
    json_object_set_new(t, "rows_duplicate", count(in->rows_duplicate, fl[F_DUPLICATE]));
    json_object_set_new(t, "patients", count(in->patients, dc->patients));
    json_object_set_new(t, "episodes", count((long)a->nepisodes, fl[F_EPISODES]));
    json_object_set_new(t, "cohort_episodes", count(a->cohort_episodes, fl[F_COHORT]));
    u = json_object();
    json_object_set_new(u, "no_baseline", count(a->excluded_no_baseline, fl[F_NO_BASELINE]));
    json_object_set_new(u, "baseline_below_min", count(a->excluded_below_min, fl[F_BELOW_MIN]));
    json_object_set_new(t, "excluded", mark(u, fl[F_NO_BASELINE] || fl[F_BELOW_MIN]));
    json_object_set_new(t, "eligible", count(a->eligible, fl[F_ELIGIBLE]));
    json_object_set_new(t, "mature", count(a->mature, fl[F_MATURE]));
    json_object_set_new(t, "with_endpoint", count(a->with_endpoint, fl[F_WITH_ENDPOINT]));
    json_object_set_new(t, "with_followup", count(a->with_followup, fl[F_WITH_FOLLOWUP]));
    int any = dc->patients;
    static const int shown[] = {F_ROWS_READ,     F_ACCEPTED,     F_REJECTED, F_DUPLICATE,
                                F_EPISODES,      F_COHORT,       F_ELIGIBLE, F_MATURE,
                                F_WITH_ENDPOINT, F_WITH_FOLLOWUP};
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++)
        any |= fl[shown[i]];
    section(root, "flow", mark(t, any));
    section(root, "response", proportion_d(&a->response, dc->response));
    section(root, "remission", proportion_d(&a->remission, dc->remission));
    section(root, "response_observed", proportion_d(&a->response_observed, dc->response_observed));
    section(root, "remission_observed",
            proportion_d(&a->remission_observed, dc->remission_observed));
    section(root, "followup", proportion_d(&a->followup, dc->followup));
    int below = op->suppress_below;
    section(root, "time_to_response",
            km(&a->time_to_response, "days", below, &dc->time_to_response));
    section(root, "time_to_remission",
            km(&a->time_to_remission, "days", below, &dc->time_to_remission));
    section(root, "sessions_to_response",
            km(&a->sessions_to_response, "sessions", below, &dc->sessions_to_response));
    section(root, "sessions_to_remission",
            km(&a->sessions_to_remission, "sessions", below, &dc->sessions_to_remission));
    section(root, "strata", strata(a));
    section(root, "funnel", funnel(a));
    section(root, "monthly", pchart(a->monthly, a->month0, dc->monthly, dc->centre));
    section(root, "monthly_remission",
            pchart(a->monthly_remission, a->month0, dc->monthly_remission, dc->centre_remission));
    durability(root, a);
    summary_sections(root, a);
    section(root, "safety", safety(a));
    section(root, "data_quality", data_quality(in, a));
    if (below > 1)
        section(root, "endpoint_change_histogram", pct_histogram(a));
    out_bytes(root, "\n}\n", 3); /* the root's end, and a final line end */
    if (w.err) {
        free(w.buf);
        return NULL;
    }
    w.buf[w.len] = '\0';
    *len = w.len;
    return w.buf;
}

/* The helpers above for the writers of other keys (report_int.h). */
json_t *report_json_num(double v)
{
    return num(v);
}

json_t *report_json_pair(double a, double b)
{
    return pair(a, b);
}

json_t *report_json_count(long v, uint8_t withheld)
{
    return count(v, withheld);
}

json_t *report_json_proportion_d(const struct proportion *p, struct disc_prop dp)
{
    return proportion_d(p, dp);
}

json_t *report_json_month(int month)
{
    return month_str(month);
}
