/* summary.c: page 1, how the clinic did and against what (SPEC section 10): the period and the
 * as-of date at the top; three to five sentences from fixed templates, every number in them
 * one of results.json's (rates as percentages to one decimal, differences in percentage
 * points, p to two significant digits); four tiles (response and remission at the endpoint
 * with the change since the previous period, the follow-up rate, and the first response at
 * any visit, the Kaplan-Meier median, named so that it is not read as the endpoint rate); the
 * comparison with the previous period and the same period a year before; the published
 * benchmarks and the clinic's targets beside the clinic's rate of the same population. The
 * flow from export rows to outcomes is page 2 (flow.c). Withheld rates read "withheld" with
 * the reason (small counts), and a sentence built on one says so instead of giving it. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/text.h"
#include "pages.h"

/* A benchmark's short name: the first author (at most 40 characters shown), "et al." and a year. */
#define BM_NAME_SIZE (TEXT_ROOM(40) + 24)
/* One sentence of page 1: room for its longest template with every benchmark name. */
#define SENTENCE_SIZE (6 * BM_NAME_SIZE + 1024)

static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

/* "October 2026", "April to June 2026", "November 2025 to January 2026" (after "In" for one
 * month, "From" for several). */
static void period_words(int from, int to, char *buf, size_t n)
{
    int y0 = from / 12, m0 = from % 12, y1 = to / 12, m1 = to % 12;
    if (from == to)
        snprintf(buf, n, "%s %d", month_names[m0], y0);
    else if (y0 == y1)
        snprintf(buf, n, "%s to %s %d", month_names[m0], month_names[m1], y1);
    else
        snprintf(buf, n, "%s %d to %s %d", month_names[m0], y0, month_names[m1], y1);
}

/* "by the end of induction, days 14-42", "at 6 months, days 120-240", "at the endpoint, days
 * 20-30". */
static void endpoint_words(const struct model_opts *o, char *buf, size_t n)
{
    if (strcmp(o->endpoint_name, "induction") == 0)
        snprintf(buf, n, "by the end of induction, days %d-%d", o->endpoint_from, o->endpoint_to);
    else if (strcmp(o->endpoint_name, "6m") == 0)
        snprintf(buf, n, "at 6 months, days %d-%d", o->endpoint_from, o->endpoint_to);
    else if (strcmp(o->endpoint_name, "12m") == 0)
        snprintf(buf, n, "at 12 months, days %d-%d", o->endpoint_from, o->endpoint_to);
    else
        snprintf(buf, n, "at the endpoint, days %d-%d", o->endpoint_from, o->endpoint_to);
}

static void pct1(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.1f%%", 100 * v);
}

/* p to two significant digits, "p < 0.001" below. */
static void p_words(char *buf, size_t n, double p)
{
    if (isnan(p))
        snprintf(buf, n, "no test");
    else if (p < 0.001)
        snprintf(buf, n, "p < 0.001");
    else
        snprintf(buf, n, "p = %.2g", p);
}

/* ", 4.2 points more than in September 2026 (95% CI -2.1 to 10.5; not significant, p = 0.20)"
 * or the reason there is no comparison. */
static void change_words(struct doc *d, int cmp, const struct prop_diff *df, uint8_t withheld,
                         const struct proportion *then, char *buf, size_t n)
{
    const struct comparison *c = &d->a->comparison[cmp];
    char per[64], p[32];
    period_words(c->then.from, c->then.to, per, sizeof per);
    if (then->n == 0) {
        snprintf(buf, n, "; %s had no mature episode to compare with", per);
        return;
    }
    if (withheld || isnan(df->estimate)) {
        snprintf(buf, n, "; the change since %s is withheld (small counts)", per);
        return;
    }
    p_words(p, sizeof p, df->p);
    double pts = 100 * df->estimate;
    const char *sig = !isnan(df->p) && df->p < 0.05 ? "significant" : "not significant";
    if (fabs(pts) < 0.05)
        snprintf(buf, n, ", the same as in %s (%s, %s)", per, sig, p);
    else
        snprintf(buf, n, ", %.1f points %s than in %s (95%% CI %.1f to %.1f; %s, %s)", fabs(pts),
                 pts > 0 ? "more" : "fewer", per, 100 * df->lo, 100 * df->hi, sig, p);
}

/* A benchmark's short name: the citation's first word (the first author's surname) with
 * "et al." and the first year in it ("McInnes et al. 2022"); a target is "the clinic's target". */
