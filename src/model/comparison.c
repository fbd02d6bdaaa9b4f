/* comparison.c: the cohort and rates of one period, and the report's period against the
 * previous period and the same period a year before (SPEC section 10).
 *
 * The earlier periods are analysed from the same episodes as the report's (derived once, with
 * the same definitions and the same as-of date, so maturity is judged on the same day), by the
 * same function that gives the report's own rates: a separate run with --period set to the
 * earlier period and the same --as-of gives the same counts (tests/cli/test_summary_cli.sh). The
 * previous period has the report period's length and ends the month before it starts; the year
 * before is the report's period moved back 12 months. Differences now - then follow R
 * prop.test(c(x_now, x_then), c(n_now, n_then), correct = FALSE) (stats_prop_diff). */
#include <string.h>

#include "model_int.h"
#include "outcomes/date.h"

const char *model_comparison_name(int k)
{
    return k == CMP_PREVIOUS ? "previous" : k == CMP_YEAR_BEFORE ? "year_before" : "";
}

void model_period_rates(const struct analysis *a, int from, int to, struct period_rates *pr)
{
    long resp = 0, rem = 0, resp_obs = 0, rem_obs = 0;
    memset(pr, 0, sizeof *pr);
    pr->from = from;
    pr->to = to;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        int m = date_month_index(e->index_date);
        if (m < from || m > to)
            continue;
        pr->cohort++;
        pr->no_baseline += e->exclusion == EXCL_NO_BASELINE;
        pr->below_min += e->exclusion == EXCL_BELOW_MIN;
        if (!e->eligible)
            continue;
        pr->eligible++;
        pr->with_followup += e->n_followup > 0;
        if (!e->mature)
            continue;
        pr->mature++;
        resp += e->responder;
        rem += e->remitter;
        if (e->endpoint_score >= 0) {
            pr->with_endpoint++;
            resp_obs += e->responder;
            rem_obs += e->remitter;
        }
    }
    enum ci_method ci = a->opts.ci;
    pr->response = stats_proportion(resp, pr->mature, ci);
    pr->remission = stats_proportion(rem, pr->mature, ci);
    pr->response_observed = stats_proportion(resp_obs, pr->with_endpoint, ci);
    pr->remission_observed = stats_proportion(rem_obs, pr->with_endpoint, ci);
    pr->followup = stats_proportion(pr->with_endpoint, pr->mature, ci);
}

void model_comparisons(struct analysis *a)
{
    int len = a->period_to - a->period_from + 1;
    const int from[CMP_COUNT] = {a->period_from - len, a->period_from - 12};
    for (int k = 0; k < CMP_COUNT; k++) {
        struct comparison *c = &a->comparison[k];
        model_period_rates(a, from[k], from[k] + len - 1, &c->then);
        c->response = stats_prop_diff(a->response.events, a->response.n, c->then.response.events,
                                      c->then.response.n);
        c->remission = stats_prop_diff(a->remission.events, a->remission.n,
                                       c->then.remission.events, c->then.remission.n);
    }
}
