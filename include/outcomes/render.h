/* render.h: cairo drawing of the report's charts. A chart draws into a rectangle of a page and
 * leaves the cairo context's state as it found it. Fonts are DejaVu Sans, found through
 * fontconfig and checked (cairo's toy API would silently substitute another face).
 *
 * Ownership: render_fonts_open fills a struct fonts released with render_fonts_close. */
#ifndef OUTCOMES_RENDER_H
#define OUTCOMES_RENDER_H

#include <cairo.h>
#include <stddef.h>

#include "outcomes/diag.h"
#include "outcomes/stats.h"

#define RENDER_PI 3.14159265358979323846

/* What every chart draws with: the fonts, and N for the text "< N" of a withheld count. Charts
 * never decide what is withheld: the report hands them the flags of the model's disclosure
 * decision (0 shown, 1 a small count, 2 withheld) in render's own types (struct km_show, struct
 * month_show, arrays of flags); render never includes the model. */
struct fonts {
    cairo_font_face_t *regular, *bold;
    char file[512];                 /* the regular face's file, as fontconfig resolved it */
    int suppress_below;             /* N of "< N" (0: suppression off) */
    struct render_content *content; /* when not NULL, what each page draws is hashed into it */
};

/* What the pages draw, hashed page by page from our own drawing calls, not from cairo's bytes:
 * each text as the report asks for it (a paragraph or a label whole, before it is wrapped or
 * cut to the font's widths), with its weight, in drawing order; not sizes or positions, which
 * the font's metrics move. So another cairo, freetype or font version gives the same hashes
 * while every word and number is the same (manifest.json outputs[report.pdf].pages; verify).
 * Chart lines are not in it: they are drawn from the numbers that results.json holds and
 * verify compares. One case still follows the metrics: a stratum name that a chart cuts itself
 * to fit beside other text (render_label_fit, then render_text: the cut form is drawn). */
struct sha256_stream;
struct render_content {
    struct sha256_stream *page; /* the page being drawn */
    int depth;                  /* > 0 inside a paragraph or label: its lines not added again */
    char (*sha)[65];            /* each finished page's hash (64 hex digits) */
    size_t npages, cap;
    int failed;           /* out of memory or the hash failed: sha is not complete */
    char font_file[512];  /* the regular face's file (struct fonts file) */
    char font_sha256[65]; /* its SHA-256 */
};
/* 0, or -1 when out of memory; _fini releases (also after a failed _init). */
int render_content_init(struct render_content *c);
void render_content_fini(struct render_content *c);
/* Ends the page: its content hash into f->content (when set), then cairo_show_page. */
void render_show_page(cairo_t *cr, const struct fonts *f);

/* v as text as its withheld flag says: the number, or "< N" for any withheld flag; returns buf. */
const char *render_count(const struct fonts *f, long v, int withheld, char *buf, size_t n);

int render_fonts_open(struct fonts *f, struct diag *d);
/* Releases cairo's and fontconfig's process-wide caches (call once, at exit, after the last
 * drawing) so that leak checkers see a clean process. */
void render_shutdown(void);
void render_fonts_close(struct fonts *f);

/* Text: align 0 left, 0.5 centre, 1 right at x; y is the baseline. Returns the width. Bytes
 * that are not valid UTF-8 and control bytes are drawn escaped (text_escape), never refused. */
double render_text(cairo_t *cr, const struct fonts *f, int bold, double size, double x, double y,
                   double align, const char *s);
double render_text_width(cairo_t *cr, const struct fonts *f, int bold, double size, const char *s);
/* Data text (a site, a code, a header): its display form (text.h: blank runs as one space,
 * invalid UTF-8 escaped), at most max_chars characters (TEXT_ALL: no limit) and cut further,
 * ending with an ellipsis, until it is at most max_width wide (INFINITY: any width; a width
 * too small for one character leaves the ellipsis alone). render_label_fit
 * writes it into buf[0..n) and returns buf; render_label draws it and returns the width. */
const char *render_label_fit(cairo_t *cr, const struct fonts *f, int bold, double size,
                             double max_width, size_t max_chars, const char *s, char *buf,
                             size_t n);
double render_label(cairo_t *cr, const struct fonts *f, int bold, double size, double x, double y,
                    double align, double max_width, size_t max_chars, const char *s);
/* Wraps the display form of s into lines of at most width (at spaces; a word wider than a line
 * is cut between characters), at most max_lines of them (<= 0: any number; the last one ends
 * with an ellipsis when text is left), drawn from baseline y 1.35 x size apart; returns the
 * baseline after the last. */
double render_wrap(cairo_t *cr, const struct fonts *f, int bold, double size, double x, double y,
                   double width, int max_lines, const char *s);