static void bm_name(const struct benchmark *b, char *buf, size_t n)
{
    if (b->target) {
        snprintf(buf, n, "the clinic's target");
        return;
    }
    char first[TEXT_ROOM(40)];
    size_t k = 0;
    const char *c = b->citation;
    while (c[k] && c[k] != ' ' && c[k] != ',' && k < 40)
        k++;
    char tmp[48];
    memcpy(tmp, c, k);
    tmp[k] = '\0';
    text_display(first, sizeof first, tmp, 40);
    const char *year = NULL;
    for (const char *q = c; *q && !year; q++)
        if ((q[0] == '1' || q[0] == '2') && isdigit((unsigned char)q[1]) &&
            isdigit((unsigned char)q[2]) && isdigit((unsigned char)q[3]) &&
            !isdigit((unsigned char)q[4]) && (q == c || !isdigit((unsigned char)q[-1])))
            year = q;
    if (year)
        snprintf(buf, n, "%s et al. %.4s", first, year);
    else
        snprintf(buf, n, "%s et al.", first);
}

static const char *position_words(int pos)
{
    switch (pos) {
    case BM_BELOW: return "below the clinic's 95% CI";
    case BM_INSIDE: return "inside the clinic's 95% CI";
    case BM_ABOVE: return "above the clinic's 95% CI";
    default: return "not comparable (no clinic rate)";
    }
}

/* A rate and its interval as the sentences give them: "52.0%", "41.9" and "62.0%". */
struct rate_words {
    char r[16], lo[16], hi[16];
};

static struct rate_words rate_words(const struct proportion *p)
{
    struct rate_words w;
    pct1(w.r, sizeof w.r, p->rate);
    snprintf(w.lo, sizeof w.lo, "%.1f", 100 * p->lo);
    pct1(w.hi, sizeof w.hi, p->hi);
    return w;
}

/* Sentence 1 into out (SENTENCE_SIZE): the response in period per (words) at endpoint ep, and
 * its change since the previous period. */
static void sentence_response(struct doc *d, const char *per, const char *ep, char *out)
{
    const struct analysis *a = d->a;
    const struct disclosure *dc = &a->disc;
    const char *in = a->period_from == a->period_to ? "In" : "From";
    if (a->response.n == 0)
        snprintf(out, SENTENCE_SIZE,
                 "%s %s no eligible episode had reached the end of its endpoint window (days "
                 "%d-%d) by the as-of date, so no response rate can be given yet; %s episodes "
                 "are eligible and still being followed.",
                 in, per, a->opts.endpoint_from, a->opts.endpoint_to, F(d, F_ELIGIBLE));
    else if (hidden(dc->response))
        snprintf(out, SENTENCE_SIZE,
                 "%s %s the response rate of the %s mature eligible episodes is withheld: it "
                 "rests on a count below %d (small-cell suppression).",
                 in, per, F(d, F_MATURE), d->f.suppress_below);
    else {
        char ch[256];
        struct rate_words w = rate_words(&a->response);
        change_words(d, CMP_PREVIOUS, &a->comparison[CMP_PREVIOUS].response,
                     dc->comparison[CMP_PREVIOUS].diff_response,
                     &a->comparison[CMP_PREVIOUS].then.response, ch, sizeof ch);
        snprintf(out, SENTENCE_SIZE,
                 "%s %s, %s of mature eligible episodes (%ld of %ld) responded %s (95%% CI "
                 "%s-%s)%s.",
                 in, per, w.r, a->response.events, a->response.n, ep, w.lo, w.hi, ch);
    }
}

/* Sentence 2 into out: the remission and its change since the previous period; returns 0
 * (nothing written) when no episode is mature. */
static int sentence_remission(struct doc *d, char *out)
{
    const struct analysis *a = d->a;
    const struct disclosure *dc = &a->disc;
    if (a->remission.n > 0 && !hidden(dc->remission)) {
        char ch[256];
        struct rate_words w = rate_words(&a->remission);
        change_words(d, CMP_PREVIOUS, &a->comparison[CMP_PREVIOUS].remission,
                     dc->comparison[CMP_PREVIOUS].diff_remission,
                     &a->comparison[CMP_PREVIOUS].then.remission, ch, sizeof ch);
        snprintf(out, SENTENCE_SIZE, "%s remitted (%ld of %ld; 95%% CI %s-%s)%s.", w.r,
                 a->remission.events, a->remission.n, w.lo, w.hi, ch);
        return 1;
    } else if (a->remission.n > 0) {
        snprintf(out, SENTENCE_SIZE, "The remission rate is withheld (small counts).");
        return 1;
    }
    return 0;
}

