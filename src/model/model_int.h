/* model_int.h: internals shared by the files of src/model. */
#ifndef OUTCOMES_MODEL_INT_H
#define OUTCOMES_MODEL_INT_H

#include "outcomes/model.h"

struct dated_score {
    int32_t date;
    int score;
};

/* Scratch arrays sized for the largest patient (rows). */
struct patient_scratch {
    int32_t *tdate; /* treatment dates */
    size_t *trow;   /* first treatment row of each date */
    struct dated_score *scores;
};

size_t model_usable_scores(const struct rows *r, size_t a, size_t b, int col,
                           struct dated_score *out);
/* Number of dates in t[0..n) (sorted, distinct) before d. */
int model_count_before(const int32_t *t, size_t n, int32_t d);
/* 2 (baseline - score) >= baseline. */
int model_responds(int baseline, int score);
/* Appends the episodes of the store's patient p, whose rows are [a, b), to *eps (a vec_reserve
 * array). */
int model_patient_episodes(const struct rows *r, size_t p, size_t a, size_t b,
                           const struct model_opts *o, int32_t as_of, struct patient_scratch *ps,
                           struct episode **eps, size_t *neps);
/* The durability fields of episode e (SPEC 12) from its treatment dates tdates[0..ntd) and the
 * patient's usable scores sc[0..ns); follow-up scores are those before fu_end. */
void model_episode_durability(struct episode *e, const int32_t *tdates, size_t ntd,
                              const struct dated_score *sc, size_t ns, int64_t fu_end,
                              const struct model_opts *o);
/* Durability, maintenance and induction over the cohort (a->durability). */
int model_durability(const struct rows *r, const size_t *pstart, struct analysis *a);
void model_durability_fini(struct durability *u);
/* Safety figures over the cohort's episodes. */
int model_safety(const struct rows *r, const size_t *pstart, const struct analysis *a,
                 struct safety *s);
void model_safety_fini(struct safety *s);
/* Vital signs, hold level, monitoring, item 9 follow-up and the review list (checks.c). */
int model_checks(const struct rows *r, const size_t *pstart, const struct analysis *a,
                 struct safety_checks *c);
void model_checks_fini(struct safety_checks *c);
/* The trajectory and waterfall figures of the report. */
int model_figures(const struct rows *r, const size_t *pstart, struct analysis *a);

/* The case-mix model and the clinicians' and sites' funnels (a->funnel). Returns 0 or -1. */
int model_funnel(const struct rows *r, struct analysis *a);
void model_funnel_fini(struct funnel *f);
/* The cohort of the months from..to (indices) and its rates, from a->episodes. */
void model_period_rates(const struct analysis *a, int from, int to, struct period_rates *pr);
/* a->comparison from a's period and rates. */
void model_comparisons(struct analysis *a);
/* a->benchmarks: the benchmarks of a's instrument beside the clinic's rates. Returns 0 or -1
 * (out of memory). */
int model_benchmarks(struct analysis *a);

#endif