/* 1 when render_wrap would draw all of s within max_lines lines (no ellipsis). */
int render_wrap_fits(cairo_t *cr, const struct fonts *f, int bold, double size, double width,
                     int max_lines, const char *s);
/* Wraps s into lines of at most width; draws them from baseline y; returns the y after. A line
 * break in s starts a new line. */
double render_paragraph(cairo_t *cr, const struct fonts *f, double size, double x, double y,
                        double width, const char *s);

/* Series styles that stay apart in grey: colour, dash and marker differ. */
void render_series_style(cairo_t *cr, int series);
void render_series_rgb(int series, double *r, double *g, double *b);

/* A rectangle. */
struct box {
    double x, y, w, h;
};

/* Kaplan-Meier: cumulative proportion with the event (1 - S) in %, step curves with 95 % bands,
 * censor ticks, the median marked, and a number-at-risk table exactly under the x-axis ticks:
 * per series (labelled risk_names[s], or names[s] when risk_names is NULL) the number at risk at
 * each tick and the events and censorings from 0 up to the tick, cumulative (KMunicate), the
 * convention stated under it. names label the series in the legend, which sits outside the
 * plot (above it with the table, below the axis in small multiples).
 * show[s] (the disclosure decision for the series, and the display cut): counts and median
 * withheld, and the curve drawn only over its rows [0, show[s].rows) (the at-risk table to the
 * last of them); the x axis fits the rows drawn. min_at_risk > 0: rows stop where fewer than
 * that many remain at risk (the legend says so for a curve with none left); a series not drawn
 * is left out, and with none left the box says why. Returns 1 when a name in the legend was
 * shortened (ending "..."; the page says where the whole ones are), else 0. */
struct km_show {
    unsigned char n, events, median; /* withheld flags of the series' n, events and median */
    unsigned char drawn;             /* 1: the curve is drawn */
    size_t rows;                     /* curve rows drawn */
    long min_at_risk;                /* the display cut rows stops at (0: none) */
};
int render_km(cairo_t *cr, const struct fonts *f, struct box b, const struct km *const *km,
              const struct km_show *show, const char *const *names, const char *const *risk_names,
              int nseries, const char *xunit, const char *ylabel, int risk_table);

/* A p-chart: monthly rates with the centre line, 3-sigma limits, signals marked; the report's
 * period shaded; a month none of whose episodes is mature yet labelled "not yet mature", one
 * only partly mature marked "*" (the chart says what that means). */
/* show[k]: what is withheld of month k; centre_withheld: the centre line (and every limit). */
struct month_show {
    unsigned char n, rate;   /* withheld flags of the month's n and rate */
    unsigned char limits;    /* its limits and signal */
    unsigned char in_period; /* 1: a month of the report's period (shaded) */
    unsigned char maturity;  /* 0 every episode of the month mature by the as-of date, 1 some,
                                2 none yet ("not yet mature" instead of its n) */
};
void render_pchart(cairo_t *cr, const struct fonts *f, struct box b, const struct pchart_point *pts,
                   const struct month_show *show, int centre_withheld, int npts, int month0,
                   const char *title);

/* One row of a forest plot: a value with its response and remission, or a variable's heading
 * (p[0] NULL). */
struct forest_row {
    const char *label;
    const struct proportion *p[2];       /* response, remission */
    int n_withheld[2], rate_withheld[2]; /* the disclosure decision's flags */
};
/* The height a row takes in a forest plot b.w wide: a heading 15, a value 12, or 22 when its
 * label needs a second line (labels wrap onto two lines, then end with an ellipsis). */
double render_forest_row_height(cairo_t *cr, const struct fonts *f, double width,
                                const struct forest_row *row);
/* Response and remission side by side for rows[0..nrows) (one label column): each rate as a
 * square growing with n and its 95 % interval as a bar on a 0-100 % axis, the rate, interval
 * and n as text, a dashed line at the overall rates (NaN: none); the legend above the plots,
 * outside the data. A rate on fewer than min_n episodes is given as text only ("too few to
 * draw"). Returns 1 when a label was shortened (the page says where the full ones are). */
int render_forest(cairo_t *cr, const struct fonts *f, struct box b, const struct forest_row *rows,
                  int nrows, const double overall[2], long min_n);

/* Percent change at the endpoint, one bar per episode (sorted), shaded by class (2 remitter,
 * 1 responder, 0 neither), a line at -50 %. */
void render_waterfall(cairo_t *cr, const struct fonts *f, struct box b, const double *pct,
                      const unsigned char *cls, size_t n);

