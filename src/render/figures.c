/* figures.c: the waterfall, the score trajectory and plain bar charts (the forest plot is
 * forest.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/render.h"
#include "outcomes/text.h"

static void ylabel_at(cairo_t *cr, const struct fonts *f, double x, double y, const char *s)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -RENDER_PI / 2);
    render_text(cr, f, 0, 8.5, 0, 0, 0.5, s);
    cairo_restore(cr);
}

void render_waterfall(cairo_t *cr, const struct fonts *f, struct box b, const double *pct,
                      const unsigned char *cls, size_t n)
{
    cairo_save(cr);
    if (n == 0) {
        render_empty(cr, f, b, "no mature eligible episode with an endpoint score in this period");
        cairo_restore(cr);
        return;
    }
    struct box p = {b.x + 48, b.y + 20, b.w - 56, b.h - 40};
    double lo = -100, hi = 100;
    for (size_t i = 0; i < n; i++)
        if (pct[i] > hi)
            hi = pct[i];
    struct axis ay;
    render_axis_nice(&ay, lo, hi, 8, p.y + p.h, p.y);
    render_hgrid(cr, f, p, &ay, 2);
    static const double shade[3][3] = {{0.78, 0.78, 0.78}, {0.45, 0.62, 0.78}, {0.12, 0.31, 0.47}};
    double bw = p.w / (double)n;
    double y0 = render_axis_map(&ay, 0);
    for (int c = 0; c < 3; c++) {
        cairo_set_source_rgb(cr, shade[c][0], shade[c][1], shade[c][2]);
        for (size_t i = 0; i < n; i++) {
            if (cls[i] != c)
                continue;
            double y = render_axis_map(&ay, pct[i]);
            cairo_rectangle(cr, p.x + i * bw, fmin(y, y0), bw > 2 ? bw - 0.5 : bw,
                            fabs(y - y0) < 0.5 ? 0.5 : fabs(y - y0));
        }
        cairo_fill(cr);
    }
    static const double dash[] = {4, 2};
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 1);
    double y50 = render_axis_map(&ay, -50);
    cairo_move_to(cr, p.x, y50);
    cairo_line_to(cr, p.x + p.w, y50);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    render_frame(cr, p);
    ylabel_at(cr, f, b.x + 10, p.y + p.h / 2, "change from baseline at the endpoint");
    render_text(cr, f, 0, 8.5, p.x + p.w / 2, p.y + p.h + 14, 0.5,
                "episodes, from the largest rise to the largest fall");
    /* legend */
    static const char *const names[3] = {"neither", "responder", "remitter"};
    double lx = p.x;
    for (int c = 2; c >= 0; c--) {
        cairo_set_source_rgb(cr, shade[c][0], shade[c][1], shade[c][2]);
        cairo_rectangle(cr, lx, b.y + 3, 10, 8);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        lx += 14 + render_text(cr, f, 0, 8, lx + 14, b.y + 10, 0, names[c]) + 14;
    }
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, lx, b.y + 7);
    cairo_line_to(cr, lx + 18, b.y + 7);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    render_text(cr, f, 0, 8, lx + 22, b.y + 10, 0, "-50%: the response threshold");
    cairo_restore(cr);
}

void render_trajectory(cairo_t *cr, const struct fonts *f, struct box b,
                       const struct chart_mean *pts, int npts, const struct chart_line *lines,
                       size_t nlines, const unsigned char *withheld, double ymax,
                       const char *xlabel, const char *ylabel)
{
    cairo_save(cr);
    long total = 0;
    for (int k = 0; k < npts; k++)
        total += pts[k].n;
    if (total == 0) {
        render_empty(cr, f, b, "no eligible episode in this period");
        cairo_restore(cr);
        return;
    }
    struct box p = {b.x + 44, b.y + 8, b.w - 52, b.h - 52};
    struct axis ax = {-0.5, npts - 0.5, p.x, p.x + p.w, {0}, 0};
    struct axis ay;
    render_axis_nice(&ay, 0, ymax, 5, p.y + p.h, p.y);
    render_hgrid(cr, f, p, &ay, 0);
    /* individual lines, faint (the caller passes none under suppression) */
    cairo_set_source_rgba(cr, 0.3, 0.3, 0.3, 0.12);
    cairo_set_line_width(cr, 0.5);
    for (size_t l = 0; l < nlines; l++) {
        const struct chart_line *ln = &lines[l];
        int started = 0;
        for (size_t k = 0; k < ln->n; k++) {
            if (k + 1 < ln->n && ln->x[k + 1] == ln->x[k])
                continue; /* several scores at one x: the last one */
            double x = render_axis_map(&ax, ln->x[k]), y = render_axis_map(&ay, ln->y[k]);
            if (!started)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
            started = 1;
        }
        cairo_stroke(cr);
    }
    /* mean with intervals */
    render_series_style(cr, 0);
    cairo_set_line_width(cr, 1.2);
    for (int k = 0; k < npts; k++) {
        if (pts[k].n < 2 || isnan(pts[k].lo) || (withheld && withheld[k]))
            continue;
        double x = render_axis_map(&ax, k);
        cairo_move_to(cr, x, render_axis_map(&ay, pts[k].lo));
        cairo_line_to(cr, x, render_axis_map(&ay, pts[k].hi));
        cairo_move_to(cr, x - 3, render_axis_map(&ay, pts[k].lo));
        cairo_line_to(cr, x + 3, render_axis_map(&ay, pts[k].lo));
        cairo_move_to(cr, x - 3, render_axis_map(&ay, pts[k].hi));
        cairo_line_to(cr, x + 3, render_axis_map(&ay, pts[k].hi));
    }
    cairo_stroke(cr);
    cairo_set_line_width(cr, 1.8);
    int open = 0;
    for (int k = 0; k < npts; k++) {
        if (pts[k].n == 0 || (withheld && withheld[k])) {
            open = 0;
            continue;
        }
        double x = render_axis_map(&ax, k), y = render_axis_map(&ay, pts[k].mean);
        if (open)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        open = 1;
    }
    cairo_stroke(cr);
    char buf[32];
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int k = 0; k < npts; k++) {
        double x = render_axis_map(&ax, k);
        if (k == 0)
            snprintf(buf, sizeof buf, "base");
        else if (k == npts - 1)
            snprintf(buf, sizeof buf, "%d+", k);
        else
            snprintf(buf, sizeof buf, "%d", k);
        render_text(cr, f, 0, 8, x, p.y + p.h + 11, 0.5, buf);
    }
    /* n under each point, "n" once at the left; numbers too wide for their place alternate
     * between two lines so that none touches its neighbour */
    double step = npts > 1 ? render_axis_map(&ax, 1) - render_axis_map(&ax, 0) : p.w;
    int stagger = 0;
    for (int k = 0; k < npts; k++) {
        render_count(f, pts[k].n, withheld ? withheld[k] : 0, buf, sizeof buf);
        stagger |= render_text_width(cr, f, 0, 7.5, buf) > step - 3;
    }
    render_text(cr, f, 0, 7.5, p.x - 6, p.y + p.h + 20, 1, "n");
    for (int k = 0; k < npts; k++) {
        double x = render_axis_map(&ax, k);
        render_count(f, pts[k].n, withheld ? withheld[k] : 0, buf, sizeof buf);
        render_text(cr, f, 0, 7.5, x, p.y + p.h + 20 + (stagger && k % 2 ? 9 : 0), 0.5, buf);
    }
    render_frame(cr, p);
    render_text(cr, f, 0, 8.5, p.x + p.w / 2, p.y + p.h + 32 + (stagger ? 8 : 0), 0.5, xlabel);
    ylabel_at(cr, f, b.x + 10, p.y + p.h / 2, ylabel);
    cairo_restore(cr);
}

