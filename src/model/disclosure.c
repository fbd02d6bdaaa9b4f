/* disclosure.c: the one disclosure decision of SPEC section 9 (src/model/README.md).
 *
 * Every published count is a cell; counts that add up to another (the flow, reasons, strata
 * values, bins, months, item 9, ...) form a group with that total; a count and its complement
 * within a total (n - events) form a group of two. Then, until nothing changes:
 * - primary: a cell from 1 to N-1 is withheld;
 * - secondary: in a group whose total is shown, while the withheld parts are one, or several
 *   that sum to less than N, the smallest shown part (above 0 first) is withheld too (when no
 *   part is left the total is); a withheld total whose parts are all shown is their sum, so its
 *   smallest part is withheld.
 * Derived figures (rates, intervals, medians, means, bins, centre lines, tests) are then
 * withheld when any count they are built on is. Cells that are never printed (a complement, the
 * episodes without a stratum value, a sum of months) take part like the others: an attacker can
 * compute them. */
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "outcomes/vec.h"

struct cell {
    long v;
    uint8_t hid;
};
struct group {
    size_t total, first, n; /* parts: members[first .. first + n) */
};
struct eng {
    struct cell *c;
    size_t nc;
    size_t *m;
    size_t nm;
    struct group *g;
    size_t ng;
    long below;
    int oom;
};

static size_t cell(struct eng *e, long v)
{
    if (e->oom || vec_reserve(&e->c, e->nc, sizeof *e->c) != 0) {
        e->oom = 1;
        return 0;
    }
    e->c[e->nc] = (struct cell){v, (uint8_t)(v >= 1 && v < e->below)};
    return e->nc++;
}

/* The cell `same` when it holds v (one count shown in two places is one cell), else a new one. */
static size_t same_or_new(struct eng *e, size_t same, long v)
{
    return !e->oom && same < e->nc && e->c[same].v == v ? same : cell(e, v);
}

static void group(struct eng *e, size_t total, const size_t *parts, size_t n)
{
    if (e->oom || vec_reserve(&e->g, e->ng, sizeof *e->g) != 0) {
        e->oom = 1;
        return;
    }
    e->g[e->ng++] = (struct group){total, e->nm, n};
    for (size_t i = 0; i < n; i++) {
        if (vec_reserve(&e->m, e->nm, sizeof *e->m) != 0) {
            e->oom = 1;
            return;
        }
        e->m[e->nm++] = parts[i];
    }
}

/* part is a part of total: registers the complement total - part; returns its cell. */
static size_t part_of(struct eng *e, size_t total, size_t part)
{
    if (e->oom)
        return 0;
    size_t comp = cell(e, e->c[total].v - e->c[part].v), parts[2] = {part, comp};
    group(e, total, parts, 2);
    return comp;
}

/* A group of parts[0..n) and the published count `total`, when it holds their sum (else the
 * parts add up to nothing published, and no subtraction recovers one of them). */
static void group_sum(struct eng *e, size_t total, const size_t *parts, size_t n)
{
    if (e->oom || total >= e->nc)
        return;
    long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += e->c[parts[i]].v;
    if (e->c[total].v == sum)
        group(e, total, parts, n);
}

static int settle_group(struct eng *e, const struct group *g)
{
    struct cell *t = &e->c[g->total];
    const size_t *p = e->m + g->first;
    int changed = 0;
    for (;;) {
        size_t nh = 0, pick = SIZE_MAX, pick0 = SIZE_MAX;
        long hs = 0;
        for (size_t i = 0; i < g->n; i++) {
            const struct cell *c = &e->c[p[i]];
            if (c->hid) {
                nh++;
                hs += c->v;
            } else if (c->v > 0 && (pick == SIZE_MAX || c->v < e->c[p[pick]].v))
                pick = i;
            else if (c->v == 0 && pick0 == SIZE_MAX)
                pick0 = i;
        }
        if (t->hid) {
            if (nh > 0 || pick == SIZE_MAX)
                return changed; /* the total is unknown: nothing follows */
        } else if (nh == 0 || (nh >= 2 && hs >= e->below)) {
            return changed;
        }
        if (pick == SIZE_MAX)
            pick = pick0;
        if (pick == SIZE_MAX) {
            if (t->hid)
                return changed;
            t->hid = 1; /* nothing left to withhold but the total */
            return 1;
        }
        e->c[p[pick]].hid = 1;
        changed = 1;
    }
}

static void settle(struct eng *e)
{
    for (int changed = 1; changed && !e->oom;) {
        changed = 0;
        for (size_t i = 0; i < e->ng; i++)
            changed |= settle_group(e, &e->g[i]);
    }
}

static uint8_t flag(const struct eng *e, size_t c)
{
    if (!e->c[c].hid)
        return DISC_SHOWN;
    return e->c[c].v >= 1 && e->c[c].v < e->below ? DISC_SMALL : DISC_WITHHELD;
}

static int hid(const struct eng *e, size_t c)
{
    return e->c[c].hid;
}

/* events x of n, with the complement cell comp (n - x). */
static struct disc_prop prop(const struct eng *e, size_t x, size_t n, size_t comp)
{
    struct disc_prop p = {flag(e, x), flag(e, n), DISC_SHOWN};
    if (hid(e, x) || hid(e, n) || hid(e, comp) || e->c[n].v < e->below)
        p.rate = DISC_WITHHELD;
    return p;
}

/* A proportion whose rate a writer may not show. */
static int hidden_prop(struct disc_prop p)
{
    return p.events || p.n || p.rate;
}

/* A fit's cells: n (shared with `ncell` when equal) and events; returns the events cell. */
struct km_cells {
    size_t n, events, comp;
};
static struct km_cells km_cells(struct eng *e, const struct km *k, size_t ncell, size_t evcell)
{
    struct km_cells kc;
    kc.n = same_or_new(e, ncell, k->n);
    kc.events = same_or_new(e, evcell, k->events);
    kc.comp = part_of(e, kc.n, kc.events);
    return kc;
}

static void km_flags(const struct eng *e, const struct km *k, struct km_cells kc, int sessions,
                     struct disc_km *out)
{
    static const double days[5] = {7, 14, 28, 42, 56}, sess[4] = {2, 4, 6, 8};
    out->n = flag(e, kc.n);
    out->events = flag(e, kc.events);
    out->median = hid(e, kc.n) || hid(e, kc.events) || hid(e, kc.comp) ? DISC_WITHHELD : 0;
    /* a curve on N or more is drawn while N or more remain at risk: those steps are
     * published by design (SPEC 9); but not when n is withheld: the first fixed-time estimate
     * before any censoring gives n = (1 - S) / (S se^2) exactly, and the steps' heights k/n
     * give it too, so a secondary n would give its small partner away by subtraction */
    out->drawn = k->n >= e->below && !hid(e, kc.n);
    out->rows = 0;
    while (out->rows < k->ncurve && k->curve[out->rows].n_risk >= e->below)
        out->rows++;
    out->nat = 0;
    for (int i = 0; i < (sessions ? 4 : 5) && out->drawn; i++) {
        double t = sessions ? sess[i] : days[i];
        size_t j = 0;
        while (j < k->ncurve && k->curve[j].time < t)
            j++;
        long at_risk = j < k->ncurve ? k->curve[j].n_risk : 0;
        if (at_risk < e->below)
            break;
        /* the estimate at t: the last row at or before t */
        size_t q = j < k->ncurve && k->curve[j].time == t ? j + 1 : j;
        out->at[out->nat].time = t;
        out->at[out->nat].surv = q ? k->curve[q - 1].surv : 1;
        out->at[out->nat].lower = q ? k->curve[q - 1].lower : 1;
        out->at[out->nat].upper = q ? k->curve[q - 1].upper : 1;
        out->nat++;
    }
}

static void km_all_shown(const struct km *k, struct disc_km *out)
{
    memset(out, 0, sizeof *out);
    out->drawn = 1;
    out->rows = k->ncurve;
}

/* Percent change at the endpoint in 10-point bins, closed above: bin 0 is -100 to -90, bin 4
 * ends at -50 (so bins 0-4 are the responders), bin 14 is +40 to +50, bin 15 above +50. */
