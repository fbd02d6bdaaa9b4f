/* durability.h: the Durability page's drawing (pages/durability.c), between the page's header
 * and footer that pdf.c draws. */
#ifndef OUTCOMES_REPORT_PAGES_DURABILITY_H
#define OUTCOMES_REPORT_PAGES_DURABILITY_H

#include <cairo.h>

#include "outcomes/model.h"
#include "outcomes/render.h"

void report_page_durability(cairo_t *cr, const struct fonts *f, const struct analysis *a,
                            double page_w, double page_h);

#endif
