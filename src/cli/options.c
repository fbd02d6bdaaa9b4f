/* options.c: every option of every command as one row of a table: its long name, short letter,
 * commands, argument name, help text, parser, destination and formatter. Parsing (glibc's
 * getopt_long), --help, --config FILE (INI: "option = value", the long option name without
 * dashes; sections are ignored), the manifest's words (cli_effective_options) and verify's check
 * of the recorded words (cli_option_name) are loops over it. The command line wins over the
 * config file; repeatable options accumulate from both. README.md here says how to add one. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcomes/date.h"
#include "outcomes/report.h"
#include "outcomes/infile.h"
#include "outcomes/timestamp.h"
#include "outcomes/vec.h"

struct opt_def;
/* A parser: the value (where names its source for messages: "--x" or "config.ini:3") into
 * the destination; returns 0 or a diag code. A flag's parser is called with "". */
typedef int parse_fn(struct cli_opts *o, const struct opt_def *def, const char *val,
                     const char *where, struct diag *d);
/* A formatter: the option's effective value as manifest words ("--name", "value"), none when
 * it is at a default that is no value; returns 0 or -1 (out of memory). */
struct words {
    char **v;
    size_t n;
};
typedef int format_fn(const struct cli_opts *o, const struct opt_def *def, struct words *w);

/* A keyword's value. */
struct choice {
    const char *name;
    int value;
};

enum {
    F_REPEAT = 1,    /* repeatable: the config's and the command line's add up */
    F_NO_CONFIG = 2, /* never from a config file (--config, --help, --version) */
    F_NO_RERUN = 4,  /* refused in a manifest: a rerun must not read or write other files */
    F_EARLY = 8,     /* applied while the command line is read (before --config) */
};

struct opt_def {
    const char *name;  /* long name */
    char short_name;   /* or 0 */
    unsigned commands; /* mask of enum command */
    const char *arg;   /* argument name for --help; NULL: a flag (no value) */
    const char *help;
    parse_fn *parse;
    size_t dst, aux;   /* offsets in struct cli_opts: the destination, a second one (a "have"
                           flag, a count, the diastolic value) */
    format_fn *format; /* NULL: not in the manifest */
    unsigned flags;
    long lo, hi;      /* numbers: the range */
    const char *what; /* numbers: "a number of days"; keywords: the message's "expected ..." */
    const struct choice *choices; /* keywords: {NULL} ended */
    const char *dflt;             /* strings: the manifest's word when unset (NULL: not recorded) */
};

#define AT(o, off, type) ((type *)(void *)((char *)(o) + (off)))
#define CAT(o, off, type) ((const type *)(const void *)((const char *)(o) + (off)))
#define OFF(field) offsetof(struct cli_opts, field)

static int oom(struct diag *d)
{
    return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* --- parsers ------------------------------------------------------------------------------ */

static int p_flag(struct cli_opts *o, const struct opt_def *def, const char *val, const char *where,
                  struct diag *d)
{
    (void)val, (void)where, (void)d;
    *AT(o, def->dst, int) = 1;
    return 0;
}

/* A number in [lo, hi] into an int (p_int: and aux, when set, the "given" flag), a long or an
 * unsigned long. */
static int number(const struct opt_def *def, const char *val, const char *where, long *v,
                  struct diag *d)
{
    if (parse_long(val, def->lo, def->hi, v) != 0)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: expected %s %ld-%ld, got '%s'", where,
                        def->what, def->lo, def->hi, val);
    return 0;
}

static int p_int(struct cli_opts *o, const struct opt_def *def, const char *val, const char *where,
                 struct diag *d)
{
    long v = 0;
    if (number(def, val, where, &v, d) != 0)
        return d->code;
    *AT(o, def->dst, int) = (int)v;
    if (def->aux)
        *AT(o, def->aux, int) = 1;
    return 0;
}

static int p_long(struct cli_opts *o, const struct opt_def *def, const char *val, const char *where,
                  struct diag *d)
{
    long v = 0;
    if (number(def, val, where, &v, d) != 0)
        return d->code;
    *AT(o, def->dst, long) = v;
    return 0;
}

static int p_ulong(struct cli_opts *o, const struct opt_def *def, const char *val,
                   const char *where, struct diag *d)
{
    long v = 0;
    if (number(def, val, where, &v, d) != 0)
        return d->code;
    *AT(o, def->dst, unsigned long) = (unsigned long)v;
    return 0;
}

static int p_choice(struct cli_opts *o, const struct opt_def *def, const char *val,
                    const char *where, struct diag *d)
{
    for (const struct choice *c = def->choices; c->name; c++)
        if (strcmp(val, c->name) == 0) {
            *AT(o, def->dst, int) = c->value;
            return 0;
        }
    return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: %s, got '%s'", where, def->what, val);
}

static int p_str(struct cli_opts *o, const struct opt_def *def, const char *val, const char *where,
                 struct diag *d)
{
    (void)where;
    const char **dst = AT(o, def->dst, const char *);
    char *c = strdup(val);
    if (!c)
        return oom(d);
    free((void *)*dst);
    *dst = c;
    return 0;
}

/* Repeatable: appended to the array at dst, its count at aux. */
static int p_strs(struct cli_opts *o, const struct opt_def *def, const char *val, const char *where,
                  struct diag *d)
{
    (void)where;
    const char **v; /* (the field is const char *const *: copied as bytes) */
    size_t *n = AT(o, def->aux, size_t);
    memcpy(&v, (char *)o + def->dst, sizeof v);
    int rc = vec_reserve(&v, *n, sizeof *v);
    memcpy((char *)o + def->dst, &v, sizeof v);
    if (rc != 0 || !(v[*n] = strdup(val)))
        return oom(d);
    (*n)++;
    return 0;
}

