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

/* How each pair of limits is drawn, in the chart and in its legend: 0 the 95 %, 1 the
 * 99.8 %. */
static const struct {
    double r, g, b;
    double dash[2];
} limit_style[2] = {{0.12, 0.31, 0.47, {5, 3}}, {0.55, 0.1, 0.1, {1.5, 2}}};

/* One funnel plot's inputs and the geometry its parts are drawn with (set by render_funnel). */
struct funnel_chart {
    cairo_t *cr;
    const struct fonts *f;
    const struct funnel_point *pts;
    size_t npts;
    double centre;
    int centre_withheld, label_all;
    struct box b, p;    /* the chart's box and its plot */
    struct axis ax, ay; /* episodes and % */
    double rad;         /* the radius of a point inside the limits */
};

/* 1 when point q has a rate to draw. */
static int drawable(const struct funnel_point *q)
{
    return q->drawn && q->n > 0 && !isnan(q->rate);
}

/* A point's marker at (x, y) for its layer: 0 inside the limits (grey, grey_alpha), 1 outside
 * 95 % (a filled circle), 2 outside 99.8 % (a filled diamond); r its radius. */
static void funnel_marker(cairo_t *cr, int layer, double x, double y, double r, double grey_alpha)
{
    if (layer == 2) {
        cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
        render_diamond(cr, x, y, r);
        cairo_fill(cr);
    } else if (layer == 1) {
        cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
        cairo_arc(cr, x, y, r, 0, 2 * RENDER_PI);
        cairo_fill(cr);
    } else {
        cairo_set_source_rgba(cr, 0.35, 0.35, 0.35, grey_alpha);
        cairo_arc(cr, x, y, r, 0, 2 * RENDER_PI);
        cairo_fill(cr);
    }
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
        if (i == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    cairo_stroke(cr);
}

/* The lower and upper limit curves of pair level (0 the 95 %, 1 the 99.8 %). */
static void funnel_draw_limits(const struct funnel_chart *c, int level)
{
    cairo_t *cr = c->cr;
    cairo_set_source_rgb(cr, limit_style[level].r, limit_style[level].g, limit_style[level].b);
    cairo_set_line_width(cr, 0.9);
    cairo_set_dash(cr, limit_style[level].dash, 2, 0);
    limit_curve(cr, &c->ax, &c->ay, c->centre, c->ax.hi, 2 * level);
    limit_curve(cr, &c->ax, &c->ay, c->centre, c->ax.hi, 2 * level + 1);
    cairo_set_dash(cr, NULL, 0, 0);
}

/* The axes' ticks and titles and the grid. */
static void funnel_draw_axes(const struct funnel_chart *c, const char *ylabel, const char *xlabel)
{
    cairo_t *cr = c->cr;
    const struct box p = c->p;
    render_hgrid(cr, c->f, p, &c->ay, 1);
    char buf[64];
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int i = 0; i < c->ax.nticks; i++) {
        double x = render_axis_map(&c->ax, c->ax.tick[i]);
        snprintf(buf, sizeof buf, "%.0f", c->ax.tick[i]);
        render_text(cr, c->f, 0, 8, x, p.y + p.h + 11, 0.5, buf);
    }
    render_text(cr, c->f, 0, 8, p.x + p.w / 2, p.y + p.h + 22, 0.5, xlabel);
    cairo_save(cr);
    cairo_translate(cr, c->b.x + 8, p.y + p.h / 2);
    cairo_rotate(cr, -RENDER_PI / 2);
    render_text(cr, c->f, 0, 8, 0, 0, 0.5, ylabel);
    cairo_restore(cr);
}

/* The centre line with its rate and the limits, or the sentence that they are withheld;
 * returns where that sentence is (empty when drawn), to be kept clear of labels. */
static struct rect funnel_draw_centre(const struct funnel_chart *c)
{
    cairo_t *cr = c->cr;
    const struct box p = c->p;
    char buf[64];
    if (!c->centre_withheld && !isnan(c->centre)) {
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 1.1);
        double y = render_axis_map(&c->ay, 100 * c->centre);
        cairo_move_to(cr, p.x, y);
        cairo_line_to(cr, p.x + p.w, y);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%.1f %%", 100 * c->centre);
        render_text(cr, c->f, 0, 7.5, p.x + p.w + 2, y + 3, 0, buf);
        funnel_draw_limits(c, 0);
        funnel_draw_limits(c, 1);
        return (struct rect){0, 0, 0, 0};
    }
    snprintf(buf, sizeof buf, "centre and limits withheld (built on counts below %d)",
             c->f->suppress_below);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    double tw = render_text(cr, c->f, 0, 7.5, p.x + p.w - 4, p.y + 10, 1, buf);
    return (struct rect){p.x + p.w - 4 - tw, p.y + 2, p.x + p.w - 4, p.y + 12};
}

