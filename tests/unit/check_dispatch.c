/* check_dispatch: the one place that checks a request's preconditions
 * before a handler runs (routing, methods, the status socket, body size). */
#include "ac-config.h"

#include "app.h"
#include "suites.h"

#include <json-c/json.h>
#include <string.h>

static int handler_calls;

static void h_ok(struct request *req, struct response *res)
{
	(void)req;
	handler_calls++;
	res_json_text(res, 200, "{\"ok\":true}");
}

static void h_silent(struct request *req, struct response *res)
{
	(void)req;
	(void)res;
	handler_calls++;
}

static const struct route table[] = {
	{ HTTP_GET, "/health", h_ok, ROLE_NONE, RATE_NONE, ROUTE_OPS },
	{ HTTP_GET, "/api/things", h_ok, ROLE_NONE, RATE_NONE, 0 },
	{ HTTP_POST, "/api/things", h_ok, ROLE_NONE, RATE_NONE, 0 },
	{ HTTP_GET, "/api/silent", h_silent, ROLE_NONE, RATE_NONE, 0 },
	{ HTTP_GET, "/api/mine", h_ok, ROLE_NONE, RATE_NONE, ROUTE_AUTH },
	{ HTTP_POST, "/api/hook", h_ok, ROLE_NONE, RATE_NONE, ROUTE_WEBHOOK },
};

static struct config cfg;
static struct app app;
static struct request req;
static struct response res;

/* Dispatches METHOD PATH (with an optional Content-Length) on a responder
 * of the given kind and returns the status. */
static int run(int kind, const char *method, const char *path, const char *content_length)
{
	static char m[32], u[256], cl[64];
	char *envp[4] = { m, u, NULL, NULL };

	snprintf(m, sizeof m, "REQUEST_METHOD=%s", method);
	snprintf(u, sizeof u, "REQUEST_URI=%s", path);
	if (content_length != NULL) {
		snprintf(cl, sizeof cl, "CONTENT_LENGTH=%s", content_length);
		envp[2] = cl;
	}
	request_free(&req);
	response_free(&res);
	ck_assert_int_eq(request_parse(&req, envp), 0);
	response_init(&res, req.request_id);
	memset(&app, 0, sizeof app);
	app.cfg = &cfg;
	app.kind = kind;
	app.routes = table;
	app.nroutes = sizeof table / sizeof table[0];
	dispatch(&app, &req, &res);
	return res.status;
}

static const char *error_code(void)
{
	static char code[64];
	struct json_object *o = json_tokener_parse(res.body.data), *e, *c;

	code[0] = '\0';
	if (o != NULL && json_object_object_get_ex(o, "error", &e) && json_object_object_get_ex(e, "code", &c))
		snprintf(code, sizeof code, "%s", json_object_get_string(c));
	json_object_put(o);
	return code;
}

static void setup(void)
{
	request_id_seed();
	memset(&req, 0, sizeof req);
	memset(&res, 0, sizeof res);
	memset(&cfg, 0, sizeof cfg);
	cfg.api_max_body_bytes = 1000;
	cfg.webhook_max_body_bytes = 100;
	handler_calls = 0;
}

static void teardown(void)
{
	request_free(&req);
	response_free(&res);
}

START_TEST(test_found_runs_handler)
{
	ck_assert_int_eq(run(SLOT_POOL, "GET", "/api/things", NULL), 200);
	ck_assert_int_eq(handler_calls, 1);
	ck_assert_ptr_eq(req.route, &table[1]);
}
END_TEST

START_TEST(test_not_found)
{
	ck_assert_int_eq(run(SLOT_POOL, "GET", "/api/nothing", NULL), 404);
	ck_assert_str_eq(error_code(), "not_found");
	ck_assert_int_eq(handler_calls, 0);
}
END_TEST

