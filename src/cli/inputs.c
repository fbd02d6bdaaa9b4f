/* inputs.c: reading the input files named on a command line (shared by check and report). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_read_inputs(const struct cli_opts *o, struct ingest_result *res, const char *command,
                    struct progress *pg, struct colmap *map_out)
{
    struct colmap local = {0}, *map = map_out ? map_out : &local;
    struct ingest_opts io;
    struct diag d;
    int rc = 0;
    diag_clear(&d);
    memset(res, 0, sizeof *res);
    if (o->nfiles == 0) {
        diag_set(&d, DIAG_USAGE, NULL, 0, 0, "no input file given");
        return cli_report_diag(&d, command);
    }
    /* '-' is not standard input here: every input is hashed for the manifest and read again
     * by verify, which a stream read once cannot be (README "Input") */
    for (size_t i = 0; i < o->nfiles; i++)
        if (strcmp(o->files[i], "-") == 0) {
            diag_set(&d, DIAG_USAGE, NULL, 0, 0,
                     "'-' (standard input) is not read: every input must be a file, which the "
                     "manifest hashes and verify reads again; save the export to a file (a "
                     "file named '-' is ./-)");
            return cli_report_diag(&d, command);
        }
    memset(map, 0, sizeof *map);
    if (o->columns && ingest_colmap_load(o->columns, map, &d) != 0)
        return cli_report_diag(&d, command);
    cli_ingest_opts(o, o->columns ? map : NULL, &io);
    if (pg)
        io.bytes_done = &pg->bytes;
    if (ingest_run((const char *const *)o->files, o->nfiles, &io, res, &d) != 0)
        rc = cli_report_diag(&d, command);
    if (!map_out)
        ingest_colmap_fini(&local);
    return rc;
}

void cli_print_input_notes(const struct ingest_result *res)
{
    for (size_t f = 0; f < res->nfiles; f++) {
        const struct ingest_file *fl = &res->files[f];
        if (fl->shape == SHAPE_FHIR && fl->fhir.resources_skipped) {
            cli_print_text(stdout, fl->path); /* a path is data: escaped */
            printf(": note: FHIR resources skipped (not rows): %ld of another type, %ld "
                   "Observations without a LOINC code of the instrument table, %ld "
                   "administrations of another drug\n",
                   fl->fhir.skipped_other_type, fl->fhir.skipped_other_code,
                   fl->fhir.skipped_other_drug);
        }
        if (fl->rows_read == 0) {
            cli_print_text(stdout, fl->path);
            printf(fl->shape == SHAPE_FHIR
                       ? ": note: no Observation or MedicationAdministration to read (is it "
                         "the export you meant?)\n"
                       : ": note: header only, no data rows (is it the export you meant?)\n");
        }
    }
}

/* Each file's shape and its part of the accounting, one line a file:
 * "a.csv: wide, 7 rows read: 5 accepted, 1 rejected, 1 duplicate" (FHIR: "; N resources
 * skipped (not rows)" after it). */
void cli_print_file_counts(const struct ingest_result *res)
{
    for (size_t f = 0; f < res->nfiles; f++) {
        const struct ingest_file *fl = &res->files[f];
        cli_print_text(stdout, fl->path);
        printf(": %s, %ld rows read: %ld accepted, %ld rejected, %ld duplicate",
               ingest_shape_name(fl->shape), fl->rows_read, fl->rows_accepted, fl->rows_rejected,
               fl->rows_duplicate);
        if (fl->shape == SHAPE_FHIR)
            printf("; %ld resources skipped (not rows)", fl->fhir.resources_skipped);
        printf("\n");
    }
}

/* One problem as file:line:column: message (a FHIR problem without a column as
 * file:line: path: message); the path and the message are data, escaped. */
void cli_print_problem(FILE *out, const struct ingest_result *res, const struct problem *p)
{
    cli_print_text(out, res->files[p->file].path);
    if (res->files[p->file].shape == SHAPE_FHIR && p->column == 0)
        fprintf(out, ":%ld: ", p->line);
    else
        fprintf(out, ":%ld:%ld: ", p->line, p->column);
    cli_print_text(out, p->message);
    fputc('\n', out);
}
