/* ingest.h: reading session exports into validated, compactly stored rows (SPEC section 1).
 *
 * Ownership: ingest_run fills a struct ingest_result that the caller releases with
 * ingest_result_fini (which accepts a zeroed or partly filled result). Every string the result
 * holds is owned by it. Nothing here prints; problems are returned as data. */
#ifndef OUTCOMES_INGEST_H
#define OUTCOMES_INGEST_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "outcomes/columns.h"
#include "outcomes/diag.h"
#include "outcomes/strtab.h"

/* enum col, its groups (COL_FIRST_INT, N_INT_COLS, N_CONFLICT_COLS, ...) and the column table:
 * columns.h. */

/* The number of UTF-8 characters of s[0..n), or -1 (and the byte offset of the first bad byte in
 * *bad) when it is not valid UTF-8 or holds a control character other than TAB, LF and CR: the
 * rule for text values (SPEC section 1), for other code that takes text. */
long ingest_text_chars(const char *s, size_t n, size_t *bad);

/* Canonical name of a column ("patient_id", ...; "instrument" and "score" for the long ones). */
const char *ingest_col_name(enum col c);
/* Column with that canonical name (exact, lower case), or -1. */
int ingest_col_find(const char *name);

enum session_type { SESSION_ASSESSMENT = 0, SESSION_TREATMENT = 1 };
enum route {
    ROUTE_NONE = 0,
    ROUTE_IV,
    ROUTE_IM,
    ROUTE_INTRANASAL,
    ROUTE_SUBLINGUAL,
    ROUTE_ORAL,
    ROUTE_COUNT
};
enum drug { DRUG_NONE = 0, DRUG_KETAMINE, DRUG_ESKETAMINE, DRUG_COUNT };
const char *ingest_route_name(int route); /* "" for ROUTE_NONE */
const char *ingest_drug_name(int drug);   /* "" for DRUG_NONE */

/* Why a row was rejected or set aside; ingest_reason_name gives the word used in rejects.csv. */
enum reason {
    REASON_MALFORMED,    /* CSV structure: field count, quoting */
    REASON_MISSING,      /* a required value is empty */
    REASON_PATIENT_ID,   /* patient_id not 1-64 of [A-Za-z0-9._-] */
    REASON_DATE,         /* not a real calendar date in the expected style */
    REASON_NOT_INTEGER,  /* digits only expected */
    REASON_NOT_NUMBER,   /* plain decimal expected */
    REASON_OUT_OF_RANGE, /* a number outside its column's range */
    REASON_CHOICE,       /* not one of the allowed words */
    REASON_TOO_LONG,     /* text over its length limit */
    REASON_TEXT,         /* invalid UTF-8 or a control character */
    REASON_AFTER_AS_OF,  /* dated after the data cut: set aside, not an error */
    REASON_STATUS,       /* a FHIR resource whose status is not a usable one: set aside */
    REASON_COUNT
};
const char *ingest_reason_name(int reason);

/* One problem found in the input. A rejected row has one or more problems; the first of them
 * (first = 1) gives the row's reason in rejects.csv and in the counts. */
struct problem {
    uint32_t file; /* index into ingest_result.files */
    long line;     /* physical line where the record starts, 1-based */
    long column;   /* 1-based field number in the record, 0 when not about one field */
    int col;       /* enum col, or -1 */
    int reason;    /* enum reason */
    int first;     /* 1 for the problem that decides the row's reason */
    char *value;   /* the offending value (trimmed, at most 256 bytes), owned */
    char *message; /* sentence for `file:line:column: message`, owned */
    long at_line;  /* a later physical line the message names (bad quoting), or 0 */
};

struct problem_list {
    struct problem *v;
    size_t n, cap;
};

_Static_assert(N_INT_COLS <= 32, "rows.int_unread holds a bit per integer column");

/* The four text columns of a row (ids in rows.text): rows_text(r, TEXT_SITE, i). */
enum text_col { TEXT_SITE, TEXT_CLINICIAN, TEXT_THERAPY, TEXT_ADVERSE, TEXT_COLS };

/* rows.narrow_failed's bits: what is read again wide. */
enum { NARROW_FAILED_VALUE = 1, NARROW_FAILED_TEXT = 2 };

