/* test_stats.c: every estimator against numbers R computed. Each test names the R call; values
 * with 16-17 digits come from the R reference cases (tests/data/reference/, R 4.2.2, survival
 * 3.5-3), shorter ones from DEPENDENCIES.md's measurements and survival's own test files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "outcomes/stats.h"
#include "support.h"

static void test_proportion_wilson_matches_prop_test(void **state)
{
    (void)state;
    /* prop.test(5, 8, correct = FALSE)$conf.int (edge_small response) */
    struct proportion p = stats_proportion(5, 8, CI_WILSON);
    assert_close(p.rate, 0.625, 1e-15);
    assert_close(p.lo, 0.3057423946026274, 1e-13);
    assert_close(p.hi, 0.8631557141764027, 1e-13);
    /* prop.test(4, 8, correct = FALSE) */
    p = stats_proportion(4, 8, CI_WILSON);
    assert_close(p.lo, 0.21521606221387762, 1e-13);
    assert_close(p.hi, 0.7847839377861224, 1e-13);
    /* x = n: prop.test(8, 8, correct = FALSE) gives exactly 1 as the upper limit */
    p = stats_proportion(8, 8, CI_WILSON);
    assert_close(p.lo, 0.6755924351161198, 1e-13);
    assert_true(p.hi == 1.0);
    /* x = 0: exactly 0, and the mirror image of x = n */
    p = stats_proportion(0, 8, CI_WILSON);
    assert_true(p.lo == 0.0);
    assert_close(p.hi, 1 - 0.6755924351161198, 1e-13);
    /* prop.test(7, 20, correct = FALSE): 0.181192 0.567146 (DEPENDENCIES.md) */
    p = stats_proportion(7, 20, CI_WILSON);
    assert_close(p.lo, 0.181192, 5e-6);
    assert_close(p.hi, 0.567146, 5e-6);
    /* n = 0: no rate, no interval */
    p = stats_proportion(0, 0, CI_WILSON);
    assert_true(isnan(p.rate) && isnan(p.lo) && isnan(p.hi));
}

static void test_proportion_exact_matches_binom_test(void **state)
{
    (void)state;
    /* binom.test(14, 76)$conf.int (synth150_6m_exact response) */
    struct proportion p = stats_proportion(14, 76, CI_EXACT);
    assert_close(p.lo, 0.10453276041563339, 1e-12);
    assert_close(p.hi, 0.2897156019558713, 1e-12);
    /* binom.test(4, 76) and binom.test(14, 16) */
    p = stats_proportion(4, 76, CI_EXACT);
    assert_close(p.lo, 0.014524558339156468, 1e-12);
    assert_close(p.hi, 0.12930915845298485, 1e-12);
    p = stats_proportion(14, 16, CI_EXACT);
    assert_close(p.lo, 0.6165237631507365, 1e-12);
    assert_close(p.hi, 0.9844863961845861, 1e-12);
    /* binom.test(7, 20): 0.153909 0.592189 (DEPENDENCIES.md) */
    p = stats_proportion(7, 20, CI_EXACT);
    assert_close(p.lo, 0.153909, 5e-6);
    assert_close(p.hi, 0.592189, 5e-6);
    /* x = 0 and x = n are settled without calling GSL (its inverse beta loops on a = 0) */
    p = stats_proportion(0, 5, CI_EXACT);
    assert_true(p.lo == 0.0);
    assert_close(p.hi, 1 - pow(0.025, 1.0 / 5), 1e-12); /* qbeta(0.975, 1, 5) */
    p = stats_proportion(5, 5, CI_EXACT);
    assert_true(p.hi == 1.0);
    assert_close(p.lo, pow(0.025, 1.0 / 5), 1e-12); /* qbeta(0.025, 5, 1) */
}

/* Large n, where GSL's own gsl_cdf_beta_Pinv/Qinv return NaN (x = 1, 2, 10 of a million) or
 * do not return within 20 s (a million of two million): found by the differential test (r_diff.c).
 * binom.test(x, n)$conf.int, R 4.2.2: */
