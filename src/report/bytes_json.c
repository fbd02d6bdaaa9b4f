/* bytes_json.c: paths and command-line words are bytes, JSON strings are UTF-8. A path that is
 * not UTF-8 is written twice: readable (U+FFFD for each stray byte) and exact (hex), so that
 * nothing is lost and verify can find the file again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp, min;
    size_t len;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    cp = c & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int report_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

json_t *report_json_text(const char *s)
{
    if (report_utf8_valid(s))
        return json_string(s);
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), o = 0;
    char *buf = malloc(3 * n + 1);
    if (!buf)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (k) {
            memcpy(buf + o, s + i, k);
            o += k;
            i += k;
        } else {
            memcpy(buf + o, "\xEF\xBF\xBD", 3); /* U+FFFD */
            o += 3;
            i++;
        }
    }
    buf[o] = '\0';
    json_t *j = json_string(buf);
    free(buf);
    return j;
}

char *report_hex(const char *s)
{
    static const char digits[] = "0123456789abcdef";
    size_t n = strlen(s);
    char *h = malloc(2 * n + 1);
    if (!h)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        h[2 * i] = digits[(unsigned char)s[i] >> 4];
        h[2 * i + 1] = digits[(unsigned char)s[i] & 15];
    }
    h[2 * n] = '\0';
    return h;
}

int report_json_set_path(json_t *o, const char *key, const char *path)
{
    json_t *t = report_json_text(path);
    if (!t || json_object_set_new(o, key, t) != 0)
        return -1;
    if (report_utf8_valid(path))
        return 0;
    char *hex = report_hex(path), name[64];
    snprintf(name, sizeof name, "%s_hex", key);
    int rc = hex && json_object_set_new(o, name, json_string(hex)) == 0 ? 0 : -1;
    free(hex);
    return rc;
}
