/* test_safename.c: the directory names of per-site reports (report_safe_name, SPEC 14): names
 * with spaces, slashes, dots and non-ASCII characters become safe, distinct file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "outcomes/report.h"

static const char *name_of(const char *v, char *buf)
{
    size_t n = report_safe_name(v, strlen(v), buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

static void test_safename_forms(void **state)
{
    (void)state;
    char b[REPORT_SAFE_NAME_MAX + 1];
    assert_string_equal(name_of("north", b), "north");
    assert_string_equal(name_of("Site_2-b.v1", b), "Site_2-b.v1");
    assert_string_equal(name_of("Praxis am See", b), "Praxis%20am%20See");
    assert_string_equal(name_of("a/b", b), "a%2Fb");
    assert_string_equal(name_of("../etc", b), "%2E.%2Fetc");
    assert_string_equal(name_of(".", b), "%2E");
    assert_string_equal(name_of("..", b), "%2E.");
    assert_string_equal(name_of(".hidden", b), "%2Ehidden");
    assert_string_equal(name_of("100%", b), "100%25");
    assert_string_equal(name_of("Z\xC3\xBCrich", b), "Z%C3%BCrich"); /* precomposed u-umlaut */
    assert_string_equal(name_of("a~b", b), "a%7Eb");
    assert_string_equal(name_of("tab\there", b), "tab%09here");
}

/* Every name is distinct for distinct values, even where they look alike (NFC and NFD, an
 * escape written out, case), and none is empty, hidden or holds a '/'. */
static void test_safename_distinct(void **state)
{
    (void)state;
    const char *v[] = {"e\xCC\x81", "\xC3\xA9", "%41", "A",     "a",  "a b",
                       "a_b",       "a%20b",    "a/b", "a%2Fb", ".a", "%2Ea",
                       "a.",        "-",        "_",   " ",     "  ", "\xE2\x82\xAC"};
    size_t n = sizeof v / sizeof *v;
    char names[sizeof v / sizeof *v][REPORT_SAFE_NAME_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        name_of(v[i], names[i]);
        assert_true(names[i][0] != '\0' && names[i][0] != '.');
        assert_null(strchr(names[i], '/'));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(names[i], names[j]);
    }
}

/* 64 characters of 3 bytes (192 bytes, 576 escaped) give the short form and a digest, within
 * REPORT_SAFE_NAME_MAX; two such values that differ only in the last character differ. */
static void test_safename_long(void **state)
{
    (void)state;
    char v[2][193], b[2][REPORT_SAFE_NAME_MAX + 1];
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 64; i++)
            memcpy(v[k] + 3 * i, "\xE2\x82\xAC", 3);
        v[k][191] = (char)(k ? 0xAD : 0xAC);
        v[k][192] = '\0';
        size_t n = report_safe_name(v[k], 192, b[k]);
        assert_true(n <= REPORT_SAFE_NAME_MAX);
        assert_non_null(strchr(b[k], '~'));
        assert_int_equal(strlen(strchr(b[k], '~')), 33);
        assert_int_equal(strncmp(b[k], "%E2%82%AC", 9), 0);
    }
    assert_string_not_equal(b[0], b[1]);
    /* 66 ASCII letters: kept as they are (no digest below the limit) */
    char s[67];
    memset(s, 'x', 66);
    s[66] = '\0';
    assert_string_equal(name_of(s, b[0]), s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safename_forms),
        cmocka_unit_test(test_safename_distinct),
        cmocka_unit_test(test_safename_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
