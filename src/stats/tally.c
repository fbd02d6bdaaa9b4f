/* tally.c: distinct times with their event and censoring counts, in increasing order, for the
 * survival estimators. Times that are all small non-negative integers (days, sessions: the
 * usual case) are counted in O(n + range); any other times are sorted. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/sort.h"
#include "stats_int.h"

#define MAX_RANGE 4000000L /* count directly when max - min is at most this */

static int time_cmp(uint32_t a, uint32_t b, const void *ctx)
{
    const double *t = ctx;
    return (t[a] > t[b]) - (t[a] < t[b]);
}

void stats_tally_fini(struct tally *t)
{
    free(t->time);
    free(t->d);
    free(t->c);
    memset(t, 0, sizeof *t);
}

/* Groups: group[i] in 0..ngroups-1 (group may be NULL: one group). d and c are k x ngroups. */
int stats_tally(const double *time, const int *event, const int *group, int ngroups, size_t n,
                struct tally *t)
{
    memset(t, 0, sizeof *t);
    size_t G = group ? (size_t)ngroups : 1;
    if (n == 0)
        return 0;
    double lo = time[0], hi = time[0];
    int integral = 1;
    for (size_t i = 0; i < n; i++) {
        if (time[i] < lo)
            lo = time[i];
        if (time[i] > hi)
            hi = time[i];
        integral &= time[i] == floor(time[i]);
    }
    if (integral && hi - lo <= MAX_RANGE && (hi - lo + 1) * (double)G <= 4.0 * MAX_RANGE) {
        size_t range = (size_t)(hi - lo) + 1;
        long *d = calloc(range * G, sizeof *d), *c = calloc(range * G, sizeof *c);
        char *present = calloc(range, 1);
        if (!d || !c || !present) {
            free(d);
            free(c);
            free(present);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            size_t s = (size_t)(time[i] - lo);
            size_t g = group ? (size_t)group[i] : 0;
            present[s] = 1;
            if (event[i])
                d[s * G + g]++;
            else
                c[s * G + g]++;
        }
        for (size_t s = 0; s < range; s++)
            t->k += present[s];
        t->time = malloc(t->k * sizeof *t->time);
        t->d = malloc(t->k * G * sizeof *t->d);
        t->c = malloc(t->k * G * sizeof *t->c);
        if (t->time && t->d && t->c) {
            size_t k = 0;
            for (size_t s = 0; s < range; s++) {
                if (!present[s])
                    continue;
                t->time[k] = lo + (double)s;
                memcpy(t->d + k * G, d + s * G, G * sizeof *d);
                memcpy(t->c + k * G, c + s * G, G * sizeof *c);
                k++;
            }
        }
        free(d);
        free(c);
        free(present);
        if (!t->time || !t->d || !t->c) {
            stats_tally_fini(t);
            return -1;
        }
        return 0;
    }
    uint32_t *idx = malloc(n * sizeof *idx), *tmp = malloc(n * sizeof *tmp);
    if (!idx || !tmp) {
        free(idx);
        free(tmp);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    sort_indices(idx, n, time_cmp, time, tmp);
    size_t k = 0; /* distinct times: the counts are k x G, not n x G */
    for (size_t i = 0; i < n; i++)
        k += i == 0 || time[idx[i]] != time[idx[i - 1]];
    t->time = malloc(k * sizeof *t->time);
    t->d = calloc(k * G, sizeof *t->d);
    t->c = calloc(k * G, sizeof *t->c);
    if (!t->time || !t->d || !t->c) {
        free(idx);
        free(tmp);
        stats_tally_fini(t);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = idx[i];
        if (i == 0 || time[j] != t->time[t->k - 1])
            t->time[t->k++] = time[j];
        size_t g = group ? (size_t)group[j] : 0;
        if (event[j])
            t->d[(t->k - 1) * G + g]++;
        else
            t->c[(t->k - 1) * G + g]++;
    }
    free(idx);
    free(tmp);
    return 0;
}
