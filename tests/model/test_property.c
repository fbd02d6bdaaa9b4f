/* test_property.c: a property test of "nothing is lost". Synthetic exports (outcomes sample,
 * three seeds) get random defects injected (impossible dates, out-of-range scores, stray
 * quotes, a truncated last line, exact duplicates, conflicting same-day scores) and their rows
 * shuffled; then: the accounting identity holds, every injected defect is reported at its
 * (new) line with its reason, and every patient no defect touched has exactly the episodes it
 * had before (exact duplicates touch nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "outcomes/model.h"
#include "outcomes/sample.h"
#include "support.h"

/* The generator of the defects' places and the shuffle (one state per seed). */
static unsigned long next_rand(unsigned long *rng)
{
    *rng = *rng * 6364136223846793005ul + 1442695040888963407ul;
    return *rng >> 33;
}

enum defect { D_NONE, D_DATE, D_RANGE, D_QUOTE, D_DUP, D_CONFLICT, D_TRUNC };

struct line {
    char *text;
    int defect;
    char pid[32];
};

/* An export's lines: the header, the n lines of the clean export, and total with the copies
 * (duplicates and conflicts) added after them. */
struct export_lines {
    char *header;
    struct line *v;
    size_t n, total;
};

/* One line per episode of each patient, keyed by patient id. */
static char *episodes_of(const struct ingest_result *in, const struct analysis *a, const char *pid)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (strcmp(strtab_get(in->rows.patients, e->patient, NULL), pid) != 0)
            continue;
        sbuf_printf(&b, "%d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", e->number, e->index_date,
                    e->baseline_score, e->baseline_date, e->eligible, e->endpoint_score,
                    e->endpoint_date, e->mature, e->responder, e->remitter, e->response.event,
                    e->response.days, e->response.sessions, e->n_followup);
    }
    return b.s;
}

static void analyse(const char *path, struct ingest_result *in, struct analysis *a)
{
    const char *paths[] = {path};
    struct ingest_opts io = default_opts();
    struct model_opts mo;
    struct diag d;
    io.threads = 2;
    io.min_chunk = 4096; /* several chunks, so the split is exercised too */
    model_opts_default(&mo, COL_PHQ9);
    assert_int_equal(ingest_run(paths, 1, &io, in, &d), 0);
    assert_int_equal(in->rows_read, in->rows_accepted + in->rows_rejected + in->rows_duplicate);
    assert_int_equal(model_run(in, &mo, a, &d), 0);
}

/* The clean export of the seed (80 patients over 12 months) in a temporary file. */
static char *write_sample(unsigned long seed)
{
    char *clean = write_temp("", 0);
    FILE *f = fopen(clean, "w");
    struct sample_opts so = {.patients = 80, .seed = seed, .months = 12};
    struct diag d;
    date_parse_iso("2026-10-31", 10, &so.as_of);
    assert_int_equal(sample_write(f, &so, &d), 0);
    fclose(f);
    return clean;
}

/* read the lines */
static void read_lines(const char *path, struct export_lines *x)
{
    FILE *f = fopen(path, "r");
    char buf[1024];
    size_t cap = 0;
    while (fgets(buf, sizeof buf, f)) {
        if (!x->header) {
            x->header = strdup(buf);
            continue;
        }
        if (x->n == cap) {
            cap = cap ? cap * 2 : 1024;
            x->v = realloc(x->v, cap * sizeof *x->v);
        }
        struct line *l = &x->v[x->n];
        l->text = strdup(buf);
        l->defect = D_NONE;
        sscanf(buf, "%31[^,]", l->pid);
        x->n++;
    }
    fclose(f);
    x->total = x->n;
}

