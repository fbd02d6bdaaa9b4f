/* glm.c: logistic regression exactly as R glm(y ~ ..., family = binomial), i.e. stats::glm.fit
 * with glm.control() defaults (R 4.2), on GSL's linear algebra.
 *
 * IRLS as glm.fit:
 *  - start: mustart = (weights * y + 0.5) / (weights + 1) with weights 1, eta = log(mu/(1-mu));
 *    devold = the deviance at mustart;
 *  - each iteration: z = eta + (y - mu) / mu.eta(eta), w = sqrt(mu.eta^2 / (mu (1 - mu))),
 *    coefficients from the least-squares fit of z*w on X*w (R's Cdqrls: LINPACK dqrdc2, a
 *    Householder QR with *limited* pivoting: a column whose remaining norm falls below
 *    tol times its original norm is moved to the end and counts as aliased; tol =
 *    min(1e-7, epsilon / 1000) = 1e-11 in glm.fit, not lm's 1e-7), aliased coefficients 0;
 *  - a non-finite deviance: the step is halved towards the previous coefficients until it is
 *    finite (R: "step size truncated due to divergence"; at the first iteration R stops: "no
 *    valid set of coefficients has been found"; after 25 halvings "inner loop 1"); the same for
 *    fitted values outside (0, 1) ("inner loop 2");
 *  - converged when |dev - devold| / (|dev| + 0.1) < 1e-8, at most 25 iterations;
 *  - non-finite coefficients from the least-squares step end the loop unconverged (R: "non-finite
 *    coefficients at iteration k").
 * The binomial family's C functions are R's (src/library/stats/src/family.c): linkinv clamps
 * eta beyond +-30 to DBL_EPSILON or 1/DBL_EPSILON before x/(1+x), mu.eta is DBL_EPSILON there,
 * the deviance residual is 2 (y log(y/mu) + (1-y) log((1-y)/(1-mu))) with 0 log 0 = 0.
 * At the end R warns "fitted probabilities numerically 0 or 1 occurred" when a fitted value is
 * within 10 * DBL_EPSILON of 0 or 1: `separation` records it.
 *
 * stats_glm_logit_grouped takes each distinct row once with the number of observations behind
 * it: every observation of a row has the same y, eta and mu, so each step is R's on the full
 * data (the deviance sums cnt times, the least-squares rows carry sqrt(cnt) in their weight),
 * the starting values those of unit weights, not glm's prior weights (whose mustart differs);
 * only the order of the sums differs from R's, by rounding.
 * Not here: prior weights, offsets, other families or links, standard errors. */
#include <float.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/stats.h"

#define GLM_EPSILON 1e-8 /* glm.control(epsilon) */
#define GLM_MAXIT 25     /* glm.control(maxit) */
#define THRESH 30.0
#define MTHRESH (-30.0)

static double linkinv(double eta)
{
    double t = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? 1 / DBL_EPSILON : exp(eta);
    return t / (1 + t);
}

static double mu_eta(double eta)
{
    if (eta > THRESH || eta < MTHRESH)
        return DBL_EPSILON;
    double e = exp(eta), opexp = 1 + e;
    return e / (opexp * opexp);
}

static double y_log_y(double y, double mu)
{
    return y != 0 ? y * log(y / mu) : 0;
}

/* The deviance; cnt[i] identical observations behind row i (NULL: one each). */
static double deviance(const double *y, const double *cnt, const double *mu, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (cnt ? cnt[i] : 1) * 2 * (y_log_y(y[i], mu[i]) + y_log_y(1 - y[i], 1 - mu[i]));
    return s;
}

/* binomial()$validmu: every mu finite and strictly inside (0, 1) */
static int valid_mu(const double *mu, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(mu[i]) || !(mu[i] > 0 && mu[i] < 1))
            return 0;
    return 1;
}

/* eta = X b (x row-major n by p), mu = linkinv(eta) */
static void predict(const double *x, size_t n, size_t p, const double *b, double *eta, double *mu)
{
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < p; j++)
            s += x[i * p + j] * b[j];
        eta[i] = s;
        mu[i] = linkinv(s);
    }
}

