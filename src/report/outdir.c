/* outdir.c: writing an output directory all or nothing. Each file is written in full to
 * ".NAME.tmp" in the target directory (same file system, so rename is atomic), flushed with
 * fsync, and only when every file is written are they renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outcomes/report.h"

/* Temporary files being written, so that a signal (SIGINT, SIGTERM, SIGHUP) part-way removes
 * them before the process dies: the directory is left as it was. The handler uses only
 * async-signal-safe calls (unlink, signal, raise). */
#define MAX_TMP 16
static char tmp_names[MAX_TMP][4096];
static volatile sig_atomic_t tmp_count;

static void on_signal(int sig)
{
    for (sig_atomic_t i = 0; i < tmp_count; i++)
        unlink(tmp_names[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void guard(int on)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on ? on_signal : SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
    if (!on)
        tmp_count = 0;
}

/* mkdir -p. */
static int make_dirs(const char *dir, struct diag *d)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path)
        return diag_set(d, DIAG_IO, dir, 0, 0, "output directory name is empty or too long");
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char c = path[i];
        path[i] = '\0';
        struct stat st;
        if (stat(path, &st) != 0) {
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return diag_set(d, DIAG_IO, path, 0, 0, "cannot create the directory: %s",
                                strerror(errno));
        } else if (!S_ISDIR(st.st_mode)) {
            return diag_set(d, DIAG_IO, path, 0, 0, "exists and is not a directory");
        }
        path[i] = c;
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int report_write_files(const char *dir, const struct out_file *files, size_t n, struct diag *d)
{
    int rc = make_dirs(dir, d);
    if (rc)
        return rc;
    if (n > MAX_TMP)
        return diag_set(d, DIAG_IO, dir, 0, 0, "too many output files");
    char (*tmp)[4096] = tmp_names;
    size_t written = 0;
    guard(1);
    for (; written < n; written++) {
        snprintf(tmp[written], sizeof *tmp, "%s/.%s.tmp", dir, files[written].name);
        tmp_count = (sig_atomic_t)(written + 1); /* registered before it exists */
        int fd = open(tmp[written], O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0) {
            rc = diag_set(d, DIAG_IO, tmp[written], 0, 0, "cannot write: %s", strerror(errno));
            break;
        }
        int bad = write_all(fd, files[written].data, files[written].len) != 0 || fsync(fd) != 0;
        int err = errno;
        if (close(fd) != 0 && !bad) {
            bad = 1;
            err = errno;
        }
        if (bad) {
            written++; /* remove this one too */
            rc = diag_set(d, DIAG_IO, dir, 0, 0, "cannot write %s: %s", files[written - 1].name,
                          strerror(err));
            break;
        }
    }
    if (rc) {
        for (size_t i = 0; i < written; i++)
            unlink(tmp[i]);
        guard(0);
        return rc;
    }
    /* the renames happen as one step: signals wait until they are all done */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    for (size_t i = 0; i < n; i++) {
        char final[4096];
        snprintf(final, sizeof final, "%s/%s", dir, files[i].name);
        if (rename(tmp[i], final) != 0) {
            rc = diag_set(d, DIAG_IO, final, 0, 0, "cannot replace: %s", strerror(errno));
            for (size_t k = i; k < n; k++)
                unlink(tmp[k]);
            break;
        }
    }
    guard(0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
