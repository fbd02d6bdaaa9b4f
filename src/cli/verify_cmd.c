/* verify_cmd.c: `outcomes verify DIR`: reads DIR/manifest.json, checks every input's SHA-256,
 * reruns the analysis with the recorded options into a temporary directory, and compares every
 * output of DIR, and of the rerun, with the recorded hashes. One line per file; exit 0 only
 * when everything matches, 1 when anything differs or is missing, 3 when the manifest cannot be
 * read or is not one outcomes could have written. Input paths are as recorded: run verify from
 * the directory the report was run in.
 *
 * The manifest is untrusted input (it may come from anyone): it is read only up to
 * MANIFEST_MAX bytes, every field used is type-checked, output names must be names this tool
 * writes, the recorded options must be options of `report` that neither read nor write other
 * files (no -o, --config), and the only files verify removes are the ones of its own rerun, in
 * a directory it made with mkdtemp, by the tool's fixed names. Inputs are only read. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outcomes/datadir.h"
#include "outcomes/report.h"
#include "outcomes/sha256.h"
#include "outcomes/sigguard.h"

#define MANIFEST_MAX (16u << 20) /* ours are a few KiB; a bigger one is refused unread */

/* A string from the manifest, for a message: at most 80 bytes, non-printable bytes as \xNN. */
static const char *shown(const char *s, char *buf, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 5 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= 80) {
            o += (size_t)snprintf(buf + o, n - o, "...");
            break;
        }
        if (c < 0x20 || c == 0x7f || c == '\\')
            o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
    }
    buf[o < n ? o : n - 1] = '\0';
    return buf;
}

/* One file the manifest names, decoded and checked. */
struct entry {
    char *path;      /* input: the exact bytes (path_hex decoded when present); output: name */
    const char *sha; /* 64 lowercase hex digits */
};

struct recorded {
    struct entry *inputs, *outputs, columns; /* columns.path NULL: none */
    /* benchmarks_file: --benchmarks FILE's (path), or the shipped file's (path NULL and
     * benchmarks_shipped); benchmarks.sha NULL: not recorded (a manifest from before) */
    struct entry benchmarks;
    int benchmarks_shipped;
    size_t ninputs, noutputs;
    char **words; /* the options, decoded */
    size_t nwords;
    const char *epoch;    /* SOURCE_DATE_EPOCH, or NULL */
    const char *each_dir; /* a --each sub-report: its directory in the run's ("site/NAME") */
};

static void recorded_fini(struct recorded *r)
{
    for (size_t i = 0; i < r->ninputs; i++)
        free(r->inputs[i].path);
    for (size_t i = 0; i < r->noutputs; i++)
        free(r->outputs[i].path);
    for (size_t i = 0; i < r->nwords; i++)
        free(r->words[i]);
    free(r->inputs);
    free(r->outputs);
    free(r->words);
    free(r->columns.path);
    free(r->benchmarks.path);
}

/* Hex digits into bytes (malloc'd, NUL-terminated); NULL when not an even run of hex digits
 * or when a byte would be 0. */
static char *unhex(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n % 2)
        return NULL;
    char *b = malloc(n / 2 + 1);
    if (!b)
        return NULL;
    for (size_t i = 0; i < n / 2; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = h[2 * i + (size_t)k];
            int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (x < 0) {
                free(b);
                return NULL;
            }
            v = v * 16 + x;
        }
        if (v == 0) {
            free(b);
            return NULL;
        }
        b[i] = (char)v;
    }
    b[n / 2] = '\0';
    return b;
}

/* A JSON string without NUL (jansson refuses \u0000 unless asked; checked again). */
static const char *plain_string(json_t *j)
{
    const char *s = json_string_value(j);
    return s && strlen(s) == json_string_length(j) ? s : NULL;
}

static int is_sha(const char *s)
{
    if (!s || strlen(s) != 64)
        return 0;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* One input (or the columns file) entry: path (or path_hex), sha256, size. */
static int file_entry(json_t *f, const char *where, struct entry *e, const char *mpath,
                      struct diag *d)
{
    if (!json_is_object(f))
        return diag_set(d, DIAG_IO, mpath, 0, 0, "%s: expected an object", where);
    const char *p = plain_string(json_object_get(f, "path"));
    json_t *hex = json_object_get(f, "path_hex");
    if (!p || !*p)
        return diag_set(d, DIAG_IO, mpath, 0, 0, "%s.path: expected a non-empty string", where);
    if (hex) {
        const char *h = plain_string(hex);
        if (!h || !(e->path = unhex(h)))
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "%s.path_hex: expected the path's bytes as lowercase hex", where);
    } else if (!(e->path = strdup(p))) {
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    }
    e->sha = plain_string(json_object_get(f, "sha256"));
    if (!is_sha(e->sha))
        return diag_set(d, DIAG_IO, mpath, 0, 0, "%s.sha256: expected 64 hex digits", where);
    if (!json_is_integer(json_object_get(f, "size")) ||
        json_integer_value(json_object_get(f, "size")) < 0)
        return diag_set(d, DIAG_IO, mpath, 0, 0, "%s.size: expected a byte count", where);
    return 0;
}

/* The recorded options: each an option of `report` that reads no file but the recorded
 * --columns and writes none (so not -o, --config, --help), followed by its value when it takes
 * one; values are taken as they are. */