/* The points: inside first (grey), then outside 95 %, then 99.8 %, so the flagged are on
 * top. */
static void funnel_draw_points(const struct funnel_chart *c)
{
    for (int layer = 0; layer < 3; layer++)
        for (size_t k = 0; k < c->npts; k++) {
            const struct funnel_point *q = &c->pts[k];
            if (!drawable(q))
                continue;
            int out998 = q->flag == FUNNEL_ABOVE_998 || q->flag == FUNNEL_BELOW_998;
            int out95 = q->flag == FUNNEL_ABOVE_95 || q->flag == FUNNEL_BELOW_95;
            int l = out998 ? 2 : out95 ? 1 : 0;
            if (l != layer || (c->centre_withheld && l))
                continue;
            double x = render_axis_map(&c->ax, q->n), y = render_axis_map(&c->ay, 100 * q->rate);
            double r = l == 2 ? c->rad + 2 : l == 1 ? c->rad + 0.6 : c->rad;
            funnel_marker(c->cr, l, x, y, r, c->npts > 500 ? 0.5 : 0.8);
        }
}

/* Point q's label right of it, else left, above or below, wherever it overlaps no rectangle
 * of placed[0..*nplaced) and stays in the plot; the one drawn is added to placed. Returns 1
 * when drawn, 0 when it fits nowhere. */
static int funnel_place_label(const struct funnel_chart *c, const struct funnel_point *q,
                              struct rect *placed, size_t *nplaced)
{
    cairo_t *cr = c->cr;
    const struct box p = c->p;
    const double rad = c->rad;
    char lab[160];
    render_label_fit(cr, c->f, 0, 7.5, 80, 24, q->label, lab, sizeof lab);
    double tw = render_text_width(cr, c->f, 0, 7.5, lab), th = 8;
    double x = render_axis_map(&c->ax, q->n), y = render_axis_map(&c->ay, 100 * q->rate);
    const double cand[4][2] = {{x + rad + 2, y + 2.5},
                               {x - rad - 2 - tw, y + 2.5},
                               {x - tw / 2, y - rad - 3},
                               {x - tw / 2, y + rad + th + 1}};
    for (int k = 0; k < 4; k++) {
        struct rect r = {cand[k][0], cand[k][1] - th + 1, cand[k][0] + tw, cand[k][1] + 1};
        if (r.x0 < p.x + 1 || r.x1 > p.x + p.w || r.y0 < p.y - 8 || r.y1 > p.y + p.h ||
            overlaps(placed, *nplaced, r))
            continue;
        render_text(cr, c->f, 0, 7.5, cand[k][0], cand[k][1], 0, lab);
        placed[(*nplaced)++] = r;
        return 1;
    }
    return 0;
}

/* The labels, the flagged first so that they win the space, none over msg (the withheld
 * centre's sentence); every point's with label_all, else only the flagged. Returns how many
 * fit nowhere. */
static size_t funnel_draw_labels(const struct funnel_chart *c, struct rect msg)
{
    struct rect *placed = malloc((c->npts + 2) * sizeof *placed);
    size_t nplaced = 0, skipped = 0;
    if (placed && msg.x1 > msg.x0)
        placed[nplaced++] = msg;
    cairo_set_source_rgb(c->cr, 0, 0, 0);
    for (int pass = 0; pass < 2 && placed; pass++)
        for (size_t k = 0; k < c->npts; k++) {
            const struct funnel_point *q = &c->pts[k];
            if (!drawable(q))
                continue;
            int outside = q->flag != FUNNEL_INSIDE && !c->centre_withheld;
            if (outside != (pass == 0) || (!outside && !c->label_all))
                continue;
            skipped += !funnel_place_label(c, q, placed, &nplaced);
        }
    free(placed);
    return skipped;
}

/* One legend entry of limit pair level (0 95 %, 1 99.8 %) at (lx, ly): the marker of a point
 * outside it, its dashed line and label; returns the x of the next entry. */