/* Sentence 3 into out: the response a year before and the difference. */
static void sentence_year_before(struct doc *d, char *out)
{
    const struct analysis *a = d->a;
    const struct comparison *c = &a->comparison[CMP_YEAR_BEFORE];
    const struct disc_comparison *dy = &a->disc.comparison[CMP_YEAR_BEFORE];
    char yper[96], p[32], r[16];
    period_words(c->then.from, c->then.to, yper, sizeof yper);
    if (c->then.to >= a->period_from) /* a period longer than a year: they overlap */
        snprintf(yper + strlen(yper), sizeof yper - strlen(yper), ", overlapping this one");
    if (c->then.response.n == 0)
        snprintf(out, SENTENCE_SIZE,
                 "A year before (%s) no mature eligible episode began, so there is no "
                 "year-on-year comparison.",
                 yper);
    else if (hidden(dy->response) || dy->diff_response || isnan(c->response.estimate))
        snprintf(out, SENTENCE_SIZE,
                 "A year before (%s) the response rate is withheld (small counts).", yper);
    else {
        pct1(r, sizeof r, c->then.response.rate);
        p_words(p, sizeof p, c->response.p);
        snprintf(out, SENTENCE_SIZE,
                 "A year before (%s), %s responded (%ld of %ld): a difference of %+.1f "
                 "points (95%% CI %.1f to %.1f; %s, %s).",
                 yper, r, c->then.response.events, c->then.response.n, 100 * c->response.estimate,
                 100 * c->response.lo, 100 * c->response.hi,
                 !isnan(c->response.p) && c->response.p < 0.05 ? "significant" : "not significant",
                 p);
    }
}

/* Sentence 4 into out: the response benchmarks (complete case beside the observed rate);
 * returns 0 (nothing written) when there are none or the clinic has no such rate. */
static int sentence_benchmarks(struct doc *d, char *out)
{
    const struct analysis *a = d->a;
    const struct disclosure *dc = &a->disc;
    char list[4 * BM_NAME_SIZE + 512] = "";
    size_t o = 0;
    int nb = 0;
    const struct proportion *clinic = NULL;
    int withheld = 0;
    int more = 0; /* beyond the first three: "and N more in the table below" */
    for (size_t i = 0; i < a->nbenchmarks; i++) {
        const struct benchmark_result *br = &a->benchmarks[i];
        if (br->b->measure != BM_RESPONSE || br->b->target || br->b->population != BM_COMPLETE_CASE)
            continue;
        clinic = br->clinic;
        withheld |= dc->benchmark_position[i];
        if (nb == 3) {
            more++;
            continue;
        }
        char nm[BM_NAME_SIZE];
        bm_name(br->b, nm, sizeof nm);
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s's %.1f%% lies %s", nb ? "; " : "",
                              nm, 100 * br->b->rate,
                              withheld ? "against a withheld interval"
                                       : position_words(br->position));
        nb++;
    }
    if (more && o < sizeof list)
        snprintf(list + o, sizeof list - o, "; and %d more in the table below", more);
    if (!nb || !clinic || clinic->n <= 0)
        return 0;
    if (!withheld) {
        struct rate_words w = rate_words(clinic);
        snprintf(out, SENTENCE_SIZE,
                 "Counting only episodes with an endpoint score, as the published series "
                 "do, %s responded (95%% CI %s-%s): %s.",
                 w.r, w.lo, w.hi, list);
    } else
        snprintf(out, SENTENCE_SIZE,
                 "The response rate among episodes with an endpoint score is withheld (small "
                 "counts), so it is not set beside the published benchmarks.");
    return 1;
}

/* Sentence 5 into out when there is no target: the time to a first response in period per
 * (words). */
