/* model.h: episodes and every number the report shows (SPEC sections 2-4 and 6's safety and
 * data-quality figures), derived from the ingest store.
 *
 * Ownership: model_run fills a struct analysis that the caller releases with model_fini (which
 * accepts a zeroed struct). The analysis borrows the ingest result's row store (patient ids and
 * stratum strings are read from it): keep the ingest result alive while the analysis is used. */
#ifndef OUTCOMES_MODEL_H
#define OUTCOMES_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "outcomes/benchmarks.h"
#include "outcomes/diag.h"
#include "outcomes/ingest.h"
#include "outcomes/stats.h"

/* --adjust: the covariates of the case-mix model (SPEC 11), in the order given. */
enum adjust_var { ADJ_BASELINE, ADJ_ROUTE, ADJ_DRUG, ADJ_COUNT };
const char *model_adjust_name(int var); /* "baseline", "route", "drug"; "" otherwise */

/* Every option of SPEC sections 2-4 (and the safety thresholds), after defaults. */
struct model_opts {
    int instrument;                 /* enum col of the primary instrument */
    int baseline_window;            /* days before the index date */
    int min_baseline;               /* eligible baseline >= */
    int remission_max;              /* remission: score <= */
    int endpoint_from, endpoint_to; /* days after the index date, closed */
    const char *endpoint_name;      /* "induction", "6m", "12m" or "FROM:TO" as given */
    int episode_gap;                /* a treatment more than this many days after the previous
                                   one starts a new episode */
    enum ci_method ci;
    int period_all;               /* 1: the period is every month with data */
    int period_from, period_to;   /* month indices (year * 12 + month - 1), when not all */
    int bp_pre_sys, bp_pre_dia;   /* pre-dose reading flagged at or above (140/90) */
    int bp_post_sys, bp_post_dia; /* post-dose reading flagged at or above (180/110) */
    int cadss_above;              /* sessions with CADSS above this count (4) */
    int bp_hold_sys, bp_hold_dia; /* --bp-hold: a dose given at or above this pre-dose
                                     reading (160/100) is flagged */
    int item9_followup_days;      /* --item9-followup-days: item 9 >= 2 followed by another
                                   encounter within this many days (7) */
    int suppress_below;           /* show counts 1..N-1 as "< N" (0: off); outputs only */
    int threads;                  /* threads for the analysis (<= 1: one); the results do not
                                   depend on it */
    int adjust[ADJ_COUNT];        /* --adjust: covariates in order (default: baseline) */
    int nadjust;                  /* 0: responder ~ 1 (--adjust none) */
    int induction_k, induction_d; /* induction completed: K treatment dates in [index, index + D]
                                     (--induction K:D, default 6:21; SPEC 12) */
    const struct benchmark_list *benchmarks; /* borrowed; NULL: none */
    /* model_run: called (unless NULL) once the episodes are derived, before anything else reads
     * the rows: from then on the weight, site and concurrent_therapy columns are read no more
     * (the episodes hold theirs), so that the caller may free them (run.c) */
    void (*episodes_done)(void *arg);
    void *episodes_done_arg;
};

/* Fills o with SPEC's defaults for instrument (phq9 when instrument < 0). */
void model_opts_default(struct model_opts *o, int instrument);
/* Eligibility and remission defaults of an instrument; -1 when it is not an instrument. */
int model_instrument_defaults(int instrument, int *min_baseline, int *remission_max);

enum exclusion { EXCL_NONE = 0, EXCL_NO_BASELINE, EXCL_BELOW_MIN };

/* Dose bands of the index session's mg/kg (README "Definitions"). */
enum { DOSE_BANDS = 4 };
const char *model_dose_band_name(int band); /* "" for -1 */

/* Time to an event on both scales: the first qualifying follow-up score, or censored at the
 * last follow-up score. */
