/* sample_cmd.c: `outcomes sample`: writes a synthetic export (src/sample) to a file (written to a
 * temporary made by mkstemp beside it and renamed into place; SIGINT, SIGTERM or SIGHUP
 * meanwhile removes the temporary) or to stdout. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outcomes/date.h"
#include "outcomes/sample.h"
#include "outcomes/sigguard.h"

#define SAMPLE_DEFAULT_AS_OF "2026-10-31"

/* The temporary being written, for the signal handler (a file of hundreds of MB must not be
 * left behind by ^C); signals ignored when the command started (nohup) stay ignored. */
static const int sample_sigs[] = {SIGINT, SIGTERM, SIGHUP};
#define NSAMPLE_SIGS (sizeof sample_sigs / sizeof *sample_sigs)
static struct sigaction sample_saved[NSAMPLE_SIGS];
static char *volatile sample_tmp;
static char *volatile sample_tmp2; /* --shape long's second file */

static void sample_on_signal(int sig)
{
    if (sample_tmp)
        unlink(sample_tmp);
    if (sample_tmp2)
        unlink(sample_tmp2);
    sig_guard_reraise(sig, sample_sigs, NSAMPLE_SIGS, sample_saved);
}

static void sample_guard(int on)
{
    if (on)
        sig_guard_install(sample_sigs, NSAMPLE_SIGS, sample_saved, sample_on_signal);
    else
        sig_guard_restore(sample_sigs, NSAMPLE_SIGS, sample_saved);
}

/* A new temporary beside path (".NAME.XXXXXX", made by mkstemp) opened for writing, its name in
 * *tmp (malloc'd); NULL with d set when it cannot be made. */
static FILE *open_temp(const char *path, char **tmp, struct diag *d)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0, n = strlen(path) + 16;
    if (!(*tmp = malloc(n))) {
        diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        return NULL;
    }
    snprintf(*tmp, n, "%.*s.%s.XXXXXX", (int)dlen, path, path + dlen);
    int fd = mkstemp(*tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        diag_set(d, DIAG_IO, path, 0, 0, "cannot write: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            remove(*tmp);
        }
        free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    return f;
}

/* Flushes and closes f (a temporary from open_temp); when rc is still 0, syncs it and renames it
 * to path; otherwise removes it. Returns the new rc. */
static int close_temp(FILE *f, const char *tmp, const char *path, int rc, struct diag *d)
{
    if (!rc && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0))
        rc = diag_set(d, DIAG_IO, path, 0, 0, "writing failed: %s", strerror(errno));
    if (fclose(f) != 0 && !rc)
        rc = diag_set(d, DIAG_IO, path, 0, 0, "writing failed: %s", strerror(errno));
    if (!rc && rename(tmp, path) != 0)
        rc = diag_set(d, DIAG_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    if (rc)
        remove(tmp);
    return rc;
}

/* --shape long: the wide sample written to an unlinked temporary file (tmpfile), read back and
 * split (sample_split_long) into PREFIX-treatments.csv and PREFIX-scores.csv, each through a
 * temporary beside it renamed into place; streamed, so a 10-million-row sample fits. */
static int sample_long(const struct cli_opts *o, const struct sample_opts *so)
{
    struct diag d;
    diag_clear(&d);
    if (!o->output) {
        diag_set(&d, DIAG_USAGE, NULL, 0, 0,
                 "--shape long writes two files: give -o PREFIX (PREFIX-treatments.csv and "
                 "PREFIX-scores.csv)");
        return cli_report_diag(&d, "sample");
    }
    static const char *const suffix[2] = {"-treatments.csv", "-scores.csv"};
    const size_t n = strlen(o->output) + 32;
    char *path[2] = {malloc(n), malloc(n)}, *tmp[2] = {NULL, NULL};
    FILE *out[2] = {NULL, NULL}, *wide = NULL;
    int rc = 0;
    if (!path[0] || !path[1]) {
        rc = diag_set(&d, DIAG_IO, NULL, 0, 0, "out of memory");
        goto out;
    }
    if (!(wide = tmpfile())) {
        rc = diag_set(&d, DIAG_IO, NULL, 0, 0, "cannot make a temporary file: %s", strerror(errno));
        goto out;
    }
    if ((rc = sample_write(wide, so, &d)) != 0)
        goto out;
    if (fflush(wide) != 0 || fseek(wide, 0, SEEK_SET) != 0) {
        rc =
            diag_set(&d, DIAG_IO, NULL, 0, 0, "cannot write a temporary file: %s", strerror(errno));
        goto out;
    }
    sample_guard(1);
    for (int k = 0; k < 2 && !rc; k++) {
        snprintf(path[k], n, "%s%s", o->output, suffix[k]);
        if (!(out[k] = open_temp(path[k], &tmp[k], &d)))
            rc = DIAG_IO;
        else if (k == 0)
            sample_tmp = tmp[k];
        else
            sample_tmp2 = tmp[k];
    }
    if (!rc)
        rc = sample_split_long(wide, out[0], out[1], &d);
    for (int k = 0; k < 2; k++)
        if (out[k])
            rc = close_temp(out[k], tmp[k], path[k], rc, &d);
    sample_tmp = sample_tmp2 = NULL;
    sample_guard(0);
out:
    if (wide)
        fclose(wide);
    for (int k = 0; k < 2; k++) {
        free(path[k]);
        free(tmp[k]);
    }
    return rc ? cli_report_diag(&d, NULL) : EXIT_OK;
}

