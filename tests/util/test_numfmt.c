/* test_numfmt.c: shortest exact number formatting, against the printf/strtod definition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/numfmt.h"
#include "outcomes/stats.h"

/* The definition: of the "%.*g" forms (1-17 digits) that read back as v, the shortest text;
 * on a tie, the one without an exponent (as R prints 1500000, not 1.5e+06). */
static void reference(double v, char *buf, size_t n)
{
    char best[40] = "", cur[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(cur, sizeof cur, "%.*g", p, v);
        if (strtod(cur, NULL) != v)
            continue;
        size_t lb = strlen(best), lc = strlen(cur);
        int eb = strchr(best, 'e') != NULL, ec = strchr(cur, 'e') != NULL;
        if (!lb || lc < lb || (lc == lb && eb && !ec))
            strcpy(best, cur);
    }
    snprintf(buf, n, "%s", best);
}

static void test_numfmt_known_values(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *s;
    } cases[] = {{0.5, "0.5"},
                 {13, "13"},
                 {-0.0, "0"},
                 {0.1, "0.1"},
                 {1.0 / 3, "0.3333333333333333"},
                 {0.3057423946026274, "0.3057423946026274"},
                 {100, "100"},
                 {-71.42857142857143, "-71.42857142857143"},
                 {1e-5, "1e-05"},
                 {1.5e300, "1.5e+300"},
                 {123456789012345678.0, "123456789012345680"},
                 {1e21, "1e+21"},
                 {1000000, "1e+06"},
                 {123456, "123456"}};
    char buf[40];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        numfmt_shortest(cases[i].v, buf, sizeof buf);
        assert_string_equal(buf, cases[i].s);
    }
    numfmt_shortest(NAN, buf, sizeof buf);
    assert_string_equal(buf, "");
}

/* A million pseudo-random doubles of every magnitude: the same text as the definition. */
static void test_numfmt_matches_definition(void **state)
{
    (void)state;
    unsigned long long x = 88172645463325252ULL;
    char a[40], b[40];
    for (int i = 0; i < 1000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        switch (i % 4) {
        case 0: v = (double)(x % 100000) / 100.0; break; /* 2 decimals */
        case 1: v = (double)(x % 1000) / (double)(1 + x % 7); break;
        case 2: v = ldexp((double)(x >> 11), -(int)(x % 80)); break;
        default: v = -(double)(x % 1000000) / 1000.0; break;
        }
        numfmt_shortest(v, a, sizeof a);
        reference(v == 0 ? 0 : v, b, sizeof b);
        if (strcmp(a, b) != 0)
            fail_msg("%.17g: got %s, want %s", v, a, b);
    }
}

static void test_numfmt_json_shorten(void **state)
{
    (void)state;
    char text[] = "{\"a\": 0.10000000000000001, \"b\": \"x 0.50000000000000000 y\", \"c\": 12,"
                  " \"d\": [1e-05, -2.5000000000000000], \"e\": \"q\\\"0.1000\"}";
    numfmt_json_shorten(text);
    assert_string_equal(text, "{\"a\": 0.1, \"b\": \"x 0.50000000000000000 y\", \"c\": 12,"
                              " \"d\": [1e-05, -2.5], \"e\": \"q\\\"0.1000\"}");
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numfmt_known_values),
        cmocka_unit_test(test_numfmt_matches_definition),
        cmocka_unit_test(test_numfmt_json_shorten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
