/* schema.c: the canonical columns, matching a file's header to them (case-insensitive, trimmed,
 * through an optional --columns mapping), the direct-identifier guard, and the INI mapping file.
 * It decides which fields are read; it does not look at data rows. */
#include "ingest_int.h"

#include <errno.h>
#include <ini.h>

#include "outcomes/infile.h"
#include "outcomes/sha256.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/text.h"

/* Headers that look like direct identifiers (SPEC section 1), compared after normalising case,
 * blanks and hyphens to the underscore form. */
static const char *const identifier_names[] = {
    "name", "first_name", "last_name", "dob",     "date_of_birth", "birth_date", "ssn",
    "mrn",  "email",      "phone",     "address", "street",        "zip",        "postcode",
};

const char *ingest_col_name(enum col c)
{
    return (unsigned)c < SCHEMA_COLS ? ingest_columns[c].name : "";
}

const char *ingest_shape_name(int shape)
{
    return shape == SHAPE_LONG ? "long" : shape == SHAPE_FHIR ? "fhir" : "wide";
}

int ingest_col_find(const char *name)
{
    for (int c = 0; c < COL_COUNT; c++)
        if (strcmp(ingest_columns[c].name, name) == 0)
            return c;
    return -1;
}

static const char *const reason_names[REASON_COUNT] = {
    "malformed",      "missing_required", "invalid_patient_id", "invalid_date",
    "not_an_integer", "not_a_number",     "out_of_range",       "invalid_choice",
    "too_long",       "invalid_text",     "after_as_of",        "status_not_usable",
};

const char *ingest_reason_name(int reason)
{
    return reason >= 0 && reason < REASON_COUNT ? reason_names[reason] : "";
}

void ingest_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    while (len && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
        p++;
        len--;
    }
    while (len &&
           (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' || p[len - 1] == '\n'))
        len--;
    *s = p;
    *n = len;
}

/* Case-insensitive (ASCII) equality of a[0..an) and NUL-terminated b. */
static int name_equal(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

/* Matches a trimmed copy of b against a (both case-insensitively, b trimmed of blanks). */
static int name_equal_trimmed(const char *a, const char *b)
{
    const char *s = b;
    size_t n = strlen(b);
    ingest_trim(&s, &n);
    return name_equal(s, n, a);
}

static int is_identifier(const char *name)
{
    char norm[64];
    size_t n = 0;
    for (const char *p = name; *p; p++) {
        if (n + 1 >= sizeof norm)
            return 0;
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c == ' ' || c == '-')
            c = '_';
        norm[n++] = c;
    }
    norm[n] = '\0';
    for (size_t i = 0; i < sizeof identifier_names / sizeof *identifier_names; i++)
        if (strcmp(norm, identifier_names[i]) == 0)
            return 1;
    return 0;
}

void ingest_schema_fini(struct schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nfields; i++)
        free(s->names[i]);
    free(s->names);
    free(s->field_col);
    memset(s, 0, sizeof *s);
}

int ingest_schema_copy(struct schema *dst, const struct schema *src)
{
    memset(dst, 0, sizeof *dst);
    dst->field_col = malloc((src->nfields ? src->nfields : 1) * sizeof *dst->field_col);
    dst->names = calloc(src->nfields ? src->nfields : 1, sizeof *dst->names);
    if (!dst->field_col || !dst->names) {
        free(dst->field_col);
        free(dst->names);
        return -1;
    }
    dst->nfields = src->nfields;
    dst->shape = src->shape;
    memcpy(dst->col_field, src->col_field, sizeof dst->col_field);
    for (size_t i = 0; i < src->nfields; i++) {
        dst->field_col[i] = src->field_col[i];
        dst->names[i] = strdup(src->names[i]);
        if (!dst->names[i]) {
            ingest_schema_fini(dst);
            return -1;
        }
    }
    return 0;
}