const char *model_pct_bin_name(int bin)
{
    static const char *const names[PCT_BINS] = {
        "-100 to -90", "-90 to -80", "-80 to -70", "-70 to -60", "-60 to -50", "-50 to -40",
        "-40 to -30",  "-30 to -20", "-20 to -10", "-10 to 0",   "0 to 10",    "10 to 20",
        "20 to 30",    "30 to 40",   "40 to 50",   "above 50"};
    return bin >= 0 && bin < PCT_BINS ? names[bin] : "";
}

void model_disclosure_fini(struct disclosure *d)
{
    for (int v = 0; v < FUNNEL_VARS; v++)
        free(d->funnel.units[v]);
    for (int v = 0; v < SV_COUNT; v++)
        free(d->strata[v]);
    free(d->ae_sessions);
    free(d->ae_episodes);
    free(d->file_rows);
    free(d->durability.by_route);
    free(d->durability.sessions);
    free(d->files);
    free(d->checks.by_clinician);
    free(d->benchmark_position);
    memset(d, 0, sizeof *d);
}

/* The stratum variable var: its cells and groups (index cells of the totals in tot). */
struct strata_tot {
    size_t mature, responders, remitters, km_n, km_events;
};
static int strata_cells(struct eng *e, const struct stratum *st, struct strata_tot tot,
                        size_t *base)
{
    size_t n = st->nvalues;
    size_t *tmp = malloc((n + 1) * sizeof *tmp);
    if (!tmp)
        return -1;
    *base = e->nc;
    for (size_t k = 0; k < n; k++) { /* 8 cells per value, in this order */
        const struct stratum_value *sv = &st->values[k];
        size_t cn = cell(e, sv->response.n), cx = cell(e, sv->response.events),
               cr = cell(e, sv->remission.events), kn = cell(e, sv->km_n),
               ke = cell(e, sv->km_events);
        (void)cr;
        (void)ke;
        size_t c1 = cell(e, sv->response.n - sv->response.events),
               c2 = cell(e, sv->remission.n - sv->remission.events),
               c3 = cell(e, sv->km_n - sv->km_events);
        size_t p1[2] = {cx, c1}, p2[2] = {cx + 1, c2}, p3[2] = {kn + 1, c3};
        group(e, cn, p1, 2);
        group(e, cn, p2, 2);
        group(e, kn, p3, 2);
    }
    static const int off[5] = {0, 1, 2, 3, 4};
    size_t totals[5] = {tot.mature, tot.responders, tot.remitters, tot.km_n, tot.km_events};
    for (int g = 0; g < 5 && !e->oom; g++) {
        long sum = 0;
        for (size_t k = 0; k < n; k++) {
            tmp[k] = *base + 8 * k + (size_t)off[g];
            sum += e->c[tmp[k]].v;
        }
        /* episodes without a value: the total minus the values' sum, computable */
        tmp[n] = cell(e, e->c[totals[g]].v - sum);
        group(e, totals[g], tmp, n + 1);
    }
    free(tmp);
    return e->oom ? -1 : 0;
}

/* Each input file's accounting (results.json data_quality.files, the data-quality page): per
 * file FILE_CELLS cells from the returned index on, in the order accepted, rejected, duplicate,
 * skipped, skipped_type, skipped_code, skipped_drug; its rows_read (cell fr0 + f) is the sum of
 * the first three, the skipped the sum of the last three, and over the files the rows read,
 * accepted, rejected and duplicate add up to the flow's. */
#define FILE_CELLS 7
static size_t file_cells(struct eng *e, const struct ingest_result *in, size_t fr0, const size_t *F)
{
    size_t base = e->nc, n = in->nfiles;
    for (size_t f = 0; f < n; f++) {
        const struct ingest_file *fl = &in->files[f];
        size_t b = cell(e, fl->rows_accepted), r = cell(e, fl->rows_rejected),
               u = cell(e, fl->rows_duplicate), k = cell(e, fl->fhir.resources_skipped);
        size_t t = cell(e, fl->fhir.skipped_other_type), c = cell(e, fl->fhir.skipped_other_code),
               g = cell(e, fl->fhir.skipped_other_drug);
        size_t rows[3] = {b, r, u}, skipped[3] = {t, c, g};
        group_sum(e, fr0 + f, rows, 3);
        group_sum(e, k, skipped, 3);
    }
    size_t *tmp = malloc((n + 1) * sizeof *tmp);
    if (!tmp) {
        e->oom = 1;
        return base;
    }
    static const int flow_of[4] = {F_ROWS_READ, F_ACCEPTED, F_REJECTED, F_DUPLICATE};
    for (int k = 0; k < 4; k++) {
        for (size_t f = 0; f < n; f++)
            tmp[f] = k == 0 ? fr0 + f : base + FILE_CELLS * f + (size_t)(k - 1);
        group_sum(e, F[flow_of[k]], tmp, n);
    }
    free(tmp);
    return base;
}

/* The funnel's cells (SPEC 11): its n, observed and with-endpoint counts within the flow's
 * mature, responders and with_endpoint (one cell when equal, a part with its difference
 * otherwise); each unit's three counts, tied to the same value's stratum counts (the default
 * model compares the very episodes the stratum's response counts: one cell; with --adjust a
 * part of it) and adding up, with the episodes without a value, to the funnel's totals. */
struct fcell {
    size_t n, x, w, xc, wc; /* n, observed, with_endpoint, and the complements within n */
};
struct funnel_cells {
    struct fcell tot;
    struct fcell *u[FUNNEL_VARS]; /* per unit (owned) */
    size_t rest[FUNNEL_VARS];     /* the comparison episodes without a value */
};

static size_t tied(struct eng *e, size_t other, long v)
{
    size_t c = same_or_new(e, other, v);
    if (other < e->nc && c != other && v <= e->c[other].v)
        part_of(e, other, c);
    return c;
}

static int funnel_cells(struct eng *e, const struct analysis *a, const size_t *F,
                        const size_t *sbase, struct funnel_cells *fc)
{
    const struct funnel *f = &a->funnel;
    static const int sv[FUNNEL_VARS] = {SV_CLINICIAN, SV_SITE};
    fc->tot.n = tied(e, F[F_MATURE], f->n);
    fc->tot.x = tied(e, F[F_RESPONDERS], f->observed);
    fc->tot.w = tied(e, F[F_WITH_ENDPOINT], f->with_endpoint);
    fc->tot.xc = part_of(e, fc->tot.n, fc->tot.x);
    fc->tot.wc = part_of(e, fc->tot.n, fc->tot.w);
    for (int v = 0; v < FUNNEL_VARS; v++) {
        const struct funnel_units *u = &f->units[v];
        const struct stratum *st = &a->strata[sv[v]];
        size_t nv = u->nvalues, s = 0;
        size_t *tmp = malloc((nv + 1) * sizeof *tmp);
        fc->u[v] = malloc((nv + 1) * sizeof *fc->u[v]);
        if (!tmp || !fc->u[v]) {
            free(tmp);
            return -1;
        }
        long sum[3] = {0, 0, 0};
        for (size_t k = 0; k < nv; k++) {
            const struct funnel_value *fv = &u->values[k];
            while (s < st->nvalues && strcmp(st->values[s].value, fv->value) < 0)
                s++;
            int match = s < st->nvalues && strcmp(st->values[s].value, fv->value) == 0;
            size_t sb = match ? sbase[sv[v]] + 8 * s : SIZE_MAX;
            struct fcell *c = &fc->u[v][k];
            c->n = tied(e, sb, fv->n);
            c->x = tied(e, match ? sb + 1 : SIZE_MAX, fv->observed);
            c->w = cell(e, fv->with_endpoint);
            c->xc = part_of(e, c->n, c->x);
            c->wc = part_of(e, c->n, c->w);
            sum[0] += fv->n;
            sum[1] += fv->observed;
            sum[2] += fv->with_endpoint;
        }
        const size_t tot[3] = {fc->tot.n, fc->tot.x, fc->tot.w};
        for (int g = 0; g < 3 && !e->oom; g++) {
            for (size_t k = 0; k < nv; k++)
                tmp[k] = g == 0 ? fc->u[v][k].n : g == 1 ? fc->u[v][k].x : fc->u[v][k].w;
            tmp[nv] = cell(e, e->c[tot[g]].v - sum[g]);
            if (g == 0)
                fc->rest[v] = tmp[nv];
            group(e, tot[g], tmp, nv + 1);
        }
        free(tmp);
    }
    return e->oom ? -1 : 0;
}