static void sentence_first_response(struct doc *d, const char *per, char *out)
{
    const struct km *km = &d->a->time_to_response;
    const struct disc_km *dk = &d->a->disc.time_to_response;
    char med[32];
    median_text(med, sizeof med, km->median, "");
    size_t ml = strlen(med);
    if (ml && med[ml - 1] == ' ')
        med[ml - 1] = '\0';
    if (km->n == 0)
        snprintf(out, SENTENCE_SIZE,
                 "No eligible episode of %s has a follow-up score yet, so there is no time "
                 "to a first response.",
                 per);
    else if (dk->median || dk->n || dk->events)
        snprintf(out, SENTENCE_SIZE, "The time to a first response is withheld (small counts).");
    else if (isnan(km->median))
        snprintf(out, SENTENCE_SIZE,
                 "Fewer than half of the %ld episodes followed had a first response at any "
                 "visit so far (Kaplan-Meier: the median is not reached).",
                 km->n);
    else
        snprintf(out, SENTENCE_SIZE,
                 "Half of the %ld episodes followed had a first response, at any visit, by "
                 "day %s (Kaplan-Meier median; a first response is not the response at the "
                 "endpoint).",
                 km->n, med);
}

/* 1 when a target of the clinic's has a clinic rate to stand beside. */
static int have_target(const struct analysis *a)
{
    int have = 0;
    for (size_t i = 0; i < a->nbenchmarks; i++)
        have |= a->benchmarks[i].b->target && a->benchmarks[i].clinic->n > 0;
    return have;
}

/* The sentence of the clinic's own targets into out, each met, not met or within the 95 %
 * CI; returns 0 (nothing written) when none has a clinic rate. */
static int sentence_targets(struct doc *d, char *out)
{
    const struct analysis *a = d->a;
    const struct disclosure *dc = &a->disc;
    for (size_t i = 0; i < a->nbenchmarks; i++) {
        const struct benchmark_result *br = &a->benchmarks[i];
        if (!br->b->target || br->clinic->n == 0)
            continue;
        char t[256] = "";
        size_t o = 0;
        for (size_t j = i; j < a->nbenchmarks && o < sizeof t; j++) {
            const struct benchmark_result *bj = &a->benchmarks[j];
            if (!bj->b->target || bj->clinic->n == 0)
                continue;
            const char *w = dc->benchmark_position[j]  ? "withheld (small counts)"
                            : bj->position == BM_BELOW ? "met (the target lies below the "
                                                         "95% CI)"
                            : bj->position == BM_ABOVE ? "not met (the target lies above the "
                                                         "95% CI)"
                                                       : "within the 95% CI";
            o += (size_t)snprintf(t + o, sizeof t - o, "%s%s %.1f%%: %s", o ? "; " : "",
                                  benchmarks_measure_name(bj->b->measure), 100 * bj->b->rate, w);
        }
        snprintf(out, SENTENCE_SIZE, "The clinic's targets: %s.", t);
        return 1;
    }
    return 0;
}

/* The sentences (3 to 5), each into s[k]; returns how many. */
static int sentences(struct doc *d, char s[5][SENTENCE_SIZE])
{
    const struct analysis *a = d->a;
    char per[64], ep[96];
    int k = 0;
    period_words(a->period_from, a->period_to, per, sizeof per);
    endpoint_words(&a->opts, ep, sizeof ep);
    /* 1: response, against the previous period */
    sentence_response(d, per, ep, s[k++]);
    /* 2: remission, against the previous period */
    k += sentence_remission(d, s[k]);
    /* 3: a year before */
    sentence_year_before(d, s[k++]);
    /* 4: the response benchmarks (complete case beside the observed rate) and the target */
    k += sentence_benchmarks(d, s[k]);
    /* 5: the clinic's own targets; else (or when fewer than three so far) the first response */
    if ((!have_target(a) || k < 3) && k < 5)
        sentence_first_response(d, per, s[k++]);
    if (k < 5)
        k += sentence_targets(d, s[k]);
    return k;
}

/* One headline tile at x: label, large value, two detail lines. */
static void tile(struct doc *d, double x, double y, double w, double h, const char *label,
                 const char *value, const char *detail, const char *detail2, const char *detail3)
{
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0.93, 0.95, 0.98);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    render_label(cr, &d->f, 1, 9, x + 8, y + 14, 0, w - 16, TEXT_ALL, label);
    cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
    render_label(cr, &d->f, 1, 20, x + 8, y + 38, 0, w - 16, TEXT_ALL, value);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    render_label(cr, &d->f, 0, 8, x + 8, y + 53, 0, w - 16, TEXT_ALL, detail);
    if (detail2)
        render_label(cr, &d->f, 0, 8, x + 8, y + 65, 0, w - 16, TEXT_ALL, detail2);
    if (detail3)
        render_label(cr, &d->f, 0, 8, x + 8, y + 77, 0, w - 16, TEXT_ALL, detail3);
}

