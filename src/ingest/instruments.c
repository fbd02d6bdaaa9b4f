/* instruments.c: the instrument table of instruments.h. LOINC codes only where they are
 * established and checked (README.md "Long score files" cites them); an instrument without one is
 * named by its column name only. */
#include "outcomes/instruments.h"

#include "outcomes/ingest.h"

#include <string.h>

static const struct instrument_code table[] = {
    {"phq9", "44261-6", COL_PHQ9},             /* PHQ-9 total score [Reported] */
    {"phq9_item9", "44260-8", COL_PHQ9_ITEM9}, /* PHQ-9 item 9, thoughts of self-harm */
    {"madrs", NULL, COL_MADRS},
    {"qids_sr16", NULL, COL_QIDS_SR16},
    {"hamd17", NULL, COL_HAMD17},
    {"bdi2", "89209-1", COL_BDI2},             /* Beck Depression Inventory II total score */
    {"gad7", "70274-6", COL_GAD7},             /* GAD-7 total score [Reported] */
};
#define N_INSTRUMENTS (sizeof table / sizeof table[0])

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

const struct instrument_code *ingest_instrument_lookup(const char *s, size_t n)
{
    for (size_t k = 0; k < N_INSTRUMENTS; k++) {
        const struct instrument_code *e = &table[k];
        if (same_word(e->name, s, n) ||
            (e->loinc && strlen(e->loinc) == n && memcmp(e->loinc, s, n) == 0))
            return e;
    }
    return NULL;
}

const struct instrument_code *ingest_instrument_table(size_t *n)
{
    *n = N_INSTRUMENTS;
    return table;
}
