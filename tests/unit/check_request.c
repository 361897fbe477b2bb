/* check_request: request_parse on hand-made FastCGI parameters, queries, headers and body limits. */
#include "ac-config.h"

#include "request.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
	request_id_seed();
}

/* Whether s is a generated request id: 32 lower-case hex characters. */
static int is_generated_id(const char *s)
{
	if (strlen(s) != 32)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* Parses envp and returns request_parse's answer, freeing the request. */
static int parse_status(char **envp)
{
	struct request req;
	int rc = request_parse(&req, envp);

	request_free(&req);
	return rc;
}

START_TEST(test_method_path_query)
{
	char *envp[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a/b?x=1", "REMOTE_ADDR=192.0.2.7", NULL };
	struct request req;

	ck_assert_int_eq(request_parse(&req, envp), 0);
	ck_assert_int_eq(req.method, HTTP_GET);
	ck_assert_str_eq(req.method_name, "GET");
	ck_assert_str_eq(req.path, "/a/b");
	ck_assert_str_eq(req.query, "x=1");
	ck_assert_str_eq(req.remote_addr, "192.0.2.7");
	ck_assert_int_eq(req.content_length, -1);
	ck_assert_int_eq(req.match.route, -1);
	ck_assert_ptr_null(req.route);
	request_free(&req);
	ck_assert_ptr_null(req.path);
}
END_TEST

START_TEST(test_other_methods)
{
	char *post[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/", NULL };
	char *brew[] = { "REQUEST_METHOD=BREW", "REQUEST_URI=/", NULL };
	char *lower[] = { "REQUEST_METHOD=get", "REQUEST_URI=/", NULL };
	struct request req;

	ck_assert_int_eq(request_parse(&req, post), 0);
	ck_assert_int_eq(req.method, HTTP_POST);
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, brew), 0);
	ck_assert_int_eq(req.method, HTTP_OTHER);
	ck_assert_str_eq(req.method_name, "BREW");
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, lower), 0);
	ck_assert_int_eq(req.method, HTTP_OTHER);
	request_free(&req);
}
END_TEST

START_TEST(test_query_from_query_string)
{
	char *none[] = { "REQUEST_URI=/a", "QUERY_STRING=y=2", NULL };
	char *empty[] = { "REQUEST_URI=/a?", "QUERY_STRING=y=3", NULL };
	char *both[] = { "REQUEST_URI=/a?x=1", "QUERY_STRING=y=2", NULL };
	char *neither[] = { "REQUEST_URI=/a", NULL };
	struct request req;

	ck_assert_int_eq(request_parse(&req, none), 0);
	ck_assert_str_eq(req.path, "/a");
	ck_assert_str_eq(req.query, "y=2");
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, empty), 0);
	ck_assert_str_eq(req.path, "/a");
	ck_assert_str_eq(req.query, "y=3");
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, both), 0);
	ck_assert_str_eq(req.query, "x=1");
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, neither), 0);
	ck_assert_str_eq(req.query, "");
	request_free(&req);
}
END_TEST

START_TEST(test_uri_fallbacks)
{
	char *doc[] = { "DOCUMENT_URI=/from/doc", "SCRIPT_NAME=/from/script", NULL };
	char *script[] = { "REQUEST_URI=", "SCRIPT_NAME=/from/script", NULL };
	char *nothing[] = { NULL };
	struct request req;

	ck_assert_int_eq(request_parse(&req, doc), 0);
	ck_assert_str_eq(req.path, "/from/doc");
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, script), 0);
	ck_assert_str_eq(req.path, "/from/script");
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, nothing), 0);
	ck_assert_str_eq(req.path, "/");
	ck_assert_str_eq(req.method_name, "GET");
	ck_assert_str_eq(req.remote_addr, "");
	request_free(&req);
}
END_TEST

