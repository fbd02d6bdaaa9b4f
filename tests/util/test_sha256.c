/* test_sha256.c: SHA-256 against the FIPS 180-2 test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

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
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_sha256_known_vectors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
