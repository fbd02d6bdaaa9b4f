/* ingest.c: reading every input file into one validated row store (SPEC section 1).
 *
 * Per file: the header is read first; the rest is split into record-aligned chunks that are
 * tokenized in parallel (one libcsv parser and row store per chunk). A chunk split is a guess
 * (the start of a physical line); it is accepted only when the chunk before it ended exactly
 * at a record boundary, otherwise the file is re-read sequentially, so results never depend
 * on the split. Then over all files: the as-of cut, string ids ranked by bytes, rows sorted by
 * (patient, date, every column), exact duplicates collapsed and same-day conflicts marked.
 * Nothing here depends on the order of rows in the input, apart from line numbers. */
#include "ingest_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outcomes/date.h"
#include "outcomes/sort.h"

#define READ_BLOCK (4u << 20)          /* bytes per read */
#define MIN_CHUNK (8u << 20)           /* smaller files are read by one thread */

/* The output of one reader over one chunk. */
struct segment {
    struct rows rows;
    struct problem_list probs;
    long line_base;   /* physical lines before the chunk */
};

struct segments {
    struct segment **v;
    size_t n, cap;
};

static void segment_free(struct segment *s)
{
    if (!s)
        return;
    rows_fini(&s->rows);
    problem_list_fini(&s->probs);
    free(s);
}

static struct segment *segment_new(struct segments *list)
{
    struct segment *s = calloc(1, sizeof *s);
    if (!s || rows_init(&s->rows) != 0) {
        free(s);
        return NULL;
    }
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        struct segment **v = realloc(list->v, cap * sizeof *v);
        if (!v) {
            segment_free(s);
            return NULL;
        }
        list->v = v;
        list->cap = cap;
    }
    list->v[list->n++] = s;
    return s;
}

/* Drops the last k segments (a chunked read being redone). */
static void segments_pop(struct segments *list, size_t k)
{
    while (k-- && list->n)
        segment_free(list->v[--list->n]);
}

/* --- reading one file ---------------------------------------------------------------------- */

struct chunk_job {
    const struct ingest_opts *opts;
    const char *path;
    uint32_t file_index;
    const struct schema *schema;
    int fd;
    uint64_t from, to;   /* byte range */
    int last;            /* the file's last chunk: finish the stream */
    struct segment *seg;
    long lines;          /* physical lines fed */
    long rows_read;
    int at_boundary;
    int rc;
    struct diag d;
};

static void *chunk_run(void *arg)
{
    struct chunk_job *j = arg;
    struct ingest_reader *r = NULL;
    char *buf = malloc(READ_BLOCK);
    diag_clear(&j->d);
    j->rc = 0;
    if (!buf) {
        j->rc = diag_set(&j->d, DIAG_IO, j->path, 0, 0, "out of memory");
        goto out;
    }
    r = ingest_reader_new(j->opts, j->path, j->file_index, j->schema, &j->seg->rows,
                          &j->seg->probs);
    if (!r) {
        j->rc = diag_set(&j->d, DIAG_IO, j->path, 0, 0, "out of memory");
        goto out;
    }
    for (uint64_t off = j->from; off < j->to;) {
        size_t want = j->to - off < READ_BLOCK ? (size_t)(j->to - off) : READ_BLOCK;
        ssize_t got = pread(j->fd, buf, want, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            j->rc = diag_set(&j->d, DIAG_IO, j->path, 0, 0, "read failed: %s", strerror(errno));
            goto out;
        }
        if (got == 0) {
            j->rc = diag_set(&j->d, DIAG_IO, j->path, 0, 0,
                             "the file became shorter while it was being read");
            goto out;
        }
        j->rc = ingest_reader_feed(r, buf, (size_t)got, &j->d);
        if (j->rc)
            goto out;
        off += (uint64_t)got;
    }
    j->at_boundary = ingest_reader_at_boundary(r);
    if (j->last)
        j->rc = ingest_reader_finish(r, &j->d);
    j->lines = ingest_reader_lines(r);
    j->rows_read = ingest_reader_rows_read(r);
out:
    ingest_reader_free(r);
    free(buf);
    return NULL;
}

