/* draw.c: the drawing helpers every page of report.pdf uses: counts as the disclosure decision
 * shows them, rates and medians as text, the instrument's label, the page's heading and
 * footer, and a table of label / value lines. */
#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/text.h"
#include "pages.h"

/* A count as text for the page as the disclosure decision flags it: "< N" (withheld: small,
 * or withheld so that a small one cannot be worked back; one label for both) or the number (a
 * rotating buffer: up to 32 live). */
const char *C(struct doc *d, long v, int withheld)
{
    char *b = d->cbuf[d->ci++ % 32];
    return render_count(&d->f, v, withheld, b, sizeof d->cbuf[0]);
}

/* A flow count. */
const char *F(struct doc *d, int var)
{
    return C(d, d->flow[var], d->hid[var]);
}

/* The column table's label and range (columns.h). */
const char *instrument_label(int col)
{
    return ingest_columns[col].label;
}

int instrument_max(int col)
{
    return ingest_columns[col].hi;
}

void pct_ci(struct doc *d, char *buf, size_t n, const struct proportion *p, struct disc_prop dp)
{
    if (p->n == 0)
        snprintf(buf, n, "no mature episode");
    else if (hidden(dp))
        snprintf(buf, n, "suppressed (%s of %s)", C(d, p->events, dp.events), C(d, p->n, dp.n));
    else
        snprintf(buf, n, "%.1f%%  (%ld of %ld; 95%% CI %.1f-%.1f%%)", 100 * p->rate, p->events,
                 p->n, 100 * p->lo, 100 * p->hi);
}

void median_text(char *buf, size_t n, double v, const char *unit)
{
    if (isnan(v))
        snprintf(buf, n, "not reached");
    else if (v == floor(v))
        snprintf(buf, n, "%.0f %s", v, unit);
    else
        snprintf(buf, n, "%.1f %s", v, unit);
}

/* Starts a page with its title (d->title, wrapped onto at most three lines: --title may be
 * 200 characters) and subtitle (one line, shortened to the page's width); adds the page's entry
 * to the PDF's outline; returns the y where content starts (64 for a one-line title). */
double page_begin(struct doc *d, const char *subtitle)
{
    d->page++;
    cairo_t *cr = d->cr;
    char link[32];
    snprintf(link, sizeof link, "page=%d", d->page);
    cairo_pdf_surface_add_outline(cairo_get_target(cr), CAIRO_PDF_OUTLINE_ROOT,
                                  d->outline ? d->outline : d->title, link, 0);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
    cairo_rectangle(cr, 0, 0, d->w, 6);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    double after = render_wrap(cr, &d->f, 1, 16, 36, 36, d->w - 72, 3, d->title);
    double last = after - 16 * 1.35; /* the last title line's baseline */
    if (subtitle) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        render_label(cr, &d->f, 0, 9, 36, last + 15, 0, d->w - 72, TEXT_ALL, subtitle);
    }
    return last + 28;
}

/* The footer: the clinic's label (shortened to what the line leaves), the period, as-of date,
 * instrument and thresholds (the instrument alone where the label would be cut) on the left, suppression, version and page n of N on the right. */
