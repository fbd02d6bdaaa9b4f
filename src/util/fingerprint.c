/* fingerprint.c: see fingerprint.h. Arithmetic modulo P = 2^61 - 1 (a Mersenne prime: a
 * product folds with a shift and a mask). The words of a piece are summed by Horner's rule in
 * four interleaved lanes (lane k takes the words 4t + k, with R^4 as multiplier), so that four
 * independent multiplications are in flight: 2 GB/s on the machine of README "Performance",
 * three times SHA-256's speed there. No intrinsics: C11 and, where the compiler has it, its
 * 128-bit integer. */
#include "outcomes/fingerprint.h"

#include <string.h>

#define P ((uint64_t)0x1FFFFFFFFFFFFFFF) /* 2^61 - 1 */
#define R ((uint64_t)0x0B5AD4ECEDA1CE2B) /* any fixed value in [2, P): the key */

/* a, b < 2^61 + 8 (a result of mul_add or reduce) and any c: the result is congruent to
 * a * b + c and below 2^61 + 8 (x < 2^122 + 2^65, so y < 2^62 + 16). The 128-bit product
 * from the compiler where it has one (GCC and Clang on 64-bit targets), else from halves. */
static inline uint64_t mul_add(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t lo, hi;
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 x = (u128)a * b + c;
    lo = (uint64_t)x;
    hi = (uint64_t)(x >> 64);
#else
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    lo = (p00 & 0xFFFFFFFFu) | (mid << 32);
    hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    hi += (lo + c) < lo;
    lo += c;
#endif
    uint64_t y = (lo & P) + ((lo >> 61) | (hi << 3));
    return (y & P) + (y >> 61);
}

static inline uint64_t reduce(uint64_t a)
{
    a = (a & P) + (a >> 61);
    return a >= P ? a - P : a;
}

static uint64_t power(uint64_t base, uint64_t e)
{
    uint64_t r = 1;
    while (e) {
        if (e & 1)
            r = mul_add(r, base, 0);
        base = mul_add(base, base, 0);
        e >>= 1;
    }
    return reduce(r);
}

uint64_t fingerprint_add(uint64_t a, uint64_t b)
{
    return reduce(reduce(a) + reduce(b));
}

/* The word at p (native byte order: both sides of a comparison run in one process). */
static inline uint64_t load64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* A partial word: the k bytes at p placed at byte `at` of an otherwise zero word, read as
 * load64 reads a whole one, so that the parts of a word cut between pieces add up to it. */
static uint64_t partial_word(const unsigned char *p, size_t k, unsigned at)
{
    unsigned char w[8] = {0};
    memcpy(w + at, p, k);
    return load64(w);
}

uint64_t fingerprint_piece(const void *buf, size_t n, uint64_t off)
{
    const unsigned char *p = buf;
    uint64_t sum = 0;
    /* a partial first word */
    if (n && off % 8) {
        unsigned at = (unsigned)(off % 8);
        size_t k = 8 - at < n ? 8 - at : n;
        sum = mul_add(reduce(partial_word(p, k, at)), power(R, off / 8), 0);
        p += k;
        n -= k;
        off += k;
    }
    /* whole words, then a partial last word (zero padded) */
    size_t words = n / 8, tail = n % 8;
    uint64_t first = off / 8;
    if (words) {
        uint64_t h[4] = {0, 0, 0, 0}, r4 = power(R, 4);
        size_t i = words;
        while (i % 4) { /* the words past the last multiple of four, into their lanes */
            i--;
            h[i % 4] = mul_add(h[i % 4], r4, load64(p + 8 * i));
        }
        uint64_t h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3];
        while (i) {
            i -= 4;
            h0 = mul_add(h0, r4, load64(p + 8 * i));
            h1 = mul_add(h1, r4, load64(p + 8 * i + 8));
            h2 = mul_add(h2, r4, load64(p + 8 * i + 16));
            h3 = mul_add(h3, r4, load64(p + 8 * i + 24));
        }
        /* lane k holds sum_t w(4t + k) R^(4t): shift it by R^k, the piece by R^first */
        uint64_t r2 = mul_add(R, R, 0), r3 = mul_add(r2, R, 0);
        uint64_t lanes = reduce(reduce(h0) + reduce(mul_add(h1, R, 0)));
        lanes = reduce(lanes + reduce(mul_add(h2, r2, 0)));
        lanes = reduce(lanes + reduce(mul_add(h3, r3, 0)));
        sum = reduce(reduce(sum) + reduce(mul_add(lanes, power(R, first), 0)));
    }
    if (tail)
        sum = reduce(reduce(sum) + reduce(mul_add(reduce(partial_word(p + 8 * words, tail, 0)),
                                                  power(R, first + words), 0)));
    return reduce(sum);
}
