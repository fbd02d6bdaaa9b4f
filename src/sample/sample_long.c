/* sample_long.c: the sample export in the long shape (SPEC section 16): the wide export that
 * sample_write makes, split into a treatment file and a long score file. Splitting the one
 * export (rather than drawing twice) makes the two shapes the same data by construction, which
 * is what the shape-equivalence test checks end to end. It reads only sample_write's own output
 * (no quotes, one record a line); anything else is refused, not parsed. */
#include "outcomes/sample.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/ingest.h"
#include "outcomes/instruments.h"

/* The field [*pos, end of field) of line s[0..n); advances *pos past the delimiter. */
static void next_field(const char *s, size_t n, size_t *pos, const char **f, size_t *fn)
{
    const char *p = s + *pos;
    const char *comma = memchr(p, ',', n - *pos);
    *f = p;
    *fn = comma ? (size_t)(comma - p) : n - *pos;
    *pos += *fn + (comma ? 1 : 0);
}

/* The name a long row gives an instrument: its LOINC code where the table has one. */
static const char *long_name(int col)
{
    const struct column_info *t = &ingest_columns[col];
    return t->loinc ? t->loinc : t->name;
}

int sample_split_long(FILE *wide, FILE *treatments, FILE *scores, struct diag *d)
{
    int rc = 0, *col = NULL;
    unsigned char *score = NULL; /* per field: a score column (instruments.h) */
    const char **fv = NULL;      /* a line's fields, fl their lengths */
    size_t *fl = NULL;
    size_t nf = 0;
    int f_patient = -1, f_date = -1, f_type = -1, f_site = -1, f_clin = -1;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;
    for (size_t line = 0; (got = getline(&buf, &cap, wide)) >= 0; line++) {
        const char *s = buf;
        size_t len = (size_t)got;
        if (len && s[len - 1] == '\n')
            len--;
        if (memchr(s, '"', len) || memchr(s, '\r', len)) {
            rc = diag_set(d, DIAG_IO, NULL, 0, 0,
                          "the sample's line %zu is quoted: cannot split it", line + 1);
            goto out;
        }
        size_t pos = 0, k = 0;
        const char *f;
        size_t fn;
        if (line == 0) {
            nf = 1;
            for (size_t i = 0; i < len; i++)
                nf += s[i] == ',';
            col = malloc(nf * sizeof *col);
            score = calloc(nf, 1);
            fv = malloc(nf * sizeof *fv);
            fl = malloc(nf * sizeof *fl);
            if (!col || !score || !fv || !fl) {
                rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
                goto out;
            }
            int first = 1;
            for (k = 0; k < nf; k++) {
                char name[64];
                next_field(s, len, &pos, &f, &fn);
                snprintf(name, sizeof name, "%.*s", (int)fn, f);
                col[k] = ingest_col_find(name);
                f_patient = col[k] == COL_PATIENT_ID ? (int)k : f_patient;
                f_date = col[k] == COL_SESSION_DATE ? (int)k : f_date;
                f_type = col[k] == COL_SESSION_TYPE ? (int)k : f_type;
                f_site = col[k] == COL_SITE ? (int)k : f_site;
                f_clin = col[k] == COL_CLINICIAN ? (int)k : f_clin;
                score[k] = col[k] >= 0 && ingest_instrument_lookup(name, fn) != NULL;
                if (!score[k]) {
                    fprintf(treatments, "%s%.*s", first ? "" : ",", (int)fn, f);
                    first = 0;
                }
            }
            fputc('\n', treatments);
            fputs("patient_id,session_date,instrument,score,site,clinician\n", scores);
            if (f_patient < 0 || f_date < 0 || f_type < 0 || f_site < 0 || f_clin < 0) {
                rc = diag_set(d, DIAG_IO, NULL, 0, 0, "the sample lacks a column to split by");
                goto out;
            }
            continue;
        }
        if (len == 0)
            continue;
        /* the fields of this line: exactly the header's number */
        size_t commas = 0;
        for (size_t i = 0; i < len; i++)
            commas += s[i] == ',';
        if (commas + 1 != nf) {
            rc = diag_set(d, DIAG_IO, NULL, 0, 0, "the sample's line %zu has another field count",
                          line + 1);
            goto out;
        }
        for (k = 0; k < nf; k++)
            next_field(s, len, &pos, &fv[k], &fl[k]);
        if (fl[f_type] == 9 && memcmp(fv[f_type], "treatment", 9) == 0) {
            int first = 1;
            for (k = 0; k < nf; k++) {
                if (score[k])
                    continue;
                fprintf(treatments, "%s%.*s", first ? "" : ",", (int)fl[k], fv[k]);
                first = 0;
            }
            fputc('\n', treatments);
        }
        for (k = 0; k < nf; k++)
            if (score[k] && fl[k])
                fprintf(scores, "%.*s,%.*s,%s,%.*s,%.*s,%.*s\n", (int)fl[f_patient], fv[f_patient],
                        (int)fl[f_date], fv[f_date], long_name(col[k]), (int)fl[k], fv[k],
                        (int)fl[f_site], fv[f_site], (int)fl[f_clin], fv[f_clin]);
    }
    if (ferror(wide))
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "cannot read the sample back: %s", strerror(errno));
out:
    free(buf);
    free(col);
    free(score);
    free(fv);
    free(fl);
    return rc;
}
