/* store.c: one sorted, de-duplicated row store from the chunks the readers filled.
 *
 * Order of work, chosen so that every row is copied once: (1) merge the chunks' string tables
 * (each already sorted by its own thread) into global tables whose ids are byte ranks,
 * rewriting the chunks' ids in place; (2) find the
 * as-of date; (3) sort global row numbers by patient (counting sort) then date (stable merge
 * sort; ties stay in file and line order); (4) gather every column from the chunks into the
 * final arrays, freeing each chunk column once read; (5) within each patient-date group, order
 * rows by content so that nothing depends on input order; (6) in one compaction pass, set aside
 * rows after the as-of date and collapse exact duplicates (the first copy by file and line is
 * kept); (7) mark same-day conflicting scores. */
#include "ingest_int.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/vec.h"
#include "outcomes/sort.h"

#define CMP_FIELD(x, y)                                                                            \
    do {                                                                                           \
        if ((x) != (y))                                                                            \
            return (x) < (y) ? -1 : 1;                                                             \
    } while (0)

static int cmp_double(double a, double b)
{
    int na = a != a, nb = b != b;
    if (na || nb)
        return na == nb ? 0 : na ? -1 : 1;
    return (a > b) - (a < b);
}

/* Orders two rows of one patient by every canonical column (ids are byte ranks by now). */
static int row_content_cmp(const struct rows *r, size_t a, size_t b)
{
    CMP_FIELD(rows_date(r, a), rows_date(r, b));
    CMP_FIELD(rows_type(r, a), rows_type(r, b));
    CMP_FIELD(rows_route(r, a), rows_route(r, b));
    CMP_FIELD(rows_drug(r, a), rows_drug(r, b));
    for (int c = 0; c < TEXT_COLS; c++)
        CMP_FIELD(rows_text(r, c, a), rows_text(r, c, b));
    int c = cmp_double(rows_dose(r, a), rows_dose(r, b));
    if (c)
        return c;
    if ((c = cmp_double(rows_weight(r, a), rows_weight(r, b))) != 0)
        return c;
    for (int k = 0; k < N_INT_COLS; k++) /* (a column no input file has is -1: ingest.c) */
        CMP_FIELD(rows_int(r, COL_FIRST_INT + k, a), rows_int(r, COL_FIRST_INT + k, b));
    return 0;
}

/* Context of the in-group sort: rows of one group, offset base. */
struct group_ctx {
    const struct rows *rows;
    size_t base;
};

static int group_cmp(uint32_t a, uint32_t b, const void *vctx)
{
    const struct group_ctx *g = vctx;
    int c = row_content_cmp(g->rows, g->base + a, g->base + b);
    if (c)
        return c;
    CMP_FIELD(rows_file(g->rows, g->base + a), rows_file(g->rows, g->base + b));
    CMP_FIELD(g->rows->line[g->base + a], g->rows->line[g->base + b]);
    return 0;
}

static int date_cmp(uint32_t a, uint32_t b, const void *ctx)
{
    const int32_t *date = ctx;
    CMP_FIELD(date[a], date[b]);
    return 0; /* stable: ties keep file and line order */
}