/* A header with both instrument and score is a long score file (SPEC section 16): it may hold
 * only patient_id, session_date, site and clinician besides them. One of the two alone is an
 * unknown column of a wide file, as before long files were read. */
static int long_shape(struct schema *s, const char *path, long header_line, struct diag *d)
{
    const int fi = s->col_field[COL_LONG_INSTRUMENT], fs = s->col_field[COL_LONG_SCORE];
    if (fi < 0 || fs < 0) {
        for (int k = 0; k < 2; k++) {
            const int f = k ? fs : fi;
            if (f >= 0) {
                s->field_col[f] = -1;
                s->col_field[k ? COL_LONG_SCORE : COL_LONG_INSTRUMENT] = -1;
            }
        }
        return 0;
    }
    for (int c = 0; c < COL_COUNT; c++) {
        if (c == COL_PATIENT_ID || c == COL_SESSION_DATE || c == COL_SITE || c == COL_CLINICIAN ||
            s->col_field[c] < 0)
            continue;
        return diag_set(d, DIAG_DATA, path, header_line, (long)s->col_field[c] + 1,
                        "column '%s' in a long score file (its header has 'instrument' and "
                        "'score'): a long file holds one score per row with patient_id, "
                        "session_date, site and clinician; %s",
                        ingest_columns[c].name,
                        col_is_instrument(c)
                            ? "score columns belong in a wide file"
                            : "treatments and vitals belong in a file of their own");
    }
    s->shape = SHAPE_LONG;
    return 0;
}

int ingest_schema_build(struct schema *s, const struct ingest_opts *opts, const char *path,
                        long header_line, struct diag *d)
{
    for (int c = 0; c < SCHEMA_COLS; c++)
        s->col_field[c] = -1;
    s->shape = SHAPE_WIDE;
    for (size_t i = 0; i < s->nfields; i++) {
        const char *name = s->names[i];
        int allowed = 0;
        for (size_t k = 0; k < opts->nallow; k++)
            if (name_equal_trimmed(name, opts->allow[k]))
                allowed = 1;
        if (!allowed && is_identifier(name))
            return diag_set(d, DIAG_DATA, path, header_line, (long)i + 1,
                            "column '%s' looks like a direct identifier; this tool only takes "
                            "de-identified data (remove the column, or pass --allow-column '%s' "
                            "after review: it is never read)",
                            name, name);
        s->field_col[i] = -1;
        if (allowed)
            continue;
        for (int c = 0; c < SCHEMA_COLS; c++) {
            const char *want = ingest_columns[c].name;
            if (opts->colmap && opts->colmap->header[c]) {
                /* a mapped column answers to its export header and to its own name */
                if (!name_equal(name, strlen(name), opts->colmap->header[c]) &&
                    !name_equal(name, strlen(name), want))
                    continue;
            } else if (!name_equal(name, strlen(name), want)) {
                continue;
            }
            if (s->col_field[c] >= 0)
                return diag_set(d, DIAG_DATA, path, header_line, (long)i + 1,
                                "the header names column '%s' twice (fields %d and %zu)", want,
                                s->col_field[c] + 1, i + 1);
            s->col_field[c] = (int)i;
            s->field_col[i] = c;
            break;
        }
    }
    int rc = long_shape(s, path, header_line, d);
    if (rc != 0)
        return rc;
    char hint[80] = "";
    if (s->nfields == 1) {
        static const char *const seps[] = {";", "\t", ","};
        static const char sepc[] = {';', '\t', ','};
        for (int k = 0; k < 3; k++)
            if (sepc[k] != opts->delimiter && strchr(s->names[0], sepc[k])) {
                snprintf(hint, sizeof hint,
                         " (it has one column containing '%s': try --delimiter '%s')", seps[k],
                         seps[k]);
                break;
            }
    }
    for (int c = 0; c < COL_COUNT; c++) {
        if (ingest_columns[c].required && s->col_field[c] < 0) {
            if (opts->colmap && opts->colmap->header[c])
                return diag_set(d, DIAG_DATA, path, header_line, 0,
                                "required column '%s' (mapped to \"%s\") is missing from the "
                                "header",
                                ingest_columns[c].name, opts->colmap->header[c]);
            return diag_set(d, DIAG_DATA, path, header_line, 0,
                            "required column '%s' is missing from the header%s",
                            ingest_columns[c].name, hint);
        }
    }
    return 0;
}

