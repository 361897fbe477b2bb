/* check_csv: the CSV reader's records, quoting, line numbers, errors and recovery. */
#include "ac-config.h"

#include "csv.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Until suites.h lists it. */

/* Reads the whole document and describes what csv_next returned, one item
 * per call: "L3[a|b]" for a record that began on line 3, "L3!1" for an
 * error in field 1 of the record that began on line 3. The caller frees
 * the buffer. */
static struct buf describe(const char *doc, size_t len)
{
	struct csv_reader r;
	struct buf out = BUF_INIT;
	int rc, calls = 0;

	csv_init(&r, doc, len);
	buf_puts(&out, "");
	while ((rc = csv_next(&r)) != CSV_END) {
		ck_assert_int_lt(++calls, 10000);
		if (out.len > 0)
			buf_putc(&out, ' ');
		if (rc == CSV_ERROR) {
			ck_assert_uint_eq(r.nfields, 0);
			ck_assert_str_ne(r.error, "");
			buf_printf(&out, "L%lu!%d", r.line, r.error_field);
			continue;
		}
		ck_assert_int_eq(rc, CSV_RECORD);
		buf_printf(&out, "L%lu[", r.line);
		for (size_t i = 0; i < r.nfields; i++) {
			if (i > 0)
				buf_putc(&out, '|');
			buf_append(&out, r.fields[i].s, r.fields[i].len);
		}
		buf_putc(&out, ']');
	}
	/* The end stays the end. */
	ck_assert_int_eq(csv_next(&r), CSV_END);
	ck_assert_uint_eq(r.nfields, 0);
	csv_free(&r);
	return out;
}

/* Reads a NUL-terminated document and compares its description. */
static void expect(const char *doc, const char *want)
{
	struct buf got = describe(doc, strlen(doc));

	ck_assert_msg(strcmp(got.data, want) == 0, "document \"%s\":\n got  %s\n want %s", doc, got.data, want);
	buf_free(&got);
}

/* Reads a document up to its first error and checks the message names
 * the problem and the error's field and physical line. */
static void expect_error(const char *doc, size_t len, const char *words, int field, unsigned long line)
{
	struct csv_reader r;
	int rc;

	csv_init(&r, doc, len);
	while ((rc = csv_next(&r)) == CSV_RECORD)
		;
	ck_assert_int_eq(rc, CSV_ERROR);
	ck_assert_msg(strstr(r.error, words) != NULL, "message \"%s\" lacks \"%s\"", r.error, words);
	ck_assert_int_eq(r.error_field, field);
	ck_assert_uint_eq(r.error_line, line);
	csv_free(&r);
}

START_TEST(test_lf_and_crlf)
{
	expect("a,b,c\nd,e,f\n", "L1[a|b|c] L2[d|e|f]");
	expect("a,b,c\r\nd,e,f\r\n", "L1[a|b|c] L2[d|e|f]");
	expect("a,b\r\nc,d\ne,f\r\n", "L1[a|b] L2[c|d] L3[e|f]");
}
END_TEST

START_TEST(test_no_final_newline)
{
	expect("a,b\nc,d", "L1[a|b] L2[c|d]");
	expect("a,b\r\nc,d", "L1[a|b] L2[c|d]");
	expect("x", "L1[x]");
	expect("\"x\"", "L1[x]");
}
END_TEST

START_TEST(test_empty_document)
{
	struct buf got = describe(NULL, 0);

	ck_assert_str_eq(got.data, "");
	buf_free(&got);
	expect("", "");
	expect("\n\n\r\n", "");
	expect("\xEF\xBB\xBF", "");
}
END_TEST

START_TEST(test_empty_fields)
{
	expect(",,\n", "L1[||]");
	expect("a,,b\n", "L1[a||b]");
	expect(",a\n", "L1[|a]");
	/* A trailing comma means one more, empty, field. */
	expect("a,b,\nc,d,\n", "L1[a|b|] L2[c|d|]");
	expect("a,b,", "L1[a|b|]");
	expect("a,b,\r\n", "L1[a|b|]");
	/* An empty quoted field is a record of one empty field, not a blank line. */
	expect("\"\"\n", "L1[]");
	expect("\"\",\"\"\n", "L1[|]");
}
END_TEST

START_TEST(test_spaces_are_data)
{
	expect(" a , b \n", "L1[ a | b ]");
	expect(" \n", "L1[ ]");
}
END_TEST

START_TEST(test_quoted_comma_and_quotes)
{
	expect("\"a,b\",c\n", "L1[a,b|c]");
	expect("\"say \"\"hi\"\"\",x\n", "L1[say \"hi\"|x]");
	expect("\"\"\"\"\n", "L1[\"]");
	expect("\"\"\"\"\"\"\n", "L1[\"\"]");
	expect("\"a\"\"\",\"\"\"b\"\n", "L1[a\"|\"b]");
	expect("a,\"b\"\r\n", "L1[a|b]");
}
END_TEST

