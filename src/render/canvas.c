/* canvas.c: fonts (DejaVu Sans through fontconfig, checked), text, wrapping, axes with round
 * ticks, and series styles that survive grey printing (colour + dash pattern).
 *
 * Every string reaches cairo through render_text_width / render_text, which pass it through
 * text_escape (text.h) unless it is already plain: cairo rejects invalid UTF-8 for the whole
 * document, so no string, however it was cut or read, can make the PDF fail. Data text (a site,
 * a code) is drawn with render_label, which shows its display form cut to fit. */
#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/render.h"
#include "outcomes/sha256.h"
#include "outcomes/text.h"

static cairo_font_face_t *face_for(const char *spec, char *file, size_t nfile, struct diag *d)
{
    FcPattern *pat = FcNameParse((const FcChar8 *)spec), *match = NULL;
    FcResult res;
    cairo_font_face_t *face = NULL;
    if (!pat) {
        diag_set(d, DIAG_IO, NULL, 0, 0, "fontconfig: out of memory");
        return NULL;
    }
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    match = FcFontMatch(NULL, pat, &res);
    FcChar8 *family = NULL, *path = NULL;
    if (!match || FcPatternGetString(match, FC_FAMILY, 0, &family) != FcResultMatch ||
        strcmp((const char *)family, "DejaVu Sans") != 0 ||
        FcPatternGetString(match, FC_FILE, 0, &path) != FcResultMatch) {
        diag_set(d, DIAG_IO, NULL, 0, 0,
                 "the DejaVu Sans font is not installed (fontconfig offered '%s'); install "
                 "fonts-dejavu-core",
                 family ? (const char *)family : "nothing");
        goto out;
    }
    if (file)
        snprintf(file, nfile, "%s", (const char *)path);
    face = cairo_ft_font_face_create_for_pattern(match);
    if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(face);
        face = NULL;
        diag_set(d, DIAG_IO, NULL, 0, 0, "cairo cannot use the font %s", (const char *)path);
    }
out:
    FcPatternDestroy(pat);
    if (match)
        FcPatternDestroy(match);
    return face;
}

int render_fonts_open(struct fonts *f, struct diag *d)
{
    memset(f, 0, sizeof *f);
    f->regular = face_for("DejaVu Sans:style=Book", f->file, sizeof f->file, d);
    if (!f->regular)
        return DIAG_IO;
    f->bold = face_for("DejaVu Sans:style=Bold", NULL, 0, d);
    if (!f->bold) {
        render_fonts_close(f);
        return DIAG_IO;
    }
    return 0;
}

const char *render_count(const struct fonts *f, long v, int withheld, char *buf, size_t n)
{
    /* one label for every withheld count (SPEC 9): a second one for those withheld only so
     * that a small one cannot be worked back told a reader they were N or more, and a total
     * of N + 1 split into "< N" and that label was 1 and N (attack 12f) */
    if (withheld)
        snprintf(buf, n, "< %d", f->suppress_below);
    else
        snprintf(buf, n, "%ld", v);
    return buf;
}

