/* report.h: the files of an output directory (SPEC section 5), written from an ingest result
 * and an analysis. Every writer returns its bytes in memory (the caller writes them atomically),
 * so that a failed run leaves nothing behind and every output can be hashed.
 *
 * Ownership: each function returns a malloc'd buffer the caller frees, or NULL when out of
 * memory. */
#ifndef OUTCOMES_REPORT_H
#define OUTCOMES_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "outcomes/ingest.h"
#include "outcomes/model.h"

/* What the writers read of an ingest: everything but the row columns, which are freed while
 * the outputs are made (rows_release_columns), so that no writer can read them. The string
 * tables stay (episodes.csv's ids and labels). Borrowed from the ingest_result it was made of. */
struct report_input {
    const struct ingest_file *files;
    size_t nfiles;
    char *const *unknown; /* unknown header names (first-seen order over files) */
    size_t nunknown;
    struct problem_list problems; /* (a shallow copy) every problem, by file, line, column */
    const struct strtab *patient_ids, *text; /* the rows' string tables */
    int32_t as_of;
    int have_as_of;
    long rows_read, rows_accepted, rows_rejected, rows_duplicate;
    long rejected_by_reason[REASON_COUNT];
    long conflicting_same_day_scores;
    long conflicts_by_col[N_CONFLICT_COLS];
    long patients;
    /* a --each sub-report (SPEC section 14): "site" or "clinician", the value, its directory
     * ("site/NAME"); NULL for the network's report */
    const char *each_by, *each_value, *each_dir;
    /* the review rows' dates, files and lines: the store's line, file and date columns, kept
     * past the others for review.csv (report_run; NULL when review.csv is not written): read
     * them with rows_date, rows_file */
    const struct rows *prov;
};
/* The report_input of in (its strings and tables borrowed). */
void report_input_of(const struct ingest_result *in, struct report_input *out);

/* results.json: every number of the report. */
char *report_results_json(const struct report_input *in, const struct analysis *a, size_t *len);
/* episodes.csv: one row per cohort episode, the audit trail of every derivation, in two parts
 * that laid end to end are the file (part[1] NULL when empty); threads > 1: the parts are made
 * on two threads. On entry part[k] may be a malloc'd buffer of len[k] bytes to fill first (it is
 * taken over), or NULL. Returns 0, or -1 when out of memory. */
int report_episodes_csv(const struct report_input *in, const struct analysis *a, int threads,
                        char *part[2], size_t len[2]);
/* rejects.csv: file,line,column,value,reason for every rejected or set-aside row. */
char *report_rejects_csv(const struct report_input *in, size_t *len);

/* What the PDF shows besides the analysis. */
struct render_content;
struct pdf_opts {
    const char *title;              /* the clinic's label (--title) */
    int letter;                     /* 1: US Letter, else A4 (landscape either way) */
    const char *date_iso;           /* creation and modification date, "YYYY-MM-DDTHH:MM:SSZ" */
    const char *period;             /* the period as given ("2026-10", "all") */
    int km_min_at_risk;             /* drawn Kaplan-Meier curves stop where fewer remain at risk */
    struct render_content *content; /* when not NULL: each page's content hash (render.h) */
};

/* report.pdf, the quality-review report (SPEC section 6), into a malloc'd buffer. Returns 0 or
 * a diag code (a missing font, a cairo failure). */
int report_pdf(const struct report_input *in, const struct analysis *a, const struct pdf_opts *o,
               char **out, size_t *len, struct diag *d);
/* report.pdf's pages, from its page table (src/report/pages/table.c): how many, and page i's
 * heading (0-based; NULL for the summary page, whose heading is the report's --title). */
size_t report_page_count(void);
const char *report_page_title(size_t i);

/* What manifest.json records (SPEC section 5). Borrowed strings. */
struct manifest_file {
    const char *path; /* input path as given, or output file name */
    uint64_t size;
    long rows;         /* inputs: data rows read; outputs: -1 */
    const char *shape; /* inputs: "wide", "long" or "fhir" (ingest_shape_name); else NULL */
    char sha256[65];
};

