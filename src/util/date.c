/* date.c: civil-date arithmetic (Howard Hinnant's days_from_civil algorithm, public domain
 * description) and hand-written parsers for the two accepted date styles. The parsers are on the
 * ingest hot path, hence no sscanf/strptime. They do not accept times, time zones or 2-digit years. */
#include "outcomes/date.h"

#include <stdio.h>

int32_t date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(int32_t day, int *y, int *m, int *d)
{
    int z = (int)day + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

int date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int check_ymd(int y, int m, int d, int32_t *day)
{
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
        d > date_days_in_month(y, m))
        return -1;
    *day = date_from_ymd(y, m, d);
    return 0;
}

int date_parse_iso(const char *s, size_t n, int32_t *day)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !is_digit(s[i]))
            return -1;
    const int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    const int m = (s[5] - '0') * 10 + (s[6] - '0');
    const int d = (s[8] - '0') * 10 + (s[9] - '0');
    return check_ymd(y, m, d, day);
}

/* Reads 1-max digits at s[*i], stopping at end or a non-digit. */
static int read_digits(const char *s, size_t n, size_t *i, int max, int *out)
{
    int v = 0, k = 0;
    while (*i < n && is_digit(s[*i]) && k < max) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    *out = v;
    return k;
}

int date_parse_us(const char *s, size_t n, int32_t *day)
{
    size_t i = 0;
    int m, d, y;
    if (read_digits(s, n, &i, 2, &m) < 1 || i >= n || s[i++] != '/')
        return -1;
    if (read_digits(s, n, &i, 2, &d) < 1 || i >= n || s[i++] != '/')
        return -1;
    if (read_digits(s, n, &i, 4, &y) != 4 || i != n)
        return -1;
    return check_ymd(y, m, d, day);
}

int date_parse_month(const char *s, int *y, int *m)
{
    int32_t day;
    char buf[11];
    size_t n = 0;
    while (s[n] && n < 8)
        n++;
    if (n != 7 || s[7] != '\0')
        return -1;
    snprintf(buf, sizeof buf, "%.7s-01", s);
    if (date_parse_iso(buf, 10, &day) != 0)
        return -1;
    int d;
    date_to_ymd(day, y, m, &d);
    return 0;
}

void date_format(int32_t day, char *buf)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    const int v[3] = {y, m, d};
    const int width[3] = {4, 2, 2};
    int o = 0;
    for (int k = 0; k < 3; k++) {
        for (int w = width[k] - 1, x = v[k]; w >= 0; w--, x /= 10)
            buf[o + w] = (char)('0' + x % 10);
        o += width[k];
        if (k < 2)
            buf[o++] = '-';
    }
    buf[o] = '\0';
}

int date_month_index(int32_t day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    return y * 12 + m - 1;
}
