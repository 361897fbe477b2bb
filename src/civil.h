/* civil: calendar dates as days since 1970-01-01, without time zones. */
#ifndef SENTIA_CIVIL_H
#define SENTIA_CIVIL_H

#include <stdint.h>

/* The day number of year-month-day in the proleptic Gregorian calendar
 * (1970-01-01 is 0). The caller checks that the date exists. */
int32_t civil_days(int year, unsigned month, unsigned day);
/* The year, month and day of a day number. */
void civil_from_days(int32_t days, int *year, unsigned *month, unsigned *day);
/* The number of days in a month of a year. */
unsigned civil_month_length(int year, unsigned month);
/* The ISO weekday of a day number: 1 is Monday, 7 is Sunday. */
unsigned civil_weekday(int32_t days);
/* Writes the day as "YYYY-MM-DD" and a NUL into out (years 0..9999). */
void civil_format(int32_t days, char out[11]);
/* Today's day number in UTC. */
int32_t civil_today(void);

#endif
