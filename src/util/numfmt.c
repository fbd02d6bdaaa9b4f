/* numfmt.c: the shortest text that reads back as the same double, as R prints numbers: the
 * fewest significant digits that round-trip, written in fixed or exponent notation, whichever
 * is shorter (fixed on a tie). jansson prints reals with a fixed precision (17 digits, exact but
 * long: 0.1 as 0.10000000000000001); numfmt_json_shorten rewrites them afterwards.
 *
 * Finding the digits: when a decimal of at most 15 significant digits reads back as v, "%.14e"
 * prints exactly it (padded with zeros), since v lies far closer to it than half a 15-digit
 * step; otherwise 16 or 17 digits are needed and tried in turn. The common case (v = N / 10^k
 * exactly, as for 0.5 or -71.42857142857143) is found without printf: N / 10^k with both exact
 * is correctly rounded, so that decimal reads back as v. */
#include "outcomes/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes sign, significant digits d[0..nd) (no leading or trailing zeros) and the decimal
 * exponent e of d[0], in the shorter of fixed and exponent notation. */
static void emit(int neg, const char *d, int nd, int e, char *buf, size_t n)
{
    char fixed[64], sci[40];
    size_t f = 0, s = 0;
    if (neg)
        fixed[f++] = sci[s++] = '-';
    /* fixed */
    if (e < 0) {
        fixed[f++] = '0';
        fixed[f++] = '.';
        for (int i = 0; i < -e - 1 && f < 60; i++)
            fixed[f++] = '0';
        for (int i = 0; i < nd && f < 62; i++)
            fixed[f++] = d[i];
    } else {
        for (int i = 0; i <= e && f < 62; i++)
            fixed[f++] = i < nd ? d[i] : '0';
        if (nd > e + 1) {
            fixed[f++] = '.';
            for (int i = e + 1; i < nd && f < 62; i++)
                fixed[f++] = d[i];
        }
    }
    fixed[f] = '\0';
    /* exponent, as %g writes it: at least two exponent digits */
    sci[s++] = d[0];
    if (nd > 1) {
        sci[s++] = '.';
        for (int i = 1; i < nd; i++)
            sci[s++] = d[i];
    }
    s += (size_t)snprintf(sci + s, sizeof sci - s, "e%c%02d", e < 0 ? '-' : '+', abs(e));
    int too_long = e > 40 || e < -40; /* fixed would not fit: always shorter in exponent form */
    snprintf(buf, n, "%s", (!too_long && f <= s) ? fixed : sci);
}

/* v = N / 10^k exactly for a small k: digits of N. Returns 0 when found. */
static int fast_digits(double a, char *d, int *nd, int *e)
{
    static const double p10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (!(a >= 1e-4 && a < 1e15))
        return -1;
    for (int k = 0; k <= 15; k++) {
        double w = a * p10[k];
        if (w >= 9007199254740992.0)
            return -1;
        long long N = llround(w);
        if (N == 0 || (double)N / p10[k] != a)
            continue;
        char tmp[24];
        int m = 0;
        while (N) {
            tmp[m++] = (char)('0' + N % 10);
            N /= 10;
        }
        *e = m - 1 - k;
        int len = 0;
        for (int i = m - 1; i >= 0; i--)
            d[len++] = tmp[i];
        while (len > 1 && d[len - 1] == '0')
            len--;
        *nd = len;
        return 0;
    }
    return -1;
}

void numfmt_shortest(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        if (n)
            buf[0] = '\0';
        return;
    }
    if (v == 0) {
        snprintf(buf, n, "0"); /* -0 too */
        return;
    }
    char d[24];
    int nd = 0, e = 0;
    if (fast_digits(fabs(v), d, &nd, &e) != 0) {
        char tmp[40];
        for (int p = 15; p <= 17; p++) {
            snprintf(tmp, sizeof tmp, "%.*e", p - 1, fabs(v));
            if (strtod(tmp, NULL) == fabs(v))
                break;
        }
        /* tmp is "D.DDDDe+XX" */
        char *ex = strchr(tmp, 'e');
        e = atoi(ex + 1);
        nd = 0;
        for (char *q = tmp; q < ex; q++)
            if (*q != '.')
                d[nd++] = *q;
        while (nd > 1 && d[nd - 1] == '0')
            nd--;
    }
    emit(v < 0, d, nd, e, buf, n);
}

void numfmt_json_shorten(char *text)
{
    char *out = text;
    const char *in = text;
    int in_string = 0;
    while (*in) {
        char c = *in;
        if (in_string) {
            *out++ = *in++;
            if (c == '\\' && *in)
                *out++ = *in++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
            *out++ = *in++;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            const char *start = in;
            int real = 0;
            while (*in && strchr("+-0123456789.eE", *in)) {
                real |= *in == '.' || *in == 'e' || *in == 'E';
                in++;
            }
            size_t len = (size_t)(in - start);
            if (real) {
                char tok[64], buf[40];
                if (len < sizeof tok) {
                    memcpy(tok, start, len);
                    tok[len] = '\0';
                    numfmt_shortest(strtod(tok, NULL), buf, sizeof buf);
                    size_t k = strlen(buf);
                    if (k <= len) {
                        memcpy(out, buf, k);
                        out += k;
                        continue;
                    }
                }
            }
            memmove(out, start, len);
            out += len;
            continue;
        }
        *out++ = *in++;
    }
    *out = '\0';
}
