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

/* ---- adverse events --------------------------------------------------------------------
 * Codes are counted by reference: a code is (text id, offset, length) into rows.text, whose
 * bytes stay put, so no code is copied but the MODEL_AE_LISTED listed at the end. The counters
 * of one pass are bounded (AE_BUDGET bytes): when an export has more distinct codes than fit,
 * the codes are split into parts by hash and each part counted in a pass of its own over the
 * cohort's sessions (README "Performance": memory bounded for every shape). The texts of one
 * pass are split once each (a memo by text id), so the common export (a few hundred distinct
 * texts) costs one split per text. */
#define AE_BUDGET ((size_t)32 << 20)

struct ae_code {
    uint32_t text, off, len;    /* the code's bytes: strtab_get(text) + off, len of them */
    uint32_t sess, eps;         /* sessions and episodes listing it */
    uint32_t seen_row, seen_ep; /* the last row and episode counted (+1) */
    uint32_t hash;
};

struct ae_pass {
    const struct rows *r;
    uint32_t part, nparts; /* this pass counts the codes whose hash falls in part */
    struct ae_code *c;
    size_t n, cap;
    uint32_t *slots; /* code index + 1, 0 = empty; nslots a power of two */
    size_t nslots;
    uint32_t *first, *count; /* by text id: list[first .. first + count); count
                                      UINT32_MAX: not split in this pass */
    uint32_t *list;
    size_t nlist;
    long sessions; /* sessions counted so far in this pass */
};

/* The blanks a value is trimmed of when read (space, tab, CR, LF: ingest_trim); a code is
 * trimmed of the same, so that a code of line breaks only is no code, as such a value is none. */
static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The next code of text[0..len) from *q: its bytes [*b0, *b1); 0 when there is none. */
static int next_code(const char *text, size_t len, size_t *q, size_t *b0, size_t *b1)
{
    while (*q < len) {
        size_t end = *q;
        while (end < len && text[end] != '|')
            end++;
        size_t x = *q, y = end;
        while (x < y && is_blank(text[x]))
            x++;
        while (y > x && is_blank(text[y - 1]))
            y--;
        *q = end + 1;
        if (y > x) {
            *b0 = x;
            *b1 = y;
            return 1;
        }
    }
    return 0;
}

static uint32_t code_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static const char *code_bytes(const struct rows *r, const struct ae_code *c)
{
    size_t len;
    return strtab_get(r->text, c->text, &len) + c->off;
}

static int rehash(struct ae_pass *p, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t k = 0; k < p->n; k++) {
        const struct ae_code *c = &p->c[k];
        size_t h = c->hash & (nslots - 1);
        while (slots[h])
            h = (h + 1) & (nslots - 1);
        slots[h] = (uint32_t)k + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->nslots = nslots;
    return 0;
}

/* The index of code text t [b0, b1) in this pass, interned when new; *k = SIZE_MAX when the
 * code belongs to another part. Returns 0, 1 when the pass's counters would pass the budget,
 * -1 when out of memory. */
static int code_find(struct ae_pass *p, uint32_t t, const char *text, size_t b0, size_t b1,
                     size_t *k)
{
    size_t len = b1 - b0;
    uint32_t h = code_hash(text + b0, len);
    *k = SIZE_MAX;
    if ((uint32_t)(((uint64_t)h * p->nparts) >> 32) != p->part)
        return 0;
    size_t slot = h & (p->nslots - 1);
    for (; p->slots[slot]; slot = (slot + 1) & (p->nslots - 1)) {
        const struct ae_code *c = &p->c[p->slots[slot] - 1];
        if (c->hash == h && c->len == len && memcmp(code_bytes(p->r, c), text + b0, len) == 0) {
            *k = p->slots[slot] - 1;
            return 0;
        }
    }
    /* the budget counts what is allocated: the codes' capacity and the slots, doubled */
    if ((p->n + 1) * sizeof *p->c + 2 * p->nslots * sizeof *p->slots > AE_BUDGET)
        return 1;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 256;
        size_t room = (AE_BUDGET - 2 * p->nslots * sizeof *p->slots) / sizeof *p->c;
        if (nc > room)
            nc = room; /* > n: checked above */
        struct ae_code *g = realloc(p->c, nc * sizeof *g);
        if (!g)
            return -1;
        p->c = g;
        p->cap = nc;
    }
    p->c[p->n] = (struct ae_code){t, (uint32_t)b0, (uint32_t)len, 0, 0, 0, 0, h};
    p->slots[slot] = (uint32_t)++p->n;
    *k = p->n - 1;
    if (p->n * 2 > p->nslots && rehash(p, p->nslots * 2) != 0)
        return -1;
    return 0;
}

