/* check_router: router_match on static, parameter and competing patterns, and the Allow value. */
#include "ac-config.h"

#include "router.h"
#include "suites.h"

#include <stdlib.h>
#include <string.h>

static void dummy_handler(struct request *req, struct response *res)
{
	(void)req;
	(void)res;
}

#define ROW(m, p) { m, p, dummy_handler, ROLE_NONE, RATE_DEFAULT, 0 }

/* The test table, with the parameter route before the literal it competes with. */
static const struct route param_first[] = {
	ROW(HTTP_GET, "/health"),                        /* 0 */
	ROW(HTTP_GET, "/api/items"),                     /* 1 */
	ROW(HTTP_POST, "/api/items"),                    /* 2 */
	ROW(HTTP_GET, "/api/items/{id}"),                /* 3 */
	ROW(HTTP_DELETE, "/api/items/{id}"),             /* 4 */
	ROW(HTTP_GET, "/api/items/recent"),              /* 5 */
	ROW(HTTP_GET, "/api/items/{id}/parts/{part}"),   /* 6 */
	ROW(HTTP_GET, "/"),                              /* 7 */
};

/* The same routes with the literal first. */
static const struct route literal_first[] = {
	ROW(HTTP_GET, "/api/items/recent"),              /* 0 */
	ROW(HTTP_GET, "/api/items/{id}/parts/{part}"),   /* 1 */
	ROW(HTTP_GET, "/api/items/{id}"),                /* 2 */
	ROW(HTTP_DELETE, "/api/items/{id}"),             /* 3 */
	ROW(HTTP_GET, "/api/items"),                     /* 4 */
	ROW(HTTP_POST, "/api/items"),                    /* 5 */
	ROW(HTTP_GET, "/health"),                        /* 6 */
	ROW(HTTP_GET, "/"),                              /* 7 */
};

#define NROWS (sizeof param_first / sizeof param_first[0])
#define BIT(m) (1u << (m))

static struct route_match m;

/* Matches against the param-first table. */
static enum router_result match(enum http_method method, const char *path)
{
	return router_match(param_first, NROWS, method, path, &m);
}

/* The pattern of the route m points at, or "(none)". */
static const char *matched_pattern(const struct route *table)
{
	return m.route >= 0 ? table[m.route].pattern : "(none)";
}