struct time_to {
    int32_t date;     /* the qualifying (or last) score's date */
    int32_t days;     /* days since the index date */
    int32_t sessions; /* the episode's treatment dates before that date */
    int8_t event;     /* 1 event, 0 censored */
};

/* Durability and induction of one episode (SPEC 12; durability.c, README "Definitions"). */
struct episode_durability {
    int16_t induction_sessions;   /* the episode's treatment dates in [index, index + D] */
    int8_t induction_complete;    /* induction_sessions >= K */
    int8_t frequency;             /* induction_sessions banded: 0 1-3, 1 4-5, 2 6-8, 3 9+ */
    int8_t loss_event;            /* with a response event: 1 lost, 0 censored */
    int32_t loss_date;            /* the first of the two failing scores, or the last score */
    int32_t days_to_loss;         /* loss_date - response date */
    int32_t maintenance_sessions; /* treatment dates after index + endpoint_to */
};

enum { FREQUENCY_BANDS = 4 };
const char *model_frequency_name(int band); /* "1-3", "4-5", "6-8", "9+"; "" for -1 */

/* One episode; fields are sized to keep a million episodes small. */
struct episode {
    uint32_t patient; /* id in rows.patients */
    int32_t number;   /* 1, 2, ... within the patient */
    int32_t index_date;
    int32_t next_index;    /* the patient's next episode's index date, or INT32_MAX */
    uint32_t index_row;    /* the index treatment row (first in store order that day) */
    int32_t baseline_date; /* baseline_score -1: none */
    int32_t endpoint_date; /* endpoint_score -1: none */
    int32_t last_followup_date;
    int32_t n_followup; /* usable follow-up scores */
    int16_t baseline_score;
    int16_t endpoint_score;
    int8_t in_cohort; /* index date within the period */
    int8_t eligible;
    int8_t exclusion; /* enum exclusion */
    int8_t mature;
    int8_t responder, remitter;         /* at the endpoint; missing endpoint = 0 */
    int8_t route, drug;                 /* stratum values from the index treatment row */
    int8_t dose_band;                   /* -1 when mg_per_kg is NaN */
    struct time_to response, remission; /* valid when n_followup > 0 */
    uint32_t site, clinician, therapy;  /* ids in rows.text, 0 = empty */
    double mg_per_kg;                   /* NaN when dose or weight is missing */
    struct episode_durability dur;      /* SPEC 12 (durability.c) */
};

/* The strata variables, in output order. */
enum stratum_var {
    SV_SITE,
    SV_CLINICIAN,
    SV_ROUTE,
    SV_DRUG,
    SV_THERAPY,
    SV_DOSE_BAND,
    SV_FREQUENCY,
    SV_COUNT
};
const char *model_stratum_name(int var);

struct stratum_value {
    char *value; /* owned */
    struct proportion response, remission;
    long km_n, km_events;
    double km_median;
    struct km km; /* days to response of this value's episodes (owned) */
};

struct stratum {
    struct stratum_value *values;
    size_t nvalues;
    double chisq, df, p;        /* log-rank on days to response; NaN when untestable */
    const char *logrank_reason; /* why p is NaN (static text, stats_logrank), or NULL */
};

#define MODEL_AE_LISTED 50 /* adverse-event codes listed at most (README "Definitions") */

