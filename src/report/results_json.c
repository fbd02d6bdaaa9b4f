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
    json_object_set_new(o, "ci", p->n > 0 ? pair(p->lo, p->hi) : pair(NAN, NAN));
    return o;
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

/* below > 1: suppression (per-row counts are not published; rows with fewer at risk are
 * hidden whole). */
static json_t *km(const struct km *k, const char *unit, int below)
{
    json_t *o = json_object(), *curve = json_array();
    json_object_set_new(o, "unit", json_string(unit));
    json_object_set_new(o, "n", json_integer(k->n));
    json_object_set_new(o, "events", json_integer(k->events));
    json_object_set_new(o, "median", num(k->median));
    json_object_set_new(o, "median_ci", pair(k->median_lo, k->median_hi));
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
        if (below > 1) {
            if (r->n_risk < below)
                hide(row);
            else {
                json_object_set_new(row, "n_risk", json_null());
                json_object_set_new(row, "n_event", json_null());
                json_object_set_new(row, "n_censor", json_null());
            }
        }
        json_array_append_new(curve, row);
    }
    json_object_set_new(o, "curve", curve);
    return o;
}

static json_t *pchart(const struct pchart_point *pts, int month0)
{
    json_t *arr = json_array();
    for (int k = 0; k < 12; k++) {
        const struct pchart_point *q = &pts[k];
        json_t *o = json_object();
        json_object_set_new(o, "month", month_str(month0 + k));
        json_object_set_new(o, "n", json_integer(q->n));
        json_object_set_new(o, "events", json_integer(q->events));
        json_object_set_new(o, "rate", num(q->rate));
        json_object_set_new(o, "centre", num(q->centre));
        json_object_set_new(o, "lower", num(q->lower));
        json_object_set_new(o, "upper", num(q->upper));
        json_object_set_new(o, "signal", json_boolean(q->signal));
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
        int hr[256], hm[256], hk[256];
        model_strata_suppression(a, v, a->opts.suppress_below, hr, hm, hk);
        for (size_t k = 0; k < st->nvalues; k++) {
            const struct stratum_value *sv = &st->values[k];
            int big = st->nvalues > 256;
            json_t *item = json_object(), *t = json_object();
            json_object_set_new(item, "value", json_string(sv->value));
            json_t *r = proportion(&sv->response), *m = proportion(&sv->remission);
            json_object_set_new(item, "response", !big && hr[k] ? hide(r) : r);
            json_object_set_new(item, "remission", !big && hm[k] ? hide(m) : m);
            json_object_set_new(t, "n", json_integer(sv->km_n));
            json_object_set_new(t, "events", json_integer(sv->km_events));
            json_object_set_new(t, "median", num(sv->km_median));
            json_object_set_new(item, "time_to_response", !big && hk[k] ? hide(t) : t);
            json_array_append_new(arr, item);
        }
        json_object_set_new(o, model_stratum_name(v), arr);
        json_t *test = json_object();
        json_object_set_new(test, "chisq", num(st->chisq));
        json_object_set_new(test, "df", num(st->df));
        json_object_set_new(test, "p", num(st->p));
        json_object_set_new(lr, model_stratum_name(v), test);
    }
    json_object_set_new(o, "logrank", lr);
    return o;
}

