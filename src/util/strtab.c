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
        memcpy(buf + off, srcs[k]->bytes, srcs[k]->nbytes);
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

/* qsort has no context argument in C11: sort (offset, length) pairs carrying the bytes base. */
struct rank_item {
    uint64_t prefix; /* the first 8 bytes, big-endian, zero-padded: decides most comparisons */
    const char *s;
    uint32_t len;
    uint32_t id;
};

static int rank_cmp(const void *a, const void *b)
{
    const struct rank_item *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

int strtab_rank(const struct strtab *t, uint32_t *rank)
{
    struct rank_item *items = malloc((size_t)t->count * sizeof *items);
    if (!items)
        return -1;
    for (uint32_t id = 0; id < t->count; id++) {
        items[id].s = t->bytes + t->offs[id];
        items[id].len = t->lens[id];
        items[id].id = id;
        uint64_t p = 0;
        for (uint32_t k = 0; k < 8; k++)
            p = (p << 8) | (k < items[id].len ? (unsigned char)items[id].s[k] : 0);
        items[id].prefix = p;
    }
    qsort(items, t->count, sizeof *items, rank_cmp);
    for (uint32_t r = 0; r < t->count; r++)
        rank[items[r].id] = r;
    free(items);
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
