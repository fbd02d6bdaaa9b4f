/* test_canvas.c: text reaches cairo only as valid UTF-8 (render_text escapes what cairo would
 * refuse for the whole document), and render_label_fit cuts data text by characters to the
 * widest form that fits. The content hash of a page (render_content) follows the text and the
 * numbers drawn, not cairo's bytes nor the layout the font's widths decide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include <cairo-pdf.h>

#include "outcomes/render.h"
#include "outcomes/text.h"

struct fixture {
    cairo_surface_t *s;
    cairo_t *cr;
    struct fonts f;
};

static int setup(void **state)
{
    static struct fixture fx;
    struct diag d;
    fx.s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 100);
    fx.cr = cairo_create(fx.s);
    if (render_fonts_open(&fx.f, &d) != 0)
        return -1;
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    render_fonts_close(&fx->f);
    cairo_destroy(fx->cr);
    cairo_surface_destroy(fx->s);
    render_shutdown();
    return 0;
}

/* cairo_show_text with invalid UTF-8 puts the context in an error state for good (the PDF then
 * fails whole): render_text must draw such text escaped, and leave the status clean. */
static void test_render_text_never_fails_on_bytes(void **state)
{
    struct fixture *fx = *state;
    static const char *const texts[] = {"Unbekannt\xe9", "Z\xc3",    "\xff\xfe",
                                        "a\tb\nc\rd",    "\x1b[31m", "\xed\xa0\x80",
                                        "Z\xc3\xbcrich", ""};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        double w = render_text(fx->cr, &fx->f, 0, 8, 0, 20, 0, texts[i]);
        assert_int_equal(cairo_status(fx->cr), CAIRO_STATUS_SUCCESS);
        assert_true(w >= 0);
        assert_true(fabs(render_text_width(fx->cr, &fx->f, 0, 8, texts[i]) - w) < 1e-9);
    }
    /* the escaped form is what is measured: as wide as the text "Unbekannt\xE9" */
    assert_true(fabs(render_text_width(fx->cr, &fx->f, 0, 8, "Unbekannt\xe9") -
                     render_text_width(fx->cr, &fx->f, 0, 8, "Unbekannt\\xE9")) < 1e-9);
}

/* The label is the longest cut (by characters, ending with the ellipsis) within the width. */
static void test_render_label_fit_widest_cut(void **state)
{
    struct fixture *fx = *state;
    const char *site = "Psychiatrische Klinik Z\xc3\xbcrich, Haus B\r\n2. Stock";
    char buf[256], longer[256];
    /* room enough: the display form, whole */
    render_label_fit(fx->cr, &fx->f, 0, 8, INFINITY, TEXT_ALL, site, buf, sizeof buf);
    assert_string_equal(buf, "Psychiatrische Klinik Z\xc3\xbcrich, Haus B 2. Stock");
    double full = render_text_width(fx->cr, &fx->f, 0, 8, buf);
    for (double w = 4; w < full; w += 7.5) {
        render_label_fit(fx->cr, &fx->f, 0, 8, w, TEXT_ALL, site, buf, sizeof buf);
        size_t n = strlen(buf), chars = text_display_chars(buf);
        assert_true(n >= 3 && strcmp(buf + n - 3, "\xe2\x80\xa6") == 0); /* cut: the ellipsis */
        if (chars > 1)
            assert_true(render_text_width(fx->cr, &fx->f, 0, 8, buf) <= w);
        /* one character more would not fit (a joining space comes with the character after
         * it: the next longer cut may be two characters on) */
        for (size_t k = chars + 1; strcmp(text_display(longer, sizeof longer, site, k), buf) == 0;
             k++)
            ;
        assert_true(render_text_width(fx->cr, &fx->f, 0, 8, longer) > w);
    }
    /* a character limit is applied first */
    render_label_fit(fx->cr, &fx->f, 0, 8, INFINITY, 10, site, buf, sizeof buf);
    assert_string_equal(buf, "Psychiatr\xe2\x80\xa6");
    /* no width at all: the ellipsis alone */
    render_label_fit(fx->cr, &fx->f, 0, 8, 0, TEXT_ALL, site, buf, sizeof buf);
    assert_string_equal(buf, "\xe2\x80\xa6");
    double w = render_label(fx->cr, &fx->f, 0, 8, 0, 20, 0, 60, TEXT_ALL, "caf\xe9 du march\xe9");
    assert_true(w <= 60);
    assert_int_equal(cairo_status(fx->cr), CAIRO_STATUS_SUCCESS);
}

