/* progress.h: the progress line of long runs (src/cli only). */
#ifndef OUTCOMES_CLI_PROGRESS_H
#define OUTCOMES_CLI_PROGRESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct progress {
    _Atomic uint64_t bytes; /* input bytes read (the readers advance it) */
    _Atomic int stage;      /* 0 reading, 1 sorting, 2 analysing, 3 writing */
    _Atomic int stop;
    uint64_t total; /* input bytes in all */
    pthread_t thread;
    int running;
};

/* Starts drawing when stderr is a terminal and not quiet; otherwise does nothing. */
void progress_start(struct progress *p, int quiet, char *const *files, size_t nfiles);
void progress_stage(struct progress *p, int stage);
/* Stops drawing and clears the line; progress_stop on a silent one does nothing. */
void progress_stop(struct progress *p);

#endif
