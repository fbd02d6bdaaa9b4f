/* csv_out.c: episodes.csv and rejects.csv. Fields that need it (a delimiter, quote, line break
 * or surrounding blank) are quoted with libcsv's csv_write; others are written as they are. A
 * text that a spreadsheet would run as a formula gets a leading apostrophe
 * (report_csv_formula_risk); numbers and dates are written by their own writers, untouched.
 * Display numbers (pct_change, mg_per_kg) are rounded to fixed decimals; absent values are
 * empty fields. LF line ends. */
#include <csv.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/numfmt.h"
#include "outcomes/report.h"
#include "report_int.h"

struct out {
    char *s;
    size_t n, cap;
    int oom;
};

static int grow(struct out *o, size_t n);

/* Makes room for n more bytes (and a NUL); 0, or -1 (o->oom set) when out of memory. */
static inline int reserve(struct out *o, size_t n)
{
    return o->n + n + 1 <= o->cap ? 0 : grow(o, n);
}

static int grow(struct out *o, size_t n)
{
    if (o->oom)
        return -1;
    size_t cap = o->cap ? o->cap * 2 : 65536;
    while (cap < o->n + n + 1)
        cap *= 2;
    char *p = realloc(o->s, cap);
    if (!p) {
        o->oom = 1;
        return -1;
    }
    o->s = p;
    o->cap = cap;
    return 0;
}

static void sep(struct out *o, int last)
{
    if (reserve(o, 1) == 0)
        o->s[o->n++] = last ? '\n' : ',';
}

/* 1 when s[0, n) is a decimal number as a spreadsheet reads one: [+-]digits[.digits][e[+-]digits]
 * (at least one digit before the exponent). */
static int plain_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (!digits)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            e++;
        if (!e)
            return 0;
    }
    return i == n;
}

int report_csv_formula_risk(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    switch (s[0]) {
    case '=':
    case '@':
    case '\t':
    case '\r': return 1;
    case '+':
    case '-': return !plain_number(s, n);
    default: return 0;
    }
}

static void field_quoted(struct out *o, const char *s, size_t n, int last);

/* Text of n bytes, quoted by libcsv's csv_write when it holds a delimiter, quote, tab or line break
 * or starts or ends with a blank; then a comma (last = 0) or a line end (last = 1). */
static void field_text(struct out *o, const char *s, size_t n, int last)
{
    if (report_csv_formula_risk(s, n)) { /* rare: the apostrophe, then the text, in a copy */
        char *g = malloc(n + 1);
        if (!g) {
            o->oom = 1;
            return;
        }
        g[0] = '\'';
        memcpy(g + 1, s, n);
        field_quoted(o, g, n + 1, last);
        free(g);
        return;
    }
    field_quoted(o, s, n, last);
}

static void field_quoted(struct out *o, const char *s, size_t n, int last)
{
    int quote = n && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++) /* a tab too: a multi-line note may hold one */
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t';
    size_t need = quote ? csv_write(NULL, 0, s, n) : n;
    if (reserve(o, need + 1) != 0)
        return;
    if (quote)
        csv_write(o->s + o->n, need, s, n);
    else
        memcpy(o->s + o->n, s, n);
    o->n += need;
    o->s[o->n++] = last ? '\n' : ',';
}

static void field(struct out *o, const char *s, int last)
{
    field_text(o, s, strlen(s), last);
}

/* The string of id in table t. */
static void field_id(struct out *o, const struct strtab *t, uint32_t id, int last)
{
    size_t n;
    const char *s = strtab_get(t, id, &n);
    field_text(o, s, n, last);
}

/* Digits of u written backwards ending at end; returns the first. */
static char *digits(char *end, unsigned long u)
{
    do
        *--end = (char)('0' + u % 10);
    while (u /= 10);
    return end;
}

static void field_long(struct out *o, long v, int present, int last)
{
    if (reserve(o, 24) != 0)
        return;
    if (present) {
        unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
        char buf[24], *p = digits(buf + sizeof buf, u);
        if (v < 0)
            *--p = '-';
        size_t k = (size_t)(buf + sizeof buf - p);
        memcpy(o->s + o->n, p, k);
        o->n += k;
    }
    o->s[o->n++] = last ? '\n' : ',';
}

