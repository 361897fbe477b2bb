/* check_value: the strict field parsers for text, UTF-8, dates, numbers and currencies. */
#include "ac-config.h"

#include "value.h"
#include "suites.h"

#include <stdio.h>
#include <string.h>

/* Until suites.h lists it. */

/* The length of a literal, embedded NULs included. */
#define LIT(s) (s), (sizeof(s) - 1)

/* Checks value_utf8 on a literal. */
#define UTF8(s, want) ck_assert_int_eq(value_utf8(LIT(s)), want)

/* Parses a date, expecting refusal with st and *days left alone. */
static void date_refused(const char *s, enum value_status st)
{
	int32_t days = 12345;

	ck_assert_msg(value_date(s, strlen(s), &days) == st, "\"%s\" should be \"%s\"", s, value_reason(st));
	ck_assert_int_eq(days, 12345);
}

/* Parses a date expected to be day number want. */
static void date_ok(const char *s, int32_t want)
{
	int32_t days = 0;

	ck_assert_msg(value_date(s, strlen(s), &days) == VALUE_OK, "\"%s\" refused", s);
	ck_assert_int_eq(days, want);
}

/* Parses a whole number with the widest bounds. */
static enum value_status int_full(const char *s, int64_t *out)
{
	return value_int(s, strlen(s), INT64_MIN, INT64_MAX, out);
}

/* Parses a decimal with the widest bounds. */
static enum value_status dec_full(const char *s, int64_t *out)
{
	return value_decimal(s, strlen(s), INT64_MIN, INT64_MAX, out);
}

/* Parses a decimal expected to be want (scaled by 10^4). */
static void dec_ok(const char *s, int64_t want)
{
	int64_t v = 0;

	ck_assert_msg(dec_full(s, &v) == VALUE_OK, "\"%s\" refused", s);
	ck_assert_int_eq(v, want);
}

/* Parses a decimal expecting refusal with st and the output left alone. */
static void dec_refused(const char *s, enum value_status st)
{
	int64_t v = 42;

	ck_assert_msg(dec_full(s, &v) == st, "\"%s\" should be \"%s\", got \"%s\"", s, value_reason(st),
		      value_reason(dec_full(s, &v)));
	ck_assert_int_eq(v, 42);
}

/* Formats v4 and compares. */
static void format_is(int64_t v4, const char *want)
{
	char out[32];

	value_decimal_format(v4, out);
	ck_assert_str_eq(out, want);
}

START_TEST(test_reasons)
{
	for (int st = VALUE_OK; st < VALUE__MAX; st++) {
		ck_assert_ptr_nonnull(value_reason((enum value_status)st));
		ck_assert_uint_gt(strlen(value_reason((enum value_status)st)), 1);
	}
	ck_assert_str_eq(value_reason(VALUE_DATE), "not a calendar date (YYYY-MM-DD)");
	ck_assert_str_eq(value_reason(VALUE_SCALE), "more than 4 decimal places");
	ck_assert_str_eq(value_reason(VALUE_UTF8), "not valid UTF-8");
	ck_assert_str_eq(value_reason((enum value_status)99), "unknown problem");
}
END_TEST

START_TEST(test_is_ascii)
{
	char s[40];

	memset(s, 'a', sizeof s);
	for (size_t len = 0; len <= sizeof s; len++) {
		ck_assert_int_eq(value_is_ascii(s, len), 1);
		/* A high byte at every position, inside and past the 8-byte words. */
		for (size_t i = 0; i < len; i++) {
			s[i] = (char)0x80;
			ck_assert_int_eq(value_is_ascii(s, len), 0);
			s[i] = (char)0xff;
			ck_assert_int_eq(value_is_ascii(s, len), 0);
			s[i] = 'a';
		}
	}
	ck_assert_int_eq(value_is_ascii(LIT("\x7f\x01")), 1);
}
END_TEST

