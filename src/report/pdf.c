/* pdf.c: report.pdf, the quality-review report of SPEC section 6, drawn with cairo.
 *
 * Ten landscape pages (A4 or Letter): summary with the flow, time to response and remission,
 * score trajectory, waterfall, monthly trend, rates by stratum, time to response by stratum,
 * safety, data quality, definitions. Every number comes from the struct analysis that
 * results.json is written from. Every page has a footer (clinic, period, as-of date, instrument
 * and thresholds, tool version, page n of N). No patient identifier is drawn. The document's
 * dates are set explicitly (cairo would use the clock), so reruns give the same bytes. */
#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/render.h"
#include "outcomes/report.h"
#include "outcomes/text.h"

#define NPAGES 10

struct doc {
    long flow[F_COUNT];         /* the flow's counts */
    const uint8_t *hid;         /* which the disclosure decision withholds (a->disc.flow) */
    cairo_t *cr;
    struct fonts f;             /* fonts and the suppression setting */
    char cbuf[32][24];          /* rotating buffers for counts as text (C()) */
    int ci;
    double w, h;
    int page;
    int oom;                    /* an allocation failed: the PDF is not written */
    const struct ingest_result *in;
    const struct analysis *a;
    const struct pdf_opts *o;
};

struct membuf {
    char *s;
    size_t n, cap;
    int oom;
};

static cairo_status_t write_mem(void *closure, const unsigned char *data, unsigned int len)
{
    struct membuf *m = closure;
    if (m->n + len > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1 << 20;
        while (cap < m->n + len)
            cap *= 2;
        char *p = realloc(m->s, cap);
        if (!p) {
            m->oom = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        m->s = p;
        m->cap = cap;
    }
    memcpy(m->s + m->n, data, len);
    m->n += len;
    return CAIRO_STATUS_SUCCESS;
}

/* A count as text for the page as the disclosure decision flags it: "< N" (withheld: small,
 * or withheld so that a small one cannot be worked back; one label for both) or the number (a
 * rotating buffer: up to 32 live). */
static const char *C(struct doc *d, long v, int withheld)
{
    char *b = d->cbuf[d->ci++ % 32];
    return render_count(&d->f, v, withheld, b, sizeof d->cbuf[0]);
}

/* A flow count. */
static const char *F(struct doc *d, int var)
{
    return C(d, d->flow[var], d->hid[var]);
}

/* A proportion is shown only when neither count nor the rate is withheld. */
static int hidden(struct disc_prop p)
{
    return p.events || p.n || p.rate;
}

static const char *instrument_label(int col)
{
    switch (col) {
    case COL_PHQ9: return "PHQ-9";
    case COL_MADRS: return "MADRS";
    case COL_QIDS_SR16: return "QIDS-SR16";
    case COL_HAMD17: return "HAM-D17";
    case COL_BDI2: return "BDI-II";
    default: return "GAD-7";
    }
}

static int instrument_max(int col)
{
    switch (col) {
    case COL_MADRS: return 60;
    case COL_HAMD17: return 52;
    case COL_BDI2: return 63;
    case COL_GAD7: return 21;
    default: return 27;
    }
}

static void pct_ci(struct doc *d, char *buf, size_t n, const struct proportion *p,
                   struct disc_prop dp)
{
    if (p->n == 0)
        snprintf(buf, n, "no mature episode");
    else if (hidden(dp))
        snprintf(buf, n, "suppressed (%s of %s)", C(d, p->events, dp.events), C(d, p->n, dp.n));
    else
        snprintf(buf, n, "%.1f%%  (%ld of %ld; 95%% CI %.1f-%.1f%%)", 100 * p->rate, p->events,
                 p->n, 100 * p->lo, 100 * p->hi);
}

static void median_text(char *buf, size_t n, double v, const char *unit)
{
    if (isnan(v))
        snprintf(buf, n, "not reached");
    else if (v == floor(v))
        snprintf(buf, n, "%.0f %s", v, unit);
    else
        snprintf(buf, n, "%.1f %s", v, unit);
}

/* Starts a page with its title and subtitle; returns the y where content starts. */
static double page_begin(struct doc *d, const char *title, const char *subtitle)
{
    d->page++;
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
    cairo_rectangle(cr, 0, 0, d->w, 6);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_label(cr, &d->f, 1, 16, 36, 36, 0, d->w - 72, TEXT_ALL, title);
    if (subtitle) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        render_text(cr, &d->f, 0, 9, 36, 51, 0, subtitle);
    }
    return 64;
}

static void page_end(struct doc *d)
{
    cairo_t *cr = d->cr;
    const struct analysis *a = d->a;
    const struct model_opts *o = &a->opts;
    char as_of[11], left[512], right[128], from[8], to[8], title[TEXT_ROOM(40)];
    date_format(a->as_of, as_of);
    report_month_label(a->period_from, from);
    report_month_label(a->period_to, to);
    text_display(title, sizeof title, d->o->title, 40); /* the footer holds 40 characters */
    snprintf(left, sizeof left,
             "%s  |  period %s%s%s  |  as of %s  |  %s: eligible baseline >= %d, remission <= %d, "
             "endpoint days %d-%d",
             title, from, strcmp(from, to) ? " to " : "", strcmp(from, to) ? to : "", as_of,
             instrument_label(o->instrument), o->min_baseline, o->remission_max,
             o->endpoint_from, o->endpoint_to);
    snprintf(right, sizeof right, "%soutcomes %s  |  page %d of %d",
             d->f.suppress_below > 1 ? "counts < " : "", OUTCOMES_VERSION, d->page, NPAGES);
    if (d->f.suppress_below > 1)
        snprintf(right, sizeof right, "counts < %d suppressed  |  outcomes %s  |  page %d of %d",
                 d->f.suppress_below, OUTCOMES_VERSION, d->page, NPAGES);
    cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, 36, d->h - 26);
    cairo_line_to(cr, d->w - 36, d->h - 26);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    render_text(cr, &d->f, 0, 7, 36, d->h - 15, 0, left);
    render_text(cr, &d->f, 0, 7, d->w - 36, d->h - 15, 1, right);
    cairo_show_page(cr);
}

/* A labelled box of the flow diagram; returns its bottom. */
static double flow_box(struct doc *d, double x, double y, double w, const char *label,
                       const char *value, int strong)
{
    cairo_t *cr = d->cr;
    double h = 30;
    cairo_set_source_rgb(cr, strong ? 0.90 : 0.96, strong ? 0.94 : 0.96, strong ? 0.98 : 0.96);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr, 0.7);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, x + 8, y + 13, 0, value);
    render_text(cr, &d->f, 0, 7.5, x + 8, y + 24, 0, label);
    return y + h;
}

