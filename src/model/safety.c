/* safety.c: the safety figures of SPEC section 6 item 7 over the cohort's episodes.
 *  - Sessions are the treatment rows dated from an episode's index date up to (not including)
 *    the next episode's; blood pressure, CADSS and adverse events are read per row.
 *  - Blood pressure: a reading is both values of its pair (one alone is incomplete, SPEC 13); a
 *    pre-dose reading is flagged when systolic >= bp_pre_sys or diastolic >= bp_pre_dia (140/90
 *    by default), a post-dose reading at 180/110; denominators are the rows with that reading.
 *  - SBP rise = sbp_post - sbp_pre where both readings are complete; quantiles as R type 7, computed
 *    from counts of the integer values (no per-row storage).
 *  - CADSS by session number (the episode's n-th treatment date; 12 and later pooled).
 *  - Adverse events: the codes of a row split at '|', trimmed, counted as given (case kept),
 *    once per row and once per episode.
 *  - PHQ-9 item 9: every encounter from the baseline window to the end of follow-up. Per episode
 *    (SPEC 13): the baseline value is the latest in the baseline window; resolved = baseline
 *    >= 1 and the last follow-up value 0, over the episodes with baseline >= 1 and a follow-up
 *    value; worsened = baseline 0 and any follow-up value >= 1, over the episodes with
 *    baseline 0 and a follow-up value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "outcomes/vec.h"

#define RISE_MIN (-300) /* sbp_post - sbp_pre lies in [-270, 270]: counted, not stored */
#define RISE_BINS 601
#define CADSS_BINS 93

/* The value of rank k (0-based) among the counted integers. */
static double hist_rank(const long *counts, size_t nbins, int offset, long k)
{
    long seen = 0;
    for (size_t b = 0; b < nbins; b++) {
        seen += counts[b];
        if (seen > k)
            return (double)((int)b + offset);
    }
    return NAN;
}

/* Quantile as R type 7 of n integers given by their counts. */
static double hist_quantile(const long *counts, size_t nbins, int offset, long n, double prob)
{
    if (n <= 0)
        return NAN;
    double h = (double)(n - 1) * prob;
    long lo = (long)floor(h);
    double x0 = hist_rank(counts, nbins, offset, lo);
    if (lo + 1 >= n)
        return x0;
    return x0 + (h - (double)lo) * (hist_rank(counts, nbins, offset, lo + 1) - x0);
}

/* The adverse-event codes of each distinct adverse_events text (an id in rows.text), split
 * once: list[first[t] .. first[t] + count[t]) are indices into s->ae_code. Codes are interned
 * in tab (id = index + 1), so a lookup is a hash probe however many codes an export has. */
struct ae_memo {
    uint32_t *first, *count; /* by text id; count UINT32_MAX: not split yet */
    uint32_t *list;
    size_t nlist;
    struct strtab *tab;
};

/* The blanks a value is trimmed of when read (space, tab, CR, LF: ingest_trim); a code is
 * trimmed of the same, so that a code of line breaks only is no code, as such a value is none. */
static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Splits text id t at '|' into trimmed, non-empty codes, adding new codes to s. */
static int ae_split(struct ae_memo *m, struct safety *s, const struct rows *r, uint32_t t)
{
    size_t len;
    const char *ae = strtab_get(r->text, t, &len);
    m->first[t] = (uint32_t)m->nlist;
    m->count[t] = 0;
    for (size_t q = 0; q < len;) {
        size_t end = q;
        while (end < len && ae[end] != '|')
            end++;
        size_t b0 = q, b1 = end;
        while (b0 < b1 && is_blank(ae[b0]))
            b0++;
        while (b1 > b0 && is_blank(ae[b1 - 1]))
            b1--;
        q = end + 1;
        if (b1 == b0)
            continue;
        uint32_t before = strtab_count(m->tab), id;
        if (strtab_intern(m->tab, ae + b0, b1 - b0, &id) != 0)
            return -1;
        if (strtab_count(m->tab) != before) { /* a new code */
            if (vec_reserve(&s->ae_code, s->nae, sizeof *s->ae_code) != 0 ||
                vec_reserve(&s->ae_sessions, s->nae, sizeof *s->ae_sessions) != 0 ||
                vec_reserve(&s->ae_episodes, s->nae, sizeof *s->ae_episodes) != 0)
                return -1;
            char *c = malloc(b1 - b0 + 1);
            if (!c)
                return -1;
            memcpy(c, ae + b0, b1 - b0);
            c[b1 - b0] = '\0';
            s->ae_code[s->nae] = c;
            s->ae_sessions[s->nae] = 0;
            s->ae_episodes[s->nae] = 0;
            s->nae++;
        }
        if (vec_reserve(&m->list, m->nlist, sizeof *m->list) != 0)
            return -1;
        m->list[m->nlist++] = id - 1;
        m->count[t]++;
    }
    return 0;
}