START_TEST(test_utf8_valid)
{
	UTF8("", VALUE_OK);
	UTF8("plain ascii", VALUE_OK);
	UTF8("caf\xc3\xa9", VALUE_OK);                    /* é */
	UTF8("\xe2\x82\xac", VALUE_OK);                   /* € */
	UTF8("\xf0\x9f\x98\x80", VALUE_OK);               /* U+1F600, 4 bytes */
	UTF8("\xc2\x80", VALUE_OK);                       /* U+0080, smallest 2-byte */
	UTF8("\xe0\xa0\x80", VALUE_OK);                   /* U+0800, smallest 3-byte */
	UTF8("\xed\x9f\xbf", VALUE_OK);                   /* U+D7FF, just below the surrogates */
	UTF8("\xee\x80\x80", VALUE_OK);                   /* U+E000, just above them */
	UTF8("\xef\xbf\xbf", VALUE_OK);                   /* U+FFFF */
	UTF8("\xf0\x90\x80\x80", VALUE_OK);               /* U+10000, smallest 4-byte */
	UTF8("\xf4\x8f\xbf\xbf", VALUE_OK);               /* U+10FFFF, the last */
	UTF8("\x00", VALUE_OK);                           /* NUL is UTF-8; value_text refuses it */
}
END_TEST

START_TEST(test_utf8_refused)
{
	UTF8("\xc0\x80", VALUE_UTF8);                     /* overlong NUL */
	UTF8("\xc1\xbf", VALUE_UTF8);                     /* overlong U+007F */
	UTF8("\xe0\x80\x80", VALUE_UTF8);                 /* overlong 3-byte */
	UTF8("\xe0\x9f\xbf", VALUE_UTF8);                 /* overlong U+07FF */
	UTF8("\xf0\x80\x80\x80", VALUE_UTF8);             /* overlong 4-byte */
	UTF8("\xf0\x8f\xbf\xbf", VALUE_UTF8);             /* overlong U+FFFF */
	UTF8("\xed\xa0\x80", VALUE_UTF8);                 /* U+D800, a surrogate */
	UTF8("\xed\xbf\xbf", VALUE_UTF8);                 /* U+DFFF */
	UTF8("\xf4\x90\x80\x80", VALUE_UTF8);             /* U+110000 */
	UTF8("\xf5\x80\x80\x80", VALUE_UTF8);
	UTF8("\xff", VALUE_UTF8);
	UTF8("\xfe", VALUE_UTF8);
	UTF8("\x80", VALUE_UTF8);                         /* a lone continuation */
	UTF8("a\xbf" "b", VALUE_UTF8);
	UTF8("\xc3", VALUE_UTF8);                         /* truncated at the end */
	UTF8("\xe2\x82", VALUE_UTF8);
	UTF8("\xf0\x9f\x98", VALUE_UTF8);
	UTF8("\xc3" "a", VALUE_UTF8);                     /* cut short by ASCII */
	UTF8("\xe2\x82" "abcdefgh", VALUE_UTF8);
	UTF8("\xf0\x9f\x98\x80\x80", VALUE_UTF8);         /* one continuation too many */
	UTF8("abcdefghijklmnop\xc3(", VALUE_UTF8);         /* after the 8-byte fast path */
	UTF8("ISO-8859-1 caf\xe9", VALUE_UTF8);
}
END_TEST

START_TEST(test_text)
{
	ck_assert_int_eq(value_text("", 0, 10), VALUE_EMPTY);
	ck_assert_int_eq(value_text(LIT("abc"), 3), VALUE_OK);
	ck_assert_int_eq(value_text(LIT("abcd"), 3), VALUE_TOO_LONG);
	/* Not trimmed: spaces are kept, count, and alone are a value. */
	ck_assert_int_eq(value_text(LIT("   "), 3), VALUE_OK);
	ck_assert_int_eq(value_text(LIT(" ab "), 3), VALUE_TOO_LONG);
	/* Characters, not bytes: "héllo" and an emoji. */
	ck_assert_int_eq(value_text(LIT("h\xc3\xa9llo"), 5), VALUE_OK);
	ck_assert_int_eq(value_text(LIT("h\xc3\xa9llo"), 4), VALUE_TOO_LONG);
	ck_assert_int_eq(value_text(LIT("\xf0\x9f\x98\x80"), 1), VALUE_OK);
	ck_assert_int_eq(value_text(LIT("\xc2\xa0"), 1), VALUE_OK);         /* no-break space */
	ck_assert_int_eq(value_text(LIT("a\xc3"), 10), VALUE_UTF8);
	ck_assert_int_eq(value_text(LIT("tab\there"), 10), VALUE_CONTROL);
	ck_assert_int_eq(value_text(LIT("two\nlines"), 10), VALUE_CONTROL);
	ck_assert_int_eq(value_text(LIT("cr\r"), 10), VALUE_CONTROL);
	ck_assert_int_eq(value_text(LIT("nul\0"), 10), VALUE_CONTROL);
	ck_assert_int_eq(value_text(LIT("del\x7f"), 10), VALUE_CONTROL);
	ck_assert_int_eq(value_text(LIT("c1 \xc2\x85"), 10), VALUE_CONTROL);  /* NEL */
	ck_assert_int_eq(value_text(LIT("c1 \xc2\x9f"), 10), VALUE_CONTROL);
	/* The first problem in the text is the one reported. */
	ck_assert_int_eq(value_text(LIT("\x01\xff"), 10), VALUE_CONTROL);
	ck_assert_int_eq(value_text(LIT("\xff\x01"), 10), VALUE_UTF8);
}
END_TEST