static json_t *safety(const struct analysis *a)
{
    const struct safety *s = &a->safety;
    const struct model_opts *op = &a->opts;
    json_t *o = json_object(), *t;
    json_object_set_new(o, "sessions", json_integer(s->sessions));
    t = json_object();
    json_object_set_new(t, "threshold", pair(op->bp_pre_sys, op->bp_pre_dia));
    json_object_set_new(t, "sessions_measured", json_integer(s->bp_pre_n));
    json_object_set_new(t, "sessions_at_or_above", json_integer(s->bp_pre_high));
    json_object_set_new(o, "bp_pre", t);
    t = json_object();
    json_object_set_new(t, "threshold", pair(op->bp_post_sys, op->bp_post_dia));
    json_object_set_new(t, "sessions_measured", json_integer(s->bp_post_n));
    json_object_set_new(t, "sessions_at_or_above", json_integer(s->bp_post_high));
    json_object_set_new(o, "bp_post", t);
    t = json_object();
    json_object_set_new(t, "n", json_integer(s->sbp_rise_n));
    json_object_set_new(t, "min", num(s->sbp_rise_min));
    json_object_set_new(t, "q1", num(s->sbp_rise_q1));
    json_object_set_new(t, "median", num(s->sbp_rise_median));
    json_object_set_new(t, "q3", num(s->sbp_rise_q3));
    json_object_set_new(t, "max", num(s->sbp_rise_max));
    json_object_set_new(t, "mean", num(s->sbp_rise_mean));
    static const char *const bins[8] = {"<0",    "0-9",   "10-19", "20-29",
                                        "30-39", "40-49", "50-59", ">=60"};
    json_t *h = json_array();
    for (int k = 0; k < 8; k++) {
        json_t *b = json_object();
        json_object_set_new(b, "mmhg", json_string(bins[k]));
        json_object_set_new(b, "sessions", json_integer(s->sbp_rise_hist[k]));
        json_array_append_new(h, b);
    }
    json_object_set_new(t, "histogram", h);
    json_object_set_new(o, "sbp_rise", t);
    t = json_object();
    json_object_set_new(t, "sessions_measured", json_integer(s->cadss_n));
    json_object_set_new(t, "above", json_integer(op->cadss_above));
    json_object_set_new(t, "sessions_above", json_integer(s->cadss_above));
    json_t *bys = json_array();
    for (size_t k = 0; k < s->cadss_nsessions; k++) {
        json_t *b = json_object();
        json_object_set_new(b, "session", json_integer((json_int_t)k + 1));
        json_object_set_new(b, "and_later", json_boolean(k + 1 == s->cadss_nsessions));
        json_object_set_new(b, "n", json_integer(s->cadss_by_session_n[k]));
        json_object_set_new(b, "median", num(s->cadss_by_session_median[k]));
        json_object_set_new(b, "q1", num(s->cadss_by_session_q1[k]));
        json_object_set_new(b, "q3", num(s->cadss_by_session_q3[k]));
        json_array_append_new(bys, b);
    }
    json_object_set_new(t, "by_session", bys);
    json_object_set_new(o, "cadss", t);
    t = json_object();
    json_object_set_new(t, "sessions_any", json_integer(s->ae_any_sessions));
    json_object_set_new(t, "episodes", json_integer(s->episodes));
    json_object_set_new(t, "episodes_any", json_integer(s->ae_any_episodes));
    json_t *codes = json_array();
    for (size_t k = 0; k < s->nae; k++) {
        json_t *c = json_object();
        json_object_set_new(c, "code", json_string(s->ae_code[k]));
        json_object_set_new(c, "sessions", json_integer(s->ae_sessions[k]));
        json_object_set_new(c, "episodes", json_integer(s->ae_episodes[k]));
        json_array_append_new(codes, c);
    }
    json_object_set_new(t, "by_code", codes);
    json_object_set_new(o, "adverse_events", t);
    t = json_object();
    json_object_set_new(t, "encounters", json_integer(s->item9_n));
    int nest = op->suppress_below > 1 && s->item9_ge1 - s->item9_ge2 >= 1 &&
               s->item9_ge1 - s->item9_ge2 < op->suppress_below; /* ge1 - ge2 is a count */
    json_object_set_new(t, "encounters_ge1", nest ? json_null() : json_integer(s->item9_ge1));
    json_object_set_new(t, "encounters_ge2", nest ? json_null() : json_integer(s->item9_ge2));
    json_object_set_new(t, "episodes_with_baseline_and_followup", json_integer(s->item9_episodes));
    json_object_set_new(t, "episodes_resolved", json_integer(s->item9_resolved));
    json_object_set_new(t, "episodes_worsened", json_integer(s->item9_worsened));
    json_object_set_new(o, "phq9_item9", t);
    return o;
}

