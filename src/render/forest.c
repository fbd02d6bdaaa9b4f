/* forest.c: the forest plot of rates by stratum value: one label column shared by response
 * and remission, each with its rate, interval and n as text and as a square (growing with n)
 * on a bar (the 95 % interval) over a 0-100 % axis, and a dashed line at the overall rate.
 * Labels wrap onto two lines and are shortened beyond (the caller says where the full ones
 * are); the legend sits above the data; nothing is smaller than 7.5 pt. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/render.h"
#include "outcomes/text.h"

/* The layout of a plot b wide: label column, then per measure a text column and a plot. */
struct forest_cols {
    double label_w, text_w, plot_w, gap;
};

static struct forest_cols cols_of(double width)
{
    struct forest_cols c = {width * 0.27, 112, 0, 14};
    c.plot_w = (width - c.label_w - 2 * c.text_w - 2 * c.gap) / 2;
    return c;
}

double render_forest_row_height(cairo_t *cr, const struct fonts *f, double width,
                                const struct forest_row *row)
{
    if (!row->p[0])
        return 15;
    struct forest_cols c = cols_of(width);
    char buf[TEXT_ROOM(64) + 8];
    text_display(buf, sizeof buf, row->label, TEXT_ALL);
    return render_text_width(cr, f, 0, 8, buf) <= c.label_w - 12 ? 12 : 22;
}

/* One forest plot's geometry (set by render_forest). */
struct forest_plot {
    cairo_t *cr;
    const struct fonts *f;
    struct box b;
    struct forest_cols c;
    struct axis ax[2];  /* response, remission: 0-100 % */
    double top, bottom; /* the rows' first and last y */
    long min_n;         /* a rate on fewer episodes is given as text only */
};

/* Measure m's (0 response, 1 remission) title, grid and axis labels above and below the rows,
 * the dashed line at the overall rate (NaN: none) and the legend that gives its value. */
static void forest_draw_measure_axis(struct forest_plot *fp, int m, double overall)
{
    static const char *const titles[2] = {"Response", "Remission"};
    cairo_t *cr = fp->cr;
    const struct fonts *f = fp->f;
    const struct forest_cols c = fp->c;
    const struct box b = fp->b;
    struct axis *ax = &fp->ax[m];
    char buf[128];
    double x0 = b.x + c.label_w + m * (c.text_w + c.plot_w + c.gap) + c.text_w;
    render_axis_nice(ax, 0, 100, 4, x0, x0 + c.plot_w);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 1, 10, x0 - c.text_w, b.y + 10, 0, titles[m]);
    render_text(cr, f, 1, 7.5, x0 - 8, b.y + 21, 1, "rate (95% CI), n");
    cairo_set_line_width(cr, 0.4);
    for (int i = 0; i < ax->nticks; i++) {
        double x = render_axis_map(ax, ax->tick[i]);
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, x, fp->top - 4);
        cairo_line_to(cr, x, fp->bottom);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(buf, sizeof buf, "%.0f%%", ax->tick[i]);
        render_text(cr, f, 0, 7.5, x, fp->top - 3, 0.5, buf);
        render_text(cr, f, 0, 7.5, x, fp->bottom + 10, 0.5, buf);
    }
    if (!isnan(overall)) {
        static const double dash[] = {3, 2};
        double x = render_axis_map(ax, 100 * overall);
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, x, fp->top - 4);
        cairo_line_to(cr, x, fp->bottom);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    /* the legend, above the plot: the overall line's value */
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    if (!isnan(overall))
        snprintf(buf, sizeof buf, "dashed: all episodes %.1f%%", 100 * overall);
    else
        buf[0] = '\0';
    render_label(cr, f, 0, 7.5, x0 + c.plot_w, b.y + 10, 1, c.plot_w + c.text_w - 70, TEXT_ALL,
                 buf);
}

/* Measure m's cell of a value's row at height mid: its rate, interval and n as text (or why
 * not), and unless on fewer than min_n episodes the interval's bar and a square growing
 * with n. */
