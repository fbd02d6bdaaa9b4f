/* ingest.c: reading every input file into one validated row store (SPEC section 1).
 *
 * Per file: the header is read first; the rest is split into record-aligned chunks that are
 * tokenized in parallel (one libcsv parser and row store per chunk). A chunk split is a guess
 * (the start of a physical line); it is accepted only when the chunk before it ended exactly
 * at a record boundary, otherwise the file is re-read sequentially, so results never depend
 * on the split. store.c then builds the one sorted, de-duplicated store from the chunks. */
#include "ingest_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outcomes/date.h"
#include "outcomes/fingerprint.h"
#include "outcomes/infile.h"
#include "outcomes/vec.h"

#define READ_BLOCK (256u << 10) /* bytes per read */
#define MIN_CHUNK (8u << 20)    /* smaller files are read by one thread */

/* pread, again when a signal interrupts it. */
static ssize_t read_at(int fd, void *buf, size_t n, uint64_t off)
{
    ssize_t got;
    do
        got = pread(fd, buf, n, (off_t)off);
    while (got < 0 && errno == EINTR);
    return got;
}

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
    free(s->order[0]);
    free(s->order[1]);
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
    uint64_t from, to; /* byte range */
    int last;          /* the file's last chunk: finish the stream */
    struct segment *seg;
    struct placement *place; /* non-NULL: read into a window of the final store */
    int index;               /* the chunk's number in the file */
    size_t bound;            /* at most this many rows can come from the chunk */
    long lines;              /* physical lines fed */
    long rows_read;
    uint64_t fp; /* fingerprint of the bytes fed to the reader (fingerprint.h) */
    int at_boundary;
    int rc;
    struct diag d;
};

/* Where a file's chunks go in the final store, so that the readers fill it in place and
 * nothing is copied after. Chunk k starts at base[k] = base[k-1] + (a bound on the rows chunk
 * k-1 can give): the thread of chunk k counts the record ends of chunk k-1 (every record ends
 * at a '\n', at a '\r' -- libcsv ends a record there too -- or at the end of the file), all
 * threads at once, then waits only for base[k-1]. Chunk 0 starts at once. */
struct placement {
    struct rows *store;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t base[64];
    int state[64]; /* 0: not known yet, 1: known, -1: its thread failed */
};

/* The record ends in [from, to) of fd (a "\r\n" pair counts once). 0, or -1 (read failure). */
static int count_ends(int fd, uint64_t from, uint64_t to, uint64_t *ends)
{
    char *buf = malloc(READ_BLOCK);
    int rc = buf ? 0 : -1;
    *ends = 0;
    for (uint64_t off = from; off < to && !rc;) {
        size_t want = to - off < READ_BLOCK ? (size_t)(to - off) : READ_BLOCK;
        ssize_t got = read_at(fd, buf, want, off);
        if (got <= 0) {
            rc = -1;
            break;
        }
        for (const char *p = buf, *end = buf + got; (p = memchr(p, '\n', (size_t)(end - p)));) {
            p++;
            (*ends)++;
        }
        for (const char *p = buf, *end = buf + got; (p = memchr(p, '\r', (size_t)(end - p)));) {
            p++;
            *ends += p == end || *p != '\n'; /* at a block's end: counted (a bound) */
        }
        off += (uint64_t)got;
    }
    free(buf);
    return rc;
}

