/* sample.h: a synthetic session export for demonstrations, tests and benchmarks. */
#ifndef OUTCOMES_SAMPLE_H
#define OUTCOMES_SAMPLE_H

#include <stdint.h>
#include <stdio.h>

#include "outcomes/diag.h"

struct sample_opts {
    long patients;      /* patients to simulate */
    unsigned long seed; /* GSL mt19937 seed: the same seed gives the same bytes */
    int months;         /* months of clinic activity ending at as_of */
    int32_t as_of;      /* day number of the export date; nothing is dated after it */
};

/* Writes a CSV export (header and rows, LF line ends) to f. Returns 0, or DIAG_IO with d set
 * when writing fails. */
int sample_write(FILE *f, const struct sample_opts *opts, struct diag *d);

/* Splits wide, an export as sample_write makes it (read to its end), into the long shape
 * (SPEC section 16), streaming:
 * treatments gets the treatment rows without the score columns, scores one row per filled
 * score (patient_id, session_date, instrument, score, site, clinician), the instrument named by
 * its LOINC code where instruments.h has one, else by its column name. Returns 0, or DIAG_IO
 * with d set when wide is not such an export or cannot be read. Write errors are the caller's to check (ferror). */
int sample_split_long(FILE *wide, FILE *treatments, FILE *scores, struct diag *d);
/* The same export as FHIR R4 Bulk Data NDJSON (src/sample/fhir.c): a MedicationAdministration
 * per treatment row, an Observation per filled PHQ-9, PHQ-9 item 9 and GAD-7 score, one
 * resource a line, in row order. Same contract as sample_write. */
int sample_write_fhir(FILE *f, const struct sample_opts *opts, struct diag *d);

#endif
