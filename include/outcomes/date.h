/* date.h: calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian).
 * Day numbers make "days between" a subtraction and fit in an int32 column. */
#ifndef OUTCOMES_DATE_H
#define OUTCOMES_DATE_H

#include <stddef.h>
#include <stdint.h>

#define DATE_MIN_YEAR 1900 /* earliest year accepted in an export */
#define DATE_MAX_YEAR 2199 /* latest year accepted in an export */

/* Day number of y-m-d; the caller guarantees the date is valid. */
int32_t date_from_ymd(int y, int m, int d);
/* Inverse of date_from_ymd. */
void date_to_ymd(int32_t day, int *y, int *m, int *d);
/* Days in month m of year y (m 1-12). */
int date_days_in_month(int y, int m);

/* Parses exactly "YYYY-MM-DD" (s need not be NUL-terminated). Returns 0 and sets *day on a real
 * calendar date with DATE_MIN_YEAR <= year <= DATE_MAX_YEAR, -1 otherwise. */
int date_parse_iso(const char *s, size_t n, int32_t *day);
/* Parses US "MM/DD/YYYY" (month and day may have one digit). Same contract. */
int date_parse_us(const char *s, size_t n, int32_t *day);
/* Parses "YYYY-MM" into year and month; 0 on success. */
int date_parse_month(const char *s, int *y, int *m);

/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
void date_format(int32_t day, char *buf);
/* Month index (year*12 + month-1) of a day number. */
int date_month_index(int32_t day);

#endif
