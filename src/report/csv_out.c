/* csv_out.c: episodes.csv and rejects.csv. Fields that need it (a delimiter, quote, line break
 * or surrounding blank) are quoted with libcsv's csv_write; others are written as they are.
 * Display numbers (pct_change, mg_per_kg) are rounded to fixed decimals; absent values are
 * empty fields. LF line ends. */
#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/numfmt.h"
#include "outcomes/report.h"

struct out {
    char *s;
    size_t n, cap;
    int oom;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 65536;
        while (cap < o->n + n + 1)
            cap *= 2;
        char *p = realloc(o->s, cap);
        if (!p) {
            o->oom = 1;
            return;
        }
        o->s = p;
        o->cap = cap;
    }
    memcpy(o->s + o->n, s, n);
    o->n += n;
    o->s[o->n] = '\0';
}

/* One field, then a comma (last = 0) or a line end (last = 1). */
static void field(struct out *o, const char *s, int last)
{
    size_t n = strlen(s);
    int quote = n && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote) {
        size_t need = csv_write(NULL, 0, s, n);
        char *buf = malloc(need);
        if (!buf) {
            o->oom = 1;
            return;
        }
        csv_write(buf, need, s, n);
        put(o, buf, need);
        free(buf);
    } else {
        put(o, s, n);
    }
    put(o, last ? "\n" : ",", 1);
}

static void field_long(struct out *o, long v, int present, int last)
{
    char buf[24], *p = buf + sizeof buf;
    *--p = '\0';
    if (present) {
        unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
        do
            *--p = (char)('0' + u % 10);
        while (u /= 10);
        if (v < 0)
            *--p = '-';
    }
    field(o, p, last);
}

static void field_date(struct out *o, int32_t d, int present, int last)
{
    char buf[11] = "";
    if (present)
        date_format(d, buf);
    field(o, buf, last);
}

/* A number rounded to exactly `decimals` decimals (2 or 4) for display, without printf
 * (half away from zero); empty when NaN. */
static void field_fixed(struct out *o, double v, int decimals, int last)
{
    char buf[48];
    if (isnan(v)) {
        field(o, "", last);
        return;
    }
    double scale = decimals == 2 ? 100.0 : 10000.0;
    if (fabs(v) * scale > 9e15) {
        numfmt_shortest(v, buf, sizeof buf);
        field(o, buf, last);
        return;
    }
    long long t = llround(fabs(v) * scale);
    int neg = v < 0 && t != 0;
    char *p = buf + sizeof buf;
    *--p = '\0';
    for (int i = 0; i < decimals; i++, t /= 10)
        *--p = (char)('0' + t % 10);
    *--p = '.';
    do
        *--p = (char)('0' + t % 10);
    while (t /= 10);
    if (neg)
        *--p = '-';
    field(o, p, last);
}

static char *finish(struct out *o, size_t *len)
{
    if (o->oom) {
        free(o->s);
        return NULL;
    }
    *len = o->n;
    if (!o->s)
        return calloc(1, 1);
    return o->s;
}

static const char *const exclusion_names[] = {"", "no_baseline", "baseline_below_min"};

char *report_episodes_csv(const struct ingest_result *in, const struct analysis *a, size_t *len)
{
    static const char *const header[] = {
        "patient_id", "episode", "index_date", "baseline_date", "baseline_score", "eligible",
        "exclusion_reason", "endpoint_date", "endpoint_score", "pct_change", "responder",
        "remitter", "mature", "followup_scores", "response_event", "response_date",
        "days_to_response", "sessions_to_response", "remission_event", "remission_date",
        "days_to_remission", "sessions_to_remission", "last_followup_date", "site", "clinician",
        "route", "drug", "concurrent_therapy", "mg_per_kg", "dose_band"};
    const size_t nh = sizeof header / sizeof *header;
    struct out o = {0};
    const struct rows *r = &in->rows;
    for (size_t k = 0; k < nh; k++)
        field(&o, header[k], k + 1 == nh);
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (!e->in_cohort)
            continue;
        int has_base = e->baseline_score >= 0, has_end = e->endpoint_score >= 0;
        int fu = e->n_followup > 0 && e->eligible;
        field(&o, strtab_get(r->patients, e->patient, NULL), 0);
        field_long(&o, e->number, 1, 0);
        field_date(&o, e->index_date, 1, 0);
        field_date(&o, e->baseline_date, has_base, 0);
        field_long(&o, e->baseline_score, has_base, 0);
        field_long(&o, e->eligible, 1, 0);
        field(&o, exclusion_names[e->exclusion], 0);
        field_date(&o, e->endpoint_date, has_end, 0);
        field_long(&o, e->endpoint_score, has_end, 0);
        field_fixed(&o, has_base && has_end && e->baseline_score > 0
                            ? 100.0 * (e->endpoint_score - e->baseline_score) / e->baseline_score
                            : NAN,
                    2, 0);
        field_long(&o, e->responder, e->eligible, 0);
        field_long(&o, e->remitter, e->eligible, 0);
        field_long(&o, e->mature, 1, 0);
        field_long(&o, e->n_followup, 1, 0);
        const struct time_to *tts[2] = {&e->response, &e->remission};
        for (int k = 0; k < 2; k++) {
            field_long(&o, tts[k]->event, fu, 0);
            field_date(&o, tts[k]->date, fu && tts[k]->event, 0);
            field_long(&o, tts[k]->days, fu, 0);
            field_long(&o, tts[k]->sessions, fu, 0);
        }
        field_date(&o, e->last_followup_date, e->n_followup > 0, 0);
        field(&o, strtab_get(r->text, e->site, NULL), 0);
        field(&o, strtab_get(r->text, e->clinician, NULL), 0);
        field(&o, ingest_route_name(e->route), 0);
        field(&o, ingest_drug_name(e->drug), 0);
        field(&o, strtab_get(r->text, e->therapy, NULL), 0);
        field_fixed(&o, e->mg_per_kg, 4, 0);
        field(&o, model_dose_band_name(e->dose_band), 1);
    }
    return finish(&o, len);
}

char *report_rejects_csv(const struct ingest_result *in, size_t *len)
{
    struct out o = {0};
    field(&o, "file", 0);
    field(&o, "line", 0);
    field(&o, "column", 0);
    field(&o, "value", 0);
    field(&o, "reason", 1);
    for (size_t i = 0; i < in->problems.n; i++) {
        const struct problem *p = &in->problems.v[i];
        if (!p->first)
            continue;
        field(&o, in->files[p->file].path, 0);
        field_long(&o, p->line, 1, 0);
        field(&o, p->col >= 0 ? ingest_col_name((enum col)p->col) : "", 0);
        field(&o, p->value, 0);
        field(&o, ingest_reason_name(p->reason), 1);
    }
    return finish(&o, len);
}
