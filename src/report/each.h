/* each.h: the sub-reports of `report --each site|clinician` (SPEC section 14), for run.c.
 *
 * A run makes them in three steps around the network's own outputs:
 *  1. each_analyse, after the network's analysis and while the row columns are there: every
 *     value's analysis (model_subset), on two workers taking the values with the most episodes
 *     first; they are held until their files are made.
 *  2. each_start, once the network's episodes.csv is formatted (with a csv_index) and the
 *     staging directory begun: the sub-directories are made and a worker starts on the values'
 *     files (episodes.csv from the network's rows, rejects.csv, results.json, report.pdf),
 *     written as each is made and freed before the next, and review.csv, formatted from the
 *     network's review list as it is written, while the caller makes the network's outputs;
 *     each_outputs joins the work until every file is written.
 *  3. each_manifests, once the inputs are hashed: each value's manifest.json (in value order),
 *     every sub-report file as the network's manifest lists it, and index.json.
 * The files are the same bytes whatever the number of threads: each is made from one value's
 * analysis and the network's outputs alone, and the lists are put in value order at the end.
 * A failure in any of them fails the run (the caller aborts the staging directory: no mixed
 * set is left); the error reported is that of the first value, in value order, that failed. */
#ifndef OUTCOMES_REPORT_EACH_H
#define OUTCOMES_REPORT_EACH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "outcomes/model.h"
#include "outcomes/report.h"
#include "report_int.h"

struct each_sub;

struct each {
    const char *by; /* "site" or "clinician" */
    int clinician;  /* by clinician (else by site) */
    int threads;
    int row_level; /* episodes.csv, rejects.csv and review.csv are written */
    const struct ingest_result *in;
    const struct analysis *net;
    struct each_sub *subs; /* sorted by the value's bytes */
    size_t nsubs;
    size_t *order;  /* subs, the most episodes first */
    size_t *starts; /* the patients' row ranges, while the analyses are made */
    /* what the sub-reports take from the network's outputs (each_start) */
    struct report_input ri;
    const char *eparts[2];
    struct csv_index eidx; /* filled by the caller's report_episodes_csv_indexed (owned) */
    const char *rejects;
    size_t nrejects;
    char rejects_sha[65];
    uint32_t *rowner;   /* per network review row: its episode's value */
    struct pdf_opts po; /* title NULL: "Quality review"; date_iso: date */
    char date[32];
    /* the work */
    int phase; /* 0: analyses, 1: files */
    size_t njobs;
    atomic_size_t next;
    atomic_int failed;
    pthread_t worker;
    int working;
};

/* The values the network's episodes' index rows name, sorted by their bytes, and each one's
 * analysis. Returns 0 or a diag code. */
int each_analyse(struct each *e, const struct ingest_result *in, const struct analysis *net,
                 int clinician, int threads, int row_level, struct diag *d);
/* The sub-directories made and the worker started (see above); ri is the network's report
 * input, eparts its episodes.csv (e->eidx filled), rejects its rejects.csv (NULL when not
 * row-level), po the network's PDF options (title as given). Returns 0 or a diag code. */
int each_start(struct each *e, const struct report_input *ri, char *const eparts[2],
               const char *rejects, size_t nrejects, const struct pdf_opts *po, struct diag *d);
/* Every sub-report's files written (the caller works too). Returns 0 or a diag code. */
int each_outputs(struct each *e, struct diag *d);
/* A manifest.json of outputs for a sub-report of value in directory dir (run.c's). */
typedef char *(*each_manifest_fn)(void *arg, struct manifest_file *outputs, size_t n,
                                  const struct render_content *content, const char *value,
                                  const char *dir, size_t *len);
/* Each value's manifest.json written; *files (malloc'd, paths "site/NAME/FILE" malloc'd) the
 * sub-reports' files in the order the network's manifest lists them; *index index.json.
 * Returns 0 or a diag code. */
int each_manifests(struct each *e, each_manifest_fn manifest, void *arg,
                   struct manifest_file **files, size_t *nfiles, char **index, size_t *nindex,
                   struct diag *d);
/* The worker stopped and joined, everything freed (safe at any step and more than once). */
void each_fini(struct each *e);

#endif
