/* outdir.c: writing an output directory as one step (README "Outputs").
 *
 * The target DIR is replaced as a whole. Every file is written into a fresh staging directory
 * beside it, PARENT/.B.outcomes-XXXXXX (mkdtemp: a new name nobody could have planted, on the
 * same file system), each with O_CREAT | O_EXCL | O_NOFOLLOW, and flushed with fsync; then the
 * staging directory and DIR swap names in one renameat2(RENAME_EXCHANGE) (or, when DIR does not
 * exist yet, one rename), the parent is flushed, and the old set, which now has the staging
 * name, is removed. Where the file system has no RENAME_EXCHANGE (EINVAL, ENOSYS) the fallback
 * is two renames: DIR aside onto a second fresh name, then the staging directory to DIR.
 *
 * A lock serialises runs into one DIR: flock on PARENT/.B.outcomes.lock (created O_NOFOLLOW, a
 * regular file or refused), taken before anything else is touched and held to the end. Under
 * it, what an earlier crash left is removed: staging directories of DIR (the name pattern is
 * ours alone) and the ".NAME.tmp" files of the versions that renamed file by file.
 *
 * DIR must hold only files this tool writes (the names in report_output_names); anything else
 * in it is refused before anything is written, because it would be swapped away with the old
 * set. Nothing here follows a symbolic link it did not resolve on purpose (DIR itself, which is
 * resolved with realpath so that a link to a report directory keeps pointing at the new one).
 *
 * Tests reach the commit's failure paths through OUTCOMES_TEST_FAULT (read here only): see
 * fault_init. */
#if defined(__linux__)
#define _GNU_SOURCE /* O_DIRECT, renameat2 */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "outcomes/report.h"
#include "outcomes/sha256.h"
#include "outcomes/sigguard.h"

const char *const report_output_names[] = {"report.pdf", "results.json", "episodes.csv",
                                           "review.csv", "rejects.csv",  "manifest.json",
                                           "index.json"};
const size_t report_noutput_names = sizeof report_output_names / sizeof *report_output_names;

int report_output_name_known(const char *name)
{
    for (size_t i = 0; i < report_noutput_names; i++)
        if (strcmp(name, report_output_names[i]) == 0)
            return 1;
    return 0;
}

/* "site" or "clinician": the sub-directories of a --each run (SPEC section 14). */
static int each_top(const char *name)
{
    return strcmp(name, "site") == 0 || strcmp(name, "clinician") == 0;
}

/* A name report_safe_name makes: bytes A-Z a-z 0-9 _ - . % ~, not first '.', at most
 * REPORT_SAFE_NAME_MAX bytes. */
static int safe_component(const char *s, size_t n)
{
    if (n == 0 || n > REPORT_SAFE_NAME_MAX || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == '%' || c == '~'))
            return 0;
    }
    return 1;
}

int report_each_dir_ok(const char *rel)
{
    const char *slash = strchr(rel, '/');
    if (!slash)
        return 0;
    char top[16];
    size_t nt = (size_t)(slash - rel);
    if (nt >= sizeof top)
        return 0;
    memcpy(top, rel, nt);
    top[nt] = '\0';
    return each_top(top) && safe_component(slash + 1, strlen(slash + 1));
}

int report_output_path_ok(const char *name)
{
    const char *last = strrchr(name, '/');
    if (!last)
        return report_output_name_known(name);
    if (!report_output_name_known(last + 1) || strcmp(last + 1, "index.json") == 0)
        return 0;
    char dir[REPORT_SAFE_NAME_MAX + 32];
    size_t n = (size_t)(last - name);
    if (n >= sizeof dir)
        return 0;
    memcpy(dir, name, n);
    dir[n] = '\0';
    return report_each_dir_ok(dir);
}

/* ".NAME.tmp" for one of our names: the temporaries of earlier versions. */
static int old_style_temp(const char *name)
{
    size_t n = strlen(name);
    if (n < 6 || name[0] != '.' || strcmp(name + n - 4, ".tmp") != 0)
        return 0;
    for (size_t i = 0; i < report_noutput_names; i++) {
        size_t k = strlen(report_output_names[i]);
        if (k == n - 5 && strncmp(name + 1, report_output_names[i], k) == 0)
            return 1;
    }
    return 0;
}

/* ---- fault injection (tests only) ------------------------------------------------------
 * OUTCOMES_TEST_FAULT is a comma-separated list of: "kill:POINT" (SIGKILL at that point, as a
 * crash would), "fail:STEP" (that rename fails with EIO), "fail:write:NAME" (writing the output
 * NAME, such as site/east/review.csv, fails with EIO), "noexchange" (behave as a file system
 * without RENAME_EXCHANGE), "pause" (sleep 2 s holding the lock, after the first file) and "stop"
 * (SIGSTOP at that point: the test that sends SIGCONT knows the run is there). Points:
 * written (the first file written), before-swap, after-aside (fallback only), after-swap,
 * removing-old (one old file removed). Steps: swap (the exchange), aside, install. */
static char fault[256];

static void fault_init(void)
{
    const char *e = getenv("OUTCOMES_TEST_FAULT");
    snprintf(fault, sizeof fault, ",%s,", e ? e : "");
}

static int fault_has(const char *what)
{
    char key[80];
    snprintf(key, sizeof key, ",%.64s,", what);
    return strstr(fault, key) != NULL;
}

