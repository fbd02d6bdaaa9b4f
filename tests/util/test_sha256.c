/* test_sha256.c: SHA-256 against the FIPS 180-2 test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "outcomes/fingerprint.h"
#include "outcomes/sha256.h"
#include "support.h"

static void test_sha256_known_vectors(void **state)
{
    (void)state;
    char hex[65];
    assert_int_equal(sha256_hex("abc", 3, hex), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(sha256_hex("", 0, hex), 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char *path = write_temp(m, strlen(m));
    uint64_t size;
    struct diag d;
    assert_int_equal(sha256_file(path, hex, &size, &d), 0);
    assert_int_equal(size, 56);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    unlink(path);
    free(path);
    assert_int_equal(sha256_file("/nonexistent/x", hex, &size, &d), DIAG_IO);
    assert_string_equal(d.message, "cannot open: No such file or directory");
    /* a device is refused unread (/dev/zero would never end), a directory too */
    assert_int_equal(sha256_file("/dev/zero", hex, &size, &d), DIAG_IO);
    assert_string_equal(d.file, "/dev/zero");
    assert_int_equal(d.line, 0);
    assert_string_equal(
        d.message, "is not a regular file (a character device): only regular files are hashed");
    assert_int_equal(sha256_file("/tmp", hex, &size, &d), DIAG_IO);
    assert_string_equal(d.message, "is a directory, not a file");
    /* the fingerprint of the bytes hashed is the whole file's */
    uint64_t fp = 0;
    path = write_temp(m, strlen(m));
    assert_int_equal(sha256_file_fp(path, hex, &size, &fp, &d), 0);
    assert_true(fp == fingerprint_piece(m, strlen(m), 0));
    unlink(path);
    free(path);
}

/* Files read straight from the disk where the file system allows it (whole aligned blocks, a
 * short last read) hash as the same bytes in memory do: sizes below, at and above the 4 MiB
 * buffer, aligned and not. FIPS 180-2: a million 'a' gives cdc76e5c... */
static void test_sha256_file_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = {1000000, 4u << 20, (4u << 20) + 1, 8u << 20, 9000001};
    for (size_t c = 0; c < sizeof sizes / sizeof *sizes; c++) {
        size_t n = sizes[c];
        char *data = malloc(n);
        assert_non_null(data);
        for (size_t i = 0; i < n; i++)
            data[i] = c == 0 ? 'a' : (char)(i * 131 + c);
        char *path = write_temp(data, n);
        char want[65], got[65];
        uint64_t size;
        struct diag d;
        assert_int_equal(sha256_hex(data, n, want), 0);
        assert_int_equal(sha256_file(path, got, &size, &d), 0);
        assert_int_equal(size, n);
        assert_string_equal(got, want);
        if (c == 0)
            assert_string_equal(got,
                                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        unlink(path);
        free(path);
        free(data);
    }
}

int main(void)
{
    stats_init(); /* GSL errors as values, never abort() */
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_sha256_known_vectors),
                                       cmocka_unit_test(test_sha256_file_sizes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