/* Two proportions: R 4.2.2, with r <- prop.test(c(x1, x2), c(n1, n2), correct = FALSE):
 * r$estimate[1] - r$estimate[2], r$conf.int and r$p.value printed with sprintf("%.17g"). */
static void test_prop_diff_matches_prop_test(void **state)
{
    (void)state;
    static const struct {
        long x1, n1, x2, n2;
        double est, lo, hi, p; /* p NaN: R's p.value is NaN */
    } cases[] = {
        {244, 486, 221, 480, 0.041640946502057685, -0.0213213113805472, 0.10460320438466257,
         0.19528648962919037},
        {5, 8, 4, 8, 0.125, -0.35727412022024829, 0.60727412022024829, 0.61429466466348248},
        {0, 10, 10, 10, -1, -1, -1, 7.7442164310440858e-06},
        {10, 10, 10, 10, 0, 0, 0, NAN},
        {0, 5, 0, 7, 0, 0, 0, NAN},
        {1, 1, 0, 1, 1, 1, 1, 0.15729920705028447},
        {53, 100, 20, 100, 0.33000000000000002, 0.20463888946144559, 0.45536111053855444,
         1.2539440341232637e-06},
        {3, 11, 9, 12, -0.47727272727272729, -0.83684229068200655, -0.11770316386344809,
         0.022084024774298976},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct prop_diff d = stats_prop_diff(cases[i].x1, cases[i].n1, cases[i].x2, cases[i].n2);
        assert_close(d.estimate, cases[i].est, 1e-14);
        assert_close(d.lo, cases[i].lo, 1e-13);
        assert_close(d.hi, cases[i].hi, 1e-13);
        if (isnan(cases[i].p))
            assert_true(isnan(d.p));
        else
            assert_close(d.p, cases[i].p, 1e-12);
    }
    /* an n of 0: R stops ("elements of 'n' must be positive"); here everything is null */
    struct prop_diff d = stats_prop_diff(0, 0, 3, 9);
    assert_true(isnan(d.estimate) && isnan(d.lo) && isnan(d.hi) && isnan(d.p));
    d = stats_prop_diff(3, 9, 0, 0);
    assert_true(isnan(d.estimate) && isnan(d.p));
}

static void test_proportion_exact_large_n(void **state)
{
    (void)state;
    static const struct {
        long x, n;
        double lo, hi;
    } cases[] = {
        {1, 1000000, 2.5317807663794211e-08, 5.5716306551722366e-06},
        {2, 1000000, 2.4220937031600363e-07, 7.2246687943803141e-06},
        {10, 1000000, 4.7953987775456027e-06, 1.8390278891238525e-05},
        {500000, 1000000, 0.49901951919531184, 0.50098048080468816},
        {1000000, 2000000, 0.49930679850754905, 0.50069320149245100},
        {1718746, 3079918, 0.55749442814130501, 0.55860400819528944},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct proportion p = stats_proportion(cases[i].x, cases[i].n, CI_EXACT);
        assert_close(p.lo, cases[i].lo, 1e-9);
        assert_close(p.hi, cases[i].hi, 1e-9);
    }
}

/* edge_small's time to response in days (README of the reference cases):
 * survfit(Surv(c(9,16,10,20,30,9,16,10,5), c(1,1,1,1,0,1,0,1,0)) ~ 1) */
static const double edge_t[] = {9, 16, 10, 20, 30, 9, 16, 10, 5};
static const int edge_e[] = {1, 1, 1, 1, 0, 1, 0, 1, 0};

