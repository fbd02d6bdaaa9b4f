/* options.h: the command line and --config of every command, in one table (src/cli only). */
#ifndef OUTCOMES_CLI_OPTIONS_H
#define OUTCOMES_CLI_OPTIONS_H

#include <stdio.h>

#include <stddef.h>
#include <stdint.h>

#include "outcomes/diag.h"
#include "outcomes/ingest.h"
#include "outcomes/model.h"

enum command { CMD_REPORT = 1, CMD_CHECK = 2, CMD_VERIFY = 4, CMD_SAMPLE = 8 };

/* Every effective option after defaults, --config and the command line. Each field is the
 * destination of one row of the option table (options.c), once: the reading options are the
 * ingest_opts handed to ingest as they are (its strings owned here), the analysis options the
 * model_opts. */
struct cli_opts {
    enum command command;
    /* reading (report, check): delimiter, date_us, timezone, allow, as_of, threads; colmap and
     * the progress counter are the caller's */
    struct ingest_opts ingest;
    const char *columns; /* --columns FILE */
    int strict;
    int quiet;
    int timings; /* --timings: stage times on stderr */
    const char *config;
    /* analysis (report) */
    struct model_opts model;
    int have_min_baseline, have_remission_max;
    char period_label[32];   /* "2026-10", "2025-06..2026-03" or "all" */
    char endpoint_label[32]; /* a FROM:TO endpoint as normalised text */
    const char *title;       /* --title: the clinic's label on every page */
    int letter;              /* --paper letter */
    int each;                /* --each: 0 none, REPORT_EACH_SITE, REPORT_EACH_CLINICIAN */
    const char *benchmarks;  /* --benchmarks FILE, or NULL: the shipped benchmarks.csv */
    const char *target;      /* --target LIST as given (checked), or NULL */
    int km_min_at_risk;      /* --km-min-at-risk N: drawn curves stop below N at risk */
    /* sample */
    long patients;
    unsigned long seed;
    int months;
    const char *output; /* -o: report DIR, sample FILE (or PREFIX with --shape long) */
    int shape;          /* sample --shape: enum file_shape (SHAPE_WIDE by default) */
    /* positional */
    char **files;
    size_t nfiles;
    int help;
    int version;
    /* the exact command line (borrowed from main) */
    char **argv;
    int argc;
};

/* Every effective option of `report` as command-line words ("--period", "2026-10", ...): what
 * manifest.json records and `verify` reruns with. Returns 0 or -1 (out of memory); the caller
 * frees each word and the array. */
int cli_effective_options(const struct cli_opts *o, char ***words, size_t *n);

/* Parses argv (argv[0] the command word, as getopt_long wants it) with getopt_long: long
 * options and their unambiguous abbreviations, --name=value, -oDIR, clustered flags (-qo DIR),
 * "--" ending the options; options and files mix in any order (files kept in order). Then
 * --config. Fills o; returns 0, or DIAG_USAGE/DIAG_IO with d set. */
int cli_opts_parse(struct cli_opts *o, enum command cmd, int argc, char **argv, struct diag *d);
void cli_opts_fini(struct cli_opts *o);
/* Prints the --help text of a command to stdout. */
void cli_print_help(enum command cmd);
/* The option a command-line word names for cmd exactly ("--name" or "-x"; not "--name=value",
 * no abbreviation): its long name, with *has_arg 1 when it takes a value and *rerun_ok 0 when a
 * manifest must not hold it (it reads or writes other files: -o, --config, --help); NULL when
 * it is no option of cmd. */
const char *cli_option_name(const char *word, enum command cmd, int *has_arg, int *rerun_ok);
/* Fills ingest options from o (borrowing o's strings). */
void cli_ingest_opts(const struct cli_opts *o, const struct colmap *map, struct ingest_opts *io);

/* --help layout (help.c), within 79 columns: a paragraph wrapped from column 0; an option's
 * left part ("-o, --output PATH") from column 2 and its text from column 30, wrapped there
 * (the text on the next line when the left part is too wide). */
void cli_help_paragraph(FILE *f, const char *text);
void cli_help_option(FILE *f, const char *left, const char *text);

#endif
