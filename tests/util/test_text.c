/* test_text.c: the display form of data text (text.h): cuts by characters with an ellipsis,
 * blank runs joined, invalid UTF-8 and control bytes escaped, and a result that is always
 * valid UTF-8 whatever the limit and the room. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/text.h"

/* 1 when s is valid UTF-8 (no overlong form, surrogate or code point above U+10FFFF) without a
 * control character: what cairo accepts and a terminal prints as text. Written independently
 * of text.c, from RFC 3629's table. */
static int valid_plain(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned c = *s;
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            s++;
            continue;
        }
        int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
        uint32_t cp = c & (0x3f >> n);
        if (c < 0xc2 || c > 0xf4)
            return 0;
        for (int k = 1; k <= n; k++) {
            if ((s[k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (cp >= 0xd800 && cp <= 0xdfff) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || cp < 0xa0)
            return 0;
        s += n + 1;
    }
    return 1;
}

static void test_text_display_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t max;
        const char *out;
    } cases[] = {
        {"north", TEXT_ALL, "north"},
        {"", TEXT_ALL, ""},
        {"", 3, ""},
        {"north", 5, "north"},
        {"north", 4, "nor\xe2\x80\xa6"},
        {"north", 1, "\xe2\x80\xa6"},
        {"north", 0, ""},
        /* a 2-byte character is one character */
        {"Z\xc3\xbcrich", 6, "Z\xc3\xbcrich"},
        {"Z\xc3\xbcrich", 3, "Z\xc3\xbc\xe2\x80\xa6"},
        {"Z\xc3\xbcrich", 2, "Z\xe2\x80\xa6"},
        /* 3- and 4-byte characters */
        {"\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd", 2, "\xe6\x9d\xb1\xe2\x80\xa6"},
        {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 3,
         "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"},
        {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 2, "\xf0\x9f\x98\x80\xe2\x80\xa6"},
        /* SPEC 1: each run of blanks, TABs and line breaks is one space; none at the ends */
        {"Klinik\r\n  Z\xc3\xbcrich", TEXT_ALL, "Klinik Z\xc3\xbcrich"},
        {"a\tb\nc\rd  e", TEXT_ALL, "a b c d e"},
        {" \t\n lead and trail \r\n", TEXT_ALL, "lead and trail"},
        {"\n\n\t ", TEXT_ALL, ""},
        /* a cut never ends in the joining space */
        {"Psychiatrische Klinik Z\xc3\xbcrich", 23, "Psychiatrische Klinik\xe2\x80\xa6"},
        {"Psychiatrische Klinik Z\xc3\xbcrich", 24, "Psychiatrische Klinik Z\xe2\x80\xa6"},
        /* invalid UTF-8 and control bytes: \xNN, four characters, never split */
        {"Unbekannt\xe9", TEXT_ALL, "Unbekannt\\xE9"},
        {"\xe9t\xe9", TEXT_ALL, "\\xE9t\\xE9"},
        {"ab\xe9", 6, "ab\\xE9"},
        {"ab\xe9", 5, "ab\xe2\x80\xa6"},
        {"ab\xe9z", 6, "ab\xe2\x80\xa6"},
        {"\x1b[31mred", TEXT_ALL, "\\x1B[31mred"},
        {"del\x7f", TEXT_ALL, "del\\x7F"},
        {"c1\xc2\x85", TEXT_ALL, "c1\\xC2\\x85"},               /* U+0085, a C1 control */
        {"\xc3\xa9\xc3", TEXT_ALL, "\xc3\xa9\\xC3"},            /* a sequence cut short */
        {"\xc0\xaf", TEXT_ALL, "\\xC0\\xAF"},                   /* an overlong '/' */
        {"\xed\xa0\x80", TEXT_ALL, "\\xED\\xA0\\x80"},          /* a surrogate */
        {"\xf4\x90\x80\x80", TEXT_ALL, "\\xF4\\x90\\x80\\x80"}, /* above U+10FFFF */
        {"\xe2\x82", TEXT_ALL, "\\xE2\\x82"},
    };
    char out[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        text_display(out, sizeof out, cases[i].in, cases[i].max);
        if (strcmp(out, cases[i].out) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, cases[i].out);
    }
}

