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

void render_pchart(cairo_t *cr, const struct fonts *f, struct box b, const struct pchart_point *pts,
                   const struct month_show *show, int centre_withheld, int npts, int month0,
                   const char *title)
{
    static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 1, 10, b.x, b.y + 10, 0, title);
    long total = 0;
    for (int k = 0; k < npts; k++)
        total += pts[k].n;
    struct box p = {b.x + 36, b.y + 22, b.w - 64, b.h - 58}; /* room right for the centre */
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
    if (!any_rate) {
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
                     f->suppress_below);
        render_withheld(cr, f, (struct box){p.x, p.y - 10, p.w, p.h}, msg);
        /* the months' n, as far as they are published */
        double slot = p.w / npts;
        char buf[48], cnt[24];
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (int k = 0; k < npts; k++) {
            int m = month0 + k;
            snprintf(buf, sizeof buf, "%s %02d", mon[m % 12], (m / 12) % 100);
            render_text(cr, f, 0, 7.5, p.x + (k + 0.5) * slot, p.y + p.h + 11, 0.5, buf);
            if (show[k].maturity == 2 && pts[k].n == 0)
                snprintf(buf, sizeof buf, "not yet mature");
            else
                snprintf(buf, sizeof buf, "n %s",
                         render_count(f, pts[k].n, show[k].n, cnt, sizeof cnt));
            render_label(cr, f, 0, 7.5, p.x + (k + 0.5) * slot, p.y + p.h + 21, 0.5, slot - 2,
                         TEXT_ALL, buf);
        }
        cairo_restore(cr);
        return;
    }
    double slot = p.w / npts;
    struct axis ay = {0, 100, p.y + p.h, p.y, {0, 25, 50, 75, 100}, 5};
    char buf[64];
    /* the report's period, shaded behind everything */
    for (int k = 0; k < npts; k++)
        if (show[k].in_period) {
            cairo_set_source_rgb(cr, 0.93, 0.93, 0.88);
            cairo_rectangle(cr, p.x + k * slot, p.y, slot, p.h);
            cairo_fill(cr);
        }
    render_hgrid(cr, f, p, &ay, 1);
    /* limits band */
    cairo_set_source_rgba(cr, 0.12, 0.31, 0.47, 0.12);
    for (int k = 0; k < npts; k++) {
        if (pts[k].n < PCHART_MIN_N || isnan(pts[k].lower) || show[k].limits)
            continue;
        double y0 = render_axis_map(&ay, 100 * pts[k].upper),
               y1 = render_axis_map(&ay, 100 * pts[k].lower);
        cairo_rectangle(cr, p.x + k * slot + 2, y0, slot - 4, y1 - y0);
    }
    cairo_fill(cr);
    /* centre */
    if (!isnan(pts[0].centre) && !centre_withheld) {
        double y = render_axis_map(&ay, 100 * pts[0].centre);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, p.x, y);
        cairo_line_to(cr, p.x + p.w, y);
        cairo_stroke(cr);
        /* right of the frame: never on the shaded period or a point */
        snprintf(buf, sizeof buf, "%.1f%%", 100 * pts[0].centre);
        render_text(cr, f, 0, 7.5, p.x + p.w + 3, y - 1, 0, "centre");
        render_text(cr, f, 0, 7.5, p.x + p.w + 3, y + 7, 0, buf);
    } else if (centre_withheld) {
        snprintf(buf, sizeof buf, "centre line and limits withheld (built on counts below %d)",
                 f->suppress_below);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        render_text(cr, f, 0, 7.5, p.x + p.w - 4, p.y + 10, 1, buf);
    }
    /* rates */
    render_series_style(cr, 0);
    cairo_set_line_width(cr, 1.4);
    int open = 0;
    for (int k = 0; k < npts; k++) {
        if (!has_point(&pts[k], &show[k])) {
            open = 0;
            continue;
        }
        double x = p.x + (k + 0.5) * slot, y = render_axis_map(&ay, 100 * pts[k].rate);
        if (open)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        open = 1;
    }
    cairo_stroke(cr);
    for (int k = 0; k < npts; k++) {
        if (!has_point(&pts[k], &show[k]))
            continue;
        double x = p.x + (k + 0.5) * slot, y = render_axis_map(&ay, 100 * pts[k].rate);
        if (pts[k].signal && !show[k].limits) {
            cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
            cairo_move_to(cr, x, y - 5);
            cairo_line_to(cr, x + 5, y);
            cairo_line_to(cr, x, y + 5);
            cairo_line_to(cr, x - 5, y);
            cairo_close_path(cr);
            cairo_fill(cr);
        } else {
            render_series_style(cr, 0);
            cairo_arc(cr, x, y, 2.4, 0, 2 * RENDER_PI);
            cairo_fill(cr);
        }
    }
    /* months and n: "not yet mature" where no episode of the month is, "*" where some are */
    cairo_set_source_rgb(cr, 0, 0, 0);
    int partly = 0;
    for (int k = 0; k < npts; k++) {
        int m = month0 + k;
        double x = p.x + (k + 0.5) * slot;
        snprintf(buf, sizeof buf, "%s %02d", mon[m % 12], (m / 12) % 100);
        render_text(cr, f, show[k].in_period, 7.5, x, p.y + p.h + 11, 0.5, buf);
        char cnt[24];
        if (show[k].maturity == 2 && pts[k].n == 0)
            snprintf(buf, sizeof buf, "not yet mature");
        else
            snprintf(buf, sizeof buf, "n %s%s",
                     render_count(f, pts[k].n, show[k].n, cnt, sizeof cnt),
                     show[k].maturity == 1 ? "*" : "");
        partly |= show[k].maturity == 1;
        render_label(cr, f, 0, 7.5, x, p.y + p.h + 21, 0.5, slot - 2, TEXT_ALL, buf);
    }
    {
        int any_period = 0;
        for (int k = 0; k < npts; k++)
            any_period |= show[k].in_period;
        char note[300], few[64] = "";
        if (any_few)
            snprintf(few, sizeof few, "no point on fewer than %d episodes", PCHART_MIN_N);
        snprintf(note, sizeof note, "%s%s%s%s%s", any_period ? "shaded: the report's period" : "",
                 partly && any_period ? ";  " : "",
                 partly ? "* some of the month's episodes not yet mature" : "",
                 *few && (any_period || partly) ? ";  " : "", few);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        render_text(cr, f, 0, 7.5, p.x, p.y + p.h + 31, 0, note);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    render_frame(cr, p);
    /* legend */
    double lx = b.x + b.w - 330, ly = b.y + 8;
    render_series_style(cr, 0);
    cairo_arc(cr, lx, ly, 2.4, 0, 2 * RENDER_PI);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 0, 7.5, lx + 6, ly + 3, 0, "monthly rate");
    cairo_set_source_rgba(cr, 0.12, 0.31, 0.47, 0.2);
    cairo_rectangle(cr, lx + 66, ly - 4, 10, 8);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 0, 7.5, lx + 80, ly + 3, 0, "3-sigma limits");
    cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
    cairo_move_to(cr, lx + 150, ly - 4);
    cairo_line_to(cr, lx + 154, ly);
    cairo_line_to(cr, lx + 150, ly + 4);
    cairo_line_to(cr, lx + 146, ly);
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, f, 0, 7.5, lx + 158, ly + 3, 0, "signal (outside limits, or a run of 6)");
    cairo_restore(cr);
}
