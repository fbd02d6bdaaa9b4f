/* safety_text.c: counts and shares as the two safety pages print them: "28 % of sessions"
 * beside "1,179 of 4,150" (SPEC 13: sessions, not only percentages), as the disclosure decision
 * allows (a withheld count is "< N" and no share is printed that is built on one), the
 * three-column table (question, share, count) they are set in, and the layout both pages share
 * (two columns; a chart's frame and axis titles). */
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

const char *safety_count(struct doc *d, struct safety_nums *t, long v, int withheld)
{
    char *b = t->b[t->i++ % 48];
    if (withheld)
        return render_count(&d->f, v, withheld, b, sizeof t->b[0]);
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%ld", v < 0 ? -v : v), o = 0;
    if (v < 0)
        b[o++] = '-';
    for (int k = 0; k < n; k++) {
        if (k > 0 && (n - k) % 3 == 0)
            b[o++] = ',';
        b[o++] = digits[k];
    }
    b[o] = '\0';
    return b;
}

/* A percentage that never reads as all or none when it is not: one decimal below 10 % and
 * above 90 %, whole numbers between and at 0 and 100 exactly. */
static void pct_text(char *buf, size_t n, long x, long of)
{
    double p = 100.0 * (double)x / (double)of;
    if (x != 0 && x != of && (p < 10 || p > 90))
        snprintf(buf, n, "%.1f %%", p);
    else
        snprintf(buf, n, "%.0f %%", p);
}

void safety_share(struct doc *d, struct safety_nums *t, struct safety_row *r, long x, long of,
                  struct disc_prop dp, const char *what)
{
    r->pct[0] = '\0';
    if (of == 0 && !dp.n) {
        snprintf(r->cnt, sizeof r->cnt, "none");
        return;
    }
    long lim = d->f.suppress_below;
    if (dp.events && !dp.n && lim > 1 && of <= 2 * lim - 2) {
        /* a denominator this small withholds every count in it for its small complement too:
         * "< 11 of 11" would read as a tautology, "< 11 of 15" as a bound a count of 12 (its
         * complement 3) does not keep; as the summary page: withheld, and of how many */
        snprintf(r->cnt, sizeof r->cnt, "withheld (%s %s)", safety_count(d, t, of, 0),
                 strcmp(what, "them") == 0 ? "encounters" : what);
        return;
    }
    const char *xs = safety_count(d, t, x, dp.events), *ns = safety_count(d, t, of, dp.n);
    snprintf(r->cnt, sizeof r->cnt, "%s of %s", xs, ns);
    if (hidden(dp))
        return;
    char p[24];
    pct_text(p, sizeof p, x, of);
    snprintf(r->pct, sizeof r->pct, "%s of %s", p, what);
}

void safety_value(struct safety_row *r, const char *text)
{
    r->pct[0] = '\0';
    snprintf(r->cnt, sizeof r->cnt, "%s", text);
}

double safety_table(struct doc *d, double x, double y, double w, const char *title,
                    const struct safety_row *rows, int n)
{
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, x, y, 0, title);
    y += 14;
    double cw = 0, pw = 0; /* the widest count and share: the columns' widths */
    for (int i = 0; i < n; i++) {
        double a = render_text_width(cr, &d->f, 0, 8, rows[i].cnt),
               b = render_text_width(cr, &d->f, 0, 8, rows[i].pct);
        cw = a > cw ? a : cw;
        pw = b > pw ? b : pw;
    }
    for (int i = 0; i < n; i++) {
        if (i % 2 == 0)
            row_band(cr, x, y, w);
        cairo_set_source_rgb(cr, 0, 0, 0);
        double vw = render_text(cr, &d->f, 0, 8, x + w - 4, y, 1, rows[i].cnt);
        double pr = x + w - 4 - cw - 14; /* the shares' right edge */
        if (rows[i].pct[0])
            render_text(cr, &d->f, 1, 8, pr, y, 1, rows[i].pct);
        /* the label runs up to the share's column, or (a row without one) to its value */
        double lw = (rows[i].pct[0] ? pr - pw : x + w - 4 - vw) - x - 14;
        render_label(cr, &d->f, 0, 8, x + 4, y, 0, lw, TEXT_ALL, rows[i].label);
        y += 12;
    }
    return y + 8;
}

double safety_page_begin(struct doc *d, const char *sub, double *x2)
{
    page_begin(d, sub);
    double colw = (d->w - 72 - 30) / 2;
    *x2 = 36 + colw + 30;
    return colw;
}

void safety_chart_titles(struct doc *d, struct box b, struct box p, const char *ytitle,
                         const char *xtitle, double dy)
{
    cairo_t *cr = d->cr;
    render_frame(cr, p);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_save(cr);
    cairo_translate(cr, b.x + 8, p.y + p.h / 2);
    cairo_rotate(cr, -RENDER_PI / 2);
    render_text(cr, &d->f, 0, 8, 0, 0, 0.5, ytitle);
    cairo_restore(cr);
    render_text(cr, &d->f, 0, 8, p.x + p.w / 2, p.y + p.h + dy, 0.5, xtitle);
}
