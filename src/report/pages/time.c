/* time.c: Kaplan-Meier curves of time to response and remission, by days and by sessions. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

static void draw_time(struct doc *d)
{
    const struct analysis *a = d->a;
    char sub[320];
    snprintf(sub, sizeof sub,
             "Share of eligible episodes with a first response (or remission) at any visit, by "
             "days and by sessions; bands: 95%% CI; ticks: censored; curves stop below %ld at "
             "risk.",
             km_min_at_risk(d));
    if (d->f.suppress_below > 1)
        snprintf(sub, sizeof sub,
                 "Share responded (or remitted). Suppression: a curve stops where fewer than %d "
                 "remain at risk and is not drawn on fewer than %d or on a withheld n; at-risk "
                 "counts only.",
                 d->f.suppress_below, d->f.suppress_below);
    page_begin(d, sub);
    const struct km *days[2] = {&a->time_to_response, &a->time_to_remission};
    const struct km *sess[2] = {&a->sessions_to_response, &a->sessions_to_remission};
    const char *names[2] = {"first response", "first remission"};
    const char *risk[2] = {"Response", "Remission"};
    long cut = km_min_at_risk(d);
    double w = (d->w - 72 - 24) / 2;
    struct box b1 = {36, 72, w, d->h - 72 - 40};
    struct box b2 = {36 + w + 24, 72, w, d->h - 72 - 40};
    const struct km_show sd[2] = {km_show_cut(days[0], &a->disc.time_to_response, cut),
                                  km_show_cut(days[1], &a->disc.time_to_remission, cut)};
    const struct km_show ss[2] = {km_show_cut(sess[0], &a->disc.sessions_to_response, cut),
                                  km_show_cut(sess[1], &a->disc.sessions_to_remission, cut)};
    render_km(d->cr, &d->f, b1, days, sd, names, risk, 2, "days", "episodes with a first event (%)",
              1);
    render_km(d->cr, &d->f, b2, sess, ss, names, risk, 2, "sessions",
              "episodes with a first event (%)", 1);
    page_end(d);
}

const struct page_info page_time = {"Time to response and remission", draw_time};
