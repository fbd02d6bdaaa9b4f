/* suppress.c: complementary small-cell suppression of the flow (README "Definitions"). The flow
 * is a set of sums (rows read = accepted + rejected + duplicate, ...); a hidden count could be
 * worked back from the others of its sum unless a second term is hidden too. */
#include <string.h>

#include "model_int.h"

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
            int nhid = 0, pick = -1;
            for (int t = 0; t < 4 && sums[s][t] >= 0; t++)
                nhid += hid[sums[s][t]];
            if (nhid != 1)
                continue;
            for (int t = 1; t < 4 && sums[s][t] >= 0; t++) {
                int k = sums[s][t];
                if (!hid[k] && v[k] > 0 && (pick < 0 || v[k] < v[pick]))
                    pick = k;
            }
            if (pick < 0)
                pick = sums[s][0];
            if (!hid[pick]) {
                hid[pick] = 1;
                changed = 1;
            }
        }
    }
}
