/* safety_review.c: the second safety page (SPEC sections 6 and 13): who answered PHQ-9 item 9
 * with a 2 or 3 and were they seen again within the days, did item 9 resolve or worsen, the
 * review list's counts per flag (the list itself is review.csv: patient ids never enter the
 * PDF), adverse events in words with their counts, and peak dissociation (CADSS) by session. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

/* Item 9: the encounters and the episodes' course; returns the y after them. */
static double item9_tables(struct doc *d, struct safety_nums *t, double x, double y, double colw)
{
    const struct analysis *a = d->a;
    const struct safety *s = &a->safety;
    const struct safety_checks *c = &a->checks;
    const struct disclosure *ds = &a->disc;
    const struct disc_checks *dc = &ds->checks;
    int days = a->opts.item9_followup_days;
    char l2[96], l3[96], l4[96], v4[96];
    snprintf(l2, sizeof l2, "of these, seen again within %d days", days);
    snprintf(l3, sizeof l3, "of these, not seen within %d days (listed)", days);
    snprintf(l4, sizeof l4, "not seen, and the %d days not over at the data cut", days);
    struct safety_row v[7] = {{"item 9 = 3 (nearly every day)", "", ""},
                              {"item 9 of 2 or 3", "", ""},
                              {l2, "", ""},
                              {l3, "", ""},
                              {l4, "", ""},
                              {"item 9 of 1 or more", "", ""},
                              {"item 9 without a PHQ-9 total that day (counted)", "", ""}};
    safety_share(d, t, &v[0], c->item9_eq3, s->item9_n, dc->item9_eq3, "encounters");
    safety_share(d, t, &v[1], s->item9_ge2, s->item9_n, ds->item9_ge2, "encounters");
    safety_share(d, t, &v[2], c->item9_followed, s->item9_ge2, dc->item9_followed, "them");
    /* the complement of the followed: its own cell (the flag's count), the followed's n */
    struct disc_prop nf = {dc->flags[RF_ITEM9_NO_FOLLOWUP], dc->item9_followed.n,
                           dc->item9_followed.rate};
    safety_share(d, t, &v[3], s->item9_ge2 - c->item9_followed, s->item9_ge2, nf, "them");
    snprintf(v4, sizeof v4, "%s", safety_count(d, t, c->item9_open, dc->item9_open));
    safety_value(&v[4], v4);
    safety_share(d, t, &v[5], s->item9_ge1, s->item9_n, ds->item9_ge1, "encounters");
    char v6[64];
    snprintf(v6, sizeof v6, "%s",
             safety_count(d, t, c->item9_without_total, dc->item9_without_total));
    safety_value(&v[6], v6);
    y = safety_table(d, x, y, colw, "Who answered item 9 (thoughts of self-harm) with a 2 or 3?", v,
                     7);
    struct safety_row e[2] = {{"resolved: baseline 1 or more, last follow-up 0", "", ""},
                              {"worsened: baseline 0, later 1 or more", "", ""}};
    safety_share(d, t, &e[0], s->item9_resolved.events, s->item9_resolved.n, ds->item9_resolved,
                 "episodes");
    safety_share(d, t, &e[1], s->item9_worsened.events, s->item9_worsened.n, ds->item9_worsened,
                 "episodes");
    return safety_table(d, x, y, colw, "Did item 9 resolve or worsen during the episode?", e, 2);
}