int cli_sample(const struct cli_opts *o)
{
    struct diag d;
    struct sample_opts so = {.patients = o->patients, .seed = o->seed, .months = o->months};
    diag_clear(&d);
    if (o->nfiles) {
        diag_set(&d, DIAG_USAGE, NULL, 0, 0, "sample takes no file arguments (use -o FILE)");
        return cli_report_diag(&d, "sample");
    }
    if (o->ingest.have_as_of)
        so.as_of = o->ingest.as_of;
    else
        date_parse_iso(SAMPLE_DEFAULT_AS_OF, 10, &so.as_of);
    if (o->shape == SHAPE_LONG)
        return sample_long(o, &so);
    struct stat st;
    if (!o->output || (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode))) {
        /* stdout, or a device such as /dev/stdout: written in place */
        FILE *f = o->output ? fopen(o->output, "wb") : stdout;
        if (!f) {
            diag_set(&d, DIAG_IO, o->output, 0, 0, "cannot write: %s", strerror(errno));
            return cli_report_diag(&d, NULL);
        }
        int wrc = (o->shape == SHAPE_FHIR ? sample_write_fhir : sample_write)(f, &so, &d);
        if (((f != stdout && fclose(f) != 0) || (f == stdout && fflush(stdout) != 0)) && !wrc)
            wrc = diag_set(&d, DIAG_IO, NULL, 0, 0, "writing failed: %s", strerror(errno));
        if (wrc) {
            snprintf(d.file, sizeof d.file, "%s", o->output ? o->output : "stdout");
            return cli_report_diag(&d, NULL);
        }
        return EXIT_OK;
    }
    /* a temporary made by mkstemp beside FILE (".FILE.XXXXXX": a new name, created
     * O_EXCL, never through something planted there), renamed over FILE when complete. FILE
     * given as a symbolic link: the file it names is replaced, and the link kept */
    const char *target = o->output;
    char *real = NULL;
    if (lstat(o->output, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (!(real = realpath(o->output, NULL))) {
            diag_set(&d, DIAG_IO, o->output, 0, 0, "cannot resolve the link: %s", strerror(errno));
            return cli_report_diag(&d, NULL);
        }
        target = real;
    }
    const char *slash = strrchr(target, '/');
    size_t dlen = slash ? (size_t)(slash - target) + 1 : 0;
    size_t n = strlen(target) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        free(real);
        diag_set(&d, DIAG_IO, NULL, 0, 0, "out of memory");
        return cli_report_diag(&d, NULL);
    }
    snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)dlen, target, target + dlen);
    sample_guard(1);
    int fd = mkstemp(tmp);
    if (fd >= 0)
        sample_tmp = tmp;
    FILE *f = NULL;
    int rc = EXIT_OK;
    if (fd >= 0) {
        /* the file's mode: FILE's when it exists, else what a new file gets */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, stat(target, &st) == 0 ? (st.st_mode & 0777) : (0666 & ~mask));
        f = fdopen(fd, "wb");
        if (!f) {
            close(fd);
            remove(tmp);
        }
    }
    if (!f) {
        diag_set(&d, DIAG_IO, o->output, 0, 0, "cannot write: %s%s", strerror(errno),
                 fd < 0 ? " (the file is replaced by a rename: its directory must be writable)"
                        : "");
        rc = cli_report_diag(&d, NULL);
    } else {
        static char buf[1 << 20];
        setvbuf(f, buf, _IOFBF, sizeof buf);
        int wrc = (o->shape == SHAPE_FHIR ? sample_write_fhir : sample_write)(f, &so, &d);
        if ((fflush(f) != 0 || fsync(fileno(f)) != 0) && !wrc)
            wrc = diag_set(&d, DIAG_IO, o->output, 0, 0, "writing failed: %s", strerror(errno));
        if (fclose(f) != 0 && !wrc)
            wrc = diag_set(&d, DIAG_IO, o->output, 0, 0, "writing failed: %s", strerror(errno));
        if (!wrc && rename(tmp, target) != 0)
            wrc = diag_set(&d, DIAG_IO, o->output, 0, 0, "cannot write: %s", strerror(errno));
        else if (!wrc)
            sample_tmp = NULL; /* renamed: nothing to remove */
        if (wrc) {
            snprintf(d.file, sizeof d.file, "%s", o->output);
            remove(tmp);
            rc = cli_report_diag(&d, NULL);
        }
    }
    sample_tmp = NULL;
    sample_guard(0);
    free(tmp);
    free(real);
    return rc;
}
