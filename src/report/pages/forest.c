/* forest.c: response and remission rates by the values of each stratum variable (forest plots). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

static void draw_forest(struct doc *d)
{
    const struct analysis *a = d->a;
    page_begin(d, "Mature eligible episodes by the value of their index session; squares grow "
                  "with n. At most 5 values per variable (the largest); all are in results.json.");
    struct forest_row rows[2][64];
    int nr = 0;
    int more = 0;
    for (int v = 0; v < SV_COUNT; v++) {
        const struct stratum *st = &a->strata[v];
        int idx[PICK_MAX], n = pick_values(st, PICK_MAX, idx);
        if (st->nvalues == 0)
            continue;
        rows[0][nr] = rows[1][nr] = (struct forest_row){var_title(v), NULL, 0, 0};
        nr++;
        for (int k = 0; k < n && nr < 64; k++, nr++) {
            const struct stratum_value *sv = &st->values[idx[k]];
            const struct disc_value *dv = &a->disc.strata[v][idx[k]];
            rows[0][nr] = (struct forest_row){sv->value, &sv->response, dv->response.n,
                                              dv->response.rate || dv->response.events};
            rows[1][nr] = (struct forest_row){sv->value, &sv->remission, dv->remission.n,
                                              dv->remission.rate || dv->remission.events};
        }
        more |= (int)st->nvalues > n;
    }
    double w = (d->w - 72 - 24) / 2;
    if (nr == 0) {
        render_empty(d->cr, &d->f, (struct box){36, 80, d->w - 72, 300},
                     "no eligible episode with stratum values in this period");
    } else {
        /* the overall line is the headline rate: not drawn when that is withheld */
        render_forest(d->cr, &d->f, (struct box){36, 68, w, d->h - 110}, rows[0], nr,
                      hidden(a->disc.response) ? NAN : a->response.rate, "Response");
        render_forest(d->cr, &d->f, (struct box){36 + w + 24, 68, w, d->h - 110}, rows[1], nr,
                      hidden(a->disc.remission) ? NAN : a->remission.rate, "Remission");
        for (int c = 0; c < 2 && d->f.suppress_below > 1; c++) {
            int any = 0;
            for (int i = 0; i < nr; i++)
                any |= rows[c][i].p && rows[c][i].p->n > 0 && !rows[c][i].n_withheld &&
                       !rows[c][i].rate_withheld;
            if (any)
                continue;
            char msg[200];
            snprintf(msg, sizeof msg,
                     "No rate is drawn: each is built on a count below %d, or on one withheld so "
                     "that such a count cannot be worked back (small-cell suppression).",
                     d->f.suppress_below);
            cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
            render_paragraph(d->cr, &d->f, 9, 36 + c * (w + 24), 68 + 30 + nr * 11.5 + 28, w,
                             msg);
        }
    }
    (void)more;
    page_end(d);
}

const struct page_info page_forest = {
    "Breakdowns: rates by site, clinician, route, drug, therapy and dose", draw_forest};
