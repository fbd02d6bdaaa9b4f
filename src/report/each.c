/* each.c: the sub-reports of `report --each site|clinician` (SPEC section 14); the steps and
 * what each takes from the network's outputs are described in each.h. */
#include "each.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/render.h"
#include "outcomes/sha256.h"
#include "outcomes/strtab.h"

/* A sub-report's files, in the order its manifest lists them. */
enum { OUT_EPISODES, OUT_REJECTS, OUT_REVIEW, OUT_JSON, OUT_PDF, OUT_MANIFEST, OUT_SLOTS };
static const char *const slot_name[OUT_SLOTS] = {"episodes.csv", "rejects.csv", "review.csv",
                                                 "results.json", "report.pdf",  "manifest.json"};

struct each_sub {
    uint32_t value;                      /* an id in rows.text */
    char *text;                          /* the value (a NUL-ended copy) */
    size_t len;                          /* its bytes */
    char dir[REPORT_SAFE_NAME_MAX + 16]; /* "site/NAME" */
    size_t neps;                         /* its episodes */
    struct analysis a;
    int have;       /* a is filled */
    size_t nreview; /* a.checks.nreview, kept for its review.csv after a is freed */
    struct manifest_file outs[OUT_SLOTS];
    unsigned char written[OUT_SLOTS];
    struct render_content content;
    int have_content;
    /* the jobs' results: its review.csv's job may run beside its other files' */
    int rc, rc_review;
    struct diag d, d_review;
};

static int oom(struct diag *d)
{
    return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
}

static const struct strtab *sort_tab; /* (qsort has no argument; set on one thread) */

static int by_bytes(const void *x, const void *y)
{
    size_t nx, ny;
    const char *a = strtab_get(sort_tab, *(const uint32_t *)x, &nx);
    const char *b = strtab_get(sort_tab, *(const uint32_t *)y, &ny);
    int c = memcmp(a, b, nx < ny ? nx : ny);
    return c ? c : (nx > ny) - (nx < ny);
}

static int by_id(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static const struct each_sub *order_subs; /* (as sort_tab) */

/* The most episodes first; ties in value order (a total order: the same on every run). */
static int by_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    size_t na = order_subs[a].neps, nb = order_subs[b].neps;
    if (na != nb)
        return na > nb ? -1 : 1;
    return (a > b) - (a < b);
}

static uint32_t owner_of(const struct each *e, const struct episode *ep)
{
    return e->clinician ? ep->clinician : ep->site;
}

/* The values (sorted by bytes) with their directories and episode counts. */
static int find_values(struct each *e, struct diag *d)
{
    const struct analysis *net = e->net;
    uint32_t *v = malloc((net->nepisodes ? net->nepisodes : 1) * sizeof *v);
    if (!v)
        return oom(d);
    size_t n = 0;
    for (size_t i = 0; i < net->nepisodes; i++) {
        uint32_t id = owner_of(e, &net->episodes[i]);
        if (id)
            v[n++] = id;
    }
    qsort(v, n, sizeof *v, by_id);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || v[u - 1] != v[i])
            v[u++] = v[i];
    sort_tab = e->in->rows.text;
    qsort(v, u, sizeof *v, by_bytes);
    e->subs = calloc(u ? u : 1, sizeof *e->subs);
    e->order = malloc((u ? u : 1) * sizeof *e->order);
    if (!e->subs || !e->order) {
        free(v);
        return oom(d);
    }
    e->nsubs = u;
    for (size_t k = 0; k < u; k++) {
        struct each_sub *sb = &e->subs[k];
        const char *val = strtab_get(e->in->rows.text, v[k], &sb->len);
        char name[REPORT_SAFE_NAME_MAX + 1];
        report_safe_name(val, sb->len, name);
        sb->value = v[k];
        snprintf(sb->dir, sizeof sb->dir, "%s/%s", e->by, name);
        if (!(sb->text = strndup(val, sb->len))) { /* (as the value is written: to a NUL) */
            free(v);
            return oom(d);
        }
        e->order[k] = k;
    }
    free(v);
    /* the episodes of each value, for the order of the work (value ids are byte ranks, but
     * the sort above is by bytes all the same: find each by binary search) */
    for (size_t i = 0; i < net->nepisodes; i++) {
        uint32_t id = owner_of(e, &net->episodes[i]);
        if (!id)
            continue;
        size_t lo = 0, hi = u;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            sort_tab = e->in->rows.text;
            if (by_bytes(&e->subs[mid].value, &id) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < u && e->subs[lo].value == id)
            e->subs[lo].neps++;
    }
    order_subs = e->subs;
    qsort(e->order, u, sizeof *e->order, by_size);
    return 0;
}

