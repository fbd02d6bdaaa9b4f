/* km_chart.c: the time-to-response chart. Cumulative proportion with the event (1 - S(t)) in %,
 * one step curve per series with its 95 % band (from the log-transformed limits), censor ticks
 * on the curve, the median marked (or "not reached"), and a number-at-risk table whose columns
 * are placed with the same axis mapping as the x-axis ticks, so they line up exactly. The table
 * follows KMunicate (Morris et al., BMJ Open 2019): at risk at each time, and events and
 * censored cumulative from time 0, each series' rows under its own name. The curve and the
 * table stop at the last row drawn (where too few remain at risk), and the axis ends there, so
 * that the rise is not squeezed into the left of a long axis. No text below 7.5 pt. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/render.h"
#include "outcomes/text.h"

/* Events and censorings in (a, b]. */
static void between(const struct km *k, double a, double b, long *ev, long *ce)
{
    *ev = *ce = 0;
    for (size_t i = 0; i < k->ncurve; i++)
        if (k->curve[i].time > a && k->curve[i].time <= b) {
            *ev += k->curve[i].n_event;
            *ce += k->curve[i].n_censor;
        }
}

static void fmt_num(char *buf, size_t n, double v)
{
    if (v == floor(v))
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.1f", v);
}

/* The time up to which series s may be shown: its last drawable row's (all rows when nothing
 * is withheld). */
static double shown_until(const struct km *k, const struct km_show *show)
{
    if (show->rows >= k->ncurve)
        return INFINITY;
    return show->rows ? k->curve[show->rows - 1].time : -1;
}

/* Room for one legend item: a name of up to 64 characters and its numbers. */
#define KM_ITEM_ROOM (TEXT_ROOM(64) + 200)

/* One chart's inputs and the geometry its parts are drawn with (set by render_km). */
struct km_chart {
    cairo_t *cr;
    const struct fonts *f;
    const struct km *const *km;
    const struct km_show *show;
    const char *const *names, *const *risk_names;
    int nseries;
    const char *xunit;
    int risk_table;                      /* 1 a full chart, 0 small multiples */
    double fs, label_w, row_h, legend_w; /* legend font size, label column, table row, legend */
    struct box b, p;                     /* the chart's box and its plot */
    struct axis ax, ay;                  /* days (or sessions) and % */
    char (*items)[KM_ITEM_ROOM];         /* the legend's items */
    int *item_lines;                     /* the lines each item takes (1 or 2) */
};

/* Series s's median as the legend gives it, into med[0..n). */
static void km_median_text(const struct km_chart *c, int s, char *med, size_t n)
{
    const struct km *k = c->km[s];
    if (!c->show[s].drawn)
        snprintf(med, n, "not drawn (n withheld)");
    else if (c->show[s].median)
        snprintf(med, n, "withheld");
    else if (isnan(k->median))
        snprintf(med, n, "not reached");
    else {
        fmt_num(med, n, k->median);
        snprintf(med + strlen(med), n - strlen(med), " %s", c->xunit);
    }
}

/* Series s's legend item (c->items[s], c->item_lines[s]): its name (whole, up to 64
 * characters) with its n and median; in small multiples an item wraps onto a second line
 * rather than lose its name's end. Returns 1 when the name had to be shortened. */