static void test_km_matches_survfit(void **state)
{
    (void)state;
    struct km km;
    assert_int_equal(stats_km_fit(edge_t, edge_e, 9, &km), 0);
    assert_int_equal(km.n, 9);
    assert_int_equal(km.events, 6);
    assert_int_equal(km.ncurve, 6);
    static const struct km_row want[] = {
        {5, 9, 0, 1, 1, 0, 1, 1},
        {9, 8, 2, 0, 0.75, 0.2041241452319315, 0.5027018412940469, 1},
        {10, 6, 2, 0, 0.5, 0.3535533905932738, 0.2500488218628047, 0.9998047506785237},
        {16, 4, 1, 1, 0.375, 0.4564354645876384, 0.1532896017429521, 0.9173812078643856},
        {20, 2, 1, 0, 0.1875, 0.8416254115301731, 0.03602536776136185, 0.9758748399983301},
        {30, 1, 0, 1, 0.1875, 0.8416254115301731, 0.03602536776136185, 0.9758748399983301},
    };
    for (size_t i = 0; i < 6; i++) {
        assert_close(km.curve[i].time, want[i].time, 0);
        assert_int_equal(km.curve[i].n_risk, want[i].n_risk);
        assert_int_equal(km.curve[i].n_event, want[i].n_event);
        assert_int_equal(km.curve[i].n_censor, want[i].n_censor);
        assert_close(km.curve[i].surv, want[i].surv, 1e-14);
        assert_close(km.curve[i].std_err, want[i].std_err, 1e-13);
        assert_close(km.curve[i].lower, want[i].lower, 1e-13);
        assert_close(km.curve[i].upper, want[i].upper, 1e-13);
    }
    /* quantile(fit, 0.5): S sits at exactly 0.5 from day 10 to 16 -> (10 + 16) / 2 = 13;
     * the lower band reaches 0.5 at 10, the upper band never does */
    assert_close(km.median, 13, 0);
    assert_close(km.median_lo, 10, 0);
    assert_true(isnan(km.median_hi));
    /* at risk as summary(fit, times = t)$n.risk: all 9 before the first time, those still
     * followed at t (a time on a row counts its row), none after the last */
    static const double at_t[] = {0, 5, 6, 9, 9.5, 16, 29, 30, 31};
    static const long at_n[] = {9, 9, 8, 8, 6, 4, 1, 1, 0};
    for (size_t i = 0; i < 9; i++)
        assert_int_equal(stats_km_at_risk(&km, at_t[i]), at_n[i]);
    stats_km_fini(&km);
    struct km none = {0};
    assert_int_equal(stats_km_at_risk(&none, 0), 0);
}

/* Times that are not integers take the sorting path: halved times give the same curve with
 * halved times and median. */
static void test_km_non_integer_times(void **state)
{
    (void)state;
    double half[9];
    for (int i = 0; i < 9; i++)
        half[i] = edge_t[i] / 2 + 0.25;
    struct km km;
    assert_int_equal(stats_km_fit(half, edge_e, 9, &km), 0);
    assert_int_equal(km.ncurve, 6);
    assert_close(km.curve[2].time, 5.25, 0);
    assert_close(km.curve[3].surv, 0.375, 1e-15);
    assert_close(km.curve[3].std_err, 0.4564354645876384, 1e-13);
    assert_close(km.median, 6.75, 1e-15);
    stats_km_fini(&km);
    /* and the log-rank statistic does not change with the time scale */
    const int clin[] = {0, 0, 1, 1, 0, 0, 0, 1, 1};
    double chisq, df, p;
    const char *why;
    assert_int_equal(stats_logrank(half, edge_e, clin, 9, 2, &chisq, &df, &p, &why), 0);
    assert_close(chisq, 0.20172910662824212, 1e-12);
}

/* survival's own tests/quantile.R, test1 without its NA row:
 * fit <- survfit(Surv(c(9,1,1,6,6,8,10), c(1,1,0,1,1,0,0)) ~ 1)
 * quantile(fit, 1 - qq), qq = c(13/14, 6/7, 2/3, .5, 9/35, .1):
 * quantile c(1, 3.5, 6, 9, 9.5, NA), lower c(1, 1, 1, 6, 6, 9), upper all NA */
