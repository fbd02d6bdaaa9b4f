/* stats.h: the estimators, each following R exactly (SPEC section 3). Pure functions over plain
 * arrays; nothing here knows about episodes. "null" results are NaN (never a sentinel number).
 *
 * Ownership: stats_km_fit fills a struct km whose curve the caller releases with stats_km_fini
 * (which accepts a zeroed struct). Everything else returns values. */
#ifndef OUTCOMES_STATS_H
#define OUTCOMES_STATS_H

#include <stddef.h>

#include "outcomes/diag.h"

/* Turns GSL's aborting error handler off for the whole process; every entry point (the CLI's
 * main, each test and fuzz target) calls it first. Every GSL call below checks its own status. */
void stats_init(void);

/* A proportion with its 95 % interval. rate and ci are NaN when n = 0. */
struct proportion {
    long events, n;
    double rate, lo, hi;
};

enum ci_method { CI_WILSON, CI_EXACT };

/* x of n with a 95 % interval: Wilson as R prop.test(x, n, correct = FALSE)$conf.int, or
 * Clopper-Pearson as R binom.test(x, n)$conf.int. Requires 0 <= x <= n. */
struct proportion stats_proportion(long x, long n, enum ci_method method);

/* p1 - p2 of two independent proportions with its 95 % interval and the test of equality, as
 * R prop.test(c(x1, x2), c(n1, n2), correct = FALSE): $estimate difference, $conf.int,
 * $p.value. All NaN when n1 or n2 is 0 (R stops); p NaN when both groups are all successes or
 * all failures (R's statistic is NaN). */
struct prop_diff {
    double estimate, lo, hi, p;
};
struct prop_diff stats_prop_diff(long x1, long n1, long x2, long n2);

/* One row of a Kaplan-Meier curve: one per distinct time (event or censoring), as R's
 * summary(survfit(...), censored = TRUE). std_err is fit$std.err (of the cumulative hazard);
 * std_err, lower and upper are NaN where surv = 0. */
struct km_row {
    double time;
    long n_risk, n_event, n_censor;
    double surv, std_err, lower, upper;
};

struct km {
    long n, events;
    double median, median_lo, median_hi; /* NaN = not reached */
    struct km_row *curve;
    size_t ncurve;
};

/* Kaplan-Meier as R survfit(Surv(time, event) ~ 1): Greenwood variance, log-transformed 95 %
 * limits (upper capped at 1), ties: events before censorings; median and its limits as R
 * quantile.survfit (tolerance sqrt(DBL_EPSILON)). event[i] is 1 for an event, 0 censored.
 * Returns 0, or -1 when out of memory. */
int stats_km_fit(const double *time, const int *event, size_t n, struct km *out);
void stats_km_fini(struct km *km);
/* The p-quantile (0 < p <= 1) of the time distribution and its limits, by the same rule as the
 * median (quantile.survfit with probs = p). Returns 0, or -1 when out of memory. */
int stats_km_quantile(const struct km *km, double p, double *q, double *lo, double *hi);
/* The number at risk at time t, as R's summary(fit, times = t)$n.risk: those whose time is t
 * or later, the n_risk of the first curve row at or after t (n before the first row, 0 after
 * the last). */
long stats_km_at_risk(const struct km *km, double t);

/* Above this many groups (values with at least one subject) the log-rank test is not computed:
 * it would mean nothing to a reader, and its variance matrix is dense. */
#define STATS_LOGRANK_MAX_GROUPS 100

/* Log-rank test as R survdiff(Surv(time, event) ~ group, rho = 0): chisq, df (groups with
 * expected > 0, minus 1), p. group[i] in 0..ngroups-1; groups without subjects do not count.
 * Where the test cannot be computed, *reason (else NULL) says why in a few words (static text):
 *  - fewer than two groups (R stops: "There is only 1 group") or more than
 *    STATS_LOGRANK_MAX_GROUPS: chisq, df and p NaN;
 *  - a singular variance matrix (R's solve() stops: exactly or computationally singular, i.e.
 *    reciprocal condition number below DBL_EPSILON): chisq, df and p NaN;
 *  - fewer than two groups with expected > 0 (no events, or events expected in one group
 *    only): chisq 0 and df as R (-1 or 0), p NaN (R's pchisq gives NaN or 1: no test).
 * Returns 0, or -1 when out of memory. */
