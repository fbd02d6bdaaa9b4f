/* support.h: helpers shared by the unit tests (header-only; each test is one executable). */
#ifndef OUTCOMES_TEST_SUPPORT_H
#define OUTCOMES_TEST_SUPPORT_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcomes/date.h"
#include "outcomes/ingest.h"
#include "outcomes/stats.h"

/* Writes data (n bytes) to a new temporary file; returns its malloc'd path. */
static inline char *write_temp(const char *data, size_t n)
{
    char tmpl[] = "/tmp/outcomes-test-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        abort();
    if (n && write(fd, data, n) != (ssize_t)n)
        abort();
    close(fd);
    return strdup(tmpl);
}

/* A growable string. */
struct sbuf {
    char *s;
    size_t n, cap;
};

static inline void sbuf_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        b->cap = (b->cap + (size_t)k + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
}

/* Every accepted row, one line each, in store order, with its provenance. */
static inline char *rows_dump(const struct rows *r, int with_lines)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    for (size_t i = 0; i < r->n; i++) {
        char d[11];
        date_format(rows_date(r, i), d);
        sbuf_printf(&b, "%s|%s|%u|%s|%s|%s|%s|%s|%s|%s|",
                    strtab_get(r->patients, rows_patient(r, i), 0), d, rows_type(r, i),
                    ingest_route_name(rows_route(r, i)), ingest_drug_name(rows_drug(r, i)),
                    strtab_get(r->text, rows_text(r, TEXT_SITE, i), 0),
                    strtab_get(r->text, rows_text(r, TEXT_CLINICIAN, i), 0),
                    strtab_get(r->text, rows_text(r, TEXT_THERAPY, i), 0),
                    strtab_get(r->text, rows_text(r, TEXT_ADVERSE, i), 0), "");
        sbuf_printf(&b, "%.17g|%.17g", rows_dose(r, i), rows_weight(r, i));
        for (int k = 0; k < N_INT_COLS; k++)
            sbuf_printf(&b, "|%d", rows_int(r, COL_FIRST_INT + k, i));
        sbuf_printf(&b, "|c%u", rows_conflict(r, i));
        if (with_lines)
            sbuf_printf(&b, "|@%u:%u", rows_file(r, i), rows_line(r, i));
        sbuf_printf(&b, "\n");
    }
    return b.s;
}

/* Every problem as "line:column:reason:first: message". */
static inline char *problems_dump(const struct problem_list *l)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    for (size_t i = 0; i < l->n; i++)
        sbuf_printf(&b, "%ld:%ld:%s:%d: %s\n", l->v[i].line, l->v[i].column,
                    ingest_reason_name(l->v[i].reason), l->v[i].first, l->v[i].message);
    return b.s;
}

/* Default reading options. */
static inline struct ingest_opts default_opts(void)
{
    struct ingest_opts o;
    memset(&o, 0, sizeof o);
    o.delimiter = ',';
    o.threads = 1;
    return o;
}

/* Runs only the tests whose name matches $TEST_FILTER (a cmocka pattern), when it is set. */
#define apply_test_filter()                                                                        \
    do {                                                                                           \
        const char *f_ = getenv("TEST_FILTER");                                                    \
        if (f_)                                                                                    \
            cmocka_set_test_filter(f_);                                                            \
    } while (0)

/* Tolerance check for doubles (cmocka 1.1.5 has no assert_double_equal). */
#define assert_close(a, b, tol)                                                                    \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (tol) * (1 + fabs(b_))))                                            \
            fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);                                    \
    } while (0)

#endif
