/* timestamp.c: date-times in session_date (SPEC section 16). Hand-written like date.c's parsers
 * (no sscanf/strptime: strptime depends on the locale and accepts more than the contract). The
 * CSV reader calls it only when a value is not a plain date, so plain dates cost nothing more.
 * The zone conversion uses localtime_r over the process's TZ, set once by ingest_timezone_use
 * before threads start: glibc's localtime_r reads the zone under its own lock and does not
 * re-read TZ, so concurrent readers are safe. It does not parse POSIX TZ rules itself. */
#include "outcomes/timestamp.h"

#include "outcomes/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char ISO_DATE[] = "expected a real calendar date YYYY-MM-DD (1900-2199)";
static const char US_DATE[] = "expected a real calendar date MM/DD/YYYY (1900-2199)";
static const char ISO_TIME[] =
    "expected a date YYYY-MM-DD or a date-time: T or a space, HH:MM, optional :SS and fraction, "
    "optional Z or +HH:MM/-HH:MM";
static const char US_TIME[] =
    "expected a date M/D/YYYY or a date-time: a space, H:MM, optional :SS, optional AM or PM";
static const char BAD_HOUR[] = "impossible time: the hour must be 00-23";
static const char BAD_HOUR12[] = "impossible time: the hour must be 1-12 with AM or PM";
static const char BAD_MINUTE[] = "impossible time: the minute must be 00-59";
static const char BAD_SECOND[] = "impossible time: the second must be 00-60";
static const char BAD_ZONE[] = "impossible zone offset: expected Z or +HH:MM/-HH:MM up to 23:59";
static const char BAD_LOCAL[] = "the date in the --timezone zone is outside 1900-2199";

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly k digits at s[*i] (k <= 4); -1 when not there. */
static int digits(const char *s, size_t n, size_t *i, int k)
{
    if (*i + (size_t)k > n)
        return -1;
    int v = 0;
    for (int j = 0; j < k; j++) {
        char c = s[*i + (size_t)j];
        if (!is_digit(c))
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)k;
    return v;
}

/* One or two digits at s[*i]; -1 when none. */
static int digits12(const char *s, size_t n, size_t *i)
{
    int v = digits(s, n, i, 1);
    if (v < 0)
        return -1;
    if (*i < n && is_digit(s[*i]))
        v = v * 10 + (s[(*i)++] - '0');
    return v;
}

static int lower(char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The local date in the process's zone of `day` at `secs` seconds after midnight, UTC. */
static int local_day(int32_t day, long secs, int32_t *out, const char **why)
{
    time_t t = (time_t)day * 86400 + (time_t)secs;
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        *why = BAD_LOCAL;
        return -1;
    }
    const int y = tm.tm_year + 1900;
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR) {
        *why = BAD_LOCAL;
        return -1;
    }
    *out = date_from_ymd(y, tm.tm_mon + 1, tm.tm_mday);
    return 0;
}

static int parse_iso(const char *s, size_t n, const char *tz, int32_t *day, const char **why)
{
    int32_t d;
    if (n < 10 || date_parse_iso(s, 10, &d) != 0) {
        *why = ISO_DATE;
        return -1;
    }
    if (n == 10) {
        *day = d;
        return 0;
    }
    size_t i = 10;
    *why = ISO_TIME;
    if (s[i] != 'T' && s[i] != ' ')
        return -1;
    i++;
    const int hh = digits(s, n, &i, 2);
    if (hh < 0 || i >= n || s[i++] != ':')
        return -1;
    const int mm = digits(s, n, &i, 2);
    if (mm < 0)
        return -1;
    int ss = 0;
    if (i < n && s[i] == ':') {
        i++;
        if ((ss = digits(s, n, &i, 2)) < 0)
            return -1;
        if (i < n && s[i] == '.') {
            i++;
            if (i >= n || !is_digit(s[i]))
                return -1;
            while (i < n && is_digit(s[i]))
                i++;
        }
    }
    int zoned = 0;
    long offset = 0; /* seconds east of UTC */
    if (i < n && s[i] == 'Z') {
        zoned = 1;
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        const int sign = s[i++] == '-' ? -1 : 1;
        const int oh = digits(s, n, &i, 2);
        if (oh < 0 || i >= n || s[i++] != ':')
            return -1;
        const int om = digits(s, n, &i, 2);
        if (om < 0)
            return -1;
        if (oh > 23 || om > 59) {
            *why = BAD_ZONE;
            return -1;
        }
        zoned = 1;
        offset = sign * (oh * 3600L + om * 60L);
    }
    if (i != n)
        return -1;
    if (hh > 23) {
        *why = BAD_HOUR;
        return -1;
    }
    if (mm > 59) {
        *why = BAD_MINUTE;
        return -1;
    }
    if (ss > 60) {
        *why = BAD_SECOND;
        return -1;
    }
    if (zoned && tz) {
        /* a leap second (:60) is the last second of its minute for the conversion */
        const long secs = hh * 3600L + mm * 60L + (ss == 60 ? 59 : ss) - offset;
        return local_day(d, secs, day, why);
    }
    *day = d;
    return 0;
}

