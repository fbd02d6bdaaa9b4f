/* test_infile.c: opening the files a run reads. A directory, a FIFO (with no writer: the open
 * must not wait for one) and a device are refused with their messages; small files (--config,
 * --columns) are read whole with their lines checked and handed to inih whole, counted. An
 * alarm fails the test instead of letting a hang block CI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "outcomes/infile.h"
#include "support.h"

static const struct infile_words words = {"cannot open", "a CSV file", "WHY"};

static void test_infile_refuses_what_is_not_a_file(void **state)
{
    (void)state;
    alarm(10);
    char dir[] = "/tmp/outcomes-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[64];
    snprintf(fifo, sizeof fifo, "%s/f", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    static const struct {
        const char *path; /* NULL: the directory, "F": the FIFO */
        const char *message;
    } cases[] = {
        {NULL, "is a directory, not a CSV file"},
        {"F", "is not a regular file (a FIFO or pipe): WHY"},
        {"/dev/zero", "is not a regular file (a character device): WHY"},
        {"/dev/urandom", "is not a regular file (a character device): WHY"},
        {"/nonexistent/x.csv", "cannot open: No such file or directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *path = !cases[i].path                    ? dir
                           : strcmp(cases[i].path, "F") == 0 ? fifo
                                                             : cases[i].path;
        int fd = -1;
        uint64_t size = 0;
        struct diag d;
        diag_clear(&d);
        assert_int_equal(infile_open(path, &words, &fd, &size, &d), DIAG_IO);
        assert_int_equal(fd, -1);
        assert_string_equal(d.file, path);
        assert_int_equal(d.line, 0);
        assert_int_equal(d.column, 0);
        assert_string_equal(d.message, cases[i].message);
    }
    /* a FIFO with a writer waiting is refused too, and the writer is not fed */
    int w = open(fifo, O_RDWR | O_NONBLOCK);
    assert_true(w >= 0);
    int fd = -1;
    uint64_t size = 0;
    struct diag d;
    assert_int_equal(infile_open(fifo, &words, &fd, &size, &d), DIAG_IO);
    assert_string_equal(d.message, "is not a regular file (a FIFO or pipe): WHY");
    close(w);
    /* a regular file opens, with its size */
    char *p = write_temp("abc\n", 4);
    assert_int_equal(infile_open(p, &words, &fd, &size, &d), 0);
    assert_int_equal(size, 4);
    close(fd);
    unlink(p);
    free(p);
    unlink(fifo);
    rmdir(dir);
    alarm(0);
}

/* Lines of 198 bytes (a CR before the LF not counted) are read whole; a longer one is named by
 * its own line number; a NUL byte and a file over the size limit are refused. */
/* '-' is not standard input: a usage error naming what to give, nothing opened */
static void test_infile_dash_is_not_stdin(void **state)
{
    struct diag d;
    int fd = -1;
    uint64_t size = 0;
    (void)state;
    diag_clear(&d);
    assert_int_equal(infile_open("-", &words, &fd, &size, &d), DIAG_USAGE);
    assert_int_equal(fd, -1);
    assert_string_equal(d.file, "-");
    assert_string_equal(d.message, "'-' (standard input) is not read: give a CSV file by its "
                                   "name (a file named '-' is ./-)");
}

static void test_infile_small_files_lines_checked(void **state)
{
    (void)state;
    char long_line[400];
    memset(long_line, 'x', sizeof long_line);
    static const struct {
        const char *head; /* lines before the one tested */
        size_t len;       /* bytes of the tested line */
        const char *end;  /* its line end */
        int rc;
        long line;
        const char *message;
    } cases[] = {
        {"a = 1\n", 198, "\n", 0, 0, ""},
        {"a = 1\n", 198, "\r\n", 0, 0, ""},
        {"a = 1\n", 198, "", 0, 0, ""},
        {"a = 1\nb = 2\n", 199, "\n", DIAG_USAGE, 3, "line of 199 bytes: at most 198 allowed"},
        {"", 350, "\r\n", DIAG_USAGE, 1, "line of 350 bytes: at most 198 allowed"},
        {"a = 1\n", 199, "", DIAG_USAGE, 2, "line of 199 bytes: at most 198 allowed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char data[600];
        int n = snprintf(data, sizeof data, "%s%.*s%s", cases[i].head, (int)cases[i].len, long_line,
                         cases[i].end);
        char *p = write_temp(data, (size_t)n), *buf = NULL;
        size_t len = 0;
        struct diag d;
        diag_clear(&d);
        int rc = infile_read_small(p, &words, 1u << 20, 198, &buf, &len, &d);
        if (rc != cases[i].rc)
            fail_msg("case %zu: rc %d (%s)", i, rc, d.message);
        if (rc) {
            assert_null(buf);
            assert_string_equal(d.file, p);
            assert_int_equal(d.line, cases[i].line);
            assert_int_equal(d.column, 0);
            assert_string_equal(d.message, cases[i].message);
        } else {
            /* handed on whole: the tested line is the last, 198 bytes and its LF */
            assert_int_equal(len, (size_t)n);
            struct infile_lines ls = {buf, buf + len, 0};
            char line[200], *got = NULL, *last = NULL;
            while ((got = infile_lines_gets(line, sizeof line, &ls)))
                last = got;
            assert_non_null(last);
            assert_int_equal(strlen(last), 199);
            assert_int_equal(last[198], '\n');
            assert_int_equal(ls.line, cases[i].head[0] ? 2 : 1);
            free(buf);
        }
        unlink(p);
        free(p);
    }
    /* a NUL byte on line 2, and a file over the limit */
    char *p = write_temp("a = 1\nb = \0x\nc = 3\n", 19), *buf;
    size_t len;
    struct diag d;
    assert_int_equal(infile_read_small(p, &words, 1u << 20, 198, &buf, &len, &d), DIAG_USAGE);
    assert_string_equal(d.file, p);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 0);
    assert_string_equal(d.message, "a NUL byte in the line");
    assert_int_equal(infile_read_small(p, &words, 10, 198, &buf, &len, &d), DIAG_USAGE);
    assert_string_equal(d.file, p);
    assert_int_equal(d.line, 0);
    assert_int_equal(d.column, 0);
    assert_string_equal(d.message, "19 bytes: larger than 10 bytes, not a CSV file");
    unlink(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_infile_refuses_what_is_not_a_file),
        cmocka_unit_test(test_infile_small_files_lines_checked),
        cmocka_unit_test(test_infile_dash_is_not_stdin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
