/* test_disclosure.c: the disclosure decision (model_disclose, SPEC section 9) on hand-made
 * analyses: primary, complement and secondary suppression in the flow and in a group of
 * reasons, a rate over a withheld count, centre lines over a withheld month, the strata with
 * 300 and 5,000 distinct values (no array sized by a constant holds them; run under ASan by
 * scripts/test), and nothing withheld with suppression off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/model.h"

/* A cohort of `mature` mature eligible episodes with `resp` responders (every count of the
 * flow consistent), no strata, no months. */
static void cohort(struct ingest_result *in, struct analysis *a, long cohort, long eligible,
                   long mature, long resp)
{
    memset(in, 0, sizeof *in);
    memset(a, 0, sizeof *a);
    a->opts.suppress_below = 11;
    in->rows_read = in->rows_accepted = 500;
    in->patients = cohort;
    a->nepisodes = (size_t)cohort;
    a->cohort_episodes = cohort;
    a->excluded_below_min = cohort - eligible;
    a->eligible = a->with_followup = eligible;
    a->mature = a->with_endpoint = mature;
    a->response = (struct proportion){resp, mature, 0.5, 0.4, 0.6};
    a->response_observed = a->response;
    a->remission = a->remission_observed = (struct proportion){mature / 2, mature, 0.5, 0.4, 0.6};
    a->followup = (struct proportion){mature, mature, 1, 0.9, 1};
    a->time_to_response.n = a->time_to_remission.n = eligible;
    a->sessions_to_response.n = a->sessions_to_remission.n = eligible;
    a->period_from = a->period_to = 100;
    a->month0 = 89;
}

static void test_flow_complement_and_secondary(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    cohort(&in, &a, 25, 24, 21, 5);
    assert_int_equal(model_disclose(&in, &a), 0);
    const struct disclosure *d = &a.disc;
    assert_int_equal(d->flow[F_BELOW_MIN], DISC_SMALL);   /* 1 */
    assert_int_equal(d->flow[F_ELIGIBLE], DISC_WITHHELD); /* 25 - 24 = 1 would follow */
    assert_int_equal(d->flow[F_COHORT], DISC_SHOWN);
    assert_int_equal(d->flow[F_RESPONDERS], DISC_SMALL); /* 5 */
    assert_int_equal(d->flow[F_NONRESP], DISC_WITHHELD); /* 16: mature - 5 */
    assert_int_equal(d->flow[F_MATURE], DISC_SHOWN);     /* 21: 24 - 21 = 3 hides 24 */
    assert_int_equal(d->response.events, DISC_SMALL);
    assert_int_equal(d->response.n, DISC_SHOWN);
    assert_int_equal(d->response.rate, DISC_WITHHELD); /* 5 / 21 */
    /* Kaplan-Meier n equals the withheld with_followup: the same cell, withheld; so the curve
     * (24 subjects) is not drawn and has no `at` estimates: the first of them, before any
     * censoring, gives n = (1 - S) / (S se^2) exactly (attack 12c: found on a MADRS export) */
    assert_int_equal(d->time_to_response.n, DISC_WITHHELD);
    assert_int_equal(d->time_to_response.median, DISC_WITHHELD);
    assert_int_equal(d->time_to_response.drawn, 0);
    assert_int_equal(d->time_to_response.nat, 0);
    model_disclosure_fini(&a.disc);
}

static void test_reasons_group(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    cohort(&in, &a, 100, 100, 100, 50);
    in.rows_read = 530;
    in.rows_rejected = 30;
    in.rejected_by_reason[0] = 3;  /* small */
    in.rejected_by_reason[1] = 12; /* the next smallest: withheld too */
    in.rejected_by_reason[2] = 15;
    assert_int_equal(model_disclose(&in, &a), 0);
    assert_int_equal(a.disc.rejected_by_reason[0], DISC_SMALL);
    assert_int_equal(a.disc.rejected_by_reason[1], DISC_WITHHELD);
    assert_int_equal(a.disc.rejected_by_reason[2], DISC_SHOWN);
    assert_int_equal(a.disc.rejected_by_reason[3], DISC_SHOWN); /* 0 */
    assert_int_equal(a.disc.flow[F_REJECTED], DISC_SHOWN);
    assert_int_equal(a.disc.response.rate, DISC_SHOWN); /* 50 of 100 */
    model_disclosure_fini(&a.disc);
}

