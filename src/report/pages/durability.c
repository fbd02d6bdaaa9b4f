/* pages/durability.c: the Durability page (SPEC 12). Left: the sustained-response curve
 * (Kaplan-Meier of loss of response, in days from the first response) with McInnes et al.
 * 2022's two figures as reference points, and its estimates at 28, 56 and 84 days. Right: the
 * induction completion rate (overall and by route), the bar chart of sessions in the induction
 * window, the endpoint response of completers beside non-completers (the drop-outs that the
 * Kaplan-Meier caveat speaks of), and the maintenance figures. Every count and figure is shown
 * as the disclosure decision (a->disc.durability) allows. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pages.h"

/* "x of n (r %; 95 % CI lo-hi %)", or what suppression leaves of it. */
static void prop_text(const struct fonts *f, char *buf, size_t n, const struct proportion *p,
                      struct disc_prop dp, const char *none)
{
    char x[24], m[24];
    if (p->n == 0 && !dp.n) {
        snprintf(buf, n, "%s", none);
        return;
    }
    render_count(f, p->events, dp.events, x, sizeof x);
    render_count(f, p->n, dp.n, m, sizeof m);
    long lim = f->suppress_below;
    if (dp.events && !dp.n && lim > 1 && p->n <= 2 * lim - 2) {
        /* as the safety pages: "< 11 of 11" would read as a tautology, "< 11 of 15" as a bound
         * a count withheld for its small complement does not keep */
        snprintf(buf, n, "withheld (%ld episodes)", p->n);
        return;
    }
    if (dp.events && dp.n) {
        snprintf(buf, n, "withheld (small counts)");
        return;
    }
    if (dp.n) /* a total withheld for its complement is not below the limit ("23 of < 11") */
        snprintf(buf, n, "%s of a withheld number (rate suppressed)", x);
    else if (dp.events || dp.rate)
        snprintf(buf, n, "%s of %s (rate suppressed)", x, m);
    else
        snprintf(buf, n, "%.1f%%  (%s of %s; 95%% CI %.1f-%.1f%%)", 100 * p->rate, x, m,
                 100 * p->lo, 100 * p->hi);
}

static double line(cairo_t *cr, const struct fonts *f, double x, double y, double w, int bold,
                   const char *s)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (bold) {
        render_text(cr, f, 1, 9.5, x, y, 0, s);
        return y + 14;
    }
    return render_paragraph(cr, f, 8.5, x, y, w, s) + 1.5;
}

static void days_text(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "not reached");
    else if (v == floor(v))
        snprintf(buf, n, "%.0f days", v);
    else
        snprintf(buf, n, "%.1f days", v);
}

/* What the page's parts draw from, and where its right column is. */
struct dur_page {
    const struct doc *d;
    cairo_t *cr;
    const struct fonts *f;
    const struct durability *u;
    const struct disc_durability *dd; /* the disclosure decision of u */
    const struct model_opts *opts;
    double rx, rw; /* the right column's x and width */
};

/* "Still responding at 28 days: ..." for estimate k of the curve, or why it is withheld. */
static void still_responding_text(const struct dur_page *pg, int k, char *buf, size_t n)
{
    const struct km_at *at = &pg->u->at[k];
    if (k >= pg->dd->nat)
        snprintf(buf, n,
                 "Still responding at %.0f days: withheld (fewer than %d "
                 "at risk, or the curve is not drawn).",
                 at->time, pg->f->suppress_below);
    else if (isnan(at->lower))
        snprintf(buf, n, "Still responding at %.0f days: %.1f%% (%ld at risk).", at->time,
                 100 * at->surv, at->n_risk);
    else if (at->n_risk == 0)
        snprintf(buf, n,
                 "Still responding at %.0f days: %.1f%% (95%% CI %.1f-%.1f%%; no one "
                 "followed this long: the last estimate carried forward).",
                 at->time, 100 * at->surv, 100 * at->lower, 100 * at->upper);
    else
        snprintf(buf, n,
                 "Still responding at %.0f days: %.1f%% (95%% CI "
                 "%.1f-%.1f%%).",
                 at->time, 100 * at->surv, 100 * at->lower, 100 * at->upper);
}

/* The left column, lw wide: the sustained-response curve, its counts and median, its
 * estimates at 28, 56 and 84 days, and the definition of a loss. */
