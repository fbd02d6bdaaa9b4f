/* sustained.c: the sustained-response chart of the Durability page (SPEC 12). The share of
 * responders still responding, S(t) in %, from 100 % at the first response: a step curve with
 * its 95 % band (log-transformed limits), censor ticks, the median guide when reached, published
 * reference points (hollow diamonds, labelled), and the number at risk under the x-axis ticks.
 * The caller passes how much of the curve may be drawn (rows) and whether it is drawn at all:
 * the disclosure decision, never the threshold. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/render.h"

/* One sustained-response chart's inputs and the geometry its parts are drawn with (set by
 * render_sustained). */
struct sustained_chart {
    cairo_t *cr;
    const struct fonts *f;
    const struct km *k;
    size_t rows;        /* curve rows drawn */
    struct box b, p;    /* the chart's box and its plot */
    struct axis ax, ay; /* days and % */
};

/* The x axis from 0 to tmax on plot p, in 4-week steps (2 or 1 week when the curve is short),
 * so that 4 and 8 weeks read off the axis. */
static void sustained_axis(struct axis *ax, double tmax, struct box p)
{
    double step = tmax > 84 ? 28 : tmax > 28 ? 14 : 7;
    ax->lo = 0;
    ax->hi = ceil(tmax / step) * step;
    ax->p0 = p.x;
    ax->p1 = p.x + p.w;
    ax->nticks = 0;
    for (double t = 0; t <= ax->hi + 1e-9 && ax->nticks < 24; t += step)
        ax->tick[ax->nticks++] = t;
}

/* The grid, the frame, the x axis' ticks and title (cut: the curve is longer than the axis). */
static void sustained_draw_axes(const struct sustained_chart *c, int cut)
{
    cairo_t *cr = c->cr;
    const struct box p = c->p;
    render_hgrid(cr, c->f, p, &c->ay, 1);
    render_frame(cr, p);
    char buf[96];
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.6);
    for (int i = 0; i < c->ax.nticks; i++) {
        double x = render_axis_map(&c->ax, c->ax.tick[i]);
        cairo_move_to(cr, x, p.y + p.h);
        cairo_line_to(cr, x, p.y + p.h + 3);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%.0f", c->ax.tick[i]);
        render_text(cr, c->f, 0, 8, x, p.y + p.h + 12, 0.5, buf);
    }
    render_text(cr, c->f, 0, 8.5, p.x + p.w / 2, p.y + p.h + 24, 0.5,
                cut ? "days since the first response (the first 26 weeks; the whole curve is "
                      "in results.json)"
                    : "days since the first response");
}

/* The band, then the curve and its censor ticks. */
static void sustained_draw_curve(const struct sustained_chart *c)
{
    cairo_t *cr = c->cr;
    const struct km *k = c->k;
    double r, g, bl;
    render_series_rgb(0, &r, &g, &bl);
    cairo_set_source_rgba(cr, r, g, bl, 0.15);
    double prev_t = 0, lo = 1, hi = 1;
    for (size_t i = 0; i < c->rows; i++) {
        const struct km_row *row = &k->curve[i];
        double x0 = render_axis_map(&c->ax, prev_t), x1 = render_axis_map(&c->ax, row->time);
        cairo_rectangle(cr, x0, render_axis_map(&c->ay, 100 * hi), x1 - x0,
                        render_axis_map(&c->ay, 100 * lo) - render_axis_map(&c->ay, 100 * hi));
        if (isnan(row->lower))
            break;
        prev_t = row->time;
        lo = row->lower;
        hi = row->upper;
    }
    cairo_fill(cr);
    render_series_style(cr, 0);
    cairo_set_line_width(cr, 1.6);
    double level = 1;
    cairo_move_to(cr, render_axis_map(&c->ax, 0), render_axis_map(&c->ay, 100));
    for (size_t i = 0; i < c->rows; i++) {
        double x = render_axis_map(&c->ax, k->curve[i].time);
        cairo_line_to(cr, x, render_axis_map(&c->ay, 100 * level));
        level = k->curve[i].surv;
        cairo_line_to(cr, x, render_axis_map(&c->ay, 100 * level));
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 0.9);
    for (size_t i = 0; i < c->rows; i++)
        if (k->curve[i].n_censor > 0) {
            double x = render_axis_map(&c->ax, k->curve[i].time),
                   y = render_axis_map(&c->ay, 100 * k->curve[i].surv);
            cairo_move_to(cr, x, y - 3);
            cairo_line_to(cr, x, y + 3);
        }
    cairo_stroke(cr);
}