static void test_km_quantiles_match_survival_tests(void **state)
{
    (void)state;
    const double t[] = {9, 1, 1, 6, 6, 8, 10};
    const int e[] = {1, 1, 0, 1, 1, 0, 0};
    const double qq[] = {13.0 / 14, 6.0 / 7, 2.0 / 3, .5, 9.0 / 35, .1};
    const double want_q[] = {1, 3.5, 6, 9, 9.5, NAN}, want_lo[] = {1, 1, 1, 6, 6, 9};
    struct km km;
    assert_int_equal(stats_km_fit(t, e, 7, &km), 0);
    for (int i = 0; i < 6; i++) {
        double q, lo, hi;
        assert_int_equal(stats_km_quantile(&km, 1 - qq[i], &q, &lo, &hi), 0);
        if (isnan(want_q[i]))
            assert_true(isnan(q));
        else
            assert_close(q, want_q[i], 1e-12);
        assert_close(lo, want_lo[i], 1e-12);
        assert_true(isnan(hi));
    }
    stats_km_fini(&km);
}

static void test_km_edge_cases(void **state)
{
    (void)state;
    struct km km;
    /* no subject: n 0, events 0, median null, curve [] */
    assert_int_equal(stats_km_fit(NULL, NULL, 0, &km), 0);
    assert_int_equal(km.n, 0);
    assert_int_equal(km.ncurve, 0);
    assert_true(isnan(km.median) && isnan(km.median_lo) && isnan(km.median_hi));
    stats_km_fini(&km);
    /* no event: S stays 1, median never reached */
    const double t[] = {3, 5, 5};
    const int none[] = {0, 0, 0};
    assert_int_equal(stats_km_fit(t, none, 3, &km), 0);
    assert_int_equal(km.events, 0);
    assert_int_equal(km.ncurve, 2);
    assert_close(km.curve[1].surv, 1, 0);
    assert_close(km.curve[1].std_err, 0, 0);
    assert_true(isnan(km.median));
    stats_km_fini(&km);
    /* everyone has the event: S reaches 0, std_err and limits null from there */
    const int all[] = {1, 1, 1};
    assert_int_equal(stats_km_fit(t, all, 3, &km), 0);
    assert_close(km.curve[0].surv, 2.0 / 3, 1e-15);
    assert_close(km.curve[1].surv, 0, 0);
    assert_true(isnan(km.curve[1].std_err) && isnan(km.curve[1].lower) && isnan(km.curve[1].upper));
    assert_close(km.median, 5, 0);
    stats_km_fini(&km);
    /* a cohort of one, with its event at 7: S = 0 at 7, median 7 */
    const double one_t[] = {7};
    const int one_e[] = {1};
    assert_int_equal(stats_km_fit(one_t, one_e, 1, &km), 0);
    assert_close(km.median, 7, 0);
    stats_km_fini(&km);
    /* ties: an event and a censoring at one time -> the event first (n.risk counts both) */
    const double tt[] = {4, 4, 6};
    const int te[] = {0, 1, 1};
    assert_int_equal(stats_km_fit(tt, te, 3, &km), 0);
    assert_int_equal(km.curve[0].n_risk, 3);
    assert_int_equal(km.curve[0].n_event, 1);
    assert_int_equal(km.curve[0].n_censor, 1);
    assert_close(km.curve[0].surv, 2.0 / 3, 1e-15);
    stats_km_fini(&km);
}

/* survdiff(Surv(time, status) ~ x, data = survival::aml): chisq 3.3963886990,
 * p 0.0653393220 (DEPENDENCIES.md) */
