/* funnel_chart.c: the funnel plot (Spiegelhalter 2005; SPEC 11). Rate (0-100 %, further when a
 * rate passes 100 %) against the
 * unit's number of episodes; the centre and the 95 % and 99.8 % limits as curves (computed here
 * by stats_funnel_limits from the centre, so they are exactly the limits the flags used);
 * points inside in grey, outside 95 % as filled circles, outside 99.8 % as filled diamonds.
 * Labels go right of a point, else left, above or below, wherever they overlap no earlier
 * label; labels that fit nowhere are counted in a note under the chart. The x axis starts at 0
 * and ends a little past the largest n (at least at 2). Nothing here knows what a unit is. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "outcomes/render.h"

struct rect {
    double x0, y0, x1, y1;
};

static int overlaps(const struct rect *r, size_t n, struct rect q)
{
    for (size_t i = 0; i < n; i++)
        if (q.x0 < r[i].x1 && r[i].x0 < q.x1 && q.y0 < r[i].y1 && r[i].y0 < q.y1)
            return 1;
    return 0;
}

static void diamond(cairo_t *cr, double x, double y, double s)
{
    cairo_move_to(cr, x, y - s);
    cairo_line_to(cr, x + s, y);
    cairo_line_to(cr, x, y + s);
    cairo_line_to(cr, x - s, y);
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* The limit curve k (0 lo95, 1 hi95, 2 lo998, 3 hi998) over n in [1, nmax], one path. */
static void limit_curve(cairo_t *cr, const struct axis *ax, const struct axis *ay, double centre,
                        double nmax, int k)
{
    const int steps = 160;
    for (int i = 0; i <= steps; i++) {
        /* denser near small n, where the curve bends */
        double t = (double)i / steps, n = 1 + (nmax - 1) * t * t;
        struct funnel_limits l = stats_funnel_limits(centre, n);
        double v = k == 0 ? l.lo95 : k == 1 ? l.hi95 : k == 2 ? l.lo998 : l.hi998;
        double x = render_axis_map(ax, n), y = render_axis_map(ay, 100 * v);
        if (i == 0 && ay->lo > 0) { /* a zoomed axis: the curves leave the plot at small n */
            cairo_save(cr);
            cairo_rectangle(cr, ax->p0, ay->p1, ax->p1 - ax->p0, ay->p0 - ay->p1);
            cairo_clip(cr);
        }
        if (i == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    cairo_stroke(cr);
    if (ay->lo > 0)
        cairo_restore(cr);
}

/* FUNNEL_ZOOM_Y: ay from a round value below every drawn point, the centre and the 99.8 %
 * limits at each drawn point's n (centre NaN: withheld, left out), and at most 90 %, to 100 %,
 * in steps of 2, 5 or 10 %; 1 when that leaves out more than half of 0-100 %, else 0 and ay as
 * it was. */
static int zoom_y(struct axis *ay, const struct funnel_point *pts, size_t npts, double centre)
{
    double lo = isnan(centre) ? 1 : centre;
    for (size_t k = 0; k < npts; k++) {
        const struct funnel_point *q = &pts[k];
        if (!q->drawn || !(q->n > 0) || isnan(q->rate))
            continue;
        if (q->rate > 1)
            return 0; /* (an adjusted rate past 100 %: the plain axis) */
        lo = q->rate < lo ? q->rate : lo;
        double l998 = isnan(centre) ? 1 : stats_funnel_limits(centre, q->n).lo998;
        lo = l998 < lo ? l998 : lo;
    }
    double span = 100 * (1 - lo), step = span <= 8 ? 2 : span <= 20 ? 5 : 10;
    double from = floor((100 * lo - step / 4) / step) * step; /* (no point on the frame) */
    if (from < 50)
        return 0;
    if (from > 90) /* at least 10 points of %: a few units near 100 % are not blown up */
        from = 90;
    ay->lo = from;
    ay->hi = 100;
    ay->nticks = 0;
    for (double t = from; t <= 100 + 1e-9 && ay->nticks < 24; t += step)
        ay->tick[ay->nticks++] = t;
    return 1;
}

/* The mark of an axis that does not start at 0: two slanted strokes across the left side of
 * plot p, near its foot, over a gap in it. */
static void axis_break(cairo_t *cr, struct box p)
{
    double x = p.x, y = p.y + p.h - 12; /* (clear of the lowest tick's label) */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x - 1, y - 2, 2, 4);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    for (int k = -1; k <= 1; k += 2) {
        cairo_move_to(cr, x - 4, y + 2 * k + 1.5);
        cairo_line_to(cr, x + 4, y + 2 * k - 1.5);
    }
    cairo_stroke(cr);
}

void render_funnel(cairo_t *cr, const struct fonts *f, struct box b, const struct funnel_point *pts,
                   size_t npts, double centre, int centre_withheld, int flags, const char *title,
                   const char *ylabel, const char *xlabel)
{
    int label_all = flags & FUNNEL_LABEL_ALL;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 1, 10, b.x, b.y + 10, 0, title);
    struct box p = {b.x + 42, b.y + 34, b.w - 78, b.h - 70}; /* room right for the centre */
    size_t ndrawn = 0;
    double nmax = 1, rmax = 1;
    for (size_t k = 0; k < npts; k++)
        if (pts[k].drawn && pts[k].n > 0 && !isnan(pts[k].rate)) {
            ndrawn++;
            nmax = pts[k].n > nmax ? pts[k].n : nmax;
            rmax = pts[k].rate > rmax ? pts[k].rate : rmax;
        }
    if (npts == 0) {
        render_empty(cr, f, p, "no unit with a mature eligible episode");
        cairo_restore(cr);
        return;
    }
    if (ndrawn == 0) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "Not drawn: every unit's rate is built on a count below %d, or on one withheld "
                 "so that such a count cannot be worked back (small-cell suppression).",
                 f->suppress_below);
        render_withheld(cr, f, p, msg);
        cairo_restore(cr);
        return;
    }
    /* an adjusted rate can pass 100 %: the axis then goes on in steps of 25 % */
    struct axis ax, ay = {0, 100, p.y + p.h, p.y, {0, 25, 50, 75, 100}, 5};
    while (ay.hi < 100 * rmax && ay.nticks < 9) {
        ay.hi += 25;
        ay.tick[ay.nticks++] = ay.hi;
    }
    char yzoom[240];
    if ((flags & FUNNEL_ZOOM_Y) && zoom_y(&ay, pts, npts, centre_withheld ? NAN : centre)) {
        snprintf(yzoom, sizeof yzoom, "%s (axis from %.0f %%)", ylabel, ay.lo);
        ylabel = yzoom;
    }
    /* a little room right of the largest unit, so that no point sits on the frame */
    render_axis_nice(&ax, 0, nmax < 2 ? 2 : nmax * 1.02, 6, p.x, p.x + p.w);
    render_hgrid(cr, f, p, &ay, 1);
    char buf[64];
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int i = 0; i < ax.nticks; i++) {
        double x = render_axis_map(&ax, ax.tick[i]);
        snprintf(buf, sizeof buf, "%.0f", ax.tick[i]);
        render_text(cr, f, 0, 8, x, p.y + p.h + 11, 0.5, buf);
    }
    render_text(cr, f, 0, 8, p.x + p.w / 2, p.y + p.h + 22, 0.5, xlabel);
    cairo_save(cr);
    cairo_translate(cr, b.x + 8, p.y + p.h / 2);
    cairo_rotate(cr, -RENDER_PI / 2);
    render_text(cr, f, 0, 8, 0, 0, 0.5, ylabel);
    cairo_restore(cr);
    struct rect msg = {0, 0, 0, 0}; /* the withheld-centre sentence, kept clear of labels */
    /* centre and limits */
    if (!centre_withheld && !isnan(centre)) {
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 1.1);
        double y = render_axis_map(&ay, 100 * centre);
        cairo_move_to(cr, p.x, y);
        cairo_line_to(cr, p.x + p.w, y);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%.1f %%", 100 * centre);
        render_text(cr, f, 0, 7.5, p.x + p.w + 2, y + 3, 0, buf);
        static const double dash95[] = {5, 3}, dash998[] = {1.5, 2};
        cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
        cairo_set_line_width(cr, 0.9);
        cairo_set_dash(cr, dash95, 2, 0);
        limit_curve(cr, &ax, &ay, centre, ax.hi, 0);
        limit_curve(cr, &ax, &ay, centre, ax.hi, 1);
        cairo_set_source_rgb(cr, 0.55, 0.1, 0.1);
        cairo_set_dash(cr, dash998, 2, 0);
        limit_curve(cr, &ax, &ay, centre, ax.hi, 2);
        limit_curve(cr, &ax, &ay, centre, ax.hi, 3);
        cairo_set_dash(cr, NULL, 0, 0);
    } else {
        snprintf(buf, sizeof buf, "centre and limits withheld (built on counts below %d)",
                 f->suppress_below);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        double tw = render_text(cr, f, 0, 7.5, p.x + p.w - 4, p.y + 10, 1, buf);
        msg = (struct rect){p.x + p.w - 4 - tw, p.y + 2, p.x + p.w - 4, p.y + 12};
    }
    /* points: inside first (grey), then outside 95 %, then 99.8 %, so the flagged are on top */
    cairo_new_path(cr); /* (a text leaves a current point: the first arc would join it) */
    double rad = npts > 500 ? 1.4 : npts > 60 ? 2.0 : 2.8;
    for (int layer = 0; layer < 3; layer++)
        for (size_t k = 0; k < npts; k++) {
            const struct funnel_point *q = &pts[k];
            if (!q->drawn || !(q->n > 0) || isnan(q->rate))
                continue;
            int out998 = q->flag == FUNNEL_ABOVE_998 || q->flag == FUNNEL_BELOW_998;
            int out95 = q->flag == FUNNEL_ABOVE_95 || q->flag == FUNNEL_BELOW_95;
            int l = out998 ? 2 : out95 ? 1 : 0;
            if (l != layer || (centre_withheld && l))
                continue;
            double x = render_axis_map(&ax, q->n), y = render_axis_map(&ay, 100 * q->rate);
            if (l == 2) {
                cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
                diamond(cr, x, y, rad + 2);
            } else if (l == 1) {
                cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
                cairo_arc(cr, x, y, rad + 0.6, 0, 2 * RENDER_PI);
                cairo_fill(cr);
            } else {
                cairo_set_source_rgba(cr, 0.35, 0.35, 0.35, npts > 500 ? 0.5 : 0.8);
                cairo_arc(cr, x, y, rad, 0, 2 * RENDER_PI);
                cairo_fill(cr);
            }
        }
    /* labels: the flagged first, so that they win the space */
    struct rect *placed = malloc((npts + 2) * sizeof *placed);
    size_t nplaced = 0, skipped = 0;
    if (placed && msg.x1 > msg.x0)
        placed[nplaced++] = msg;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int pass = 0; pass < 2 && placed; pass++)
        for (size_t k = 0; k < npts; k++) {
            const struct funnel_point *q = &pts[k];
            if (!q->drawn || !(q->n > 0) || isnan(q->rate))
                continue;
            int outside = q->flag != FUNNEL_INSIDE && !centre_withheld;
            if (outside != (pass == 0) || (!outside && !label_all))
                continue;
            char lab[160];
            render_label_fit(cr, f, 0, 7.5, 80, 24, q->label, lab, sizeof lab);
            double tw = render_text_width(cr, f, 0, 7.5, lab), th = 8;
            double x = render_axis_map(&ax, q->n), y = render_axis_map(&ay, 100 * q->rate);
            const double cand[4][2] = {{x + rad + 2, y + 2.5},
                                       {x - rad - 2 - tw, y + 2.5},
                                       {x - tw / 2, y - rad - 3},
                                       {x - tw / 2, y + rad + th + 1}};
            int done = 0;
            for (int c = 0; c < 4 && !done; c++) {
                struct rect r = {cand[c][0], cand[c][1] - th + 1, cand[c][0] + tw, cand[c][1] + 1};
                if (r.x0 < p.x + 1 || r.x1 > p.x + p.w || r.y0 < p.y - 8 || r.y1 > p.y + p.h ||
                    overlaps(placed, nplaced, r))
                    continue;
                render_text(cr, f, 0, 7.5, cand[c][0], cand[c][1], 0, lab);
                placed[nplaced++] = r;
                done = 1;
            }
            skipped += !done;
        }
    free(placed);
    render_frame(cr, p);
    if (ay.lo > 0)
        axis_break(cr, p);
    /* legend */
    double lx = p.x + 4, ly = b.y + 24;
    cairo_set_source_rgba(cr, 0.35, 0.35, 0.35, 0.8);
    cairo_arc(cr, lx, ly - 2.5, 2.4, 0, 2 * RENDER_PI);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    double w = render_text(cr, f, 0, 7.5, lx + 5, ly, 0, "inside 95 %");
    lx += w + 14;
    cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
    cairo_arc(cr, lx, ly - 2.5, 2.8, 0, 2 * RENDER_PI);
    cairo_fill(cr);
    static const double d95[] = {5, 3}, d998[] = {1.5, 2};
    cairo_set_line_width(cr, 0.9);
    cairo_set_dash(cr, d95, 2, 0);
    cairo_move_to(cr, lx + 5, ly - 2.5);
    cairo_line_to(cr, lx + 19, ly - 2.5);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    w = render_text(cr, f, 0, 7.5, lx + 22, ly, 0, "outside 95 %");
    lx += w + 30;
    cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
    diamond(cr, lx, ly - 2.5, 3.5);
    cairo_set_source_rgb(cr, 0.55, 0.1, 0.1);
    cairo_set_dash(cr, d998, 2, 0);
    cairo_move_to(cr, lx + 5, ly - 2.5);
    cairo_line_to(cr, lx + 19, ly - 2.5);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    w = render_text(cr, f, 0, 7.5, lx + 22, ly, 0, "outside 99.8 %");
    lx += w + 30;
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.1);
    cairo_move_to(cr, lx, ly - 2.5);
    cairo_line_to(cr, lx + 14, ly - 2.5);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 0, 7.5, lx + 17, ly, 0, "overall rate");
    if (skipped || ndrawn < npts || !label_all) {
        char note[200];
        int m = 0;
        if (!label_all)
            m = snprintf(note, sizeof note, "%zu units: only those outside 95 %% labelled. ", npts);
        if (skipped)
            m += snprintf(note + m, sizeof note - (size_t)m, "%zu labels left out (no room). ",
                          skipped);
        if (ndrawn < npts)
            snprintf(note + m, sizeof note - (size_t)m, "%zu units withheld (small counts).",
                     npts - ndrawn);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        render_text(cr, f, 0, 7.5, p.x, b.y + b.h - 2, 0, note);
    }
    cairo_restore(cr);
}