static void forest_draw_cell(const struct forest_plot *fp, const struct forest_row *row, int m,
                             double mid)
{
    cairo_t *cr = fp->cr;
    const struct fonts *f = fp->f;
    const struct forest_cols c = fp->c;
    const struct axis *ax = &fp->ax[m];
    const struct proportion *q = row->p[m];
    char buf[128];
    double tx = fp->b.x + c.label_w + m * (c.text_w + c.plot_w + c.gap) + c.text_w - 6;
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (q->n == 0) {
        render_text(cr, f, 0, 7.5, tx, mid + 3, 1, "no mature episode");
        return;
    }
    if (row->rate_withheld[m] || row->n_withheld[m]) {
        char cn[24];
        snprintf(buf, sizeof buf, "withheld (small counts), n %s",
                 render_count(f, q->n, row->n_withheld[m], cn, sizeof cn));
        render_text(cr, f, 0, 7.5, tx, mid + 3, 1, buf);
        return;
    }
    snprintf(buf, sizeof buf, "%.0f%% (%.0f-%.0f), %ld", 100 * q->rate, 100 * q->lo, 100 * q->hi,
             q->n);
    render_label(cr, f, 0, 7.5, tx, mid + 3, 1, c.text_w - 4, TEXT_ALL, buf);
    if (q->n < fp->min_n) { /* the numbers only: a mark on so few would be over-read */
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        render_text(cr, f, 0, 7.5, tx + 10, mid + 3, 0, "too few to draw");
        return;
    }
    render_series_style(cr, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, render_axis_map(ax, 100 * q->lo), mid);
    cairo_line_to(cr, render_axis_map(ax, 100 * q->hi), mid);
    cairo_stroke(cr);
    double x = render_axis_map(ax, 100 * q->rate);
    double s = 1.5 + 2.5 * fmin(1, sqrt((double)q->n / 100.0)); /* size grows with n */
    cairo_rectangle(cr, x - s, mid - s, 2 * s, 2 * s);
    cairo_fill(cr);
}

/* Row i from y, h high: a variable's heading, or a value's label (shaded on even rows) and its
 * two cells. Returns 1 when the label had to be shortened. */
static int forest_draw_row(const struct forest_plot *fp, const struct forest_row *row, int i,
                           double y, double h)
{
    cairo_t *cr = fp->cr;
    const struct fonts *f = fp->f;
    const struct box b = fp->b;
    const double label_w = fp->c.label_w;
    double mid = y + (h > 12 && row->p[0] ? 6 : h / 2);
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (!row->p[0]) {
        render_label(cr, f, 1, 8.5, b.x, y + h - 3, 0, label_w - 4, TEXT_ALL, row->label);
        return 0;
    }
    if (i % 2 == 0) {
        cairo_set_source_rgb(cr, 0.965, 0.965, 0.965);
        cairo_rectangle(cr, b.x, y, b.w, h);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    int shortened = 0;
    char lab[TEXT_ROOM(64) + 8];
    text_display(lab, sizeof lab, row->label, TEXT_ALL);
    if (h > 12) {
        /* two lines; an ellipsis when even they are too short */
        render_wrap(cr, f, 0, 8, b.x + 8, y + 9, label_w - 12, 2, lab);
        shortened = !render_wrap_fits(cr, f, 0, 8, label_w - 12, 2, lab);
    } else
        render_text(cr, f, 0, 8, b.x + 8, y + 9, 0, lab);
    for (int m = 0; m < 2; m++)
        forest_draw_cell(fp, row, m, mid);
    return shortened;
}

int render_forest(cairo_t *cr, const struct fonts *f, struct box b, const struct forest_row *rows,
                  int nrows, const double overall[2], long min_n)
{
    cairo_save(cr);
    struct forest_plot fp = {.cr = cr, .f = f, .b = b, .c = cols_of(b.w), .min_n = min_n};
    fp.top = fp.bottom = b.y + 36;
    for (int i = 0; i < nrows; i++)
        fp.bottom += render_forest_row_height(cr, f, b.w, &rows[i]);
    for (int m = 0; m < 2; m++)
        forest_draw_measure_axis(&fp, m, overall[m]);
    int shortened = 0;
    double y = fp.top;
    for (int i = 0; i < nrows; i++) {
        double h = render_forest_row_height(cr, f, b.w, &rows[i]);
        shortened |= forest_draw_row(&fp, &rows[i], i, y, h);
        y += h;
    }
    cairo_restore(cr);
    return shortened;
}