static int p_delimiter(struct cli_opts *o, const struct opt_def *def, const char *val,
                       const char *where, struct diag *d)
{
    (void)def;
    if (strcmp(val, ",") == 0 || strcmp(val, ";") == 0)
        o->ingest.delimiter = val[0];
    else if (strcmp(val, "\\t") == 0 || strcmp(val, "\t") == 0 || strcmp(val, "tab") == 0)
        o->ingest.delimiter = '\t';
    else
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: delimiter must be ',', ';' or '\\t', got '%s'", where, val);
    return 0;
}

/* Sets the process's TZ here, before any thread starts (timestamp.h). */
static int p_timezone(struct cli_opts *o, const struct opt_def *def, const char *val,
                      const char *where, struct diag *d)
{
    const char *why = NULL;
    if (ingest_timezone_use(val, &why) != 0)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: %s, got '%s'", where, why, val);
    return p_str(o, def, val, where, d);
}

static int p_as_of(struct cli_opts *o, const struct opt_def *def, const char *val,
                   const char *where, struct diag *d)
{
    (void)def;
    if (date_parse_iso(val, strlen(val), &o->ingest.as_of) != 0)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: expected a date YYYY-MM-DD, got '%s'",
                        where, val);
    o->ingest.have_as_of = 1;
    return 0;
}

/* The names of the instruments that can be the --instrument (the column table's entries with
 * defaults, columns.h), as "phq9, madrs, ...", into names (cut to its size). */
static void instrument_names(char *names, size_t size)
{
    size_t n = 0;
    int mb, rm;
    names[0] = 0;
    for (int c = 0, k = 0; c < COL_COUNT; c++)
        if (model_instrument_defaults(c, &mb, &rm) == 0 && n < size)
            n += (size_t)snprintf(names + n, size - n, "%s%s", k++ ? ", " : "",
                                  ingest_col_name((enum col)c));
}

static int p_instrument(struct cli_opts *o, const struct opt_def *def, const char *val,
                        const char *where, struct diag *d)
{
    (void)def;
    int col = ingest_col_find(val), mb, rm;
    if (col < 0 || model_instrument_defaults(col, &mb, &rm) != 0) {
        char names[256];
        instrument_names(names, sizeof names);
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: expected one of %s, got '%s'", where, names,
                        val);
    }
    o->model.instrument = col;
    if (!o->have_min_baseline)
        o->model.min_baseline = mb;
    if (!o->have_remission_max)
        o->model.remission_max = rm;
    return 0;
}

/* "A:B" with each part a number in [lo, hi] (A <= B when ordered); -1 when not. */
static int pair(const char *val, char sep, long lo, long hi, int ordered, long *a, long *b)
{
    const char *at = strchr(val, sep);
    char first[16];
    if (!at || (size_t)(at - val) >= sizeof first || strlen(at + 1) >= sizeof first)
        return -1;
    memcpy(first, val, (size_t)(at - val));
    first[at - val] = '\0';
    if (parse_long(first, lo, hi, a) != 0 || parse_long(at + 1, lo, hi, b) != 0)
        return -1;
    return ordered && *a > *b ? -1 : 0;
}

static int p_endpoint(struct cli_opts *o, const struct opt_def *def, const char *val,
                      const char *where, struct diag *d)
{
    static const struct {
        const char *name;
        int from, to;
    } named[] = {{"induction", 14, 42}, {"6m", 120, 240}, {"12m", 305, 425}};
    (void)def;
    for (size_t k = 0; k < sizeof named / sizeof *named; k++)
        if (strcmp(val, named[k].name) == 0) {
            o->model.endpoint_name = named[k].name;
            o->model.endpoint_from = named[k].from;
            o->model.endpoint_to = named[k].to;
            return 0;
        }
    long from, to;
    if (pair(val, ':', 1, 3650, 1, &from, &to) != 0)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: expected induction, 6m, 12m or FROM:TO days (1 <= FROM <= TO), got "
                        "'%s'",
                        where, val);
    snprintf(o->endpoint_label, sizeof o->endpoint_label, "%ld:%ld", from, to);
    o->model.endpoint_name = o->endpoint_label;
    o->model.endpoint_from = (int)from;
    o->model.endpoint_to = (int)to;
    return 0;
}

/* K:D (1 <= K <= D <= 365) into dst and aux: induction completed (SPEC 12). */
static int p_induction(struct cli_opts *o, const struct opt_def *def, const char *val,
                       const char *where, struct diag *d)
{
    long k, days;
    if (pair(val, ':', 1, 365, 1, &k, &days) != 0)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: expected K:D, K sessions within D days (1 <= K <= D <= 365), got "
                        "'%s'",
                        where, val);
    *AT(o, def->dst, int) = (int)k;
    *AT(o, def->aux, int) = (int)days;
    return 0;
}

