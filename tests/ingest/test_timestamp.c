/* test_timestamp.c: date-times in session_date (SPEC section 16) and the instrument table:
 * every accepted form, every rejection and its message, and the --timezone conversion (the
 * expected local dates are those of `TZ=ZONE date -d STAMP +%F`, GNU coreutils). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/ingest.h"
#include "outcomes/instruments.h"
#include "outcomes/timestamp.h"

static int32_t parse_ok(const char *s, int us, const char *tz)
{
    int32_t day = -99999;
    const char *why = NULL;
    int rc = ingest_timestamp_parse(s, strlen(s), us, tz, &day, &why);
    if (rc != 0)
        fail_msg("%s: %s", s, why ? why : "(no reason)");
    return day;
}

static const char *parse_bad(const char *s, int us, const char *tz)
{
    int32_t day = 12345;
    const char *why = NULL;
    assert_int_equal(ingest_timestamp_parse(s, strlen(s), us, tz, &day, &why), -1);
    assert_int_equal(day, 12345); /* untouched */
    assert_non_null(why);
    return why;
}

static void test_timestamp_iso_forms(void **state)
{
    (void)state;
    const int32_t oct5 = date_from_ymd(2026, 10, 5);
    static const char *const ok[] = {"2026-10-05",
                                     "2026-10-05T14:30",
                                     "2026-10-05 14:30",
                                     "2026-10-05T14:30:00",
                                     "2026-10-05T14:30:00Z",
                                     "2026-10-05 09:15:00",
                                     "2026-10-05T10:00:00-05:00",
                                     "2026-10-05T23:59:59.999999+14:00",
                                     "2026-10-05T00:00:00.5Z",
                                     "2026-10-05T23:59:60Z",
                                     "2026-10-05T00:00+00:00",
                                     "2026-10-05T23:30:00-23:59"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        assert_int_equal(parse_ok(ok[i], 0, NULL), oct5); /* the date as written */
    assert_int_equal(parse_ok("2024-02-29T12:00:00Z", 0, NULL), date_from_ymd(2024, 2, 29));
}

static void test_timestamp_us_forms(void **state)
{
    (void)state;
    const int32_t oct5 = date_from_ymd(2026, 10, 5);
    static const char *const ok[] = {"10/5/2026",
                                     "10/05/2026",
                                     "10/5/2026 2:30",
                                     "10/5/2026 14:30",
                                     "10/5/2026 14:30:15",
                                     "10/5/2026 2:30 PM",
                                     "10/5/2026 12:00 AM",
                                     "10/5/2026 12:59:59 pm",
                                     "10/5/2026 1:00:00 Am",
                                     "10/5/2026 0:00"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        assert_int_equal(parse_ok(ok[i], 1, NULL), oct5);
}

static void test_timestamp_rejects_with_reason(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int us;
        const char *why;
    } bad[] = {
        {"2026-10-05T25:00", 0, "impossible time: the hour must be 00-23"},
        {"2026-10-05T24:00:00Z", 0, "impossible time: the hour must be 00-23"},
        {"2026-10-05T12:60", 0, "impossible time: the minute must be 00-59"},
        {"2026-10-05T12:30:61", 0, "impossible time: the second must be 00-60"},
        {"2026-10-05T12:30+24:00", 0,
         "impossible zone offset: expected Z or +HH:MM/-HH:MM up to 23:59"},
        {"2026-10-05T12:30-05:60", 0,
         "impossible zone offset: expected Z or +HH:MM/-HH:MM up to 23:59"},
        {"2026-02-30T12:30", 0, "expected a real calendar date YYYY-MM-DD (1900-2199)"},
        {"2026-10-5 12:30", 0, "expected a real calendar date YYYY-MM-DD (1900-2199)"},
        {"10/05/2026", 0, "expected a real calendar date YYYY-MM-DD (1900-2199)"},
        {"2026-10-05T", 0, NULL},
        {"2026-10-05T1:30", 0, NULL},
        {"2026-10-05T12", 0, NULL},
        {"2026-10-05T12:3", 0, NULL},
        {"2026-10-05T12:30:", 0, NULL},
        {"2026-10-05T12:30:00.", 0, NULL},
        {"2026-10-05T12:30.5", 0, NULL},
        {"2026-10-05T12:30:00z", 0, NULL},
        {"2026-10-05T12:30-0500", 0, NULL},
        {"2026-10-05T12:30-05", 0, NULL},
        {"2026-10-05T12:30Z ", 0, NULL},
        {"2026-10-05x12:30", 0, NULL},
        {"2026-10-05T12:30 PM", 0, NULL},
        {"2026-10-05  12:30", 0, NULL},
        {"10/5/2026 13:00 PM", 1, "impossible time: the hour must be 1-12 with AM or PM"},
        {"10/5/2026 0:30 AM", 1, "impossible time: the hour must be 1-12 with AM or PM"},
        {"10/5/2026 25:00", 1, "impossible time: the hour must be 00-23"},
        {"10/5/2026 12:60", 1, "impossible time: the minute must be 00-59"},
        {"10/5/2026 12:30:99", 1, "impossible time: the second must be 00-60"},
        {"2/30/2026 12:30", 1, "expected a real calendar date MM/DD/YYYY (1900-2199)"},
        {"10/5/26 12:30", 1, "expected a real calendar date MM/DD/YYYY (1900-2199)"},
        {"2026-10-05", 1, "expected a real calendar date MM/DD/YYYY (1900-2199)"},
        {"10/5/2026T12:30", 1, "expected a real calendar date MM/DD/YYYY (1900-2199)"},
        {"10/5/2026 ", 1, NULL},
        {"10/5/2026 12", 1, NULL},
        {"10/5/2026 123:00", 1, NULL},
        {"10/5/2026 12:3", 1, NULL},
        {"10/5/2026 12:30 XM", 1, NULL},
        {"10/5/2026 12:30PM", 1, NULL},
        {"10/5/2026 12:30 PMX", 1, NULL},
        {"10/5/2026 12:30:00.5", 1, NULL},
        {"10/5/2026 12:30Z", 1, NULL},
    };
    static const char iso_shape[] =
        "expected a date YYYY-MM-DD or a date-time: T or a space, HH:MM, optional :SS and "
        "fraction, optional Z or +HH:MM/-HH:MM";
    static const char us_shape[] =
        "expected a date M/D/YYYY or a date-time: a space, H:MM, optional :SS, optional AM or PM";
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *why = parse_bad(bad[i].s, bad[i].us, NULL);
        const char *want = bad[i].why ? bad[i].why : bad[i].us ? us_shape : iso_shape;
        if (strcmp(why, want) != 0)
            fail_msg("%s: got \"%s\", want \"%s\"", bad[i].s, why, want);
    }
}