/* A text column narrowed once the store is built: ids in width (1 or 2) bytes. */
struct narrow_ids {
    void *p;
    int width;
};

/* Accepted rows, one array per column (SPEC section 1's columns, parsed). Absent values:
 * strings id 0, route/drug 0, dose/weight NaN, integer columns -1. */
struct rows {
    size_t n, cap;
    uint32_t *patient; /* id in `patients`; once the store is built, NULL: prow, pid */
    uint32_t *prow;    /* once the store is built (sorted by patient): patient p's rows are prow[p]
                       .. prow[p + 1] (npatients + 1 entries) */
    uint32_t *pid;     /* once built: patient p's id in `patients` (rows_pid) */
    size_t npatients;
    int32_t *date;              /* day number (date.h) */
    uint8_t *type;              /* enum session_type */
    uint8_t *route;             /* enum route */
    uint8_t *drug;              /* enum drug */
    uint32_t *site;             /* id in `text` */
    uint32_t *clinician;        /* id in `text` */
    uint32_t *therapy;          /* concurrent_therapy, id in `text` */
    uint32_t *adverse;          /* adverse_events as given (trimmed), id in `text` */
    double *dose_mg;            /* NaN = absent */
    double *weight_kg;          /* NaN = absent */
    int16_t *score[N_INT_COLS]; /* integer columns, -1 = absent; read them with rows_int */
    int8_t *score8[N_INT_COLS]; /* while the store is built, a column whose range (the column
                                   table's) fits in a byte is here instead (rows_int_byte) */
    uint8_t *small[N_INT_COLS]; /* once the store is built, a column whose values span at most
                                     255 numbers is kept here instead (score[k] NULL): 0 absent,
                                     else the value - small_off[k] */
    int16_t small_off[N_INT_COLS];
    uint8_t *kind;    /* as read (narrow_read) or once the store is built: type | route << 1 |
                        drug << 4 (rows_type, rows_route, rows_drug), those three columns NULL
                        then */
    uint16_t *date16; /* as read (narrow_read: date_base ROWS_DATE16_READ_BASE), or once the store
                         is built when the dates span at most 65,535 days: date - date_base
                         (rows_date), date NULL then */
    int32_t date_base;
    uint32_t *dose_dec, *weight_dec; /* dose_mg and weight_kg as decimals (rows_decimal, that
                                        column NULL then): as read (narrow_read), or once built */
    uint16_t *dose16, *weight16;     /* once built, when every value is v / 10^k with v < 4095: the
                                    same decimals in two bytes (rows_decimal16; the other forms
                                    NULL then) */
    uint16_t *text16[TEXT_COLS];     /* while the store is built (narrow_text): the text ids in two
                                    bytes (the uint32_t columns NULL then) */
    int narrow_read;   /* while the store is built: dates read into date16, dose and weight into
                          dose_dec, weight_dec, type/route/drug into kind, text ids into text16
                          (one input file; ingest.c reads it again wide when narrow_failed) */
    int narrow_text;   /* text16 holds the text ids (from narrow_read until the build widens
                          them, when the merged string table has more than 65,536) */
    int narrow_failed; /* a reader's chunk in narrow_read (and the store, all its chunks'): bit
                          NARROW_FAILED_VALUE, a date outside 1900-01-01..2079-06-06 or a value
                          with no 28-bit decimal form; NARROW_FAILED_TEXT, more than 65,535
                          distinct strings in the chunk */
    struct narrow_ids ids[TEXT_COLS]; /* once the store is built, a text column whose ids fit in
                                         one or two bytes (its uint32_t column NULL then) */
    uint8_t *conflict;   /* bit i set: instrument COL_PHQ9+i conflicts on this date; NULL once built
                          when no row has one (read it with rows_conflict) */
    uint32_t *file;      /* provenance: input file index; NULL when all are 0 (read
                                     it with rows_file) */
    uint32_t int_unread; /* while reading: bit k, integer column k is not in the file's header, so
                            a reader leaves it as it is (ingest.c frees it after the read) */
    int lean;            /* a reader's chunk: conflict and file are not stored (they
                                     are constant there; the store fills them) */
    int borrowed;        /* the columns are a window of another store's (cap fixed,
                                     not freed here) */
    uint32_t *line;      /* provenance: physical line of the record (read it with rows_line) */
    struct narrow_ids line_n; /* once built, when line - row number spans at most 65,535: row
                                 i's line is i + line_base + that offset (line NULL then) */
    int64_t line_base;
    struct strtab *patients;    /* patient ids */
    struct strtab *text;        /* site, clinician, therapy, adverse event strings */
    struct intern_cache *cache; /* while reading: recent strings per column (rows.c) */
};

