/* diag.h: the one error path of `outcomes`.
 *
 * A function that can fail returns an int status (0 = ok, one of enum diag_code otherwise) and
 * fills a caller-provided struct diag. Only src/cli prints a diag and chooses the exit code;
 * nothing below it prints, exits or aborts on bad input. */
#ifndef OUTCOMES_DIAG_H
#define OUTCOMES_DIAG_H

#include <stddef.h>

/* Error classes; src/cli maps each to an exit code (usage 2, data 1, io 3). */
enum diag_code {
    DIAG_OK = 0,
    DIAG_USAGE = 2, /* bad options or arguments */
    DIAG_DATA = 1,  /* the input is unusable (missing column, identifier column, ...) */
    DIAG_IO = 3,    /* a file could not be read or written, or memory ran out */
};

/* One error, with the place in the input it refers to (file NULL/empty, line/column 0 = none). */
struct diag {
    enum diag_code code; /* DIAG_OK while nothing failed */
    char file[512];      /* input path, or "" */
    long line;           /* 1-based physical line, 0 = not applicable */
    long column;         /* 1-based column (field number), 0 = not applicable */
    char message[1024];  /* what is wrong, a sentence without the location */
};

/* Resets d to "no error". */
void diag_clear(struct diag *d);

/* Fills d (printf-style message) and returns code, so callers can `return diag_set(...)`. */
int diag_set(struct diag *d, enum diag_code code, const char *file, long line, long column,
             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Writes "file:line:column: message" (the parts present) into buf of size n. */
void diag_format(const struct diag *d, char *buf, size_t n);

#endif