static void test_logrank_matches_survdiff_aml(void **state)
{
    (void)state;
    const double t[] = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5,
                        5, 8,  8,  12, 16, 23, 27, 30, 33, 43, 45};
    const int e[] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
    int g[23];
    for (int i = 0; i < 23; i++)
        g[i] = i < 11 ? 0 : 1;
    double chisq, df, p;
    const char *why;
    assert_int_equal(stats_logrank(t, e, g, 23, 2, &chisq, &df, &p, &why), 0);
    assert_close(chisq, 3.3963886990, 1e-10);
    assert_close(df, 1, 0);
    assert_close(p, 0.0653393220, 1e-9);
    /* one group: not testable */
    assert_int_equal(stats_logrank(t, e, g, 11, 1, &chisq, &df, &p, &why), 0);
    assert_true(isnan(chisq) && isnan(df) && isnan(p));
}

/* edge_small's log-rank tests by site and clinician (expected.json: survdiff(..., rho = 0)) */
static void test_logrank_matches_edge_small(void **state)
{
    (void)state;
    /* episodes in README order: D1 D2 D5 D6 D7#1 D7#2 D8 D9 D10 */
    const int site[] = {0, 0, 1, 0, 0, 0, 1, 1, 0}; /* east 0, west 1 */
    const int clin[] = {0, 0, 1, 1, 0, 0, 0, 1, 1}; /* k1 0, k2 1 */
    const double t[] = {9, 16, 10, 20, 30, 9, 16, 10, 5};
    const int e[] = {1, 1, 1, 1, 0, 1, 0, 1, 0};
    double chisq, df, p;
    const char *why;
    assert_int_equal(stats_logrank(t, e, site, 9, 2, &chisq, &df, &p, &why), 0);
    assert_close(chisq, 0, 1e-12);
    assert_close(p, 1, 1e-12);
    assert_int_equal(stats_logrank(t, e, clin, 9, 2, &chisq, &df, &p, &why), 0);
    assert_close(chisq, 0.20172910662824212, 1e-12);
    assert_close(p, 0.6533287661272192, 1e-12);
}

/* Where R's survdiff stops, ours is null with a reason (issue 11: a 4-row export, two sites,
 * one patient each, both responding on day 14, aborted in GSL's LU):
 *   survdiff(Surv(c(14, 14), c(1, 1)) ~ factor(c("north", "south")))
 *   Error in solve.default(vv, temp2): Lapack routine dgesv: system is exactly singular
 * and likewise with 3 to 6 groups; survdiff(Surv(c(14, 15), c(1, 1)) ~ factor(c("A", "A"))):
 * "There is only 1 group" (here: groups declared but without subjects do not count). */
static void test_logrank_null_where_survdiff_stops(void **state)
{
    (void)state;
    double chisq, df, p;
    const char *why;
    const double t2[] = {14, 14}, t6[] = {5, 5, 5, 5, 5, 5};
    const int e2[] = {1, 1}, g2[] = {0, 1}, e6[] = {1, 1, 1, 1, 1, 1}, g6[] = {0, 1, 2, 3, 4, 5};
    assert_int_equal(stats_logrank(t2, e2, g2, 2, 2, &chisq, &df, &p, &why), 0);
    assert_true(isnan(chisq) && isnan(df) && isnan(p));
    assert_string_equal(why, "singular variance: all at risk had the event at once");
    assert_int_equal(stats_logrank(t6, e6, g6, 6, 6, &chisq, &df, &p, &why), 0);
    assert_true(isnan(chisq) && isnan(df) && isnan(p) && why && strstr(why, "singular"));
    /* three groups declared, subjects in one: "There is only 1 group" */
    const double t1[] = {14, 15};
    const int g1[] = {2, 2};
    assert_int_equal(stats_logrank(t1, e2, g1, 2, 3, &chisq, &df, &p, &why), 0);
    assert_true(isnan(chisq) && isnan(df) && isnan(p));
    assert_string_equal(why, "fewer than two groups");
    /* a testable case has no reason */
    const double ta[] = {5, 5, 6, 6};
    const int ea[] = {1, 1, 1, 1}, ga[] = {0, 1, 0, 1};
    assert_int_equal(stats_logrank(ta, ea, ga, 4, 2, &chisq, &df, &p, &why), 0);
    assert_null(why);
    assert_close(chisq, 0, 1e-15); /* survdiff(...): chisq 0 on 1 df, p 1 */
    assert_close(df, 1, 0);
    assert_close(p, 1, 1e-15);
}