/* Offset just past the first '\n' at or after off (or size when there is none). */
static int next_line_start(int fd, uint64_t off, uint64_t size, uint64_t *out)
{
    char buf[65536];
    while (off < size) {
        ssize_t got = pread(fd, buf, sizeof buf, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        const char *nl = memchr(buf, '\n', (size_t)got);
        if (nl) {
            *out = off + (uint64_t)(nl - buf) + 1;
            return 0;
        }
        off += (uint64_t)got;
    }
    *out = size;
    return 0;
}

/* Reads the data records of [from, size) in nchunks chunks. Returns 0, <0 when a split was not
 * at a record boundary (the segments are dropped), or a diag code. */
static int read_chunks(struct ingest_result *res, struct segments *segs,
                       const struct ingest_opts *opts, uint32_t fi, int fd,
                       const struct schema *schema, uint64_t from, uint64_t size, int nchunks,
                       long line_base, struct diag *d)
{
    struct chunk_job jobs[64];
    pthread_t tids[64];
    int started[64] = {0};
    int rc = 0;
    if (nchunks > 64)
        nchunks = 64;
    uint64_t start = from;
    for (int k = 0; k < nchunks; k++) {
        uint64_t end = size;
        if (k < nchunks - 1) {
            uint64_t guess = from + (size - from) / (uint64_t)nchunks * (uint64_t)(k + 1);
            if (guess < start)
                guess = start;
            if (next_line_start(fd, guess, size, &end) != 0)
                return diag_set(d, DIAG_IO, res->files[fi].path, 0, 0, "read failed: %s",
                                strerror(errno));
        }
        struct segment *seg = segment_new(segs);
        if (!seg) {
            segments_pop(segs, (size_t)k);
            return diag_set(d, DIAG_IO, res->files[fi].path, 0, 0, "out of memory");
        }
        jobs[k] = (struct chunk_job){.opts = opts, .path = res->files[fi].path,
                                     .file_index = fi, .schema = schema, .fd = fd,
                                     .from = start, .to = end, .last = k == nchunks - 1,
                                     .seg = seg};
        start = end;
    }
    for (int k = 1; k < nchunks; k++)
        started[k] = pthread_create(&tids[k], NULL, chunk_run, &jobs[k]) == 0;
    chunk_run(&jobs[0]);
    for (int k = 1; k < nchunks; k++) {
        if (started[k])
            pthread_join(tids[k], NULL);
        else
            chunk_run(&jobs[k]); /* no thread to be had: do it here */
    }
    long base = line_base;
    for (int k = 0; k < nchunks; k++) {
        if (jobs[k].rc && !rc) {
            rc = jobs[k].rc;
            *d = jobs[k].d;
        }
        if (!rc && k < nchunks - 1 && !jobs[k].at_boundary)
            rc = -1;
        jobs[k].seg->line_base = base;
        base += jobs[k].lines;
    }
    if (rc) {
        segments_pop(segs, (size_t)nchunks);
        return rc;
    }
    for (int k = 0; k < nchunks; k++) {
        res->files[fi].rows_read += jobs[k].rows_read;
        res->files[fi].lines += jobs[k].lines;
    }
    return 0;
}

static int add_unknown(struct ingest_result *res, char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < res->nunknown && strcmp(res->unknown[k], names[i]) != 0)
            k++;
        if (k < res->nunknown)
            continue;
        char **u = realloc(res->unknown, (res->nunknown + 1) * sizeof *u);
        if (!u)
            return -1;
        res->unknown = u;
        if (!(res->unknown[res->nunknown] = strdup(names[i])))
            return -1;
        res->nunknown++;
    }
    return 0;
}