/* Safety figures over the treatment sessions of cohort episodes (README "Definitions"). */
struct safety {
    long sessions;              /* treatment sessions (rows) of cohort episodes */
    long bp_pre_n, bp_pre_high; /* sessions with a pre-dose reading; at/above threshold */
    long bp_post_n, bp_post_high;
    long sbp_rise_n;
    double sbp_rise_min, sbp_rise_q1, sbp_rise_median, sbp_rise_q3, sbp_rise_max, sbp_rise_mean;
    long sbp_rise_hist[8]; /* <0, 0-9, 10-19, 20-29, 30-39, 40-49, 50-59, >=60 */
    long cadss_n, cadss_above;
    /* CADSS by session number 1..cadss_nsessions (the last bucket holds that number and later) */
    size_t cadss_nsessions;
    long cadss_by_session_n[12];
    double cadss_by_session_median[12], cadss_by_session_q1[12], cadss_by_session_q3[12];
    /* adverse events by code: at most MODEL_AE_LISTED codes (the most frequent) in byte order,
     * then "other" (the codes left out, ae_other_codes of them) when any is */
    size_t nae;
    char **ae_code;                  /* owned */
    long ae_other_codes;             /* distinct codes pooled in "other" (0: no "other") */
    long *ae_sessions, *ae_episodes; /* sessions with the code; episodes with it at least once */
    long ae_any_sessions, ae_any_episodes, episodes;
    /* PHQ-9 item 9 over all encounters of cohort episodes (baseline window to follow-up end) */
    long item9_n, item9_ge1, item9_ge2;
    /* item 9 per cohort episode (SPEC 13): resolved (baseline >= 1, last follow-up 0) over the
     * episodes with baseline >= 1 and a follow-up value; worsened (baseline 0, any follow-up
     * >= 1) over the episodes with baseline 0 and a follow-up value */
    struct proportion item9_resolved, item9_worsened;
};

/* Vital signs of a group of treatment sessions (SPEC 13). A pair is both of its values; a
 * session with one value of a pair is incomplete, never a reading. */
struct vitals {
    long sessions, pre, post, all; /* sessions; with the pre-dose pair, the post-dose, all four */
};

/* One clinician's sessions: the all-four rate on the (unadjusted) funnel. */
struct vitals_unit {
    char *value; /* the clinician (owned) */
    struct vitals v;
    double lo95, hi95, lo998, hi998; /* the limits at this n, clipped to [0, 1] */
    int flag;                        /* enum funnel_flag (stats.h) */
};

/* The review list's flags (SPEC 13), in the byte order of their names. */
enum review_flag {
    RF_BP_HOLD_DOSED,
    RF_BP_POST_HIGH,
    RF_CADSS_HIGH,
    RF_ITEM9_3,
    RF_ITEM9_NO_FOLLOWUP,
    RF_MONITORING_SHORT,
    RF_NO_RESPONSE_AFTER_6,
    RF_COUNT
};
const char *model_review_flag_name(int flag);

/* One row of review.csv: a flagged session or episode, 12 bytes (a 10 M-row export flags some
 * 7 M sessions at the default --cadss-above). Its date, file and line are its store row's
 * (report_input.prov when review.csv is written). */
struct review_row {
    uint32_t row;          /* the flagged row (or the episode's sixth treatment's) in the store */
    uint32_t episode;      /* index into analysis.episodes (its patient and number) */
    unsigned int v1 : 12;  /* what was found, as model_review_value writes it: a column value */
    signed int v2 : 12;    /* (the column table's ranges are within 0-4095), -1 for none */
    unsigned int flag : 4; /* enum review_flag */
    unsigned int open : 1; /* item9_no_followup: the follow-up days not over by the data cut */
};
_Static_assert(RF_COUNT <= 16, "review_row.flag holds 4 bits");

/* The value column of review.csv for q ("172/104", "3", "2 (days not over)", "baseline 18;
 * last 15", ...) into buf (size bytes, 48 is enough); returns its length, as snprintf. */
int model_review_value(const struct review_row *q, char *buf, size_t size);

/* Safety monitoring and the review list (SPEC 13; README "Definitions"), over the treatment
 * sessions of cohort episodes unless said otherwise. */
