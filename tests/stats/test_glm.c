/* test_glm.c: stats_glm_logit against R glm(..., family = binomial) and the funnel limits.
 * Every reference value below was printed by tests/stats/glm_cases.R (R 4.2.2: set.seed(16),
 * then glm(y ~ b [+ route + drug], family = binomial) on the data shown; sprintf("%.17g")),
 * the design matrix being R's own model.matrix(fit). Tolerance 1e-6 as SPEC 11 asks; the fits
 * agree far closer (same algorithm, same QR). */
/* clang-format off: cmocka.h needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "outcomes/stats.h"
#include "support.h"

/* plain: glm(y ~ b, family = binomial) */
static const double plain_x[] = {1,  10, 1,  24, 1,  20, 1,  17, 1,  23, 1,  26, 1,  19, 1,
                                 12, 1,  15, 1,  18, 1,  22, 1,  17, 1,  23, 1,  17, 1,  20,
                                 1,  17, 1,  23, 1,  26, 1,  20, 1,  24, 1,  25, 1,  15, 1,
                                 15, 1,  20, 1,  22, 1,  16, 1,  18, 1,  27, 1,  27, 1,  10};
static const double plain_y[] = {1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
static const double plain_coef[] = {3.2187634649113832, -0.22745126410898428};
static const double plain_fitted[] = {
    0.71995750376959911,  0.096209726656703826, 0.2091160608647856,  0.34346111384796318,
    0.11788471407593708,  0.063270853564473026, 0.24921365188721459, 0.61995289542915888,
    0.45189785476713873,  0.29414037040202701,  0.14366661272197442, 0.34346111384796318,
    0.11788471407593708,  0.34346111384796318,  0.2091160608647856,  0.34346111384796318,
    0.11788471407593708,  0.063270853564473026, 0.2091160608647856,  0.096209726656703826,
    0.0781668831060017,   0.45189785476713873,  0.45189785476713873, 0.2091160608647856,
    0.14366661272197442,  0.39640745644771552,  0.29414037040202701, 0.051056293207053384,
    0.051056293207053384, 0.71995750376959911};
/* converged TRUE, iter 4, rank 2, deviance 29.356766840153234, sum(fitted) 8.0000000128939739 */
/* adjusted: glm(y ~ b + route + drug, family = binomial) */
static const double adjusted_x[] = {
    1, 20, 0, 1, 1, 1, 12, 0, 1, 0, 1, 26, 0, 0, 0, 1, 14, 1, 0, 0, 1, 10, 0, 1, 1, 1, 21, 0, 1, 1,
    1, 12, 1, 0, 1, 1, 16, 0, 0, 0, 1, 27, 1, 0, 1, 1, 23, 1, 0, 0, 1, 18, 1, 0, 0, 1, 19, 1, 0, 1,
    1, 13, 1, 0, 0, 1, 19, 0, 0, 0, 1, 11, 0, 0, 0, 1, 23, 1, 0, 1, 1, 10, 0, 1, 0, 1, 16, 1, 0, 0,
    1, 27, 0, 1, 1, 1, 22, 0, 0, 1, 1, 23, 1, 0, 0, 1, 24, 1, 0, 1, 1, 19, 1, 0, 0, 1, 21, 1, 0, 1,
    1, 10, 0, 0, 0, 1, 16, 0, 1, 0, 1, 12, 0, 1, 1, 1, 21, 1, 0, 0, 1, 20, 0, 0, 0, 1, 26, 0, 1, 1,
    1, 11, 0, 1, 1, 1, 18, 1, 0, 1, 1, 18, 0, 1, 0, 1, 27, 1, 0, 0, 1, 13, 1, 0, 0, 1, 13, 1, 0, 1,
    1, 25, 0, 0, 1, 1, 19, 1, 0, 0, 1, 11, 1, 0, 0, 1, 15, 0, 1, 1};
static const double adjusted_y[] = {1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0,
                                    0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1};
static const double adjusted_coef[] = {1.7875612388076079, -0.16018395099155466, 1.0071210134582125,
                                       0.86715822940441012, -0.71328087325527134};
static const double adjusted_fitted[] = {
    0.2205884566658613,   0.67535628379880253,  0.084926245596705599, 0.63462427852829184,
    0.58409313261270224,  0.19428179926460959,  0.53971465407241492,  0.31531602813349779,
    0.095905956162290432, 0.29120298509126047,  0.47785727610514828,  0.276459199176809,
    0.67090716486621294,  0.22167465483343468,  0.50638409751484903,  0.16758652551190539,
    0.74132754662426226,  0.55767687150610923,  0.084437417509075033, 0.079455622149190788,
    0.29120298509126047,  0.14641332869654014,  0.43811572695432094,  0.2171314975323371,
    0.54629743224713001,  0.52292797204815222,  0.50480764759437746,  0.36142589125216795,
    0.1952709145786955,   0.097673677444651941, 0.54473385007030817,  0.30961715549625529,
    0.44309964534182367,  0.17795207489806134,  0.67090716486621294,  0.4997525040502982,
    0.050675005010865935, 0.43811572695432094,  0.73743103320256587,  0.38667257104702185};
/* converged TRUE, iter 4, rank 5, deviance 45.224370099395706, sum(fitted) 15.000000000100801 */
/* separated: glm(y ~ b, family = binomial) */
static const double separated_x[] = {1, 10, 1, 12, 1, 14, 1, 15, 1, 16,
                                     1, 18, 1, 20, 1, 22, 1, 24, 1, 26};
static const double separated_y[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
static const double separated_coef[] = {-382.94238583562623, 22.527412877303536};
static const double separated_fitted[] = {
    2.2204460492503126e-16, 2.2204460492503126e-16, 2.2204460492503126e-16, 2.2204460492503126e-16,
    1.6855149594018697e-10, 0.99999999983922994,    0.99999999999999978,    0.99999999999999978,
    0.99999999999999978,    0.99999999999999978};
/* converged FALSE, iter 25, rank 2, deviance 6.5864691473197508e-10, sum(fitted) 5.0000000000077813
 */
/* all_responders: glm(y ~ b, family = binomial) */
static const double all_responders_x[] = {1, 10, 1, 12, 1, 14, 1, 15, 1, 16,
                                          1, 18, 1, 20, 1, 22, 1, 24, 1, 26};
static const double all_responders_y[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
static const double all_responders_coef[] = {24.566069711654517, -1.4421898130114701e-10};
static const double all_responders_fitted[] = {
    0.99999999997856659, 0.99999999997856659, 0.99999999997856659, 0.99999999997856659,
    0.99999999997856659, 0.99999999997856659, 0.99999999997856659, 0.99999999997856659,
    0.99999999997856659, 0.99999999997856659};
/* converged TRUE, iter 23, rank 2, deviance 4.2867043247947449e-10, sum(fitted) 9.9999999997856666
 */
/* quasi: glm(y ~ b, family = binomial) */
static const double quasi_x[] = {1, 10, 1, 12, 1, 14, 1, 15, 1, 16,
                                 1, 18, 1, 20, 1, 22, 1, 24, 1, 26};
static const double quasi_y[] = {0, 0, 0, 1, 0, 1, 1, 1, 1, 1};
static const double quasi_coef[] = {-15.822885365454075, 1.0095906311565872};
static const double quasi_fitted[] = {
    0.003246328339463219, 0.023944102824003628, 0.15595786664025355, 0.33647874671060052,
    0.58189677874473589,  0.91291403580130326,  0.98749357227692258, 0.99832138887964428,
    0.99977681577164412,  0.99997036340615497};
/* converged TRUE, iter 7, rank 2, deviance 4.5278376834000298, sum(fitted) 5.9999999993947259 */
/* constant: glm(y ~ b, family = binomial) */
static const double constant_x[] = {1, 15, 1, 15, 1, 15, 1, 15, 1, 15,
                                    1, 15, 1, 15, 1, 15, 1, 15, 1, 15};
static const double constant_y[] = {0, 0, 0, 1, 1, 0, 1, 0, 1, 1};
static const double constant_coef[] = {-0, NAN};
static const double constant_fitted[] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
/* converged TRUE, iter 2, rank 1, deviance 13.862943611198906, sum(fitted) 5 */

struct glm_case {
    const char *name;
    const double *x, *y, *coef, *fitted;
    size_t n, p;
    int converged, iter, rank, separation;
    double deviance;
};

#define CASE(nm, p_, conv, it, rk, sep, dev)                                                       \
    {                                                                                              \
#nm, nm##_x, nm##_y, nm##_coef, nm##_fitted, sizeof nm##_y / sizeof *nm##_y, p_, conv, it, \
            rk, sep, dev                                                                           \
    }

static const struct glm_case cases[] = {
    CASE(plain, 2, 1, 4, 2, 0, 29.356766840153234),
    CASE(adjusted, 5, 1, 4, 5, 0, 45.224370099395706),
    CASE(separated, 2, 0, 25, 2, 1, 6.5864691473197508e-10),
    CASE(all_responders, 2, 1, 23, 2, 0, 4.2867043247947449e-10),
    CASE(quasi, 2, 1, 7, 2, 0, 4.5278376834000298),
    CASE(constant, 2, 1, 2, 1, 0, 13.862943611198906),
};

static void test_glm_matches_r(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const struct glm_case *k = &cases[c];
        struct glm_fit f;
        assert_int_equal(stats_glm_logit(k->x, k->y, k->n, k->p, &f), 0);
        print_message("%s: converged %d iterations %d rank %d\n", k->name, f.converged,
                      f.iterations, f.rank);
        assert_null(f.error);
        assert_int_equal(f.converged, k->converged);
        assert_int_equal(f.iterations, k->iter);
        assert_int_equal(f.rank, k->rank);
        assert_int_equal(f.separation, k->separation);
        assert_close(f.deviance, k->deviance, 1e-6);
        for (size_t j = 0; j < k->p; j++) {
            if (isnan(k->coef[j])) {
                assert_true(isnan(f.coef[j]) && f.aliased[j]);
                continue;
            }
            assert_false(f.aliased[j]);
            assert_close(f.coef[j], k->coef[j], 1e-6);
        }
        for (size_t i = 0; i < k->n; i++)
            assert_close(f.fitted[i], k->fitted[i], 1e-6);
        stats_glm_fini(&f);
    }
}

/* The expected counts: sum(fitted(fit)) as R gives it (the comment line of each case). */
static void test_glm_expected_counts(void **state)
{
    (void)state;
    static const double sums[] = {8.0000000128939739, 15.000000000100801, 5.0000000000077813,
                                  9.9999999997856666, 5.9999999993947259, 5};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const struct glm_case *k = &cases[c];
        struct glm_fit f;
        assert_int_equal(stats_glm_logit(k->x, k->y, k->n, k->p, &f), 0);
        double sum = 0;
        for (size_t i = 0; i < k->n; i++)
            sum += f.fitted[i];
        assert_close(sum, sums[c], 1e-6);
        stats_glm_fini(&f);
    }
}

/* No observation, and the empty model (no column: eta = 0, as R's glm(y ~ 0)). */
static void test_glm_degenerate(void **state)
{
    (void)state;
    struct glm_fit f;
    assert_int_equal(stats_glm_logit(NULL, NULL, 0, 1, &f), 0);
    assert_non_null(f.error);
    assert_false(f.converged);
    stats_glm_fini(&f);
    static const double y[3] = {0, 1, 1};
    assert_int_equal(stats_glm_logit(NULL, y, 3, 0, &f), 0);
    assert_null(f.error);
    assert_true(f.converged);
    assert_int_equal(f.iterations, 0);
    assert_close(f.fitted[0], 0.5, 1e-15);
    /* glm(c(0,1,1) ~ 0, family = binomial)$deviance = 6 log 2 */
    assert_close(f.deviance, 6 * log(2.0), 1e-12);
    stats_glm_fini(&f);
    stats_glm_fini(NULL);
}

/* An intercept-only model: the coefficient is the log odds of the mean, glm(y ~ 1):
 * qlogis(2/3) = 0.69314718055994529 (R 4.2.2). */
static void test_glm_intercept_only(void **state)
{
    (void)state;
    static const double x[3] = {1, 1, 1}, y[3] = {0, 1, 1};
    struct glm_fit f;
    assert_int_equal(stats_glm_logit(x, y, 3, 1, &f), 0);
    assert_true(f.converged);
    assert_close(f.coef[0], 0.69314718055994529, 1e-9);
    assert_close(f.fitted[2], 2.0 / 3, 1e-9);
    stats_glm_fini(&f);
}

/* Limits p +- z sqrt(p(1-p)/n) clipped to [0, 1]; R: 0.4 + c(-1, 1) * 1.959964 *
 * sqrt(0.4 * 0.6 / 25) = 0.2079635314 0.5920364686, with 3.090232: 0.0972203365 0.7027796635.
 * R (all_responders above) gives no warning when every y is 1: the fit "converges" with an
 * intercept of 24.6; the model code (src/model/funnel.c) does not use such a fit. */
static void test_funnel_limits_and_flags(void **state)
{
    (void)state;
    struct funnel_limits l = stats_funnel_limits(0.4, 25);
    assert_close(l.lo95, 0.2079635314, 1e-9);
    assert_close(l.hi95, 0.5920364686, 1e-9);
    assert_close(l.lo998, 0.0972203365, 1e-9);
    assert_close(l.hi998, 0.7027796635, 1e-9);
    l = stats_funnel_limits(0.4, 1); /* clipped */
    assert_true(l.lo95 == 0 && l.lo998 == 0 && l.hi998 == 1);
    assert_true(isnan(stats_funnel_limits(0.4, 0).lo95));
    assert_true(isnan(stats_funnel_limits(NAN, 5).hi95));
    assert_int_equal(stats_funnel_flag(0.4, 25, 0.75), FUNNEL_ABOVE_998);
    assert_int_equal(stats_funnel_flag(0.4, 25, 0.6), FUNNEL_ABOVE_95);
    assert_int_equal(stats_funnel_flag(0.4, 25, 0.4), FUNNEL_INSIDE);
    assert_int_equal(stats_funnel_flag(0.4, 25, 0.2), FUNNEL_BELOW_95);
    assert_int_equal(stats_funnel_flag(0.4, 25, 0.05), FUNNEL_BELOW_998);
    /* on the limit is inside; a rate of 0 on a lower limit clipped to 0 is not below it */
    assert_int_equal(stats_funnel_flag(0.4, 1, 0), FUNNEL_INSIDE);
    assert_int_equal(stats_funnel_flag(0.4, 25, NAN), FUNNEL_INSIDE);
    /* an adjusted rate above 1 (one responder, 0.45 expected, p 0.46: 1.02) is not beyond the
     * 99.8 % limit that clipping moved to 1 (unclipped 0.46 + 3.09 * 0.498 = 2.0) */
    assert_int_equal(stats_funnel_flag(0.46, 1, 1.02), FUNNEL_INSIDE);
    /* but beyond an unclipped limit it is: 0.5 + 3.090232 * sqrt(0.25 / 400) = 0.5773 */
    assert_int_equal(stats_funnel_flag(0.5, 400, 0.58), FUNNEL_ABOVE_998);
    /* p = 0 or 1: the limits are the centre, nothing is outside */
    assert_int_equal(stats_funnel_flag(1, 5, 1), FUNNEL_INSIDE);
    assert_string_equal(stats_funnel_flag_name(FUNNEL_ABOVE_998), "above_99.8");
    assert_string_equal(stats_funnel_flag_name(FUNNEL_BELOW_95), "below_95");
    assert_string_equal(stats_funnel_flag_name(9), "");
}

static void test_funnel_unadjusted(void **state)
{
    (void)state;
    struct funnel_unit u[3] = {{.n = 20, .x = 19}, {.n = 50, .x = 20}, {.n = 0, .x = 0}};
    double c = stats_funnel_unadjusted(u, 3);
    assert_close(c, 39.0 / 70, 1e-15);
    assert_close(u[0].rate, 0.95, 1e-15);
    assert_int_equal(u[0].flag, FUNNEL_ABOVE_998);
    /* R: p <- 39/70; p - 1.959964 * sqrt(p * (1 - p) / 50) = 0.4194605 > 0.4; p + 3.090232 *
     * sqrt(p * (1 - p) / 20) = 0.9003776 < 0.95 */
    assert_int_equal(u[1].flag, FUNNEL_BELOW_95);
    assert_true(isnan(u[2].rate));
    assert_int_equal(u[2].flag, FUNNEL_INSIDE);
    assert_true(isnan(stats_funnel_unadjusted(u + 2, 1)));
}

int main(void)
{
    stats_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glm_matches_r),           cmocka_unit_test(test_glm_expected_counts),
        cmocka_unit_test(test_glm_degenerate),          cmocka_unit_test(test_glm_intercept_only),
        cmocka_unit_test(test_funnel_limits_and_flags), cmocka_unit_test(test_funnel_unadjusted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
