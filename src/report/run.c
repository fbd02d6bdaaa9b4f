/* run.c: report_run, the whole report run as one library call (report.h): the inputs read and
 * hashed at once, the model, every output formatted, the manifest, the output directory
 * written as one step. The CLI parses the command line into a report_request, calls this and
 * prints; `verify` reruns a manifest through it, and the fuzzer drives it. */
#if defined(__linux__)
#define _GNU_SOURCE /* syscall(SYS_gettid): a thread's own priority */
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "outcomes/date.h"
#include "outcomes/render.h"
#include "outcomes/datadir.h"
#include "outcomes/report.h"
#include "outcomes/sha256.h"
#include "outcomes/strtab.h"
#include <jansson.h>
#include "report_int.h"
#include "each.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void report_input_of(const struct ingest_result *in, struct report_input *out)
{
    memset(out, 0, sizeof *out);
    out->files = in->files;
    out->nfiles = in->nfiles;
    out->unknown = in->unknown;
    out->nunknown = in->nunknown;
    out->problems = in->problems;
    out->patient_ids = in->rows.patients;
    out->text = in->rows.text;
    out->as_of = in->as_of;
    out->have_as_of = in->have_as_of;
    out->rows_read = in->rows_read;
    out->rows_accepted = in->rows_accepted;
    out->rows_rejected = in->rows_rejected;
    out->rows_duplicate = in->rows_duplicate;
    memcpy(out->rejected_by_reason, in->rejected_by_reason, sizeof out->rejected_by_reason);
    out->conflicting_same_day_scores = in->conflicting_same_day_scores;
    memcpy(out->conflicts_by_col, in->conflicts_by_col, sizeof out->conflicts_by_col);
    out->patients = in->patients;
}

/* The PDF's dates: SOURCE_DATE_EPOCH when set (reproducible builds' convention), else the
 * as-of date at 00:00 UTC; never the clock. */
static int pdf_date(const char *epoch, int32_t as_of, char *buf, size_t n, struct diag *d)
{
    long long secs = (long long)as_of * 86400;
    if (epoch && *epoch) {
        char *end;
        secs = strtoll(epoch, &end, 10);
        if (*end || secs < 0 || secs > 253402300799LL)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "SOURCE_DATE_EPOCH must be seconds since 1970 (0 to 9999), got '%s'",
                            epoch);
    }
    char day[11];
    date_format((int32_t)(secs / 86400), day);
    long rem = (long)(secs % 86400);
    snprintf(buf, n, "%sT%02ld:%02ld:%02ldZ", day, rem / 3600, rem / 60 % 60, rem % 60);
    return 0;
}

/* Hashing the inputs for the manifest, on a thread of its own from the start of the run, at the
 * lowest priority: it takes a core only when the reading or the analysis leaves one idle
 * (single-threaded steps, the PDF, the writing); what is left when the manifest needs it runs
 * then. (Sharing the cores evenly after the reading was measured slower: the digest streams
 * the whole file through the caches the analysis is using.) Hashing beside the read means the
 * two read the file at different times: so each computes a fingerprint of the bytes it read
 * (fingerprint.h), and after both end the sizes and fingerprints are compared: the digest in the
 * manifest is of the bytes analysed, or the run fails. */
struct hash_job {
    const char *const *files;
    size_t nfiles;
    struct manifest_file *inputs;
    uint64_t *fp; /* fingerprint of each input's hashed bytes */
    int rc;
    struct diag d;
    double done; /* when it ended (for the timings) */
};

static void hash_inputs(struct hash_job *j)
{
    j->rc = 0;
    for (size_t f = 0; f < j->nfiles && !j->rc; f++) {
        struct manifest_file *mf = &j->inputs[f];
        mf->path = j->files[f];
        j->rc = sha256_file_fp(mf->path, mf->sha256, &mf->size, &j->fp[f], &j->d);
    }
    j->done = now();
}

static void *hash_thread(void *arg)
{
#if defined(__linux__)
    /* Linux schedules each thread on its own: SCHED_IDLE runs it only on a core the others
     * leave idle (else nice 19); failing both, it shares the cores evenly */
    struct sched_param sp = {0};
    if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) != 0 &&
        setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19) != 0) {
        /* not fatal */
    }