START_TEST(test_bad_path_400)
{
	char *ctl[] = { "REQUEST_URI=/a\x01" "b", NULL };
	char *del[] = { "REQUEST_URI=/a\x7f", NULL };
	char *space[] = { "REQUEST_URI=/a b", NULL };
	char *high[] = { "REQUEST_URI=/caf\xc3\xa9", NULL };
	char *esc[] = { "REQUEST_URI=/a%zz", NULL };
	char *short_esc[] = { "REQUEST_URI=/a%4", NULL };
	char *short_esc_q[] = { "REQUEST_URI=/a%4?x=1", NULL };
	char *relative[] = { "REQUEST_URI=a/b", NULL };
	char *fine[] = { "REQUEST_URI=/a%41%2f", NULL };

	ck_assert_int_eq(parse_status(ctl), 400);
	ck_assert_int_eq(parse_status(del), 400);
	ck_assert_int_eq(parse_status(space), 400);
	ck_assert_int_eq(parse_status(high), 400);
	ck_assert_int_eq(parse_status(esc), 400);
	ck_assert_int_eq(parse_status(short_esc), 400);
	ck_assert_int_eq(parse_status(short_esc_q), 400);
	ck_assert_int_eq(parse_status(relative), 400);
	ck_assert_int_eq(parse_status(fine), 0);
}
END_TEST

/* Parses a request whose path is '/' followed by n-1 'a's. */
static int long_path_status(size_t n)
{
	static const char name[] = "REQUEST_URI=";
	char *param = malloc(sizeof name + n + 8);
	char *envp[] = { param, NULL };
	int rc;

	ck_assert_ptr_nonnull(param);
	memcpy(param, name, sizeof name - 1);
	param[sizeof name - 1] = '/';
	memset(param + sizeof name, 'a', n - 1);
	strcpy(param + sizeof name - 1 + n, "?q=1");
	rc = parse_status(envp);
	free(param);
	return rc;
}

START_TEST(test_long_path_414)
{
	ck_assert_int_eq(long_path_status(3000), 414);
	ck_assert_int_eq(long_path_status(ROUTER_PATH_MAX), 414);
	ck_assert_int_eq(long_path_status(ROUTER_PATH_MAX - 1), 0);
}
END_TEST

START_TEST(test_content_length)
{
	char *abc[] = { "REQUEST_URI=/", "CONTENT_LENGTH=abc", NULL };
	char *neg[] = { "REQUEST_URI=/", "CONTENT_LENGTH=-1", NULL };
	char *trail[] = { "REQUEST_URI=/", "CONTENT_LENGTH=12x", NULL };
	char *lead[] = { "REQUEST_URI=/", "CONTENT_LENGTH= 12", NULL };
	char *plus[] = { "REQUEST_URI=/", "CONTENT_LENGTH=+5", NULL };
	char *huge[] = { "REQUEST_URI=/", "CONTENT_LENGTH=99999999999999999999999", NULL };
	char *twelve[] = { "REQUEST_URI=/", "CONTENT_LENGTH=12", NULL };
	char *empty[] = { "REQUEST_URI=/", "CONTENT_LENGTH=", NULL };
	struct request req;

	ck_assert_int_eq(parse_status(abc), 400);
	ck_assert_int_eq(parse_status(neg), 400);
	ck_assert_int_eq(parse_status(trail), 400);
	ck_assert_int_eq(parse_status(lead), 400);
	ck_assert_int_eq(parse_status(plus), 400);
	ck_assert_int_eq(parse_status(huge), 400);
	ck_assert_int_eq(request_parse(&req, twelve), 0);
	ck_assert_int_eq(req.content_length, 12);
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, empty), 0);
	ck_assert_int_eq(req.content_length, -1);
	request_free(&req);
}
END_TEST

START_TEST(test_request_id_kept)
{
	char *envp[] = { "REQUEST_URI=/", "HTTP_X_REQUEST_ID=abc-123", NULL };
	char *chars[] = { "REQUEST_URI=/", "HTTP_X_REQUEST_ID=A.b_c:d-9", NULL };
	struct request req;

	ck_assert_int_eq(request_parse(&req, envp), 0);
	ck_assert_str_eq(req.request_id, "abc-123");
	request_free(&req);
	ck_assert_int_eq(request_parse(&req, chars), 0);
	ck_assert_str_eq(req.request_id, "A.b_c:d-9");
	request_free(&req);
}
END_TEST