static void fault_point(const char *point)
{
    char key[64];
    snprintf(key, sizeof key, "kill:%s", point);
    if (fault_has(key))
        raise(SIGKILL);
}

/* renameat, or the injected failure of step. */
static int rename_step(const char *step, int fd, const char *from, const char *to)
{
    char key[64];
    snprintf(key, sizeof key, "fail:%s", step);
    if (fault_has(key)) {
        errno = EIO;
        return -1;
    }
    return renameat(fd, from, fd, to);
}

/* ---- the state of the one directory being written -------------------------------------- */
#define MAX_FILES 16 /* files in one set: the tool's own outputs, not a count from the input */

static struct {
    char *parent;              /* PARENT, as opened */
    char *base;                /* B, DIR's last component */
    char *shown;               /* DIR as given, for messages */
    int pfd;                   /* PARENT */
    int lockfd;                /* the flock'd lock file, or -1 */
    char *lockname;            /* ".B.outcomes.lock" */
    char stage[300];           /* the staging directory's name in PARENT, "" when none */
    int sfd;                   /* the staging directory, or -1 */
    int exists;                /* DIR existed at begin */
    char names[MAX_FILES][32]; /* files created in the staging directory */
    char *made;                /* PARENT as a path, for removing the directories begin made */
    size_t *made_ends;         /* the length of each made prefix of made, outermost first */
    size_t nmade_cap;
} st = {.pfd = -1, .lockfd = -1, .sfd = -1};

/* What the signal handler may look at: set only after the state it names is complete. */
/* the sub-directories made in the staging directory ("site", then "site/NAME", ...), in the
 * order made; subs grows only with the signals blocked */
static char **subs;
static size_t subs_cap;
static volatile sig_atomic_t nsubs;
static volatile sig_atomic_t nnames, nmade, have_lock, have_stage, committing, pending;

static void unmake_dirs(void)
{
    while (nmade) {
        size_t k = (size_t)--nmade;
        st.made[st.made_ends[k]] = '\0';
        rmdir(st.made); /* only empty ones go */
    }
}

/* Removes the staging directory and what is in it, the lock file, the directories made; only
 * async-signal-safe calls. */
static void undo(void)
{
    if (have_stage) {
        while (nsubs) { /* the innermost first; each holds only files of our names */
            const char *rel = subs[nsubs - 1];
            int fd = openat(st.sfd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) {
                for (size_t k = 0; k < report_noutput_names; k++)
                    unlinkat(fd, report_output_names[k], 0);
                close(fd);
            }
            unlinkat(st.sfd, rel, AT_REMOVEDIR);
            nsubs--;
        }
        for (sig_atomic_t i = 0; i < nnames; i++)
            unlinkat(st.sfd, st.names[i], 0);
        unlinkat(st.pfd, st.stage, AT_REMOVEDIR);
        have_stage = 0;
    }
    nnames = 0;
    if (have_lock) {
        unlinkat(st.pfd, st.lockname, 0); /* while held: see take_lock */
        have_lock = 0;
    }
    unmake_dirs();
}

/* The signals guarded, and what they did before the run: a signal ignored then (SIGHUP under
 * nohup, SIGINT in a background job of a script, SIGPIPE in verify's rerun) stays ignored,
 * and a handler of the caller (verify's, which removes its rerun) is restored and runs after
 * ours. SIGPIPE: a progress line to a reader that went away. */
static const int guarded[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
#define NGUARDED (sizeof guarded / sizeof *guarded)
static struct sigaction saved[NGUARDED];
static int guarding;

static void on_signal(int sig)
{
    if (committing) { /* the swap is not interrupted: the signal acts when it is done */
        pending = sig;
        return;
    }
    undo();
    sig_guard_reraise(sig, guarded, NGUARDED, saved);
}

static void guard(int on)
{
    if (on == guarding)
        return;
    if (on)
        sig_guard_install(guarded, NGUARDED, saved, on_signal);
    else
        sig_guard_restore(guarded, NGUARDED, saved);
    guarding = on;
}

static void release(void)
{
    if (st.sfd >= 0)
        close(st.sfd);
    if (st.lockfd >= 0)
        close(st.lockfd);
    if (st.pfd >= 0)
        close(st.pfd);
    st.sfd = st.lockfd = st.pfd = -1;
    free(st.parent);
    free(st.base);
    free(st.shown);
    free(st.lockname);
    free(st.made);
    free(st.made_ends);
    st.parent = st.base = st.shown = st.lockname = st.made = NULL;
    st.made_ends = NULL;
    st.stage[0] = '\0';
    nmade = nnames = nsubs = 0;
    for (size_t k = 0; k < subs_cap; k++)
        free(subs[k]);
    free(subs);
    subs = NULL;
    subs_cap = 0;
}

/* mkdir -p of st.made (PARENT), remembering what it made; no limit on the depth. */
static int make_dirs(struct diag *d)
{
    char *path = st.made;
    size_t n = strlen(path), slashes = 1;
    for (size_t i = 0; i < n; i++)
        slashes += path[i] == '/';
    if (slashes > st.nmade_cap) {
        size_t *e = realloc(st.made_ends, slashes * sizeof *e);
        if (!e)
            return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        st.made_ends = e;
        st.nmade_cap = slashes;
    }
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        if (path[i - 1] == '/')
            continue; /* "a//b" */
        char c = path[i];
        path[i] = '\0';
        if (mkdir(path, 0777) == 0) {
            if ((size_t)nmade < st.nmade_cap) { /* (made again after a retry: once is enough) */
                st.made_ends[nmade] = i;
                nmade = nmade + 1;
            }
        } else {
            struct stat s;
            int err = errno;
            if (err != EEXIST || stat(path, &s) != 0 || !S_ISDIR(s.st_mode)) {
                int rc = err == EEXIST || err == ENOTDIR
                             ? diag_set(d, DIAG_IO, path, 0, 0, "exists and is not a directory")
                             : diag_set(d, DIAG_IO, path, 0, 0, "cannot create the directory: %s",
                                        strerror(err));
                path[i] = c;
                unmake_dirs();
                return rc;
            }
        }
        path[i] = c;
    }
    return 0;
}