static void arrow(cairo_t *cr, double x0, double y0, double x1, double y1)
{
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
    double ang = atan2(y1 - y0, x1 - x0);
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x1 - 5 * cos(ang - 0.4), y1 - 5 * sin(ang - 0.4));
    cairo_line_to(cr, x1 - 5 * cos(ang + 0.4), y1 - 5 * sin(ang + 0.4));
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* One step of the flow diagram at *y: its box, a box to the right joined by an arrow (when
 * side_value), and an arrow down from the step before (unless first). Advances *y. */
static void flow_step(struct doc *d, double *y, int first, const char *value, const char *label,
                      int strong, const char *side_value, const char *side_label)
{
    const double x = 36, w = 300, sx = 400, sw = 330, gap = 12;
    if (!first)
        arrow(d->cr, x + 40, *y - gap, x + 40, *y);
    double bottom = flow_box(d, x, *y, w, label, value, strong);
    if (side_value) {
        flow_box(d, sx, *y, sw, side_label, side_value, 0);
        arrow(d->cr, x + w, *y + 15, sx, *y + 15);
    }
    *y = bottom + gap;
}

/* "label: rate (x of n; CI)" for a proportion, "suppressed" when it is withheld. */
static void proportion_line(struct doc *d, char *buf, size_t n, const char *label,
                            const struct proportion *p, struct disc_prop dp)
{
    char t[128];
    pct_ci(d, t, sizeof t, p, dp);
    snprintf(buf, n, "%s%s", label, hidden(dp) ? "suppressed" : t);
}

static void page_summary(struct doc *d)
{
    const struct analysis *a = d->a;
    const struct ingest_result *in = d->in;
    cairo_t *cr = d->cr;
    char sub[256], buf[256];
    snprintf(sub, sizeof sub,
             "Ketamine and esketamine treatment outcomes: quality review. Episodes starting in "
             "the period; rates over episodes whose endpoint window has closed.");
    double y = page_begin(d, d->o->title, sub);
    /* headline tiles */
    struct {
        const char *label;
        char value[64], detail[128];
    } tiles[4];
    tiles[0].label = "Response at the endpoint";
    tiles[1].label = "Remission at the endpoint";
    tiles[2].label = "Median time to response";
    tiles[3].label = "Median sessions to response";
    const struct proportion *pr[2] = {&a->response, &a->remission};
    const struct disc_prop dpr[2] = {a->disc.response, a->disc.remission};
    for (int k = 0; k < 2; k++) {
        if (pr[k]->n == 0) {
            snprintf(tiles[k].value, sizeof tiles[k].value, "no mature episode");
            snprintf(tiles[k].detail, sizeof tiles[k].detail, "in this period");
        } else if (hidden(dpr[k])) {
            snprintf(tiles[k].value, sizeof tiles[k].value, "suppressed");
            snprintf(tiles[k].detail, sizeof tiles[k].detail, "%s of %s",
                     F(d, k ? F_REMITTERS : F_RESPONDERS), F(d, F_MATURE));
        } else {
            snprintf(tiles[k].value, sizeof tiles[k].value, "%.1f%%", 100 * pr[k]->rate);
            snprintf(tiles[k].detail, sizeof tiles[k].detail, "%ld of %ld; 95%% CI %.1f-%.1f%%",
                     pr[k]->events, pr[k]->n, 100 * pr[k]->lo, 100 * pr[k]->hi);
        }
    }
    const struct km *km[2] = {&a->time_to_response, &a->sessions_to_response};
    const struct disc_km *dkm[2] = {&a->disc.time_to_response, &a->disc.sessions_to_response};
    for (int k = 0; k < 2; k++) {
        median_text(tiles[2 + k].value, sizeof tiles[2 + k].value, km[k]->median,
                    k ? "sessions" : "days");
        char lo[32], hi[32];
        median_text(lo, sizeof lo, km[k]->median_lo, ""); /* "12 ", or "not reached" */
        median_text(hi, sizeof hi, km[k]->median_hi, k ? "sessions" : "days");
        size_t ll = strlen(lo);
        if (ll && lo[ll - 1] == ' ')
            lo[ll - 1] = '\0';
        snprintf(tiles[2 + k].detail, sizeof tiles[2 + k].detail, "95%% CI %s to %s; n %s", lo,
                 hi, C(d, km[k]->n, dkm[k]->n));
        if (dkm[k]->median || dkm[k]->n || dkm[k]->events) {
            snprintf(tiles[2 + k].value, sizeof tiles[2 + k].value, "suppressed");
            snprintf(tiles[2 + k].detail, sizeof tiles[2 + k].detail, "%s episodes, %s events",
                     C(d, km[k]->n, dkm[k]->n), C(d, km[k]->events, dkm[k]->events));
        }
    }
    double tw = (d->w - 72 - 30) / 4;
    for (int k = 0; k < 4; k++) {
        double x = 36 + k * (tw + 10);
        cairo_set_source_rgb(cr, 0.93, 0.95, 0.98);
        cairo_rectangle(cr, x, y + 4, tw, 70);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        render_text(cr, &d->f, 0, 9, x + 10, y + 20, 0, tiles[k].label);
        cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
        render_text(cr, &d->f, 1, 20, x + 10, y + 46, 0, tiles[k].value);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        render_text(cr, &d->f, 0, 8, x + 10, y + 64, 0, tiles[k].detail);
    }
    y += 94;
    /* flow */
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 11, 36, y, 0, "From export rows to outcomes");
    y += 10;
    char v[9][128], l[9][128], sv[9][128], sl[9][128];
    snprintf(v[0], sizeof v[0], "%s rows read", F(d, F_ROWS_READ));
    snprintf(sv[0], sizeof sv[0], "%s rejected, %s duplicate", F(d, F_REJECTED),
             F(d, F_DUPLICATE));
    snprintf(v[1], sizeof v[1], "%s rows accepted, %s patients", F(d, F_ACCEPTED),
             C(d, in->patients, a->disc.patients));
    snprintf(v[2], sizeof v[2], "%s treatment episodes", F(d, F_EPISODES));
    snprintf(l[2], sizeof l[2], "all periods; a gap over %d days starts a new episode",
             a->opts.episode_gap);
    snprintf(sv[2], sizeof sv[2], "%s outside the period", F(d, F_OUTSIDE));
    snprintf(v[3], sizeof v[3], "%s episodes in the period", F(d, F_COHORT));
    snprintf(sv[3], sizeof sv[3], "%s excluded", F(d, F_EXCLUDED));
    snprintf(sl[3], sizeof sl[3], "no baseline score %s; baseline below %d: %s",
             F(d, F_NO_BASELINE), a->opts.min_baseline, F(d, F_BELOW_MIN));
    snprintf(v[4], sizeof v[4], "%s eligible", F(d, F_ELIGIBLE));
    snprintf(l[4], sizeof l[4], "%s with a follow-up score (time-to-response analyses)",
             F(d, F_WITH_FOLLOWUP));
    snprintf(sv[4], sizeof sv[4], "%s not yet mature", F(d, F_IMMATURE));
    snprintf(v[5], sizeof v[5], "%s mature", F(d, F_MATURE));
    snprintf(sv[5], sizeof sv[5], "%s without an endpoint score", F(d, F_NO_ENDPOINT));
    snprintf(v[6], sizeof v[6], "%s with an endpoint score", F(d, F_WITH_ENDPOINT));
    snprintf(v[7], sizeof v[7], "%s responders, %s remitters", F(d, F_RESPONDERS),
             F(d, F_REMITTERS));
    static const struct {
        const char *label, *side_label;
        int strong, side;
    } steps[8] = {
        {"data rows in the export files", "see the data quality page and rejects.csv", 0, 1},
        {"valid rows; distinct patient pseudonyms", NULL, 0, 0},
        {NULL, "index date before or after the period", 0, 1},
        {"index date within the period", NULL, 0, 1},
        {NULL, "endpoint window still open on the as-of date", 1, 1},
        {"the denominator of the response and remission rates",
         "counted as not responding (as CMS159 and DRR-E)", 1, 1},
        {"follow-up rate in the box to the right", NULL, 0, 0},
        {"at the endpoint score", NULL, 1, 0},
    };
    double step_y[8];
    for (int k = 0; k < 8; k++) {
        const char *side_label = steps[k].side_label ? steps[k].side_label : sl[k];
        if (k == 0 && d->f.suppress_below > 1)
            side_label = "see the data quality page (rejects.csv is not written)";
        step_y[k] = y;
        flow_step(d, &y, k == 0, v[k], steps[k].label ? steps[k].label : l[k], steps[k].strong,
                  steps[k].side ? sv[k] : NULL, side_label);
    }
    y = step_y[6];
    double sx = 400;
    proportion_line(d, buf, sizeof buf, "follow-up ", &a->followup, a->disc.followup);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 0, 8, sx, y + 18, 0, buf);
    y = step_y[7];
    proportion_line(d, buf, sizeof buf, "response among those with a score: ",
                    &a->response_observed, a->disc.response_observed);
    render_text(cr, &d->f, 0, 8, sx, y + 12, 0, buf);
    proportion_line(d, buf, sizeof buf, "remission among those with a score: ",
                    &a->remission_observed, a->disc.remission_observed);
    render_text(cr, &d->f, 0, 8, sx, y + 24, 0, buf);
    page_end(d);
}

