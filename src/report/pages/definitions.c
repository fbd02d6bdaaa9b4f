/* definitions.c: how every number in the report was made, in the options of this run. */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/text.h"
#include "../report_int.h"
#include "pages.h"

#define DEF_SIZE 8.5 /* pt: the Definitions text (no text in the report is under 7.5 pt) */
#define DEF_MAX 20   /* paragraphs at most (room for each module's own) */
#define DEF_SUBTITLE "How every number in this report was made."

/* The height of paragraph s at DEF_SIZE, w wide: laid out on a recording surface that is thrown
 * away, with no page content hashed (verify's page hashes are what the real page draws). */
static double paragraph_height(const struct doc *d, const char *s, double w)
{
    cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *m = cairo_create(rs);
    /* the PDF surface's font options (its metrics are unhinted): the same line breaks */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_surface_get_font_options(cairo_get_target(d->cr), fo);
    cairo_set_font_options(m, fo);
    cairo_font_options_destroy(fo);
    struct fonts f = d->f;
    f.content = NULL;
    double h = render_paragraph(m, &f, DEF_SIZE, 36, 0, w, s);
    cairo_destroy(m);
    cairo_surface_destroy(rs);
    return h;
}

/* Lays the paragraphs out from the top of the page, going on to a further page when the next
 * one would run into the footer; draws them when draw is set (the first page begun already).
 * Returns the pages taken. */
static int flow(struct doc *d, char (*p)[1024], int np, int draw)
{
    double w = d->w - 72, top = 80, bottom = d->h - 34, y = top;
    int pages = 1;
    for (int i = 0; i < np; i++) {
        double h = paragraph_height(d, p[i], w);
        if (y > top && y + h > bottom) { /* a paragraph is never split */
            pages++;
            y = top;
            if (draw) {
                page_end(d);
                page_begin(d, DEF_SUBTITLE " (continued)");
            }
        }
        if (draw) {
            cairo_set_source_rgb(d->cr, 0, 0, 0);
            render_paragraph(d->cr, &d->f, DEF_SIZE, 36, y, w, p[i]);
        }
        y += h + 4;
    }
    return pages;
}

/* The paragraphs being written: each goes into the next of p[0..DEF_MAX). */
struct def_list {
    char (*p)[1024];
    int n; /* paragraphs written */
};

/* Appends one paragraph, formatted as printf. */
static void def_add(struct def_list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void def_add(struct def_list *l, const char *fmt, ...)
{
    assert(l->n < DEF_MAX);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->p[l->n++], sizeof l->p[0], fmt, ap);
    va_end(ap);
}

/* Episode, baseline, follow-up, response and remission at the endpoint. */
static void def_episodes(struct def_list *l, const struct model_opts *o)
{
    def_add(l,
            "Episode: a patient's course of treatment sessions; a session more than %d days "
            "after the previous one starts a new episode. Its first session is the index date "
            "(day 0). Episodes are in the period when their index date is.",
            o->episode_gap);
    def_add(l,
            "Baseline: the latest %s score from %d days before the index date to the index "
            "date (a score on a session day is taken before the dose). Eligible: baseline at "
            "least %d.",
            instrument_label(o->instrument), o->baseline_window, o->min_baseline);
    def_add(l, "Follow-up: scores after the index date and before the next episode's baseline "
               "window. Two different scores on one day make that day's score unusable; the tool "
               "never picks one.");
    def_add(l,
            "Response: a score at least 50%% below baseline (2 x (baseline - score) >= "
            "baseline). Remission: a score of %d or less. Endpoint (%s): the last follow-up "
            "score from day %d to day %d; an episode is mature when day %d has passed by the "
            "as-of date. Response and remission rates count mature eligible episodes; a "
            "missing endpoint score counts as not met (as CMS159 and NCQA DRR-E do). The "
            "observed rates count only episodes with an endpoint score.",
            o->remission_max, o->endpoint_name, o->endpoint_from, o->endpoint_to, o->endpoint_to);
}

/* The methods: intervals, Kaplan-Meier, strata and log-rank, the monthly p-charts. */
static void def_methods(struct def_list *l, const struct model_opts *o)
{
    def_add(l, "Intervals: 95%% %s intervals for proportions (R %s).",
            o->ci == CI_EXACT ? "Clopper-Pearson (exact)" : "Wilson score",
            o->ci == CI_EXACT ? "binom.test(x, n)" : "prop.test(x, n, correct = FALSE)");
    def_add(l, "Time to response and remission: Kaplan-Meier estimates exactly as R "
               "survival::survfit(Surv(time, event) ~ 1): Greenwood variance, log-transformed 95%% "
               "limits, ties with events before censorings; medians and their limits as "
               "quantile.survfit. The event is the first follow-up score meeting the criterion; "
               "other episodes are censored at their last follow-up score. Sessions: the "
               "episode's treatment dates before that score. Kaplan-Meier treats drop-out as "
               "non-informative censoring: if patients who stop coming are those doing worse, "
               "these curves are optimistic.");
    def_add(l, "Strata take the value of the index session. Log-rank tests as R "
               "survdiff(rho = 0) on days to response. Dose bands use mg/kg of the index session "
               "rounded to hundredths: <0.50, 0.50-0.74, 0.75-0.99, >=1.00.");
    def_add(l, "Monthly trend: p-charts over the 12 months ending with the period's last month "
               "(all episodes, not only the period's); centre = all responders / all mature "
               "episodes of those months; limits centre +- 3 sqrt(p(1-p)/n) clipped to 0-100%%; "
               "a month signals outside its limits or in a run of 6 or more months on one side "
               "of the centre; a month with fewer than 5 episodes shows its n, no point.");
}

