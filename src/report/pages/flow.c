/* flow.c: page 2, the CONSORT-style flow from export rows to outcomes (SPEC section 6 item 1;
 * moved off page 1 by SPEC section 10): rows -> accepted rows and patients -> episodes -> in
 * the period -> eligible (exclusions by reason) -> mature -> with an endpoint score ->
 * responders and remitters, each step's complement in a box to its right, and the rates beside
 * the last steps. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pages.h"

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

/* "label: rate (x of n; CI)" for a proportion, "withheld (small counts)" when it is withheld. */
static void proportion_line(struct doc *d, char *buf, size_t n, const char *label,
                            const struct proportion *p, struct disc_prop dp)
{
    char t[128];
    pct_ci(d, t, sizeof t, p, dp);
    snprintf(buf, n, "%s%s", label, hidden(dp) ? "withheld (small counts)" : t);
}

/* The flow from export rows to outcomes from y, with the rates beside its last steps; returns
 * the y below it. */
static double flow(struct doc *d, double y)
{
    const struct analysis *a = d->a;
    const struct report_input *in = d->in;
    cairo_t *cr = d->cr;
    char buf[256];
    char v[9][128], l[9][128], sv[9][128], sl[9][128];
    snprintf(v[0], sizeof v[0], "%s rows read", F(d, F_ROWS_READ));
    snprintf(sv[0], sizeof sv[0], "%s rejected, %s duplicate", F(d, F_REJECTED), F(d, F_DUPLICATE));
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
    proportion_line(d, buf, sizeof buf,
                    "response among those with a score: ", &a->response_observed,
                    a->disc.response_observed);
    render_text(cr, &d->f, 0, 8, sx, y + 12, 0, buf);
    proportion_line(d, buf, sizeof buf,
                    "remission among those with a score: ", &a->remission_observed,
                    a->disc.remission_observed);
    render_text(cr, &d->f, 0, 8, sx, y + 24, 0, buf);
    return y + 30 + 24;
}

static void draw_flow(struct doc *d)
{
    /* a --each sub-report: the rows are the export's, its episodes this value's */
    double y = page_begin(d, d->in->each_by
                                 ? "The rows are the whole export's; the episodes are those whose "
                                   "index treatment names this one. Each box to the right is the "
                                   "step's remainder."
                                 : "Every data row accounted for, from the export to the episodes "
                                   "behind the rates; each box to the right is the step's "
                                   "remainder.");
    double below = flow(d, y + 6);
    if (d->f.suppress_below > 1) {
        /* "< 11 eligible" above "62 with a follow-up score" reads as a contradiction unless
         * the page says what the one label covers (SPEC 9: one label for every withheld count) */
        char note[320];
        snprintf(note, sizeof note,
                 "< %d marks every withheld count: one below %d, or one withheld so that such a "
                 "count cannot be worked back from the others (it may then be larger). Small-cell "
                 "suppression, --suppress-below %d.",
                 d->f.suppress_below, d->f.suppress_below, d->f.suppress_below);
        cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
        render_wrap(d->cr, &d->f, 0, 8, 36, below, d->w - 72, 2, note);
    }
    page_end(d);
}

const struct page_info page_flow = {"From export rows to outcomes", draw_flow};
