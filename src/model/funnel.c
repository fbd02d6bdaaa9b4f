/* funnel.c: the fair comparison of clinicians and sites (SPEC section 11).
 *
 * The comparison set is the mature eligible cohort episodes (responder: the endpoint score met
 * the response criterion; a missing endpoint is not a response, as in `response`). The case-mix
 * model is R's glm(responder ~ baseline_score [+ route + drug], family = binomial) on that set
 * (src/stats/glm.c), its covariates those of --adjust in the order given:
 *  - baseline: baseline_score as a number; route, drug: factors, levels in byte order, the first
 *    the reference (R's treatment contrasts; coefficient names as R's, "routeiv");
 *  - an episode with an empty value of a requested covariate is left out of the fit and of the
 *    comparison (counted in left_out);
 *  - a factor with one level among the remaining episodes is left out of the model (R would
 *    stop: "contrasts can be applied only to factors with 2 or more levels"), and named.
 * The comparison is unadjusted (expected = n p-bar, every episode's probability p-bar) when the
 * model cannot be used, with the reason: no episode; every episode a responder or none (the
 * maximum-likelihood intercept is infinite: R "converges" at about +-24.6 without a warning);
 * R's glm.fit stops or ends on non-finite coefficients; not converged in 25 iterations; a
 * rank-deficient design (an aliased column, R's NA coefficient); separation (R's warning
 * "fitted probabilities numerically 0 or 1 occurred": some estimates are infinite).
 * p-bar is the comparison set's response rate; each unit (a clinician or site with at least one
 * comparison episode) gets n, observed, expected = the sum of its episodes' probabilities,
 * adjusted_rate = observed / expected p-bar (indirect standardisation), its follow-up rate
 * (with an endpoint score / n) and the flags of stats_funnel_flag around p-bar and the set's
 * follow-up rate. Episodes with an empty clinician (site) are in the fit, not among the units. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

const char *model_adjust_name(int var)
{
    static const char *const names[ADJ_COUNT] = {"baseline", "route", "drug"};
    return var >= 0 && var < ADJ_COUNT ? names[var] : "";
}

void model_funnel_fini(struct funnel *f)
{
    free(f->formula);
    for (size_t k = 0; k < f->nterms; k++)
        free(f->terms[k].name);
    free(f->terms);
    free(f->fitted_p);
    for (int v = 0; v < FUNNEL_VARS; v++) {
        for (size_t k = 0; k < f->units[v].nvalues; k++)
            free(f->units[v].values[k].value);
        free(f->units[v].values);
    }
    memset(f, 0, sizeof *f);
}

/* A factor covariate: the episode's level code (0 = empty) and the level names. */
static int factor_code(const struct episode *e, int var)
{
    return var == ADJ_ROUTE ? e->route : e->drug;
}
static const char *factor_level_name(int var, int code)
{
    return var == ADJ_ROUTE ? ingest_route_name(code) : ingest_drug_name(code);
}
static const char *factor_column(int var)
{
    return var == ADJ_ROUTE ? "route" : "drug";
}

/* The most codes of a factor covariate (routes with "" as code 0). */
enum { MAX_LEVELS = (int)ROUTE_COUNT > (int)DRUG_COUNT ? (int)ROUTE_COUNT : (int)DRUG_COUNT };

/* The levels present (codes in byte order of their names) of a factor among the set. */
struct levels {
    int code[MAX_LEVELS];
    int n;
    int column[MAX_LEVELS]; /* design column of a code (-1: reference) */
};

static char *dup_printf2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", a, b);
    return s;
}

static int in_comparison(const struct episode *e, const struct model_opts *o)
{
    if (!e->in_cohort || !e->eligible || !e->mature)
        return 0;
    for (int k = 0; k < o->nadjust; k++)
        if ((o->adjust[k] == ADJ_ROUTE && e->route == ROUTE_NONE) ||
            (o->adjust[k] == ADJ_DRUG && e->drug == DRUG_NONE))
            return 0;
    return 1;
}