/* inject: 24 defects on distinct lines (the last line is truncated separately) */
static void inject_defects(struct export_lines *x, unsigned long *rng)
{
    size_t n = x->n, extra_cap = n + 64;
    struct line *lines = x->v = realloc(x->v, extra_cap * sizeof *x->v);
    for (int k = 0; k < 24; k++) {
        size_t i = next_rand(rng) % (n - 1);
        if (lines[i].defect != D_NONE)
            continue;
        int kind = 1 + (int)(next_rand(rng) % 5);
        char *t = lines[i].text, out[1100];
        char *c1 = strchr(t, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        switch (kind) {
        case D_DATE: /* the date becomes February 30th */
            snprintf(out, sizeof out, "%.*s,2026-02-30%s", (int)(c1 - t), t, c2);
            break;
        case D_RANGE: { /* phq9 (the 10th field) becomes 99 */
            char *p = t;
            for (int q = 0; q < 9; q++)
                p = strchr(p, ',') + 1;
            char *e = strchr(p, ',');
            snprintf(out, sizeof out, "%.*s99%s", (int)(p - t), t, e);
            break;
        }
        case D_QUOTE: { /* a quote inside the site (4th field) */
            char *p = strchr(c2 + 1, ',') + 1;
            snprintf(out, sizeof out, "%.*sx\"y%s", (int)(p - t), t, p);
            break;
        }
        case D_DUP:
        case D_CONFLICT: {
            struct line *copy = &lines[x->total];
            copy->defect = kind;
            memcpy(copy->pid, lines[i].pid, sizeof lines[i].pid);
            if (kind == D_DUP) {
                copy->text = strdup(t);
            } else { /* the same patient and date, an assessment with another phq9 (the
                        sample's 21 fields: monitoring_min last) */
                snprintf(out, sizeof out, "%.*s,assessment,,,,,,,%d,,,,,,,,,,,\n", (int)(c2 - t), t,
                         27);
                copy->text = strdup(out);
            }
            x->total++;
            continue;
        }
        }
        free(lines[i].text);
        lines[i].text = strdup(out);
        lines[i].defect = kind;
    }
    /* the last line is cut after its date */
    struct line *l = &lines[n - 1];
    char *c2 = strchr(strchr(l->text, ',') + 1, ',');
    *c2 = '\0';
    l->defect = D_TRUNC;
}

/* shuffle everything but the truncated last line, which must stay last */
static void shuffle_lines(struct export_lines *x, unsigned long *rng)
{
    struct line *lines = x->v;
    size_t last = x->n - 1, total = x->total;
    struct line t = lines[last];
    lines[last] = lines[total - 1];
    lines[total - 1] = t;
    for (size_t i = total - 2; i > 0; i--) {
        size_t j = next_rand(rng) % (i + 1);
        struct line s = lines[i];
        lines[i] = lines[j];
        lines[j] = s;
    }
}

static char *write_lines(const struct export_lines *x)
{
    char *dirty = write_temp("", 0);
    FILE *f = fopen(dirty, "w");
    fputs(x->header, f);
    for (size_t i = 0; i < x->total; i++)
        fputs(x->v[i].text, f);
    fclose(f);
    return dirty;
}

/* every rejecting defect at its line (header = line 1) with its reason */
static void check_rejected(const struct export_lines *x, const struct ingest_result *in1,
                           unsigned long seed)
{
    const struct line *lines = x->v;
    long want_rejected = 0, want_dups = 0, conflicts = 0;
    for (size_t i = 0; i < x->total; i++) {
        int reason = lines[i].defect == D_DATE    ? REASON_DATE
                     : lines[i].defect == D_RANGE ? REASON_OUT_OF_RANGE
                     : lines[i].defect == D_QUOTE || lines[i].defect == D_TRUNC ? REASON_MALFORMED
                                                                                : -1;
        want_dups += lines[i].defect == D_DUP;
        conflicts += lines[i].defect == D_CONFLICT;
        if (reason < 0)
            continue;
        want_rejected++;
        int found = 0;
        for (size_t p = 0; p < in1->problems.n; p++)
            found |= in1->problems.v[p].first && in1->problems.v[p].line == (long)i + 2 &&
                     in1->problems.v[p].reason == reason;
        if (!found)
            fail_msg("seed %lu: defect %d at line %zu not reported", seed, lines[i].defect, i + 2);
    }
    assert_int_equal(in1->rows_rejected, want_rejected);
    assert_true(in1->rows_duplicate >= want_dups);
    assert_true(conflicts == 0 || in1->conflicting_same_day_scores > 0);
}

/* One run's ingest result and analysis. */
struct run {
    struct ingest_result in;
    struct analysis a;
};

/* untouched patients: the same episodes as before */
static void check_untouched(const struct export_lines *x, const struct run *r0,
                            const struct run *r1, unsigned long seed)
{
    const struct line *lines = x->v;
    long compared = 0;
    for (size_t i = 0; i < x->total; i++) {
        const char *pid = lines[i].pid;
        int touched = 0;
        for (size_t k = 0; k < x->total && !touched; k++)
            touched = strcmp(lines[k].pid, pid) == 0 && lines[k].defect != D_NONE &&
                      lines[k].defect != D_DUP;
        if (touched)
            continue;
        char *a = episodes_of(&r0->in, &r0->a, pid), *b = episodes_of(&r1->in, &r1->a, pid);
        if (strcmp(a, b) != 0)
            fail_msg("seed %lu: patient %s changed:\n%s\nvs\n%s", seed, pid, a, b);
        compared++;
        free(a);
        free(b);
    }
    assert_true(compared > 100);
}

static void run_seed(unsigned long seed)
{
    char *clean = write_sample(seed);
    struct export_lines x = {0};
    read_lines(clean, &x);
    struct run r0, r1;
    analyse(clean, &r0.in, &r0.a);
    unsigned long rng = seed * 7919 + 1;
    inject_defects(&x, &rng);
    shuffle_lines(&x, &rng);
    char *dirty = write_lines(&x);
    analyse(dirty, &r1.in, &r1.a);
    check_rejected(&x, &r1.in, seed);
    check_untouched(&x, &r0, &r1, seed);
    model_fini(&r0.a);
    model_fini(&r1.a);
    ingest_result_fini(&r0.in);
    ingest_result_fini(&r1.in);
    for (size_t i = 0; i < x.total; i++)
        free(x.v[i].text);
    free(x.v);
    free(x.header);
    unlink(clean);
    unlink(dirty);
    free(clean);
    free(dirty);
}

static void test_property_defects_are_reported_and_nothing_else_changes(void **state)
{
    (void)state;
    for (unsigned long seed = 1; seed <= 3; seed++)
        run_seed(seed);
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_property_defects_are_reported_and_nothing_else_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
