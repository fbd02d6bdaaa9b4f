/* sigguard.h: clean-up handlers for fatal signals that keep what the caller had. A command that
 * holds a temporary (a staging directory, verify's rerun, sample's file) installs its handler
 * for a few signals; a signal ignored when it started (SIGHUP under nohup, SIGINT in a script's
 * background job) stays ignored, and the handler, after cleaning up, puts back what was there
 * and raises the signal again, so the caller's own handler or the default action follows. */
#ifndef OUTCOMES_SIGGUARD_H
#define OUTCOMES_SIGGUARD_H

#include <signal.h>
#include <stddef.h>

/* Saves the disposition of each of sigs[0..n) into saved[] and, for those not ignored, installs
 * handler with all of sigs blocked while it runs (one clean-up at a time). */
void sig_guard_install(const int *sigs, size_t n, struct sigaction *saved, void (*handler)(int));

/* Puts back every disposition that sig_guard_install saved. */
void sig_guard_restore(const int *sigs, size_t n, const struct sigaction *saved);

/* From a handler, after its clean-up: puts back sig's saved disposition and raises sig again. */
void sig_guard_reraise(int sig, const int *sigs, size_t n, const struct sigaction *saved);

#endif
