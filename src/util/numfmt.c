/* numfmt.c: shortest round-trip formatting of doubles. jansson prints reals with a fixed
 * precision (17 digits: exact but long, 0.1 as 0.10000000000000001); numfmt_json_shorten
 * rewrites them afterwards, which keeps the exact value and R's short form. */
#include "outcomes/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void numfmt_shortest(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        if (n)
            buf[0] = '\0';
        return;
    }
    if (v == 0)
        v = 0; /* -0 -> 0 */
    /* When a decimal of at most 15 significant digits reads back as v, %.15g prints exactly
     * it (trailing zeros dropped): v lies far closer to it than half a 15-digit step. Only
     * values that need 16 or 17 digits take more than one try. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
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