struct safety_checks {
    struct vitals all;
    struct vitals by_route[ROUTE_COUNT]; /* [ROUTE_NONE]: sessions without a route */
    struct vitals_unit *by_clinician;    /* clinicians in byte order (owned) */
    size_t nclinicians;
    struct vitals no_clinician;           /* sessions without a clinician */
    double funnel_centre;                 /* all four over the clinicians' sessions: the
                                              funnel's centre (stats_funnel_unadjusted) */
    int month0;                           /* month index of by_month[0] */
    struct vitals by_month[12];           /* every treatment session dated in the month */
    long pre_incomplete, post_incomplete; /* one value of the pair only */
    long dosed_pre;                       /* sessions with a dose and the pre-dose pair */
    long hold_dosed;                      /* of those, at or above --bp-hold */
    long intranasal, monitoring_n, monitoring_short, monitoring_missing;
    long item9_eq3;            /* encounters with item 9 = 3 */
    long item9_followed;       /* item 9 >= 2 followed within the days */
    long item9_open;           /* not followed, and the days not over by the cut */
    long item9_without_total;  /* accepted rows with item 9 and no PHQ-9 total
                                              that patient and date (every row, data quality) */
    long no_response_n;        /* eligible cohort episodes with 6 sessions */
    long flags[RF_COUNT];      /* review rows per flag */
    struct review_row *review; /* sorted by patient id, date, flag, file, line (owned) */
    size_t nreview;
};

/* Durability of response, maintenance and induction completion (SPEC 12; durability.c). */
#define DURABILITY_AT 3 /* the fixed times of `at`: 28, 56, 84 days */
struct km_at {
    double time, surv, lower, upper; /* as R summary(fit, times, extend = TRUE) */
    long n_risk;
};
struct induction_route {
    int route; /* enum route of the index row (never empty) */
    struct proportion completed;
};
struct durability {
    /* loss of response: eligible cohort episodes with a response event, days from it */
    struct km km;
    struct km_at at[DURABILITY_AT];
    /* maintenance: mature eligible cohort episodes with a response event */
    long maint_episodes, maint_with_sessions, maint_intervals;
    double maint_sessions_median, maint_interval_median; /* NaN when none */
    /* induction: eligible cohort episodes whose D days have passed by the data cut */
    long ind_open; /* eligible cohort episodes whose window is still open */
    struct proportion completed;
    struct induction_route *by_route; /* routes in byte order of their names (owned) */
    size_t nroutes;
    long ind_no_route_n, ind_no_route_events; /* episodes without a route (not listed) */
    int nbins;      /* sessions in the window: bins 1 .. nbins - 1, nbins+ */
    long *sessions; /* episodes per bin, [0] = 1 session (owned) */
    /* endpoint response of mature ones (window closed) that completed / did not */
    struct proportion resp_completers, resp_noncompleters;
};
/* The cohort of one period (month indices from..to) with the rates of SPEC section 2: what
 * model_run computes for the report's period, and again, with the same definitions, as-of date
 * and episodes, for the periods it is compared with (SPEC section 10). */
struct period_rates {
    int from, to; /* month indices */
    long cohort, no_baseline, below_min, eligible, with_followup, mature, with_endpoint;
    struct proportion response, remission, response_observed, remission_observed, followup;
};

/* The report's period against an earlier one: its rates, and now - then for response and
 * remission as R prop.test(c(x_now, x_then), c(n_now, n_then), correct = FALSE) (NaN when
 * either n is 0). */
struct comparison {
    struct period_rates then;
    struct prop_diff response, remission;
};
enum { CMP_PREVIOUS, CMP_YEAR_BEFORE, CMP_COUNT };
const char *model_comparison_name(int k); /* "previous", "year_before" */

/* A benchmark set beside the clinic's rate of the same population: where the benchmark lies
 * against the clinic's 95 % interval (inclusive limits). */
enum bm_position { BM_BELOW = -1, BM_INSIDE = 0, BM_ABOVE = 1, BM_NONE = 2 }; /* NONE: no CI */
struct benchmark_result {
    const struct benchmark *b;       /* borrowed from model_opts.benchmarks */
    const struct proportion *clinic; /* the analysis' rate of the same population */
    int position;                    /* enum bm_position */
};
const char *model_bm_position_name(int pos); /* "below", "inside", "above", NULL */