/* The safety page's encounters with item 9 and the data quality page's rows without item 9
 * add up to the accepted rows when every row is in an episode of the period: the missing count
 * (8) must not follow as rows - encounters (attack 12b: found on 21-patient exports). The
 * same for CADSS and the blood pressures. */
static void test_rows_across_tables(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    cohort(&in, &a, 100, 100, 100, 50);
    a.dq.missing_n = 500;
    a.dq.missing[INT_INDEX(COL_PHQ9_ITEM9)] = 8;
    a.safety.item9_n = 492;
    a.dq.missing[INT_INDEX(COL_CADSS)] = 150;
    a.safety.cadss_n = 350;
    a.dq.missing[INT_INDEX(COL_SBP_PRE)] = 497;
    a.safety.bp_pre_n = 3;
    a.safety.sessions = 350;
    assert_int_equal(model_disclose(&in, &a), 0);
    assert_int_equal(a.disc.missing[INT_INDEX(COL_PHQ9_ITEM9)].events, DISC_SMALL);
    assert_int_equal(a.disc.item9_n, DISC_WITHHELD); /* 500 - 492 = 8 */
    assert_int_equal(a.disc.missing[INT_INDEX(COL_CADSS)].events, DISC_SHOWN);
    assert_int_equal(a.disc.cadss_n, DISC_SHOWN);
    assert_int_equal(a.disc.bp_pre_n, DISC_SMALL);
    /* 500 - 3: the chart's 99.4% would give the 3 away */
    assert_int_equal(a.disc.missing[INT_INDEX(COL_SBP_PRE)].events, DISC_WITHHELD);
    assert_int_equal(a.disc.missing[INT_INDEX(COL_SBP_PRE)].rate, DISC_WITHHELD);
    model_disclosure_fini(&a.disc);

    /* the relation does not hold (rows outside the period): nothing follows, nothing withheld */
    cohort(&in, &a, 100, 100, 100, 50);
    a.dq.missing_n = 500;
    a.dq.missing[INT_INDEX(COL_PHQ9_ITEM9)] = 8;
    a.safety.item9_n = 300;
    assert_int_equal(model_disclose(&in, &a), 0);
    assert_int_equal(a.disc.item9_n, DISC_SHOWN);
    model_disclosure_fini(&a.disc);
}

/* One code per session: the codes' sessions (19, 24, 13, 17 and a pooled "other" of 2) add up
 * to the 75 sessions with any, so "other" would be 75 - 73: the next smallest code (13) is
 * withheld too (attack 12d). With a session listing two codes they do not add up and nothing
 * more is withheld. */
static void test_codes_add_up(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    long sess[5] = {19, 24, 13, 17, 2}, eps[5] = {30, 30, 30, 30, 30};
    for (int round = 0; round < 2; round++) {
        cohort(&in, &a, 100, 100, 100, 50);
        a.safety.sessions = 500;
        a.safety.episodes = 100;
        a.safety.nae = 5;
        a.safety.ae_sessions = sess;
        a.safety.ae_episodes = eps;
        a.safety.ae_any_sessions = round == 0 ? 75 : 74;
        a.safety.ae_any_episodes = 90;
        assert_int_equal(model_disclose(&in, &a), 0);
        assert_int_equal(a.disc.ae_any_sessions.events, DISC_SHOWN);
        assert_int_equal(a.disc.ae_sessions[4].events, DISC_SMALL);
        assert_int_equal(a.disc.ae_sessions[2].events, round == 0 ? DISC_WITHHELD : DISC_SHOWN);
        assert_int_equal(a.disc.ae_sessions[3].events, DISC_SHOWN);
        model_disclosure_fini(&a.disc);
    }
}