/* Reads one file: the header (stop after it), then the data in chunks. */
static int read_file(struct ingest_result *res, struct segments *segs,
                     const struct ingest_opts *opts, uint32_t fi, int *date_field,
                     struct diag *d)
{
    const char *path = res->files[fi].path;
    struct ingest_reader *hr = NULL;
    char *buf = NULL;
    int rc = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return diag_set(d, DIAG_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "cannot read: %s", strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "is a directory, not a CSV file");
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "is not a regular file");
        goto out;
    }
    uint64_t size = (uint64_t)st.st_size;
    res->files[fi].size = size;
    struct segment *hseg = segment_new(segs); /* holds nothing; keeps the header reader simple */
    buf = malloc(65536);
    if (!hseg || !buf) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "out of memory");
        goto out;
    }
    hr = ingest_reader_new(opts, path, fi, NULL, &hseg->rows, &hseg->probs);
    if (!hr) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "out of memory");
        goto out;
    }
    ingest_reader_stop_after_header(hr);
    uint64_t off = 0;
    while (!ingest_reader_header_end(hr)) {
        ssize_t got = pread(fd, buf, 65536, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = diag_set(d, DIAG_IO, path, 0, 0, "read failed: %s", strerror(errno));
            goto out;
        }
        if (got == 0) {
            rc = ingest_reader_finish(hr, d); /* empty file, or a header without a line end */
            if (rc)
                goto out;
            break;
        }
        rc = ingest_reader_feed(hr, buf, (size_t)got, d);
        if (rc)
            goto out;
        off += (uint64_t)got;
    }
    const struct schema *schema = ingest_reader_schema(hr);
    uint64_t from = ingest_reader_header_end(hr);
    long header_lines = ingest_reader_lines(hr);
    *date_field = schema->col_field[COL_SESSION_DATE];
    char **unk;
    size_t nunk;
    ingest_reader_unknown(hr, &unk, &nunk);
    if (add_unknown(res, unk, nunk) != 0) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "out of memory");
        goto out;
    }
    res->files[fi].lines = header_lines;
    if (from >= size)
        goto out;
    int nchunks = opts->threads > 1 ? opts->threads : 1;
    if ((size - from) / MIN_CHUNK < (uint64_t)nchunks)
        nchunks = (int)((size - from) / MIN_CHUNK) + 1;
    rc = read_chunks(res, segs, opts, fi, fd, schema, from, size, nchunks, header_lines, d);
    if (rc < 0) /* a guessed split fell inside a quoted field: read the file in one piece */
        rc = read_chunks(res, segs, opts, fi, fd, schema, from, size, 1, header_lines, d);
out:
    ingest_reader_free(hr);
    free(buf);
    close(fd);
    return rc;
}

/* --- merging segments into one store ------------------------------------------------------- */

/* Copies column FIELD of every segment into dst, mapping ids through MAP (or not), freeing each
 * segment's column as soon as it is copied, so that peak memory stays near one copy. */
#define MERGE_COLUMN(FIELD, MAPEXPR)                                                             \
    do {                                                                                         \
        size_t at_ = 0;                                                                          \
        for (size_t s_ = 0; s_ < segs->n; s_++) {                                                \
            struct rows *src_ = &segs->v[s_]->rows;                                              \
            const uint32_t *map_ = maps[s_];                                                     \
            (void)map_;                                                                          \
            for (size_t i_ = 0; i_ < src_->n; i_++)                                              \
                dst->FIELD[at_ + i_] = MAPEXPR;                                                  \
            at_ += src_->n;                                                                      \
            free(src_->FIELD);                                                                   \
            src_->FIELD = NULL;                                                                  \
        }                                                                                        \
    } while (0)

static int merge_segments(struct segments *segs, struct rows *dst)
{
    size_t total = 0;
    int rc = -1;
    uint32_t **maps = calloc(segs->n ? segs->n : 1, sizeof *maps);
    uint32_t **pmaps = calloc(segs->n ? segs->n : 1, sizeof *pmaps);
    if (!maps || !pmaps)
        goto out;
    for (size_t s = 0; s < segs->n; s++) {
        struct rows *src = &segs->v[s]->rows;
        total += src->n;
        uint32_t nt = strtab_count(src->text), np = strtab_count(src->patients);
        maps[s] = malloc(nt * sizeof **maps);
        pmaps[s] = malloc(np * sizeof **pmaps);
        if (!maps[s] || !pmaps[s])
            goto out;
        for (uint32_t id = 0; id < nt; id++) {
            size_t len;
            const char *str = strtab_get(src->text, id, &len);
            if (strtab_intern(dst->text, str, len, &maps[s][id]) != 0)
                goto out;
        }
        for (uint32_t id = 0; id < np; id++) {
            size_t len;
            const char *str = strtab_get(src->patients, id, &len);
            if (strtab_intern(dst->patients, str, len, &pmaps[s][id]) != 0)
                goto out;
        }
    }
    if (total > UINT32_MAX - 1 || rows_reserve(dst, total ? total : 1) != 0)
        goto out;
    MERGE_COLUMN(site, map_[src_->site[i_]]);
    MERGE_COLUMN(clinician, map_[src_->clinician[i_]]);
    MERGE_COLUMN(therapy, map_[src_->therapy[i_]]);
    MERGE_COLUMN(adverse, map_[src_->adverse[i_]]);
    for (size_t s = 0; s < segs->n; s++)
        maps[s] = (free(maps[s]), pmaps[s]);
    MERGE_COLUMN(patient, map_[src_->patient[i_]]);
    MERGE_COLUMN(date, src_->date[i_]);
    MERGE_COLUMN(type, src_->type[i_]);
    MERGE_COLUMN(route, src_->route[i_]);
    MERGE_COLUMN(drug, src_->drug[i_]);
    MERGE_COLUMN(dose_mg, src_->dose_mg[i_]);
    MERGE_COLUMN(weight_kg, src_->weight_kg[i_]);
    for (int k = 0; k < N_INT_COLS; k++)
        MERGE_COLUMN(score[k], src_->score[k][i_]);
    MERGE_COLUMN(conflict, src_->conflict[i_]);
    MERGE_COLUMN(file, src_->file[i_]);
    MERGE_COLUMN(line, (uint32_t)(src_->line[i_] + segs->v[s_]->line_base));
    dst->n = total;
    rc = 0;
out:
    for (size_t s = 0; maps && s < segs->n; s++) {
        if (maps[s] != pmaps[s])
            free(maps[s]);
        free(pmaps[s]);
    }
    free(maps);
    free(pmaps);
    return rc;
}

