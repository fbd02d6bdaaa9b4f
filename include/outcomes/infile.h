/* infile.h: opening the files a run reads (inputs, --config, --columns), so that nothing can
 * make it wait forever: a FIFO without a writer does not block the open, and only regular files
 * are read (a device, a FIFO, a socket or a directory is refused with a message that says so).
 * README "Input" states why: every input is hashed for the manifest and read again by verify,
 * which an endless or one-shot stream cannot be. */
#ifndef OUTCOMES_INFILE_H
#define OUTCOMES_INFILE_H

#include <stddef.h>
#include <stdint.h>

#include "outcomes/diag.h"

/* What a caller calls its file in messages. */
struct infile_words {
    const char *cannot; /* prefix of an open failure: "cannot open" -> "cannot open: <errno>" */
    const char *noun;   /* "a CSV file" -> "is a directory, not a CSV file" */
    const char *why;    /* why a regular file: "is not a regular file (a FIFO or pipe): <why>" */
};

/* Opens path read-only. 0 with *fd (the caller closes it) and *size set; else DIAG_IO with d
 * set and nothing left open. */
int infile_open(const char *path, const struct infile_words *w, int *fd, uint64_t *size,
                struct diag *d);

/* Reads a small regular file whole into *buf (NUL-terminated, the caller frees it), checking
 * that it holds at most max bytes and no line longer than max_line bytes (the line end not
 * counted): an over-long line is DIAG_USAGE naming its line. */
int infile_read_small(const char *path, const struct infile_words *w, size_t max, size_t max_line,
                      char **buf, size_t *len, struct diag *d);

/* Hands the lines of a buffer read by infile_read_small to inih's ini_parse_stream one whole
 * line at a time (a CR before the LF dropped), counting them: line is the number of the line
 * inih's handler is called for (Debian's inih passes the handler no line number). */
struct infile_lines {
    const char *p, *end;
    long line;
};
char *infile_lines_gets(char *str, int num, void *stream);

#endif