/* A withheld tile: "withheld" and why, without "< 11 of 23" (which reads as fewer than 11
 * when the count was withheld because its complement is small): "of 23 mature episodes:" /
 * "a count in it is under 11", or only the reason when the denominator is withheld too. */
static void withheld_words(struct doc *d, char *value, size_t nv, char *detail, size_t nd,
                           int denominator)
{
    snprintf(value, nv, "withheld");
    if (d->hid[denominator])
        snprintf(detail, nd, "small counts (cells under %d)", d->f.suppress_below);
    else
        snprintf(detail, nd, "%ld episodes; a count in it is under %d", d->flow[denominator],
                 d->f.suppress_below);
}

/* "+4.2 points since 2026-09" for a tile, or why there is none. */
static void tile_change(struct doc *d, const struct prop_diff *df, uint8_t withheld,
                        const struct proportion *then, char *buf, size_t n)
{
    char per[8];
    report_month_label(d->a->comparison[CMP_PREVIOUS].then.to, per);
    const struct period_rates *t = &d->a->comparison[CMP_PREVIOUS].then;
    char pf[8];
    report_month_label(t->from, pf);
    char label[24];
    snprintf(label, sizeof label, "%s%s%s", pf, t->from != t->to ? ".." : "",
             t->from != t->to ? per : "");
    if (then->n == 0)
        snprintf(buf, n, "no previous period to compare with");
    else if (withheld || isnan(df->estimate))
        snprintf(buf, n, "change since %s: withheld", label);
    else
        snprintf(buf, n, "%+.1f points since %s", 100 * df->estimate, label);
}

static void tiles(struct doc *d, double y)
{
    const struct analysis *a = d->a;
    const struct disclosure *dc = &a->disc;
    double tw = (d->w - 72 - 30) / 4, th = 84;
    const struct proportion *pr[2] = {&a->response, &a->remission};
    const struct disc_prop dpr[2] = {dc->response, dc->remission};
    const char *labels[2] = {"Response at the endpoint", "Remission at the endpoint"};
    for (int k = 0; k < 2; k++) {
        char value[64], detail[128], change[128];
        if (pr[k]->n == 0) {
            snprintf(value, sizeof value, "no mature episode");
            snprintf(detail, sizeof detail, "in this period");
        } else if (hidden(dpr[k])) {
            withheld_words(d, value, sizeof value, detail, sizeof detail, F_MATURE);
        } else {
            snprintf(value, sizeof value, "%.1f%%", 100 * pr[k]->rate);
            snprintf(detail, sizeof detail, "%ld of %ld; 95%% CI %.1f-%.1f%%", pr[k]->events,
                     pr[k]->n, 100 * pr[k]->lo, 100 * pr[k]->hi);
        }
        const struct comparison *c = &a->comparison[CMP_PREVIOUS];
        tile_change(d, k ? &c->remission : &c->response,
                    k ? dc->comparison[CMP_PREVIOUS].diff_remission
                      : dc->comparison[CMP_PREVIOUS].diff_response,
                    k ? &c->then.remission : &c->then.response, change, sizeof change);
        if (pr[k]->n == 0 || hidden(dpr[k]))
            change[0] = '\0';
        tile(d, 36 + k * (tw + 10), y, tw, th, labels[k], value, detail, change[0] ? change : NULL,
             NULL);
    }
    {
        char value[64], detail[128];
        const struct proportion *p = &a->followup;
        if (p->n == 0) {
            snprintf(value, sizeof value, "no mature episode");
            snprintf(detail, sizeof detail, "in this period");
        } else if (hidden(dc->followup)) {
            withheld_words(d, value, sizeof value, detail, sizeof detail, F_MATURE);
        } else {
            snprintf(value, sizeof value, "%.1f%%", 100 * p->rate);
            snprintf(detail, sizeof detail, "%ld of %ld mature episodes have", p->events, p->n);
        }
        tile(d, 36 + 2 * (tw + 10), y, tw, th, "Follow-up at the endpoint", value, detail,
             "an endpoint score; a missing one", "counts as not met in the rates");
    }
    {
        const struct km *k = &a->time_to_response, *ks = &a->sessions_to_response;
        const struct disc_km *dk = &dc->time_to_response, *dks = &dc->sessions_to_response;
        char value[64], detail[128], detail2[192], ci[96] = "";
        median_text(value, sizeof value, k->median, "days");
        int km_hidden = dk->median || dk->n || dk->events;
        if (km_hidden) {
            snprintf(value, sizeof value, "withheld");
            if (dk->n)
                snprintf(detail, sizeof detail, "median withheld: small counts");
            else
                snprintf(detail, sizeof detail, "median of %ld episodes withheld:", k->n);
        } else {
            /* "median of 512 episodes;" then "95% CI 12-15 days; 4 sessions": the count is
             * named as episodes and the sessions as a second median, not an alternative n */
            char lo[32], hi[32];
            median_text(lo, sizeof lo, k->median_lo, "");
            median_text(hi, sizeof hi, k->median_hi, "days");
            size_t ll = strlen(lo);
            if (ll && lo[ll - 1] == ' ')
                lo[ll - 1] = '\0';
            snprintf(detail, sizeof detail, "Kaplan-Meier median of %ld episodes;", k->n);
            snprintf(ci, sizeof ci, "95%% CI %s%s%s", lo,
                     isnan(k->median_lo) || isnan(k->median_hi) ? " to " : "-", hi);
        }
        if (km_hidden)
            snprintf(detail2, sizeof detail2, "%s", dk->n ? "" : "small counts");
        else if (dks->median || dks->n || dks->events)
            snprintf(detail2, sizeof detail2, "%s; sessions withheld", ci);
        else {
            char ms[32];
            median_text(ms, sizeof ms, ks->median, "sessions");
            snprintf(detail2, sizeof detail2, "%s; median %s", ci, ms);
        }
        tile(d, 36 + 3 * (tw + 10), y, tw, th, "First response, any visit", value, detail, detail2,
             "not the response at the endpoint");
    }
}