static void draw_curve_column(const struct dur_page *pg, double lw)
{
    cairo_t *cr = pg->cr;
    const struct fonts *f = pg->f;
    const struct durability *u = pg->u;
    const struct disc_durability *dd = pg->dd;
    char buf[512], c1[24], c2[24], c3[24];
    static const struct km_ref refs[2] = {{28, 0.80, "~80% at 4 weeks"},
                                          {56, 0.60, "~60% at 8 weeks"}};
    render_sustained(cr, f, (struct box){36, 70, lw, pg->d->h * 0.60}, &u->km, dd->km.rows,
                     dd->km.drawn, !dd->km.median, refs, 2,
                     "McInnes et al. 2022 (real-world IV ketamine, without maintenance), for "
                     "reference");
    double y = 70 + pg->d->h * 0.60 + 14, x = 36 + 10;
    render_count(f, u->km.n, dd->km.n, c1, sizeof c1);
    render_count(f, u->km.events, dd->km.events, c2, sizeof c2);
    if (dd->km.median)
        snprintf(c3, sizeof c3, "suppressed");
    else
        days_text(c3, sizeof c3, u->km.median);
    snprintf(buf, sizeof buf,
             "Responders (eligible episodes with a response event): %s; lost response: %s; "
             "median time to loss: %s.",
             c1, c2, c3);
    y = line(cr, f, x, y, lw - 10, 0, buf);
    for (int k = 0; k < DURABILITY_AT && u->km.n > 0; k++) {
        still_responding_text(pg, k, buf, sizeof buf);
        y = line(cr, f, x, y, lw - 10, 0, buf);
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    render_paragraph(cr, f, 7.5, x, y + 2, lw - 10,
                     "Loss of response: the first of two consecutive follow-up scores after the "
                     "first response that both fail the response criterion (against the "
                     "baseline); a single failing last score is not a loss. Censored at the last "
                     "follow-up score (drop-out treated as non-informative).");
}

/* A line of the right column from y (bold: a heading); returns the y after it. */
static double col_line(const struct dur_page *pg, double y, int bold, const char *s)
{
    return line(pg->cr, pg->f, pg->rx, y, pg->rw, bold, s);
}

/* "label: x of n (r %; 95 % CI ...)" in the right column from y (none: the text when p has no
 * episode); returns the y after it. */
static double prop_line(const struct dur_page *pg, double y, const char *label,
                        const struct proportion *p, struct disc_prop dp, const char *none)
{
    char buf[512], item[600];
    prop_text(pg->f, buf, sizeof buf, p, dp, none);
    snprintf(item, sizeof item, "%s: %s", label, buf);
    return col_line(pg, y, 0, item);
}

/* The induction completion rate, overall and by route, from y; returns the y after it. */
static double draw_induction(const struct dur_page *pg, double y)
{
    const struct durability *u = pg->u;
    char buf[96];
    snprintf(buf, sizeof buf, "Induction: %d sessions within %d days", pg->opts->induction_k,
             pg->opts->induction_d);
    y = col_line(pg, y, 1, buf);
    y = prop_line(pg, y, "completed", &u->completed, pg->dd->completed,
                  "no eligible episode whose induction window has closed");
    for (size_t k = 0; k < u->nroutes; k++) {
        char label[64];
        snprintf(label, sizeof label, "  %s", ingest_route_name(u->by_route[k].route));
        y = prop_line(pg, y, label, &u->by_route[k].completed, pg->dd->by_route[k], "none");
    }
    return y;
}

/* The bar chart of sessions in the induction window from y, bh high; the last bar pools the
 * rest when there are more than the width keeps apart. */
static void draw_sessions(const struct dur_page *pg, double y, double bh)
{
    const double rx = pg->rx, rw = pg->rw;
    cairo_t *cr = pg->cr;
    const struct fonts *f = pg->f;
    const struct durability *u = pg->u;
    const struct disc_durability *dd = pg->dd;
    int nb = u->nbins;
    char labels[64][8], buf[192];
    const char *lp[64];
    double vals[64];
    unsigned char wh[64];
    int fit = (int)((rw - 46) / 11); /* bars whose labels ("23", "24+") stay apart */
    if (nb > fit)
        nb = fit > 2 ? fit : 2; /* --induction K:D with a large K: the last bar pools the rest */
    for (int k = 0; k < nb; k++) {
        snprintf(labels[k], sizeof labels[k], k + 1 == nb ? "%d+" : "%d", k + 1);
        lp[k] = labels[k];
        vals[k] = (double)u->sessions[k];
        wh[k] = dd->sessions[k];
    }
    for (int k = nb; k < u->nbins; k++) { /* pooled: withheld when any part is */
        vals[nb - 1] += (double)u->sessions[k];
        if (dd->sessions[k] > wh[nb - 1])
            wh[nb - 1] = dd->sessions[k];
    }
    int drawn = 0, any = 0; /* a bar drawn; a bar holding episodes (drawn or withheld) */
    for (int k = 0; k < nb; k++) {
        drawn |= vals[k] > 0 && !wh[k];
        any |= vals[k] > 0 || wh[k];
    }
    if (u->completed.n == 0 && !dd->completed.n)
        render_empty(cr, f, (struct box){rx, y, rw, bh}, "no closed induction window");
    else if (any && !drawn) { /* an axis with nothing on it says nothing: why, instead */
        snprintf(buf, sizeof buf,
                 "Sessions in the induction window: not drawn, every bar holding episodes is "
                 "withheld (fewer than %d episodes, or withheld with one).",
                 f->suppress_below);
        render_withheld(cr, f, (struct box){rx, y - 24, rw, bh}, buf);
        return;
    } else
        render_bars(cr, f, (struct box){rx, y, rw, bh}, lp, vals, wh, nb, "episodes", 0);
    snprintf(buf, sizeof buf, "sessions in days 0-%d (index included)", pg->opts->induction_d);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 0, 8, rx + rw / 2, y + bh + 2, 0.5, buf);
}