static int parse_us(const char *s, size_t n, int32_t *day, const char **why)
{
    size_t i = 0;
    *why = US_DATE;
    const int m = digits12(s, n, &i);
    if (m < 0 || i >= n || s[i++] != '/')
        return -1;
    const int d = digits12(s, n, &i);
    if (d < 0 || i >= n || s[i++] != '/')
        return -1;
    const int y = digits(s, n, &i, 4);
    if (y < 0 || (i < n && s[i] != ' '))
        return -1;
    if (m < 1 || m > 12 || d < 1 || y < DATE_MIN_YEAR || y > DATE_MAX_YEAR ||
        d > date_days_in_month(y, m))
        return -1;
    if (i < n) {
        *why = US_TIME;
        i++; /* the space */
        const int hh = digits12(s, n, &i);
        if (hh < 0 || i >= n || s[i++] != ':')
            return -1;
        const int mm = digits(s, n, &i, 2);
        if (mm < 0)
            return -1;
        int ss = 0;
        if (i < n && s[i] == ':' && (ss = (i++, digits(s, n, &i, 2))) < 0)
            return -1;
        int half = 0; /* 1 AM, 2 PM */
        if (i < n) {
            if (n - i != 3 || s[i] != ' ' || lower(s[i + 2]) != 'm')
                return -1;
            if (lower(s[i + 1]) == 'a')
                half = 1;
            else if (lower(s[i + 1]) == 'p')
                half = 2;
            else
                return -1;
        }
        if (half ? hh < 1 || hh > 12 : hh > 23) {
            *why = half ? BAD_HOUR12 : BAD_HOUR;
            return -1;
        }
        if (mm > 59) {
            *why = BAD_MINUTE;
            return -1;
        }
        if (ss > 60) {
            *why = BAD_SECOND;
            return -1;
        }
    }
    *day = date_from_ymd(y, m, d);
    return 0;
}

int ingest_timestamp_parse(const char *s, size_t n, int us_style, const char *tz, int32_t *day,
                           const char **why)
{
    const char *unused;
    if (!why)
        why = &unused;
    return us_style ? parse_us(s, n, day, why) : parse_iso(s, n, tz, day, why);
}

int ingest_timezone_use(const char *tz, const char **why)
{
    static const char BAD_NAME[] =
        "not a time zone of the tz database (an IANA name such as America/Chicago or UTC)";
    const size_t n = strlen(tz);
    int ok = n > 0 && n < 256 && tz[0] != '/' && tz[0] != '.';
    for (size_t i = 0; ok && i < n; i++) {
        const char c = tz[i];
        ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '/' ||
             c == '_' || c == '+' || c == '-' || (c == '.' && tz[i - 1] != '.' && tz[i - 1] != '/');
    }
    if (!ok) {
        *why = BAD_NAME;
        return -1;
    }
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    const size_t len = strlen(dir) + 1 + n + 1;
    char *path = malloc(len);
    if (!path) {
        *why = "out of memory";
        return -1;
    }
    snprintf(path, len, "%s/%s", dir, tz);
    FILE *f = fopen(path, "rb");
    free(path);
    char magic[4] = {0};
    const size_t got = f ? fread(magic, 1, 4, f) : 0;
    if (f)
        fclose(f);
    if (got != 4 || memcmp(magic, "TZif", 4) != 0) {
        *why = BAD_NAME;
        return -1;
    }
    if (setenv("TZ", tz, 1) != 0) {
        *why = "out of memory";
        return -1;
    }
    tzset();
    return 0;
}
