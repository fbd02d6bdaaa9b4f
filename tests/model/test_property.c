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

static unsigned long rng;
static unsigned long next_rand(void)
{
    rng = rng * 6364136223846793005ul + 1442695040888963407ul;
    return rng >> 33;
}

enum defect { D_NONE, D_DATE, D_RANGE, D_QUOTE, D_DUP, D_CONFLICT, D_TRUNC };

struct line {
    char *text;
    int defect;
    char pid[32];
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

static void run_seed(unsigned long seed)
{
    char *clean = write_temp("", 0);
    FILE *f = fopen(clean, "w");
    struct sample_opts so = {.patients = 80, .seed = seed, .months = 12};
    struct diag d;
    date_parse_iso("2026-10-31", 10, &so.as_of);
    assert_int_equal(sample_write(f, &so, &d), 0);
    fclose(f);
    /* read the lines */
    f = fopen(clean, "r");
    char buf[1024], *header = NULL;
    struct line *lines = NULL;
    size_t n = 0, cap = 0;
    while (fgets(buf, sizeof buf, f)) {
        if (!header) {
            header = strdup(buf);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            lines = realloc(lines, cap * sizeof *lines);
        }
        lines[n].text = strdup(buf);
        lines[n].defect = D_NONE;
        sscanf(buf, "%31[^,]", lines[n].pid);
        n++;
    }
    fclose(f);
    struct ingest_result in0;
    struct analysis a0;
    analyse(clean, &in0, &a0);
    /* inject: 24 defects on distinct lines (the last line is truncated separately) */
    rng = seed * 7919 + 1;
    size_t extra_cap = n + 64, total = n;
    lines = realloc(lines, extra_cap * sizeof *lines);
    for (int k = 0; k < 24; k++) {
        size_t i = next_rand() % (n - 1);
        if (lines[i].defect != D_NONE)
            continue;
        int kind = 1 + (int)(next_rand() % 5);
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
            lines[total].defect = kind;
            memcpy(lines[total].pid, lines[i].pid, sizeof lines[i].pid);
            if (kind == D_DUP) {
                lines[total].text = strdup(t);
            } else { /* the same patient and date, an assessment with another phq9 (the
                        sample's 21 fields: monitoring_min last) */
                snprintf(out, sizeof out, "%.*s,assessment,,,,,,,%d,,,,,,,,,,,\n", (int)(c2 - t), t,
                         27);
                lines[total].text = strdup(out);
            }
            total++;
            continue;
        }
        }
        free(lines[i].text);
        lines[i].text = strdup(out);
        lines[i].defect = kind;
    }
    /* the last line is cut after its date */
    {
        struct line *l = &lines[n - 1];
        char *c2 = strchr(strchr(l->text, ',') + 1, ',');
        *c2 = '\0';
        l->defect = D_TRUNC;
    }
    /* shuffle everything but the truncated last line, which must stay last */
    size_t last = n - 1;
    struct line t = lines[last];
    lines[last] = lines[total - 1];
    lines[total - 1] = t;
    for (size_t i = total - 2; i > 0; i--) {
        size_t j = next_rand() % (i + 1);
        struct line s = lines[i];
        lines[i] = lines[j];
        lines[j] = s;
    }
    char *dirty = write_temp("", 0);
    f = fopen(dirty, "w");
    fputs(header, f);
    for (size_t i = 0; i < total; i++)
        fputs(lines[i].text, f);
    fclose(f);
    struct ingest_result in1;
    struct analysis a1;
    analyse(dirty, &in1, &a1);
    /* every rejecting defect at its line (header = line 1) with its reason */
    long want_rejected = 0, want_dups = 0, conflicts = 0;
    for (size_t i = 0; i < total; i++) {
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
        for (size_t p = 0; p < in1.problems.n; p++)
            found |= in1.problems.v[p].first && in1.problems.v[p].line == (long)i + 2 &&
                     in1.problems.v[p].reason == reason;
        if (!found)
            fail_msg("seed %lu: defect %d at line %zu not reported", seed, lines[i].defect, i + 2);
    }
    assert_int_equal(in1.rows_rejected, want_rejected);
    assert_true(in1.rows_duplicate >= want_dups);
    assert_true(conflicts == 0 || in1.conflicting_same_day_scores > 0);
    /* untouched patients: the same episodes as before */
    long compared = 0;
    for (size_t i = 0; i < total; i++) {
        const char *pid = lines[i].pid;
        int touched = 0;
        for (size_t k = 0; k < total && !touched; k++)
            touched = strcmp(lines[k].pid, pid) == 0 && lines[k].defect != D_NONE &&
                      lines[k].defect != D_DUP;
        if (touched)
            continue;
        char *x = episodes_of(&in0, &a0, pid), *y = episodes_of(&in1, &a1, pid);
        if (strcmp(x, y) != 0)
            fail_msg("seed %lu: patient %s changed:\n%s\nvs\n%s", seed, pid, x, y);
        compared++;
        free(x);
        free(y);
    }
    assert_true(compared > 100);
    model_fini(&a0);
    model_fini(&a1);
    ingest_result_fini(&in0);
    ingest_result_fini(&in1);
    for (size_t i = 0; i < total; i++)
        free(lines[i].text);
    free(lines);
    free(header);
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
