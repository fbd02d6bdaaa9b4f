/* fuzz_ingest.c: libFuzzer target over the streaming reader and every value rule. The first
 * byte chooses the delimiter, the date style and the piece size the rest is fed in, so the
 * line-tracking across pieces is fuzzed too. Checks the accounting (every record read is an
 * accepted row or a rejected one) and that the plain-line fast path agrees with libcsv alone:
 * the same rows and the same problems, byte for byte. The same bytes go to the FHIR NDJSON
 * reader too (src/ingest/fhir.c), in the same pieces and whole: the same rows, problems and
 * skip counts either way, and its accounting (rows read = accepted + rejected). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "outcomes/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    stats_init(); /* GSL errors as values, never abort() */
    return 0;
}

struct outcome {
    int rc;
    char *rows, *probs;
};

static struct outcome read_input(const uint8_t *data, size_t size, const struct ingest_opts *o,
                                 size_t piece)
{
    struct outcome out = {0, NULL, NULL};
    struct rows rows;
    struct problem_list probs = {0};
    struct diag d;
    if (rows_init(&rows) != 0)
        abort();
    struct ingest_reader *r = ingest_reader_new(o, "fuzz.csv", 0, NULL, &rows, &probs);
    if (!r)
        abort();
    for (size_t off = 0; off < size && !out.rc; off += piece)
        out.rc = ingest_reader_feed(r, (const char *)data + off,
                                    size - off < piece ? size - off : piece, &d);
    if (!out.rc)
        out.rc = ingest_reader_finish(r, &d);
    if (!out.rc) {
        long rejected = 0;
        for (size_t i = 0; i < probs.n; i++)
            rejected += probs.v[i].first;
        if ((long)rows.n + rejected != ingest_reader_rows_read(r))
            abort(); /* a record was lost or counted twice */
        out.rows = rows_dump(&rows, 1);
        out.probs = problems_dump(&probs);
    }
    ingest_reader_free(r);
    rows_fini(&rows);
    problem_list_fini(&probs);
    return out;
}

static struct outcome read_fhir(const uint8_t *data, size_t size, size_t piece,
                                struct fhir_counts *counts)
{
    struct outcome out = {0, NULL, NULL};
    struct ingest_opts o;
    struct rows rows;
    struct problem_list probs = {0};
    struct diag d;
    memset(&o, 0, sizeof o);
    memset(counts, 0, sizeof *counts);
    if (rows_init(&rows) != 0)
        abort();
    struct fhir_reader *r = fhir_reader_new(&o, 0, &rows, &probs, counts);
    if (!r)
        abort();
    for (size_t off = 0; off < size && !out.rc; off += piece)
        out.rc = fhir_reader_feed(r, (const char *)data + off,
                                  size - off < piece ? size - off : piece, &d);
    if (!out.rc)
        out.rc = fhir_reader_finish(r, &d);
    if (!out.rc) {
        long rejected = 0;
        for (size_t i = 0; i < probs.n; i++)
            rejected += probs.v[i].first;
        if ((long)rows.n + rejected != fhir_reader_rows_read(r))
            abort(); /* a resource was lost or counted twice */
        out.rows = rows_dump(&rows, 1);
        out.probs = problems_dump(&probs);
    }
    fhir_reader_free(r);
    rows_fini(&rows);
    problem_list_fini(&probs);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char delims[3] = {',', ';', '\t'};
    struct ingest_opts o;
    memset(&o, 0, sizeof o);
    o.delimiter = delims[data[0] % 3];
    o.date_us = (data[0] >> 2) & 1;
    size_t piece = 1 + (size_t)(data[0] >> 3) * 7;
    data++;
    size--;
    struct outcome a = read_input(data, size, &o, piece);
    o.libcsv_only = 1;
    struct outcome b = read_input(data, size, &o, size ? size : 1);
    if (a.rc != b.rc || (!a.rc && (strcmp(a.rows, b.rows) != 0 || strcmp(a.probs, b.probs) != 0)))
        abort(); /* the plain-line path and libcsv disagree */
    free(a.rows);
    free(a.probs);
    free(b.rows);
    free(b.probs);
    struct fhir_counts ca, cb;
    a = read_fhir(data, size, piece, &ca);
    b = read_fhir(data, size, size ? size : 1, &cb);
    if (a.rc != b.rc || memcmp(&ca, &cb, sizeof ca) != 0 ||
        (!a.rc && (strcmp(a.rows, b.rows) != 0 || strcmp(a.probs, b.probs) != 0)))
        abort(); /* the FHIR reader depends on the piece size */
    free(a.rows);
    free(a.probs);
    free(b.rows);
    free(b.probs);
    return 0;
}
