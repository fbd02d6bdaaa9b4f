/* infile.c: see infile.h. O_NONBLOCK on the open is what keeps a FIFO without a writer from
 * blocking; for the regular files that pass, it changes nothing. */
#include "outcomes/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO or pipe";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a file";
}

int infile_open(const char *path, const struct infile_words *w, int *fd, uint64_t *size,
                struct diag *d)
{
    struct stat st;
    int f;
    if (strcmp(path, "-") == 0) /* never standard input (infile.h); a file named so is ./- */
        return diag_set(d, DIAG_USAGE, path, 0, 0,
                        "'-' (standard input) is not read: give %s by its name (a file named "
                        "'-' is ./-)",
                        w->noun);
    do
        f = open(path, O_RDONLY | O_NONBLOCK);
    while (f < 0 && errno == EINTR);
    if (f < 0)
        return diag_set(d, DIAG_IO, path, 0, 0, "%s: %s", w->cannot, strerror(errno));
    if (fstat(f, &st) != 0) {
        int e = errno;
        close(f);
        return diag_set(d, DIAG_IO, path, 0, 0, "%s: %s", w->cannot, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(f);
        return diag_set(d, DIAG_IO, path, 0, 0, "is a directory, not %s", w->noun);
    }
    if (!S_ISREG(st.st_mode)) {
        close(f);
        return diag_set(d, DIAG_IO, path, 0, 0, "is not a regular file (%s): %s", kind(st.st_mode),
                        w->why);
    }
    *fd = f;
    *size = (uint64_t)st.st_size;
    return 0;
}

int infile_read_small(const char *path, const struct infile_words *w, size_t max, size_t max_line,
                      char **buf, size_t *len, struct diag *d)
{
    int fd;
    uint64_t size;
    *buf = NULL;
    *len = 0;
    int rc = infile_open(path, w, &fd, &size, d);
    if (rc)
        return rc;
    if (size > max) {
        close(fd);
        return diag_set(d, DIAG_USAGE, path, 0, 0, "%llu bytes: larger than %zu bytes, not %s",
                        (unsigned long long)size, max, w->noun);
    }
    char *b = malloc(max + 2);
    if (!b) {
        close(fd);
        return diag_set(d, DIAG_IO, path, 0, 0, "out of memory");
    }
    size_t n = 0;
    for (;;) { /* to the end, not to the size: a file that grew is seen whole (or too big) */
        ssize_t got = read(fd, b + n, max + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(b);
            close(fd);
            return diag_set(d, DIAG_IO, path, 0, 0, "%s: %s", w->cannot, strerror(e));
        }
        if (got == 0 || (n += (size_t)got) > max)
            break;
    }
    close(fd);
    if (n > max) {
        free(b);
        return diag_set(d, DIAG_USAGE, path, 0, 0, "larger than %zu bytes, not %s", max, w->noun);
    }
    b[n] = '\0';
    long line = 1;
    for (size_t i = 0, start = 0; i <= n; i++) {
        if (i < n && b[i] != '\n')
            continue;
        size_t l = i - start;
        if (l && b[start + l - 1] == '\r')
            l--;
        if (l > max_line) {
            free(b);
            return diag_set(d, DIAG_USAGE, path, line, 0, "line of %zu bytes: at most %zu allowed",
                            l, max_line);
        }
        if (memchr(b + start, '\0', l)) {
            free(b);
            return diag_set(d, DIAG_USAGE, path, line, 0, "a NUL byte in the line");
        }
        line++;
        start = i + 1;
    }
    *buf = b;
    *len = n;
    return 0;
}

char *infile_lines_gets(char *str, int num, void *stream)
{
    struct infile_lines *ls = stream;
    if (ls->p >= ls->end || num < 2)
        return NULL;
    const char *nl = memchr(ls->p, '\n', (size_t)(ls->end - ls->p));
    const char *e = nl ? nl : ls->end, *next = nl ? nl + 1 : ls->end;
    if (e > ls->p && e[-1] == '\r')
        e--;
    size_t l = (size_t)(e - ls->p);
    if (l > (size_t)num - 2) /* infile_read_small checked the lines: not reached */
        l = (size_t)num - 2;
    memcpy(str, ls->p, l);
    str[l] = '\n';
    str[l + 1] = '\0';
    ls->p = next;
    ls->line++;
    return str;
}
