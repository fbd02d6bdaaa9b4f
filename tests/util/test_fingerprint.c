/* test_fingerprint.c: the fingerprint that the reader threads and the input hasher compare
 * (fingerprint.h): pieces cut anywhere and added in any order give the whole's value, and a
 * change of one byte, or two words swapped, changes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "outcomes/fingerprint.h"
#include "support.h"

static unsigned char *pattern(size_t n, unsigned seed)
{
    unsigned char *b = malloc(n ? n : 1);
    assert_non_null(b);
    unsigned long x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        b[i] = (unsigned char)(x >> 56);
    }
    return b;
}

/* Every cut into two pieces, and into three pieces at every pair of cuts for a short buffer,
 * with the pieces added in either order. */
static void test_fingerprint_pieces_add_up(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 67; n++) {
        unsigned char *b = pattern(n, (unsigned)n + 1);
        uint64_t whole = fingerprint_piece(b, n, 0);
        for (size_t cut = 0; cut <= n; cut++) {
            uint64_t a = fingerprint_piece(b, cut, 0), c = fingerprint_piece(b + cut, n - cut, cut);
            assert_true(fingerprint_add(a, c) == whole);
            assert_true(fingerprint_add(c, a) == whole);
            for (size_t cut2 = cut; cut2 <= n && n <= 24; cut2++) {
                uint64_t p1 = fingerprint_piece(b + cut, cut2 - cut, cut);
                uint64_t p2 = fingerprint_piece(b + cut2, n - cut2, cut2);
                assert_true(fingerprint_add(p2, fingerprint_add(a, p1)) == whole);
            }
        }
        free(b);
    }
    /* a large buffer in the reader's blocks (256 KiB) against the hasher's (1 MiB) from an odd
     * start, as the chunks of a file begin at line starts */
    size_t n = (3u << 20) + 12345;
    unsigned char *b = pattern(n, 7);
    uint64_t small = fingerprint_piece(b, 1001, 0), big = 0;
    for (size_t off = 1001; off < n; off += 256u << 10) {
        size_t k = n - off < (256u << 10) ? n - off : (256u << 10);
        small = fingerprint_add(small, fingerprint_piece(b + off, k, off));
    }
    for (size_t off = 0; off < n; off += 1u << 20) {
        size_t k = n - off < (1u << 20) ? n - off : (1u << 20);
        big = fingerprint_add(big, fingerprint_piece(b + off, k, off));
    }
    assert_true(small == big);
    free(b);
}

/* The same-size changes the manifest check must see: any one byte, in any bit; two words or
 * two bytes swapped; the same bytes at another offset. */
static void test_fingerprint_changes_seen(void **state)
{
    (void)state;
    size_t n = 300;
    unsigned char *b = pattern(n, 3);
    uint64_t whole = fingerprint_piece(b, n, 0);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (unsigned char)(1u << bit);
            assert_true(fingerprint_piece(b, n, 0) != whole);
            b[i] ^= (unsigned char)(1u << bit);
        }
    }
    for (size_t i = 0; i + 8 <= n; i += 4) {
        unsigned char t[4];
        memcpy(t, b + i, 4);
        memcpy(b + i, b + i + 4, 4);
        memcpy(b + i + 4, t, 4);
        if (memcmp(b + i, b + i + 4, 4) != 0)
            assert_true(fingerprint_piece(b, n, 0) != whole);
        memcpy(b + i + 4, b + i, 4);
        memcpy(b + i, t, 4);
        unsigned char c = b[i];
        b[i] = b[i + 1];
        b[i + 1] = c;
        if (b[i] != b[i + 1])
            assert_true(fingerprint_piece(b, n, 0) != whole);
        b[i + 1] = b[i];
        b[i] = c;
    }
    assert_true(fingerprint_piece(b, n, 0) == whole);
    assert_true(fingerprint_piece(b, n, 4) != whole);
    assert_true(fingerprint_piece(b, n, 1) != whole);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprint_pieces_add_up),
        cmocka_unit_test(test_fingerprint_changes_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
