/* cli.h: the commands (src/cli only). Each returns the process exit code. */
#ifndef OUTCOMES_CLI_H
#define OUTCOMES_CLI_H

#include <stdio.h>

#include "options.h"
#include "progress.h"

/* Exit codes (README "Exit codes"). */
enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

/* Prints "outcomes: <diag>" to stderr (plus a --help hint for usage errors); returns the exit
 * code for d. */
int cli_report_diag(const struct diag *d, const char *command);

/* Prints s to f as text: invalid UTF-8 and control bytes escaped (text_escape), so that data
 * text (a header, a path, a value in a message) never reaches the terminal raw. */
void cli_print_text(FILE *f, const char *s);

/* Reads o's input files with o's reading options into res (zeroed first). The --columns
 * mapping goes to *map when map is not NULL (the caller releases it with ingest_colmap_fini,
 * also after a failure). Returns 0, or the exit code after printing the error. */
int cli_read_inputs(const struct cli_opts *o, struct ingest_result *res, const char *command,
                    struct progress *pg, struct colmap *map);

/* Prints, on stdout, a note for each input that had a header and no data row (the wrong
 * month's export, an empty query): "FILE: note: header only, no data rows ...". */
void cli_print_input_notes(const struct ingest_result *res);
/* Each input file's shape and counts, one line a file (check). */
void cli_print_file_counts(const struct ingest_result *res);
/* Prints one problem as file:line:column: message (a FHIR file's: file:line: path: message). */
void cli_print_problem(FILE *out, const struct ingest_result *res, const struct problem *p);

/* The last lines of every --help: where to report problems (OUTCOMES_BUG_REPORT, set at
 * build time). */
void cli_print_help_footer(FILE *f);

struct report_request;
struct report_outputs;
/* The report_request of o (borrowing o's strings): *dir, the output directory, and *words, the
 * options as the manifest records them, are allocated for it; the caller releases them with
 * cli_report_request_fini, also after a failure. Returns 0, or -1 when out of memory. */
int cli_report_request(const struct cli_opts *o, struct report_request *rq, char **dir,
                       char ***words, size_t *nwords);
void cli_report_request_fini(char *dir, char **words, size_t nwords);
/* Prints why report_run failed (the problems under --strict, the input notes when the analysis
 * failed); returns the exit code. */
int cli_report_failed(const struct cli_opts *o, const struct report_outputs *out,
                      const struct diag *d);

int cli_check(const struct cli_opts *o);
int cli_report(const struct cli_opts *o);
int cli_verify(const struct cli_opts *o);
int cli_sample(const struct cli_opts *o);

#endif
