/* quality.c: the accounting of every data row, rejected rows by reason, same-day conflicts,
 * ignored columns, FHIR resources skipped, missing values by column and each input file's
 * shape and counts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

/* The non-zero counts of a group (by reason, by instrument) as a table; hid[] marks counts
 * that suppression hides. With none: "none" under the title when show_none, else nothing. */
static double count_table(struct doc *d, double y, double colw, const char *title,
                          const char *const *names, const long *counts, const uint8_t *hid, int n,
                          int show_none)
{
    char lab[16][64], val[16][32];
    const char *lp[16], *vp[16];
    int k = 0;
    for (int i = 0; i < n && k < 16; i++) {
        if (!counts[i])
            continue;
        snprintf(lab[k], sizeof lab[k], "%s", names[i]);
        snprintf(val[k], sizeof val[k], "%s", C(d, counts[i], hid[i]));
        lp[k] = lab[k];
        vp[k] = val[k];
        k++;
    }
    if (k)
        return label_table(d, 36, y + 4, colw, title, lp, vp, k);
    if (!show_none)
        return y;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 1, 10, 36, y + 4, 0, title);
    render_text(d->cr, &d->f, 0, 8.5, 36, y + 18, 0, "none");
    return y + 30;
}

/* The left column of width colw: the accounting of the rows, rejected rows by reason and
 * same-day conflicts by column; returns the y after them. */
static double accounting(struct doc *d, double colw)
{
    const struct analysis *a = d->a;
    const struct report_input *in = d->in;
    char v[6][96];
    snprintf(v[0], sizeof v[0], "%s", F(d, F_ROWS_READ));
    snprintf(v[1], sizeof v[1], "%s", F(d, F_ACCEPTED));
    snprintf(v[2], sizeof v[2], "%s", F(d, F_REJECTED));
    snprintf(v[3], sizeof v[3], "%s", F(d, F_DUPLICATE));
    snprintf(v[4], sizeof v[4], "%s",
             C(d, in->conflicting_same_day_scores, a->disc.conflicts_total));
    {
        /* the files by shape (SPEC section 16): "2 (1 wide, 1 long)" */
        size_t nshape[3] = {0, 0, 0}, o = 0;
        for (size_t f = 0; f < in->nfiles; f++)
            nshape[in->files[f].shape >= 0 && in->files[f].shape < 3 ? in->files[f].shape : 0]++;
        o += (size_t)snprintf(v[5], sizeof v[5], "%zu (", in->nfiles);
        for (int k = 0, first = 1; k < 3 && o < sizeof v[5]; k++)
            if (nshape[k]) {
                o += (size_t)snprintf(v[5] + o, sizeof v[5] - o, "%s%zu %s", first ? "" : ", ",
                                      nshape[k], ingest_shape_name(k));
                first = 0;
            }
        if (o < sizeof v[5])
            snprintf(v[5] + o, sizeof v[5] - o, ")");
    }
    const char *l[6] = {"rows read",
                        "accepted",
                        "rejected or set aside (after the as-of date)",
                        "exact duplicates (counted once)",
                        "conflicting same-day scores (patient, date, instrument)",
                        "files"};
    const char *vp[6] = {v[0], v[1], v[2], v[3], v[4], v[5]};
    double y = label_table(d, 36, 80, colw, "Accounting", l, vp, d->f.suppress_below > 1 ? 5 : 6);
    const uint8_t *hr = a->disc.rejected_by_reason, *hc = a->disc.conflicts_by_col;
    const char *reason_names[REASON_COUNT], *conflict_names[N_CONFLICT_COLS];
    for (int r = 0; r < REASON_COUNT; r++)
        reason_names[r] = ingest_reason_name(r);
    for (int k = 0; k < N_CONFLICT_COLS; k++)
        conflict_names[k] = ingest_col_name((enum col)(COL_PHQ9 + k));
    y = count_table(d, y, colw, "Rejected rows by reason", reason_names, in->rejected_by_reason, hr,
                    REASON_COUNT, 1);
    return count_table(d, y, colw, "Conflicting same-day scores (not used)", conflict_names,
                       in->conflicts_by_col, hc, N_CONFLICT_COLS, 0);
}

