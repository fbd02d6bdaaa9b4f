/* test_sample_long.c: sample_split_long, the long shape of the sample (SPEC section 16): what
 * it writes for a small export, and its refusals of what sample_write never makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/sample.h"

/* Splits text; returns the rc and the two outputs (malloc'd). */
static int split(const char *text, char **t, char **s, struct diag *d)
{
    size_t tn = 0, sn = 0;
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    FILE *ft = open_memstream(t, &tn), *fs = open_memstream(s, &sn);
    assert_non_null(in);
    assert_non_null(ft);
    assert_non_null(fs);
    diag_clear(d);
    int rc = sample_split_long(in, ft, fs, d);
    fclose(in);
    fclose(ft);
    fclose(fs);
    return rc;
}

static void test_sample_split_long_rows(void **state)
{
    (void)state;
    char *t, *s;
    struct diag d;
    assert_int_equal(split("patient_id,session_date,session_type,site,clinician,dose_mg,phq9,"
                           "phq9_item9,madrs,gad7,cadss\n"
                           "P1,2026-01-02,treatment,north,c1,35,12,0,,9,10\n"
                           "P1,2026-01-05,assessment,north,c1,,8,,20,,\n"
                           "P2,2026-01-06,treatment,south,c2,40,,,,,\n",
                           &t, &s, &d),
                     0);
    assert_string_equal(t, "patient_id,session_date,session_type,site,clinician,dose_mg,cadss\n"
                           "P1,2026-01-02,treatment,north,c1,35,10\n"
                           "P2,2026-01-06,treatment,south,c2,40,\n");
    assert_string_equal(s, "patient_id,session_date,instrument,score,site,clinician\n"
                           "P1,2026-01-02,44261-6,12,north,c1\n"
                           "P1,2026-01-02,44260-8,0,north,c1\n"
                           "P1,2026-01-02,70274-6,9,north,c1\n"
                           "P1,2026-01-05,44261-6,8,north,c1\n"
                           "P1,2026-01-05,madrs,20,north,c1\n");
    free(t);
    free(s);
}

static void test_sample_split_long_refuses_other_input(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } bad[] = {
        {"patient_id,session_date,session_type,site,clinician\nP1,\"2026-01-02\",treatment,a,b\n",
         "the sample's line 2 is quoted: cannot split it"},
        {"patient_id,session_date,session_type,site,clinician\nP1,2026-01-02,treatment,a\n",
         "the sample's line 2 has another field count"},
        {"patient_id,session_date,site,clinician\n", "the sample lacks a column to split by"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *t, *s;
        struct diag d;
        assert_int_equal(split(bad[i].text, &t, &s, &d), DIAG_IO);
        assert_string_equal(d.message, bad[i].message);
        free(t);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_split_long_rows),
        cmocka_unit_test(test_sample_split_long_refuses_other_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
