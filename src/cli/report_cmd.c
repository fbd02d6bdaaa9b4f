/* report_cmd.c: `outcomes report`: read, derive, compute, and write the output directory
 * (results.json, episodes.csv, rejects.csv) all at once or not at all. */
#if defined(__linux__)
#define _GNU_SOURCE /* syscall(SYS_gettid): a thread's own priority */
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
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

#include "cli.h"
#include "outcomes/date.h"
#include "outcomes/model.h"
#include "outcomes/render.h"
#include "outcomes/sha256.h"
#include "outcomes/report.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The PDF's dates: SOURCE_DATE_EPOCH when set (reproducible builds' convention), else the
 * as-of date at 00:00 UTC; never the clock. */
static int pdf_date(int32_t as_of, char *buf, size_t n, struct diag *d)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    long long secs = (long long)as_of * 86400;
    if (env && *env) {
        char *end;
        secs = strtoll(env, &end, 10);
        if (*end || secs < 0 || secs > 253402300799LL)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "SOURCE_DATE_EPOCH must be seconds since 1970 (0 to 9999), got '%s'",
                            env);
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
    const struct cli_opts *o;
    struct manifest_file *inputs;
    uint64_t *fp; /* fingerprint of each input's hashed bytes */
    int rc;
    struct diag d;
    double done; /* when it ended (for --timings) */
};