/* The review list: one line per flag with its count, and where the list is. */
static double review_table(struct doc *d, struct safety_nums *t, double x, double y, double colw)
{
    const struct analysis *a = d->a;
    const struct safety_checks *c = &a->checks;
    const struct disc_checks *dc = &a->disc.checks;
    char l[RF_COUNT][128];
    struct safety_row r[RF_COUNT];
    snprintf(l[RF_BP_HOLD_DOSED], sizeof l[0], "bp_hold_dosed: dosed at >= %d/%d",
             a->opts.bp_hold_sys, a->opts.bp_hold_dia);
    snprintf(l[RF_BP_POST_HIGH], sizeof l[0], "bp_post_high: >= %d/%d after the dose",
             a->opts.bp_post_sys, a->opts.bp_post_dia);
    snprintf(l[RF_CADSS_HIGH], sizeof l[0], "cadss_high: peak CADSS above %d", a->opts.cadss_above);
    snprintf(l[RF_ITEM9_3], sizeof l[0], "item9_3: PHQ-9 item 9 = 3");
    snprintf(l[RF_ITEM9_NO_FOLLOWUP], sizeof l[0],
             "item9_no_followup: item 9 of 2 or 3, not seen within %d days",
             a->opts.item9_followup_days);
    snprintf(l[RF_MONITORING_SHORT], sizeof l[0],
             "monitoring_short: intranasal, monitored under 120 minutes");
    snprintf(l[RF_NO_RESPONSE_AFTER_6], sizeof l[0],
             "no_response_after_6: no response after 6 sessions");
    for (int f = 0; f < RF_COUNT; f++) {
        char v[64];
        snprintf(v, sizeof v, "%s %s", safety_count(d, t, c->flags[f], dc->flags[f]),
                 f == RF_NO_RESPONSE_AFTER_6 ? "episodes" : "sessions");
        r[f].label = l[f];
        safety_value(&r[f], v);
    }
    y = safety_table(d, x, y, colw, "The review list: what a clinician should open", r, RF_COUNT);
    char note[320];
    if (a->opts.suppress_below > 1)
        snprintf(note, sizeof note,
                 "The list itself (review.csv) is not written under --suppress-below: it names "
                 "patients. Run the report without suppression to get it.");
    else
        snprintf(note, sizeof note,
                 "The list is review.csv beside this report: %s rows, one per flagged session "
                 "(or episode) with its patient, date, export file and line, sorted by patient.",
                 safety_count(d, t, (long)c->nreview, 0));
    cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
    return render_paragraph(d->cr, &d->f, 8, x, y, colw, note);
}

/* An adverse-event code in words: "blurred_vision" as "blurred vision". */
static void ae_words(char *out, size_t n, const char *code)
{
    char tmp[TEXT_ROOM(40)];
    text_display(tmp, sizeof tmp, code, 40);
    for (char *p = tmp; *p; p++)
        if (*p == '_')
            *p = ' ';
    snprintf(out, n, "%s", tmp);
}

/* The 10 most frequent adverse events (by sessions; ties: byte order) as horizontal bars: the
 * share of sessions, with the sessions and episodes in words beside them. */
