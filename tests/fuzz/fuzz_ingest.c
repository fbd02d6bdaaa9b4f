/* fuzz_ingest.c: libFuzzer target over the streaming reader and every value rule. The first
 * byte chooses the delimiter, the date style and the piece size the rest is fed in, so the
 * line-tracking across pieces is fuzzed too. Checks the accounting: every record read is an
 * accepted row or a rejected one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    struct rows rows;
    struct problem_list probs = {0};
    struct diag d;
    if (rows_init(&rows) != 0)
        return 0;
    struct ingest_reader *r = ingest_reader_new(&o, "fuzz.csv", 0, NULL, &rows, &probs);
    int rc = 0;
    for (size_t off = 0; off < size && !rc; off += piece)
        rc = ingest_reader_feed(r, (const char *)data + off, size - off < piece ? size - off : piece,
                                &d);
    if (!rc)
        rc = ingest_reader_finish(r, &d);
    if (!rc) {
        long rejected = 0;
        for (size_t i = 0; i < probs.n; i++)
            rejected += probs.v[i].first;
        if ((long)rows.n + rejected != ingest_reader_rows_read(r))
            abort(); /* a record was lost or counted twice */
    }
    ingest_reader_free(r);
    rows_fini(&rows);
    problem_list_fini(&probs);
    return 0;
}