/* The lock: PARENT/.B.outcomes.lock, flock'd. The file is removed by whoever holds the lock
 * when it ends, so a waiter that wakes holding the lock of a removed file takes it again on
 * the file now at that name. waiting (may be NULL: fail instead) is told before a wait. */
static int take_lock(void (*waiting)(const char *lock, void *arg), void *arg, struct diag *d)
{
    char shown[4200];
    snprintf(shown, sizeof shown, "%s/%s", st.parent, st.lockname);
    for (;;) {
        int fd = openat(st.pfd, st.lockname,
                        O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
        if (fd < 0)
            return errno == ENOENT ? -1 /* the parent went away: the caller tries again */
                   : errno == ELOOP
                       ? diag_set(d, DIAG_IO, shown, 0, 0,
                                  "the lock file is a symbolic link: refusing to use it")
                       : diag_set(d, DIAG_IO, shown, 0, 0, "cannot create the lock file: %s",
                                  strerror(errno));
        struct stat a, b;
        if (fstat(fd, &a) != 0 || !S_ISREG(a.st_mode)) {
            close(fd);
            return diag_set(d, DIAG_IO, shown, 0, 0,
                            "the lock file is not a regular file: refusing to use it");
        }
        int r;
        while ((r = flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
        }
        if (r != 0 && errno == EWOULDBLOCK) {
            if (!waiting) {
                close(fd);
                return diag_set(d, DIAG_IO, st.shown, 0, 0,
                                "another outcomes run is writing this directory (lock %s); "
                                "nothing was written",
                                shown);
            }
            waiting(shown, arg);
            while ((r = flock(fd, LOCK_EX)) != 0 && errno == EINTR) {
            }
        }
        if (r != 0) {
            int err = errno;
            close(fd);
            return diag_set(d, DIAG_IO, shown, 0, 0, "cannot lock: %s", strerror(err));
        }
        if (fstatat(st.pfd, st.lockname, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            st.lockfd = fd;
            have_lock = 1;
            return 0;
        }
        close(fd); /* the holder before us removed it: lock the one there now */
    }
}

/* Removes one of our sets: the directory name in fd, when it is a directory of ours, with the
 * files of our names in it (and old-style temporaries); a directory that still holds anything
 * else is left as it is. kill_point: the fault point after the first file. */
static void remove_set(int fd, const char *name, const char *kill_point);

/* A --each set's "site" or "clinician" directory in fd: every sub-directory of a safe name
 * removed as a set (remove_set), then it when empty. */
static void remove_each(int fd, const char *top)
{
    int dfd = openat(fd, top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return;
    int dup_fd = dup(dfd);
    DIR *p = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!p) {
        if (dup_fd >= 0)
            close(dup_fd);
        close(dfd);
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(p)) != NULL) {
        if (!safe_component(e->d_name, strlen(e->d_name)))
            continue;
        char *c = strdup(e->d_name);
        char **grown = c ? realloc(names, (n + 1) * sizeof *names) : NULL;
        if (!grown) {
            free(c);
            continue;
        }
        names = grown;
        names[n++] = c;
    }
    closedir(p);
    for (size_t i = 0; i < n; i++) {
        remove_set(dfd, names[i], NULL);
        free(names[i]);
    }
    free(names);
    close(dfd);
    unlinkat(fd, top, AT_REMOVEDIR);
}

static void remove_set(int fd, const char *name, const char *kill_point)
{
    int dfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return;
    remove_each(dfd, "site");
    remove_each(dfd, "clinician");
    int first = 1;
    for (size_t i = 0; i < report_noutput_names; i++) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, ".%s.tmp", report_output_names[i]);
        if (unlinkat(dfd, report_output_names[i], 0) == 0 && first && kill_point) {
            first = 0;
            fault_point(kill_point);
        }
        unlinkat(dfd, tmp, 0);
    }
    close(dfd);
    unlinkat(fd, name, AT_REMOVEDIR);
}

/* ".B.outcomes-" followed by six characters of mkdtemp's alphabet. */
static int stage_name_of(const char *name, const char *base)
{
    size_t nb = strlen(base);
    if (name[0] != '.' || strncmp(name + 1, base, nb) != 0 ||
        strncmp(name + 1 + nb, ".outcomes-", 10) != 0)
        return 0;
    const char *x = name + 1 + nb + 10;
    size_t k = 0;
    for (; x[k]; k++)
        if (!((x[k] >= 'a' && x[k] <= 'z') || (x[k] >= 'A' && x[k] <= 'Z') ||
              (x[k] >= '0' && x[k] <= '9')))
            return 0;
    return k == 6;
}

