/* safety.c: the safety figures of SPEC section 6 item 7 over the cohort's episodes.
 *  - Sessions are the treatment rows dated from an episode's index date up to (not including)
 *    the next episode's; blood pressure, CADSS and adverse events are read per row.
 *  - Blood pressure: a pre-dose reading is flagged when systolic >= bp_pre_sys or diastolic >=
 *    bp_pre_dia (140/90 by default), a post-dose reading at 180/110; denominators are the rows
 *    with at least one reading of that kind.
 *  - SBP rise = sbp_post - sbp_pre where both are recorded; quantiles as R type 7, computed
 *    from counts of the integer values (no per-row storage).
 *  - CADSS by session number (the episode's n-th treatment date; 12 and later pooled).
 *  - Adverse events: the codes of a row split at '|', trimmed, counted as given (case kept),
 *    once per row and once per episode.
 *  - PHQ-9 item 9: every encounter from the baseline window to the end of follow-up; an
 *    episode's item 9 resolved when its baseline-window value was >= 1 and its last follow-up
 *    value is 0, worsened when the last is above the baseline value. */
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
 * once: list[first[t] .. first[t] + count[t]) are codes (ids in tab, minus 1). Codes are
 * interned in tab (id = index + 1), so a lookup is a hash probe however many codes an export
 * has; their counts are 4 words a code, and only the codes listed are copied out at the end
 * (README "Definitions": at most MODEL_AE_LISTED codes, the rest pooled as "other"). */
struct ae_memo {
    uint32_t *first, *count; /* by text id; count UINT32_MAX: not split yet */
    uint32_t *list;
    size_t nlist;
    struct strtab *tab;
    /* by code: sessions and episodes listing it, and the last row and episode counted (+1) */
    uint32_t *sess, *eps, *seen_row, *seen_ep;
    size_t ncodes, cap;
};

/* The blanks a value is trimmed of when read (space, tab, CR, LF: ingest_trim); a code is
 * trimmed of the same, so that a code of line breaks only is no code, as such a value is none. */
static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int grow_codes(struct ae_memo *m)
{
    if (m->ncodes < m->cap)
        return 0;
    size_t nc = m->cap ? m->cap * 2 : 64;
    uint32_t **v[4] = {&m->sess, &m->eps, &m->seen_row, &m->seen_ep};
    for (int k = 0; k < 4; k++) {
        uint32_t *n = realloc(*v[k], nc * sizeof *n);
        if (!n)
            return -1;
        *v[k] = n;
    }
    m->cap = nc;
    return 0;
}

/* Splits text id t at '|' into trimmed, non-empty codes, interning new ones. */
static int ae_split(struct ae_memo *m, const struct rows *r, uint32_t t)
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
            if (grow_codes(m) != 0)
                return -1;
            m->sess[m->ncodes] = m->eps[m->ncodes] = 0;
            m->seen_row[m->ncodes] = m->seen_ep[m->ncodes] = 0;
            m->ncodes++;
        }
        if (vec_reserve(&m->list, m->nlist, sizeof *m->list) != 0)
            return -1;
        m->list[m->nlist++] = id - 1;
        m->count[t]++;
    }
    return 0;
}

static const char *code_text(const struct ae_memo *m, size_t k)
{
    size_t len;
    return strtab_get(m->tab, (uint32_t)k + 1, &len);
}

/* 1 when code a comes before code b in the listing's choice: more sessions, then bytes. */
static int ae_before(const struct ae_memo *m, size_t a, size_t b)
{
    if (m->sess[a] != m->sess[b])
        return m->sess[a] > m->sess[b];
    return strcmp(code_text(m, a), code_text(m, b)) < 0;
}

/* The heap of the best codes so far, its root the one that would go first (the last in the
 * choice): a sift down from i over n entries. */