static void funnel_flags(const struct eng *e, const struct analysis *a,
                         const struct funnel_cells *fc, struct disc_funnel *d)
{
    const struct funnel *f = &a->funnel;
    struct disc_prop p = prop(e, fc->tot.x, fc->tot.n, fc->tot.xc),
                     q = prop(e, fc->tot.w, fc->tot.n, fc->tot.wc);
    d->n = p.n;
    d->observed = p.events;
    d->with_endpoint = q.events;
    d->left_out = hid(e, fc->tot.n) ? DISC_WITHHELD : 0; /* mature - n: their difference */
    d->centre = p.rate;
    d->followup_centre = q.rate;
    /* the coefficients: built on the centre (the intercept of responder ~ 1 is its log odds)
     * and on each factor level's responders and non-responders */
    d->model = p.rate || f->min_level < e->below ? DISC_WITHHELD : 0;
    for (int v = 0; v < FUNNEL_VARS; v++) {
        d->no_value[v] = flag(e, fc->rest[v]);
        for (size_t k = 0; k < f->units[v].nvalues; k++) {
            const struct fcell *c = &fc->u[v][k];
            struct disc_funnel_value *dv = &d->units[v][k];
            struct disc_prop r = prop(e, c->x, c->n, c->xc), w = prop(e, c->w, c->n, c->wc);
            dv->n = r.n;
            dv->observed = r.events;
            dv->with_endpoint = w.events;
            /* expected, the adjusted rate and the flag give observed back with p-bar */
            dv->rate = r.rate || p.rate ? DISC_WITHHELD : 0;
            dv->followup = w.rate || q.rate ? DISC_WITHHELD : 0;
        }
    }
}

/* Durability, maintenance and induction (SPEC 12): their cells and groups. resp_n and resp_ev
 * are the time-to-response fit's cells (its events are the durability curve's subjects);
 * freq_base the frequency stratum's first cell (8 per value, as strata_cells). */
struct dur_cells {
    struct km_cells km;
    size_t me, mws, ic, cx, ccomp, n1, r1, c1, n0, r0, c0, route0, sess0;
};
static void durability_cells(struct eng *e, const struct analysis *a, const size_t *F,
                             struct km_cells resp, size_t freq_base, struct dur_cells *dc)
{
    const struct durability *u = &a->durability;
    const struct stratum *fs = &a->strata[SV_FREQUENCY];
    dc->km = km_cells(e, &u->km, resp.events, SIZE_MAX);
    dc->me = cell(e, u->maint_episodes);
    part_of(e, dc->km.n, dc->me);
    dc->mws = cell(e, u->maint_with_sessions);
    part_of(e, dc->me, dc->mws);
    dc->ic = cell(e, u->completed.n);
    part_of(e, F[F_ELIGIBLE], dc->ic); /* the complement: windows still open */
    dc->cx = cell(e, u->completed.events);
    dc->ccomp = part_of(e, dc->ic, dc->cx);
    /* by route: 3 cells per route (n, completed, its complement), and the episodes without a
     * route, which the totals give away */
    size_t nr = u->nroutes, parts_n[ROUTE_COUNT + 1], parts_x[ROUTE_COUNT + 1];
    dc->route0 = e->nc;
    for (size_t k = 0; k < nr; k++) {
        parts_n[k] = cell(e, u->by_route[k].completed.n);
        parts_x[k] = cell(e, u->by_route[k].completed.events);
        part_of(e, parts_n[k], parts_x[k]);
    }
    parts_n[nr] = cell(e, u->ind_no_route_n);
    parts_x[nr] = cell(e, u->ind_no_route_events);
    group_sum(e, dc->ic, parts_n, nr + 1);
    group_sum(e, dc->cx, parts_x, nr + 1);
    /* sessions in the window: the bins add up to the closed windows, those from K on to the
     * completers, the others to the non-completers; a frequency band's bins to that value's
     * counts when every such episode is in both */
    size_t K = a->opts.induction_k > 0 ? (size_t)a->opts.induction_k : 1,
           nb = u->sessions && u->nbins > 0 ? (size_t)u->nbins : 0;
    dc->sess0 = e->nc;
    for (size_t k = 0; k < nb; k++)
        cell(e, u->sessions[k]);
    size_t *sb = calloc(nb ? nb : 1, sizeof *sb);
    if (!sb) {
        e->oom = 1;
        return;
    }
    for (size_t k = 0; k < nb; k++)
        sb[k] = dc->sess0 + k;
    group_sum(e, dc->ic, sb, nb);
    if (K < nb) { /* always, as the model sizes the bins (K + 1 at least) */
        group_sum(e, dc->cx, sb + K - 1, nb - K + 1);
        group_sum(e, dc->ccomp, sb, K - 1);
    }
    static const size_t band_from[FREQUENCY_BANDS] = {0, 3, 5, 8};
    for (size_t v = 0; v < fs->nvalues; v++)
        for (int b = 0; b < FREQUENCY_BANDS; b++) {
            if (strcmp(fs->values[v].value, model_frequency_name(b)) != 0)
                continue;
            size_t from = band_from[b] < nb ? band_from[b] : nb;
            size_t to = b + 1 < FREQUENCY_BANDS && band_from[b + 1] < nb ? band_from[b + 1] : nb;
            group_sum(e, freq_base + 8 * v, sb + from, to - from);     /* mature */
            group_sum(e, freq_base + 8 * v + 3, sb + from, to - from); /* with follow-up */
        }
    free(sb);
    /* endpoint response of completers and non-completers (mature, window closed) */
    dc->n1 = cell(e, u->resp_completers.n);
    dc->r1 = cell(e, u->resp_completers.events);
    dc->c1 = part_of(e, dc->n1, dc->r1);
    dc->n0 = cell(e, u->resp_noncompleters.n);
    dc->r0 = cell(e, u->resp_noncompleters.events);
    dc->c0 = part_of(e, dc->n0, dc->r0);
    part_of(e, dc->cx, dc->n1);
    part_of(e, dc->ccomp, dc->n0);
    size_t pn[2] = {dc->n1, dc->n0}, pr[2] = {dc->r1, dc->r0}, pc[2] = {dc->c1, dc->c0};
    group_sum(e, F[F_MATURE], pn, 2);
    group_sum(e, F[F_RESPONDERS], pr, 2);
    group_sum(e, F[F_NONRESP], pc, 2);
}

static int durability_flags(const struct eng *e, const struct analysis *a,
                            const struct dur_cells *dc, struct disc_durability *out)
{
    const struct durability *u = &a->durability;
    km_flags(e, &u->km, dc->km, 0, &out->km);
    out->nat = 0;
    while (out->km.drawn && out->nat < DURABILITY_AT && u->at[out->nat].n_risk >= e->below)
        out->nat++;
    out->maint_episodes = flag(e, dc->me);
    out->maint_with_sessions = flag(e, dc->mws);
    out->maint_sessions_median =
        hid(e, dc->me) || u->maint_episodes < e->below ? DISC_WITHHELD : DISC_SHOWN;
    out->maint_interval_median =
        hid(e, dc->me) || u->maint_intervals < e->below ? DISC_WITHHELD : DISC_SHOWN;
    out->completed = prop(e, dc->cx, dc->ic, dc->ccomp);
    for (size_t k = 0; k < u->nroutes; k++) {
        size_t b = dc->route0 + 3 * k;
        out->by_route[k] = prop(e, b + 1, b, b + 2);
    }
    for (int k = 0; k < u->nbins; k++)
        out->sessions[k] = flag(e, dc->sess0 + (size_t)k);
    out->resp_completers = prop(e, dc->r1, dc->n1, dc->c1);
    out->resp_noncompleters = prop(e, dc->r0, dc->n0, dc->c0);
    return 0;
}