/* Safety flags, the data's rejects and files, and (under --suppress-below) small cells. */
static void def_safety_and_data(struct def_list *l, const struct model_opts *o)
{
    int sup = o->suppress_below > 1;
    def_add(l,
            "Safety: pre-dose blood pressure flagged at or above %d/%d mmHg (either reading), "
            "post-dose at or above %d/%d; CADSS above %d counted; adverse events as recorded "
            "(codes split at |); PHQ-9 item 9 over every encounter from the baseline window to "
            "the end of follow-up.",
            o->bp_pre_sys, o->bp_pre_dia, o->bp_post_sys, o->bp_post_dia, o->cadss_above);
    def_add(l,
            "Data: rows with a missing required value, an impossible date, a value out of "
            "range or of the wrong type are rejected whole%s; exact duplicates count once. "
            "results.json holds every number of this report%s; %s",
            sup ? "" : " and listed in rejects.csv",
            sup ? " that suppression does not withhold" : "",
            sup ? "episodes.csv and rejects.csv (one row per episode or rejected row) are not "
                  "written."
                : "episodes.csv holds each episode's derivation, so each figure can be "
                  "recomputed.");
    if (sup)
        def_add(l,
                "Small cells (--suppress-below %d; 11 follows the CMS cell-size policy): every "
                "count from 1 to %d reads \"< %d\"; so that none can be worked back by "
                "subtraction, in every group of counts adding up to a shown total the next "
                "smallest is withheld too and reads the same (it may be larger); every rate, "
                "interval, median, centre line, test or bin built on a withheld count is "
                "withheld. No chart draws "
                "one mark per episode: the waterfall becomes a histogram, individual score "
                "lines are not drawn, curves stop where fewer than %d remain at risk, and "
                "adverse-event codes seen fewer than %d times are pooled as \"other\".",
                o->suppress_below, o->suppress_below - 1, o->suppress_below, o->suppress_below,
                o->suppress_below);
}

/* The pages' own: the funnels, durability, safety monitoring and page 1's (the last two
 * written by summary.c). */
static void def_pages(struct def_list *l, const struct doc *d)
{
    const struct model_opts *o = &d->a->opts;
    report_funnel_definition(d->a, l->p[l->n++], sizeof l->p[0]);
    def_add(l,
            "Durability: loss of response is the first of two consecutive follow-up scores "
            "after the first response that both fail the criterion (Kaplan-Meier in days from "
            "the response, censored at the last score). Induction completed: %d treatment "
            "dates within %d days of the index date, of eligible episodes whose %d days have "
            "passed; frequency bands that count (1-3, 4-5, 6-8, 9+). Maintenance: treatment "
            "dates after day %d of mature episodes with a response.",
            o->induction_k, o->induction_d, o->induction_d, o->endpoint_to);
    def_add(l,
            "Safety monitoring (SPEC 13), over treatment sessions: a blood pressure counts as a "
            "reading only with both its values; dosed at the hold level: a dose given at a "
            "pre-dose reading at or above %d/%d mmHg (--bp-hold); monitoring: intranasal sessions "
            "with monitoring_min under 120 minutes, and those without a value; item 9 of 2 or 3 "
            "followed up: another encounter of the patient within %d days "
            "(--item9-followup-days); item 9 resolved: baseline item 9 at least 1 and the last "
            "follow-up item 9 0, over episodes with both; worsened: baseline 0 and any follow-up "
            "at least 1, over episodes with both. review.csv lists each flagged session with its "
            "file and line (not written under suppression).",
            o->bp_hold_sys, o->bp_hold_dia, o->item9_followup_days);
    assert(l->n + 2 <= DEF_MAX);
    definitions_summary(d, l->p + l->n);
    l->n += 2;
}

/* Every paragraph of the page, in the options of this run, into p; returns how many. */
static int paragraphs(const struct doc *d, char (*p)[1024])
{
    struct def_list l = {p, 0};
    def_episodes(&l, &d->a->opts);
    def_methods(&l, &d->a->opts);
    def_safety_and_data(&l, &d->a->opts);
    def_pages(&l, d);
    return l.n;
}

int definitions_page_count(const struct doc *d)
{
    char(*p)[1024] = malloc(DEF_MAX * sizeof *p);
    if (!p)
        return 1;
    int n = flow((struct doc *)d, p, paragraphs(d, p), 0); /* measures only: d is not drawn on */
    free(p);
    return n;
}

static void draw_definitions(struct doc *d)
{
    page_begin(d, DEF_SUBTITLE);
    char(*p)[1024] = malloc(DEF_MAX * sizeof *p);
    if (!p) {
        d->oom = 1;
        page_end(d);
        return;
    }
    flow(d, p, paragraphs(d, p), 1);
    free(p);
    page_end(d);
}

const struct page_info page_definitions = {"Definitions", draw_definitions};