void render_shutdown(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

void render_fonts_close(struct fonts *f)
{
    if (f->regular)
        cairo_font_face_destroy(f->regular);
    if (f->bold)
        cairo_font_face_destroy(f->bold);
    f->regular = f->bold = NULL;
}

int render_content_init(struct render_content *c)
{
    memset(c, 0, sizeof *c);
    c->page = sha256_stream_new();
    return c->page ? 0 : -1;
}

void render_content_fini(struct render_content *c)
{
    sha256_stream_free(c->page);
    free(c->sha);
    memset(c, 0, sizeof *c);
}

/* One drawing call into the page's hash: its kind, weight and character limit, then the text,
 * each ended by a NUL byte (so that no two calls hash alike). Not the size: a chart shrinks a
 * value's size until it fits its bar, which the font's metrics decide. Nothing while depth >
 * 0: the lines of a paragraph, a label's cut form. */
static void content_add(const struct fonts *f, char kind, int bold, size_t limit, const char *s)
{
    struct render_content *c = f->content;
    char head[64];
    if (!c || c->depth > 0 || c->failed)
        return;
    int n = snprintf(head, sizeof head, "%c%d %zu", kind, bold, limit);
    if (!c->page || sha256_stream_add(c->page, head, (size_t)n + 1) != 0 ||
        sha256_stream_add(c->page, s, strlen(s) + 1) != 0)
        c->failed = 1;
}

void render_show_page(cairo_t *cr, const struct fonts *f)
{
    struct render_content *c = f->content;
    if (c && !c->failed) {
        if (c->npages == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 16;
            char(*p)[65] = realloc(c->sha, cap * sizeof *p);
            if (!p)
                c->failed = 1;
            else {
                c->sha = p;
                c->cap = cap;
            }
        }
        if (!c->failed && sha256_stream_end(c->page, c->sha[c->npages]) != 0)
            c->failed = 1;
        if (!c->failed)
            c->npages++;
    }
    cairo_show_page(cr);
}

static void use_font(cairo_t *cr, const struct fonts *f, int bold, double size)
{
    cairo_set_font_face(cr, bold ? f->bold : f->regular);
    cairo_set_font_size(cr, size);
}

/* s as cairo may take it: s itself when plain, else its escaped form in buf (cut with an
 * ellipsis should it not fit, which no string of the report comes near). */
static const char *drawable(const char *s, char *buf, size_t n)
{
    return text_is_plain(s) ? s : text_escape(buf, n, s);
}

static double width_of(cairo_t *cr, const struct fonts *f, int bold, double size, const char *s)
{
    cairo_text_extents_t ext;
    use_font(cr, f, bold, size);
    cairo_text_extents(cr, s, &ext);
    return ext.x_advance;
}

double render_text_width(cairo_t *cr, const struct fonts *f, int bold, double size, const char *s)
{
    char buf[2048];
    return width_of(cr, f, bold, size, drawable(s, buf, sizeof buf));
}

double render_text(cairo_t *cr, const struct fonts *f, int bold, double size, double x, double y,
                   double align, const char *s)
{
    char buf[2048];
    s = drawable(s, buf, sizeof buf);
    content_add(f, 'T', bold, 0, s);
    double w = width_of(cr, f, bold, size, s);
    cairo_move_to(cr, x - align * w, y);
    cairo_show_text(cr, s);
    return w;
}

const char *render_label_fit(cairo_t *cr, const struct fonts *f, int bold, double size,
                             double max_width, size_t max_chars, const char *s, char *buf, size_t n)
{
    text_display(buf, n, s, max_chars);
    if (width_of(cr, f, bold, size, buf) <= max_width)
        return buf;
    size_t nc = text_display_chars(buf);
    if (nc <= 1)
        return buf;
    /* the most characters whose cut form fits: the width grows with the characters kept */
    size_t lo = 1, hi = nc - 1; /* 1: the ellipsis alone */
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        text_display(buf, n, s, mid);
        if (width_of(cr, f, bold, size, buf) <= max_width)
            lo = mid;
        else
            hi = mid - 1;
    }
    return text_display(buf, n, s, lo);
}

double render_label(cairo_t *cr, const struct fonts *f, int bold, double size, double x, double y,
                    double align, double max_width, size_t max_chars, const char *s)
{
    char buf[1024];
    double w;
    content_add(f, 'L', bold, max_chars, s);
    if (f->content)
        f->content->depth++;
    w = render_text(cr, f, bold, size, x, y, align,
                    render_label_fit(cr, f, bold, size, max_width, max_chars, s, buf, sizeof buf));
    if (f->content)
        f->content->depth--;
    return w;
}

/* The end of the longest prefix of t[0..n) (a display form: single spaces) that fits width:
 * whole words when one fits, else as many characters as fit (at least one). */
static size_t fit_line(cairo_t *cr, const struct fonts *f, int bold, double size, double width,
                       const char *t, size_t n, char *tmp)
{
    size_t best = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && t[i] != ' ')
            continue;
        memcpy(tmp, t, i);
        tmp[i] = '\0';
        if (render_text_width(cr, f, bold, size, tmp) > width)
            break;
        best = i;
    }
    if (best > 0)
        return best;
    /* one word wider than the line: cut it between characters */
    size_t k = 0, last = 0;
    while (k < n && t[k] != ' ') {
        size_t next = k + 1;
        while (next < n && ((unsigned char)t[next] & 0xc0) == 0x80)
            next++;
        memcpy(tmp, t, next);
        tmp[next] = '\0';
        if (last > 0 && render_text_width(cr, f, bold, size, tmp) > width)
            break;
        last = next;
        k = next;
    }
    return last ? last : (n ? 1 : 0);
}

