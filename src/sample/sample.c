/* sample.c: the synthetic export behind `outcomes sample`.
 *
 * Each patient gets a treatment course drawn from GSL's mt19937 generator: a screening
 * assessment, an induction series (six IV/IM/sublingual ketamine sessions over 2-3 weeks, or
 * twice-weekly intranasal esketamine for four weeks then weekly), a score trajectory that
 * approaches a patient-specific improvement (responders and non-responders), drop-out, remote
 * assessments between sessions and after induction, maintenance boosters, and for some a
 * second episode months later. Vitals rise after the dose; CADSS and side effects follow the
 * drug; a few sessions lack a blood pressure (or one value of it) and esketamine's monitoring
 * time is now and then short or unrecorded. Rows are written patient by patient, each patient's in date order. It is a demonstration generator,
 * not a clinical model: the parameters are plausible, not fitted to data. */
#include "outcomes/sample.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/date.h"
#include "outcomes/stats.h"

static const char *const sites[] = {"north", "south", "east", "telehealth-hub"};
static const char *const clinicians[][3] = {
    {"c01", "c02", "c03"}, {"c04", "c05", "c06"}, {"c07", "c08", "c09"}, {"c10", "c11", "c12"}};
static const char *const therapies[] = {"psychotherapy", "none", "medication management"};

/* Output line under construction. */
struct line {
    char buf[512];
    size_t n;
};

static void put_str(struct line *l, const char *s)
{
    size_t k = strlen(s);
    memcpy(l->buf + l->n, s, k);
    l->n += k;
}

static void put_int(struct line *l, long v)
{
    char tmp[24];
    int k = 0;
    if (v < 0) {
        l->buf[l->n++] = '-';
        v = -v;
    }
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k)
        l->buf[l->n++] = tmp[--k];
}

/* One decimal place, e.g. 34.5. */
static void put_tenths(struct line *l, double v)
{
    long t = lround(v * 10);
    put_int(l, t / 10);
    l->buf[l->n++] = '.';
    l->buf[l->n++] = (char)('0' + t % 10);
}

static void put_sep(struct line *l)
{
    l->buf[l->n++] = ',';
}

static int clampi(double v, int lo, int hi)
{
    long r = lround(v);
    return r < lo ? lo : r > hi ? hi : (int)r;
}

/* A patient's course parameters. */
struct course {
    int drug; /* 0 ketamine, 1 esketamine */
    const char *route;
    double weight;
    double baseline; /* latent PHQ-9 at day 0 */
    double gain;     /* fraction of the score that improves at most */
    double tau;      /* days to approach it */
    int site, clinician, therapy;
};

/* One patient's rows, held until the patient is done so they can be written in date order. */
struct held {
    int32_t day;
    uint32_t seq;
    size_t off, len;
};

struct gen {
    gsl_rng *rng;
    gsl_rng *aux; /* a second stream for what later versions added (monitoring time,
                           vitals not taken), so that the first draws as it always did */
    FILE *f;
    int32_t as_of;
    int failed;
    char *text; /* held rows' bytes */
    size_t ntext, captext;
    struct held *held;
    size_t nheld, capheld;
};

static void hold(struct gen *g, int32_t day, const struct line *l)
{
    if (g->nheld == g->capheld) {
        size_t cap = g->capheld ? g->capheld * 2 : 64;
        struct held *h = realloc(g->held, cap * sizeof *h);
        if (!h) {
            g->failed = 1;
            return;
        }
        g->held = h;
        g->capheld = cap;
    }
    if (g->ntext + l->n > g->captext) {
        size_t cap = g->captext ? g->captext * 2 : 16384;
        while (cap < g->ntext + l->n)
            cap *= 2;
        char *t = realloc(g->text, cap);
        if (!t) {
            g->failed = 1;
            return;
        }
        g->text = t;
        g->captext = cap;
    }
    memcpy(g->text + g->ntext, l->buf, l->n);
    g->held[g->nheld] = (struct held){day, (uint32_t)g->nheld, g->ntext, l->n};
    g->ntext += l->n;
    g->nheld++;
}

