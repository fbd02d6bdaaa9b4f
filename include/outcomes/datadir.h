/* datadir.h: finding the data files shipped with the tool (data/benchmarks.csv in the source
 * tree, share/outcomes/benchmarks.csv when installed), from any working directory and without a
 * build path compiled into the binary.
 *
 * The places, in order (the first that holds the file wins):
 *   1. $OUTCOMES_DATADIR, when set and not empty; then it is the only place looked.
 *   2. <directory of the executable>/../share/outcomes: the installed layout
 *      (/usr/bin/outcomes -> /usr/share/outcomes), wherever the prefix was moved to.
 *   3. <directory of the executable>/data: the build tree (CMake copies data/ there).
 *   4. The install prefix's datadir compiled in (OUTCOMES_INSTALL_DATADIR, e.g.
 *      /usr/share/outcomes): for a system without /proc. An install path, not a build path.
 * The executable is found through /proc/self/exe (Linux). */
#ifndef OUTCOMES_DATADIR_H
#define OUTCOMES_DATADIR_H

#include "outcomes/diag.h"

/* The path of the shipped data file `name` (a plain file name, no '/'): 0 with *path set (the
 * caller frees it), or DIAG_IO with d naming every place looked. */
int datadir_find(const char *name, char **path, struct diag *d);

#endif
