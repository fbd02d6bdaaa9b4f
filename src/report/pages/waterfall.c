/* waterfall.c: each mature episode's change from baseline at the endpoint as a bar; under
 * suppression a histogram of 10-point bins takes its place (and the heading changes). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

/* Under suppression no bar per episode: a histogram of percent change, under its own heading. */
static void draw_histogram(struct doc *d)
{
    const struct analysis *a = d->a;
    char sub[320];
    d->title = "Change at the endpoint";
    page_begin(d, "Mature eligible episodes with an endpoint score by their change from "
                  "baseline, in 10-point bins (the five bins up to -50% are the responders).");
    snprintf(sub, sizeof sub,
             "Small-cell suppression: one bar per episode would show single patients, so "
             "this histogram takes the waterfall's place. A bin reading \"< %d\" is not "
             "drawn: it holds fewer than %d episodes, or is withheld so that such a bin "
             "cannot be worked back from the total.",
             d->f.suppress_below, d->f.suppress_below);
    cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
    render_paragraph(d->cr, &d->f, 9, 36, 76, d->w - 72, sub);
    const char *labels[PCT_BINS];
    double v[PCT_BINS];
    int drawn = 0;
    for (int k = 0; k < PCT_BINS; k++) {
        labels[k] = model_pct_bin_name(k);
        v[k] = (double)a->pct_hist[k];
        drawn |= a->pct_hist[k] > 0 && !a->disc.pct_hist[k];
    }
    struct box b = {36, 104, d->w - 72, d->h - 104 - 56};
    if (a->waterfall_total == 0)
        render_empty(d->cr, &d->f, b,
                     "no mature eligible episode with an endpoint score in this period");
    else if (!drawn) {
        snprintf(sub, sizeof sub,
                 "Not drawn: every bin holding episodes is withheld (fewer than %d "
                 "episodes, or withheld with one).",
                 d->f.suppress_below);
        render_withheld(d->cr, &d->f, b, sub);
        page_end(d);
        return;
    } else
        render_bars(d->cr, &d->f, b, labels, v, a->disc.pct_hist, PCT_BINS, "episodes", 0);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 0, 8.5, d->w / 2, d->h - 48, 0.5,
                "change from baseline at the endpoint (%), each bin up to and including "
                "its upper end");
    page_end(d);
}

static void draw_waterfall(struct doc *d)
{
    const struct analysis *a = d->a;
    char sub[320];
    if (d->f.suppress_below > 1) {
        draw_histogram(d);
        return;
    }
    if ((long)a->nwaterfall < a->waterfall_total)
        snprintf(sub, sizeof sub,
                 "Change from baseline at the endpoint, mature eligible episodes with an endpoint "
                 "score: %zu evenly spaced of %ld episodes (ranks kept, so shape and shares hold).",
                 a->nwaterfall, a->waterfall_total);
    else
        snprintf(sub, sizeof sub,
                 "Change from baseline at the endpoint: each bar is one mature eligible episode "
                 "with an endpoint score (%ld).",
                 a->waterfall_total);
    page_begin(d, sub);
    struct box b = {36, 72, d->w - 72, d->h - 72 - 40};
    render_waterfall(d->cr, &d->f, b, a->waterfall, a->waterfall_class, a->nwaterfall);
    page_end(d);
}

const struct page_info page_waterfall = {"Waterfall: change at the endpoint", draw_waterfall};