static void test_centre_over_withheld_month(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    cohort(&in, &a, 100, 100, 100, 50);
    a.monthly[3] = (struct pchart_point){30, 15, 0.5, 0.5, 0.2, 0.8, 0};
    a.monthly[4] = (struct pchart_point){30, 3, 0.1, 0.5, 0.2, 0.8, 1}; /* 3 responders */
    a.monthly_remission[3] = (struct pchart_point){30, 15, 0.5, 0.5, 0.2, 0.8, 0};
    a.monthly_remission[4] = (struct pchart_point){30, 15, 0.5, 0.5, 0.2, 0.8, 0};
    assert_int_equal(model_disclose(&in, &a), 0);
    assert_int_equal(a.disc.monthly[4].events, DISC_SMALL);
    assert_int_equal(a.disc.monthly[4].rate, DISC_WITHHELD);
    assert_int_equal(a.disc.centre, DISC_WITHHELD);
    assert_int_equal(a.disc.monthly[3].rate, DISC_SHOWN);      /* 15 / 30 stays */
    assert_int_equal(a.disc.monthly[3].limits, DISC_WITHHELD); /* built on the centre */
    assert_int_equal(a.disc.centre_remission, DISC_SHOWN);
    model_disclosure_fini(&a.disc);
}

/* The comparison periods (SPEC 10): a small count of an earlier period is withheld with its
 * rate, the difference built on it, and its complement; a period of 12 months shown is tied to
 * its month; a benchmark's position goes with the clinic's rate it is set beside. */
static void test_comparison_and_benchmarks(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    cohort(&in, &a, 100, 100, 100, 50);
    struct period_rates *prev = &a.comparison[CMP_PREVIOUS].then;
    prev->from = prev->to = 99; /* month 10 of the chart */
    prev->mature = prev->with_endpoint = 30;
    prev->response = (struct proportion){3, 30, 0.1, 0.03, 0.25};
    prev->remission = (struct proportion){15, 30, 0.5, 0.3, 0.7};
    prev->response_observed = prev->response;
    prev->followup = (struct proportion){30, 30, 1, 0.9, 1};
    a.monthly[10] = (struct pchart_point){30, 3, 0.1, 0.5, 0.2, 0.8, 0};
    a.monthly_remission[10] = (struct pchart_point){30, 15, 0.5, 0.5, 0.2, 0.8, 0};
    a.comparison[CMP_PREVIOUS].response = (struct prop_diff){0.4, 0.2, 0.6, 0.001};
    struct period_rates *yb = &a.comparison[CMP_YEAR_BEFORE].then;
    yb->from = yb->to = 88; /* before the chart */
    yb->mature = yb->with_endpoint = 40;
    yb->response = (struct proportion){20, 40, 0.5, 0.35, 0.65};
    yb->remission = (struct proportion){12, 40, 0.3, 0.2, 0.45};
    yb->response_observed = yb->response;
    yb->followup = (struct proportion){40, 40, 1, 0.9, 1};
    struct benchmark_result br[2] = {{NULL, &a.response, BM_INSIDE},
                                     {NULL, &a.remission_observed, BM_ABOVE}};
    a.benchmarks = br;
    a.nbenchmarks = 2;
    assert_int_equal(model_disclose(&in, &a), 0);
    const struct disc_comparison *dp = &a.disc.comparison[CMP_PREVIOUS],
                                 *dy = &a.disc.comparison[CMP_YEAR_BEFORE];
    assert_int_equal(dp->response.events, DISC_SMALL);
    assert_int_equal(dp->response.rate, DISC_WITHHELD);
    assert_int_equal(dp->response_observed.rate, DISC_WITHHELD);
    assert_int_equal(dp->diff_response, DISC_WITHHELD);
    assert_int_equal(a.disc.monthly[10].events, DISC_SMALL); /* the same count, the month's */
    assert_int_equal(dp->remission.rate, DISC_SHOWN);        /* 15 of 30 stays */
    assert_int_equal(dp->diff_remission, DISC_SHOWN);
    assert_int_equal(dy->response.rate, DISC_SHOWN);
    assert_int_equal(dy->diff_response, DISC_SHOWN);
    assert_int_equal(a.disc.benchmark_position[0], DISC_SHOWN);
    /* a clinic rate withheld: its benchmark's position too */
    model_disclosure_fini(&a.disc);
    a.remission_observed = (struct proportion){4, 100, 0.04, 0.01, 0.1};
    a.remission = a.remission_observed;
    assert_int_equal(model_disclose(&in, &a), 0);
    assert_int_equal(a.disc.remission_observed.events, DISC_SMALL);
    assert_int_equal(a.disc.benchmark_position[1], DISC_WITHHELD);
    assert_int_equal(a.disc.benchmark_position[0], DISC_SHOWN);
    assert_int_equal(a.disc.comparison[CMP_YEAR_BEFORE].diff_remission, DISC_WITHHELD);
    model_disclosure_fini(&a.disc);
}