#endif
    hash_inputs(arg);
    return NULL;
}

/* After the hashing and the reading: every input hashed is the bytes read (its size and its
 * fingerprint agree). */
static int inputs_unchanged(const struct ingest_result *in, struct manifest_file *inputs,
                            const uint64_t *fp, struct diag *d)
{
    for (size_t f = 0; f < in->nfiles; f++) {
        inputs[f].rows = in->files[f].rows_read;
        inputs[f].shape = ingest_shape_name(in->files[f].shape);
        if (inputs[f].size != in->files[f].size)
            return diag_set(d, DIAG_IO, in->files[f].path, 0, 0,
                            "the file changed while it was being read (%llu bytes, then %llu); "
                            "nothing was written",
                            (unsigned long long)in->files[f].size,
                            (unsigned long long)inputs[f].size);
        if (fp[f] != in->files[f].fingerprint)
            return diag_set(d, DIAG_IO, in->files[f].path, 0, 0,
                            "the file changed while it was being read (same size, other bytes: "
                            "the bytes hashed are not those analysed); nothing was written");
    }
    return 0;
}

static void *release_rows(void *arg)
{
    rows_release_columns(arg);
    return NULL;
}

/* An output's SHA-256 (of its parts laid end to end), made on a thread of its own. */
struct out_hash {
    const char *name;
    const void *parts[2];
    size_t lens[2];
    char hex[65];
    int rc; /* 0 when hex is the hash */
};

static void *hash_output(void *arg)
{
    struct out_hash *h = arg;
    h->rc = sha256_parts_hex(h->parts, h->lens, 2, h->hex);
    return NULL;
}

#define MAX_OUT 8 /* outputs of one run (report_output_names) */

/* One run's state, from the request to the committed directory. */
struct run {
    struct rows prov; /* the store's line, file and date columns kept for review.csv (owned) */
    const struct report_request *rq;
    struct report_outputs *out;
    struct diag *d;
    struct colmap colmap;
    struct benchmark_list benchmarks; /* model.benchmarks points here */
    struct analysis a;
    struct report_input ri;
    double t0, t1, t2, t3, t4, t5;
    /* the inputs' hashes */
    struct hash_job hj;
    pthread_t hasher;
    int hashing;
    /* the row columns' release */
    pthread_t releaser;
    int releasing;
    /* episodes.csv: its two parts and their hash */
    int row_level;
    char *eparts[2];
    size_t elens[2];
    struct out_hash eh;
    pthread_t ehasher;
    int ehashing;
    int begun; /* report_out_begin done, not yet committed */
    /* the other outputs, in the order written */
    char *json, *rejects, *pdf, *manifest;
    char review_sha[65]; /* review.csv: written as it is made, hashed on the way */
    uint64_t review_size;
    size_t nrejects;
    struct render_content content; /* report.pdf's content hash per page, for the manifest */
    struct out_file files[MAX_OUT];
    size_t nfiles;
    /* --each: the sub-reports (each.h), their files as the network's manifest lists them
     * (paths "site/NAME/FILE", owned), index.json */
    struct each each;
    int each_on; /* each_analyse called */
    struct manifest_file *subfiles;
    size_t nsubfiles;
    char *index;
};

static int oom(struct run *r)
{
    return diag_set(r->d, DIAG_IO, NULL, 0, 0, "out of memory");
}

/* The hashing starts (on its own thread, unless the test hook asks for it after the read). */
static int start_hashing(struct run *r)
{
    size_t n = r->rq->nfiles ? r->rq->nfiles : 1;
    r->hj = (struct hash_job){r->rq->files,
                              r->rq->nfiles,
                              calloc(n, sizeof *r->hj.inputs),
                              calloc(n, sizeof *r->hj.fp),
                              0,
                              {0},
                              0};
    if (!r->hj.inputs || !r->hj.fp)
        return oom(r);
    r->hashing = !r->rq->after_read && pthread_create(&r->hasher, NULL, hash_thread, &r->hj) == 0;
    return 0;
}

static void stage(const struct run *r, int s)
{
    if (r->rq->stage)
        r->rq->stage(s, r->rq->arg);
}