static int check_options(struct recorded *r, const char *mpath, struct diag *d)
{
    char b1[400];
    int benchmarks_option = 0;
    for (size_t k = 0; k < r->nwords; k++) {
        const char *w = r->words[k];
        int has_arg = 0, rerun_ok = 0;
        const char *name = w[0] == '-' && !strchr(w, '=')
                               ? cli_option_name(w, CMD_REPORT, &has_arg, &rerun_ok)
                               : NULL;
        if (!name)
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "options[%zu]: '%s' is not an option of outcomes report", k,
                            shown(w, b1, sizeof b1));
        if (!rerun_ok)
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "options[%zu]: '%s' is refused: a rerun must not read or write "
                            "anything but the recorded files",
                            k, shown(w, b1, sizeof b1));
        if (!has_arg)
            continue;
        if (k + 1 >= r->nwords)
            return diag_set(d, DIAG_IO, mpath, 0, 0, "options[%zu]: '%s' has no value", k,
                            shown(w, b1, sizeof b1));
        k++;
        if (strcmp(name, "columns") == 0 &&
            (!r->columns.path || strcmp(r->words[k], r->columns.path) != 0))
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "options[%zu]: --columns '%s' is not the recorded columns_file", k,
                            shown(r->words[k], b1, sizeof b1));
        if (strcmp(name, "benchmarks") == 0 &&
            (!r->benchmarks.path || strcmp(r->words[k], r->benchmarks.path) != 0))
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "options[%zu]: --benchmarks '%s' is not the recorded benchmarks_file",
                            k, shown(r->words[k], b1, sizeof b1));
        benchmarks_option |= strcmp(name, "benchmarks") == 0;
    }
    if (r->benchmarks.path && !benchmarks_option)
        return diag_set(d, DIAG_IO, mpath, 0, 0,
                        "benchmarks_file: '%s' is recorded, but the options have no --benchmarks",
                        shown(r->benchmarks.path, b1, sizeof b1));
    return 0;
}

/* benchmarks_file: {path, size, sha256} (--benchmarks FILE) or {shipped: true, size, sha256};
 * absent from a manifest written before it was recorded (the rerun's manifest then differs). */
static int parse_benchmarks(json_t *b, struct recorded *r, const char *mpath, struct diag *d)
{
    if (!b)
        return 0;
    if (!json_is_object(b))
        return diag_set(d, DIAG_IO, mpath, 0, 0, "benchmarks_file: expected an object");
    json_t *shipped = json_object_get(b, "shipped");
    if (!shipped)
        return file_entry(b, "benchmarks_file", &r->benchmarks, mpath, d);
    if (!json_is_true(shipped) || json_object_get(b, "path") || json_object_get(b, "path_hex"))
        return diag_set(d, DIAG_IO, mpath, 0, 0,
                        "benchmarks_file: expected a path or \"shipped\": true, not both");
    r->benchmarks_shipped = 1;
    r->benchmarks.sha = plain_string(json_object_get(b, "sha256"));
    if (!is_sha(r->benchmarks.sha))
        return diag_set(d, DIAG_IO, mpath, 0, 0, "benchmarks_file.sha256: expected 64 hex digits");
    if (!json_is_integer(json_object_get(b, "size")) ||
        json_integer_value(json_object_get(b, "size")) < 0)
        return diag_set(d, DIAG_IO, mpath, 0, 0, "benchmarks_file.size: expected a byte count");
    return 0;
}

/* The outputs: each a name this tool writes, listed once, with its sha256 and size. */
static int parse_outputs(json_t *outputs, struct recorded *r, const char *mpath, struct diag *d)
{
    char b1[400];
    for (size_t i = 0; i < r->noutputs; i++) {
        json_t *f = json_array_get(outputs, i);
        if (!json_is_object(f))
            return diag_set(d, DIAG_IO, mpath, 0, 0, "outputs[%zu]: expected an object", i);
        const char *n = plain_string(json_object_get(f, "name"));
        if (!n)
            return diag_set(d, DIAG_IO, mpath, 0, 0, "outputs[%zu].name: expected a string", i);
        /* a plain name of ours, or a --each sub-report's "site/NAME/FILE": never "..", an
         * absolute path or an empty name */
        if (!report_output_path_ok(n))
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "outputs[%zu].name: '%s' is not the name of a file outcomes writes; "
                            "nothing was checked",
                            i, shown(n, b1, sizeof b1));
        for (size_t k = 0; k < i; k++)
            if (strcmp(r->outputs[k].path, n) == 0)
                return diag_set(d, DIAG_IO, mpath, 0, 0, "outputs[%zu].name: '%s' is listed twice",
                                i, n);
        r->outputs[i].sha = plain_string(json_object_get(f, "sha256"));
        if (!is_sha(r->outputs[i].sha))
            return diag_set(d, DIAG_IO, mpath, 0, 0, "outputs[%zu].sha256: expected 64 hex digits",
                            i);
        if (!json_is_integer(json_object_get(f, "size")) ||
            json_integer_value(json_object_get(f, "size")) < 0)
            return diag_set(d, DIAG_IO, mpath, 0, 0, "outputs[%zu].size: expected a byte count", i);
        if (!(r->outputs[i].path = strdup(n)))
            return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    }
    return 0;
}

/* The options' words: strings, or {"hex": bytes} for a word that is not UTF-8. */
static int parse_words(json_t *options, struct recorded *r, const char *mpath, struct diag *d)
{
    for (size_t i = 0; i < r->nwords; i++) {
        json_t *w = json_array_get(options, i);
        const char *s = plain_string(w);
        char *word = NULL;
        if (s)
            word = strdup(s);
        else if (json_is_object(w) && json_object_size(w) == 1 &&
                 (s = plain_string(json_object_get(w, "hex"))) != NULL)
            word = unhex(s);
        else
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "options[%zu]: expected a string (or {\"hex\": bytes})", i);
        if (!word)
            return diag_set(d, DIAG_IO, mpath, 0, 0, "options[%zu]: not a word's bytes in hex", i);
        r->words[i] = word;
    }
    return 0;
}