static json_t *data_quality(const struct ingest_result *in, const struct analysis *a)
{
    json_t *o = json_object(), *t = json_object();
    int below = a->opts.suppress_below, hr[REASON_COUNT], hc[N_CONFLICT_COLS];
    for (int r = 0; r < REASON_COUNT; r++)
        hr[r] = below > 1 && in->rejected_by_reason[r] >= 1 && in->rejected_by_reason[r] < below;
    for (int k = 0; k < N_CONFLICT_COLS; k++)
        hc[k] = below > 1 && in->conflicts_by_col[k] >= 1 && in->conflicts_by_col[k] < below;
    if (below > 1) {
        model_suppress_group(in->rejected_by_reason, hr, REASON_COUNT, 1, below);
        model_suppress_group(in->conflicts_by_col, hc, N_CONFLICT_COLS, 1, below);
    }
    for (int r = 0; r < REASON_COUNT; r++)
        json_object_set_new(t, ingest_reason_name(r),
                            hr[r] ? json_null() : json_integer(in->rejected_by_reason[r]));
    json_object_set_new(o, "rejected_by_reason", t);
    json_object_set_new(o, "duplicates", json_integer(in->rows_duplicate));
    t = json_object();
    json_object_set_new(t, "total", json_integer(in->conflicting_same_day_scores));
    for (int k = 0; k < N_CONFLICT_COLS; k++)
        json_object_set_new(t, ingest_col_name((enum col)(COL_PHQ9 + k)),
                            hc[k] ? json_null() : json_integer(in->conflicts_by_col[k]));
    json_object_set_new(o, "conflicting_same_day_scores", t);
    json_t *unk = json_array();
    for (size_t i = 0; i < in->nunknown; i++)
        json_array_append_new(unk, text_str(in->unknown[i]));
    json_object_set_new(o, "unknown_columns", unk);
    t = json_object();
    json_object_set_new(t, "rows", json_integer(a->dq.missing_n));
    for (int k = 0; k < N_INT_COLS; k++) {
        json_t *c = json_object();
        json_object_set_new(c, "missing", json_integer(a->dq.missing[k]));
        json_object_set_new(c, "rate", num(a->dq.missing_n ? (double)a->dq.missing[k] /
                                                                 (double)a->dq.missing_n
                                                           : NAN));
        json_object_set_new(t, ingest_col_name((enum col)(COL_PHQ9 + k)), c);
    }
    json_object_set_new(o, "missing_scores", t);
    t = json_object();
    json_object_set_new(t, "treatment_sessions", json_integer(a->dq.treatment_sessions));
    json_object_set_new(t, "without_score", json_integer(a->dq.treatment_without_primary));
    json_object_set_new(o, "primary_instrument_at_treatment", t);
    json_t *files = json_array();
    for (size_t f = 0; f < in->nfiles; f++) {
        json_t *fo = json_object();
        json_object_set_new(fo, "path", text_str(in->files[f].path));
        json_object_set_new(fo, "rows_read", json_integer(in->files[f].rows_read));
        json_array_append_new(files, fo);
    }
    json_object_set_new(o, "files", files);
    return o;
}

/* Small-cell suppression (--suppress-below N): in every object, a count from 1 to N-1 is
 * replaced by null, and then every other number of that object too (rates, intervals,
 * medians, times: figures built on the small count), and the object gets "suppressed": true.
 * Arrays of numbers (an interval) inside such an object are nulled element by element. */
