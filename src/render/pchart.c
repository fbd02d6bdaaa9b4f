/* pchart.c: the monthly p-chart. Each month's rate as a point (joined), the centre line, the
 * 3-sigma limits as a step band (they widen where a month has few episodes), signals as
 * filled diamonds; n under each month. Months with no mature episode show no point, nor do
 * months with fewer than PCHART_MIN_N (a rate of 1 of 1 is 100 %: its n is shown, not a point
 * or limits drawn from one or two patients; the centre still counts them). */
#include <math.h>
#include <stdio.h>

#include "outcomes/render.h"
#include "outcomes/text.h"

#define PCHART_MIN_N 5 /* as the forest plots: no point on fewer episodes */

/* 1 when month k has a point: episodes, at least PCHART_MIN_N, its rate not withheld. */
static int has_point(const struct pchart_point *pt, const struct month_show *sh)
{
    return pt->n >= PCHART_MIN_N && !sh->rate;
}

int render_pchart_drawn(const struct pchart_point *pts, const struct month_show *show, int npts)
{
    for (int k = 0; k < npts; k++)
        if (has_point(&pts[k], &show[k]))
            return 1;
    return 0;
}

/* One p-chart's inputs and the geometry its parts are drawn with (set by render_pchart). */
struct pchart {
    cairo_t *cr;
    const struct fonts *f;
    const struct pchart_point *pts;
    const struct month_show *show;
    int npts, month0; /* months, the first as year * 12 + month - 1 */
    struct box b, p;  /* the chart's box and its plot */
    double slot;      /* the width of a month */
    double stack;     /* "not yet mature" on two lines, this far apart (0: on one) */
    struct axis ay;   /* % */
};

/* Under each month its name and its n ("not yet mature" where no episode of the month is),
 * the name bold in the report's period when bold_period, n marked "*" where some episodes are
 * not mature yet when mark_partly. Returns 1 when a month was so marked. */
static int pchart_draw_months(const struct pchart *c, int bold_period, int mark_partly)
{
    static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    cairo_t *cr = c->cr;
    const struct box p = c->p;
    char buf[64], cnt[24];
    int partly = 0;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int k = 0; k < c->npts; k++) {
        int m = c->month0 + k;
        double x = p.x + (k + 0.5) * c->slot;
        const struct month_show *sh = &c->show[k];
        snprintf(buf, sizeof buf, "%s %02d", mon[m % 12], (m / 12) % 100);
        render_text(cr, c->f, bold_period && sh->in_period, 7.5, x, p.y + p.h + 11, 0.5, buf);
        if (sh->maturity == 2 && c->pts[k].n == 0 && c->stack > 0) {
            render_text(cr, c->f, 0, 7.5, x, p.y + p.h + 21, 0.5, "not yet");
            render_text(cr, c->f, 0, 7.5, x, p.y + p.h + 21 + c->stack, 0.5, "mature");
            continue;
        }
        if (sh->maturity == 2 && c->pts[k].n == 0)
            snprintf(buf, sizeof buf, "not yet mature");
        else
            snprintf(buf, sizeof buf, "n %s%s",
                     render_count(c->f, c->pts[k].n, sh->n, cnt, sizeof cnt),
                     mark_partly && sh->maturity == 1 ? "*" : "");
        partly |= mark_partly && sh->maturity == 1;
        render_label(cr, c->f, 0, 7.5, x, p.y + p.h + 21, 0.5, c->slot - 2, TEXT_ALL, buf);
    }
    return partly;
}

/* No month has a point: why (any_open: the rates are published but every month is small),
 * and the months' n, as far as they are published. */
static void pchart_draw_none(const struct pchart *c, int any_open)
{
    char msg[320];
    if (any_open) /* the rates are published but every month is small */
        snprintf(msg, sizeof msg,
                 "Not drawn: no month has %d or more mature eligible episodes, too few for "
                 "a monthly rate to mean much. The months' numbers of episodes are below.",
                 PCHART_MIN_N);
    else
        snprintf(msg, sizeof msg,
                 "Not drawn: every month's rate is built on a count below %d, or on one "
                 "withheld so that such a count cannot be worked back (small-cell "
                 "suppression). The months' numbers of episodes are below, where published.",
                 c->f->suppress_below);
    render_withheld(c->cr, c->f, (struct box){c->p.x, c->p.y - 10, c->p.w, c->p.h}, msg);
    /* the months' n, as far as they are published */
    pchart_draw_months(c, 0, 0);
}