/* source_date_epoch (null or seconds as a string) and each (a --each run's). */
static int parse_epoch_each(json_t *m, struct recorded *r, const char *mpath, struct diag *d)
{
    json_t *epoch = json_object_get(m, "source_date_epoch");
    if (epoch && !json_is_null(epoch)) {
        /* what report takes (strtoll, 0 to the end of 9999): "+1700000000" and leading
         * zeros included, since the manifest records the variable as it was */
        const char *e = plain_string(epoch);
        char *end = NULL;
        errno = 0;
        long long secs = e && *e ? strtoll(e, &end, 10) : -1;
        if (!e || !*e || end == e || *end || errno || secs < 0 || secs > 253402300799LL)
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "source_date_epoch: expected null or seconds since 1970 as a string "
                            "(0 to 253402300799)");
        r->epoch = e;
    }
    json_t *each = json_object_get(m, "each");
    if (each) { /* a --each run's: a sub-report's names its directory in the run's output */
        json_t *dirj = json_object_get(each, "directory");
        const char *by = plain_string(json_object_get(each, "by"));
        if (!json_is_object(each) || !by || (strcmp(by, "site") && strcmp(by, "clinician")))
            return diag_set(d, DIAG_IO, mpath, 0, 0,
                            "each: expected {\"by\": \"site\" or \"clinician\", ...}");
        if (dirj) {
            const char *dj = plain_string(dirj);
            if (!dj || !report_each_dir_ok(dj) || strncmp(dj, by, strlen(by)) != 0)
                return diag_set(d, DIAG_IO, mpath, 0, 0,
                                "each.directory: expected \"%s/NAME\" (a name outcomes makes)", by);
            r->each_dir = dj;
        }
    }
    return 0;
}

/* The fields verify only shows or ignores: their types all the same. */
static int check_shown_fields(json_t *m, const char *mpath, struct diag *d)
{
    json_t *tool = json_object_get(m, "tool"), *cl = json_object_get(m, "command_line");
    const char *tname = plain_string(json_object_get(tool, "name"));
    if (!json_is_object(tool) || !tname || strcmp(tname, "outcomes") != 0 ||
        !plain_string(json_object_get(tool, "version")))
        return diag_set(d, DIAG_IO, mpath, 0, 0,
                        "tool: expected {\"name\": \"outcomes\", \"version\": ...}");
    if (!json_is_object(json_object_get(m, "libraries")))
        return diag_set(d, DIAG_IO, mpath, 0, 0, "libraries: expected an object");
    if (!plain_string(json_object_get(m, "as_of")))
        return diag_set(d, DIAG_IO, mpath, 0, 0, "as_of: expected a date string");
    if (!json_is_array(cl))
        return diag_set(d, DIAG_IO, mpath, 0, 0, "command_line: expected an array of strings");
    for (size_t i = 0; i < json_array_size(cl); i++)
        if (!plain_string(json_array_get(cl, i)))
            return diag_set(d, DIAG_IO, mpath, 0, 0, "command_line[%zu]: expected a string", i);
    return 0;
}

/* Every field verify uses, checked and decoded into r. */
static int parse_manifest(json_t *m, struct recorded *r, const char *mpath, struct diag *d)
{
    char where[64];
    memset(r, 0, sizeof *r);
    if (!json_is_object(m))
        return diag_set(d, DIAG_IO, mpath, 0, 0, "not a manifest of outcomes (not an object)");
    json_t *schema = json_object_get(m, "schema");
    if (!json_is_integer(schema) || json_integer_value(schema) != 1)
        return diag_set(d, DIAG_IO, mpath, 0, 0, "schema: expected 1");
    json_t *inputs = json_object_get(m, "inputs"), *outputs = json_object_get(m, "outputs");
    json_t *options = json_object_get(m, "options"), *cols = json_object_get(m, "columns_file");
    if (!json_is_array(inputs) || !json_is_array(outputs) || !json_is_array(options))
        return diag_set(d, DIAG_IO, mpath, 0, 0,
                        "not a manifest of outcomes (inputs, outputs or options missing or not "
                        "arrays)");
    size_t ni = json_array_size(inputs), no = json_array_size(outputs);
    size_t nw = json_array_size(options);
    if (ni == 0)
        return diag_set(d, DIAG_IO, mpath, 0, 0, "inputs: no input recorded");
    r->inputs = calloc(ni, sizeof *r->inputs);
    r->outputs = calloc(no ? no : 1, sizeof *r->outputs);
    r->words = calloc(nw ? nw : 1, sizeof *r->words);
    if (!r->inputs || !r->outputs || !r->words)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    r->ninputs = ni; /* (entries NULL until filled: recorded_fini frees what was) */
    r->noutputs = no;
    r->nwords = nw;
    for (size_t i = 0; i < ni; i++) {
        snprintf(where, sizeof where, "inputs[%zu]", i);
        if (file_entry(json_array_get(inputs, i), where, &r->inputs[i], mpath, d) != 0)
            return d->code;
        if (!json_is_integer(json_object_get(json_array_get(inputs, i), "rows")))
            return diag_set(d, DIAG_IO, mpath, 0, 0, "%s.rows: expected a row count", where);
    }
    if (json_is_object(cols)) {
        if (file_entry(cols, "columns_file", &r->columns, mpath, d) != 0)
            return d->code;
    } else if (!json_is_null(cols) && cols) {
        return diag_set(d, DIAG_IO, mpath, 0, 0, "columns_file: expected an object or null");
    }
    if (parse_benchmarks(json_object_get(m, "benchmarks_file"), r, mpath, d) != 0)
        return d->code;
    if (parse_outputs(outputs, r, mpath, d) != 0 || parse_words(options, r, mpath, d) != 0 ||
        parse_epoch_each(m, r, mpath, d) != 0 || check_shown_fields(m, mpath, d) != 0)
        return d->code;
    return check_options(r, mpath, d);
}

/* DIR/manifest.json: a regular file (not a symbolic link: DIR must hold what the run wrote;
 * nothing else is opened, so a device there is never touched) of at most MANIFEST_MAX
 * bytes, parsed (duplicate keys refused). */
