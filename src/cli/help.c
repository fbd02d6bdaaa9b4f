/* help.c: the layout of --help text: paragraphs and option lists wrapped to 79 columns (a
 * terminal of 80 leaves the last column free), as GNU tools lay theirs out. Only layout: the
 * words come from the command and option tables. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define HELP_WIDTH 79 /* columns */
#define HELP_TEXT 30  /* the column an option's text starts in */

/* Columns a UTF-8 string takes (one per character; help text holds no wide characters). */
static size_t columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

/* Writes text from column `at` (the cursor is there) wrapped at HELP_WIDTH, continuation lines
 * indented to `indent`; a '\n' in text starts a new line at indent. Ends with a line end. */
static void wrap(FILE *f, const char *text, size_t at, size_t indent)
{
    size_t col = at;
    int first = 1; /* no blank before the first word of a line */
    const char *p = text;
    while (*p) {
        if (*p == '\n') {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
            first = 1;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t n = strcspn(p, " \n");
        size_t w = columns(p, n);
        if (w > HELP_WIDTH - indent) { /* wider than any line (a list without blanks): cut it
                                          after its last comma that fits, on a line of its own */
            if (!first) {
                fprintf(f, "\n%*s", (int)indent, "");
                col = indent;
            }
            size_t cut = 0;
            for (size_t k = 0; k < n && columns(p, k + 1) <= HELP_WIDTH - indent; k++)
                if (p[k] == ',')
                    cut = k + 1;
            if (cut > 0 && cut < n) {
                fwrite(p, 1, cut, f);
                fprintf(f, "\n%*s", (int)indent, "");
                col = indent;
                first = 1;
                p += cut;
                continue;
            }
        }
        if (!first && col + 1 + w > HELP_WIDTH) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
            first = 1;
        }
        if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, n, f);
        col += w;
        first = 0;
        p += n;
    }
    fputc('\n', f);
}

void cli_help_paragraph(FILE *f, const char *text)
{
    wrap(f, text, 0, 0);
}

void cli_help_option(FILE *f, const char *left, const char *text)
{
    size_t w = columns(left, strlen(left));
    fprintf(f, "  %s", left);
    if (2 + w + 2 > HELP_TEXT) { /* too wide: the text on the next line */
        fprintf(f, "\n%*s", HELP_TEXT, "");
    } else {
        fprintf(f, "%*s", (int)(HELP_TEXT - 2 - w), "");
    }
    wrap(f, text, HELP_TEXT, HELP_TEXT);
}