static int is_count_key(const char *k)
{
    static const char *const keys[] = {
        "events", "n", "n_risk", "n_event", "n_censor", "rows_read", "rows_accepted",
        "rows_rejected", "rows_duplicate", "patients", "episodes", "cohort_episodes",
        "no_baseline", "baseline_below_min", "eligible", "mature", "with_endpoint",
        "with_followup", "sessions", "sessions_measured", "sessions_at_or_above",
        "sessions_above", "sessions_any", "episodes_any", "encounters", "encounters_ge1",
        "encounters_ge2", "episodes_with_baseline_and_followup", "episodes_resolved",
        "episodes_worsened", "missing", "total", "duplicates", "treatment_sessions",
        "without_score", "rows", "malformed", "missing_required", "invalid_patient_id",
        "invalid_date", "not_an_integer", "not_a_number", "out_of_range", "invalid_choice",
        "too_long", "invalid_text", "after_as_of", "phq9", "phq9_item9", "madrs", "qids_sr16",
        "hamd17", "bdi2", "gad7"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strcmp(k, keys[i]) == 0)
            return 1;
    return 0;
}

static void suppress(json_t *node, long below)
{
    if (json_is_array(node)) {
        for (size_t i = 0; i < json_array_size(node); i++)
            suppress(json_array_get(node, i), below);
        return;
    }
    if (!json_is_object(node))
        return;
    const char *key;
    json_t *v;
    int small = 0;
    json_object_foreach(node, key, v)
    {
        if (json_is_integer(v) && is_count_key(key) && json_integer_value(v) >= 1 &&
            json_integer_value(v) < below)
            small = 1;
        else
            suppress(v, below);
    }
    /* a proportion's complement (n - events) is a count too */
    json_t *ev = json_object_get(node, "events"), *n = json_object_get(node, "n");
    if (json_is_integer(ev) && json_is_integer(n)) {
        json_int_t c = json_integer_value(n) - json_integer_value(ev);
        small |= c >= 1 && c < below;
    }
    if (small)
        hide(node);
}

/* Complementary suppression of the flow and the five headline proportions built on it. */
static void suppress_flow(json_t *root, const struct ingest_result *in,
                          const struct analysis *a)
{
    long v[F_COUNT];
    int hid[F_COUNT];
    model_flow_suppression(in, a, a->opts.suppress_below, v, hid);
    static const struct {
        const char *key;
        int var;
    } flow[] = {{"rows_read", F_ROWS_READ},     {"rows_accepted", F_ACCEPTED},
                {"rows_rejected", F_REJECTED},  {"rows_duplicate", F_DUPLICATE},
                {"episodes", F_EPISODES},       {"cohort_episodes", F_COHORT},
                {"eligible", F_ELIGIBLE},       {"mature", F_MATURE},
                {"with_endpoint", F_WITH_ENDPOINT}, {"with_followup", F_WITH_FOLLOWUP}};
    json_t *f = json_object_get(root, "flow"), *ex = json_object_get(f, "excluded");
    int any = 0;
    for (size_t i = 0; i < sizeof flow / sizeof *flow; i++)
        if (hid[flow[i].var]) {
            json_object_set_new(f, flow[i].key, json_null());
            any = 1;
        }
    if (hid[F_NO_BASELINE] || hid[F_BELOW_MIN]) {
        if (hid[F_NO_BASELINE])
            json_object_set_new(ex, "no_baseline", json_null());
        if (hid[F_BELOW_MIN])
            json_object_set_new(ex, "baseline_below_min", json_null());
        json_object_set_new(ex, "suppressed", json_true());
    }
    if (any)
        json_object_set_new(f, "suppressed", json_true());
    static const struct {
        const char *key;
        int events, n;
    } props[] = {{"response", F_RESPONDERS, F_MATURE},
                 {"remission", F_REMITTERS, F_MATURE},
                 {"response_observed", F_RESPONDERS, F_WITH_ENDPOINT},
                 {"remission_observed", F_REMITTERS, F_WITH_ENDPOINT},
                 {"followup", F_WITH_ENDPOINT, F_MATURE}};
    for (size_t i = 0; i < sizeof props / sizeof *props; i++)
        if (hid[props[i].events] || hid[props[i].n]) {
            hide(json_object_get(root, props[i].key));
        }
}

