/* fuzz_report.c: libFuzzer target over the whole report path on small inputs: ingest (files,
 * chunks, de-duplication, conflicts), the model, results.json, episodes.csv, rejects.csv and,
 * for one input in eight, the PDF. The first byte picks options (instrument, endpoint,
 * suppression, threads). Checks the accounting identity. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcomes/ingest.h"
#include "outcomes/model.h"
#include "outcomes/render.h"
#include "outcomes/report.h"
#include "outcomes/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char path[64];

static void cleanup(void)
{
    if (path[0])
        unlink(path);
    render_shutdown(); /* fontconfig's caches, so that the leak check at exit is clean */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    stats_init();
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/outcomes-fuzz-%ld.csv", (long)getpid());
    }
    uint8_t opt = data[0];
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    struct ingest_opts io;
    memset(&io, 0, sizeof io);
    io.delimiter = ',';
    io.threads = 1 + (opt & 1);
    io.min_chunk = 64;
    const char *paths[] = {path};
    struct ingest_result in;
    struct analysis a;
    struct diag d;
    memset(&a, 0, sizeof a);
    if (ingest_run(paths, 1, &io, &in, &d) == 0) {
        if (in.rows_read != in.rows_accepted + in.rows_rejected + in.rows_duplicate)
            abort();
        struct model_opts mo;
        static const int instruments[] = {COL_PHQ9, COL_MADRS, COL_GAD7};
        model_opts_default(&mo, instruments[(opt >> 1) % 3]);
        if (opt & 8) {
            mo.endpoint_from = 1;
            mo.endpoint_to = 20;
            mo.endpoint_name = "1:20";
        }
        mo.suppress_below = (opt & 16) ? 3 : 0;
        if (model_run(&in, &mo, &a, &d) == 0) {
            size_t n;
            free(report_results_json(&in, &a, &n));
            char *part[2] = {NULL, NULL};
            size_t lens[2] = {0, 0};
            if (report_episodes_csv(&in, &a, 2, part, lens) == 0) {
                free(part[0]);
                free(part[1]);
            }
            free(report_rejects_csv(&in, &n));
            if ((opt & 0xE0) == 0) {
                char *pdf = NULL;
                struct pdf_opts po = {"Fuzz", 0, "2026-01-01T00:00:00Z", "all"};
                if (report_pdf(&in, &a, &po, &pdf, &n, &d) == 0)
                    free(pdf);
            }
        }
        model_fini(&a);
    }
    ingest_result_fini(&in);
    return 0;
}