/* The report's period, shaded behind everything. */
static void pchart_draw_period(const struct pchart *c)
{
    for (int k = 0; k < c->npts; k++)
        if (c->show[k].in_period) {
            cairo_set_source_rgb(c->cr, 0.93, 0.93, 0.88);
            cairo_rectangle(c->cr, c->p.x + k * c->slot, c->p.y, c->slot, c->p.h);
            cairo_fill(c->cr);
        }
}

/* The 3-sigma limits as a step band, where a month has enough episodes and they are shown. */
static void pchart_draw_limits(const struct pchart *c)
{
    cairo_t *cr = c->cr;
    cairo_set_source_rgba(cr, 0.12, 0.31, 0.47, 0.12);
    for (int k = 0; k < c->npts; k++) {
        const struct pchart_point *pt = &c->pts[k];
        if (pt->n < PCHART_MIN_N || isnan(pt->lower) || c->show[k].limits)
            continue;
        double y0 = render_axis_map(&c->ay, 100 * pt->upper),
               y1 = render_axis_map(&c->ay, 100 * pt->lower);
        cairo_rectangle(cr, c->p.x + k * c->slot + 2, y0, c->slot - 4, y1 - y0);
    }
    cairo_fill(cr);
}

/* The centre line with its rate (right of the frame: never on the shaded period or a point),
 * or the sentence that it and the limits are withheld. */
static void pchart_draw_centre(const struct pchart *c, int centre_withheld)
{
    cairo_t *cr = c->cr;
    const struct box p = c->p;
    char buf[64];
    if (!isnan(c->pts[0].centre) && !centre_withheld) {
        double y = render_axis_map(&c->ay, 100 * c->pts[0].centre);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, p.x, y);
        cairo_line_to(cr, p.x + p.w, y);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%.1f%%", 100 * c->pts[0].centre);
        render_text(cr, c->f, 0, 7.5, p.x + p.w + 3, y - 1, 0, "centre");
        render_text(cr, c->f, 0, 7.5, p.x + p.w + 3, y + 7, 0, buf);
    } else if (centre_withheld) {
        snprintf(buf, sizeof buf, "centre line and limits withheld (built on counts below %d)",
                 c->f->suppress_below);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        render_text(cr, c->f, 0, 7.5, p.x + p.w - 4, p.y + 10, 1, buf);
    }
}

/* A signal's marker: a filled diamond of half-diagonal r at (x, y). */
static void pchart_signal(cairo_t *cr, double x, double y, double r)
{
    cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
    render_diamond(cr, x, y, r);
    cairo_fill(cr);
}

/* The rates: joined where months with a point follow each other, each a dot, or a signal's
 * diamond where its limits are shown. */
static void pchart_draw_rates(const struct pchart *c)
{
    cairo_t *cr = c->cr;
    render_series_style(cr, 0);
    cairo_set_line_width(cr, 1.4);
    int open = 0;
    for (int k = 0; k < c->npts; k++) {
        if (!has_point(&c->pts[k], &c->show[k])) {
            open = 0;
            continue;
        }
        double x = c->p.x + (k + 0.5) * c->slot, y = render_axis_map(&c->ay, 100 * c->pts[k].rate);
        if (open)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        open = 1;
    }
    cairo_stroke(cr);
    for (int k = 0; k < c->npts; k++) {
        if (!has_point(&c->pts[k], &c->show[k]))
            continue;
        double x = c->p.x + (k + 0.5) * c->slot, y = render_axis_map(&c->ay, 100 * c->pts[k].rate);
        if (c->pts[k].signal && !c->show[k].limits)
            pchart_signal(cr, x, y, 5);
        else {
            render_series_style(cr, 0);
            cairo_arc(cr, x, y, 2.4, 0, 2 * RENDER_PI);
            cairo_fill(cr);
        }
    }
}

/* The note under the months: what the shading, "*" and a missing point mean, as far as the
 * chart has them. */