/* Fewer than two groups with expected > 0: R answers chisq 0 with df = sum(exp > 0) - 1 and
 * pchisq(0, df, lower.tail = FALSE): 1 on 0 df, NaN on -1 df. Ours keeps chisq and df and
 * gives p null with a reason (a chi-square on no degree of freedom tests nothing):
 *   survdiff(Surv(c(1, 2, 3, 0.5), c(1, 1, 0, 0)) ~ factor(c("A", "A", "A", "B"))): 0, 0, 1
 *   survdiff(Surv(c(14, 15), c(0, 0)) ~ factor(c("A", "B"))): 0, -1, NaN */
static void test_logrank_df_below_one(void **state)
{
    (void)state;
    double chisq, df, p;
    const char *why;
    const double t[] = {1, 2, 3, 0.5}, tn[] = {14, 15};
    const int e[] = {1, 1, 0, 0}, g[] = {0, 0, 0, 1}, en[] = {0, 0}, gn[] = {0, 1};
    assert_int_equal(stats_logrank(t, e, g, 4, 2, &chisq, &df, &p, &why), 0);
    assert_close(chisq, 0, 0);
    assert_close(df, 0, 0);
    assert_true(isnan(p));
    assert_string_equal(why, "events expected in one group only");
    assert_int_equal(stats_logrank(tn, en, gn, 2, 2, &chisq, &df, &p, &why), 0);
    assert_close(chisq, 0, 0);
    assert_close(df, -1, 0);
    assert_true(isnan(p));
    assert_string_equal(why, "no events");
}

/* More than STATS_LOGRANK_MAX_GROUPS groups with subjects: not computed (R would solve a
 * dense system); exactly the limit still is. Groups without subjects do not count, so 10,000
 * declared values with 3 present are tested as 3 groups (no 10,000 x 10,000 matrix). */
static void test_logrank_group_limit(void **state)
{
    (void)state;
    enum { G = STATS_LOGRANK_MAX_GROUPS + 1 };
    double t[2 * G], chisq, df, p;
    int e[2 * G], g[2 * G];
    const char *why;
    for (int i = 0; i < 2 * G; i++) {
        t[i] = 1 + i % 7;
        e[i] = i % 3 != 0;
        g[i] = i % G;
    }
    assert_int_equal(stats_logrank(t, e, g, 2 * G, G, &chisq, &df, &p, &why), 0);
    assert_true(isnan(chisq) && isnan(df) && isnan(p));
    assert_string_equal(why, "more than 100 groups");
    for (int i = 0; i < 2 * G; i++)
        g[i] = i % (G - 1);
    assert_int_equal(stats_logrank(t, e, g, 2 * G, G - 1, &chisq, &df, &p, &why), 0);
    assert_null(why);
    assert_true(isfinite(chisq) && isfinite(p));
    /* the aml test with its two groups numbered 0 and 9999 of 10,000 */
    const double ta[] = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5,
                         5, 8,  8,  12, 16, 23, 27, 30, 33, 43, 45};
    const int ea[] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
    int ga[23];
    for (int i = 0; i < 23; i++)
        ga[i] = i < 11 ? 0 : 9999;
    assert_int_equal(stats_logrank(ta, ea, ga, 23, 10000, &chisq, &df, &p, &why), 0);
    assert_close(chisq, 3.3963886990, 1e-10);
    assert_close(df, 1, 0);
}