/* The units of one variable (clinician or site ids in rows.text, byte ranks). */
static int units(const struct rows *r, const struct analysis *a, const double *p, int var,
                 struct funnel_units *u)
{
    const struct funnel *f = &a->funnel;
    size_t nid = strtab_count(r->text);
    long *n = calloc(nid ? nid : 1, sizeof *n), *x = calloc(nid ? nid : 1, sizeof *x),
         *w = calloc(nid ? nid : 1, sizeof *w);
    double *ex = calloc(nid ? nid : 1, sizeof *ex);
    int rc = -1;
    if (!n || !x || !w || !ex)
        goto out;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        if (isnan(p[i]))
            continue;
        uint32_t id = var == FUNNEL_CLINICIAN ? e->clinician : e->site;
        if (id == 0) {
            u->no_value++;
            continue;
        }
        n[id]++;
        x[id] += e->responder;
        w[id] += e->endpoint_score >= 0;
        ex[id] += p[i];
    }
    size_t nv = 0;
    for (size_t id = 1; id < nid; id++)
        nv += n[id] > 0;
    if (!(u->values = calloc(nv ? nv : 1, sizeof *u->values)))
        goto out;
    for (size_t id = 1; id < nid; id++) {
        if (n[id] == 0)
            continue;
        struct funnel_value *fv = &u->values[u->nvalues++];
        if (!(fv->value = strdup(strtab_get(r->text, (uint32_t)id, NULL))))
            goto out;
        fv->n = n[id];
        fv->observed = x[id];
        fv->with_endpoint = w[id];
        fv->expected = ex[id];
        fv->adjusted_rate = fv->observed == 0 ? 0 : fv->observed / fv->expected * f->centre;
        fv->followup = (double)fv->with_endpoint / (double)fv->n;
        fv->flag = stats_funnel_flag(f->centre, (double)fv->n, fv->adjusted_rate);
        fv->followup_flag = stats_funnel_flag(f->followup_centre, (double)fv->n, fv->followup);
    }
    rc = 0;
out:
    free(n);
    free(x);
    free(w);
    free(ex);
    return rc;
}

/* The model's design: which requested covariates are in it (use[k] for o->adjust[k]: a factor
 * with one level is left out), each factor's levels and design columns, and p, the columns
 * with the intercept. */
struct design {
    struct levels lv[ADJ_COUNT];
    int use[ADJ_COUNT];
    size_t p;
};

/* The comparison set: the indices of its episodes into idx (returns their count); n, observed,
 * with_endpoint, the centres and left_out of f. */
static size_t comparison_set(const struct analysis *a, struct funnel *f, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nepisodes; i++) {
        const struct episode *e = &a->episodes[i];
        f->fitted_p[i] = NAN;
        if (!e->in_cohort || !e->eligible || !e->mature)
            continue;
        if (!in_comparison(e, &a->opts)) {
            f->left_out++;
            continue;
        }
        idx[n++] = i;
        f->observed += e->responder;
        f->with_endpoint += e->endpoint_score >= 0;
    }
    f->n = (long)n;
    f->centre = n ? (double)f->observed / (double)n : NAN;
    f->followup_centre = n ? (double)f->with_endpoint / (double)n : NAN;
    return n;
}

/* The design: intercept, then each covariate (a dropped factor named in f->dropped). */
static void design_columns(const struct analysis *a, const size_t *idx, size_t n, struct funnel *f,
                           struct design *d)
{
    const struct model_opts *o = &a->opts;
    d->p = 1;
    for (int k = 0; k < o->nadjust; k++) {
        int var = o->adjust[k];
        struct levels *lv = &d->lv[k];
        d->use[k] = 1;
        if (var == ADJ_BASELINE) {
            d->p++;
            continue;
        }
        int ncodes = var == ADJ_ROUTE ? ROUTE_COUNT : DRUG_COUNT;
        int present[MAX_LEVELS] = {0};
        for (size_t q = 0; q < n; q++)
            present[factor_code(&a->episodes[idx[q]], var)] = 1;
        lv->n = 0;
        for (int c = 1; c < ncodes; c++)
            if (present[c])
                lv->code[lv->n++] = c;
        for (int i = 1; i < lv->n; i++) /* byte order of the names (insertion sort) */
            for (int j = i; j > 0 && strcmp(factor_level_name(var, lv->code[j - 1]),
                                            factor_level_name(var, lv->code[j])) > 0;
                 j--) {
                int t = lv->code[j];
                lv->code[j] = lv->code[j - 1];
                lv->code[j - 1] = t;
            }
        if (n > 0 && lv->n < 2) {
            d->use[k] = 0;
            f->dropped[f->ndropped++] = factor_column(var);
            continue;
        }
        for (int c = 0; c < ncodes; c++)
            lv->column[c] = -1;
        for (int j = 1; j < lv->n; j++)
            lv->column[lv->code[j]] = (int)(d->p + (size_t)j - 1);
        d->p += (size_t)(lv->n > 0 ? lv->n - 1 : 0);
    }
}