void model_flow_counts(const struct flow_rows *rows, const struct analysis *a, long *v)
{
    v[F_ROWS_READ] = rows->read;
    v[F_ACCEPTED] = rows->accepted;
    v[F_REJECTED] = rows->rejected;
    v[F_DUPLICATE] = rows->duplicate;
    v[F_EPISODES] = (long)a->nepisodes;
    v[F_COHORT] = a->cohort_episodes;
    v[F_OUTSIDE] = (long)a->nepisodes - a->cohort_episodes;
    v[F_NO_BASELINE] = a->excluded_no_baseline;
    v[F_BELOW_MIN] = a->excluded_below_min;
    v[F_EXCLUDED] = a->excluded_no_baseline + a->excluded_below_min;
    v[F_ELIGIBLE] = a->eligible;
    v[F_WITH_FOLLOWUP] = a->with_followup;
    v[F_NO_FOLLOWUP] = a->eligible - a->with_followup;
    v[F_MATURE] = a->mature;
    v[F_IMMATURE] = a->eligible - a->mature;
    v[F_WITH_ENDPOINT] = a->with_endpoint;
    v[F_NO_ENDPOINT] = a->mature - a->with_endpoint;
    v[F_RESPONDERS] = a->response.events;
    v[F_NONRESP] = a->mature - a->response.events;
    v[F_REMITTERS] = a->remission.events;
    v[F_NONREM] = a->mature - a->remission.events;
    v[F_RESP_OBS_NON] = a->with_endpoint - a->response_observed.events;
    v[F_REM_OBS_NON] = a->with_endpoint - a->remission_observed.events;
}

/* ---- safety monitoring (SPEC 13, checks.c) ---------------------------------------------- */

/* A group of sessions' cells: sessions, the three pairs, and their complements. */
struct vit_cells {
    size_t n, pre, post, all, cpre, cpost, call;
};
static struct vit_cells vit_cells(struct eng *e, size_t same_n, const struct vitals *v)
{
    struct vit_cells c;
    c.n = same_n == SIZE_MAX ? cell(e, v->sessions) : same_or_new(e, same_n, v->sessions);
    c.pre = cell(e, v->pre);
    c.post = cell(e, v->post);
    c.all = cell(e, v->all);
    c.cpre = part_of(e, c.n, c.pre);
    c.cpost = part_of(e, c.n, c.post);
    c.call = part_of(e, c.n, c.all);
    part_of(e, c.pre, c.all);
    part_of(e, c.post, c.all);
    return c;
}
static struct disc_vitals vit_flags(const struct eng *e, struct vit_cells c)
{
    struct disc_vitals d = {flag(e, c.n), prop(e, c.pre, c.n, c.cpre),
                            prop(e, c.post, c.n, c.cpost), prop(e, c.all, c.n, c.call)};
    return d;
}
/* Groups of sessions that add up to a total (routes, clinicians, months): each of the four
 * counts' parts, when they add up to the total's. */
static int vit_groups(struct eng *e, struct vit_cells tot, const struct vit_cells *parts, size_t n)
{
    size_t *tmp = malloc((n + 1) * sizeof *tmp);
    if (!tmp)
        return -1;
    const size_t tc[4] = {tot.n, tot.pre, tot.post, tot.all};
    for (int k = 0; k < 4; k++) {
        for (size_t i = 0; i < n; i++)
            tmp[i] = k == 0   ? parts[i].n
                     : k == 1 ? parts[i].pre
                     : k == 2 ? parts[i].post
                              : parts[i].all;
        group_sum(e, tc[k], tmp, n);
    }
    free(tmp);
    return 0;
}

/* The cells of struct safety_checks that an already published count anchors. */
struct checks_anchor {
    size_t sess, bp_pre_n, bp_pre_high, bp_post_high, cadss_above, item9_n, item9_ge2, eligible,
        treatment_sessions, missing_phq9;
};
struct checks_cells {
    struct vit_cells all, route[ROUTE_COUNT], none, month[12], *clin;
    size_t pinc, pincc, qinc, qincc, dosed, hold, holdc, in, shrt, shrtc, miss, missc, eq3, eq3c,
        fol, folc, open, wt, nrn, nr, nrc;
};
static int checks_cells(struct eng *e, const struct safety_checks *c, struct checks_anchor an,
                        struct checks_cells *k)
{
    k->all = vit_cells(e, an.sess, &c->all);
    for (int r = 0; r < ROUTE_COUNT; r++)
        k->route[r] = vit_cells(e, SIZE_MAX, &c->by_route[r]);
    k->none = vit_cells(e, SIZE_MAX, &c->no_clinician);
    if (vit_groups(e, k->all, k->route, ROUTE_COUNT) != 0)
        return -1;
    if (!(k->clin = malloc((c->nclinicians + 1) * sizeof *k->clin)))
        return -1;
    for (size_t i = 0; i < c->nclinicians; i++)
        k->clin[i] = vit_cells(e, SIZE_MAX, &c->by_clinician[i].v);
    k->clin[c->nclinicians] = k->none;
    if (vit_groups(e, k->all, k->clin, c->nclinicians + 1) != 0)
        return -1;
    for (int m = 0; m < 12; m++)
        k->month[m] = vit_cells(e, SIZE_MAX, &c->by_month[m]);
    if (vit_groups(e, k->all, k->month, 12) != 0)
        return -1;
    { /* the months hold every treatment session: the data-quality count, when all shown */
        size_t mn[12];
        for (int m = 0; m < 12; m++)
            mn[m] = k->month[m].n;
        group_sum(e, an.treatment_sessions, mn, 12);
    }
    /* one value of a pair: a third part beside the complete pairs and the sessions without */
    k->pinc = cell(e, c->pre_incomplete);
    k->qinc = cell(e, c->post_incomplete);
    k->pincc = part_of(e, k->all.n, k->pinc);
    k->qincc = part_of(e, k->all.n, k->qinc);
    {
        size_t p3[3] = {k->all.pre, k->pinc,
                        cell(e, c->all.sessions - c->all.pre - c->pre_incomplete)};
        group(e, k->all.n, p3, 3);
        size_t q3[3] = {k->all.post, k->qinc,
                        cell(e, c->all.sessions - c->all.post - c->post_incomplete)};
        group(e, k->all.n, q3, 3);
    }
    /* the pre-dose pair here is the safety page's reading: the same count */
    k->all.pre = same_or_new(e, an.bp_pre_n, c->all.pre);
    k->dosed = cell(e, c->dosed_pre);
    part_of(e, k->all.n, k->dosed);
    if (e->c[k->dosed].v <= e->c[an.bp_pre_n].v)
        part_of(e, an.bp_pre_n, k->dosed);
    k->hold = cell(e, c->hold_dosed);
    k->holdc = part_of(e, k->dosed, k->hold);
    if (e->c[k->hold].v <= e->c[an.bp_pre_high].v)
        part_of(e, an.bp_pre_high, k->hold);
    k->in = same_or_new(e, k->route[ROUTE_INTRANASAL].n, c->intranasal);
    k->shrt = cell(e, c->monitoring_short);
    k->miss = cell(e, c->monitoring_missing);
    k->shrtc = part_of(e, k->in, k->shrt);
    k->missc = part_of(e, k->in, k->miss);
    {
        size_t p3[3] = {k->shrt, k->miss,
                        cell(e, c->intranasal - c->monitoring_short - c->monitoring_missing)};
        group(e, k->in, p3, 3);
    }
    k->eq3 = cell(e, c->item9_eq3);
    k->eq3c = part_of(e, an.item9_n, k->eq3);
    part_of(e, an.item9_ge2, k->eq3);
    k->fol = cell(e, c->item9_followed);
    k->folc = part_of(e, an.item9_ge2, k->fol); /* the flag item9_no_followup's count */
    k->open = cell(e, c->item9_open);
    part_of(e, k->folc, k->open);
    k->wt = cell(e, c->item9_without_total);
    if (e->c[k->wt].v <= e->c[an.missing_phq9].v)
        part_of(e, an.missing_phq9, k->wt);
    k->nrn = cell(e, c->no_response_n);
    part_of(e, an.eligible, k->nrn);
    k->nr = cell(e, c->flags[RF_NO_RESPONSE_AFTER_6]);
    k->nrc = part_of(e, k->nrn, k->nr);
    return e->oom ? -1 : 0;
}
static void checks_flags(const struct eng *e, const struct safety_checks *c,
                         struct checks_anchor an, const struct checks_cells *k,
                         struct disc_checks *d)
{
    d->all = vit_flags(e, k->all);
    for (int r = 0; r < ROUTE_COUNT; r++)
        d->by_route[r] = vit_flags(e, k->route[r]);
    d->no_clinician = vit_flags(e, k->none);
    int centre = d->all.all.rate;
    for (size_t i = 0; i < c->nclinicians; i++) {
        d->by_clinician[i] = vit_flags(e, k->clin[i]);
        centre |= hid(e, k->clin[i].n) || hid(e, k->clin[i].all) || hid(e, k->clin[i].call);
    }
    d->funnel_centre = centre ? DISC_WITHHELD : DISC_SHOWN;
    for (int m = 0; m < 12; m++)
        d->by_month[m] = vit_flags(e, k->month[m]);
    d->pre_incomplete = prop(e, k->pinc, k->all.n, k->pincc);
    d->post_incomplete = prop(e, k->qinc, k->all.n, k->qincc);
    d->dosed_pre = flag(e, k->dosed);
    d->hold_dosed = prop(e, k->hold, k->dosed, k->holdc);
    d->intranasal = flag(e, k->in);
    d->monitoring_short = prop(e, k->shrt, k->in, k->shrtc);
    d->monitoring_missing = prop(e, k->miss, k->in, k->missc);
    d->item9_eq3 = prop(e, k->eq3, an.item9_n, k->eq3c);
    d->item9_followed = prop(e, k->fol, an.item9_ge2, k->folc);
    d->item9_open = flag(e, k->open);
    d->item9_without_total = flag(e, k->wt);
    d->no_response = prop(e, k->nr, k->nrn, k->nrc);
    const size_t fc[RF_COUNT] = {k->hold, an.bp_post_high, an.cadss_above, k->eq3,
                                 k->folc, k->shrt,         k->nr};
    for (int f = 0; f < RF_COUNT; f++)
        d->flags[f] = flag(e, fc[f]);
}