static void test_quantile_type7(void **state)
{
    (void)state;
    /* quantile(c(1, 2, 3, 4), c(0, .25, .5, .75, 1)) = 1, 1.75, 2.5, 3.25, 4 */
    const double x[] = {1, 2, 3, 4};
    assert_close(stats_quantile_sorted(x, 4, 0), 1, 0);
    assert_close(stats_quantile_sorted(x, 4, 0.25), 1.75, 1e-15);
    assert_close(stats_quantile_sorted(x, 4, 0.5), 2.5, 1e-15);
    assert_close(stats_quantile_sorted(x, 4, 0.75), 3.25, 1e-15);
    assert_close(stats_quantile_sorted(x, 4, 1), 4, 0);
    assert_true(isnan(stats_quantile_sorted(x, 0, 0.5)));
}

static void test_pchart_limits_runs_and_gaps(void **state)
{
    (void)state;
    struct pchart_point p[12];
    memset(p, 0, sizeof p);
    /* 12 months of 10 episodes; months 2-7 above the centre (a run of 6), month 9 empty */
    const long ev[12] = {2, 6, 6, 6, 6, 6, 6, 2, 2, 0, 2, 10};
    for (int k = 0; k < 12; k++) {
        p[k].n = k == 9 ? 0 : 10;
        p[k].events = ev[k];
    }
    stats_pchart(p, 12);
    double centre = 54.0 / 110.0;
    double half = 3 * sqrt(centre * (1 - centre) / 10);
    assert_close(p[0].centre, centre, 1e-15);
    assert_close(p[0].lower, centre - half, 1e-15);
    assert_close(p[0].upper, centre + half, 1e-15);
    assert_true(isnan(p[9].rate) && isnan(p[9].lower) && isnan(p[9].upper));
    assert_false(p[0].signal);
    for (int k = 1; k <= 6; k++)
        assert_true(p[k].signal); /* a run of 6 above */
    /* months 7, 8 and 10 below (9 is empty: neither breaks nor extends): only 3 */
    assert_false(p[7].signal);
    assert_false(p[8].signal);
    assert_false(p[10].signal);
    assert_true(p[11].signal); /* 1.0 is above its upper limit */
    /* a month exactly on the centre breaks a run: 3 above, one on the centre (1/6), 3 above,
     * 5 below -> no run of 6 and no month outside its limits */
    struct pchart_point q[12];
    memset(q, 0, sizeof q);
    for (int k = 0; k < 12; k++) {
        q[k].n = k < 7 && k != 3 ? 1 : 6;
        q[k].events = k < 7 && k != 3 ? 1 : k == 3 ? 1 : 0;
    }
    stats_pchart(q, 12);
    assert_true(q[3].rate == q[3].centre);
    assert_close(q[0].upper, 1, 0); /* clipped to 1 */
    assert_close(q[7].lower, 0, 0); /* clipped to 0 */
    for (int k = 0; k < 12; k++)
        assert_false(q[k].signal);
    q[3].events = 2; /* now above the centre too: a run of 7 */
    stats_pchart(q, 12);
    for (int k = 0; k < 7; k++)
        assert_true(q[k].signal);
    /* no data at all: centre null, no signal */
    struct pchart_point z[12];
    memset(z, 0, sizeof z);
    stats_pchart(z, 12);
    assert_true(isnan(z[0].centre));
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proportion_wilson_matches_prop_test),
        cmocka_unit_test(test_proportion_exact_matches_binom_test),
        cmocka_unit_test(test_proportion_exact_large_n),
        cmocka_unit_test(test_prop_diff_matches_prop_test),
        cmocka_unit_test(test_km_matches_survfit),
        cmocka_unit_test(test_km_non_integer_times),
        cmocka_unit_test(test_km_quantiles_match_survival_tests),
        cmocka_unit_test(test_km_edge_cases),
        cmocka_unit_test(test_logrank_matches_survdiff_aml),
        cmocka_unit_test(test_logrank_matches_edge_small),
        cmocka_unit_test(test_logrank_null_where_survdiff_stops),
        cmocka_unit_test(test_logrank_df_below_one),
        cmocka_unit_test(test_logrank_group_limit),
        cmocka_unit_test(test_quantile_type7),
        cmocka_unit_test(test_pchart_limits_runs_and_gaps),
    };
    apply_test_filter();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