/* The trajectory chart's own types: the report hands it these (it never reads the model). */
/* A mean with its 95 % interval at one x position; lo, hi NaN when not computable. */
struct chart_mean {
    long n;
    double mean, lo, hi;
};
/* One faint individual line: n points (x[i], y[i]) in x order; several points at one x draw
 * the last of them. */
struct chart_line {
    const double *x, *y;
    size_t n;
};
/* Mean score by position (sessions or weeks 0..npts-1) with 95 % intervals and n, over faint
 * individual lines; withheld[k] (or NULL) withholds point k's n, mean and interval. */
void render_trajectory(cairo_t *cr, const struct fonts *f, struct box b,
                       const struct chart_mean *pts, int npts, const struct chart_line *lines,
                       size_t nlines, const unsigned char *withheld, double ymax,
                       const char *xlabel, const char *ylabel);

/* Vertical bars with labels under them and values above. withheld (or NULL): the flags of the
 * counts behind each bar; a withheld bar is not drawn and says "< N". */
void render_bars(cairo_t *cr, const struct fonts *f, struct box b, const char *const *labels,
                 const double *values, const unsigned char *withheld, int n, const char *ylabel,
                 int percent);

/* A funnel plot (SPEC 11; reusable: it takes plain arrays). One point per unit at (n, rate),
 * the centre line, the 95 % and 99.8 % limits around it (stats_funnel_limits) as curves over
 * n, points outside 95 % and 99.8 % marked apart (shape as well as colour, for grey print).
 * Labels: every unit when label_all, else those outside 95 %; a label that would overlap
 * another is left out and counted in a note. Points with drawn = 0 (withheld by the disclosure
 * decision) are not drawn; centre_withheld: no centre, no limits (the box says why). */
struct funnel_point {
    const char *label; /* the unit (data text: shown in its display form) */
    double n, rate;    /* rate in [0, 1] */
    int flag;          /* enum funnel_flag */
    int drawn;
};
void render_funnel(cairo_t *cr, const struct fonts *f, struct box b, const struct funnel_point *pts,
                   size_t npts, double centre, int centre_withheld, int label_all,
                   const char *title, const char *ylabel, const char *xlabel);

/* "no ... in this period": an honest empty chart. */
void render_empty(cairo_t *cr, const struct fonts *f, struct box b, const char *message);
/* A chart that suppression does not draw: no frame, the sentence saying what is withheld and
 * why, wrapped, at the top of b. */
void render_withheld(cairo_t *cr, const struct fonts *f, struct box b, const char *message);
/* A survival chart that suppression does not draw at all, because the number of its what
 * ("episodes", "responders") is withheld: render_withheld with the one sentence every such
 * chart gives, whether n is small or withheld with a small one (the reader must not learn
 * which). */
void render_curve_withheld(cairo_t *cr, const struct fonts *f, struct box b, const char *what);
/* The path (not filled or stroked) of a diamond centred at (x, y), r from the centre to each
 * corner: the charts' mark of a signal or a reference point. */
void render_diamond(cairo_t *cr, double x, double y, double r);

/* Axis helpers shared with the page code. */
struct axis {
    double lo, hi; /* data range */
    double p0, p1; /* pixel range */
    double tick[24];
    int nticks;
};
void render_axis_nice(struct axis *a, double lo, double hi, int target, double p0, double p1);
/* The dashed guide of a survival curve's median: from the y axis along 50 % to the median's
 * time, then down to the x axis (box p, axes ax and ay in percent). */
void render_median_guide(cairo_t *cr, struct box p, const struct axis *ax, const struct axis *ay,
                         double median);
/* A 0-100 % vertical axis over box p, ticks every 25 % (the survival charts'). */
void render_axis_percent(struct axis *a, struct box p);
double render_axis_map(const struct axis *a, double v);
/* Light horizontal grid lines at ay's ticks, labelled left of p: style 0 plain numbers,
 * 1 percent, 2 signed percent. */
void render_hgrid(cairo_t *cr, const struct fonts *f, struct box p, const struct axis *ay,
                  int style);
/* The left and bottom axis lines of plot area p. */
void render_frame(cairo_t *cr, struct box p);

/* A published reference point of a sustained-response chart: S at time, with its label. */
struct km_ref {
    double time, surv;
    const char *label;
};
/* Sustained response (SPEC 12): S(t) in % from 100 at the first response, its 95 % band,
 * censor ticks, the median guide (median_shown), reference points (hollow diamonds, refs_label
 * in the legend) and the number at risk; only rows [0, rows) are drawn, and nothing (a sentence
 * saying why) when drawn is 0. */
void render_sustained(cairo_t *cr, const struct fonts *f, struct box b, const struct km *k,
                      size_t rows, int drawn, int median_shown, const struct km_ref *refs,
                      int nrefs, const char *refs_label);

#endif