static json_t *load_manifest(const char *path, struct diag *d)
{
    struct stat l, s;
    if (lstat(path, &l) != 0) {
        diag_set(d, DIAG_IO, path, 0, 0, "cannot read the manifest: %s", strerror(errno));
        return NULL;
    }
    if (!S_ISREG(l.st_mode)) {
        diag_set(d, DIAG_IO, path, 0, 0, "cannot read the manifest: %s",
                 S_ISLNK(l.st_mode) ? "a symbolic link, not the file a run writes"
                                    : "not a regular file");
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        diag_set(d, DIAG_IO, path, 0, 0, "cannot read the manifest: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &s) != 0 || !S_ISREG(s.st_mode) || s.st_dev != l.st_dev || s.st_ino != l.st_ino) {
        close(fd);
        diag_set(d, DIAG_IO, path, 0, 0, "cannot read the manifest: not a regular file");
        return NULL;
    }
    if ((unsigned long long)s.st_size > MANIFEST_MAX) {
        close(fd);
        diag_set(d, DIAG_IO, path, 0, 0,
                 "the manifest is %lld bytes, more than a manifest of outcomes can be (16 MiB); "
                 "not read",
                 (long long)s.st_size);
        return NULL;
    }
    size_t n = (size_t)s.st_size, got = 0;
    char *buf = malloc(n + 1);
    if (!buf) {
        close(fd);
        diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        return NULL;
    }
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    json_error_t err;
    json_t *m = json_loadb(buf, got, JSON_REJECT_DUPLICATES, &err);
    free(buf);
    if (!m)
        diag_set(d, DIAG_IO, path, err.line > 0 ? err.line : 0, 0, "cannot read the manifest: %s",
                 err.text);
    return m;
}

/* Compares a file's hash with the recorded one; prints a line; returns 1 when it matches. Only
 * a regular file is read (a FIFO or a device named by a manifest is not opened). A file read
 * (input, columns, benchmarks) may be a symbolic link; an output may not. what_if_differs NULL:
 * "KIND file changed: " and both digests. */
static int check_file(FILE *out, const char *kind, const char *label, const char *path,
                      const char *want, const char *what_if_differs)
{
    char hex[65], b1[400];
    uint64_t size;
    struct diag d;
    struct stat s;
    label = shown(label, b1, sizeof b1);
    if (lstat(path, &s) != 0) {
        fprintf(out, "missing  %s %s\n", kind, label);
        return 0;
    }
    if (S_ISLNK(s.st_mode) && strcmp(kind, "input") != 0 && strcmp(kind, "columns") != 0 &&
        strcmp(kind, "benchmarks") != 0) {
        fprintf(out, "differs  %s %s (a symbolic link, not the file written)\n", kind, label);
        return 0;
    }
    if (stat(path, &s) != 0 || !S_ISREG(s.st_mode)) {
        fprintf(out, "missing  %s %s (not a regular file)\n", kind, label);
        return 0;
    }
    if (sha256_file(path, hex, &size, &d) != 0) {
        fprintf(out, "missing  %s %s (%s)\n", kind, label, d.message);
        return 0;
    }
    if (strcmp(hex, want) != 0 && !what_if_differs) {
        fprintf(out, "differs  %s %s (%s file changed: %s recorded, %s here)\n", kind, label, kind,
                want, hex);
        return 0;
    }
    if (strcmp(hex, want) != 0) {
        fprintf(out, "differs  %s %s (%s)\n", kind, label, what_if_differs);
        return 0;
    }
    fprintf(out, "ok       %s %s\n", kind, label);
    return 1;
}

/* 1 when path is a regular file whose SHA-256 is not want (0 when it matches or cannot be
 * read: check_file then says which). */
static int file_has_other_bytes(const char *path, const char *want)
{
    char hex[65];
    uint64_t size;
    struct diag d;
    struct stat s;
    if (lstat(path, &s) != 0 || !S_ISREG(s.st_mode) || sha256_file(path, hex, &size, &d) != 0)
        return 0;
    return strcmp(hex, want) != 0;
}

/* dir + "/" + name into out; 0, or -1 when it does not fit. */
static int join(char *out, size_t n, const char *dir, const char *name)
{
    int k = snprintf(out, n, "%s/%s", dir, name);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* An entry of DIR the manifest does not list: its path from DIR; linked: where the run wrote a
 * sub-report directory, a symbolic link or another file stands. */
struct unlisted_entry {
    char *name;
    int linked;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct unlisted_entry *)a)->name,
                  ((const struct unlisted_entry *)b)->name);
}

/* Appends a copy of name to *v (a failure to grow drops it, as out of memory). */
static void add_unlisted(struct unlisted_entry **v, size_t *n, const char *name, int linked)
{
    char *c = strdup(name);
    struct unlisted_entry *grown = c ? realloc(*v, (*n + 1) * sizeof **v) : NULL;
    if (!grown) {
        free(c);
        return;
    }
    *v = grown;
    (*v)[(*n)++] = (struct unlisted_entry){c, linked};
}

/* The entries of DIR/rel (rel "" for DIR) the manifest does not list, by their path from DIR,
 * into *v; a sub-directory some output lies in (a --each run's site/ and site/NAME/) is looked
 * into in turn, never through a symbolic link (one there is named). */
static void unlisted(const char *dir, const char *rel, const struct recorded *r,
                     struct unlisted_entry **v, size_t *n)
{
    char path[4200], sub[4200];
    if (snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel) >= (int)sizeof path)
        return;
    DIR *dp = opendir(path);
    if (!dp)
        return;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >= (int)sizeof sub)
            continue;
        int listed = !*rel && strcmp(e->d_name, "manifest.json") == 0, holds = 0;
        size_t nl = strlen(sub);
        for (size_t i = 0; i < r->noutputs && !listed; i++) {
            listed = strcmp(sub, r->outputs[i].path) == 0;
            holds |= strncmp(sub, r->outputs[i].path, nl) == 0 && r->outputs[i].path[nl] == '/';
        }
        struct stat st;
        int is_dir =
            fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        if (!listed && holds && is_dir)
            unlisted(dir, sub, r, v, n); /* (its listed files are checked one by one) */
        else if (!listed)
            add_unlisted(v, n, sub, holds);
    }
    closedir(dp);
}

