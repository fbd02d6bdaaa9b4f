/* safety.c: the first safety page (SPEC sections 6 and 13): were the vital signs taken at every
 * treatment session (overall, by route, by month, by clinician), was anyone dosed at a pressure
 * the protocol holds at, were intranasal sessions monitored for two hours, and the systolic
 * rise after the dose. The second page (safety_review.c) has item 9, dissociation (CADSS), side
 * effects and the review list. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

/* The vital-sign pairs, the pressures the protocol flags and monitoring time, in the left
 * column; returns the y after them. */
static double vitals_tables(struct doc *d, struct safety_nums *t, double x, double y, double colw)
{
    const struct analysis *a = d->a;
    const struct safety_checks *c = &a->checks;
    const struct disc_checks *dc = &a->disc.checks;
    const struct safety *s = &a->safety;
    struct safety_row v[4] = {{"before the dose (both values)", "", ""},
                              {"after the dose (both values)", "", ""},
                              {"before and after (all four values)", "", ""},
                              {"one value of a pair only (not a reading)", "", ""}};
    safety_share(d, t, &v[0], c->all.pre, c->all.sessions, dc->all.pre, "sessions");
    safety_share(d, t, &v[1], c->all.post, c->all.sessions, dc->all.post, "sessions");
    safety_share(d, t, &v[2], c->all.all, c->all.sessions, dc->all.all, "sessions");
    char inc[96];
    snprintf(inc, sizeof inc, "%s before, %s after",
             safety_count(d, t, c->pre_incomplete, dc->pre_incomplete.events),
             safety_count(d, t, c->post_incomplete, dc->post_incomplete.events));
    safety_value(&v[3], inc);
    y = safety_table(d, x, y, colw, "Was blood pressure taken at every treatment session?", v, 4);
    /* by route: the routes with sessions, those without a route last */
    struct safety_row rv[ROUTE_COUNT];
    int nr = 0;
    for (int r = 1; r <= ROUTE_COUNT; r++) {
        int k = r % ROUTE_COUNT;
        if (c->by_route[k].sessions == 0)
            continue;
        rv[nr].label = k ? ingest_route_name(k) : "no route recorded";
        safety_share(d, t, &rv[nr], c->by_route[k].all, c->by_route[k].sessions,
                     dc->by_route[k].all, "sessions");
        nr++;
    }
    if (nr)
        y = safety_table(d, x, y, colw, "All four values, by route of the session", rv, nr);
    char bl[3][96];
    snprintf(bl[0], sizeof bl[0], "dosed at >= %d/%d (the hold level)", a->opts.bp_hold_sys,
             a->opts.bp_hold_dia);
    snprintf(bl[1], sizeof bl[1], ">= %d/%d before the dose (to review)", a->opts.bp_pre_sys,
             a->opts.bp_pre_dia);
    snprintf(bl[2], sizeof bl[2], ">= %d/%d after the dose", a->opts.bp_post_sys,
             a->opts.bp_post_dia);
    struct safety_row b[3] = {{bl[0], "", ""}, {bl[1], "", ""}, {bl[2], "", ""}};
    safety_share(d, t, &b[0], c->hold_dosed, c->dosed_pre, dc->hold_dosed, "dosed");
    safety_share(d, t, &b[1], s->bp_pre_high, s->bp_pre_n, a->disc.bp_pre, "readings");
    safety_share(d, t, &b[2], s->bp_post_high, s->bp_post_n, a->disc.bp_post, "readings");
    y = safety_table(d, x, y, colw, "Was anyone dosed at a pressure the protocol holds at?", b, 3);
    struct safety_row m[2] = {{"monitored for less than 120 minutes", "", ""},
                              {"no monitoring time recorded", "", ""}};
    safety_share(d, t, &m[0], c->monitoring_short, c->intranasal, dc->monitoring_short,
                 "intranasal");
    safety_share(d, t, &m[1], c->monitoring_missing, c->intranasal, dc->monitoring_missing,
                 "intranasal");
    return safety_table(d, x, y, colw, "Were intranasal sessions monitored for two hours?", m, 2);
}

/* The share of sessions with all four values by month: a point with its 95 % interval on a
 * 0-100 % axis, the month's sessions under it; a withheld month has no point. */
