/* test_columns.c: the column table (columns.h) is complete and agrees with the enum's groups,
 * so that adding a column is one enum value and one table entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "outcomes/columns.h"
#include "outcomes/ingest.h"
#include "outcomes/instruments.h"
#include "outcomes/model.h"

/* Every entry is filled (designated initialisers leave a forgotten one zero), and names are
 * unique lower-case words. */
static void test_table_complete(void **state)
{
    (void)state;
    for (int c = 0; c < SCHEMA_COLS; c++) {
        const struct column_info *e = col_info(c);
        assert_int_equal(e->col, c);
        assert_non_null(e->name);
        assert_non_null(e->label);
        assert_non_null(e->short_name);
        for (const char *p = e->name; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
        for (int o = 0; o < c; o++)
            assert_string_not_equal(ingest_columns[o].name, e->name);
        assert_int_equal(ingest_col_find(e->name), c < COL_COUNT ? c : -1);
    }
    assert_int_equal(ingest_columns[COL_PATIENT_ID].required, 1);
    assert_int_equal(ingest_columns[COL_SESSION_DATE].required, 1);
}

/* The integer columns are exactly the contiguous group the rows store; the conflict-checked
 * instruments its first N_CONFLICT_COLS; each has a range (within 0-2047: a review row holds
 * its values in 12 bits), a chart name and the report's instruments their defaults. */
static void test_groups(void **state)
{
    (void)state;
    int nint = 0, nconf = 0;
    for (int c = 0; c < COL_COUNT; c++) {
        const struct column_info *e = col_info(c);
        assert_int_equal(e->type == COLTYPE_INT, col_is_int(c));
        nint += col_is_int(c);
        nconf += col_is_instrument(c);
        if (col_is_instrument(c))
            assert_true(col_is_int(c) && INT_INDEX(c) < N_CONFLICT_COLS);
        if (col_is_int(c)) {
            assert_true(e->lo >= 0 && e->lo < e->hi && e->hi <= INT16_MAX);
            assert_true(e->hi <= 2047); /* review_row keeps a value in 12 bits (v2 signed) */
            if (e->dq_missing)
                assert_true(e->short_name[0] != '\0');
        } else {
            assert_int_equal(e->dq_missing, 0);
        }
        if (e->loinc)
            assert_true(col_is_instrument(c));
        if (e->min_baseline >= 0) { /* a primary instrument (SPEC section 2) */
            assert_true(col_is_instrument(c));
            assert_true(e->remission_max >= 0 && e->remission_max < e->min_baseline);
            assert_true(e->min_baseline <= e->hi);
            int mb, rm;
            assert_int_equal(model_instrument_defaults(c, &mb, &rm), 0);
            assert_int_equal(mb, e->min_baseline);
            assert_int_equal(rm, e->remission_max);
        } else {
            assert_int_equal(e->remission_max, -1);
        }
    }
    assert_int_equal(nint, N_INT_COLS);
    assert_int_equal(nconf, N_CONFLICT_COLS);
    assert_true(N_CONFLICT_COLS <= 8);
    int mb, rm;
    assert_int_equal(model_instrument_defaults(COL_CADSS, &mb, &rm), -1);
    assert_int_equal(model_instrument_defaults(COL_PHQ9_ITEM9, &mb, &rm), -1);
}

/* SPEC section 1's ranges and section 2's defaults, as written there. */
static void test_spec_values(void **state)
{
    (void)state;
    static const struct {
        int col, lo, hi, min_baseline, remission_max;
    } spec[] = {
        {COL_PHQ9, 0, 27, 10, 4},        {COL_PHQ9_ITEM9, 0, 3, -1, -1},
        {COL_MADRS, 0, 60, 20, 12},      {COL_QIDS_SR16, 0, 27, 11, 5},
        {COL_HAMD17, 0, 52, 17, 7},      {COL_BDI2, 0, 63, 20, 13},
        {COL_GAD7, 0, 21, 10, 4},        {COL_CADSS, 0, 92, -1, -1},
        {COL_SBP_PRE, 30, 300, -1, -1},  {COL_DBP_PRE, 30, 300, -1, -1},
        {COL_SBP_POST, 30, 300, -1, -1}, {COL_DBP_POST, 30, 300, -1, -1},
    };
    for (size_t i = 0; i < sizeof spec / sizeof *spec; i++) {
        const struct column_info *e = col_info(spec[i].col);
        assert_int_equal(e->lo, spec[i].lo);
        assert_int_equal(e->hi, spec[i].hi);
        assert_int_equal(e->min_baseline, spec[i].min_baseline);
        assert_int_equal(e->remission_max, spec[i].remission_max);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_complete),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_spec_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