/* Drawn on every page: UTF-8 text on one line, counted in characters. */
static int p_title(struct cli_opts *o, const struct opt_def *def, const char *val,
                   const char *where, struct diag *d)
{
    size_t bad = 0, n = strlen(val);
    long chars = ingest_text_chars(val, n, &bad);
    if (chars < 0 || strpbrk(val, "\t\r\n")) {
        if (chars >= 0)
            bad = strcspn(val, "\t\r\n");
        int ctl = (unsigned char)val[bad] < 0x20 || val[bad] == 0x7f;
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: %s at byte %zu: the title must be one line of UTF-8 text", where,
                        ctl ? "a control character" : "invalid UTF-8", bad + 1);
    }
    if (chars > 200)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: at most 200 characters, got %ld", where,
                        chars);
    return p_str(o, def, val, where, d);
}

/* --target response=0.5,remission=0.3: checked here (a usage error names the option), read
 * again by report_run. */
static int p_target(struct cli_opts *o, const struct opt_def *def, const char *val,
                    const char *where, struct diag *d)
{
    struct benchmark_list tmp = {0};
    int rc = benchmarks_parse_target(val, where, &tmp, d);
    benchmarks_fini(&tmp);
    return rc ? rc : p_str(o, def, val, where, d);
}

static int p_period(struct cli_opts *o, const struct opt_def *def, const char *val,
                    const char *where, struct diag *d)
{
    int y1, m1, y2, m2;
    const char *dots = strstr(val, "..");
    char first[8];
    (void)def;
    if (strcmp(val, "all") == 0) {
        o->model.period_all = 1;
    } else if (!dots && date_parse_month(val, &y1, &m1) == 0) {
        o->model.period_all = 0;
        o->model.period_from = o->model.period_to = y1 * 12 + m1 - 1;
    } else if (dots && dots - val == 7 &&
               (memcpy(first, val, 7), first[7] = '\0', date_parse_month(first, &y1, &m1) == 0) &&
               date_parse_month(dots + 2, &y2, &m2) == 0 && y2 * 12 + m2 >= y1 * 12 + m1) {
        o->model.period_all = 0;
        o->model.period_from = y1 * 12 + m1 - 1;
        o->model.period_to = y2 * 12 + m2 - 1;
    } else {
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: expected YYYY-MM, YYYY-MM..YYYY-MM (in order) or all, got '%s'", where,
                        val);
    }
    snprintf(o->period_label, sizeof o->period_label, "%s", val);
    return 0;
}

/* SYSTOLIC/DIASTOLIC into dst and aux. */
static int p_bp(struct cli_opts *o, const struct opt_def *def, const char *val, const char *where,
                struct diag *d)
{
    long sys, dia;
    if (pair(val, '/', 30, 300, 0, &sys, &dia) != 0)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: expected SYSTOLIC/DIASTOLIC mmHg such as 140/90, got '%s'", where,
                        val);
    *AT(o, def->dst, int) = (int)sys;
    *AT(o, def->aux, int) = (int)dia;
    return 0;
}

/* --adjust: a comma list of baseline, route, drug (each once, in the model in this order), or
 * none. */
static int p_adjust(struct cli_opts *o, const struct opt_def *def, const char *val,
                    const char *where, struct diag *d)
{
    (void)def;
    int seen[ADJ_COUNT] = {0}, n = 0, adj[ADJ_COUNT];
    if (strcmp(val, "none") == 0) {
        o->model.nadjust = 0;
        return 0;
    }
    for (const char *p = val;;) {
        size_t len = strcspn(p, ",");
        int var = -1;
        for (int k = 0; k < ADJ_COUNT; k++)
            if (strlen(model_adjust_name(k)) == len && strncmp(p, model_adjust_name(k), len) == 0)
                var = k;
        if (var < 0 || seen[var])
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected a comma list of baseline, route, drug (each once) or "
                            "none, got '%s'",
                            where, val);
        seen[var] = 1;
        adj[n++] = var;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    memcpy(o->model.adjust, adj, (size_t)n * sizeof *adj);
    o->model.nadjust = n;
    return 0;
}

/* --- formatters --------------------------------------------------------------------------- */

static int push(struct words *w, const char *s)
{
    if (vec_reserve(&w->v, w->n, sizeof *w->v) != 0 || !(w->v[w->n] = strdup(s)))
        return -1;
    w->n++;
    return 0;
}

/* "--name" and, when not NULL, value. */
static int put(struct words *w, const struct opt_def *def, const char *value)
{
    char name[64];
    snprintf(name, sizeof name, "--%s", def->name);
    return push(w, name) || (value && push(w, value)) ? -1 : 0;
}

static int f_flag(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    return *CAT(o, def->dst, int) ? put(w, def, NULL) : 0;
}

static int f_int(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%d", *CAT(o, def->dst, int));
    return put(w, def, buf);
}

/* Recorded only when it is not the default "off" (below lo). */
static int f_int_set(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    return *CAT(o, def->dst, int) >= def->lo ? f_int(o, def, w) : 0;
}

static int f_choice(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    for (const struct choice *c = def->choices; c->name; c++)
        if (c->value == *CAT(o, def->dst, int))
            return put(w, def, c->name);
    return 0;
}

static int f_str(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    const char *s = *CAT(o, def->dst, char *);
    return s || def->dflt ? put(w, def, s ? s : def->dflt) : 0;
}

static int f_text(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    return put(w, def, CAT(o, def->dst, char));
}

static int f_strs(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    const char *const *v = *CAT(o, def->dst, char *const *);
    for (size_t i = 0; i < *CAT(o, def->aux, size_t); i++)
        if (put(w, def, v[i]) != 0)
            return -1;
    return 0;
}

static int f_delimiter(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    char c[2] = {o->ingest.delimiter, '\0'};
    return put(w, def, c[0] == '\t' ? "\\t" : c);
}