/* Places chunk j (see struct placement); 0, or -1 when it cannot be placed. */
static int place_chunk(struct chunk_job *j, const struct chunk_job *prev)
{
    struct placement *pl = j->place;
    uint64_t ends = 0;
    int ok = prev ? count_ends(j->fd, prev->from, prev->to, &ends) == 0 : 1;
    pthread_mutex_lock(&pl->mu);
    while (prev && pl->state[j->index - 1] == 0)
        pthread_cond_wait(&pl->cv, &pl->mu);
    size_t base = 0;
    if (prev) {
        ok = ok && pl->state[j->index - 1] > 0;
        size_t rows = ends + 1 < prev->bound ? (size_t)ends + 1 : prev->bound;
        base = pl->base[j->index - 1] + rows;
    }
    pl->base[j->index] = base;
    pl->state[j->index] = ok ? 1 : -1;
    pthread_cond_broadcast(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    if (!ok)
        return -1;
    rows_borrow(&j->seg->rows, pl->store, base, j->bound);
    j->seg->placed = 1;
    j->seg->base = base;
    return 0;
}

/* One reader's feed, behind one signature so that feed_range serves both shapes. */
typedef int (*feed_fn)(void *reader, const char *buf, size_t len, struct diag *d);

static int feed_csv(void *reader, const char *buf, size_t len, struct diag *d)
{
    return ingest_reader_feed(reader, buf, len, d);
}

static int feed_fhir(void *reader, const char *buf, size_t len, struct diag *d)
{
    return fhir_reader_feed(reader, buf, len, d);
}

/* Reads bytes [from, to) of fd in READ_BLOCK pieces into buf and feeds each to the reader,
 * adding it to *fp (the fingerprint of the bytes analysed) and to the progress count. A file
 * that ends early is an error: it changed while it was read. Returns 0 or the status, d set. */
static int feed_range(int fd, const char *path, uint64_t from, uint64_t to, char *buf,
                      const struct ingest_opts *opts, feed_fn feed, void *reader, uint64_t *fp,
                      const int *stop, struct diag *d)
{
    for (uint64_t off = from; off < to && !(stop && *stop);) { /* (stop: it will be read again) */
        size_t want = to - off < READ_BLOCK ? (size_t)(to - off) : READ_BLOCK;
        ssize_t got = read_at(fd, buf, want, off);
        if (got < 0)
            return diag_set(d, DIAG_IO, path, 0, 0, "read failed: %s", strerror(errno));
        if (got == 0)
            return diag_set(d, DIAG_IO, path, 0, 0,
                            "the file became shorter while it was being read");
        int rc = feed(reader, buf, (size_t)got, d);
        if (rc)
            return rc;
        *fp = fingerprint_add(*fp, fingerprint_piece(buf, (size_t)got, off));
        off += (uint64_t)got;
        if (opts->bytes_done)
            atomic_fetch_add(opts->bytes_done, (uint64_t)got);
    }
    return 0;
}

static void *chunk_run(void *arg)
{
    struct chunk_job *j = arg;
    struct ingest_reader *r = NULL;
    char *buf = malloc(READ_BLOCK);
    diag_clear(&j->d);
    j->rc = 0;
    if (j->place && place_chunk(j, j->index ? j - 1 : NULL) != 0) {
        j->rc = diag_set(&j->d, DIAG_IO, j->path, 0, 0, "read failed: %s", strerror(EIO));
        free(buf);
        return NULL;
    }
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
    if ((j->rc = feed_range(j->fd, j->path, j->from, j->to, buf, j->opts, feed_csv, r, &j->fp,
                            &j->seg->rows.narrow_failed, &j->d)) != 0)
        goto out;
    if (j->seg->rows.narrow_failed) /* (read again wide: read_chunks) */
        goto out;
    j->at_boundary = ingest_reader_at_boundary(r);
    if (j->last)
        j->rc = ingest_reader_finish(r, &j->d);
    j->lines = ingest_reader_lines(r);
    j->rows_read = ingest_reader_rows_read(r);
    if (!j->rc && segment_order(j->seg) != 0) /* sort the chunk's strings on this thread */
        j->rc = diag_set(&j->d, DIAG_IO, j->path, 0, 0, "out of memory");
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
        ssize_t got = read_at(fd, buf, sizeof buf, off);
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

/* What the chunks' reads came to: 0, a diag code (d set), -2 when a chunk read into the store
 * met a value with no narrow form (a date outside the two-byte range, a dose or weight with no
 * decimal form, more than 65,535 strings in a chunk: store->narrow_failed says which, and the
 * file is read again with those wide; that chunk's read stopped there, so this comes before its
 * boundary is looked at), -1 when a split was not at a record boundary. Sets each segment's
 * line_base. */
static int chunks_status(struct chunk_job *jobs, int nchunks, struct rows *store, long line_base,
                         struct diag *d)
{
    int rc = 0;
    long base = line_base;
    for (int k = 0; k < nchunks; k++) {
        if (jobs[k].rc && !rc) {
            rc = jobs[k].rc;
            *d = jobs[k].d;
        }
        if (!rc && store && jobs[k].seg->rows.narrow_failed)
            rc = -2;
        if (store)
            store->narrow_failed |= jobs[k].seg->rows.narrow_failed;
        if (!rc && k < nchunks - 1 && !jobs[k].at_boundary)
            rc = -1;
        jobs[k].seg->line_base = base;
        base += jobs[k].lines;
    }
    return rc;
}

/* Reads the data records of [from, size) in nchunks chunks; with a store, into windows of it
 * (struct placement). Returns 0, -1 or -2 (chunks_status; the segments are dropped), or a
 * diag code. */
static int read_chunks(struct ingest_result *res, struct segments *segs,
                       const struct ingest_opts *opts, uint32_t fi, int fd,
                       const struct schema *schema, uint64_t from, uint64_t size, int nchunks,
                       long line_base, struct rows *store, struct diag *d)
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
            /* with a store, every chunk's thread but the first also counts the chunk before
             * its own (about 1/12 of reading it): the first chunk is that much longer */
            uint64_t w0 = store ? 13 : 12, wsum = w0 + 12 * (uint64_t)(nchunks - 1);
            uint64_t guess = from + (size - from) / wsum * (w0 + 12 * (uint64_t)k);
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
        seg->file = fi;
        seg->rows.lean = 1;
        jobs[k] = (struct chunk_job){.opts = opts,
                                     .path = res->files[fi].path,
                                     .file_index = fi,
                                     .schema = schema,
                                     .fd = fd,
                                     .from = start,
                                     .to = end,
                                     .last = k == nchunks - 1,
                                     .seg = seg};
        start = end;
    }
    /* with a store: a window of it for each chunk, sized by a bound on the rows it can give (a
     * stored row has every field, a patient_id and a date of 8 bytes or more, and a line end
     * but perhaps the last), so that the windows can be placed before the records are counted;
     * the unused part is virtual memory only */
    struct placement pl;
    if (store) {
        pl.store = store;
        pthread_mutex_init(&pl.mu, NULL);
        pthread_cond_init(&pl.cv, NULL);
        size_t total = 0;
        for (int k = 0; k < nchunks; k++) {
            jobs[k].place = &pl;
            jobs[k].index = k;
            jobs[k].bound = (size_t)((jobs[k].to - jobs[k].from) / (schema->nfields + 8)) + 2;
            total += jobs[k].bound;
            pl.state[k] = 0;
        }
        if (rows_reserve(store, total) != 0) {
            pthread_mutex_destroy(&pl.mu);
            pthread_cond_destroy(&pl.cv);
            segments_pop(segs, (size_t)nchunks);
            return diag_set(d, DIAG_IO, res->files[fi].path, 0, 0, "out of memory");
        }
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
    if (store) {
        pthread_mutex_destroy(&pl.mu);
        pthread_cond_destroy(&pl.cv);
    }
    rc = chunks_status(jobs, nchunks, store, line_base, d);
    if (rc) {
        segments_pop(segs, (size_t)nchunks);
        return rc;
    }
    for (int k = 0; k < nchunks; k++) {
        res->files[fi].rows_read += jobs[k].rows_read;
        res->files[fi].lines += jobs[k].lines;
        res->files[fi].fingerprint = fingerprint_add(res->files[fi].fingerprint, jobs[k].fp);
    }
    return 0;
}

/* Adds a file's unknown header names, each name once over all files (first-seen order). */
static int add_unknown(struct ingest_result *res, struct strtab *seen, char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t before = strtab_count(seen), id;
        if (strtab_intern(seen, names[i], strlen(names[i]), &id) != 0)
            return -1;
        if (strtab_count(seen) == before)
            continue;
        if (vec_reserve(&res->unknown, res->nunknown, sizeof *res->unknown) != 0)
            return -1;
        if (!(res->unknown[res->nunknown] = strdup(names[i])))
            return -1;
        res->nunknown++;
    }
    return 0;
}