START_TEST(test_method_not_allowed_has_allow)
{
	ck_assert_int_eq(run(SLOT_POOL, "DELETE", "/api/things", NULL), 405);
	ck_assert_str_eq(error_code(), "method_not_allowed");
	ck_assert_ptr_nonnull(strstr(res.headers.data, "Allow: GET, HEAD, POST, OPTIONS\r\n"));
	ck_assert_int_eq(handler_calls, 0);
}
END_TEST

START_TEST(test_options_is_204_with_allow)
{
	ck_assert_int_eq(run(SLOT_POOL, "OPTIONS", "/health", NULL), 204);
	ck_assert_ptr_nonnull(strstr(res.headers.data, "Allow: GET, HEAD, OPTIONS\r\n"));
	ck_assert_int_eq(handler_calls, 0);
}
END_TEST

START_TEST(test_head_runs_get_handler)
{
	ck_assert_int_eq(run(SLOT_POOL, "HEAD", "/api/things", NULL), 200);
	ck_assert_int_eq(handler_calls, 1);
}
END_TEST

START_TEST(test_status_socket_serves_ops_routes_only)
{
	ck_assert_int_eq(run(SLOT_STATUS, "GET", "/health", NULL), 200);
	ck_assert_int_eq(run(SLOT_STATUS, "GET", "/api/things", NULL), 404);
	ck_assert_str_eq(error_code(), "not_found");
	/* Not even a method hint about a route it does not serve. */
	ck_assert_int_eq(run(SLOT_STATUS, "DELETE", "/api/things", NULL), 404);
	ck_assert_int_eq(handler_calls, 1);
}
END_TEST

START_TEST(test_body_over_limit_is_413_before_handler)
{
	ck_assert_int_eq(run(SLOT_POOL, "POST", "/api/things", "1001"), 413);
	ck_assert_str_eq(error_code(), "payload_too_large");
	ck_assert_int_eq(handler_calls, 0);
	ck_assert_int_eq(run(SLOT_POOL, "POST", "/api/things", "1000"), 200);
	ck_assert_int_eq(handler_calls, 1);
}
END_TEST

/* A route of role none with ROUTE_AUTH still needs an identity. */
START_TEST(test_route_auth_needs_an_identity)
{
	ck_assert_int_eq(run(SLOT_POOL, "GET", "/api/mine", NULL), 401);
	ck_assert_str_eq(error_code(), "unauthorized");
	ck_assert_int_eq(handler_calls, 0);
}
END_TEST

/* A webhook route has its own, smaller body limit. */
START_TEST(test_webhook_body_limit)
{
	ck_assert_int_eq(run(SLOT_POOL, "POST", "/api/hook", "101"), 413);
	ck_assert_str_eq(error_code(), "payload_too_large");
	ck_assert_int_eq(handler_calls, 0);
	ck_assert_int_eq(run(SLOT_POOL, "POST", "/api/hook", "100"), 200);
	ck_assert_int_eq(handler_calls, 1);
}
END_TEST

START_TEST(test_handler_without_status_is_500)
{
	ck_assert_int_eq(run(SLOT_POOL, "GET", "/api/silent", NULL), 500);
	ck_assert_str_eq(error_code(), "internal_error");
	ck_assert_int_eq(handler_calls, 1);
}
END_TEST

Suite *dispatch_suite(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("preconditions");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_found_runs_handler);
	tcase_add_test(tc, test_not_found);
	tcase_add_test(tc, test_method_not_allowed_has_allow);
	tcase_add_test(tc, test_options_is_204_with_allow);
	tcase_add_test(tc, test_head_runs_get_handler);
	tcase_add_test(tc, test_status_socket_serves_ops_routes_only);
	tcase_add_test(tc, test_body_over_limit_is_413_before_handler);
	tcase_add_test(tc, test_handler_without_status_is_500);
	tcase_add_test(tc, test_route_auth_needs_an_identity);
	tcase_add_test(tc, test_webhook_body_limit);
	suite_add_tcase(s, tc);
	return s;
}
