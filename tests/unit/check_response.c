/* check_response: the error shape, header refusal and FastCGI serialization. */
#include "ac-config.h"

#include "response.h"
#include "suites.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* Checks the body is exactly the error shape with these three values. */
static void assert_error_body(const struct response *res, const char *code, const char *message,
                              const char *request_id)
{
	struct json_object *root, *err, *v;

	ck_assert_ptr_nonnull(res->body.data);
	root = json_tokener_parse(res->body.data);
	ck_assert_msg(root != NULL, "not JSON: %s", res->body.data);
	ck_assert(json_object_is_type(root, json_type_object));
	ck_assert_int_eq(json_object_object_length(root), 1);
	ck_assert(json_object_object_get_ex(root, "error", &err));
	ck_assert(json_object_is_type(err, json_type_object));
	ck_assert_int_eq(json_object_object_length(err), 3);
	ck_assert(json_object_object_get_ex(err, "code", &v));
	ck_assert_str_eq(json_object_get_string(v), code);
	ck_assert(json_object_object_get_ex(err, "message", &v));
	ck_assert_str_eq(json_object_get_string(v), message);
	ck_assert(json_object_object_get_ex(err, "request_id", &v));
	ck_assert_str_eq(json_object_get_string(v), request_id);
	json_object_put(root);
}

/* Whether the head of text (before the blank line) holds line exactly. */
static int has_header(const char *text, const char *line)
{
	const char *end = strstr(text, "\r\n\r\n");
	size_t n = strlen(line);

	if (end == NULL)
		return 0;
	for (const char *p = text; p <= end; p = strstr(p, "\r\n") + 2)
		if (p + n <= end && strncmp(p, line, n) == 0 && p[n] == '\r' && p[n + 1] == '\n')
			return 1;
	return 0;
}

/* The body of a serialized response: what follows the blank line. */
static const char *body_of(const char *text)
{
	const char *p = strstr(text, "\r\n\r\n");

	ck_assert_ptr_nonnull(p);
	return p + 4;
}

START_TEST(test_error_shape)
{
	struct response res;

	response_init(&res, "req-1");
	res_error(&res, 404, "not_found", "No such item.");
	ck_assert_int_eq(res.status, 404);
	ck_assert_str_eq(res.content_type, "application/json");
	ck_assert_str_eq(res.body.data,
	                 "{\"error\":{\"code\":\"not_found\",\"message\":\"No such item.\",\"request_id\":\"req-1\"}}");
	assert_error_body(&res, "not_found", "No such item.", "req-1");
	response_free(&res);
}
END_TEST

START_TEST(test_error_escapes_message)
{
	struct response res;

	response_init(&res, "req-2");
	res_error(&res, 400, "bad_input", "field \"name\" is C:\\bad\nand\x01" "odd");
	assert_error_body(&res, "bad_input", "field \"name\" is C:\\bad\nand\x01" "odd", "req-2");
	ck_assert_ptr_nonnull(strstr(res.body.data, "\\\"name\\\""));
	ck_assert_ptr_null(strchr(res.body.data, '\n'));
	response_free(&res);
}
END_TEST

START_TEST(test_error_without_request_id)
{
	struct response res;

	response_init(&res, NULL);
	res_error(&res, 500, "internal", "oops");
	assert_error_body(&res, "internal", "oops", "");
	response_free(&res);
}
END_TEST

START_TEST(test_error_replaces_body)
{
	struct response res;

	response_init(&res, "r");
	res_json_text(&res, 200, "{\"ok\":true}");
	res_error(&res, 503, "unavailable", "later");
	ck_assert_int_eq(res.status, 503);
	assert_error_body(&res, "unavailable", "later", "r");
	response_free(&res);
}
END_TEST

START_TEST(test_serialize_404)
{
	struct response res;
	struct buf out = BUF_INIT;
	char line[64];

	response_init(&res, "rid-404");
	res_error(&res, 404, "not_found", "Nothing here.");
	response_serialize(&res, 0, &out);
	ck_assert_msg(strncmp(out.data, "Status: 404 Not Found\r\n", 23) == 0, "%s", out.data);
	ck_assert(has_header(out.data, "Content-Type: application/json"));
	snprintf(line, sizeof line, "Content-Length: %zu", res.body.len);
	ck_assert(has_header(out.data, line));
	ck_assert(has_header(out.data, "X-Request-Id: rid-404"));
	ck_assert(has_header(out.data, "X-Content-Type-Options: nosniff"));
	ck_assert_str_eq(body_of(out.data), res.body.data);
	ck_assert_uint_eq(strlen(body_of(out.data)), res.body.len);
	response_free(&res);
	buf_free(&out);
}
END_TEST

