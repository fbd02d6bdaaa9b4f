/* options.c: GNU-style long options from one table, and --config FILE (INI: "option = value",
 * the long option name without dashes; sections are ignored). The command line wins over the
 * config file; repeatable options accumulate from both. */
#include "options.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcomes/date.h"
#include "outcomes/infile.h"
#include "outcomes/timestamp.h"
#include "outcomes/vec.h"

enum opt_id {
    OPT_DELIMITER, OPT_DATE_FORMAT, OPT_COLUMNS, OPT_ALLOW, OPT_AS_OF, OPT_THREADS, OPT_STRICT,
    OPT_QUIET, OPT_TIMINGS, OPT_CONFIG, OPT_PATIENTS, OPT_SEED, OPT_MONTHS, OPT_OUTPUT, OPT_HELP,
    OPT_INSTRUMENT, OPT_BASELINE_WINDOW, OPT_MIN_BASELINE, OPT_REMISSION_MAX, OPT_ENDPOINT,
    OPT_EPISODE_GAP, OPT_CI, OPT_PERIOD, OPT_BP_PRE, OPT_BP_POST, OPT_TITLE, OPT_PAPER,
    OPT_SUPPRESS, OPT_TIMEZONE, OPT_SHAPE, OPT_BP_HOLD, OPT_ITEM9_FOLLOWUP,
};

struct opt_def {
    const char *name;   /* long name */
    char short_name;    /* or 0 */
    int has_arg;
    enum opt_id id;
    unsigned commands;  /* mask of enum command */
    const char *arg;    /* argument name for --help */
    const char *help;
};