struct intern_cache;

/* Row i's value of integer column col (col_is_int(col): a score, CADSS, a blood pressure,
 * monitoring_min), -1 when absent. Once the store is built (rows_narrow) a column no
 * accepted row has a value in is not stored, and one whose values span at most 255 numbers is
 * in small[k] (offsets). */
static inline int rows_int(const struct rows *r, int col, size_t i)
{
    const uint8_t *s = r->small[INT_INDEX(col)];
    if (s) {
        int v = s[i];
        return v ? v + r->small_off[INT_INDEX(col)] : -1;
    }
    const int16_t *c = r->score[INT_INDEX(col)];
    if (c)
        return c[i];
    const int8_t *b = r->score8[INT_INDEX(col)];
    return b ? b[i] : -1;
}

/* Row i's id (in rows.text) of text column c (enum text_col), 0 = empty. Once the store is
 * built (rows_narrow) the column may be held in one or two bytes. */
static inline uint32_t rows_text(const struct rows *r, int c, size_t i)
{
    const struct narrow_ids *n = &r->ids[c];
    if (n->p)
        return n->width == 1 ? ((const uint8_t *)n->p)[i] : ((const uint16_t *)n->p)[i];
    if (r->text16[c])
        return r->text16[c][i];
    const uint32_t *w = c == TEXT_SITE        ? r->site
                        : c == TEXT_CLINICIAN ? r->clinician
                        : c == TEXT_THERAPY   ? r->therapy
                                              : r->adverse;
    return w[i];
}

/* A decimal of a narrowed dose or weight column: (v << 4) | k for the value v / 10^k, exactly
 * the double the reader made (the division is the one that made it); ROWS_DEC_ABSENT none. */
#define ROWS_DEC_ABSENT UINT32_MAX
#define ROWS_DEC_NOPACK (UINT32_MAX - 1) /* (while reading: a value with no such form) */
/* 10^k for k 0..15: exact doubles (the reader's decimals and the store's, one table) */
static const double rows_pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
static inline double rows_decimal(uint32_t x)
{
    return x == ROWS_DEC_ABSENT ? NAN : (double)(x >> 4) / rows_pow10[x & 15];
}

/* The same in two bytes: (v << 4) | k with v < 4095; ROWS_DEC16_ABSENT none. */
#define ROWS_DEC16_ABSENT UINT16_MAX
static inline double rows_decimal16(uint16_t x)
{
    return x == ROWS_DEC16_ABSENT ? NAN : (double)(x >> 4) / rows_pow10[x & 15];
}

/* Row i's dose in mg and weight in kg, NaN when absent. */
static inline double rows_dose(const struct rows *r, size_t i)
{
    return r->dose16     ? rows_decimal16(r->dose16[i])
           : r->dose_dec ? rows_decimal(r->dose_dec[i])
                         : r->dose_mg[i];
}
static inline double rows_weight(const struct rows *r, size_t i)
{
    return r->weight16     ? rows_decimal16(r->weight16[i])
           : r->weight_dec ? rows_decimal(r->weight_dec[i])
                           : r->weight_kg[i];
}

/* The id (in rows.patients) of the built store's patient p, whose rows are prow[p] ..
 * prow[p + 1]. */
static inline uint32_t rows_pid(const struct rows *r, size_t p)
{
    return r->pid[p];
}

/* The base of dates read into two bytes (narrow_read): 1900-01-01, so that 1900-01-01 to
 * 2079-06-06 are read so (a file with another is read again wide). */
#define ROWS_DATE16_READ_BASE (-25567)

/* Row i's patient id (in rows.patients): the patient column's, or once the store is built a
 * binary search of prow (for checks and tests; a loop over rows goes patient by patient). */
