/* rows.c: the compact row store: one array per column, strings interned. Growing doubles every
 * column with realloc (large blocks are remapped by the allocator, not copied). */
#include "ingest_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int rows_init(struct rows *rows)
{
    memset(rows, 0, sizeof *rows);
    rows->patients = strtab_new();
    rows->text = strtab_new();
    if (!rows->patients || !rows->text) {
        rows_fini(rows);
        return -1;
    }
    return 0;
}

void rows_fini(struct rows *rows)
{
    if (!rows)
        return;
    free(rows->patient);
    free(rows->date);
    free(rows->type);
    free(rows->route);
    free(rows->drug);
    free(rows->site);
    free(rows->clinician);
    free(rows->therapy);
    free(rows->adverse);
    free(rows->dose_mg);
    free(rows->weight_kg);
    for (int i = 0; i < N_INT_COLS; i++)
        free(rows->score[i]);
    free(rows->conflict);
    free(rows->file);
    free(rows->line);
    strtab_free(rows->patients);
    strtab_free(rows->text);
    memset(rows, 0, sizeof *rows);
}

#define GROW(field)                                                                              \
    do {                                                                                         \
        void *p_ = realloc(rows->field, cap * sizeof *rows->field);                              \
        if (!p_)                                                                                 \
            return -1;                                                                           \
        rows->field = p_;                                                                        \
    } while (0)

int rows_reserve(struct rows *rows, size_t cap)
{
    if (cap <= rows->cap)
        return 0;
    GROW(patient);
    GROW(date);
    GROW(type);
    GROW(route);
    GROW(drug);
    GROW(site);
    GROW(clinician);
    GROW(therapy);
    GROW(adverse);
    GROW(dose_mg);
    GROW(weight_kg);
    for (int i = 0; i < N_INT_COLS; i++)
        GROW(score[i]);
    GROW(conflict);
    GROW(file);
    GROW(line);
    rows->cap = cap;
    return 0;
}

/* Exports repeat a column's value from row to row (a patient's rows, a site's): compare with
 * the previous row's value before hashing. */
static int intern_cached(struct strtab *t, uint32_t *last, const char *s, size_t n, uint32_t *id)
{
    size_t len;
    const char *prev = strtab_get(t, *last, &len);
    if (len == n && memcmp(prev, s, n) == 0) {
        *id = *last;
        return 0;
    }
    if (strtab_intern(t, s, n, id) != 0)
        return -1;
    *last = *id;
    return 0;
}

int rows_push(struct rows *rows, const struct row_stage *st)
{
    if (rows->n == rows->cap && rows_reserve(rows, rows->cap ? rows->cap * 2 : 1024) != 0)
        return -1;
    size_t i = rows->n;
    if (intern_cached(rows->patients, &rows->last[0], st->patient, st->npatient,
                      &rows->patient[i]) != 0)
        return -1;
    rows->date[i] = st->date;
    rows->type[i] = (uint8_t)st->type;
    rows->route[i] = (uint8_t)st->route;
    rows->drug[i] = (uint8_t)st->drug;
    if (intern_cached(rows->text, &rows->last[1], st->site, st->nsite, &rows->site[i]) != 0 ||
        intern_cached(rows->text, &rows->last[2], st->clinician, st->nclinician,
                      &rows->clinician[i]) != 0 ||
        intern_cached(rows->text, &rows->last[3], st->therapy, st->ntherapy,
                      &rows->therapy[i]) != 0 ||
        intern_cached(rows->text, &rows->last[4], st->adverse, st->nadverse,
                      &rows->adverse[i]) != 0)
        return -1;
    rows->dose_mg[i] = st->dose_mg;
    rows->weight_kg[i] = st->weight_kg;
    for (int k = 0; k < N_INT_COLS; k++)
        rows->score[k][i] = st->score[k];
    rows->conflict[i] = 0;
    rows->file[i] = st->file;
    rows->line[i] = st->line;
    rows->n++;
    return 0;
}