/* nvalues sites of n episodes each with events responders. */
static void many_values(size_t nvalues, long n, long events, uint8_t want)
{
    struct ingest_result in;
    struct analysis a;
    cohort(&in, &a, (long)nvalues * n, (long)nvalues * n, (long)nvalues * n,
           (long)nvalues * events);
    struct stratum *st = &a.strata[SV_SITE];
    st->values = calloc(nvalues, sizeof *st->values);
    assert_non_null(st->values);
    st->nvalues = nvalues;
    for (size_t k = 0; k < nvalues; k++) {
        st->values[k].response = (struct proportion){events, n, 0.5, 0.3, 0.7};
        st->values[k].remission = (struct proportion){0, n, 0, 0, 0.2};
        st->values[k].km_n = n;
        st->values[k].km_events = events;
    }
    assert_int_equal(model_disclose(&in, &a), 0);
    for (size_t k = 0; k < nvalues; k++) {
        assert_int_equal(a.disc.strata[SV_SITE][k].response.n, want);
        assert_int_not_equal(a.disc.strata[SV_SITE][k].response.rate, DISC_SHOWN);
    }
    assert_int_equal(a.disc.logrank[SV_SITE], DISC_WITHHELD);
    model_disclosure_fini(&a.disc);
    free(st->values);
}

static void test_many_sites(void **state)
{
    (void)state;
    many_values(300, 1, 0, DISC_SMALL);
    many_values(5000, 1, 1, DISC_SMALL);
    many_values(300, 20, 10, DISC_SHOWN); /* n 20 shown; 10 responders withheld */
}

/* The funnel (SPEC 11): three clinicians of the 100 mature episodes (40 + 55 + 5, none without
 * a value), the model's n the flow's mature (one cell). The third's 5 is small; with it the
 * only withheld part, 100 - 40 - 55 would give it back, so the next smallest part (40) is
 * withheld too; each withheld unit's expected, adjusted rate, flag and follow-up go with it.
 * The coefficients go when a factor level has fewer than N responders (min_level 7). */
static void test_funnel_units(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    for (int round = 0; round < 2; round++) {
        cohort(&in, &a, 100, 100, 100, 50);
        struct funnel_value v[3] = {{(char *)"c1", 40, 20, 40, 20, 0.5, 1, 0, 0},
                                    {(char *)"c2", 55, 27, 55, 27, 0.5, 1, 0, 0},
                                    {(char *)"c3", 5, 3, 5, 3, 0.5, 1, 0, 0}};
        struct funnel *f = &a.funnel;
        f->n = 100;
        f->observed = 50;
        f->with_endpoint = 100;
        f->centre = 0.5;
        f->followup_centre = 1;
        f->min_level = round == 0 ? 40 : 7;
        f->units[FUNNEL_CLINICIAN].values = v;
        f->units[FUNNEL_CLINICIAN].nvalues = 3;
        assert_int_equal(model_disclose(&in, &a), 0);
        const struct disc_funnel *d = &a.disc.funnel;
        assert_int_equal(d->n, DISC_SHOWN);
        assert_int_equal(d->centre, DISC_SHOWN);
        assert_int_equal(d->units[FUNNEL_CLINICIAN][2].n, DISC_SMALL);
        assert_int_equal(d->units[FUNNEL_CLINICIAN][2].rate, DISC_WITHHELD);
        assert_int_equal(d->units[FUNNEL_CLINICIAN][2].followup, DISC_WITHHELD);
        assert_int_equal(d->units[FUNNEL_CLINICIAN][0].n, DISC_WITHHELD); /* secondary */
        assert_int_equal(d->units[FUNNEL_CLINICIAN][0].rate, DISC_WITHHELD);
        assert_int_equal(d->units[FUNNEL_CLINICIAN][1].n, DISC_SHOWN);
        assert_int_equal(d->units[FUNNEL_CLINICIAN][1].rate, DISC_SHOWN);
        assert_int_equal(d->model, round == 0 ? DISC_SHOWN : DISC_WITHHELD);
        f->units[FUNNEL_CLINICIAN].values = NULL; /* borrowed */
        f->units[FUNNEL_CLINICIAN].nvalues = 0;
        model_disclosure_fini(&a.disc);
    }
}

