/* benchmarks.h: published response and remission rates (benchmarks.csv, shipped with the tool)
 * and the clinic's own targets (--target), set beside the clinic's rates on the summary page
 * (SPEC section 10).
 *
 * Ownership: the readers append to a struct benchmark_list released with benchmarks_fini
 * (which accepts a zeroed list); every string in it is owned by the list. */
#ifndef OUTCOMES_BENCHMARKS_H
#define OUTCOMES_BENCHMARKS_H

#include <stddef.h>
#include <stdint.h>

#include "outcomes/diag.h"

enum bm_measure { BM_RESPONSE, BM_REMISSION };
enum bm_population { BM_COMPLETE_CASE, BM_MISSING_AS_NOT_MET };

struct benchmark {
    char *id, *citation, *window; /* window: the publication's timing, as text */
    int instrument;               /* enum col of an instrument; -1: a target (any) */
    int measure, population;      /* enum bm_measure, enum bm_population */
    double rate;                  /* 0..1 */
    long n;                       /* the publication's n; -1 for a target or when empty */
    int target;                   /* 1: from --target */
};

struct benchmark_list {
    struct benchmark *v;
    size_t n;
    /* the file benchmarks_read parsed: its size and the SHA-256 of those bytes (for the
     * manifest); sha256 "" before a file is read */
    uint64_t size;
    char sha256[65];
};

void benchmarks_fini(struct benchmark_list *b);
const char *benchmarks_measure_name(int m);    /* "response", "remission" */
const char *benchmarks_population_name(int p); /* "complete_case", "missing_as_not_met" */

/* The columns of benchmarks.csv, in the order the shipped file has them (any order is read). */
#define BENCHMARKS_HEADER "id,citation,instrument,measure,population,window,rate,n"

/* Reads a benchmarks CSV (RFC 4180 with libcsv; a header naming the columns of
 * BENCHMARKS_HEADER in any order, case-insensitively; blank lines skipped) and appends its
 * rows to *out. Every field is checked as an export's are: id 1-64 of [A-Za-z0-9._-],
 * citation and window text of at most 1000 characters, instrument one of the instrument
 * columns (phq9, madrs, ...), measure response|remission, population
 * complete_case|missing_as_not_met, rate a decimal 0-1, n empty or a whole number >= 1.
 * The first problem stops the read: DIAG_DATA (DIAG_IO when the file cannot be read) with d
 * holding file:line:column (line of the record's start, column the field's number) and what is
 * wrong. Returns 0 or that code; on failure *out is as it was. On success out->size and
 * out->sha256 are those of the bytes parsed. */
int benchmarks_read(const char *path, struct benchmark_list *out, struct diag *d);

/* Parses --target "response=0.5,remission=0.3" (each measure at most once, a rate 0-1, as a
 * decimal or a percentage "50%") and appends one target per measure: instrument -1 (whatever
 * the report's), population missing_as_not_met (the clinic's headline rate). Returns 0 or
 * DIAG_USAGE with d naming the option (where) and the problem; on failure *out is as it was. */
int benchmarks_parse_target(const char *spec, const char *where, struct benchmark_list *out,
                            struct diag *d);

#endif
