/* monthly.c: p-charts of response and remission by index month. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

/* The line under a chart: the centre is over the 12 months shown, not the headline rate; with
 * no month drawn (no centre line either) only the headline rate. */
static void centre_note(struct doc *d, double y, const struct pchart_point *pts,
                        const struct month_show *show, uint8_t centre_withheld,
                        const struct proportion *head, struct disc_prop dh)
{
    char t[320], hr[64];
    if (head->n == 0)
        snprintf(hr, sizeof hr, "has no mature episode");
    else if (hidden(dh))
        snprintf(hr, sizeof hr, "is withheld (small counts)");
    else
        snprintf(hr, sizeof hr, "is %.1f%%", 100 * head->rate);
    if (!render_pchart_drawn(pts, show, 12))
        snprintf(t, sizeof t, "The period's headline rate (page 1) %s.", hr);
    else if (centre_withheld || isnan(pts[0].centre))
        snprintf(t, sizeof t,
                 "The centre line is over the 12 months shown (all their mature episodes); the "
                 "period's headline rate (page 1) %s.",
                 hr);
    else
        snprintf(t, sizeof t,
                 "The centre line, %.1f%%, is over the 12 months shown (all their mature "
                 "episodes), so it differs from the period's headline rate, which %s.",
                 100 * pts[0].centre, hr);
    cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
    render_wrap(d->cr, &d->f, 0, 8, 76, y + 8, d->w - 36 - 76, 1, t);
}

static void draw_monthly(struct doc *d)
{
    const struct analysis *a = d->a;
    page_begin(d, "Response and remission of mature eligible episodes by index month (all "
                  "episodes), 12 months; p-chart limits: centre +- 3 standard errors.");
    double h = (d->h - 72 - 40 - 16) / 2;
    struct month_show resp[12], rem[12];
    month_shows(a->disc.monthly, 12, resp);
    month_shows(a->disc.monthly_remission, 12, rem);
    month_context(a, 12, resp);
    month_context(a, 12, rem);
    h -= 10;
    render_pchart(d->cr, &d->f, (struct box){36, 70, d->w - 72, h}, a->monthly, resp,
                  a->disc.centre, 12, a->month0, "Response");
    centre_note(d, 70 + h + 4, a->monthly, resp, a->disc.centre, &a->response, a->disc.response);
    double y2 = 70 + h + 26;
    render_pchart(d->cr, &d->f, (struct box){36, y2, d->w - 72, h}, a->monthly_remission, rem,
                  a->disc.centre_remission, 12, a->month0, "Remission");
    centre_note(d, y2 + h + 4, a->monthly_remission, rem, a->disc.centre_remission, &a->remission,
                a->disc.remission);
    page_end(d);
}

const struct page_info page_monthly = {"Monthly trend", draw_monthly};