/* Whether name is one outcomes gives its temporaries beside some directory: ".B.outcomes-"
 * and six characters of mkdtemp's alphabet, or ".B.outcomes.lock". A directory of that name
 * would be taken for a crash's leftover by a run into B, and removed. */
static int reserved_name(const char *name)
{
    size_t n = strlen(name);
    if (name[0] != '.' || n < 2)
        return 0;
    if (n >= 2 + 14 && strcmp(name + n - 14, ".outcomes.lock") == 0)
        return 1;
    if (n < 2 + 16 || strncmp(name + n - 16, ".outcomes-", 10) != 0)
        return 0;
    for (size_t k = n - 6; k < n; k++)
        if (!((name[k] >= 'a' && name[k] <= 'z') || (name[k] >= 'A' && name[k] <= 'Z') ||
              (name[k] >= '0' && name[k] <= '9')))
            return 0;
    return 1;
}

/* Whether DIR's "site" or "clinician" entry (top) is a directory of ours: sub-directories of
 * safe names holding only regular files of our names. When not, foreign gets the first entry
 * that is not (top itself, top/NAME or top/NAME/FILE) when it sorts first. */
static int our_each(int dfd, const char *top, char *foreign, size_t nf)
{
    struct stat s;
    int tfd = -1;
    DIR *t = NULL;
    if (fstatat(dfd, top, &s, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(s.st_mode) ||
        (tfd = openat(dfd, top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
        !(t = fdopendir(tfd))) {
        if (tfd >= 0)
            close(tfd);
        if (!foreign[0] || strcmp(top, foreign) < 0)
            snprintf(foreign, nf, "%s", top);
        return 0;
    }
    char bad[600] = "";
    struct dirent *e;
    while ((e = readdir(t)) != NULL) {
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
            continue;
        char here[600] = "";
        int sfd = -1;
        DIR *sd = NULL;
        if (!safe_component(n, strlen(n)) || fstatat(dirfd(t), n, &s, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISDIR(s.st_mode) ||
            (sfd = openat(dirfd(t), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
            !(sd = fdopendir(sfd))) {
            if (sfd >= 0)
                close(sfd);
            snprintf(here, sizeof here, "%s/%s", top, n);
        } else {
            struct dirent *f;
            while ((f = readdir(sd)) != NULL) {
                const char *fn = f->d_name;
                if (strcmp(fn, ".") == 0 || strcmp(fn, "..") == 0 ||
                    (report_output_name_known(fn) && strcmp(fn, "index.json") != 0 &&
                     fstatat(dirfd(sd), fn, &s, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(s.st_mode)))
                    continue;
                char one[600];
                snprintf(one, sizeof one, "%s/%s/%s", top, n, fn);
                if (!here[0] || strcmp(one, here) < 0)
                    snprintf(here, sizeof here, "%s", one);
            }
            closedir(sd);
        }
        if (here[0] && (!bad[0] || strcmp(here, bad) < 0))
            snprintf(bad, sizeof bad, "%s", here);
    }
    closedir(t);
    if (!bad[0])
        return 1;
    if (!foreign[0] || strcmp(bad, foreign) < 0)
        snprintf(foreign, nf, "%s", bad);
    return 0;
}

/* Under the lock: what an earlier crash left of runs into DIR is removed, and DIR (when it
 * exists) is checked to hold only our files. */
static int clean_and_check(mode_t *mode, struct diag *d)
{
    int dup_fd = dup(st.pfd);
    DIR *p = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!p) {
        if (dup_fd >= 0)
            close(dup_fd);
        return diag_set(d, DIAG_IO, st.parent, 0, 0, "cannot read the directory: %s",
                        strerror(errno));
    }
    struct dirent *e;
    char(*stale)[300] = NULL;
    size_t nstale = 0;
    int rc = 0;
    while ((e = readdir(p)) != NULL) {
        struct stat s;
        if (!stage_name_of(e->d_name, st.base) ||
            fstatat(st.pfd, e->d_name, &s, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(s.st_mode) ||
            s.st_uid != geteuid())
            continue;
        void *grown = realloc(stale, (nstale + 1) * sizeof *stale);
        if (!grown) {
            rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
            break;
        }
        stale = grown;
        snprintf(stale[nstale++], sizeof *stale, "%s", e->d_name);
    }
    closedir(p);
    for (size_t i = 0; i < nstale; i++)
        remove_set(st.pfd, stale[i], NULL);
    free(stale);
    if (rc || !st.exists)
        return rc;
    int tfd = openat(st.pfd, st.base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat ts;
    if (tfd < 0 || fstat(tfd, &ts) != 0) {
        rc = diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot open the directory: %s", strerror(errno));
        if (tfd >= 0)
            close(tfd);
        return rc;
    }
    *mode = ts.st_mode & 07777;
    if (faccessat(st.pfd, st.base, W_OK, AT_EACCESS) != 0) {
        close(tfd);
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot write into the directory: %s",
                        strerror(errno));
    }
    DIR *t = fdopendir(tfd);
    if (!t) {
        close(tfd);
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot read the directory: %s",
                        strerror(errno));
    }
    char foreign[256] = "";
    while ((e = readdir(t)) != NULL) {
        struct stat s;
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
            continue;
        if (old_style_temp(n)) {
            unlinkat(dirfd(t), n,
                     0); /* an earlier version's temporary (the link, not its target) */
            continue;
        }
        if (report_output_name_known(n) && fstatat(dirfd(t), n, &s, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(s.st_mode))
            continue;
        if (each_top(n)) { /* a --each set's: what is not ours in it is named */
            our_each(dirfd(t), n, foreign, sizeof foreign);
            continue;
        }
        if (!foreign[0] || strcmp(n, foreign) < 0) /* the first by name: the same message */
            snprintf(foreign, sizeof foreign, "%s", n);
    }
    closedir(t);
    if (foreign[0])
        return diag_set(d, DIAG_IO, st.shown, 0, 0,
                        "holds '%s', which outcomes did not write: the directory is replaced as "
                        "a whole, so give -o a new directory or one holding only a report; "
                        "nothing was written",
                        foreign);
    return 0;
}

/* DIR into PARENT and B (st); whether it exists. */
static int split_target(const char *dir, struct diag *d)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "the output directory name is empty");
    char *path = strndup(dir, n);
    if (!path)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    struct stat s;
    const char *last = strrchr(path, '/');
    last = last ? last + 1 : path;
    int rc = 0;
    if (lstat(path, &s) == 0) {
        if (S_ISLNK(s.st_mode) || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
            char *real = realpath(path, NULL);
            if (!real) {
                rc = diag_set(d, DIAG_IO, dir, 0, 0, "cannot resolve the directory: %s",
                              strerror(errno));
                goto out;
            }
            free(path);
            path = real;
            if (stat(path, &s) != 0)
                s.st_mode = 0;
        }
        if (!S_ISDIR(s.st_mode)) {
            rc = diag_set(d, DIAG_IO, dir, 0, 0, "exists and is not a directory");
            goto out;
        }
        st.exists = 1;
    } else if (errno != ENOENT && errno != ENOTDIR) {
        rc = diag_set(d, DIAG_IO, dir, 0, 0, "cannot use the directory: %s", strerror(errno));
        goto out;
    }
    char *slash = strrchr(path, '/');
    if (slash && slash[1] == '\0') {
        rc = diag_set(d, DIAG_IO, dir, 0, 0, "the root directory cannot be an output directory");
        goto out;
    }
    st.base = strdup(slash ? slash + 1 : path);
    if (slash)
        *slash = '\0';
    st.parent = strdup(!slash ? "." : slash == path ? "/" : path);
    st.made = strdup(st.parent);
    st.shown = strdup(dir);
    st.lockname = st.base ? malloc(strlen(st.base) + 16) : NULL;
    if (!st.base || !st.parent || !st.made || !st.shown || !st.lockname) {
        rc = diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        goto out;
    }
    if (strlen(st.base) > 200) {
        rc = diag_set(d, DIAG_IO, dir, 0, 0, "the directory's name is too long");
        goto out;
    }
    if (reserved_name(st.base)) {
        rc = diag_set(d, DIAG_IO, dir, 0, 0,
                      "the name is of the form outcomes gives its temporary files "
                      "(.NAME.outcomes-XXXXXX, .NAME.outcomes.lock): choose another");
        goto out;
    }
    sprintf(st.lockname, ".%s.outcomes.lock", st.base);
out:
    free(path);
    return rc;
}

static int begin(const char *dir, void (*waiting)(const char *lock, void *arg), void *arg,
                 struct diag *d)
{
    int rc = split_target(dir, d);
    if (rc)
        return rc;
    guard(1); /* from the first directory made */
    /* the parents, and the lock in the innermost; a failed run elsewhere may remove a parent
     * this one found (it removes only empty ones): make them again, a few times */
    for (int attempt = 0; attempt < 5; attempt++) {
        if ((rc = make_dirs(d)) != 0)
            return rc;
        st.pfd = open(st.parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (st.pfd < 0) {
            if (errno == ENOENT)
                continue;
            return diag_set(d, DIAG_IO, st.parent, 0, 0, "cannot open the directory: %s",
                            strerror(errno));
        }
        rc = take_lock(waiting, arg, d);
        if (rc >= 0)
            break;
        close(st.pfd);
        st.pfd = -1;
    }
    if (rc < 0 || st.pfd < 0)
        return diag_set(d, DIAG_IO, st.parent, 0, 0, "the directory keeps disappearing");
    if (rc)
        return rc;
    /* DIR may have been made or removed by the run before us: look again under the lock */
    struct stat s;
    st.exists = fstatat(st.pfd, st.base, &s, AT_SYMLINK_NOFOLLOW) == 0;
    if (st.exists && !S_ISDIR(s.st_mode))
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "exists and is not a directory");
    mode_t mask = umask(0); /* no other thread creates files now */
    umask(mask);
    mode_t mode = 0777 & ~mask;
    if ((rc = clean_and_check(&mode, d)) != 0)
        return rc;
    char tmpl[4400];
    int k = snprintf(tmpl, sizeof tmpl, "%s/.%s.outcomes-XXXXXX", st.parent, st.base);
    if (k < 0 || (size_t)k >= sizeof tmpl)
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "the directory's name is too long");
    if (!mkdtemp(tmpl))
        return diag_set(d, DIAG_IO, st.parent, 0, 0,
                        "cannot make a directory beside %s: %s (the output directory is "
                        "replaced as a whole, so its parent must be writable)",
                        st.base, strerror(errno));
    snprintf(st.stage, sizeof st.stage, "%s", strrchr(tmpl, '/') + 1);
    st.sfd = openat(st.pfd, st.stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (st.sfd < 0) {
        rc = diag_set(d, DIAG_IO, tmpl, 0, 0, "cannot open the directory: %s", strerror(errno));
        unlinkat(st.pfd, st.stage, AT_REMOVEDIR);
        return rc;
    }
    have_stage = 1;
    if (st.exists && fstatat(st.pfd, st.base, &s, AT_SYMLINK_NOFOLLOW) == 0 &&
        fchown(st.sfd, s.st_uid, s.st_gid) != 0 && fchown(st.sfd, (uid_t)-1, s.st_gid) != 0) {
        /* the group stays the parent's or ours when ours cannot be changed: not fatal */
    }
    fchmod(st.sfd, mode);
    return 0;
}

int report_out_begin(const char *dir, void (*waiting)(const char *lock, void *arg), void *arg,
                     struct diag *d)
{
    release();
    fault_init();
    int rc = begin(dir, waiting, arg, d);
    if (rc) {
        undo();
        guard(0);
        release();
    }
    return rc;
}

void report_out_abort(void)
{
    undo();
    guard(0);
    release();
}

/* write(2) of every byte. 0, or -1 with errno set. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The parts laid end to end, up to IOV_MAX a writev(2) (a sub-report's review.csv is many runs
 * of the network's rows). 0, or -1 with errno set. */
static int write_parts(int fd, const char *const *parts, const size_t *lens, size_t nparts)
{
    enum { BATCH = 1024 }; /* IOV_MAX on Linux */
    struct iovec v[BATCH];
    for (size_t i = 0; i < nparts;) {
        int n = 0;
        for (; i < nparts && n < BATCH; i++)
            if (lens[i]) {
                v[n].iov_base = (void *)parts[i];
                v[n++].iov_len = lens[i];
            }
        ssize_t w = n ? writev(fd, v, n) : 0;
        if (w < 0 && errno != EINTR)
            return -1;
        /* what writev did not write (a short write, a signal): one part at a time */
        size_t done = w < 0 ? 0 : (size_t)w;
        for (int k = 0; k < n; k++) {
            size_t len = v[k].iov_len;
            if (done >= len) {
                done -= len;
                continue;
            }
            if (write_all(fd, (const char *)v[k].iov_base + done, len - done) != 0)
                return -1;
            done = 0;
        }
    }
    return 0;
}

/* Where a file's bytes come from: its pieces in turn (next: 1 with a piece, 0 at the end, -1
 * when it failed), each added to the digest sha when one is kept. */
struct source {
    int (*next)(void *arg, const char **p, size_t *n);
    void *arg;
    const char *p; /* the rest of the piece being taken */
    size_t n;
    struct sha256_stream *sha;
    uint64_t taken;
    int ended, failed;
};

/* Up to cap bytes of src copied to buf; returns how many (fewer than cap: src is at its end, or
 * failed). */
static size_t take(struct source *src, char *buf, size_t cap)
{
    size_t fill = 0;
    while (fill < cap && !src->ended && !src->failed) {
        if (src->n == 0) {
            int rc = src->next(src->arg, &src->p, &src->n);
            if (rc <= 0) {
                src->ended = rc == 0;
                src->failed = rc < 0;
                src->n = 0;
            } else if (src->sha && src->n && sha256_stream_add(src->sha, src->p, src->n) != 0) {
                src->failed = 1;
            }
            continue;
        }
        size_t k = src->n < cap - fill ? src->n : cap - fill;
        memcpy(buf + fill, src->p, k);
        fill += k;
        src->p += k;
        src->n -= k;
    }
    src->taken += fill;
    return fill;
}

/* The pieces of a parts array (report_out_write's), as a source. */
struct parts_at {
    const char *const *parts;
    const size_t *lens;
    size_t nparts, i;
};

static int next_part(void *arg, const char **p, size_t *n)
{
    struct parts_at *pa = arg;
    if (pa->i >= pa->nparts)
        return 0;
    *p = pa->parts[pa->i];
    *n = pa->lens[pa->i++];
    return 1;
}

enum { ALIGN = 4096, STAGE = 4 << 20 };

#if defined(O_DIRECT)
/* A large file is written with direct I/O where the file system allows it: the data goes from
 * an aligned staging buffer to the disk, without the page cache, whose filling and flushing
 * cost several times more (150 MB: 0.12 s against 0.65 s on the benchmark machine). stage holds
 * the first fill bytes of src (taken by the caller); the rest is taken a stage at a time. The
 * last block is padded and the file cut to its length after. Returns 0; 1 when the file system
 * refuses direct I/O before anything was written (the caller writes through the page cache);
 * or -1 with errno set. */
static int write_direct(int fd, struct source *src, char *stage, size_t fill)
{
    off_t at = 0;
    int rc = 0;
    while (fill > 0 && rc == 0) {
        size_t out = (fill + ALIGN - 1) / ALIGN * ALIGN;
        memset(stage + fill, 0, out - fill);
        for (size_t done = 0; done < out && rc == 0;) {
            ssize_t w = pwrite(fd, stage + done, out - done, at + (off_t)done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0 && errno == EINVAL && at == 0 && done == 0)
                rc = 1; /* no direct I/O here */
            else if (w <= 0 || (size_t)w % ALIGN != 0)
                rc = w < 0 ? -1 : (errno = ENOSPC, -1); /* a short write: the disk is full */
            else
                done += (size_t)w;
        }
        at += (off_t)fill;
        fill = rc == 0 && fill == STAGE ? take(src, stage, STAGE) : 0;
    }
    if (rc == 0 && ftruncate(fd, at) != 0)
        return -1;
    return rc;
}
#endif

/* A new file of the staging directory for name (one of the outputs), registered; *first: 1
 * when it is the set's first (its fault points). Returns the descriptor, or -1 with d set. */
static int open_output(const char *name, int *first, struct diag *d)
{
    *first = 0;
    if (!have_stage)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "no output directory is being written"), -1;
    const char *last = strrchr(name, '/');
    if (last) { /* a file of a sub-report: in a sub-directory made (and undone) as a whole */
        int made = 0;
        for (sig_atomic_t i = 0; i < nsubs && !made; i++)
            made = strlen(subs[i]) == (size_t)(last - name) &&
                   strncmp(subs[i], name, (size_t)(last - name)) == 0;
        if (!report_output_path_ok(name) || !made)
            return diag_set(d, DIAG_IO, st.shown, 0, 0, "'%s' is not an output of outcomes", name),
                   -1;
    } else {
        if (!report_output_name_known(name) || nnames >= MAX_FILES)
            return diag_set(d, DIAG_IO, st.shown, 0, 0, "'%s' is not an output of outcomes", name),
                   -1;
        for (sig_atomic_t i = 0; i < nnames; i++)
            if (strcmp(st.names[i], name) == 0)
                return diag_set(d, DIAG_IO, st.shown, 0, 0, "'%s' is written twice", name), -1;
        *first = nnames == 0;
        snprintf(st.names[nnames], sizeof *st.names, "%s", name);
        nnames = (sig_atomic_t)(nnames + 1); /* registered before it exists */
    }
    char key[80];
    snprintf(key, sizeof key, "fail:write:%s", name);
    if (fault_has(key))
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot write %s: %s", name, strerror(EIO)), -1;
    /* the staging directory is new and ours: O_EXCL | O_NOFOLLOW all the same */
    int fd = openat(st.sfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot write %s: %s", name, strerror(errno));
    return fd;
}

/* The file flushed and closed (rc: the writing's result, errno its error), then the set's
 * first file's fault points. Returns 0 or DIAG_IO. */
static int close_output(int fd, int rc, const char *name, int first, struct diag *d)
{
    int err = rc ? errno : 0;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (err)
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot write %s: %s", name, strerror(err));
    if (first)
        fault_point("written");
    if (first && fault_has("pause"))
        sleep(2);
    if (first && fault_has("stop")) /* until a SIGCONT: a test acts at this point, however late */
        raise(SIGSTOP);
    return 0;
}

/* src written to fd from the start, with direct I/O when its first stage fills (4 MiB; a
 * parts array is given only from 8 MiB) and the file system allows it, else through the page
 * cache. A parts array
 * (pa not NULL) written through the page cache goes from its parts (writev), not the stage.
 * Returns 0, or -1 with errno set (ENOMEM when the source failed). */
static int write_source(int fd, struct source *src, const struct parts_at *pa)
{
    void *mem;
    if (posix_memalign(&mem, ALIGN, STAGE) != 0)
        return pa ? write_parts(fd, pa->parts, pa->lens, pa->nparts) : (errno = ENOMEM, -1);
    char *stage = mem;
    size_t fill = take(src, stage, STAGE);
    int rc = 1; /* rc 1: not written yet */
#if defined(O_DIRECT)
    int fl = fcntl(fd, F_GETFL);
    if (!src->failed && fill == STAGE && fl >= 0 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0) {
        rc = write_direct(fd, src, stage, fill);
        if (rc == 1) /* refused: through the page cache below, from offset 0 */
            fcntl(fd, F_SETFL, fl);
    }
#endif
    if (rc == 1 && pa) {
        rc = write_parts(fd, pa->parts, pa->lens, pa->nparts);
    } else if (rc == 1) {
        rc = write_all(fd, stage, fill);
        while (rc == 0 && fill == STAGE && (fill = take(src, stage, STAGE)) > 0)
            rc = write_all(fd, stage, fill);
    }
    free(stage);
    if (rc == 0 && src->failed)
        return errno = ENOMEM, -1;
    return rc;
}

int report_out_write(const char *name, const char *const *parts, const size_t *lens, size_t nparts,
                     struct diag *d)
{
    int first;
    int fd = open_output(name, &first, d);
    if (fd < 0)
        return d->code;
    size_t total = 0;
    for (size_t i = 0; i < nparts; i++)
        total += lens[i];
    struct parts_at pa = {parts, lens, nparts, 0};
    struct source src = {next_part, &pa, NULL, 0, NULL, 0, 0, 0};
    int rc;
    if (total >= (8u << 20))
        rc = write_source(fd, &src, &pa);
    else
        rc = write_parts(fd, parts, lens, nparts);
    return close_output(fd, rc, name, first, d);
}

int report_out_write_stream(const char *name, int (*next)(void *arg, const char **p, size_t *n),
                            void *arg, char sha[65], uint64_t *size, struct diag *d)
{
    int first;
    int fd = open_output(name, &first, d);
    if (fd < 0)
        return d->code;
    struct source src = {next, arg, NULL, 0, sha256_stream_new(), 0, 0, 0};
    int rc = src.sha ? write_source(fd, &src, NULL) : (errno = ENOMEM, -1);
    if (rc == 0 && sha256_stream_end(src.sha, sha) != 0)
        rc = -1, errno = ENOMEM;
    sha256_stream_free(src.sha);
    *size = src.taken;
    if (rc != 0 && errno == ENOMEM) {
        close(fd);
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "out of memory while writing %s", name);
    }
    return close_output(fd, rc, name, first, d);
}

int report_out_subdir(const char *rel, struct diag *d)
{
    if (!have_stage)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "no output directory is being written");
    if (!each_top(rel) && !report_each_dir_ok(rel))
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "'%s' is not a directory outcomes writes", rel);
    char *copy = strdup(rel);
    if (!copy)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
    if ((size_t)nsubs == subs_cap) { /* grown with the signals held (the handler reads subs) */
        size_t cap = subs_cap ? subs_cap * 2 : 16;
        char **grown = calloc(cap, sizeof *grown);
        if (!grown) {
            free(copy);
            return diag_set(d, DIAG_IO, NULL, 0, 0, "out of memory");
        }
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        if (subs_cap)
            memcpy(grown, subs, subs_cap * sizeof *subs);
        char **was = subs;
        subs = grown;
        subs_cap = cap;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        free(was);
    }
    subs[nsubs] = copy;
    nsubs = (sig_atomic_t)(nsubs + 1); /* registered before it exists */
    if (mkdirat(st.sfd, rel, 0777) != 0)
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot make %s: %s", rel, strerror(errno));
    return 0;
}

/* The swap. Returns 0 with old (the old set's name in PARENT, "" when there was none), or a
 * diag code with the target as it was. */
static int swap(char old[300], struct diag *d)
{
    old[0] = '\0';
    if (!st.exists) {
        if (rename_step("install", st.pfd, st.stage, st.base) != 0)
            return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot create: %s", strerror(errno));
        have_stage = 0;
        return 0;
    }
#if defined(RENAME_EXCHANGE)
    if (!fault_has("noexchange")) {
        int r = fault_has("fail:swap")
                    ? (errno = EIO, -1)
                    : renameat2(st.pfd, st.stage, st.pfd, st.base, RENAME_EXCHANGE);
        if (r == 0) {
            snprintf(old, 300, "%s", st.stage); /* the staging name now holds the old set */
            have_stage = 0;
            return 0;
        }
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
            return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot replace: %s%s", strerror(errno),
                            errno == EBUSY ? " (a mount point cannot be swapped: give -o a "
                                             "directory inside it)"
                                           : "");
    }
#endif
    /* the fallback: DIR aside onto a fresh empty directory (rename replaces an empty one),
     * then the staging directory to DIR; if that fails, DIR comes back */
    char tmpl[4400];
    snprintf(tmpl, sizeof tmpl, "%s/.%s.outcomes-XXXXXX", st.parent, st.base);
    if (!mkdtemp(tmpl))
        return diag_set(d, DIAG_IO, st.parent, 0, 0, "cannot make a directory: %s",
                        strerror(errno));
    const char *aside = strrchr(tmpl, '/') + 1;
    if (rename_step("aside", st.pfd, st.base, aside) != 0) {
        int err = errno;
        unlinkat(st.pfd, aside, AT_REMOVEDIR);
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot replace: %s%s", strerror(err),
                        err == EBUSY ? " (a mount point cannot be swapped: give -o a directory "
                                       "inside it)"
                                     : "");
    }
    fault_point("after-aside");
    if (rename_step("install", st.pfd, st.stage, st.base) != 0) {
        int err = errno;
        if (renameat(st.pfd, aside, st.pfd, st.base) != 0)
            return diag_set(d, DIAG_IO, st.shown, 0, 0,
                            "cannot replace (%s), and the old set could not be put back: it is "
                            "in %s/%s",
                            strerror(err), st.parent, aside);
        return diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot replace: %s", strerror(err));
    }
    have_stage = 0;
    snprintf(old, 300, "%s", aside);
    return 0;
}

