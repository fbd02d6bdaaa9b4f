/* test_outdir.c: writing an output directory in steps. A large file goes through direct I/O
 * where the file system allows it (an aligned staging buffer, the last block padded, the file
 * cut to its length) and through the page cache otherwise; either way the bytes on disk are the
 * parts laid end to end. The set replaces the directory as a whole, a directory holding other
 * files is refused, names not ours are refused, and the lock beside the directory makes a
 * second writer fail or wait. (The crash and failure points are tested end to end, with the
 * commit's fault hook, in tests/cli/test_outdir_cli.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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
    static const size_t sizes[][2] = {
        {5000001, 4000003}, {8u << 20, 0}, {4194303, 4194305}, {9000000, 1}};
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
        assert_int_equal(report_out_begin(sub, NULL, NULL, &d), 0);
        const char *const *parts = (const char *const *)part;
        assert_int_equal(report_out_write("episodes.csv", parts, sizes[c], 2, &d), 0);
        const char *small = "tiny\n";
        size_t nsmall = 5;
        assert_int_equal(report_out_write("rejects.csv", &small, &nsmall, 1, &d), 0);
        assert_int_equal(report_out_commit(&d), 0);
        char path[128];
        snprintf(path, sizeof path, "%s/episodes.csv", sub);
        size_t n;
        char *got = read_all(path, &n);
        assert_int_equal(n, sizes[c][0] + sizes[c][1]);
        assert_memory_equal(got, part[0], sizes[c][0]);
        if (sizes[c][1])
            assert_memory_equal(got + sizes[c][0], part[1], sizes[c][1]);
        free(got);
        snprintf(path, sizeof path, "%s/episodes.csv", sub);
        unlink(path);
        snprintf(path, sizeof path, "%s/rejects.csv", sub);
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
    assert_int_equal(report_out_begin(sub, NULL, NULL, &d), 0);
    size_t n = 9u << 20;
    char *big = calloc(1, n);
    assert_non_null(big);
    const char *p = big;
    assert_int_equal(report_out_write("episodes.csv", &p, &n, 1, &d), 0);
    report_out_abort();
    char path[160];
    snprintf(path, sizeof path, "%s/new", dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(rmdir(dir), 0); /* empty */
    free(big);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void write_set(const char *dir, const char *results, int with_episodes)
{
    struct out_file files[2] = {{"results.json", results, strlen(results)},
                                {"episodes.csv", "e\n", 2}};
    struct diag d;
    assert_int_equal(report_write_files(dir, files, with_episodes ? 2 : 1, &d), 0);
}

/* The second set replaces the first whole: a file only the first had is gone, nothing is left
 * beside the directory (no staging directory, no lock file). */
static void test_outdir_replaces_the_set(void **state)
{
    (void)state;
    char dir[] = "/tmp/outcomes-outdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128], path[192];
    snprintf(sub, sizeof sub, "%s/out", dir);
    write_set(sub, "first\n", 1);
    write_set(sub, "second\n", 0);
    size_t n;
    snprintf(path, sizeof path, "%s/results.json", sub);
    char *got = read_all(path, &n);
    assert_int_equal(n, 7);
    assert_memory_equal(got, "second\n", 7);
    free(got);
    snprintf(path, sizeof path, "%s/episodes.csv", sub);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/results.json", sub);
    unlink(path);
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(rmdir(dir), 0); /* nothing beside it */
}

/* A directory holding a file we did not write is refused before anything is written. */
static void test_outdir_refuses_foreign_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/outcomes-outdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[160];
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    put(path, "mine\n");
    struct diag d;
    assert_int_equal(report_out_begin(dir, NULL, NULL, &d), DIAG_IO);
    assert_string_equal(d.file, dir);
    assert_non_null(strstr(d.message, "holds 'notes.txt', which outcomes did not write"));
    size_t n;
    char *got = read_all(path, &n);
    assert_memory_equal(got, "mine\n", 5);
    free(got);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

/* Only the tool's own names are written, and each once. */
static void test_outdir_refuses_other_names(void **state)
{
    (void)state;
    char dir[] = "/tmp/outcomes-outdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128];
    snprintf(sub, sizeof sub, "%s/out", dir);
    struct diag d;
    assert_int_equal(report_out_begin(sub, NULL, NULL, &d), 0);
    const char *p = "x";
    size_t n = 1;
    static const char *const bad[] = {"../escape", "/tmp/x", "", "a/results.json", "notes.txt"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(report_out_write(bad[i], &p, &n, 1, &d), DIAG_IO);
        assert_non_null(strstr(d.message, "is not an output of outcomes"));
    }
    assert_int_equal(report_out_write("results.json", &p, &n, 1, &d), 0);
    assert_int_equal(report_out_write("results.json", &p, &n, 1, &d), DIAG_IO);
    assert_non_null(strstr(d.message, "'results.json' is written twice"));
    report_out_abort();
    assert_int_equal(rmdir(dir), 0); /* nothing left */
}

static int holder = -1, told;
static char told_lock[256];

/* The waiting callback: records what it was told and lets the holder go. */
static void on_wait(const char *lock, void *arg)
{
    (void)arg;
    told++;
    snprintf(told_lock, sizeof told_lock, "%s", lock);
    close(holder);
    holder = -1;
}

/* While another holds the lock: without a waiting callback begin fails and says why; with one,
 * the callback is told the lock's path, and begin goes on once the lock is free. */
static void test_outdir_lock(void **state)
{
    (void)state;
    char dir[] = "/tmp/outcomes-outdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128], lock[160];
    snprintf(sub, sizeof sub, "%s/out", dir);
    snprintf(lock, sizeof lock, "%s/.out.outcomes.lock", dir);
    holder = open(lock, O_RDONLY | O_CREAT, 0666);
    assert_true(holder >= 0);
    assert_int_equal(flock(holder, LOCK_EX), 0);
    struct diag d;
    assert_int_equal(report_out_begin(sub, NULL, NULL, &d), DIAG_IO);
    assert_non_null(strstr(d.message, "another outcomes run is writing this directory"));
    assert_int_equal(access(sub, F_OK), -1);
    assert_int_equal(report_out_begin(sub, on_wait, NULL, &d), 0);
    assert_int_equal(told, 1);
    assert_string_equal(told_lock, lock);
    const char *p = "{}\n";
    size_t n = 3;
    assert_int_equal(report_out_write("results.json", &p, &n, 1, &d), 0);
    assert_int_equal(report_out_commit(&d), 0);
    assert_int_equal(access(lock, F_OK), -1); /* removed by the run that held it last */
    char path[192];
    snprintf(path, sizeof path, "%s/results.json", sub);
    unlink(path);
    rmdir(sub);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outdir_large_file_in_parts),
        cmocka_unit_test(test_outdir_abort_leaves_nothing),
        cmocka_unit_test(test_outdir_replaces_the_set),
        cmocka_unit_test(test_outdir_refuses_foreign_files),
        cmocka_unit_test(test_outdir_refuses_other_names),
        cmocka_unit_test(test_outdir_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
