/* forest.c: response and remission by every value of route, drug, concurrent therapy, dose
 * band and frequency (the induction sessions banded; site and clinician are compared on their
 * own page, with funnel plots). The values run
 * down the page in each variable's order (byte order; dose bands by their numbers) and on to
 * further pages when they do not fit, a variable's heading repeated "(continued)"; at most
 * FOREST_MAX_PAGES pages, the last saying how many values are left to results.json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

#define FOREST_MAX_PAGES 25
#define FOREST_MIN_N 5 /* a rate on fewer mature episodes is given as text, not drawn */

static const int forest_vars[] = {SV_ROUTE, SV_DRUG, SV_THERAPY, SV_DOSE_BAND, SV_FREQUENCY};
#define NVARS (int)(sizeof forest_vars / sizeof *forest_vars)

/* Every row (headings and values) in order; rows[i] and heading_of[i] (the index of the
 * heading row a value belongs to). Returns the count, or -1 when out of memory. */
static int forest_rows(const struct doc *d, struct forest_row **rows, int **heading_of)
{
    const struct analysis *a = d->a;
    size_t n = 0;
    for (int k = 0; k < NVARS; k++)
        n += a->strata[forest_vars[k]].nvalues + 1;
    *rows = calloc(n + 1, sizeof **rows);
    *heading_of = calloc(n + 1, sizeof **heading_of);
    int *idx = calloc(n + 1, sizeof *idx);
    if (!*rows || !*heading_of || !idx) {
        free(*rows);
        free(*heading_of);
        free(idx);
        return -1;
    }
    int nr = 0;
    for (int k = 0; k < NVARS; k++) {
        int v = forest_vars[k];
        const struct stratum *st = &a->strata[v];
        if (st->nvalues == 0)
            continue;
        int head = nr;
        (*rows)[nr] = (struct forest_row){var_title(v), {NULL, NULL}, {0, 0}, {0, 0}};
        (*heading_of)[nr++] = head;
        for (size_t q = 0; q < st->nvalues; q++)
            idx[q] = (int)q;
        order_values(v, st, idx, (int)st->nvalues);
        for (size_t q = 0; q < st->nvalues; q++) {
            const struct stratum_value *sv = &st->values[idx[q]];
            const struct disc_value *dv = &a->disc.strata[v][idx[q]];
            (*rows)[nr] = (struct forest_row){sv->value,
                                              {&sv->response, &sv->remission},
                                              {dv->response.n, dv->remission.n},
                                              {dv->response.rate || dv->response.events,
                                               dv->remission.rate || dv->remission.events}};
            (*heading_of)[nr++] = head;
        }
    }
    free(idx);
    return nr;
}

/* The plot's box on a page, and the height the rows may take in it. */
static struct box plot_box(const struct doc *d)
{
    return (struct box){36, 70, d->w - 72, d->h - 70 - 62};
}

/* Splits rows into pages: start[p] is the first row of page p (a heading continued from the
 * page before is drawn again); returns the pages (at most FOREST_MAX_PAGES; *drawn: the rows
 * they hold). */
static int paginate(const struct doc *d, const struct forest_row *rows, const int *heading_of,
                    int nr, int *start, int *drawn)
{
    struct box b = plot_box(d);
    double room = b.h - 34 - 14;
    int np = 0, i = 0;
    while (i < nr && np < FOREST_MAX_PAGES) {
        start[np++] = i;
        double used = 0;
        if (rows[i].p[0]) /* a continued variable: its heading again */
            used += render_forest_row_height(d->cr, &d->f, b.w, &rows[heading_of[i]]);
        int first = i;
        while (i < nr) {
            double h = render_forest_row_height(d->cr, &d->f, b.w, &rows[i]);
            /* a heading must not end a page */
            double need = h + (!rows[i].p[0] && i + 1 < nr
                                   ? render_forest_row_height(d->cr, &d->f, b.w, &rows[i + 1])
                                   : 0);
            if (used + need > room && i > first)
                break;
            if (!rows[i].p[0] && i > first) { /* a short variable is kept whole */
                double group = h;
                int j = i + 1;
                while (j < nr && rows[j].p[0] && j - i <= 12)
                    group += render_forest_row_height(d->cr, &d->f, b.w, &rows[j++]);
                if ((j >= nr || !rows[j].p[0]) && j - i <= 12 && used + group > room &&
                    group <= room)
                    break;
            }
            used += h;
            i++;
        }
    }
    *drawn = i;
    return np ? np : 1;
}

