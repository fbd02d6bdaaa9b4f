/* strata.c: what the two pages of breakdowns share: which values of a stratum are drawn, and
 * each stratum variable's heading. */
#include <string.h>

#include "pages.h"
/* Up to max (<= PICK_MAX) values of a stratum into idx: the largest km_n (ties: the earlier
 * value), shown in byte order. One pass over any number of values, O(nvalues * max). */
int pick_values(const struct stratum *st, int max, int *idx)
{
    int n = 0;
    for (size_t k = 0; k < st->nvalues; k++) {
        long v = st->values[k].km_n;
        int pos = n;
        while (pos > 0 && st->values[idx[pos - 1]].km_n < v)
            pos--;
        if (pos >= max)
            continue;
        if (n < max)
            n++;
        for (int j = n - 1; j > pos; j--)
            idx[j] = idx[j - 1];
        idx[pos] = (int)k;
    }
    for (int i = 1; i < n; i++) /* back to byte order */
        for (int j = i; j > 0 && idx[j - 1] > idx[j]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    return n;
}

/* A value's place in the order it is drawn: dose bands by their numbers (<0.50, 0.50-0.74,
 * 0.75-0.99, >=1.00: the byte order would put "<0.50" after "0.75-0.99"), other values by
 * their index (byte order). */
static int draw_rank(int var, const struct stratum *st, int k)
{
    if (var == SV_DOSE_BAND)
        for (int b = 0; b < DOSE_BANDS; b++)
            if (strcmp(st->values[k].value, model_dose_band_name(b)) == 0)
                return b;
    return k;
}

void order_values(int var, const struct stratum *st, int *idx, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && draw_rank(var, st, idx[j - 1]) > draw_rank(var, st, idx[j]); j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

const char *var_title(int v)
{
    static const char *const t[SV_COUNT] = {
        "Site",         "Clinician",         "Route", "Drug", "Concurrent therapy",
        "Dose (mg/kg)", "Induction sessions"};
    return t[v];
}