struct manifest {
    const char *const *argv; /* the exact command line */
    size_t argc;
    const char *const *options; /* every effective option as command-line words */
    size_t noptions;
    const char *source_date_epoch; /* SOURCE_DATE_EPOCH as set, or NULL */
    const char *as_of;             /* the data cut used */
    struct manifest_file *inputs, *outputs;
    size_t ninputs, noutputs;
    struct manifest_file columns; /* the --columns file (path NULL when none) */
    /* the benchmarks file read: --benchmarks FILE (path), or the one shipped with the tool
     * (path NULL: its place depends on the install, so it is not recorded) */
    struct manifest_file benchmarks;
    /* a --each run: "site" or "clinician" (NULL: none); for a sub-report's manifest also the
     * value and its directory ("site/NAME"), NULL in the network's */
    const char *each_by, *each_value, *each_dir;
    const char (*pdf_pages)[65]; /* report.pdf's content hash per page (render.h) */
    size_t npdf_pages;
    const char *font_file; /* the font drawn with, and its SHA-256 ("" when none) */
    const char *font_sha256;
};

/* manifest.json. */
char *report_manifest_json(const struct manifest *m, size_t *len);

/* One output file in memory. */
struct out_file {
    const char *name; /* file name inside the directory */
    const char *data;
    size_t len;
};

/* The names of the files a report directory holds (SPEC section 5): the only names the
 * writer below accepts and the only ones verify looks for or removes. */
extern const char *const report_output_names[];
extern const size_t report_noutput_names;
/* 1 when name is one of report_output_names. */
int report_output_name_known(const char *name);

/* Writes dir as one step (README "Outputs"): its parents are made when missing, every file is
 * written into a new directory beside dir, and that directory then takes dir's place in one
 * rename; the old set is removed after. On any failure nothing of dir changes and the
 * directories made are removed. dir must be new or hold only files of report_output_names
 * (else DIAG_IO, nothing written). Returns 0 or DIAG_IO. */
int report_write_files(const char *dir, const struct out_file *files, size_t n, struct diag *d);

/* The same in steps, so that a large file can be written while other outputs are still being
 * made (one directory at a time per process). begin: makes the parents, takes the lock beside
 * dir (when another run holds it, calls waiting(lock path, arg) and waits; waiting NULL: fails
 * instead), removes what earlier crashes left, checks dir, makes the staging directory; a
 * signal (SIGINT, SIGTERM, SIGHUP) from now on undoes all of it. write: one file from its parts
 * laid end to end (8 MiB or more with direct I/O where the file system allows it); name must be
 * one of report_output_names. commit: the swap (a signal during it acts after it), then the old
 * set removed and the lock released. abort: everything begin and write made is removed. All
 * return 0 or DIAG_IO. */
int report_out_begin(const char *dir, void (*waiting)(const char *lock, void *arg), void *arg,
                     struct diag *d);
int report_out_write(const char *name, const char *const *parts, const size_t *lens, size_t nparts,
                     struct diag *d);
/* The same for a file made in pieces while it is written (review.csv: never held whole):
 * next(arg, &p, &n) gives the next piece (1), says the end (0) or fails (-1: out of memory).
 * sha and *size receive the digest and the length of what was written. */
int report_out_write_stream(const char *name, int (*next)(void *arg, const char **p, size_t *n),
                            void *arg, char sha[65], uint64_t *size, struct diag *d);
int report_out_commit(struct diag *d);
void report_out_abort(void);
/* A --each run's sub-directory of the staging directory (SPEC section 14): "site" or
 * "clinician", then "site/NAME" (NAME a report_safe_name), made in that order; a file
 * "site/NAME/FILE" (FILE one of report_output_names but index.json) may then be written. Undone
 * with the rest. Returns 0 or DIAG_IO. */
int report_out_subdir(const char *rel, struct diag *d);
/* 1 when rel is "site/NAME" or "clinician/NAME" with NAME a safe name. */
int report_each_dir_ok(const char *rel);
/* 1 when name is an output a run writes: one of report_output_names, or "site/NAME/FILE"
 * (report_each_dir_ok, FILE one of the names but index.json). */
int report_output_path_ok(const char *name);

/* --- the whole run ------------------------------------------------------------------------ */

#define REPORT_EACH_SITE 1
#define REPORT_EACH_CLINICIAN 2

/* What a run is asked to do: plain data (the command line is the CLI's; src/report never reads
 * it). Every string borrowed. */