/* Splits text t into its codes of this pass (the memo). Returns as code_find. */
static int split_text(struct ae_pass *p, uint32_t t)
{
    size_t len, q = 0, b0, b1;
    const char *text = strtab_get(p->r->text, t, &len);
    p->first[t] = (uint32_t)p->nlist;
    p->count[t] = 0;
    while (next_code(text, len, &q, &b0, &b1)) {
        size_t k;
        int rc = code_find(p, t, text, b0, b1, &k);
        if (rc)
            return rc;
        if (k == SIZE_MAX)
            continue;
        if (vec_reserve(&p->list, p->nlist, sizeof *p->list) != 0)
            return -1;
        p->list[p->nlist++] = (uint32_t)k;
        p->count[t]++;
    }
    return 0;
}

/* Runs the statements given last for each treatment session of the cohort: row I of episode
 * EI (the variables named). */
#define FOR_EACH_SESSION(a, r, pstart, EI, I, ...)                                                 \
    do {                                                                                           \
        size_t p_ = 0;                                                                             \
        for (size_t EI = 0; EI < (a)->nepisodes; EI++) {                                           \
            const struct episode *e_ = &(a)->episodes[EI];                                         \
            if (!e_->in_cohort)                                                                    \
                continue;                                                                          \
            while (rows_pid((r), p_) != e_->patient)                                               \
                p_++;                                                                              \
            for (size_t I = (pstart)[p_]; I < (pstart)[p_ + 1]; I++) {                             \
                if (rows_type((r), I) != SESSION_TREATMENT ||                                      \
                    rows_date((r), I) < e_->index_date || rows_date((r), I) >= e_->next_index)     \
                    continue;                                                                      \
                __VA_ARGS__                                                                        \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* One pass: counts the sessions and episodes of the codes of part p->part. Returns 0, 1 over
 * the budget, -1 out of memory. */
static int ae_pass_run(struct ae_pass *p, const struct analysis *a, const size_t *pstart)
{
    const struct rows *r = p->r;
    uint32_t ntext = strtab_count(r->text);
    memset(p->count, 0xff, ntext * sizeof *p->count);
    size_t want = 1024; /* room for as many codes as the last pass had (parts are alike) */
    while (want < 2 * p->n)
        want *= 2;
    p->n = p->nlist = 0;
    p->sessions = 0;
    free(p->slots);
    p->slots = NULL;
    if (rehash(p, want) != 0)
        return -1;
    int rc = 0;
    FOR_EACH_SESSION(a, r, pstart, ei, i, {
        uint32_t t = rows_text(r, TEXT_ADVERSE, i);
        if (p->count[t] == UINT32_MAX && (rc = split_text(p, t)) != 0)
            return rc;
        p->sessions++;
        for (uint32_t q = 0; q < p->count[t]; q++) {
            struct ae_code *c = &p->c[p->list[p->first[t] + q]];
            if (c->seen_row != (uint32_t)(i + 1)) {
                c->seen_row = (uint32_t)(i + 1);
                c->sess++;
            }
            if (c->seen_ep != (uint32_t)(ei + 1)) {
                c->seen_ep = (uint32_t)(ei + 1);
                c->eps++;
            }
        }
    });
    return rc;
}

/* 1 when code x comes before code y in the listing's choice: more sessions, then bytes. */
static int ae_before(const struct rows *r, const struct ae_code *x, const struct ae_code *y)
{
    if (x->sess != y->sess)
        return x->sess > y->sess;
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(code_bytes(r, x), code_bytes(r, y), n);
    return c != 0 ? c < 0 : x->len < y->len;
}

/* The best codes so far, a heap whose root comes last in the choice. */
struct ae_heap {
    struct ae_code v[MODEL_AE_LISTED];
    size_t n;
};

static void heap_swap(struct ae_code *x, struct ae_code *y)
{
    struct ae_code t = *x;
    *x = *y;
    *y = t;
}

/* Offers code c; returns 1 when a code (c or one evicted) is left out of the listing. */
static int heap_offer(const struct rows *r, struct ae_heap *h, const struct ae_code *c)
{
    struct ae_code *v = h->v;
    if (h->n < MODEL_AE_LISTED) {
        size_t i = h->n++;
        v[i] = *c;
        while (i > 0 && ae_before(r, &v[(i - 1) / 2], &v[i])) {
            heap_swap(&v[(i - 1) / 2], &v[i]);
            i = (i - 1) / 2;
        }
        return 0;
    }
    if (!ae_before(r, c, &v[0]))
        return 1;
    v[0] = *c;
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, w = i;
        if (l < h->n && ae_before(r, &v[w], &v[l]))
            w = l;
        if (l + 1 < h->n && ae_before(r, &v[w], &v[l + 1]))
            w = l + 1;
        if (w == i)
            break;
        heap_swap(&v[i], &v[w]);
        i = w;
    }
    return 1;
}

/* 1 when code x comes before code y in byte order (the listing's order). */
static int listed_before(const struct rows *r, const struct ae_code *x, const struct ae_code *y)
{
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(code_bytes(r, x), code_bytes(r, y), n);
    return c != 0 ? c < 0 : x->len < y->len;
}

/* Sorts the n (at most MODEL_AE_LISTED, distinct) listed codes in byte order: an insertion
 * sort, which needs the rows beside the comparison where qsort's comparator would need them in
 * a global. */
static void sort_listed(const struct rows *r, struct ae_code *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && listed_before(r, &v[j], &v[j - 1]); j--)
            heap_swap(&v[j], &v[j - 1]);
}

/* 1 when code [b0, b1) of text is one of the n listed (sorted by bytes). */
static int is_listed(const struct rows *r, const struct ae_code *v, size_t n, const char *text,
                     size_t b0, size_t b1)
{
    size_t lo = 0, hi = n, len = b1 - b0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t m = v[mid].len < len ? v[mid].len : (uint32_t)len;
        int c = memcmp(code_bytes(r, &v[mid]), text + b0, m);
        if (c == 0)
            c = (v[mid].len > len) - (v[mid].len < len);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Counts the codes in passes (as many parts as the budget needs) and keeps the listed ones in
 * h; *npooled counts those left out. */
static int ae_count_codes(struct ae_pass *p, const size_t *pstart, const struct analysis *a,
                          const struct safety *s, struct ae_heap *h, size_t *npooled)
{
    const struct rows *r = p->r;
    long below = a->opts.suppress_below;
    for (uint32_t part = 0; part < p->nparts; part++) {
        p->part = part;
        int pr = ae_pass_run(p, a, pstart);
        if (pr < 0)
            return -1;
        if (pr == 1) { /* too many codes for one pass: more parts, from the start, as many as
                          the share of the sessions counted before the budget ran out says */
            if (p->nparts >= (1u << 24))
                return -1;
            double grow = 1.3 * (double)s->sessions / (double)(p->sessions > 0 ? p->sessions : 1);
            p->nparts = grow < 2     ? p->nparts * 2
                        : grow > 256 ? p->nparts * 256
                                     : (uint32_t)((double)p->nparts * grow) + 1;
            part = UINT32_MAX; /* the loop's ++ makes it 0 */
            h->n = 0;
            *npooled = 0;
            continue;
        }
        for (size_t k = 0; k < p->n; k++) {
            const struct ae_code *c = &p->c[k];
            if ((below > 1 && c->sess < (uint32_t)below) ||
                (c->len == 5 && memcmp(code_bytes(r, c), "other", 5) == 0))
                (*npooled)++;
            else
                *npooled += (size_t)heap_offer(r, h, c);
        }
    }
    return 0;
}

/* "other": the sessions and episodes listing any code not among the h->n listed (a last pass
 * over the cohort's sessions), into entry h->n of s. */
static int ae_other(const struct rows *r, const size_t *pstart, const struct analysis *a,
                    const struct ae_heap *h, struct safety *s)
{
    uint32_t ntext = strtab_count(r->text);
    /* by text id: 0 not looked at, 1 lists only listed codes (or none), 2 lists another */
    uint8_t *other = calloc(ntext ? ntext : 1, 1);
    if (!other)
        return -1;
    long osess = 0, oep = 0;
    size_t last_ep = SIZE_MAX;
    FOR_EACH_SESSION(a, r, pstart, ei, i, {
        uint32_t t = rows_text(r, TEXT_ADVERSE, i);
        if (!other[t]) {
            size_t len, q = 0, b0, b1;
            const char *text = strtab_get(r->text, t, &len);
            other[t] = 1;
            while (other[t] == 1 && next_code(text, len, &q, &b0, &b1))
                if (!is_listed(r, h->v, h->n, text, b0, b1))
                    other[t] = 2;
        }
        if (other[t] == 2) {
            osess++;
            oep += last_ep != ei;
            last_ep = ei;
        }
    });
    free(other);
    if (!(s->ae_code[h->n] = malloc(6)))
        return -1;
    memcpy(s->ae_code[h->n], "other", 6);
    s->ae_sessions[h->n] = osess;
    s->ae_episodes[h->n] = oep;
    return 0;
}

/* The codes listed (README "Definitions"): the MODEL_AE_LISTED most frequent (by sessions,
 * ties in byte order), in byte order, then "other" when any code is left out: under
 * suppression (SPEC 9) those seen in fewer than N sessions, and a code named "other", are left
 * out too. "other" counts the sessions and episodes listing any code left out (a last pass) and
 * how many codes it pools. */
static int ae_listing(const struct rows *r, const size_t *pstart, const struct analysis *a,
                      struct safety *s)
{
    uint32_t ntext = strtab_count(r->text);
    struct ae_pass p = {.r = r,
                        .nparts = 1,
                        .first = malloc(ntext * sizeof *p.first),
                        .count = malloc(ntext * sizeof *p.count)};
    struct ae_heap *h = calloc(1, sizeof *h);
    size_t npooled = 0;
    int rc = -1;
    if (!p.first || !p.count || !h)
        goto done;
    if (ae_count_codes(&p, pstart, a, s, h, &npooled) != 0)
        goto done;
    sort_listed(r, h->v, h->n);
    s->nae = h->n + (npooled > 0);
    if (s->nae == 0) {
        rc = 0;
        goto done;
    }
    s->ae_code = calloc(s->nae, sizeof *s->ae_code);
    s->ae_sessions = calloc(s->nae, sizeof *s->ae_sessions);
    s->ae_episodes = calloc(s->nae, sizeof *s->ae_episodes);
    if (!s->ae_code || !s->ae_sessions || !s->ae_episodes)
        goto done;
    for (size_t i = 0; i < h->n; i++) {
        if (!(s->ae_code[i] = malloc(h->v[i].len + 1)))
            goto done;
        memcpy(s->ae_code[i], code_bytes(r, &h->v[i]), h->v[i].len);
        s->ae_code[i][h->v[i].len] = '\0';
        s->ae_sessions[i] = h->v[i].sess;
        s->ae_episodes[i] = h->v[i].eps;
    }
    if (npooled > 0) {
        if (ae_other(r, pstart, a, h, s) != 0)
            goto done;
        s->ae_other_codes = (long)npooled;
    }
    rc = 0;
done:
    free(p.first);
    free(p.count);
    free(p.list);
    free(p.c);
    free(p.slots);
    free(h);
    return rc;
}

/* What model_safety counts over the cohort's sessions beside struct safety's fields: the SBP
 * rises and CADSS values by session number (counts of each integer value), the item 9 episodes,
 * and the scratch of one patient's item 9 scores and of the texts' "has a code". */
struct safety_acc {
    long *rise;                /* RISE_BINS */
    long (*cadss)[CADSS_BINS]; /* 12 session numbers */
    struct dated_score *item9; /* one patient's rows at most */
    uint8_t *has_code;         /* by text id: 0 unknown, 1 no, 2 yes */
    double rise_sum;
    long resolved_n, resolved, worsened_n, worsened;
};

/* Blood pressure, the SBP rise and CADSS of treatment row i, the episode's session-th. */
static void session_vitals(const struct rows *r, size_t i, int session, const struct model_opts *o,
                           struct safety *s, struct safety_acc *acc)
{
    int sp = rows_int(r, COL_SBP_PRE, i), dp = rows_int(r, COL_DBP_PRE, i);
    int sq = rows_int(r, COL_SBP_POST, i), dq = rows_int(r, COL_DBP_POST, i);
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
        acc->rise[d - RISE_MIN]++;
        acc->rise_sum += d;
        s->sbp_rise_n++;
        int bin = d < 0 ? 0 : d >= 60 ? 7 : 1 + d / 10;
        s->sbp_rise_hist[bin]++;
    }
    int c = rows_int(r, COL_CADSS, i);
    if (c >= 0) {
        s->cadss_n++;
        s->cadss_above += c > o->cadss_above;
        int k = session > 12 ? 11 : session - 1;
        acc->cadss[k][c]++;
        s->cadss_by_session_n[k]++;
    }
}

/* 1 when treatment row i lists an adverse-event code: a byte that is neither '|' nor a blank
 * (memo by text id in has_code). */
static int row_has_code(const struct rows *r, size_t i, uint8_t *has_code)
{
    uint32_t t = rows_text(r, TEXT_ADVERSE, i);
    if (!has_code[t]) {
        size_t len;
        const char *text = strtab_get(r->text, t, &len);
        has_code[t] = 1;
        for (size_t q = 0; q < len && has_code[t] == 1; q++)
            if (text[q] != '|' && !is_blank(text[q]))
                has_code[t] = 2;
    }
    return has_code[t] == 2;
}

/* The treatment sessions of episode e (its patient's rows [ra, rb)): sessions, vitals, adverse
 * events. */
static void episode_sessions(const struct rows *r, size_t ra, size_t rb, const struct episode *e,
                             const struct model_opts *o, struct safety *s, struct safety_acc *acc)
{
    int session = 0;
    int32_t last_tdate = INT32_MIN; /* (day -1 is 1969-12-31, a date) */
    int any_ae = 0;
    for (size_t i = ra; i < rb; i++) {
        if (rows_type(r, i) != SESSION_TREATMENT || rows_date(r, i) < e->index_date ||
            rows_date(r, i) >= e->next_index)
            continue;
        if (rows_date(r, i) != last_tdate) {
            session++;
            last_tdate = rows_date(r, i);
        }
        s->sessions++;
        session_vitals(r, i, session, o, s, acc);
        int row_any = row_has_code(r, i, acc->has_code);
        s->ae_any_sessions += row_any;
        any_ae |= row_any;
    }
    s->ae_any_episodes += any_ae;
}

/* Item 9 of episode e over the baseline window and follow-up: encounters, and whether the
 * episode resolved or worsened. */
static void episode_item9(const struct rows *r, size_t ra, size_t rb, const struct episode *e,
                          const struct model_opts *o, struct safety *s, struct safety_acc *acc)
{
    struct dated_score *item9 = acc->item9;
    size_t n9 = model_usable_scores(r, ra, rb, COL_PHQ9_ITEM9, item9);
    int64_t from = (int64_t)e->index_date - o->baseline_window;
    int64_t to =
        e->next_index == INT32_MAX ? INT64_MAX : (int64_t)e->next_index - o->baseline_window;
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
        acc->resolved_n++;
        acc->resolved += last9 == 0;
    } else if (base9 == 0 && last9 >= 0) {
        acc->worsened_n++;
        acc->worsened += max9 >= 1;
    }
}