/* One chunk of a FHIR NDJSON file (fhir.c): whole lines [from, to), into a segment of its own.
 * A line never spans chunks (every cut is just after a '\n'), so any split gives the same
 * rows and problems; line numbers are the chunk's own until the segment's line_base is set. */
struct fhir_job {
    const struct ingest_opts *opts;
    const char *path;
    uint32_t fi;
    int fd;
    uint64_t from, to;
    struct segment *seg;
    struct fhir_counts counts;
    long lines, rows_read;
    uint64_t fp;
    int rc;
    struct diag d;
};

static void *fhir_run(void *arg)
{
    struct fhir_job *j = arg;
    char *buf = malloc(READ_BLOCK);
    struct fhir_reader *r =
        buf ? fhir_reader_new(j->opts, j->fi, &j->seg->rows, &j->seg->probs, &j->counts) : NULL;
    diag_clear(&j->d);
    j->rc = 0;
    if (!r) {
        j->rc = diag_set(&j->d, DIAG_IO, j->path, 0, 0, "out of memory");
        goto out;
    }
    if (j->from > 0)
        fhir_reader_mid_file(r);
    if ((j->rc = feed_range(j->fd, j->path, j->from, j->to, buf, j->opts, feed_fhir, r, &j->fp,
                            NULL, &j->d)) != 0)
        goto out;
    if ((j->rc = fhir_reader_finish(r, &j->d)) != 0)
        goto out;
    j->lines = fhir_reader_lines(r);
    j->rows_read = fhir_reader_rows_read(r);
    if (segment_order(j->seg) != 0)
        j->rc = diag_set(&j->d, DIAG_IO, j->path, 0, 0, "out of memory");
out:
    fhir_reader_free(r);
    free(buf);
    return NULL;
}