/* ---- model_disclose: each table's cells, in the order they are made, then their flags ---- */

/* The arrays of struct disclosure sized by data, one more than their count each. */
static int disclosure_alloc(const struct ingest_result *in, const struct analysis *a,
                            struct disclosure *d)
{
    const struct safety *s = &a->safety;
    for (int v = 0; v < SV_COUNT; v++)
        if (!(d->strata[v] = calloc(a->strata[v].nvalues + 1, sizeof *d->strata[v])))
            return -1;
    d->ae_sessions = calloc(s->nae + 1, sizeof *d->ae_sessions);
    d->ae_episodes = calloc(s->nae + 1, sizeof *d->ae_episodes);
    d->file_rows = calloc(in->nfiles + 1, 1);
    d->files = calloc(in->nfiles + 1, sizeof *d->files);
    d->checks.by_clinician = calloc(a->checks.nclinicians + 1, sizeof *d->checks.by_clinician);
    for (int v = 0; v < FUNNEL_VARS; v++)
        if (!(d->funnel.units[v] =
                  calloc(a->funnel.units[v].nvalues + 1, sizeof *d->funnel.units[v])))
            return -1;
    d->durability.by_route = calloc(a->durability.nroutes + 1, sizeof *d->durability.by_route);
    d->durability.sessions = calloc((size_t)a->durability.nbins + 1, 1);
    d->benchmark_position = calloc(a->nbenchmarks + 1, 1);
    if (!d->ae_sessions || !d->ae_episodes || !d->file_rows || !d->files ||
        !d->durability.by_route || !d->durability.sessions || !d->checks.by_clinician ||
        !d->benchmark_position)
        return -1;
    return 0;
}

/* The four overall Kaplan-Meier fits and their flags, in one order: time to response, to
 * remission, sessions to response, to remission. */
struct overall_km {
    const struct km *fit[4];
    struct disc_km *out[4];
};
static struct overall_km overall_km(struct analysis *a)
{
    struct disclosure *d = &a->disc;
    struct overall_km k = {{&a->time_to_response, &a->time_to_remission, &a->sessions_to_response,
                            &a->sessions_to_remission},
                           {&d->time_to_response, &d->time_to_remission, &d->sessions_to_response,
                            &d->sessions_to_remission}};
    return k;
}

/* No suppression: every curve drawn whole. */
static void disclose_all(struct analysis *a, const struct overall_km *km)
{
    struct disclosure *d = &a->disc;
    for (int i = 0; i < 4; i++)
        km_all_shown(km->fit[i], km->out[i]);
    for (int v = 0; v < SV_COUNT; v++)
        for (size_t k = 0; k < a->strata[v].nvalues; k++)
            km_all_shown(&a->strata[v].values[k].km, &d->strata[v][k].km);
    km_all_shown(&a->durability.km, &d->durability.km);
    d->durability.nat = DURABILITY_AT;
}

/* The flow: a cell per count (F[k] for flow count k) and the sums it is made of; returns the
 * patients' cell. */
static size_t flow_cells(struct eng *e, const struct ingest_result *in, const struct analysis *a,
                         size_t *F)
{
    long fv[F_COUNT];
    const struct flow_rows rows = {in->rows_read, in->rows_accepted, in->rows_rejected,
                                   in->rows_duplicate};
    model_flow_counts(&rows, a, fv);
    for (int k = 0; k < F_COUNT; k++)
        F[k] = cell(e, fv[k]);
    static const int sums[][4] = {
        {F_ROWS_READ, F_ACCEPTED, F_REJECTED, F_DUPLICATE},
        {F_EPISODES, F_COHORT, F_OUTSIDE, -1},
        {F_COHORT, F_EXCLUDED, F_ELIGIBLE, -1},
        {F_EXCLUDED, F_NO_BASELINE, F_BELOW_MIN, -1},
        {F_ELIGIBLE, F_MATURE, F_IMMATURE, -1},
        {F_ELIGIBLE, F_WITH_FOLLOWUP, F_NO_FOLLOWUP, -1},
        {F_MATURE, F_WITH_ENDPOINT, F_NO_ENDPOINT, -1},
        {F_MATURE, F_RESPONDERS, F_NONRESP, -1},
        {F_MATURE, F_REMITTERS, F_NONREM, -1},
        {F_WITH_ENDPOINT, F_RESPONDERS, F_RESP_OBS_NON, -1},
        {F_WITH_ENDPOINT, F_REMITTERS, F_REM_OBS_NON, -1},
    };
    for (size_t i = 0; i < sizeof sums / sizeof *sums; i++) {
        size_t parts[3], np = 0;
        for (int t = 1; t < 4 && sums[i][t] >= 0; t++)
            parts[np++] = F[sums[i][t]];
        group(e, F[sums[i][0]], parts, np);
    }
    return cell(e, in->patients);
}

/* The overall fits' cells: n is the episodes with a follow-up score, shared by the four; the
 * sessions-to fits' events are the time-to fits'. */
static void overall_km_cells(struct eng *e, const struct overall_km *km, const size_t *F,
                             struct km_cells *kc)
{
    kc[0] = km_cells(e, km->fit[0], F[F_WITH_FOLLOWUP], SIZE_MAX);
    kc[1] = km_cells(e, km->fit[1], kc[0].n, SIZE_MAX);
    kc[2] = km_cells(e, km->fit[2], kc[0].n, kc[0].events);
    kc[3] = km_cells(e, km->fit[3], kc[0].n, kc[1].events);
}

/* The last 12 months of the p-charts: one n per month for both charts (r 0: response,
 * 1: remission), its events and their complements. */