/* --- ordering, duplicates, conflicts ------------------------------------------------------- */

static int cmp_double(double a, double b)
{
    int na = a != a, nb = b != b;
    if (na || nb)
        return na - nb ? (na ? -1 : 1) : 0;
    return (a > b) - (a < b);
}

#define CMP_FIELD(x, y)                                                                          \
    do {                                                                                         \
        if ((x) != (y))                                                                          \
            return (x) < (y) ? -1 : 1;                                                           \
    } while (0)

/* Orders two rows of one patient by every canonical column (ids are byte ranks by now). */
static int row_content_cmp(uint32_t a, uint32_t b, const void *ctx)
{
    const struct rows *r = ctx;
    CMP_FIELD(r->date[a], r->date[b]);
    CMP_FIELD(r->type[a], r->type[b]);
    CMP_FIELD(r->route[a], r->route[b]);
    CMP_FIELD(r->drug[a], r->drug[b]);
    CMP_FIELD(r->site[a], r->site[b]);
    CMP_FIELD(r->clinician[a], r->clinician[b]);
    CMP_FIELD(r->therapy[a], r->therapy[b]);
    CMP_FIELD(r->adverse[a], r->adverse[b]);
    int c = cmp_double(r->dose_mg[a], r->dose_mg[b]);
    if (c)
        return c;
    if ((c = cmp_double(r->weight_kg[a], r->weight_kg[b])) != 0)
        return c;
    for (int k = 0; k < N_INT_COLS; k++)
        CMP_FIELD(r->score[k][a], r->score[k][b]);
    return 0;
}

static int row_full_cmp(uint32_t a, uint32_t b, const void *ctx)
{
    const struct rows *r = ctx;
    int c = row_content_cmp(a, b, ctx);
    if (c)
        return c;
    CMP_FIELD(r->file[a], r->file[b]);
    CMP_FIELD(r->line[a], r->line[b]);
    return 0;
}

/* Reorders (and shrinks to the first n of perm) every column by perm. */
static int rows_gather(struct rows *rows, const uint32_t *perm, size_t n)
{
#define G(FIELD, T)                                                                              \
    do {                                                                                         \
        T *col_ = malloc((n ? n : 1) * sizeof *col_);                                            \
        if (!col_)                                                                               \
            return -1;                                                                           \
        for (size_t i_ = 0; i_ < n; i_++)                                                        \
            col_[i_] = rows->FIELD[perm[i_]];                                                    \
        free(rows->FIELD);                                                                       \
        rows->FIELD = col_;                                                                      \
    } while (0)
    G(patient, uint32_t);
    G(date, int32_t);
    G(type, uint8_t);
    G(route, uint8_t);
    G(drug, uint8_t);
    G(site, uint32_t);
    G(clinician, uint32_t);
    G(therapy, uint32_t);
    G(adverse, uint32_t);
    G(dose_mg, double);
    G(weight_kg, double);
    for (int k = 0; k < N_INT_COLS; k++)
        G(score[k], int16_t);
    G(conflict, uint8_t);
    G(file, uint32_t);
    G(line, uint32_t);
#undef G
    rows->n = n;
    rows->cap = n;
    return 0;
}