/* Under suppression (SPEC 9): codes seen in fewer than N sessions (and a code "other") are
 * pooled as "other", with the sessions and episodes that list any of them (a second pass over
 * the cohort's treatment rows, whose texts the memo has split). */
static int ae_pool(const struct rows *r, const size_t *pstart, const struct analysis *a,
                   struct safety *s, const struct ae_memo *m)
{
    long below = a->opts.suppress_below;
    if (below <= 1 || s->nae == 0)
        return 0;
    uint8_t *rare = calloc(s->nae, 1);
    if (!rare)
        return -1;
    size_t nrare = 0;
    for (size_t k = 0; k < s->nae; k++) {
        rare[k] = s->ae_sessions[k] < below || strcmp(s->ae_code[k], "other") == 0;
        nrare += rare[k];
    }
    if (nrare == 0) {
        free(rare);
        return 0;
    }
    long osess = 0, oep = 0;
    size_t p = 0;
    for (size_t ei = 0; ei < a->nepisodes; ei++) {
        const struct episode *e = &a->episodes[ei];
        if (!e->in_cohort)
            continue;
        while (r->patient[pstart[p]] != e->patient)
            p++;
        int any = 0;
        for (size_t i = pstart[p]; i < pstart[p + 1]; i++) {
            if (r->type[i] != SESSION_TREATMENT || r->date[i] < e->index_date ||
                r->date[i] >= e->next_index)
                continue;
            uint32_t t = r->adverse[i];
            int row = 0;
            for (uint32_t q = 0; m->count[t] != UINT32_MAX && q < m->count[t]; q++)
                row |= rare[m->list[m->first[t] + q]];
            osess += row;
            any |= row;
        }
        oep += any;
    }
    char *other = malloc(6);
    if (!other) {
        free(rare);
        return -1;
    }
    memcpy(other, "other", 6);
    size_t n = 0;
    for (size_t k = 0; k < s->nae; k++) {
        if (rare[k]) {
            free(s->ae_code[k]);
            continue;
        }
        s->ae_code[n] = s->ae_code[k];
        s->ae_sessions[n] = s->ae_sessions[k];
        s->ae_episodes[n] = s->ae_episodes[k];
        n++;
    }
    s->ae_code[n] = other; /* n < nae: at least one code was pooled */
    s->ae_sessions[n] = osess;
    s->ae_episodes[n] = oep;
    s->nae = n + 1;
    free(rare);
    return 0;
}

/* Sorts the codes by bytes, carrying their counts. */
struct ae_entry {
    char *code;
    long sessions, episodes;
};

static int ae_entry_cmp(const void *x, const void *y)
{
    return strcmp(((const struct ae_entry *)x)->code, ((const struct ae_entry *)y)->code);
}

static int ae_sort(struct safety *s)
{
    if (s->nae < 2)
        return 0;
    struct ae_entry *v = malloc(s->nae * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < s->nae; i++)
        v[i] = (struct ae_entry){s->ae_code[i], s->ae_sessions[i], s->ae_episodes[i]};
    qsort(v, s->nae, sizeof *v, ae_entry_cmp); /* codes are distinct: no ties */
    for (size_t i = 0; i < s->nae; i++) {
        s->ae_code[i] = v[i].code;
        s->ae_sessions[i] = v[i].sessions;
        s->ae_episodes[i] = v[i].episodes;
    }
    free(v);
    return 0;
}