/* The item 9 proportions, the SBP rise's quantiles and mean, CADSS's quartiles by session. */
static void safety_summaries(const struct safety_acc *acc, const struct model_opts *o,
                             struct safety *s)
{
    s->item9_resolved = stats_proportion(acc->resolved, acc->resolved_n, o->ci);
    s->item9_worsened = stats_proportion(acc->worsened, acc->worsened_n, o->ci);
    const long *rise = acc->rise;
    long nr = s->sbp_rise_n;
    s->sbp_rise_min = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 0);
    s->sbp_rise_q1 = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 0.25);
    s->sbp_rise_median = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 0.5);
    s->sbp_rise_q3 = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 0.75);
    s->sbp_rise_max = hist_quantile(rise, RISE_BINS, RISE_MIN, nr, 1);
    s->sbp_rise_mean = nr ? acc->rise_sum / (double)nr : NAN;
    for (int k = 0; k < 12; k++) {
        long n = s->cadss_by_session_n[k];
        s->cadss_by_session_q1[k] = hist_quantile(acc->cadss[k], CADSS_BINS, 0, n, 0.25);
        s->cadss_by_session_median[k] = hist_quantile(acc->cadss[k], CADSS_BINS, 0, n, 0.5);
        s->cadss_by_session_q3[k] = hist_quantile(acc->cadss[k], CADSS_BINS, 0, n, 0.75);
    }
}

