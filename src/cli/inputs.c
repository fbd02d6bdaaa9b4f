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
    for (size_t f = 0; f < res->nfiles; f++)
        if (res->files[f].rows_read == 0) {
            cli_print_text(stdout, res->files[f].path); /* a path is data: escaped */
            printf(": note: header only, no data rows (is it the export you meant?)\n");
        }
}