static double adverse_chart(struct doc *d, struct safety_nums *t, struct box b)
{
    const struct safety *s = &d->a->safety;
    const struct disclosure *dc = &d->a->disc;
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, b.x, b.y + 10, 0,
                "Adverse events recorded (the 10 most frequent)");
    /* (a code may be any text: at most 40 characters of it, in its display form) */
    /* the 10 most frequent listed codes, then the pooled "other" (last in the model's list,
     * the codes beyond MODEL_AE_LISTED or rare under suppression) */
    size_t listed = s->ae_other_codes > 0 && s->nae > 0 ? s->nae - 1 : s->nae;
    size_t idx[11];
    int n = 0;
    for (; n < 10 && (size_t)n < listed; n++) {
        size_t best = listed;
        for (size_t j = 0; j < listed; j++) {
            int used = 0;
            for (int q = 0; q < n; q++)
                used |= idx[q] == j;
            if (!used && (best == listed || s->ae_sessions[j] > s->ae_sessions[best]))
                best = j;
        }
        idx[n] = best;
    }
    if (listed < s->nae)
        idx[n++] = listed;
    if (n == 0) {
        render_empty(cr, &d->f, (struct box){b.x, b.y + 20, b.w, 60}, "no adverse event recorded");
        return b.y + 90;
    }
    double label_w = 100, text_w = 170, rh = 14;
    struct box p = {b.x + label_w, b.y + 22, b.w - label_w - text_w, rh * n};
    double vmax = 0;
    for (int q = 0; q < n; q++)
        if (!hidden(dc->ae_sessions[idx[q]]) && s->sessions)
            vmax = fmax(vmax, 100.0 * (double)s->ae_sessions[idx[q]] / (double)s->sessions);
    struct axis ax;
    render_axis_nice(&ax, 0, vmax > 0 ? vmax : 10, 4, p.x, p.x + p.w);
    for (int i = 0; i < ax.nticks; i++) { /* vertical grid, labelled under */
        double xx = render_axis_map(&ax, ax.tick[i]);
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_set_line_width(cr, 0.4);
        cairo_move_to(cr, xx, p.y);
        cairo_line_to(cr, xx, p.y + p.h);
        cairo_stroke(cr);
        char tk[16];
        snprintf(tk, sizeof tk, "%.0f%%", ax.tick[i]);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, &d->f, 0, 7.5, xx, p.y + p.h + 10, 0.5, tk);
    }
    for (int q = 0; q < n; q++) {
        size_t k = idx[q];
        double yy = p.y + q * rh;
        char w[TEXT_ROOM(40)], txt[128];
        if (k == listed && listed < s->nae)
            snprintf(w, sizeof w, "other (%s codes)",
                     safety_count(d, t, s->ae_other_codes, dc->ae_other_codes));
        else
            ae_words(w, sizeof w, s->ae_code[k]);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_label(cr, &d->f, 0, 8, b.x, yy + rh - 4, 0, label_w - 6, TEXT_ALL, w);
        struct disc_prop ps = dc->ae_sessions[k], pe = dc->ae_episodes[k];
        if (hidden(ps) || hidden(pe)) {
            snprintf(txt, sizeof txt, "%s sessions, %s episodes",
                     safety_count(d, t, s->ae_sessions[k], ps.events),
                     safety_count(d, t, s->ae_episodes[k], pe.events));
        } else {
            double pct = 100.0 * (double)s->ae_sessions[k] / (double)s->sessions;
            render_series_style(cr, 0);
            cairo_rectangle(cr, p.x, yy + 2, render_axis_map(&ax, pct) - p.x, rh - 4);
            cairo_fill(cr);
            snprintf(txt, sizeof txt, "%s sessions (%.1f %%), %s episodes",
                     safety_count(d, t, s->ae_sessions[k], 0), pct,
                     safety_count(d, t, s->ae_episodes[k], 0));
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, &d->f, 0, 7.5, p.x + p.w + 6, yy + rh - 4, 0, txt);
    }
    render_frame(cr, p);
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 0, 8, p.x + p.w / 2, p.y + p.h + 21, 0.5,
                "% of treatment sessions listing the event");
    char tot[200];
    snprintf(tot, sizeof tot, "Any adverse event: %s sessions, %s episodes.",
             safety_count(d, t, s->ae_any_sessions, dc->ae_any_sessions.events),
             safety_count(d, t, s->ae_any_episodes, dc->ae_any_episodes.events));
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    render_text(cr, &d->f, 0, 8, b.x, p.y + p.h + 33, 0, tot);
    return p.y + p.h + 33;
}

