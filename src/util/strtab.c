/* strtab.c: interning with open addressing (linear probing, FNV-1a hash) over offsets into a
 * single byte buffer. No deletion: tables live as long as the rows that reference them. */
#include "outcomes/strtab.h"

#include <stdlib.h>
#include <string.h>

struct strtab {
    char *bytes;      /* all strings, each NUL-terminated */
    size_t nbytes;    /* bytes used */
    size_t capbytes;  /* bytes allocated */
    uint64_t *offs;   /* offs[id]: offset of string id in bytes */
    uint32_t *lens;   /* lens[id]: its length */
    uint32_t count;   /* number of ids */
    uint32_t capids;  /* entries allocated in offs/lens */
    uint32_t *slots;  /* hash slots: id + 1, 0 = empty */
    uint32_t nslots;  /* power of two */
    uint32_t indexed; /* ids below this are in slots (strtab_append leaves the rest out) */
    int lent;         /* bytes point into another table's buffer (strtab_adopt_bytes) */
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

struct strtab *strtab_new(void)
{
    struct strtab *t = calloc(1, sizeof *t);
    uint32_t id;
    if (!t)
        return NULL;
    t->nslots = 64;
    t->slots = calloc(t->nslots, sizeof *t->slots);
    if (!t->slots || strtab_intern(t, "", 0, &id) != 0) {
        strtab_free(t);
        return NULL;
    }
    return t;
}

void strtab_free(struct strtab *t)
{
    if (!t)
        return;
    if (!t->lent)
        free(t->bytes);
    free(t->offs);
    free(t->lens);
    free(t->slots);
    free(t);
}

/* Rebuilds the slots with n of them (a power of two) from every id. */
static int rehash(struct strtab *t, uint32_t n)
{
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t id = 0; id < t->count; id++) {
        uint32_t h = hash_bytes(t->bytes + t->offs[id], t->lens[id]) & (n - 1);
        while (slots[h])
            h = (h + 1) & (n - 1);
        slots[h] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    t->indexed = t->count;
    return 0;
}

/* Stores s[0..n) as id t->count without looking it up. */
static int store(struct strtab *t, const char *s, size_t n)
{
    if (n > UINT32_MAX - 1 || t->count == UINT32_MAX - 1)
        return -1;
    if (t->nbytes + n + 1 > t->capbytes) {
        if (t->lent)
            return -1; /* a table whose bytes are another's takes no new string */
        size_t cap = t->capbytes ? t->capbytes : 4096;
        while (cap < t->nbytes + n + 1)
            cap *= 2;
        char *b = realloc(t->bytes, cap);
        if (!b)
            return -1;
        t->bytes = b;
        t->capbytes = cap;
    }
    if (t->count == t->capids) {
        uint32_t cap = t->capids ? t->capids * 2 : 64;
        uint64_t *o = realloc(t->offs, cap * sizeof *o);
        if (!o)
            return -1;
        t->offs = o;
        uint32_t *l = realloc(t->lens, cap * sizeof *l);
        if (!l)
            return -1;
        t->lens = l;
        t->capids = cap;
    }
    memcpy(t->bytes + t->nbytes, s, n);
    t->bytes[t->nbytes + n] = '\0';
    t->offs[t->count] = t->nbytes;
    t->lens[t->count] = (uint32_t)n;
    t->nbytes += n + 1;
    t->count++;
    return 0;
}

int strtab_adopt_bytes(struct strtab *dst, struct strtab *const *srcs, size_t n)
{
    size_t total = dst->nbytes, big = SIZE_MAX;
    for (size_t k = 0; k < n; k++) {
        total += srcs[k]->nbytes;
        if (srcs[k]->lent || srcs[k] == dst)
            return -1;
        if (big == SIZE_MAX || srcs[k]->nbytes > srcs[big]->nbytes)
            big = k;
    }
    if (big == SIZE_MAX || dst->lent)
        return -1;
    /* the largest buffer grows in place where it can (a large block is remapped, not copied) */
    char *buf = realloc(srcs[big]->bytes, total ? total : 1);
    if (!buf)
        return -1;
    size_t off = srcs[big]->nbytes;
    srcs[big]->bytes = buf;
    srcs[big]->capbytes = srcs[big]->nbytes;
    srcs[big]->lent = 1;
    memcpy(buf + off, dst->bytes, dst->nbytes); /* dst's own strings ("" at least) */
    for (uint32_t id = 0; id < dst->count; id++)
        dst->offs[id] += off;
    off += dst->nbytes;
    for (size_t k = 0; k < n; k++) {
        if (k == big)
            continue;
        /* copied from its end in pieces, the source shrunk after each (a large block gives
         * its pages back as it shrinks): the bytes are never held twice, but for a piece */
        char *src = srcs[k]->bytes;
        for (size_t left = srcs[k]->nbytes, piece; left > 0; left -= piece) {
            piece = left < ((size_t)16 << 20) ? left : ((size_t)16 << 20);
            memcpy(buf + off + left - piece, src + left - piece, piece);
            char *rest = left > piece ? realloc(src, left - piece) : NULL;
            src = rest ? rest : src; /* (NULL: none left, or kept whole: it is freed below) */
        }
        srcs[k]->bytes = src;
        free(srcs[k]->bytes);
        srcs[k]->bytes = buf + off;
        srcs[k]->capbytes = srcs[k]->nbytes;
        srcs[k]->lent = 1;
        off += srcs[k]->nbytes;
    }
    free(dst->bytes);
    dst->bytes = buf;
    dst->nbytes = dst->capbytes = total;
    return 0;
}

int strtab_append_ref(struct strtab *t, const char *p, size_t n, uint32_t *id)
{
    if (n > UINT32_MAX - 1 || t->count == UINT32_MAX - 1 || p < t->bytes ||
        p + n >= t->bytes + t->nbytes || p[n] != '\0')
        return -1;
    if (t->count == t->capids) {
        uint32_t cap = t->capids ? t->capids * 2 : 64;
        uint64_t *o = realloc(t->offs, cap * sizeof *o);
        if (!o)
            return -1;
        t->offs = o;
        uint32_t *l = realloc(t->lens, cap * sizeof *l);
        if (!l)
            return -1;
        t->lens = l;
        t->capids = cap;
    }
    t->offs[t->count] = (uint64_t)(p - t->bytes);
    t->lens[t->count] = (uint32_t)n;
    *id = t->count++;
    return 0;
}

int strtab_append(struct strtab *t, const char *s, size_t n, uint32_t *id)
{
    if (store(t, s, n) != 0)
        return -1;
    *id = t->count - 1;
    return 0;
}

int strtab_intern(struct strtab *t, const char *s, size_t n, uint32_t *id)
{
    if (n > UINT32_MAX - 1)
        return -1;
    if (t->indexed != t->count) { /* ids strtab_append left out of the slots */
        uint32_t want = t->nslots;
        while ((uint64_t)t->count * 2 > want)
            want *= 2;
        if (rehash(t, want) != 0)
            return -1;
    }
    uint32_t h = hash_bytes(s, n) & (t->nslots - 1);
    while (t->slots[h]) {
        uint32_t cand = t->slots[h] - 1;
        if (t->lens[cand] == n && memcmp(t->bytes + t->offs[cand], s, n) == 0) {
            *id = cand;
            return 0;
        }
        h = (h + 1) & (t->nslots - 1);
    }
    if (store(t, s, n) != 0)
        return -1;
    t->slots[h] = t->count;
    *id = t->count - 1;
    t->indexed = t->count;
    if ((uint64_t)t->count * 2 > t->nslots && rehash(t, t->nslots * 2) != 0)
        return -1; /* the string is stored; a later lookup still finds it by probing */
    return 0;
}

const char *strtab_get(const struct strtab *t, uint32_t id, size_t *len)
{
    if (len)
        *len = t->lens[id];
    return t->bytes + t->offs[id];
}

uint32_t strtab_count(const struct strtab *t)
{
    return t->count;
}

/* A string to order: its first 8 bytes (big-endian, zero-padded) decide most comparisons; the
 * rest is read through the table. 16 bytes, sorted in place: ordering a chunk's million
 * strings costs 16 MB, not the 48 of an array of pointers and its merge-sort copy. */
struct rank_item {
    uint64_t prefix;
    uint32_t len;
    uint32_t id;
};

static int rank_cmp(const struct strtab *t, const struct rank_item *x, const struct rank_item *y)
{
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(t->bytes + t->offs[x->id], t->bytes + t->offs[y->id], n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

static void item_swap(struct rank_item *a, struct rank_item *b)
{
    struct rank_item x = *a;
    *a = *b;
    *b = x;
}

static void sift_down(const struct strtab *t, struct rank_item *a, size_t n, size_t i)
{
    for (;;) {
        size_t m = i, l = 2 * i + 1, r = l + 1;
        if (l < n && rank_cmp(t, &a[l], &a[m]) > 0)
            m = l;
        if (r < n && rank_cmp(t, &a[r], &a[m]) > 0)
            m = r;
        if (m == i)
            return;
        item_swap(&a[i], &a[m]);
        i = m;
    }
}

/* Sorts a[0..n) in place (the strings are distinct, so any sort gives the one order):
 * quicksort on a median of three, heapsort past depth levels, insertion sort for short runs. */
static void sort_items(const struct strtab *t, struct rank_item *a, size_t n, int depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            for (size_t i = n / 2; i-- > 0;)
                sift_down(t, a, n, i);
            for (size_t e = n; e-- > 1;) {
                item_swap(&a[0], &a[e]);
                sift_down(t, a, e, 0);
            }
            return;
        }
        size_t m = n / 2;
        if (rank_cmp(t, &a[m], &a[0]) < 0)
            item_swap(&a[m], &a[0]);
        if (rank_cmp(t, &a[n - 1], &a[0]) < 0)
            item_swap(&a[n - 1], &a[0]);
        if (rank_cmp(t, &a[n - 1], &a[m]) < 0)
            item_swap(&a[n - 1], &a[m]);
        const struct rank_item p = a[m];
        size_t i = 0, j = n - 1; /* Hoare: a[0] <= p <= a[n - 1] stop the scans */
        for (;;) {
            while (rank_cmp(t, &a[i], &p) < 0)
                i++;
            while (rank_cmp(t, &a[j], &p) > 0)
                j--;
            if (i >= j)
                break;
            item_swap(&a[i++], &a[j--]);
        }
        size_t left = j + 1; /* a[0..left) <= p <= a[left..n) */
        if (left < n - left) {
            sort_items(t, a, left, depth);
            a += left;
            n -= left;
        } else {
            sort_items(t, a + left, n - left, depth);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && rank_cmp(t, &a[k], &a[k - 1]) < 0; k--)
            item_swap(&a[k], &a[k - 1]);
}

int strtab_order(const struct strtab *t, uint32_t *order)
{
    struct rank_item *items = malloc(((size_t)t->count ? t->count : 1) * sizeof *items);
    if (!items)
        return -1;
    for (uint32_t id = 0; id < t->count; id++) {
        const char *s = t->bytes + t->offs[id];
        items[id].len = t->lens[id];
        items[id].id = id;
        uint64_t p = 0;
        for (uint32_t k = 0; k < 8; k++)
            p = (p << 8) | (k < items[id].len ? (unsigned char)s[k] : 0);
        items[id].prefix = p;
    }
    int depth = 2;
    for (size_t n = t->count; n > 1; n >>= 1)
        depth += 2;
    sort_items(t, items, t->count, depth);
    for (uint32_t r = 0; r < t->count; r++)
        order[r] = items[r].id;
    free(items);
    return 0;
}

int strtab_rank(const struct strtab *t, uint32_t *rank)
{
    uint32_t *order = malloc(((size_t)t->count ? t->count : 1) * sizeof *order);
    if (!order || strtab_order(t, order) != 0) {
        free(order);
        return -1;
    }
    for (uint32_t r = 0; r < t->count; r++)
        rank[order[r]] = r;
    free(order);
    return 0;
}

struct strtab *strtab_sorted_copy(const struct strtab *t, const uint32_t *rank)
{
    struct strtab *c = strtab_new();
    uint32_t *by_rank = malloc((size_t)t->count * sizeof *by_rank);
    if (!c || !by_rank)
        goto fail;
    for (uint32_t id = 0; id < t->count; id++)
        by_rank[rank[id]] = id;
    for (uint32_t r = 1; r < t->count; r++) {
        uint32_t id;
        if (strtab_intern(c, t->bytes + t->offs[by_rank[r]], t->lens[by_rank[r]], &id) != 0)
            goto fail;
    }
    free(by_rank);
    return c;
fail:
    free(by_rank);
    strtab_free(c);
    return NULL;
}