/* The weighted least-squares step of Cdqrls/dqrls: a is p rows (one per column of the design,
 * so each column is contiguous) by n, overwritten; zw the response, overwritten. Columns are
 * reduced in order; one whose norm below the diagonal has fallen under tol times its original
 * norm is cycled to the end (dqrdc2's rule and its norm downdating, re-computed when the
 * squared ratio falls below 1e-6). coef[piv[j]] gets the j-th solved coefficient, 0 beyond the
 * rank. Returns the rank, or -1 when out of memory. */
static int wls(gsl_matrix *a, gsl_vector *zw, double tol, size_t *piv, double *coef)
{
    size_t p = a->size1, n = a->size2;
    double *qraux = malloc((p ? p : 1) * sizeof *qraux), *orig = malloc((p ? p : 1) * sizeof *orig);
    gsl_matrix *r = p ? gsl_matrix_calloc(p, p) : NULL;
    gsl_vector *b = p ? gsl_vector_calloc(p) : NULL;
    int rank = -1;
    if (!qraux || !orig || (p && (!r || !b)))
        goto out;
    for (size_t j = 0; j < p; j++) {
        gsl_vector_view col = gsl_matrix_row(a, j);
        qraux[j] = gsl_blas_dnrm2(&col.vector);
        orig[j] = qraux[j] == 0 ? 1 : qraux[j];
        piv[j] = j;
    }
    size_t lup = n < p ? n : p, k = p; /* k: columns not (yet) moved to the end */
    for (size_t l = 0; l < lup; l++) {
        while (l < k && qraux[l] < orig[l] * tol) {
            /* move column l to the end, the others up by one */
            for (size_t j = l; j + 1 < p; j++) {
                gsl_matrix_swap_rows(a, j, j + 1);
                size_t tp = piv[j];
                piv[j] = piv[j + 1];
                piv[j + 1] = tp;
                double tq = qraux[j];
                qraux[j] = qraux[j + 1];
                qraux[j + 1] = tq;
                double to = orig[j];
                orig[j] = orig[j + 1];
                orig[j + 1] = to;
            }
            k--;
        }
        if (l + 1 == n)
            break; /* the last row: no transformation (dqrdc2 "if (l .eq. n)") */
        gsl_vector_view vl = gsl_matrix_subrow(a, l, l, n - l);
        double tau = gsl_linalg_householder_transform(&vl.vector);
        for (size_t j = l + 1; j < p; j++) {
            gsl_vector_view xj = gsl_matrix_subrow(a, j, l, n - l);
            gsl_linalg_householder_hv(tau, &vl.vector, &xj.vector);
            if (qraux[j] == 0)
                continue;
            double t = 1 - pow(fabs(gsl_matrix_get(a, j, l)) / qraux[j], 2);
            t = t > 0 ? t : 0;
            if (fabs(t) < 1e-6) {
                gsl_vector_view rest = gsl_matrix_subrow(a, j, l + 1, n - l - 1);
                qraux[j] = n - l - 1 ? gsl_blas_dnrm2(&rest.vector) : 0;
            } else {
                qraux[j] *= sqrt(t);
            }
        }
        gsl_vector_view zl = gsl_vector_subvector(zw, l, n - l);
        gsl_linalg_householder_hv(tau, &vl.vector, &zl.vector);
    }
    rank = (int)(k < n ? k : n);
    for (size_t i = 0; i < (size_t)rank; i++)
        for (size_t j = i; j < (size_t)rank; j++)
            gsl_matrix_set(r, i, j, gsl_matrix_get(a, j, i));
    for (size_t j = 0; j < p; j++)
        coef[j] = 0;
    if (rank > 0) {
        gsl_matrix_view rr = gsl_matrix_submatrix(r, 0, 0, (size_t)rank, (size_t)rank);
        gsl_vector_view bb = gsl_vector_subvector(b, 0, (size_t)rank);
        gsl_vector_const_view zz = gsl_vector_const_subvector(zw, 0, (size_t)rank);
        gsl_vector_memcpy(&bb.vector, &zz.vector);
        if (gsl_blas_dtrsv(CblasUpper, CblasNoTrans, CblasNonUnit, &rr.matrix, &bb.vector) != 0)
            for (size_t j = 0; j < (size_t)rank; j++)
                gsl_vector_set(b, j, NAN);
        for (size_t j = 0; j < (size_t)rank; j++)
            coef[piv[j]] = gsl_vector_get(b, j);
    }
out:
    free(qraux);
    free(orig);
    gsl_matrix_free(r);
    gsl_vector_free(b);
    return rank;
}

