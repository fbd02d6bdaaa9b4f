/* init.c: the one bridge to GSL's error handling. GSL's default handler calls abort() on any
 * error (a singular matrix, an argument out of range, a failed allocation); with it off, every
 * GSL function reports through its return value instead (a status, NULL, or NaN for the cdf
 * functions), and each call site in src/ maps that to a defined result: a null value with a
 * reason, or a diag. Nothing here allocates; calling it more than once is harmless. */
#include <gsl/gsl_errno.h>

#include "outcomes/stats.h"

void stats_init(void)
{
    gsl_set_error_handler_off();
}