/* ---- the work: jobs taken from a shared counter by the caller and one worker ------------- */

static int job_analyse(struct each *e, struct each_sub *sb)
{
    sb->rc = model_subset_of(e->in, e->net, e->starts, e->clinician ? SV_CLINICIAN : SV_SITE,
                             sb->value, &sb->a, &sb->d);
    sb->have = sb->rc == 0;
    if (sb->have)
        sb->nreview = sb->a.checks.nreview;
    return sb->rc;
}

/* One file of a sub-report written into its directory, hashed (sha: its hash already known)
 * and put in its slot; d gets a failure. */
static int put(struct each_sub *sb, struct diag *d, int slot, const char *const *parts,
               const size_t *lens, size_t nparts, const char *sha)
{
    char path[REPORT_SAFE_NAME_MAX + 48];
    snprintf(path, sizeof path, "%s/%s", sb->dir, slot_name[slot]);
    if (report_out_write(path, parts, lens, nparts, d) != 0)
        return d->code;
    struct manifest_file *f = &sb->outs[slot];
    *f = (struct manifest_file){slot_name[slot], 0, -1, NULL, ""};
    for (size_t k = 0; k < nparts; k++)
        f->size += lens[k];
    if (sha) {
        memcpy(f->sha256, sha, sizeof f->sha256);
    } else {
        if (sha256_parts_hex((const void *const *)parts, lens, nparts, f->sha256) != 0)
            return diag_set(d, DIAG_IO, NULL, 0, 0, "hashing failed");
    }
    sb->written[slot] = 1;
    return 0;
}

/* A made buffer put in its slot and freed; NULL: out of memory (or, for the files taken from
 * the network's, its rows not those of the value's analysis). */
static int put_made(struct each_sub *sb, struct diag *d, int slot, char *buf, size_t len)
{
    int rc = buf ? put(sb, d, slot, (const char *const *)&buf, &len, 1, NULL)
                 : diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory while writing the results (%s)",
                            sb->dir);
    free(buf);
    return rc;
}

static int sub_pdf(struct each *e, struct each_sub *sb, const struct report_input *ri)
{
    const char *t = e->po.title ? e->po.title : "Quality review";
    size_t n = strlen(t) + strlen(sb->text) + 32, npdf = 0;
    char *title = malloc(n), *pdf = NULL;
    if (!title)
        return oom(&sb->d);
    snprintf(title, n, "%s: %s %s", t, e->by, sb->text);
    int rc = render_content_init(&sb->content) != 0 ? oom(&sb->d) : 0;
    sb->have_content = rc == 0;
    if (!rc) {
        struct pdf_opts po = e->po;
        po.title = title;
        po.content = &sb->content;
        rc = report_pdf(ri, &sb->a, &po, &pdf, &npdf, &sb->d);
    }
    if (!rc && sb->content.failed)
        rc = diag_set(&sb->d, DIAG_IO, NULL, 0, 0, "out of memory while hashing the PDF's content");
    if (!rc)
        rc = put(sb, &sb->d, OUT_PDF, (const char *const *)&pdf, &npdf, 1, NULL);
    free(pdf);
    free(title);
    return rc;
}

/* A value's files but review.csv (and its manifest), from its analysis, which is freed. */
static int job_files(struct each *e, struct each_sub *sb)
{
    struct report_input ri = e->ri;
    ri.each_by = e->by;
    ri.each_value = sb->text;
    ri.each_dir = sb->dir;
    size_t n = 0;
    int rc = 0;
    if (e->row_level) {
        char *eps = report_episodes_csv_of(e->eparts, &e->eidx, e->net, e->clinician, sb->value,
                                           &sb->a, &n);
        rc = put_made(sb, &sb->d, OUT_EPISODES, eps, n);
        if (!rc)
            rc = put(sb, &sb->d, OUT_REJECTS, &e->rejects, &e->nrejects, 1, e->rejects_sha);
    }
    if (!rc) {
        char *json = report_results_json(&ri, &sb->a, &n);
        rc = put_made(sb, &sb->d, OUT_JSON, json, n);
    }
    if (!rc)
        rc = sub_pdf(e, sb, &ri);
    model_fini(&sb->a);
    sb->have = 0;
    return sb->rc = rc;
}

