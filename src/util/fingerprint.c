/* fingerprint.c: see fingerprint.h. Arithmetic modulo P = 2^61 - 1 (a Mersenne prime: a
 * product folds with a shift and a mask). The words of a piece are summed by Horner's rule in
 * four interleaved lanes (lane k takes the words 4t + k, with R^4 as multiplier), so that four
 * independent multiplications are in flight: about half a cycle a byte, against SHA-256's two to
 * three. No intrinsics: C11 and, where the compiler has it, its 128-bit integer. */
#include "outcomes/fingerprint.h"

#include <string.h>

#define P ((uint64_t)0x1FFFFFFFFFFFFFFF) /* 2^61 - 1 */
#define R ((uint64_t)0x0B5AD4ECEDA1CE2B) /* any fixed value in [2, P): the key */

/* a, b < 2^62; the result < 2^62 and congruent to a * b + c (c < 2^32). The 128-bit product
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
    uint64_t y = (lo & P) + ((lo >> 61) | (hi << 3)); /* < 2^61 + 2^63 */
    return (y & P) + (y >> 61);                       /* < 2^61 + 8 */
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

static inline uint64_t load32(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

uint64_t fingerprint_piece(const void *buf, size_t n, uint64_t off)
{
    const unsigned char *p = buf;
    uint64_t sum = 0;
    /* a partial first word: its bytes shifted to their place in the word */
    if (n && off % 4) {
        uint64_t w = 0;
        unsigned k = (unsigned)(off % 4);
        for (; k < 4 && n; k++, n--, p++, off++)
            w |= (uint64_t)*p << (8 * k);
        sum = mul_add(w, power(R, (off - 1) / 4), 0);
    }
    /* whole words, then a partial last word (zero padded) */
    size_t words = n / 4, tail = n % 4;
    uint64_t first = off / 4;
    if (words) {
        uint64_t h[4] = {0, 0, 0, 0}, r4 = power(R, 4);
        size_t i = words;
        while (i % 4) { /* the words past the last multiple of four, into their lanes */
            i--;
            h[i % 4] = mul_add(h[i % 4], r4, load32(p + 4 * i));
        }
        while (i) {
            i -= 4;
            h[0] = mul_add(h[0], r4, load32(p + 4 * i));
            h[1] = mul_add(h[1], r4, load32(p + 4 * i + 4));
            h[2] = mul_add(h[2], r4, load32(p + 4 * i + 8));
            h[3] = mul_add(h[3], r4, load32(p + 4 * i + 12));
        }
        /* lane k holds sum_t w(4t + k) R^(4t): shift it by R^k, the piece by R^first */
        uint64_t lanes = reduce(h[0]);
        uint64_t rk = R;
        for (int k = 1; k < 4; k++, rk = mul_add(rk, R, 0))
            lanes = reduce(lanes + reduce(mul_add(reduce(h[k]), rk, 0)));
        sum = reduce(reduce(sum) + reduce(mul_add(lanes, power(R, first), 0)));
    }
    if (tail) {
        const unsigned char *t = p + 4 * words;
        uint64_t w = 0;
        for (size_t k = 0; k < tail; k++)
            w |= (uint64_t)t[k] << (8 * k);
        sum = reduce(reduce(sum) + reduce(mul_add(w, power(R, first + words), 0)));
    }
    return reduce(sum);
}
