/* monthly.c: p-charts of response and remission by index month. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

static void draw_monthly(struct doc *d)
{
    const struct analysis *a = d->a;
    page_begin(d, "Response and remission of mature eligible episodes by index month (all "
                  "episodes), 12 months; p-chart limits: centre +- 3 standard errors.");
    double h = (d->h - 72 - 40 - 16) / 2;
    struct month_show resp[12], rem[12];
    month_shows(a->disc.monthly, 12, resp);
    month_shows(a->disc.monthly_remission, 12, rem);
    render_pchart(d->cr, &d->f, (struct box){36, 70, d->w - 72, h}, a->monthly, resp,
                  a->disc.centre, 12, a->month0, "Response");
    render_pchart(d->cr, &d->f, (struct box){36, 70 + h + 16, d->w - 72, h},
                  a->monthly_remission, rem, a->disc.centre_remission, 12, a->month0,
                  "Remission");
    page_end(d);
}

const struct page_info page_monthly = {"Monthly trend", draw_monthly};