/* The formula and term names (as R's), every estimate NaN until the fit. */
static int formula_and_terms(const struct model_opts *o, const struct design *d, struct funnel *f)
{
    size_t len = 32, p = d->p;
    for (int k = 0; k < o->nadjust; k++)
        len += 20;
    if (!(f->formula = malloc(len)) || !(f->terms = calloc(p, sizeof *f->terms)))
        return -1;
    strcpy(f->formula, "responder ~ ");
    int first = 1;
    f->nterms = p;
    if (!(f->terms[0].name = strdup("(Intercept)")))
        return -1;
    size_t col = 1;
    for (int k = 0; k < o->nadjust; k++) {
        if (!d->use[k])
            continue;
        int var = o->adjust[k];
        strcat(f->formula, first ? "" : " + ");
        strcat(f->formula, var == ADJ_BASELINE ? "baseline_score" : factor_column(var));
        first = 0;
        if (var == ADJ_BASELINE) {
            if (!(f->terms[col++].name = strdup("baseline_score")))
                return -1;
            continue;
        }
        for (int j = 1; j < d->lv[k].n; j++)
            if (!(f->terms[col++].name =
                      dup_printf2(factor_column(var), factor_level_name(var, d->lv[k].code[j]))))
                return -1;
    }
    if (first)
        strcat(f->formula, "1");
    for (size_t j = 0; j < p; j++)
        f->terms[j].estimate = NAN;
    return 0;
}

/* The smallest count of responders or non-responders at one level of a factor in the model
 * (LONG_MAX without a factor): the disclosure decision withholds the coefficients below N. */
static long smallest_level(const struct analysis *a, const size_t *idx, size_t n,
                           const struct design *d)
{
    const struct model_opts *o = &a->opts;
    long min_level = LONG_MAX;
    for (int k = 0; k < o->nadjust; k++) {
        int var = o->adjust[k];
        if (!d->use[k] || var == ADJ_BASELINE)
            continue;
        for (int j = 0; j < d->lv[k].n; j++) {
            long ln = 0, lx = 0;
            for (size_t q = 0; q < n; q++)
                if (factor_code(&a->episodes[idx[q]], var) == d->lv[k].code[j]) {
                    ln++;
                    lx += a->episodes[idx[q]].responder;
                }
            long m = ln < lx ? ln : lx;
            m = ln - lx < m ? ln - lx : m;
            min_level = m < min_level ? m : min_level;
        }
    }
    return min_level;
}

/* The grouped design: ng rows of p columns (xm), their outcome y and count cnt; grp[q] the row
 * of the comparison set's episode q. */
struct grouped {
    double *xm, *y, *cnt;
    size_t *grp, ng;
};
static void grouped_fini(struct grouped *g)
{
    free(g->xm);
    free(g->y);
    free(g->cnt);
    free(g->grp);
}

/* The design, one row per distinct (covariates, responder): episodes alike in every
 * covariate of the model and in the outcome are one row with their count (the same fit as
 * R's on every episode, stats_glm_logit_grouped), so that the fit costs the few hundred
 * distinct rows, not the episodes. Rows in key order: the same whatever the episodes'. */