void page_end(struct doc *d)
{
    cairo_t *cr = d->cr;
    const struct analysis *a = d->a;
    const struct model_opts *o = &a->opts;
    char as_of[11], left[512], right[128], from[8], to[8], title[1024];
    date_format(a->as_of, as_of);
    report_month_label(a->period_from, from);
    report_month_label(a->period_to, to);
    snprintf(left, sizeof left,
             "  |  period %s%s%s  |  as of %s  |  %s: eligible baseline >= %d, remission <= %d, "
             "endpoint days %d-%d",
             from, strcmp(from, to) ? " to " : "", strcmp(from, to) ? to : "", as_of,
             instrument_label(o->instrument), o->min_baseline, o->remission_max, o->endpoint_from,
             o->endpoint_to);
    int npages = d->npages ? d->npages : (int)report_page_count();
    snprintf(right, sizeof right, "outcomes %s  |  page %d of %d", OUTCOMES_VERSION, d->page,
             npages);
    if (d->f.suppress_below > 1)
        snprintf(right, sizeof right, "counts < %d suppressed  |  outcomes %s  |  page %d of %d",
                 d->f.suppress_below, OUTCOMES_VERSION, d->page, npages);
    const double fs = 7.5;
    double room = d->w - 72 - render_text_width(cr, &d->f, 0, fs, right) -
                  render_text_width(cr, &d->f, 0, fs, left) - 16;
    if (room < render_text_width(cr, &d->f, 0, fs, d->o->title)) {
        /* a narrow page (Letter, with the suppression note): the thresholds give way before
         * the clinic's name (the Definitions page and page 1 state them) */
        snprintf(left, sizeof left, "  |  period %s%s%s  |  as of %s  |  %s", from,
                 strcmp(from, to) ? " to " : "", strcmp(from, to) ? to : "", as_of,
                 instrument_label(o->instrument));
        room = d->w - 72 - render_text_width(cr, &d->f, 0, fs, right) -
               render_text_width(cr, &d->f, 0, fs, left) - 16;
    }
    render_label_fit(cr, &d->f, 0, fs, room, 40, d->o->title, title, sizeof title);
    cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, 36, d->h - 26);
    cairo_line_to(cr, d->w - 36, d->h - 26);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    double tw = render_text(cr, &d->f, 0, fs, 36, d->h - 15, 0, title);
    render_text(cr, &d->f, 0, fs, 36 + tw, d->h - 15, 0, left);
    render_text(cr, &d->f, 0, fs, d->w - 36, d->h - 15, 1, right);
    render_show_page(cr, &d->f); /* the page's content hash, then cairo's page */
}

struct km_show km_show_of(const struct disc_km *k)
{
    return (struct km_show){k->n, k->events, k->median, k->drawn, k->rows, 0};
}

struct km_show km_show_cut(const struct km *km, const struct disc_km *k, long min_at_risk)
{
    struct km_show s = km_show_of(k);
    size_t rows = 0;
    while (rows < s.rows && rows < km->ncurve && km->curve[rows].n_risk >= min_at_risk)
        rows++;
    s.rows = rows;
    s.min_at_risk = min_at_risk;
    return s;
}

void month_shows(const struct disc_month *m, int n, struct month_show *out)
{
    for (int k = 0; k < n; k++)
        out[k] = (struct month_show){m[k].n, m[k].rate, m[k].limits, 0, 0};
}

void month_context(const struct analysis *a, int n, struct month_show *out)
{
    for (int k = 0; k < n; k++) {
        int m = a->month0 + k, y = m / 12, mo = m % 12 + 1;
        int32_t first = date_from_ymd(y, mo, 1), last = first + date_days_in_month(y, mo) - 1;
        out[k].in_period = m >= a->period_from && m <= a->period_to;
        out[k].maturity = (int64_t)last + a->opts.endpoint_to <= a->as_of    ? 0
                          : (int64_t)first + a->opts.endpoint_to <= a->as_of ? 1
                                                                             : 2;
    }
}

void row_band(cairo_t *cr, double x, double y, double w)
{
    cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
    cairo_rectangle(cr, x, y - 9, w, 12);
    cairo_fill(cr);
}

/* A two-column table of label / value lines; returns the y after it. */
double label_table(struct doc *d, double x, double y, double w, const char *title,
                   const char *const *labels, const char *const *values, int n)
{
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, x, y, 0, title);
    y += 14;
    for (int i = 0; i < n; i++) {
        if (i % 2 == 0)
            row_band(cr, x, y, w);
        cairo_set_source_rgb(cr, 0, 0, 0);
        double vw = render_text(cr, &d->f, 0, 8, x + w - 4, y, 1, values[i]);
        /* a label (an adverse-event code) never runs into its value */
        render_label(cr, &d->f, 0, 8, x + 4, y, 0, w - 16 - vw, TEXT_ALL, labels[i]);
        y += 12;
    }
    return y + 8;
}

long km_min_at_risk(const struct doc *d)
{
    return d->o->km_min_at_risk > 0 ? d->o->km_min_at_risk : 10;
}