/* Reads the inputs (and the --columns mapping), then the --strict check. */
static int read_inputs(struct run *r)
{
    const struct report_request *rq = r->rq;
    struct report_outputs *out = r->out;
    struct ingest_opts io = rq->ingest;
    out->stage = REPORT_READ;
    if (rq->nfiles == 0)
        return diag_set(r->d, DIAG_USAGE, NULL, 0, 0, "no input file given");
    if (rq->columns && ingest_colmap_load(rq->columns, &r->colmap, r->d) != 0)
        return r->d->code;
    /* the benchmarks (SPEC 10): --benchmarks FILE, else the file shipped with the tool, then
     * the --target entries; a bad file stops the run as an export's unreadable header does */
    {
        char *path = NULL;
        if (!rq->benchmarks && datadir_find("benchmarks.csv", &path, r->d) != 0)
            return r->d->code;
        int rc = benchmarks_read(rq->benchmarks ? rq->benchmarks : path, &r->benchmarks, r->d);
        free(path);
        if (!rc && rq->target)
            rc = benchmarks_parse_target(rq->target, "--target", &r->benchmarks, r->d);
        if (rc)
            return rc;
    }
    io.colmap = rq->columns ? &r->colmap : NULL;
    io.threads = rq->threads;
    int rc = ingest_run(rq->files, rq->nfiles, &io, &out->in, r->d);
    /* the provenance columns (line, file; 8 bytes a row): the review list's rows name theirs
     * (SPEC 13), so they stay through the analysis when review.csv is written; under
     * suppression it is not, and they go now */
    if (!rc && rq->model.suppress_below > 1)
        rows_release_provenance(&out->in.rows);
    if (rq->after_read && !rc)
        rq->after_read(rq->arg);
    stage(r, 2);
    if (rc)
        return rc;
    const struct ingest_result *in = &out->in;
    /* a primary instrument no accepted row scores (--instrument madrs on a PHQ-9 export): every
     * episode lacks a baseline */
    out->no_primary = in->rows.n > 0;
    for (size_t i = 0; out->no_primary && i < in->rows.n; i++)
        out->no_primary = rows_int(&in->rows, rq->model.instrument, i) < 0;
    out->errors = in->rows_rejected - in->rejected_by_reason[REASON_AFTER_AS_OF] -
                  in->rejected_by_reason[REASON_STATUS];
    out->read = in->seconds_read;
    out->store = in->seconds_store;
    if (rq->strict && out->errors > 0) {
        out->stage = REPORT_STRICT;
        return diag_set(r->d, DIAG_DATA, NULL, 0, 0,
                        "--strict: %ld rows rejected; nothing was written", out->errors);
    }
    return 0;
}

/* The columns only the episodes read (model_opts.episodes_done), freed once they are derived
 * (4 bytes a row: 42 MB of a 10 M-row export, at the peak; README "Performance"). */
static void release_episode_columns(void *arg)
{
    struct rows *rows = arg;
    free(rows->weight_kg);
    free(rows->weight_dec);
    free(rows->weight16);
    rows->weight_kg = NULL;
    rows->weight_dec = NULL;
    rows->weight16 = NULL;
    free(rows->site);
    free(rows->therapy);
    free(rows->ids[TEXT_SITE].p);
    free(rows->ids[TEXT_THERAPY].p);
    rows->site = rows->therapy = NULL;
    rows->ids[TEXT_SITE].p = rows->ids[TEXT_THERAPY].p = NULL;
}

static int analyse(struct run *r)
{
    struct model_opts mo = r->rq->model;
    mo.threads = r->rq->threads;
    mo.benchmarks = &r->benchmarks;
    mo.episodes_done = release_episode_columns;
    mo.episodes_done_arg = &r->out->in.rows;
    r->out->stage = REPORT_MODEL;
    r->t1 = now();
    if (model_run(&r->out->in, &mo, &r->a, r->d) != 0)
        return r->d->code;
    /* --each: each value's analysis, while the row columns are there (each.h) */
    if (r->rq->each) {
        double t = now();
        r->each_on = 1;
        if (each_analyse(&r->each, &r->out->in, &r->a, r->rq->each == REPORT_EACH_CLINICIAN,
                         r->rq->threads, r->rq->model.suppress_below <= 1, r->d) != 0)
            return r->d->code;
        r->out->each_analyses = now() - t;
    }
    stage(r, 3);
    r->t2 = now();
    r->out->eligible = r->a.eligible;
    r->out->mature = r->a.mature;
    r->out->episodes = r->a.seconds_episodes;
    r->out->statistics = r->t2 - r->t1 - r->a.seconds_episodes;
    return 0;
}