static void hash_inputs(struct hash_job *j)
{
    j->rc = 0;
    for (size_t f = 0; f < j->o->nfiles && !j->rc; f++) {
        struct manifest_file *mf = &j->inputs[f];
        mf->path = j->o->files[f];
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

/* The test hook between reading and hashing (README "Tests"): with OUTCOMES_TEST_STOP_AFTER_READ
 * set, the inputs are hashed only after the reading, and the process stops itself (SIGSTOP) in
 * between, so that a test can change an input at that point and continue it (SIGCONT). */
static int stop_after_read(void)
{
    const char *e = getenv("OUTCOMES_TEST_STOP_AFTER_READ");
    return e && *e;
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

/* manifest.json for the outputs about to be written (inputs already hashed). */
static int build_manifest(const struct cli_opts *o, const struct colmap *map,
                          const struct ingest_result *in, const struct analysis *a,
                          struct manifest_file *inputs, const struct out_file *files, size_t nfiles,
                          const struct out_hash *known, char **out, size_t *len, struct diag *d)
{
    struct manifest m = {0};
    struct manifest_file outputs[8];
    char **words = NULL, as_of[11];
    size_t nwords = 0;
    int rc = 0;
    if (cli_effective_options(o, &words, &nwords) != 0) {
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        goto done;
    }
    if (o->columns) { /* the digest of the bytes the mapping was read from */
        m.columns.path = o->columns;
        m.columns.size = map->size;
        memcpy(m.columns.sha256, map->sha256, sizeof map->sha256);
    }
    for (size_t k = 0; k < nfiles && k < 8; k++) {
        outputs[k] = (struct manifest_file){files[k].name, files[k].len, -1, NULL, ""};
        if (known->rc == 0 && strcmp(files[k].name, known->name) == 0)
            memcpy(outputs[k].sha256, known->hex, sizeof known->hex);
        else if (sha256_hex(files[k].data, files[k].len, outputs[k].sha256) != 0) {
            rc = diag_set(d, DIAG_IO, NULL, 0, 0, "hashing failed");
            goto done;
        }
    }
    date_format(a->as_of, as_of);
    m.argv = (const char *const *)o->argv;
    m.argc = (size_t)o->argc;
    m.options = (const char *const *)words;
    m.noptions = nwords;
    m.source_date_epoch = getenv("SOURCE_DATE_EPOCH");
    if (m.source_date_epoch && !*m.source_date_epoch)
        m.source_date_epoch = NULL;
    m.as_of = as_of;
    m.inputs = inputs;
    m.ninputs = in->nfiles;
    m.outputs = outputs;
    m.noutputs = nfiles;
    if (!(*out = report_manifest_json(&m, len)))
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
done:
    for (size_t i = 0; i < nwords; i++)
        free(words[i]);
    free(words);
    return rc;
}

/* Another run is writing the same directory: this one waits for it (the lock, README
 * "Outputs"), and says so unless --quiet. */
static void note_waiting(const char *lock, void *arg)
{
    const struct cli_opts *o = arg;
    if (!o->quiet)
        fprintf(stderr, "outcomes: another run is writing this directory (lock %s): waiting "
                        "for it to end\n", lock);
}

int cli_report(const struct cli_opts *o)
{
    double t0 = now();
    struct ingest_result in;
    struct analysis a;
    struct diag d;
    struct manifest_file *hashes = NULL;
    struct colmap colmap = {0};
    uint64_t *fps = NULL;
    struct hash_job hj = {0};
    pthread_t hasher, releaser;
    int hashing = 0, releasing = 0;
    char *json = NULL, *rejects = NULL, *review = NULL, *pdf = NULL, *manifest = NULL;
    char *dir = NULL; /* the output directory, allocated to its length (no cut path) */
    size_t njson = 0, nrejects = 0, nreview = 0, npdf = 0, nmanifest = 0;
    struct progress pg;
    progress_start(&pg, o->quiet, o->files, o->nfiles);
    hashes = calloc(o->nfiles ? o->nfiles : 1, sizeof *hashes);
    fps = calloc(o->nfiles ? o->nfiles : 1, sizeof *fps);
    if (!hashes || !fps) {
        free(hashes);
        free(fps);
        diag_set(&d, DIAG_IO, NULL, 0, 0, "out of memory");
        progress_stop(&pg);
        return cli_report_diag(&d, NULL);
    }
    hj = (struct hash_job){o, hashes, fps, 0, {0}, 0};
    int hook = stop_after_read();
    hashing = !hook && pthread_create(&hasher, NULL, hash_thread, &hj) == 0;
    int rc = cli_read_inputs(o, &in, "report", &pg, &colmap);
    if (hook && !rc)
        raise(SIGSTOP);
    progress_stage(&pg, 2);
    memset(&a, 0, sizeof a);
    diag_clear(&d);
    if (rc)
        goto out;
    /* a primary instrument no accepted row scores (--instrument madrs on a PHQ-9 export): every
     * episode lacks a baseline; said on the summary line's side, not left for the user to guess */
    int no_primary = in.rows.n > 0;
    for (size_t i = 0; no_primary && i < in.rows.n; i++)
        no_primary = in.rows.score[INT_INDEX(o->model.instrument)][i] < 0;
    long errors = in.rows_rejected - in.rejected_by_reason[REASON_AFTER_AS_OF] -
                  in.rejected_by_reason[REASON_STATUS];
    if (o->strict && errors > 0) {
        progress_stop(&pg);
        for (size_t i = 0; i < in.problems.n; i++) {
            const struct problem *p = &in.problems.v[i];
            if (p->reason != REASON_AFTER_AS_OF && p->reason != REASON_STATUS)
                cli_print_problem(stderr, &in, p);
        }
        fprintf(stderr, "outcomes: --strict: %ld rows rejected; nothing was written\n", errors);
        rc = EXIT_DATA;
        goto out;
    }
    double t1 = now();
    if (model_run(&in, &o->model, &a, &d) != 0) {
        progress_stop(&pg);
        if (!o->quiet)
            cli_print_input_notes(&in);
        rc = cli_report_diag(&d, NULL);
        goto out;
    }
    progress_stage(&pg, 3);
    double t2 = now();
    {
        const char *base = o->output ? "" : "reports/";
        const char *name = o->output ? o->output : o->period_label;
        size_t len = strlen(base) + strlen(name) + 1;
        dir = malloc(len);
        if (!dir) {
            diag_set(&d, DIAG_IO, NULL, 0, 0, "out of memory");
            rc = cli_report_diag(&d, NULL);
            goto out;
        }
        snprintf(dir, len, "%s%s", base, name);
    }
    /* under suppression, the row-level files (one row per episode, per rejected row) are not
     * written: their rows are small counts, and `outcomes check` lists the rejects */
    int row_level = o->model.suppress_below <= 1;
    char *eparts[2] = {NULL, NULL};
    size_t elens[2] = {0, 0};
    struct out_hash eh = {"episodes.csv", {NULL, NULL}, {0, 0}, "", -1};
    pthread_t ehasher;
    int ehashing = 0, begun = 0;
    /* the outputs need the string tables, not the row columns. Two columns of 8 bytes a row
     * become the buffers episodes.csv is formatted into (memory already in place, where fresh
     * pages would each cost a fault), so that peak memory is the row store, not the store and
     * the outputs; the other columns are freed once it is formatted */
    if (row_level) {
        eparts[0] = (char *)in.rows.dose_mg;
        eparts[1] = (char *)in.rows.weight_kg;
        elens[0] = elens[1] = in.rows.n * sizeof *in.rows.dose_mg;
        in.rows.dose_mg = in.rows.weight_kg = NULL;
    }
    if (row_level && report_episodes_csv(&in, &a, o->threads, eparts, elens) != 0) {
        diag_set(&d, DIAG_IO, NULL, 0, 0, "out of memory while writing the results");
        goto fail;
    }
    /* the row columns are not needed any more: a thread of its own frees them while the
     * outputs are written (freeing 800 MB takes a tenth of a second) */
    releasing = o->threads > 1 && pthread_create(&releaser, NULL, release_rows, &in.rows) == 0;
    double t3 = now();
    /* episodes.csv, the largest output, is written first and then hashed on a second thread
     * while the other outputs are made */
    if (report_out_begin(dir, note_waiting, (void *)o, &d) != 0)
        goto fail;
    begun = 1;
    if (row_level) {
        if (report_out_write("episodes.csv", (const char *const *)eparts, elens, 2, &d) != 0)
            goto fail;
        eh.parts[0] = eparts[0];
        eh.parts[1] = eparts[1] ? eparts[1] : "";
        eh.lens[0] = elens[0];
        eh.lens[1] = elens[1];
        ehashing = pthread_create(&ehasher, NULL, hash_output, &eh) == 0;
        if (!ehashing)
            hash_output(&eh);
    }
    double t4 = now();
    json = report_results_json(&in, &a, &njson);
    rejects = row_level ? report_rejects_csv(&in, &nrejects) : NULL;
    review = row_level ? report_review_csv(&in, &a, &nreview) : NULL;
    if (!json || (row_level && (!rejects || !review))) {
        diag_set(&d, DIAG_IO, NULL, 0, 0, "out of memory while writing the results");
        goto fail;
    }
    char date_iso[32];
    if (pdf_date(a.as_of, date_iso, sizeof date_iso, &d) != 0)
        goto fail;
    struct pdf_opts po = {o->title ? o->title : "Quality review", o->letter, date_iso,
                          o->period_label};
    if (report_pdf(&in, &a, &po, &pdf, &npdf, &d) != 0)
        goto fail;
    double t5 = now();
    if (ehashing) {
        pthread_join(ehasher, NULL);
        ehashing = 0;
    }
    free(eparts[0]);
    free(eparts[1]);
    eparts[0] = eparts[1] = NULL;
    if (row_level && eh.rc != 0) {
        diag_set(&d, DIAG_IO, NULL, 0, 0, "hashing failed");
        goto fail;
    }
    /* the outputs as the manifest lists them (episodes.csv is written already) */
    struct out_file files[6];
    size_t nfiles = 0;
    files[nfiles++] = (struct out_file){"report.pdf", pdf, npdf};
    files[nfiles++] = (struct out_file){"results.json", json, njson};
    if (row_level) {
        files[nfiles++] = (struct out_file){"rejects.csv", rejects, nrejects};
        files[nfiles++] = (struct out_file){"episodes.csv", NULL, elens[0] + elens[1]};
        files[nfiles++] = (struct out_file){"review.csv", review, nreview};
    }
    double wait = now();
    if (hashing) {
        pthread_join(hasher, NULL);
        hashing = 0;
    } else {
        hash_inputs(&hj); /* no thread to be had */
    }
    wait = now() - wait;
    if (hj.rc || inputs_unchanged(&in, hashes, fps, &hj.d) != 0) {
        d = hj.d;
        goto fail;
    }
    if (build_manifest(o, &colmap, &in, &a, hashes, files, nfiles, &eh, &manifest, &nmanifest,
                       &d) != 0)
        goto fail;
    files[nfiles++] = (struct out_file){"manifest.json", manifest, nmanifest};
    progress_stop(&pg); /* before anything is printed */
    for (size_t k = 0; k < nfiles; k++)
        if (files[k].data &&
            report_out_write(files[k].name, &files[k].data, &files[k].len, 1, &d) != 0)
            goto fail;
    begun = 0;
    if (report_out_commit(&d) != 0) {
        rc = cli_report_diag(&d, NULL);
        goto out;
    }
    if (o->timings)
        fprintf(stderr,
                "timings: read and validate %.3f s, sort and de-duplicate %.3f s, derive "
                "episodes %.3f s, statistics %.3f s, format episodes.csv %.3f s, write it "
                "%.3f s, JSON and PDF %.3f s, write the rest %.3f s (inputs hashed at %.3f s, "
                "waited for %.3f s); total %.3f s\n",
                in.seconds_read, in.seconds_store, a.seconds_episodes,
                t2 - t1 - a.seconds_episodes, t3 - t2, t4 - t3, t5 - t4, now() - t5,
                hj.done - t0, wait, now() - t0);
    (void)t0;
    if (!o->quiet) {
        cli_print_input_notes(&in);
        if (no_primary)
            printf("note: no accepted row has a %s score (--instrument %s): no episode has a "
                   "baseline\n",
                   ingest_col_name(o->model.instrument), ingest_col_name(o->model.instrument));
        cli_print_text(stdout, dir);
        printf(": %ld rows read, %ld accepted, %ld rejected, %ld duplicate; %ld eligible "
               "episodes, %ld mature\n",
               in.rows_read, in.rows_accepted, in.rows_rejected, in.rows_duplicate,
               a.eligible, a.mature);
        if (errors > 0 && o->model.suppress_below > 1)
            printf("rows were rejected: run outcomes check to list them\n");
        else if (errors > 0) {
            printf("%ld rows were rejected: see ", errors);
            cli_print_text(stdout, dir);
            printf("/rejects.csv or run outcomes check\n");
        }
    }
    goto out;
fail:
    progress_stop(&pg);
    rc = cli_report_diag(&d, NULL);
    if (ehashing)
        pthread_join(ehasher, NULL);
    if (begun)
        report_out_abort();
    free(eparts[0]);
    free(eparts[1]);
out:
    progress_stop(&pg);
    if (hashing)
        pthread_join(hasher, NULL);
    if (releasing)
        pthread_join(releaser, NULL);
    free(hashes);
    free(fps);
    if (pdf)
        render_shutdown();
    free(json);
    free(pdf);
    free(manifest);
    free(rejects);
    free(review);
    free(dir);
    model_fini(&a);
    ingest_result_fini(&in);
    ingest_colmap_fini(&colmap);
    return rc;
}