/* A table row: cells at the column x positions, each cut to its column. */
static void row(struct doc *d, double y, const double *x, int n, double right, int bold,
                const char *const *cells)
{
    for (int i = 0; i < n; i++) {
        double w = (i + 1 < n ? x[i + 1] : right) - x[i] - 6;
        render_label(d->cr, &d->f, bold, 8, x[i], y, 0, w, TEXT_ALL, cells[i]);
    }
}

/* A body row of a table w wide from x[0]: a light band behind it when shade, then its
 * cells. */
static void body_row(struct doc *d, double y, const double *x, int n, double w, int shade,
                     const char *const *cells)
{
    if (shade) {
        cairo_set_source_rgb(d->cr, 0.95, 0.95, 0.95);
        cairo_rectangle(d->cr, x[0], y - 9, w, 12);
        cairo_fill(d->cr);
    }
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    row(d, y, x, n, x[0] + w, 0, cells);
}

/* A rate for a table cell: "52.0% (51 of 98)", "withheld (23 episodes)" (not "< 11 of 23", which
 * reads as fewer than 11 when the count was withheld for its small complement), "withheld
 * (small counts)" when the denominator is withheld too, or "no mature episode". */
static void rate_cell(char *buf, size_t n, const struct proportion *p, struct disc_prop dp)
{
    if (p->n == 0)
        snprintf(buf, n, "no mature episode");
    else if (hidden(dp) && dp.n)
        snprintf(buf, n, "withheld (small counts)");
    else if (hidden(dp))
        snprintf(buf, n, "withheld (%ld episodes)", p->n);
    else
        snprintf(buf, n, "%.1f%% (%ld of %ld)", 100 * p->rate, p->events, p->n);
}

static void diff_cell(char *buf, size_t n, const struct prop_diff *df, uint8_t withheld)
{
    if (isnan(df->estimate))
        snprintf(buf, n, "-");
    else if (withheld)
        snprintf(buf, n, "withheld (small counts)");
    else {
        char p[32];
        p_words(p, sizeof p, df->p);
        snprintf(buf, n, "%+.1f (%.1f to %.1f), %s", 100 * df->estimate, 100 * df->lo, 100 * df->hi,
                 p);
    }
}