/* The header names that were ignored from y, then the FHIR resources skipped. */
static void ignored(struct doc *d, double y, double colw)
{
    const struct analysis *a = d->a;
    const struct report_input *in = d->in;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 1, 10, 36, y + 4, 0, "Columns ignored (not in the input table)");
    char unk[1200] = "", name[TEXT_ROOM(40)];
    size_t o = 0, shown = 0;
    for (; shown < in->nunknown; shown++) { /* each name whole, 40 characters at most */
        text_display(name, sizeof name, in->unknown[shown], 40);
        if (o + strlen(name) + 2 >= sizeof unk - 80)
            break;
        o += (size_t)snprintf(unk + o, sizeof unk - o, "%s%s", shown ? ", " : "", name);
    }
    if (in->nunknown == 0)
        snprintf(unk, sizeof unk, "none");
    else if (shown < in->nunknown)
        snprintf(unk + o, sizeof unk - o, " and more (results.json lists all %zu)", in->nunknown);
    double yu = render_paragraph(d->cr, &d->f, 8.5, 36, y + 18, colw, unk);
    { /* FHIR resources that are not rows (README "FHIR"), unless a file's count is withheld */
        long sk[3] = {0, 0, 0};
        int any = 0, withheld = 0;
        for (size_t f = 0; f < in->nfiles; f++) {
            if (in->files[f].shape != SHAPE_FHIR)
                continue;
            any = 1;
            withheld |= a->disc.file_rows[f];
            sk[0] += in->files[f].fhir.skipped_other_type;
            sk[1] += in->files[f].fhir.skipped_other_code;
            sk[2] += in->files[f].fhir.skipped_other_drug;
        }
        if (any && !withheld) {
            char fs[240];
            snprintf(fs, sizeof fs,
                     "FHIR resources skipped (not rows): %ld of another type, %ld Observations "
                     "without a LOINC code of the instrument table, %ld administrations of "
                     "another drug.",
                     sk[0], sk[1], sk[2]);
            render_paragraph(d->cr, &d->f, 8.5, 36, yu + 6, colw, fs);
        }
    }
}

/* The right column at x: missing values by column, and treatment sessions without a score of
 * the primary instrument. */
static void missing_values(struct doc *d, double x, double colw)
{
    const struct analysis *a = d->a;
    render_text(d->cr, &d->f, 1, 10, x, 80, 0, "Missing values by column (accepted rows)");
    const char *short_names[N_INT_COLS]; /* the columns the table counts (columns.h) */
    double mv[N_INT_COLS];
    uint8_t mh[N_INT_COLS];
    int nm = 0;
    for (int k = 0; k < N_INT_COLS; k++) {
        if (!ingest_columns[COL_FIRST_INT + k].dq_missing)
            continue;
        short_names[nm] = ingest_columns[COL_FIRST_INT + k].short_name;
        mv[nm] = a->dq.missing_n ? 100.0 * (double)a->dq.missing[k] / (double)a->dq.missing_n : 0;
        mh[nm] = a->disc.missing[k].events ? a->disc.missing[k].events : a->disc.missing[k].rate;
        nm++;
    }
    render_bars(d->cr, &d->f, (struct box){x, 88, colw, 220}, short_names, mv, mh, nm,
                "rows without a value (%)", 1);
    char t[200];
    if (hidden(a->disc.without_score) || a->disc.treatment_sessions)
        snprintf(t, sizeof t, "%s of %s treatment sessions have no %s score.",
                 C(d, a->dq.treatment_without_primary, a->disc.without_score.events),
                 C(d, a->dq.treatment_sessions, a->disc.treatment_sessions),
                 instrument_label(a->opts.instrument));
    else
        snprintf(t, sizeof t,
                 "%ld of %ld treatment sessions have no %s score (%.1f%%). Assessment rows "
                 "record only the scores taken, so other columns are often empty by design.",
                 a->dq.treatment_without_primary, a->dq.treatment_sessions,
                 instrument_label(a->opts.instrument),
                 a->dq.treatment_sessions ? 100.0 * (double)a->dq.treatment_without_primary /
                                                (double)a->dq.treatment_sessions
                                          : 0.0);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_paragraph(d->cr, &d->f, 8.5, x, 330, colw, t);
}

/* The input files from y at x: each file's name, shape and part of the accounting (README
 * "Outputs", data_quality.files), as many as fit above the footer. */
