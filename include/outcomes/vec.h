/* vec.h: growing an array that is only ever appended to, with no capacity field: the capacity
 * is implicitly the next power of two at or above max(n, 8), so appends stay amortised O(1)
 * (an array grown by one element per realloc is quadratic wherever realloc has to copy). */
#ifndef OUTCOMES_VEC_H
#define OUTCOMES_VEC_H

#include <stddef.h>
#include <stdlib.h>

/* Makes room for element n of *p (n elements held, each elem bytes). Returns 0, or -1 when out
 * of memory (*p unchanged). */
static inline int vec_reserve(void *p, size_t n, size_t elem)
{
    void **pp = p;
    size_t cap;
    if (n == 0)
        cap = 8;
    else if (n >= 8 && (n & (n - 1)) == 0)
        cap = 2 * n;
    else
        return 0;
    if (cap > (size_t)-1 / elem)
        return -1;
    void *q = realloc(*pp, cap * elem);
    if (!q)
        return -1;
    *pp = q;
    return 0;
}

#endif
