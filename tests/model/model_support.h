/* model_support.h: the model tests' shared helpers (tests/model only): an export analysed from
 * text, and an episode found by patient id and number. */
#ifndef OUTCOMES_TESTS_MODEL_SUPPORT_H
#define OUTCOMES_TESTS_MODEL_SUPPORT_H

#include <string.h>
#include <unistd.h>

#include "outcomes/date.h"
#include "outcomes/model.h"
#include "outcomes/strtab.h"
#include "../support.h"

/* Reads csv (written to a temporary file) with the default reading options, cut at as_of_str
 * (YYYY-MM-DD) when given, into in, and runs the model with o into a; returns model_run's. */
static inline int analyse(const char *csv, const struct model_opts *o, const char *as_of_str,
                          struct ingest_result *in, struct analysis *a)
{
    char *path = write_temp(csv, strlen(csv));
    const char *paths[] = {path};
    struct ingest_opts io = default_opts();
    struct diag d;
    if (as_of_str) {
        io.have_as_of = 1;
        date_parse_iso(as_of_str, 10, &io.as_of);
    }
    assert_int_equal(ingest_run(paths, 1, &io, in, &d), 0);
    unlink(path);
    free(path);
    return model_run(in, o, a, &d);
}

/* The episode number of patient pid; fails the test when there is none. */
static inline const struct episode *find(const struct analysis *a, const struct ingest_result *in,
                                         const char *pid, int number)
{
    for (size_t i = 0; i < a->nepisodes; i++)
        if (strcmp(strtab_get(in->rows.patients, a->episodes[i].patient, NULL), pid) == 0 &&
            a->episodes[i].number == number)
            return &a->episodes[i];
    fail_msg("no episode %s #%d", pid, number);
    return NULL;
}

#endif
