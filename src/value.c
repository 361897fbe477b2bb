/* value: strict parsers for the fields of imported data, each saying why
 * it refuses a field. */
#include "ac-config.h"

#include "value.h"

#include "civil.h"

#include <stdlib.h>
#include <string.h>

/* The reasons as words, indexed by enum value_status. */
static const char *const reasons[VALUE__MAX] = {
	[VALUE_OK] = "ok",
	[VALUE_EMPTY] = "empty",
	[VALUE_SYNTAX] = "not a plain number (like 12, -3 or 4.25)",
	[VALUE_RANGE] = "out of range",
	[VALUE_SCALE] = "more than 4 decimal places",
	[VALUE_DATE] = "not a calendar date (YYYY-MM-DD)",
	[VALUE_UTF8] = "not valid UTF-8",
	[VALUE_CONTROL] = "contains a control character",
	[VALUE_TOO_LONG] = "too long",
	[VALUE_CURRENCY] = "not an active ISO 4217 currency code",
};

/* ISO 4217 List One, alphabetic codes, as published 2026-01-01, sorted
 * for bsearch, less XTS (testing) and XXX (no currency). Since the
 * previous edition: BGN (Bulgaria adopted the euro) and ANG (replaced by
 * XCG) left, XAD came; HRK, CUC, SLL and ZWL had left before. */
static const char currencies[][4] = {
	"AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
	"BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
	"CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP",
	"CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
	"GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF",
	"IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR",
	"KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
	"MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN",
	"MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
	"PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD",
	"SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
	"SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX",
	"USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAD",
	"XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD",
	"XPF", "XPT", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG",
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

const char *value_reason(enum value_status st)
{
	if ((unsigned)st >= VALUE__MAX)
		return "unknown problem";
	return reasons[st];
}

int value_is_ascii(const char *s, size_t len)
{
	uint64_t w, acc = 0;
	size_t i = 0;

	/* OR eight bytes at a time together: any high bit means non-ASCII. */
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < len; i++)
		acc |= (unsigned char)s[i];
	return (acc & HIGHS) == 0;
}

/* The length of the well-formed UTF-8 sequence starting at the non-ASCII
 * byte p[0], or 0 when it is malformed. The bounds on the second byte are
 * those of Unicode's table 3-7: they refuse overlong forms (C0, C1, E0 80,
 * F0 80), surrogates (ED A0..ED BF) and code points past U+10FFFF. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF;
	size_t k;

	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		k = 2;
	} else if (c < 0xF0) {
		k = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		k = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < k || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return k;
}

/* Whether any of eight ASCII bytes is a C0 control or DEL: the usual
 * "has a byte less than n" and "has a zero byte" word tricks, exact for
 * the question "any?" when no byte has its high bit set. */
static int has_control8(uint64_t w)
{
	uint64_t below_space = (w - ONES * 0x20) & ~w & HIGHS;
	uint64_t del = w ^ (ONES * 0x7f);

	return (below_space | ((del - ONES) & ~del & HIGHS)) != 0;
}

/* Walks s as UTF-8, counting code points into *nchars; with controls set
 * it also refuses C0 controls, DEL and C1 controls (U+0080..U+009F). The
 * first problem in byte order is the one reported. */
static enum value_status utf8_walk(const char *s, size_t len, int controls, size_t *nchars)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t n = 0, k;
	uint64_t w;

	while (p < end) {
		if (end - p >= 8) {
			memcpy(&w, p, 8);
			if ((w & HIGHS) == 0 && !(controls && has_control8(w))) {
				p += 8;
				n += 8;
				continue;
			}
		}
		if (*p < 0x80) {
			if (controls && (*p < 0x20 || *p == 0x7f))
				return VALUE_CONTROL;
			p++;
			n++;
			continue;
		}
		k = utf8_sequence(p, end);
		if (k == 0)
			return VALUE_UTF8;
		if (controls && p[0] == 0xC2 && p[1] < 0xA0)
			return VALUE_CONTROL;
		p += k;
		n++;
	}
	*nchars = n;
	return VALUE_OK;
}

enum value_status value_utf8(const char *s, size_t len)
{
	size_t n;

	return utf8_walk(s, len, 0, &n);
}

enum value_status value_text(const char *s, size_t len, size_t max_chars)
{
	enum value_status st;
	size_t n;

	if (len == 0)
		return VALUE_EMPTY;
	st = utf8_walk(s, len, 1, &n);
	if (st != VALUE_OK)
		return st;
	return n > max_chars ? VALUE_TOO_LONG : VALUE_OK;
}

