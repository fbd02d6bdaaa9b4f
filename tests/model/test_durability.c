/* test_durability.c: SPEC section 12 at its boundaries, on small hand-made exports read through
 * ingest — loss of response (two consecutive failing scores; a single failing last score; a
 * response on the last score; two rows of one date; the next episode's baseline window; the
 * data cut), no responders, induction completion (K sessions within D days, day D in and day
 * D + 1 out, windows still open), the frequency bands, maintenance sessions after the endpoint
 * window — and the durability curve and its `at` values against R survfit (1e-9).
 *
 * In every export the baseline is PHQ-9 20 on the index date (a treatment row), so a score
 * responds when 2 x (20 - score) >= 20, i.e. score <= 10, and fails when score >= 11. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "outcomes/model.h"
#include "model_support.h"

static void expect_loss(const struct episode *e, int event, int32_t date, int days)
{
    assert_int_equal(e->response.event, 1);
    assert_int_equal(e->dur.loss_event, event);
    assert_int_equal(e->dur.loss_date, date);
    assert_int_equal(e->dur.days_to_loss, days);
}

static void test_durability_loss_rules(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    /* index 2026-01-01 (day 0), response r on day 7 (score 8) for every patient */
    const char *csv =
        "patient_id,session_date,session_type,phq9,gad7\n"
        /* LAST1: r day 7; day 14 responds (9); day 21 fails (15) and is the last score: a
         * single failing last score is no loss -> censored at day 21, 21 - 7 = 14 days */
        "LAST1,2026-01-01,treatment,20,\n"
        "LAST1,2026-01-08,assessment,8,\n"
        "LAST1,2026-01-15,assessment,9,\n"
        "LAST1,2026-01-22,assessment,15,\n"
        /* PAIR: days 14 (12) and 21 (13) both fail: loss on the first of the two, day 14,
         * 14 - 7 = 7 days; the later response (day 28, 5) changes nothing */
        "PAIR,2026-01-01,treatment,20,\n"
        "PAIR,2026-01-08,assessment,8,\n"
        "PAIR,2026-01-15,assessment,12,\n"
        "PAIR,2026-01-22,assessment,13,\n"
        "PAIR,2026-01-29,assessment,5,\n"
        /* SPLIT: fail (day 14), respond (day 21: 10, exactly 50 %), fail (day 28): never two
         * consecutive failures -> censored at the last score, day 28, 21 days */
        "SPLIT,2026-01-01,treatment,20,\n"
        "SPLIT,2026-01-08,assessment,8,\n"
        "SPLIT,2026-01-15,assessment,11,\n"
        "SPLIT,2026-01-22,assessment,10,\n"
        "SPLIT,2026-01-29,assessment,11,\n"
        /* LASTR: the response is the last follow-up score -> censored at r, time 0 */
        "LASTR,2026-01-01,treatment,20,\n"
        "LASTR,2026-01-08,assessment,8,\n"
        /* SAMEDAY: two rows of day 14 give the same failing 12 (they differ in gad7, so they
         * are not duplicates): one usable score, the last -> censored at day 14, 7 days */
        "SAMEDAY,2026-01-01,treatment,20,\n"
        "SAMEDAY,2026-01-08,assessment,8,\n"
        "SAMEDAY,2026-01-15,assessment,12,5\n"
        "SAMEDAY,2026-01-15,assessment,12,6\n"
        /* CONFLICT: day 14's rows disagree (12 vs 13): no usable score that day; day 21 fails
         * once -> no pair, censored at day 21, 14 days */
        "CONFLICT,2026-01-01,treatment,20,\n"
        "CONFLICT,2026-01-08,assessment,8,\n"
        "CONFLICT,2026-01-15,assessment,12,\n"
        "CONFLICT,2026-01-15,assessment,13,\n"
        "CONFLICT,2026-01-22,assessment,14,\n"
        /* NEXT: a treatment on day 91 (2026-04-02) starts episode 2, whose baseline window is
         * [day 77, day 91]; episode 1's follow-up ends before day 77. Days 76 (12) and 77 (13)
         * fail, but day 77 belongs to episode 2's window: episode 1 has one failing last
         * score -> censored at day 76, 69 days */
        "NEXT,2026-01-01,treatment,20,\n"
        "NEXT,2026-01-08,assessment,8,\n"
        "NEXT,2026-03-18,assessment,12,\n"
        "NEXT,2026-03-19,assessment,13,\n"
        "NEXT,2026-04-02,treatment,,\n"
        /* CUT: r 2026-06-08; 06-30 (the data cut) fails, 07-01 fails but lies after the cut
         * (set aside) -> censored at 06-30, 22 days */
        "CUT,2026-06-01,treatment,20,\n"
        "CUT,2026-06-08,assessment,8,\n"
        "CUT,2026-06-30,assessment,12,\n"
        "CUT,2026-07-01,assessment,13,\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    expect_loss(find(&a, &in, "LAST1", 1), 0, date_from_ymd(2026, 1, 22), 14);
    expect_loss(find(&a, &in, "PAIR", 1), 1, date_from_ymd(2026, 1, 15), 7);
    expect_loss(find(&a, &in, "SPLIT", 1), 0, date_from_ymd(2026, 1, 29), 21);
    expect_loss(find(&a, &in, "LASTR", 1), 0, date_from_ymd(2026, 1, 8), 0);
    expect_loss(find(&a, &in, "SAMEDAY", 1), 0, date_from_ymd(2026, 1, 15), 7);
    expect_loss(find(&a, &in, "CONFLICT", 1), 0, date_from_ymd(2026, 1, 22), 14);
    expect_loss(find(&a, &in, "NEXT", 1), 0, date_from_ymd(2026, 3, 18), 69);
    expect_loss(find(&a, &in, "CUT", 1), 0, date_from_ymd(2026, 6, 30), 22);
    /* episode 2 of NEXT has no follow-up score: not in the curve. The curve: 8 responders,
     * one loss (PAIR at 7 days) */
    assert_int_equal(find(&a, &in, "NEXT", 2)->response.event, 0);
    assert_int_equal(a.durability.km.n, 8);
    assert_int_equal(a.durability.km.events, 1);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_durability_no_responders(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    /* both episodes only fail (12 >= 11): no response event, so no subject for the curve and
     * no maintenance episode */
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      "A,2026-01-01,treatment,20\n"
                      "A,2026-01-20,assessment,12\n"
                      "B,2026-01-01,treatment,20\n"
                      "B,2026-01-20,assessment,19\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    const struct durability *u = &a.durability;
    assert_int_equal(u->km.n, 0);
    assert_int_equal(u->km.events, 0);
    assert_int_equal(u->km.ncurve, 0);
    assert_true(isnan(u->km.median));
    assert_int_equal(u->maint_episodes, 0);
    assert_true(isnan(u->maint_sessions_median));
    assert_true(isnan(u->maint_interval_median));
    /* induction: each has 1 session in its 21 days (< 6), both windows closed */
    assert_int_equal(u->completed.n, 2);
    assert_int_equal(u->completed.events, 0);
    assert_int_equal(u->sessions[0], 2);
    assert_int_equal(u->resp_noncompleters.n, 2);
    assert_int_equal(u->resp_noncompleters.events, 0);
    assert_int_equal(u->resp_completers.n, 0);
    assert_true(isnan(u->resp_completers.rate));
    model_fini(&a);
    ingest_result_fini(&in);
}

