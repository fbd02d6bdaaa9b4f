/* trajectory.c: the mean score by session and by week since the index date, over faint
 * individual lines (none under suppression). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

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
    struct box b1 = {36, 76, w, d->h - 76 - 44}, b2 = {36 + w + 24, 76, w, d->h - 76 - 44};
    /* under suppression no individual line (each is one episode) */
    size_t nl = d->f.suppress_below > 1 ? 0 : a->ntraj_lines;
    render_trajectory(d->cr, &d->f, b1, a->by_session, TRAJ_POINTS, a->traj_lines, nl,
                      a->traj_pts, a->disc.by_session, 0, instrument_max(a->opts.instrument),
                      "treatment sessions before the score", yl);
    render_trajectory(d->cr, &d->f, b2, a->by_week, TRAJ_POINTS, a->traj_lines, nl,
                      a->traj_pts, a->disc.by_week, 1, instrument_max(a->opts.instrument),
                      "weeks since the index date", yl);
    page_end(d);
}

const struct page_info page_trajectory = {"Score trajectory", draw_trajectory};