/* The columns review.csv reads (the date, the file and the line of each review row's store
 * row) taken from the store, so that they outlive the others; finish frees them. */
static void keep_provenance(struct run *r, struct rows *rows)
{
    r->prov = (struct rows){.line = rows->line,
                            .line_n = rows->line_n,
                            .line_base = rows->line_base,
                            .file = rows->file,
                            .date = rows->date,
                            .date16 = rows->date16,
                            .date_base = rows->date_base};
    r->ri.prov = &r->prov;
    rows->line = rows->file = NULL;
    rows->line_n.p = NULL;
    rows->date = NULL;
    rows->date16 = NULL;
}

/* A dose or weight column, in whichever width it is kept, as a buffer of its bytes. */
static void take_buffer(double **wide, uint32_t **dec, uint16_t **dec16, size_t n, char **buf,
                        size_t *len)
{
    *buf = *wide ? (char *)*wide : *dec ? (char *)*dec : (char *)*dec16;
    *len = *wide ? n * sizeof **wide : *dec ? n * sizeof **dec : *dec16 ? n * sizeof **dec16 : 0;
    *wide = NULL;
    *dec = NULL;
    *dec16 = NULL;
}

/* episodes.csv, formatted into row memory, then written first and hashed on a thread of its
 * own while the other outputs are made; the row columns are freed meanwhile. */
static int episodes(struct run *r)
{
    struct rows *rows = &r->out->in.rows;
    r->out->stage = REPORT_WRITE;
    report_input_of(&r->out->in, &r->ri);
    if (r->rq->model.suppress_below <= 1) /* review.csv: its rows' dates, files and lines */
        keep_provenance(r, rows);
    /* under suppression, the row-level files (one row per episode, per rejected row) are not
     * written: their rows are small counts, and `outcomes check` lists the rejects */
    r->row_level = r->rq->model.suppress_below <= 1;
    r->eh = (struct out_hash){"episodes.csv", {NULL, NULL}, {0, 0}, "", -1};
    /* the outputs need the string tables, not the row columns. The dose and weight columns (4
     * or 8 bytes a row) become the buffers episodes.csv is formatted into (memory already in
     * place, where fresh pages would each cost a fault); the other columns are freed while it
     * is formatted, on a thread of their own (freeing 500 MB takes a tenth of a second), so
     * that the growing buffers take the place of the freed columns */
    if (r->row_level) {
        take_buffer(&rows->dose_mg, &rows->dose_dec, &rows->dose16, rows->n, &r->eparts[0],
                    &r->elens[0]);
        take_buffer(&rows->weight_kg, &rows->weight_dec, &rows->weight16, rows->n, &r->eparts[1],
                    &r->elens[1]);
    }
    r->releasing =
        r->rq->threads > 1 && pthread_create(&r->releaser, NULL, release_rows, rows) == 0;
    if (!r->releasing)
        rows_release_columns(rows);
    if (r->row_level &&
        report_episodes_csv_indexed(&r->ri, &r->a, r->rq->threads, r->eparts, r->elens,
                                    r->rq->each ? &r->each.eidx : NULL) != 0)
        return diag_set(r->d, DIAG_IO, NULL, 0, 0, "out of memory while writing the results");
    r->t3 = now();
    if (report_out_begin(r->rq->dir, r->rq->waiting, r->rq->arg, r->d) != 0)
        return r->d->code;
    r->begun = 1;
    if (r->row_level) {
        if (report_out_write("episodes.csv", (const char *const *)r->eparts, r->elens, 2, r->d) !=
            0)
            return r->d->code;
        r->eh.parts[0] = r->eparts[0];
        r->eh.parts[1] = r->eparts[1] ? r->eparts[1] : "";
        r->eh.lens[0] = r->elens[0];
        r->eh.lens[1] = r->elens[1];
        r->ehashing = pthread_create(&r->ehasher, NULL, hash_output, &r->eh) == 0;
        if (!r->ehashing)
            hash_output(&r->eh);
    }
    r->t4 = now();
    return 0;
}