/* The word-at-a-time fast path gives what a byte at a time would, for
 * every ASCII byte at every position of a 24-byte text. */
START_TEST(test_text_fast_path_agrees)
{
	char s[24];

	for (int c = 0; c < 0x80; c++) {
		int control = c < 0x20 || c == 0x7f;

		for (size_t i = 0; i < sizeof s; i++) {
			memset(s, 'x', sizeof s);
			s[i] = (char)c;
			ck_assert_int_eq(value_text(s, sizeof s, 100), control ? VALUE_CONTROL : VALUE_OK);
			ck_assert_int_eq(value_text(s, sizeof s, 23), control ? VALUE_CONTROL : VALUE_TOO_LONG);
		}
	}
}
END_TEST

START_TEST(test_date_leap_years)
{
	date_ok("2024-02-29", 19782);
	date_ok("2000-02-29", 11016);
	date_refused("2023-02-29", VALUE_DATE);
	date_refused("2025-02-29", VALUE_DATE);
	date_refused("2025-02-30", VALUE_DATE);
	date_refused("1900-02-29", VALUE_DATE);              /* divisible by 100, not by 400 */
	date_refused("2100-02-29", VALUE_DATE);
	date_ok("2025-12-31", 20453);
	date_refused("2025-04-31", VALUE_DATE);
	date_ok("2025-04-30", 20208);
}
END_TEST

START_TEST(test_date_range_and_days)
{
	date_ok("1970-01-01", 0);
	date_ok("1900-01-01", -25567);
	date_ok("1900-03-01", -25508);
	date_ok("2999-12-31", 376199);
	date_refused("1899-12-31", VALUE_RANGE);
	date_refused("3000-01-01", VALUE_RANGE);
	date_refused("0000-01-01", VALUE_RANGE);
	/* A day that does not exist is that, whatever the year. */
	date_refused("1800-02-30", VALUE_DATE);
}
END_TEST

START_TEST(test_date_malformed)
{
	int32_t days = 7;

	ck_assert_int_eq(value_date("", 0, &days), VALUE_EMPTY);
	ck_assert_int_eq(days, 7);
	date_refused("2025-1-01", VALUE_DATE);
	date_refused("2025-01-1", VALUE_DATE);
	date_refused("2025-01-01x", VALUE_DATE);
	date_refused("2025-01-01 ", VALUE_DATE);
	date_refused(" 2025-01-01", VALUE_DATE);
	date_refused("20250101", VALUE_DATE);
	date_refused("2025/01/01", VALUE_DATE);
	date_refused("01-01-2025", VALUE_DATE);
	date_refused("2025-00-10", VALUE_DATE);
	date_refused("2025-13-01", VALUE_DATE);
	date_refused("2025-01-00", VALUE_DATE);
	date_refused("2025-01-32", VALUE_DATE);
	date_refused("+025-01-01", VALUE_DATE);
	date_refused("2025-0a-01", VALUE_DATE);
	date_refused("2025-01-01T00:00:00Z", VALUE_DATE);
	ck_assert_int_eq(value_date(LIT("2025-01-\0001"), &days), VALUE_DATE);
}
END_TEST