void stats_glm_fini(struct glm_fit *f)
{
    if (!f)
        return;
    free(f->coef);
    free(f->aliased);
    free(f->fitted);
    memset(f, 0, sizeof *f);
}

int stats_glm_logit(const double *x, const double *y, size_t n, size_t p, struct glm_fit *out)
{
    return stats_glm_logit_grouped(x, y, NULL, n, p, out);
}

/* One fit's data and work areas: n rows of p columns x (row-major), y, cnt (NULL: one each);
 * eta and mu (out->fitted) per row; the coefficients tried (start), the previous iteration's
 * (coefold, have_old) and the least-squares step; the weighted design a (p x n) and response
 * zw. */
struct irls {
    const double *x, *y, *cnt;
    size_t n, p;
    double *eta, *mu, *start, *coefold, *step;
    size_t *piv;
    gsl_matrix *a;
    gsl_vector *zw;
    int have_old;
};

static void irls_free(struct irls *w)
{
    free(w->eta);
    free(w->start);
    free(w->coefold);
    free(w->step);
    free(w->piv);
    gsl_matrix_free(w->a);
    gsl_vector_free(w->zw);
}

/* The least-squares step of one iteration into w->step: z*w on X*w; returns the rank (-1 out of
 * memory). */
static int irls_step(struct irls *w, double tol)
{
    size_t n = w->n, p = w->p;
    for (size_t i = 0; i < n; i++) {
        double me = mu_eta(w->eta[i]), var = w->mu[i] * (1 - w->mu[i]);
        double z = w->eta[i] + (w->y[i] - w->mu[i]) / me, wt = sqrt(me * me / var);
        if (w->cnt) /* cnt[i] equal rows: the same normal equations as one row of weight cnt */
            wt *= sqrt(w->cnt[i]);
        for (size_t j = 0; j < p; j++)
            w->a->data[j * w->a->tda + i] = w->x[i * p + j] * wt;
        w->zw->data[i * w->zw->stride] = z * wt;
    }
    return wls(w->a, w->zw, tol, w->piv, w->step);
}

/* Moves the coefficients tried half-way back to the previous iteration's, and predicts. */
static void halve_step(struct irls *w)
{
    for (size_t j = 0; j < w->p; j++)
        w->start[j] = (w->start[j] + w->coefold[j]) / 2;
    predict(w->x, w->n, w->p, w->start, w->eta, w->mu);
}

/* R's step halving after a step to w->start with deviance *dev: halved until the deviance is
 * finite (inner loop 1), then until the fitted values are valid (inner loop 2). Returns 1 with
 * out->error when R stops (no previous coefficients to go back to, or 25 halvings), else 0. */
static int correct_step(struct irls *w, struct glm_fit *out, double *dev)
{
    out->boundary = 0;
    if (!isfinite(*dev)) {
        if (!w->have_old) {
            out->error = "no valid set of coefficients has been found";
            return 1;
        }
        for (int ii = 1; !isfinite(*dev); ii++) {
            if (ii > GLM_MAXIT) {
                out->error = "inner loop 1; cannot correct step size";
                return 1;
            }
            halve_step(w);
            *dev = deviance(w->y, w->cnt, w->mu, w->n);
        }
        out->boundary = 1;
    }
    if (!valid_mu(w->mu, w->n)) {
        if (!w->have_old) {
            out->error = "no valid set of coefficients has been found";
            return 1;
        }
        for (int ii = 1; !valid_mu(w->mu, w->n); ii++) {
            if (ii > GLM_MAXIT) {
                out->error = "inner loop 2; cannot correct step size";
                return 1;
            }
            halve_step(w);
        }
        out->boundary = 1;
        *dev = deviance(w->y, w->cnt, w->mu, w->n);
    }
    return 0;
}

/* The IRLS iterations from the starting values in eta and mu: out->coef, iterations,
 * converged (or error); *dev and *rank those of the last iteration. Returns 0, 1 when R stops
 * without a fit (out->error), -1 out of memory. */
