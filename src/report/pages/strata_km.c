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

/* The curves of one panel: the values drawn (at most PICK_MAX, most followed), each cut to
 * the first STRATA_KM_DAYS days, and how many were left out. */
struct strata_panel {
    const struct km *km[PICK_MAX];
    struct km_show show[PICK_MAX];
    const char *names[PICK_MAX];
    int shown, withheld; /* values drawn; values not drawn (fewer than N) */
};

/* Variable v's panel: its values' curves as the disclosure decision lets them be drawn. */
static void panel_curves(struct doc *d, int v, struct strata_panel *pn)
{
    const struct analysis *a = d->a;
    const struct stratum *st = &a->strata[v];
    int idx[PICK_MAX], n = pick_values(st, PICK_MAX, idx);
    order_values(v, st, idx, n);
    pn->shown = pn->withheld = 0;
    for (int k = 0; k < n; k++) {
        const struct disc_value *dv = &a->disc.strata[v][idx[k]];
        if (!dv->km.drawn) {
            pn->withheld++; /* fewer than N */
            continue;
        }
        int sh = pn->shown;
        pn->km[sh] = &st->values[idx[k]].km;
        pn->show[sh] = km_show_cut(&st->values[idx[k]].km, &dv->km, km_min_at_risk(d));
        /* the first STRATA_KM_DAYS only: the values differ in the first weeks, and on an
         * axis to a year their curves lie on each other in its left tenth */
        const struct km *kk = &st->values[idx[k]].km;
        while (pn->show[sh].rows > 0 && kk->curve[pn->show[sh].rows - 1].time > STRATA_KM_DAYS)
            pn->show[sh].rows--;
        pn->names[pn->shown++] = st->values[idx[k]].value;
    }
}

/* Variable v's log-rank line into test[0..n): the test, or why there is none, and the values
 * left out of the panel pn. */
static void logrank_text(const struct doc *d, int v, const struct strata_panel *pn, char *test,
                         size_t n)
{
    const struct analysis *a = d->a;
    const struct stratum *st = &a->strata[v];
    if (a->disc.logrank[v])
        snprintf(test, n, "log-rank: withheld (built on counts below %d)", d->f.suppress_below);
    else if (isnan(st->p))
        snprintf(test, n, "log-rank: not testable: %s",
                 st->logrank_reason ? st->logrank_reason : "fewer than two values");
    else
        snprintf(test, n, "log-rank p = %.3g (chi-square %.2f, df %.0f)", st->p, st->chisq, st->df);
    if (pn->shown && pn->withheld) { /* say which are left out, and why */
        size_t tl = strlen(test);
        if (a->disc.logrank[v])
            snprintf(test, n, "log-rank: withheld");
        tl = strlen(test);
        snprintf(test + tl, n - tl, "; %d %s not drawn (n < %d or withheld)", pn->withheld,
                 pn->withheld > 1 ? "values" : "value", d->f.suppress_below);
    }
}

/* No value keeps enough at risk for even its first step: say so, and list the values with
 * their n one to a line (a name is not broken across lines), instead of empty axes running
 * from 0 to 1 day. */
static void draw_none_at_risk(struct doc *d, struct box b, const struct strata_panel *pn)
{
    char msg[160];
    snprintf(msg, sizeof msg,
             "No curve drawn: every value has fewer than %ld episodes at risk from the "
             "start.",
             km_min_at_risk(d));
    cairo_save(d->cr);
    cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
    double ly = render_paragraph(d->cr, &d->f, 9.5, b.x, b.y + 24, b.w, msg) + 4;
    for (int k = 0; k < pn->shown; k++) {
        char line[TEXT_ROOM(64) + 32];
        snprintf(line, sizeof line, "%s: n %s", pn->names[k], C(d, pn->km[k]->n, pn->show[k].n));
        ly = render_wrap(d->cr, &d->f, 0, 8, b.x + 8, ly, b.w - 8, 2, line);
    }
    cairo_restore(d->cr);
}

/* Variable v's panel in b: its title, its log-rank line, and its curves or why there are
 * none. Returns 1 when a name in its legend was shortened. */
static int draw_panel(struct doc *d, int v, struct box b)
{
    struct strata_panel pn;
    char test[160];
    panel_curves(d, v, &pn);
    logrank_text(d, v, &pn, test, sizeof test);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 1, 9, b.x, b.y + 8, 0, var_title(v));
    /* the test's line wraps within the panel (a reason can be longer than its width) */
    double below =
        render_paragraph(d->cr, &d->f, 7.5, b.x, b.y + 18, b.w, test) - (b.y + 18) - 7.5 * 1.35;
    if (below < 0)
        below = 0;
    b.y += 20 + below;
    b.h -= 20 + below;
    if (pn.shown == 0 && pn.withheld) {
        char msg[240];
        snprintf(msg, sizeof msg,
                 "Not drawn: every value has fewer than %d episodes, or "
                 "a number withheld so that such a count cannot be worked back (a curve's "
                 "steps would give it away; small-cell suppression).",
                 d->f.suppress_below);
        render_withheld(d->cr, &d->f, b, msg);
    } else if (pn.shown == 0 && d->in->each_by &&
               ((v == SV_SITE && strcmp(d->in->each_by, "site") == 0) ||
                (v == SV_CLINICIAN && strcmp(d->in->each_by, "clinician") == 0)))
        render_empty(d->cr, &d->f, b,
                     v == SV_SITE ? "one site: this report" : "one clinician: this report");
    else if (pn.shown == 0)
        render_empty(d->cr, &d->f, b, "no values in this period");
    else if (none_at_risk(pn.show, pn.shown))
        draw_none_at_risk(d, b, &pn);
    else
        return render_km(d->cr, &d->f, b, pn.km, pn.show, pn.names, NULL, pn.shown, "days",
                         "responded (%)", 0);
    return 0;
}

static void draw_strata_km(struct doc *d)
{
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
        struct box b = i < 3 ? (struct box){36 + i * (w3 + 16), 70, w3, h}
                             : (struct box){36 + (i - 3) * (w4 + 16), 70 + h + 14, w4, h};
        shortened |= draw_panel(d, order[i], b);
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