int report_out_commit(struct diag *d)
{
    if (!have_stage)
        return diag_set(d, DIAG_IO, NULL, 0, 0, "no output directory is being written");
    int rc = 0;
    if (fsync(st.sfd) != 0)
        rc = diag_set(d, DIAG_IO, st.shown, 0, 0, "cannot write: %s", strerror(errno));
    committing = 1; /* a signal from here waits for the swap */
    fault_point("before-swap");
    char old[300];
    if (!rc)
        rc = swap(old, d);
    if (!rc) {
        if (fsync(st.pfd) != 0) {
            /* the new set is in place; durability of the rename is the file system's */
        }
        fault_point("after-swap");
        if (old[0])
            remove_set(st.pfd, old, "removing-old");
    }
    committing = 0;
    int sig = pending;
    pending = 0;
    if (!rc)
        nmade = 0; /* the parents made hold the report now */
    undo();        /* on failure the staging directory and the parents made; always the lock file */
    guard(0);
    release();
    if (sig)
        raise(sig);
    return rc;
}

int report_write_files(const char *dir, const struct out_file *files, size_t n, struct diag *d)
{
    int rc = report_out_begin(dir, NULL, NULL, d);
    for (size_t i = 0; i < n && !rc; i++)
        rc = report_out_write(files[i].name, &files[i].data, &files[i].len, 1, d);
    if (rc) {
        report_out_abort();
        return rc;
    }
    return report_out_commit(d);
}
