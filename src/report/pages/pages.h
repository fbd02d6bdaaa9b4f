/* pages.h: what the pages of report.pdf share; private to src/report/pages/ and pdf.c.
 *
 * A page is one file here: a static draw function and a `const struct page_info` naming its
 * title and that function. The page table (table.c) lists the pages in the report's order;
 * pdf.c sets up the document and draws the table's pages one after the other, and the footer's
 * "page n of N" and the tests' page count come from the table (report_page_count()).
 *
 * Adding a page: a new file beside these with its page_info, its declaration below, and one
 * line in table.c. A page draws only from the analysis (struct analysis, whose disclosure
 * decision says what is withheld) and the per-file counts and messages of the ingest result;
 * it never reads row columns (the rows' columns may already be freed while the PDF is drawn,
 * see src/cli/report_cmd.c). */
#ifndef OUTCOMES_REPORT_PAGES_H
#define OUTCOMES_REPORT_PAGES_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "outcomes/model.h"
#include "outcomes/render.h"
#include "outcomes/report.h"

/* The document being drawn: the cairo context, the page size, the inputs and the state the
 * helpers below keep. */
struct doc {
    long flow[F_COUNT]; /* the flow's counts */
    const uint8_t *hid; /* which the disclosure decision withholds (a->disc.flow) */
    cairo_t *cr;
    struct fonts f;    /* fonts and the suppression setting */
    char cbuf[32][24]; /* rotating buffers for counts as text (C()) */
    int ci;
    double w, h;
    int page;            /* the page being drawn, from 1 */
    const char *title;   /* its heading (page_begin draws it) */
    const char *outline; /* its entry in the PDF's outline (NULL: the heading) */
    int npages;          /* pages in the document (the footer's N) */
    int oom;             /* an allocation failed: the PDF is not written */
    /* What the pages read of the ingest: counts and lists (patients, rejected_by_reason,
     * conflicting_same_day_scores, conflicts_by_col, files[] shape and FHIR counts, nfiles,
     * unknown[], nunknown; the flow's rows_* through model_flow_counts). A report_input has no
     * row columns: they are freed while the PDF is drawn (report_run). */
    const struct report_input *in;
    const struct analysis *a;
    const struct pdf_opts *o;
};

/* One page of the report: its heading and the function that draws it. */
struct page_info {
    const char *title; /* the heading; NULL: the report's own title (--title) */
    void (*draw)(struct doc *d);
};

/* The page table (table.c), in the report's order. */
extern const struct page_info *const report_page_table[];

/* An entry of the table that draws more than one page for some analyses (the forest plots
 * page on when a variable has many values): how many it draws. pdf.c adds the pages up for the
 * footer's "page n of N" before drawing. */
struct page_count {
    const struct page_info *page;
    int (*count)(const struct doc *d);
};
extern const struct page_count report_page_counts[]; /* table.c; ends with {NULL, NULL} */
/* The pages the table's entry p draws for d (1 unless report_page_counts says). */
int report_page_pages(const struct page_info *p, const struct doc *d);

/* The pages, one file each. */
extern const struct page_info page_summary;          /* summary.c */
extern const struct page_info page_flow;             /* flow.c */
extern const struct page_info page_time;             /* time.c */
extern const struct page_info page_trajectory;       /* trajectory.c */
extern const struct page_info page_waterfall;        /* waterfall.c */
extern const struct page_info page_monthly;          /* monthly.c */
extern const struct page_info page_forest;           /* forest.c */
int forest_page_count(const struct doc *d);          /* forest.c: its pages (one or more) */
extern const struct page_info page_strata_km;        /* strata_km.c */
extern const struct page_info page_funnel_clinician; /* funnel.c */
extern const struct page_info page_funnel_site;      /* funnel.c */
extern const struct page_info page_durability;       /* durability.c */
extern const struct page_info page_safety;           /* safety.c */
extern const struct page_info page_safety_review;    /* safety_review.c */
extern const struct page_info page_quality;          /* quality.c */
extern const struct page_info page_definitions;      /* definitions.c */

/* --- drawing helpers (draw.c) ---------------------------------------------------------------- */

/* A count as text for the page as the disclosure decision flags it: "< N" (withheld: small,
 * or withheld so that a small one cannot be worked back; one label for both) or the number (a
 * rotating buffer: up to 32 live). */
const char *C(struct doc *d, long v, int withheld);
/* A flow count (enum flow_var). */
const char *F(struct doc *d, int var);