static double funnel_legend_limit(const struct funnel_chart *c, int level, double lx, double ly,
                                  const char *label)
{
    cairo_t *cr = c->cr;
    funnel_marker(cr, level + 1, lx, ly - 2.5, level ? 3.5 : 2.8, 0);
    cairo_set_source_rgb(cr, limit_style[level].r, limit_style[level].g, limit_style[level].b);
    cairo_set_line_width(cr, 0.9);
    cairo_set_dash(cr, limit_style[level].dash, 2, 0);
    cairo_move_to(cr, lx + 5, ly - 2.5);
    cairo_line_to(cr, lx + 19, ly - 2.5);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    return lx + render_text(cr, c->f, 0, 7.5, lx + 22, ly, 0, label) + 30;
}

/* The legend above the plot: inside 95 %, outside 95 %, outside 99.8 %, the overall rate. */
static void funnel_draw_legend(const struct funnel_chart *c)
{
    cairo_t *cr = c->cr;
    double lx = c->p.x + 4, ly = c->b.y + 24;
    funnel_marker(cr, 0, lx, ly - 2.5, 2.4, 0.8);
    cairo_set_source_rgb(cr, 0, 0, 0);
    double w = render_text(cr, c->f, 0, 7.5, lx + 5, ly, 0, "inside 95 %");
    lx += w + 14;
    lx = funnel_legend_limit(c, 0, lx, ly, "outside 95 %");
    lx = funnel_legend_limit(c, 1, lx, ly, "outside 99.8 %");
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.1);
    cairo_move_to(cr, lx, ly - 2.5);
    cairo_line_to(cr, lx + 14, ly - 2.5);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, c->f, 0, 7.5, lx + 17, ly, 0, "overall rate");
}

/* The note under the chart: what is not labelled, labels left out, units withheld. */
static void funnel_draw_note(const struct funnel_chart *c, size_t skipped, size_t ndrawn)
{
    if (!skipped && ndrawn >= c->npts && c->label_all)
        return;
    char note[200];
    int m = 0;
    if (!c->label_all)
        m = snprintf(note, sizeof note, "%zu units: only those outside 95 %% labelled. ", c->npts);
    if (skipped)
        m +=
            snprintf(note + m, sizeof note - (size_t)m, "%zu labels left out (no room). ", skipped);
    if (ndrawn < c->npts)
        snprintf(note + m, sizeof note - (size_t)m, "%zu units withheld (small counts).",
                 c->npts - ndrawn);
    cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
    render_text(c->cr, c->f, 0, 7.5, c->p.x, c->b.y + c->b.h - 2, 0, note);
}

void render_funnel(cairo_t *cr, const struct fonts *f, struct box b, const struct funnel_point *pts,
                   size_t npts, double centre, int centre_withheld, int label_all,
                   const char *title, const char *ylabel, const char *xlabel)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 1, 10, b.x, b.y + 10, 0, title);
    struct box p = {b.x + 42, b.y + 34, b.w - 78, b.h - 70}; /* room right for the centre */
    size_t ndrawn = 0;
    double nmax = 1, rmax = 1;
    for (size_t k = 0; k < npts; k++)
        if (drawable(&pts[k])) {
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
    struct funnel_chart c = {.cr = cr,
                             .f = f,
                             .pts = pts,
                             .npts = npts,
                             .centre = centre,
                             .centre_withheld = centre_withheld,
                             .label_all = label_all,
                             .b = b,
                             .p = p,
                             .ay = {0, 100, p.y + p.h, p.y, {0, 25, 50, 75, 100}, 5},
                             .rad = npts > 500  ? 1.4
                                    : npts > 60 ? 2.0
                                                : 2.8};
    /* an adjusted rate can pass 100 %: the axis then goes on in steps of 25 % */
    while (c.ay.hi < 100 * rmax && c.ay.nticks < 9) {
        c.ay.hi += 25;
        c.ay.tick[c.ay.nticks++] = c.ay.hi;
    }
    /* a little room right of the largest unit, so that no point sits on the frame */
    render_axis_nice(&c.ax, 0, nmax < 2 ? 2 : nmax * 1.02, 6, p.x, p.x + p.w);
    funnel_draw_axes(&c, ylabel, xlabel);
    /* centre and limits */
    struct rect msg = funnel_draw_centre(&c); /* the withheld-centre sentence */
    funnel_draw_points(&c);
    size_t skipped = funnel_draw_labels(&c, msg);
    render_frame(cr, p);
    funnel_draw_legend(&c);
    funnel_draw_note(&c, skipped, ndrawn);
    cairo_restore(cr);
}