static void page_time(struct doc *d)
{
    const struct analysis *a = d->a;
    char sub[320];
    snprintf(sub, sizeof sub, "%s",
             "Cumulative share of eligible episodes that have responded (or remitted), by "
             "days and by sessions. Shaded: 95% confidence bands; ticks: censored episodes.");
    if (d->f.suppress_below > 1)
        snprintf(sub, sizeof sub,
                 "Share responded (or remitted). Suppression: a curve stops where fewer than %d "
                 "remain at risk and is not drawn on fewer than %d or on a withheld n; at-risk "
                 "counts only.",
                 d->f.suppress_below, d->f.suppress_below);
    page_begin(d, "Time to response and remission", sub);
    const struct km *days[2] = {&a->time_to_response, &a->time_to_remission};
    const struct km *sess[2] = {&a->sessions_to_response, &a->sessions_to_remission};
    const char *names[2] = {"response", "remission"};
    double w = (d->w - 72 - 24) / 2;
    struct box b1 = {36, 72, w, d->h - 72 - 40};
    struct box b2 = {36 + w + 24, 72, w, d->h - 72 - 40};
    const struct disc_km *sd[2] = {&a->disc.time_to_response, &a->disc.time_to_remission};
    const struct disc_km *ss[2] = {&a->disc.sessions_to_response, &a->disc.sessions_to_remission};
    render_km(d->cr, &d->f, b1, days, sd, names, 2, "days", "episodes with the event (%)", 1);
    render_km(d->cr, &d->f, b2, sess, ss, names, 2, "sessions", "episodes with the event (%)", 1);
    page_end(d);
}

static void page_trajectory(struct doc *d)
{
    const struct analysis *a = d->a;
    char sub[256], yl[64];
    snprintf(sub, sizeof sub,
             "Mean %s score of eligible episodes with 95%% CI; faint lines: %zu of %ld episodes "
             "(1 in %ld, in a fixed order). Baseline at 0; the last point pools 12 and later.",
             instrument_label(a->opts.instrument), a->ntraj_lines, a->traj_episodes,
             a->traj_episodes > TRAJ_SAMPLE ? (a->traj_episodes + TRAJ_SAMPLE - 1) / TRAJ_SAMPLE
                                            : 1L);
    if (a->traj_episodes <= TRAJ_SAMPLE && d->f.suppress_below <= 1)
        snprintf(sub, sizeof sub,
                 "Mean %s score of eligible episodes with 95%% CI; faint lines: every episode. "
                 "Baseline at 0; the last point pools 12 and later.",
                 instrument_label(a->opts.instrument));
    if (d->f.suppress_below > 1)
        snprintf(sub, sizeof sub,
                 "Mean %s score with 95%% CI. Suppression: no individual lines (one episode "
                 "each); a point whose n reads \"< %d\" (fewer, or withheld with such a count) "
                 "is left out.",
                 instrument_label(a->opts.instrument), d->f.suppress_below);
    page_begin(d, "Score trajectory", sub);
    snprintf(yl, sizeof yl, "%s score", instrument_label(a->opts.instrument));
    double w = (d->w - 72 - 24) / 2;
    struct box b1 = {36, 76, w, d->h - 76 - 44}, b2 = {36 + w + 24, 76, w, d->h - 76 - 44};
    /* under suppression no individual line (each is one episode) */
    size_t nl = d->f.suppress_below > 1 ? 0 : a->ntraj_lines;
    render_trajectory(d->cr, &d->f, b1, a->by_session, TRAJ_POINTS, a->traj_lines, nl,
                      a->traj_pts, a->disc.by_session, 0, instrument_max(a->opts.instrument),
                      "treatment sessions before the score", yl);
    render_trajectory(d->cr, &d->f, b2, a->by_week, TRAJ_POINTS, a->traj_lines, nl,
                      a->traj_pts, a->disc.by_week, 1, instrument_max(a->opts.instrument),
                      "weeks since the index date", yl);
    page_end(d);
}