/* The number written by the n digits at s, which the caller has checked. */
static unsigned digits(const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum value_status value_date(const char *s, size_t len, int32_t *days)
{
	static const unsigned char digit_at[] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	unsigned y, m, d;

	if (len == 0)
		return VALUE_EMPTY;
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return VALUE_DATE;
	for (size_t i = 0; i < sizeof digit_at; i++)
		if (!is_digit(s[digit_at[i]]))
			return VALUE_DATE;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	/* Whether the day exists comes first: 2500-02-30 is not a date at all,
	 * while 1850-06-01 is one we do not take. */
	if (m < 1 || m > 12 || d < 1 || d > civil_month_length((int)y, m))
		return VALUE_DATE;
	if (y < VALUE_DATE_MIN_YEAR || y > VALUE_DATE_MAX_YEAR)
		return VALUE_RANGE;
	*days = civil_days((int)y, m, d);
	return VALUE_OK;
}

/* Adds a digit to the magnitude *acc unless that would pass limit, in
 * which case it sets *over and leaves *acc alone. */
static void push_digit(uint64_t *acc, unsigned d, uint64_t limit, int *over)
{
	if (*over || *acc > (limit - d) / 10)
		*over = 1;
	else
		*acc = *acc * 10 + d;
}

/* The signed value of magnitude m, which fits because of the limits the
 * callers accumulate against. */
static int64_t apply_sign(uint64_t m, int neg)
{
	if (!neg)
		return (int64_t)m;
	if (m == (uint64_t)INT64_MAX + 1)
		return INT64_MIN;
	return -(int64_t)m;
}

enum value_status value_int(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	const char *p = s, *end = s + len, *first;
	uint64_t acc = 0, limit;
	int neg = 0, over = 0;
	int64_t v;

	if (len == 0)
		return VALUE_EMPTY;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	/* The magnitude of INT64_MIN is one more than INT64_MAX's. */
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	first = p;
	/* Read on past an overflow: a field that is not a number at all should
	 * say so rather than "out of range". */
	for (; p < end && is_digit(*p); p++)
		push_digit(&acc, (unsigned)(*p - '0'), limit, &over);
	if (p == first || p != end)
		return VALUE_SYNTAX;
	if (over)
		return VALUE_RANGE;
	v = apply_sign(acc, neg);
	if (v < min || v > max)
		return VALUE_RANGE;
	*out = v;
	return VALUE_OK;
}

enum value_status value_decimal(const char *s, size_t len, int64_t min4, int64_t max4, int64_t *out4)
{
	const char *p = s, *end = s + len, *first;
	uint64_t acc = 0, limit;
	int neg = 0, over = 0;
	size_t places = 0;
	int64_t v;

	if (len == 0)
		return VALUE_EMPTY;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	/* The scaled value is the digits read as one integer, the fraction
	 * padded to four places: "12.5" is 12 5 000. */
	first = p;
	for (; p < end && is_digit(*p); p++)
		push_digit(&acc, (unsigned)(*p - '0'), limit, &over);
	if (p == first)
		return VALUE_SYNTAX;
	if (p < end) {
		if (*p != '.')
			return VALUE_SYNTAX;
		first = ++p;
		for (; p < end && is_digit(*p); p++, places++)
			if (places < VALUE_DECIMAL_PLACES)
				push_digit(&acc, (unsigned)(*p - '0'), limit, &over);
		if (p == first || p != end)
			return VALUE_SYNTAX;
	}
	if (places > VALUE_DECIMAL_PLACES)
		return VALUE_SCALE;
	for (; places < VALUE_DECIMAL_PLACES; places++)
		push_digit(&acc, 0, limit, &over);
	if (over)
		return VALUE_RANGE;
	v = apply_sign(acc, neg);
	if (v < min4 || v > max4)
		return VALUE_RANGE;
	*out4 = v;
	return VALUE_OK;
}

void value_decimal_format(int64_t v4, char out[32])
{
	/* The magnitude in unsigned arithmetic, where INT64_MIN has one. */
	uint64_t m = v4 < 0 ? (uint64_t)0 - (uint64_t)v4 : (uint64_t)v4;
	uint64_t whole = m / VALUE_DECIMAL_UNIT;
	unsigned frac = (unsigned)(m % VALUE_DECIMAL_UNIT);
	char tmp[32];
	int i = sizeof tmp;
	size_t n;

	for (int k = 0; k < VALUE_DECIMAL_PLACES; k++) {
		tmp[--i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	tmp[--i] = '.';
	do {
		tmp[--i] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole != 0);
	if (v4 < 0)
		tmp[--i] = '-';
	n = sizeof tmp - (size_t)i;
	memcpy(out, tmp + i, n);
	out[n] = '\0';
}

/* Orders a three-letter key against a table row for bsearch. */
static int currency_cmp(const void *key, const void *row)
{
	return memcmp(key, row, 3);
}

enum value_status value_currency(const char *s, size_t len)
{
	if (len == 0)
		return VALUE_EMPTY;
	if (len != 3)
		return VALUE_CURRENCY;
	if (bsearch(s, currencies, sizeof currencies / sizeof currencies[0], sizeof currencies[0],
		    currency_cmp) == NULL)
		return VALUE_CURRENCY;
	return VALUE_OK;
}
