/* instruments.h: the score instruments a long score file or a FHIR Observation may name, by our
 * column name or by LOINC code (SPEC section 16). The names, codes and ranges are the column
 * table's (columns.h: the conflict-checked integer columns, COL_PHQ9 .. COL_CADSS - 1), listed in
 * README.md "Long score files". */
#ifndef OUTCOMES_INSTRUMENTS_H
#define OUTCOMES_INSTRUMENTS_H

#include <stddef.h>

#include "outcomes/columns.h"

/* The instrument whose name (case-insensitively) or LOINC code is s[0..n) (no surrounding
 * blanks; s need not be NUL-terminated), or NULL. The returned entry is the column table's. */
const struct column_info *ingest_instrument_lookup(const char *s, size_t n);

#endif