static void test_timestamp_not_terminated(void **state)
{
    (void)state;
    /* the parser reads only n bytes: a longer buffer's tail is not part of the value */
    int32_t day;
    const char *why;
    const char buf[] = "2026-10-05T14:30:00Z,garbage";
    assert_int_equal(ingest_timestamp_parse(buf, 20, 0, NULL, &day, &why), 0);
    assert_int_equal(day, date_from_ymd(2026, 10, 5));
    assert_int_equal(ingest_timestamp_parse(buf, 21, 0, NULL, &day, &why), -1);
    assert_int_equal(ingest_timestamp_parse("10/5/2026 2:30 PM", 9, 1, NULL, &day, &why), 0);
}

static void test_timestamp_timezone_converts_zoned_only(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(ingest_timezone_use("America/Chicago", &why), 0);
    const char *tz = "America/Chicago";
    /* TZ=America/Chicago date -d 2026-10-06T03:00:00Z +%F -> 2026-10-05 (CDT, UTC-5) */
    assert_int_equal(parse_ok("2026-10-06T03:00:00Z", 0, tz), date_from_ymd(2026, 10, 5));
    /* 05:00Z is midnight CDT: 2026-10-06 */
    assert_int_equal(parse_ok("2026-10-06T05:00:00Z", 0, tz), date_from_ymd(2026, 10, 6));
    assert_int_equal(parse_ok("2026-10-06T04:59:59.9Z", 0, tz), date_from_ymd(2026, 10, 5));
    /* in winter CST is UTC-6: 2026-01-15T05:30Z -> 2026-01-14 */
    assert_int_equal(parse_ok("2026-01-15T05:30Z", 0, tz), date_from_ymd(2026, 1, 14));
    /* an offset: 23:30-05:00 is 04:30Z next day, 23:30 CDT the same day */
    assert_int_equal(parse_ok("2026-10-05T23:30:00-05:00", 0, tz), date_from_ymd(2026, 10, 5));
    assert_int_equal(parse_ok("2026-10-05T23:30:00-07:00", 0, tz), date_from_ymd(2026, 10, 6));
    assert_int_equal(parse_ok("2026-10-05T01:00:00+09:00", 0, tz), date_from_ymd(2026, 10, 4));
    /* no zone: the date as written, whatever the time */
    assert_int_equal(parse_ok("2026-10-05T23:30:00", 0, tz), date_from_ymd(2026, 10, 5));
    assert_int_equal(parse_ok("2026-10-05", 0, tz), date_from_ymd(2026, 10, 5));
    assert_int_equal(parse_ok("10/5/2026 11:30 PM", 1, tz), date_from_ymd(2026, 10, 5));
    /* and without --timezone the zoned stamps keep the date as written */
    assert_int_equal(parse_ok("2026-10-05T23:30:00-07:00", 0, NULL), date_from_ymd(2026, 10, 5));
    assert_int_equal(ingest_timezone_use("UTC", &why), 0);
    assert_int_equal(parse_ok("2026-10-05T23:30:00-05:00", 0, "UTC"), date_from_ymd(2026, 10, 6));
    /* the local date must stay in 1900-2199 */
    assert_int_equal(ingest_timezone_use("Asia/Tokyo", &why), 0);
    assert_string_equal(parse_bad("2199-12-31T20:00Z", 0, "Asia/Tokyo"),
                        "the date in the --timezone zone is outside 1900-2199");
    assert_int_equal(parse_ok("2199-12-31T20:00Z", 0, NULL), date_from_ymd(2199, 12, 31));
    unsetenv("TZ");
}