static int irls_iterate(struct irls *w, struct glm_fit *out, double *dev, int *rank)
{
    size_t n = w->n, p = w->p;
    double devold = deviance(w->y, w->cnt, w->mu, n);
    const double tol = fmin(1e-7, GLM_EPSILON / 1000);
    *dev = devold;
    *rank = (int)p;
    for (int iter = 1; iter <= GLM_MAXIT; iter++) {
        out->iterations = iter;
        *rank = irls_step(w, tol);
        if (*rank < 0)
            return -1;
        int finite = 1;
        for (size_t j = 0; j < p; j++)
            finite &= isfinite(w->step[j]) != 0;
        if (!finite) { /* R warns and breaks, unconverged */
            out->error = "non-finite coefficients";
            out->converged = 0;
            break;
        }
        memcpy(w->start, w->step, p * sizeof *w->start);
        predict(w->x, n, p, w->start, w->eta, w->mu);
        *dev = deviance(w->y, w->cnt, w->mu, n);
        if (correct_step(w, out, dev) != 0)
            return 1;
        memcpy(out->coef, w->start, p * sizeof *w->start);
        if (fabs(*dev - devold) / (fabs(*dev) + 0.1) < GLM_EPSILON) {
            out->converged = 1;
            break;
        }
        devold = *dev;
        memcpy(w->coefold, w->start, p * sizeof *w->start);
        w->have_old = 1;
    }
    return 0;
}

/* Starting values: eta and mu at mustart; 0, or 1 with out->error when they are not valid. */
static int irls_start(struct irls *w, struct glm_fit *out)
{
    for (size_t i = 0; i < w->n; i++) {
        double m = (w->y[i] + 0.5) / 2; /* mustart with weights 1 */
        w->eta[i] = log(m / (1 - m));
        w->mu[i] = linkinv(w->eta[i]);
    }
    if (!valid_mu(w->mu, w->n)) {
        out->error = "cannot find valid starting values";
        return 1;
    }
    return 0;
}

int stats_glm_logit_grouped(const double *x, const double *y, const double *cnt, size_t n, size_t p,
                            struct glm_fit *out)
{
    memset(out, 0, sizeof *out);
    out->p = p;
    out->coef = calloc(p ? p : 1, sizeof *out->coef);
    out->aliased = calloc(p ? p : 1, sizeof *out->aliased);
    out->fitted = malloc((n ? n : 1) * sizeof *out->fitted);
    struct irls w = {.x = x,
                     .y = y,
                     .cnt = cnt,
                     .n = n,
                     .p = p,
                     .eta = malloc((n ? n : 1) * sizeof *w.eta),
                     .mu = out->fitted,
                     .start = calloc(p ? p : 1, sizeof *w.start),
                     .coefold = calloc(p ? p : 1, sizeof *w.coefold),
                     .step = calloc(p ? p : 1, sizeof *w.step),
                     .piv = malloc((p ? p : 1) * sizeof *w.piv),
                     .a = n && p ? gsl_matrix_alloc(p, n) : NULL,
                     .zw = n ? gsl_vector_alloc(n) : NULL};
    double *mu = out->fitted;
    int rc = -1;
    if (!out->coef || !out->aliased || !mu || !w.eta || !w.start || !w.coefold || !w.step ||
        !w.piv || (n && p && !w.a) || (n && !w.zw))
        goto out;
    if (n == 0) {
        out->error = "no observation to fit";
        rc = 0;
        goto out;
    }
    if (p == 0) { /* R's EMPTY model: eta = 0, converged at iteration 0 */
        for (size_t i = 0; i < n; i++)
            mu[i] = linkinv(w.eta[i] = 0);
        out->deviance = deviance(y, cnt, mu, n);
        out->converged = 1;
        rc = 0;
        goto out;
    }
    if (irls_start(&w, out) != 0) {
        rc = 0;
        goto out;
    }
    double dev;
    int rank, it = irls_iterate(&w, out, &dev, &rank);
    if (it != 0) {
        rc = it > 0 ? 0 : -1;
        goto out;
    }
    out->deviance = dev;
    out->rank = rank;
    for (size_t j = (size_t)rank; j < p; j++) {
        out->aliased[w.piv[j]] = 1;
        out->coef[w.piv[j]] = NAN; /* R: NA */
    }
    const double eps = 10 * DBL_EPSILON;
    for (size_t i = 0; i < n; i++)
        if (mu[i] > 1 - eps || mu[i] < eps)
            out->separation = 1;
    rc = 0;
out:
    irls_free(&w);
    if (rc)
        stats_glm_fini(out);
    return rc;
}
