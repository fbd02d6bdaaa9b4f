/* test_outdir.c: writing an output directory in steps. A large file goes through direct I/O
 * where the file system allows it (an aligned staging buffer, the last block padded, the file
 * cut to its length) and through the page cache otherwise; either way the bytes on disk are the
 * parts laid end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outcomes/report.h"
#include "outcomes/stats.h"

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* Parts of sizes that end inside a 4 KiB block and inside the 4 MiB staging buffer. */
static void test_outdir_large_file_in_parts(void **state)
{
    (void)state;
    char dir[] = "/tmp/outcomes-outdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const size_t sizes[][2] = {{5000001, 4000003}, {8u << 20, 0}, {4194303, 4194305},
                                      {9000000, 1}};
    for (size_t c = 0; c < sizeof sizes / sizeof *sizes; c++) {
        char *part[2];
        for (int k = 0; k < 2; k++) {
            part[k] = malloc(sizes[c][k] ? sizes[c][k] : 1);
            assert_non_null(part[k]);
            for (size_t i = 0; i < sizes[c][k]; i++)
                part[k][i] = (char)('a' + (i * 7 + (size_t)k * 3 + c) % 26);
        }
        struct diag d;
        char sub[64];
        snprintf(sub, sizeof sub, "%s/c%zu", dir, c);
        assert_int_equal(report_out_begin(sub, &d), 0);
        const char *const *parts = (const char *const *)part;
        assert_int_equal(report_out_write("big.csv", parts, sizes[c], 2, &d), 0);
        const char *small = "tiny\n";
        size_t nsmall = 5;
        assert_int_equal(report_out_write("small.txt", &small, &nsmall, 1, &d), 0);
        assert_int_equal(report_out_commit(&d), 0);
        char path[128];
        snprintf(path, sizeof path, "%s/big.csv", sub);
        size_t n;
        char *got = read_all(path, &n);
        assert_int_equal(n, sizes[c][0] + sizes[c][1]);
        assert_memory_equal(got, part[0], sizes[c][0]);
        if (sizes[c][1])
            assert_memory_equal(got + sizes[c][0], part[1], sizes[c][1]);
        free(got);
        snprintf(path, sizeof path, "%s/.big.csv.tmp", sub);
        assert_int_equal(access(path, F_OK), -1); /* renamed into place */
        snprintf(path, sizeof path, "%s/big.csv", sub);
        unlink(path);
        snprintf(path, sizeof path, "%s/small.txt", sub);
        unlink(path);
        rmdir(sub);
        free(part[0]);
        free(part[1]);
    }
    rmdir(dir);
}

/* An abort removes the temporary files and the directories the run created. */
static void test_outdir_abort_leaves_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/outcomes-outdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128];
    snprintf(sub, sizeof sub, "%s/new/deeper", dir);
    struct diag d;
    assert_int_equal(report_out_begin(sub, &d), 0);
    size_t n = 9u << 20;
    char *big = calloc(1, n);
    assert_non_null(big);
    const char *p = big;
    assert_int_equal(report_out_write("big.csv", &p, &n, 1, &d), 0);
    report_out_abort();
    char path[160];
    snprintf(path, sizeof path, "%s/new", dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(rmdir(dir), 0); /* empty */
    free(big);
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outdir_large_file_in_parts),
        cmocka_unit_test(test_outdir_abort_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
