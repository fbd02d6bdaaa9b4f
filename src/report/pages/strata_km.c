/* strata_km.c: Kaplan-Meier time to response by the values of each stratum variable, with the
 * log-rank test over all values. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

#define STRATA_KM_DAYS 90 /* the days shown (README "Outputs", page 8) */

/* 1 when every drawn series stops before its first row (fewer than the cut at risk). */
static int none_at_risk(const struct km_show *show, int n)
{
    for (int k = 0; k < n; k++)
        if (show[k].rows > 0)
            return 0;
    return 1;
}

static void draw_strata_km(struct doc *d)
{
    const struct analysis *a = d->a;
    char sub[256];
    snprintf(sub, sizeof sub,
             "Kaplan-Meier by the index session's value: at most 5 values (most followed), days "
             "0-%d, curves stop below %ld at risk; log-rank over all values and follow-up.",
             STRATA_KM_DAYS, km_min_at_risk(d));
    page_begin(d, sub);
    /* seven panels: the free-text variables (site, clinician, therapy) three to the first row,
     * so that their values' names fit the legends; the four of fixed short names (route, drug,
     * dose band, the induction frequency) to the second */
    static const int order[SV_COUNT] = {SV_SITE, SV_CLINICIAN, SV_THERAPY,  SV_ROUTE,
                                        SV_DRUG, SV_DOSE_BAND, SV_FREQUENCY};
    double w3 = (d->w - 72 - 2 * 16) / 3, w4 = (d->w - 72 - 3 * 16) / 4,
           h = (d->h - 72 - 40 - 14 - 10) / 2;
    int shortened = 0;
    for (int i = 0; i < SV_COUNT; i++) {
        const int v = order[i];
        const struct stratum *st = &a->strata[v];
        struct box b = i < 3 ? (struct box){36 + i * (w3 + 16), 70, w3, h}
                             : (struct box){36 + (i - 3) * (w4 + 16), 70 + h + 14, w4, h};
        char test[160];
        if (a->disc.logrank[v])
            snprintf(test, sizeof test, "log-rank: withheld (built on counts below %d)",
                     d->f.suppress_below);
        else if (isnan(st->p))
            snprintf(test, sizeof test, "log-rank: not testable: %s",
                     st->logrank_reason ? st->logrank_reason : "fewer than two values");
        else
            snprintf(test, sizeof test, "log-rank p = %.3g (chi-square %.2f, df %.0f)", st->p,
                     st->chisq, st->df);
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        render_text(d->cr, &d->f, 1, 9, b.x, b.y + 8, 0, var_title(v));
        int idx[PICK_MAX], n = pick_values(st, PICK_MAX, idx);
        order_values(v, st, idx, n);
        const struct km *km[PICK_MAX];
        struct km_show show[PICK_MAX];
        const char *names[PICK_MAX];
        int shown = 0, withheld = 0;
        for (int k = 0; k < n; k++) {
            const struct disc_value *dv = &a->disc.strata[v][idx[k]];
            if (!dv->km.drawn) {
                withheld++; /* fewer than N */
                continue;
            }
            km[shown] = &st->values[idx[k]].km;
            show[shown] = km_show_cut(&st->values[idx[k]].km, &dv->km, km_min_at_risk(d));
            /* the first STRATA_KM_DAYS only: the values differ in the first weeks, and on an
             * axis to a year their curves lie on each other in its left tenth */
            const struct km *kk = &st->values[idx[k]].km;
            while (show[shown].rows > 0 && kk->curve[show[shown].rows - 1].time > STRATA_KM_DAYS)
                show[shown].rows--;
            names[shown++] = st->values[idx[k]].value;
        }
        if (shown && withheld) { /* say which are left out, and why */
            size_t tl = strlen(test);
            if (a->disc.logrank[v])
                snprintf(test, sizeof test, "log-rank: withheld");
            tl = strlen(test);
            snprintf(test + tl, sizeof test - tl, "; %d %s not drawn (n < %d or withheld)",
                     withheld, withheld > 1 ? "values" : "value", d->f.suppress_below);
        }
        /* the test's line wraps within the panel (a reason can be longer than its width) */
        double below =
            render_paragraph(d->cr, &d->f, 7.5, b.x, b.y + 18, b.w, test) - (b.y + 18) - 7.5 * 1.35;
        if (below < 0)
            below = 0;
        b.y += 20 + below;
        b.h -= 20 + below;
        if (shown == 0 && withheld) {
            char msg[240];
            snprintf(msg, sizeof msg,
                     "Not drawn: every value has fewer than %d episodes, or "
                     "a number withheld so that such a count cannot be worked back (a curve's "
                     "steps would give it away; small-cell suppression).",
                     d->f.suppress_below);
            render_withheld(d->cr, &d->f, b, msg);
        } else if (shown == 0 && d->in->each_by &&
                   ((v == SV_SITE && strcmp(d->in->each_by, "site") == 0) ||
                    (v == SV_CLINICIAN && strcmp(d->in->each_by, "clinician") == 0)))
            render_empty(d->cr, &d->f, b,
                         v == SV_SITE ? "one site: this report" : "one clinician: this report");
        else if (shown == 0)
            render_empty(d->cr, &d->f, b, "no values in this period");
        else if (none_at_risk(show, shown)) {
            /* no value keeps enough at risk for even its first step: say so, and list the
             * values with their n one to a line (a name is not broken across lines), instead
             * of empty axes running from 0 to 1 day */
            char msg[160];
            snprintf(msg, sizeof msg,
                     "No curve drawn: every value has fewer than %ld episodes at risk from the "
                     "start.",
                     km_min_at_risk(d));
            cairo_save(d->cr);
            cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
            double ly = render_paragraph(d->cr, &d->f, 9.5, b.x, b.y + 24, b.w, msg) + 4;
            for (int k = 0; k < shown; k++) {
                char line[TEXT_ROOM(64) + 32];
                snprintf(line, sizeof line, "%s: n %s", names[k], C(d, km[k]->n, show[k].n));
                ly = render_wrap(d->cr, &d->f, 0, 8, b.x + 8, ly, b.w - 8, 2, line);
            }
            cairo_restore(d->cr);
        } else
            shortened |= render_km(d->cr, &d->f, b, km, show, names, NULL, shown, "days",
                                   "responded (%)", 0);
    }
    if (shortened) {
        cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
        render_text(d->cr, &d->f, 0, 7.5, 36, d->h - 32, 0,
                    "Names ending in ... are shortened: results.json (strata) holds every value "
                    "in full.");
    }
    page_end(d);
}

const struct page_info page_strata_km = {"Breakdowns: time to response by stratum", draw_strata_km};