/* --each: the sub-reports' files begun on a worker (each.h), from the network's episodes.csv
 * (formatted) and rejects.csv (made now). */
/* The PDF's options from the request; date_iso (32 bytes) receives its date. */
static int pdf_opts_of(struct run *r, char *date_iso, struct render_content *content,
                       struct pdf_opts *po)
{
    const struct report_request *rq = r->rq;
    if (pdf_date(rq->source_date_epoch, r->a.as_of, date_iso, 32, r->d) != 0)
        return r->d->code;
    *po = (struct pdf_opts){rq->title ? rq->title : "Quality review",
                            rq->letter,
                            date_iso,
                            rq->period_label,
                            rq->km_min_at_risk,
                            content};
    return 0;
}

static int start_each(struct run *r)
{
    const struct report_request *rq = r->rq;
    if (!rq->each)
        return 0;
    if (r->row_level && !(r->rejects = report_rejects_csv(&r->ri, &r->nrejects)))
        return diag_set(r->d, DIAG_IO, NULL, 0, 0, "out of memory while writing the results");
    char date_iso[32];
    struct pdf_opts po;
    if (pdf_opts_of(r, date_iso, NULL, &po) != 0)
        return r->d->code;
    return each_start(&r->each, &r->ri, r->eparts, r->rejects, r->nrejects, &po, r->d);
}

/* review.csv, written in pieces as it is made (never held whole: a 10 M-row export flags some
 * 7 M sessions) and hashed on the way. It names patients: a row-level file (SPEC 9, 13). */
static int review_file(struct run *r)
{
    struct review_stream rs;
    report_review_stream_init(&rs, &r->ri, &r->a, NULL, 0);
    int rc = report_out_write_stream("review.csv", report_review_stream_next, &rs, r->review_sha,
                                     &r->review_size, r->d);
    report_review_stream_fini(&rs);
    return rc;
}

/* review.csv, results.json, rejects.csv and report.pdf; then episodes.csv's hash is waited
 * for. */
static int other_outputs(struct run *r)
{
    const struct report_request *rq = r->rq;
    size_t njson = 0, npdf = 0;
    if (r->row_level && review_file(r) != 0)
        return r->d->code;
    r->json = report_results_json(&r->ri, &r->a, &njson);
    if (r->row_level && !r->rejects)
        r->rejects = report_rejects_csv(&r->ri, &r->nrejects);
    if (!r->json || (r->row_level && !r->rejects))
        return diag_set(r->d, DIAG_IO, NULL, 0, 0, "out of memory while writing the results");
    char date_iso[32];
    struct pdf_opts po;
    if (pdf_opts_of(r, date_iso, &r->content, &po) != 0)
        return r->d->code;
    if (render_content_init(&r->content) != 0)
        return oom(r);
    if (report_pdf(&r->ri, &r->a, &po, &r->pdf, &npdf, r->d) != 0)
        return r->d->code;
    if (r->content.failed)
        return diag_set(r->d, DIAG_IO, NULL, 0, 0, "out of memory while hashing the PDF's content");
    r->t5 = now();
    if (r->ehashing) {
        pthread_join(r->ehasher, NULL);
        r->ehashing = 0;
    }
    if (!rq->each) { /* (else the sub-reports' rows are taken from it: freed at the end) */
        free(r->eparts[0]);
        free(r->eparts[1]);
        r->eparts[0] = r->eparts[1] = NULL;
    }
    if (r->row_level && r->eh.rc != 0)
        return diag_set(r->d, DIAG_IO, NULL, 0, 0, "hashing failed");
    /* the outputs as the manifest lists them (episodes.csv is written already) */
    r->files[r->nfiles++] = (struct out_file){"report.pdf", r->pdf, npdf};
    r->files[r->nfiles++] = (struct out_file){"results.json", r->json, njson};
    if (r->row_level) {
        r->files[r->nfiles++] = (struct out_file){"rejects.csv", r->rejects, r->nrejects};
        r->files[r->nfiles++] = (struct out_file){"episodes.csv", NULL, r->elens[0] + r->elens[1]};
        r->files[r->nfiles++] = (struct out_file){"review.csv", NULL, (size_t)r->review_size};
    }
    return 0;
}