static int f_as_of(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    char day[11];
    if (!o->ingest.have_as_of)
        return 0;
    date_format(o->ingest.as_of, day);
    return put(w, def, day);
}

static int f_instrument(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    return put(w, def, ingest_col_name((enum col)o->model.instrument));
}

static int f_bp(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%d/%d", *CAT(o, def->dst, int), *CAT(o, def->aux, int));
    return put(w, def, buf);
}

static int f_adjust(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    char buf[64] = "";
    for (int k = 0; k < o->model.nadjust; k++) {
        strcat(buf, k ? "," : "");
        strcat(buf, model_adjust_name(o->model.adjust[k]));
    }
    return put(w, def, o->model.nadjust ? buf : "none");
}

static int f_induction(const struct cli_opts *o, const struct opt_def *def, struct words *w)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%d:%d", *CAT(o, def->dst, int), *CAT(o, def->aux, int));
    return put(w, def, buf);
}

/* --- the table ---------------------------------------------------------------------------- */

static const struct choice date_formats[] = {{"iso", 0}, {"us", 1}, {NULL, 0}};
static const struct choice cis[] = {{"wilson", CI_WILSON}, {"exact", CI_EXACT}, {NULL, 0}};
static const struct choice eaches[] = {
    {"site", REPORT_EACH_SITE}, {"clinician", REPORT_EACH_CLINICIAN}, {NULL, 0}};
static const struct choice papers[] = {{"a4", 0}, {"letter", 1}, {NULL, 0}};
static const struct choice shapes[] = {
    {"wide", SHAPE_WIDE}, {"long", SHAPE_LONG}, {"fhir", SHAPE_FHIR}, {NULL, 0}};

