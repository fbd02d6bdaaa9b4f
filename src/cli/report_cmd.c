/* report_cmd.c: `outcomes report`: the command line made a report_request, report_run (which
 * reads, derives, computes and writes the output directory all at once or not at all), and
 * what it tells printed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outcomes/report.h"

/* What the run's callbacks reach. */
struct report_ui {
    const struct cli_opts *o;
    struct progress *pg;
};

static void on_stage(int stage, void *arg)
{
    struct report_ui *ui = arg;
    if (stage >= 4)
        progress_stop(ui->pg); /* before anything is printed */
    else
        progress_stage(ui->pg, stage);
}

/* Another run is writing the same directory: this one waits for it (the lock, README
 * "Outputs"), and says so unless --quiet. */
static void note_waiting(const char *lock, void *arg)
{
    const struct report_ui *ui = arg;
    if (!ui->o->quiet)
        fprintf(stderr,
                "outcomes: another run is writing this directory (lock %s): waiting "
                "for it to end\n",
                lock);
}

/* The test hook between reading and hashing (README "Tests"): with OUTCOMES_TEST_STOP_AFTER_READ
 * set, the inputs are hashed only after the reading, and the process stops itself (SIGSTOP) in
 * between, so that a test can change an input at that point and continue it (SIGCONT). */
static void stop_after_read(void *arg)
{
    (void)arg;
    raise(SIGSTOP);
}

int cli_report_request(const struct cli_opts *o, struct report_request *rq, char **dir,
                       char ***words, size_t *nwords)
{
    memset(rq, 0, sizeof *rq);
    *words = NULL;
    *nwords = 0;
    const char *base = o->output ? "" : "reports/";
    const char *name = o->output ? o->output : o->period_label;
    size_t len = strlen(base) + strlen(name) + 1;
    if (!(*dir = malloc(len)) || cli_effective_options(o, words, nwords) != 0)
        return -1;
    snprintf(*dir, len, "%s%s", base, name);
    rq->files = (const char *const *)o->files;
    rq->nfiles = o->nfiles;
    cli_ingest_opts(o, NULL, &rq->ingest);
    rq->columns = o->columns;
    rq->model = o->model;
    rq->threads = o->ingest.threads;
    rq->strict = o->strict;
    rq->title = o->title;
    rq->letter = o->letter;
    rq->each = o->each;
    rq->benchmarks = o->benchmarks;
    rq->target = o->target;
    rq->km_min_at_risk = o->km_min_at_risk;
    rq->period_label = o->period_label;
    rq->dir = *dir;
    rq->source_date_epoch = getenv("SOURCE_DATE_EPOCH");
    rq->argv = (const char *const *)o->argv;
    rq->argc = (size_t)o->argc;
    rq->options = (const char *const *)*words;
    rq->noptions = *nwords;
    return 0;
}

void cli_report_request_fini(char *dir, char **words, size_t nwords)
{
    for (size_t i = 0; i < nwords; i++)
        free(words[i]);
    free(words);
    free(dir);
}

int cli_report_failed(const struct cli_opts *o, const struct report_outputs *out,
                      const struct diag *d)
{
    switch (out->stage) {
    case REPORT_READ: return cli_report_diag(d, "report");
    case REPORT_STRICT:
        for (size_t i = 0; i < out->in.problems.n; i++) {
            const struct problem *p = &out->in.problems.v[i];
            if (p->reason != REASON_AFTER_AS_OF && p->reason != REASON_STATUS)
                cli_print_problem(stderr, &out->in, p);
        }
        return cli_report_diag(d, NULL);
    case REPORT_MODEL:
        if (!o->quiet)
            cli_print_input_notes(&out->in);
        return cli_report_diag(d, NULL);
    default: return cli_report_diag(d, NULL);
    }
}

static void print_timings(const struct report_outputs *t)
{
    fprintf(stderr,
            "timings: read and validate %.3f s, sort and de-duplicate %.3f s, derive "
            "episodes %.3f s, statistics %.3f s, format episodes.csv %.3f s, write it "
            "%.3f s, JSON and PDF %.3f s, write the rest %.3f s (inputs hashed at %.3f s, "
            "waited for %.3f s); total %.3f s",
            t->read, t->store, t->episodes, t->statistics, t->format_episodes, t->write_episodes,
            t->json_pdf, t->write_rest, t->hashed_at, t->waited, t->total);
    if (t->each_analyses > 0 || t->each_files > 0)
        fprintf(
            stderr,
            " (--each: the sub-reports' analyses %.3f s, their files after the network's %.3f s)",
            t->each_analyses, t->each_files);
    fputc('\n', stderr);
}

/* The notes and the summary line on stdout. */
static void print_summary(const struct cli_opts *o, const struct report_outputs *out,
                          const char *dir)
{
    const struct ingest_result *in = &out->in;
    const char *primary = ingest_col_name(o->model.instrument);
    cli_print_input_notes(in);
    if (out->no_primary)
        printf("note: no accepted row has a %s score (--instrument %s): no episode has a "
               "baseline\n",
               primary, primary);
    cli_print_text(stdout, dir);
    printf(": %ld rows read, %ld accepted, %ld rejected, %ld duplicate; %ld eligible "
           "episodes, %ld mature\n",
           in->rows_read, in->rows_accepted, in->rows_rejected, in->rows_duplicate, out->eligible,
           out->mature);
    if (out->errors > 0 && o->model.suppress_below > 1)
        printf("rows were rejected: run outcomes check to list them\n");
    else if (out->errors > 0) {
        printf("%ld rows were rejected: see ", out->errors);
        cli_print_text(stdout, dir);
        printf("/rejects.csv or run outcomes check\n");
    }
}

int cli_report(const struct cli_opts *o)
{
    struct report_request rq;
    struct report_outputs out;
    struct diag d;
    struct progress pg;
    struct report_ui ui = {o, &pg};
    char *dir = NULL, **words = NULL;
    size_t nwords = 0;
    int rc;
    diag_clear(&d);
    if (cli_report_request(o, &rq, &dir, &words, &nwords) != 0) {
        cli_report_request_fini(dir, words, nwords);
        diag_set(&d, DIAG_IO, NULL, 0, 0, "out of memory");
        return cli_report_diag(&d, NULL);
    }
    progress_start(&pg, o->quiet, o->files, o->nfiles);
    rq.ingest.bytes_done = &pg.bytes;
    rq.stage = on_stage;
    rq.waiting = note_waiting;
    rq.after_read =
        getenv("OUTCOMES_TEST_STOP_AFTER_READ") && *getenv("OUTCOMES_TEST_STOP_AFTER_READ")
            ? stop_after_read
            : NULL;
    rq.arg = &ui;
    rc = report_run(&rq, &out, &d);
    progress_stop(&pg);
    if (rc)
        rc = cli_report_failed(o, &out, &d);
    else if (o->timings)
        print_timings(&out);
    if (!rc && !o->quiet)
        print_summary(o, &out, dir);
    report_outputs_fini(&out);
    cli_report_request_fini(dir, words, nwords);
    return rc;
}
