/* funnel.c (pages): the fair-comparison pages of SPEC 11, one for clinicians and one for sites.
 * Each names the case-mix model (or why the comparison is unadjusted), draws the funnel of the
 * case-mix adjusted response rate and the funnel of the follow-up rate (render_funnel), and
 * lists the units outside the limits in words. Every number goes through the disclosure
 * decision (a->disc.funnel): a withheld unit is neither drawn nor listed, counts read "< N". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report_int.h"
#include "outcomes/model.h"
#include "outcomes/render.h"
#include "outcomes/text.h"
#include "pages.h"

/* Units at most this many are all labelled; above it, those outside 95 % are. */
#define LABEL_ALL_MAX 30

static const char *var_word(int var, int plural)
{
    if (var == FUNNEL_CLINICIAN)
        return plural ? "clinicians" : "clinician";
    return plural ? "sites" : "site";
}

/* The model in a sentence. */
static void model_sentence(const struct analysis *a, char *buf, size_t n, const char *unit)
{
    const struct funnel *f = &a->funnel;
    const struct disc_funnel *df = &a->disc.funnel;
    char cnt[24], centre[32];
    render_count(&(struct fonts){.suppress_below = a->opts.suppress_below}, f->n, df->n, cnt,
                 sizeof cnt);
    if (df->centre || isnan(f->centre))
        snprintf(centre, sizeof centre, "%s", isnan(f->centre) ? "none" : "withheld");
    else
        snprintf(centre, sizeof centre, "%.1f %%", 100 * f->centre);
    if (f->adjusted)
        snprintf(buf, n,
                 "Case-mix model: %s, a logistic regression as R glm(family = binomial) on %s "
                 "mature eligible episodes (converged in %d iterations). A %s's expected "
                 "responders are the sum of their episodes' fitted probabilities; the adjusted "
                 "rate is observed / expected x the overall rate (%s).",
                 f->formula, cnt, f->iterations, unit, centre);
    else
        snprintf(buf, n,
                 "Unadjusted comparison (expected responders = n x the overall rate, %s; %s "
                 "mature eligible episodes): the case-mix model %s could not be used: %s.",
                 centre, cnt, f->formula, f->reason ? f->reason : "");
}

void report_funnel_definition(const struct analysis *a, char *buf, size_t n)
{
    const struct funnel *f = &a->funnel;
    char cov[64] = "";
    for (int k = 0; k < a->opts.nadjust; k++) {
        strcat(cov, k ? "," : "");
        strcat(cov, model_adjust_name(a->opts.adjust[k]));
    }
    snprintf(buf, n,
             "Fair comparison (funnel plots): %s (--adjust %s) as R glm(family = binomial) on "
             "the mature eligible episodes; adjusted rate = observed / expected x overall "
             "rate; limits and fallbacks on the fair-comparison pages and in the README.",
             f->formula ? f->formula : "", a->opts.nadjust ? cov : "none");
}

/* The units outside the limits of one funnel, as a paragraph. */
static void outside_list(const struct analysis *a, const struct fonts *ft, int var, int followup,
                         char *buf, size_t n)
{
    const struct funnel_units *u = &a->funnel.units[var];
    const struct disc_funnel_value *dv = a->disc.funnel.units[var];
    size_t m = 0, listed = 0, more = 0, withheld = 0;
    m += (size_t)snprintf(
        buf, n, "%s outside the 95 %% limits: ", followup ? "Follow-up" : "Adjusted response");
    for (int pass = 0; pass < 2; pass++) /* 99.8 % first */
        for (size_t k = 0; k < u->nvalues; k++) {
            const struct funnel_value *v = &u->values[k];
            int flag = followup ? v->followup_flag : v->flag;
            int hid = followup ? dv[k].followup : dv[k].rate;
            int far = flag == FUNNEL_ABOVE_998 || flag == FUNNEL_BELOW_998;
            withheld += hid && pass == 0;
            if (hid || flag == FUNNEL_INSIDE || far != (pass == 0))
                continue;
            if (listed >= 8 || m + 160 > n) {
                more++;
                continue;
            }
            char lab[TEXT_ROOM(24)], cnt[2][24];
            text_display(lab, sizeof lab, v->value, 24);
            const char *dir =
                flag == FUNNEL_ABOVE_998 || flag == FUNNEL_ABOVE_95 ? "above" : "below";
            render_count(ft, v->n, dv[k].n, cnt[0], sizeof cnt[0]);
            if (followup) {
                render_count(ft, v->with_endpoint, dv[k].with_endpoint, cnt[1], sizeof cnt[1]);
                m += (size_t)snprintf(buf + m, n - m, "%s%s %s %s (%.0f %%, %s of %s)",
                                      listed ? "; " : "", lab, dir, far ? "99.8 %" : "95 %",
                                      100 * v->followup, cnt[1], cnt[0]);
            } else {
                render_count(ft, v->observed, dv[k].observed, cnt[1], sizeof cnt[1]);
                m += (size_t)snprintf(buf + m, n - m,
                                      "%s%s %s %s (%.0f %%: %s of %s responded, %.1f expected)",
                                      listed ? "; " : "", lab, dir, far ? "99.8 %" : "95 %",
                                      100 * v->adjusted_rate, cnt[1], cnt[0], v->expected);
            }
            listed++;
        }
    if (listed == 0 && withheld)
        snprintf(buf + m, n - m, "none among the units published (%zu withheld).", withheld);
    else if (listed == 0)
        snprintf(buf + m, n - m, "none.");
    else if (more)
        snprintf(buf + m, n - m, "; and %zu more (results.json lists every unit).", more);
    else
        snprintf(buf + m, n - m, ".");
}