#define READING (CMD_REPORT | CMD_CHECK)
#define ALL (CMD_REPORT | CMD_CHECK | CMD_VERIFY | CMD_SAMPLE)
/* In this order in --help and in the manifest. */
static const struct opt_def defs[] = {
    {.name = "delimiter",
     .commands = READING,
     .arg = "C",
     .help = "field delimiter: ',' (default), ';' or '\\t'",
     .parse = p_delimiter,
     .dst = OFF(ingest.delimiter),
     .format = f_delimiter},
    {.name = "date-format",
     .commands = READING,
     .arg = "STYLE",
     .help = "session_date style: iso (YYYY-MM-DD, default) or us (MM/DD/YYYY)",
     .parse = p_choice,
     .dst = OFF(ingest.date_us),
     .format = f_choice,
     .what = "date format must be 'iso' or 'us'",
     .choices = date_formats},
    {.name = "timezone",
     .commands = READING,
     .arg = "ZONE",
     .help = "date-times with a zone (Z, +HH:MM) count on their local date in ZONE (IANA name)",
     .parse = p_timezone,
     .dst = OFF(ingest.timezone),
     .format = f_str},
    {.name = "columns",
     .commands = READING,
     .arg = "FILE",
     .help = "map export headers: INI lines 'canonical_name = Export Header'",
     .parse = p_str,
     .dst = OFF(columns),
     .format = f_str},
    {.name = "allow-column",
     .commands = READING,
     .arg = "NAME",
     .help = "let a reviewed identifier-like column through (never read); repeatable",
     .parse = p_strs,
     .dst = OFF(ingest.allow),
     .aux = OFF(ingest.nallow),
     .format = f_strs,
     .flags = F_REPEAT},
    {.name = "as-of",
     .commands = READING | CMD_SAMPLE,
     .arg = "DATE",
     .help = "data cut YYYY-MM-DD (default: the latest valid session_date)",
     .parse = p_as_of,
     .format = f_as_of},
    {.name = "threads",
     .commands = READING,
     .arg = "N",
     .help = "worker threads (default: the cores available)",
     .parse = p_int,
     .dst = OFF(ingest.threads),
     .lo = 1,
     .hi = 64,
     .what = "a number of threads"},
    {.name = "period",
     .commands = CMD_REPORT,
     .arg = "P",
     .help = "cohort of episodes by index month: YYYY-MM, YYYY-MM..YYYY-MM or all (default)",
     .parse = p_period,
     .dst = OFF(period_label),
     .format = f_text},
    {.name = "instrument",
     .commands = CMD_REPORT,
     .arg = "NAME",
     .help = "primary instrument (default phq9): one of the instruments below",
     .parse = p_instrument,
     .format = f_instrument},
    {.name = "baseline-window",
     .commands = CMD_REPORT,
     .arg = "DAYS",
     .help = "baseline: latest score this many days before the index date (default 14)",
     .parse = p_int,
     .dst = OFF(model.baseline_window),
     .format = f_int,
     .lo = 0,
     .hi = 3650,
     .what = "a number of days"},
    {.name = "min-baseline",
     .commands = CMD_REPORT,
     .arg = "N",
     .help = "eligible baseline score at least N (default: the instrument's, phq9 10)",
     .parse = p_int,
     .dst = OFF(model.min_baseline),
     .aux = OFF(have_min_baseline),
     .format = f_int,
     .lo = 0,
     .hi = 92,
     .what = "a score"},
    {.name = "remission-max",
     .commands = CMD_REPORT,
     .arg = "N",
     .help = "remission: score at most N (default: the instrument's, phq9 4)",
     .parse = p_int,
     .dst = OFF(model.remission_max),
     .aux = OFF(have_remission_max),
     .format = f_int,
     .lo = 0,
     .hi = 92,
     .what = "a score"},
    {.name = "endpoint",
     .commands = CMD_REPORT,
     .arg = "W",
     .help = "endpoint window: induction (days 14-42, default), 6m (120-240), 12m (305-425), "
             "FROM:TO",
     .parse = p_endpoint,
     .dst = OFF(model.endpoint_name),
     .format = f_str},
    {.name = "episode-gap",
     .commands = CMD_REPORT,
     .arg = "DAYS",
     .help = "a treatment more than DAYS after the previous starts a new episode (default 90)",
     .parse = p_int,
     .dst = OFF(model.episode_gap),
     .format = f_int,
     .lo = 0,
     .hi = 3650,
     .what = "a number of days"},
    {.name = "induction",
     .commands = CMD_REPORT,
     .arg = "K:D",
     .help = "induction completed: K treatment dates within D days of the index date, the "
             "index included (default 6:21; 1 <= K <= D <= 365)",
     .parse = p_induction,
     .dst = OFF(model.induction_k),
     .aux = OFF(model.induction_d),
     .format = f_induction},
    {.name = "ci",
     .commands = CMD_REPORT,
     .arg = "METHOD",
     .help = "95 % intervals: wilson (default, as prop.test) or exact (Clopper-Pearson, as "
             "binom.test)",
     .parse = p_choice,
     .dst = OFF(model.ci),
     .format = f_choice,
     .what = "expected wilson or exact",
     .choices = cis},
    {.name = "adjust",
     .commands = CMD_REPORT,
     .arg = "LIST",
     .help = "case-mix model of the clinician and site funnels: comma list of baseline, route, "
             "drug (default baseline), or none",
     .parse = p_adjust,
     .format = f_adjust},
    {.name = "bp-pre",
     .commands = CMD_REPORT,
     .arg = "S/D",
     .help = "flag pre-dose blood pressure at or above S/D mmHg (default 140/90)",
     .parse = p_bp,
     .dst = OFF(model.bp_pre_sys),
     .aux = OFF(model.bp_pre_dia),
     .format = f_bp},
    {.name = "bp-post",
     .commands = CMD_REPORT,
     .arg = "S/D",
     .help = "flag post-dose blood pressure at or above S/D mmHg (default 180/110)",
     .parse = p_bp,
     .dst = OFF(model.bp_post_sys),
     .aux = OFF(model.bp_post_dia),
     .format = f_bp},
    {.name = "each",
     .commands = CMD_REPORT,
     .arg = "VAR",
     .help = "also one complete report per site (or clinician) in DIR/site/NAME/, listed in "
             "DIR/index.json",
     .parse = p_choice,
     .dst = OFF(each),
     .format = f_choice,
     .what = "expected site or clinician",
     .choices = eaches},
    {.name = "bp-hold",
     .commands = CMD_REPORT,
     .arg = "S/D",
     .help = "flag a dose given at a pre-dose pressure at or above S/D mmHg (default 160/100)",
     .parse = p_bp,
     .dst = OFF(model.bp_hold_sys),
     .aux = OFF(model.bp_hold_dia),
     .format = f_bp},
    {.name = "item9-followup-days",
     .commands = CMD_REPORT,
     .arg = "DAYS",
     .help = "PHQ-9 item 9 >= 2 followed by another encounter within DAYS (default 7)",
     .parse = p_int,
     .dst = OFF(model.item9_followup_days),
     .format = f_int,
     .lo = 1,
     .hi = 365,
     .what = "a number of days"},
    {.name = "suppress-below",
     .commands = CMD_REPORT,
     .arg = "N",
     .help = "show counts 1..N-1 and figures built on them as \"< N\" (11: CMS policy); no "
             "episodes.csv, review.csv or rejects.csv",
     .parse = p_int,
     .dst = OFF(model.suppress_below),
     .format = f_int_set,
     .lo = 2,
     .hi = 1000,
     .what = "a count"},
    {.name = "benchmarks",
     .commands = CMD_REPORT,
     .arg = "FILE",
     .help = "published rates to set beside the clinic's (CSV " BENCHMARKS_HEADER "; default: "
             "the benchmarks.csv shipped with the tool)",
     .parse = p_str,
     .dst = OFF(benchmarks),
     .format = f_str},
    {.name = "target",
     .commands = CMD_REPORT,
     .arg = "LIST",
     .help = "the clinic's own targets beside its rates, e.g. response=0.5,remission=0.3",
     .parse = p_target,
     .dst = OFF(target),
     .format = f_str},
    {.name = "km-min-at-risk",
     .commands = CMD_REPORT,
     .arg = "N",
     .help = "a drawn Kaplan-Meier curve stops where fewer than N remain at risk (default 10; "
             "results.json keeps the whole curve)",
     .parse = p_int,
     .dst = OFF(km_min_at_risk),
     .format = f_int,
     .lo = 1,
     .hi = 1000000,
     .what = "a number at risk"},
    {.name = "title",
     .commands = CMD_REPORT,
     .arg = "TEXT",
     .help = "the clinic's name on every page (default \"Quality review\")",
     .parse = p_title,
     .dst = OFF(title),
     .format = f_str,
     .dflt = "Quality review"},
    {.name = "paper",
     .commands = CMD_REPORT,
     .arg = "SIZE",
     .help = "a4 (default) or letter, landscape",
     .parse = p_choice,
     .dst = OFF(letter),
     .format = f_choice,
     .what = "expected a4 or letter",
     .choices = papers},
    {.name = "strict",
     .commands = CMD_REPORT,
     .help = "fail (exit 1) when any row is rejected",
     .parse = p_flag,
     .dst = OFF(strict),
     .format = f_flag},
    {.name = "quiet",
     .short_name = 'q',
     .commands = READING | CMD_SAMPLE,
     .help = "print nothing but errors",
     .parse = p_flag,
     .dst = OFF(quiet)},
    {.name = "timings",
     .commands = READING,
     .help = "print the time of each stage on stderr",
     .parse = p_flag,
     .dst = OFF(timings)},
    {.name = "config",
     .commands = READING | CMD_SAMPLE,
     .arg = "FILE",
     .help = "read options from an INI file (option = value); the command line wins",
     .parse = p_str,
     .dst = OFF(config),
     .flags = F_NO_CONFIG | F_NO_RERUN | F_EARLY},
    {.name = "patients",
     .commands = CMD_SAMPLE,
     .arg = "N",
     .help = "patients to simulate (default 500)",
     .parse = p_long,
     .dst = OFF(patients),
     .lo = 1,
     .hi = 9999999, /* patient ids P0000001-P9999999: 100 M rows (scripts/bench --huge) */
     .what = "a number of patients"},
    {.name = "seed",
     .commands = CMD_SAMPLE,
     .arg = "S",
     .help = "random seed (default 1); same seed, same bytes",
     .parse = p_ulong,
     .dst = OFF(seed),
     .lo = 0,
     .hi = 2147483647L,
     .what = "a seed"},
    {.name = "months",
     .commands = CMD_SAMPLE,
     .arg = "M",
     .help = "months of clinic activity (default 18)",
     .parse = p_int,
     .dst = OFF(months),
     .lo = 1,
     .hi = 240,
     .what = "a number of months"},
    {.name = "shape",
     .commands = CMD_SAMPLE,
     .arg = "SHAPE",
     .help = "wide (default: one file), long (-o PREFIX: PREFIX-treatments.csv, "
             "PREFIX-scores.csv) or fhir (FHIR R4 NDJSON: MedicationAdministration and "
             "Observation resources)",
     .parse = p_choice,
     .dst = OFF(shape),
     .what = "expected wide, long or fhir",
     .choices = shapes},
    {.name = "output",
     .short_name = 'o',
     .commands = CMD_REPORT | CMD_SAMPLE,
     .arg = "PATH",
     .help = "report: output directory (default reports/<period>); sample: file (default "
             "stdout)",
     .parse = p_str,
     .dst = OFF(output),
     .flags = F_NO_RERUN},
    {.name = "help",
     .short_name = 'h',
     .commands = ALL,
     .help = "show this help",
     .parse = p_flag,
     .dst = OFF(help),
     .flags = F_NO_CONFIG | F_NO_RERUN | F_EARLY},
    {.name = "version",
     .commands = ALL,
     .help = "print the version",
     .parse = p_flag,
     .dst = OFF(version),
     .flags = F_NO_CONFIG | F_NO_RERUN | F_EARLY},
};
#define NDEFS (sizeof defs / sizeof *defs)
/* getopt_long's value for defs[i]: its short letter, else a number past every character */
#define LONG_ONLY 0x100

