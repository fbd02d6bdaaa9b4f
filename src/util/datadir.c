/* datadir.c: see datadir.h. It only builds paths and tests that a regular file is there; it
 * opens nothing, so the caller reads the file through its own checked reader (infile.c). */
#include "outcomes/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef OUTCOMES_INSTALL_DATADIR
#define OUTCOMES_INSTALL_DATADIR "/usr/local/share/outcomes"
#endif

/* A malloc'd "dir/name", or NULL when memory ran out. */
static char *join(const char *dir, const char *sub, const char *name)
{
    size_t n = strlen(dir) + strlen(sub) + strlen(name) + 3;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s/%s", dir, *sub ? "/" : "", sub, name);
    return p;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory the running executable is in, into buf; 0 when it cannot be told. */
static int exe_dir(char *buf, size_t n)
{
    ssize_t len = readlink("/proc/self/exe", buf, n - 1);
    char *slash;
    if (len <= 0 || (size_t)len >= n - 1)
        return 0;
    buf[len] = '\0';
    slash = strrchr(buf, '/');
    if (!slash)
        return 0;
    if (slash == buf)
        slash[1] = '\0';
    else
        *slash = '\0';
    return 1;
}

/* Tries dir/sub/name: 1 with *path set when it is a file; -1 when memory ran out; else 0 and
 * the place appended to the list of places looked. */
static int try_dir(const char *dir, const char *sub, const char *name, char **path, char *looked,
                   size_t n)
{
    char *p = join(dir, sub, name);
    size_t used = strlen(looked);
    if (!p)
        return -1;
    if (is_file(p)) {
        *path = p;
        return 1;
    }
    if (used < n)
        snprintf(looked + used, n - used, "%s%s", used ? ", " : "", p);
    free(p);
    return 0;
}

int datadir_find(const char *name, char **path, struct diag *d)
{
    char looked[768] = "";
    char exe[PATH_MAX];
    const char *env = getenv("OUTCOMES_DATADIR");
    int r;

    *path = NULL;
    if (!name || !*name || strchr(name, '/'))
        return diag_set(d, DIAG_USAGE, "", 0, 0, "data file name '%s' is not a plain file name",
                        name ? name : "");
    if (env && *env) {
        r = try_dir(env, "", name, path, looked, sizeof looked);
        if (r == 0)
            return diag_set(d, DIAG_IO, "", 0, 0,
                            "the data file %s is not in OUTCOMES_DATADIR (looked for %s)", name,
                            looked);
        goto out;
    }
    if (exe_dir(exe, sizeof exe)) {
        r = try_dir(exe, "../share/outcomes", name, path, looked, sizeof looked);
        if (r != 0)
            goto out;
        r = try_dir(exe, "data", name, path, looked, sizeof looked);
        if (r != 0)
            goto out;
    }
    r = try_dir(OUTCOMES_INSTALL_DATADIR, "", name, path, looked, sizeof looked);
    if (r == 0)
        return diag_set(d, DIAG_IO, "", 0, 0,
                        "the data file %s was not found (looked for %s; set OUTCOMES_DATADIR to "
                        "the directory that holds it)",
                        name, looked);
out:
    if (r < 0)
        return diag_set(d, DIAG_IO, "", 0, 0, "out of memory");
    return 0;
}