struct month_cells {
    size_t n[12], x[2][12], c[2][12];
};
static void monthly_cells(struct eng *e, const struct analysis *a, const size_t *F,
                          struct month_cells *mo)
{
    for (int k = 0; k < 12; k++) {
        mo->n[k] = cell(e, a->monthly[k].n);
        for (int r = 0; r < 2; r++) {
            const struct pchart_point *q = r ? &a->monthly_remission[k] : &a->monthly[k];
            mo->x[r][k] = cell(e, q->events);
            mo->c[r][k] = part_of(e, mo->n[k], mo->x[r][k]);
        }
    }
    /* the period's months among the 12 add up to the flow's mature, responders, remitters */
    if (a->period_from >= a->month0 && a->period_to <= a->month0 + 11) {
        size_t k0 = (size_t)(a->period_from - a->month0),
               nk = (size_t)(a->period_to - a->period_from + 1);
        group_sum(e, F[F_MATURE], mo->n + k0, nk);
        group_sum(e, F[F_RESPONDERS], mo->x[0] + k0, nk);
        group_sum(e, F[F_REMITTERS], mo->x[1] + k0, nk);
    }
}

/* The comparison periods (SPEC 10): mature, responders, remitters, with an endpoint, and
 * their complements; a period inside the 12 months shown is the sum of its months. */
struct cmp_cells {
    size_t m[CMP_COUNT][4], c[CMP_COUNT][4];
};
static void comparison_cells(struct eng *e, const struct analysis *a, const struct month_cells *mo,
                             struct cmp_cells *cc)
{
    for (int k = 0; k < CMP_COUNT; k++) {
        const struct period_rates *t = &a->comparison[k].then;
        size_t *m = cc->m[k], *c = cc->c[k];
        m[0] = cell(e, t->mature);
        m[1] = cell(e, t->response.events);
        m[2] = cell(e, t->remission.events);
        m[3] = cell(e, t->with_endpoint);
        c[0] = part_of(e, m[0], m[3]); /* mature without an endpoint */
        c[1] = part_of(e, m[0], m[1]); /* non-responders */
        c[2] = part_of(e, m[0], m[2]); /* non-remitters */
        c[3] = part_of(e, m[3], m[1]); /* with an endpoint, not responding */
        part_of(e, m[3], m[2]);
        if (t->from >= a->month0 && t->to <= a->month0 + 11) {
            size_t k0 = (size_t)(t->from - a->month0), nk = (size_t)(t->to - t->from + 1);
            group_sum(e, m[0], mo->n + k0, nk);
            group_sum(e, m[1], mo->x[0] + k0, nk);
            group_sum(e, m[2], mo->x[1] + k0, nk);
        }
    }
}

/* The trajectory (by session, by week): baseline n is the eligible; n only falls from one
 * point to the next, and a drop is a count. Then the percent-change histogram: its bins add up
 * to the episodes with an endpoint, bins 0-4 to the responders, the others to the
 * non-responders with an endpoint. */
struct figure_cells {
    size_t tj[2][TRAJ_POINTS], ph[PCT_BINS];
};
static void figure_cells(struct eng *e, const struct analysis *a, const size_t *F,
                         struct figure_cells *fg)
{
    for (int w = 0; w < 2; w++) {
        const struct trajectory_point *pt = w ? a->by_week : a->by_session;
        for (int k = 0; k < TRAJ_POINTS; k++) {
            fg->tj[w][k] = k == 0 ? same_or_new(e, w ? fg->tj[0][0] : F[F_ELIGIBLE], pt[0].n)
                                  : cell(e, pt[k].n);
            if (k > 0 && pt[k].n <= pt[k - 1].n)
                part_of(e, fg->tj[w][k - 1], fg->tj[w][k]);
        }
    }
    for (int k = 0; k < PCT_BINS; k++)
        fg->ph[k] = cell(e, a->pct_hist[k]);
    group_sum(e, F[F_WITH_ENDPOINT], fg->ph, PCT_BINS);
    group_sum(e, F[F_RESPONDERS], fg->ph, 5);
    group_sum(e, F[F_RESP_OBS_NON], fg->ph + 5, PCT_BINS - 5);
}

/* The safety page's cells (struct safety). */
struct safety_cells {
    size_t sess, eps, bpn[2], bph[2], bpc[2], sbp, sh[8], cn, ca, cac, cs[12];
    size_t aas, aae, aasc, aaec, ae0, aoc;
    size_t i9n, i9a, i9b, i9ac, i9bc, i9rn, i9r, i9wn, i9w, i9rc, i9wc;
};
/* sessions and episodes, blood pressure, the systolic rise and CADSS */
static void safety_vitals_cells(struct eng *e, const struct safety *s, const size_t *F,
                                struct safety_cells *sc)
{
    sc->sess = cell(e, s->sessions);
    sc->eps = same_or_new(e, F[F_COHORT], s->episodes);
    for (int k = 0; k < 2; k++) {
        sc->bpn[k] = cell(e, k ? s->bp_post_n : s->bp_pre_n);
        part_of(e, sc->sess, sc->bpn[k]);
        sc->bph[k] = cell(e, k ? s->bp_post_high : s->bp_pre_high);
        sc->bpc[k] = part_of(e, sc->bpn[k], sc->bph[k]);
    }
    sc->sbp = cell(e, s->sbp_rise_n);
    part_of(e, sc->sess, sc->sbp);
    for (int k = 0; k < 8; k++)
        sc->sh[k] = cell(e, s->sbp_rise_hist[k]);
    group_sum(e, sc->sbp, sc->sh, 8);
    sc->cn = cell(e, s->cadss_n);
    sc->ca = cell(e, s->cadss_above);
    part_of(e, sc->sess, sc->cn);
    sc->cac = part_of(e, sc->cn, sc->ca);
    for (size_t k = 0; k < s->cadss_nsessions && k < 12; k++) {
        sc->cs[k] = cell(e, s->cadss_by_session_n[k]);
        if (k > 0 && s->cadss_by_session_n[k] <= s->cadss_by_session_n[k - 1])
            part_of(e, sc->cs[k - 1], sc->cs[k]);
    }
    group_sum(e, sc->cn, sc->cs, s->cadss_nsessions < 12 ? s->cadss_nsessions : 12);
}
/* adverse events: sessions and episodes with any, and per code */
static int adverse_event_cells(struct eng *e, const struct safety *s, struct safety_cells *sc)
{
    sc->aas = cell(e, s->ae_any_sessions);
    sc->aae = cell(e, s->ae_any_episodes);
    sc->aasc = part_of(e, sc->sess, sc->aas);
    sc->aaec = part_of(e, sc->eps, sc->aae);
    sc->ae0 = e->nc; /* 4 cells per code: sessions, its complement, episodes, complement */
    for (size_t k = 0; k < s->nae; k++) {
        size_t cs_ = cell(e, s->ae_sessions[k]);
        part_of(e, sc->sess, cs_);
        size_t ce_ = cell(e, s->ae_episodes[k]);
        part_of(e, sc->eps, ce_);
    }
    /* how many codes "other" pools: a count like any (and see below) */
    sc->aoc = s->ae_other_codes > 0 ? cell(e, s->ae_other_codes) : SIZE_MAX;
    /* when no session lists two codes, the codes' sessions add up to the sessions with any (the
     * pooled "other" was their difference); the same for episodes */
    if (s->nae > 0) {
        size_t *tmp = malloc(2 * s->nae * sizeof *tmp);
        if (!tmp)
            return -1;
        for (size_t k = 0; k < s->nae; k++) {
            tmp[k] = sc->ae0 + 4 * k;
            tmp[s->nae + k] = sc->ae0 + 4 * k + 2;
        }
        group_sum(e, sc->aas, tmp, s->nae);
        group_sum(e, sc->aae, tmp + s->nae, s->nae);
        free(tmp);
    }
    return 0;
}
/* PHQ-9 item 9: encounters, and per episode */
static void item9_cells(struct eng *e, const struct safety *s, struct safety_cells *sc)
{
    sc->i9n = cell(e, s->item9_n);
    sc->i9a = cell(e, s->item9_ge1);
    sc->i9b = cell(e, s->item9_ge2);
    sc->i9ac = part_of(e, sc->i9n, sc->i9a);
    sc->i9bc = part_of(e, sc->i9n, sc->i9b);
    part_of(e, sc->i9a, sc->i9b);
    /* item 9 per episode: two denominators (SPEC 13), each with its events */
    sc->i9rn = cell(e, s->item9_resolved.n);
    sc->i9r = cell(e, s->item9_resolved.events);
    sc->i9wn = cell(e, s->item9_worsened.n);
    sc->i9w = cell(e, s->item9_worsened.events);
    sc->i9rc = part_of(e, sc->i9rn, sc->i9r);
    sc->i9wc = part_of(e, sc->i9wn, sc->i9w);
}

