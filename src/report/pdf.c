/* pdf.c: report.pdf, the quality-review report of SPEC section 6, drawn with cairo.
 *
 * Landscape pages (A4 or Letter), one file each under pages/, drawn in the order of the page
 * table (pages/table.c): summary with the flow, time to response and remission, score
 * trajectory, waterfall, monthly trend, rates by stratum, time to response by stratum, the fair
 * comparison of clinicians and of sites (funnel plots), durability, safety, data quality,
 * definitions. Every number comes from the struct analysis that results.json is written from.
 * Every page has a footer (clinic, period, as-of date, instrument and thresholds, tool version,
 * page n of N). No patient identifier is drawn. This file sets the document up, draws the
 * table's pages and hands the bytes back; the document's dates are set explicitly (cairo would
 * use the clock), so reruns give the same bytes. */
#include <cairo-pdf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/render.h"
#include "outcomes/report.h"
#include "outcomes/sha256.h"
#include "pages/pages.h"

/* The PDF's bytes as cairo writes them. */
struct membuf {
    char *s;
    size_t n, cap;
    int oom;
};

static cairo_status_t write_mem(void *closure, const unsigned char *data, unsigned int len)
{
    struct membuf *m = closure;
    if (m->n + len > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1 << 20;
        while (cap < m->n + len)
            cap *= 2;
        char *p = realloc(m->s, cap);
        if (!p) {
            m->oom = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        m->s = p;
        m->cap = cap;
    }
    memcpy(m->s + m->n, data, len);
    m->n += len;
    return CAIRO_STATUS_SUCCESS;
}

static int draw_pdf(const struct report_input *in, const struct analysis *a,
                    const struct pdf_opts *o, char **out, size_t *len, struct diag *dg)
{
    struct doc d = {.in = in, .a = a, .o = o};
    struct membuf m = {0};
    int rc = render_fonts_open(&d.f, dg);
    if (rc)
        return rc;
    d.f.suppress_below = a->opts.suppress_below;
    d.f.content = o->content;
    if (o->content) { /* the font's identity for the manifest: verify tells a font changed */
        uint64_t fsize;
        snprintf(o->content->font_file, sizeof o->content->font_file, "%s", d.f.file);
        if (sha256_file(d.f.file, o->content->font_sha256, &fsize, dg) != 0) {
            render_fonts_close(&d.f);
            return DIAG_IO;
        }
    }
    d.hid = a->disc.flow;
    const struct flow_rows rows = {in->rows_read, in->rows_accepted, in->rows_rejected,
                                   in->rows_duplicate};
    model_flow_counts(&rows, a, d.flow);
    d.w = o->letter ? 792 : 841.89;
    d.h = o->letter ? 612 : 595.28;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_mem, &m, d.w, d.h);
    /* the document's title is the clinic's label (UTF-8: --title is checked) */
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, o->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "outcomes " OUTCOMES_VERSION);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, o->date_iso);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, o->date_iso);
    d.cr = cairo_create(s);
    for (size_t k = 0; report_page_table[k]; k++)
        d.npages += report_page_pages(report_page_table[k], &d);
    for (size_t k = 0; report_page_table[k]; k++) {
        const struct page_info *p = report_page_table[k];
        d.title = p->title ? p->title : o->title;
        d.outline = p->title ? NULL : "Summary"; /* the outline: one entry per page */
        p->draw(&d);
    }
    cairo_status_t st = cairo_status(d.cr);
    cairo_destroy(d.cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    render_fonts_close(&d.f);
    if (st != CAIRO_STATUS_SUCCESS || m.oom || d.oom) {
        free(m.s);
        return diag_set(dg, DIAG_IO, NULL, 0, 0, "drawing the PDF failed: %s",
                        m.oom || d.oom ? "out of memory" : cairo_status_to_string(st));
    }
    *out = m.s;
    *len = m.n;
    return 0;
}

/* One PDF at a time, whatever the thread (--each draws the sub-reports' beside the network's):
 * fontconfig's first configuration and the time zone cairo reads are not safe to make from two
 * threads at once. */
static pthread_mutex_t drawing = PTHREAD_MUTEX_INITIALIZER;

int report_pdf(const struct report_input *in, const struct analysis *a, const struct pdf_opts *o,
               char **out, size_t *len, struct diag *dg)
{
    pthread_mutex_lock(&drawing);
    int rc = draw_pdf(in, a, o, out, len, dg);
    pthread_mutex_unlock(&drawing);
    return rc;
}
