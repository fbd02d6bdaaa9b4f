/* sort.h: a stable merge sort of uint32 indices with a context-carrying comparator (C11's qsort
 * has no context argument, and stability keeps results independent of the sort's internals). */
#ifndef OUTCOMES_SORT_H
#define OUTCOMES_SORT_H

#include <stddef.h>
#include <stdint.h>

typedef int (*sort_cmp_fn)(uint32_t a, uint32_t b, const void *ctx);

/* Sorts idx[0..n) by cmp; tmp must hold n entries (scratch). */
void sort_indices(uint32_t *idx, size_t n, sort_cmp_fn cmp, const void *ctx, uint32_t *tmp);

#endif