/* Reads a FHIR NDJSON file in chunks cut at line starts, one thread each (as many as for a CSV
 * file of that size). */
static int read_fhir(struct ingest_result *res, struct segments *segs,
                     const struct ingest_opts *opts, uint32_t fi, int fd, struct diag *d)
{
    struct ingest_file *f = &res->files[fi];
    struct fhir_job jobs[64];
    pthread_t tids[64];
    int started[64] = {0};
    int nchunks = opts->threads > 1 ? opts->threads : 1;
    uint64_t min_chunk = opts->min_chunk ? opts->min_chunk : MIN_CHUNK;
    if (f->size / min_chunk < (uint64_t)nchunks)
        nchunks = (int)(f->size / min_chunk) + 1;
    if (nchunks > 64)
        nchunks = 64;
    uint64_t start = 0;
    for (int k = 0; k < nchunks; k++) {
        uint64_t end = f->size;
        if (k < nchunks - 1) {
            uint64_t guess = f->size / (uint64_t)nchunks * (uint64_t)(k + 1);
            if (guess < start)
                guess = start;
            if (next_line_start(fd, guess, f->size, &end) != 0)
                return diag_set(d, DIAG_IO, f->path, 0, 0, "read failed: %s", strerror(errno));
        }
        struct segment *seg = segment_new(segs);
        if (!seg) {
            segments_pop(segs, (size_t)k);
            return diag_set(d, DIAG_IO, f->path, 0, 0, "out of memory");
        }
        seg->file = fi;
        seg->rows.lean = 1;
        memset(&jobs[k], 0, sizeof jobs[k]);
        jobs[k].opts = opts;
        jobs[k].path = f->path;
        jobs[k].fi = fi;
        jobs[k].fd = fd;
        jobs[k].from = start;
        jobs[k].to = end;
        jobs[k].seg = seg;
        start = end;
    }
    for (int k = 1; k < nchunks; k++)
        started[k] = pthread_create(&tids[k], NULL, fhir_run, &jobs[k]) == 0;
    fhir_run(&jobs[0]);
    for (int k = 1; k < nchunks; k++) {
        if (started[k])
            pthread_join(tids[k], NULL);
        else
            fhir_run(&jobs[k]); /* no thread to be had: do it here */
    }
    long base = 0;
    for (int k = 0; k < nchunks; k++) {
        if (jobs[k].rc) {
            *d = jobs[k].d;
            return jobs[k].rc;
        }
        jobs[k].seg->line_base = base;
        base += jobs[k].lines;
        f->lines += jobs[k].lines;
        f->rows_read += jobs[k].rows_read;
        f->fingerprint = fingerprint_add(f->fingerprint, jobs[k].fp);
        f->fhir.resources_skipped += jobs[k].counts.resources_skipped;
        f->fhir.skipped_other_type += jobs[k].counts.skipped_other_type;
        f->fhir.skipped_other_code += jobs[k].counts.skipped_other_code;
        f->fhir.skipped_other_drug += jobs[k].counts.skipped_other_drug;
    }
    return 0;
}

