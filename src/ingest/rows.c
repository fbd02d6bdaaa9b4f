/* rows.c: the compact row store: one array per column, strings interned. Growing doubles every
 * column with realloc (large blocks are remapped by the allocator, not copied). */
#include "ingest_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Exports repeat values from row to row (a patient's rows, a site's, the common side-effect
 * combinations): a small direct-mapped cache per column answers most lookups with one short
 * memcmp instead of a hash-table probe. */
#define CACHE_SLOTS 64
#define CACHE_BYTES 46
struct cache_slot {
    uint32_t id;
    uint16_t len; /* 0 = empty slot (the empty string never needs a lookup) */
    char bytes[CACHE_BYTES];
};
enum { CACHE_PATIENT, CACHE_SITE, CACHE_CLINICIAN, CACHE_THERAPY, CACHE_ADVERSE, CACHE_COLUMNS };
struct intern_cache {
    struct cache_slot slot[CACHE_COLUMNS][CACHE_SLOTS];
};

/* a[0..n) == b[0..n), without a library call for the short strings of a cache slot
 * (overlapping word loads, never past either end). */
static inline int short_equal(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t x, y, u, v;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        memcpy(&u, a + n - 8, 8);
        memcpy(&v, b + n - 8, 8);
        return ((x ^ y) | (u ^ v)) == 0;
    }
    if (n >= 4 && n < 8) {
        uint32_t x, y, u, v;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return ((x ^ y) | (u ^ v)) == 0;
    }
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    return memcmp(a, b, n) == 0;
}

static int intern_cached(struct strtab *t, struct cache_slot *slots, const char *s, size_t n,
                         uint32_t *id)
{
    if (n == 0) {
        *id = 0;
        return 0;
    }
    struct cache_slot *c = NULL;
    if (n <= CACHE_BYTES) {
        c = &slots[(n * 131u + (unsigned char)s[0] * 31u + (unsigned char)s[n - 1] * 7u +
                    (unsigned char)s[n / 2]) &
                   (CACHE_SLOTS - 1)];
        if (c->len == n && short_equal(c->bytes, s, n)) {
            *id = c->id;
            return 0;
        }
    }
    if (strtab_intern(t, s, n, id) != 0)
        return -1;
    if (c) {
        c->id = *id;
        c->len = (uint16_t)n;
        memcpy(c->bytes, s, n);
    }
    return 0;
}

int rows_init(struct rows *rows)
{
    memset(rows, 0, sizeof *rows);
    rows->patients = strtab_new();
    rows->text = strtab_new();
    rows->cache = calloc(1, sizeof *rows->cache);
    if (!rows->patients || !rows->text || !rows->cache) {
        rows_fini(rows);
        return -1;
    }
    return 0;
}

void rows_fini(struct rows *rows)
{
    if (!rows)
        return;
#define FREE_COLUMN(FIELD, T)                                                                      \
    do {                                                                                           \
        free(rows->FIELD);                                                                         \
        rows->FIELD = NULL;                                                                        \
    } while (0)
    if (!rows->borrowed) {
        FOR_EACH_COLUMN(FREE_COLUMN, rows);
        for (int k = 0; k < N_INT_COLS; k++)
            free(rows->small[k]);
        for (int c = 0; c < TEXT_COLS; c++)
            free(rows->ids[c].p);
        free(rows->dose_dec);
        free(rows->weight_dec);
        free(rows->kind);
        free(rows->date16);
    }
#undef FREE_COLUMN
    strtab_free(rows->patients);
    strtab_free(rows->text);
    free(rows->cache);
    memset(rows, 0, sizeof *rows);
}

void rows_release_columns(struct rows *rows)
{
#define RELEASE_COLUMN(FIELD, T)                                                                   \
    do {                                                                                           \
        free(rows->FIELD);                                                                         \
        rows->FIELD = NULL;                                                                        \
    } while (0)
    FOR_EACH_COLUMN(RELEASE_COLUMN, rows);
    for (int k = 0; k < N_INT_COLS; k++)
        RELEASE_COLUMN(small[k], uint8_t);
    for (int c = 0; c < TEXT_COLS; c++)
        RELEASE_COLUMN(ids[c].p, void);
    RELEASE_COLUMN(dose_dec, uint32_t);
    RELEASE_COLUMN(kind, uint8_t);
    RELEASE_COLUMN(date16, uint16_t);
    RELEASE_COLUMN(weight_dec, uint32_t);
#undef RELEASE_COLUMN
    free(rows->cache);
    rows->cache = NULL;
    rows->cap = 0;
}

/* Integer column k: freed when no row has a value, else moved to a byte a row when its values
 * span at most 255 numbers (byte 0 = absent, else value - small_off[k]). */