/* The induction export: six patients' treatment days from the index 2026-01-01, and two whose
 * window is open or just closed at the as-of 2026-06-30. */
static char *induction_export(void)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "patient_id,session_date,session_type,route,phq9\n");
    /* treatment days (from the index 2026-01-01) and the expected count in [0, 21]:
     * S6: 0 4 8 12 16 21 -> 6 (day 21 is in): complete, band 6-8
     * S5: 0 4 8 12 16 22 -> 5 (day 22 is out): not complete, band 4-5
     * S3: 0 1 2 -> 3, band 1-3;  S4: 0..3 -> 4, band 4-5;  S8: 0..7 -> 8, band 6-8;
     * S9: 0 2 .. 16 -> 9, band 9+;  two rows on one date are one session (S3 day 2 twice) */
    static const struct {
        const char *id, *route;
        int n, days[10];
    } pts[] = {
        {"S6", "iv", 6, {0, 4, 8, 12, 16, 21}},  {"S5", "iv", 6, {0, 4, 8, 12, 16, 22}},
        {"S3", "im", 4, {0, 1, 2, 2}},           {"S4", "im", 4, {0, 1, 2, 3}},
        {"S8", "", 8, {0, 1, 2, 3, 4, 5, 6, 7}}, {"S9", "iv", 9, {0, 2, 4, 6, 8, 10, 12, 14, 16}}};
    for (size_t p = 0; p < sizeof pts / sizeof *pts; p++)
        for (int k = 0; k < pts[p].n; k++) {
            char day[11];
            date_format(date_from_ymd(2026, 1, 1) + pts[p].days[k], day);
            /* the index row carries the baseline; S6 and S9 respond at the endpoint (day 30) */
            sbuf_printf(&b, "%s,%s,treatment,%s,%s\n", pts[p].id, day, pts[p].route,
                        k == 0 ? "20" : "");
        }
    sbuf_printf(&b, "S6,2026-01-31,assessment,,8\nS9,2026-01-31,assessment,,8\n"
                    "S5,2026-01-31,assessment,,15\n");
    /* OPEN: index 2026-06-10, as-of 2026-06-30 = day 20 < 21: the window is open, the episode
     * is left out of the rate; EDGE: index 2026-06-09, day 21 = the as-of: closed, counted */
    sbuf_printf(&b, "OPEN,2026-06-10,treatment,iv,20\nEDGE,2026-06-09,treatment,iv,20\n");
    return b.s;
}