/* The inputs' digests (waited for, and checked to be of the bytes analysed). */
static int inputs_hashed(struct run *r)
{
    double wait = now();
    if (r->hashing) {
        pthread_join(r->hasher, NULL);
        r->hashing = 0;
    } else {
        hash_inputs(&r->hj); /* no thread to be had, or the test hook */
    }
    r->out->waited = now() - wait;
    r->out->hashed_at = r->hj.done - r->t0;
    if (r->hj.rc || inputs_unchanged(&r->out->in, r->hj.inputs, r->hj.fp, &r->hj.d) != 0) {
        *r->d = r->hj.d;
        return r->d->code;
    }
    return 0;
}

/* A manifest.json of outputs (inputs already hashed); each_value and each_dir: a sub-report's. */
static char *manifest_of(struct run *r, struct manifest_file *outputs, size_t noutputs,
                         const struct render_content *content, const char *each_value,
                         const char *each_dir, size_t *len)
{
    const struct report_request *rq = r->rq;
    struct manifest m = {0};
    char as_of[11];
    if (rq->columns) { /* the digest of the bytes the mapping was read from */
        m.columns.path = rq->columns;
        m.columns.size = r->colmap.size;
        memcpy(m.columns.sha256, r->colmap.sha256, sizeof r->colmap.sha256);
    }
    m.benchmarks.path = rq->benchmarks; /* (NULL: the shipped file) */
    m.benchmarks.size = r->benchmarks.size;
    memcpy(m.benchmarks.sha256, r->benchmarks.sha256, sizeof r->benchmarks.sha256);
    date_format(r->a.as_of, as_of);
    m.argv = rq->argv;
    m.argc = rq->argc;
    m.options = rq->options;
    m.noptions = rq->noptions;
    m.source_date_epoch =
        rq->source_date_epoch && *rq->source_date_epoch ? rq->source_date_epoch : NULL;
    m.as_of = as_of;
    m.inputs = r->hj.inputs;
    m.ninputs = r->out->in.nfiles;
    m.outputs = outputs;
    m.noutputs = noutputs;
    m.pdf_pages = (const char(*)[65])content->sha;
    m.npdf_pages = content->npages;
    m.font_file = content->font_file;
    m.font_sha256 = content->font_sha256;
    m.each_by = rq->each ? (rq->each == REPORT_EACH_SITE ? "site" : "clinician") : NULL;
    m.each_value = each_value;
    m.each_dir = each_dir;
    return report_manifest_json(&m, len);
}

static char *sub_manifest(void *arg, struct manifest_file *outputs, size_t n,
                          const struct render_content *content, const char *value, const char *dir,
                          size_t *len)
{
    return manifest_of(arg, outputs, n, content, value, dir, len);
}

/* --each: every value's manifest.json (the inputs are hashed), then DIR/index.json. */
static int write_subs(struct run *r)
{
    if (!r->rq->each)
        return 0;
    size_t n = 0;
    if (each_manifests(&r->each, sub_manifest, r, &r->subfiles, &r->nsubfiles, &r->index, &n,
                       r->d) != 0)
        return r->d->code;
    r->files[r->nfiles++] = (struct out_file){"index.json", r->index, n};
    return 0;
}

/* manifest.json for the outputs about to be written (inputs already hashed): the network's
 * files, index.json and, under --each, every sub-report's file by its path from DIR (so that
 * `verify DIR` checks the whole). */
