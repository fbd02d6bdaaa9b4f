/* suppress.c: complementary small-cell suppression (README "Definitions"). Counts that add up
 * to a shown total (the flow's sums, strata values, reasons) are cells of a group: a hidden
 * cell could be worked back from the total and the others unless at least two cells are hidden
 * and together they make N or more. */
#include <string.h>

#include "model_int.h"

int model_suppress_group(const long *v, int *hid, size_t n, int total_shown, int below)
{
    int added = 0;
    for (;;) {
        long hsum = 0;
        int nh = 0;
        for (size_t i = 0; i < n; i++)
            if (hid[i]) {
                nh++;
                hsum += v[i];
            }
        if (nh == 0 || !total_shown || (nh >= 2 && hsum >= below))
            return added;
        size_t pick = n;
        for (size_t i = 0; i < n; i++)
            if (!hid[i] && v[i] > 0 && (pick == n || v[i] < v[pick]))
                pick = i;
        if (pick == n)
            return -1; /* nothing left to hide: the total must go */
        hid[pick] = 1;
        added = 1;
    }
}

void model_flow_suppression(const struct ingest_result *in, const struct analysis *a, int below,
                            long *v, int *hid)
{
    v[F_ROWS_READ] = in->rows_read;
    v[F_ACCEPTED] = in->rows_accepted;
    v[F_REJECTED] = in->rows_rejected;
    v[F_DUPLICATE] = in->rows_duplicate;
    v[F_EPISODES] = (long)a->nepisodes;
    v[F_COHORT] = a->cohort_episodes;
    v[F_OUTSIDE] = (long)a->nepisodes - a->cohort_episodes;
    v[F_NO_BASELINE] = a->excluded_no_baseline;
    v[F_BELOW_MIN] = a->excluded_below_min;
    v[F_EXCLUDED] = a->excluded_no_baseline + a->excluded_below_min;
    v[F_ELIGIBLE] = a->eligible;
    v[F_WITH_FOLLOWUP] = a->with_followup;
    v[F_NO_FOLLOWUP] = a->eligible - a->with_followup;
    v[F_MATURE] = a->mature;
    v[F_IMMATURE] = a->eligible - a->mature;
    v[F_WITH_ENDPOINT] = a->with_endpoint;
    v[F_NO_ENDPOINT] = a->mature - a->with_endpoint;
    v[F_RESPONDERS] = a->response.events;
    v[F_NONRESP] = a->mature - a->response.events;
    v[F_REMITTERS] = a->remission.events;
    v[F_NONREM] = a->mature - a->remission.events;
    v[F_RESP_OBS_NON] = a->with_endpoint - a->response_observed.events;
    v[F_REM_OBS_NON] = a->with_endpoint - a->remission_observed.events;
    static const int sums[][4] = {
        {F_ROWS_READ, F_ACCEPTED, F_REJECTED, F_DUPLICATE},
        {F_EPISODES, F_COHORT, F_OUTSIDE, -1},
        {F_COHORT, F_EXCLUDED, F_ELIGIBLE, -1},
        {F_EXCLUDED, F_NO_BASELINE, F_BELOW_MIN, -1},
        {F_ELIGIBLE, F_MATURE, F_IMMATURE, -1},
        {F_ELIGIBLE, F_WITH_FOLLOWUP, F_NO_FOLLOWUP, -1},
        {F_MATURE, F_WITH_ENDPOINT, F_NO_ENDPOINT, -1},
        {F_MATURE, F_RESPONDERS, F_NONRESP, -1},
        {F_MATURE, F_REMITTERS, F_NONREM, -1},
        {F_WITH_ENDPOINT, F_RESPONDERS, F_RESP_OBS_NON, -1},
        {F_WITH_ENDPOINT, F_REMITTERS, F_REM_OBS_NON, -1},
    };
    for (int k = 0; k < F_COUNT; k++)
        hid[k] = below > 1 && v[k] >= 1 && v[k] < below;
    if (below <= 1)
        return;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t s = 0; s < sizeof sums / sizeof *sums; s++) {
            long pv[3];
            int ph[3];
            size_t np = 0;
            for (int t = 1; t < 4 && sums[s][t] >= 0; t++, np++) {
                pv[np] = v[sums[s][t]];
                ph[np] = hid[sums[s][t]];
            }
            int total = sums[s][0];
            int r = model_suppress_group(pv, ph, np, !hid[total], below);
            if (r < 0) {
                hid[total] = 1;
                changed = 1;
            }
            for (size_t k = 0; k < np; k++)
                if (ph[k] && !hid[sums[s][k + 1]]) {
                    hid[sums[s][k + 1]] = 1;
                    changed = 1;
                }
            /* a hidden total with every part shown is their sum: hide the smallest part */
            if (hid[total]) {
                int all_shown = 1;
                for (size_t k = 0; k < np; k++)
                    all_shown &= !hid[sums[s][k + 1]];
                if (all_shown && np) {
                    size_t pick = 0;
                    for (size_t k = 1; k < np; k++)
                        if (pv[k] < pv[pick])
                            pick = k;
                    hid[sums[s][pick + 1]] = 1;
                    changed = 1;
                }
            }
        }
    }
}

static int small(long v, int below)
{
    return below > 1 && v >= 1 && v < below;
}

void model_strata_suppression(const struct analysis *a, int var, int below, int *hid_response,
                              int *hid_remission, int *hid_km)
{
    const struct stratum *st = &a->strata[var];
    size_t n = st->nvalues;
    long cells[3][256];
    int hid[3][256];
    for (size_t k = 0; k < n; k++)
        hid_response[k] = hid_remission[k] = hid_km[k] = 0;
    if (below <= 1 || n == 0 || n > 256)
        return;
    /* n, responders, remitters of each value; then the time-to-response n */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < n; k++) {
            const struct stratum_value *sv = &st->values[k];
            if (pass == 0) {
                cells[0][k] = sv->response.n;
                cells[1][k] = sv->response.events;
                cells[2][k] = sv->remission.events;
                hid[0][k] = small(sv->response.n, below);
                hid[1][k] = small(sv->response.events, below) ||
                            small(sv->response.n - sv->response.events, below);
                hid[2][k] = small(sv->remission.events, below) ||
                            small(sv->remission.n - sv->remission.events, below);
            } else {
                cells[0][k] = sv->km_n;
                hid[0][k] = small(sv->km_n, below) || small(sv->km_events, below);
            }
        }
        for (int g = 0; g < (pass == 0 ? 3 : 1); g++)
            model_suppress_group(cells[g], hid[g], n, 1, below);
        for (size_t k = 0; k < n; k++) {
            if (pass == 0) {
                hid_response[k] = hid[0][k] || hid[1][k];
                hid_remission[k] = hid[0][k] || hid[2][k];
            } else {
                hid_km[k] = hid[0][k];
            }
        }
    }
}