/* Each episode's induction sessions, completion and frequency band. */
static void check_induction_episodes(const struct analysis *a, const struct ingest_result *in)
{
    static const struct {
        const char *id;
        int sessions, complete;
        const char *band;
    } want[] = {{"S6", 6, 1, "6-8"},   {"S5", 5, 0, "4-5"},  {"S3", 3, 0, "1-3"},
                {"S4", 4, 0, "4-5"},   {"S8", 8, 1, "6-8"},  {"S9", 9, 1, "9+"},
                {"OPEN", 1, 0, "1-3"}, {"EDGE", 1, 0, "1-3"}};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        const struct episode *e = find(a, in, want[k].id, 1);
        assert_int_equal(e->dur.induction_sessions, want[k].sessions);
        assert_int_equal(e->dur.induction_complete, want[k].complete);
        assert_string_equal(model_frequency_name(e->dur.frequency), want[k].band);
    }
}

/* The completion rate overall and by route, the sessions' bins, the endpoint response of
 * completers and non-completers. */
static void check_induction_rates(const struct durability *u)
{
    assert_int_equal(u->ind_open, 1);
    assert_int_equal(u->completed.n, 7);      /* all but OPEN */
    assert_int_equal(u->completed.events, 3); /* S6, S8, S9 */
    /* by route in byte order: im (S3, S4: 0 of 2), iv (S6, S5, S9, EDGE: 2 of 4); S8 has no
     * route and is left out of the list (counted in the overall rate) */
    assert_int_equal(u->nroutes, 2);
    assert_int_equal(u->by_route[0].route, ROUTE_IM);
    assert_int_equal(u->by_route[0].completed.n, 2);
    assert_int_equal(u->by_route[0].completed.events, 0);
    assert_int_equal(u->by_route[1].route, ROUTE_IV);
    assert_int_equal(u->by_route[1].completed.n, 4);
    assert_int_equal(u->by_route[1].completed.events, 2);
    assert_int_equal(u->ind_no_route_n, 1);
    /* sessions: 1 (EDGE), 3 (S3), 4 (S4), 5 (S5), 6 (S6), 8 (S8), 9 (S9) */
    static const long bins[12] = {1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0};
    assert_int_equal(u->nbins, 12);
    for (int k = 0; k < 12; k++)
        assert_int_equal(u->sessions[k], bins[k]);
    /* mature (index + 42 <= as-of): S3-S9; completers S6 S8 S9 with 2 responders, the
     * non-completers S5 S3 S4 with none */
    assert_int_equal(u->resp_completers.n, 3);
    assert_int_equal(u->resp_completers.events, 2);
    assert_int_equal(u->resp_noncompleters.n, 3);
    assert_int_equal(u->resp_noncompleters.events, 0);
}

