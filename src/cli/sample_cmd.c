/* sample_cmd.c: `outcomes sample`: writes a synthetic export (src/sample) to a file or stdout. */
#include <stdio.h>

#include "cli.h"

int cli_sample(const struct cli_opts *o)
{
    (void)o;
    struct diag d;
    diag_set(&d, DIAG_USAGE, NULL, 0, 0, "sample is not available yet");
    return cli_report_diag(&d, NULL);
}