/* A value's review.csv: the network's review rows of its episodes, formatted as they are
 * written (report_out_write_stream), never held whole. */
static int job_review(struct each *e, struct each_sub *sb)
{
    char path[REPORT_SAFE_NAME_MAX + 48];
    snprintf(path, sizeof path, "%s/%s", sb->dir, slot_name[OUT_REVIEW]);
    struct manifest_file *f = &sb->outs[OUT_REVIEW];
    *f = (struct manifest_file){slot_name[OUT_REVIEW], 0, -1, NULL, ""};
    struct review_stream rs;
    report_review_stream_init(&rs, &e->ri, e->net, e->rowner, sb->value);
    int rc = report_out_write_stream(path, report_review_stream_next, &rs, f->sha256, &f->size,
                                     &sb->d_review);
    if (!rc && rs.rows != sb->nreview) /* the subset counted its own rows: they are these */
        rc = diag_set(&sb->d_review, DIAG_IO, NULL, 0, 0,
                      "internal error: %zu review rows for %s, its analysis counted %zu", rs.rows,
                      sb->dir, sb->nreview);
    report_review_stream_fini(&rs);
    sb->written[OUT_REVIEW] = rc == 0;
    return sb->rc_review = rc;
}

static int job(struct each *e, size_t j)
{
    if (e->phase == 0)
        return job_analyse(e, &e->subs[e->order[j]]);
    if (j < e->nsubs)
        return job_files(e, &e->subs[e->order[j]]);
    return job_review(e, &e->subs[e->order[j - e->nsubs]]);
}

static void *work(void *arg)
{
    struct each *e = arg;
    while (!atomic_load(&e->failed)) {
        size_t j = atomic_fetch_add(&e->next, 1);
        if (j >= e->njobs)
            break;
        if (job(e, j) != 0)
            atomic_store(&e->failed, 1);
    }
    return NULL;
}

/* The worker started on njobs jobs of the phase (when threads allow). Its signals are blocked,
 * so that the output directory's handler (outdir.c) runs on the caller's thread. */
