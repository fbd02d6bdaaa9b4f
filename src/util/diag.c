/* diag.c: filling and formatting struct diag. Formatting only; printing is src/cli's job. */
#include "outcomes/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void diag_clear(struct diag *d)
{
    memset(d, 0, sizeof *d);
}

/* After a cut (snprintf ran out of room at n - 1 bytes): drops a UTF-8 sequence the cut left
 * incomplete, so that a message never ends in half a character. */
static void end_on_character(char *s, int wanted, size_t n)
{
    if (wanted < 0 || (size_t)wanted < n)
        return; /* not cut */
    size_t len = strlen(s), i = len;
    while (i > 0 && len - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
        i--;
    if (i == 0 || (unsigned char)s[i - 1] < 0xc0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

int diag_set(struct diag *d, enum diag_code code, const char *file, long line, long column,
             const char *fmt, ...)
{
    va_list ap;
    d->code = code;
    end_on_character(d->file, snprintf(d->file, sizeof d->file, "%s", file ? file : ""),
                     sizeof d->file);
    d->line = line;
    d->column = column;
    va_start(ap, fmt);
    end_on_character(d->message, vsnprintf(d->message, sizeof d->message, fmt, ap),
                     sizeof d->message);
    va_end(ap);
    return (int)code;
}

void diag_format(const struct diag *d, char *buf, size_t n)
{
    if (d->file[0] && d->line > 0 && d->column > 0)
        snprintf(buf, n, "%s:%ld:%ld: %s", d->file, d->line, d->column, d->message);
    else if (d->file[0] && d->line > 0)
        snprintf(buf, n, "%s:%ld: %s", d->file, d->line, d->message);
    else if (d->file[0])
        snprintf(buf, n, "%s: %s", d->file, d->message);
    else
        snprintf(buf, n, "%s", d->message);
}