/* The text of every day from `first` on (10 bytes each): episodes.csv writes five dates a row,
 * most of them within a few years. */
struct date_texts {
    int32_t first;
    size_t n;
    char *text;
};

static void field_date(struct out *o, const struct date_texts *t, int32_t d, int present, int last)
{
    if (reserve(o, 12) != 0)
        return;
    if (present) {
        if (d >= t->first && (size_t)(d - t->first) < t->n)
            memcpy(o->s + o->n, t->text + (size_t)(d - t->first) * 10, 10);
        else
            date_format(d, o->s + o->n);
        o->n += 10;
    }
    o->s[o->n++] = last ? '\n' : ',';
}

/* A number rounded to exactly `decimals` decimals (2 or 4) for display, without printf
 * (half away from zero); empty when NaN. */
static void field_fixed(struct out *o, double v, int decimals, int last)
{
    char buf[48];
    if (isnan(v)) {
        sep(o, last);
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
    for (int i = 0; i < decimals; i++, t /= 10)
        *--p = (char)('0' + t % 10);
    *--p = '.';
    p = digits(p, (unsigned long)t);
    if (neg)
        *--p = '-';
    field_text(o, p, (size_t)(buf + sizeof buf - p), last);
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

/* The columns of the funnel comparison (SPEC 11), at the end of each row:
 * fitted_response_p, the probability of response that the episode's clinician's and site's
 * expected counts sum (the case-mix model's fitted value, or p-bar when the comparison is
 * unadjusted), in the shortest exact form; empty outside the comparison. */
static const char *const funnel_header[] = {"fitted_response_p"};

static void episodes_funnel_fields(struct out *o, const struct analysis *a, size_t i)
{
    char buf[32];
    numfmt_shortest(a->funnel.fitted_p ? a->funnel.fitted_p[i] : NAN, buf, sizeof buf);
    field(o, buf, 1);
}

static const char *const exclusion_names[] = {"", "no_baseline", "baseline_below_min"};

/* SPEC 12's columns, at the end of a row: induction_sessions, induction_complete, frequency,
 * loss_event, loss_date, days_to_loss (eligible episodes with a response event) and
 * maintenance_sessions (mature ones among those: the maintenance figures' episodes). */
static const char *const durability_header[] = {
    "induction_sessions", "induction_complete", "frequency",           "loss_event",
    "loss_date",          "days_to_loss",       "maintenance_sessions"};
#define DURABILITY_COLUMNS (sizeof durability_header / sizeof *durability_header)
static void durability_fields(struct out *o, const struct episode *e,
                              const struct date_texts *dates, int last)
{
    const struct episode_durability *u = &e->dur;
    int resp = e->eligible && e->n_followup > 0 && e->response.event;
    field_long(o, u->induction_sessions, 1, 0);
    field_long(o, u->induction_complete, 1, 0);
    field(o, model_frequency_name(u->frequency), 0);
    field_long(o, u->loss_event, resp, 0);
    field_date(o, dates, u->loss_date, resp, 0);
    field_long(o, u->days_to_loss, resp, 0);
    field_long(o, u->maintenance_sessions, resp && e->mature, last);
}

/* The rows of episodes [from, to) (cohort episodes only) appended to o; idx, when not NULL,
 * gets where each row is. */
struct episodes_part {
    const struct report_input *in;
    const struct analysis *a;
    const struct date_texts *dates;
    size_t from, to;
    struct out o;
    struct csv_index *idx;
};

static void *episodes_rows(void *arg)
{
    struct episodes_part *part = arg;
    struct out *o = &part->o;
    const struct analysis *a = part->a;
    const struct report_input *r = part->in;
    /* room for typical rows at once: growing a large buffer step by step remaps it, which
     * costs every other thread of the process a TLB flush */
    if (part->to > part->from)
        reserve(o, (part->to - part->from) * 200);
    for (size_t i = part->from; i < part->to && !o->oom; i++) {
        const struct episode *e = &a->episodes[i];
        if (!e->in_cohort)
            continue;
        if (part->idx)
            part->idx->start[i] = o->n;
        int has_base = e->baseline_score >= 0, has_end = e->endpoint_score >= 0;
        int fu = e->n_followup > 0 && e->eligible;
        field_id(o, r->patient_ids, e->patient, 0);
        field_long(o, e->number, 1, 0);
        field_date(o, part->dates, e->index_date, 1, 0);
        field_date(o, part->dates, e->baseline_date, has_base, 0);
        field_long(o, e->baseline_score, has_base, 0);
        field_long(o, e->eligible, 1, 0);
        field(o, exclusion_names[e->exclusion], 0);
        field_date(o, part->dates, e->endpoint_date, has_end, 0);
        field_long(o, e->endpoint_score, has_end, 0);
        field_fixed(o,
                    has_base && has_end && e->baseline_score > 0
                        ? 100.0 * (e->endpoint_score - e->baseline_score) / e->baseline_score
                        : NAN,
                    2, 0);
        field_long(o, e->responder, e->eligible, 0);
        field_long(o, e->remitter, e->eligible, 0);
        field_long(o, e->mature, 1, 0);
        field_long(o, e->n_followup, 1, 0);
        const struct time_to *tts[2] = {&e->response, &e->remission};
        for (int k = 0; k < 2; k++) {
            field_long(o, tts[k]->event, fu, 0);
            field_date(o, part->dates, tts[k]->date, fu && tts[k]->event, 0);
            field_long(o, tts[k]->days, fu, 0);
            field_long(o, tts[k]->sessions, fu, 0);
        }
        field_date(o, part->dates, e->last_followup_date, e->n_followup > 0, 0);
        field_id(o, r->text, e->site, 0);
        field_id(o, r->text, e->clinician, 0);
        field(o, ingest_route_name(e->route), 0);
        field(o, ingest_drug_name(e->drug), 0);
        field_id(o, r->text, e->therapy, 0);
        field_fixed(o, e->mg_per_kg, 4, 0);
        field(o, model_dose_band_name(e->dose_band), 0);
        durability_fields(o, e, part->dates, 0); /* SPEC 12's columns, then SPEC 11's */
        if (part->idx)
            part->idx->cut[i] = o->n;
        episodes_funnel_fields(o, a, i);
    }
    return NULL;
}

/* The days the cohort episodes' dates span (index, baseline, endpoint, events, last follow-up)
 * into t (t->text NULL when out of memory or too many: each date is then formatted). */
static void date_texts_make(const struct analysis *a, struct date_texts *t)
{
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (!e->in_cohort)
            continue;
        const int32_t ds[2] = {e->index_date,
                               e->baseline_score >= 0 ? e->baseline_date : e->index_date};
        lo = ds[1] < lo ? ds[1] : ds[0] < lo ? ds[0] : lo;
        hi = e->last_followup_date > hi ? e->last_followup_date : hi;
        hi = e->endpoint_date > hi ? e->endpoint_date : hi;
        hi = e->index_date > hi ? e->index_date : hi;
    }
    if (lo <= hi && (int64_t)hi - lo < 400000)
        t->text = malloc(((size_t)(hi - lo) + 1) * 10);
    if (t->text) {
        t->first = lo;
        t->n = (size_t)(hi - lo) + 1;
        char buf[11];
        for (size_t k = 0; k < t->n; k++) {
            date_format(lo + (int32_t)k, buf);
            memcpy(t->text + k * 10, buf, 10);
        }
    }
}

int report_episodes_csv(const struct report_input *in, const struct analysis *a, int threads,
                        char *part[2], size_t len[2])
{
    return report_episodes_csv_indexed(in, a, threads, part, len, NULL);
}

int report_episodes_csv_indexed(const struct report_input *in, const struct analysis *a,
                                int threads, char *part[2], size_t len[2], struct csv_index *idx)
{
    static const char *const header[] = {"patient_id",
                                         "episode",
                                         "index_date",
                                         "baseline_date",
                                         "baseline_score",
                                         "eligible",
                                         "exclusion_reason",
                                         "endpoint_date",
                                         "endpoint_score",
                                         "pct_change",
                                         "responder",
                                         "remitter",
                                         "mature",
                                         "followup_scores",
                                         "response_event",
                                         "response_date",
                                         "days_to_response",
                                         "sessions_to_response",
                                         "remission_event",
                                         "remission_date",
                                         "days_to_remission",
                                         "sessions_to_remission",
                                         "last_followup_date",
                                         "site",
                                         "clinician",
                                         "route",
                                         "drug",
                                         "concurrent_therapy",
                                         "mg_per_kg",
                                         "dose_band"};
    const size_t nh = sizeof header / sizeof *header;
    /* the episodes in two halves, the second on a thread of its own */
    size_t half = threads > 1 && a->nepisodes > 10000 ? a->nepisodes / 2 : a->nepisodes;
    struct date_texts dates = {0, 0, NULL};
    date_texts_make(a, &dates);
    if (idx) {
        memset(idx, 0, sizeof *idx);
        idx->start = malloc((a->nepisodes ? a->nepisodes : 1) * sizeof *idx->start);
        idx->cut = malloc((a->nepisodes ? a->nepisodes : 1) * sizeof *idx->cut);
        if (!idx->start || !idx->cut) {
            report_csv_index_fini(idx);
            free(dates.text);
            return -1;
        }
        for (size_t i = 0; i < a->nepisodes; i++)
            idx->start[i] = SIZE_MAX;
        idx->half = half;
    }
    struct episodes_part parts[2] = {{in, a, &dates, 0, half, {0}, idx},
                                     {in, a, &dates, half, a->nepisodes, {0}, idx}};
    for (int k = 0; k < 2; k++) /* buffers handed in: filled first */
        parts[k].o = (struct out){part[k], 0, part[k] ? len[k] : 0, 0};
    for (size_t k = 0; k < nh; k++)
        field(&parts[0].o, header[k], 0);
    for (size_t k = 0; k < DURABILITY_COLUMNS; k++)
        field(&parts[0].o, durability_header[k], 0);
    for (size_t k = 0; k < sizeof funnel_header / sizeof *funnel_header; k++)
        field(&parts[0].o, funnel_header[k], k + 1 == sizeof funnel_header / sizeof *funnel_header);
    if (idx)
        idx->header = parts[0].o.n;
    pthread_t tid;
    int started = half < a->nepisodes && pthread_create(&tid, NULL, episodes_rows, &parts[1]) == 0;
    episodes_rows(&parts[0]);
    if (started)
        pthread_join(tid, NULL);
    else
        episodes_rows(&parts[1]);
    free(dates.text);
    part[0] = finish(&parts[0].o, &len[0]);
    if (parts[1].o.n || parts[1].o.oom) {
        part[1] = finish(&parts[1].o, &len[1]);
    } else { /* empty: a buffer handed in is not needed */
        free(parts[1].o.s);
        part[1] = NULL;
        len[1] = 0;
    }
    if (!part[0] || (!part[1] && parts[1].o.oom)) {
        free(part[0]);
        free(part[1]);
        part[0] = part[1] = NULL;
        if (idx)
            report_csv_index_fini(idx);
        return -1;
    }
    return 0;
}

void report_csv_index_fini(struct csv_index *idx)
{
    free(idx->start);
    free(idx->cut);
    memset(idx, 0, sizeof *idx);
}

/* The site (or clinician) of episode e. */
static uint32_t episode_owner(const struct episode *e, int clinician)
{
    return clinician ? e->clinician : e->site;
}

char *report_episodes_csv_of(const char *const net[2], const struct csv_index *idx,
                             const struct analysis *net_a, int clinician, uint32_t value,
                             const struct analysis *sub, size_t *len)
{
    size_t need = idx->header, n = 0;
    for (size_t i = 0; i < net_a->nepisodes; i++)
        if (episode_owner(&net_a->episodes[i], clinician) == value && idx->start[i] != SIZE_MAX)
            need += idx->cut[i] - idx->start[i] + 32;
    struct out o = {malloc(need + 1), 0, need + 1, 0};
    if (!o.s)
        return NULL;
    memcpy(o.s, net[0], idx->header);
    o.n = idx->header;
    for (size_t i = 0; i < net_a->nepisodes && !o.oom; i++) {
        if (episode_owner(&net_a->episodes[i], clinician) != value)
            continue;
        /* the subset's episodes are the network's of value, in order (model_subset) */
        if (n >= sub->nepisodes || sub->episodes[n].patient != net_a->episodes[i].patient ||
            sub->episodes[n].number != net_a->episodes[i].number)
            o.oom = 1;
        else if (idx->start[i] != SIZE_MAX) {
            const char *p = net[i >= idx->half] + idx->start[i];
            size_t k = idx->cut[i] - idx->start[i];
            if (reserve(&o, k) == 0) {
                memcpy(o.s + o.n, p, k);
                o.n += k;
                episodes_funnel_fields(&o, sub, n); /* the subset's own comparison */
            }
        }
        n++;
    }
    if (n != sub->nepisodes)
        o.oom = 1;
    return finish(&o, len);
}

char *report_rejects_csv(const struct report_input *in, size_t *len)
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

/* review.csv's header (header 1), then its rows [*at, ...) of owner value (owner NULL: every
 * row) into o until it holds at least want bytes or the rows end; *rows counts the rows. */
static void review_rows(struct out *o, const struct report_input *in, const struct analysis *a,
                        const uint32_t *owner, uint32_t value, int header_too, size_t *at,
                        size_t *rows, size_t want)
{
    static const char *const header[] = {"patient_id", "episode", "date", "file",
                                         "line",       "flag",    "value"};
    if (header_too)
        for (size_t k = 0; k < 7; k++)
            field(o, header[k], k == 6);
    char day[11], v[48];
    const struct safety_checks *c = &a->checks;
    size_t i = *at;
    for (; i < c->nreview && o->n < want && !o->oom; i++) {
        const struct review_row *q = &c->review[i];
        if (owner && owner[i] != value)
            continue;
        const struct episode *e = &a->episodes[q->episode];
        uint32_t file = rows_file(in->prov, q->row);
        field_id(o, in->patient_ids, e->patient, 0);
        field_long(o, e->number, 1, 0);
        date_format(rows_date(in->prov, q->row), day);
        field(o, day, 0);
        field(o, file < in->nfiles ? in->files[file].path : "", 0);
        field_long(o, (long)rows_line(in->prov, q->row), 1, 0);
        field(o, model_review_flag_name(q->flag), 0);
        model_review_value(q, v, sizeof v);
        field(o, v, 1);
        (*rows)++;
    }
    *at = i;
}

void report_review_stream_init(struct review_stream *rs, const struct report_input *in,
                               const struct analysis *a, const uint32_t *owner, uint32_t value)
{
    memset(rs, 0, sizeof *rs);
    rs->in = in;
    rs->a = a;
    rs->owner = owner;
    rs->value = value;
}

int report_review_stream_next(void *arg, const char **p, size_t *n)
{
    struct review_stream *rs = arg;
    struct out o = {rs->buf, 0, rs->cap, 0};
    if (rs->done)
        return 0;
    review_rows(&o, rs->in, rs->a, rs->owner, rs->value, !rs->started, &rs->at, &rs->rows,
                REVIEW_PIECE);
    rs->started = 1;
    rs->buf = o.s;
    rs->cap = o.cap;
    if (o.oom)
        return -1;
    rs->done = rs->at >= rs->a->checks.nreview;
    *p = o.s;
    *n = o.n;
    return o.n > 0 || !rs->done ? 1 : 0;
}

void report_review_stream_fini(struct review_stream *rs)
{
    free(rs->buf);
    rs->buf = NULL;
    rs->cap = 0;
}
