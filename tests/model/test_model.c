/* test_model.c: every derivation rule of SPEC section 2 at its boundaries, on small hand-made
 * exports read through ingest: the baseline window (day -14 in, -15 out), exactly 50 %, the
 * remission threshold, the episode gap (90 vs 91 days), same-day conflicts, the next episode's
 * baseline window, immature episodes, a cohort with no events, a cohort of one, no rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "outcomes/model.h"
#include "outcomes/sample.h"
#include "model_support.h"

/* Reads csv (header + rows) and runs the model with o (as_of set when as_of_str). */

static void test_model_baseline_window_boundaries(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "IN,2026-01-01,assessment,20\n" /* day -14 of 2026-01-15: inside */
                      "IN,2026-01-15,treatment,\n"
                      "OUT,2026-01-01,assessment,20\n" /* day -15 of 2026-01-16: outside */
                      "OUT,2026-01-16,treatment,\n"
                      "LATEST,2026-01-05,assessment,25\n"
                      "LATEST,2026-01-10,assessment,9\n" /* the latest in the window wins */
                      "LATEST,2026-01-15,treatment,\n"
                      "SAMEDAY,2026-01-15,treatment,12\n"; /* a score on the index date */
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    const struct episode *e = find(&a, &in, "IN", 1);
    assert_int_equal(e->baseline_score, 20);
    assert_int_equal(e->baseline_date, date_from_ymd(2026, 1, 1));
    assert_int_equal(e->exclusion, EXCL_NONE);
    e = find(&a, &in, "OUT", 1);
    assert_int_equal(e->baseline_score, -1);
    assert_int_equal(e->exclusion, EXCL_NO_BASELINE);
    e = find(&a, &in, "LATEST", 1);
    assert_int_equal(e->baseline_score, 9);
    assert_int_equal(e->exclusion, EXCL_BELOW_MIN);
    e = find(&a, &in, "SAMEDAY", 1);
    assert_int_equal(e->baseline_score, 12);
    assert_int_equal(a.excluded_no_baseline, 1);
    assert_int_equal(a.excluded_below_min, 1);
    assert_int_equal(a.eligible, 2);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_model_response_and_remission_thresholds(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    /* baselines 20 / 21 / 10; endpoint window days 14-42 */
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "HALF,2026-01-01,treatment,20\n"
                      "HALF,2026-01-20,assessment,10\n" /* exactly 50 %: responder */
                      "ODD,2026-01-01,treatment,21\n"
                      "ODD,2026-01-20,assessment,11\n" /* 2 x 10 < 21: not a responder */
                      "REM,2026-01-01,treatment,10\n"
                      "REM,2026-01-10,assessment,4\n"  /* day 9: before the window */
                      "REM,2026-01-15,assessment,5\n"  /* day 14: 5 > 4, not a remitter */
                      "REM,2026-02-12,assessment,4\n"  /* day 42: last in window -> remits */
                      "REM,2026-02-13,assessment,9\n"; /* day 43: outside */
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    const struct episode *e = find(&a, &in, "HALF", 1);
    assert_int_equal(e->responder, 1);
    assert_int_equal(e->remitter, 0);
    assert_int_equal(e->response.event, 1);
    assert_int_equal(e->response.days, 19);
    e = find(&a, &in, "ODD", 1);
    assert_int_equal(e->responder, 0);
    assert_int_equal(e->response.event, 0);
    assert_int_equal(e->response.days, 19); /* censored at the last follow-up score */
    e = find(&a, &in, "REM", 1);
    assert_int_equal(e->endpoint_score, 4);
    assert_int_equal(e->endpoint_date, date_from_ymd(2026, 2, 12));
    assert_int_equal(e->remitter, 1);
    assert_int_equal(e->responder, 1);      /* 2 x (10 - 4) >= 10 */
    assert_int_equal(e->remission.days, 9); /* the first remitting score, day 9 */
    assert_int_equal(e->remission.sessions, 1);
    assert_int_equal(a.response.events, 2);
    assert_int_equal(a.response.n, 3);
    assert_int_equal(a.remission.events, 1);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_model_episode_gap_90_and_91(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "G90,2026-01-01,treatment,20\n"
                      "G90,2026-04-01,treatment,18\n" /* 90 days later: same episode */
                      "G91,2026-01-01,treatment,20\n"
                      "G91,2026-04-02,treatment,18\n"; /* 91 days later: a new episode */
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(a.nepisodes, 3);
    assert_int_equal(find(&a, &in, "G90", 1)->n_followup, 1);
    const struct episode *e1 = find(&a, &in, "G91", 1), *e2 = find(&a, &in, "G91", 2);
    assert_int_equal(e2->index_date, date_from_ymd(2026, 4, 2));
    assert_int_equal(e2->baseline_score, 18);
    /* the first episode's follow-up ends before the second's baseline window */
    assert_int_equal(e1->n_followup, 0);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_model_followup_stops_before_next_baseline_window(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    o.episode_gap = 30;
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "P,2026-01-01,treatment,20\n"
                      "P,2026-01-10,assessment,15\n"
                      "P,2026-02-16,assessment,14\n" /* day -14 of the next index: its baseline */
                      "P,2026-03-02,treatment,13\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    const struct episode *e1 = find(&a, &in, "P", 1), *e2 = find(&a, &in, "P", 2);
    assert_int_equal(e1->n_followup, 1);
    assert_int_equal(e1->last_followup_date, date_from_ymd(2026, 1, 10));
    assert_int_equal(e2->baseline_score, 13);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_model_same_day_conflict_is_unusable(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "C,2026-01-01,treatment,20\n"
                      "C,2026-01-01,assessment,20\n" /* same value twice: one usable score */
                      "C,2026-01-20,assessment,12\n"
                      "C,2026-01-30,assessment,5\n" /* these two disagree: unusable */
                      "C,2026-01-30,assessment,15\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    const struct episode *e = find(&a, &in, "C", 1);
    assert_int_equal(e->baseline_score, 20);
    assert_int_equal(e->n_followup, 1);
    assert_int_equal(e->endpoint_score, 12);
    assert_int_equal(e->endpoint_date, date_from_ymd(2026, 1, 20));
    assert_int_equal(e->responder, 0);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_model_immature_episode_counts_in_km_only(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "M,2026-01-01,treatment,20\n"
                      "M,2026-01-20,assessment,8\n"
                      "Y,2026-05-20,treatment,20\n" /* 2026-05-20 + 42 > 2026-06-30 */
                      "Y,2026-05-25,assessment,8\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(find(&a, &in, "M", 1)->mature, 1);
    assert_int_equal(find(&a, &in, "Y", 1)->mature, 0);
    assert_int_equal(a.eligible, 2);
    assert_int_equal(a.mature, 1);
    assert_int_equal(a.response.n, 1);
    assert_int_equal(a.with_followup, 2);
    assert_int_equal(a.time_to_response.n, 2);
    assert_int_equal(a.time_to_response.events, 2);
    /* 2026-05-19 + 42 = 2026-06-30: mature exactly on the as-of date */
    model_fini(&a);
    ingest_result_fini(&in);
    csv = "patient_id,session_date,session_type,phq9\nE,2026-05-19,treatment,20\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(a.episodes[0].mature, 1);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_model_cohort_without_events_and_of_one(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    const char *csv = "patient_id,session_date,session_type,phq9,site\n"
                      "A,2026-01-01,treatment,20,x\n"
                      "A,2026-01-20,assessment,19,x\n"
                      "B,2026-01-02,treatment,22,x\n"
                      "B,2026-01-25,assessment,20,x\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(a.response.events, 0);
    assert_int_equal(a.response.n, 2);
    assert_true(a.response.lo == 0);
    assert_int_equal(a.time_to_response.events, 0);
    assert_true(isnan(a.time_to_response.median));
    assert_int_equal(a.strata[SV_SITE].nvalues, 1);
    assert_true(isnan(a.strata[SV_SITE].p)); /* one value: not testable */
    model_fini(&a);
    ingest_result_fini(&in);
    csv = "patient_id,session_date,session_type,phq9\n"
          "ONE,2026-01-01,treatment,20\n"
          "ONE,2026-01-20,assessment,4\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(a.response.events, 1);
    assert_int_equal(a.response.n, 1);
    assert_true(a.response.hi == 1);
    assert_close(a.time_to_response.median, 19, 0);
    assert_close(a.time_to_remission.median, 19, 0);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_model_period_and_no_treatment(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    o.period_all = 0;
    o.period_from = o.period_to = 2026 * 12 + 1; /* 2026-02 */
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "JAN,2026-01-31,treatment,20\n"
                      "FEB,2026-02-01,treatment,20\n"
                      "ONLY,2026-02-10,assessment,20\n"; /* no treatment: no episode */
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(a.nepisodes, 2);
    assert_int_equal(a.cohort_episodes, 1);
    assert_int_equal(in.patients, 3);
    /* p-chart months: the 12 ending 2026-02, all episodes (JAN is outside the cohort) */
    assert_int_equal(a.month0, 2025 * 12 + 2);
    assert_int_equal(a.monthly[10].n, 1);
    assert_int_equal(a.monthly[11].n, 1);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_model_no_rows_is_a_data_error(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    assert_int_equal(analyse("patient_id,session_date\nA,2026-13-01\n", &o, NULL, &in, &a),
                     DIAG_DATA);
    ingest_result_fini(&in);
}

static void test_model_sessions_count_treatment_dates(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    const char *csv = "patient_id,session_date,session_type,phq9,site\n"
                      "S,2026-01-01,treatment,20,a\n"
                      "S,2026-01-03,treatment,,a\n"
                      "S,2026-01-03,treatment,,b\n"   /* two rows, one session */
                      "S,2026-01-06,treatment,9,a\n"; /* taken before the third dose */
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    const struct episode *e = find(&a, &in, "S", 1);
    assert_int_equal(e->response.event, 1);
    assert_int_equal(e->response.sessions, 2);
    assert_int_equal(e->response.days, 5);
    model_fini(&a);
    ingest_result_fini(&in);
}

/* The text id of value (a site or clinician), or 0 when no row has it. */
static uint32_t text_id(const struct ingest_result *in, const char *value)
{
    for (uint32_t id = 1; id < strtab_count(in->rows.text); id++)
        if (strcmp(strtab_get(in->rows.text, id, NULL), value) == 0)
            return id;
    return 0;
}

static void same_proportion(const struct proportion *x, const struct proportion *y)
{
    assert_int_equal(x->events, y->events);
    assert_int_equal(x->n, y->n);
    assert_true(x->rate == y->rate || (isnan(x->rate) && isnan(y->rate)));
    assert_true(x->lo == y->lo || (isnan(x->lo) && isnan(y->lo)));
    assert_true(x->hi == y->hi || (isnan(x->hi) && isnan(y->hi)));
}

/* SPEC 14: one site's (clinician's) report covers the episodes whose index treatment row names
 * it, and its rates, medians and flow equal the network's stratum entry for it. On a 600-patient
 * sample (sample_write, seed 5), for every site and clinician value of the network's strata:
 * response and remission (events, n, rate, interval) are the stratum's, the days-to-response
 * fit has the stratum's n, events and median, and the flow adds up to it (eligible = episodes
 * of the value among eligible cohort ones; mature = the response denominator). The values'
 * eligible episodes add up to the network's (every eligible episode here names a site). */
static void test_model_subset_equals_stratum(void **state)
{
    (void)state;
    struct sample_opts so = {600, 5, 12, 0};
    date_parse_iso("2026-10-31", 10, &so.as_of);
    char *path = write_temp("", 0);
    FILE *f = fopen(path, "w");
    struct diag d;
    assert_non_null(f);
    assert_int_equal(sample_write(f, &so, &d), 0);
    fclose(f);
    const char *paths[] = {path};
    struct ingest_opts io = default_opts();
    struct ingest_result in;
    struct analysis net, sub;
    struct model_opts o;
    model_opts_default(&o, COL_PHQ9);
    assert_int_equal(ingest_run(paths, 1, &io, &in, &d), 0);
    unlink(path);
    free(path);
    assert_int_equal(model_run(&in, &o, &net, &d), 0);
    const int vars[2] = {SV_SITE, SV_CLINICIAN};
    for (int v = 0; v < 2; v++) {
        const struct stratum *st = &net.strata[vars[v]];
        long eligible = 0;
        assert_true(st->nvalues >= 2);
        for (size_t k = 0; k < st->nvalues; k++) {
            const struct stratum_value *sv = &st->values[k];
            uint32_t id = text_id(&in, sv->value);
            assert_true(id != 0);
            assert_int_equal(model_subset(&in, &net, vars[v], id, &sub, &d), 0);
            same_proportion(&sub.response, &sv->response);
            same_proportion(&sub.remission, &sv->remission);
            assert_int_equal(sub.time_to_response.n, sv->km_n);
            assert_int_equal(sub.time_to_response.events, sv->km_events);
            assert_true(sub.time_to_response.median == sv->km_median ||
                        (isnan(sub.time_to_response.median) && isnan(sv->km_median)));
            assert_int_equal(sub.mature, sv->response.n);
            assert_int_equal(sub.with_followup, sv->km_n);
            /* the subset's own breakdown by var is left out: its one value is the whole
             * report, and its "without a value" part a 0 that suppression cannot hide (the
             * attacker in tests/cli/test_each_cli.sh found it); the other breakdowns stay */
            assert_int_equal(sub.strata[vars[v]].nvalues, 0);
            assert_true(sub.strata[vars[1 - v]].nvalues >= 1);
            assert_int_equal(sub.period_from, net.period_from);
            assert_int_equal(sub.period_to, net.period_to);
            eligible += sub.eligible;
            model_fini(&sub);
        }
        assert_int_equal(eligible, net.eligible);
    }
    assert_int_not_equal(model_subset(&in, &net, SV_ROUTE, 1, &sub, &d), 0);
    model_fini(&net);
    ingest_result_fini(&in);
}

/* A site's episodes are derived from all of the patient's rows: X's episode starts at site A
 * and has a later session at B, so it is A's (with both sessions and its follow-up score at B),
 * and B's report has only Y's episode. Under --suppress-below 11 each report decides on its own
 * counts: the network's 3 eligible episodes and A's 2 are small counts in each. */
static void test_model_subset_by_index_row(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis net, sub;
    struct diag d;
    model_opts_default(&o, COL_PHQ9);
    o.suppress_below = 11;
    const char *csv = "patient_id,session_date,session_type,site,phq9\n"
                      "X,2026-01-05,treatment,A,20\n"
                      "X,2026-01-12,treatment,B,14\n"
                      "X,2026-02-02,assessment,B,8\n"
                      "Y,2026-01-06,treatment,B,22\n"
                      "Y,2026-02-03,assessment,,18\n"
                      "Z,2026-01-07,treatment,A,18\n"
                      "Z,2026-02-04,assessment,A,4\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &net), 0);
    assert_int_equal(net.eligible, 3);
    assert_int_equal(model_subset(&in, &net, SV_SITE, text_id(&in, "A"), &sub, &d), 0);
    assert_int_equal(sub.nepisodes, 2);
    assert_int_equal(sub.eligible, 2);
    assert_int_equal(sub.safety.sessions, 3); /* X's two (A and B) and Z's one */
    assert_int_equal(sub.response.events, 2); /* X: 20 -> 8, Z: 18 -> 4 */
    assert_int_equal(sub.disc.flow[F_ELIGIBLE], DISC_SMALL);
    model_fini(&sub);
    assert_int_equal(model_subset(&in, &net, SV_SITE, text_id(&in, "B"), &sub, &d), 0);
    assert_int_equal(sub.nepisodes, 1);
    assert_int_equal(sub.safety.sessions, 1);
    assert_int_equal(sub.response.events, 0); /* Y: 22 -> 18 */
    model_fini(&sub);
    model_fini(&net);
    ingest_result_fini(&in);
}

/* The trajectory counts episodes, not scores (SPEC 13): A's two scores of week 1 (and of
 * session 1) are one point, its last (10); B's one score (12). Expected with R 4.2.2:
 * x <- c(10, 12); sprintf("%.17g", mean(x) + c(-1, 1) * qt(0.975, 1) * sd(x) / sqrt(2)):
 * -1.7062047361746941, 23.706204736174694; the baselines c(20, 24): -3.4124094723493883,
 * 47.412409472349388. */
static void test_model_trajectory_one_score_per_episode(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "A,2026-01-05,treatment,20\n"
                      "A,2026-01-07,assessment,16\n" /* day 2: week 1, session 1 */
                      "A,2026-01-10,assessment,10\n" /* day 5: the same week and session */
                      "B,2026-01-05,treatment,24\n"
                      "B,2026-01-08,assessment,12\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(a.by_week[0].n, 2);
    assert_close(a.by_week[0].lo, -3.4124094723493883, 1e-12);
    assert_close(a.by_week[0].hi, 47.412409472349388, 1e-12);
    assert_int_equal(a.by_week[1].n, 2); /* episodes, not the 3 scores */
    assert_close(a.by_week[1].mean, 11, 1e-15);
    assert_close(a.by_week[1].lo, -1.7062047361746941, 1e-12);
    assert_close(a.by_week[1].hi, 23.706204736174694, 1e-12);
    assert_int_equal(a.by_session[1].n, 2);
    assert_close(a.by_session[1].mean, 11, 1e-15);
    assert_int_equal(a.by_week[2].n, 0);
    assert_true(isnan(a.by_week[2].mean));
    model_fini(&a);
    ingest_result_fini(&in);
    /* one episode: a mean without an interval (n = 1) */
    const char *one = "patient_id,session_date,session_type,phq9\n"
                      "A,2026-01-05,treatment,20\n"
                      "A,2026-01-07,assessment,16\n";
    assert_int_equal(analyse(one, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(a.by_week[1].n, 1);
    assert_close(a.by_week[1].mean, 16, 1e-15);
    assert_true(isnan(a.by_week[1].lo) && isnan(a.by_week[1].hi));
    model_fini(&a);
    ingest_result_fini(&in);
}

/* review.csv's value column from a review row's numbers: the strings the list held as text
 * before it kept numbers (tests/cli/test_review_cli.sh finds them planted in exports). */
static void test_model_review_value_every_flag(void **state)
{
    (void)state;
    static const struct {
        int flag, v1, v2, open;
        const char *want;
    } cases[] = {
        {RF_BP_HOLD_DOSED, 172, 104, 0, "172/104"},
        {RF_BP_POST_HIGH, 181, 99, 0, "181/99"},
        {RF_BP_POST_HIGH, 300, 200, 0, "300/200"},
        {RF_CADSS_HIGH, 5, 0, 0, "5"},
        {RF_CADSS_HIGH, 92, 0, 0, "92"},
        {RF_ITEM9_3, 3, 0, 0, "3"},
        {RF_ITEM9_NO_FOLLOWUP, 2, 0, 0, "2"},
        {RF_ITEM9_NO_FOLLOWUP, 3, 0, 1, "3 (days not over)"},
        {RF_MONITORING_SHORT, 0, 0, 0, "0"},
        {RF_MONITORING_SHORT, 119, 0, 0, "119"},
        {RF_NO_RESPONSE_AFTER_6, 18, 15, 0, "baseline 18; last 15"},
        {RF_NO_RESPONSE_AFTER_6, 27, 0, 0, "baseline 27; last 0"},
        {RF_NO_RESPONSE_AFTER_6, 14, -1, 0, "baseline 14; no score"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        struct review_row q = {0};
        q.flag = (unsigned)cases[k].flag;
        q.v1 = (unsigned)cases[k].v1;
        q.v2 = cases[k].v2;
        q.open = (unsigned)cases[k].open;
        char buf[48];
        int n = model_review_value(&q, buf, sizeof buf);
        assert_string_equal(buf, cases[k].want);
        assert_int_equal(n, (int)strlen(cases[k].want));
    }
    assert_int_equal(sizeof(struct review_row), 12);
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_trajectory_one_score_per_episode),
        cmocka_unit_test(test_model_baseline_window_boundaries),
        cmocka_unit_test(test_model_response_and_remission_thresholds),
        cmocka_unit_test(test_model_episode_gap_90_and_91),
        cmocka_unit_test(test_model_followup_stops_before_next_baseline_window),
        cmocka_unit_test(test_model_same_day_conflict_is_unusable),
        cmocka_unit_test(test_model_immature_episode_counts_in_km_only),
        cmocka_unit_test(test_model_cohort_without_events_and_of_one),
        cmocka_unit_test(test_model_period_and_no_treatment),
        cmocka_unit_test(test_model_no_rows_is_a_data_error),
        cmocka_unit_test(test_model_sessions_count_treatment_dates),
        cmocka_unit_test(test_model_subset_equals_stratum),
        cmocka_unit_test(test_model_subset_by_index_row),
        cmocka_unit_test(test_model_review_value_every_flag),
    };
    apply_test_filter();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