/* Entries of DIR the manifest does not list (a leftover temporary, a file added after), in
 * DIR and in every sub-report directory of a --each run: each printed as "extra"; returns how
 * many. */
static int extra_files(FILE *out, const char *dir, const struct recorded *r)
{
    struct unlisted_entry *v = NULL;
    size_t n = 0;
    unlisted(dir, "", r, &v, &n);
    if (n)
        qsort(v, n, sizeof *v, by_name);
    for (size_t i = 0; i < n; i++) {
        char b1[400];
        if (v[i].linked)
            fprintf(out, "differs  output %s (not the directory the run wrote)\n",
                    shown(v[i].name, b1, sizeof b1));
        else
            fprintf(out, "extra    output %s (not in the manifest)\n",
                    shown(v[i].name, b1, sizeof b1));
        free(v[i].name);
    }
    free(v);
    return (int)n;
}

/* A --each rerun's TMP/out/site (or clinician): each sub-directory's files of the tool's
 * fixed names, the sub-directory, then it. */
static void remove_each(int ofd, const char *top)
{
    int dfd = openat(ofd, top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return;
    int dup_fd = dup(dfd);
    DIR *p = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!p && dup_fd >= 0)
        close(dup_fd);
    struct dirent *e;
    while (p && (e = readdir(p)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int sfd = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sfd < 0)
            continue;
        for (size_t k = 0; k < report_noutput_names; k++)
            unlinkat(sfd, report_output_names[k], 0);
        close(sfd);
        unlinkat(dfd, e->d_name, AT_REMOVEDIR);
    }
    if (p)
        closedir(p);
    close(dfd);
    unlinkat(ofd, top, AT_REMOVEDIR);
}

/* Removes the rerun: TMP/out's files of the tool's fixed names, TMP/out, the lock file the run
 * may have left, TMP. Nothing named by the manifest. */
static void remove_rerun(const char *tmp)
{
    int tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (tfd < 0)
        return;
    int ofd = openat(tfd, "out", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (ofd >= 0) {
        remove_each(ofd, "site");
        remove_each(ofd, "clinician");
        for (size_t k = 0; k < report_noutput_names; k++)
            unlinkat(ofd, report_output_names[k], 0);
        close(ofd);
        unlinkat(tfd, "out", AT_REMOVEDIR);
    }
    unlinkat(tfd, ".out.outcomes.lock", 0);
    close(tfd);
    rmdir(tmp);
}

/* The rerun's directory while it exists: SIGINT, SIGTERM or SIGHUP removes it (it holds
 * episodes.csv, with patient ids, in a shared TMPDIR) and then acts as before verify (a
 * signal ignored then stays ignored). The report code's own guard, while it writes, chains to
 * this one. */
static const int verify_sigs[] = {SIGINT, SIGTERM, SIGHUP};
#define NVERIFY_SIGS (sizeof verify_sigs / sizeof *verify_sigs)
static struct sigaction verify_saved[NVERIFY_SIGS];
static char rerun_dir[4200];
static volatile sig_atomic_t have_rerun_dir;

static void verify_on_signal(int sig)
{
    if (have_rerun_dir)
        remove_rerun(rerun_dir);
    have_rerun_dir = 0;
    sig_guard_reraise(sig, verify_sigs, NVERIFY_SIGS, verify_saved);
}

static struct sigaction verify_saved_pipe;

static void verify_guard(int on)
{
    /* a reader of verify's output that goes away (| head) must not end it before the rerun is
     * removed: SIGPIPE is ignored meanwhile (a write then fails with EPIPE) */
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    if (on)
        sigaction(SIGPIPE, &ign, &verify_saved_pipe);
    else
        sigaction(SIGPIPE, &verify_saved_pipe, NULL);
    if (on)
        sig_guard_install(verify_sigs, NVERIFY_SIGS, verify_saved, verify_on_signal);
    else
        sig_guard_restore(verify_sigs, NVERIFY_SIGS, verify_saved);
}

/* The manifest's entry of output `name` (NULL when none). */
static json_t *output_entry(json_t *m, const char *name)
{
    json_t *outs = json_object_get(m, "outputs"), *e;
    size_t i;
    json_array_foreach(outs, i, e)
    {
        const char *n = plain_string(json_object_get(e, "name"));
        if (n && strcmp(n, name) == 0)
            return e;
    }
    return NULL;
}

/* What differs between the libraries and the font recorded and those of the rerun, as
 * "cairo 1.18.4 recorded, 1.16.0 here; ..." into buf (empty when nothing does). */
static void library_changes(json_t *recorded, json_t *again, char *buf, size_t n)
{
    static const char *const libs[] = {"cairo", "fontconfig", "freetype",
                                       "gsl",   "libcsv",     "jansson"};
    json_t *lr = json_object_get(recorded, "libraries"), *la = json_object_get(again, "libraries");
    char b1[400], b2[400];
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
        const char *r = plain_string(json_object_get(lr, libs[i]));
        const char *a = plain_string(json_object_get(la, libs[i]));
        if (r && a && strcmp(r, a) == 0)
            continue;
        k = strlen(buf);
        snprintf(buf + k, n - k, "%s%s %s recorded, %s here", k ? "; " : "", libs[i],
                 r ? shown(r, b1, sizeof b1) : "none", a ? shown(a, b2, sizeof b2) : "none");
    }
    const char *fr = plain_string(json_object_get(json_object_get(recorded, "font"), "sha256"));
    const char *fa = plain_string(json_object_get(json_object_get(again, "font"), "sha256"));
    if (!(fr && fa && strcmp(fr, fa) == 0)) {
        k = strlen(buf);
        snprintf(buf + k, n - k, "%sfont file %.12s recorded, %.12s here", k ? "; " : "",
                 fr ? shown(fr, b1, sizeof b1) : "none", fa ? shown(fa, b2, sizeof b2) : "none");
    }
}