/* Replaces the ids of a table by their byte ranks (and the table by a sorted copy). */
static int rank_table(struct strtab **tab, uint32_t **cols, size_t ncols, size_t n)
{
    uint32_t count = strtab_count(*tab);
    uint32_t *rank = malloc(count * sizeof *rank);
    if (!rank || strtab_rank(*tab, rank) != 0) {
        free(rank);
        return -1;
    }
    struct strtab *sorted = strtab_sorted_copy(*tab, rank);
    if (!sorted) {
        free(rank);
        return -1;
    }
    for (size_t c = 0; c < ncols; c++)
        for (size_t i = 0; i < n; i++)
            cols[c][i] = rank[cols[c][i]];
    strtab_free(*tab);
    *tab = sorted;
    free(rank);
    return 0;
}

static int finalize(struct ingest_result *res, const struct ingest_opts *opts,
                    const int *date_field)
{
    struct rows *rows = &res->rows;
    size_t n = rows->n;
    int rc = -1;
    uint32_t *perm = NULL, *tmp = NULL, *start = NULL;

    /* the data cut */
    res->have_as_of = opts->have_as_of;
    res->as_of = opts->as_of;
    if (!opts->have_as_of && n) {
        res->have_as_of = 1;
        res->as_of = rows->date[0];
        for (size_t i = 1; i < n; i++)
            if (rows->date[i] > res->as_of)
                res->as_of = rows->date[i];
    }

    /* ranks: ids in byte order */
    uint32_t *text_cols[4] = {rows->site, rows->clinician, rows->therapy, rows->adverse};
    if (rank_table(&rows->text, text_cols, 4, n) != 0 ||
        rank_table(&rows->patients, &rows->patient, 1, n) != 0)
        goto out;

    /* sort: counting sort by patient, then each patient's rows by content */
    uint32_t npat = strtab_count(rows->patients);
    perm = malloc((n ? n : 1) * sizeof *perm);
    tmp = malloc((n ? n : 1) * sizeof *tmp);
    start = calloc((size_t)npat + 1, sizeof *start);
    if (!perm || !tmp || !start)
        goto out;
    for (size_t i = 0; i < n; i++)
        start[rows->patient[i] + 1]++;
    for (uint32_t p = 0; p < npat; p++)
        start[p + 1] += start[p];
    for (size_t i = 0; i < n; i++)
        tmp[start[rows->patient[i]]++] = (uint32_t)i;
    memcpy(perm, tmp, n * sizeof *perm);
    for (size_t i = 0, j; i < n; i = j) {
        j = i + 1;
        while (j < n && rows->patient[perm[j]] == rows->patient[perm[i]])
            j++;
        sort_indices(perm + i, j - i, row_full_cmp, rows, tmp);
    }

    /* as-of cut and duplicates, keeping the first copy by (file, line) */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = perm[i];
        if (res->have_as_of && rows->date[r] > res->as_of) {
            char msg[160], d1[11], d2[11];
            date_format(rows->date[r], d1);
            date_format(res->as_of, d2);
            snprintf(msg, sizeof msg,
                     "column 'session_date': %s is after the as-of date %s (set aside)", d1, d2);
            if (problem_list_add(&res->problems, rows->file[r], rows->line[r],
                                 date_field[rows->file[r]] + 1, COL_SESSION_DATE,
                                 REASON_AFTER_AS_OF, 1, d1, 10, msg) != 0)
                goto out;
            continue;
        }
        if (kept > 0 && rows->patient[perm[kept - 1]] == rows->patient[r] &&
            row_content_cmp(perm[kept - 1], r, rows) == 0) {
            void *p = realloc(res->dups, (res->ndups + 1) * sizeof *res->dups);
            if (!p)
                goto out;
            res->dups = p;
            res->dups[res->ndups].file = rows->file[r];
            res->dups[res->ndups].line = rows->line[r];
            res->dups[res->ndups].orig_file = rows->file[perm[kept - 1]];
            res->dups[res->ndups].orig_line = rows->line[perm[kept - 1]];
            res->ndups++;
            continue;
        }
        perm[kept++] = r;
    }
    if (rows_gather(rows, perm, kept) != 0)
        goto out;
    n = kept;

    /* same-day conflicts: a (patient, date, instrument) whose rows give different scores */
    for (size_t i = 0, j; i < n; i = j) {
        j = i + 1;
        while (j < n && rows->patient[j] == rows->patient[i] && rows->date[j] == rows->date[i])
            j++;
        if (j - i < 2)
            continue;
        for (int k = 0; k < N_CONFLICT_COLS; k++) {
            int16_t v = -1;
            int conflict = 0;
            for (size_t q = i; q < j; q++) {
                int16_t s = rows->score[k][q];
                if (s < 0)
                    continue;
                if (v >= 0 && s != v)
                    conflict = 1;
                v = s;
            }
            if (!conflict)
                continue;
            res->conflicting_same_day_scores++;
            res->conflicts_by_col[k]++;
            for (size_t q = i; q < j; q++)
                if (rows->score[k][q] >= 0)
                    rows->conflict[q] |= (uint8_t)(1u << k);
        }
    }

    res->patients = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || rows->patient[i] != rows->patient[i - 1])
            res->patients++;
    rc = 0;