static void test_timezone_rejects_unknown_names(void **state)
{
    (void)state;
    static const char *const bad[] = {"Mars/Olympus",
                                      "",
                                      "/etc/passwd",
                                      "../../etc/passwd",
                                      "America/../../../etc/passwd",
                                      "America",
                                      "UTC ",
                                      "America/Chicago\n",
                                      "zone.tab"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *why = NULL;
        if (ingest_timezone_use(bad[i], &why) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_string_equal(
            why,
            "not a time zone of the tz database (an IANA name such as America/Chicago or UTC)");
    }
}

static void test_instrument_lookup_names_and_loinc(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int col;
    } ok[] = {{"phq9", COL_PHQ9},           {"PHQ9", COL_PHQ9},
              {"44261-6", COL_PHQ9},        {"phq9_item9", COL_PHQ9_ITEM9},
              {"44260-8", COL_PHQ9_ITEM9},  {"madrs", COL_MADRS},
              {"qids_sr16", COL_QIDS_SR16}, {"hamd17", COL_HAMD17},
              {"bdi2", COL_BDI2},           {"89209-1", COL_BDI2},
              {"gad7", COL_GAD7},           {"70274-6", COL_GAD7}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        const struct column_info *e = ingest_instrument_lookup(ok[i].s, strlen(ok[i].s));
        assert_non_null(e);
        assert_int_equal(e->col, ok[i].col);
        assert_string_equal(e->name, ingest_col_name(e->col));
    }
    static const char *const bad[] = {"",      "phq",     "phq9x",   "44261", "44261-7",
                                      "cadss", "dose_mg", "sbp_pre", "PHQ-9", " phq9"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(ingest_instrument_lookup(bad[i], strlen(bad[i])));
    assert_non_null(ingest_instrument_lookup("gad7xyz", 4)); /* n bytes only */
    for (int c = 0; c < COL_COUNT; c++) { /* every conflict-checked instrument, by its name */
        const char *name = ingest_col_name((enum col)c);
        const struct column_info *e = ingest_instrument_lookup(name, strlen(name));
        if (col_is_instrument(c))
            assert_ptr_equal(e, &ingest_columns[c]);
        else
            assert_null(e);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timestamp_iso_forms),
        cmocka_unit_test(test_timestamp_us_forms),
        cmocka_unit_test(test_timestamp_rejects_with_reason),
        cmocka_unit_test(test_timestamp_not_terminated),
        cmocka_unit_test(test_timestamp_timezone_converts_zoned_only),
        cmocka_unit_test(test_timezone_rejects_unknown_names),
        cmocka_unit_test(test_instrument_lookup_names_and_loinc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
