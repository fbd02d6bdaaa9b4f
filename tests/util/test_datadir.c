/* test_datadir.c: where datadir_find looks (datadir.h): $OUTCOMES_DATADIR alone when set, then
 * the installed layout beside the executable (bin/../share/outcomes), then the build tree's
 * data/ beside it. The executable's own place is what /proc/self/exe says, so the test copies
 * itself into a scratch prefix and runs the copy in "child" mode, which prints what it finds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outcomes/datadir.h"

static char scratch[256];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Copies the running executable to dst (mode 0755). */
static void copy_self(const char *dst)
{
    char buf[65536];
    ssize_t n;
    int in = open("/proc/self/exe", O_RDONLY);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    assert_true(in >= 0 && out >= 0);
    while ((n = read(in, buf, sizeof buf)) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    assert_int_equal(n, 0);
    close(in);
    assert_int_equal(close(out), 0);
}

/* Runs exe in child mode with OUTCOMES_DATADIR unset; its output (the path found or the
 * message) into out. */
static void run_child(const char *exe, char *out, size_t n)
{
    int fd[2];
    pid_t pid;
    int status;
    ssize_t got, used = 0;
    assert_int_equal(pipe(fd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        unsetenv("OUTCOMES_DATADIR");
        execl(exe, exe, "child", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    while ((got = read(fd[0], out + used, n - 1 - (size_t)used)) > 0)
        used += got;
    out[used] = '\0';
    close(fd[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
}

static int setup(void **state)
{
    (void)state;
    snprintf(scratch, sizeof scratch, "/tmp/test_datadir.XXXXXX");
    assert_non_null(mkdtemp(scratch));
    return 0;
}

static int teardown(void **state)
{
    char cmd[300];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_datadir_env_only_place(void **state)
{
    char dir[300], file[320], *path = NULL;
    struct diag d;
    (void)state;
    snprintf(dir, sizeof dir, "%s/env", scratch);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(file, sizeof file, "%s/benchmarks.csv", dir);
    write_file(file, "id\n");
    setenv("OUTCOMES_DATADIR", dir, 1);
    diag_clear(&d);
    assert_int_equal(datadir_find("benchmarks.csv", &path, &d), 0);
    assert_string_equal(path, file);
    free(path);

    /* set but without the file: nowhere else is looked, and the message says where it looked */
    diag_clear(&d);
    assert_int_equal(datadir_find("other.csv", &path, &d), DIAG_IO);
    assert_null(path);
    assert_non_null(strstr(d.message, "OUTCOMES_DATADIR"));
    assert_non_null(strstr(d.message, "env/other.csv"));
    unsetenv("OUTCOMES_DATADIR");
}

static void test_datadir_name_must_be_plain(void **state)
{
    char *path = NULL;
    struct diag d;
    (void)state;
    diag_clear(&d);
    assert_int_equal(datadir_find("../etc/passwd", &path, &d), DIAG_USAGE);
    assert_null(path);
    assert_int_equal(datadir_find("", &path, &d), DIAG_USAGE);
}

static void test_datadir_installed_layout(void **state)
{
    char dir[300], exe[320], file[340], out[1024];
    (void)state;
    snprintf(dir, sizeof dir, "%s/prefix", scratch);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(exe, sizeof exe, "%s/bin", dir);
    assert_int_equal(mkdir(exe, 0755), 0);
    snprintf(exe, sizeof exe, "%s/share", dir);
    assert_int_equal(mkdir(exe, 0755), 0);
    snprintf(exe, sizeof exe, "%s/share/outcomes", dir);
    assert_int_equal(mkdir(exe, 0755), 0);
    snprintf(file, sizeof file, "%s/share/outcomes/probe.csv", dir);
    write_file(file, "x\n");
    snprintf(exe, sizeof exe, "%s/bin/test_datadir", dir);
    copy_self(exe);
    run_child(exe, out, sizeof out);
    {
        char want[400];
        snprintf(want, sizeof want, "found %s/bin/../share/outcomes/probe.csv\n", dir);
        assert_string_equal(out, want);
    }
}

static void test_datadir_build_tree_layout(void **state)
{
    char dir[300], exe[320], file[340], out[1024], want[400];
    (void)state;
    snprintf(dir, sizeof dir, "%s/build", scratch);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(file, sizeof file, "%s/data", dir);
    assert_int_equal(mkdir(file, 0755), 0);
    snprintf(file, sizeof file, "%s/data/probe.csv", dir);
    write_file(file, "x\n");
    snprintf(exe, sizeof exe, "%s/test_datadir", dir);
    copy_self(exe);
    run_child(exe, out, sizeof out);
    snprintf(want, sizeof want, "found %s\n", file);
    assert_string_equal(out, want);

    /* the file gone: not found, and the message lists the places looked */
    assert_int_equal(unlink(file), 0);
    run_child(exe, out, sizeof out);
    assert_non_null(strstr(out, "was not found"));
    assert_non_null(strstr(out, "build/../share/outcomes/probe.csv"));
    assert_non_null(strstr(out, "build/data/probe.csv"));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datadir_env_only_place),
        cmocka_unit_test(test_datadir_name_must_be_plain),
        cmocka_unit_test(test_datadir_installed_layout),
        cmocka_unit_test(test_datadir_build_tree_layout),
    };
    if (argc == 2 && strcmp(argv[1], "child") == 0) {
        char *path = NULL;
        struct diag d;
        diag_clear(&d);
        if (datadir_find("probe.csv", &path, &d) == 0)
            printf("found %s\n", path);
        else
            printf("%s\n", d.message);
        free(path);
        return 0;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
