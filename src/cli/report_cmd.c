/* report_cmd.c: `outcomes report`: read, derive, compute, and write the output directory
 * (results.json, episodes.csv, rejects.csv) all at once or not at all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "cli.h"
#include "outcomes/date.h"
#include "outcomes/model.h"
#include "outcomes/render.h"
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

int cli_report(const struct cli_opts *o)
{
    double t0 = now();
    struct ingest_result in;
    struct analysis a;
    struct diag d;
    char *json = NULL, *episodes = NULL, *rejects = NULL, *pdf = NULL;
    size_t njson = 0, nepisodes = 0, nrejects = 0, npdf = 0;
    int rc = cli_read_inputs(o, &in, "report");
    memset(&a, 0, sizeof a);
    diag_clear(&d);
    if (rc)
        goto out;
    long errors = in.rows_rejected - in.rejected_by_reason[REASON_AFTER_AS_OF];
    if (o->strict && errors > 0) {
        for (size_t i = 0; i < in.problems.n; i++) {
            const struct problem *p = &in.problems.v[i];
            if (p->reason != REASON_AFTER_AS_OF)
                fprintf(stderr, "%s:%ld:%ld: %s\n", in.files[p->file].path, p->line, p->column,
                        p->message);
        }
        fprintf(stderr, "outcomes: --strict: %ld rows rejected; nothing was written\n", errors);
        rc = EXIT_DATA;
        goto out;
    }
    double t1 = now();
    if (model_run(&in, &o->model, &a, &d) != 0) {
        rc = cli_report_diag(&d, NULL);
        goto out;
    }
    double t2 = now();
    json = report_results_json(&in, &a, &njson);
    episodes = report_episodes_csv(&in, &a, &nepisodes);
    rejects = report_rejects_csv(&in, &nrejects);
    double t3 = now();
    if (!json || !episodes || !rejects) {
        diag_set(&d, DIAG_IO, NULL, 0, 0, "out of memory while writing the results");
        rc = cli_report_diag(&d, NULL);
        goto out;
    }
    char date_iso[32];
    if (pdf_date(a.as_of, date_iso, sizeof date_iso, &d) != 0) {
        rc = cli_report_diag(&d, NULL);
        goto out;
    }
    struct pdf_opts po = {o->title ? o->title : "Quality review", o->letter, date_iso,
                          o->period_label};
    if (report_pdf(&in, &a, &po, &pdf, &npdf, &d) != 0) {
        rc = cli_report_diag(&d, NULL);
        goto out;
    }
    double t4 = now();
    char dir[4096];
    if (o->output)
        snprintf(dir, sizeof dir, "%s", o->output);
    else
        snprintf(dir, sizeof dir, "reports/%s", o->period_label);
    /* with suppression, episodes.csv (one row per episode) is not written */
    const struct out_file files[] = {
        {"report.pdf", pdf, npdf},
        {"results.json", json, njson},
        {"rejects.csv", rejects, nrejects},
        {"episodes.csv", episodes, nepisodes},
    };
    size_t nfiles = sizeof files / sizeof *files - (o->model.suppress_below > 1);
    if (report_write_files(dir, files, nfiles, &d) != 0) {
        rc = cli_report_diag(&d, NULL);
        goto out;
    }
    if (o->model.suppress_below > 1) { /* an earlier run's episodes.csv must not stay beside */
        char stale[4200];
        snprintf(stale, sizeof stale, "%s/episodes.csv", dir);
        if (remove(stale) != 0 && errno != ENOENT) {
            diag_set(&d, DIAG_IO, stale, 0, 0, "cannot remove the per-episode file: %s",
                     strerror(errno));
            rc = cli_report_diag(&d, NULL);
            goto out;
        }
    }
    if (o->timings)
        fprintf(stderr,
                "timings: read and validate %.3f s, sort and de-duplicate %.3f s, derive and "
                "compute %.3f s, format JSON and CSV %.3f s, render PDF %.3f s, write %.3f s\n",
                in.seconds_read, in.seconds_store, t2 - t1, t3 - t2, t4 - t3, now() - t4);
    (void)t0;
    if (!o->quiet) {
        printf("%s: %ld rows read, %ld accepted, %ld rejected, %ld duplicate; %ld eligible "
               "episodes, %ld mature\n",
               dir, in.rows_read, in.rows_accepted, in.rows_rejected, in.rows_duplicate,
               a.eligible, a.mature);
        if (errors > 0)
            printf("%ld rows were rejected: see %s/rejects.csv or run outcomes check\n", errors,
                   dir);
    }
out:
    if (pdf)
        render_shutdown();
    free(json);
    free(pdf);
    free(episodes);
    free(rejects);
    model_fini(&a);
    ingest_result_fini(&in);
    return rc;
}