/* Data-quality figures. */
struct data_quality {
    long missing_n;           /* accepted rows */
    long missing[N_INT_COLS]; /* rows without a value, per integer column */
    long treatment_sessions, treatment_without_primary; /* primary instrument not recorded */
};

/* Mean score at one point of the trajectory, with a t-based 95 % interval of the mean. */
struct trajectory_point {
    long n;
    double mean, lo, hi; /* NaN when n = 0 (lo, hi when n < 2) */
};

#define TRAJ_POINTS 13     /* sessions / weeks 0..12 */
#define TRAJ_SAMPLE 200    /* individual trajectories drawn at most */
#define WATERFALL_MAX 1500 /* waterfall bars drawn at most */

/* One sampled episode's scores, for the faint individual lines. */
struct traj_line {
    uint32_t first, count; /* points [first, first + count) of traj_pts */
};
struct traj_pt {
    int16_t session, week, score;
};

/* The flow's counts (and the differences between them that follow from two shown counts). */
enum flow_var {
    F_ROWS_READ,
    F_ACCEPTED,
    F_REJECTED,
    F_DUPLICATE,
    F_EPISODES,
    F_OUTSIDE,
    F_COHORT,
    F_EXCLUDED,
    F_NO_BASELINE,
    F_BELOW_MIN,
    F_ELIGIBLE,
    F_WITH_FOLLOWUP,
    F_NO_FOLLOWUP,
    F_MATURE,
    F_IMMATURE,
    F_WITH_ENDPOINT,
    F_NO_ENDPOINT,
    F_RESPONDERS,
    F_NONRESP,
    F_REMITTERS,
    F_NONREM,
    F_RESP_OBS_NON,
    F_REM_OBS_NON,
    F_COUNT
};

/* The fair comparison of clinicians and sites (SPEC 11; src/model/funnel.c). */
struct funnel_term {
    char *name;      /* R's coefficient name: "(Intercept)", "routeiv" (owned) */
    double estimate; /* NaN when aliased (R's NA) */
};
struct funnel_value {
    char *value;                     /* the clinician or site (owned) */
    long n, observed, with_endpoint; /* comparison episodes, responders, with an endpoint */
    double expected;                 /* sum of fitted probabilities, or n p-bar unadjusted */
    double adjusted_rate;            /* observed / expected p-bar (0 when observed = 0) */
    double followup;                 /* with_endpoint / n */
    int flag, followup_flag;         /* enum funnel_flag */
};
struct funnel_units {
    struct funnel_value *values; /* in byte order (owned) */
    size_t nvalues;
    long no_value; /* comparison episodes without a value */
};
enum { FUNNEL_CLINICIAN, FUNNEL_SITE, FUNNEL_VARS };
struct funnel {
    char *formula;             /* "responder ~ baseline_score + route" (owned) */
    struct funnel_term *terms; /* the model's coefficients, in R's order (owned) */
    size_t nterms;
    int fitted; /* 1 when the model was fitted (n > 0) */
    int converged, iterations;
    long n;                         /* episodes in the fit and the comparison */
    long left_out;                  /* mature eligible episodes with an empty covariate */
    long observed, with_endpoint;   /* responders and episodes with an endpoint among n */
    double centre, followup_centre; /* p-bar = observed / n; with_endpoint / n */
    int adjusted;                   /* 1: expected from the model; 0: n p-bar */
    const char *reason;             /* why unadjusted (static text), or NULL */
    const char *dropped[ADJ_COUNT]; /* covariates left out of the model: one value only */
    int ndropped;
    long min_level;   /* the smallest count of episodes, responders or
                                          non-responders at one level of a factor in the model
                                          (LONG_MAX without one): its coefficient is built on it */
    double *fitted_p; /* per episode (nepisodes): the probability the
                                          expected counts sum, NaN outside the comparison */
    struct funnel_units units[FUNNEL_VARS];
};

