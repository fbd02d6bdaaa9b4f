/* page_titles.c: prints report.pdf's page headings from the page table (src/report/pages/
 * table.c), one per line in the report's order, for the shell tests: their page count and
 * titles come from the table, never from a number written in a test. The summary page's
 * heading is the report's --title: TITLE, when given, is printed in its place (else an empty
 * line). */
#include <stdio.h>

#include "outcomes/report.h"

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: page_titles [TITLE]\n");
        return 2;
    }
    for (size_t i = 0; i < report_page_count(); i++) {
        const char *t = report_page_title(i);
        printf("%s\n", t ? t : argc == 2 ? argv[1] : "");
    }
    return 0;
}