/* report.pdf of the rerun has other bytes than recorded: what the pages draw (their content
 * hashes, render.h) tells whether anything a reader sees changed. 1 (with the line "ok ...:
 * other bytes, same content (what differs)") when every page draws the same, naming the
 * libraries or the font that differ; else 0 with the "differs" line. */
static int same_pdf_content(FILE *out, json_t *recorded, json_t *again)
{
    json_t *pr = json_object_get(output_entry(recorded, "report.pdf"), "pages");
    json_t *pa = json_object_get(output_entry(again, "report.pdf"), "pages");
    char why[1200], pages[200] = "";
    if (!json_is_array(pr) || !pa) {
        fprintf(out, "differs  rerun report.pdf (the rerun gives other bytes; the manifest "
                     "records no page content to compare)\n");
        return 0;
    }
    size_t nr = json_array_size(pr), na = json_array_size(pa), nd = 0;
    for (size_t i = 0; i < nr || i < na; i++) {
        if (i < nr && i < na && json_equal(json_array_get(pr, i), json_array_get(pa, i)))
            continue;
        size_t k = strlen(pages);
        if (nd++ < 8)
            snprintf(pages + k, sizeof pages - k, "%s%zu", k ? ", " : "", i + 1);
    }
    if (nd || nr != na) {
        if (nr != na)
            fprintf(out,
                    "differs  rerun report.pdf (other content: %zu pages recorded, %zu in "
                    "the rerun)\n",
                    nr, na);
        else
            fprintf(out, "differs  rerun report.pdf (other content on page%s %s%s)\n",
                    nd == 1 ? "" : "s", pages, nd > 8 ? ", ..." : "");
        return 0;
    }
    library_changes(recorded, again, why, sizeof why);
    /* no recorded version differs: a patched library of the same version (a Debian security
     * update keeps cairo's version string) or another font configuration; the content is
     * the same all the same */
    fprintf(out, "ok       rerun report.pdf: other bytes, same content (%s)\n",
            *why ? why
                 : "the libraries and font as recorded: a patched library or another font "
                   "configuration");
    return 1;
}

/* m's outputs with report.pdf's sha256 and size left out (a copy; NULL when out of memory). */
static json_t *outputs_without_pdf_bytes(json_t *m)
{
    json_t *o = json_deep_copy(json_object_get(m, "outputs")), *e;
    size_t i;
    json_array_foreach(o, i, e)
    {
        const char *n = plain_string(json_object_get(e, "name"));
        if (n && strcmp(n, "report.pdf") == 0) {
            json_object_del(e, "sha256");
            json_object_del(e, "size");
        }
    }
    return o;
}

/* The rerun's manifest against the recorded one, every field but command_line (the rerun's is
 * verify's own command), libraries and font (another machine's versions may give the same
 * bytes: a note), and, when pdf_explained (same_pdf_content), report.pdf's bytes: a field
 * edited by hand (an input's rows, as_of, an output left out of outputs, a key added) is named.
 * Returns 1 when they agree. */
static int same_manifest(FILE *out, json_t *recorded, json_t *again, int pdf_explained)
{
    char keys[200] = "", b1[400];
    size_t nk = 0;
    const char *key;
    json_t *v;
    for (int pass = 0; pass < 2; pass++) {
        json_t *a = pass ? again : recorded, *b = pass ? recorded : again;
        json_object_foreach(a, key, v)
        {
            if (strcmp(key, "command_line") == 0 || strcmp(key, "libraries") == 0 ||
                strcmp(key, "font") == 0 ||
                (pass ? json_object_get(b, key) != NULL : json_equal(v, json_object_get(b, key))))
                continue;
            if (!pass && pdf_explained && strcmp(key, "outputs") == 0) {
                json_t *x = outputs_without_pdf_bytes(a), *y = outputs_without_pdf_bytes(b);
                int same = x && y && json_equal(x, y);
                json_decref(x);
                json_decref(y);
                if (same)
                    continue;
            }
            size_t k = strlen(keys);
            if (nk++ < 6)
                snprintf(keys + k, sizeof keys - k, "%s%s", k ? ", " : "",
                         shown(key, b1, sizeof b1));
        }
    }
    int libraries_differ =
        !json_equal(json_object_get(recorded, "libraries"), json_object_get(again, "libraries")) ||
        !json_equal(json_object_get(recorded, "font"), json_object_get(again, "font"));
    if (libraries_differ && !pdf_explained)
        fprintf(out, "note: the libraries here are not the versions the manifest records (the "
                     "outputs are compared all the same)\n");
    if (nk) {
        fprintf(out, "differs  rerun manifest.json (%s%s: not what the run records)\n", keys,
                nk > 6 ? ", ..." : "");
        return 0;
    }
    fprintf(out, "ok       rerun manifest.json\n");
    return 1;
}