/* --induction 8:30: K8 (8 dates, days 0-28) completes, K7 (7 dates, days 0-30) does not */
static void check_induction_8_30(struct model_opts *o)
{
    struct ingest_result in;
    struct analysis a;
    o->induction_k = 8;
    o->induction_d = 30;
    struct sbuf c = {0};
    sbuf_printf(&c, "patient_id,session_date,session_type,phq9\n");
    for (int k = 0; k < 8; k++)
        sbuf_printf(&c, "K8,2026-01-%02d,treatment,%s\n", 1 + 4 * k, k ? "" : "20"); /* day 28 */
    for (int k = 0; k < 8; k++)
        sbuf_printf(&c, "K7,2026-01-%02d,treatment,%s\n", 1 + 5 * k < 32 ? 1 + 5 * k : 31,
                    k ? "" : "20"); /* days 0 5 .. 30, 30: seven dates (the last twice) */
    assert_int_equal(analyse(c.s, o, "2026-06-30", &in, &a), 0);
    free(c.s);
    assert_int_equal(find(&a, &in, "K8", 1)->dur.induction_complete, 1);
    assert_int_equal(find(&a, &in, "K7", 1)->dur.induction_sessions, 7);
    assert_int_equal(find(&a, &in, "K7", 1)->dur.induction_complete, 0);
    assert_int_equal(a.durability.nbins, 12);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_durability_induction_and_frequency(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9); /* K = 6, D = 21 */
    char *csv = induction_export();
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    free(csv);
    check_induction_episodes(&a, &in);
    check_induction_rates(&a.durability);
    /* the frequency stratum: values in byte order 1-3, 4-5, 6-8, 9+ */
    const struct stratum *fs = &a.strata[SV_FREQUENCY];
    assert_int_equal(fs->nvalues, 4);
    assert_string_equal(fs->values[0].value, "1-3");
    assert_string_equal(fs->values[3].value, "9+");
    assert_int_equal(fs->values[2].response.n, 2); /* S6, S8 */
    assert_int_equal(fs->values[2].response.events, 1);
    model_fini(&a);
    ingest_result_fini(&in);
    /* --induction 8:30: K8 (8 dates, days 0-28) completes, K7 (7 dates, days 0-30) does not */
    check_induction_8_30(&o);
}