/* --- the --columns INI file ---------------------------------------------------------------- */

struct colmap_ctx {
    struct colmap *map;
    char bad[512]; /* the first error, for the message */
};

static int colmap_handler(void *user, const char *section, const char *name, const char *value)
{
    struct colmap_ctx *ctx = user;
    (void)section;
    char lower[64], shown[TEXT_ROOM(40)];
    size_t n = strlen(name);
    if (n >= sizeof lower) { /* no column name is this long; show its start, by characters */
        snprintf(ctx->bad, sizeof ctx->bad, "'%s' is not a column of outcomes",
                 text_display(shown, sizeof shown, name, 40));
        return 0;
    }
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i]);
    int c = ingest_col_find(lower);
    if (c < 0 && strcmp(lower, ingest_columns[COL_LONG_INSTRUMENT].name) == 0)
        c = COL_LONG_INSTRUMENT;
    else if (c < 0 && strcmp(lower, ingest_columns[COL_LONG_SCORE].name) == 0)
        c = COL_LONG_SCORE;
    if (c < 0) {
        snprintf(ctx->bad, sizeof ctx->bad,
                 "'%s' is not a column of outcomes (see the README's input table)", name);
        return 0;
    }
    if (!value || !*value) {
        snprintf(ctx->bad, sizeof ctx->bad, "column '%s' is mapped to an empty header", lower);
        return 0;
    }
    if (ctx->map->header[c]) {
        snprintf(ctx->bad, sizeof ctx->bad, "column '%s' is mapped twice", lower);
        return 0;
    }
    ctx->map->header[c] = strdup(value);
    if (!ctx->map->header[c]) {
        snprintf(ctx->bad, sizeof ctx->bad, "out of memory");
        return 0;
    }
    return 1;
}

/* As --config (src/cli/options.c): read whole, lines checked, then handed to inih counted. */
#define COLMAP_MAX_LINE 198
int ingest_colmap_load(const char *path, struct colmap *map, struct diag *d)
{
    static const struct infile_words words = {
        "cannot read the column mapping", "a column mapping",
        "--columns takes a regular file (it is hashed for the manifest)"};
    struct colmap_ctx ctx = {.map = map};
    char *text;
    size_t len;
    memset(map, 0, sizeof *map);
    int rc = infile_read_small(path, &words, 1u << 20, COLMAP_MAX_LINE, &text, &len, d);
    if (rc)
        return rc;
    if (sha256_hex(text, len, map->sha256) != 0) {
        free(text);
        return diag_set(d, DIAG_IO, path, 0, 0, "hashing failed");
    }
    map->size = len;
    struct infile_lines lines = {text, text + len, 0};
    rc = ini_parse_stream(infile_lines_gets, &lines, colmap_handler, &ctx);
    free(text);
    if (rc != 0) {
        ingest_colmap_fini(map);
        if (rc < 0)
            return diag_set(d, DIAG_IO, path, 0, 0, "cannot read the column mapping");
        return diag_set(d, DIAG_USAGE, path, rc, 0, "%s",
                        ctx.bad[0] ? ctx.bad : "not a valid INI line (expected name = value)");
    }
    return 0;
}

void ingest_colmap_fini(struct colmap *map)
{
    if (!map)
        return;
    for (int c = 0; c < SCHEMA_COLS; c++) {
        free(map->header[c]);
        map->header[c] = NULL;
    }
}
