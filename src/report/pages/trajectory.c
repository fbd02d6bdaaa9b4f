/* trajectory.c: the mean score by session and by week since the index date, over faint
 * individual lines (none under suppression). */
#include <stdio.h>
#include <stdlib.h>

#include "pages.h"

/* The chart's points: the model's means at each position. */
static void chart_means(const struct trajectory_point *tp, struct chart_mean *m)
{
    for (int k = 0; k < TRAJ_POINTS; k++)
        m[k] = (struct chart_mean){tp[k].n, tp[k].mean, tp[k].lo, tp[k].hi};
}

/* The first nl sampled episodes' scores as the chart's lines, by session (ls, x = treatment
 * sessions before the score) and by week (lw); the coordinates in *buf (one allocation, the
 * caller frees it). Returns 0, or -1 when out of memory. */
static int chart_lines(const struct analysis *a, size_t nl, struct chart_line *ls,
                       struct chart_line *lw, double **buf)
{
    size_t np = 0;
    for (size_t l = 0; l < nl; l++)
        np += a->traj_lines[l].count;
    double *v = *buf = malloc((3 * np + 1) * sizeof *v);
    if (!v)
        return -1;
    double *xs = v, *xw = v + np, *y = v + 2 * np;
    for (size_t l = 0, o = 0; l < nl; l++) {
        const struct traj_line *tl = &a->traj_lines[l];
        for (uint32_t k = 0; k < tl->count; k++) {
            const struct traj_pt *q = &a->traj_pts[tl->first + k];
            xs[o + k] = q->session;
            xw[o + k] = q->week;
            y[o + k] = q->score;
        }
        ls[l] = (struct chart_line){xs + o, y + o, tl->count};
        lw[l] = (struct chart_line){xw + o, y + o, tl->count};
        o += tl->count;
    }
    return 0;
}

static void draw_trajectory(struct doc *d)
{
    const struct analysis *a = d->a;
    char sub[256], yl[64];
    snprintf(sub, sizeof sub,
             "Mean %s score of eligible episodes with 95%% CI; faint lines: %zu of %ld episodes "
             "(1 in %ld, in a fixed order). Baseline at 0; the last point pools 12 and later.",
             instrument_label(a->opts.instrument), a->ntraj_lines, a->traj_episodes,
             a->traj_episodes > TRAJ_SAMPLE ? (a->traj_episodes + TRAJ_SAMPLE - 1) / TRAJ_SAMPLE
                                            : 1L);
    if (a->traj_episodes <= TRAJ_SAMPLE && d->f.suppress_below <= 1)
        snprintf(sub, sizeof sub,
                 "Mean %s score of eligible episodes with 95%% CI; faint lines: every episode. "
                 "Baseline at 0; the last point pools 12 and later.",
                 instrument_label(a->opts.instrument));
    if (d->f.suppress_below > 1)
        snprintf(sub, sizeof sub,
                 "Mean %s score with 95%% CI. Suppression: no individual lines (one episode "
                 "each); a point whose n reads \"< %d\" (fewer, or withheld with such a count) "
                 "is left out.",
                 instrument_label(a->opts.instrument), d->f.suppress_below);
    page_begin(d, sub);
    snprintf(yl, sizeof yl, "%s score", instrument_label(a->opts.instrument));
    double w = (d->w - 72 - 24) / 2;
    struct box b1 = {36, 76, w, d->h - 76 - 58}, b2 = {36 + w + 24, 76, w, d->h - 76 - 58};
    /* under suppression no individual line (each is one episode) */
    size_t nl = d->f.suppress_below > 1 ? 0 : a->ntraj_lines;
    struct chart_mean ms[TRAJ_POINTS], mw[TRAJ_POINTS];
    chart_means(a->by_session, ms);
    chart_means(a->by_week, mw);
    struct chart_line *ls = calloc(nl + 1, sizeof *ls), *lw = calloc(nl + 1, sizeof *lw);
    double *buf = NULL;
    if (!ls || !lw || chart_lines(a, nl, ls, lw, &buf) != 0) {
        d->oom = 1; /* the PDF is not written */
        nl = 0;
    }
    render_trajectory(d->cr, &d->f, b1, ms, TRAJ_POINTS, ls, nl, a->disc.by_session,
                      instrument_max(a->opts.instrument), "treatment sessions before the score",
                      yl);
    render_trajectory(d->cr, &d->f, b2, mw, TRAJ_POINTS, lw, nl, a->disc.by_week,
                      instrument_max(a->opts.instrument), "weeks since the index date", yl);
    free(buf);
    free(ls);
    free(lw);
    cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
    render_wrap(d->cr, &d->f, 0, 8, 36, d->h - 40, d->w - 72, 1,
                "n counts episodes: at each point one score per episode, the last in that "
                "session or week. Later points describe the episodes still followed then, not "
                "every eligible episode.");
    page_end(d);
}

const struct page_info page_trajectory = {"Score trajectory", draw_trajectory};
