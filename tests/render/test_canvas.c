/* test_canvas.c: text reaches cairo only as valid UTF-8 (render_text escapes what cairo would
 * refuse for the whole document), and render_label_fit cuts data text by characters to the
 * widest form that fits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

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
    static const char *const texts[] = {"Unbekannt\xe9", "Z\xc3", "\xff\xfe", "a\tb\nc\rd",
                                        "\x1b[31m", "\xed\xa0\x80", "Z\xc3\xbcrich", ""};
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_text_never_fails_on_bytes),
        cmocka_unit_test(test_render_label_fit_widest_cut),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
