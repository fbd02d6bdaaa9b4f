/* benchmarks.c: published rates and the clinic's targets set beside the clinic's rate of the
 * same population (SPEC section 10): a complete-case benchmark beside response_observed (or
 * remission_observed), one that counts a missing endpoint as not met beside response (or
 * remission). Only the benchmarks of the report's instrument are kept, in the list's order.
 * Position: where the benchmark lies against the clinic's 95 % interval, limits inclusive
 * ("inside" when lower <= rate <= upper); none when the clinic has no rate. The list itself is
 * read by src/ingest/benchmarks.c (benchmarks.csv, --benchmarks, --target). */
#include <math.h>
#include <stdlib.h>

#include "model_int.h"

const char *model_bm_position_name(int pos)
{
    switch (pos) {
    case BM_BELOW: return "below";
    case BM_INSIDE: return "inside";
    case BM_ABOVE: return "above";
    default: return NULL;
    }
}

int model_benchmarks(struct analysis *a)
{
    const struct benchmark_list *bl = a->opts.benchmarks;
    a->benchmarks = NULL;
    a->nbenchmarks = 0;
    if (!bl || bl->n == 0)
        return 0;
    a->benchmarks = calloc(bl->n, sizeof *a->benchmarks);
    if (!a->benchmarks)
        return -1;
    for (size_t i = 0; i < bl->n; i++) {
        const struct benchmark *b = &bl->v[i];
        if (!b->target && b->instrument != a->opts.instrument)
            continue;
        struct benchmark_result *r = &a->benchmarks[a->nbenchmarks++];
        int cc = b->population == BM_COMPLETE_CASE;
        r->b = b;
        r->clinic = b->measure == BM_REMISSION ? (cc ? &a->remission_observed : &a->remission)
                                               : (cc ? &a->response_observed : &a->response);
        if (r->clinic->n == 0 || isnan(r->clinic->lo) || isnan(r->clinic->hi))
            r->position = BM_NONE;
        else
            r->position = b->rate < r->clinic->lo   ? BM_BELOW
                          : b->rate > r->clinic->hi ? BM_ABOVE
                                                    : BM_INSIDE;
    }
    return 0;
}