double render_wrap(cairo_t *cr, const struct fonts *f, int bold, double size, double x, double y,
                   double width, int max_lines, const char *s)
{
    size_t room = TEXT_ROOM(strlen(s));
    char *t = malloc(room), *tmp = malloc(room + 4);
    if (!t || !tmp) {
        free(t);
        free(tmp);
        return y;
    }
    text_display(t, room, s, TEXT_ALL);
    /* the text whole into the page's content, not its lines (the font's widths break them) */
    content_add(f, 'W', bold, max_lines > 0 ? (size_t)max_lines : 0, s);
    if (f->content)
        f->content->depth++;
    size_t n = strlen(t), pos = 0;
    for (int line = 0; pos < n && (max_lines <= 0 || line < max_lines); line++) {
        const char *rest = t + pos;
        size_t len = n - pos;
        if (max_lines > 0 && line == max_lines - 1 &&
            render_text_width(cr, f, bold, size, rest) > width) {
            render_label(cr, f, bold, size, x, y, 0, width, TEXT_ALL, rest); /* ends "..." */
            y += size * 1.35;
            break;
        }
        size_t k = fit_line(cr, f, bold, size, width, rest, len, tmp);
        memcpy(tmp, rest, k);
        tmp[k] = '\0';
        render_text(cr, f, bold, size, x, y, 0, tmp);
        y += size * 1.35;
        pos += k;
        while (pos < n && t[pos] == ' ')
            pos++;
    }
    if (f->content)
        f->content->depth--;
    free(t);
    free(tmp);
    return y;
}

int render_wrap_fits(cairo_t *cr, const struct fonts *f, int bold, double size, double width,
                     int max_lines, const char *s)
{
    size_t room = TEXT_ROOM(strlen(s));
    char *t = malloc(room), *tmp = malloc(room + 4);
    int fits = 0;
    if (t && tmp) {
        text_display(t, room, s, TEXT_ALL);
        size_t n = strlen(t), pos = 0;
        int line = 0;
        while (pos < n && line < max_lines) {
            pos += fit_line(cr, f, bold, size, width, t + pos, n - pos, tmp);
            while (pos < n && t[pos] == ' ')
                pos++;
            line++;
        }
        fits = pos >= n;
    }
    free(t);
    free(tmp);
    return fits;
}

double render_paragraph(cairo_t *cr, const struct fonts *f, double size, double x, double y,
                        double width, const char *s)
{
    /* line breaks in s start new lines (the display form would make them spaces); the page's
     * content records the paragraph whole */
    const char *p = s;
    content_add(f, 'P', 0, 0, s);
    if (f->content)
        f->content->depth++;
    for (;;) {
        const char *nl = strchr(p, '\n');
        if (!nl) {
            y = render_wrap(cr, f, 0, size, x, y, width, 0, p);
            break;
        }
        size_t len = (size_t)(nl - p);
        char *part = malloc(len + 1);
        if (!part)
            break;
        memcpy(part, p, len);
        part[len] = '\0';
        y = len ? render_wrap(cr, f, 0, size, x, y, width, 0, part) : y + size * 1.35;
        free(part);
        p = nl + 1;
    }
    if (f->content)
        f->content->depth--;
    return y;
}

/* Blue solid, orange dashed, green dotted, purple dash-dot, brown long dash, grey solid. */
static const double palette[6][3] = {{0.12, 0.31, 0.47}, {0.80, 0.40, 0.05}, {0.17, 0.55, 0.27},
                                     {0.45, 0.25, 0.60}, {0.55, 0.34, 0.20}, {0.35, 0.35, 0.35}};

void render_series_rgb(int series, double *r, double *g, double *b)
{
    const double *c = palette[series % 6];
    *r = c[0];
    *g = c[1];
    *b = c[2];
}

void render_series_style(cairo_t *cr, int series)
{
    static const double dash1[] = {6, 3}, dash2[] = {1.5, 2.5}, dash3[] = {6, 2, 1.5, 2},
                        dash4[] = {10, 3};
    double r, g, b;
    render_series_rgb(series, &r, &g, &b);
    cairo_set_source_rgb(cr, r, g, b);
    switch (series % 6) {
    case 1: cairo_set_dash(cr, dash1, 2, 0); break;
    case 2: cairo_set_dash(cr, dash2, 2, 0); break;
    case 3: cairo_set_dash(cr, dash3, 4, 0); break;
    case 4: cairo_set_dash(cr, dash4, 2, 0); break;
    default: cairo_set_dash(cr, NULL, 0, 0); break;
    }
}

