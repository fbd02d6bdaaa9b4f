/* test_date.c: day numbers and the two date parsers, at their boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/stats.h"

static void test_date_epoch_and_roundtrip(void **state)
{
    (void)state;
    assert_int_equal(date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(date_from_ymd(2000, 3, 1) - date_from_ymd(2000, 2, 28), 2); /* leap */
    assert_int_equal(date_from_ymd(1900, 3, 1) - date_from_ymd(1900, 2, 28), 1); /* not leap */
    for (int32_t d = date_from_ymd(1900, 1, 1); d <= date_from_ymd(2199, 12, 31); d += 37) {
        int y, m, dd;
        char buf[11];
        int32_t back;
        date_to_ymd(d, &y, &m, &dd);
        assert_int_equal(date_from_ymd(y, m, dd), d);
        date_format(d, buf);
        assert_int_equal(date_parse_iso(buf, 10, &back), 0);
        assert_int_equal(back, d);
    }
}

static void test_date_parse_iso_rejects_impossible(void **state)
{
    (void)state;
    static const char *const bad[] = {"2025-13-01", "2025-02-29",  "2024-02-30", "2025-04-31",
                                      "2025-00-10", "2025-01-00",  "2025-1-01",  "2025/01/01",
                                      "25-01-01",   "2025-01-01 ", "1899-12-31", "2200-01-01",
                                      "",           "2025-01-0x",  "+025-01-01"};
    int32_t d;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(date_parse_iso(bad[i], strlen(bad[i]), &d), -1);
    assert_int_equal(date_parse_iso("2024-02-29", 10, &d), 0);
    assert_int_equal(d, date_from_ymd(2024, 2, 29));
    assert_int_equal(date_parse_iso("2000-02-29", 10, &d), 0);
    assert_int_equal(date_parse_iso("1900-01-01", 10, &d), 0);
    assert_int_equal(date_parse_iso("2199-12-31", 10, &d), 0);
}

static void test_date_parse_us(void **state)
{
    (void)state;
    int32_t d;
    assert_int_equal(date_parse_us("10/31/2026", 10, &d), 0);
    assert_int_equal(d, date_from_ymd(2026, 10, 31));
    assert_int_equal(date_parse_us("1/5/2026", 8, &d), 0);
    assert_int_equal(d, date_from_ymd(2026, 1, 5));
    static const char *const bad[] = {"13/01/2026",  "02/30/2026", "2026-01-05", "1/5/26",
                                      "01/05/2026x", "/05/2026",   "001/05/2026"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(date_parse_us(bad[i], strlen(bad[i]), &d), -1);
}

static void test_date_parse_month(void **state)
{
    (void)state;
    int y, m;
    assert_int_equal(date_parse_month("2026-10", &y, &m), 0);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 10);
    assert_int_equal(date_parse_month("2026-13", &y, &m), -1);
    assert_int_equal(date_parse_month("2026-1", &y, &m), -1);
    assert_int_equal(date_parse_month("2026-10-01", &y, &m), -1);
    assert_int_equal(date_month_index(date_from_ymd(2026, 10, 31)), 2026 * 12 + 9);
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_epoch_and_roundtrip),
        cmocka_unit_test(test_date_parse_iso_rejects_impossible),
        cmocka_unit_test(test_date_parse_us),
        cmocka_unit_test(test_date_parse_month),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
