/* results_summary.c: the keys of results.json behind the summary page and the trajectory
 * (SPEC sections 10 and 13), each as the disclosure decision allows:
 *   comparison {previous, year_before}: {period {from, to}, response, remission,
 *       response_observed, followup, difference {response, remission}}, a difference being
 *       {estimate, ci, p} (R prop.test(c(x_now, x_then), c(n_now, n_then), correct = FALSE));
 *       null when either n is 0;
 *   benchmarks [{id, citation, instrument, measure, population, window, rate, n, target,
 *       clinic {rate, ci}, position}];
 *   trajectory {by_session, by_week: [{x, n, mean, lower, upper}]}. */
#include <jansson.h>
#include <math.h>

#include "outcomes/ingest.h"
#include "outcomes/report.h"
#include "report_int.h"

static json_t *difference(const struct prop_diff *p, uint8_t withheld)
{
    if (isnan(p->estimate))
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "estimate", withheld ? json_null() : report_json_num(p->estimate));
    json_object_set_new(o, "ci",
                        withheld ? report_json_pair(NAN, NAN) : report_json_pair(p->lo, p->hi));
    json_object_set_new(o, "p", withheld ? json_null() : report_json_num(p->p));
    if (withheld)
        json_object_set_new(o, "suppressed", json_true());
    return o;
}

static json_t *comparison(const struct analysis *a)
{
    json_t *o = json_object();
    for (int k = 0; k < CMP_COUNT; k++) {
        const struct comparison *c = &a->comparison[k];
        const struct disc_comparison *dc = &a->disc.comparison[k];
        json_t *t = json_object(), *per = json_object(), *diff = json_object();
        json_object_set_new(per, "from", report_json_month(c->then.from));
        json_object_set_new(per, "to", report_json_month(c->then.to));
        json_object_set_new(t, "period", per);
        json_object_set_new(t, "response",
                            report_json_proportion_d(&c->then.response, dc->response));
        json_object_set_new(t, "remission",
                            report_json_proportion_d(&c->then.remission, dc->remission));
        json_object_set_new(
            t, "response_observed",
            report_json_proportion_d(&c->then.response_observed, dc->response_observed));
        json_object_set_new(t, "followup",
                            report_json_proportion_d(&c->then.followup, dc->followup));
        json_object_set_new(diff, "response", difference(&c->response, dc->diff_response));
        json_object_set_new(diff, "remission", difference(&c->remission, dc->diff_remission));
        json_object_set_new(t, "difference", diff);
        json_object_set_new(o, model_comparison_name(k), t);
    }
    return o;
}

static json_t *benchmarks(const struct analysis *a)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < a->nbenchmarks; k++) {
        const struct benchmark_result *r = &a->benchmarks[k];
        const struct benchmark *b = r->b;
        int w = a->disc.benchmark_position[k];
        json_t *o = json_object(), *c = json_object();
        json_object_set_new(o, "id", json_string(b->id));
        json_object_set_new(o, "citation", json_string(b->citation));
        json_object_set_new(o, "instrument",
                            json_string(ingest_col_name((enum col)a->opts.instrument)));
        json_object_set_new(o, "measure", json_string(benchmarks_measure_name(b->measure)));
        json_object_set_new(o, "population",
                            json_string(benchmarks_population_name(b->population)));
        json_object_set_new(o, "window", json_string(b->window));
        json_object_set_new(o, "rate", report_json_num(b->rate));
        json_object_set_new(o, "n", b->n > 0 ? json_integer(b->n) : json_null());
        json_object_set_new(o, "target", json_boolean(b->target));
        json_object_set_new(c, "rate", w ? json_null() : report_json_num(r->clinic->rate));
        json_object_set_new(
            c, "ci",
            w || r->clinic->n == 0 ? json_null() : report_json_pair(r->clinic->lo, r->clinic->hi));
        if (w)
            json_object_set_new(c, "suppressed", json_true());
        json_object_set_new(o, "clinic", c);
        const char *pos = model_bm_position_name(r->position);
        json_object_set_new(o, "position", w || !pos ? json_null() : json_string(pos));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *points(const struct trajectory_point *pt, const uint8_t *withheld)
{
    json_t *arr = json_array();
    for (int k = 0; k < TRAJ_POINTS; k++) {
        json_t *o = json_object();
        int w = withheld[k];
        json_object_set_new(o, "x", json_integer(k));
        json_object_set_new(o, "and_later", json_boolean(k == TRAJ_POINTS - 1));
        json_object_set_new(o, "n", report_json_count(pt[k].n, (uint8_t)w));
        json_object_set_new(o, "mean", w ? json_null() : report_json_num(pt[k].mean));
        json_object_set_new(o, "lower", w ? json_null() : report_json_num(pt[k].lo));
        json_object_set_new(o, "upper", w ? json_null() : report_json_num(pt[k].hi));
        if (w)
            json_object_set_new(o, "suppressed", json_true());
        json_array_append_new(arr, o);
    }
    return arr;
}

void report_json_summary(json_t *root, const struct analysis *a)
{
    json_object_set_new(root, "comparison", comparison(a));
    json_object_set_new(root, "benchmarks", benchmarks(a));
    json_t *t = json_object();
    json_object_set_new(t, "by_session", points(a->by_session, a->disc.by_session));
    json_object_set_new(t, "by_week", points(a->by_week, a->disc.by_week));
    json_object_set_new(root, "trajectory", t);
}