/* Draws a small page (a heading, a number, a paragraph wrapped to width, a label) on cr and
 * returns its content hash in hex. */
static void draw_page(cairo_t *cr, struct fonts *f, const char *number, double width, char hex[65])
{
    struct render_content c;
    assert_int_equal(render_content_init(&c), 0);
    f->content = &c;
    render_text(cr, f, 1, 16, 10, 20, 0, "Summary");
    render_text(cr, f, 0, 9, 10, 40, 1, number);
    render_paragraph(cr, f, 9, 10, 60, width,
                     "Response by the end of induction, complete case, 95 % CI by Wilson.");
    render_label(cr, f, 0, 8, 10, 90, 0, width, TEXT_ALL, "Lakeside Psychiatry, north site");
    render_show_page(cr, f);
    f->content = NULL;
    assert_int_equal(c.failed, 0);
    assert_int_equal(c.npages, 1);
    memcpy(hex, c.sha[0], 65);
    render_content_fini(&c);
}

static void test_render_content_hash_follows_content(void **state)
{
    struct fixture *fx = *state;
    char a[65], b[65], other_layout[65], pdf[65], changed[65];
    draw_page(fx->cr, &fx->f, "50 %", 300, a);
    draw_page(fx->cr, &fx->f, "50 %", 300, b);
    assert_string_equal(a, b); /* same drawing, same hash */
    assert_int_equal(strlen(a), 64);
    /* wrapped and cut to another width (what another font version's metrics would do): same */
    draw_page(fx->cr, &fx->f, "50 %", 80, other_layout);
    assert_string_equal(a, other_layout);
    /* on another surface (cairo writes other bytes altogether): same */
    cairo_surface_t *ps = cairo_pdf_surface_create_for_stream(NULL, NULL, 300, 200);
    cairo_t *pcr = cairo_create(ps);
    draw_page(pcr, &fx->f, "50 %", 300, pdf);
    cairo_destroy(pcr);
    cairo_surface_destroy(ps);
    assert_string_equal(a, pdf);
    /* one number changed: another hash */
    draw_page(fx->cr, &fx->f, "51 %", 300, changed);
    assert_string_not_equal(a, changed);
}

/* Pages are hashed one by one; nothing recorded without a content pointer. */
static void test_render_content_pages(void **state)
{
    struct fixture *fx = *state;
    struct render_content c;
    assert_int_equal(render_content_init(&c), 0);
    fx->f.content = &c;
    for (int p = 0; p < 20; p++) { /* more pages than the first allocation holds */
        render_text(fx->cr, &fx->f, 0, 9, 10, 10, 0, p % 2 ? "odd" : "even");
        render_show_page(fx->cr, &fx->f);
    }
    fx->f.content = NULL;
    assert_int_equal(c.npages, 20);
    assert_string_equal(c.sha[0], c.sha[2]);
    assert_string_not_equal(c.sha[0], c.sha[1]);
    /* an empty page has the hash of nothing */
    render_text(fx->cr, &fx->f, 0, 9, 10, 10, 0, "not recorded");
    fx->f.content = &c;
    render_show_page(fx->cr, &fx->f);
    fx->f.content = NULL;
    assert_string_equal(c.sha[20],
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    render_content_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_text_never_fails_on_bytes),
        cmocka_unit_test(test_render_label_fit_widest_cut),
        cmocka_unit_test(test_render_content_hash_follows_content),
        cmocka_unit_test(test_render_content_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