/* The integer columns a wide file's header lacks (bit k: column COL_FIRST_INT + k); none for a
 * long score file, whose score goes to the column its instrument names. */
static uint32_t unread_ints(const struct schema *schema)
{
    uint32_t m = 0;
    if (schema->shape == SHAPE_LONG)
        return 0;
    for (int k = 0; k < N_INT_COLS; k++)
        if (schema->col_field[COL_FIRST_INT + k] < 0)
            m |= 1u << k;
    return m;
}

/* The store's columns that store->narrow_failed names in their wide form, room for cap rows
 * (the narrow ones freed): for NARROW_FAILED_VALUE dates in four bytes, dose and weight in
 * doubles, type/route/drug in a byte each; for NARROW_FAILED_TEXT, text ids in four bytes. 0,
 * or -1 when out of memory. */
static int store_wide(struct rows *store)
{
    size_t cap = store->cap ? store->cap : 1;
    int ok = 1;
    if (store->narrow_failed & NARROW_FAILED_VALUE && store->narrow_read) {
        free(store->dose_dec);
        free(store->weight_dec);
        free(store->kind);
        free(store->date16);
        store->dose_dec = store->weight_dec = NULL;
        store->kind = NULL;
        store->date16 = NULL;
        store->date_base = 0;
        store->narrow_read = 0;
        store->dose_mg = malloc(cap * sizeof *store->dose_mg);
        store->weight_kg = malloc(cap * sizeof *store->weight_kg);
        store->date = malloc(cap * sizeof *store->date);
        store->type = malloc(cap);
        store->route = malloc(cap);
        store->drug = malloc(cap);
        ok = store->dose_mg && store->weight_kg && store->date && store->type && store->route &&
             store->drug;
    }
    if (store->narrow_failed & NARROW_FAILED_TEXT && store->narrow_text) {
        store->narrow_text = 0;
        for (int c = 0; c < TEXT_COLS; c++) {
            free(store->text16[c]);
            store->text16[c] = NULL;
            ok &= (*rows_text_wide(store, c) = malloc(cap * sizeof(uint32_t))) != NULL;
        }
    }
    store->narrow_failed = 0;
    return ok ? 0 : -1;
}

/* After a read into the store: the columns its readers left unwritten freed (untouched, they
 * were virtual memory only), in the store and in the chunks' windows of it. */
