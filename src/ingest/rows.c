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
        for (int c = 0; c < TEXT_COLS; c++) {
            free(rows->ids[c].p);
            free(rows->text16[c]);
        }
        free(rows->dose_dec);
        free(rows->weight_dec);
        free(rows->kind);
        free(rows->date16);
        free(rows->prow);
        free(rows->pid);
        free(rows->dose16);
        free(rows->weight16);
        free(rows->line_n.p);
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
    for (int c = 0; c < TEXT_COLS; c++) {
        RELEASE_COLUMN(ids[c].p, void);
        RELEASE_COLUMN(text16[c], uint16_t);
    }
    RELEASE_COLUMN(dose_dec, uint32_t);
    RELEASE_COLUMN(kind, uint8_t);
    RELEASE_COLUMN(date16, uint16_t);
    RELEASE_COLUMN(weight_dec, uint32_t);
    RELEASE_COLUMN(dose16, uint16_t);
    RELEASE_COLUMN(line_n.p, void);
    RELEASE_COLUMN(weight16, uint16_t);
    RELEASE_COLUMN(prow, uint32_t);
    RELEASE_COLUMN(pid, uint32_t);
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

/* Text column c: its ids as read in two bytes (text16) become ids[c]; then the column moves to
 * one or two bytes a row when its largest id allows and it is wider. */
