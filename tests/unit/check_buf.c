/* check_buf: the growable buffer's appends, growth and JSON string escaping. */
#include "ac-config.h"

#include "buf.h"
#include "suites.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* Appends s as a JSON string to a fresh buffer and compares the result. */
static void assert_json_str(const char *s, const char *want)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(buf_json_str(&b, s), 0);
	ck_assert_str_eq(b.data, want);
	ck_assert_uint_eq(b.len, strlen(want));
	buf_free(&b);
}

START_TEST(test_append_grows)
{
	struct buf b = BUF_INIT;
	char chunk[100];

	memset(chunk, 'x', sizeof chunk);
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(buf_append(&b, chunk, sizeof chunk), 0);
	ck_assert_uint_eq(b.len, 5000);
	ck_assert_uint_ge(b.cap, b.len + 1);
	ck_assert_int_eq(b.data[b.len], '\0');
	ck_assert_uint_eq(strlen(b.data), 5000);
	ck_assert_int_eq(b.data[0], 'x');
	ck_assert_int_eq(b.data[4999], 'x');
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(test_append_empty_terminates)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(buf_append(&b, "", 0), 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, "");
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

/* Reserving alone makes the data a C string: a request with an empty
 * body reserves 0 bytes and appends nothing, and its body is then parsed
 * as a string. */
START_TEST(test_reserve_terminates)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(buf_reserve(&b, 0), 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(strlen(b.data), 0);
	buf_puts(&b, "abc");
	ck_assert_int_eq(buf_reserve(&b, 1000), 0);
	ck_assert_str_eq(b.data, "abc");
	buf_free(&b);
}
END_TEST

START_TEST(test_puts_putc)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(buf_puts(&b, "abc"), 0);
	ck_assert_int_eq(buf_putc(&b, '-'), 0);
	ck_assert_int_eq(buf_puts(&b, "def"), 0);
	ck_assert_str_eq(b.data, "abc-def");
	ck_assert_uint_eq(b.len, 7);
	buf_free(&b);
}
END_TEST

START_TEST(test_printf_grows)
{
	struct buf b = BUF_INIT;
	char big[3001];

	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(buf_printf(&b, "%d:", 42), 0);
	ck_assert_int_eq(buf_printf(&b, "%s|%s", big, "end"), 0);
	ck_assert_uint_eq(b.len, 3 + 3000 + 4);
	ck_assert_uint_eq(strlen(b.data), b.len);
	ck_assert_int_eq(strncmp(b.data, "42:yyy", 6), 0);
	ck_assert_str_eq(b.data + 3 + 3000, "|end");
	buf_free(&b);
}
END_TEST

START_TEST(test_reset_keeps_memory)
{
	struct buf b = BUF_INIT;
	size_t cap;

	buf_puts(&b, "something");
	cap = b.cap;
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	ck_assert_uint_eq(b.cap, cap);
	buf_puts(&b, "new");
	ck_assert_str_eq(b.data, "new");
	buf_free(&b);
}
END_TEST

START_TEST(test_json_plain)
{
	assert_json_str("", "\"\"");
	assert_json_str("hello world", "\"hello world\"");
}
END_TEST

START_TEST(test_json_quotes_backslash)
{
	assert_json_str("a\"b", "\"a\\\"b\"");
	assert_json_str("a\\b", "\"a\\\\b\"");
	assert_json_str("\"\\\"", "\"\\\"\\\\\\\"\"");
}
END_TEST

START_TEST(test_json_control_bytes)
{
	assert_json_str("\x01", "\"\\u0001\"");
	assert_json_str("a\x1f" "b", "\"a\\u001fb\"");
	assert_json_str("\x7f", "\"\\u007f\"");
	assert_json_str("line1\nline2", "\"line1\\nline2\"");
	assert_json_str("\r\t", "\"\\r\\t\"");
}
END_TEST

START_TEST(test_json_utf8_passes)
{
	/* é and € in UTF-8: copied byte for byte, not escaped. */
	assert_json_str("caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\"");
}
END_TEST

START_TEST(test_json_round_trip)
{
	char all[128];
	struct buf b = BUF_INIT;
	struct json_object *o;

	/* Every ASCII byte but NUL, read back by a real JSON parser. */
	for (int i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	ck_assert_int_eq(buf_json_str(&b, all), 0);
	o = json_tokener_parse(b.data);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_is_type(o, json_type_string));
	ck_assert_str_eq(json_object_get_string(o), all);
	json_object_put(o);
	buf_free(&b);
}
END_TEST

/* The printf-free formatters of the hot paths give what printf would. */
START_TEST(test_number_formatters)
{
	static const unsigned long long values[] = { 0, 7, 10, 999, 1000, 123456789, 18446744073709551615ULL };
	struct buf b = BUF_INIT;
	char want[64];

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		buf_reset(&b);
		buf_put_u64(&b, values[i]);
		snprintf(want, sizeof want, "%llu", values[i]);
		ck_assert_str_eq(b.data, want);
		buf_reset(&b);
		buf_put_hex64(&b, values[i]);
		snprintf(want, sizeof want, "%016llx", values[i]);
		ck_assert_str_eq(b.data, want);
		buf_reset(&b);
		buf_put_milli(&b, values[i] % 100000000000ULL);
		snprintf(want, sizeof want, "%llu.%03llu", values[i] % 100000000000ULL / 1000, values[i] % 1000);
		ck_assert_str_eq(b.data, want);
	}
	buf_reset(&b);
	buf_put_milli(&b, 5);
	ck_assert_str_eq(b.data, "0.005");
	buf_free(&b);
}
END_TEST

Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_append_grows);
	tcase_add_test(tc, test_append_empty_terminates);
	tcase_add_test(tc, test_reserve_terminates);
	tcase_add_test(tc, test_puts_putc);
	tcase_add_test(tc, test_printf_grows);
	tcase_add_test(tc, test_reset_keeps_memory);
	tcase_add_test(tc, test_json_plain);
	tcase_add_test(tc, test_json_quotes_backslash);
	tcase_add_test(tc, test_json_control_bytes);
	tcase_add_test(tc, test_json_utf8_passes);
	tcase_add_test(tc, test_json_round_trip);
	tcase_add_test(tc, test_number_formatters);
	suite_add_tcase(s, tc);
	return s;
}
