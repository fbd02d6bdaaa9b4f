/* main.c: the `outcomes` entry point. Parses the command word and its options, runs the command
 * and maps errors to exit codes; everything else lives in the core library. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outcomes/stats.h"
#include "outcomes/text.h"

static void print_usage(FILE *f)
{
    fputs("Usage: outcomes COMMAND [options] ...\n"
          "\n"
          "Measure response, remission and time to response in ketamine and esketamine\n"
          "depression care from de-identified session exports.\n"
          "\n"
          "Commands:\n"
          "  report [options] FILE...   analyse and write the report directory\n"
          "  check  [options] FILE...   validate only; list every problem by line\n"
          "  verify DIR                 rerun from DIR/manifest.json and compare\n"
          "  sample [options]           write a synthetic export\n"
          "\n"
          "Example:\n"
          "  outcomes report --period 2026-10 --title \"Lakeside Clinic\" export.csv\n"
          "\n"
          "Run 'outcomes COMMAND --help' for a command's options; 'outcomes --version'.\n",
          f);
    cli_print_help_footer(f);
}

void cli_print_help_footer(FILE *f)
{
    fputs("\nReport problems to " OUTCOMES_BUG_REPORT ".\n", f);
}

/* --version, as GNU tools print it (the GNU Coding Standards, "--version"). */
static void print_version(void)
{
    fputs("outcomes " OUTCOMES_VERSION "\n"
          "Copyright (C) 2026 The outcomes authors.\n"
          "License Apache-2.0: Apache License, Version 2.0\n"
          "<https://www.apache.org/licenses/LICENSE-2.0>.\n"
          "This is free software: you are free to change and redistribute it.\n"
          "There is NO WARRANTY, to the extent permitted by law.\n",
          stdout);
}

/* The exit code after standard output is flushed and closed: a write that failed (a full
 * disk, /dev/full, a closed pipe) is an I/O error (exit 3) with a message, never a silent 0. */
static int finish(int rc)
{
    int failed = ferror(stdout) != 0;
    errno = 0;
    if (fflush(stdout) != 0)
        failed = 1;
    int e = errno;
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    if (!failed)
        return rc;
    fprintf(stderr, "outcomes: write error on standard output%s%s\n", e ? ": " : "",
            e ? strerror(e) : "");
    return EXIT_IO;
}

void cli_print_text(FILE *f, const char *s)
{
    if (text_is_plain(s)) {
        fputs(s, f);
        return;
    }
    size_t room = TEXT_ROOM(strlen(s));
    char *buf = malloc(room);
    if (!buf) {
        fputs("(text not shown: out of memory)", f);
        return;
    }
    fputs(text_escape(buf, room, s), f);
    free(buf);
}

int cli_report_diag(const struct diag *d, const char *command)
{
    char buf[2048];
    diag_format(d, buf, sizeof buf);
    fputs("outcomes: ", stderr);
    cli_print_text(stderr, buf);
    fputc('\n', stderr);
    if (d->code == DIAG_USAGE && command)
        fprintf(stderr, "Try 'outcomes %s --help'.\n", command);
    switch (d->code) {
    case DIAG_USAGE: return EXIT_USAGE;
    case DIAG_DATA: return EXIT_DATA;
    case DIAG_IO: return EXIT_IO;
    default: return EXIT_IO;
    }
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        enum command cmd;
    } cmds[] = {{"report", CMD_REPORT},
                {"check", CMD_CHECK},
                {"verify", CMD_VERIFY},
                {"sample", CMD_SAMPLE}};
    stats_init(); /* GSL reports errors as values from here on, never abort() */
#ifdef __GLIBC__
    /* every block of 128 KiB or more (a column, a buffer) mapped on its own and given back to
     * the system when freed: glibc's default raises that threshold to the size of the first
     * such block freed (up to 32 MiB), after which the columns of a store come from the heap and
     * the memory of those freed in its middle stays with the process (40 MB more at the peak on
     * a 10 M-row export; README "Performance") */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(stdout);
        return finish(EXIT_OK);
    }
    if (strcmp(argv[1], "--version") == 0) {
        print_version();
        return finish(EXIT_OK);
    }
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0)
            continue;
        struct cli_opts o;
        struct diag d;
        diag_clear(&d);
        int rc = cli_opts_parse(&o, cmds[i].cmd, argc - 1, argv + 1, &d);
        if (rc) {
            cli_opts_fini(&o);
            return cli_report_diag(&d, cmds[i].name);
        }
        o.argv = argv;
        o.argc = argc;
        if (o.help || o.version) {
            if (o.help) {
                cli_print_help(cmds[i].cmd);
                cli_print_help_footer(stdout);
            } else {
                print_version();
            }
            cli_opts_fini(&o);
            return finish(EXIT_OK);
        }
        switch (cmds[i].cmd) {
        case CMD_CHECK: rc = cli_check(&o); break;
        case CMD_REPORT: rc = cli_report(&o); break;
        case CMD_VERIFY: rc = cli_verify(&o); break;
        case CMD_SAMPLE: rc = cli_sample(&o); break;
        default:
            diag_set(&d, DIAG_USAGE, NULL, 0, 0, "'%s' is not available yet in this version",
                     cmds[i].name);
            rc = cli_report_diag(&d, NULL);
            break;
        }
        cli_opts_fini(&o);
        return finish(rc);
    }
    fprintf(stderr, "outcomes: unknown command '%s'\nTry 'outcomes --help'.\n", argv[1]);
    return EXIT_USAGE;
}