START_TEST(test_quoted_field_points_into_input)
{
	static const char doc[] = "\"plain\",\"with \"\"q\"\"\"\n";
	struct csv_reader r;

	csv_init(&r, doc, sizeof doc - 1);
	ck_assert_int_eq(csv_next(&r), CSV_RECORD);
	ck_assert_uint_eq(r.nfields, 2);
	/* Without escapes no copy is made; with them, the copy is in scratch. */
	ck_assert_ptr_eq(r.fields[0].s, doc + 1);
	ck_assert_uint_eq(r.fields[0].len, 5);
	ck_assert_ptr_eq(r.fields[1].s, r.scratch.data);
	ck_assert_uint_eq(r.fields[1].len, 8);
	ck_assert_int_eq(memcmp(r.fields[1].s, "with \"q\"", 8), 0);
	ck_assert_uint_eq(r.in_scratch, 2);
	ck_assert_int_eq(csv_next(&r), CSV_END);
	csv_free(&r);
}
END_TEST

START_TEST(test_quoted_newlines_keep_line_numbers)
{
	expect("\"a\nb\",c\nd,e\n", "L1[a\nb|c] L3[d|e]");
	expect("h\n\"x\r\ny\r\nz\",w\r\nnext\r\n", "L1[h] L2[x\r\ny\r\nz|w] L5[next]");
	expect("\"\n\n\n\"\nlast", "L1[\n\n\n] L5[last]");
	expect("a,\"1\n2\",\"3\n4\"\nb\n", "L1[a|1\n2|3\n4] L4[b]");
}
END_TEST

START_TEST(test_bom_skipped_once)
{
	expect("\xEF\xBB\xBFid,name\n1,x\n", "L1[id|name] L2[1|x]");
	expect("\xEF\xBB\xBF\"id\",name\n", "L1[id|name]");
	/* Only at the very start: later it is data like any other. */
	expect("a\n\xEF\xBB\xBF" "b\n", "L1[a] L2[\xEF\xBB\xBF" "b]");
}
END_TEST

START_TEST(test_blank_lines_skipped_but_counted)
{
	expect("\n\na\n\n\nb\n\n", "L3[a] L6[b]");
	expect("\r\n\r\na\r\n\r\nb", "L3[a] L5[b]");
}
END_TEST

START_TEST(test_error_quote_in_unquoted)
{
	expect("ab\"c,d\nok\n", "L1!0 L2[ok]");
	expect("a,b\"\nok\n", "L1!1 L2[ok]");
	expect_error("x,y\nok,a\"b\n", 11, "a quote inside an unquoted field", 1, 2);
}
END_TEST

START_TEST(test_error_text_after_quote)
{
	expect("\"ab\"c,d\nok\n", "L1!0 L2[ok]");
	expect("a,\"b\" \nok\n", "L1!1 L2[ok]");
	expect_error("\"ab\"c\n", 6, "text after a closing quote", 0, 1);
	/* Found on the record's third physical line. */
	expect_error("\"a\nb\nc\"d\nok\n", 12, "text after a closing quote", 0, 3);
	expect("\"a\nb\nc\"d\nok\n", "L1!0 L4[ok]");
}
END_TEST

START_TEST(test_error_unterminated_quote)
{
	expect("ok\n\"never closed,x\nmore\n", "L1[ok] L2!0");
	expect("a,\"b", "L1!1");
	expect_error("ok\n\n\"open\nx\n", 12, "unterminated quoted field", 0, 5);
	expect_error("ok\n\n\"open\nx\n", 12, "line 3", 0, 5);
}
END_TEST

START_TEST(test_error_nul_byte)
{
	static const char unquoted[] = "a,b\0c,d\nok\n";
	static const char quoted[] = "\"a\nb\0\"\nx\nok\n";
	struct buf got;

	got = describe(unquoted, sizeof unquoted - 1);
	ck_assert_str_eq(got.data, "L1!1 L2[ok]");
	buf_free(&got);
	expect_error(unquoted, sizeof unquoted - 1, "NUL", 1, 1);
	/* Inside quotes: the rest of that physical line goes, then "x" and
	 * "ok" read as records of their own. */
	got = describe(quoted, sizeof quoted - 1);
	ck_assert_str_eq(got.data, "L1!0 L3[x] L4[ok]");
	buf_free(&got);
	expect_error(quoted, sizeof quoted - 1, "NUL", 0, 2);
}
END_TEST

START_TEST(test_error_bare_cr)
{
	expect("a\rb,c\nok\n", "L1!0 L2[ok]");
	expect("a,b\r", "L1!1");
	expect_error("a,\"b\"\rc\n", 8, "carriage return", 1, 1);
	/* Inside quotes a CR is data. */
	expect("\"a\rb\"\n", "L1[a\rb]");
}
END_TEST