/* The rerun into TMP/out with the recorded options and inputs; returns its exit code. */
static int rerun(const struct recorded *r, json_t *cl, const char *out, struct diag *d)
{
    size_t n = 0, cap = r->nwords + r->ninputs + 8;
    char **argv = calloc(cap, sizeof *argv);
    if (!argv) {
        diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        return cli_report_diag(d, NULL);
    }
    argv[n++] = (char *)"report"; /* (getopt_long's argv[0]) */
    for (size_t i = 0; i < r->nwords; i++)
        argv[n++] = r->words[i];
    argv[n++] = (char *)"--quiet";
    argv[n++] = (char *)"-o";
    argv[n++] = (char *)out;
    argv[n++] = (char *)"--"; /* an input named "-o..." is a file, not an option */
    for (size_t i = 0; i < r->ninputs; i++)
        argv[n++] = r->inputs[i].path;
    /* the variable as the run had it: for report_run, and for the libraries under it */
    if (r->epoch)
        setenv("SOURCE_DATE_EPOCH", r->epoch, 1);
    else
        unsetenv("SOURCE_DATE_EPOCH");
    struct cli_opts ro;
    int rc = cli_opts_parse(&ro, CMD_REPORT, (int)n, argv, d);
    if (rc == 0) {
        /* the recorded command line, as the rerun's manifests record it (it is never parsed):
         * a --each run's sub-report manifests are then the run's bytes, listed in its
         * manifest's outputs */
        char *rargv[] = {(char *)"outcomes", (char *)"report"};
        size_t ncl = json_array_size(cl);
        char **cargv = ncl ? calloc(ncl, sizeof *cargv) : NULL;
        for (size_t i = 0; cargv && i < ncl; i++)
            cargv[i] = (char *)json_string_value(json_array_get(cl, i));
        struct report_request rq;
        struct report_outputs ro_out;
        char *dir = NULL, **words = NULL;
        size_t nwords = 0;
        ro.argv = cargv ? cargv : rargv;
        ro.argc = cargv ? (int)ncl : 2;
        if (cli_report_request(&ro, &rq, &dir, &words, &nwords) != 0) {
            diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
            rc = cli_report_diag(d, NULL);
        } else {
            rc = report_run(&rq, &ro_out, d);
            if (rc)
                rc = cli_report_failed(&ro, &ro_out, d);
            report_outputs_fini(&ro_out);
        }
        cli_report_request_fini(dir, words, nwords);
        free(cargv);
    } else {
        rc = cli_report_diag(d, NULL);
    }
    cli_opts_fini(&ro);
    free(argv);
    return rc;
}

/* DIR's identity: a run into DIR replaces it by another directory (a new inode, or an old
 * inode number reused with another change time). */
