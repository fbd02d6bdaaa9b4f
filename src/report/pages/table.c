/* table.c: the page table of report.pdf, the pages in the report's order (SPEC section 6).
 * pdf.c draws these one after the other; the footer's "page n of N" and the tests' page count
 * and titles (tests/tools/page_titles.c) come from here. A new page is one line below. */
#include "pages.h"

const struct page_info *const report_page_table[] = {
    &page_summary,          /* how the clinic did: sentences, tiles, earlier periods, benchmarks */
    &page_flow,             /* the flow from export rows to outcomes */
    &page_time,             /* Kaplan-Meier: time and sessions to response and remission */
    &page_trajectory,       /* mean score by session and by week */
    &page_waterfall,        /* change at the endpoint (a histogram under suppression) */
    &page_monthly,          /* p-charts by index month */
    &page_forest,           /* rates by stratum */
    &page_strata_km,        /* time to response by stratum, with log-rank tests */
    &page_funnel_clinician, /* fair comparison: clinicians' funnels (SPEC 11) */
    &page_funnel_site,      /* fair comparison: sites' funnels */
    &page_durability,       /* loss of response, induction completion, maintenance (SPEC 12) */
    &page_safety,           /* vital signs, blood pressure, hold level, monitoring time */
    &page_safety_review,    /* item 9, the review list, adverse events, dissociation */
    &page_quality,          /* the rows' accounting, rejects, conflicts, missing values */
    &page_definitions,
    NULL,
};

size_t report_page_count(void)
{
    size_t n = 0;
    while (report_page_table[n])
        n++;
    return n;
}

const char *report_page_title(size_t i)
{
    return i < report_page_count() ? report_page_table[i]->title : NULL;
}

const struct page_count report_page_counts[] = {
    {&page_forest, forest_page_count},
    {&page_definitions, definitions_page_count},
    {NULL, NULL},
};

int report_page_pages(const struct page_info *p, const struct doc *d)
{
    for (size_t k = 0; report_page_counts[k].page; k++)
        if (report_page_counts[k].page == p)
            return report_page_counts[k].count(d);
    return 1;
}