/* Parses a request whose X-Request-Id is value; returns whether it was kept. */
static int id_kept(const char *value)
{
	char param[512];
	char *envp[] = { "REQUEST_URI=/", param, NULL };
	struct request req;
	int kept;

	snprintf(param, sizeof param, "HTTP_X_REQUEST_ID=%s", value);
	ck_assert_int_eq(request_parse(&req, envp), 0);
	kept = strcmp(req.request_id, value) == 0;
	if (!kept)
		ck_assert_msg(is_generated_id(req.request_id), "\"%s\" replaced by \"%s\"", value, req.request_id);
	request_free(&req);
	return kept;
}

START_TEST(test_request_id_replaced)
{
	char max[REQUEST_ID_MAX + 2];

	memset(max, 'a', sizeof max);
	max[REQUEST_ID_MAX] = '\0';
	ck_assert(id_kept(max));
	max[REQUEST_ID_MAX] = 'a';
	max[REQUEST_ID_MAX + 1] = '\0';
	ck_assert(!id_kept(max));
	ck_assert(!id_kept("abc 123"));
	ck_assert(!id_kept("abc\"123"));
	ck_assert(!id_kept("abc/123"));
	ck_assert(!id_kept(""));
	ck_assert(!request_id_valid(""));
	ck_assert(request_id_valid("x"));
}
END_TEST

START_TEST(test_request_id_generated)
{
	char *envp[] = { "REQUEST_URI=/", NULL };
	struct request a, b;

	ck_assert_int_eq(request_parse(&a, envp), 0);
	ck_assert_int_eq(request_parse(&b, envp), 0);
	ck_assert_msg(is_generated_id(a.request_id), "not 32 hex chars: %s", a.request_id);
	ck_assert_msg(is_generated_id(b.request_id), "not 32 hex chars: %s", b.request_id);
	ck_assert_str_ne(a.request_id, b.request_id);
	request_free(&a);
	request_free(&b);
}
END_TEST

START_TEST(test_query_decoding)
{
	char *envp[] = {
		"REQUEST_URI=/q?a=1&b=hello+world&c=x%20y&d&e=&f=bad%zz&g=%41%42&h%20k=v&a=second&t=%4", NULL,
	};
	struct request req;
	struct buf out = BUF_INIT;

	ck_assert_int_eq(request_parse(&req, envp), 0);
	ck_assert_int_eq(request_query(&req, "a", &out), 1);
	ck_assert_str_eq(out.data, "1");
	ck_assert_int_eq(request_query(&req, "b", &out), 1);
	ck_assert_str_eq(out.data, "hello world");
	ck_assert_int_eq(request_query(&req, "c", &out), 1);
	ck_assert_str_eq(out.data, "x y");
	ck_assert_int_eq(request_query(&req, "d", &out), 1);
	ck_assert_str_eq(out.data, "");
	ck_assert_int_eq(request_query(&req, "e", &out), 1);
	ck_assert_str_eq(out.data, "");
	ck_assert_int_eq(request_query(&req, "g", &out), 1);
	ck_assert_str_eq(out.data, "AB");
	ck_assert_int_eq(request_query(&req, "h k", &out), 1);
	ck_assert_str_eq(out.data, "v");
	ck_assert_int_eq(request_query(&req, "f", &out), -1);
	ck_assert_int_eq(request_query(&req, "t", &out), -1);
	ck_assert_int_eq(request_query(&req, "missing", &out), 0);
	ck_assert_int_eq(request_query(&req, "", &out), 0);
	request_free(&req);
	buf_free(&out);
}
END_TEST

START_TEST(test_query_nul_refused)
{
	char *envp[] = { "REQUEST_URI=/q?n=a%00b", NULL };
	struct request req;
	struct buf out = BUF_INIT;

	ck_assert_int_eq(request_parse(&req, envp), 0);
	ck_assert_int_eq(request_query(&req, "n", &out), -1);
	request_free(&req);
	buf_free(&out);
}
END_TEST