/* The comparison table at (x, y), w wide; returns the y after it. */
static double comparison_table(struct doc *d, double x, double y, double w)
{
    const struct analysis *a = d->a;
    const struct disclosure *dc = &a->disc;
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, x, y, 0,
                "Against earlier periods (same definitions and as-of date)");
    y += 15;
    const double cx[5] = {x, x + 0.20 * w, x + 0.36 * w, x + 0.52 * w, x + 0.76 * w};
    static const char *const head[5] = {"period", "response", "remission",
                                        "response: change, points (95% CI), p",
                                        "remission: change (95% CI), p"};
    row(d, y, cx, 5, x + w, 1, head);
    y += 13;
    char c0[48], c1[80], c2[80], c3[96], c4[96];
    const char *cells[5] = {c0, c1, c2, c3, c4};
    char from[8], to[8];
    report_month_label(a->period_from, from);
    report_month_label(a->period_to, to);
    snprintf(c0, sizeof c0, "this period %s%s%s", from, strcmp(from, to) ? ".." : "",
             strcmp(from, to) ? to : "");
    rate_cell(c1, sizeof c1, &a->response, dc->response);
    rate_cell(c2, sizeof c2, &a->remission, dc->remission);
    c3[0] = c4[0] = '\0';
    body_row(d, y, cx, 5, w, 1, cells);
    y += 13;
    static const char *const names[CMP_COUNT] = {"previous", "a year before"};
    for (int k = 0; k < CMP_COUNT; k++) {
        const struct comparison *c = &a->comparison[k];
        const struct disc_comparison *dk = &dc->comparison[k];
        report_month_label(c->then.from, from);
        report_month_label(c->then.to, to);
        snprintf(c0, sizeof c0, "%s %s%s%s", names[k], from, strcmp(from, to) ? ".." : "",
                 strcmp(from, to) ? to : "");
        rate_cell(c1, sizeof c1, &c->then.response, dk->response);
        rate_cell(c2, sizeof c2, &c->then.remission, dk->remission);
        diff_cell(c3, sizeof c3, &c->response, dk->diff_response);
        diff_cell(c4, sizeof c4, &c->remission, dk->diff_remission);
        body_row(d, y, cx, 5, w, 0, cells);
        y += 13;
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    y = render_paragraph(cr, &d->f, 7.5, x, y + 2, w,
                         "Differences as R prop.test(c(x_now, x_then), c(n_now, n_then), correct "
                         "= FALSE); \"significant\" in the sentences above means p < 0.05.");
    return y;
}

/* The benchmarks table at (x, y), w wide; returns the y after it. */
static double benchmark_table(struct doc *d, double x, double y, double w, double ymax)
{
    const struct analysis *a = d->a;
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, x, y, 0, "Published benchmarks and targets (same population)");
    y += 15;
    if (a->nbenchmarks == 0) {
        render_paragraph(cr, &d->f, 8, x, y, w, "No benchmark of this instrument is listed.");
        return y + 12;
    }
    const double cx[6] = {x, x + 0.15 * w, x + 0.33 * w, x + 0.61 * w, x + 0.71 * w, x + 0.86 * w};
    static const char *const head[6] = {"benchmark", "measure, population", "window",
                                        "rate",      "clinic (95% CI)",     "benchmark lies"};
    row(d, y, cx, 6, x + w, 1, head);
    y += 13;
    size_t shown = 0;
    for (size_t i = 0; i < a->nbenchmarks && y < ymax - 24; i++, shown++) {
        const struct benchmark_result *br = &a->benchmarks[i];
        int wh = a->disc.benchmark_position[i];
        char c0[BM_NAME_SIZE], c1[48], c2[80], c3[64], cm[80], cw[TEXT_ROOM(80)];
        char nm[BM_NAME_SIZE];
        const char *cells[6] = {c0, cm, cw, c1, c2, c3};
        bm_name(br->b, nm, sizeof nm);
        snprintf(c0, sizeof c0, "%s", nm);
        snprintf(cm, sizeof cm, "%s, %s", benchmarks_measure_name(br->b->measure),
                 br->b->population == BM_COMPLETE_CASE ? "complete case" : "missing = not met");
        text_display(cw, sizeof cw, *br->b->window ? br->b->window : "-", 80);
        snprintf(c1, sizeof c1, "%.1f%%", 100 * br->b->rate);
        if (br->b->n > 0)
            snprintf(c1, sizeof c1, "%.1f%% (n %ld)", 100 * br->b->rate, br->b->n);
        if (br->clinic->n == 0)
            snprintf(c2, sizeof c2, "no rate");
        else if (wh)
            snprintf(c2, sizeof c2, "withheld (small counts)");
        else
            snprintf(c2, sizeof c2, "%.1f%% (%.1f-%.1f%%)", 100 * br->clinic->rate,
                     100 * br->clinic->lo, 100 * br->clinic->hi);
        snprintf(c3, sizeof c3, "%s",
                 wh                          ? "not compared (withheld)"
                 : br->position == BM_BELOW  ? "below: clinic higher"
                 : br->position == BM_ABOVE  ? "above: clinic lower"
                 : br->position == BM_INSIDE ? "inside"
                                             : "-");
        body_row(d, y, cx, 6, w, i % 2 == 0, cells);
        y += 13;
    }
    /* the populations and windows, then the citations */
    char note[2600];
    size_t o = 0;
    if (shown < a->nbenchmarks)
        o += (size_t)snprintf(note + o, sizeof note - o,
                              "%zu more benchmarks are in results.json (benchmarks). ",
                              a->nbenchmarks - shown);
    o += (size_t)snprintf(note + o, sizeof note - o,
                          "Complete-case benchmarks are set beside the rate among episodes with "
                          "an endpoint score; targets beside the headline rate (a missing score "
                          "counts as not met).");
    for (size_t i = 0; i < a->nbenchmarks && o < sizeof note; i++) {
        const struct benchmark *b = a->benchmarks[i].b;
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= strcmp(a->benchmarks[j].b->citation, b->citation) == 0;
        if (dup || b->target)
            continue;
        char nm[BM_NAME_SIZE], cit[TEXT_ROOM(400)];
        bm_name(b, nm, sizeof nm);
        text_display(cit, sizeof cit, b->citation, 400);
        o += (size_t)snprintf(note + o, sizeof note - o, " %s: %s", nm, cit);
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    int lines = (int)floor((ymax - (y + 2)) / (7.5 * 1.35)) + 1; /* what the page leaves */
    if (lines < 1)
        return y;
    return render_wrap(cr, &d->f, 0, 7.5, x, y + 2, w, lines, note);
}