static void narrow_int(struct rows *r, int k)
{
    int lo = INT16_MAX, hi = -1;
    for (size_t i = 0; i < r->n; i++) {
        int v = rows_int(r, COL_FIRST_INT + k, i);
        if (v >= 0) {
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    }
    uint8_t *s = hi < 0 || hi - lo > 254 ? NULL : malloc(r->n ? r->n : 1);
    if (s) { /* (else, out of memory: the column stays as it is) */
        int off = lo - 1;
        for (size_t i = 0; i < r->n; i++) {
            int v = rows_int(r, COL_FIRST_INT + k, i);
            s[i] = v < 0 ? 0 : (uint8_t)(v - off);
        }
        r->small_off[k] = (int16_t)off;
    }
    if (hi < 0 || s) {
        free(r->score[k]);
        free(r->score8[k]);
        r->score[k] = NULL;
        r->score8[k] = NULL;
        r->small[k] = s;
    }
}

/* Text column c (*w): moved to one or two bytes a row when its largest id allows. */
static void narrow_text(struct rows *r, int c, uint32_t **w)
{
    const uint32_t *v = *w;
    uint32_t hi = 0;
    for (size_t i = 0; i < r->n; i++)
        hi = v[i] > hi ? v[i] : hi;
    int width = hi <= UINT8_MAX ? 1 : hi <= UINT16_MAX ? 2 : 4;
    void *p = width == 4 ? NULL : malloc((r->n ? r->n : 1) * (size_t)width);
    if (!p) /* (wide ids, or out of memory: the column stays as it is) */
        return;
    if (width == 1)
        for (size_t i = 0; i < r->n; i++)
            ((uint8_t *)p)[i] = (uint8_t)v[i];
    else
        for (size_t i = 0; i < r->n; i++)
            ((uint16_t *)p)[i] = (uint16_t)v[i];
    free(*w);
    *w = NULL;
    r->ids[c] = (struct narrow_ids){p, width};
}

/* d as (v << 4) | k with v / 10^k == d exactly and v < 2^28 - 1 (the smallest k), NaN as
 * ROWS_DEC_ABSENT; 0 when there is none (then the column stays in doubles). */
static int pack_decimal(double d, uint32_t *out)
{
    if (isnan(d)) {
        *out = ROWS_DEC_ABSENT;
        return 1;
    }
    if (!(d >= 0) || signbit(d))
        return 0;
    for (uint32_t k = 0; k < 16; k++) {
        double x = nearbyint(d * rows_pow10[k]);
        if (!(x < (double)((1u << 28) - 1)))
            return 0;
        uint32_t q = ((uint32_t)x << 4) | k;
        if (rows_decimal(q) == d) {
            *out = q;
            return 1;
        }
    }
    return 0;
}

/* The dose or weight column *w: moved to four bytes a row (*dec) when every value packs. */
static void narrow_decimal(struct rows *r, double **w, uint32_t **dec)
{
    uint32_t *p = malloc((r->n ? r->n : 1) * sizeof *p);
    if (!p)
        return;
    const double *v = *w;
    double last = NAN;
    uint32_t lastq = ROWS_DEC_ABSENT;
    for (size_t i = 0; i < r->n; i++) {
        if (v[i] == last || (isnan(v[i]) && isnan(last))) { /* (runs: a patient's dose) */
            p[i] = lastq;
            continue;
        }
        if (!pack_decimal(v[i], &p[i])) {
            free(p);
            return;
        }
        last = v[i];
        lastq = p[i];
    }
    free(*w);
    *w = NULL;
    *dec = p;
}

/* Type, route and drug in one byte (kind). */
static void narrow_kind(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->type[i] > 1 || r->route[i] > 7 || r->drug[i] > 15)
            return;
    uint8_t *k = malloc(r->n ? r->n : 1);
    if (!k) /* (out of memory: the columns stay as they are) */
        return;
    for (size_t i = 0; i < r->n; i++)
        k[i] = (uint8_t)(r->type[i] | r->route[i] << 1 | r->drug[i] << 4);
    free(r->type);
    free(r->route);
    free(r->drug);
    r->type = r->route = r->drug = NULL;
    r->kind = k;
}

/* The dates as 2-byte offsets from the first (date16) when they span 65,535 days or fewer. */
static void narrow_dates(struct rows *r)
{
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < r->n; i++) {
        lo = r->date[i] < lo ? r->date[i] : lo;
        hi = r->date[i] > hi ? r->date[i] : hi;
    }
    uint16_t *d = r->n && (int64_t)hi - lo <= UINT16_MAX ? malloc(r->n * sizeof *d) : NULL;
    if (!d)
        return;
    for (size_t i = 0; i < r->n; i++)
        d[i] = (uint16_t)(r->date[i] - lo);
    free(r->date);
    r->date = NULL;
    r->date16 = d;
    r->date_base = lo;
}