START_TEST(test_headers)
{
	char *envp[] = {
		"REQUEST_URI=/", "HTTP_X_REQUEST_ID=abc-123", "HTTP_ACCEPT=application/json",
		"CONTENT_TYPE=text/csv", "CONTENT_LENGTH=0", "HTTP_X_FORWARDED_FOR_SOMETHING=no", NULL,
	};
	struct request req;

	ck_assert_int_eq(request_parse(&req, envp), 0);
	ck_assert_str_eq(request_header(&req, "X-Request-Id"), "abc-123");
	ck_assert_str_eq(request_header(&req, "x-request-id"), "abc-123");
	ck_assert_str_eq(request_header(&req, "Accept"), "application/json");
	ck_assert_str_eq(request_header(&req, "Content-Type"), "text/csv");
	ck_assert_str_eq(request_header(&req, "Content-Length"), "0");
	ck_assert_ptr_null(request_header(&req, "X-Forwarded-For"));
	ck_assert_ptr_null(request_header(&req, "Authorization"));
	ck_assert_str_eq(request_param(&req, "CONTENT_TYPE"), "text/csv");
	ck_assert_ptr_null(request_param(&req, "CONTENT"));
	ck_assert_ptr_null(request_param(&req, "REQUEST"));
	request_free(&req);
}
END_TEST

START_TEST(test_body_too_large)
{
	char *envp[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/upload", "CONTENT_LENGTH=2000", NULL };
	struct request req;

	ck_assert_int_eq(request_parse(&req, envp), 0);
	ck_assert_int_eq(request_read_body(&req, 1999), 413);
	ck_assert_uint_eq(req.body.len, 0);
	request_free(&req);

	ck_assert_int_eq(request_parse(&req, envp), 0);
	ck_assert_int_eq(request_read_body(&req, 2000), 0);
	request_free(&req);
}
END_TEST

START_TEST(test_body_absent)
{
	char *envp[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/upload", NULL };
	struct request req;

	ck_assert_int_eq(request_parse(&req, envp), 0);
	ck_assert_int_eq(request_read_body(&req, 10), 0);
	ck_assert_int_eq(req.body_read, 1);
	ck_assert_uint_eq(req.body.len, 0);
	request_free(&req);
}
END_TEST

START_TEST(test_url_decode)
{
	struct buf out = BUF_INIT;

	ck_assert_int_eq(url_decode("a+b%2B", 6, 1, &out), 0);
	ck_assert_str_eq(out.data, "a b+");
	ck_assert_int_eq(url_decode("a+b%2B", 6, 0, &out), 0);
	ck_assert_str_eq(out.data, "a+b+");
	ck_assert_int_eq(url_decode("%7e%7E", 6, 0, &out), 0);
	ck_assert_str_eq(out.data, "~~");
	/* Only n bytes are read: the escape is cut short. */
	ck_assert_int_eq(url_decode("%41", 2, 0, &out), -1);
	ck_assert_int_eq(url_decode("", 0, 0, &out), 0);
	ck_assert_str_eq(out.data, "");
	buf_free(&out);
}
END_TEST

Suite *request_suite(void)
{
	Suite *s = suite_create("request");
	TCase *tc = tcase_create("parse");
	TCase *tc_in = tcase_create("inputs");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_method_path_query);
	tcase_add_test(tc, test_other_methods);
	tcase_add_test(tc, test_query_from_query_string);
	tcase_add_test(tc, test_uri_fallbacks);
	tcase_add_test(tc, test_bad_path_400);
	tcase_add_test(tc, test_long_path_414);
	tcase_add_test(tc, test_content_length);
	tcase_add_test(tc, test_request_id_kept);
	tcase_add_test(tc, test_request_id_replaced);
	tcase_add_test(tc, test_request_id_generated);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tc_in, setup, NULL);
	tcase_add_test(tc_in, test_query_decoding);
	tcase_add_test(tc_in, test_query_nul_refused);
	tcase_add_test(tc_in, test_headers);
	tcase_add_test(tc_in, test_body_too_large);
	tcase_add_test(tc_in, test_body_absent);
	tcase_add_test(tc_in, test_url_decode);
	suite_add_tcase(s, tc_in);
	return s;
}
