/* report_int.h: internals shared by the writers of src/report (not for other modules). */
#ifndef OUTCOMES_REPORT_INT_H
#define OUTCOMES_REPORT_INT_H

#include <jansson.h>

/* Text for JSON from bytes that may not be UTF-8 (a path, a command-line word): the string
 * itself when it is valid UTF-8, else a copy with each byte that is not part of a valid
 * sequence replaced by U+FFFD, for reading only. NULL when out of memory. */
json_t *report_json_text(const char *s);

/* 1 when s is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
int report_utf8_valid(const char *s);

/* s's bytes as lowercase hex (malloc'd), or NULL when out of memory. */
char *report_hex(const char *s);

/* Sets key to report_json_text(path) in o and, when path is not UTF-8, key "_hex" to its exact
 * bytes in hex (README "Outputs": paths as bytes). Returns 0, or -1 when out of memory. */
int report_json_set_path(json_t *o, const char *key, const char *path);

/* The body of a funnel page (src/report/pages/funnel.c): the model in words, the response and
 * follow-up funnels of var (FUNNEL_CLINICIAN or FUNNEL_SITE) and the units outside the limits,
 * drawn in the box (x, y, w, h) under the page's title. */
#include <cairo.h>
struct analysis;
struct fonts;
void report_funnel_page(cairo_t *cr, const struct fonts *f, const struct analysis *a, int var,
                        double x, double y, double w, double h);
/* The Definitions page's paragraph on the funnels, into buf. */
void report_funnel_definition(const struct analysis *a, char *buf, size_t n);
/* 1 when a CSV text cell of these n bytes would be read by a spreadsheet as a formula: it
 * begins with '=', '+', '-' or '@' (or a tab or carriage return, which some spreadsheets skip
 * before one) and is not a plain decimal number ("-3", "+1.5e2" stay numbers). The CSV writers
 * (episodes.csv, rejects.csv, review.csv) then write it with a leading apostrophe (README
 * "Outputs": CSV files and spreadsheets); number columns are never passed here. */
int report_csv_formula_risk(const char *s, size_t n);

/* results.json's number rules for the writers of other keys (results_json.c): a number (null
 * for NaN, an integer when integral), a pair, a count (null when withheld), a proportion as the
 * disclosure decision allows ("suppressed": true when any part is withheld), a month label. */
#include <stdint.h>
struct proportion;
struct disc_prop;
json_t *report_json_num(double v);
json_t *report_json_pair(double a, double b);
json_t *report_json_count(long v, uint8_t withheld);
json_t *report_json_proportion_d(const struct proportion *p, struct disc_prop dp);
json_t *report_json_month(int month);

/* Adds the summary page's keys (SPEC sections 10 and 13) to results.json's root:
 * comparison {previous, year_before}, benchmarks [...] and trajectory {by_session, by_week}. */
void report_json_summary(json_t *root, const struct analysis *a);

/* --each (run.c): where each line of the network's episodes.csv or review.csv is, so that a
 * sub-report takes its lines from the network's file rather than formatting them again. For
 * episodes.csv, per network episode: start, the offset of its row in its part (part 1 from
 * episode half on; SIZE_MAX: no row, not in the cohort) and cut, the offset of its last field
 * (fitted_response_p, which is each report's own); for review.csv, start[i] is review row i's
 * offset (nreview + 1 of them). header: the header line's length. */
#include <stddef.h>
struct csv_index {
    size_t *start, *cut;
    size_t half, header;
};
struct report_input;
int report_episodes_csv_indexed(const struct report_input *in, const struct analysis *a,
                                int threads, char *part[2], size_t len[2], struct csv_index *idx);
void report_csv_index_fini(struct csv_index *idx);
/* A sub-report's episodes.csv: the network's rows (net, its parts; net_a, its analysis) of the
 * episodes whose site (clinician: 1, their clinician) is value, each with sub's
 * fitted_response_p; sub
 * is model_subset's analysis of those episodes. NULL when out of memory or when sub's episodes
 * are not those. */
char *report_episodes_csv_of(const char *const net[2], const struct csv_index *idx,
                             const struct analysis *net_a, int clinician, uint32_t value,
                             const struct analysis *sub, size_t *len);
/* review.csv made in pieces of about REVIEW_PIECE bytes as it is written
 * (report_out_write_stream): the rows of the analysis's review list whose owner (per row; NULL:
 * every row) is value. rows: how many were formatted (a sub-report checks them against its
 * count). _next is the stream's next(); _fini frees its buffer. */
#define REVIEW_PIECE (1u << 20)
struct review_stream {
    const struct report_input *in;
    const struct analysis *a;
    const uint32_t *owner;
    uint32_t value;
    size_t at, rows;
    char *buf;
    size_t cap;
    int started, done;
};
void report_review_stream_init(struct review_stream *rs, const struct report_input *in,
                               const struct analysis *a, const uint32_t *owner, uint32_t value);
int report_review_stream_next(void *arg, const char **p, size_t *n);
void report_review_stream_fini(struct review_stream *rs);

#endif