static int grouped_design(const struct analysis *a, const size_t *idx, size_t n,
                          const struct design *d, struct grouped *g)
{
    const struct model_opts *o = &a->opts;
    size_t p = d->p;
    int use_b = 0, use_r = 0, use_d = 0;
    for (int k = 0; k < o->nadjust; k++)
        if (d->use[k]) {
            use_b |= o->adjust[k] == ADJ_BASELINE;
            use_r |= o->adjust[k] == ADJ_ROUTE;
            use_d |= o->adjust[k] == ADJ_DRUG;
        }
    int maxb = 0;
    for (size_t q = 0; q < n && use_b; q++)
        maxb =
            a->episodes[idx[q]].baseline_score > maxb ? a->episodes[idx[q]].baseline_score : maxb;
    size_t nkeys = ((size_t)maxb + 1) * ROUTE_COUNT * DRUG_COUNT * 2;
    size_t *gid = malloc(nkeys * sizeof *gid), *grp = g->grp = malloc(n * sizeof *grp);
    if (!gid || !grp) {
        free(gid);
        return -1;
    }
    for (size_t k = 0; k < nkeys; k++)
        gid[k] = SIZE_MAX;
    for (size_t q = 0; q < n; q++) {
        const struct episode *e = &a->episodes[idx[q]];
        size_t kb = use_b ? (size_t)e->baseline_score : 0, kr = use_r ? (size_t)e->route : 0,
               kd = use_d ? (size_t)e->drug : 0;
        grp[q] = ((kb * ROUTE_COUNT + kr) * DRUG_COUNT + kd) * 2 + (size_t)(e->responder != 0);
        gid[grp[q]] = 0;
    }
    for (size_t k = 0; k < nkeys; k++)
        if (gid[k] != SIZE_MAX)
            gid[k] = g->ng++;
    g->xm = calloc(g->ng * p, sizeof *g->xm);
    g->y = malloc(g->ng * sizeof *g->y);
    g->cnt = calloc(g->ng, sizeof *g->cnt);
    if (!g->xm || !g->y || !g->cnt) {
        free(gid);
        return -1;
    }
    for (size_t q = 0; q < n; q++) {
        size_t r = grp[q] = gid[grp[q]];
        if (g->cnt[r]++ > 0)
            continue;
        const struct episode *e = &a->episodes[idx[q]];
        double *row = g->xm + r * p;
        row[0] = 1;
        size_t col = 1;
        for (int k = 0; k < o->nadjust; k++) {
            if (!d->use[k])
                continue;
            int var = o->adjust[k];
            if (var == ADJ_BASELINE) {
                row[col++] = e->baseline_score;
                continue;
            }
            int c = d->lv[k].column[factor_code(e, var)];
            if (c >= 0)
                row[c] = 1;
            col += (size_t)(d->lv[k].n - 1);
        }
        g->y[r] = e->responder;
    }
    free(gid);
    return 0;
}

/* Why the comparison is unadjusted (NULL: the model is used). */
static const char *unadjusted_reason(const struct funnel *f, const struct glm_fit *fit, size_t p)
{
    if (f->observed == 0 || f->observed == f->n)
        return f->observed ? "every episode in the comparison responded: the model has "
                             "nothing to adjust (its intercept is infinite)"
                           : "no episode in the comparison responded: the model has "
                             "nothing to adjust (its intercept is infinite)";
    if (fit->error)
        return "the model could not be fitted (R's glm.fit stops: no valid set of "
               "coefficients)";
    if (!fit->converged)
        return "the model did not converge in 25 iterations";
    if (fit->rank < (int)p)
        return "the design is rank-deficient: a covariate is collinear with the others "
               "(R gives it an NA coefficient)";
    if (fit->separation)
        return "the model separates: fitted probabilities numerically 0 or 1 (some "
               "estimates are infinite)";
    return NULL;
}

int model_funnel(const struct rows *r, struct analysis *a)
{
    struct funnel *f = &a->funnel;
    struct grouped g = {0};
    struct glm_fit fit = {0};
    struct design d;
    int rc = -1;
    memset(f, 0, sizeof *f);
    f->fitted_p = malloc((a->nepisodes ? a->nepisodes : 1) * sizeof *f->fitted_p);
    size_t *idx = malloc((a->nepisodes ? a->nepisodes : 1) * sizeof *idx);
    if (!f->fitted_p || !idx)
        goto out;
    /* the comparison set */
    size_t n = comparison_set(a, f, idx);
    /* the design: intercept, then each covariate */
    design_columns(a, idx, n, f, &d);
    /* formula and term names */
    if (formula_and_terms(&a->opts, &d, f) != 0)
        goto out;
    if (n == 0) {
        f->reason = "no mature eligible episode to fit the model on";
        rc = 0;
        goto units;
    }
    f->min_level = smallest_level(a, idx, n, &d);
    if (grouped_design(a, idx, n, &d, &g) != 0)
        goto out;
    if (stats_glm_logit_grouped(g.xm, g.y, g.cnt, g.ng, d.p, &fit) != 0)
        goto out;
    f->fitted = 1;
    f->converged = fit.converged;
    f->iterations = fit.iterations;
    if (!fit.error)
        for (size_t j = 0; j < d.p; j++)
            f->terms[j].estimate = fit.coef[j];
    f->reason = unadjusted_reason(f, &fit, d.p);
    f->adjusted = !f->reason;
    for (size_t q = 0; q < n; q++)
        f->fitted_p[idx[q]] = f->adjusted ? fit.fitted[g.grp[q]] : f->centre;
    rc = 0;
units:
    if (rc == 0)
        for (int v = 0; v < FUNNEL_VARS && rc == 0; v++)
            rc = units(r, a, f->fitted_p, v, &f->units[v]);
out:
    stats_glm_fini(&fit);
    grouped_fini(&g);
    free(idx);
    return rc;
}