/* The data-quality page's cells: rejections by reason, same-day conflicts, missing values by
 * column, treatment sessions without a primary score. */
struct dq_cells {
    size_t rr[REASON_COUNT], ct, cc[N_CONFLICT_COLS], mrows, ms[N_INT_COLS], msc[N_INT_COLS];
    size_t ts, tw, twc;
};
static void dq_cells(struct eng *e, const struct ingest_result *in, const struct analysis *a,
                     const size_t *F, struct dq_cells *q)
{
    for (int r = 0; r < REASON_COUNT; r++)
        q->rr[r] = cell(e, in->rejected_by_reason[r]);
    group_sum(e, F[F_REJECTED], q->rr, REASON_COUNT);
    q->ct = cell(e, in->conflicting_same_day_scores);
    for (int k = 0; k < N_CONFLICT_COLS; k++)
        q->cc[k] = cell(e, in->conflicts_by_col[k]);
    group_sum(e, q->ct, q->cc, N_CONFLICT_COLS);
    q->mrows = same_or_new(e, F[F_ACCEPTED], a->dq.missing_n);
    for (int k = 0; k < N_INT_COLS; k++) { /* the columns the report shows (columns.h) */
        q->ms[k] = q->msc[k] = 0;
        if (!ingest_columns[COL_FIRST_INT + k].dq_missing)
            continue;
        q->ms[k] = cell(e, a->dq.missing[k]);
        q->msc[k] = part_of(e, q->mrows, q->ms[k]);
    }
    q->ts = cell(e, a->dq.treatment_sessions);
    q->tw = cell(e, a->dq.treatment_without_primary);
    q->twc = part_of(e, q->ts, q->tw);
}

/* Counts of two tables that measure the same rows: the safety page's sessions are the data
 * quality page's treatment sessions, and its encounters with item 9 (sessions with CADSS,
 * with a blood pressure) and the rows without that value add up to the accepted rows
 * whenever every row belongs to an episode of the period. An attacker who guesses the
 * relation can check it, so it is a group whenever the numbers hold it. */
static void same_rows_groups(struct eng *e, const struct safety_cells *sc, const struct dq_cells *q)
{
    group_sum(e, q->ts, &sc->sess, 1);
    static const int cols[4] = {COL_PHQ9_ITEM9, COL_CADSS, COL_SBP_PRE, COL_SBP_POST};
    const size_t safety_n[4] = {sc->i9n, sc->cn, sc->bpn[0], sc->bpn[1]};
    for (int k = 0; k < 4; k++) {
        size_t parts[2] = {q->ms[INT_INDEX(cols[k])], safety_n[k]};
        group_sum(e, q->mrows, parts, 2);
    }
}

/* The flow's flags and its rates, and the overall fits'. */
static void flow_flags(const struct eng *e, const size_t *F, size_t patients,
                       const struct overall_km *km, const struct km_cells *kc, struct disclosure *d)
{
    for (int k = 0; k < F_COUNT; k++)
        d->flow[k] = flag(e, F[k]);
    d->patients = flag(e, patients);
    d->response = prop(e, F[F_RESPONDERS], F[F_MATURE], F[F_NONRESP]);
    d->remission = prop(e, F[F_REMITTERS], F[F_MATURE], F[F_NONREM]);
    d->response_observed = prop(e, F[F_RESPONDERS], F[F_WITH_ENDPOINT], F[F_RESP_OBS_NON]);
    d->remission_observed = prop(e, F[F_REMITTERS], F[F_WITH_ENDPOINT], F[F_REM_OBS_NON]);
    d->followup = prop(e, F[F_WITH_ENDPOINT], F[F_MATURE], F[F_NO_ENDPOINT]);
    for (int i = 0; i < 4; i++)
        km_flags(e, km->fit[i], kc[i], i >= 2, km->out[i]);
}

/* Each stratum value's rates and curve (cells from sbase[v], 8 per value as strata_cells); a
 * log-rank test is withheld when any of its values' curve cells is. */
static void strata_flags(const struct eng *e, const struct analysis *a, const size_t *sbase,
                         struct disclosure *d)
{
    for (int v = 0; v < SV_COUNT; v++) {
        const struct stratum *st = &a->strata[v];
        int any = 0;
        for (size_t k = 0; k < st->nvalues; k++) {
            size_t b = sbase[v] + 8 * k;
            struct disc_value *dv = &d->strata[v][k];
            dv->response = prop(e, b + 1, b, b + 5);
            dv->remission = prop(e, b + 2, b, b + 6);
            struct km_cells kv = {b + 3, b + 4, b + 7};
            km_flags(e, &st->values[k].km, kv, 0, &dv->km);
            any |= hid(e, b + 3) || hid(e, b + 4) || hid(e, b + 7);
        }
        d->logrank[v] = any ? DISC_WITHHELD : DISC_SHOWN;
    }
}

/* The comparison periods' rates and differences, and the benchmarks' positions (built on the
 * clinic's rate they sit beside). */
static void comparison_flags(const struct eng *e, const struct analysis *a,
                             const struct cmp_cells *cc, struct disclosure *d)
{
    for (int k = 0; k < CMP_COUNT; k++) {
        struct disc_comparison *dc = &d->comparison[k];
        const size_t *m = cc->m[k], *c = cc->c[k];
        dc->response = prop(e, m[1], m[0], c[1]);
        dc->remission = prop(e, m[2], m[0], c[2]);
        dc->response_observed = prop(e, m[1], m[3], c[3]);
        dc->followup = prop(e, m[3], m[0], c[0]);
        dc->diff_response =
            hidden_prop(d->response) || hidden_prop(dc->response) ? DISC_WITHHELD : 0;
        dc->diff_remission =
            hidden_prop(d->remission) || hidden_prop(dc->remission) ? DISC_WITHHELD : 0;
    }
    for (size_t k = 0; k < a->nbenchmarks; k++) {
        const struct proportion *c = a->benchmarks[k].clinic;
        struct disc_prop cp = c == &a->response            ? d->response
                              : c == &a->remission         ? d->remission
                              : c == &a->response_observed ? d->response_observed
                                                           : d->remission_observed;
        d->benchmark_position[k] = hidden_prop(cp) ? DISC_WITHHELD : 0;
    }
}

/* The p-charts' months; a centre line is withheld when any month's cells are, and the limits
 * and signals with it. */
static void monthly_flags(const struct eng *e, const struct month_cells *mo, struct disclosure *d)
{
    uint8_t centre[2] = {0, 0};
    for (int k = 0; k < 12; k++) {
        for (int r = 0; r < 2; r++) {
            struct disc_month *dm = r ? &d->monthly_remission[k] : &d->monthly[k];
            struct disc_prop p = prop(e, mo->x[r][k], mo->n[k], mo->c[r][k]);
            dm->n = p.n;
            dm->events = p.events;
            dm->rate = dm->limits = p.rate;
            if (hid(e, mo->n[k]) || hid(e, mo->x[r][k]) || hid(e, mo->c[r][k]))
                centre[r] = DISC_WITHHELD;
        }
    }
    d->centre = centre[0];
    d->centre_remission = centre[1];
    for (int k = 0; k < 12; k++) /* limits and signals are built on the centre */
        for (int r = 0; r < 2; r++)
            if (centre[r])
                (r ? &d->monthly_remission[k] : &d->monthly[k])->limits = DISC_WITHHELD;
}

static void figure_flags(const struct eng *e, const struct figure_cells *fg, struct disclosure *d)
{
    for (int k = 0; k < TRAJ_POINTS; k++) {
        d->by_session[k] = flag(e, fg->tj[0][k]);
        d->by_week[k] = flag(e, fg->tj[1][k]);
    }
    for (int k = 0; k < PCT_BINS; k++)
        d->pct_hist[k] = flag(e, fg->ph[k]);
}