static void narrow_text(struct rows *r, int c)
{
    if (r->text16[c]) {
        r->ids[c] = (struct narrow_ids){r->text16[c], 2};
        r->text16[c] = NULL;
    }
    uint32_t **w = rows_text_wide(r, c);
    if (!*w && !r->ids[c].p)
        return;
    uint32_t hi = 0;
    for (size_t i = 0; i < r->n; i++) {
        uint32_t v = rows_text(r, c, i);
        hi = v > hi ? v : hi;
    }
    int width = hi <= UINT8_MAX ? 1 : hi <= UINT16_MAX ? 2 : 4;
    int now = r->ids[c].p ? r->ids[c].width : 4;
    void *p = width >= now ? NULL : malloc((r->n ? r->n : 1) * (size_t)width);
    if (!p) /* (no narrower, or out of memory: the column stays as it is) */
        return;
    if (width == 1)
        for (size_t i = 0; i < r->n; i++)
            ((uint8_t *)p)[i] = (uint8_t)rows_text(r, c, i);
    else
        for (size_t i = 0; i < r->n; i++)
            ((uint16_t *)p)[i] = (uint16_t)rows_text(r, c, i);
    free(*w);
    *w = NULL;
    free(r->ids[c].p);
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

/* The decimals *dec moved to two bytes a row (*dec16) when every one allows (v < 4095). */
static void narrow_decimal16(struct rows *r, uint32_t **dec, uint16_t **dec16)
{
    const uint32_t *q = *dec;
    for (size_t i = 0; i < r->n; i++)
        if (q[i] != ROWS_DEC_ABSENT && q[i] >> 4 >= 4095)
            return;
    uint16_t *p = malloc((r->n ? r->n : 1) * sizeof *p);
    if (!p) /* (out of memory: the column stays as it is) */
        return;
    for (size_t i = 0; i < r->n; i++)
        p[i] = q[i] == ROWS_DEC_ABSENT ? ROWS_DEC16_ABSENT : (uint16_t)q[i];
    free(*dec);
    *dec = NULL;
    *dec16 = p;
}

/* The lines as offsets from line_base + the row number, in one or two bytes, when they span
 * few enough (an export in patient order: a constant but for rejected rows and records of
 * several lines). */
static void narrow_lines(struct rows *r)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < r->n; i++) {
        int64_t d = (int64_t)r->line[i] - (int64_t)i;
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    int width = !r->n || hi - lo > UINT16_MAX ? 0 : hi - lo <= UINT8_MAX ? 1 : 2;
    void *p = width ? malloc(r->n * (size_t)width) : NULL;
    if (!p) /* (too wide a span, or out of memory: the column stays as it is) */
        return;
    for (size_t i = 0; i < r->n; i++) {
        int64_t d = (int64_t)r->line[i] - (int64_t)i - lo;
        if (width == 1)
            ((uint8_t *)p)[i] = (uint8_t)d;
        else
            ((uint16_t *)p)[i] = (uint16_t)d;
    }
    free(r->line);
    r->line = NULL;
    r->line_n = (struct narrow_ids){p, width};
    r->line_base = lo;
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

/* The patient column as row ranges (prow, pid; the store is sorted by patient). 0, or -1 when
 * out of memory (the column stays then). */
static int patient_ranges(struct rows *r)
{
    size_t np = 0;
    for (size_t i = 0; i < r->n; i++)
        np += i == 0 || r->patient[i] != r->patient[i - 1];
    uint32_t *prow = malloc((np + 1) * sizeof *prow), *pid = malloc((np ? np : 1) * sizeof *pid);
    if (!prow || !pid) {
        free(prow);
        free(pid);
        return -1;
    }
    np = 0;
    for (size_t i = 0; i < r->n; i++)
        if (i == 0 || r->patient[i] != r->patient[i - 1]) {
            pid[np] = r->patient[i];
            prow[np++] = (uint32_t)i; /* (the store holds fewer than 2^32 rows: store.c) */
        }
    prow[np] = (uint32_t)r->n;
    free(r->patient);
    r->patient = NULL;
    r->prow = prow;
    r->pid = pid;
    r->npatients = np;
    return 0;
}

int rows_narrow(struct rows *r)
{
    if (r->borrowed)
        return 0;
    if (r->patient && patient_ranges(r) != 0)
        return -1;
    r->narrow_read = r->narrow_text = 0; /* (dose_dec, weight_dec, kind are the narrow form) */
    for (int k = 0; k < N_INT_COLS; k++)
        if (r->score[k] || r->score8[k])
            narrow_int(r, k);
    for (int c = 0; c < TEXT_COLS; c++)
        narrow_text(r, c);
    if (!r->kind && r->type && r->route && r->drug)
        narrow_kind(r);
    if (r->date)
        narrow_dates(r);
    if (r->conflict)
        narrow_conflicts(r);
    if (r->dose_mg)
        narrow_decimal(r, &r->dose_mg, &r->dose_dec);
    if (r->weight_kg)
        narrow_decimal(r, &r->weight_kg, &r->weight_dec);
    if (r->line)
        narrow_lines(r);
    if (r->dose_dec)
        narrow_decimal16(r, &r->dose_dec, &r->dose16);
    if (r->weight_dec)
        narrow_decimal16(r, &r->weight_dec, &r->weight16);
    return 0;
}

void rows_release_provenance(struct rows *rows)
{
    free(rows->line);
    free(rows->file);
    free(rows->line_n.p);
    rows->line = NULL;
    rows->file = NULL;
    rows->line_n.p = NULL;
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
    window->narrow_read = store->narrow_read;
    window->narrow_text = store->narrow_text;
    window->date_base = store->date_base;
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
    if (rows->narrow_read) {
        int64_t day = (int64_t)st->date - rows->date_base;
        if (day < 0 || day > UINT16_MAX || st->type < 0 || st->type > 1 || st->route < 0 ||
            st->route > 7 || st->drug < 0 || st->drug > 15 || st->dose_q == ROWS_DEC_NOPACK ||
            st->weight_q == ROWS_DEC_NOPACK)
            rows->narrow_failed |= NARROW_FAILED_VALUE;
        rows->date16[i] = (uint16_t)day;
        rows->kind[i] = (uint8_t)((st->type & 1) | (st->route & 7) << 1 | (st->drug & 15) << 4);
        rows->dose_dec[i] = st->dose_q;
        rows->weight_dec[i] = st->weight_q;
    } else {
        rows->date[i] = st->date;
        rows->type[i] = (uint8_t)st->type;
        rows->route[i] = (uint8_t)st->route;
        rows->drug[i] = (uint8_t)st->drug;
        rows->dose_mg[i] = st->dose_mg;
        rows->weight_kg[i] = st->weight_kg;
    }
    const char *text[TEXT_COLS] = {st->site, st->clinician, st->therapy, st->adverse};
    const size_t ntext[TEXT_COLS] = {st->nsite, st->nclinician, st->ntherapy, st->nadverse};
    for (int c = 0; c < TEXT_COLS; c++) {
        uint32_t id;
        if (intern_cached(rows->text, cache[CACHE_SITE + c], text[c], ntext[c], &id) != 0)
            return -1;
        if (!rows->narrow_text) {
            (*rows_text_wide(rows, c))[i] = id;
            continue;
        }
        if (id > UINT16_MAX) /* (the chunk is read again, its text wide) */
            rows->narrow_failed |= NARROW_FAILED_TEXT;
        rows->text16[c][i] = (uint16_t)id;
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