static void test_durability_maintenance(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9); /* endpoint window ends on day 42 */
    const char *csv = "patient_id,session_date,session_type,phq9\n"
                      /* M3: treatments days 0 3 42 43 50 64; responds day 7. Day 42 is the
                       * window's last day (not after it): maintenance 43, 50, 64 -> 3
                       * sessions, gaps 7 and 14 days */
                      "M3,2026-01-01,treatment,20\n"
                      "M3,2026-01-04,treatment,\n"
                      "M3,2026-01-08,assessment,8\n"
                      "M3,2026-02-12,treatment,\n"
                      "M3,2026-02-13,treatment,\n"
                      "M3,2026-02-20,treatment,\n"
                      "M3,2026-03-06,treatment,\n"
                      /* M2: days 0, 45, 105 (gaps of 45 and 60 < 90: one episode): 2 sessions,
                       * gap 60 */
                      "M2,2026-01-01,treatment,20\n"
                      "M2,2026-01-08,assessment,8\n"
                      "M2,2026-02-15,treatment,\n"
                      "M2,2026-04-16,treatment,\n"
                      /* M0: responds, no session after day 42 */
                      "M0,2026-01-01,treatment,20\n"
                      "M0,2026-01-08,assessment,8\n"
                      /* NR: no response: not in the maintenance figures */
                      "NR,2026-01-01,treatment,20\n"
                      "NR,2026-01-08,assessment,15\n"
                      "NR,2026-02-20,treatment,\n"
                      /* YOUNG: responds but index + 42 > as-of (immature): left out */
                      "YOUNG,2026-06-01,treatment,20\n"
                      "YOUNG,2026-06-08,assessment,8\n";
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    assert_int_equal(find(&a, &in, "M3", 1)->dur.maintenance_sessions, 3);
    assert_int_equal(find(&a, &in, "M2", 1)->dur.maintenance_sessions, 2);
    assert_int_equal(find(&a, &in, "NR", 1)->dur.maintenance_sessions, 1);
    const struct durability *u = &a.durability;
    assert_int_equal(u->maint_episodes, 3);      /* M3, M2, M0 */
    assert_int_equal(u->maint_with_sessions, 2); /* M3, M2 */
    /* median(c(3, 2, 0)) = 2; median(c(7, 14, 60)) = 14 */
    assert_close(u->maint_sessions_median, 2, 0);
    assert_int_equal(u->maint_intervals, 3);
    assert_close(u->maint_interval_median, 14, 0);
    model_fini(&a);
    ingest_result_fini(&in);
}

/* An export whose responders (r = day 7 of each) have the given losses: a loss at t is two
 * failing scores at r + t and r + t + 3; a censoring at t > 0 one responding score at r + t;
 * at 0 nothing after r. */
static char *export_of(const int *t, const int *ev, size_t n)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "patient_id,session_date,session_type,phq9\n");
    int32_t index = date_from_ymd(2025, 1, 1);
    for (size_t i = 0; i < n; i++) {
        char d0[11], d1[11], d2[11], d3[11];
        int32_t r = index + 7;
        date_format(index, d0);
        date_format(r, d1);
        date_format(r + t[i], d2);
        date_format(r + t[i] + 3, d3);
        sbuf_printf(&b, "P%02zu,%s,treatment,20\nP%02zu,%s,assessment,8\n", i, d0, i, d1);
        if (ev[i])
            sbuf_printf(&b, "P%02zu,%s,assessment,12\nP%02zu,%s,assessment,14\n", i, d2, i, d3);
        else if (t[i] > 0)
            sbuf_printf(&b, "P%02zu,%s,assessment,9\n", i, d2);
    }
    return b.s;
}

struct r_row {
    double time;
    long n_risk, n_event, n_censor;
    double surv, std_err, lower, upper;
};
struct r_at {
    double time, surv, lower, upper;
    long n_risk;
};