START_TEST(test_int)
{
	int64_t v = 0;

	ck_assert_int_eq(int_full("0", &v), VALUE_OK);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(int_full("-0", &v), VALUE_OK);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(int_full("123", &v), VALUE_OK);
	ck_assert_int_eq(v, 123);
	ck_assert_int_eq(int_full("-123", &v), VALUE_OK);
	ck_assert_int_eq(v, -123);
	ck_assert_int_eq(int_full("007", &v), VALUE_OK);
	ck_assert_int_eq(v, 7);
	v = 99;
	ck_assert_int_eq(value_int("", 0, 0, 1, &v), VALUE_EMPTY);
	ck_assert_int_eq(int_full("+1", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full(" 1", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full("1 ", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full("1.0", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full("1,000", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full("-", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full("--1", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full("1-", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full("0x10", &v), VALUE_SYNTAX);
	ck_assert_int_eq(int_full("1e3", &v), VALUE_SYNTAX);
	ck_assert_int_eq(value_int(LIT("1\0002"), INT64_MIN, INT64_MAX, &v), VALUE_SYNTAX);
	ck_assert_int_eq(v, 99);
}
END_TEST

START_TEST(test_int_bounds)
{
	int64_t v = 0;

	ck_assert_int_eq(int_full("9223372036854775807", &v), VALUE_OK);
	ck_assert_int_eq(v, INT64_MAX);
	ck_assert_int_eq(int_full("-9223372036854775808", &v), VALUE_OK);
	ck_assert_int_eq(v, INT64_MIN);
	ck_assert_int_eq(int_full("0000000000000000000009223372036854775807", &v), VALUE_OK);
	ck_assert_int_eq(v, INT64_MAX);
	v = 5;
	ck_assert_int_eq(int_full("9223372036854775808", &v), VALUE_RANGE);
	ck_assert_int_eq(int_full("-9223372036854775809", &v), VALUE_RANGE);
	ck_assert_int_eq(int_full("18446744073709551616", &v), VALUE_RANGE);
	ck_assert_int_eq(int_full("99999999999999999999999999999", &v), VALUE_RANGE);
	/* Not a number at all, however long: syntax, not range. */
	ck_assert_int_eq(int_full("99999999999999999999999x", &v), VALUE_SYNTAX);
	ck_assert_int_eq(v, 5);
	/* The caller's bounds are inclusive. */
	ck_assert_int_eq(value_int(LIT("10"), 1, 10, &v), VALUE_OK);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(value_int(LIT("1"), 1, 10, &v), VALUE_OK);
	ck_assert_int_eq(value_int(LIT("11"), 1, 10, &v), VALUE_RANGE);
	ck_assert_int_eq(value_int(LIT("0"), 1, 10, &v), VALUE_RANGE);
	ck_assert_int_eq(value_int(LIT("-1"), 0, 10, &v), VALUE_RANGE);
	ck_assert_int_eq(v, 1);
}
END_TEST

START_TEST(test_decimal)
{
	dec_ok("12.5", 125000);
	dec_ok("-0.0001", -1);
	dec_ok("7", 70000);
	dec_ok("0", 0);
	dec_ok("-0", 0);
	dec_ok("-0.0000", 0);
	dec_ok("1.2345", 12345);
	dec_ok("0.1", 1000);
	dec_ok("00012.50", 125000);
	dec_ok("-3.25", -32500);
	dec_refused("", VALUE_EMPTY);
	dec_refused(".5", VALUE_SYNTAX);
	dec_refused("5.", VALUE_SYNTAX);
	dec_refused("-.5", VALUE_SYNTAX);
	dec_refused("-", VALUE_SYNTAX);
	dec_refused("1e3", VALUE_SYNTAX);
	dec_refused("1,5", VALUE_SYNTAX);
	dec_refused("1.2.3", VALUE_SYNTAX);
	dec_refused("+1", VALUE_SYNTAX);
	dec_refused(" 1", VALUE_SYNTAX);
	dec_refused("1 ", VALUE_SYNTAX);
	dec_refused("1.x", VALUE_SYNTAX);
	dec_refused("NaN", VALUE_SYNTAX);
	dec_refused("1.23456", VALUE_SCALE);
	dec_refused("1.23450", VALUE_SCALE);                 /* five places, even if the last is 0 */
	dec_refused("0.00001", VALUE_SCALE);
	dec_refused("1.23456x", VALUE_SYNTAX);               /* not a number comes first */
}
END_TEST

START_TEST(test_decimal_bounds)
{
	int64_t v = 0;

	dec_ok("922337203685477.5807", INT64_MAX);
	dec_ok("-922337203685477.5808", INT64_MIN);
	dec_ok("922337203685477", 9223372036854770000);
	dec_refused("922337203685477.5808", VALUE_RANGE);
	dec_refused("-922337203685477.5809", VALUE_RANGE);
	dec_refused("922337203685478", VALUE_RANGE);
	dec_refused("99999999999999999999", VALUE_RANGE);
	dec_refused("99999999999999999999.12345", VALUE_SCALE);
	/* The caller's bounds, scaled, are inclusive. */
	ck_assert_int_eq(value_decimal(LIT("100"), 0, 1000000, &v), VALUE_OK);
	ck_assert_int_eq(v, 1000000);
	ck_assert_int_eq(value_decimal(LIT("100.0001"), 0, 1000000, &v), VALUE_RANGE);
	ck_assert_int_eq(value_decimal(LIT("-0.0001"), 0, 1000000, &v), VALUE_RANGE);
	ck_assert_int_eq(v, 1000000);
}
END_TEST

START_TEST(test_decimal_format)
{
	static const int64_t round_trip[] = { 0, 1, -1, 9999, 10000, -10000, 125000, 123456789,
					      INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	char out[32];
	int64_t v;

	format_is(125000, "12.5000");
	format_is(-1, "-0.0001");
	format_is(0, "0.0000");
	format_is(70000, "7.0000");
	format_is(-10000, "-1.0000");
	format_is(-9999, "-0.9999");
	format_is(INT64_MAX, "922337203685477.5807");
	format_is(INT64_MIN, "-922337203685477.5808");
	for (size_t i = 0; i < sizeof round_trip / sizeof round_trip[0]; i++) {
		value_decimal_format(round_trip[i], out);
		ck_assert_int_eq(dec_full(out, &v), VALUE_OK);
		ck_assert_int_eq(v, round_trip[i]);
	}
}
END_TEST

START_TEST(test_currency)
{
	static const char *const ok[] = { "USD", "EUR", "GBP", "JPY", "CHF", "AED", "ZWG", "XCG", "XAU", "XDR", "CHE" };
	static const char *const refused[] = {
		"usd", "Usd", "ABC", "XXX", "XTS", "US", "USDX", "US ", " USD", "U5D",
		"HRK", "BGN", "ANG", "ZWL", "DEM", "ZZZ", "AAA",
	};

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		ck_assert_msg(value_currency(ok[i], strlen(ok[i])) == VALUE_OK, "%s refused", ok[i]);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		ck_assert_msg(value_currency(refused[i], strlen(refused[i])) == VALUE_CURRENCY, "%s taken",
			      refused[i]);
	ck_assert_int_eq(value_currency("", 0), VALUE_EMPTY);
	ck_assert_int_eq(value_currency(LIT("USD\0")), VALUE_CURRENCY);
	/* Only the first len bytes count. */
	ck_assert_int_eq(value_currency("USDX", 3), VALUE_OK);
}
END_TEST

/* Every one of the table's codes is found, which bsearch does only when
 * the table is sorted: try all 17,576 three-letter codes and count. */
START_TEST(test_currency_table_sorted)
{
	char code[3];
	int found = 0;

	for (code[0] = 'A'; code[0] <= 'Z'; code[0]++)
		for (code[1] = 'A'; code[1] <= 'Z'; code[1]++)
			for (code[2] = 'A'; code[2] <= 'Z'; code[2]++)
				found += value_currency(code, 3) == VALUE_OK;
	ck_assert_int_eq(found, 176);
}
END_TEST

Suite *value_suite(void)
{
	Suite *s = suite_create("value");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_reasons);
	tcase_add_test(tc, test_is_ascii);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_refused);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_text_fast_path_agrees);
	tcase_add_test(tc, test_date_leap_years);
	tcase_add_test(tc, test_date_range_and_days);
	tcase_add_test(tc, test_date_malformed);
	tcase_add_test(tc, test_int);
	tcase_add_test(tc, test_int_bounds);
	tcase_add_test(tc, test_decimal);
	tcase_add_test(tc, test_decimal_bounds);
	tcase_add_test(tc, test_decimal_format);
	tcase_add_test(tc, test_currency);
	tcase_add_test(tc, test_currency_table_sorted);
	suite_add_tcase(s, tc);
	return s;
}