void render_axis_nice(struct axis *a, double lo, double hi, int target, double p0, double p1)
{
    if (!(hi > lo))
        hi = lo + 1;
    double raw = (hi - lo) / (target > 1 ? target : 1);
    double mag = pow(10, floor(log10(raw)));
    double step = mag;
    static const double mult[] = {1, 2, 5, 10}; /* no 2.5: days and sessions are whole */
    for (int i = 0; i < 4; i++)
        if (mult[i] * mag >= raw) {
            step = mult[i] * mag;
            break;
        }
    if (step < 1 && lo >= 0 && hi - lo >= 1)
        step = 1; /* days and sessions are whole numbers */
    a->lo = floor(lo / step) * step;
    a->hi = ceil(hi / step) * step;
    a->p0 = p0;
    a->p1 = p1;
    a->nticks = 0;
    for (double t = a->lo; t <= a->hi + step * 1e-9 && a->nticks < 24; t += step)
        a->tick[a->nticks++] = fabs(t) < step * 1e-9 ? 0 : t;
}

double render_axis_map(const struct axis *a, double v)
{
    return a->p0 + (v - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0);
}

void render_frame(cairo_t *cr, struct box p)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, p.x, p.y);
    cairo_line_to(cr, p.x, p.y + p.h);
    cairo_line_to(cr, p.x + p.w, p.y + p.h);
    cairo_stroke(cr);
}

void render_median_guide(cairo_t *cr, struct box p, const struct axis *ax, const struct axis *ay,
                         double median)
{
    static const double guide[] = {2, 2};
    double x = render_axis_map(ax, median), y = render_axis_map(ay, 50);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    cairo_set_dash(cr, guide, 2, 0);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, p.x, y);
    cairo_line_to(cr, x, y);
    cairo_line_to(cr, x, p.y + p.h);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

void render_axis_percent(struct axis *a, struct box p)
{
    a->lo = 0;
    a->hi = 100;
    a->p0 = p.y + p.h;
    a->p1 = p.y;
    a->nticks = 5;
    for (int i = 0; i < 5; i++)
        a->tick[i] = 25.0 * i;
}

void render_hgrid(cairo_t *cr, const struct fonts *f, struct box p, const struct axis *ay,
                  int style)
{
    char buf[32];
    cairo_set_line_width(cr, 0.4);
    for (int i = 0; i < ay->nticks; i++) {
        double y = render_axis_map(ay, ay->tick[i]);
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, p.x, y);
        cairo_line_to(cr, p.x + p.w, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        if (style == 2)
            snprintf(buf, sizeof buf, "%+.0f%%", ay->tick[i]);
        else if (style == 1)
            snprintf(buf, sizeof buf, "%.0f%%", ay->tick[i]);
        else
            snprintf(buf, sizeof buf, "%.0f", ay->tick[i]);
        render_text(cr, f, 0, 8, p.x - 4, y + 3, 1, buf);
    }
}

void render_empty(cairo_t *cr, const struct fonts *f, struct box b, const char *message)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    render_text(cr, f, 0, 11, b.x + b.w / 2, b.y + b.h / 2, 0.5, message);
    cairo_restore(cr);
}

void render_withheld(cairo_t *cr, const struct fonts *f, struct box b, const char *message)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    render_paragraph(cr, f, 9.5, b.x, b.y + 24, b.w > 360 ? 360 : b.w, message);
    cairo_restore(cr);
}

void render_curve_withheld(cairo_t *cr, const struct fonts *f, struct box b, const char *what)
{
    char msg[320];
    snprintf(msg, sizeof msg,
             "Not drawn: the number of %s is withheld (fewer than %d, or withheld so that such a "
             "count cannot be worked back), and a curve's steps would show single patients or "
             "give it away (small-cell suppression, --suppress-below %d).",
             what, f->suppress_below, f->suppress_below);
    render_withheld(cr, f, b, msg);
}

void render_diamond(cairo_t *cr, double x, double y, double r)
{
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r, y);
    cairo_line_to(cr, x, y + r);
    cairo_line_to(cr, x - r, y);
    cairo_close_path(cr);
}