/* Peak CADSS by session number (median and IQR). */
static void cadss_chart(struct doc *d, struct box b)
{
    const struct safety *s = &d->a->safety;
    const struct disclosure *dc = &d->a->disc;
    cairo_t *cr = d->cr;
    char head[120];
    snprintf(head, sizeof head, "Peak CADSS by session number (median, IQR)");
    cairo_set_source_rgb(cr, 0, 0, 0);
    render_text(cr, &d->f, 1, 10, b.x, b.y + 10, 0, head);
    struct box cb = {b.x + 44, b.y + 22, b.w - 50, b.h - 62};
    long cn = 0;
    for (size_t k = 0; k < s->cadss_nsessions; k++)
        cn += s->cadss_by_session_n[k];
    if (cn == 0) {
        render_empty(cr, &d->f, cb, "no CADSS recorded");
        return;
    }
    double cmax = 0;
    for (size_t k = 0; k < s->cadss_nsessions; k++)
        if (s->cadss_by_session_n[k] && !dc->cadss_by_session[k] &&
            s->cadss_by_session_q3[k] > cmax)
            cmax = s->cadss_by_session_q3[k];
    struct axis ay;
    /* the top a multiple of 5 above every drawn quartile (and the threshold line) */
    double top = fmax(cmax, d->a->opts.cadss_above);
    render_axis_nice(&ay, 0, 5 * ceil((top + 1) / 5), 4, cb.y + cb.h, cb.y);
    render_hgrid(cr, &d->f, cb, &ay, 0);
    double slot = cb.w / (double)s->cadss_nsessions;
    char tx[32];
    int wh = 0;
    for (size_t k = 0; k < s->cadss_nsessions; k++) {
        double xx = cb.x + ((double)k + 0.5) * slot;
        snprintf(tx, sizeof tx, k + 1 == s->cadss_nsessions ? "%zu+" : "%zu", k + 1);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, &d->f, 0, 7.5, xx, cb.y + cb.h + 10, 0.5, tx);
        if (!s->cadss_by_session_n[k])
            continue;
        if (dc->cadss_by_session[k]) {
            wh = 1;
            continue;
        }
        render_series_style(cr, 0);
        cairo_set_line_width(cr, 1.2);
        cairo_move_to(cr, xx, render_axis_map(&ay, s->cadss_by_session_q1[k]));
        cairo_line_to(cr, xx, render_axis_map(&ay, s->cadss_by_session_q3[k]));
        cairo_stroke(cr);
        cairo_arc(cr, xx, render_axis_map(&ay, s->cadss_by_session_median[k]), 2.5, 0,
                  2 * RENDER_PI);
        cairo_fill(cr);
    }
    /* the threshold of the review list's cadss_high */
    double ty = render_axis_map(&ay, d->a->opts.cadss_above);
    if (d->a->opts.cadss_above <= ay.hi) {
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr, 0.8);
        const double dash[2] = {3, 2};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, cb.x, ty);
        cairo_line_to(cr, cb.x + cb.w, ty);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        snprintf(tx, sizeof tx, "above %d: listed (cadss_high)", d->a->opts.cadss_above);
        render_text(cr, &d->f, 0, 7.5, cb.x + 3, ty - 3, 0, tx);
    }
    safety_chart_titles(d, b, cb, "peak CADSS (points, 0-92)",
                        wh ? "session number within the episode (no point: withheld, suppression)"
                           : "session number within the episode",
                        22);
    struct safety_nums t = {.i = 0};
    struct safety_row r = {"", "", ""};
    safety_share(d, &t, &r, s->cadss_above, s->cadss_n, dc->cadss_above, "sessions measured");
    char line[240];
    snprintf(line, sizeof line, "Sessions with CADSS above %d: %s%s%s", d->a->opts.cadss_above,
             r.pct, r.pct[0] ? ", " : "", r.cnt);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    render_text(cr, &d->f, 0, 8, b.x, cb.y + cb.h + 34, 0, line);
}

static void draw_safety_review(struct doc *d)
{
    struct safety_nums t = {.i = 0};
    const struct safety *s = &d->a->safety;
    const struct disclosure *dc = &d->a->disc;
    char sub[200];
    snprintf(sub, sizeof sub,
             "PHQ-9 item 9 over every encounter of the period's episodes (%s), and their %s "
             "treatment sessions.",
             safety_count(d, &t, s->item9_n, dc->item9_n),
             safety_count(d, &t, s->sessions, dc->sessions));
    double x2, colw = safety_page_begin(d, sub, &x2);
    double y = item9_tables(d, &t, 36, 80, colw);
    review_table(d, &t, 36, y, colw);
    double bottom = d->h - 40;
    double ya = adverse_chart(d, &t, (struct box){x2, 70, colw, 230}) + 16;
    if (bottom - ya < 200)
        ya = bottom - 200;
    cadss_chart(d, (struct box){x2, ya, colw, bottom - ya});
    page_end(d);
}

const struct page_info page_safety_review = {
    "Safety: self-harm (item 9), side effects, CADSS and the review list", draw_safety_review};
