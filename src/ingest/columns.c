/* columns.c: the table of columns.h, one entry per column of SPEC section 1 (plus the two of a
 * long score file). LOINC codes only where they are established and checked (README.md "Long
 * score files" cites them); an instrument without one is named by its column name only. The
 * eligibility and remission defaults are SPEC section 2's table. */
#include "outcomes/columns.h"

#define TEXT(c, n, l, req)                                                                         \
    [c] = {.col = c,                                                                               \
           .name = n,                                                                              \
           .label = l,                                                                             \
           .short_name = "",                                                                       \
           .type = COLTYPE_TEXT,                                                                   \
           .required = req,                                                                        \
           .min_baseline = -1,                                                                     \
           .remission_max = -1}
#define INT(c, n, l, s, l0, h0)                                                                    \
    [c] = {.col = c,                                                                               \
           .name = n,                                                                              \
           .label = l,                                                                             \
           .short_name = s,                                                                        \
           .type = COLTYPE_INT,                                                                    \
           .lo = l0,                                                                               \
           .hi = h0,                                                                               \
           .dq_missing = 1,                                                                        \
           .min_baseline = -1,                                                                     \
           .remission_max = -1}

const struct column_info ingest_columns[SCHEMA_COLS] = {
    [COL_PATIENT_ID] = {.col = COL_PATIENT_ID,
                        .name = "patient_id",
                        .label = "patient",
                        .short_name = "",
                        .type = COLTYPE_PATIENT_ID,
                        .required = 1,
                        .min_baseline = -1,
                        .remission_max = -1},
    [COL_SESSION_DATE] = {.col = COL_SESSION_DATE,
                          .name = "session_date",
                          .label = "date",
                          .short_name = "",
                          .type = COLTYPE_DATE,
                          .required = 1,
                          .min_baseline = -1,
                          .remission_max = -1},
    [COL_SESSION_TYPE] = {.col = COL_SESSION_TYPE,
                          .name = "session_type",
                          .label = "session type",
                          .short_name = "",
                          .type = COLTYPE_CHOICE,
                          .min_baseline = -1,
                          .remission_max = -1},
    TEXT(COL_SITE, "site", "site", 0),
    TEXT(COL_CLINICIAN, "clinician", "clinician", 0),
    [COL_ROUTE] = {.col = COL_ROUTE,
                   .name = "route",
                   .label = "route",
                   .short_name = "",
                   .type = COLTYPE_CHOICE,
                   .min_baseline = -1,
                   .remission_max = -1},
    [COL_DRUG] = {.col = COL_DRUG,
                  .name = "drug",
                  .label = "drug",
                  .short_name = "",
                  .type = COLTYPE_CHOICE,
                  .min_baseline = -1,
                  .remission_max = -1},
    [COL_DOSE_MG] = {.col = COL_DOSE_MG,
                     .name = "dose_mg",
                     .label = "dose (mg)",
                     .short_name = "",
                     .type = COLTYPE_DECIMAL,
                     .min_baseline = -1,
                     .remission_max = -1},
    [COL_WEIGHT_KG] = {.col = COL_WEIGHT_KG,
                       .name = "weight_kg",
                       .label = "weight (kg)",
                       .short_name = "",
                       .type = COLTYPE_DECIMAL,
                       .min_baseline = -1,
                       .remission_max = -1},

    /* score instruments, same-day conflicts checked */
    [COL_PHQ9] = {.col = COL_PHQ9,
                  .name = "phq9",
                  .label = "PHQ-9",
                  .short_name = "phq9",
                  .type = COLTYPE_INT,
                  .lo = 0,
                  .hi = 27,
                  .dq_missing = 1,
                  .loinc = "44261-6", /* PHQ-9 total score [Reported] */
                  .min_baseline = 10,
                  .remission_max = 4},
    [COL_PHQ9_ITEM9] = {.col = COL_PHQ9_ITEM9,
                        .name = "phq9_item9",
                        .label = "PHQ-9 item 9",
                        .short_name = "item9",
                        .type = COLTYPE_INT,
                        .lo = 0,
                        .hi = 3,
                        .dq_missing = 1,
                        .loinc = "44260-8", /* PHQ-9 item 9, thoughts of self-harm */
                        .min_baseline = -1,
                        .remission_max = -1},
    [COL_MADRS] = {.col = COL_MADRS,
                   .name = "madrs",
                   .label = "MADRS",
                   .short_name = "madrs",
                   .type = COLTYPE_INT,
                   .lo = 0,
                   .hi = 60,
                   .dq_missing = 1,
                   .min_baseline = 20,
                   .remission_max = 12},
    [COL_QIDS_SR16] = {.col = COL_QIDS_SR16,
                       .name = "qids_sr16",
                       .label = "QIDS-SR16",
                       .short_name = "qids",
                       .type = COLTYPE_INT,
                       .lo = 0,
                       .hi = 27,
                       .dq_missing = 1,
                       .min_baseline = 11,
                       .remission_max = 5},
    [COL_HAMD17] = {.col = COL_HAMD17,
                    .name = "hamd17",
                    .label = "HAM-D17",
                    .short_name = "hamd",
                    .type = COLTYPE_INT,
                    .lo = 0,
                    .hi = 52,
                    .dq_missing = 1,
                    .min_baseline = 17,
                    .remission_max = 7},
    [COL_BDI2] = {.col = COL_BDI2,
                  .name = "bdi2",
                  .label = "BDI-II",
                  .short_name = "bdi2",
                  .type = COLTYPE_INT,
                  .lo = 0,
                  .hi = 63,
                  .dq_missing = 1,
                  .loinc = "89209-1", /* Beck Depression Inventory II total score */
                  .min_baseline = 20,
                  .remission_max = 13},
    [COL_GAD7] = {.col = COL_GAD7,
                  .name = "gad7",
                  .label = "GAD-7",
                  .short_name = "gad7",
                  .type = COLTYPE_INT,
                  .lo = 0,
                  .hi = 21,
                  .dq_missing = 1,
                  .loinc = "70274-6", /* GAD-7 total score [Reported] */
                  .min_baseline = 10,
                  .remission_max = 4},
    [COL_HAMA] = {.col = COL_HAMA,
                  .name = "hama",
                  .label = "HAM-A",
                  .short_name = "hama",
                  .type = COLTYPE_INT,
                  .lo = 0,
                  .hi = 56,
                  .dq_missing = 1,
                  .min_baseline = 18,
                  .remission_max = 7},

    /* other integer columns */
    INT(COL_CADSS, "cadss", "CADSS", "cadss", 0, 92),
    INT(COL_SBP_PRE, "sbp_pre", "systolic BP before dose", "sbp-", 30, 300),
    INT(COL_DBP_PRE, "dbp_pre", "diastolic BP before dose", "dbp-", 30, 300),
    INT(COL_SBP_POST, "sbp_post", "highest systolic BP after dose", "sbp+", 30, 300),
    INT(COL_DBP_POST, "dbp_post", "highest diastolic BP after dose", "dbp+", 30, 300),
    /* minutes from the dose to the end of monitoring (SPEC section 13; src/model/checks.c) */
    [COL_MONITORING_MIN] = {.col = COL_MONITORING_MIN,
                            .name = "monitoring_min",
                            .label = "monitoring time (min)",
                            .short_name = "mon",
                            .type = COLTYPE_INT,
                            .lo = 0,
                            .hi = 1440,
                            .dq_missing = 0,
                            .min_baseline = -1,
                            .remission_max = -1},

    TEXT(COL_ADVERSE_EVENTS, "adverse_events", "adverse events", 0),
    TEXT(COL_CONCURRENT_THERAPY, "concurrent_therapy", "concurrent therapy", 0),

    /* a long score file's two columns (not stored) */
    TEXT(COL_LONG_INSTRUMENT, "instrument", "instrument", 0),
    [COL_LONG_SCORE] = {.col = COL_LONG_SCORE,
                        .name = "score",
                        .label = "score",
                        .short_name = "",
                        .type = COLTYPE_INT,
                        .lo = 0,
                        .hi = 0,
                        .min_baseline = -1,
                        .remission_max = -1},
};