static void input_files(struct doc *d, double x, double y, double colw)
{
    const struct report_input *in = d->in;
    const struct disclosure *k = &d->a->disc;
    cairo_t *cr = d->cr;
    static const char *const head[6] = {"file",     "shape",    "rows read",
                                        "accepted", "rejected", "duplicate"};
    const double num_w = 46, shape_w = 34, name_w = colw - shape_w - 4 * num_w;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, x, y, 0, "Input files (shape and rows)");
    y += 14;
    for (int c = 0; c < 6; c++) /* column heads: the name left, the counts right-aligned */
        render_text(cr, &d->f, 1, 7.5,
                    c == 0   ? x + 4
                    : c == 1 ? x + name_w
                             : x + name_w + shape_w + num_w * c - num_w - 4,
                    y, c < 2 ? 0 : 1, head[c]);
    y += 12;
    size_t fit = (size_t)((d->h - 60 - y) / 12), shown = in->nfiles;
    if (shown > fit)
        shown = fit > 0 ? fit - 1 : 0; /* the last line says how many more */
    for (size_t f = 0; f < shown; f++) {
        const struct ingest_file *fl = &in->files[f];
        if (f % 2 == 0) {
            cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
            cairo_rectangle(cr, x, y - 9, colw, 12);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        /* a path too long for its column: its end, after an ellipsis (the file name and its
         * number tell files apart; results.json has the path whole) */
        const char *name = fl->path;
        char tail[TEXT_ROOM(64) + 4];
        if (render_text_width(cr, &d->f, 0, 8, name) > name_w - 8) {
            size_t len = strlen(name), from = len > 64 ? len - 64 : 0;
            for (;;) {
                while (from < len && ((unsigned char)name[from] & 0xC0) == 0x80)
                    from++; /* a character boundary */
                snprintf(tail, sizeof tail, "\xe2\x80\xa6%s", name + from);
                if (from >= len || render_text_width(cr, &d->f, 0, 8, tail) <= name_w - 8)
                    break;
                from++;
            }
            name = tail;
        }
        render_label(cr, &d->f, 0, 8, x + 4, y, 0, name_w - 8, TEXT_ALL, name);
        render_text(cr, &d->f, 0, 8, x + name_w, y, 0,
                    fl->shape == SHAPE_FHIR ? "FHIR" : ingest_shape_name(fl->shape));
        const long v[4] = {fl->rows_read, fl->rows_accepted, fl->rows_rejected, fl->rows_duplicate};
        const int w[4] = {k->file_rows[f], k->files[f].accepted, k->files[f].rejected,
                          k->files[f].duplicate};
        for (int c = 0; c < 4; c++)
            render_text(cr, &d->f, 0, 8, x + name_w + shape_w + num_w * (c + 1) - 4, y, 1,
                        C(d, v[c], w[c]));
        y += 12;
    }
    if (shown < in->nfiles) {
        char more[96];
        snprintf(more, sizeof more, "and %zu more files (results.json lists each)",
                 in->nfiles - shown);
        render_text(cr, &d->f, 0, 8, x + 4, y, 0, more);
    }
}

static void draw_quality(struct doc *d)
{
    page_begin(
        d, d->in->each_by /* a --each sub-report: these are the export's rows */
               ? (d->f.suppress_below > 1
                      ? "The whole export's rows, not this report's alone: read = accepted "
                        "+ rejected + duplicate. rejects.csv is not written when small "
                        "counts are suppressed."
                      : "The whole export's rows, not this report's alone: read = accepted "
                        "+ rejected + duplicate. rejects.csv lists the export's rejects.")
               : d->f.suppress_below > 1
                     ? "Every data row is accounted for: read = accepted + rejected + duplicate. "
                       "rejects.csv is not written when small counts are suppressed."
                     : "Every data row is accounted for: read = accepted + rejected + duplicate. "
                       "Rejected rows are listed with their line in rejects.csv.");
    double colw = (d->w - 72 - 30) / 2;
    ignored(d, accounting(d, colw), colw);
    missing_values(d, 36 + colw + 30, colw); /* missing scores */
    input_files(d, 36 + colw + 30, 372, colw);
    page_end(d);
}

const struct page_info page_quality = {"Data quality", draw_quality};
