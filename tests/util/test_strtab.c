/* test_strtab.c: interning (ids, growth past the first table size) and byte-order ranks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/strtab.h"
#include "outcomes/stats.h"

static void test_strtab_intern_is_idempotent_and_grows(void **state)
{
    (void)state;
    struct strtab *t = strtab_new();
    uint32_t id, again;
    assert_non_null(t);
    assert_int_equal(strtab_count(t), 1);
    assert_string_equal(strtab_get(t, 0, NULL), "");
    for (int i = 0; i < 10000; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "site-%d", i);
        assert_int_equal(strtab_intern(t, buf, strlen(buf), &id), 0);
        assert_int_equal(id, (uint32_t)i + 1);
    }
    assert_int_equal(strtab_intern(t, "site-42", 7, &again), 0);
    assert_int_equal(again, 43);
    assert_int_equal(strtab_intern(t, "site-42xyz", 7, &again), 0); /* length-bounded */
    assert_int_equal(again, 43);
    assert_int_equal(strtab_intern(t, "a\0b", 3, &id), 0); /* embedded NUL is a byte */
    size_t len;
    strtab_get(t, id, &len);
    assert_int_equal(len, 3);
    strtab_free(t);
    strtab_free(NULL);
}

/* strtab_append stores without looking up; a later intern finds the appended strings. */
static void test_strtab_append_then_intern(void **state)
{
    (void)state;
    struct strtab *t = strtab_new();
    assert_non_null(t);
    char buf[32];
    uint32_t id;
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(buf, sizeof buf, "P%05d", i);
        assert_int_equal(strtab_append(t, buf, (size_t)n, &id), 0);
        assert_int_equal(id, (uint32_t)i + 1);
    }
    assert_int_equal(strtab_count(t), 1001);
    assert_int_equal(strtab_intern(t, "P00500", 6, &id), 0);
    assert_int_equal(id, 501);
    assert_int_equal(strtab_intern(t, "", 0, &id), 0);
    assert_int_equal(id, 0);
    assert_int_equal(strtab_intern(t, "new", 3, &id), 0);
    assert_int_equal(id, 1001);
    assert_int_equal(strtab_intern(t, "P00999", 6, &id), 0);
    assert_int_equal(id, 1000);
    size_t len;
    assert_string_equal(strtab_get(t, 1000, &len), "P00999");
    assert_int_equal(len, 6);
    strtab_free(t);
}

static void test_strtab_rank_orders_bytes(void **state)
{
    (void)state;
    struct strtab *t = strtab_new();
    const char *words[] = {"north",
                           "East",
                           "east",
                           "\xc3\xa9"
                           "ast",
                           "ea",
                           "z"};
    uint32_t ids[6];
    for (int i = 0; i < 6; i++)
        assert_int_equal(strtab_intern(t, words[i], strlen(words[i]), &ids[i]), 0);
    uint32_t rank[7];
    assert_int_equal(strtab_rank(t, rank), 0);
    /* byte order: "" < "East" < "ea" < "east" < "north" < "z" < "\xc3\xa9" "ast" */
    assert_int_equal(rank[0], 0);
    assert_int_equal(rank[ids[1]], 1);
    assert_int_equal(rank[ids[4]], 2);
    assert_int_equal(rank[ids[2]], 3);
    assert_int_equal(rank[ids[0]], 4);
    assert_int_equal(rank[ids[5]], 5);
    assert_int_equal(rank[ids[3]], 6);
    struct strtab *sorted = strtab_sorted_copy(t, rank);
    assert_string_equal(strtab_get(sorted, 3, NULL), "east");
    assert_string_equal(strtab_get(sorted, 6, NULL), "\xc3\xa9"
                                                     "ast");
    strtab_free(sorted);
    strtab_free(t);
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strtab_intern_is_idempotent_and_grows),
        cmocka_unit_test(test_strtab_append_then_intern),
        cmocka_unit_test(test_strtab_rank_orders_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
