/* instruments.h: the score instruments a long score file or a FHIR Observation may name, by our
 * column name or by LOINC code (SPEC section 16), each mapped to its score column. One table
 * (src/ingest/instruments.c), listed in README.md "Long score files"; the ranges stay with the
 * columns (ingest_int.h). */
#ifndef OUTCOMES_INSTRUMENTS_H
#define OUTCOMES_INSTRUMENTS_H

#include <stddef.h>

struct instrument_code {
    const char *name;  /* our score column's name, e.g. "phq9" */
    const char *loinc; /* its LOINC code, e.g. "44261-6", or NULL when the table has none */
    int column;        /* enum col (ingest.h), e.g. COL_PHQ9 */
};

/* The entry whose name (case-insensitively) or LOINC code is s[0..n) (no surrounding blanks; s
 * need not be NUL-terminated), or NULL. The returned entry is static. */
const struct instrument_code *ingest_instrument_lookup(const char *s, size_t n);

/* The table itself, in column order, and its length (for listings and tests). */
const struct instrument_code *ingest_instrument_table(size_t *n);

#endif
