/* text.c: the display form of data text (text.h). One pass decides whether the whole text fits
 * (in characters and in out's bytes); when it does not, a second pass writes as much as fits
 * in one character less and adds the ellipsis. Characters are never split: a UTF-8 sequence,
 * an escape \xNN and the joining space are each written whole or not at all.
 *
 * UTF-8 is decoded as ingest's validator does (no overlong forms, no surrogates, nothing above
 * U+10FFFF), so that every value ingest accepted is shown as it is. This file does not
 * validate input and does not measure widths (render does). */
#include "outcomes/text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum tok { TOK_END, TOK_BLANK, TOK_CHAR, TOK_ESCAPE };

size_t text_utf8_seq(const unsigned char *s, size_t avail)
{
    size_t len;
    uint32_t cp;
    unsigned char c = s[0];
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > avail)
        return 0;
    for (size_t k = 1; k < len; k++) { /* a NUL ends the loop here: it is not 10xxxxxx */
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || cp < 0xa0 /* C1 controls */)
        return 0;
    return len;
}

/* The token at s: its kind and its length in input bytes. */
static enum tok next(const unsigned char *s, size_t *len)
{
    unsigned char c = s[0];
    *len = 1;
    if (c == 0)
        return TOK_END;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        return TOK_BLANK;
    if (c < 0x20 || c == 0x7f)
        return TOK_ESCAPE;
    if (c < 0x80)
        return TOK_CHAR;
    size_t n = text_utf8_seq(s, TEXT_ALL); /* NUL-terminated */
    if (!n)
        return TOK_ESCAPE;
    *len = n;
    return TOK_CHAR;
}

/* Writes (out non-NULL) or measures the display form within max_chars characters and
 * max_bytes bytes (NUL excluded). Stops before the first token that does not fit; *cut says
 * whether anything was left out. Returns the bytes written; *chars the characters. */
static size_t build(char *out, const char *str, int collapse, size_t max_chars, size_t max_bytes,
                    size_t *chars, int *cut)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0, nch = 0, len;
    int blank = 0; /* a run of blanks is waiting for the next character */
    *cut = 0;
    for (;; s += len) {
        enum tok t = next(s, &len);
        if (t == TOK_END)
            break;
        if (t == TOK_BLANK && collapse) {
            blank = nch > 0;
            continue;
        }
        size_t tb = t == TOK_ESCAPE ? 4 : t == TOK_BLANK ? 1 : len, tc = t == TOK_ESCAPE ? 4 : 1;
        size_t need_b = tb + (blank ? 1 : 0), need_c = tc + (blank ? 1 : 0);
        if (nch + need_c > max_chars || o + need_b > max_bytes) {
            *cut = 1;
            break;
        }
        if (blank) {
            if (out)
                out[o] = ' ';
            o++;
            nch++;
            blank = 0;
        }
        if (out) {
            if (t == TOK_ESCAPE)
                snprintf(out + o, 5, "\\x%02X", s[0]);
            else if (t == TOK_BLANK)
                out[o] = ' ';
            else
                memcpy(out + o, s, len);
        }
        o += tb;
        nch += tc;
    }
    *chars = nch;
    return o;
}

static char *shape(char *out, size_t outn, const char *s, size_t max_chars, int collapse)
{
    static const char ellipsis[] = "\xe2\x80\xa6";
    size_t chars;
    int cut;
    if (outn == 0)
        return out;
    size_t n = build(NULL, s, collapse, max_chars, outn - 1, &chars, &cut);
    if (!cut || outn < sizeof ellipsis || max_chars == 0) {
        n = build(out, s, collapse, max_chars, outn - 1, &chars, &cut);
        out[n] = '\0';
        return out;
    }
    /* a joining space is written only with the character after it, so a cut display form
     * ends "Klinik…", never "Klinik …" */
    n = build(out, s, collapse, max_chars - 1, outn - sizeof ellipsis, &chars, &cut);
    memcpy(out + n, ellipsis, sizeof ellipsis);
    return out;
}

char *text_display(char *out, size_t outn, const char *s, size_t max_chars)
{
    return shape(out, outn, s, max_chars, 1);
}

char *text_escape(char *out, size_t outn, const char *s)
{
    return shape(out, outn, s, TEXT_ALL, 0);
}

int text_is_plain(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len;
    for (;; s += len) {
        switch (next(s, &len)) {
        case TOK_END: return 1;
        case TOK_CHAR: break;
        case TOK_BLANK:
            if (*s != ' ')
                return 0;
            break;
        default: return 0;
        }
    }
}

size_t text_display_chars(const char *s)
{
    size_t chars;
    int cut;
    build(NULL, s, 1, TEXT_ALL, (size_t)-1, &chars, &cut);
    return chars;
}
