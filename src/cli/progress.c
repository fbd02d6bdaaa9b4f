/* progress.c: a progress line on standard error while a long run reads and analyses, only when
 * standard error is a terminal and --quiet is not given (SPEC section 7). A thread redraws
 * "\r<stage>: 45% of 1083 MB, 230 MB/s" twice a second and clears the line when it stops; it
 * never writes to a file or a pipe, so outputs and logs stay clean. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *draw(void *arg)
{
    struct progress *p = arg;
    double start = seconds();
    struct timespec half = {0, 500000000L};
    for (int first = 1; !atomic_load(&p->stop); first = 0) {
        if (!first) /* the first line at once, then twice a second */
            nanosleep(&half, NULL);
        if (atomic_load(&p->stop))
            break;
        uint64_t done = atomic_load(&p->bytes);
        double el = seconds() - start;
        int stage = atomic_load(&p->stage);
        if (stage == 0 && done >= p->total)
            stage = 1; /* all read: the store is being sorted */
        if (stage == 0 && p->total)
            fprintf(stderr, "\r\033[Kreading: %3.0f%% of %.0f MB, %.0f MB/s",
                    100.0 * (double)done / (double)p->total, (double)p->total / 1e6,
                    el > 0 ? (double)done / 1e6 / el : 0.0);
        else
            fprintf(stderr, "\r\033[K%s (%.0f s)",
                    stage == 1   ? "sorting and checking duplicates"
                    : stage == 2 ? "analysing"
                                 : "writing the outputs",
                    el);
        fflush(stderr);
    }
    return NULL;
}

void progress_start(struct progress *p, int quiet, char *const *files, size_t nfiles)
{
    memset(p, 0, sizeof *p);
    atomic_init(&p->bytes, 0);
    atomic_init(&p->stage, 0);
    atomic_init(&p->stop, 0);
    if (quiet || !isatty(STDERR_FILENO))
        return;
    for (size_t i = 0; i < nfiles; i++) {
        struct stat st;
        if (stat(files[i], &st) == 0)
            p->total += (uint64_t)st.st_size;
    }
    p->running = pthread_create(&p->thread, NULL, draw, p) == 0;
}

void progress_stage(struct progress *p, int stage)
{
    atomic_store(&p->stage, stage);
}

void progress_stop(struct progress *p)
{
    if (!p->running)
        return;
    atomic_store(&p->stop, 1);
    pthread_join(p->thread, NULL);
    p->running = 0;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
}
