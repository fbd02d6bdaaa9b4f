/* sigguard.c: install, restore and re-raise for clean-up signal handlers (sigguard.h). Only
 * async-signal-safe calls (sigaction, raise) are made from sig_guard_reraise. */
#include "outcomes/sigguard.h"

#include <string.h>

void sig_guard_install(const int *sigs, size_t n, struct sigaction *saved, void (*handler)(int))
{
    for (size_t i = 0; i < n; i++) {
        if (sigaction(sigs[i], NULL, &saved[i]) != 0) {
            memset(&saved[i], 0, sizeof saved[i]);
            saved[i].sa_handler = SIG_DFL;
        }
        if (saved[i].sa_handler == SIG_IGN)
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = handler;
        sigemptyset(&sa.sa_mask);
        for (size_t k = 0; k < n; k++)
            sigaddset(&sa.sa_mask, sigs[k]);
        sigaction(sigs[i], &sa, NULL);
    }
}

void sig_guard_restore(const int *sigs, size_t n, const struct sigaction *saved)
{
    for (size_t i = 0; i < n; i++)
        sigaction(sigs[i], &saved[i], NULL);
}

void sig_guard_reraise(int sig, const int *sigs, size_t n, const struct sigaction *saved)
{
    for (size_t i = 0; i < n; i++)
        if (sigs[i] == sig)
            sigaction(sig, &saved[i], NULL);
    raise(sig);
}
