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

/* At risk at t: n_risk of the first curve row at or after t (0 past the end). */
static long at_risk(const struct km *k, double t)
{
    for (size_t i = 0; i < k->ncurve; i++)
        if (k->curve[i].time >= t)
            return k->curve[i].n_risk;
    return 0;
}

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
        char msg[320];
        /* one sentence whether n is small or withheld with a small one (the reader must not
         * learn which) */
        snprintf(msg, sizeof msg,
                 "Not drawn: the number of episodes is withheld (fewer than %d, or withheld so "
                 "that such a count cannot be worked back), and a curve's steps would show "
                 "single patients or give it away (small-cell suppression, --suppress-below %d).",
                 f->suppress_below, f->suppress_below);
        render_withheld(cr, f, b, msg);
        cairo_restore(cr);
        return 0;
    }
    /* the legend's items: a series' name (whole, up to 64 characters) with its n and median;
     * in small multiples an item wraps onto a second line rather than lose its name's end */
    char(*items)[TEXT_ROOM(64) + 200] = malloc((size_t)nseries * sizeof *items);
    int *item_lines = malloc((size_t)nseries * sizeof *item_lines);
    if (!items || !item_lines) {
        free(items);
        free(item_lines);
        cairo_restore(cr);
        return 0;
    }
    const double fs = 7.5, label_w = risk_table ? 64 : 44, row_h = 10;
    double legend_w = b.w - label_w - 22;
    int below_lines = 0, shortened = 0;
    for (int s = 0; s < nseries; s++) {
        const struct km *k = km[s];
        char med[64], rest[200], cn[24], ce[24], name[TEXT_ROOM(64)];
        render_count(f, k->n, show[s].n, cn, sizeof cn);
        render_count(f, k->events, show[s].events, ce, sizeof ce);
        if (!show[s].drawn)
            snprintf(med, sizeof med, "not drawn (n withheld)");
        else if (show[s].median)
            snprintf(med, sizeof med, "withheld");
        else if (isnan(k->median))
            snprintf(med, sizeof med, "not reached");
        else {
            fmt_num(med, sizeof med, k->median);
            snprintf(med + strlen(med), sizeof med - strlen(med), " %s", xunit);
        }
        int none = show[s].drawn && show[s].rows == 0 && show[s].min_at_risk > 0;
        if (risk_table)
            snprintf(rest, sizeof rest, " (n %s, %s events): median %s%s", cn, ce, med,
                     none ? "; not drawn: fewer at risk than the cut" : "");
        else if (none)
            snprintf(rest, sizeof rest, " (n %s): fewer than %ld at risk, not drawn", cn,
                     show[s].min_at_risk);
        else
            snprintf(rest, sizeof rest, " (n %s): median %s", cn, med);
        text_display(name, sizeof name, names[s], 64);
        snprintf(items[s], sizeof items[s], "%s%s", name, rest);
        item_lines[s] = risk_table || render_wrap_fits(cr, f, 0, fs, legend_w, 1, items[s]) ? 1 : 2;
        if (!risk_table && !render_wrap_fits(cr, f, 0, fs, legend_w, 2, items[s])) {
            /* the name shortened (ending "...") until name and numbers fit two lines */
            size_t lo = 1, hi = text_display_chars(name);
            while (lo < hi) {
                size_t mid = lo + (hi - lo + 1) / 2;
                text_display(name, sizeof name, names[s], mid);
                snprintf(items[s], sizeof items[s], "%s%s", name, rest);
                if (render_wrap_fits(cr, f, 0, fs, legend_w, 2, items[s]))
                    lo = mid;
                else
                    hi = mid - 1;
            }
            text_display(name, sizeof name, names[s], lo);
            snprintf(items[s], sizeof items[s], "%s%s", name, rest);
            shortened = 1;
        }
        below_lines += item_lines[s];
    }
    double table_h =
        risk_table ? ((f->suppress_below > 1 ? 2 : 4) * nseries + 1) * row_h + 6 + 22 : 0;
    double legend_h = risk_table ? 11.0 * nseries + 6 : 4;
    double below_h = risk_table ? 0 : 9.5 * below_lines + 2; /* small multiples: legend under */
    /* the right margin holds half of the last tick's widest at-risk number */
    struct box p = {b.x + label_w, b.y + legend_h, b.w - label_w - (risk_table ? 22 : 8),
                    b.h - legend_h - 30 - table_h - below_h};
    struct axis ax, ay;
    render_axis_nice(&ax, 0, tmax > 0 ? tmax : 1, 7, p.x, p.x + p.w);
    render_axis_percent(&ay, p);
    /* grid and axes */
    render_hgrid(cr, f, p, &ay, 1);
    render_frame(cr, p);
    char buf[64];
    for (int i = 0; i < ax.nticks; i++) {
        double x = render_axis_map(&ax, ax.tick[i]);
        cairo_move_to(cr, x, p.y + p.h);
        cairo_line_to(cr, x, p.y + p.h + 3);
        cairo_stroke(cr);
        fmt_num(buf, sizeof buf, ax.tick[i]);
        render_text(cr, f, 0, 8, x, p.y + p.h + 12, 0.5, buf);
    }
    snprintf(buf, sizeof buf, "%s since the index date", xunit);
    if (xunit[0] == 's')
        snprintf(buf, sizeof buf, "sessions before the score (treatment dates)");
    render_text(cr, f, 0, 8.5, p.x + p.w / 2, p.y + p.h + 24, 0.5, buf);
    cairo_save(cr);
    cairo_translate(cr, b.x + 8, p.y + p.h / 2);
    cairo_rotate(cr, -RENDER_PI / 2);
    render_text(cr, f, 0, 8.5, 0, 0, 0.5, ylabel);
    cairo_restore(cr);
    /* bands (full charts only: in small multiples several bands would hide each other), then
     * curves */
    for (int s = 0; s < nseries && risk_table; s++) {
        const struct km *k = km[s];
        if (!show[s].drawn)
            continue;
        double r, g, bl;
        render_series_rgb(s, &r, &g, &bl);
        cairo_set_source_rgba(cr, r, g, bl, 0.13);
        double prev_t = 0, lo = 0, hi = 0; /* 1 - upper, 1 - lower */
        for (size_t i = 0; i < k->ncurve; i++) {
            const struct km_row *row = &k->curve[i];
            if (isnan(row->lower) || i >= show[s].rows)
                break;
            double x0 = render_axis_map(&ax, prev_t), x1 = render_axis_map(&ax, row->time);
            cairo_rectangle(cr, x0, render_axis_map(&ay, 100 * hi), x1 - x0,
                            render_axis_map(&ay, 100 * lo) - render_axis_map(&ay, 100 * hi));
            prev_t = row->time;
            lo = 1 - row->upper;
            hi = 1 - row->lower;
        }
        cairo_fill(cr);
    }
    for (int s = 0; s < nseries; s++) {
        const struct km *k = km[s];
        if (!show[s].drawn)
            continue;
        render_series_style(cr, s);
        cairo_set_line_width(cr, 1.6);
        double level = 0;
        cairo_move_to(cr, render_axis_map(&ax, 0), render_axis_map(&ay, 0));
        for (size_t i = 0; i < k->ncurve; i++) {
            if (i >= show[s].rows)
                break; /* suppression: the curve ends where fewer remain at risk */
            double x = render_axis_map(&ax, k->curve[i].time);
            cairo_line_to(cr, x, render_axis_map(&ay, 100 * level));
            level = 1 - k->curve[i].surv;
            cairo_line_to(cr, x, render_axis_map(&ay, 100 * level));
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_width(cr, 0.9);
        level = 0;
        for (size_t i = 0; i < k->ncurve; i++) {
            if (i >= show[s].rows)
                break;
            level = 1 - k->curve[i].surv;
            if (k->curve[i].n_censor > 0) {
                double x = render_axis_map(&ax, k->curve[i].time),
                       y = render_axis_map(&ay, 100 * level);
                cairo_move_to(cr, x, y - 3);
                cairo_line_to(cr, x, y + 3);
            }
        }
        cairo_stroke(cr);
    }
    /* medians: a dashed guide at 50 % and down to the axis */
    for (int s = 0; s < nseries && risk_table; s++) {
        const struct km *k = km[s];
        if (isnan(k->median) || show[s].median || !show[s].drawn ||
            k->median > shown_until(k, &show[s]))
            continue;
        render_median_guide(cr, p, &ax, &ay, k->median);
    }
    /* the legend: above the plot (full charts) or under its x axis (small multiples), never
     * on the curves */
    for (int s = 0, line = 0; s < nseries; s++) {
        double lx = p.x;
        double ly = risk_table ? b.y + 6 + 11.0 * s : p.y + p.h + 34 + 9.5 * line;
        line += item_lines[s];
        render_series_style(cr, s);
        cairo_set_line_width(cr, 1.6);
        cairo_move_to(cr, lx, ly);
        cairo_line_to(cr, lx + 18, ly);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        if (item_lines[s] == 1)
            render_label(cr, f, 0, fs, lx + 22, ly + 3, 0, legend_w, TEXT_ALL, items[s]);
        else {
            /* 9.5-point lines: render_wrap spaces them 1.35 x 7.5 = 10.1; draw each itself */
            char first[TEXT_ROOM(64) + 200];
            size_t len = strlen(items[s]), cut = 0;
            for (size_t i = 0; i <= len; i++) { /* the longest prefix at a space that fits */
                if (i < len && items[s][i] != ' ')
                    continue;
                memcpy(first, items[s], i);
                first[i] = '\0';
                if (render_text_width(cr, f, 0, fs, first) > legend_w)
                    break;
                cut = i;
            }
            if (cut == 0)
                cut = len / 2;
            memcpy(first, items[s], cut);
            first[cut] = '\0';
            render_label(cr, f, 0, fs, lx + 22, ly + 3, 0, legend_w, TEXT_ALL, first);
            render_label(cr, f, 0, fs, lx + 22, ly + 12.5, 0, legend_w, TEXT_ALL,
                         items[s] + cut + (items[s][cut] == ' '));
        }
    }
    /* the number-at-risk table, columns at the x ticks: per series its name, then at risk,
     * events and censored (cumulative); ticks past the last row drawn are left empty */
    if (risk_table) {
        double ty = p.y + p.h + 40;
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, f, 1, 7.5, b.x, ty, 0, "Number at risk");
        int nwh = 0;
        for (int s = 0; s < nseries; s++)
            nwh |= show[s].drawn && show[s].n;
        if (nwh) {
            char note[160];
            snprintf(note, sizeof note,
                     "withheld: the number of episodes would give a count below %d away",
                     f->suppress_below);
            render_text(cr, f, 0, 7.5, b.x + 80, ty, 0, note);
        }
        int nrows = f->suppress_below > 1 ? 1 : 3; /* under suppression: at risk only */
        for (int s = 0; s < nseries; s++) {
            static const char *const rows[3] = {"at risk", "events", "censored"};
            double y0 = ty + row_h * (1 + (nrows + 1) * s);
            char lab[TEXT_ROOM(40) + 16];
            render_label_fit(cr, f, 1, 7.5, b.w, 40, risk_names[s], lab, sizeof lab);
            double r, g, bl;
            render_series_rgb(s, &r, &g, &bl);
            cairo_set_source_rgb(cr, r, g, bl);
            render_text(cr, f, 1, 7.5, b.x, y0, 0, lab);
            for (int rr = 0; rr < nrows; rr++) {
                double y = y0 + row_h * (1 + rr);
                cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
                render_text(cr, f, 0, 7.5, b.x + 8, y, 0, rows[rr]);
                cairo_set_source_rgb(cr, 0, 0, 0);
                for (int i = 0; i < ax.nticks; i++) {
                    double t = ax.tick[i];
                    long v = 0, ev, ce;
                    if (rr == 0)
                        v = at_risk(km[s], t);
                    else {
                        between(km[s], -INFINITY, t, &ev, &ce); /* cumulative from 0 */
                        v = rr == 1 ? ev : ce;
                    }
                    if (!show[s].drawn || show[s].n || t > shown_until(km[s], &show[s]))
                        buf[0] = '\0'; /* past the last row drawn, or n withheld */
                    else
                        render_count(f, v, 0, buf, sizeof buf);
                    render_text(cr, f, 0, 7.5, render_axis_map(&ax, t), y, 0.5, buf);
                }
            }
        }
        char conv[320];
        double cy = ty + row_h * (1 + (nrows + 1) * nseries) + 4;
        long cut = 0;
        for (int s = 0; s < nseries; s++)
            cut = show[s].min_at_risk > cut ? show[s].min_at_risk : cut;
        /* under suppression the rows drawn stop at N at risk too (the disclosure decision):
         * the sentence names the larger cut, and says why events and censored are missing */
        if (nrows == 1 && f->suppress_below > cut)
            cut = f->suppress_below;
        if (nrows == 1)
            snprintf(conv, sizeof conv,
                     "At risk: episodes still followed at that %s. Events and censored are not "
                     "shown under small-cell suppression.",
                     xunit[0] == 's' ? "session" : "day");
        else
            snprintf(conv, sizeof conv,
                     "At risk: episodes still followed at that %s. Events and censored: "
                     "cumulative from 0 up to it (KMunicate).",
                     xunit[0] == 's' ? "session" : "day");
        if (cut > 1)
            snprintf(conv + strlen(conv), sizeof conv - strlen(conv),
                     " Curves stop where fewer than %ld remain at risk.", cut);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        render_wrap(cr, f, 0, 7.5, b.x, cy, b.w, 2, conv);
    }
    free(items);
    free(item_lines);
    cairo_restore(cr);
    return shortened;
}
