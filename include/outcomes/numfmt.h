/* numfmt.h: numbers as text for output files: the shortest decimal form that reads back as the
 * same double (so outputs are exact and as short as R's own printing of them). */
#ifndef OUTCOMES_NUMFMT_H
#define OUTCOMES_NUMFMT_H

#include <stddef.h>

/* Writes v into buf (at least 32 bytes): the fewest significant digits (1-17, "%.*g") that
 * strtod reads back to v exactly; -0 is written as 0. NaN and infinities are written as "". */
void numfmt_shortest(double v, char *buf, size_t n);

/* Rewrites every JSON number in text (outside strings) that has a fraction or an exponent to
 * its shortest form, in place (the text only shrinks). */
void numfmt_json_shorten(char *text);

#endif