static void page_waterfall(struct doc *d)
{
    const struct analysis *a = d->a;
    char sub[320];
    if (d->f.suppress_below > 1) {
        /* no bar per episode under suppression: a histogram of percent change */
        page_begin(d, "Change at the endpoint",
                   "Mature eligible episodes with an endpoint score by their change from "
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
            render_bars(d->cr, &d->f, b, labels, v, a->disc.pct_hist, PCT_BINS,
                        "episodes", 0);
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        render_text(d->cr, &d->f, 0, 8.5, d->w / 2, d->h - 48, 0.5,
                    "change from baseline at the endpoint (%), each bin up to and including "
                    "its upper end");
        page_end(d);
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
    page_begin(d, "Waterfall: change at the endpoint", sub);
    struct box b = {36, 72, d->w - 72, d->h - 72 - 40};
    render_waterfall(d->cr, &d->f, b, a->waterfall, a->waterfall_class, a->nwaterfall);
    page_end(d);
}

static void page_monthly(struct doc *d)
{
    const struct analysis *a = d->a;
    page_begin(d, "Monthly trend",
               "Response and remission of mature eligible episodes by index month (all "
               "episodes), 12 months; p-chart limits: centre +- 3 standard errors.");
    double h = (d->h - 72 - 40 - 16) / 2;
    render_pchart(d->cr, &d->f, (struct box){36, 70, d->w - 72, h}, a->monthly,
                  a->disc.monthly, a->disc.centre, 12, a->month0, "Response");
    render_pchart(d->cr, &d->f, (struct box){36, 70 + h + 16, d->w - 72, h},
                  a->monthly_remission, a->disc.monthly_remission, a->disc.centre_remission, 12,
                  a->month0, "Remission");
    page_end(d);
}

#define PICK_MAX 5 /* values of a stratum drawn */

/* Up to max (<= PICK_MAX) values of a stratum into idx: the largest km_n (ties: the earlier
 * value), shown in byte order. One pass over any number of values, O(nvalues * max). */
static int pick_values(const struct stratum *st, int max, int *idx)
{
    int n = 0;
    for (size_t k = 0; k < st->nvalues; k++) {
        long v = st->values[k].km_n;
        int pos = n;
        while (pos > 0 && st->values[idx[pos - 1]].km_n < v)
            pos--;
        if (pos >= max)
            continue;
        if (n < max)
            n++;
        for (int j = n - 1; j > pos; j--)
            idx[j] = idx[j - 1];
        idx[pos] = (int)k;
    }
    for (int i = 1; i < n; i++) /* back to byte order */
        for (int j = i; j > 0 && idx[j - 1] > idx[j]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    return n;
}

static const char *var_title(int v)
{
    static const char *const t[SV_COUNT] = {"Site", "Clinician", "Route", "Drug",
                                            "Concurrent therapy", "Dose (mg/kg)"};
    return t[v];
}

static void page_forest(struct doc *d)
{
    const struct analysis *a = d->a;
    page_begin(d, "Breakdowns: rates by site, clinician, route, drug, therapy and dose",
               "Mature eligible episodes by the value of their index session; squares grow "
               "with n. At most 5 values per variable (the largest); all are in results.json.");
    struct forest_row rows[2][64];
    int nr = 0;
    int more = 0;
    for (int v = 0; v < SV_COUNT; v++) {
        const struct stratum *st = &a->strata[v];
        int idx[PICK_MAX], n = pick_values(st, PICK_MAX, idx);
        if (st->nvalues == 0)
            continue;
        rows[0][nr] = rows[1][nr] = (struct forest_row){var_title(v), NULL, 0, 0};
        nr++;
        for (int k = 0; k < n && nr < 64; k++, nr++) {
            const struct stratum_value *sv = &st->values[idx[k]];
            const struct disc_value *dv = &a->disc.strata[v][idx[k]];
            rows[0][nr] = (struct forest_row){sv->value, &sv->response, dv->response.n,
                                              dv->response.rate || dv->response.events};
            rows[1][nr] = (struct forest_row){sv->value, &sv->remission, dv->remission.n,
                                              dv->remission.rate || dv->remission.events};
        }
        more |= (int)st->nvalues > n;
    }
    double w = (d->w - 72 - 24) / 2;
    if (nr == 0) {
        render_empty(d->cr, &d->f, (struct box){36, 80, d->w - 72, 300},
                     "no eligible episode with stratum values in this period");
    } else {
        /* the overall line is the headline rate: not drawn when that is withheld */
        render_forest(d->cr, &d->f, (struct box){36, 68, w, d->h - 110}, rows[0], nr,
                      hidden(a->disc.response) ? NAN : a->response.rate, "Response");
        render_forest(d->cr, &d->f, (struct box){36 + w + 24, 68, w, d->h - 110}, rows[1], nr,
                      hidden(a->disc.remission) ? NAN : a->remission.rate, "Remission");
        for (int c = 0; c < 2 && d->f.suppress_below > 1; c++) {
            int any = 0;
            for (int i = 0; i < nr; i++)
                any |= rows[c][i].p && rows[c][i].p->n > 0 && !rows[c][i].n_withheld &&
                       !rows[c][i].rate_withheld;
            if (any)
                continue;
            char msg[200];
            snprintf(msg, sizeof msg,
                     "No rate is drawn: each is built on a count below %d, or on one withheld so "
                     "that such a count cannot be worked back (small-cell suppression).",
                     d->f.suppress_below);
            cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
            render_paragraph(d->cr, &d->f, 9, 36 + c * (w + 24), 68 + 30 + nr * 11.5 + 28, w,
                             msg);
        }
    }
    (void)more;
    page_end(d);
}

static void page_strata_km(struct doc *d)
{
    const struct analysis *a = d->a;
    page_begin(d, "Breakdowns: time to response by stratum",
               "Kaplan-Meier by the value of the index session (at most 5 values, the largest; "
               "confidence bands on page 2 only), with the log-rank test over all values.");
    double w = (d->w - 72 - 2 * 16) / 3, h = (d->h - 72 - 40 - 14) / 2;
    for (int v = 0; v < SV_COUNT; v++) {
        const struct stratum *st = &a->strata[v];
        struct box b = {36 + (v % 3) * (w + 16), 70 + (v / 3) * (h + 14), w, h};
        char test[160];
        if (a->disc.logrank[v])
            snprintf(test, sizeof test, "log-rank: withheld (built on counts below %d)",
                     d->f.suppress_below);
        else if (isnan(st->p))
            snprintf(test, sizeof test, "log-rank: not testable: %s",
                     st->logrank_reason ? st->logrank_reason : "fewer than two values");
        else
            snprintf(test, sizeof test, "log-rank p = %.3g (chi-square %.2f, df %.0f)", st->p,
                     st->chisq, st->df);
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        render_text(d->cr, &d->f, 1, 9, b.x, b.y + 8, 0, var_title(v));
        int idx[PICK_MAX], n = pick_values(st, PICK_MAX, idx);
        const struct km *km[PICK_MAX];
        const struct disc_km *show[PICK_MAX];
        const char *names[PICK_MAX];
        int shown = 0, withheld = 0;
        for (int k = 0; k < n; k++) {
            const struct disc_value *dv = &a->disc.strata[v][idx[k]];
            if (!dv->km.drawn) {
                withheld++; /* fewer than N */
                continue;
            }
            km[shown] = &st->values[idx[k]].km;
            show[shown] = &dv->km;
            names[shown++] = st->values[idx[k]].value;
        }
        if (shown && withheld) { /* say which are left out, and why */
            size_t tl = strlen(test);
            if (a->disc.logrank[v])
                snprintf(test, sizeof test, "log-rank: withheld");
            tl = strlen(test);
            snprintf(test + tl, sizeof test - tl, "; %d %s not drawn (n < %d or withheld)",
                     withheld, withheld > 1 ? "values" : "value", d->f.suppress_below);
        }
        /* the test's line wraps within the panel (a reason can be longer than its width) */
        double below = render_paragraph(d->cr, &d->f, 7.5, b.x, b.y + 18, b.w, test) -
                       (b.y + 18) - 7.5 * 1.35;
        if (below < 0)
            below = 0;
        b.y += 20 + below;
        b.h -= 20 + below;
        if (shown == 0 && withheld) {
            char msg[240];
            snprintf(msg, sizeof msg, "Not drawn: every value has fewer than %d episodes, or "
                     "a number withheld so that such a count cannot be worked back (a curve's "
                     "steps would give it away; small-cell suppression).",
                     d->f.suppress_below);
            render_withheld(d->cr, &d->f, b, msg);
        } else if (shown == 0)
            render_empty(d->cr, &d->f, b, "no values in this period");
        else
            render_km(d->cr, &d->f, b, km, show, names, shown, "days", "responded (%)", 0);
    }
    page_end(d);
}

/* A two-column table of label / value lines; returns the y after it. */
static double table(struct doc *d, double x, double y, double w, const char *title,
                    const char *const *labels, const char *const *values, int n)
{
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, x, y, 0, title);
    y += 14;
    for (int i = 0; i < n; i++) {
        if (i % 2 == 0) {
            cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
            cairo_rectangle(cr, x, y - 9, w, 12);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        double vw = render_text(cr, &d->f, 0, 8, x + w - 4, y, 1, values[i]);
        /* a label (an adverse-event code) never runs into its value */
        render_label(cr, &d->f, 0, 8, x + 4, y, 0, w - 16 - vw, TEXT_ALL, labels[i]);
        y += 12;
    }
    return y + 8;
}

static void share(struct doc *d, char *buf, size_t n, long x, long of, struct disc_prop dp)
{
    if (of == 0)
        snprintf(buf, n, "none measured");
    else if (hidden(dp))
        snprintf(buf, n, "%s of %s", C(d, x, dp.events), C(d, of, dp.n));
    else
        snprintf(buf, n, "%ld of %ld (%.1f%%)", x, of, 100.0 * (double)x / (double)of);
}

static void page_safety(struct doc *d)
{
    const struct analysis *a = d->a;
    const struct safety *s = &a->safety;
    const struct disclosure *dc = &a->disc;
    char sub[160];
    snprintf(sub, sizeof sub,
             "Treatment sessions of the period's episodes (%s sessions, %s episodes).",
             C(d, s->sessions, dc->sessions), C(d, s->episodes, dc->episodes));
    page_begin(d, "Safety", sub);
    char v[8][96], l0[64], l1[64];
    snprintf(l0, sizeof l0, "pre-dose BP >= %d/%d", a->opts.bp_pre_sys, a->opts.bp_pre_dia);
    snprintf(l1, sizeof l1, "post-dose BP >= %d/%d", a->opts.bp_post_sys, a->opts.bp_post_dia);
    share(d, v[0], sizeof v[0], s->bp_pre_high, s->bp_pre_n, dc->bp_pre);
    share(d, v[1], sizeof v[1], s->bp_post_high, s->bp_post_n, dc->bp_post);
    if (dc->sbp_rise_stats || dc->sbp_rise_n)
        snprintf(v[2], sizeof v[2], "suppressed, n %s", C(d, s->sbp_rise_n, dc->sbp_rise_n));
    else if (s->sbp_rise_n)
        snprintf(v[2], sizeof v[2], "median %+.0f (IQR %+.0f to %+.0f), n %ld",
                 s->sbp_rise_median, s->sbp_rise_q1, s->sbp_rise_q3, s->sbp_rise_n);
    else
        snprintf(v[2], sizeof v[2], "none measured");
    share(d, v[3], sizeof v[3], s->cadss_above, s->cadss_n, dc->cadss_above);
    char l3[64];
    snprintf(l3, sizeof l3, "sessions with CADSS above %d", a->opts.cadss_above);
    const char *labels[4] = {l0, l1, "SBP rise after the dose (mmHg)", l3};
    const char *values[4] = {v[0], v[1], v[2], v[3]};
    double colw = (d->w - 72 - 30) / 2;
    double y = table(d, 36, 80, colw, "Blood pressure and dissociation", labels, values, 4);
    share(d, v[4], sizeof v[4], s->item9_ge1, s->item9_n, dc->item9_ge1);
    share(d, v[5], sizeof v[5], s->item9_ge2, s->item9_n, dc->item9_ge2);
    share(d, v[6], sizeof v[6], s->item9_resolved.events, s->item9_resolved.n,
          dc->item9_resolved);
    share(d, v[7], sizeof v[7], s->item9_worsened.events, s->item9_worsened.n,
          dc->item9_worsened);
    const char *l9[4] = {"encounters with item 9 >= 1", "encounters with item 9 >= 2",
                         "episodes: item 9 resolved (baseline >= 1, last 0)",
                         "episodes: item 9 worsened (baseline 0, later >= 1)"};
    const char *v9[4] = {v[4], v[5], v[6], v[7]};
    y = table(d, 36, y + 6, colw, "PHQ-9 item 9 (thoughts of self-harm)", l9, v9, 4);
    /* adverse events */
    char ael[10][TEXT_ROOM(40)], aev[10][96];
    const char *aelp[10], *aevp[10];
    int nae = 0;
    for (size_t k = 0; k < s->nae && nae < 10; k++) {
        /* the 10 most frequent, by sessions (ties: byte order) */
        size_t best = s->nae;
        for (size_t j = 0; j < s->nae; j++) {
            int used = 0;
            for (int q = 0; q < nae; q++)
                used |= strcmp(aelp[q], s->ae_code[j]) == 0;
            if (!used && (best == s->nae || s->ae_sessions[j] > s->ae_sessions[best]))
                best = j;
        }
        if (best == s->nae)
            break;
        text_display(ael[nae], sizeof ael[nae], s->ae_code[best], 40);
        if (hidden(dc->ae_sessions[best]) || hidden(dc->ae_episodes[best]))
            snprintf(aev[nae], sizeof aev[nae], "%s sessions, %s episodes",
                     C(d, s->ae_sessions[best], dc->ae_sessions[best].events),
                     C(d, s->ae_episodes[best], dc->ae_episodes[best].events));
        else
            snprintf(aev[nae], sizeof aev[nae], "%.1f%% of sessions, %.1f%% of episodes",
                     s->sessions ? 100.0 * (double)s->ae_sessions[best] / (double)s->sessions
                                 : 0.0,
                     s->episodes ? 100.0 * (double)s->ae_episodes[best] / (double)s->episodes
                                 : 0.0);
        aelp[nae] = s->ae_code[best];
        aevp[nae] = aev[nae];
        nae++;
    }
    for (int k = 0; k < nae; k++)
        aelp[k] = ael[k];
    if (nae)
        table(d, 36, y + 6, colw, "Adverse events (the 10 most frequent)", aelp, aevp, nae);
    else {
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        render_text(d->cr, &d->f, 0, 9, 36, y + 6, 0, "No adverse event recorded.");
    }
    /* charts on the right */
    double x = 36 + colw + 30;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 1, 10, x, 80, 0, "Systolic rise after the dose (sessions)");
    static const char *const bins[8] = {"<0", "0-9", "10-19", "20-29",
                                        "30-39", "40-49", "50-59", ">=60"};
    double hv[8];
    for (int k = 0; k < 8; k++)
        hv[k] = (double)s->sbp_rise_hist[k];
    if (s->sbp_rise_n)
        render_bars(d->cr, &d->f, (struct box){x, 86, colw, 190}, bins, hv, dc->sbp_rise_hist, 8,
                    "sessions", 0);
    else
        render_empty(d->cr, &d->f, (struct box){x, 86, colw, 190}, "no paired readings");
    render_text(d->cr, &d->f, 1, 10, x, 300, 0, "Peak CADSS by session number (median, IQR)");
    struct box cb = {x + 40, 310, colw - 46, 160};
    long cn = 0;
    for (size_t k = 0; k < s->cadss_nsessions; k++)
        cn += s->cadss_by_session_n[k];
    if (cn == 0) {
        render_empty(d->cr, &d->f, (struct box){x, 310, colw, 180}, "no CADSS recorded");
    } else {
        double cmax = 0;
        for (size_t k = 0; k < s->cadss_nsessions; k++)
            if (s->cadss_by_session_n[k] && s->cadss_by_session_q3[k] > cmax)
                cmax = s->cadss_by_session_q3[k];
        struct axis ay;
        render_axis_nice(&ay, 0, cmax > 4 ? cmax : 5, 4, cb.y + cb.h, cb.y);
        cairo_t *cr = d->cr;
        char t[32];
        render_hgrid(cr, &d->f, cb, &ay, 0);
        double slot = cb.w / (double)s->cadss_nsessions;
        for (size_t k = 0; k < s->cadss_nsessions; k++) {
            double xx = cb.x + (k + 0.5) * slot;
            snprintf(t, sizeof t, k + 1 == s->cadss_nsessions ? "%zu+" : "%zu", k + 1);
            cairo_set_source_rgb(cr, 0, 0, 0);
            render_text(cr, &d->f, 0, 7.5, xx, cb.y + cb.h + 10, 0.5, t);
            if (!s->cadss_by_session_n[k] || dc->cadss_by_session[k])
                continue;
            render_series_style(cr, 0);
            cairo_set_line_width(cr, 1.2);
            cairo_move_to(cr, xx, render_axis_map(&ay, s->cadss_by_session_q1[k]));
            cairo_line_to(cr, xx, render_axis_map(&ay, s->cadss_by_session_q3[k]));
            cairo_stroke(cr);
            cairo_arc(cr, xx, render_axis_map(&ay, s->cadss_by_session_median[k]), 2.5, 0,
                      2 * RENDER_PI);
            cairo_fill(cr);
        }
        render_frame(cr, cb);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, &d->f, 0, 8.5, cb.x + cb.w / 2, cb.y + cb.h + 22, 0.5,
                    "session number within the episode");
        int wh = 0;
        for (size_t k = 0; k < s->cadss_nsessions; k++)
            wh |= s->cadss_by_session_n[k] > 0 && dc->cadss_by_session[k];
        if (wh) {
            char t2[240];
            snprintf(t2, sizeof t2,
                     "A session without a point: fewer than %d sessions measured, or withheld so "
                     "that a count below %d (such as the drop-outs between two sessions) cannot "
                     "be worked back.",
                     d->f.suppress_below, d->f.suppress_below);
            cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
            render_paragraph(cr, &d->f, 8, x, cb.y + cb.h + 36, colw, t2);
        }
    }
    page_end(d);
}

/* The non-zero counts of a group (by reason, by instrument) as a table; hid[] marks counts
 * that suppression hides. With none: "none" under the title when show_none, else nothing. */
static double count_table(struct doc *d, double y, double colw, const char *title,
                          const char *const *names, const long *counts, const uint8_t *hid,
                          int n, int show_none)
{
    char lab[16][64], val[16][32];
    const char *lp[16], *vp[16];
    int k = 0;
    for (int i = 0; i < n && k < 16; i++) {
        if (!counts[i])
            continue;
        snprintf(lab[k], sizeof lab[k], "%s", names[i]);
        snprintf(val[k], sizeof val[k], "%s", C(d, counts[i], hid[i]));
        lp[k] = lab[k];
        vp[k] = val[k];
        k++;
    }
    if (k)
        return table(d, 36, y + 4, colw, title, lp, vp, k);
    if (!show_none)
        return y;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 1, 10, 36, y + 4, 0, title);
    render_text(d->cr, &d->f, 0, 8.5, 36, y + 18, 0, "none");
    return y + 30;
}

