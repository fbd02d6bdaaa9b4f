/* sample.h: a synthetic session export for demonstrations, tests and benchmarks. */
#ifndef OUTCOMES_SAMPLE_H
#define OUTCOMES_SAMPLE_H

#include <stdint.h>
#include <stdio.h>

#include "outcomes/diag.h"

struct sample_opts {
    long patients;        /* patients to simulate */
    unsigned long seed;   /* GSL mt19937 seed: the same seed gives the same bytes */
    int months;           /* months of clinic activity ending at as_of */
    int32_t as_of;        /* day number of the export date; nothing is dated after it */
};

/* Writes a CSV export (header and rows, LF line ends) to f. Returns 0, or DIAG_IO with d set
 * when writing fails. */
int sample_write(FILE *f, const struct sample_opts *opts, struct diag *d);

/* The same export as FHIR R4 Bulk Data NDJSON (src/sample/fhir.c): a MedicationAdministration
 * per treatment row, an Observation per filled PHQ-9, PHQ-9 item 9 and GAD-7 score, one
 * resource a line, in row order. Same contract as sample_write. */
int sample_write_fhir(FILE *f, const struct sample_opts *opts, struct diag *d);

#endif
