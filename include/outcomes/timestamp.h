/* timestamp.h: the date of a date-time as exports write it (SPEC section 16), for the CSV
 * reader's session_date and for any other reader of dates (FHIR effectiveDateTime).
 *
 * Accepted, ISO style: YYYY-MM-DD, then optionally `T` or a space, HH:MM, optional :SS and a
 * fraction (.digits), optional `Z` or ±HH:MM. US style: M/D/YYYY, then optionally a space, H:MM,
 * optional :SS, optional ` AM`/` PM` (any case). The day is the calendar date as written; a zone
 * suffix is checked and otherwise ignored, unless a time zone is given: then a stamp with a zone
 * becomes the local date in that zone (one without a zone stays as written). */
#ifndef OUTCOMES_TIMESTAMP_H
#define OUTCOMES_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

/* Parses s[0..n) (need not be NUL-terminated; no surrounding blanks) in the ISO style, or the US
 * one when us_style is 1. tz is NULL (dates as written) or the IANA zone name that
 * ingest_timezone_use() made the process's zone. Returns 0 and sets *day (days since
 * 1970-01-01, as date.h) on success; -1 otherwise, with *why a static sentence (no value in it)
 * saying what is wrong, e.g. "impossible time: the hour must be 00-23". Thread-safe. */
int ingest_timestamp_parse(const char *s, size_t n, int us_style, const char *tz, int32_t *day,
                           const char **why);

/* Makes tz (an IANA name such as "America/Chicago", found in the system's tz database) the
 * process's time zone for ingest_timestamp_parse. Call once, before any thread starts: it sets
 * the TZ environment variable. Returns 0, or -1 with *why a static sentence when the name is not
 * a zone of the tz database (glibc would silently take an unknown name for UTC). */
int ingest_timezone_use(const char *tz, const char **why);

#endif