static void start(struct each *e, int phase, size_t njobs)
{
    e->phase = phase;
    e->njobs = njobs;
    atomic_store(&e->next, 0);
    if (e->threads > 1 && njobs > 1) {
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        e->working = pthread_create(&e->worker, NULL, work, e) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
}

/* The caller's share of the jobs, the worker joined, and the first failure in value order. */
static int join(struct each *e, struct diag *d)
{
    work(e);
    if (e->working) {
        pthread_join(e->worker, NULL);
        e->working = 0;
    }
    for (size_t k = 0; k < e->nsubs; k++)
        if (e->subs[k].rc || e->subs[k].rc_review) {
            *d = e->subs[k].rc ? e->subs[k].d : e->subs[k].d_review;
            return d->code ? d->code : DIAG_IO;
        }
    return atomic_load(&e->failed) ? (d->code ? d->code : DIAG_IO) : 0;
}

int each_analyse(struct each *e, const struct ingest_result *in, const struct analysis *net,
                 int clinician, int threads, int row_level, struct diag *d)
{
    memset(e, 0, sizeof *e);
    e->by = clinician ? "clinician" : "site";
    e->clinician = clinician;
    e->threads = threads;
    e->row_level = row_level;
    e->in = in;
    e->net = net;
    atomic_init(&e->next, 0);
    atomic_init(&e->failed, 0);
    if (find_values(e, d) != 0)
        return d->code;
    if (e->nsubs && !(e->starts = model_patient_starts(&in->rows, NULL)))
        return oom(d);
    start(e, 0, e->nsubs);
    int rc = join(e, d);
    free(e->starts); /* (the analyses are made) */
    e->starts = NULL;
    return rc;
}

/* Per network review row, its episode's value. */
static int review_owners(struct each *e, struct diag *d)
{
    const struct safety_checks *c = &e->net->checks;
    if (!(e->rowner = malloc((c->nreview ? c->nreview : 1) * sizeof *e->rowner)))
        return oom(d);
    for (size_t q = 0; q < c->nreview; q++)
        e->rowner[q] = owner_of(e, &e->net->episodes[c->review[q].episode]);
    return 0;
}

int each_start(struct each *e, const struct report_input *ri, char *const eparts[2],
               const char *rejects, size_t nrejects, const struct pdf_opts *po, struct diag *d)
{
    e->ri = *ri;
    e->eparts[0] = eparts[0];
    e->eparts[1] = eparts[1];
    e->rejects = rejects;
    e->nrejects = nrejects;
    e->po = *po;
    snprintf(e->date, sizeof e->date, "%s", po->date_iso ? po->date_iso : "");
    e->po.date_iso = e->date;
    e->po.content = NULL;
    if (e->row_level) {
        if (sha256_hex(rejects, nrejects, e->rejects_sha) != 0)
            return diag_set(d, DIAG_IO, NULL, 0, 0, "hashing failed");
        if (review_owners(e, d) != 0)
            return d->code;
    }
    /* the directories first: the worker only writes files into them */
    if (e->nsubs && report_out_subdir(e->by, d) != 0)
        return d->code;
    for (size_t k = 0; k < e->nsubs; k++)
        if (report_out_subdir(e->subs[k].dir, d) != 0)
            return d->code;
    start(e, 1, e->row_level ? 2 * e->nsubs : e->nsubs);
    return 0;
}

int each_outputs(struct each *e, struct diag *d)
{
    return join(e, d);
}

/* index.json: {"schema": 1, "by", "reports": [{"value" (and "value_hex"), "directory"}...]} */
static char *index_json(const struct each *e, size_t *len)
{
    json_t *root = json_object(), *list = json_array();
    json_object_set_new(root, "schema", json_integer(1));
    json_object_set_new(root, "by", json_string(e->by));
    for (size_t k = 0; k < e->nsubs; k++) {
        json_t *o = json_object();
        report_json_set_path(o, "value", e->subs[k].text);
        json_object_set_new(o, "directory", json_string(e->subs[k].dir));
        json_array_append_new(list, o);
    }
    json_object_set_new(root, "reports", list);
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    json_decref(root);
    size_t n = text ? strlen(text) : 0;
    char *out = text ? malloc(n + 2) : NULL;
    if (out) {
        memcpy(out, text, n);
        out[n] = '\n';
        out[n + 1] = '\0';
        *len = n + 1;
    }
    free(text);
    return out;
}

int each_manifests(struct each *e, each_manifest_fn manifest, void *arg,
                   struct manifest_file **files, size_t *nfiles, char **index, size_t *nindex,
                   struct diag *d)
{
    *files = calloc(e->nsubs * OUT_SLOTS + 1, sizeof **files);
    *nfiles = 0;
    if (!*files)
        return oom(d);
    for (size_t k = 0; k < e->nsubs; k++) {
        struct each_sub *sb = &e->subs[k];
        struct manifest_file outs[OUT_SLOTS];
        size_t n = 0, len = 0;
        for (int s = 0; s < OUT_MANIFEST; s++)
            if (sb->written[s])
                outs[n++] = sb->outs[s];
        char *man = manifest(arg, outs, n, &sb->content, sb->text, sb->dir, &len);
        if (put_made(sb, &sb->d, OUT_MANIFEST, man, len) != 0) {
            *d = sb->d;
            return d->code;
        }
        for (int s = 0; s < OUT_SLOTS; s++) { /* listed by the network by path from DIR */
            if (!sb->written[s])
                continue;
            struct manifest_file *g = &(*files)[*nfiles];
            char path[REPORT_SAFE_NAME_MAX + 48];
            snprintf(path, sizeof path, "%s/%s", sb->dir, slot_name[s]);
            *g = sb->outs[s];
            if (!(g->path = strdup(path)))
                return oom(d);
            (*nfiles)++;
        }
    }
    if (!(*index = index_json(e, nindex)))
        return oom(d);
    return 0;
}

void each_fini(struct each *e)
{
    if (e->working) { /* stopped at its next job */
        atomic_store(&e->failed, 1);
        pthread_join(e->worker, NULL);
        e->working = 0;
    }
    for (size_t k = 0; k < e->nsubs; k++) {
        struct each_sub *sb = &e->subs[k];
        if (sb->have)
            model_fini(&sb->a);
        if (sb->have_content)
            render_content_fini(&sb->content);
        free(sb->text);
    }
    free(e->subs);
    free(e->order);
    free(e->rowner);
    report_csv_index_fini(&e->eidx);
    memset(e, 0, sizeof *e);
}
