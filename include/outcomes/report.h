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

/* results.json: every number of the report. */
char *report_results_json(const struct ingest_result *in, const struct analysis *a,
                          size_t *len);
/* episodes.csv: one row per cohort episode, the audit trail of every derivation, in two parts
 * that laid end to end are the file (part[1] NULL when empty); threads > 1: the parts are made
 * on two threads. On entry part[k] may be a malloc'd buffer of len[k] bytes to fill first (it is
 * taken over), or NULL. Returns 0, or -1 when out of memory. */
int report_episodes_csv(const struct ingest_result *in, const struct analysis *a, int threads,
                        char *part[2], size_t len[2]);
/* review.csv: patient_id,episode,date,file,line,flag,value for every flagged session or
 * episode (SPEC 13), in the analysis's order (patient, date, flag). */
char *report_review_csv(const struct ingest_result *in, const struct analysis *a, size_t *len);
/* rejects.csv: file,line,column,value,reason for every rejected or set-aside row. */
char *report_rejects_csv(const struct ingest_result *in, size_t *len);

/* What the PDF shows besides the analysis. */
struct pdf_opts {
    const char *title;     /* the clinic's label (--title) */
    int letter;            /* 1: US Letter, else A4 (landscape either way) */
    const char *date_iso;  /* creation and modification date, "YYYY-MM-DDTHH:MM:SSZ" */
    const char *period;    /* the period as given ("2026-10", "all") */
};

/* report.pdf, the quality-review report (SPEC section 6), into a malloc'd buffer. Returns 0 or
 * a diag code (a missing font, a cairo failure). */
int report_pdf(const struct ingest_result *in, const struct analysis *a,
               const struct pdf_opts *o, char **out, size_t *len, struct diag *d);
/* report.pdf's pages, from its page table (src/report/pages/table.c): how many, and page i's
 * heading (0-based; NULL for the summary page, whose heading is the report's --title). */
size_t report_page_count(void);
const char *report_page_title(size_t i);

/* What manifest.json records (SPEC section 5). Borrowed strings. */
struct manifest_file {
    const char *path;      /* input path as given, or output file name */
    uint64_t size;
    long rows;             /* inputs: data rows read; outputs: -1 */
    const char *shape;     /* inputs: "wide", "long" or "fhir" (ingest_shape_name); else NULL */
    char sha256[65];
};

struct manifest {
    const char *const *argv;        /* the exact command line */
    size_t argc;
    const char *const *options;     /* every effective option as command-line words */
    size_t noptions;
    const char *source_date_epoch;  /* SOURCE_DATE_EPOCH as set, or NULL */
    const char *as_of;              /* the data cut used */
    struct manifest_file *inputs, *outputs;
    size_t ninputs, noutputs;
    struct manifest_file columns;   /* the --columns file (path NULL when none) */
};

/* manifest.json. */
char *report_manifest_json(const struct manifest *m, size_t *len);

/* One output file in memory. */
struct out_file {
    const char *name;  /* file name inside the directory */
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
int report_write_files(const char *dir, const struct out_file *files, size_t n,
                       struct diag *d);

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
int report_out_write(const char *name, const char *const *parts, const size_t *lens,
                     size_t nparts, struct diag *d);
int report_out_commit(struct diag *d);
void report_out_abort(void);

/* "YYYY-MM" of a month index (year * 12 + month - 1) into buf (at least 8 bytes). */
void report_month_label(int month, char *buf);

#endif
