/* stats_int.h: internals shared by the files of src/stats. */
#ifndef OUTCOMES_STATS_INT_H
#define OUTCOMES_STATS_INT_H

#include <stddef.h>

#include "outcomes/stats.h"

/* Distinct times in increasing order; d[k * G + g] events and c[k * G + g] censorings of
 * group g at time[k] (G = ngroups, or 1 without groups). */
struct tally {
    double *time;
    long *d, *c;
    size_t k;
};

int stats_tally(const double *time, const int *event, const int *group, int ngroups, size_t n,
                struct tally *t);
void stats_tally_fini(struct tally *t);

#endif
