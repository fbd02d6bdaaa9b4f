/* check.c: `outcomes check`: read and validate only. Prints every problem to stdout as
 * file:line:column: message (sorted by file and line), notes on files without data rows,
 * duplicates and same-day conflicts, each file's shape and counts, then one summary line. Exit 0 when every row is accepted, 1
 * when any row is rejected (rows set aside by --as-of are not errors), 3 when a file cannot be
 * read. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "outcomes/date.h"
#include "outcomes/ingest.h"

int cli_check(const struct cli_opts *o)
{
    struct ingest_result res;
    struct progress pg;
    progress_start(&pg, o->quiet, o->files, o->nfiles);
    int rc = cli_read_inputs(o, &res, "check", &pg, NULL);
    progress_stop(&pg);
    if (rc) {
        ingest_result_fini(&res);
        return rc;
    }
    if (o->timings)
        fprintf(stderr, "timings: read and validate %.3f s, sort and de-duplicate %.3f s\n",
                res.seconds_read, res.seconds_store);
    long errors = 0;
    for (size_t i = 0; i < res.problems.n; i++) {
        const struct problem *p = &res.problems.v[i];
        int aside = p->reason == REASON_AFTER_AS_OF || p->reason == REASON_STATUS;
        if (!aside && p->first)
            errors++;
        if (!o->quiet || !aside)
            cli_print_problem(stdout, &res, p);
    }
    if (!o->quiet) {
        cli_print_input_notes(&res);
        for (size_t i = 0; i < res.ndups; i++) {
            cli_print_text(stdout, res.files[res.dups[i].file].path);
            printf(":%u: note: exact duplicate of ", res.dups[i].line);
            cli_print_text(stdout, res.files[res.dups[i].orig_file].path);
            printf(":%u (counted once)\n", res.dups[i].orig_line);
        }
        for (size_t i = 0; i < res.nconflicts; i++) {
            char day[11];
            date_format(res.conflicts[i].date, day);
            cli_print_text(stdout, res.files[res.conflicts[i].file].path);
            printf(":%u: note: %s on %s disagrees with ", res.conflicts[i].line,
                   ingest_col_name((enum col)res.conflicts[i].col), day);
            cli_print_text(stdout, res.files[res.conflicts[i].other_file].path);
            printf(":%u (same patient and date): that day's %s is not used\n",
                   res.conflicts[i].other_line, ingest_col_name((enum col)res.conflicts[i].col));
        }
        cli_print_file_counts(&res);
        printf("%ld rows read: %ld accepted, %ld rejected, %ld duplicate", res.rows_read,
               res.rows_accepted, res.rows_rejected, res.rows_duplicate);
        if (res.rows_rejected) {
            const char *sep = " (";
            for (int r = 0; r < REASON_COUNT; r++) {
                if (!res.rejected_by_reason[r])
                    continue;
                printf("%s%s %ld", sep, ingest_reason_name(r), res.rejected_by_reason[r]);
                sep = ", ";
            }
            printf(")");
        }
        printf("; %ld patients; %ld conflicting same-day scores", res.patients,
               res.conflicting_same_day_scores);
        if (res.nunknown) {
            printf("; unknown columns ignored:");
            for (size_t i = 0; i < res.nunknown && i < 20; i++) {
                printf(" '");
                cli_print_text(stdout, res.unknown[i]);
                printf("'");
            }
            if (res.nunknown > 20)
                printf(" and %zu more", res.nunknown - 20);
        }
        printf("\n");
    }
    ingest_result_fini(&res);
    return errors ? EXIT_DATA : EXIT_OK;
}