int segment_order(struct segment *seg)
{
    struct strtab *tabs[2] = {seg->rows.patients, seg->rows.text};
    for (int w = 0; w < 2; w++) {
        if (seg->order[w])
            continue;
        uint32_t n = strtab_count(tabs[w]);
        seg->order[w] = malloc((n ? n : 1) * sizeof *seg->order[w]);
        if (!seg->order[w] || strtab_order(tabs[w], seg->order[w]) != 0)
            return -1;
    }
    return 0;
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* The next string of segment s in rank_strings' merge. */
struct merge_head {
    const char *str;
    size_t n;
    size_t seg;
};

/* heap[a] comes before heap[b]: by bytes, then by segment (ties between equal strings do not
 * change any id; the segment order only makes the merge deterministic). */
static int head_before(const struct merge_head *a, const struct merge_head *b)
{
    int c = bytes_cmp(a->str, a->n, b->str, b->n);
    return c ? c < 0 : a->seg < b->seg;
}

static void heap_down(struct merge_head *heap, size_t n, size_t i)
{
    for (;;) {
        size_t m = i, l = 2 * i + 1, r = l + 1;
        if (l < n && head_before(&heap[l], &heap[m]))
            m = l;
        if (r < n && head_before(&heap[r], &heap[m]))
            m = r;
        if (m == i)
            return;
        struct merge_head t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
}

/* (1): merges the chunks' byte-ordered string tables (a k-way merge over a binary heap of the
 * chunks' next strings, so any number of files and chunks costs log(chunks) per string; equal
 * strings once) into *tab, whose ids are then byte ranks; maps[s][id] (allocated here, nseg
 * arrays) is the new id of chunk s's id. which: 0 = patients, 1 = text. */
static int rank_strings(struct strtab **tab, struct segment **segs, size_t nseg, int which,
                        uint32_t **maps)
{
    int rc = -1;
    size_t *pos = calloc(nseg ? nseg : 1, sizeof *pos);
    struct merge_head *heap = malloc((nseg ? nseg : 1) * sizeof *heap);
    struct strtab *merged = strtab_new();
    size_t nheap = 0;
    if (!pos || !heap || !merged)
        goto out;
    /* the chunks' strings move into the merged table's buffer (one copy of the smaller chunks'
     * bytes at most, freed as it is made), and the merged ids refer to them: the text is never
     * held twice (an export of long free text is mostly text) */
    {
        struct strtab **srcs = malloc((nseg ? nseg : 1) * sizeof *srcs);
        if (!srcs)
            goto out;
        for (size_t s = 0; s < nseg; s++)
            srcs[s] = which ? segs[s]->rows.text : segs[s]->rows.patients;
        int arc = nseg ? strtab_adopt_bytes(merged, srcs, nseg) : 0;
        free(srcs);
        if (arc != 0)
            goto out;
    }
    for (size_t s = 0; s < nseg; s++) {
        struct strtab *src = which ? segs[s]->rows.text : segs[s]->rows.patients;
        if (segment_order(segs[s]) != 0 || !(maps[s] = malloc(strtab_count(src) * sizeof **maps)))
            goto out;
        if (strtab_count(src)) {
            heap[nheap].seg = s;
            heap[nheap].str = strtab_get(src, segs[s]->order[which][0], &heap[nheap].n);
            nheap++;
        }
    }
    for (size_t i = nheap / 2; i-- > 0;)
        heap_down(heap, nheap, i);
    const char *last = NULL;
    size_t lastn = 0;
    uint32_t lastid = 0;
    while (nheap) {
        size_t best = heap[0].seg;
        const char *bs = heap[0].str;
        size_t bn = heap[0].n;
        if (!last || bytes_cmp(bs, bn, last, lastn) != 0) {
            if (bn == 0)
                lastid = 0; /* "" is id 0 of every table */
            else if ((nseg ? strtab_append_ref(merged, bs, bn, &lastid)
                           : strtab_append(merged, bs, bn, &lastid)) != 0) /* new: in order */
                goto out;
            last = bs;
            lastn = bn;
        }
        maps[best][segs[best]->order[which][pos[best]]] = lastid;
        pos[best]++;
        struct strtab *src = which ? segs[best]->rows.text : segs[best]->rows.patients;
        if (pos[best] == strtab_count(src))
            heap[0] = heap[--nheap];
        else
            heap[0].str = strtab_get(src, segs[best]->order[which][pos[best]], &heap[0].n);
        heap_down(heap, nheap, 0);
    }
    strtab_free(*tab);
    *tab = merged;
    merged = NULL;
    for (size_t s = 0; s < nseg; s++) { /* their bytes are the merged table's now */
        struct strtab **src = which ? &segs[s]->rows.text : &segs[s]->rows.patients;
        strtab_free(*src);
        *src = NULL;
    }
    rc = 0;
out:
    free(pos);
    free(heap);
    strtab_free(merged);
    return rc;
}

/* Rewrites the chunks' string ids through the maps of rank_strings: chunks of one parity per
 * thread. */
struct remap_job {
    struct segment **segs;
    size_t nseg;
    uint32_t *const *pmaps, *const *tmaps;
    size_t first, step;
    int text_done; /* the text ids are global already (widen_text) */
};

static void *remap_run(void *arg)
{
    const struct remap_job *j = arg;
    for (size_t s = j->first; s < j->nseg; s += j->step) {
        struct rows *r = &j->segs[s]->rows;
        const uint32_t *pm = j->pmaps[s], *tm = j->tmaps[s];
        for (size_t i = 0; i < r->n; i++)
            r->patient[i] = pm[r->patient[i]];
        if (j->text_done)
            continue;
        if (r->narrow_text) {
            for (int c = 0; c < TEXT_COLS; c++)
                for (size_t i = 0; i < r->n; i++)
                    r->text16[c][i] = (uint16_t)tm[r->text16[c][i]];
            continue;
        }
        for (size_t i = 0; i < r->n; i++) {
            r->site[i] = tm[r->site[i]];
            r->clinician[i] = tm[r->clinician[i]];
            r->therapy[i] = tm[r->therapy[i]];
            r->adverse[i] = tm[r->adverse[i]];
        }
    }
    return NULL;
}

/* The merged string table has more ids than two bytes hold: the text columns read into two
 * bytes (every chunk a window of the store, ingest.c) are rewritten as global ids in four,
 * one column at a time. 0, or -1 when out of memory. */
static int widen_text(struct rows *rows, struct segment **segs, size_t nseg, uint32_t *const *tmaps)
{
    for (int c = 0; c < TEXT_COLS; c++) {
        uint32_t *wide = malloc((rows->cap ? rows->cap : 1) * sizeof *wide);
        if (!wide)
            return -1;
        for (size_t s = 0; s < nseg; s++) {
            struct rows *w = &segs[s]->rows;
            if (!w->narrow_text)
                continue;
            for (size_t i = 0; i < w->n; i++)
                wide[segs[s]->base + i] = tmaps[s][w->text16[c][i]];
            w->text16[c] = NULL;
            *rows_text_wide(w, c) = wide + segs[s]->base;
        }
        free(rows->text16[c]);
        rows->text16[c] = NULL;
        *rows_text_wide(rows, c) = wide;
    }
    for (size_t s = 0; s < nseg; s++)
        segs[s]->rows.narrow_text = 0;
    rows->narrow_text = 0;
    return 0;
}

static int rank_all_strings(struct rows *rows, struct segment **segs, size_t nseg)
{
    int rc = -1;
    uint32_t **pmaps = calloc(nseg ? nseg : 1, sizeof *pmaps);
    uint32_t **tmaps = calloc(nseg ? nseg : 1, sizeof *tmaps);
    if (!pmaps || !tmaps || rank_strings(&rows->patients, segs, nseg, 0, pmaps) != 0 ||
        rank_strings(&rows->text, segs, nseg, 1, tmaps) != 0)
        goto out;
    int text_done = rows->narrow_text && strtab_count(rows->text) > UINT16_MAX + 1u;
    if (text_done && widen_text(rows, segs, nseg, tmaps) != 0)
        goto out;
    struct remap_job jobs[2] = {{segs, nseg, pmaps, tmaps, 0, 2, text_done},
                                {segs, nseg, pmaps, tmaps, 1, 2, text_done}};
    pthread_t tid;
    if (nseg > 1 && pthread_create(&tid, NULL, remap_run, &jobs[1]) == 0) {
        remap_run(&jobs[0]);
        pthread_join(tid, NULL);
    } else {
        jobs[0].step = 1;
        remap_run(&jobs[0]);
    }
    rc = 0;
out:
    for (size_t s = 0; s < nseg; s++) {
        free(pmaps ? pmaps[s] : NULL);
        free(tmaps ? tmaps[s] : NULL);
    }
    free(pmaps);
    free(tmaps);
    return rc;
}

/* Where global row g comes from. */
struct source {
    struct segment **segs;
    size_t nseg;
    const size_t *off;      /* off[s]: global number of segment s's first row */
    const uint32_t *seg_of; /* seg_of[g] (any number of segments: one per file and chunk) */
};

/* Every column of struct rows as (offset of its pointer, element size), for code that treats
 * columns generically. */
struct column_desc {
    size_t off;
    size_t size;
};

static size_t column_descs(struct column_desc *d, const struct rows *r)
{
    size_t n = 0;
#define DESC(FIELD, T) d[n++] = (struct column_desc){offsetof(struct rows, FIELD), sizeof(T)}
    FOR_EACH_READ_COLUMN(DESC, r);
#undef DESC
    return n;
}

#define MAX_COLUMNS 32
#define COLUMN_PTR(rows, desc) ((void **)((char *)(rows) + (desc).off))

struct gather_job {
    struct rows *dst;
    const struct source *src;
    const uint32_t *perm;
    size_t n;
    const struct column_desc *cols;
    size_t ncols;
    int parity; /* this job gathers the columns whose index has this parity */
    int concat; /* 1: the rows are already in order: concatenate instead of gathering */
    int placed; /* 1: ... and already in dst, in windows: close the gaps between them */
    int rc;
};

/* Frees a chunk's column (a window of the final store is not the chunk's to free). */
static void release_column(struct segment *seg, struct column_desc c)
{
    void **p = COLUMN_PTR(&seg->rows, c);
    if (!seg->placed)
        free(*p);
    *p = NULL;
}

/* The chunks were read into windows of the final store (ingest.c, struct placement): each window
 * after the first moves down over the unused end of the one before (records bound the window,
 * the few lines that were not records leave a gap). */
static int close_gaps(struct rows *dst, const struct source *src, struct column_desc c)
{
    char *col = *COLUMN_PTR(dst, c);
    for (size_t s = 0; s < src->nseg; s++) {
        size_t k = src->off[s + 1] - src->off[s];
        if (k && src->segs[s]->base != src->off[s])
            memmove(col + src->off[s] * c.size, col + src->segs[s]->base * c.size, k * c.size);
        *COLUMN_PTR(&src->segs[s]->rows, c) = NULL;
    }
    return 0;
}

/* Concatenates one column of every chunk: the first chunk's array is grown in place (realloc
 * moves pages, it does not copy them) and the others are appended, so only the appended part
 * touches fresh memory. */
static int concat_column(struct rows *dst, const struct source *src, size_t n, struct column_desc c)
{
    void **first = COLUMN_PTR(&src->segs[0]->rows, c);
    char *col = realloc(*first, (n ? n : 1) * c.size);
    if (!col)
        return -1;
    *first = NULL;
    for (size_t s = 1; s < src->nseg; s++) {
        void **p = COLUMN_PTR(&src->segs[s]->rows, c);
        size_t k = src->off[s + 1] - src->off[s];
        if (k)
            memcpy(col + src->off[s] * c.size, *p, k * c.size);
        release_column(src->segs[s], c);
    }
    free(*COLUMN_PTR(dst, c));
    *COLUMN_PTR(dst, c) = col;
    return 0;
}

/* Gathers one column: dst[i] = the value of source row perm[i]; frees the chunks' column.
 * Runs of consecutive source rows (the usual case: exports list a patient's rows together) are
 * copied with one memcpy. */
static int gather_column(struct rows *dst, const struct source *src, const uint32_t *perm, size_t n,
                         struct column_desc c)
{
    char *col = malloc((n ? n : 1) * c.size);
    const char **base = malloc((src->nseg ? src->nseg : 1) * sizeof *base);
    if (!col || !base) {
        free(col);
        free(base);
        return -1;
    }
    for (size_t s = 0; s < src->nseg; s++)
        base[s] = *COLUMN_PTR(&src->segs[s]->rows, c);
    for (size_t i = 0; i < n;) {
        uint32_t g = perm[i];
        uint32_t s = src->seg_of[g];
        size_t end = src->off[s + 1], len = 1;
        while (i + len < n && perm[i + len] == g + len && g + len < end)
            len++;
        const char *from = base[s] + (g - src->off[s]) * c.size;
        char *to = col + i * c.size;
        if (len > 1)
            memcpy(to, from, len * c.size);
        else if (c.size == 1)
            *to = *from;
        else if (c.size == 2)
            memcpy(to, from, 2);
        else if (c.size == 4)
            memcpy(to, from, 4);
        else
            memcpy(to, from, 8);
        i += len;
    }
    free(base);
    free(*COLUMN_PTR(dst, c)); /* the windows' store too, when the chunks were placed */
    *COLUMN_PTR(dst, c) = col;
    for (size_t s = 0; s < src->nseg; s++)
        release_column(src->segs[s], c);
    return 0;
}

/* 1 when column c is an integer column that no segment with rows stores (no input file has it:
 * ingest.c frees it after the read); the segments' own are freed and dst keeps none. */
static int unstored(struct rows *dst, const struct source *src, struct column_desc c)
{
    int wide = c.off >= offsetof(struct rows, score) &&
               c.off < offsetof(struct rows, score) + sizeof dst->score;
    int byte = c.off >= offsetof(struct rows, score8) &&
               c.off < offsetof(struct rows, score8) + sizeof dst->score8;
    if (!wide && !byte)
        return 0;
    for (size_t s = 0; s < src->nseg; s++)
        if (src->off[s + 1] > src->off[s] && *COLUMN_PTR(&src->segs[s]->rows, c))
            return 0;
    for (size_t s = 0; s < src->nseg; s++)
        release_column(src->segs[s], c);
    free(*COLUMN_PTR(dst, c));
    *COLUMN_PTR(dst, c) = NULL;
    return 1;
}

static void *gather_run(void *arg)
{
    struct gather_job *j = arg;
    j->rc = 0;
    for (size_t k = (size_t)j->parity; k < j->ncols && !j->rc; k += 2)
        j->rc = unstored(j->dst, j->src, j->cols[k]) ? 0
                : j->placed                          ? close_gaps(j->dst, j->src, j->cols[k])
                : j->concat ? concat_column(j->dst, j->src, j->n, j->cols[k])
                            : gather_column(j->dst, j->src, j->perm, j->n, j->cols[k]);
    return NULL;
}

/* (4): every column, the two halves of the column list on two threads (the copy is bound by
 * page faults on the fresh arrays, which proceed in parallel). perm NULL: the chunks are
 * already in order and are concatenated. */
static int gather(struct rows *dst, const struct source *src, const uint32_t *perm, size_t n)
{
    struct column_desc cols[MAX_COLUMNS];
    size_t ncols = column_descs(cols, dst);
    struct gather_job jobs[2];
    int placed = perm == NULL;
    for (size_t s = 0; s < src->nseg; s++)
        placed &= src->segs[s]->placed || src->off[s + 1] == src->off[s];
    for (int k = 0; k < 2; k++)
        jobs[k] = (struct gather_job){dst, src, perm, n, cols, ncols, k, perm == NULL, placed, 0};
    pthread_t tid;
    int threaded = n > 100000 && pthread_create(&tid, NULL, gather_run, &jobs[1]) == 0;
    gather_run(&jobs[0]);
    if (threaded)
        pthread_join(tid, NULL);
    else
        gather_run(&jobs[1]);
    if (jobs[0].rc || jobs[1].rc)
        return -1;
    /* the columns a chunk does not store: its file, no conflicts yet */
    free(dst->file);
    free(dst->conflict);
    dst->file = NULL;
    dst->conflict = calloc(n ? n : 1, sizeof *dst->conflict);
    if (!dst->conflict)
        return -1;
    int one_file = 1; /* every row from file 0: no file column (rows_file) */
    for (size_t s = 0; s < src->nseg; s++)
        one_file &= src->segs[s]->file == 0 || src->off[s + 1] == src->off[s];
    if (one_file) {
        dst->n = dst->cap = n;
        return 0;
    }
    if (!(dst->file = malloc((n ? n : 1) * sizeof *dst->file)))
        return -1;
    if (perm) {
        for (size_t i = 0; i < n; i++)
            dst->file[i] = src->segs[src->seg_of[perm[i]]]->file;
    } else {
        for (size_t s = 0; s < src->nseg; s++)
            for (size_t i = src->off[s]; i < src->off[s + 1]; i++)
                dst->file[i] = src->segs[s]->file;
    }
    dst->n = dst->cap = n;
    return 0;
}

/* Copies row from to row to (to <= from) in every column. */
static void row_move(struct rows *r, size_t to, size_t from)
{
#define MOVE(FIELD, T)                                                                             \
    do {                                                                                           \
        if (r->FIELD)                                                                              \
            r->FIELD[to] = r->FIELD[from];                                                         \
    } while (0)
    FOR_EACH_COLUMN(MOVE, r);
#undef MOVE
}

/* Reorders rows [base, base+k) by order (k small). */
static int rows_permute_range(struct rows *r, size_t base, size_t k, const uint32_t *order)
{
    union {
        uint32_t u32;
        int32_t i32;
        uint8_t u8;
        double f64;
        int16_t i16;
        int8_t i8;
    } *tmp = malloc(k * sizeof *tmp);
    if (!tmp)
        return -1;
#define PERMUTE(FIELD, T)                                                                          \
    do {                                                                                           \
        if (!r->FIELD)                                                                             \
            break;                                                                                 \
        for (size_t q_ = 0; q_ < k; q_++)                                                          \
            memcpy(&tmp[q_], &r->FIELD[base + order[q_]], sizeof(T));                              \
        for (size_t q_ = 0; q_ < k; q_++)                                                          \
            memcpy(&r->FIELD[base + q_], &tmp[q_], sizeof(T));                                     \
    } while (0)
    FOR_EACH_COLUMN(PERMUTE, r);
#undef PERMUTE
    free(tmp);
    return 0;
}

/* (5): order each patient-date group of two or more rows by content. */
static int order_groups(struct rows *r)
{
    uint32_t order[64], scratch[64];
    for (size_t i = 0, j; i < r->n; i = j) {
        j = i + 1;
        while (j < r->n && r->patient[j] == r->patient[i] && rows_date(r, j) == rows_date(r, i))
            j++;
        size_t k = j - i;
        if (k < 2)
            continue;
        uint32_t *ord = order, *tmp = scratch;
        if (k > 64) {
            ord = malloc(k * sizeof *ord);
            tmp = malloc(k * sizeof *tmp);
            if (!ord || !tmp) {
                free(ord == order ? NULL : ord);
                free(tmp == scratch ? NULL : tmp);
                return -1;
            }
        }
        for (size_t q = 0; q < k; q++)
            ord[q] = (uint32_t)q;
        struct group_ctx ctx = {r, i};
        sort_indices(ord, k, group_cmp, &ctx, tmp);
        int rc = rows_permute_range(r, i, k, ord);
        if (k > 64) {
            free(ord);
            free(tmp);
        }
        if (rc)
            return -1;
    }
    return 0;
}

/* (6): as-of cut and duplicates, compacting in place. */
static int compact(struct ingest_result *res, const int *date_field)
{
    struct rows *r = &res->rows;
    size_t kept = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (res->have_as_of && rows_date(r, i) > res->as_of) {
            char msg[160], d1[11], d2[11];
            date_format(rows_date(r, i), d1);
            date_format(res->as_of, d2);
            snprintf(msg, sizeof msg,
                     "column 'session_date': %s is after the as-of date %s (set aside)", d1, d2);
            if (problem_list_add(&res->problems, rows_file(r, i), r->line[i],
                                 date_field[rows_file(r, i)] + 1, COL_SESSION_DATE,
                                 REASON_AFTER_AS_OF, 1, d1, 10, msg) != 0)
                return -1;
            continue;
        }
        if (kept > 0 && r->patient[kept - 1] == r->patient[i] &&
            row_content_cmp(r, kept - 1, i) == 0) {
            if (vec_reserve(&res->dups, res->ndups, sizeof *res->dups) != 0)
                return -1;
            res->dups[res->ndups].file = rows_file(r, i);
            res->dups[res->ndups].line = r->line[i];
            res->dups[res->ndups].orig_file = rows_file(r, kept - 1);
            res->dups[res->ndups].orig_line = r->line[kept - 1];
            res->ndups++;
            continue;
        }
        if (kept != i)
            row_move(r, kept, i);
        kept++;
    }
    r->n = kept;
    return 0;
}

/* (7): a (patient, date, instrument) whose rows give different scores. */
static int mark_conflicts(struct ingest_result *res)
{
    struct rows *r = &res->rows;
    for (size_t i = 0, j; i < r->n; i = j) {
        j = i + 1;
        while (j < r->n && r->patient[j] == r->patient[i] && rows_date(r, j) == rows_date(r, i))
            j++;
        if (j - i < 2)
            continue;
        for (int k = 0; k < N_CONFLICT_COLS; k++) {
            size_t first = j, other = j;
            if (!r->score[k] && !r->score8[k])
                continue;
            for (size_t q = i; q < j && other == j; q++) {
                int v = rows_int(r, COL_FIRST_INT + k, q);
                if (v < 0)
                    continue;
                if (first == j)
                    first = q;
                else if (v != rows_int(r, COL_FIRST_INT + k, first))
                    other = q;
            }
            if (other == j)
                continue;
            if (vec_reserve(&res->conflicts, res->nconflicts, sizeof *res->conflicts) != 0)
                return -1;
            res->conflicts[res->nconflicts].file = rows_file(r, first);
            res->conflicts[res->nconflicts].line = r->line[first];
            res->conflicts[res->nconflicts].other_file = rows_file(r, other);
            res->conflicts[res->nconflicts].other_line = r->line[other];
            res->conflicts[res->nconflicts].col = COL_PHQ9 + k;
            res->conflicts[res->nconflicts].date = rows_date(r, i);
            res->nconflicts++;
            res->conflicting_same_day_scores++;
            res->conflicts_by_col[k]++;
            for (size_t q = i; q < j; q++)
                if (rows_int(r, COL_FIRST_INT + k, q) >= 0)
                    r->conflict[q] |= (uint8_t)(1u << k);
        }
    }
    return 0;
}

int store_build(struct ingest_result *res, struct segment **segs, size_t nseg,
                const struct ingest_opts *opts, const int *date_field)
{
    struct rows *rows = &res->rows;
    int rc = -1;
    size_t n = 0;
    size_t *off = calloc(nseg + 1, sizeof *off);
    uint32_t *seg_of = NULL;
    uint32_t *perm = NULL, *tmp = NULL, *start = NULL;
    int32_t *date = NULL;
    if (!off || nseg > UINT32_MAX)
        goto out;
    for (size_t s = 0; s < nseg; s++) {
        off[s] = n;
        n += segs[s]->rows.n;
    }
    off[nseg] = n;
    if (n > UINT32_MAX - 1)
        goto out;

    /* (1) strings */
    if (rank_all_strings(rows, segs, nseg) != 0)
        goto out;

    /* (2) the data cut */
    res->have_as_of = opts->have_as_of;
    res->as_of = opts->as_of;
    if (!opts->have_as_of && n) {
        res->have_as_of = 1;
        res->as_of = INT32_MIN;
        for (size_t s = 0; s < nseg; s++)
            for (size_t i = 0; i < segs[s]->rows.n; i++)
                if (rows_date(&segs[s]->rows, i) > res->as_of)
                    res->as_of = rows_date(&segs[s]->rows, i);
    }

    /* (3) sort by patient, then date (stable: ties stay in file and line order). Exports often
     * list each patient's rows together and in date order: then nothing needs sorting. */
    int in_order = 1;
    uint32_t prev_pat = 0;
    int32_t prev_date = INT32_MIN;
    for (size_t s = 0; s < nseg && in_order; s++) {
        const struct rows *r = &segs[s]->rows;
        for (size_t i = 0; i < r->n; i++) {
            if (r->patient[i] < prev_pat ||
                (r->patient[i] == prev_pat && rows_date(r, i) < prev_date)) {
                in_order = 0;
                break;
            }
            prev_pat = r->patient[i];
            prev_date = rows_date(r, i);
        }
    }
    uint32_t npat = strtab_count(rows->patients);
    if (!in_order) {
        perm = malloc((n ? n : 1) * sizeof *perm);
        tmp = malloc((n ? n : 1) * sizeof *tmp);
        date = malloc((n ? n : 1) * sizeof *date);
        start = calloc((size_t)npat + 1, sizeof *start);
        if (!perm || !tmp || !date || !start)
            goto out;
        for (size_t s = 0; s < nseg; s++) {
            const struct rows *r = &segs[s]->rows;
            for (size_t i = 0; i < r->n; i++) {
                start[r->patient[i] + 1]++;
                date[off[s] + i] = rows_date(r, i);
            }
        }
        for (uint32_t p = 0; p < npat; p++)
            start[p + 1] += start[p];
        for (size_t s = 0; s < nseg; s++) {
            const struct rows *r = &segs[s]->rows;
            for (size_t i = 0; i < r->n; i++)
                perm[start[r->patient[i]]++] = (uint32_t)(off[s] + i);
        }
        /* start[p] is now the end of patient p's rows */
        for (uint32_t p = 0, b = 0; p < npat; p++) {
            uint32_t e = start[p];
            if (e - b > 1)
                sort_indices(perm + b, e - b, date_cmp, date, tmp);
            b = e;
        }
        free(date);
        date = NULL;
        free(tmp);
        tmp = NULL;
        seg_of = malloc((n ? n : 1) * sizeof *seg_of);
        if (!seg_of)
            goto out;
        for (size_t s = 0; s < nseg; s++)
            for (size_t i = off[s]; i < off[s + 1]; i++)
                seg_of[i] = (uint32_t)s;
    }

    /* (4) gather; line numbers become absolute */
    for (size_t s = 0; s < nseg; s++) {
        struct rows *r = &segs[s]->rows;
        for (size_t i = 0; i < r->n; i++)
            r->line[i] = (uint32_t)(r->line[i] + segs[s]->line_base);
    }
    struct source src = {segs, nseg, off, seg_of};
    if (gather(rows, &src, perm, n) != 0)
        goto out;

    /* (5)-(7) */
    if (order_groups(rows) != 0 || compact(res, date_field) != 0 || mark_conflicts(res) != 0)
        goto out;
    res->patients = 0;
    for (size_t i = 0; i < rows->n; i++)
        if (i == 0 || rows->patient[i] != rows->patient[i - 1])
            res->patients++;
    rc = 0;
out:
    free(off);
    free(seg_of);
    free(perm);
    free(tmp);
    free(start);
    free(date);
    return rc;
}
