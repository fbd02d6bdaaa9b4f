/* safety.c: blood pressure, dissociation (CADSS), PHQ-9 item 9 and adverse events of the
 * period's treatment sessions. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outcomes/text.h"
#include "pages.h"

static void share(struct doc *d, char *buf, size_t n, long x, long of, struct disc_prop dp)
{
    if (of == 0)
        snprintf(buf, n, "none measured");
    else if (hidden(dp))
        snprintf(buf, n, "%s of %s", C(d, x, dp.events), C(d, of, dp.n));
    else
        snprintf(buf, n, "%ld of %ld (%.1f%%)", x, of, 100.0 * (double)x / (double)of);
}

/* The tables of blood pressure and dissociation, and of PHQ-9 item 9, in the left column of
 * width colw; returns the y after them. */
static double vitals_tables(struct doc *d, double colw)
{
    const struct analysis *a = d->a;
    const struct safety *s = &a->safety;
    const struct disclosure *dc = &a->disc;
    char v[8][96], l0[64], l1[64];
    snprintf(l0, sizeof l0, "pre-dose BP >= %d/%d", a->opts.bp_pre_sys, a->opts.bp_pre_dia);
    snprintf(l1, sizeof l1, "post-dose BP >= %d/%d", a->opts.bp_post_sys, a->opts.bp_post_dia);
    share(d, v[0], sizeof v[0], s->bp_pre_high, s->bp_pre_n, dc->bp_pre);
    share(d, v[1], sizeof v[1], s->bp_post_high, s->bp_post_n, dc->bp_post);
    if (dc->sbp_rise_stats || dc->sbp_rise_n)
        snprintf(v[2], sizeof v[2], "suppressed, n %s", C(d, s->sbp_rise_n, dc->sbp_rise_n));
    else if (s->sbp_rise_n)
        snprintf(v[2], sizeof v[2], "median %+.0f (IQR %+.0f to %+.0f), n %ld",
                 s->sbp_rise_median, s->sbp_rise_q1, s->sbp_rise_q3, s->sbp_rise_n);
    else
        snprintf(v[2], sizeof v[2], "none measured");
    share(d, v[3], sizeof v[3], s->cadss_above, s->cadss_n, dc->cadss_above);
    char l3[64];
    snprintf(l3, sizeof l3, "sessions with CADSS above %d", a->opts.cadss_above);
    const char *labels[4] = {l0, l1, "SBP rise after the dose (mmHg)", l3};
    const char *values[4] = {v[0], v[1], v[2], v[3]};
    double y = label_table(d, 36, 80, colw, "Blood pressure and dissociation", labels, values, 4);
    share(d, v[4], sizeof v[4], s->item9_ge1, s->item9_n, dc->item9_ge1);
    share(d, v[5], sizeof v[5], s->item9_ge2, s->item9_n, dc->item9_ge2);
    share(d, v[6], sizeof v[6], s->item9_resolved, s->item9_episodes, dc->item9_resolved);
    share(d, v[7], sizeof v[7], s->item9_worsened, s->item9_episodes, dc->item9_worsened);
    const char *l9[4] = {"encounters with item 9 >= 1", "encounters with item 9 >= 2",
                         "episodes: item 9 resolved (baseline >= 1, last 0)",
                         "episodes: item 9 worsened (last above baseline)"};
    const char *v9[4] = {v[4], v[5], v[6], v[7]};
    return label_table(d, 36, y + 6, colw, "PHQ-9 item 9 (thoughts of self-harm)", l9, v9, 4);
}

/* One adverse-event line's value: shares of sessions and episodes (counts when suppression
 * withholds them). */
static void ae_value(struct doc *d, char *buf, size_t n, size_t k)
{
    const struct safety *s = &d->a->safety;
    const struct disclosure *dc = &d->a->disc;
    if (hidden(dc->ae_sessions[k]) || hidden(dc->ae_episodes[k]))
        snprintf(buf, n, "%s sessions, %s episodes",
                 C(d, s->ae_sessions[k], dc->ae_sessions[k].events),
                 C(d, s->ae_episodes[k], dc->ae_episodes[k].events));
    else
        snprintf(buf, n, "%.1f%% of sessions, %.1f%% of episodes",
                 s->sessions ? 100.0 * (double)s->ae_sessions[k] / (double)s->sessions : 0.0,
                 s->episodes ? 100.0 * (double)s->ae_episodes[k] / (double)s->episodes : 0.0);
}

/* The 10 most frequent adverse events (by sessions; ties: byte order) from y, then the codes
 * the model pooled as "other" (beyond the MODEL_AE_LISTED listed, or rare under suppression). */
static void adverse_events(struct doc *d, double y, double colw)
{
    const struct safety *s = &d->a->safety;
    const struct disclosure *dc = &d->a->disc;
    char ael[11][TEXT_ROOM(40)], aev[11][96];
    const char *aelp[11], *aevp[11];
    size_t listed = s->ae_other_codes > 0 ? s->nae - 1 : s->nae; /* "other" is last */
    int nae = 0;
    for (size_t k = 0; k < listed && nae < 10; k++) {
        /* the 10 most frequent, by sessions (ties: byte order) */
        size_t best = listed;
        for (size_t j = 0; j < listed; j++) {
            int used = 0;
            for (int q = 0; q < nae; q++)
                used |= strcmp(aelp[q], s->ae_code[j]) == 0;
            if (!used && (best == listed || s->ae_sessions[j] > s->ae_sessions[best]))
                best = j;
        }
        if (best == listed)
            break;
        text_display(ael[nae], sizeof ael[nae], s->ae_code[best], 40);
        ae_value(d, aev[nae], sizeof aev[nae], best);
        aelp[nae] = s->ae_code[best];
        aevp[nae] = aev[nae];
        nae++;
    }
    for (int k = 0; k < nae; k++)
        aelp[k] = ael[k];
    if (listed < s->nae) {
        snprintf(ael[nae], sizeof ael[nae], "other (%s codes)",
                 C(d, s->ae_other_codes, dc->ae_other_codes));
        ae_value(d, aev[nae], sizeof aev[nae], listed);
        aelp[nae] = ael[nae];
        aevp[nae] = aev[nae];
        nae++;
    }
    if (nae)
        label_table(d, 36, y + 6, colw, "Adverse events (the 10 most frequent)", aelp, aevp, nae);
    else {
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        render_text(d->cr, &d->f, 0, 9, 36, y + 6, 0, "No adverse event recorded.");
    }
}