static int build_manifest(struct run *r)
{
    size_t nout = r->nfiles + r->nsubfiles;
    struct manifest_file *outputs = calloc(nout ? nout : 1, sizeof *outputs);
    if (!outputs)
        return oom(r);
    for (size_t k = 0; k < r->nfiles; k++) {
        const struct out_file *f = &r->files[k];
        outputs[k] = (struct manifest_file){f->name, f->len, -1, NULL, ""};
        if (r->eh.rc == 0 && strcmp(f->name, r->eh.name) == 0)
            memcpy(outputs[k].sha256, r->eh.hex, sizeof r->eh.hex);
        else if (strcmp(f->name, "review.csv") == 0)
            memcpy(outputs[k].sha256, r->review_sha, sizeof r->review_sha);
        else if (sha256_hex(f->data, f->len, outputs[k].sha256) != 0) {
            free(outputs);
            return diag_set(r->d, DIAG_IO, NULL, 0, 0, "hashing failed");
        }
    }
    for (size_t k = 0; k < r->nsubfiles; k++)
        outputs[r->nfiles + k] = r->subfiles[k];
    size_t len = 0;
    r->manifest = manifest_of(r, outputs, nout, &r->content, NULL, NULL, &len);
    free(outputs);
    if (!r->manifest)
        return oom(r);
    r->files[r->nfiles++] = (struct out_file){"manifest.json", r->manifest, len};
    return 0;
}

/* The files not written yet, then the directory's swap. */
static int commit(struct run *r)
{
    stage(r, 4);
    for (size_t k = 0; k < r->nfiles; k++)
        if (r->files[k].data &&
            report_out_write(r->files[k].name, &r->files[k].data, &r->files[k].len, 1, r->d) != 0)
            return r->d->code;
    r->begun = 0;
    if (report_out_commit(r->d) != 0)
        return r->d->code;
    r->out->stage = REPORT_DONE;
    double end = now();
    r->out->format_episodes = r->t3 - r->t2;
    r->out->write_episodes = r->t4 - r->t3;
    r->out->json_pdf = r->t5 - r->t4;
    r->out->write_rest = end - r->t5;
    r->out->total = end - r->t0;
    return 0;
}

/* Whatever the run left: threads joined, a directory begun removed, buffers freed. */
static void finish(struct run *r)
{
    if (r->ehashing)
        pthread_join(r->ehasher, NULL);
    if (r->each_on)
        each_fini(&r->each); /* its worker stopped before the directory is removed */
    if (r->begun)
        report_out_abort();
    if (r->hashing)
        pthread_join(r->hasher, NULL);
    if (r->releasing)
        pthread_join(r->releaser, NULL);
    free(r->eparts[0]);
    free(r->eparts[1]);
    rows_release_columns(&r->prov);
    free(r->hj.inputs);
    free(r->hj.fp);
    if (r->pdf)
        render_shutdown();
    free(r->json);
    free(r->pdf);
    free(r->manifest);
    free(r->rejects);
    for (size_t k = 0; k < r->nsubfiles; k++)
        free((char *)r->subfiles[k].path);
    free(r->subfiles);
    free(r->index);
    render_content_fini(&r->content);
    model_fini(&r->a);
    ingest_colmap_fini(&r->colmap);
    benchmarks_fini(&r->benchmarks);
}

int report_run(const struct report_request *rq, struct report_outputs *out, struct diag *d)
{
    struct run r;
    memset(&r, 0, sizeof r);
    memset(out, 0, sizeof *out);
    diag_clear(d);
    r.rq = rq;
    r.out = out;
    r.d = d;
    r.t0 = now();
    int rc = start_hashing(&r);
    if (!rc)
        rc = read_inputs(&r);
    if (!rc)
        rc = analyse(&r);
    if (!rc)
        rc = episodes(&r);
    if (!rc)
        rc = start_each(&r);
    if (!rc)
        rc = other_outputs(&r);
    if (!rc && rq->each) {
        double t = now();
        rc = each_outputs(&r.each, d);
        out->each_files = now() - t;
    }
    if (!rc)
        rc = inputs_hashed(&r);
    if (!rc)
        rc = write_subs(&r);
    if (!rc)
        rc = build_manifest(&r);
    if (!rc)
        rc = commit(&r);
    finish(&r);
    return rc;
}

void report_outputs_fini(struct report_outputs *out)
{
    ingest_result_fini(&out->in);
    memset(out, 0, sizeof *out);
}