static void page_quality(struct doc *d)
{
    const struct analysis *a = d->a;
    const struct ingest_result *in = d->in;
    page_begin(d, "Data quality",
               d->f.suppress_below > 1
                   ? "Every data row is accounted for: read = accepted + rejected + duplicate. "
                     "rejects.csv is not written when small counts are suppressed."
                   : "Every data row is accounted for: read = accepted + rejected + duplicate. "
                     "Rejected rows are listed with their line in rejects.csv.");
    char v[6][96];
    snprintf(v[0], sizeof v[0], "%s", F(d, F_ROWS_READ));
    snprintf(v[1], sizeof v[1], "%s", F(d, F_ACCEPTED));
    snprintf(v[2], sizeof v[2], "%s", F(d, F_REJECTED));
    snprintf(v[3], sizeof v[3], "%s", F(d, F_DUPLICATE));
    snprintf(v[4], sizeof v[4], "%s", C(d, in->conflicting_same_day_scores, a->disc.conflicts_total));
    {
        /* the files by shape (SPEC section 16): "2 (1 wide, 1 long)" */
        size_t nshape[3] = {0, 0, 0}, o = 0;
        for (size_t f = 0; f < in->nfiles; f++)
            nshape[in->files[f].shape >= 0 && in->files[f].shape < 3 ? in->files[f].shape : 0]++;
        o += (size_t)snprintf(v[5], sizeof v[5], "%zu (", in->nfiles);
        for (int k = 0, first = 1; k < 3 && o < sizeof v[5]; k++)
            if (nshape[k]) {
                o += (size_t)snprintf(v[5] + o, sizeof v[5] - o, "%s%zu %s", first ? "" : ", ",
                                      nshape[k], ingest_shape_name(k));
                first = 0;
            }
        if (o < sizeof v[5])
            snprintf(v[5] + o, sizeof v[5] - o, ")");
    }
    const char *l[6] = {"rows read", "accepted", "rejected or set aside (after the as-of date)",
                        "exact duplicates (counted once)",
                        "conflicting same-day scores (patient, date, instrument)", "files"};
    const char *vp[6] = {v[0], v[1], v[2], v[3], v[4], v[5]};
    double colw = (d->w - 72 - 30) / 2;
    double y = table(d, 36, 80, colw, "Accounting", l, vp, d->f.suppress_below > 1 ? 5 : 6);
    const uint8_t *hr = a->disc.rejected_by_reason, *hc = a->disc.conflicts_by_col;
    const char *reason_names[REASON_COUNT], *conflict_names[N_CONFLICT_COLS];
    for (int r = 0; r < REASON_COUNT; r++)
        reason_names[r] = ingest_reason_name(r);
    for (int k = 0; k < N_CONFLICT_COLS; k++)
        conflict_names[k] = ingest_col_name((enum col)(COL_PHQ9 + k));
    y = count_table(d, y, colw, "Rejected rows by reason", reason_names,
                    in->rejected_by_reason, hr, REASON_COUNT, 1);
    y = count_table(d, y, colw, "Conflicting same-day scores (not used)", conflict_names,
                    in->conflicts_by_col, hc, N_CONFLICT_COLS, 0);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 1, 10, 36, y + 4, 0, "Columns ignored (not in the input table)");
    char unk[1200] = "", name[TEXT_ROOM(40)];
    size_t o = 0, shown = 0;
    for (; shown < in->nunknown; shown++) { /* each name whole, 40 characters at most */
        text_display(name, sizeof name, in->unknown[shown], 40);
        if (o + strlen(name) + 2 >= sizeof unk - 80)
            break;
        o += (size_t)snprintf(unk + o, sizeof unk - o, "%s%s", shown ? ", " : "", name);
    }
    if (in->nunknown == 0)
        snprintf(unk, sizeof unk, "none");
    else if (shown < in->nunknown)
        snprintf(unk + o, sizeof unk - o, " and more (results.json lists all %zu)",
                 in->nunknown);
    double yu = render_paragraph(d->cr, &d->f, 8.5, 36, y + 18, colw, unk);
    { /* FHIR resources that are not rows (README "FHIR"), unless a file's count is withheld */
        long sk[3] = {0, 0, 0};
        int any = 0, withheld = 0;
        for (size_t f = 0; f < in->nfiles; f++) {
            if (in->files[f].shape != SHAPE_FHIR)
                continue;
            any = 1;
            withheld |= a->disc.file_rows[f];
            sk[0] += in->files[f].fhir.skipped_other_type;
            sk[1] += in->files[f].fhir.skipped_other_code;
            sk[2] += in->files[f].fhir.skipped_other_drug;
        }
        if (any && !withheld) {
            char fs[240];
            snprintf(fs, sizeof fs,
                     "FHIR resources skipped (not rows): %ld of another type, %ld Observations "
                     "without a LOINC code of the instrument table, %ld administrations of "
                     "another drug.",
                     sk[0], sk[1], sk[2]);
            render_paragraph(d->cr, &d->f, 8.5, 36, yu + 6, colw, fs);
        }
    }
    /* missing scores */
    double x = 36 + colw + 30;
    render_text(d->cr, &d->f, 1, 10, x, 80, 0, "Missing values by column (accepted rows)");
    static const char *const short_names[N_INT_COLS] = {
        "phq9", "item9", "madrs", "qids", "hamd", "bdi2", "gad7", "cadss", "sbp-", "dbp-",
        "sbp+", "dbp+"};
    double mv[N_INT_COLS];
    for (int k = 0; k < N_INT_COLS; k++)
        mv[k] = a->dq.missing_n ? 100.0 * (double)a->dq.missing[k] / (double)a->dq.missing_n : 0;
    uint8_t mh[N_INT_COLS];
    for (int k = 0; k < N_INT_COLS; k++)
        mh[k] = a->disc.missing[k].events ? a->disc.missing[k].events : a->disc.missing[k].rate;
    render_bars(d->cr, &d->f, (struct box){x, 88, colw, 220}, short_names, mv, mh, N_INT_COLS,
                "rows without a value (%)", 1);
    char t[200];
    if (hidden(a->disc.without_score) || a->disc.treatment_sessions)
        snprintf(t, sizeof t, "%s of %s treatment sessions have no %s score.",
                 C(d, a->dq.treatment_without_primary, a->disc.without_score.events),
                 C(d, a->dq.treatment_sessions, a->disc.treatment_sessions),
                 instrument_label(a->opts.instrument));
    else
        snprintf(t, sizeof t,
                 "%ld of %ld treatment sessions have no %s score (%.1f%%). Assessment rows "
                 "record only the scores taken, so other columns are often empty by design.",
                 a->dq.treatment_without_primary, a->dq.treatment_sessions,
                 instrument_label(a->opts.instrument),
                 a->dq.treatment_sessions ? 100.0 * (double)a->dq.treatment_without_primary /
                                                (double)a->dq.treatment_sessions
                                          : 0.0);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_paragraph(d->cr, &d->f, 8.5, x, 330, colw, t);
    page_end(d);
}