/* The endpoint response of completers beside non-completers from y; returns the y after it. */
static double draw_endpoint_by_completion(const struct dur_page *pg, double y)
{
    y = col_line(pg, y, 1, "Endpoint response (mature episodes)");
    y = prop_line(pg, y, "completed induction", &pg->u->resp_completers, pg->dd->resp_completers,
                  "no mature completer");
    return prop_line(pg, y, "did not complete", &pg->u->resp_noncompleters,
                     pg->dd->resp_noncompleters, "no mature non-completer");
}

/* The maintenance figures from y. */
static void draw_maintenance(const struct dur_page *pg, double y)
{
    const struct fonts *f = pg->f;
    const struct durability *u = pg->u;
    const struct disc_durability *dd = pg->dd;
    char buf[512], c1[24], c2[24];
    snprintf(buf, sizeof buf, "Maintenance: sessions after day %d", pg->opts->endpoint_to);
    y = col_line(pg, y, 1, buf);
    render_count(f, u->maint_episodes, dd->maint_episodes, c1, sizeof c1);
    render_count(f, u->maint_with_sessions, dd->maint_with_sessions, c2, sizeof c2);
    snprintf(buf, sizeof buf,
             "Responders with a mature episode: %s; with a maintenance session: %s.", c1, c2);
    y = col_line(pg, y, 0, buf);
    if (dd->maint_sessions_median)
        snprintf(c1, sizeof c1, "suppressed");
    else if (isnan(u->maint_sessions_median))
        snprintf(c1, sizeof c1, "none");
    else
        snprintf(c1, sizeof c1, "%g", u->maint_sessions_median);
    if (dd->maint_interval_median)
        snprintf(c2, sizeof c2, "withheld");
    else
        days_text(c2, sizeof c2, u->maint_interval_median);
    if (!dd->maint_interval_median && isnan(u->maint_interval_median))
        snprintf(c2, sizeof c2, "none (no two sessions)");
    snprintf(buf, sizeof buf,
             "Sessions per responder (median): %s; days between maintenance sessions (median): %s.",
             c1, c2);
    col_line(pg, y, 0, buf);
}

static void draw_durability(struct doc *d)
{
    page_begin(d, "After a first response: how long it holds, who completes the induction "
                  "series, and maintenance sessions after the endpoint window.");
    /* left: the curve */
    double lw = d->w * 0.56;
    struct dur_page pg = {.d = d,
                          .cr = d->cr,
                          .f = &d->f,
                          .u = &d->a->durability,
                          .dd = &d->a->disc.durability,
                          .opts = &d->a->opts,
                          .rx = 36 + lw + 28};
    pg.rw = d->w - 36 - pg.rx;
    draw_curve_column(&pg, lw);
    /* right: induction, then maintenance */
    double y = draw_induction(&pg, 80);
    /* sessions in the window */
    y += 4;
    double bh = d->h * 0.26;
    draw_sessions(&pg, y, bh);
    y += bh + 18;
    y = draw_endpoint_by_completion(&pg, y);
    y += 4;
    draw_maintenance(&pg, y);
    page_end(d);
}

const struct page_info page_durability = {"Durability: does the response last?", draw_durability};