/* Reference points: hollow diamonds with their values. */
static void sustained_draw_refs(const struct sustained_chart *c, const struct km_ref *refs,
                                int nrefs)
{
    cairo_t *cr = c->cr;
    for (int i = 0; i < nrefs; i++) {
        double x = render_axis_map(&c->ax, refs[i].time),
               y = render_axis_map(&c->ay, 100 * refs[i].surv);
        cairo_set_source_rgb(cr, 1, 1, 1);
        render_diamond(cr, x, y, 4.5);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.55, 0.1, 0.1);
        cairo_set_line_width(cr, 1.3);
        cairo_stroke(cr);
        /* the label on the side away from the curve: below when the curve runs above */
        double s_at = 1;
        for (size_t j = 0; j < c->rows && c->k->curve[j].time <= refs[i].time; j++)
            s_at = c->k->curve[j].surv;
        render_text(cr, c->f, 1, 7.5, x + 7, s_at >= refs[i].surv ? y + 11 : y - 5, 0,
                    refs[i].label);
    }
}

/* Legend: the curve and (with reference points) the reference. */
static void sustained_draw_legend(const struct sustained_chart *c, int nrefs,
                                  const char *refs_label)
{
    cairo_t *cr = c->cr;
    const struct box p = c->p, b = c->b;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_series_style(cr, 0);
    cairo_set_line_width(cr, 1.6);
    cairo_move_to(cr, p.x, b.y + 8);
    cairo_line_to(cr, p.x + 18, b.y + 8);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, c->f, 0, 8, p.x + 22, b.y + 11, 0,
                "this clinic: Kaplan-Meier, 95% band shaded, ticks = censored");
    if (nrefs > 0) {
        cairo_set_source_rgb(cr, 0.55, 0.1, 0.1);
        cairo_set_line_width(cr, 1.3);
        render_diamond(cr, p.x + 9, b.y + 21, 4);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, c->f, 0, 8, p.x + 22, b.y + 24, 0, refs_label);
    }
}

/* Number at risk at the ticks, while the curve is drawn. */
static void sustained_draw_at_risk(const struct sustained_chart *c)
{
    const struct km *k = c->k;
    char buf[96];
    double ty = c->p.y + c->p.h + 40;
    render_text(c->cr, c->f, 1, 7.5, c->b.x, ty, 0, "Number at risk");
    double last = c->rows ? (c->rows >= k->ncurve ? INFINITY : k->curve[c->rows - 1].time) : -1;
    for (int i = 0; i < c->ax.nticks; i++) {
        double t = c->ax.tick[i];
        if (t > last)
            break;
        render_count(c->f, stats_km_at_risk(k, t), 0, buf, sizeof buf);
        render_text(c->cr, c->f, 0, 7.5, render_axis_map(&c->ax, t), ty + 11, 0.5, buf);
    }
}

void render_sustained(cairo_t *cr, const struct fonts *f, struct box b, const struct km *k,
                      size_t rows, int drawn, int median_shown, const struct km_ref *refs,
                      int nrefs, const char *refs_label)
{
    cairo_save(cr);
    if (k->n == 0) {
        render_empty(cr, f, b, "no eligible episode with a response in this period");
        cairo_restore(cr);
        return;
    }
    if (!drawn) {
        render_curve_withheld(cr, f, b, "responders");
        cairo_restore(cr);
        return;
    }
    if (rows > k->ncurve)
        rows = k->ncurve;
    /* the first half year at most, in 4-week steps (2 or 1 week when the curve is short), so
     * that 4 and 8 weeks read off the axis; a longer curve is cut at the frame */
    double tmax = rows ? k->curve[rows - 1].time : 0;
    int cut = tmax > 182;
    if (cut)
        tmax = 182;
    for (int i = 0; i < nrefs; i++)
        if (refs[i].time * 1.1 > tmax)
            tmax = refs[i].time * 1.1;
    const double label_w = 46, legend_h = 30, table_h = 28;
    struct sustained_chart c = {
        .cr = cr,
        .f = f,
        .k = k,
        .rows = rows,
        .b = b,
        .p = {b.x + label_w, b.y + legend_h, b.w - label_w - 8, b.h - legend_h - 30 - table_h}};
    const struct box p = c.p;
    sustained_axis(&c.ax, tmax, p);
    render_axis_percent(&c.ay, p);
    sustained_draw_axes(&c, cut);
    cairo_save(cr);
    cairo_translate(cr, b.x + 10, p.y + p.h / 2);
    cairo_rotate(cr, -RENDER_PI / 2);
    render_text(cr, f, 0, 8.5, 0, 0, 0.5, "responders still responding (%)");
    cairo_restore(cr);
    cairo_save(cr); /* a curve longer than the axis is cut at the frame */
    cairo_rectangle(cr, p.x, p.y - 6, p.w, p.h + 12);
    cairo_clip(cr);
    sustained_draw_curve(&c);
    /* the median guide */
    if (median_shown && !isnan(k->median) && rows && k->median <= k->curve[rows - 1].time) {
        render_median_guide(cr, p, &c.ax, &c.ay, k->median);
    }
    cairo_restore(cr); /* the clip */
    sustained_draw_refs(&c, refs, nrefs);
    sustained_draw_legend(&c, nrefs, refs_label);
    sustained_draw_at_risk(&c);
    cairo_restore(cr);
}