static void heap_down(const struct ae_memo *m, size_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, w = i;
        if (l < n && ae_before(m, h[w], h[l]))
            w = l;
        if (l + 1 < n && ae_before(m, h[w], h[l + 1]))
            w = l + 1;
        if (w == i)
            return;
        size_t t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

static int code_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The codes listed: the MODEL_AE_LISTED most frequent (by sessions, ties in byte order), in
 * byte order, then "other" when any code is left out: under suppression (SPEC 9) those seen in
 * fewer than N sessions, and a code named "other", are left out too. "other" counts the sessions
 * and episodes that list any code left out (a second pass over the cohort's treatment rows,
 * whose texts the memo has split) and how many codes it pools. */
static int ae_list(const struct rows *r, const size_t *pstart, const struct analysis *a,
                   struct safety *s, const struct ae_memo *m)
{
    long below = a->opts.suppress_below;
    size_t n = m->ncodes;
    if (n == 0)
        return 0;
    uint8_t *out = malloc(n); /* 1: pooled as "other" */
    size_t *heap = malloc(MODEL_AE_LISTED * sizeof *heap), nh = 0;
    int rc = -1;
    if (!out || !heap)
        goto done;
    for (size_t k = 0; k < n; k++) {
        out[k] = (below > 1 && m->sess[k] < (uint32_t)below) ||
                 strcmp(code_text(m, k), "other") == 0;
        if (out[k])
            continue;
        if (nh < MODEL_AE_LISTED) { /* sift up */
            size_t i = nh++;
            heap[i] = k;
            while (i > 0 && ae_before(m, heap[(i - 1) / 2], heap[i])) {
                size_t p = (i - 1) / 2, t = heap[p];
                heap[p] = heap[i];
                heap[i] = t;
                i = p;
            }
        } else if (ae_before(m, k, heap[0])) {
            out[heap[0]] = 1;
            heap[0] = k;
            heap_down(m, heap, nh, 0);
        } else {
            out[k] = 1;
        }
    }
    size_t npooled = n - nh;
    s->nae = nh + (npooled > 0);
    s->ae_code = calloc(s->nae, sizeof *s->ae_code);
    s->ae_sessions = calloc(s->nae, sizeof *s->ae_sessions);
    s->ae_episodes = calloc(s->nae, sizeof *s->ae_episodes);
    if (!s->ae_code || !s->ae_sessions || !s->ae_episodes)
        goto done;
    for (size_t i = 0; i < nh; i++) {
        const char *c = code_text(m, heap[i]);
        size_t len = strlen(c);
        if (!(s->ae_code[i] = malloc(len + 1)))
            goto done;
        memcpy(s->ae_code[i], c, len + 1);
    }
    qsort(s->ae_code, nh, sizeof *s->ae_code, code_cmp); /* codes are distinct: no ties */
    for (size_t i = 0; i < nh; i++) {
        uint32_t id;
        if (strtab_intern(m->tab, s->ae_code[i], strlen(s->ae_code[i]), &id) != 0)
            goto done; /* (a lookup: every listed code is in tab) */
        s->ae_sessions[i] = m->sess[id - 1];
        s->ae_episodes[i] = m->eps[id - 1];
    }
    if (npooled > 0) {
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
                    row |= out[m->list[m->first[t] + q]];
                osess += row;
                any |= row;
            }
            oep += any;
        }
        if (!(s->ae_code[nh] = malloc(6)))
            goto done;
        memcpy(s->ae_code[nh], "other", 6);
        s->ae_sessions[nh] = osess;
        s->ae_episodes[nh] = oep;
        s->ae_other_codes = (long)npooled;
    }
    rc = 0;
done:
    free(out);
    free(heap);
    return rc;
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
    double rise_sum = 0;
    uint32_t ntext = strtab_count(r->text);
    struct ae_memo memo = {malloc(ntext * sizeof *memo.first), malloc(ntext * sizeof *memo.count),
                           NULL, 0, strtab_new(), NULL, NULL, NULL, NULL, 0, 0};
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
            if (sp >= 0 || dp >= 0) {
                s->bp_pre_n++;
                s->bp_pre_high += sp >= o->bp_pre_sys || dp >= o->bp_pre_dia;
            }
            if (sq >= 0 || dq >= 0) {
                s->bp_post_n++;
                s->bp_post_high += sq >= o->bp_post_sys || dq >= o->bp_post_dia;
            }
            if (sp >= 0 && sq >= 0) {
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
            if (memo.count[t] == UINT32_MAX && ae_split(&memo, r, t) != 0)
                goto out;
            int row_any = memo.count[t] > 0;
            for (uint32_t q = 0; q < memo.count[t]; q++) {
                size_t k = memo.list[memo.first[t] + q];
                if (memo.seen_row[k] != (uint32_t)(i + 1)) {
                    memo.seen_row[k] = (uint32_t)(i + 1);
                    memo.sess[k]++;
                }
                if (memo.seen_ep[k] != (uint32_t)(ei + 1)) {
                    memo.seen_ep[k] = (uint32_t)(ei + 1);
                    memo.eps[k]++;
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
        int base9 = -1, last9 = -1;
        for (size_t k = 0; k < n9; k++) {
            int64_t dd = item9[k].date;
            if (dd < from || dd >= to)
                continue;
            s->item9_n++;
            s->item9_ge1 += item9[k].score >= 1;
            s->item9_ge2 += item9[k].score >= 2;
            if (dd <= e->index_date)
                base9 = item9[k].score;
            else
                last9 = item9[k].score;
        }
        if (base9 >= 0 && last9 >= 0) {
            s->item9_episodes++;
            s->item9_resolved += base9 >= 1 && last9 == 0;
            s->item9_worsened += last9 > base9;
        }
    }
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
    if (ae_list(r, pstart, a, s, &memo) != 0)
        goto out;
    rc = 0;
out:
    free(memo.first);
    free(memo.count);
    free(memo.list);
    strtab_free(memo.tab);
    free(memo.sess);
    free(memo.eps);
    free(memo.seen_row);
    free(memo.seen_ep);
    free(rise);
    free(cadss);
    free(item9);
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
    s->ae_other_codes = 0;
}