static void page_definitions(struct doc *d)
{
    const struct analysis *a = d->a;
    const struct model_opts *o = &a->opts;
    page_begin(d, "Definitions", "How every number in this report was made.");
    char p[12][768];
    snprintf(p[0], sizeof p[0],
             "Episode: a patient's course of treatment sessions; a session more than %d days "
             "after the previous one starts a new episode. Its first session is the index date "
             "(day 0). Episodes are in the period when their index date is.",
             o->episode_gap);
    snprintf(p[1], sizeof p[1],
             "Baseline: the latest %s score from %d days before the index date to the index "
             "date (a score on a session day is taken before the dose). Eligible: baseline at "
             "least %d.",
             instrument_label(o->instrument), o->baseline_window, o->min_baseline);
    snprintf(p[2], sizeof p[2],
             "Follow-up: scores after the index date and before the next episode's baseline "
             "window. Two different scores on one day make that day's score unusable; the tool "
             "never picks one.");
    snprintf(p[3], sizeof p[3],
             "Response: a score at least 50%% below baseline (2 x (baseline - score) >= "
             "baseline). Remission: a score of %d or less. Endpoint (%s): the last follow-up "
             "score from day %d to day %d; an episode is mature when day %d has passed by the "
             "as-of date. Response and remission rates count mature eligible episodes; a "
             "missing endpoint score counts as not met (as CMS159 and NCQA DRR-E do). The "
             "observed rates count only episodes with an endpoint score.",
             o->remission_max, o->endpoint_name, o->endpoint_from, o->endpoint_to,
             o->endpoint_to);
    snprintf(p[4], sizeof p[4],
             "Intervals: 95%% %s intervals for proportions (R %s).",
             o->ci == CI_EXACT ? "Clopper-Pearson (exact)" : "Wilson score",
             o->ci == CI_EXACT ? "binom.test(x, n)" : "prop.test(x, n, correct = FALSE)");
    snprintf(p[5], sizeof p[5],
             "Time to response and remission: Kaplan-Meier estimates exactly as R "
             "survival::survfit(Surv(time, event) ~ 1): Greenwood variance, log-transformed 95%% "
             "limits, ties with events before censorings; medians and their limits as "
             "quantile.survfit. The event is the first follow-up score meeting the criterion; "
             "other episodes are censored at their last follow-up score. Sessions: the "
             "episode's treatment dates before that score. Kaplan-Meier treats drop-out as "
             "non-informative censoring: if patients who stop coming are those doing worse, "
             "these curves are optimistic.");
    snprintf(p[6], sizeof p[6],
             "Strata take the value of the index session. Log-rank tests as R "
             "survdiff(rho = 0) on days to response. Dose bands use mg/kg of the index session "
             "rounded to hundredths: <0.50, 0.50-0.74, 0.75-0.99, >=1.00.");
    snprintf(p[7], sizeof p[7],
             "Monthly trend: p-charts over the 12 months ending with the period's last month "
             "(all episodes, not only the period's); centre = all responders / all mature "
             "episodes of those months; limits centre +- 3 sqrt(p(1-p)/n) clipped to 0-100%%; "
             "a month signals outside its limits or in a run of 6 or more months on one side "
             "of the centre.");
    snprintf(p[8], sizeof p[8],
             "Safety: pre-dose blood pressure flagged at or above %d/%d mmHg (either reading), "
             "post-dose at or above %d/%d; CADSS above %d counted; adverse events as recorded "
             "(codes split at |); PHQ-9 item 9 over every encounter from the baseline window to "
             "the end of follow-up.",
             o->bp_pre_sys, o->bp_pre_dia, o->bp_post_sys, o->bp_post_dia, o->cadss_above);
    snprintf(p[9], sizeof p[9],
             "Data: rows with a missing required value, an impossible date, a value out of "
             "range or of the wrong type are rejected whole and listed in rejects.csv; exact "
             "duplicates count once. results.json holds every number of this report; "
             "episodes.csv holds each episode's derivation, so each figure can be recomputed.");
    if (o->suppress_below > 1)
        snprintf(p[9], sizeof p[9],
                 "Data: rows with a missing required value, an impossible date, a value out of "
                 "range or of the wrong type are rejected whole; exact duplicates count once. "
                 "results.json holds every number of this report that suppression does not "
                 "withhold; episodes.csv and rejects.csv (one row per episode or rejected row) "
                 "are not written.");
    if (o->suppress_below > 1)
        snprintf(p[10], sizeof p[10],
                 "Small cells (--suppress-below %d; 11 follows the CMS cell-size policy): every "
                 "count from 1 to %d reads \"< %d\"; so that none can be worked back by "
                 "subtraction, in every group of counts adding up to a shown total the next "
                 "smallest is withheld too and reads the same (it may be larger); every rate, "
                 "interval, median, centre line, test or bin built on a withheld count is "
                 "withheld. No chart draws "
                 "one mark per episode: the waterfall becomes a histogram, individual score "
                 "lines are not drawn, curves stop where fewer than %d remain at risk, and "
                 "adverse-event codes seen fewer than %d times are pooled as \"other\".",
                 o->suppress_below, o->suppress_below - 1, o->suppress_below,
                 o->suppress_below, o->suppress_below);
    double y = 80, w = d->w - 72;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    for (int i = 0; i < (o->suppress_below > 1 ? 11 : 10); i++)
        y = render_paragraph(d->cr, &d->f, 9, 36, y, w, p[i]) + 6;
    page_end(d);
}