/* A proportion is shown only when neither count nor the rate is withheld. */
static inline int hidden(struct disc_prop p)
{
    return p.events || p.n || p.rate;
}

/* The instrument's name ("PHQ-9") and the top of its score axis. */
const char *instrument_label(int col);
int instrument_max(int col);

/* "rate (x of n; 95% CI lo-hi)", "suppressed (x of n)" or "no mature episode". */
void pct_ci(struct doc *d, char *buf, size_t n, const struct proportion *p, struct disc_prop dp);
/* A median ("12 days", "12.5 days") or "not reached". */
void median_text(char *buf, size_t n, double v, const char *unit);

/* Starts a page with d->title and the subtitle (or NULL); returns the y where content starts. */
double page_begin(struct doc *d, const char *subtitle);
/* The footer (clinic, period, as-of date, instrument and thresholds, version, page n of N),
 * then the next page. */
void page_end(struct doc *d);

/* The disclosure decision of a curve (of months) as the charts take it (render never reads the
 * model's types). */
struct km_show km_show_of(const struct disc_km *k);
/* The same, the rows drawn also stopping where fewer than min_at_risk remain at risk
 * (--km-min-at-risk: a display choice; results.json keeps the whole curve). */
struct km_show km_show_cut(const struct km *km, const struct disc_km *k, long min_at_risk);
/* --km-min-at-risk, 10 when the options leave it 0. */
long km_min_at_risk(const struct doc *d);
void month_shows(const struct disc_month *m, int n, struct month_show *out);
/* Each month's place in the report's period and its maturity on the as-of date (an episode is
 * mature when index + the endpoint's last day <= as-of). */
void month_context(const struct analysis *a, int n, struct month_show *out);

/* The light grey band behind a table's row at baseline y, x to x + w (every other row). */
void row_band(cairo_t *cr, double x, double y, double w);
/* A two-column table of label / value lines; returns the y after it. */
double label_table(struct doc *d, double x, double y, double w, const char *title,
                   const char *const *labels, const char *const *values, int n);

/* Page 1's two definitions paragraphs (summary.c: the comparisons and benchmarks, the curves as
 * drawn) into p[0] and p[1], for the Definitions page. */
void definitions_summary(const struct doc *d, char (*p)[1024]);
/* The pages the Definitions page takes (definitions.c): its text at 8.5 pt, continued on a
 * further page when it does not fit one. */
int definitions_page_count(const struct doc *d);

/* --- the strata's helpers (strata.c), shared by the forest and the strata KM pages ----------- */

#define PICK_MAX 5 /* values of a stratum drawn */

/* Up to max (<= PICK_MAX) values of a stratum into idx, the largest; returns how many. */
int pick_values(const struct stratum *st, int max, int *idx);
/* idx[0..n) (values of stratum var) into the order they are drawn in: byte order, dose bands
 * by their numbers (an insertion sort: n is small or already nearly ordered). */
void order_values(int var, const struct stratum *st, int *idx, int n);
/* A stratum variable's heading ("Site", "Dose (mg/kg)"). */
const char *var_title(int v);

/* --- the safety pages' counts, shares, tables and layout (safety_text.c) -------------------- */

/* Rotating buffers for the counts of one page (up to 48 live). */
struct safety_nums {
    char b[48][32];
    int i;
};
/* v with thousands separators ("1,179"), or "< N" when withheld. */
const char *safety_count(struct doc *d, struct safety_nums *t, long v, int withheld);
/* One line of a safety table: the question, the share ("28 % of sessions") and the count
 * ("1,179 of 4,150"). */
struct safety_row {
    const char *label;
    char pct[48], cnt[96];
};
/* x of n as a row's share and count; withheld: the counts as "< N", no share; of = 0: "none". */
void safety_share(struct doc *d, struct safety_nums *t, struct safety_row *r, long x, long of,
                  struct disc_prop dp, const char *what);
/* A row with a text in the count's column only. */
void safety_value(struct safety_row *r, const char *text);
/* The rows under a title, share and count right-aligned in columns; returns the y after. */
double safety_table(struct doc *d, double x, double y, double w, const char *title,
                    const struct safety_row *rows, int n);
/* Begins a safety page with its subtitle: two columns colw wide (the left at 36), the right
 * one's x in *x2; returns colw. */
double safety_page_begin(struct doc *d, const char *sub, double *x2);
/* A safety chart's frame around plot p, its y title rotated left of p (at b.x) and its x title
 * centred dy under p's foot. */
void safety_chart_titles(struct doc *d, struct box b, struct box p, const char *ytitle,
                         const char *xtitle, double dy);

#endif