int model_safety(const struct rows *r, const size_t *pstart, const struct analysis *a,
                 struct safety *s)
{
    const struct model_opts *o = &a->opts;
    int rc = -1;
    memset(s, 0, sizeof *s);
    s->cadss_nsessions = 12;
    long *rise = calloc(RISE_BINS, sizeof *rise);
    long (*cadss)[CADSS_BINS] = calloc(12, sizeof *cadss);
    size_t maxrows = 1;
    for (size_t q = 0; pstart[q] < r->n; q++)
        if (pstart[q + 1] - pstart[q] > maxrows)
            maxrows = pstart[q + 1] - pstart[q];
    struct dated_score *item9 = malloc(maxrows * sizeof *item9);
    long *seen = NULL; /* per code: the last episode and row that listed it (+1) */
    size_t seen_cap = 0;
    double rise_sum = 0;
    long resolved_n = 0, resolved = 0, worsened_n = 0, worsened = 0;
    uint32_t ntext = strtab_count(r->text);
    struct ae_memo memo = {malloc(ntext * sizeof *memo.first), malloc(ntext * sizeof *memo.count),
                           NULL, 0, strtab_new()};
    if (!rise || !cadss || !item9 || !memo.first || !memo.count || !memo.tab)
        goto out;
    memset(memo.count, 0xff, ntext * sizeof *memo.count);
    size_t p = 0;
    for (size_t ei = 0; ei < a->nepisodes; ei++) {
        const struct episode *e = &a->episodes[ei];
        if (!e->in_cohort)
            continue;
        s->episodes++;
        while (r->patient[pstart[p]] != e->patient)
            p++;
        size_t ra = pstart[p], rb = pstart[p + 1];
        int session = 0;
        int32_t last_tdate = -1;
        int any_ae = 0;
        for (size_t i = ra; i < rb; i++) {
            if (r->type[i] != SESSION_TREATMENT || r->date[i] < e->index_date ||
                r->date[i] >= e->next_index)
                continue;
            if (r->date[i] != last_tdate) {
                session++;
                last_tdate = r->date[i];
            }
            s->sessions++;
            int sp = r->score[INT_INDEX(COL_SBP_PRE)][i], dp = r->score[INT_INDEX(COL_DBP_PRE)][i];
            int sq = r->score[INT_INDEX(COL_SBP_POST)][i],
                dq = r->score[INT_INDEX(COL_DBP_POST)][i];
            /* a reading is both values of its pair: one alone is incomplete (SPEC 13) */
            int pre = sp >= 0 && dp >= 0, post = sq >= 0 && dq >= 0;
            if (pre) {
                s->bp_pre_n++;
                s->bp_pre_high += sp >= o->bp_pre_sys || dp >= o->bp_pre_dia;
            }
            if (post) {
                s->bp_post_n++;
                s->bp_post_high += sq >= o->bp_post_sys || dq >= o->bp_post_dia;
            }
            if (pre && post) {
                int d = sq - sp;
                rise[d - RISE_MIN]++;
                rise_sum += d;
                s->sbp_rise_n++;
                int bin = d < 0 ? 0 : d >= 60 ? 7 : 1 + d / 10;
                s->sbp_rise_hist[bin]++;
            }
            int c = r->score[INT_INDEX(COL_CADSS)][i];
            if (c >= 0) {
                s->cadss_n++;
                s->cadss_above += c > o->cadss_above;
                int k = session > 12 ? 11 : session - 1;
                cadss[k][c]++;
                s->cadss_by_session_n[k]++;
            }
            uint32_t t = r->adverse[i];
            if (memo.count[t] == UINT32_MAX && ae_split(&memo, s, r, t) != 0)
                goto out;
            int row_any = memo.count[t] > 0;
            for (uint32_t q = 0; q < memo.count[t]; q++) {
                size_t k = memo.list[memo.first[t] + q];
                if (k >= seen_cap) {
                    size_t nc = k * 2 + 8;
                    long *ns = realloc(seen, nc * 2 * sizeof *ns);
                    if (!ns)
                        goto out;
                    memset(ns + seen_cap * 2, 0, (nc - seen_cap) * 2 * sizeof *ns);
                    seen = ns;
                    seen_cap = nc;
                }
                /* seen[2k]: last episode (+1) counted; seen[2k+1]: last row (+1) counted */
                if (seen[2 * k + 1] != (long)i + 1) {
                    seen[2 * k + 1] = (long)i + 1;
                    s->ae_sessions[k]++;
                }
                if (seen[2 * k] != (long)ei + 1) {
                    seen[2 * k] = (long)ei + 1;
                    s->ae_episodes[k]++;
                }
            }
            s->ae_any_sessions += row_any;
            any_ae |= row_any;
        }
        s->ae_any_episodes += any_ae;
        /* item 9 over the baseline window and follow-up */
        size_t n9 = model_usable_scores(r, ra, rb, COL_PHQ9_ITEM9, item9);
        int64_t from = (int64_t)e->index_date - o->baseline_window;
        int64_t to = e->next_index == INT32_MAX ? INT64_MAX
                                                 : (int64_t)e->next_index - o->baseline_window;
        int base9 = -1, last9 = -1, max9 = -1;
        for (size_t k = 0; k < n9; k++) {
            int64_t dd = item9[k].date;
            if (dd < from || dd >= to)
                continue;
            s->item9_n++;
            s->item9_ge1 += item9[k].score >= 1;
            s->item9_ge2 += item9[k].score >= 2;
            if (dd <= e->index_date)
                base9 = item9[k].score;
            else {
                last9 = item9[k].score;
                max9 = last9 > max9 ? last9 : max9;
            }
        }
        if (base9 >= 1 && last9 >= 0) {
            resolved_n++;
            resolved += last9 == 0;
        } else if (base9 == 0 && last9 >= 0) {
            worsened_n++;
            worsened += max9 >= 1;
        }
    }
    s->item9_resolved = stats_proportion(resolved, resolved_n, o->ci);
    s->item9_worsened = stats_proportion(worsened, worsened_n, o->ci);
    long nr = s->sbp_rise_n;
    s->sbp_rise_min = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 0);
    s->sbp_rise_q1 = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 0.25);
    s->sbp_rise_median = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 0.5);
    s->sbp_rise_q3 = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 0.75);
    s->sbp_rise_max = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 1);
    s->sbp_rise_mean = nr ? rise_sum / (double)nr : NAN;
    for (int k = 0; k < 12; k++) {
        long n = s->cadss_by_session_n[k];
        s->cadss_by_session_q1[k] = hist_quantile(cadss[k], CADSS_BINS, 0, n, 0.25);
        s->cadss_by_session_median[k] = hist_quantile(cadss[k], CADSS_BINS, 0, n, 0.5);
        s->cadss_by_session_q3[k] = hist_quantile(cadss[k], CADSS_BINS, 0, n, 0.75);
    }
    if (ae_pool(r, pstart, a, s, &memo) != 0 || ae_sort(s) != 0)
        goto out;
    rc = 0;
out:
    free(memo.first);
    free(memo.count);
    free(memo.list);
    strtab_free(memo.tab);
    free(rise);
    free(cadss);
    free(item9);
    free(seen);
    if (rc)
        model_safety_fini(s);
    return rc;
}

void model_safety_fini(struct safety *s)
{
    for (size_t i = 0; i < s->nae; i++)
        free(s->ae_code[i]);
    free(s->ae_code);
    free(s->ae_sessions);
    free(s->ae_episodes);
    s->ae_code = NULL;
    s->ae_sessions = s->ae_episodes = NULL;
    s->nae = 0;
}