/* Safety monitoring (SPEC 13): the no-follow-up flag is the complement of the followed within
 * item 9 >= 2, so a small one withholds the followed too; routes add up to the sessions, so
 * one small route withholds the next smallest; a clinician's withheld count withholds the
 * funnel's centre line; the hold-level count is part of the dosed sessions. */
static void test_safety_checks(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    cohort(&in, &a, 100, 100, 100, 50);
    struct safety *s = &a.safety;
    struct safety_checks *c = &a.checks;
    s->sessions = 400;
    s->bp_pre_n = 390;
    s->bp_pre_high = 60;
    s->item9_n = 300;
    s->item9_ge1 = 80;
    s->item9_ge2 = 40;
    c->all = (struct vitals){400, 390, 380, 375};
    c->by_route[ROUTE_IV] = (struct vitals){300, 295, 290, 288};
    c->by_route[ROUTE_INTRANASAL] = (struct vitals){95, 90, 86, 83};
    c->by_route[ROUTE_IM] = (struct vitals){5, 5, 4, 4}; /* small */
    struct vitals_unit units[2] = {{(char *)"c1", {392, 383, 373, 369}, 0, 0, 0, 0, 0},
                                   {(char *)"c2", {8, 7, 7, 6}, 0, 0, 0, 0, 0}};
    c->by_clinician = units;
    c->nclinicians = 2;
    c->dosed_pre = 380;
    c->hold_dosed = 3;
    c->item9_eq3 = 12;
    c->item9_followed = 36; /* so 4 not followed: small */
    c->flags[RF_ITEM9_NO_FOLLOWUP] = 4;
    c->flags[RF_BP_HOLD_DOSED] = 3;
    assert_int_equal(model_disclose(&in, &a), 0);
    const struct disc_checks *d = &a.disc.checks;
    assert_int_equal(d->flags[RF_ITEM9_NO_FOLLOWUP], DISC_SMALL);
    assert_int_equal(d->item9_followed.events, DISC_WITHHELD); /* 40 - 36 = 4 would follow */
    assert_int_equal(d->by_route[ROUTE_IM].sessions, DISC_SMALL);
    assert_int_equal(d->by_route[ROUTE_INTRANASAL].sessions, DISC_WITHHELD); /* next smallest */
    assert_int_equal(d->by_route[ROUTE_IV].sessions, DISC_SHOWN);
    assert_int_equal(d->by_clinician[1].sessions, DISC_SMALL);
    assert_int_equal(d->funnel_centre, DISC_WITHHELD);
    assert_int_equal(d->hold_dosed.events, DISC_SMALL);
    assert_int_equal(d->hold_dosed.rate, DISC_WITHHELD);
    assert_int_equal(d->flags[RF_BP_HOLD_DOSED], DISC_SMALL); /* one cell in both places */
    assert_int_equal(d->all.sessions, DISC_SHOWN);
    /* 380 with the post-dose pair, 375 with all four: the 5 between are a small cell, so all
     * four (the smaller shown part of that pair) is withheld with them */
    assert_int_equal(d->all.all.events, DISC_WITHHELD);
    c->by_clinician = NULL; /* borrowed from the stack */
    c->nclinicians = 0;
    model_disclosure_fini(&a.disc);
}

static void test_off_withholds_nothing(void **state)
{
    (void)state;
    struct ingest_result in;
    struct analysis a;
    cohort(&in, &a, 25, 24, 21, 5);
    a.opts.suppress_below = 0;
    assert_int_equal(model_disclose(&in, &a), 0);
    const uint8_t *p = (const uint8_t *)&a.disc.flow;
    for (size_t i = 0; i < sizeof a.disc.flow; i++)
        assert_int_equal(p[i], 0);
    assert_int_equal(a.disc.response.rate, DISC_SHOWN);
    assert_int_equal(a.disc.time_to_response.drawn, 1);
    model_disclosure_fini(&a.disc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_complement_and_secondary),
        cmocka_unit_test(test_reasons_group),
        cmocka_unit_test(test_rows_across_tables),
        cmocka_unit_test(test_codes_add_up),
        cmocka_unit_test(test_centre_over_withheld_month),
        cmocka_unit_test(test_many_sites),
        cmocka_unit_test(test_funnel_units),
        cmocka_unit_test(test_comparison_and_benchmarks),
        cmocka_unit_test(test_safety_checks),
        cmocka_unit_test(test_off_withholds_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
