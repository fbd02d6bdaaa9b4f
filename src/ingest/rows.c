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

int rows_push(struct rows *rows, const struct row_stage *st)
{
    if (rows->n == rows->cap && rows_reserve(rows, rows->cap ? rows->cap * 2 : 1024) != 0)
        return -1;
    size_t i = rows->n;
    uint32_t id;
    if (strtab_intern(rows->patients, st->patient, st->npatient, &id) != 0)
        return -1;
    rows->patient[i] = id;
    rows->date[i] = st->date;
    rows->type[i] = (uint8_t)st->type;
    rows->route[i] = (uint8_t)st->route;
    rows->drug[i] = (uint8_t)st->drug;
    if (strtab_intern(rows->text, st->site, st->nsite, &rows->site[i]) != 0 ||
        strtab_intern(rows->text, st->clinician, st->nclinician, &rows->clinician[i]) != 0 ||
        strtab_intern(rows->text, st->therapy, st->ntherapy, &rows->therapy[i]) != 0 ||
        strtab_intern(rows->text, st->adverse, st->nadverse, &rows->adverse[i]) != 0)
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