/* The conflict bits freed when no row has one (rows_conflict reads 0 then). */
static void narrow_conflicts(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->conflict[i])
            return;
    free(r->conflict);
    r->conflict = NULL;
}

void rows_narrow(struct rows *r)
{
    if (r->borrowed)
        return;
    r->dec_read = 0; /* (its dose_dec, weight_dec are the narrow form) */
    for (int k = 0; k < N_INT_COLS; k++)
        if (r->score[k] || r->score8[k])
            narrow_int(r, k);
    uint32_t **text[TEXT_COLS] = {&r->site, &r->clinician, &r->therapy, &r->adverse};
    for (int c = 0; c < TEXT_COLS; c++)
        if (*text[c] && !r->ids[c].p)
            narrow_text(r, c, text[c]);
    if (r->type && r->route && r->drug)
        narrow_kind(r);
    if (r->date)
        narrow_dates(r);
    if (r->conflict)
        narrow_conflicts(r);
    if (r->dose_mg)
        narrow_decimal(r, &r->dose_mg, &r->dose_dec);
    if (r->weight_kg)
        narrow_decimal(r, &r->weight_kg, &r->weight_dec);
}

void rows_release_provenance(struct rows *rows)
{
    free(rows->line);
    free(rows->file);
    rows->line = NULL;
    rows->file = NULL;
}

#define GROW(FIELD, T)                                                                             \
    do {                                                                                           \
        T *p_ = realloc(rows->FIELD, cap * sizeof *p_);                                            \
        if (!p_)                                                                                   \
            return -1;                                                                             \
        rows->FIELD = p_;                                                                          \
    } while (0)

int rows_reserve(struct rows *rows, size_t cap)
{
    if (cap <= rows->cap)
        return 0;
    if (rows->borrowed)
        return -1; /* a window never grows (its size bounds the records it can receive) */
    if (rows->lean)
        FOR_EACH_READ_COLUMN(GROW, rows);
    else
        FOR_EACH_COLUMN(GROW, rows);
    rows->cap = cap;
    return 0;
}
#undef GROW

void rows_borrow(struct rows *window, const struct rows *store, size_t from, size_t cap)
{
#define WINDOW(FIELD, T) window->FIELD = store->FIELD + from
    window->dec_read = store->dec_read;
    FOR_EACH_READ_COLUMN(WINDOW, store);
#undef WINDOW
    window->int_unread = store->int_unread;
    window->n = 0;
    window->cap = cap;
    window->lean = 1;
    window->borrowed = 1;
}

int rows_push(struct rows *rows, const struct row_stage *st)
{
    if (rows->n == rows->cap && rows_reserve(rows, rows->cap ? rows->cap * 2 : 1024) != 0)
        return -1;
    size_t i = rows->n;
    struct cache_slot(*cache)[CACHE_SLOTS] = rows->cache->slot;
    if (intern_cached(rows->patients, cache[CACHE_PATIENT], st->patient, st->npatient,
                      &rows->patient[i]) != 0)
        return -1;
    rows->date[i] = st->date;
    rows->type[i] = (uint8_t)st->type;
    rows->route[i] = (uint8_t)st->route;
    rows->drug[i] = (uint8_t)st->drug;
    if (intern_cached(rows->text, cache[CACHE_SITE], st->site, st->nsite, &rows->site[i]) != 0 ||
        intern_cached(rows->text, cache[CACHE_CLINICIAN], st->clinician, st->nclinician,
                      &rows->clinician[i]) != 0 ||
        intern_cached(rows->text, cache[CACHE_THERAPY], st->therapy, st->ntherapy,
                      &rows->therapy[i]) != 0 ||
        intern_cached(rows->text, cache[CACHE_ADVERSE], st->adverse, st->nadverse,
                      &rows->adverse[i]) != 0)
        return -1;
    if (rows->dec_read) {
        rows->dose_dec[i] = st->dose_q;
        rows->weight_dec[i] = st->weight_q;
        rows->dec_failed |= st->dose_q == ROWS_DEC_NOPACK || st->weight_q == ROWS_DEC_NOPACK;
    } else {
        rows->dose_mg[i] = st->dose_mg;
        rows->weight_kg[i] = st->weight_kg;
    }
    for (int k = 0; k < N_INT_COLS; k++)
        if (rows->int_unread >> k & 1)
            continue;
        else if (rows_int_byte(k))
            rows->score8[k][i] = (int8_t)st->score[k];
        else
            rows->score[k][i] = st->score[k];
    if (!rows->lean) {
        rows->conflict[i] = 0;
        rows->file[i] = st->file;
    }
    rows->line[i] = st->line;
    rows->n++;
    return 0;
}