void render_bars(cairo_t *cr, const struct fonts *f, struct box b, const char *const *labels,
                 const double *values, const unsigned char *withheld, int n, const char *ylabel,
                 int percent)
{
    cairo_save(cr);
    double vmax = 0;
    for (int i = 0; i < n; i++) /* a withheld bar must not set the scale */
        if (values[i] > vmax && !(withheld && withheld[i]))
            vmax = values[i];
    struct box p = {b.x + 40, b.y + 10, b.w - 46, b.h - 34};
    struct axis ay;
    render_axis_nice(&ay, 0, percent ? fmax(vmax, 1) : fmax(vmax, 1), 4, p.y + p.h, p.y);
    render_hgrid(cr, f, p, &ay, percent ? 1 : 0);
    double slot = p.w / (n > 0 ? n : 1);
    char buf[32];
    for (int i = 0; i < n; i++) {
        double x = p.x + i * slot, y = render_axis_map(&ay, values[i]);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, f, 0, 7.5, x + slot / 2, p.y + p.h + 10, 0.5, labels[i]);
        if (withheld && withheld[i]) {
            char cn[24];
            render_count(f, 0, withheld[i], cn, sizeof cn);
            if (render_text_width(cr, f, 0, 7.5, cn) <= slot - 2) {
                render_text(cr, f, 0, 7.5, x + slot / 2, p.y + p.h - 2, 0.5, cn);
            } else { /* too wide for the slot: upwards from the axis */
                cairo_save(cr);
                cairo_translate(cr, x + slot / 2 + 2, p.y + p.h - 3);
                cairo_rotate(cr, -RENDER_PI / 2);
                render_text(cr, f, 0, 7.5, 0, 0, 0, cn);
                cairo_restore(cr);
            }
            continue;
        }
        render_series_style(cr, 0);
        cairo_rectangle(cr, x + slot * 0.15, y, slot * 0.7, p.y + p.h - y);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        if (percent)
            snprintf(buf, sizeof buf, "%.1f%%", values[i]);
        else
            snprintf(buf, sizeof buf, "%.0f", values[i]);
        if (percent && render_text_width(cr, f, 0, 7.5, buf) > slot - 2)
            snprintf(buf, sizeof buf, "%.0f%%", values[i]); /* a narrow slot: whole percent */
        if (render_text_width(cr, f, 0, 7.5, buf) <= slot - 2)
            render_text(cr, f, 0, 7.5, x + slot / 2, y - 2, 0.5, buf);
        else { /* still too wide: turned upright, inside a bar tall enough (in white), else
                  upwards from its top */
            double tw = render_text_width(cr, f, 0, 7.5, buf);
            int inside = p.y + p.h - y > tw + 6;
            cairo_save(cr);
            if (inside) {
                cairo_set_source_rgb(cr, 1, 1, 1);
                cairo_translate(cr, x + slot / 2 + 2.5, y + 3 + tw);
            } else
                cairo_translate(cr, x + slot / 2 + 2.5, y - 3);
            cairo_rotate(cr, -RENDER_PI / 2);
            render_text(cr, f, 0, 7.5, 0, 0, 0, buf);
            cairo_restore(cr);
        }
    }
    render_frame(cr, p);
    ylabel_at(cr, f, b.x + 8, p.y + p.h / 2, ylabel);
    cairo_restore(cr);
}
