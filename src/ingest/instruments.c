/* instruments.c: finding an instrument of the column table (columns.h) by name or LOINC code. */
#include "outcomes/instruments.h"

#include <string.h>

static int same_word(const char *a, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        if (a[i] == '\0' || a[i] != c)
            return 0;
    }
    return a[n] == '\0';
}

const struct column_info *ingest_instrument_lookup(const char *s, size_t n)
{
    for (int c = COL_PHQ9; c < COL_PHQ9 + N_CONFLICT_COLS; c++) {
        const struct column_info *e = &ingest_columns[c];
        if (same_word(e->name, s, n) ||
            (e->loinc && strlen(e->loinc) == n && memcmp(e->loinc, s, n) == 0))
            return e;
    }
    return NULL;
}