int stats_logrank(const double *time, const int *event, const int *group, size_t n, int ngroups,
                  double *chisq, double *df, double *p, const char **reason);

/* Sample quantile of sorted x[0..n) as R quantile(x, prob, type = 7); NaN when n = 0. */
double stats_quantile_sorted(const double *x, size_t n, double prob);

/* One month of a p-chart. */
struct pchart_point {
    long n, events;
    double rate, centre, lower, upper; /* NaN where undefined */
    int signal;
};

/* p-chart over nmonths points (n and events filled by the caller): centre = sum x / sum n,
 * limits p +- 3 sqrt(p(1-p)/n) clipped to [0, 1]; a month signals outside its limits or in a
 * run of 6 or more plotted months strictly on one side of the centre (n = 0 months neither
 * break nor extend a run; a month on the centre breaks it). */
void stats_pchart(struct pchart_point *pts, size_t nmonths);

/* A logistic regression fitted as R glm(y ~ x, family = binomial) (stats::glm.fit with
 * glm.control() defaults; src/stats/glm.c says how). coef[j] is NaN (R's NA) for an aliased
 * column (aliased[j] = 1: the limited-pivoting QR of glm.fit found it collinear with the ones
 * before it); fitted[i] the fitted probability. error (static text) is set where R stops with an
 * error or ends the loop on non-finite coefficients: no usable fit. separation: a fitted value
 * within 10 DBL_EPSILON of 0 or 1 (R warns "fitted probabilities numerically 0 or 1 occurred"). */
struct glm_fit {
    size_t p;
    double *coef;           /* p (owned) */
    unsigned char *aliased; /* p (owned) */
    double *fitted;         /* n (owned) */
    int converged, iterations, rank, boundary, separation;
    double deviance;
    const char *error;
};

/* x: n rows by p columns, row-major (an intercept is a column of ones, as in R's model
 * matrix); y: 0 or 1. Returns 0 (out filled, to be released with stats_glm_fini), or -1 when
 * out of memory. */
int stats_glm_logit(const double *x, const double *y, size_t n, size_t p, struct glm_fit *out);
/* The same fit with row i standing for cnt[i] identical observations (same x and y): R's
 * unweighted fit of the expanded data, at the cost of the distinct rows; fitted[i] is each of
 * those observations' value. */
int stats_glm_logit_grouped(const double *x, const double *y, const double *cnt, size_t n, size_t p,
                            struct glm_fit *out);
void stats_glm_fini(struct glm_fit *f);

/* Funnel plot limits (SPEC 11; Spiegelhalter 2005): p +- z sqrt(p (1 - p) / n), clipped to
 * [0, 1], z = 1.959964 (95 %) and 3.090232 (99.8 %). */
#define FUNNEL_Z95 1.959964
#define FUNNEL_Z998 3.090232
enum funnel_flag {
    FUNNEL_INSIDE,
    FUNNEL_ABOVE_95,
    FUNNEL_ABOVE_998,
    FUNNEL_BELOW_95,
    FUNNEL_BELOW_998
};
/* "inside", "above_95", "above_99.8", "below_95", "below_99.8" */
const char *stats_funnel_flag_name(int flag);
struct funnel_limits {
    double lo95, hi95, lo998, hi998; /* NaN when n <= 0 or the centre is NaN */
};
struct funnel_limits stats_funnel_limits(double centre, double n);
/* A unit's flag: above or below a limit when strictly beyond it before clipping (an adjusted
 * rate can exceed 1); inside when rate or n is not defined. */
int stats_funnel_flag(double centre, double n, double rate);
/* One unit of a funnel (a clinician, a site): n and x given; rate, limits and flag filled. */
struct funnel_unit {
    double n, x;              /* denominator and events */
    double rate;              /* x / n (or, for stats_funnel_classify, given by the caller) */
    struct funnel_limits lim; /* at this unit's n */
    int flag;                 /* enum funnel_flag */
};
/* Limits and flags of units whose rate the caller has set, around centre. */
void stats_funnel_classify(double centre, struct funnel_unit *u, size_t nunits);
/* The unadjusted funnel: rate = x / n (NaN when n = 0), centre = sum x / sum n (returned; NaN
 * when sum n = 0), limits and flags. */
double stats_funnel_unadjusted(struct funnel_unit *u, size_t nunits);

#endif