static int same_dir(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Tests only: OUTCOMES_TEST_FAULT, a comma-separated list. "verify-pause" sleeps 2 s after
 * the first reading of the manifest, so that a test can replace DIR at that point;
 * "verify-pause-rerun" after the rerun, before its files are compared (for a signal then);
 * "verify-replaced" takes DIR as replaced after every reading. */
static int verify_fault(const char *what)
{
    const char *e = getenv("OUTCOMES_TEST_FAULT");
    char list[300], key[64];
    snprintf(list, sizeof list, ",%s,", e ? e : "");
    snprintf(key, sizeof key, ",%s,", what);
    return strstr(list, key) != NULL;
}

static void verify_pause(const char *what)
{
    if (verify_fault(what))
        sleep(2);
}

#define READ_TRIES 5 /* DIR replaced this often while it is read: verify gives up */

/* DIR's manifest and outputs, read into *m, *r and *lines (the lines of the outputs' checks,
 * printed after the inputs'); *bad counts what did not match. DIR's files are read by path: a
 * run that replaces DIR meanwhile (another set, swapped in whole) would give a mix of two sets.
 * DIR's identity before and after tells; then it is read again. What is printed of a reading
 * comes from one set. Returns 0, or the exit code (the message printed). */
static int read_outputs(const char *dir, const char *mpath, json_t **m, struct recorded *r,
                        char **lines, int *bad, struct diag *d)
{
    char path[4200];
    size_t nlines = 0;
    for (int tries = 0;; tries++) {
        struct stat before, after;
        int have_before = stat(dir, &before) == 0;
        diag_clear(d);
        *m = load_manifest(mpath, d);
        if (*m && tries == 0)
            verify_pause("verify-pause");
        int rc = !*m ? (int)d->code : parse_manifest(*m, r, mpath, d);
        FILE *out = rc ? NULL : open_memstream(lines, &nlines);
        *bad = 0;
        if (!rc && !out)
            rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        for (size_t i = 0; !rc && i < r->noutputs; i++)
            if (join(path, sizeof path, dir, r->outputs[i].path) != 0 ||
                !check_file(out, "output", r->outputs[i].path, path, r->outputs[i].sha,
                            "changed since the run"))
                (*bad)++;
        if (!rc)
            *bad += extra_files(out, dir, r);
        if (out)
            fclose(out);
        int changed = !have_before || stat(dir, &after) != 0 || !same_dir(&before, &after) ||
                      verify_fault("verify-replaced");
        if (!changed && rc == 0)
            return 0;
        recorded_fini(r);
        memset(r, 0, sizeof *r);
        json_decref(*m);
        *m = NULL;
        free(*lines);
        *lines = NULL;
        if (changed && tries + 1 < READ_TRIES) /* read again */
            continue;
        if (rc)
            return cli_report_diag(d, NULL);
        diag_set(d, DIAG_IO, dir, 0, 0,
                 "the directory was replaced %d times while verify read it (a run is writing "
                 "it): nothing was checked",
                 READ_TRIES);
        return cli_report_diag(d, NULL);
    }
}

/* The benchmarks file the rerun would read (--benchmarks FILE, or the shipped file where report
 * finds it) against the recorded digest; prints a line; returns 1 when it matches. */
static int check_benchmarks(const struct recorded *r)
{
    if (r->benchmarks.path)
        return check_file(stdout, "benchmarks", r->benchmarks.path, r->benchmarks.path,
                          r->benchmarks.sha, NULL);
    char *path = NULL, label[4300];
    struct diag d;
    diag_clear(&d);
    if (datadir_find("benchmarks.csv", &path, &d) != 0) {
        printf("missing  benchmarks the shipped benchmarks.csv (%s)\n", d.message);
        return 0;
    }
    snprintf(label, sizeof label, "%s (shipped with the tool)", path);
    int ok = check_file(stdout, "benchmarks", label, path, r->benchmarks.sha, NULL);
    free(path);
    return ok;
}

/* The recorded inputs, columns and benchmarks files, one line each; returns how many did not match and
 * sets *inputs_ok. */
static int check_inputs(const struct recorded *r, int *inputs_ok)
{
    int bad = 0, relative_missing = 0;
    struct stat is;
    *inputs_ok = 1;
    for (size_t i = 0; i < r->ninputs; i++)
        if (!check_file(stdout, "input", r->inputs[i].path, r->inputs[i].path, r->inputs[i].sha,
                        "its content changed since the run")) {
            bad++;
            *inputs_ok = 0;
            relative_missing |= r->inputs[i].path[0] != '/' && lstat(r->inputs[i].path, &is) != 0;
        }
    if (r->columns.path && !check_file(stdout, "columns", r->columns.path, r->columns.path,
                                       r->columns.sha, "its content changed since the run")) {
        bad++;
        *inputs_ok = 0;
    }
    if (r->benchmarks.sha && !check_benchmarks(r)) {
        bad++;
        *inputs_ok = 0;
        relative_missing |= r->benchmarks.path && r->benchmarks.path[0] != '/' &&
                            lstat(r->benchmarks.path, &is) != 0;
    }
    if (relative_missing)
        printf("note: relative input paths are found from the working directory: run verify "
               "where the report was made\n");
    return bad;
}

/* The rerun's files in sub (its directory, or a sub-report's in it) against the recorded
 * outputs and manifest m; returns how many did not match. */
static int compare_rerun(const struct recorded *r, json_t *m, const char *sub, struct diag *d)
{
    char path[4200];
    int bad = 0, pdf_explained = 0;
    json_t *again = NULL;
    diag_clear(d);
    if (join(path, sizeof path, sub, "manifest.json") == 0)
        again = load_manifest(path, d);
    for (size_t i = 0; i < r->noutputs; i++) {
        if (strcmp(r->outputs[i].path, "manifest.json") == 0)
            continue;
        int pdf = strcmp(r->outputs[i].path, "report.pdf") == 0;
        if (join(path, sizeof path, sub, r->outputs[i].path) != 0) {
            bad++;
            continue;
        }
        if (pdf && again && file_has_other_bytes(path, r->outputs[i].sha)) {
            /* the bytes differ: does what the pages draw? */
            if (same_pdf_content(stdout, m, again))
                pdf_explained = 1;
            else
                bad++;
        } else if (!check_file(stdout, "rerun", r->outputs[i].path, path, r->outputs[i].sha,
                               "the rerun gives other bytes")) {
            bad++;
        }
    }
    if (!again) {
        printf("missing  rerun manifest.json (%s)\n", d->message);
        bad++;
    } else if (!same_manifest(stdout, m, again, pdf_explained)) {
        bad++;
    }
    json_decref(again);
    return bad;
}

/* The rerun, into a directory of its own, and its comparison; returns how many checks did not
 * match. */
static int rerun_and_compare(const struct recorded *r, json_t *m, struct diag *d)
{
    const char *tmpbase = getenv("TMPDIR");
    char tmp[4200], out[4300];
    int bad = 0;
    if (join(tmp, sizeof tmp, tmpbase && *tmpbase ? tmpbase : "/tmp", "outcomes-verify-XXXXXX"))
        snprintf(tmp, sizeof tmp, "/tmp/outcomes-verify-XXXXXX");
    if (!mkdtemp(tmp)) {
        printf("not rerun: cannot make a temporary directory: %s\n", strerror(errno));
        return 1;
    }
    /* from here by its resolved path: a symbolic link in TMPDIR re-pointed meanwhile must
     * not send the rerun's files, or their removal, elsewhere */
    char *real = realpath(tmp, NULL);
    if (real && strlen(real) < sizeof tmp)
        memcpy(tmp, real, strlen(real) + 1);
    free(real);
    memcpy(rerun_dir, tmp, sizeof rerun_dir);
    have_rerun_dir = 1;
    snprintf(out, sizeof out, "%s/out", tmp);
    int rc = rerun(r, json_object_get(m, "command_line"), out, d);
    /* a sub-report's files are compared with its directory in the rerun's */
    char sub[4600];
    snprintf(sub, sizeof sub, "%s%s%s", out, r->each_dir ? "/" : "",
             r->each_dir ? r->each_dir : "");
    if (rc != 0) {
        printf("differs  rerun (outcomes report failed, exit %d)\n", rc);
        bad++;
    } else {
        verify_pause("verify-pause-rerun");
        bad += compare_rerun(r, m, sub, d);
    }
    remove_rerun(tmp); /* (a signal meanwhile removes what is left, again) */
    have_rerun_dir = 0;
    return bad;
}

int cli_verify(const struct cli_opts *o)
{
    struct diag d;
    diag_clear(&d);
    if (o->nfiles != 1) {
        diag_set(&d, DIAG_USAGE, NULL, 0, 0, "verify takes one directory (a report's output)");
        return cli_report_diag(&d, "verify");
    }
    const char *dir = o->files[0];
    char mpath[4200];
    if (!*dir) { /* (joined, "" would be the root directory) */
        diag_set(&d, DIAG_USAGE, NULL, 0, 0, "the directory name is empty");
        return cli_report_diag(&d, "verify");
    }
    if (join(mpath, sizeof mpath, dir, "manifest.json") != 0) {
        diag_set(&d, DIAG_USAGE, NULL, 0, 0, "the directory name is too long");
        return cli_report_diag(&d, "verify");
    }
    json_t *m = NULL;
    struct recorded r;
    memset(&r, 0, sizeof r);
    char *lines = NULL;
    int bad = 0, inputs_ok;
    int rc = read_outputs(dir, mpath, &m, &r, &lines, &bad, &d);
    if (rc)
        return rc;
    bad += check_inputs(&r, &inputs_ok);
    fputs(lines ? lines : "", stdout);
    free(lines);
    fflush(stdout);
    verify_guard(1);
    if (!inputs_ok)
        printf("not rerun: an input is missing or changed\n");
    else
        bad += rerun_and_compare(&r, m, &d);
    verify_guard(0);
    recorded_fini(&r);
    json_decref(m);
    if (bad)
        printf("FAILED: %d check%s did not match\n", bad, bad == 1 ? "" : "s");
    else
        printf("ok\n");
    return bad ? EXIT_DATA : EXIT_OK;
}
