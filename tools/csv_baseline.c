/* csv_baseline.c: the speed of libcsv alone on a file: no-op callbacks, fed one physical line at
 * a time as outcomes feeds it. scripts/bench prints it beside outcomes' own figures, so that a
 * slow or busy machine is told apart from a slow program. Not part of the product. */
#include <csv.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long fields, records;

static void on_field(void *s, size_t n, void *d)
{
    (void)s;
    (void)n;
    (void)d;
    fields++;
}

static void on_row(int c, void *d)
{
    (void)c;
    (void)d;
    records++;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: csv_baseline FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    size_t cap = 4u << 20;
    char *buf = malloc(cap);
    struct csv_parser p;
    if (fd < 0 || !buf || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fprintf(stderr, "csv_baseline: cannot read %s\n", argv[1]);
        return 3;
    }
    ssize_t got;
    while ((got = read(fd, buf, cap)) > 0) {
        char *b = buf;
        size_t len = (size_t)got;
        while (len) {
            char *nl = memchr(b, '\n', len);
            size_t k = nl ? (size_t)(nl - b) + 1 : len;
            if (csv_parse(&p, b, k, on_field, on_row, NULL) != k) {
                csv_free(&p); /* a parse error: start again at the next line */
                csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
            }
            b += k;
            len -= k;
        }
    }
    csv_fini(&p, on_field, on_row, NULL);
    csv_free(&p);
    close(fd);
    free(buf);
    printf("%ld records, %ld fields\n", records, fields);
    return 0;
}
