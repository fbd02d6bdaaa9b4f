/* funnel.c: funnel plot limits and flags (SPEC section 11; Spiegelhalter, "Funnel plots for
 * comparing institutional performance", Stat Med 2005): the normal approximation to the
 * binomial around the centre p, p +- z sqrt(p (1 - p) / n), clipped to [0, 1] for drawing and
 * output. A unit is flagged when its rate lies strictly beyond a limit before clipping (a rate
 * on a limit is inside, as the p-chart's months are; an adjusted rate above 1 is not beyond a
 * limit that clipping moved to 1). Nothing here knows what a unit is; the model's clinicians and
 * sites, and the safety page's completeness by clinician, use the same functions. */
#include <math.h>

#include "outcomes/stats.h"

const char *stats_funnel_flag_name(int flag)
{
    static const char *const names[] = {"inside", "above_95", "above_99.8", "below_95",
                                        "below_99.8"};
    return flag >= 0 && flag <= FUNNEL_BELOW_998 ? names[flag] : "";
}

static double clip(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

struct funnel_limits stats_funnel_limits(double centre, double n)
{
    struct funnel_limits l = {NAN, NAN, NAN, NAN};
    if (!(n > 0) || !(centre >= 0 && centre <= 1))
        return l;
    double se = sqrt(centre * (1 - centre) / n);
    l.lo95 = clip(centre - FUNNEL_Z95 * se);
    l.hi95 = clip(centre + FUNNEL_Z95 * se);
    l.lo998 = clip(centre - FUNNEL_Z998 * se);
    l.hi998 = clip(centre + FUNNEL_Z998 * se);
    return l;
}

int stats_funnel_flag(double centre, double n, double rate)
{
    if (isnan(rate) || !(n > 0) || !(centre >= 0 && centre <= 1))
        return FUNNEL_INSIDE;
    /* against the limits before clipping: an indirectly standardised rate can pass 1 (all of a
     * unit's few episodes responded where fewer were expected), and a limit clipped to 1 would
     * flag a single responder as beyond 99.8 % */
    double se = sqrt(centre * (1 - centre) / n);
    struct funnel_limits l = {centre - FUNNEL_Z95 * se, centre + FUNNEL_Z95 * se,
                              centre - FUNNEL_Z998 * se, centre + FUNNEL_Z998 * se};
    if (rate > l.hi998)
        return FUNNEL_ABOVE_998;
    if (rate > l.hi95)
        return FUNNEL_ABOVE_95;
    if (rate < l.lo998)
        return FUNNEL_BELOW_998;
    if (rate < l.lo95)
        return FUNNEL_BELOW_95;
    return FUNNEL_INSIDE;
}

void stats_funnel_classify(double centre, struct funnel_unit *u, size_t nunits)
{
    for (size_t k = 0; k < nunits; k++) {
        u[k].lim = stats_funnel_limits(centre, u[k].n);
        u[k].flag = stats_funnel_flag(centre, u[k].n, u[k].rate);
    }
}

double stats_funnel_unadjusted(struct funnel_unit *u, size_t nunits)
{
    double sx = 0, sn = 0;
    for (size_t k = 0; k < nunits; k++) {
        sx += u[k].x;
        sn += u[k].n;
        u[k].rate = u[k].n > 0 ? u[k].x / u[k].n : NAN;
    }
    double centre = sn > 0 ? sx / sn : NAN;
    stats_funnel_classify(centre, u, nunits);
    return centre;
}