void report_funnel_page(cairo_t *cr, const struct fonts *f, const struct analysis *a, int var,
                        double x, double y, double w, double h)
{
    const struct funnel *fn = &a->funnel;
    const struct disc_funnel *df = &a->disc.funnel;
    const struct funnel_units *u = &fn->units[var];
    char text[1400], cnt[24];
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    model_sentence(a, text, sizeof text, var_word(var, 0));
    size_t m = strlen(text);
    if (fn->ndropped)
        for (int k = 0; k < fn->ndropped; k++)
            m += (size_t)snprintf(text + m, sizeof text - m,
                                  " %s is left out of the model: the episodes have one value.",
                                  fn->dropped[k]);
    if (fn->left_out)
        m += (size_t)snprintf(text + m, sizeof text - m,
                              " %s episodes without a value of a covariate are left out of the "
                              "model and the comparison.",
                              render_count(f, fn->left_out, df->left_out, cnt, sizeof cnt));
    if (u->no_value)
        snprintf(text + m, sizeof text - m,
                 " %s episodes without a %s are in the model, not among the %s.",
                 render_count(f, u->no_value, df->no_value[var], cnt, sizeof cnt), var_word(var, 0),
                 var_word(var, 1));
    double yy = render_paragraph(cr, f, 8.5, x, y + 10, w, text) + 4;
    /* the funnels */
    struct funnel_point *pr = calloc(u->nvalues + 1, sizeof *pr),
                        *pf = calloc(u->nvalues + 1, sizeof *pf);
    double ch = h - (yy - y) - 62;
    double cw = (w - 24) / 2;
    if (pr && pf) {
        for (size_t k = 0; k < u->nvalues; k++) {
            const struct funnel_value *v = &u->values[k];
            const struct disc_funnel_value *dv = &df->units[var][k];
            pr[k] =
                (struct funnel_point){v->value, (double)v->n, v->adjusted_rate, v->flag, !dv->rate};
            pf[k] = (struct funnel_point){v->value, (double)v->n, v->followup, v->followup_flag,
                                          !dv->followup};
        }
        int label_all = u->nvalues <= LABEL_ALL_MAX ? FUNNEL_LABEL_ALL : 0;
        render_funnel(cr, f, (struct box){x, yy, cw, ch}, pr, u->nvalues, fn->centre,
                      df->centre || isnan(fn->centre), label_all,
                      fn->adjusted ? "Response, case-mix adjusted" : "Response (unadjusted)",
                      fn->adjusted ? "adjusted response rate" : "response rate",
                      "episodes (mature, eligible) of the unit");
        render_funnel(cr, f, (struct box){x + cw + 24, yy, cw, ch}, pf, u->nvalues,
                      fn->followup_centre, df->followup_centre || isnan(fn->followup_centre),
                      label_all, "Follow-up: endpoint score recorded (unadjusted)",
                      "episodes with an endpoint score", "episodes (mature, eligible) of the unit");
    }
    free(pr);
    free(pf);
    /* the units outside, in words */
    double ly = yy + ch + 12;
    cairo_set_source_rgb(cr, 0, 0, 0);
    outside_list(a, f, var, 0, text, sizeof text);
    ly = render_paragraph(cr, f, 8, x, ly, w, text) + 2;
    outside_list(a, f, var, 1, text, sizeof text);
    render_paragraph(cr, f, 8, x, ly, w, text);
    cairo_restore(cr);
}

static void draw_funnel(struct doc *d, int var)
{
    page_begin(d,
               "Each point is one unit. The curves: overall rate +- 1.96 and 3.09 x sqrt(p(1-p)/n) "
               "(95 %, 99.8 %); beyond them a rate differs by more than chance explains.");
    report_funnel_page(d->cr, &d->f, d->a, var, 36, 64, d->w - 72, d->h - 64 - 34);
    page_end(d);
}

static void draw_clinicians(struct doc *d)
{
    draw_funnel(d, FUNNEL_CLINICIAN);
}

static void draw_sites(struct doc *d)
{
    draw_funnel(d, FUNNEL_SITE);
}

const struct page_info page_funnel_clinician = {"Fair comparison: clinicians", draw_clinicians};
const struct page_info page_funnel_site = {"Fair comparison: sites", draw_sites};
