/* validate.c: the value rules of SPEC section 1's column table that are not date parsing:
 * integer ranges (from the column table, columns.h), UTF-8 text, and the problem list. Hot helpers are written by hand (no sscanf). */
#include "ingest_int.h"
#include "outcomes/text.h"

#include <stdlib.h>
#include <string.h>

struct int_range ingest_int_range(int col)
{
    return (struct int_range){ingest_columns[col].lo, ingest_columns[col].hi};
}

long ingest_utf8_chars(const char *str, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    long chars = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            /* TAB, LF and CR are kept (a quoted multi-line note, SPEC section 1) */
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                goto invalid;
            i++;
        } else {
            size_t len = text_utf8_seq(s + i, n - i);
            if (len == 0)
                goto invalid;
            i += len;
        }
        chars++;
    }
    return chars;
invalid:
    *bad = i;
    return -1;
}

long ingest_text_chars(const char *s, size_t n, size_t *bad)
{
    return ingest_utf8_chars(s, n, bad);
}

int problem_list_add(struct problem_list *l, uint32_t file, long line, long column, int col,
                     int reason, int first, const char *value, size_t nvalue, const char *message)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct problem *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (nvalue > VALUE_KEEP_BYTES) {
        nvalue = VALUE_KEEP_BYTES;
        while (nvalue > 0 && ((unsigned char)value[nvalue] & 0xc0) == 0x80)
            nvalue--; /* do not cut a UTF-8 sequence */
    }
    struct problem *p = &l->v[l->n];
    p->file = file;
    p->line = line;
    p->column = column;
    p->col = col;
    p->reason = reason;
    p->first = first;
    p->at_line = 0;
    p->value = malloc(nvalue + 1);
    p->message = strdup(message);
    if (!p->value || !p->message) {
        free(p->value);
        free(p->message);
        return -1;
    }
    if (nvalue)
        memcpy(p->value, value, nvalue);
    p->value[nvalue] = '\0';
    l->n++;
    return 0;
}

void problem_list_fini(struct problem_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].value);
        free(l->v[i].message);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}