static void pchart_draw_note(const struct pchart *c, int partly, int any_few)
{
    int any_period = 0;
    for (int k = 0; k < c->npts; k++)
        any_period |= c->show[k].in_period;
    char note[300], few[64] = "";
    if (any_few)
        snprintf(few, sizeof few, "no point on fewer than %d episodes", PCHART_MIN_N);
    snprintf(note, sizeof note, "%s%s%s%s%s", any_period ? "shaded: the report's period" : "",
             partly && any_period ? ";  " : "",
             partly ? "* some of the month's episodes not yet mature" : "",
             *few && (any_period || partly) ? ";  " : "", few);
    cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
    render_text(c->cr, c->f, 0, 7.5, c->p.x, c->p.y + c->p.h + 31 + c->stack, 0, note);
    cairo_set_source_rgb(c->cr, 0, 0, 0);
}

/* The legend, top right: monthly rate, 3-sigma limits, signal. */
static void pchart_draw_legend(const struct pchart *c)
{
    cairo_t *cr = c->cr;
    double lx = c->b.x + c->b.w - 330, ly = c->b.y + 8;
    render_series_style(cr, 0);
    cairo_arc(cr, lx, ly, 2.4, 0, 2 * RENDER_PI);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, c->f, 0, 7.5, lx + 6, ly + 3, 0, "monthly rate");
    cairo_set_source_rgba(cr, 0.12, 0.31, 0.47, 0.2);
    cairo_rectangle(cr, lx + 66, ly - 4, 10, 8);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, c->f, 0, 7.5, lx + 80, ly + 3, 0, "3-sigma limits");
    pchart_signal(cr, lx + 150, ly, 4);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, c->f, 0, 7.5, lx + 158, ly + 3, 0, "signal (outside limits, or a run of 6)");
}

void render_pchart(cairo_t *cr, const struct fonts *f, struct box b, const struct pchart_point *pts,
                   const struct month_show *show, int centre_withheld, int npts, int month0,
                   const char *title)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 1, 10, b.x, b.y + 10, 0, title);
    long total = 0;
    for (int k = 0; k < npts; k++)
        total += pts[k].n;
    /* a month too narrow for "not yet mature" (Letter) sets it on two lines, the plot that much
     * lower */
    double stack = 0;
    for (int k = 0; k < npts; k++)
        if (show[k].maturity == 2 && pts[k].n == 0 &&
            render_text_width(cr, f, 0, 7.5, "not yet mature") > (b.w - 64) / npts - 2)
            stack = 9;
    struct box p = {b.x + 36, b.y + 22, b.w - 64, b.h - 58 - stack}; /* room right: the centre */
    int any_rate = 0, any_few = 0, any_open = 0;
    for (int k = 0; k < npts; k++) {
        any_rate |= has_point(&pts[k], &show[k]);
        any_few |= pts[k].n > 0 && pts[k].n < PCHART_MIN_N && !show[k].n;
        any_open |= pts[k].n > 0 && !show[k].rate;
    }
    if (total == 0) {
        render_empty(cr, f, p, "no mature eligible episode in these 12 months");
        cairo_restore(cr);
        return;
    }
    struct pchart c = {.cr = cr,
                       .f = f,
                       .pts = pts,
                       .show = show,
                       .npts = npts,
                       .month0 = month0,
                       .b = b,
                       .p = p,
                       .slot = p.w / npts,
                       .stack = stack,
                       .ay = {0, 100, p.y + p.h, p.y, {0, 25, 50, 75, 100}, 5}};
    if (!any_rate) {
        pchart_draw_none(&c, any_open);
        cairo_restore(cr);
        return;
    }
    pchart_draw_period(&c);
    render_hgrid(cr, f, p, &c.ay, 1);
    pchart_draw_limits(&c);
    pchart_draw_centre(&c, centre_withheld);
    pchart_draw_rates(&c);
    /* months and n: "not yet mature" where no episode of the month is, "*" where some are */
    int partly = pchart_draw_months(&c, 1, 1);
    pchart_draw_note(&c, partly, any_few);
    render_frame(cr, p);
    pchart_draw_legend(&c);
    cairo_restore(cr);
}
