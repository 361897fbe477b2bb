/* value: strict parsers for the fields of imported data, each saying why
 * it refuses a field. */
#ifndef SENTIA_VALUE_H
#define SENTIA_VALUE_H

#include <stddef.h>
#include <stdint.h>

/* Reasons a field is refused; value_reason() gives the text. Every
 * parser (all but value_utf8) refuses an empty field with VALUE_EMPTY,
 * so the caller alone decides which columns may be left empty. */
enum value_status {
	VALUE_OK = 0,
	VALUE_EMPTY,      /* the field is empty */
	VALUE_SYNTAX,     /* not a plain number */
	VALUE_RANGE,      /* a number or year outside the allowed range */
	VALUE_SCALE,      /* more decimal places than VALUE_DECIMAL_PLACES */
	VALUE_DATE,       /* not YYYY-MM-DD, or no such day */
	VALUE_UTF8,       /* malformed UTF-8 */
	VALUE_CONTROL,    /* a control character in text */
	VALUE_TOO_LONG,   /* more characters than allowed */
	VALUE_CURRENCY,   /* not an active ISO 4217 code */
	VALUE__MAX
};

/* Decimals are held as integers scaled by 10^VALUE_DECIMAL_PLACES. */
#define VALUE_DECIMAL_PLACES 4
#define VALUE_DECIMAL_UNIT 10000

/* The years value_date accepts; others are VALUE_RANGE. */
#define VALUE_DATE_MIN_YEAR 1900
#define VALUE_DATE_MAX_YEAR 2999

/* The reason as words fit for an error message ("not valid UTF-8"). */
const char *value_reason(enum value_status st);

/* Whether the len bytes at s are all ASCII (1) or not (0); a fast path
 * for callers that can skip UTF-8 work on plain text. */
int value_is_ascii(const char *s, size_t len);
/* Checks that s is well-formed UTF-8: no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequence. The empty string is
 * well-formed, so this returns VALUE_OK or VALUE_UTF8 only. */
enum value_status value_utf8(const char *s, size_t len);
/* Checks a text field as stored: not empty, valid UTF-8, without control
 * characters (C0, DEL and C1, so tabs and newlines are refused too), and
 * at most max_chars characters (code points). It does not trim: spaces
 * are kept and count. */
enum value_status value_text(const char *s, size_t len, size_t max_chars);
/* Parses exactly YYYY-MM-DD, a day that exists (2024-02-29 yes, 2025-02-29
 * no), years VALUE_DATE_MIN_YEAR..VALUE_DATE_MAX_YEAR, into days since
 * 1970-01-01 (see civil.h). *days is set only on VALUE_OK. */
enum value_status value_date(const char *s, size_t len, int32_t *days);
/* Parses a whole number: an optional '-', then decimal digits only (no
 * '+', no spaces, no separators; leading zeros are allowed), within
 * [min, max]. Overflow is VALUE_RANGE, never undefined behaviour. *out
 * is set only on VALUE_OK. */
enum value_status value_int(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);
/* Parses a decimal: an optional '-', digits, and optionally '.' followed
 * by 1 to 4 digits ("12.5", "-0.0001", "7"; not ".5", "5.", "1e3" or
 * "1,5"), into *out4 scaled by 10^4 (12.5 gives 125000). More places,
 * even zeros, are VALUE_SCALE; a value outside [min4, max4] or int64_t
 * is VALUE_RANGE. *out4 is set only on VALUE_OK. */
enum value_status value_decimal(const char *s, size_t len, int64_t min4, int64_t max4, int64_t *out4);
/* Writes v4 (scaled by 10^4) as text with exactly 4 places and a NUL:
 * 125000 gives "12.5000", -1 gives "-0.0001". */
void value_decimal_format(int64_t v4, char out[32]);
/* Checks an alphabetic currency code against ISO 4217 List One as
 * published 2026-01-01: upper case only ("usd" is refused), and without
 * XTS (testing) and XXX (no currency), which never price anything.
 * Funds, metals and units of account (CHE, XAU, XDR, ...) are accepted. */
enum value_status value_currency(const char *s, size_t len);

#endif