char *report_results_json(const struct ingest_result *in, const struct analysis *a,
                          size_t *len)
{
    const struct model_opts *op = &a->opts;
    json_t *root = json_object(), *t, *u;
    json_object_set_new(root, "schema", json_integer(1));
    t = json_object();
    json_object_set_new(t, "name", json_string("outcomes"));
    json_object_set_new(t, "version", json_string(OUTCOMES_VERSION));
    json_object_set_new(root, "tool", t);
    json_object_set_new(root, "instrument", json_string(ingest_col_name((enum col)op->instrument)));
    json_object_set_new(root, "as_of", date_str(a->as_of));
    t = json_object();
    json_object_set_new(t, "from", month_str(a->period_from));
    json_object_set_new(t, "to", month_str(a->period_to));
    json_object_set_new(root, "period", t);
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
    json_object_set_new(root, "definitions", t);
    t = json_object();
    json_object_set_new(t, "rows_read", json_integer(in->rows_read));
    json_object_set_new(t, "rows_accepted", json_integer(in->rows_accepted));
    json_object_set_new(t, "rows_rejected", json_integer(in->rows_rejected));
    json_object_set_new(t, "rows_duplicate", json_integer(in->rows_duplicate));
    json_object_set_new(t, "patients", json_integer(in->patients));
    json_object_set_new(t, "episodes", json_integer((json_int_t)a->nepisodes));
    json_object_set_new(t, "cohort_episodes", json_integer(a->cohort_episodes));
    u = json_object();
    json_object_set_new(u, "no_baseline", json_integer(a->excluded_no_baseline));
    json_object_set_new(u, "baseline_below_min", json_integer(a->excluded_below_min));
    json_object_set_new(t, "excluded", u);
    json_object_set_new(t, "eligible", json_integer(a->eligible));
    json_object_set_new(t, "mature", json_integer(a->mature));
    json_object_set_new(t, "with_endpoint", json_integer(a->with_endpoint));
    json_object_set_new(t, "with_followup", json_integer(a->with_followup));
    json_object_set_new(root, "flow", t);
    json_object_set_new(root, "response", proportion(&a->response));
    json_object_set_new(root, "remission", proportion(&a->remission));
    json_object_set_new(root, "response_observed", proportion(&a->response_observed));
    json_object_set_new(root, "remission_observed", proportion(&a->remission_observed));
    json_object_set_new(root, "followup", proportion(&a->followup));
    json_object_set_new(root, "time_to_response", km(&a->time_to_response, "days", op->suppress_below));
    json_object_set_new(root, "time_to_remission", km(&a->time_to_remission, "days", op->suppress_below));
    json_object_set_new(root, "sessions_to_response", km(&a->sessions_to_response, "sessions", op->suppress_below));
    json_object_set_new(root, "sessions_to_remission",
                        km(&a->sessions_to_remission, "sessions", op->suppress_below));
    json_object_set_new(root, "strata", strata(a));
    json_object_set_new(root, "monthly", pchart(a->monthly, a->month0));
    json_object_set_new(root, "monthly_remission", pchart(a->monthly_remission, a->month0));
    json_object_set_new(root, "safety", safety(a));
    json_object_set_new(root, "data_quality", data_quality(in, a));
    if (op->suppress_below > 1) {
        suppress_flow(root, in, a);
        suppress(root, op->suppress_below);
    }
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (!text)
        return NULL;
    numfmt_json_shorten(text);
    size_t n = strlen(text);
    char *out = realloc(text, n + 2); /* a final line end */
    if (!out) {
        free(text);
        return NULL;
    }
    out[n] = '\n';
    out[n + 1] = '\0';
    *len = n + 1;
    return out;
}