out:
    free(perm);
    free(tmp);
    free(start);
    return rc;
}

static int problem_cmp(const void *a, const void *b)
{
    const struct problem *x = a, *y = b;
    CMP_FIELD(x->file, y->file);
    CMP_FIELD(x->line, y->line);
    CMP_FIELD(y->first, x->first);
    CMP_FIELD(x->column, y->column);
    return strcmp(x->message, y->message);
}

/* Moves the problems of every segment into res->problems, with absolute line numbers. */
static int collect_problems(struct ingest_result *res, struct segments *segs)
{
    size_t total = res->problems.n;
    for (size_t s = 0; s < segs->n; s++)
        total += segs->v[s]->probs.n;
    if (total > res->problems.cap) {
        struct problem *v = realloc(res->problems.v, total * sizeof *v);
        if (!v)
            return -1;
        res->problems.v = v;
        res->problems.cap = total;
    }
    for (size_t s = 0; s < segs->n; s++) {
        struct problem_list *l = &segs->v[s]->probs;
        for (size_t i = 0; i < l->n; i++) {
            l->v[i].line += segs->v[s]->line_base;
            res->problems.v[res->problems.n++] = l->v[i];
        }
        free(l->v);
        memset(l, 0, sizeof *l);
    }
    return 0;
}

int ingest_run(const char *const *paths, size_t npaths, const struct ingest_opts *opts,
               struct ingest_result *res, struct diag *d)
{
    struct segments segs = {0};
    int rc = 0;
    int *date_field = NULL;
    memset(res, 0, sizeof *res);
    if (rows_init(&res->rows) != 0)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    res->files = calloc(npaths ? npaths : 1, sizeof *res->files);
    date_field = calloc(npaths ? npaths : 1, sizeof *date_field);
    if (!res->files || !date_field) {
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t f = 0; f < npaths; f++) {
        res->files[f].path = strdup(paths[f]);
        if (!res->files[f].path) {
            rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
            goto out;
        }
        res->nfiles++;
    }
    for (size_t f = 0; f < npaths; f++) {
        rc = read_file(res, &segs, opts, (uint32_t)f, &date_field[f], d);
        if (rc)
            goto out;
        res->rows_read += res->files[f].rows_read;
    }
    if (collect_problems(res, &segs) != 0 || merge_segments(&segs, &res->rows) != 0 ||
        finalize(res, opts, date_field) != 0) {
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        goto out;
    }
    qsort(res->problems.v, res->problems.n, sizeof *res->problems.v, problem_cmp);
    for (size_t i = 0; i < res->problems.n; i++) {
        if (res->problems.v[i].first) {
            res->rows_rejected++;
            res->rejected_by_reason[res->problems.v[i].reason]++;
        }
    }
    res->rows_duplicate = (long)res->ndups;
    res->rows_accepted = (long)res->rows.n;
out:
    for (size_t s = 0; s < segs.n; s++)
        segment_free(segs.v[s]);
    free(segs.v);
    free(date_field);
    return rc;
}

void ingest_result_fini(struct ingest_result *res)
{
    if (!res)
        return;
    rows_fini(&res->rows);
    problem_list_fini(&res->problems);
    for (size_t f = 0; f < res->nfiles; f++)
        free(res->files[f].path);
    free(res->files);
    for (size_t i = 0; i < res->nunknown; i++)
        free(res->unknown[i]);
    free(res->unknown);
    free(res->dups);
    memset(res, 0, sizeof *res);
}