static const struct {
    enum command cmd;
    const char *synopsis;
    const char *what;
    const char *example;
} commands[] = {
    {CMD_REPORT, "outcomes report [options] FILE...",
     "Analyse session exports and write report.pdf, results.json, episodes.csv, rejects.csv "
     "and manifest.json.",
     "outcomes report --period 2026-10 --title \"Lakeside Clinic\" export.csv"},
    {CMD_CHECK, "outcomes check [options] FILE...",
     "Validate session exports: print every problem as file:line:column: message, then a "
     "summary.\nExit 0 when every row is accepted, 1 when any row is rejected.",
     "outcomes check --delimiter ';' --date-format us --columns map.ini export.csv"},
    {CMD_VERIFY, "outcomes verify DIR",
     "Rerun the analysis recorded in DIR/manifest.json and compare every file.",
     "outcomes verify reports/2026-10"},
    {CMD_SAMPLE, "outcomes sample [options]",
     "Write a synthetic session export (realistic courses, drop-out, boosters, returning "
     "patients, vitals, side effects).",
     "outcomes sample --patients 500 --seed 7 -o sessions.csv"},
};

void cli_print_help(enum command cmd)
{
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++) {
        if (commands[c].cmd != cmd)
            continue;
        printf("Usage: %s\n\n", commands[c].synopsis);
        cli_help_paragraph(stdout, commands[c].what);
        printf("\nExample:\n  %s\n\nOptions:\n", commands[c].example);
    }
    for (size_t i = 0; i < NDEFS; i++) {
        if (!(defs[i].commands & cmd))
            continue;
        char left[64], shortopt[8] = "    ";
        if (defs[i].short_name)
            snprintf(shortopt, sizeof shortopt, "-%c, ", defs[i].short_name);
        snprintf(left, sizeof left, "%s--%s%s%s", shortopt, defs[i].name, defs[i].arg ? " " : "",
                 defs[i].arg ? defs[i].arg : "");
        if (defs[i].parse == p_instrument) { /* the list comes from the column table */
            char text[512], names[256];
            instrument_names(names, sizeof names);
            snprintf(text, sizeof text, "%s\n%s", defs[i].help, names);
            cli_help_option(stdout, left, text);
        } else {
            cli_help_option(stdout, left, defs[i].help);
        }
    }
}