int forest_page_count(const struct doc *d)
{
    struct forest_row *rows;
    int *heading_of;
    int nr = forest_rows(d, &rows, &heading_of);
    if (nr <= 0) {
        free(rows);
        free(heading_of);
        return 1;
    }
    int start[FOREST_MAX_PAGES], drawn;
    int np = paginate(d, rows, heading_of, nr, start, &drawn);
    free(rows);
    free(heading_of);
    return np;
}

static void draw_forest(struct doc *d)
{
    const struct analysis *a = d->a;
    const char *sub = "Mature eligible episodes by the value of their index session: every "
                      "value; squares grow with n, none on fewer than 5. Site and clinician: the "
                      "funnel plots.";
    struct forest_row *rows;
    int *heading_of;
    int nr = forest_rows(d, &rows, &heading_of);
    if (nr < 0) {
        d->oom = 1;
        nr = 0;
    }
    if (nr == 0) {
        page_begin(d, sub);
        render_empty(d->cr, &d->f, (struct box){36, 80, d->w - 72, 300},
                     "no eligible episode with stratum values in this period");
        page_end(d);
        free(rows);
        free(heading_of);
        return;
    }
    int start[FOREST_MAX_PAGES], drawn;
    int np = paginate(d, rows, heading_of, nr, start, &drawn);
    /* the overall lines are the headline rates: not drawn when those are withheld */
    const double overall[2] = {hidden(a->disc.response) ? NAN : a->response.rate,
                               hidden(a->disc.remission) ? NAN : a->remission.rate};
    const char *title = d->title;
    char cont_title[160], outline[160];
    struct forest_row *page_rows = calloc((size_t)nr + 1, sizeof *page_rows);
    char(*cont)[TEXT_ROOM(40) + 16] = calloc((size_t)np + 1, sizeof *cont);
    if (!page_rows || !cont) {
        d->oom = 1;
        free(page_rows);
        free(cont);
        free(rows);
        free(heading_of);
        page_begin(d, sub);
        page_end(d);
        return;
    }
    for (int p = 0; p < np; p++) {
        int end = p + 1 < np ? start[p + 1] : drawn;
        int n = 0;
        if (rows[start[p]].p[0]) { /* continued */
            snprintf(cont[p], sizeof cont[p], "%s (continued)", rows[heading_of[start[p]]].label);
            page_rows[n] = rows[heading_of[start[p]]];
            page_rows[n++].label = cont[p];
        }
        for (int i = start[p]; i < end; i++)
            page_rows[n++] = rows[i];
        if (p > 0) {
            snprintf(cont_title, sizeof cont_title, "%s (%d of %d)", title, p + 1, np);
            snprintf(outline, sizeof outline, "%s (%d of %d)", title, p + 1, np);
            d->title = cont_title;
            d->outline = outline;
        }
        page_begin(d, sub);
        struct box b = plot_box(d);
        int shortened = render_forest(d->cr, &d->f, b, page_rows, n, overall, FOREST_MIN_N);
        char note[320] = "";
        size_t o = 0;
        if (shortened)
            o += (size_t)snprintf(note + o, sizeof note - o,
                                  "Labels ending in ... are shortened: results.json (strata) "
                                  "holds every value in full. ");
        if (p == np - 1 && drawn < nr)
            o += (size_t)snprintf(note + o, sizeof note - o,
                                  "%d more rows after these %d pages are in results.json "
                                  "(strata).",
                                  nr - drawn, np);
        if (d->f.suppress_below > 1) {
            int any = 0;
            for (int i = 0; i < n; i++)
                for (int m = 0; m < 2; m++)
                    any |= page_rows[i].p[m] && page_rows[i].p[m]->n > 0 &&
                           !page_rows[i].n_withheld[m] && !page_rows[i].rate_withheld[m];
            if (!any)
                snprintf(note + o, sizeof note - o,
                         "No rate is drawn: each is built on a count below %d, or on one "
                         "withheld so that such a count cannot be worked back (small-cell "
                         "suppression).",
                         d->f.suppress_below);
        }
        if (note[0]) {
            cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
            render_wrap(d->cr, &d->f, 0, 8, 36, d->h - 44, d->w - 72, 2, note);
        }
        page_end(d);
    }
    d->title = title;
    d->outline = NULL;
    free(page_rows);
    free(cont);
    free(rows);
    free(heading_of);
}

const struct page_info page_forest = {
    "Breakdowns: rates by route, drug, therapy, dose and frequency", draw_forest};