#define READING (CMD_REPORT | CMD_CHECK)
static const struct opt_def defs[] = {
    {"delimiter", 0, 1, OPT_DELIMITER, READING, "C", "field delimiter: ',' (default), ';' or '\\t'"},
    {"date-format", 0, 1, OPT_DATE_FORMAT, READING, "STYLE",
     "session_date style: iso (YYYY-MM-DD, default) or us (MM/DD/YYYY)"},
    {"timezone", 0, 1, OPT_TIMEZONE, READING, "ZONE",
     "date-times with a zone (Z, +HH:MM) count on their local date in ZONE (IANA name)"},
    {"columns", 0, 1, OPT_COLUMNS, READING, "FILE",
     "map export headers: INI lines 'canonical_name = Export Header'"},
    {"allow-column", 0, 1, OPT_ALLOW, READING, "NAME",
     "let a reviewed identifier-like column through (never read); repeatable"},
    {"as-of", 0, 1, OPT_AS_OF, READING | CMD_SAMPLE, "DATE",
     "data cut YYYY-MM-DD (default: the latest valid session_date)"},
    {"threads", 0, 1, OPT_THREADS, READING, "N", "worker threads (default: the cores available)"},
    {"period", 0, 1, OPT_PERIOD, CMD_REPORT, "P",
     "cohort of episodes by index month: YYYY-MM, YYYY-MM..YYYY-MM or all (default)"},
    {"instrument", 0, 1, OPT_INSTRUMENT, CMD_REPORT, "NAME",
     "primary instrument: phq9 (default), madrs, qids_sr16, hamd17, bdi2, gad7"},
    {"baseline-window", 0, 1, OPT_BASELINE_WINDOW, CMD_REPORT, "DAYS",
     "baseline: latest score this many days before the index date (default 14)"},
    {"min-baseline", 0, 1, OPT_MIN_BASELINE, CMD_REPORT, "N",
     "eligible baseline score at least N (default: the instrument's, phq9 10)"},
    {"remission-max", 0, 1, OPT_REMISSION_MAX, CMD_REPORT, "N",
     "remission: score at most N (default: the instrument's, phq9 4)"},
    {"endpoint", 0, 1, OPT_ENDPOINT, CMD_REPORT, "W",
     "endpoint window: induction (days 14-42, default), 6m (120-240), 12m (305-425), FROM:TO"},
    {"episode-gap", 0, 1, OPT_EPISODE_GAP, CMD_REPORT, "DAYS",
     "a treatment more than DAYS after the previous starts a new episode (default 90)"},
    {"ci", 0, 1, OPT_CI, CMD_REPORT, "METHOD",
     "95 % intervals: wilson (default, as prop.test) or exact (Clopper-Pearson, as binom.test)"},
    {"bp-pre", 0, 1, OPT_BP_PRE, CMD_REPORT, "S/D",
     "flag pre-dose blood pressure at or above S/D mmHg (default 140/90)"},
    {"bp-post", 0, 1, OPT_BP_POST, CMD_REPORT, "S/D",
     "flag post-dose blood pressure at or above S/D mmHg (default 180/110)"},
    {"bp-hold", 0, 1, OPT_BP_HOLD, CMD_REPORT, "S/D",
     "flag a dose given at a pre-dose pressure at or above S/D mmHg (default 160/100)"},
    {"item9-followup-days", 0, 1, OPT_ITEM9_FOLLOWUP, CMD_REPORT, "DAYS",
     "PHQ-9 item 9 >= 2 followed by another encounter within DAYS (default 7)"},
    {"title", 0, 1, OPT_TITLE, CMD_REPORT, "TEXT",
     "the clinic's name on every page (default \"Quality review\")"},
    {"paper", 0, 1, OPT_PAPER, CMD_REPORT, "SIZE", "a4 (default) or letter, landscape"},
    {"suppress-below", 0, 1, OPT_SUPPRESS, CMD_REPORT, "N",
     "show counts 1..N-1 and figures built on them as \"< N\" (11: CMS policy); no "
     "episodes.csv, review.csv or rejects.csv"},
    {"strict", 0, 0, OPT_STRICT, CMD_REPORT, NULL, "fail (exit 1) when any row is rejected"},
    {"quiet", 'q', 0, OPT_QUIET, READING | CMD_SAMPLE, NULL, "print nothing but errors"},
    {"timings", 0, 0, OPT_TIMINGS, READING, NULL, "print the time of each stage on stderr"},
    {"config", 0, 1, OPT_CONFIG, READING | CMD_SAMPLE, "FILE",
     "read options from an INI file (option = value); the command line wins"},
    {"patients", 0, 1, OPT_PATIENTS, CMD_SAMPLE, "N", "patients to simulate (default 500)"},
    {"seed", 0, 1, OPT_SEED, CMD_SAMPLE, "S", "random seed (default 1); same seed, same bytes"},
    {"months", 0, 1, OPT_MONTHS, CMD_SAMPLE, "M", "months of clinic activity (default 18)"},
    {"shape", 0, 1, OPT_SHAPE, CMD_SAMPLE, "SHAPE",
     "wide (default: one file), long (-o PREFIX: PREFIX-treatments.csv, PREFIX-scores.csv) or "
     "fhir (FHIR R4 NDJSON: MedicationAdministration and Observation resources)"},
    {"output", 'o', 1, OPT_OUTPUT, CMD_REPORT | CMD_SAMPLE, "PATH",
     "report: output directory (default reports/<period>); sample: file (default stdout)"},
    {"help", 'h', 0, OPT_HELP, READING | CMD_SAMPLE | CMD_VERIFY, NULL, "show this help"},
};
#define NDEFS (sizeof defs / sizeof *defs)

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
        printf("Usage: %s\n\n%s\n\nExample:\n  %s\n\nOptions:\n", commands[c].synopsis,
               commands[c].what, commands[c].example);
    }
    for (size_t i = 0; i < NDEFS; i++) {
        if (!(defs[i].commands & cmd))
            continue;
        char left[64], shortopt[8] = "    ";
        if (defs[i].short_name)
            snprintf(shortopt, sizeof shortopt, "-%c, ", defs[i].short_name);
        snprintf(left, sizeof left, "%s--%s%s%s", shortopt, defs[i].name, defs[i].arg ? " " : "",
                 defs[i].arg ? defs[i].arg : "");
        printf("  %-30s %s\n", left, defs[i].help);
    }
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