static void test_text_display_cut_for_room(void **state)
{
    (void)state;
    char out[8];
    text_display(out, sizeof out, "Z\xc3\xbcrich", TEXT_ALL); /* 7 bytes and the NUL: fits */
    assert_string_equal(out, "Z\xc3\xbcrich");
    /* one byte less: "Z\xc3\xbc" and the ellipsis's 3 bytes; "\xc3" alone never */
    text_display(out, 7, "Z\xc3\xbcrich", TEXT_ALL);
    assert_string_equal(out, "Z\xc3\xbc\xe2\x80\xa6");
    text_display(out, 6, "Z\xc3\xbcrich", TEXT_ALL);
    assert_string_equal(out, "Z\xe2\x80\xa6");
    text_display(out, 7, "abcdef", TEXT_ALL); /* fits exactly: 6 bytes and the NUL */
    assert_string_equal(out, "abcdef");
    text_display(out, 6, "abcdef", TEXT_ALL);
    assert_string_equal(out, "ab\xe2\x80\xa6");
    text_display(out, 3, "abcdef", TEXT_ALL); /* no room for the ellipsis: just what fits */
    assert_string_equal(out, "ab");
    out[0] = 'x';
    text_display(out, 0, "abc", TEXT_ALL); /* nothing written */
    assert_int_equal(out[0], 'x');
    text_display(out, 1, "abc", TEXT_ALL);
    assert_string_equal(out, "");
}

static void test_text_escape_keeps_blanks(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(text_escape(out, sizeof out, "12.5%  (3 of 24)"), "12.5%  (3 of 24)");
    assert_string_equal(text_escape(out, sizeof out, " a\tb\r\n"), " a b  ");
    assert_string_equal(text_escape(out, sizeof out, "caf\xe9 \x01"), "caf\\xE9 \\x01");
    assert_true(text_is_plain("Z\xc3\xbcrich  x"));
    assert_true(text_is_plain(""));
    assert_false(text_is_plain("a\tb"));
    assert_false(text_is_plain("caf\xe9"));
    assert_false(text_is_plain("\x1b"));
    assert_int_equal(text_display_chars(" Z\xc3\xbc  rich\n"), 7);
    assert_int_equal(text_display_chars("\xe9"), 4);
}

/* Every byte string of up to three bytes from an alphabet of boundary bytes, at every limit and
 * every room: the result is valid UTF-8 without control characters, within the limits, and
 * the uncut display form begins with the cut one's text before the ellipsis. */
static void test_text_display_always_valid(void **state)
{
    (void)state;
    static const unsigned char alpha[] = {0x00, 0x09, 0x0a, 0x20, 0x41, 0x7f, 0x80,
                                          0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xed, 0xef,
                                          0xf0, 0xf4, 0xf5, 0xff, 0xa9, 0x9f, 0x1b};
    const size_t na = sizeof alpha;
    char in[8], full[64], out[64];
    for (size_t len = 0; len <= 3; len++) {
        size_t combos = 1;
        for (size_t k = 0; k < len; k++)
            combos *= na;
        for (size_t c = 0; c < combos; c++) {
            size_t v = c;
            for (size_t k = 0; k < len; k++, v /= na)
                in[k] = (char)alpha[v % na];
            in[len] = '\0';
            text_display(full, sizeof full, in, TEXT_ALL);
            assert_true(valid_plain(full));
            char again[64]; /* the display form shows itself unchanged */
            assert_string_equal(text_display(again, sizeof again, full, TEXT_ALL), full);
            assert_int_equal(text_display_chars(in), text_display_chars(full));
            for (size_t max = 0; max <= 14; max++)
                for (size_t room = 1; room <= 20; room++) {
                    text_display(out, room, in, max);
                    if (!valid_plain(out) || strlen(out) >= room)
                        fail_msg("input %zu bytes, combo %zu, max %zu, room %zu", len, c, max,
                                 room);
                    size_t n = strlen(out);
                    int cut = n >= 3 && memcmp(out + n - 3, "\xe2\x80\xa6", 3) == 0 &&
                              strcmp(out, full) != 0;
                    size_t keep = cut ? n - 3 : n;
                    assert_memory_equal(out, full, keep);
                    assert_true(text_display_chars(out) <= max);
                }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_display_table),
        cmocka_unit_test(test_text_display_cut_for_room),
        cmocka_unit_test(test_text_escape_keeps_blanks),
        cmocka_unit_test(test_text_display_always_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