/* The histogram of the systolic rise after the dose, at x in the right column. */
static void sbp_rise_chart(struct doc *d, double x, double colw)
{
    const struct safety *s = &d->a->safety;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    render_text(d->cr, &d->f, 1, 10, x, 80, 0, "Systolic rise after the dose (sessions)");
    static const char *const bins[8] = {"<0", "0-9", "10-19", "20-29",
                                        "30-39", "40-49", "50-59", ">=60"};
    double hv[8];
    for (int k = 0; k < 8; k++)
        hv[k] = (double)s->sbp_rise_hist[k];
    if (s->sbp_rise_n)
        render_bars(d->cr, &d->f, (struct box){x, 86, colw, 190}, bins, hv,
                    d->a->disc.sbp_rise_hist, 8, "sessions", 0);
    else
        render_empty(d->cr, &d->f, (struct box){x, 86, colw, 190}, "no paired readings");
}

/* Peak CADSS by session number (median and IQR), below the histogram. */
static void cadss_chart(struct doc *d, double x, double colw)
{
    const struct safety *s = &d->a->safety;
    const struct disclosure *dc = &d->a->disc;
    render_text(d->cr, &d->f, 1, 10, x, 300, 0, "Peak CADSS by session number (median, IQR)");
    struct box cb = {x + 40, 310, colw - 46, 160};
    long cn = 0;
    for (size_t k = 0; k < s->cadss_nsessions; k++)
        cn += s->cadss_by_session_n[k];
    if (cn == 0) {
        render_empty(d->cr, &d->f, (struct box){x, 310, colw, 180}, "no CADSS recorded");
    } else {
        double cmax = 0;
        for (size_t k = 0; k < s->cadss_nsessions; k++)
            if (s->cadss_by_session_n[k] && s->cadss_by_session_q3[k] > cmax)
                cmax = s->cadss_by_session_q3[k];
        struct axis ay;
        render_axis_nice(&ay, 0, cmax > 4 ? cmax : 5, 4, cb.y + cb.h, cb.y);
        cairo_t *cr = d->cr;
        char t[32];
        render_hgrid(cr, &d->f, cb, &ay, 0);
        double slot = cb.w / (double)s->cadss_nsessions;
        for (size_t k = 0; k < s->cadss_nsessions; k++) {
            double xx = cb.x + (k + 0.5) * slot;
            snprintf(t, sizeof t, k + 1 == s->cadss_nsessions ? "%zu+" : "%zu", k + 1);
            cairo_set_source_rgb(cr, 0, 0, 0);
            render_text(cr, &d->f, 0, 7.5, xx, cb.y + cb.h + 10, 0.5, t);
            if (!s->cadss_by_session_n[k] || dc->cadss_by_session[k])
                continue;
            render_series_style(cr, 0);
            cairo_set_line_width(cr, 1.2);
            cairo_move_to(cr, xx, render_axis_map(&ay, s->cadss_by_session_q1[k]));
            cairo_line_to(cr, xx, render_axis_map(&ay, s->cadss_by_session_q3[k]));
            cairo_stroke(cr);
            cairo_arc(cr, xx, render_axis_map(&ay, s->cadss_by_session_median[k]), 2.5, 0,
                      2 * RENDER_PI);
            cairo_fill(cr);
        }
        render_frame(cr, cb);
        cairo_set_source_rgb(cr, 0, 0, 0);
        render_text(cr, &d->f, 0, 8.5, cb.x + cb.w / 2, cb.y + cb.h + 22, 0.5,
                    "session number within the episode");
        int wh = 0;
        for (size_t k = 0; k < s->cadss_nsessions; k++)
            wh |= s->cadss_by_session_n[k] > 0 && dc->cadss_by_session[k];
        if (wh) {
            char t2[240];
            snprintf(t2, sizeof t2,
                     "A session without a point: fewer than %d sessions measured, or withheld so "
                     "that a count below %d (such as the drop-outs between two sessions) cannot "
                     "be worked back.",
                     d->f.suppress_below, d->f.suppress_below);
            cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
            render_paragraph(cr, &d->f, 8, x, cb.y + cb.h + 36, colw, t2);
        }
    }
}

static void draw_safety(struct doc *d)
{
    const struct safety *s = &d->a->safety;
    const struct disclosure *dc = &d->a->disc;
    char sub[160];
    snprintf(sub, sizeof sub,
             "Treatment sessions of the period's episodes (%s sessions, %s episodes).",
             C(d, s->sessions, dc->sessions), C(d, s->episodes, dc->episodes));
    page_begin(d, sub);
    double colw = (d->w - 72 - 30) / 2;
    adverse_events(d, vitals_tables(d, colw), colw);
    /* charts on the right */
    double x = 36 + colw + 30;
    sbp_rise_chart(d, x, colw);
    cadss_chart(d, x, colw);
    page_end(d);
}

const struct page_info page_safety = {"Safety", draw_safety};