static void test_durability_curve_matches_r(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    /* R 4 / survival 3.5:
     *   t <- c(7, 7, 14, 14, 21, 28, 35, 42, 56, 60, 84, 90, 0)
     *   e <- c(1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0)
     *   fit <- survfit(Surv(t, e) ~ 1)
     *   s <- summary(fit, censored = TRUE)   # with fit$std.err
     *   a <- summary(fit, times = c(28, 56, 84), extend = TRUE)
     *   print(fit)   # median 56, 0.95LCL 21, 0.95UCL NA
     * printed with sprintf("%.17g") */
    static const int t[] = {7, 7, 14, 14, 21, 28, 35, 42, 56, 60, 84, 90, 0};
    static const int e[] = {1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0};
    static const struct r_row rows[] = {
        {0, 13, 0, 1, 1, 0, 1, 1},
        {7, 12, 2, 0, 0.83333333333333337, 0.12909944487358055, 0.64703698701336165, 1},
        {14, 10, 1, 1, 0.75, 0.16666666666666666, 0.54099635561655635, 1},
        {21, 8, 1, 0, 0.65625, 0.21362331482055191, 0.4317504721502724, 0.99748370941006348},
        {28, 7, 0, 1, 0.65625, 0.21362331482055191, 0.4317504721502724, 0.99748370941006348},
        {35, 6, 1, 0, 0.546875, 0.28101290712039184, 0.31527493887545793, 0.94860779829741426},
        {42, 5, 0, 1, 0.546875, 0.28101290712039184, 0.31527493887545793, 0.94860779829741426},
        {56, 4, 1, 0, 0.41015625, 0.40286671158285997, 0.18622096256011522, 0.90337922810250559},
        {60, 3, 0, 1, 0.41015625, 0.40286671158285997, 0.18622096256011522, 0.90337922810250559},
        {84, 2, 1, 0, 0.205078125, 0.81381913672608319, 0.041609762124328271, 1},
        {90, 1, 0, 1, 0.205078125, 0.81381913672608319, 0.041609762124328271, 1},
    };
    static const struct r_at at[] = {
        {28, 0.65625, 0.4317504721502724, 0.99748370941006348, 7},
        {56, 0.41015625, 0.18622096256011522, 0.90337922810250559, 4},
        {84, 0.205078125, 0.041609762124328271, 1, 2},
    };
    char *csv = export_of(t, e, sizeof t / sizeof *t);
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    free(csv);
    const struct durability *u = &a.durability;
    assert_int_equal(u->km.n, 13);
    assert_int_equal(u->km.events, 7);
    assert_int_equal(u->km.ncurve, sizeof rows / sizeof *rows);
    for (size_t k = 0; k < u->km.ncurve; k++) {
        const struct km_row *g = &u->km.curve[k];
        assert_close(g->time, rows[k].time, 0);
        assert_int_equal(g->n_risk, rows[k].n_risk);
        assert_int_equal(g->n_event, rows[k].n_event);
        assert_int_equal(g->n_censor, rows[k].n_censor);
        assert_close(g->surv, rows[k].surv, 1e-9);
        assert_close(g->std_err, rows[k].std_err, 1e-9);
        assert_close(g->lower, rows[k].lower, 1e-9);
        assert_close(g->upper, rows[k].upper, 1e-9);
    }
    assert_close(u->km.median, 56, 0);
    assert_close(u->km.median_lo, 21, 0);
    assert_true(isnan(u->km.median_hi));
    for (int k = 0; k < DURABILITY_AT; k++) {
        assert_close(u->at[k].time, at[k].time, 0);
        assert_close(u->at[k].surv, at[k].surv, 1e-9);
        assert_close(u->at[k].lower, at[k].lower, 1e-9);
        assert_close(u->at[k].upper, at[k].upper, 1e-9);
        assert_int_equal(u->at[k].n_risk, at[k].n_risk);
    }
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_durability_at_past_the_end_matches_r(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    /* fit <- survfit(Surv(c(3, 10, 10, 30), c(1, 1, 0, 1)) ~ 1)
     * summary(fit, times = c(28, 56, 84), extend = TRUE):
     *   28: surv 0.5, lower 0.18765892870658832, upper 1, n.risk 1
     *   56, 84: surv 0, lower and upper NA, n.risk 0
     * print(fit): median 20 (the curve sits at 0.5 from 10 to 30: the midpoint), LCL 3 */
    static const int t[] = {3, 10, 10, 30}, e[] = {1, 1, 0, 1};
    char *csv = export_of(t, e, 4);
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    free(csv);
    const struct durability *u = &a.durability;
    assert_close(u->at[0].surv, 0.5, 1e-9);
    assert_close(u->at[0].lower, 0.18765892870658832, 1e-9);
    assert_close(u->at[0].upper, 1, 1e-9);
    assert_int_equal(u->at[0].n_risk, 1);
    for (int k = 1; k < 3; k++) {
        assert_close(u->at[k].surv, 0, 0);
        assert_true(isnan(u->at[k].lower));
        assert_true(isnan(u->at[k].upper));
        assert_int_equal(u->at[k].n_risk, 0);
    }
    assert_close(u->km.median, 20, 0);
    assert_close(u->km.median_lo, 3, 0);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_durability_suppression(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    o.suppress_below = 11;
    /* 13 responders as in the R case: the curve is drawn (n 13 >= 11) but only while 11 or
     * more remain at risk (the rows at 0 and 7: 13 and 12 at risk); `at` 28 has 7 at risk:
     * none is published; the 7 losses (< 11) are withheld, so the median is */
    static const int t[] = {7, 7, 14, 14, 21, 28, 35, 42, 56, 60, 84, 90, 0};
    static const int e[] = {1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0};
    char *csv = export_of(t, e, 13);
    assert_int_equal(analyse(csv, &o, "2026-06-30", &in, &a), 0);
    free(csv);
    const struct disc_durability *dd = &a.disc.durability;
    assert_int_equal(dd->km.events, DISC_SMALL);
    assert_int_equal(dd->km.median, DISC_WITHHELD);
    assert_int_equal(dd->nat, 0);
    assert_true(dd->km.rows <= 2);
    /* 13 closed windows, none complete (one session each): the 0 completed is shown, the
     * maintenance episodes (13 responders, mature) too, but no interval exists */
    assert_int_equal(dd->maint_interval_median, DISC_WITHHELD);
    model_fini(&a);
    ingest_result_fini(&in);
}

static void test_durability_suppression_completers_group(void **state)
{
    (void)state;
    struct model_opts o;
    struct ingest_result in;
    struct analysis a;
    model_opts_default(&o, COL_PHQ9);
    o.suppress_below = 11;
    /* 15 mature episodes complete the induction (6 sessions, days 0-15), 3 do not (one
     * session): the non-completers' mature n, 3, is small; completers + non-completers = the
     * flow's 18 mature, so the completers' 15 must be withheld too (15 = 18 - 3 otherwise) */
    struct sbuf b = {0};
    sbuf_printf(&b, "patient_id,session_date,session_type,phq9\n");
    for (int p = 0; p < 18; p++) {
        int sessions = p < 15 ? 6 : 1;
        for (int k = 0; k < sessions; k++)
            sbuf_printf(&b, "C%02d,2026-01-%02d,treatment,%s\n", p, 1 + 3 * k, k ? "" : "20");
        sbuf_printf(&b, "C%02d,2026-01-31,assessment,%d\n", p, p % 2 ? 8 : 15);
    }
    assert_int_equal(analyse(b.s, &o, "2026-06-30", &in, &a), 0);
    free(b.s);
    const struct durability *u = &a.durability;
    assert_int_equal(u->resp_completers.n, 15);
    assert_int_equal(u->resp_noncompleters.n, 3);
    const struct disc_durability *dd = &a.disc.durability;
    assert_int_equal(a.disc.flow[F_MATURE], DISC_SHOWN);
    assert_int_equal(dd->resp_noncompleters.n, DISC_SMALL);
    assert_int_equal(dd->resp_completers.n, DISC_WITHHELD);
    assert_int_equal(dd->resp_completers.rate, DISC_WITHHELD);
    /* the completed count: 15 of 18 closed windows, its complement 3 is small: withheld */
    assert_int_equal(dd->completed.events, DISC_WITHHELD);
    /* the bins: 6 sessions 15 (withheld: 18 - 3), 1 session 3 (small) */
    assert_int_equal(dd->sessions[0], DISC_SMALL);
    assert_int_equal(dd->sessions[5], DISC_WITHHELD);
    model_fini(&a);
    ingest_result_fini(&in);
}

int main(void)
{
    stats_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durability_loss_rules),
        cmocka_unit_test(test_durability_no_responders),
        cmocka_unit_test(test_durability_induction_and_frequency),
        cmocka_unit_test(test_durability_maintenance),
        cmocka_unit_test(test_durability_curve_matches_r),
        cmocka_unit_test(test_durability_at_past_the_end_matches_r),
        cmocka_unit_test(test_durability_suppression),
        cmocka_unit_test(test_durability_suppression_completers_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