/* Disclosure control (SPEC section 9; src/model/README.md): which published figures are
 * withheld, decided once (model_disclose, called by model_run) and only read by the writers.
 * Every flag is DISC_SHOWN, DISC_SMALL (a count from 1 to N-1: "< N") or DISC_WITHHELD
 * (withheld so that a small count cannot be worked back, or built on a withheld count). With
 * suppression off every flag is DISC_SHOWN. */
enum { DISC_SHOWN = 0, DISC_SMALL = 1, DISC_WITHHELD = 2 };

/* A proportion events / n: each count, and the rate with its interval. */
struct disc_prop {
    uint8_t events, n, rate;
};
/* A Kaplan-Meier fit: n, events, the median with its interval; drawn 0 when the curve is not
 * drawn (fewer than N subjects); rows: the curve rows [0, rows) that may be
 * drawn (at least N at risk; all when off). at[]: the fixed-time estimates published under
 * suppression (SPEC 9), nat of them. */
struct disc_km {
    uint8_t n, events, median, drawn;
    size_t rows;
    int nat;
    struct {
        double time, surv, lower, upper;
    } at[5];
};
struct disc_value {
    struct disc_prop response, remission;
    struct disc_km km;
};
struct disc_month {
    uint8_t n, events, rate; /* rate: the month's rate */
    uint8_t limits;          /* its limits and signal (built on the centre line too) */
};

/* Vital signs of a group of sessions: its sessions and the three pairs' rates. */
struct disc_vitals {
    uint8_t sessions;
    struct disc_prop pre, post, all;
};
/* struct safety_checks's figures (SPEC 13). A clinician's funnel point is drawn when
 * by_clinician[k].all.rate is DISC_SHOWN. */
struct disc_checks {
    struct disc_vitals all, by_route[ROUTE_COUNT], no_clinician, by_month[12];
    struct disc_vitals *by_clinician;                 /* nclinicians (owned) */
    uint8_t funnel_centre;                            /* the centre line and every limit */
    struct disc_prop pre_incomplete, post_incomplete; /* of sessions */
    uint8_t dosed_pre;
    struct disc_prop hold_dosed; /* of dosed_pre */
    uint8_t intranasal;
    struct disc_prop monitoring_short, monitoring_missing; /* of intranasal */
    struct disc_prop item9_eq3;                            /* of item-9 encounters */
    struct disc_prop item9_followed;                       /* of encounters with item 9 >= 2 */
    uint8_t item9_open, item9_without_total;
    struct disc_prop no_response; /* flagged of the episodes with 6 sessions */
    uint8_t flags[RF_COUNT];      /* review rows per flag */
};
/* A funnel unit: its counts; rate: expected, adjusted rate and flag; followup: the follow-up
 * rate and its flag. */
struct disc_funnel_value {
    uint8_t n, observed, with_endpoint, rate, followup;
};
struct disc_funnel {
    uint8_t n, left_out, observed, with_endpoint;
    uint8_t centre, followup_centre; /* the centre lines (and so every limit) */
    uint8_t model;                   /* the coefficients */
    uint8_t no_value[FUNNEL_VARS];
    struct disc_funnel_value *units[FUNNEL_VARS]; /* nvalues each (owned) */
};

#define PCT_BINS 16 /* percent change at the endpoint in 10-point bins (README "Definitions") */
const char *model_pct_bin_name(int bin);

/* What suppression withholds of struct durability (disclosure.c, durability_cells). */
struct disc_durability {
    struct disc_km km;
    int nat; /* at[0, nat) published (N or more at risk) */
    uint8_t maint_episodes, maint_with_sessions, maint_sessions_median, maint_interval_median;
    struct disc_prop completed, resp_completers, resp_noncompleters;
    struct disc_prop *by_route; /* nroutes (owned) */
    uint8_t *sessions;          /* nbins (owned) */
};