static void free_unread(struct rows *store, struct segments *segs)
{
    for (int k = 0; k < N_INT_COLS; k++) {
        if (!(store->int_unread >> k & 1))
            continue;
        free(store->score[k]);
        free(store->score8[k]);
        store->score[k] = NULL;
        store->score8[k] = NULL;
        for (size_t s = 0; s < segs->n; s++)
            if (segs->v[s]->placed) {
                segs->v[s]->rows.score[k] = NULL;
                segs->v[s]->rows.score8[k] = NULL;
            }
    }
    store->int_unread = 0;
}

/* Reads one file: the header (stop after it), then the data in chunks. */
static int read_file(struct ingest_result *res, struct segments *segs,
                     const struct ingest_opts *opts, uint32_t fi, int *date_field,
                     struct strtab *seen_unknown, struct diag *d)
{
    const char *path = res->files[fi].path;
    struct ingest_reader *hr = NULL;
    char *buf = NULL;
    int rc = 0;
    /* only a regular file: a device or FIFO is refused unread (never a wait: infile.h) */
    static const struct infile_words words = {
        "cannot open", "a CSV file",
        "an input must be a file: it is hashed for the manifest and read again by verify"};
    int fd;
    uint64_t size;
    if ((rc = infile_open(path, &words, &fd, &size, d)) != 0)
        return rc;
    res->files[fi].size = size;
    /* the shape, from the first bytes: NDJSON when the first after a BOM and blanks is '{' */
    {
        char head[4096];
        ssize_t got = size ? read_at(fd, head, sizeof head, 0) : 0;
        if (got < 0) {
            rc = diag_set(d, DIAG_IO, path, 0, 0, "read failed: %s", strerror(errno));
            close(fd);
            return rc;
        }
        if (fhir_sniff(head, (size_t)got)) {
            res->files[fi].shape = SHAPE_FHIR;
            *date_field = -1;
            rc = read_fhir(res, segs, opts, fi, fd, d);
            close(fd);
            return rc;
        }
    }
    /* the header reader's segment: empty, except for records that end on the header's own
     * physical line (a file with CR-only line ends is one physical line) */
    struct segment *hseg = segment_new(segs);
    buf = malloc(65536);
    if (hseg)
        hseg->file = fi;
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
        ssize_t got = read_at(fd, buf, 65536, off);
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
        /* the bytes the header reader consumed: up to the header's end (the chunks read on) */
        uint64_t end = ingest_reader_header_end(hr);
        size_t used = end && end < off + (uint64_t)got ? (size_t)(end - off) : (size_t)got;
        res->files[fi].fingerprint =
            fingerprint_add(res->files[fi].fingerprint, fingerprint_piece(buf, used, off));
        off += (uint64_t)got;
    }
    const struct schema *schema = ingest_reader_schema(hr);
    uint64_t from = ingest_reader_header_end(hr);
    long header_lines = ingest_reader_lines(hr);
    *date_field = schema->col_field[COL_SESSION_DATE];
    res->files[fi].shape = schema->shape;
    char **unk;
    size_t nunk;
    ingest_reader_unknown(hr, &unk, &nunk);
    if (add_unknown(res, seen_unknown, unk, nunk) != 0) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "out of memory");
        goto out;
    }
    res->files[fi].lines = header_lines;
    /* records that ended on the header's own physical line (CR-only line ends) */
    res->files[fi].rows_read += ingest_reader_rows_read(hr);
    if (from >= size)
        goto out;
    int nchunks = opts->threads > 1 ? opts->threads : 1;
    uint64_t min_chunk = opts->min_chunk ? opts->min_chunk : MIN_CHUNK;
    if ((size - from) / min_chunk < (uint64_t)nchunks)
        nchunks = (int)((size - from) / min_chunk) + 1;
    /* one input file whose header line holds no record (as always but with CR-only line
     * ends): its chunks are read straight into the final store */
    struct rows *store = res->nfiles == 1 && hseg->rows.n == 0 ? &res->rows : NULL;
    if (store) { /* the integer columns its header lacks are never written, so never touched;
                    dose and weight read as decimals, 4 bytes each, type/route/drug into one
                    byte, text ids into two */
        store->int_unread = unread_ints(schema);
        store->narrow_read = store->narrow_text = 1;
        store->date_base = ROWS_DATE16_READ_BASE;
    }
    for (;;) {
        rc = read_chunks(res, segs, opts, fi, fd, schema, from, size, nchunks, header_lines, store,
                         d);
        if (rc == -1 && nchunks > 1) { /* a guessed split fell inside a quoted field: read the
                                          file in one piece */
            nchunks = 1;
            if (store)
                store->narrow_failed = 0; /* (what one piece meets, it meets again) */
            continue;
        }
        if (rc == -2 && store_wide(store) == 0)
            continue;
        break;
    }
    if (rc == -2)
        rc = diag_set(d, DIAG_IO, path, 0, 0, "out of memory");
    if (store && !rc)
        free_unread(store, segs);