static int km_legend_item(struct km_chart *c, int s)
{
    const struct km *k = c->km[s];
    const struct km_show *sh = &c->show[s];
    char med[64], rest[200], cn[24], ce[24], name[TEXT_ROOM(64)];
    render_count(c->f, k->n, sh->n, cn, sizeof cn);
    render_count(c->f, k->events, sh->events, ce, sizeof ce);
    km_median_text(c, s, med, sizeof med);
    int none = sh->drawn && sh->rows == 0 && sh->min_at_risk > 0;
    if (c->risk_table)
        snprintf(rest, sizeof rest, " (n %s, %s events): median %s%s", cn, ce, med,
                 none ? "; not drawn: fewer at risk than the cut" : "");
    else if (none)
        snprintf(rest, sizeof rest, " (n %s): fewer than %ld at risk, not drawn", cn,
                 sh->min_at_risk);
    else
        snprintf(rest, sizeof rest, " (n %s): median %s", cn, med);
    text_display(name, sizeof name, c->names[s], 64);
    snprintf(c->items[s], sizeof c->items[s], "%s%s", name, rest);
    c->item_lines[s] =
        c->risk_table || render_wrap_fits(c->cr, c->f, 0, c->fs, c->legend_w, 1, c->items[s]) ? 1
                                                                                              : 2;
    if (c->risk_table || render_wrap_fits(c->cr, c->f, 0, c->fs, c->legend_w, 2, c->items[s]))
        return 0;
    /* the name shortened (ending "...") until name and numbers fit two lines */
    size_t lo = 1, hi = text_display_chars(name);
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        text_display(name, sizeof name, c->names[s], mid);
        snprintf(c->items[s], sizeof c->items[s], "%s%s", name, rest);
        if (render_wrap_fits(c->cr, c->f, 0, c->fs, c->legend_w, 2, c->items[s]))
            lo = mid;
        else
            hi = mid - 1;
    }
    text_display(name, sizeof name, c->names[s], lo);
    snprintf(c->items[s], sizeof c->items[s], "%s%s", name, rest);
    return 1;
}

/* The x axis (ticks and its title), the y axis' title, the grid and the frame. */
static void km_draw_axes(const struct km_chart *c, const char *ylabel)
{
    cairo_t *cr = c->cr;
    const struct box p = c->p;
    render_hgrid(cr, c->f, p, &c->ay, 1);
    render_frame(cr, p);
    char buf[64];
    for (int i = 0; i < c->ax.nticks; i++) {
        double x = render_axis_map(&c->ax, c->ax.tick[i]);
        cairo_move_to(cr, x, p.y + p.h);
        cairo_line_to(cr, x, p.y + p.h + 3);
        cairo_stroke(cr);
        fmt_num(buf, sizeof buf, c->ax.tick[i]);
        render_text(cr, c->f, 0, 8, x, p.y + p.h + 12, 0.5, buf);
    }
    snprintf(buf, sizeof buf, "%s since the index date", c->xunit);
    if (c->xunit[0] == 's')
        snprintf(buf, sizeof buf, "sessions before the score (treatment dates)");
    render_text(cr, c->f, 0, 8.5, p.x + p.w / 2, p.y + p.h + 24, 0.5, buf);
    cairo_save(cr);
    cairo_translate(cr, c->b.x + 8, p.y + p.h / 2);
    cairo_rotate(cr, -RENDER_PI / 2);
    render_text(cr, c->f, 0, 8.5, 0, 0, 0.5, ylabel);
    cairo_restore(cr);
}

/* The 95 % bands of the curves drawn (full charts only: in small multiples several bands
 * would hide each other). */
static void km_draw_bands(const struct km_chart *c)
{
    cairo_t *cr = c->cr;
    for (int s = 0; s < c->nseries; s++) {
        const struct km *k = c->km[s];
        if (!c->show[s].drawn)
            continue;
        double r, g, bl;
        render_series_rgb(s, &r, &g, &bl);
        cairo_set_source_rgba(cr, r, g, bl, 0.13);
        double prev_t = 0, lo = 0, hi = 0; /* 1 - upper, 1 - lower */
        for (size_t i = 0; i < k->ncurve; i++) {
            const struct km_row *row = &k->curve[i];
            if (isnan(row->lower) || i >= c->show[s].rows)
                break;
            double x0 = render_axis_map(&c->ax, prev_t), x1 = render_axis_map(&c->ax, row->time);
            cairo_rectangle(cr, x0, render_axis_map(&c->ay, 100 * hi), x1 - x0,
                            render_axis_map(&c->ay, 100 * lo) - render_axis_map(&c->ay, 100 * hi));
            prev_t = row->time;
            lo = 1 - row->upper;
            hi = 1 - row->lower;
        }
        cairo_fill(cr);
    }
}

