/* sort.c: top-down merge sort on index arrays, insertion sort below 16 elements. Stable. */
#include "outcomes/sort.h"

#include <string.h>

static void msort(uint32_t *a, uint32_t *t, size_t n, sort_cmp_fn cmp, const void *ctx)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            uint32_t v = a[i];
            size_t j = i;
            while (j > 0 && cmp(a[j - 1], v, ctx) > 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    msort(a, t, h, cmp, ctx);
    msort(a + h, t, n - h, cmp, ctx);
    if (cmp(a[h - 1], a[h], ctx) <= 0)
        return;
    memcpy(t, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        a[k++] = cmp(a[j], t[i], ctx) < 0 ? a[j++] : t[i++];
    while (i < h)
        a[k++] = t[i++];
}

void sort_indices(uint32_t *idx, size_t n, sort_cmp_fn cmp, const void *ctx, uint32_t *tmp)
{
    msort(idx, tmp, n, cmp, ctx);
}