out:
    ingest_reader_free(hr);
    free(buf);
    close(fd);
    return rc;
}

#define CMP_FIELD(x, y)                                                                            \
    do {                                                                                           \
        if ((x) != (y))                                                                            \
            return (x) < (y) ? -1 : 1;                                                             \
    } while (0)

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
            if (l->v[i].at_line && segs->v[s]->line_base) { /* name the absolute line */
                long at = l->v[i].at_line + segs->v[s]->line_base;
                char msg[200];
                snprintf(msg, sizeof msg,
                         "malformed quoting at line %ld (a quote inside an unquoted field, or "
                         "text after a closing quote)",
                         at);
                char *m = strdup(msg);
                if (!m)
                    return -1;
                free(l->v[i].message);
                l->v[i].message = m;
                l->v[i].at_line = at;
            }
            res->problems.v[res->problems.n++] = l->v[i];
        }
        free(l->v);
        memset(l, 0, sizeof *l);
    }
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ingest_run(const char *const *paths, size_t npaths, const struct ingest_opts *opts,
               struct ingest_result *res, struct diag *d)
{
    struct segments segs = {0};
    int rc = 0;
    int *date_field = NULL;
    struct strtab *seen_unknown = NULL;
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
    seen_unknown = strtab_new();
    if (!seen_unknown) {
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        goto out;
    }
    double t0 = now_seconds();
    for (size_t f = 0; f < npaths; f++) {
        rc = read_file(res, &segs, opts, (uint32_t)f, &date_field[f], seen_unknown, d);
        if (rc)
            goto out;
        res->rows_read += res->files[f].rows_read;
    }
    double t1 = now_seconds();
    if (collect_problems(res, &segs) != 0 ||
        store_build(res, segs.v, segs.n, opts, date_field) != 0) {
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        goto out;
    }
    res->seconds_read = t1 - t0;
    res->seconds_store = now_seconds() - t1;
    if (res->problems.n)
        qsort(res->problems.v, res->problems.n, sizeof *res->problems.v, problem_cmp);
    for (size_t i = 0; i < res->problems.n; i++) {
        if (res->problems.v[i].first) {
            res->rows_rejected++;
            res->rejected_by_reason[res->problems.v[i].reason]++;
            res->files[res->problems.v[i].file].rows_rejected++;
        }
    }
    res->rows_duplicate = (long)res->ndups;
    res->rows_accepted = (long)res->rows.n;
    /* each file's part of the accounting: its rows in the store, its extra copies, its rows
     * rejected (the three add up to its rows_read; tests check it) */
    for (size_t i = 0; i < res->ndups; i++)
        res->files[res->dups[i].file].rows_duplicate++;
    for (size_t i = 0; i < res->rows.n; i++)
        res->files[rows_file(&res->rows, i)].rows_accepted++;
    if (rows_narrow(&res->rows) != 0)
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
out:
    for (size_t s = 0; s < segs.n; s++)
        segment_free(segs.v[s]);
    free(segs.v);
    free(date_field);
    strtab_free(seen_unknown);
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
    free(res->conflicts);
    memset(res, 0, sizeof *res);
}