START_TEST(test_max_fields)
{
	struct buf doc = BUF_INIT, want = BUF_INIT, got;

	/* Exactly 64 fields are fine; 65 are an error, and the whole record
	 * is skipped even when its extra fields hold quoted newlines. */
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		buf_printf(&doc, "%s%d", i > 0 ? "," : "", i);
	buf_puts(&doc, "\n");
	buf_puts(&want, "L1[");
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		buf_printf(&want, "%s%d", i > 0 ? "|" : "", i);
	buf_puts(&want, "]");
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		buf_printf(&doc, "%d,", i);
	buf_puts(&doc, "\"x\n\"\"y\"\"\",z\nafter\n");
	buf_puts(&want, " L2!64 L4[after]");
	got = describe(doc.data, doc.len);
	ck_assert_str_eq(got.data, want.data);
	expect_error(doc.data, doc.len, "more than 64 fields", 64, 2);
	buf_free(&got);
	buf_free(&doc);
	buf_free(&want);
}
END_TEST

START_TEST(test_scratch_realloc)
{
	struct buf doc = BUF_INIT, field = BUF_INIT;
	struct csv_reader r;

	/* 60 quoted fields of 1 KiB of text each, every one with doubled quotes,
	 * interleaved with plain ones: scratch grows and moves many times while
	 * the record is read, and every field must still be right at the end. */
	for (int i = 0; i < 60; i++) {
		if (i > 0)
			buf_putc(&doc, ',');
		if (i % 3 == 2) {
			buf_printf(&doc, "plain%d", i);
			continue;
		}
		buf_putc(&doc, '"');
		for (int j = 0; j < 1024; j++) {
			if (j % 100 == 7)
				buf_puts(&doc, "\"\"");
			else
				buf_putc(&doc, (char)('a' + (i + j) % 26));
		}
		buf_putc(&doc, '"');
	}
	buf_puts(&doc, "\r\nnext\r\n");

	csv_init(&r, doc.data, doc.len);
	ck_assert_int_eq(csv_next(&r), CSV_RECORD);
	ck_assert_uint_eq(r.nfields, 60);
	for (int i = 0; i < 60; i++) {
		buf_reset(&field);
		if (i % 3 == 2) {
			buf_printf(&field, "plain%d", i);
		} else {
			for (int j = 0; j < 1024; j++)
				buf_putc(&field, j % 100 == 7 ? '"' : (char)('a' + (i + j) % 26));
		}
		ck_assert_uint_eq(r.fields[i].len, field.len);
		ck_assert_msg(memcmp(r.fields[i].s, field.data, field.len) == 0, "field %d differs", i);
		if (i % 3 != 2)
			ck_assert(r.fields[i].s >= r.scratch.data && r.fields[i].s + r.fields[i].len <= r.scratch.data + r.scratch.len);
	}
	ck_assert_int_eq(csv_next(&r), CSV_RECORD);
	ck_assert_uint_eq(r.line, 2);
	ck_assert_uint_eq(r.nfields, 1);
	ck_assert_int_eq(memcmp(r.fields[0].s, "next", 4), 0);
	ck_assert_int_eq(csv_next(&r), CSV_END);
	csv_free(&r);
	buf_free(&doc);
	buf_free(&field);
}
END_TEST

START_TEST(test_error_state_cleared)
{
	struct csv_reader r;
	static const char doc[] = "a\"b\nc\n";

	csv_init(&r, doc, sizeof doc - 1);
	ck_assert_int_eq(csv_next(&r), CSV_ERROR);
	ck_assert_int_eq(r.error_field, 0);
	ck_assert_int_eq(csv_next(&r), CSV_RECORD);
	ck_assert_int_eq(r.error_field, -1);
	ck_assert_uint_eq(r.error_line, 0);
	ck_assert_str_eq(r.error, "");
	ck_assert_uint_eq(r.line, 2);
	csv_free(&r);
}
END_TEST

START_TEST(test_not_nul_terminated)
{
	/* The reader must stop at len: what follows is not part of the document. */
	static const char doc[] = "a,b\nc,\"d\"\"";

	struct buf got = describe(doc, 9);

	ck_assert_str_eq(got.data, "L1[a|b] L2[c|d]");
	buf_free(&got);
	got = describe(doc, 6);
	ck_assert_str_eq(got.data, "L1[a|b] L2[c|]");
	buf_free(&got);
}
END_TEST

Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lf_and_crlf);
	tcase_add_test(tc, test_no_final_newline);
	tcase_add_test(tc, test_empty_document);
	tcase_add_test(tc, test_empty_fields);
	tcase_add_test(tc, test_spaces_are_data);
	tcase_add_test(tc, test_quoted_comma_and_quotes);
	tcase_add_test(tc, test_quoted_field_points_into_input);
	tcase_add_test(tc, test_quoted_newlines_keep_line_numbers);
	tcase_add_test(tc, test_bom_skipped_once);
	tcase_add_test(tc, test_blank_lines_skipped_but_counted);
	tcase_add_test(tc, test_error_quote_in_unquoted);
	tcase_add_test(tc, test_error_text_after_quote);
	tcase_add_test(tc, test_error_unterminated_quote);
	tcase_add_test(tc, test_error_nul_byte);
	tcase_add_test(tc, test_error_bare_cr);
	tcase_add_test(tc, test_max_fields);
	tcase_add_test(tc, test_scratch_realloc);
	tcase_add_test(tc, test_error_state_cleared);
	tcase_add_test(tc, test_not_nul_terminated);
	suite_add_tcase(s, tc);
	return s;
}