static int push_str(char ***v, size_t *n, const char *s)
{
    if (vec_reserve(v, *n, sizeof **v) != 0)
        return -1;
    if (!((*v)[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

static int set_str(char **dst, const char *s)
{
    char *c = strdup(s);
    if (!c)
        return -1;
    free(*dst);
    *dst = c;
    return 0;
}

/* Applies one option; where names the source for messages ("--x" or "config.ini:3"). */
static int apply(struct cli_opts *o, const struct opt_def *def, const char *val,
                 const char *where, struct diag *d)
{
    long v;
    switch (def->id) {
    case OPT_DELIMITER:
        if (strcmp(val, ",") == 0 || strcmp(val, ";") == 0)
            o->delimiter = val[0];
        else if (strcmp(val, "\\t") == 0 || strcmp(val, "\t") == 0 || strcmp(val, "tab") == 0)
            o->delimiter = '\t';
        else
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: delimiter must be ',', ';' or '\\t', got '%s'", where, val);
        return 0;
    case OPT_DATE_FORMAT:
        if (strcmp(val, "iso") == 0)
            o->date_us = 0;
        else if (strcmp(val, "us") == 0)
            o->date_us = 1;
        else
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: date format must be 'iso' or 'us', got '%s'", where, val);
        return 0;
    case OPT_TIMEZONE: {
        /* sets the process's TZ here, before any thread starts (timestamp.h) */
        const char *why = NULL;
        if (ingest_timezone_use(val, &why) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: %s, got '%s'", where, why, val);
        return set_str(&o->timezone, val) ? diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory") : 0;
    }
    case OPT_COLUMNS:
        return set_str(&o->columns, val) ? diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory") : 0;
    case OPT_ALLOW:
        return push_str(&o->allow, &o->nallow, val) ? diag_set(d, DIAG_IO, NULL, 0, 0,
                                                               "out of memory")
                                                    : 0;
    case OPT_AS_OF:
        if (date_parse_iso(val, strlen(val), &o->as_of) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected a date YYYY-MM-DD, got '%s'", where, val);
        o->have_as_of = 1;
        return 0;
    case OPT_THREADS:
        if (parse_long(val, 1, 64, &v) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected a number of threads 1-64, got '%s'", where, val);
        o->threads = (int)v;
        o->model.threads = o->threads;
        return 0;
    case OPT_STRICT:
        o->strict = 1;
        return 0;
    case OPT_QUIET:
        o->quiet = 1;
        return 0;
    case OPT_TIMINGS:
        o->timings = 1;
        return 0;
    case OPT_CONFIG:
        return set_str(&o->config, val) ? diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory") : 0;
    case OPT_PATIENTS:
        if (parse_long(val, 1, 5000000, &v) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected a number of patients 1-5000000, got '%s'", where, val);
        o->patients = v;
        return 0;
    case OPT_SEED:
        if (parse_long(val, 0, 2147483647L, &v) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected a seed 0-2147483647, got '%s'", where, val);
        o->seed = (unsigned long)v;
        return 0;
    case OPT_MONTHS:
        if (parse_long(val, 1, 240, &v) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected a number of months 1-240, got '%s'", where, val);
        o->months = (int)v;
        return 0;
    case OPT_OUTPUT:
        return set_str(&o->output, val) ? diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory") : 0;
    case OPT_HELP:
        o->help = 1;
        return 0;
    case OPT_SHAPE:
        if (strcmp(val, "wide") == 0)
            o->shape = SHAPE_WIDE;
        else if (strcmp(val, "long") == 0)
            o->shape = SHAPE_LONG;
        else if (strcmp(val, "fhir") == 0)
            o->shape = SHAPE_FHIR;
        else
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected wide, long or fhir, got '%s'", where, val);
        return 0;
    case OPT_INSTRUMENT: {
        int col = ingest_col_find(val), mb, rm;
        if (col < 0 || model_instrument_defaults(col, &mb, &rm) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected phq9, madrs, qids_sr16, hamd17, bdi2 or gad7, got '%s'",
                            where, val);
        o->model.instrument = col;
        if (!o->have_min_baseline)
            o->model.min_baseline = mb;
        if (!o->have_remission_max)
            o->model.remission_max = rm;
        return 0;
    }
    case OPT_BASELINE_WINDOW:
    case OPT_EPISODE_GAP:
        if (parse_long(val, 0, 3650, &v) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected a number of days 0-3650, got '%s'", where, val);
        if (def->id == OPT_BASELINE_WINDOW)
            o->model.baseline_window = (int)v;
        else
            o->model.episode_gap = (int)v;
        return 0;
    case OPT_ITEM9_FOLLOWUP:
        if (parse_long(val, 1, 365, &v) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected a number of days 1-365, got '%s'", where, val);
        o->model.item9_followup_days = (int)v;
        return 0;
    case OPT_MIN_BASELINE:
    case OPT_REMISSION_MAX:
        if (parse_long(val, 0, 92, &v) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: expected a score 0-92, got '%s'",
                            where, val);
        if (def->id == OPT_MIN_BASELINE) {
            o->model.min_baseline = (int)v;
            o->have_min_baseline = 1;
        } else {
            o->model.remission_max = (int)v;
            o->have_remission_max = 1;
        }
        return 0;
    case OPT_ENDPOINT: {
        long from, to;
        const char *colon = strchr(val, ':');
        if (strcmp(val, "induction") == 0)
            from = 14, to = 42;
        else if (strcmp(val, "6m") == 0)
            from = 120, to = 240;
        else if (strcmp(val, "12m") == 0)
            from = 305, to = 425;
        else {
            char a[16], b[16];
            if (!colon || (size_t)(colon - val) >= sizeof a || strlen(colon + 1) >= sizeof b)
                goto bad_endpoint;
            memcpy(a, val, (size_t)(colon - val));
            a[colon - val] = '\0';
            strcpy(b, colon + 1);
            if (parse_long(a, 1, 3650, &from) != 0 || parse_long(b, 1, 3650, &to) != 0 ||
                from > to)
                goto bad_endpoint;
            snprintf(o->endpoint_label, sizeof o->endpoint_label, "%ld:%ld", from, to);
            o->model.endpoint_name = o->endpoint_label;
            o->model.endpoint_from = (int)from;
            o->model.endpoint_to = (int)to;
            return 0;
        }
        o->model.endpoint_name = strcmp(val, "induction") == 0 ? "induction"
                                 : strcmp(val, "6m") == 0      ? "6m"
                                                               : "12m";
        o->model.endpoint_from = (int)from;
        o->model.endpoint_to = (int)to;
        return 0;
    bad_endpoint:
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: expected induction, 6m, 12m or FROM:TO days (1 <= FROM <= TO), got "
                        "'%s'",
                        where, val);
    }
    case OPT_SUPPRESS:
        if (parse_long(val, 2, 1000, &v) != 0)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: expected a count 2-1000, got '%s'",
                            where, val);
        o->model.suppress_below = (int)v;
        return 0;
    case OPT_TITLE: {
        /* drawn on every page: UTF-8 text on one line, counted in characters */
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
        if (chars > 120)
            return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: at most 120 characters, got %ld", where,
                            chars);
        return set_str(&o->title, val) ? diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory") : 0;
    }
    case OPT_PAPER:
        if (strcmp(val, "a4") == 0)
            o->letter = 0;
        else if (strcmp(val, "letter") == 0)
            o->letter = 1;
        else
            return diag_set(d, DIAG_USAGE, NULL, 0, 0, "%s: expected a4 or letter, got '%s'",
                            where, val);
        return 0;
    case OPT_CI:
        if (strcmp(val, "wilson") == 0)
            o->model.ci = CI_WILSON;
        else if (strcmp(val, "exact") == 0)
            o->model.ci = CI_EXACT;
        else
            return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                            "%s: expected wilson or exact, got '%s'", where, val);
        return 0;
    case OPT_PERIOD: {
        int y1, m1, y2, m2;
        const char *dots = strstr(val, "..");
        if (strcmp(val, "all") == 0) {
            o->model.period_all = 1;
        } else if (!dots && date_parse_month(val, &y1, &m1) == 0) {
            o->model.period_all = 0;
            o->model.period_from = o->model.period_to = y1 * 12 + m1 - 1;
        } else if (dots && dots - val == 7) {
            char a[8];
            memcpy(a, val, 7);
            a[7] = '\0';
            if (date_parse_month(a, &y1, &m1) != 0 || date_parse_month(dots + 2, &y2, &m2) != 0 ||
                y2 * 12 + m2 < y1 * 12 + m1)
                goto bad_period;
            o->model.period_all = 0;
            o->model.period_from = y1 * 12 + m1 - 1;
            o->model.period_to = y2 * 12 + m2 - 1;
        } else {
            goto bad_period;
        }
        snprintf(o->period_label, sizeof o->period_label, "%s", val);
        return 0;
    bad_period:
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: expected YYYY-MM, YYYY-MM..YYYY-MM (in order) or all, got '%s'",
                        where, val);
    }
    case OPT_BP_PRE:
    case OPT_BP_POST:
    case OPT_BP_HOLD: {
        const char *slash = strchr(val, '/');
        long sys, dia;
        char a[16];
        if (!slash || (size_t)(slash - val) >= sizeof a)
            goto bad_bp;
        memcpy(a, val, (size_t)(slash - val));
        a[slash - val] = '\0';
        if (parse_long(a, 30, 300, &sys) != 0 || parse_long(slash + 1, 30, 300, &dia) != 0)
            goto bad_bp;
        if (def->id == OPT_BP_PRE) {
            o->model.bp_pre_sys = (int)sys;
            o->model.bp_pre_dia = (int)dia;
        } else if (def->id == OPT_BP_HOLD) {
            o->model.bp_hold_sys = (int)sys;
            o->model.bp_hold_dia = (int)dia;
        } else {
            o->model.bp_post_sys = (int)sys;
            o->model.bp_post_dia = (int)dia;
        }
        return 0;
    bad_bp:
        return diag_set(d, DIAG_USAGE, NULL, 0, 0,
                        "%s: expected SYSTOLIC/DIASTOLIC mmHg such as 140/90, got '%s'", where,
                        val);
    }
    }
    return 0;
}

struct config_ctx {
    struct cli_opts *o;
    const char *path;
    const char *const *set_on_cli; /* options given on the command line: not overridden */
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
    if (!def || def->id == OPT_CONFIG || def->id == OPT_HELP) {
        c->rc = diag_set(c->d, DIAG_USAGE, c->path, lineno, 0,
                         "'%s' is not an option of this command (see --help)", name);
        return 0;
    }
    for (const char *const *s = c->set_on_cli; *s; s++)
        if (strcmp(*s, name) == 0 && def->id != OPT_ALLOW)
            return 1; /* the command line wins */
    if (!def->has_arg) {
        if (strcmp(value, "true") != 0 && strcmp(value, "yes") != 0 && strcmp(value, "1") != 0) {
            if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
                strcmp(value, "0") == 0)
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
static int load_config(struct cli_opts *o, const char *const *set_on_cli, struct diag *d)
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
        .o = o, .path = o->config, .set_on_cli = set_on_cli, .d = d, .file = &lines};
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

static void defaults(struct cli_opts *o, enum command cmd)
{
    memset(o, 0, sizeof *o);
    o->command = cmd;
    o->delimiter = ',';
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
    o->patients = 500;
    o->seed = 1;
    o->months = 18;
    model_opts_default(&o->model, -1);
    o->model.threads = o->threads;
    snprintf(o->period_label, sizeof o->period_label, "all");
}

int cli_opts_parse(struct cli_opts *o, enum command cmd, int argc, char **argv, struct diag *d)
{
    defaults(o, cmd);
    const char **set_on_cli = calloc((size_t)argc + 1, sizeof *set_on_cli);
    int rc = 0, only_files = 0;
    if (!set_on_cli)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    /* pass 1: the command line (values that are not repeatable are applied after config) */
    struct pending { const struct opt_def *def; const char *val; } *pend;
    size_t npend = 0, nset = 0;
    pend = calloc((size_t)argc + 1, sizeof *pend);
    if (!pend) {
        free(set_on_cli);
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const struct opt_def *def = NULL;
        const char *val = NULL;
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            if (push_str(&o->files, &o->nfiles, a) != 0) {
                rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
                goto out;
            }
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_files = 1;
            continue;
        }
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            for (size_t k = 0; k < NDEFS; k++)
                if (strlen(defs[k].name) == len && strncmp(defs[k].name, a + 2, len) == 0 &&
                    (defs[k].commands & cmd))
                    def = &defs[k];
            if (def && eq) {
                if (!def->has_arg) {
                    rc = diag_set(d, DIAG_USAGE, NULL, 0, 0, "option '--%s' takes no value",
                                  def->name);
                    goto out;
                }
                val = eq + 1;
            }
        } else if (a[2] == '\0') {
            for (size_t k = 0; k < NDEFS; k++)
                if (defs[k].short_name == a[1] && (defs[k].commands & cmd))
                    def = &defs[k];
        }
        if (!def) {
            rc = diag_set(d, DIAG_USAGE, NULL, 0, 0, "unknown option '%s'", a);
            goto out;
        }
        if (def->has_arg && !val) {
            if (i + 1 >= argc) {
                rc = diag_set(d, DIAG_USAGE, NULL, 0, 0, "option '--%s' needs a value (%s)",
                              def->name, def->arg);
                goto out;
            }
            val = argv[++i];
        }
        pend[npend++] = (struct pending){def, val ? val : ""};
        set_on_cli[nset++] = def->name;
        if (def->id == OPT_CONFIG || def->id == OPT_HELP) {
            char where[64];
            snprintf(where, sizeof where, "--%s", def->name);
            if ((rc = apply(o, def, val ? val : "", where, d)) != 0)
                goto out;
        }
    }
    if (o->help)
        goto out;
    if (o->config && (rc = load_config(o, set_on_cli, d)) != 0)
        goto out;
    for (size_t k = 0; k < npend; k++) {
        char where[64];
        if (pend[k].def->id == OPT_CONFIG)
            continue;
        snprintf(where, sizeof where, "--%s", pend[k].def->name);
        if ((rc = apply(o, pend[k].def, pend[k].val, where, d)) != 0)
            goto out;
    }
out:
    free(pend);
    free(set_on_cli);
    return rc;
}

void cli_opts_fini(struct cli_opts *o)
{
    free(o->columns);
    free(o->timezone);
    for (size_t i = 0; i < o->nallow; i++)
        free(o->allow[i]);
    free(o->allow);
    free(o->config);
    free(o->output);
    free(o->title);
    for (size_t i = 0; i < o->nfiles; i++)
        free(o->files[i]);
    free(o->files);
    memset(o, 0, sizeof *o);
}

void cli_ingest_opts(const struct cli_opts *o, const struct colmap *map, struct ingest_opts *io)
{
    memset(io, 0, sizeof *io);
    io->delimiter = o->delimiter;
    io->date_us = o->date_us;
    io->timezone = o->timezone;
    io->colmap = map;
    io->allow = (const char *const *)o->allow;
    io->nallow = o->nallow;
    io->have_as_of = o->have_as_of;
    io->as_of = o->as_of;
    io->threads = o->threads;
}

static int add_word(char ***v, size_t *n, const char *a, const char *b)
{
    if (push_str(v, n, a) != 0)
        return -1;
    return b ? push_str(v, n, b) : 0;
}

int cli_effective_options(const struct cli_opts *o, char ***w, size_t *n)
{
    const struct model_opts *m = &o->model;
    char buf[64];
    *w = NULL;
    *n = 0;
    int rc = 0;
    rc |= add_word(w, n, "--delimiter", o->delimiter == '\t' ? "\\t" : (char[]){o->delimiter, 0});
    rc |= add_word(w, n, "--date-format", o->date_us ? "us" : "iso");
    if (o->timezone)
        rc |= add_word(w, n, "--timezone", o->timezone);
    if (o->columns)
        rc |= add_word(w, n, "--columns", o->columns);
    for (size_t i = 0; i < o->nallow; i++)
        rc |= add_word(w, n, "--allow-column", o->allow[i]);
    if (o->have_as_of) {
        char day[11];
        date_format(o->as_of, day);
        rc |= add_word(w, n, "--as-of", day);
    }
    rc |= add_word(w, n, "--period", o->period_label);
    rc |= add_word(w, n, "--instrument", ingest_col_name((enum col)m->instrument));
    snprintf(buf, sizeof buf, "%d", m->baseline_window);
    rc |= add_word(w, n, "--baseline-window", buf);
    snprintf(buf, sizeof buf, "%d", m->min_baseline);
    rc |= add_word(w, n, "--min-baseline", buf);
    snprintf(buf, sizeof buf, "%d", m->remission_max);
    rc |= add_word(w, n, "--remission-max", buf);
    rc |= add_word(w, n, "--endpoint", m->endpoint_name);
    snprintf(buf, sizeof buf, "%d", m->episode_gap);
    rc |= add_word(w, n, "--episode-gap", buf);
    rc |= add_word(w, n, "--ci", m->ci == CI_EXACT ? "exact" : "wilson");
    snprintf(buf, sizeof buf, "%d/%d", m->bp_pre_sys, m->bp_pre_dia);
    rc |= add_word(w, n, "--bp-pre", buf);
    snprintf(buf, sizeof buf, "%d/%d", m->bp_post_sys, m->bp_post_dia);
    rc |= add_word(w, n, "--bp-post", buf);
    snprintf(buf, sizeof buf, "%d/%d", m->bp_hold_sys, m->bp_hold_dia);
    rc |= add_word(w, n, "--bp-hold", buf);
    snprintf(buf, sizeof buf, "%d", m->item9_followup_days);
    rc |= add_word(w, n, "--item9-followup-days", buf);
    if (m->suppress_below > 1) {
        snprintf(buf, sizeof buf, "%d", m->suppress_below);
        rc |= add_word(w, n, "--suppress-below", buf);
    }
    rc |= add_word(w, n, "--title", o->title ? o->title : "Quality review");
    rc |= add_word(w, n, "--paper", o->letter ? "letter" : "a4");
    if (o->strict)
        rc |= add_word(w, n, "--strict", NULL);
    return rc ? -1 : 0;
}

const char *cli_option_name(const char *word, enum command cmd, int *has_arg)
{
    for (size_t k = 0; k < NDEFS; k++) {
        if (!(defs[k].commands & cmd))
            continue;
        if ((word[0] == '-' && word[1] == '-' && strcmp(word + 2, defs[k].name) == 0) ||
            (defs[k].short_name && word[0] == '-' && word[1] == defs[k].short_name &&
             word[2] == '\0')) {
            *has_arg = defs[k].has_arg;
            return defs[k].name;
        }
    }
    return NULL;
}