/* The step curves of the series drawn, each with its censor ticks. */
static void km_draw_curves(const struct km_chart *c)
{
    cairo_t *cr = c->cr;
    for (int s = 0; s < c->nseries; s++) {
        const struct km *k = c->km[s];
        if (!c->show[s].drawn)
            continue;
        render_series_style(cr, s);
        cairo_set_line_width(cr, 1.6);
        double level = 0;
        cairo_move_to(cr, render_axis_map(&c->ax, 0), render_axis_map(&c->ay, 0));
        for (size_t i = 0; i < k->ncurve; i++) {
            if (i >= c->show[s].rows)
                break; /* suppression: the curve ends where fewer remain at risk */
            double x = render_axis_map(&c->ax, k->curve[i].time);
            cairo_line_to(cr, x, render_axis_map(&c->ay, 100 * level));
            level = 1 - k->curve[i].surv;
            cairo_line_to(cr, x, render_axis_map(&c->ay, 100 * level));
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_width(cr, 0.9);
        level = 0;
        for (size_t i = 0; i < k->ncurve; i++) {
            if (i >= c->show[s].rows)
                break;
            level = 1 - k->curve[i].surv;
            if (k->curve[i].n_censor > 0) {
                double x = render_axis_map(&c->ax, k->curve[i].time),
                       y = render_axis_map(&c->ay, 100 * level);
                cairo_move_to(cr, x, y - 3);
                cairo_line_to(cr, x, y + 3);
            }
        }
        cairo_stroke(cr);
    }
}

/* A two-line legend item from baseline ly: the first line the longest prefix ending at a
 * space that fits the legend's width. 9.5-point lines: render_wrap spaces them 1.35 x 7.5 =
 * 10.1, so each line is drawn here. */
static void km_draw_item_two_lines(const struct km_chart *c, const char *item, double lx, double ly)
{
    cairo_t *cr = c->cr;
    char first[KM_ITEM_ROOM];
    size_t len = strlen(item), cut = 0;
    for (size_t i = 0; i <= len; i++) { /* the longest prefix at a space that fits */
        if (i < len && item[i] != ' ')
            continue;
        memcpy(first, item, i);
        first[i] = '\0';
        if (render_text_width(cr, c->f, 0, c->fs, first) > c->legend_w)
            break;
        cut = i;
    }
    if (cut == 0)
        cut = len / 2;
    memcpy(first, item, cut);
    first[cut] = '\0';
    render_label(cr, c->f, 0, c->fs, lx + 22, ly + 3, 0, c->legend_w, TEXT_ALL, first);
    render_label(cr, c->f, 0, c->fs, lx + 22, ly + 12.5, 0, c->legend_w, TEXT_ALL,
                 item + cut + (item[cut] == ' '));
}

/* The legend: above the plot (full charts) or under its x axis (small multiples), never on
 * the curves. */
static void km_draw_legend(const struct km_chart *c)
{
    cairo_t *cr = c->cr;
    for (int s = 0, line = 0; s < c->nseries; s++) {
        double lx = c->p.x;
        double ly = c->risk_table ? c->b.y + 6 + 11.0 * s : c->p.y + c->p.h + 34 + 9.5 * line;
        line += c->item_lines[s];
        render_series_style(cr, s);
        cairo_set_line_width(cr, 1.6);
        cairo_move_to(cr, lx, ly);
        cairo_line_to(cr, lx + 18, ly);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        if (c->item_lines[s] == 1)
            render_label(cr, c->f, 0, c->fs, lx + 22, ly + 3, 0, c->legend_w, TEXT_ALL,
                         c->items[s]);
        else
            km_draw_item_two_lines(c, c->items[s], lx, ly);
    }
}

/* Series s's rows of the at-risk table from baseline y0 (its name, then nrows of at risk,
 * events and censored, cumulative), one column at each x tick; ticks past the last row drawn
 * are left empty. */
static void km_draw_risk_rows(const struct km_chart *c, int s, double y0, int nrows)
{
    static const char *const rows[3] = {"at risk", "events", "censored"};
    cairo_t *cr = c->cr;
    const struct fonts *f = c->f;
    const struct km *k = c->km[s];
    const struct box b = c->b;
    char lab[TEXT_ROOM(40) + 16], buf[64];
    render_label_fit(cr, f, 1, 7.5, b.w, 40, c->risk_names[s], lab, sizeof lab);
    double r, g, bl;
    render_series_rgb(s, &r, &g, &bl);
    cairo_set_source_rgb(cr, r, g, bl);
    render_text(cr, f, 1, 7.5, b.x, y0, 0, lab);
    for (int rr = 0; rr < nrows; rr++) {
        double y = y0 + c->row_h * (1 + rr);
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        render_text(cr, f, 0, 7.5, b.x + 8, y, 0, rows[rr]);
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (int i = 0; i < c->ax.nticks; i++) {
            double t = c->ax.tick[i];
            long v = 0, ev, ce;
            if (rr == 0)
                v = stats_km_at_risk(k, t);
            else {
                between(k, -INFINITY, t, &ev, &ce); /* cumulative from 0 */
                v = rr == 1 ? ev : ce;
            }
            if (!c->show[s].drawn || c->show[s].n || t > shown_until(k, &c->show[s]))
                buf[0] = '\0'; /* past the last row drawn, or n withheld */
            else
                render_count(f, v, 0, buf, sizeof buf);
            render_text(cr, f, 0, 7.5, render_axis_map(&c->ax, t), y, 0.5, buf);
        }
    }
}

/* The convention under the at-risk table (nrows 1: at risk only, under suppression), from
 * baseline cy. */
static void km_draw_risk_convention(const struct km_chart *c, int nrows, double cy)
{
    const struct fonts *f = c->f;
    char conv[320];
    long cut = 0;
    for (int s = 0; s < c->nseries; s++)
        cut = c->show[s].min_at_risk > cut ? c->show[s].min_at_risk : cut;
    /* under suppression the rows drawn stop at N at risk too (the disclosure decision):
     * the sentence names the larger cut, and says why events and censored are missing */
    if (nrows == 1 && f->suppress_below > cut)
        cut = f->suppress_below;
    if (nrows == 1)
        snprintf(conv, sizeof conv,
                 "At risk: episodes still followed at that %s. Events and censored are not "
                 "shown under small-cell suppression.",
                 c->xunit[0] == 's' ? "session" : "day");
    else
        snprintf(conv, sizeof conv,
                 "At risk: episodes still followed at that %s. Events and censored: "
                 "cumulative from 0 up to it (KMunicate).",
                 c->xunit[0] == 's' ? "session" : "day");
    if (cut > 1)
        snprintf(conv + strlen(conv), sizeof conv - strlen(conv),
                 " Curves stop where fewer than %ld remain at risk.", cut);
    cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
    render_wrap(c->cr, f, 0, 7.5, c->b.x, cy, c->b.w, 2, conv);
}

/* The number-at-risk table, columns at the x ticks: per series its name, then at risk,
 * events and censored (cumulative), and the convention under it. */
static void km_draw_at_risk_table(const struct km_chart *c)
{
    cairo_t *cr = c->cr;
    const struct fonts *f = c->f;
    double ty = c->p.y + c->p.h + 40;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 1, 7.5, c->b.x, ty, 0, "Number at risk");
    int nwh = 0;
    for (int s = 0; s < c->nseries; s++)
        nwh |= c->show[s].drawn && c->show[s].n;
    if (nwh) {
        char note[160];
        snprintf(note, sizeof note,
                 "withheld: the number of episodes would give a count below %d away",
                 f->suppress_below);
        render_text(cr, f, 0, 7.5, c->b.x + 80, ty, 0, note);
    }
    int nrows = f->suppress_below > 1 ? 1 : 3; /* under suppression: at risk only */
    for (int s = 0; s < c->nseries; s++)
        km_draw_risk_rows(c, s, ty + c->row_h * (1 + (nrows + 1) * s), nrows);
    km_draw_risk_convention(c, nrows, ty + c->row_h * (1 + (nrows + 1) * c->nseries) + 4);
}