/* Applies one option; where names the source for messages ("--x" or "config.ini:3"). */
static int apply(struct cli_opts *o, const struct opt_def *def, const char *val, const char *where,
                 struct diag *d)
{
    return def->parse(o, def, val, where, d);
}

static int apply_cli(struct cli_opts *o, const struct opt_def *def, const char *val, struct diag *d)
{
    char where[64];
    snprintf(where, sizeof where, "--%s", def->name);
    return apply(o, def, val ? val : "", where, d);
}

/* --- --config ----------------------------------------------------------------------------- */

struct config_ctx {
    struct cli_opts *o;
    const char *path;
    const struct opt_def *const *set_on_cli; /* options given on the command line */
    size_t nset;
    struct infile_lines *file;
    int rc;
    struct diag *d;
};

static const struct opt_def *find_def(const char *name, enum command cmd)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (strcmp(defs[i].name, name) == 0 && (defs[i].commands & cmd))
            return &defs[i];
    return NULL;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
    struct config_ctx *c = user;
    int lineno = (int)c->file->line;
    (void)section;
    char where[600];
    snprintf(where, sizeof where, "%s:%d", c->path, lineno);
    const struct opt_def *def = find_def(name, c->o->command);
    if (!def || (def->flags & F_NO_CONFIG)) {
        c->rc = diag_set(c->d, DIAG_USAGE, c->path, lineno, 0,
                         "'%s' is not an option of this command (see --help)", name);
        return 0;
    }
    for (size_t k = 0; k < c->nset; k++)
        if (c->set_on_cli[k] == def && !(def->flags & F_REPEAT))
            return 1; /* the command line wins */
    if (!def->arg) {
        if (strcmp(value, "true") != 0 && strcmp(value, "yes") != 0 && strcmp(value, "1") != 0) {
            if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
                return 1;
            c->rc = diag_set(c->d, DIAG_USAGE, c->path, lineno, 0,
                             "'%s' takes true or false, got '%s'", name, value);
            return 0;
        }
    }
    c->rc = apply(c->o, def, value, where, c->d);
    return c->rc == 0;
}

/* The config file is read whole first (a regular file of at most 1 MiB, every line at most
 * CONFIG_MAX_LINE bytes: inih's line buffer is 200 bytes and would split a longer line, so that
 * its errors named the wrong line), then handed to inih line by line, counted. */
#define CONFIG_MAX_LINE 198
static int load_config(struct cli_opts *o, const struct opt_def *const *set_on_cli, size_t nset,
                       struct diag *d)
{
    static const struct infile_words words = {"cannot read the config file", "a config file",
                                              "--config takes a regular file"};
    char *text;
    size_t len;
    int rc = infile_read_small(o->config, &words, 1u << 20, CONFIG_MAX_LINE, &text, &len, d);
    if (rc)
        return rc;
    struct infile_lines lines = {text, text + len, 0};
    struct config_ctx c = {
        .o = o, .path = o->config, .set_on_cli = set_on_cli, .nset = nset, .d = d, .file = &lines};
    rc = ini_parse_stream(infile_lines_gets, &lines, config_handler, &c);
    free(text);
    if (c.rc)
        return c.rc;
    if (rc > 0)
        return diag_set(d, DIAG_USAGE, o->config, rc, 0,
                        "not a valid INI line (expected option = value)");
    if (rc < 0)
        return diag_set(d, DIAG_IO, o->config, 0, 0, "cannot read the config file");
    return 0;
}

/* --- the command line --------------------------------------------------------------------- */

static void defaults(struct cli_opts *o, enum command cmd)
{
    memset(o, 0, sizeof *o);
    o->command = cmd;
    o->ingest.delimiter = ',';
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->ingest.threads = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
    o->patients = 500;
    o->seed = 1;
    o->months = 18;
    o->km_min_at_risk = 10;
    model_opts_default(&o->model, -1);
    snprintf(o->period_label, sizeof o->period_label, "all");
}

/* getopt_long's tables for cmd: "-:" (files returned in order, ':' for a missing value) and
 * the short letters; a long option per row. */
struct getopt_tables {
    char shorts[2 * NDEFS + 3];
    struct option longs[NDEFS + 1];
};

static void getopt_tables(enum command cmd, struct getopt_tables *t)
{
    size_t ns = 0, nl = 0;
    t->shorts[ns++] = '-';
    t->shorts[ns++] = ':';
    for (size_t i = 0; i < NDEFS; i++) {
        if (!(defs[i].commands & cmd))
            continue;
        int val = defs[i].short_name ? defs[i].short_name : LONG_ONLY + (int)i;
        if (defs[i].short_name) {
            t->shorts[ns++] = defs[i].short_name;
            if (defs[i].arg)
                t->shorts[ns++] = ':';
        }
        t->longs[nl++] =
            (struct option){defs[i].name, defs[i].arg ? required_argument : no_argument, NULL, val};
    }
    t->shorts[ns] = '\0';
    t->longs[nl] = (struct option){NULL, 0, NULL, 0};
}

static const struct opt_def *def_of_val(int val, enum command cmd)
{
    for (size_t i = 0; i < NDEFS; i++)
        if ((defs[i].commands & cmd) &&
            (defs[i].short_name ? defs[i].short_name == val : LONG_ONLY + (int)i == val))
            return &defs[i];
    return NULL;
}

/* getopt_long's refusal (its '?' or ':', and optopt: the option's value, the unknown letter,
 * or 0 for an unknown or ambiguous long option, word) as our message. */