int report_pdf(const struct ingest_result *in, const struct analysis *a,
               const struct pdf_opts *o, char **out, size_t *len, struct diag *dg)
{
    struct doc d = {.in = in, .a = a, .o = o};
    struct membuf m = {0};
    int rc = render_fonts_open(&d.f, dg);
    if (rc)
        return rc;
    d.f.suppress_below = a->opts.suppress_below;
    d.hid = a->disc.flow;
    model_flow_counts(in, a, d.flow);
    d.w = o->letter ? 792 : 841.89;
    d.h = o->letter ? 612 : 595.28;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_mem, &m, d.w, d.h);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Treatment outcomes: quality review");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "outcomes " OUTCOMES_VERSION);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, o->date_iso);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, o->date_iso);
    d.cr = cairo_create(s);
    page_summary(&d);
    page_time(&d);
    page_trajectory(&d);
    page_waterfall(&d);
    page_monthly(&d);
    page_forest(&d);
    page_strata_km(&d);
    page_safety(&d);
    page_quality(&d);
    page_definitions(&d);
    cairo_status_t st = cairo_status(d.cr);
    cairo_destroy(d.cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    render_fonts_close(&d.f);
    if (st != CAIRO_STATUS_SUCCESS || m.oom || d.oom) {
        free(m.s);
        return diag_set(dg, DIAG_IO, NULL, 0, 0, "drawing the PDF failed: %s",
                        m.oom || d.oom ? "out of memory" : cairo_status_to_string(st));
    }
    *out = m.s;
    *len = m.n;
    return 0;
}