/* The plot's box and axes: the legend above it (full charts) or below_lines of it under the
 * x axis (small multiples), the at-risk table under it; the x axis to tmax. */
static void km_layout(struct km_chart *c, double tmax, int below_lines)
{
    const struct box b = c->b;
    const int risk_table = c->risk_table, nseries = c->nseries;
    double table_h =
        risk_table ? ((c->f->suppress_below > 1 ? 2 : 4) * nseries + 1) * c->row_h + 6 + 22 : 0;
    double legend_h = risk_table ? 11.0 * nseries + 6 : 4;
    double below_h = risk_table ? 0 : 9.5 * below_lines + 2; /* small multiples: legend under */
    /* the right margin holds half of the last tick's widest at-risk number */
    c->p = (struct box){b.x + c->label_w, b.y + legend_h, b.w - c->label_w - (risk_table ? 22 : 8),
                        b.h - legend_h - 30 - table_h - below_h};
    render_axis_nice(&c->ax, 0, tmax > 0 ? tmax : 1, 7, c->p.x, c->p.x + c->p.w);
    render_axis_percent(&c->ay, c->p);
}

/* The medians' dashed guides, where a median is shown and within the curve drawn. */
static void km_draw_medians(const struct km_chart *c)
{
    for (int s = 0; s < c->nseries; s++) {
        const struct km *k = c->km[s];
        const struct km_show *sh = &c->show[s];
        if (isnan(k->median) || sh->median || !sh->drawn || k->median > shown_until(k, sh))
            continue;
        render_median_guide(c->cr, c->p, &c->ax, &c->ay, k->median);
    }
}

