/* test_diag.c: diag_set's message and file, cut to their buffers on a character boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/diag.h"

static void test_diag_set_fills_every_field(void **state)
{
    (void)state;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(diag_set(&d, DIAG_DATA, "a.csv", 4, 2, "column '%s' is %d", "phq9", 7),
                     DIAG_DATA);
    char buf[256];
    diag_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "a.csv:4:2: column 'phq9' is 7");
}

/* A message of "ü" (2 bytes) repeated past the buffer, at each offset of the cut: the kept
 * text ends on a whole character, and as long as it can. */
static void test_diag_set_cuts_on_a_character(void **state)
{
    (void)state;
    static const char *const chars[] = {"\xc3\xbc", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    char text[3000];
    struct diag d;
    for (int c = 0; c < 3; c++)
        for (size_t pad = 0; pad < 4; pad++) {
            size_t cl = strlen(chars[c]), o = 0;
            memset(text, 'a', pad);
            o = pad;
            while (o + cl < sizeof text - 1) {
                memcpy(text + o, chars[c], cl);
                o += cl;
            }
            text[o] = '\0';
            diag_set(&d, DIAG_DATA, text, 0, 0, "%s", text);
            const char *got[2] = {d.message, d.file};
            size_t room[2] = {sizeof d.message, sizeof d.file};
            for (int k = 0; k < 2; k++) {
                size_t n = strlen(got[k]);
                assert_true((n - pad) % cl == 0);   /* whole characters only */
                assert_true(n + cl >= room[k] - 1); /* nothing more was dropped */
                assert_memory_equal(got[k], text, n);
            }
        }
    diag_set(&d, DIAG_DATA, NULL, 0, 0, "%s", "short \xc3\xbc"); /* not cut: untouched */
    assert_string_equal(d.message, "short \xc3\xbc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_set_fills_every_field),
        cmocka_unit_test(test_diag_set_cuts_on_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