/* One input file's accounting and its FHIR resources skipped (results.json data_quality.files,
 * the data-quality page), as the decision flags each count. */
struct disc_file {
    uint8_t accepted, rejected, duplicate;
    uint8_t skipped, skipped_type, skipped_code, skipped_drug;
};

/* A comparison period: its rates, and the two differences (withheld when either side's rate
 * is). */
struct disc_comparison {
    struct disc_prop response, remission, response_observed, followup;
    uint8_t diff_response, diff_remission;
};

struct disclosure {
    int below; /* N, or 0 when off */
    struct disc_comparison comparison[CMP_COUNT];
    uint8_t *benchmark_position; /* per a->benchmarks: withheld with the clinic's rate (owned) */
    uint8_t flow[F_COUNT], patients;
    struct disc_prop response, remission, response_observed, remission_observed, followup;
    struct disc_km time_to_response, time_to_remission, sessions_to_response, sessions_to_remission;
    struct disc_value *strata[SV_COUNT]; /* nvalues each (owned) */
    uint8_t logrank[SV_COUNT];
    struct disc_month monthly[12], monthly_remission[12];
    uint8_t centre, centre_remission; /* the centre line (and so every limit and signal) */
    uint8_t by_session[TRAJ_POINTS],
        by_week[TRAJ_POINTS]; /* trajectory points: n, mean and interval */
    uint8_t pct_hist[PCT_BINS];
    /* safety */
    uint8_t sessions, episodes;
    struct disc_prop bp_pre, bp_post, cadss_above; /* of sessions measured */
    uint8_t bp_pre_n, bp_post_n, sbp_rise_n, sbp_rise_stats, sbp_rise_hist[8], cadss_n;
    uint8_t sbp_rise_extremes;                         /* min and max: one session's value each */
    uint8_t cadss_by_session[12];                      /* n, median and IQR */
    struct disc_prop ae_any_sessions, ae_any_episodes; /* of sessions, of episodes */
    struct disc_prop *ae_sessions, *ae_episodes;       /* per code (owned) */
    uint8_t ae_other_codes; /* how many codes "other" pools (withheld with its
                                            sessions: each pooled code has one at least) */
    uint8_t item9_n;
    struct disc_prop item9_ge1, item9_ge2, item9_resolved, item9_worsened;
    struct disc_checks checks;
    /* data quality */
    uint8_t rejected_by_reason[REASON_COUNT], conflicts_total, conflicts_by_col[N_CONFLICT_COLS];
    uint8_t missing_rows, treatment_sessions;
    struct disc_prop missing[N_INT_COLS], without_score;
    uint8_t *file_rows;      /* per input file: its rows_read (owned) */
    struct disc_file *files; /* per input file: its accounting (owned) */
    struct disc_funnel funnel;
    struct disc_durability durability; /* SPEC 12 */
};