static inline uint32_t rows_patient(const struct rows *r, size_t i)
{
    if (r->patient)
        return r->patient[i];
    size_t lo = 0, hi = r->npatients; /* the p with prow[p] <= i < prow[p + 1] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->prow[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    return r->pid[lo];
}

/* Row i's session date (day number), type, route and drug (enums), same-day conflict bits. */
static inline int32_t rows_date(const struct rows *r, size_t i)
{
    return r->date16 ? r->date_base + r->date16[i] : r->date[i];
}
static inline int rows_type(const struct rows *r, size_t i)
{
    return r->kind ? r->kind[i] & 1 : r->type[i];
}
static inline int rows_route(const struct rows *r, size_t i)
{
    return r->kind ? r->kind[i] >> 1 & 7 : r->route[i];
}
static inline int rows_drug(const struct rows *r, size_t i)
{
    return r->kind ? r->kind[i] >> 4 : r->drug[i];
}
static inline unsigned rows_conflict(const struct rows *r, size_t i)
{
    return r->conflict ? r->conflict[i] : 0; /* (no column when no row has a conflict) */
}

/* The end of row i's run of rows of one patient and one date in the built store (sorted so):
 * the first row after it. *p is a cursor over the patients, at or before row i's, moved to it
 * (start it at 0 and pass the rows in order). */
static inline size_t rows_day_end(const struct rows *r, size_t *p, size_t i)
{
    while (r->prow[*p + 1] <= i)
        (*p)++;
    size_t j = i + 1, end = r->prow[*p + 1];
    while (j < end && rows_date(r, j) == rows_date(r, i))
        j++;
    return j;
}

/* 1 when integer column col has a value in some row (it is stored). */
static inline int rows_has_int(const struct rows *r, int col)
{
    return r->small[INT_INDEX(col)] || r->score[INT_INDEX(col)] || r->score8[INT_INDEX(col)];
}

/* 1 when integer column k (INT_INDEX) is read into a byte (score8[k]): its range in the column
 * table is within -1..127 (the scores, CADSS); the others into two (score[k]). */
static inline int rows_int_byte(int k)
{
    return ingest_columns[COL_FIRST_INT + k].hi <= INT8_MAX;
}

/* Once the store is built (ingest_run), one column at a time: the patient column replaced by
 * the patients' row ranges (prow, pid), the integer columns without a
 * value in any row freed (score[k] NULL), those whose values span at most 255 numbers (the
 * scores, CADSS, most blood pressures) moved to small[k] as offsets, the text columns
 * whose ids fit in one or two bytes moved to ids[c], and dose and weight moved to four bytes
 * when every value is a decimal of at most 28 bits (rows_decimal). 0, or -1 when out of
 * memory for the row ranges. */
int rows_narrow(struct rows *r);

/* Row i's physical line, 0 when the store keeps none (rows_release_provenance). */
static inline uint32_t rows_line(const struct rows *r, size_t i)
{
    if (r->line)
        return r->line[i];
    const struct narrow_ids *n = &r->line_n;
    if (!n->p)
        return 0;
    uint32_t d = n->width == 1 ? ((const uint8_t *)n->p)[i] : ((const uint16_t *)n->p)[i];
    return (uint32_t)((int64_t)i + r->line_base + d);
}

/* Row i's input file index. The store keeps no file column when every row comes from input
 * file 0 (r->file == NULL then). */
static inline uint32_t rows_file(const struct rows *r, size_t i)
{
    return r->file ? r->file[i] : 0;
}

/* A --columns mapping: for each canonical column, the export's header name (or NULL); and the
 * SHA-256 and size of the bytes it was parsed from (for the manifest: the digest of what was
 * read, not of the file read again later). */
struct colmap {
    char *header[SCHEMA_COLS];
    char sha256[65];
    uint64_t size;
};

/* Options that change what is read. */
struct ingest_opts {
    char delimiter;              /* ',' ';' or '\t' */
    int date_us;                 /* 1: session_date is MM/DD/YYYY */
    const char *timezone;        /* --timezone: IANA zone that ingest_timezone_use() set, or
                                     NULL (zoned date-times keep the date as written) */
    const struct colmap *colmap; /* NULL = canonical names only */
    const char *const *allow;    /* --allow-column names */
    size_t nallow;
    int have_as_of; /* 1: as_of below is the data cut */
    int32_t as_of;
    int threads;                  /* worker threads for tokenizing; <= 1 reads sequentially */
    uint64_t min_chunk;           /* smallest chunk worth a thread, bytes (0 = 8 MiB; tests
                                     set it small to exercise the chunked path) */
    _Atomic uint64_t *bytes_done; /* when set, advanced as input bytes are read (progress) */
    int libcsv_only;              /* 1: every line through libcsv, no plain-line fast path
                                     (tests and the fuzzer compare the two) */
};

/* The shape of an input file (SPEC section 16): one row per encounter with score columns, or
 * one score per row (instrument, score); recorded in results.json and the manifest. */
enum file_shape { SHAPE_WIDE = 0, SHAPE_LONG = 1, SHAPE_FHIR = 2 };
const char *ingest_shape_name(int shape); /* "wide", "long", "fhir" */

/* FHIR resources that are not rows (counted per file, never in rows_read). */
struct fhir_counts {
    long resources_skipped;  /* the sum of the three below */
    long skipped_other_type; /* a resourceType other than Observation, MedicationAdministration */
    long skipped_other_code; /* an Observation without a LOINC code of the instrument table */
    long skipped_other_drug; /* a MedicationAdministration of a drug other than (es)ketamine */
};

/* One input file as read. */
struct ingest_file {
    int shape;                                         /* enum file_shape */
    char *path;                                        /* as given, owned */
    uint64_t size;                                     /* bytes */
    long rows_read;                                    /* data records (blank lines excluded) */
    long rows_accepted, rows_rejected, rows_duplicate; /* this file's part of the accounting:
                                                         rows_read = their sum (a duplicate is
                                                         counted in the file of the extra copy) */
    long lines;                                        /* physical lines */
    uint64_t fingerprint;    /* of the bytes the readers consumed (fingerprint.h): the input
                             hasher compares its own, so that the digest is of these bytes */
    struct fhir_counts fhir; /* SHAPE_FHIR (first byte '{'): the resources skipped */
};

struct ingest_result {
    struct rows rows;             /* accepted, de-duplicated, sorted by patient, date, content */
    struct problem_list problems; /* every problem, sorted by file, line, column */
    struct ingest_file *files;
    size_t nfiles;
    char **unknown; /* unknown header names (first-seen order over files), owned */
    size_t nunknown;
    int32_t as_of;  /* the data cut actually used */
    int have_as_of; /* 0 when no row passed validation */
    long rows_read, rows_accepted, rows_rejected, rows_duplicate;
    long rejected_by_reason[REASON_COUNT];
    long conflicting_same_day_scores; /* patient x date x instrument groups that disagree */
    long conflicts_by_col[N_CONFLICT_COLS];
    long patients; /* distinct patient_ids among accepted rows */
    /* duplicates for the data-quality listing: (file, line) of each extra copy and its original */
    struct {
        uint32_t file, line, orig_file, orig_line;
    } * dups;
    size_t ndups;
    /* same-day conflicts for the data-quality listing: two rows that disagree, and the column */
    struct {
        uint32_t file, line, other_file, other_line;
        int col;
        int32_t date;
    } * conflicts;
    size_t nconflicts;
    double seconds_read, seconds_store; /* stage timings (never written to an output file) */
};

/* Reads, validates, de-duplicates and stores every file in paths (rows pooled). Returns 0, or a
 * diag code with d filled when the run must stop (unreadable file, missing required column,
 * identifier column, duplicate column, out of memory); rejected rows are not failures. */
int ingest_run(const char *const *paths, size_t npaths, const struct ingest_opts *opts,
               struct ingest_result *res, struct diag *d);
void ingest_result_fini(struct ingest_result *res);

/* Reads a --columns INI file ("canonical_name = Export Header" per line) into map. */
int ingest_colmap_load(const char *path, struct colmap *map, struct diag *d);
void ingest_colmap_fini(struct colmap *map);

/* --- lower level, exposed for tests -------------------------------------------------------- */

/* How the header of one file maps to columns. */
struct schema {
    size_t nfields;             /* fields in the header */
    int *field_col;             /* field index -> enum col, or -1 (ignored) */
    int col_field[SCHEMA_COLS]; /* enum col (or COL_LONG_*) -> field index, or -1 (absent) */
    int shape;    /* enum file_shape: SHAPE_LONG when the header has instrument and score */
    char **names; /* the header's names as written (trimmed), owned */
};
void ingest_schema_fini(struct schema *s);

/* A streaming reader of one file (or one record-aligned chunk of it). Feed it bytes in any
 * pieces; it counts physical lines itself (libcsv reports none). */
struct ingest_reader;

/* schema NULL: the stream starts with a header (and perhaps a BOM). Otherwise the stream is a
 * chunk of data records that starts at a record boundary; the reader copies the schema. Rows go
 * to out (interned in out's own tables), problems to probs. Returns NULL when out of memory. */
struct ingest_reader *ingest_reader_new(const struct ingest_opts *opts, const char *path,
                                        uint32_t file_index, const struct schema *schema,
                                        struct rows *out, struct problem_list *probs);
void ingest_reader_free(struct ingest_reader *r);
/* Feeds len bytes. Returns 0, or a diag code on a fatal header problem or out of memory. */
int ingest_reader_feed(struct ingest_reader *r, const char *buf, size_t len, struct diag *d);
/* Ends the stream (a last record without a line end, an unterminated quote). */
int ingest_reader_finish(struct ingest_reader *r, struct diag *d);
/* After the header: its schema (borrowed), else NULL. */
const struct schema *ingest_reader_schema(const struct ingest_reader *r);
/* Byte offset just past the physical line that ended the header, or 0 before it ended. */
uint64_t ingest_reader_header_end(const struct ingest_reader *r);
/* 1 when the reader has consumed exactly whole records (no record open). */
int ingest_reader_at_boundary(const struct ingest_reader *r);
long ingest_reader_rows_read(const struct ingest_reader *r);
long ingest_reader_lines(const struct ingest_reader *r);
/* Unknown header names of this file (borrowed). */
void ingest_reader_unknown(const struct ingest_reader *r, char ***names, size_t *n);
/* Stop feeding right after the header line (used to split the rest of a file into chunks). */
void ingest_reader_stop_after_header(struct ingest_reader *r);

/* A FHIR NDJSON reader (src/ingest/fhir.c): feed the bytes of one file in any pieces. Rows go
 * to out, problems (column 0, message `path: message`) to probs, skipped resources to counts. */
#define FHIR_LINE_MAX (1u << 20)   /* a longer line is rejected unread (too_long) */
#define CSV_RECORD_MAX (16u << 20) /* a longer CSV record is rejected unread (too_long) */
struct fhir_reader;
struct fhir_reader *fhir_reader_new(const struct ingest_opts *opts, uint32_t file_index,
                                    struct rows *out, struct problem_list *probs,
                                    struct fhir_counts *counts);
void fhir_reader_free(struct fhir_reader *r);
int fhir_reader_feed(struct fhir_reader *r, const char *buf, size_t len, struct diag *d);
int fhir_reader_finish(struct fhir_reader *r, struct diag *d);
/* The stream is a chunk that starts at a line start after the file's first line (no BOM). */
void fhir_reader_mid_file(struct fhir_reader *r);
/* Physical lines seen, numbered from 1 at the stream's start (a chunk's own numbers). */
long fhir_reader_lines(const struct fhir_reader *r);
long fhir_reader_rows_read(const struct fhir_reader *r);
/* 1 when buf (a file's first bytes) is NDJSON: its first byte after a BOM and blanks is '{'. */
int fhir_sniff(const char *buf, size_t n);

/* Empty columns and fresh string tables; returns 0, or -1 when out of memory. */
int rows_init(struct rows *rows);
void rows_fini(struct rows *rows);
/* Frees every column but keeps the string tables (patients, text) and n: for when only the
 * strings are still needed (writing outputs after the analysis). */
void rows_release_columns(struct rows *rows);
/* Frees the provenance columns (line, file): the store has used them (order, duplicates,
 * conflicts) and the analysis never reads them; 8 bytes a row (README "Performance"). */
void rows_release_provenance(struct rows *rows);
void problem_list_fini(struct problem_list *l);

#endif