START_TEST(test_serialize_head_only)
{
	struct response res;
	struct buf out = BUF_INIT;

	response_init(&res, "rid-head");
	res_json_text(&res, 200, "{\"items\":[1,2,3]}");
	response_serialize(&res, 1, &out);
	ck_assert(strncmp(out.data, "Status: 200 OK\r\n", 16) == 0);
	ck_assert(has_header(out.data, "Content-Length: 17"));
	ck_assert(has_header(out.data, "Content-Type: application/json"));
	ck_assert_str_eq(body_of(out.data), "");
	ck_assert_ptr_null(strstr(out.data, "items"));
	response_free(&res);
	buf_free(&out);
}
END_TEST

START_TEST(test_serialize_204)
{
	struct response res;
	struct buf out = BUF_INIT;

	response_init(&res, "rid-204");
	res_body(&res, 204, "application/json", "{}", 2);
	response_serialize(&res, 0, &out);
	ck_assert(strncmp(out.data, "Status: 204 No Content\r\n", 24) == 0);
	/* Whole header names: X-Content-Type-Options holds "Content-Type" too. */
	ck_assert_ptr_null(strstr(out.data, "\r\nContent-Type:"));
	ck_assert_ptr_null(strstr(out.data, "\r\nContent-Length:"));
	ck_assert(has_header(out.data, "X-Content-Type-Options: nosniff"));
	ck_assert_str_eq(body_of(out.data), "");
	ck_assert(has_header(out.data, "X-Request-Id: rid-204"));
	response_free(&res);
	buf_free(&out);
}
END_TEST

START_TEST(test_serialize_text_charset)
{
	struct response res;
	struct buf out = BUF_INIT;

	response_init(&res, "r");
	res_body(&res, 200, "text/csv", "a,b\n", 4);
	response_serialize(&res, 0, &out);
	ck_assert(has_header(out.data, "Content-Type: text/csv; charset=utf-8"));
	ck_assert(has_header(out.data, "Content-Length: 4"));
	ck_assert_str_eq(body_of(out.data), "a,b\n");
	response_free(&res);
	buf_free(&out);
}
END_TEST

START_TEST(test_serialize_unset_status_is_500)
{
	struct response res;
	struct buf out = BUF_INIT;

	response_init(&res, "r");
	response_serialize(&res, 0, &out);
	ck_assert(strncmp(out.data, "Status: 500 Internal Server Error\r\n", 35) == 0);
	ck_assert(has_header(out.data, "Content-Length: 0"));
	response_free(&res);
	buf_free(&out);
}
END_TEST

START_TEST(test_header_added)
{
	struct response res;
	struct buf out = BUF_INIT;

	response_init(&res, "r");
	res_header(&res, "Cache-Control", "no-store");
	res_json_text(&res, 200, "{}");
	response_serialize(&res, 0, &out);
	ck_assert(has_header(out.data, "Cache-Control: no-store"));
	response_free(&res);
	buf_free(&out);
}
END_TEST

START_TEST(test_header_crlf_refused)
{
	struct response res;
	struct buf out = BUF_INIT;

	response_init(&res, "r");
	res_header(&res, "X-Evil", "a\r\nSet-Cookie: x=1");
	res_header(&res, "X-Evil-Lf", "a\nb");
	res_header(&res, "X-Evil-Cr", "a\rb");
	res_header(&res, "X-Bad\r\nName", "v");
	res_header(&res, "X-Good", "fine");
	res_json_text(&res, 200, "{}");
	response_serialize(&res, 0, &out);
	ck_assert_ptr_null(strstr(out.data, "X-Evil"));
	ck_assert_ptr_null(strstr(out.data, "Set-Cookie"));
	ck_assert_ptr_null(strstr(out.data, "X-Bad"));
	ck_assert(has_header(out.data, "X-Good: fine"));
	response_free(&res);
	buf_free(&out);
}
END_TEST

START_TEST(test_res_json_owns_object)
{
	struct response res;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "n", json_object_new_int(7));
	response_init(&res, "r");
	res_json(&res, 201, o);   /* takes o; ASan reports a leak if not put */
	ck_assert_int_eq(res.status, 201);
	ck_assert_str_eq(res.body.data, "{\"n\":7}");
	response_free(&res);
}
END_TEST

Suite *response_suite(void)
{
	Suite *s = suite_create("response");
	TCase *tc_err = tcase_create("error");
	TCase *tc_ser = tcase_create("serialize");

	tcase_add_test(tc_err, test_error_shape);
	tcase_add_test(tc_err, test_error_escapes_message);
	tcase_add_test(tc_err, test_error_without_request_id);
	tcase_add_test(tc_err, test_error_replaces_body);
	suite_add_tcase(s, tc_err);
	tcase_add_test(tc_ser, test_serialize_404);
	tcase_add_test(tc_ser, test_serialize_head_only);
	tcase_add_test(tc_ser, test_serialize_204);
	tcase_add_test(tc_ser, test_serialize_text_charset);
	tcase_add_test(tc_ser, test_serialize_unset_status_is_500);
	tcase_add_test(tc_ser, test_header_added);
	tcase_add_test(tc_ser, test_header_crlf_refused);
	tcase_add_test(tc_ser, test_res_json_owns_object);
	suite_add_tcase(s, tc_ser);
	return s;
}