static void month_chart(struct doc *d, struct safety_nums *t, struct box b)
{
    const struct safety_checks *c = &d->a->checks;
    const struct disc_checks *dc = &d->a->disc.checks;
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, b.x, b.y + 10, 0,
                "All four values taken, by month of the session");
    long any = 0;
    for (int m = 0; m < 12; m++)
        any += c->by_month[m].sessions;
    struct box p = {b.x + 44, b.y + 22, b.w - 50, b.h - 62};
    if (any == 0) {
        render_empty(cr, &d->f, p, "no treatment session in these 12 months");
        return;
    }
    struct axis ay;
    render_axis_nice(&ay, 0, 100, 5, p.y + p.h, p.y);
    render_hgrid(cr, &d->f, p, &ay, 1);
    double slot = p.w / 12;
    int withheld = 0;
    for (int m = 0; m < 12; m++) {
        const struct vitals *v = &c->by_month[m];
        const struct disc_vitals *dv = &dc->by_month[m];
        double xx = p.x + (m + 0.5) * slot;
        char lab[8];
        report_month_label(c->month0 + m, lab);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, &d->f, 0, 7.5, xx, p.y + p.h + 10, 0.5, lab + 2); /* "25-11" */
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        render_text(cr, &d->f, 0, 7.5, xx, p.y + p.h + 20, 0.5,
                    safety_count(d, t, v->sessions, dv->sessions));
        if (v->sessions == 0)
            continue;
        if (hidden(dv->all)) {
            withheld = 1;
            continue;
        }
        struct proportion q = stats_proportion(v->all, v->sessions, d->a->opts.ci);
        render_series_style(cr, 0);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, xx, render_axis_map(&ay, 100 * q.lo));
        cairo_line_to(cr, xx, render_axis_map(&ay, 100 * q.hi));
        cairo_stroke(cr);
        cairo_arc(cr, xx, render_axis_map(&ay, 100 * q.rate), 2.6, 0, 2 * RENDER_PI);
        cairo_fill(cr);
    }
    safety_chart_titles(d, b, p, "% of treatment sessions (95 % CI)",
                        withheld ? "month (YY-MM) and its treatment sessions; no point: withheld "
                                   "(suppression)"
                                 : "month (YY-MM) and its treatment sessions",
                        31);
}

/* Clinicians: the share of their sessions with all four values on the unadjusted funnel of
 * SPEC 11 (render_funnel, as the fair-comparison pages draw it); a clinician whose share is
 * withheld is not drawn. */
static void clinician_funnel(struct doc *d, struct box b)
{
    const struct safety_checks *c = &d->a->checks;
    const struct disc_checks *dc = &d->a->disc.checks;
    const char *title = "All four values, by clinician (unadjusted funnel)";
    size_t n = c->nclinicians;
    if (n == 0) {
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        render_text(d->cr, &d->f, 1, 10, b.x, b.y + 10, 0, title);
        render_empty(d->cr, &d->f, (struct box){b.x, b.y + 20, b.w, 60},
                     "no session names a clinician");
        return;
    }
    struct funnel_point *pts = calloc(n, sizeof *pts);
    if (!pts) {
        d->oom = 1;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        const struct vitals_unit *u = &c->by_clinician[k];
        pts[k] = (struct funnel_point){u->value, (double)u->v.sessions,
                                       (double)u->v.all / (double)u->v.sessions, u->flag,
                                       !hidden(dc->by_clinician[k].all)};
    }
    render_funnel(d->cr, &d->f, b, pts, n, c->funnel_centre,
                  dc->funnel_centre || isnan(c->funnel_centre),
                  (n <= 12 ? FUNNEL_LABEL_ALL : 0) | FUNNEL_ZOOM_Y, title,
                  "share of sessions with all four values", "treatment sessions of the clinician");
    free(pts);
}

/* The systolic rise after the dose, in 10 mmHg bins. */
static void sbp_rise_chart(struct doc *d, struct box b)
{
    const struct safety *s = &d->a->safety;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 1, 10, b.x, b.y + 10, 0,
                "Systolic rise after the dose (sessions with both readings)");
    static const char *const bins[8] = {"< 0",   "0-9",   "10-19", "20-29",
                                        "30-39", "40-49", "50-59", ">= 60"};
    double hv[8];
    for (int k = 0; k < 8; k++)
        hv[k] = (double)s->sbp_rise_hist[k];
    struct box p = {b.x, b.y + 16, b.w, b.h - 30};
    if (s->sbp_rise_n)
        render_bars(d->cr, &d->f, p, bins, hv, d->a->disc.sbp_rise_hist, 8, "sessions", 0);
    else
        render_empty(d->cr, &d->f, p, "no session with both readings");
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 0, 8, b.x + 40 + (b.w - 46) / 2, b.y + b.h - 2, 0.5,
                "rise in systolic pressure, post-dose minus pre-dose (mmHg)");
}

static void draw_safety(struct doc *d)
{
    struct safety_nums t = {.i = 0};
    const struct safety *s = &d->a->safety;
    const struct disclosure *dc = &d->a->disc;
    char sub[200];
    snprintf(sub, sizeof sub,
             "Treatment sessions of the period's episodes: %s sessions in %s episodes. A "
             "reading is both values of a pair.",
             safety_count(d, &t, s->sessions, dc->sessions),
             safety_count(d, &t, s->episodes, dc->episodes));
    double x2, colw = safety_page_begin(d, sub, &x2);
    double y = vitals_tables(d, &t, 36, 80, colw);
    double bottom = d->h - 40;
    if (bottom - y > 110)
        sbp_rise_chart(d, (struct box){36, y, colw, bottom - y});
    month_chart(d, &t, (struct box){x2, 70, colw, 210});
    clinician_funnel(d, (struct box){x2, 290, colw, bottom - 290});
    page_end(d);
}

const struct page_info page_safety = {"Safety: vital signs, blood pressure and monitoring",
                                      draw_safety};