int model_safety(const struct rows *r, const size_t *pstart, const struct analysis *a,
                 struct safety *s)
{
    const struct model_opts *o = &a->opts;
    int rc = -1;
    memset(s, 0, sizeof *s);
    s->cadss_nsessions = 12;
    size_t maxrows = 1;
    for (size_t q = 0; pstart[q] < r->n; q++)
        if (pstart[q + 1] - pstart[q] > maxrows)
            maxrows = pstart[q + 1] - pstart[q];
    uint32_t ntext = strtab_count(r->text);
    struct safety_acc acc = {.rise = calloc(RISE_BINS, sizeof *acc.rise),
                             .cadss = calloc(12, sizeof *acc.cadss),
                             .item9 = malloc(maxrows * sizeof *acc.item9),
                             .has_code = calloc(ntext ? ntext : 1, 1)};
    if (!acc.rise || !acc.cadss || !acc.item9 || !acc.has_code)
        goto out;
    size_t p = 0;
    for (size_t ei = 0; ei < a->nepisodes; ei++) {
        const struct episode *e = &a->episodes[ei];
        if (!e->in_cohort)
            continue;
        s->episodes++;
        while (rows_pid(r, p) != e->patient)
            p++;
        episode_sessions(r, pstart[p], pstart[p + 1], e, o, s, &acc);
        /* item 9 over the baseline window and follow-up */
        episode_item9(r, pstart[p], pstart[p + 1], e, o, s, &acc);
    }
    safety_summaries(&acc, o, s);
    if (ae_listing(r, pstart, a, s) != 0)
        goto out;
    rc = 0;
out:
    free(acc.has_code);
    free(acc.rise);
    free(acc.cadss);
    free(acc.item9);
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