static void safety_flags(const struct eng *e, const struct safety *s, const struct safety_cells *sc,
                         struct disclosure *d)
{
    d->sessions = flag(e, sc->sess);
    d->episodes = flag(e, sc->eps);
    d->bp_pre_n = flag(e, sc->bpn[0]);
    d->bp_post_n = flag(e, sc->bpn[1]);
    d->bp_pre = prop(e, sc->bph[0], sc->bpn[0], sc->bpc[0]);
    d->bp_post = prop(e, sc->bph[1], sc->bpn[1], sc->bpc[1]);
    d->sbp_rise_n = flag(e, sc->sbp);
    d->sbp_rise_stats = hid(e, sc->sbp) || s->sbp_rise_n < d->below ? DISC_WITHHELD : 0;
    /* the smallest and largest rise are single sessions' values (one patient's reading, the
     * outlier a reader may know): row-level, so withheld whenever suppression is on */
    d->sbp_rise_extremes = DISC_WITHHELD;
    for (int k = 0; k < 8; k++)
        d->sbp_rise_hist[k] = flag(e, sc->sh[k]);
    d->cadss_n = flag(e, sc->cn);
    d->cadss_above = prop(e, sc->ca, sc->cn, sc->cac);
    for (size_t k = 0; k < s->cadss_nsessions && k < 12; k++)
        d->cadss_by_session[k] = flag(e, sc->cs[k]);
    d->ae_any_sessions = prop(e, sc->aas, sc->sess, sc->aasc);
    d->ae_any_episodes = prop(e, sc->aae, sc->eps, sc->aaec);
    for (size_t k = 0; k < s->nae; k++) {
        size_t b = sc->ae0 + 4 * k;
        d->ae_sessions[k] = prop(e, b, sc->sess, b + 1);
        d->ae_episodes[k] = prop(e, b + 2, sc->eps, b + 3);
    }
    /* the number of codes pooled bounds the pooled sessions from below */
    d->ae_other_codes = DISC_SHOWN;
    if (sc->aoc != SIZE_MAX) {
        d->ae_other_codes = flag(e, sc->aoc);
        if (!d->ae_other_codes && d->ae_sessions[s->nae - 1].events != DISC_SHOWN)
            d->ae_other_codes = DISC_WITHHELD;
    }
    d->item9_n = flag(e, sc->i9n);
    d->item9_ge1 = prop(e, sc->i9a, sc->i9n, sc->i9ac);
    d->item9_ge2 = prop(e, sc->i9b, sc->i9n, sc->i9bc);
    d->item9_resolved = prop(e, sc->i9r, sc->i9rn, sc->i9rc);
    d->item9_worsened = prop(e, sc->i9w, sc->i9wn, sc->i9wc);
}

/* The data-quality page's flags, and each file's (rows read from cell fr0, the other counts
 * FILE_CELLS per file from fa0, as file_cells). */
static void dq_flags(const struct eng *e, const struct ingest_result *in, const struct dq_cells *q,
                     size_t fr0, size_t fa0, struct disclosure *d)
{
    for (int r = 0; r < REASON_COUNT; r++)
        d->rejected_by_reason[r] = flag(e, q->rr[r]);
    d->conflicts_total = flag(e, q->ct);
    for (int k = 0; k < N_CONFLICT_COLS; k++)
        d->conflicts_by_col[k] = flag(e, q->cc[k]);
    d->missing_rows = flag(e, q->mrows);
    for (int k = 0; k < N_INT_COLS; k++)
        d->missing[k] = ingest_columns[COL_FIRST_INT + k].dq_missing
                            ? prop(e, q->ms[k], q->mrows, q->msc[k])
                            : (struct disc_prop){0};
    d->treatment_sessions = flag(e, q->ts);
    d->without_score = prop(e, q->tw, q->ts, q->twc);
    for (size_t f = 0; f < in->nfiles; f++) {
        d->file_rows[f] = flag(e, fr0 + f);
        size_t b = fa0 + FILE_CELLS * f;
        d->files[f] =
            (struct disc_file){flag(e, b),     flag(e, b + 1), flag(e, b + 2), flag(e, b + 3),
                               flag(e, b + 4), flag(e, b + 5), flag(e, b + 6)};
    }
}

int model_disclose(const struct ingest_result *in, struct analysis *a)
{
    struct disclosure *d = &a->disc;
    const struct safety *s = &a->safety;
    struct checks_cells ck = {0};
    struct funnel_cells fcl = {0};
    model_disclosure_fini(d);
    if (disclosure_alloc(in, a, d) != 0)
        goto oom;
    const struct overall_km km = overall_km(a);
    if (a->opts.suppress_below <= 1) {
        disclose_all(a, &km);
        return 0;
    }
    d->below = a->opts.suppress_below;
    struct eng e = {.below = d->below};
    size_t F[F_COUNT];
    size_t patients = flow_cells(&e, in, a, F);
    /* Kaplan-Meier: n is the episodes with a follow-up score */
    struct km_cells kc[4];
    overall_km_cells(&e, &km, F, kc);
    /* strata */
    size_t sbase[SV_COUNT];
    struct strata_tot tot = {F[F_MATURE], F[F_RESPONDERS], F[F_REMITTERS], kc[0].n, kc[0].events};
    for (int v = 0; v < SV_COUNT; v++)
        if (strata_cells(&e, &a->strata[v], tot, &sbase[v]) != 0)
            goto oom_e;
    if (funnel_cells(&e, a, F, sbase, &fcl) != 0)
        goto oom_e;
    struct month_cells mo;
    monthly_cells(&e, a, F, &mo);
    struct cmp_cells cm;
    comparison_cells(&e, a, &mo, &cm);
    struct figure_cells fg;
    figure_cells(&e, a, F, &fg);
    /* safety */
    struct safety_cells sc;
    safety_vitals_cells(&e, s, F, &sc);
    if (adverse_event_cells(&e, s, &sc) != 0)
        goto oom_e;
    item9_cells(&e, s, &sc);
    /* data quality */
    struct dq_cells dq;
    dq_cells(&e, in, a, F, &dq);
    same_rows_groups(&e, &sc, &dq);
    struct checks_anchor an = {
        sc.sess, sc.bpn[0], sc.bph[0],     sc.bph[1], sc.ca,
        sc.i9n,  sc.i9b,    F[F_ELIGIBLE], dq.ts,     dq.ms[INT_INDEX(COL_PHQ9)]};
    if (checks_cells(&e, &a->checks, an, &ck) != 0)
        goto oom_e;
    size_t fr0 = e.nc;
    for (size_t f = 0; f < in->nfiles; f++)
        cell(&e, in->files[f].rows_read);
    size_t fa0 = file_cells(&e, in, fr0, F);
    struct dur_cells dcells;
    durability_cells(&e, a, F, kc[0], sbase[SV_FREQUENCY], &dcells);
    if (e.oom)
        goto oom_e;
    settle(&e);

    /* read the decision out */
    flow_flags(&e, F, patients, &km, kc, d);
    strata_flags(&e, a, sbase, d);
    comparison_flags(&e, a, &cm, d);
    monthly_flags(&e, &mo, d);
    figure_flags(&e, &fg, d);
    safety_flags(&e, s, &sc, d);
    checks_flags(&e, &a->checks, an, &ck, &d->checks);
    dq_flags(&e, in, &dq, fr0, fa0, d);
    funnel_flags(&e, a, &fcl, &d->funnel);
    for (int v = 0; v < FUNNEL_VARS; v++)
        free(fcl.u[v]);
    durability_flags(&e, a, &dcells, &d->durability);
    free(e.c);
    free(e.m);
    free(e.g);
    free(ck.clin);
    return 0;
oom_e:
    free(ck.clin);
    for (int v = 0; v < FUNNEL_VARS; v++)
        free(fcl.u[v]);
    free(e.c);
    free(e.m);
    free(e.g);
oom:
    model_disclosure_fini(d);
    return -1;
}