static void draw_summary(struct doc *d)
{
    const struct analysis *a = d->a;
    char top[256], per[64], as_of[11], from[8], to[8];
    period_words(a->period_from, a->period_to, per, sizeof per);
    date_format(a->as_of, as_of);
    report_month_label(a->period_from, from);
    report_month_label(a->period_to, to);
    snprintf(top, sizeof top, "%s (episodes starting %s%s%s)  |  data as of %s  |  %s", per, from,
             strcmp(from, to) ? " to " : "", strcmp(from, to) ? to : "", as_of,
             instrument_label(a->opts.instrument));
    double y = page_begin(d, NULL);
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
    render_label(cr, &d->f, 1, 12, 36, y, 0, d->w - 72, TEXT_ALL, top);
    y += 18;
    char s[5][SENTENCE_SIZE];
    int ns = sentences(d, s);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int k = 0; k < ns; k++)
        y = render_paragraph(cr, &d->f, 10, 36, y, d->w - 72, s[k]) + 3;
    y += 6;
    tiles(d, y);
    y += 100;
    y = comparison_table(d, 36, y, d->w - 72) + 12;
    benchmark_table(d, 36, y, d->w - 72, d->h - 34);
    page_end(d);
}

const struct page_info page_summary = {NULL, draw_summary};

void definitions_summary(const struct doc *d, char (*p)[1024])
{
    snprintf(p[0], sizeof p[0],
             "Page 1: the previous period has the report period's length and ends the month "
             "before it; a year before is the same months 12 months earlier; both are analysed "
             "with the same definitions and as-of date. Differences now - then as R "
             "prop.test(c(x_now, x_then), c(n_now, n_then), correct = FALSE) (its conf.int and "
             "p.value); \"significant\" means p < 0.05. Published benchmarks "
             "(benchmarks.csv or --benchmarks) of the report's instrument are set beside the "
             "clinic's rate of the same population: complete case beside the rate among "
             "episodes with an endpoint score, missing-as-not-met and --target beside the "
             "headline rate; a benchmark lies below, inside or above the clinic's 95%% CI "
             "(limits included). Their windows differ from this report's endpoint.");
    snprintf(p[1], sizeof p[1],
             "Score trajectory: one score per episode at each point (the last in that session or "
             "week), so n counts episodes; mean +- qt(0.975, n - 1) sd / sqrt(n). Curves as "
             "drawn: Kaplan-Meier curves stop where fewer than %ld episodes remain at risk "
             "(--km-min-at-risk; results.json keeps the whole curve) and the axis ends there; "
             "the at-risk table gives the number at risk at each time and the events and "
             "censorings cumulative from 0 (KMunicate). \"First response, any visit\" is the "
             "Kaplan-Meier median of the first response at any follow-up score, not the "
             "response at the endpoint.",
             km_min_at_risk(d));
}