struct analysis {
    struct model_opts opts;
    double seconds_episodes; /* time spent deriving the episodes and the cohort (for
                                          --timings; never written to an output) */
    int32_t as_of;
    int period_from, period_to; /* month indices actually used */
    struct episode *episodes;   /* every episode (all periods), by patient and date */
    size_t nepisodes;
    long cohort_episodes, excluded_no_baseline, excluded_below_min, eligible, mature, with_endpoint,
        with_followup;
    struct proportion response, remission, response_observed, remission_observed, followup;
    struct km time_to_response, time_to_remission, sessions_to_response, sessions_to_remission;
    struct stratum strata[SV_COUNT];
    int month0; /* month index of the first p-chart month */
    struct pchart_point monthly[12], monthly_remission[12];
    struct safety safety;
    struct durability durability; /* SPEC 12 */
    struct safety_checks checks;  /* vital signs, hold level, monitoring, review list */
    struct data_quality dq;
    /* score trajectory of eligible cohort episodes: baseline = session 0 / week 0 */
    struct trajectory_point by_session[TRAJ_POINTS], by_week[TRAJ_POINTS];
    struct traj_line *traj_lines; /* a deterministic sample (every k-th episode) */
    size_t ntraj_lines;
    struct traj_pt *traj_pts;
    size_t ntraj_pts;
    long traj_episodes; /* episodes the sample was drawn from */
    /* waterfall: percent change at the endpoint of mature eligible episodes with one,
     * sorted from the largest rise to the largest fall; class 2 remitter, 1 responder, 0 */
    double *waterfall;
    uint8_t *waterfall_class;
    size_t nwaterfall;       /* bars kept (evenly spaced ranks when sampled) */
    long waterfall_total;    /* episodes with an endpoint */
    long pct_hist[PCT_BINS]; /* the same episodes by percent change (10-point bins) */
    struct funnel funnel;    /* clinicians and sites, case-mix adjusted (SPEC 11) */
    struct comparison comparison[CMP_COUNT]; /* previous period, a year before (SPEC 10) */
    struct benchmark_result *benchmarks;     /* those of the instrument, in the list's order */
    size_t nbenchmarks;
    struct disclosure disc; /* what suppression withholds (all shown when off) */
    /* model_subset: the network's analysis this one is a part of, while it is made (else NULL):
     * the row-level figures (data quality, the checks' every-row counts) are taken from it, and
     * the review list is counted, not kept (checks.nreview and flags are set, checks.review is
     * NULL): the review rows of a subset are the network's of its episodes, in the same order */
    const struct analysis *net;
};

/* Derives episodes and computes every figure. Returns 0, or DIAG_IO (out of memory) or
 * DIAG_DATA (no accepted rows) with d set. */
int model_run(const struct ingest_result *in, const struct model_opts *opts, struct analysis *out,
              struct diag *d);
void model_fini(struct analysis *a);
/* The analysis of one site's (var SV_SITE) or one clinician's (SV_CLINICIAN) episodes: those of
 * net (a model_run of the same in and options) whose index treatment row names value (an id in
 * in->rows.text), each derived from all of its patient's rows as in net; the period and the
 * data cut are net's, and so are the row-level figures (data quality). The same cohort rules,
 * rates, curves, strata, trend, safety and disclosure decision follow (SPEC section 14): its
 * rates equal net's stratum entry for value. It runs on the calling thread (a caller makes
 * several at once), and keeps no review list (see analysis.net). Returns 0 or a diag code (a
 * released on error). */
int model_subset(const struct ingest_result *in, const struct analysis *net, int var,
                 uint32_t value, struct analysis *a, struct diag *d);
/* The same with starts, model_patient_starts of in->rows, made once for several (NULL: made
 * here). */
int model_subset_of(const struct ingest_result *in, const struct analysis *net,
                    const size_t *starts, int var, uint32_t value, struct analysis *a,
                    struct diag *d);
/* The patients' row ranges of the store r (patient p's rows are starts[p] .. starts[p + 1]; the
 * last is r->n), one entry a patient and one more, their number in *npatients (unless NULL);
 * malloc'd, NULL when out of memory. */
size_t *model_patient_starts(const struct rows *r, size_t *npatients);

/* Fills a->disc from the analysis and the ingest counts (SPEC section 9): primary, derived and
 * secondary suppression, until stable. Called by model_run; returns 0 or -1 (out of memory). */
int model_disclose(const struct ingest_result *in, struct analysis *a);
void model_disclosure_fini(struct disclosure *d);
/* The rows the flow starts from: an ingest's counts. */
struct flow_rows {
    long read, accepted, rejected, duplicate;
};
/* The flow's counts v[F_COUNT] (their flags: a->disc.flow). */
void model_flow_counts(const struct flow_rows *rows, const struct analysis *a, long *v);

#endif