START_TEST(test_static_routes)
{
	ck_assert_int_eq(match(HTTP_GET, "/health"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 0);
	ck_assert_int_eq(m.nparams, 0);
	ck_assert_int_eq(match(HTTP_GET, "/api/items"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 1);
	ck_assert_int_eq(match(HTTP_POST, "/api/items"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 2);
	ck_assert_int_eq(match(HTTP_GET, "/"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 7);
}
END_TEST

START_TEST(test_parameters)
{
	ck_assert_int_eq(match(HTTP_GET, "/api/items/42"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 3);
	ck_assert_int_eq(m.nparams, 1);
	ck_assert_str_eq(route_param(&m, "id"), "42");

	ck_assert_int_eq(match(HTTP_DELETE, "/api/items/42"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 4);
	ck_assert_str_eq(route_param(&m, "id"), "42");

	ck_assert_int_eq(match(HTTP_GET, "/api/items/7/parts/wheel"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 6);
	ck_assert_int_eq(m.nparams, 2);
	ck_assert_str_eq(route_param(&m, "id"), "7");
	ck_assert_str_eq(route_param(&m, "part"), "wheel");
}
END_TEST

START_TEST(test_literal_beats_parameter)
{
	ck_assert_int_eq(router_match(param_first, NROWS, HTTP_GET, "/api/items/recent", &m), ROUTER_FOUND);
	ck_assert_str_eq(matched_pattern(param_first), "/api/items/recent");
	ck_assert_int_eq(m.nparams, 0);
	ck_assert_ptr_null(route_param(&m, "id"));

	ck_assert_int_eq(router_match(literal_first, NROWS, HTTP_GET, "/api/items/recent", &m), ROUTER_FOUND);
	ck_assert_str_eq(matched_pattern(literal_first), "/api/items/recent");
	ck_assert_int_eq(m.nparams, 0);

	/* And the parameter route still gets everything else. */
	ck_assert_int_eq(router_match(literal_first, NROWS, HTTP_GET, "/api/items/older", &m), ROUTER_FOUND);
	ck_assert_str_eq(matched_pattern(literal_first), "/api/items/{id}");
	ck_assert_str_eq(route_param(&m, "id"), "older");
}
END_TEST

START_TEST(test_not_found)
{
	static const char *const paths[] = {
		"/nope", "/api/items/", "/api", "/api/", "/health/", "//health", "/healthz", "/HEALTH",
		"/api/items/7/parts", "/api/items/7/parts/", "/api/items//parts/x", "/api/items/7/parts/x/y",
		"", "health",
	};

	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		enum router_result r = match(HTTP_GET, paths[i]);
		ck_assert_msg(r == ROUTER_NOT_FOUND, "\"%s\": %d, route %d", paths[i], r, m.route);
		ck_assert_int_eq(m.route, -1);
		ck_assert_uint_eq(m.allow, 0);
	}
}
END_TEST

START_TEST(test_too_long_not_found)
{
	char *path = malloc(ROUTER_PATH_MAX + 1);

	ck_assert_ptr_nonnull(path);
	path[0] = '/';
	memset(path + 1, 'a', ROUTER_PATH_MAX - 1);
	path[ROUTER_PATH_MAX] = '\0';
	ck_assert_int_eq(match(HTTP_GET, path), ROUTER_NOT_FOUND);
	free(path);
}
END_TEST

START_TEST(test_method_not_allowed)
{
	ck_assert_int_eq(match(HTTP_DELETE, "/health"), ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_int_eq(m.route, -1);
	ck_assert_uint_eq(m.allow, BIT(HTTP_GET) | BIT(HTTP_HEAD));

	ck_assert_int_eq(match(HTTP_PUT, "/api/items"), ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_uint_eq(m.allow, BIT(HTTP_GET) | BIT(HTTP_HEAD) | BIT(HTTP_POST));

	ck_assert_int_eq(match(HTTP_POST, "/api/items/9"), ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_uint_eq(m.allow, BIT(HTTP_GET) | BIT(HTTP_HEAD) | BIT(HTTP_DELETE));
}
END_TEST

START_TEST(test_allow_filled_when_found)
{
	ck_assert_int_eq(match(HTTP_GET, "/api/items"), ROUTER_FOUND);
	ck_assert_uint_eq(m.allow, BIT(HTTP_GET) | BIT(HTTP_HEAD) | BIT(HTTP_POST));
}
END_TEST

START_TEST(test_head_matches_get)
{
	ck_assert_int_eq(match(HTTP_HEAD, "/health"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 0);
	ck_assert_int_eq(match(HTTP_HEAD, "/api/items/5"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 3);
	ck_assert_str_eq(route_param(&m, "id"), "5");
	ck_assert_int_eq(match(HTTP_HEAD, "/api/items/recent"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 5);
}
END_TEST

START_TEST(test_head_without_get)
{
	static const struct route post_only[] = { ROW(HTTP_POST, "/submit") };

	ck_assert_int_eq(router_match(post_only, 1, HTTP_HEAD, "/submit", &m), ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_uint_eq(m.allow, BIT(HTTP_POST));
}
END_TEST

/* The Allow value for a mask, in a fresh buffer the caller frees. */
static void allow_value(unsigned allow, struct buf *out)
{
	buf_reset(out);
	router_allow_value(allow, out);
	ck_assert_ptr_nonnull(out->data);
}

START_TEST(test_allow_value)
{
	struct buf out = BUF_INIT;

	ck_assert_int_eq(match(HTTP_DELETE, "/health"), ROUTER_METHOD_NOT_ALLOWED);
	allow_value(m.allow, &out);
	ck_assert_str_eq(out.data, "GET, HEAD, OPTIONS");

	ck_assert_int_eq(match(HTTP_PUT, "/api/items"), ROUTER_METHOD_NOT_ALLOWED);
	allow_value(m.allow, &out);
	ck_assert_str_eq(out.data, "GET, HEAD, POST, OPTIONS");

	ck_assert_int_eq(match(HTTP_PUT, "/api/items/1"), ROUTER_METHOD_NOT_ALLOWED);
	allow_value(m.allow, &out);
	ck_assert_str_eq(out.data, "GET, HEAD, DELETE, OPTIONS");

	allow_value(0, &out);
	ck_assert_str_eq(out.data, "OPTIONS");
	buf_free(&out);
}
END_TEST

START_TEST(test_parameter_decoding)
{
	ck_assert_int_eq(match(HTTP_GET, "/api/items/%41"), ROUTER_FOUND);
	ck_assert_str_eq(route_param(&m, "id"), "A");
	ck_assert_int_eq(match(HTTP_GET, "/api/items/x%2fy%20z"), ROUTER_FOUND);
	ck_assert_str_eq(route_param(&m, "id"), "x/y z");
	ck_assert_int_eq(match(HTTP_GET, "/api/items/%e2%82%AC/parts/b%41"), ROUTER_FOUND);
	ck_assert_str_eq(route_param(&m, "id"), "\xe2\x82\xac");
	ck_assert_str_eq(route_param(&m, "part"), "bA");
	/* An escaped literal is not the literal. */
	ck_assert_int_eq(match(HTTP_GET, "/api/items/rec%65nt"), ROUTER_FOUND);
	ck_assert_int_eq(m.route, 3);
	ck_assert_str_eq(route_param(&m, "id"), "recent");
}
END_TEST

START_TEST(test_bad_parameter)
{
	static const char *const paths[] = {
		"/api/items/%00", "/api/items/a%00b", "/api/items/%zz", "/api/items/%4", "/api/items/%",
		"/api/items/ok/parts/%00",
	};

	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		enum router_result r = match(HTTP_GET, paths[i]);
		ck_assert_msg(r == ROUTER_BAD_PATH, "\"%s\": %d", paths[i], r);
		ck_assert_int_eq(m.route, -1);
	}
}
END_TEST

START_TEST(test_route_param_unknown)
{
	ck_assert_int_eq(match(HTTP_GET, "/api/items/7/parts/wheel"), ROUTER_FOUND);
	ck_assert_ptr_null(route_param(&m, "nope"));
	ck_assert_ptr_null(route_param(&m, "i"));
	ck_assert_ptr_null(route_param(&m, "idx"));
	ck_assert_ptr_null(route_param(&m, "{id}"));
	ck_assert_ptr_null(route_param(&m, ""));
	ck_assert_int_eq(match(HTTP_GET, "/health"), ROUTER_FOUND);
	ck_assert_ptr_null(route_param(&m, "id"));
}
END_TEST

/* An explicit HEAD route, not the GET route, answers HEAD, whatever the
 * order of the table. */
START_TEST(test_explicit_head_route_beats_get_in_any_order)
{
	static const struct route get_first[] = { ROW(HTTP_GET, "/file"), ROW(HTTP_HEAD, "/file") };
	static const struct route head_first[] = { ROW(HTTP_HEAD, "/file"), ROW(HTTP_GET, "/file") };

	ck_assert_int_eq(router_match(head_first, 2, HTTP_HEAD, "/file", &m), ROUTER_FOUND);
	ck_assert_int_eq(head_first[m.route].method, HTTP_HEAD);
	ck_assert_int_eq(router_match(get_first, 2, HTTP_HEAD, "/file", &m), ROUTER_FOUND);
	ck_assert_msg(get_first[m.route].method == HTTP_HEAD,
	              "HEAD /file went to the GET row");
}
END_TEST

Suite *router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("match");
	TCase *tc_allow = tcase_create("allow");

	tcase_add_test(tc, test_static_routes);
	tcase_add_test(tc, test_parameters);
	tcase_add_test(tc, test_literal_beats_parameter);
	tcase_add_test(tc, test_not_found);
	tcase_add_test(tc, test_too_long_not_found);
	tcase_add_test(tc, test_head_matches_get);
	tcase_add_test(tc, test_head_without_get);
	tcase_add_test(tc, test_parameter_decoding);
	tcase_add_test(tc, test_bad_parameter);
	tcase_add_test(tc, test_route_param_unknown);
	tcase_add_test(tc, test_explicit_head_route_beats_get_in_any_order);
	suite_add_tcase(s, tc);
	tcase_add_test(tc_allow, test_method_not_allowed);
	tcase_add_test(tc_allow, test_allow_filled_when_found);
	tcase_add_test(tc_allow, test_allow_value);
	suite_add_tcase(s, tc_allow);
	return s;
}