static int held_cmp(const void *a, const void *b)
{
    const struct held *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Writes the held rows in date order; of two rows on one date (a booster that falls on a
 * follow-up assessment) only the first made is kept, so the sample has no same-day conflicts. */
static void flush_held(struct gen *g)
{
    qsort(g->held, g->nheld, sizeof *g->held, held_cmp);
    for (size_t i = 0; i < g->nheld && !g->failed; i++)
        if ((i == 0 || g->held[i].day != g->held[i - 1].day) &&
            fwrite(g->text + g->held[i].off, 1, g->held[i].len, g->f) != g->held[i].len)
            g->failed = 1;
    g->nheld = 0;
    g->ntext = 0;
}

static double latent_phq9(const struct course *c, double day)
{
    if (day <= 0)
        return c->baseline;
    return c->baseline * (1 - c->gain * (1 - exp(-day / c->tau)));
}

/* route, drug, dose_mg and weight_kg of a treatment (session_no from 0); empty for an
 * assessment. */
static void put_dose(struct line *l, gsl_rng *r, int treatment, const struct course *c,
                     int session_no)
{
    if (!treatment) {
        put_str(l, ",,,,");
        return;
    }
    put_str(l, c->route);
    put_sep(l);
    put_str(l, c->drug ? "esketamine" : "ketamine");
    put_sep(l);
    double dose;
    if (c->drug)
        dose = session_no < 3 ? 56 : (gsl_rng_uniform(r) < 0.6 ? 84 : 56);
    else if (strcmp(c->route, "sublingual") == 0)
        dose = session_no < 2 ? 100 : 150;
    else
        dose = c->weight * (session_no < 2 ? 0.5 : (gsl_rng_uniform(r) < 0.3 ? 0.75 : 0.5));
    put_tenths(l, dose);
    put_sep(l);
    put_tenths(l, c->weight);
    put_sep(l);
}

/* phq9 (now and then missing, with its item 9), madrs and gad7 around the latent PHQ-9. */
static void put_scores(struct line *l, gsl_rng *r, double latent, int with_madrs, int with_gad7)
{
    int phq9 = clampi(latent + gsl_ran_gaussian(r, 1.8), 0, 27);
    int missing = gsl_rng_uniform(r) < 0.04;
    if (!missing) {
        put_int(l, phq9);
        put_sep(l);
        double p9 = phq9 >= 20 ? 0.45 : phq9 >= 15 ? 0.3 : phq9 >= 10 ? 0.12 : 0.03;
        int item9 = 0;
        if (gsl_rng_uniform(r) < p9)
            item9 = gsl_rng_uniform(r) < 0.7 ? 1 : (gsl_rng_uniform(r) < 0.8 ? 2 : 3);
        put_int(l, item9);
        put_sep(l);
    } else {
        put_str(l, ",,");
    }
    if (with_madrs) {
        put_int(l, clampi(latent * 1.75 + gsl_ran_gaussian(r, 3.0), 0, 60));
    }
    put_sep(l);
    if (with_gad7) {
        put_int(l, clampi(latent * 0.62 + gsl_ran_gaussian(r, 2.0), 0, 21));
    }
    put_sep(l);
}

/* cadss, the four blood-pressure values and the adverse events of a treatment. */
static void put_vitals(struct gen *g, struct line *l, const struct course *c, int session_no)
{
    gsl_rng *r = g->rng;
    double cadss_mean = (c->drug ? 12.0 : 18.0) * (session_no < 3 ? 1.0 : 0.7);
    put_int(l, clampi(cadss_mean + gsl_ran_gaussian(r, 7.0), 0, 92));
    put_sep(l);
    int sbp = clampi(gsl_ran_gaussian(r, 14) + 127, 90, 200);
    int dbp = clampi(gsl_ran_gaussian(r, 9) + 79, 50, 125);
    int rise = clampi(gsl_ran_gaussian(r, 9) + (c->drug ? 11 : 16), -10, 70);
    /* vitals not taken (from the second stream): a pair missing, or one value of it */
    double u = gsl_rng_uniform(g->aux), w = gsl_rng_uniform(g->aux);
    int pre = u < 0.005 ? 0 : u < 0.01 ? 1 : 2, post = w < 0.025 ? 0 : w < 0.035 ? 1 : 2;
    if (pre)
        put_int(l, sbp);
    put_sep(l);
    if (pre == 2)
        put_int(l, dbp);
    put_sep(l);
    if (post)
        put_int(l, clampi(sbp + rise, 90, 260));
    put_sep(l);
    int dpost = clampi(dbp + rise * 0.5 + gsl_ran_gaussian(r, 4), 50, 150);
    if (post == 2)
        put_int(l, dpost);
    put_sep(l);
    static const char *const ae[] = {"nausea",   "dizziness", "headache", "dissociation",
                                     "sedation", "vomiting",  "anxiety",  "blurred_vision"};
    const double pk[] = {0.17, 0.2, 0.11, c->drug ? 0.3 : 0.2, 0.14, 0.03, 0.05, 0.06};
    int first = 1;
    for (int k = 0; k < 8; k++) {
        if (gsl_rng_uniform(r) < pk[k] * (session_no < 3 ? 1.0 : 0.6)) {
            if (!first)
                l->buf[l->n++] = '|';
            put_str(l, ae[k]);
            first = 0;
        }
    }
    put_sep(l);
}

/* Minutes of monitoring: the REMS two hours after esketamine, a few short or unrecorded;
 * about an hour after ketamine. */
static void put_monitoring(struct gen *g, struct line *l, const struct course *c)
{
    double u = gsl_rng_uniform(g->aux), v = gsl_rng_uniform(g->aux);
    if (c->drug && u >= 0.05)
        put_int(l, u < 0.08 ? 75 + (int)(40 * v) : 120 + (int)(60 * v));
    else if (!c->drug && u >= 0.1)
        put_int(l, 40 + (int)(50 * v));
}

static void write_row(struct gen *g, const char *pid, int32_t day, int treatment,
                      const struct course *c, int session_no, double latent, int with_madrs,
                      int with_gad7)
{
    struct line l = {.n = 0};
    char date[11];
    if (day > g->as_of || g->failed)
        return;
    date_format(day, date);
    put_str(&l, pid);
    put_sep(&l);
    put_str(&l, date);
    put_sep(&l);
    put_str(&l, treatment ? "treatment" : "assessment");
    put_sep(&l);
    put_str(&l, sites[c->site]);
    put_sep(&l);
    put_str(&l, clinicians[c->site][c->clinician]);
    put_sep(&l);
    put_dose(&l, g->rng, treatment, c, session_no);
    put_scores(&l, g->rng, latent, with_madrs, with_gad7);
    if (treatment)
        put_vitals(g, &l, c, session_no);
    else
        put_str(&l, ",,,,,,");
    put_str(&l, therapies[c->therapy]);
    put_sep(&l);
    if (treatment)
        put_monitoring(g, &l, c);
    l.buf[l.n++] = '\n';
    hold(g, day, &l);
}

/* One episode from day0; returns the day of its last treatment. */
static int32_t write_episode(struct gen *g, const char *pid, int32_t day0, struct course *c)
{
    gsl_rng *r = g->rng;
    int offsets[24];
    int n = 0;
    if (c->drug) { /* twice weekly for 4 weeks, weekly for 4 more */
        static const int esk[] = {0, 3, 7, 10, 14, 17, 21, 24, 31, 38, 45, 52};
        for (int k = 0; k < 12; k++)
            offsets[n++] = esk[k];
    } else {
        int span = 13 + (int)gsl_rng_uniform_int(r, 8); /* 6 sessions over 2-3 weeks */
        for (int k = 0; k < 6; k++)
            offsets[n++] = k * span / 5;
    }
    if (gsl_rng_uniform(r) < 0.15) /* drop-out */
        n = 1 + (int)gsl_rng_uniform_int(r, (unsigned long)(n < 4 ? n : 4));
    int32_t last = day0;
    /* screening a few days before (most), by phone or in clinic */
    if (gsl_rng_uniform(r) < 0.8)
        write_row(g, pid, day0 - 1 - (int32_t)gsl_rng_uniform_int(r, 10), 0, c, 0,
                  latent_phq9(c, -1), 1, 1);
    for (int k = 0; k < n; k++) {
        int32_t day = day0 + offsets[k];
        write_row(g, pid, day, 1, c, k, latent_phq9(c, offsets[k]), k == 0 || k % 3 == 0,
                  k % 2 == 0);
        last = day;
        if (k + 1 < n && offsets[k + 1] - offsets[k] >= 4 && gsl_rng_uniform(r) < 0.12)
            write_row(g, pid, day + 2, 0, c, k, latent_phq9(c, offsets[k] + 2), 0, 0);
    }
    int completed = n >= (c->drug ? 8 : 6);
    if (!completed && gsl_rng_uniform(r) < 0.7)
        return last;
    /* follow-up assessments after induction */
    static const int fu[] = {28, 42, 70, 120, 180, 270, 365};
    for (int k = 0; k < 7; k++) {
        double keep = 0.75 - 0.08 * k;
        if (gsl_rng_uniform(r) < keep) {
            int d = fu[k] + (int)gsl_rng_uniform_int(r, 9) - 4;
            if (d > offsets[n - 1])
                write_row(g, pid, day0 + d, 0, c, 0, latent_phq9(c, d), k < 3, 0);
        }
    }
    /* maintenance boosters for many of those who improved */
    if (c->gain > 0.5 && gsl_rng_uniform(r) < 0.45) {
        int d = offsets[n - 1];
        int boosters = 1 + (int)gsl_rng_uniform_int(r, 6);
        for (int k = 0; k < boosters; k++) {
            d += 21 + (int)gsl_rng_uniform_int(r, 22);
            write_row(g, pid, day0 + d, 1, c, 6 + k, latent_phq9(c, d) * 1.05, 0, 0);
            last = day0 + d;
        }
    }
    return last;
}

static void draw_course(gsl_rng *r, struct course *c, int site)
{
    double u = gsl_rng_uniform(r);
    c->drug = u < 0.3;
    if (c->drug)
        c->route = "intranasal";
    else {
        double v = gsl_rng_uniform(r);
        c->route = v < 0.72 ? "iv" : v < 0.88 ? "im" : "sublingual";
    }
    c->weight = fmin(160, fmax(45, 82 + gsl_ran_gaussian(r, 16)));
    c->baseline = fmin(27, fmax(4, 18 + gsl_ran_gaussian(r, 4.2)));
    int responder = gsl_rng_uniform(r) < (c->drug ? 0.5 : 0.56);
    c->gain = responder ? 0.55 + 0.4 * gsl_rng_uniform(r) : 0.45 * gsl_rng_uniform(r);
    c->tau = 3 + 10 * gsl_rng_uniform(r);
    c->site = site;
    c->clinician = (int)gsl_rng_uniform_int(r, 3);
    c->therapy = (int)gsl_rng_uniform_int(r, 3);
}

int sample_write(FILE *f, const struct sample_opts *opts, struct diag *d)
{
    stats_init(); /* also a library entry point: GSL errors as values, never abort() */
    struct gen g = {.rng = gsl_rng_alloc(gsl_rng_mt19937),
                    .aux = gsl_rng_alloc(gsl_rng_mt19937),
                    .f = f,
                    .as_of = opts->as_of};
    if (!g.rng || !g.aux) {
        gsl_rng_free(g.rng);
        gsl_rng_free(g.aux);
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    }
    gsl_rng_set(g.rng, opts->seed);
    gsl_rng_set(g.aux, opts->seed ^ 0x5afe7eUL);
    int y, m, dd;
    date_to_ymd(opts->as_of, &y, &m, &dd);
    int mi = y * 12 + (m - 1) - (opts->months - 1);
    int32_t start = date_from_ymd(mi / 12, mi % 12 + 1, 1);
    int32_t span = opts->as_of - start - 7;
    if (span < 1)
        span = 1;
    fputs("patient_id,session_date,session_type,site,clinician,route,drug,dose_mg,weight_kg,"
          "phq9,phq9_item9,madrs,gad7,cadss,sbp_pre,dbp_pre,sbp_post,dbp_post,adverse_events,"
          "concurrent_therapy,monitoring_min\n",
          f);
    for (long p = 0; p < opts->patients && !g.failed; p++) {
        char pid[32];
        snprintf(pid, sizeof pid, "P%07ld", p + 1);
        double u = gsl_rng_uniform(g.rng);
        int site = u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3;
        struct course c;
        draw_course(g.rng, &c, site);
        int32_t day0 = start + (int32_t)gsl_rng_uniform_int(g.rng, (unsigned long)span);
        int32_t last = write_episode(&g, pid, day0, &c);
        if (gsl_rng_uniform(g.rng) < 0.12) { /* returns for a second course */
            int32_t again = last + 100 + (int32_t)gsl_rng_uniform_int(g.rng, 200);
            struct course c2;
            draw_course(g.rng, &c2, site);
            c2.baseline = fmin(27, fmax(4, c.baseline * 0.9 + gsl_ran_gaussian(g.rng, 3)));
            if (again < opts->as_of)
                write_episode(&g, pid, again, &c2);
        }
        flush_held(&g);
    }
    gsl_rng_free(g.rng);
    gsl_rng_free(g.aux);
    free(g.text);
    free(g.held);
    if (g.failed || fflush(f) != 0 || ferror(f))
        return diag_set(d, DIAG_IO, NULL, 0, 0, "writing the sample failed");
    return 0;
}