static int refused(int c, int optopt_, const char *word, enum command cmd, struct diag *d)
{
    const struct opt_def *def = optopt_ ? def_of_val(optopt_, cmd) : NULL;
    if (c == ':' && def)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "option '--%s' needs a value (%s)", def->name,
                        def->arg);
    if (def) /* a value given to a flag (--quiet=1) */
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "option '--%s' takes no value", def->name);
    if (optopt_)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "unknown option '-%c'", optopt_);
    size_t len = strcspn(word + 2, "="), nmatch = 0;
    char names[400] = "";
    for (size_t i = 0; i < NDEFS && len > 0; i++)
        if ((defs[i].commands & cmd) && strncmp(defs[i].name, word + 2, len) == 0 && ++nmatch)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s--%s",
                     nmatch > 1 ? ", " : "", defs[i].name);
    if (nmatch > 1)
        return diag_set(d, DIAG_USAGE, NULL, 0, 0, "option '%.*s' is ambiguous (%s)", (int)len + 2,
                        word, names);
    return diag_set(d, DIAG_USAGE, NULL, 0, 0, "unknown option '%s'", word);
}

/* An option of the command line and its value (applied after --config). */
struct given {
    const struct opt_def *def;
    const char *val;
};

/* The command line, by getopt_long: files into o, options into given[] (F_EARLY ones applied
 * at once). */
static int scan(struct cli_opts *o, enum command cmd, int argc, char **argv, struct given *given,
                size_t *ngiven, struct diag *d)
{
    struct getopt_tables t;
    getopt_tables(cmd, &t);
    optind = 0; /* a fresh scan (glibc), also when verify parses a second command line */
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, t.shorts, t.longs, NULL)) != -1;) {
        if (c == 1) { /* a file, in order */
            if (vec_reserve(&o->files, o->nfiles, sizeof *o->files) != 0 ||
                !(o->files[o->nfiles] = strdup(optarg)))
                return oom(d);
            o->nfiles++;
            continue;
        }
        const struct opt_def *def = c == '?' || c == ':' ? NULL : def_of_val(c, cmd);
        if (!def)
            return refused(c, optopt, argv[optind - 1 < argc ? optind - 1 : argc - 1], cmd, d);
        given[(*ngiven)++] = (struct given){def, optarg};
        if ((def->flags & F_EARLY) && apply_cli(o, def, optarg, d) != 0)
            return d->code;
    }
    for (; optind < argc; optind++) { /* after "--": files */
        if (vec_reserve(&o->files, o->nfiles, sizeof *o->files) != 0 ||
            !(o->files[o->nfiles] = strdup(argv[optind])))
            return oom(d);
        o->nfiles++;
    }
    return 0;
}

int cli_opts_parse(struct cli_opts *o, enum command cmd, int argc, char **argv, struct diag *d)
{
    defaults(o, cmd);
    struct given *given = calloc((size_t)argc + 1, sizeof *given);
    const struct opt_def **set = calloc((size_t)argc + 1, sizeof *set);
    size_t ngiven = 0;
    int rc = !given || !set ? oom(d) : scan(o, cmd, argc, argv, given, &ngiven, d);
    for (size_t k = 0; !rc && k < ngiven; k++)
        set[k] = given[k].def;
    if (!rc && !o->help && !o->version && o->config)
        rc = load_config(o, set, ngiven, d);
    for (size_t k = 0; !rc && !o->help && !o->version && k < ngiven; k++)
        if (!(given[k].def->flags & F_EARLY))
            rc = apply_cli(o, given[k].def, given[k].val, d);
    free(given);
    free(set);
    return rc;
}

void cli_opts_fini(struct cli_opts *o)
{
    free((void *)o->columns);
    free((void *)o->ingest.timezone);
    for (size_t i = 0; i < o->ingest.nallow; i++)
        free((void *)o->ingest.allow[i]);
    free((void *)o->ingest.allow);
    free((void *)o->config);
    free((void *)o->output);
    free((void *)o->title);
    free((void *)o->benchmarks);
    free((void *)o->target);
    for (size_t i = 0; i < o->nfiles; i++)
        free(o->files[i]);
    free(o->files);
    memset(o, 0, sizeof *o);
}

void cli_ingest_opts(const struct cli_opts *o, const struct colmap *map, struct ingest_opts *io)
{
    *io = o->ingest;
    io->colmap = map;
}

int cli_effective_options(const struct cli_opts *o, char ***words, size_t *n)
{
    struct words w = {NULL, 0};
    int rc = 0;
    for (size_t i = 0; i < NDEFS && !rc; i++)
        if ((defs[i].commands & CMD_REPORT) && defs[i].format)
            rc = defs[i].format(o, &defs[i], &w);
    *words = w.v;
    *n = w.n;
    return rc ? -1 : 0;
}

const char *cli_option_name(const char *word, enum command cmd, int *has_arg, int *rerun_ok)
{
    for (size_t k = 0; k < NDEFS; k++) {
        if (!(defs[k].commands & cmd))
            continue;
        if ((word[0] == '-' && word[1] == '-' && strcmp(word + 2, defs[k].name) == 0) ||
            (defs[k].short_name && word[0] == '-' && word[1] == defs[k].short_name &&
             word[2] == '\0')) {
            *has_arg = defs[k].arg != NULL;
            *rerun_ok = !(defs[k].flags & F_NO_RERUN);
            return defs[k].name;
        }
    }
    return NULL;
}