struct report_request {
    const char *const *files; /* the input files, in order */
    size_t nfiles;
    struct ingest_opts ingest;     /* reading options (colmap and threads: see below) */
    const char *columns;           /* --columns FILE or NULL: loaded here into ingest.colmap, and
                                     its digest recorded in the manifest */
    struct model_opts model;       /* analysis options (threads: see below) */
    int threads;                   /* worker threads, for every stage (>= 1) */
    int strict;                    /* 1: fail (DIAG_DATA) when any row is rejected */
    const char *title;             /* on every page ("Quality review" when NULL) */
    int letter;                    /* US Letter, else A4 */
    int each;                      /* 0, or REPORT_EACH_SITE / REPORT_EACH_CLINICIAN: a report per
                                     value besides the network's (SPEC section 14) */
    const char *benchmarks;        /* --benchmarks FILE, or NULL: the shipped benchmarks.csv
                                     (outcomes/datadir.h); read here into model.benchmarks */
    const char *target;            /* --target LIST (benchmarks_parse_target), or NULL */
    int km_min_at_risk;            /* drawn Kaplan-Meier curves stop below this at risk
                                     (<= 0: 10) */
    const char *period_label;      /* the period as given ("2026-10", "all") */
    const char *dir;               /* the output directory */
    const char *source_date_epoch; /* SOURCE_DATE_EPOCH as set, or NULL: the PDF's dates */
    /* manifest.json: the exact command line and every effective option as words */
    const char *const *argv;
    size_t argc;
    const char *const *options;
    size_t noptions;
    /* callbacks (each may be NULL), all given arg */
    void (*stage)(int stage, void *arg); /* 2 analysing, 3 formatting, 4 writing the files */
    void (*waiting)(const char *lock, void *arg); /* another run holds dir's lock: waiting */
    void (*after_read)(void *arg);                /* tests: between the reading and the hashing
                                                (the inputs are then hashed after the read) */
    void *arg;
};

/* Where a run stopped (report_outputs.stage), for the caller's message. */
enum report_stage {
    REPORT_READ = 1, /* reading the inputs (a usage error there is the command line's) */
    REPORT_STRICT,   /* --strict and rows were rejected (outputs.in lists the problems) */
    REPORT_MODEL,    /* the analysis */
    REPORT_WRITE,    /* making, hashing or writing the outputs */
    REPORT_DONE,     /* the directory is written */
};

/* What a run tells its caller. in: the ingest result with its row columns freed (files,
 * problems, counts: what messages need); released by report_outputs_fini. */
struct report_outputs {
    enum report_stage stage;
    struct ingest_result in;
    long errors;           /* rows rejected but for the as-of date and status */
    int no_primary;        /* no accepted row scores the primary instrument */
    long eligible, mature; /* episodes */
    /* stage times in seconds, for --timings (never written to a file) */
    double read, store, episodes, statistics, format_episodes, write_episodes, json_pdf, write_rest,
        hashed_at, waited, total;
    /* --each: the sub-reports' analyses (within statistics) and the wait for their files after
     * the network's outputs (within write_rest) */
    double each_analyses, each_files;
};

/* The whole run: reads and hashes the inputs (the digests are of the bytes analysed), runs the
 * model, formats every output (episodes.csv into the row memory it no longer needs, the row
 * columns freed meanwhile), writes the manifest and commits the directory as one step. Returns
 * 0, or a diag code with d set (out->stage says where; nothing of dir changed). out is filled
 * either way; the caller releases it with report_outputs_fini. */
int report_run(const struct report_request *rq, struct report_outputs *out, struct diag *d);
void report_outputs_fini(struct report_outputs *out);

/* The directory name of the report of one site or clinician value (SPEC section 14), made from
 * value[0..n) into out (REPORT_SAFE_NAME_MAX + 1 bytes): the bytes A-Z a-z 0-9 _ - kept, '.'
 * kept but as the first byte, every other byte written %XX (upper-case hex; '%' itself too),
 * so that distinct values give distinct names (the form decodes back to the bytes), and no
 * name is empty, ".", "..", hidden or holds a '/'. A form longer than REPORT_SAFE_NAME_MAX is
 * cut to its first REPORT_SAFE_NAME_SHORT bytes (at a byte's form) followed by '~' and the first
 * 32 hex digits of the value's SHA-256 ('~' never appears in the plain form). Returns the
 * name's length. */
#define REPORT_SAFE_NAME_MAX 200
#define REPORT_SAFE_NAME_SHORT 160
size_t report_safe_name(const char *value, size_t n, char *out);

/* "YYYY-MM" of a month index (year * 12 + month - 1) into buf (at least 8 bytes). */
void report_month_label(int month, char *buf);

#endif
