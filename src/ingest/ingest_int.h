/* ingest_int.h: internals shared by the files of src/ingest (not used outside it). */
#ifndef OUTCOMES_INGEST_INT_H
#define OUTCOMES_INGEST_INT_H

#include "outcomes/ingest.h"

#include <stdint.h>

#define TEXT_MAX_CHARS 64      /* site, clinician, concurrent_therapy */
#define ADVERSE_MAX_CHARS 1024 /* adverse_events */
#define VALUE_KEEP_BYTES 256   /* bytes of an offending value kept in a problem */

/* Trims blanks (space, tab, CR, LF) from both ends of s[0..*n). */
void ingest_trim(const char **s, size_t *n);

/* Builds s->field_col/col_field from s->names; fails on identifier, duplicate or missing
 * required columns (line = the header's line). */
int ingest_schema_build(struct schema *s, const struct ingest_opts *opts, const char *path,
                        long header_line, struct diag *d);
int ingest_schema_copy(struct schema *dst, const struct schema *src);

/* Range and description of an integer column. */
struct int_range {
    int lo, hi;
};
struct int_range ingest_int_range(int col);

/* Checks UTF-8 and control characters (TAB, LF and CR are allowed: text values may span lines);
 * returns the number of characters, or -1 (and the byte
 * offset of the first bad byte in *bad) when invalid. */
long ingest_utf8_chars(const char *s, size_t n, size_t *bad);

/* Appends a problem (copies value and message). Returns 0 or -1 when out of memory. */
int problem_list_add(struct problem_list *l, uint32_t file, long line, long column, int col,
                     int reason, int first, const char *value, size_t nvalue, const char *message);

/* Appends one row; fields are the staged values. Returns 0 or -1 when out of memory. */
struct row_stage {
    const char *patient;
    size_t npatient;
    int32_t date;
    int type; /* -1 = not given */
    int route, drug;
    const char *site;
    size_t nsite;
    const char *clinician;
    size_t nclinician;
    const char *therapy;
    size_t ntherapy;
    const char *adverse;
    size_t nadverse;
    double dose_mg, weight_kg;
    uint32_t dose_q, weight_q; /* the same as decimals (ROWS_DEC_ABSENT, ROWS_DEC_NOPACK) */
    int16_t score[N_INT_COLS];
    uint32_t file, line;
};
int rows_push(struct rows *rows, const struct row_stage *st);
/* Allocates every column for cap rows (keeps n). */
int rows_reserve(struct rows *rows, size_t cap);
/* Makes window's columns (those a reader stores) the rows [from, from + cap) of store's, so
 * that a reader fills its part of the final store in place; window keeps its own string tables.
 * The window never grows: cap must bound the records its reader can receive. */
void rows_borrow(struct rows *window, const struct rows *store, size_t from, size_t cap);

/* The wide (4-byte) column of text column c (enum text_col). */
static inline uint32_t **rows_text_wide(struct rows *r, int c)
{
    return c == TEXT_SITE        ? &r->site
           : c == TEXT_CLINICIAN ? &r->clinician
           : c == TEXT_THERAPY   ? &r->therapy
                                 : &r->adverse;
}

/* Applies fn(FIELD, TYPE) to every column a reader's chunk stores (type/route/drug, the text
 * ids, dose and weight in the form rows R reads them in: narrow_read, narrow_text). */
#define FOR_EACH_READ_COLUMN(fn, R)                                                                \
    do {                                                                                           \
        fn(patient, uint32_t);                                                                     \
        if ((R)->narrow_read) {                                                                    \
            fn(date16, uint16_t);                                                                  \
            fn(kind, uint8_t);                                                                     \
        } else {                                                                                   \
            fn(date, int32_t);                                                                     \
            fn(type, uint8_t);                                                                     \
            fn(route, uint8_t);                                                                    \
            fn(drug, uint8_t);                                                                     \
        }                                                                                          \
        if ((R)->narrow_text) {                                                                    \
            for (int c_ = 0; c_ < TEXT_COLS; c_++)                                                 \
                fn(text16[c_], uint16_t);                                                          \
        } else {                                                                                   \
            fn(site, uint32_t);                                                                    \
            fn(clinician, uint32_t);                                                               \
            fn(therapy, uint32_t);                                                                 \
            fn(adverse, uint32_t);                                                                 \
        }                                                                                          \
        if ((R)->narrow_read) {                                                                    \
            fn(dose_dec, uint32_t);                                                                \
            fn(weight_dec, uint32_t);                                                              \
        } else {                                                                                   \
            fn(dose_mg, double);                                                                   \
            fn(weight_kg, double);                                                                 \
        }                                                                                          \
        for (int k_ = 0; k_ < N_INT_COLS; k_++) {                                                  \
            if (rows_int_byte(k_))                                                                 \
                fn(score8[k_], int8_t);                                                            \
            else                                                                                   \
                fn(score[k_], int16_t);                                                            \
        }                                                                                          \
        fn(line, uint32_t);                                                                        \
    } while (0)

/* Applies fn(FIELD, TYPE) to every column of the final store. */
#define FOR_EACH_COLUMN(fn, R)                                                                     \
    do {                                                                                           \
        FOR_EACH_READ_COLUMN(fn, R);                                                               \
        fn(conflict, uint8_t);                                                                     \
        fn(file, uint32_t);                                                                        \
    } while (0)

/* The output of one reader over one record-aligned chunk of a file. */
struct segment {
    struct rows rows;
    struct problem_list probs;
    long line_base;     /* physical lines before the chunk */
    uint32_t file;      /* the input file the chunk belongs to */
    uint32_t *order[2]; /* rows.patients (0) and rows.text (1) ids in byte order, made by the
                           chunk's own thread (segment_order) so the merge is linear */
    int placed;         /* rows is a window of the final store, from row `base` */
    size_t base;
};

/* Fills seg->order (sorting each string table); 0, or -1 when out of memory. */
int segment_order(struct segment *seg);

/* Builds res->rows from the segments (in file and byte order): string ids ranked by bytes, the
 * as-of cut (problems added to res->problems), rows sorted by patient, date and content, exact
 * duplicates collapsed (res->dups), same-day conflicts marked, res->patients counted. The
 * segments' columns are consumed (freed) as they are copied. date_field[f] is the field number
 * of session_date in file f. Returns 0, or -1 when out of memory. */
int store_build(struct ingest_result *res, struct segment **segs, size_t nseg,
                const struct ingest_opts *opts, const int *date_field);

#endif
