/* verify_cmd.c: `outcomes verify DIR`: reads DIR/manifest.json, checks every input's SHA-256,
 * reruns the analysis with the recorded options into a temporary directory, and compares every
 * output of DIR, and of the rerun, with the recorded hashes. One line per file; exit 0 only
 * when everything matches, 1 when anything differs or is missing, 3 when the manifest cannot be
 * read. Input paths are as recorded: run verify from the directory the report was run in. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "outcomes/sha256.h"

/* Compares a file's hash with the recorded one; prints a line; returns 1 when it matches. */
static int check_file(const char *kind, const char *label, const char *path, const char *want,
                      const char *what_if_differs)
{
    char hex[65];
    uint64_t size;
    struct diag d;
    if (access(path, F_OK) != 0) {
        printf("missing  %s %s\n", kind, label);
        return 0;
    }
    if (sha256_file(path, hex, &size, &d) != 0) {
        printf("missing  %s %s (%s)\n", kind, label, d.message);
        return 0;
    }
    if (strcmp(hex, want) != 0) {
        printf("differs  %s %s (%s)\n", kind, label, what_if_differs);
        return 0;
    }
    printf("ok       %s %s\n", kind, label);
    return 1;
}

/* dir + "/" + name into out; 0, or -1 when it does not fit. */
static int join(char *out, size_t n, const char *dir, const char *name)
{
    int k = snprintf(out, n, "%s/%s", dir, name);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

static void remove_dir(const char *dir, json_t *outputs)
{
    size_t i;
    json_t *f;
    json_array_foreach(outputs, i, f)
    {
        char p[4200];
        const char *n = json_string_value(json_object_get(f, "name"));
        if (n && join(p, sizeof p, dir, n) == 0)
            remove(p);
    }
    static const char *const extra[] = {"episodes.csv", "rejects.csv", "report.pdf",
                                        "results.json", "manifest.json"};
    for (size_t k = 0; k < sizeof extra / sizeof *extra; k++) {
        char p[4200];
        if (join(p, sizeof p, dir, extra[k]) == 0)
            remove(p);
    }
    rmdir(dir);
}

int cli_verify(const struct cli_opts *o)
{
    struct diag d;
    json_error_t err;
    diag_clear(&d);
    if (o->nfiles != 1) {
        diag_set(&d, DIAG_USAGE, NULL, 0, 0, "verify takes one directory (a report's output)");
        return cli_report_diag(&d, "verify");
    }
    const char *dir = o->files[0];
    char path[4200];
    if (join(path, sizeof path, dir, "manifest.json") != 0) {
        diag_set(&d, DIAG_USAGE, NULL, 0, 0, "the directory name is too long");
        return cli_report_diag(&d, "verify");
    }
    json_t *m = json_load_file(path, 0, &err);
    if (!m) {
        diag_set(&d, DIAG_IO, path, err.line > 0 ? err.line : 0, 0, "cannot read the manifest: %s",
                 err.text);
        return cli_report_diag(&d, NULL);
    }
    json_t *inputs = json_object_get(m, "inputs"), *outputs = json_object_get(m, "outputs");
    json_t *options = json_object_get(m, "options"), *cols = json_object_get(m, "columns_file");
    json_t *epoch = json_object_get(m, "source_date_epoch");
    if (!json_is_array(inputs) || !json_is_array(outputs) || !json_is_array(options)) {
        json_decref(m);
        diag_set(&d, DIAG_IO, path, 0, 0, "not a manifest of outcomes (inputs, outputs or "
                                          "options missing)");
        return cli_report_diag(&d, NULL);
    }
    int bad = 0, inputs_ok = 1;
    size_t i;
    json_t *f;
    json_array_foreach(inputs, i, f)
    {
        const char *p = json_string_value(json_object_get(f, "path"));
        const char *h = json_string_value(json_object_get(f, "sha256"));
        if (!p || !h || !check_file("input", p, p, h, "its content changed since the run")) {
            bad++;
            inputs_ok = 0;
        }
    }
    if (json_is_object(cols)) {
        const char *p = json_string_value(json_object_get(cols, "path"));
        const char *h = json_string_value(json_object_get(cols, "sha256"));
        if (!p || !h || !check_file("columns", p, p, h, "its content changed since the run")) {
            bad++;
            inputs_ok = 0;
        }
    }
    json_array_foreach(outputs, i, f)
    {
        const char *n = json_string_value(json_object_get(f, "name"));
        const char *h = json_string_value(json_object_get(f, "sha256"));
        if (!n || !h || join(path, sizeof path, dir, n) != 0 ||
            !check_file("output", n, path, h, "changed since the run"))
            bad++;
    }
    /* the rerun, into a temporary directory */
    const char *tmpbase = getenv("TMPDIR");
    char tmp[4200];
    if (join(tmp, sizeof tmp, tmpbase && *tmpbase ? tmpbase : "/tmp", "outcomes-verify-XXXXXX"))
        snprintf(tmp, sizeof tmp, "/tmp/outcomes-verify-XXXXXX");
    if (!inputs_ok) {
        printf("not rerun: an input is missing or changed\n");
    } else if (!mkdtemp(tmp)) {
        printf("not rerun: cannot make a temporary directory: %s\n", strerror(errno));
        bad++;
    } else {
        size_t n = 0, cap = json_array_size(options) + json_array_size(inputs) + 8;
        char **argv = calloc(cap, sizeof *argv);
        json_array_foreach(options, i, f) argv[n++] = (char *)json_string_value(f);
        argv[n++] = (char *)"--quiet";
        argv[n++] = (char *)"-o";
        argv[n++] = tmp;
        json_array_foreach(inputs, i, f) argv[n++] = (char *)json_string_value(json_object_get(f, "path"));
        if (json_is_string(epoch))
            setenv("SOURCE_DATE_EPOCH", json_string_value(epoch), 1);
        else
            unsetenv("SOURCE_DATE_EPOCH");
        struct cli_opts ro;
        int rc = cli_opts_parse(&ro, CMD_REPORT, (int)n, argv, &d);
        if (rc == 0) {
            char *rargv[] = {(char *)"outcomes", (char *)"report"};
            ro.argv = rargv;
            ro.argc = 2;
            rc = cli_report(&ro);
        } else {
            cli_report_diag(&d, NULL);
        }
        cli_opts_fini(&ro);
        free(argv);
        if (rc != 0) {
            printf("differs  rerun (outcomes report failed, exit %d)\n", rc);
            bad++;
        } else {
            json_array_foreach(outputs, i, f)
            {
                const char *nm = json_string_value(json_object_get(f, "name"));
                const char *h = json_string_value(json_object_get(f, "sha256"));
                if (!nm || !h || strcmp(nm, "manifest.json") == 0)
                    continue;
                if (join(path, sizeof path, tmp, nm) != 0 ||
                    !check_file("rerun", nm, path, h, "the rerun gives other bytes"))
                    bad++;
            }
        }
        remove_dir(tmp, outputs);
    }
    json_decref(m);
    if (bad)
        printf("FAILED: %d check%s did not match\n", bad, bad == 1 ? "" : "s");
    else
        printf("ok\n");
    return bad ? EXIT_DATA : EXIT_OK;
}
