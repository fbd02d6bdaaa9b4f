/* km_chart.c: the time-to-response chart. Cumulative proportion with the event (1 - S(t)) in %,
 * one step curve per series with its 95 % band (from the log-transformed limits), censor ticks
 * on the curve, the median marked (or "not reached"), and a number-at-risk table whose columns
 * are placed with the same axis mapping as the x-axis ticks, so they line up exactly. */
#include <math.h>
#include <stdio.h>
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

void render_km(cairo_t *cr, const struct fonts *f, struct box b, const struct km *const *km,
               const struct km_show *show, const char *const *names, int nseries,
               const char *xunit, const char *ylabel, int risk_table)
{
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
        return;
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
        return;
    }
    const double label_w = 58, row_h = 10;
    double table_h =
        risk_table ? ((f->suppress_below > 1 ? 1 : 3) * nseries + 1) * row_h + 6 : 0;
    double legend_h = risk_table ? 11.0 * nseries + 6 : 4;
    struct box p = {b.x + label_w, b.y + legend_h, b.w - label_w - 8, b.h - legend_h - 30 - table_h};
    struct axis ax, ay;
    render_axis_nice(&ax, 0, tmax > 0 ? tmax : 1, 7, p.x, p.x + p.w);
    ay.lo = 0;
    ay.hi = 100;
    ay.p0 = p.y + p.h;
    ay.p1 = p.y;
    ay.nticks = 5;
    for (int i = 0; i < 5; i++)
        ay.tick[i] = 25.0 * i;
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
    cairo_translate(cr, b.x + 10, p.y + p.h / 2);
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
    static const double guide[] = {2, 2};
    for (int s = 0; s < nseries && risk_table; s++) {
        const struct km *k = km[s];
        if (isnan(k->median) || show[s].median || !show[s].drawn ||
            k->median > shown_until(k, &show[s]))
            continue;
        double x = render_axis_map(&ax, k->median), y = render_axis_map(&ay, 50);
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        cairo_set_dash(cr, guide, 2, 0);
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, p.x, y);
        cairo_line_to(cr, x, y);
        cairo_line_to(cr, x, p.y + p.h);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    /* legend with medians: one line per series, above the plot (full charts) or inside its
     * upper left corner (small multiples) */
    for (int s = 0; s < nseries; s++) {
        const struct km *k = km[s];
        char med[64], item[TEXT_ROOM(24) + 160], rest[160], cn[24], ce[24], name[TEXT_ROOM(24)];
        render_count(f, k->n, show[s].n, cn, sizeof cn);
        render_count(f, k->events, show[s].events, ce, sizeof ce);
        if (!show[s].drawn)
            snprintf(med, sizeof med, "not drawn (n withheld)");
        else if (show[s].median)
            snprintf(med, sizeof med, "suppressed");
        else if (isnan(k->median))
            snprintf(med, sizeof med, "not reached");
        else {
            fmt_num(med, sizeof med, k->median);
            snprintf(med + strlen(med), sizeof med - strlen(med), " %s", xunit);
        }
        double lx = risk_table ? p.x : p.x + 6;
        double ly = risk_table ? b.y + 6 + 11.0 * s : p.y + 8 + 9.0 * s;
        double fs = risk_table ? 8 : 6.5;
        if (risk_table)
            snprintf(rest, sizeof rest, " (n %s, %s events): median %s", cn, ce, med);
        else
            snprintf(rest, sizeof rest, " (n %s): median %s", cn, med);
        /* a stratum value: at most 24 characters, fewer when the line would run further than
         * 12 points past the box (into the 16-point gap between small multiples) */
        render_label_fit(cr, f, 0, fs,
                         b.x + b.w + 12 - lx - 22 - render_text_width(cr, f, 0, fs, rest),
                         24, names[s], name, sizeof name);
        snprintf(item, sizeof item, "%s%s", name, rest);
        if (!risk_table) { /* a white backing so curves do not run through the text */
            cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
            cairo_rectangle(cr, lx - 2, ly - 5, 24 + render_text_width(cr, f, 0, fs, item), 9);
            cairo_fill(cr);
        }
        render_series_style(cr, s);
        cairo_set_line_width(cr, 1.6);
        cairo_move_to(cr, lx, ly);
        cairo_line_to(cr, lx + 18, ly);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, f, 0, fs, lx + 22, ly + 3, 0, item);
    }
    /* the number-at-risk table, columns at the x ticks */
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
            render_text(cr, f, 0, 7, b.x + 70, ty, 0, note);
        }
        int nrows = f->suppress_below > 1 ? 1 : 3; /* under suppression: at risk only */
        for (int s = 0; s < nseries; s++) {
            static const char *const rows[3] = {"at risk", "events", "censored"};
            for (int rr = 0; rr < nrows; rr++) {
                double y = ty + row_h * (1 + nrows * s + rr);
                render_series_style(cr, s);
                cairo_set_dash(cr, NULL, 0, 0);
                snprintf(buf, sizeof buf, "%s %s", s == 0 ? "\xe2\x80\x94" : "- -", rows[rr]);
                if (nseries == 1)
                    snprintf(buf, sizeof buf, "%s", rows[rr]);
                render_text(cr, f, rr == 0, 7, b.x, y, 0, buf);
                cairo_set_source_rgb(cr, 0, 0, 0);
                for (int i = 0; i < ax.nticks; i++) {
                    double t = ax.tick[i];
                    long v = 0, ev, ce;
                    if (rr == 0)
                        v = at_risk(km[s], t);
                    else {
                        between(km[s], i == 0 ? -INFINITY : ax.tick[i - 1], t, &ev, &ce);
                        v = rr == 1 ? ev : ce;
                    }
                    if (!show[s].drawn || show[s].n || t > shown_until(km[s], &show[s]))
                        buf[0] = '\0'; /* past the last row with enough at risk, or n withheld */
                    else
                        render_count(f, v, 0, buf, sizeof buf);
                    render_text(cr, f, 0, 7, render_axis_map(&ax, t), y, 0.5, buf);
                }
            }
        }
    }
    cairo_restore(cr);
}
