/* columns.h: the one table of columns and instruments (SPEC sections 1, 2 and 16).
 *
 * Every column of the session export has one enum value here and one entry in the table of
 * src/ingest/columns.c (designated initialisers, [COL_X] = {...}): its name, label, type and
 * range, whether it is required, its short name for charts, and for a score instrument its
 * LOINC code and, when it can be the primary --instrument, the eligibility and remission
 * defaults. The reader, the validator, the model's defaults, the report's labels and axes, the
 * long-file and FHIR readers and the sample generators all read it; nothing else lists columns.
 *
 * Adding a column: one enum value below, in its group, and one table entry. The groups are
 * positional because rows store the integer columns as one array (rows.score[]) and the
 * conflict-checked instruments as bits of one byte (rows.conflict):
 *   - text, date, choice and decimal columns, before COL_PHQ9;
 *   - integer columns, contiguous from COL_PHQ9 to the one before COL_ADVERSE_EVENTS;
 *     the first of them, up to the one before COL_CADSS, are the score instruments whose
 *     same-day conflicts are checked (bit k of rows.conflict is column COL_PHQ9 + k);
 *   - text columns after them.
 * The group bounds below follow the enum, so a column added inside a group needs no other edit. */
#ifndef OUTCOMES_COLUMNS_H
#define OUTCOMES_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

/* The canonical columns of SPEC section 1, in the order of its table. */
enum col {
    COL_PATIENT_ID,
    COL_SESSION_DATE,
    COL_SESSION_TYPE,
    COL_SITE,
    COL_CLINICIAN,
    COL_ROUTE,
    COL_DRUG,
    COL_DOSE_MG,
    COL_WEIGHT_KG,
    /* integer columns from here; the instruments whose same-day conflicts are checked first */
    COL_PHQ9,
    COL_PHQ9_ITEM9,
    COL_MADRS,
    COL_QIDS_SR16,
    COL_HAMD17,
    COL_BDI2,
    COL_GAD7,
    COL_HAMA,
    /* end of the conflict-checked instruments */
    COL_CADSS,
    COL_SBP_PRE,
    COL_DBP_PRE,
    COL_SBP_POST,
    COL_DBP_POST,
    COL_MONITORING_MIN,
    /* end of the integer columns */
    COL_ADVERSE_EVENTS,
    COL_CONCURRENT_THERAPY,
    COL_COUNT
};
/* The two columns of a long score file (SPEC section 16), after the canonical ones: a header may
 * name them and --columns may map them, but rows do not store them (a long row's score goes to
 * its instrument's column). */
#define COL_LONG_INSTRUMENT COL_COUNT
#define COL_LONG_SCORE (COL_COUNT + 1)
#define SCHEMA_COLS (COL_COUNT + 2)
#define COL_FIRST_INT COL_PHQ9
#define N_INT_COLS (COL_ADVERSE_EVENTS - COL_PHQ9)
/* Index of an integer column in rows.score[]. */
#define INT_INDEX(col) ((col)-COL_PHQ9)
/* The instruments for which same-day conflicts are checked, one bit each in rows.conflict. */
#define N_CONFLICT_COLS (COL_CADSS - COL_PHQ9)
/* rows.conflict and the conflict byte of the store are uint8_t: at most 8 such instruments. */
_Static_assert(N_CONFLICT_COLS <= 8, "conflict bits: rows.conflict is one byte");
_Static_assert(N_CONFLICT_COLS > 0 && N_INT_COLS > N_CONFLICT_COLS, "column groups");

/* 1 for an integer column (stored in rows.score[INT_INDEX(c)]). */
static inline int col_is_int(int c)
{
    return c >= COL_PHQ9 && c < COL_ADVERSE_EVENTS;
}
/* 1 for a score instrument whose same-day conflicts are checked (bit INT_INDEX(c)). */
static inline int col_is_instrument(int c)
{
    return c >= COL_PHQ9 && c < COL_CADSS;
}

enum col_type {
    COLTYPE_PATIENT_ID, /* 1-64 of [A-Za-z0-9._-] */
    COLTYPE_DATE,       /* a calendar date (or a date-time, SPEC section 16) */
    COLTYPE_CHOICE,     /* one of a list of words (session_type, route, drug) */
    COLTYPE_TEXT,       /* UTF-8 text */
    COLTYPE_DECIMAL,    /* a plain decimal number */
    COLTYPE_INT,        /* digits only, in [lo, hi] */
};

struct column_info {
    int col;                /* its enum col (checked by tests/ingest/test_columns.c) */
    const char *name;       /* canonical header name, lower case: "phq9" */
    const char *label;      /* for people, in the report: "PHQ-9", "systolic BP before dose" */
    const char *short_name; /* axis label of the data-quality page's bars: "phq9", "sbp-" */
    enum col_type type;
    int lo, hi;        /* COLTYPE_INT: the range; an instrument's axis runs 0..hi */
    int required;      /* 1: a row without a value is rejected */
    int dq_missing;    /* 1: counted in "missing values by column" (page and JSON) */
    const char *loinc; /* an instrument's LOINC code (long files, FHIR), or NULL */
    int min_baseline;  /* primary instrument: eligible baseline >= (SPEC section 2), */
    int remission_max; /* remission: score <=; both -1 when it cannot be primary */
};

/* The entry of column c (0 <= c < SCHEMA_COLS). */
extern const struct column_info ingest_columns[SCHEMA_COLS];
static inline const struct column_info *col_info(int c)
{
    return &ingest_columns[c];
}

#endif