int render_km(cairo_t *cr, const struct fonts *f, struct box b, const struct km *const *km,
              const struct km_show *show, const char *const *names, const char *const *risk_names,
              int nseries, const char *xunit, const char *ylabel, int risk_table)
{
    if (!risk_names)
        risk_names = names;
    cairo_save(cr);
    double tmax = 0;
    long n = 0;
    int drawn = 0;
    for (int s = 0; s < nseries; s++) {
        n += km[s]->n;
        size_t rows = show[s].rows;
        drawn += show[s].drawn;
        if (show[s].drawn && rows && km[s]->curve[rows - 1].time > tmax)
            tmax = km[s]->curve[rows - 1].time;
    }
    if (n == 0) {
        render_empty(cr, f, b, "no eligible episode with a follow-up score in this period");
        cairo_restore(cr);
        return 0;
    }
    if (!drawn) {
        render_curve_withheld(cr, f, b, "episodes");
        cairo_restore(cr);
        return 0;
    }
    struct km_chart c = {.cr = cr,
                         .f = f,
                         .km = km,
                         .show = show,
                         .names = names,
                         .risk_names = risk_names,
                         .nseries = nseries,
                         .xunit = xunit,
                         .risk_table = risk_table,
                         .fs = 7.5,
                         .label_w = risk_table ? 64 : 44,
                         .row_h = 10,
                         .b = b};
    c.legend_w = b.w - c.label_w - 22;
    c.items = malloc((size_t)nseries * sizeof *c.items);
    c.item_lines = malloc((size_t)nseries * sizeof *c.item_lines);
    if (!c.items || !c.item_lines) {
        free(c.items);
        free(c.item_lines);
        cairo_restore(cr);
        return 0;
    }
    int below_lines = 0, shortened = 0;
    for (int s = 0; s < nseries; s++) {
        shortened |= km_legend_item(&c, s);
        below_lines += c.item_lines[s];
    }
    km_layout(&c, tmax, below_lines);
    /* grid and axes */
    km_draw_axes(&c, ylabel);
    /* bands (full charts only), then curves */
    if (risk_table)
        km_draw_bands(&c);
    km_draw_curves(&c);
    /* medians: a dashed guide at 50 % and down to the axis */
    if (risk_table)
        km_draw_medians(&c);
    km_draw_legend(&c);
    if (risk_table)
        km_draw_at_risk_table(&c);
    free(c.items);
    free(c.item_lines);
    cairo_restore(cr);
    return shortened;
}
