/* diag.c: filling and formatting struct diag. Formatting only; printing is src/cli's job. */
#include "outcomes/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void diag_clear(struct diag *d)
{
    memset(d, 0, sizeof *d);
}

int diag_set(struct diag *d, enum diag_code code, const char *file, long line, long column,
             const char *fmt, ...)
{
    va_list ap;
    d->code = code;
    snprintf(d->file, sizeof d->file, "%s", file ? file : "");
    d->line = line;
    d->column = column;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof d->message, fmt, ap);
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
