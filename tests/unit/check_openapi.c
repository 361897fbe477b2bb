/* check_openapi: the compiled-in OpenAPI document against the dispatch
 * table, both ways: every route is an operation and every operation a
 * route, with the operationId of its handler's C name, the security and
 * x-sentia-role of its role (and ROUTE_AUTH), and the error responses its
 * row and the gate can give, each in the one error shape. And the page
 * made from it. */
#include "ac-config.h"

#include "auth.h"
#include "openapi.h"
#include "routes.h"
#include "suites.h"
#include "template.h"

#include <dlfcn.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* The methods an OpenAPI path item may hold. */
static const char *const oa_methods[] = { "get", "put", "post", "delete", "options", "head", "patch", "trace" };

static struct json_object *doc;

static void setup(void)
{
	doc = json_tokener_parse(openapi_json);
	ck_assert_msg(doc != NULL, "openapi/openapi.json does not parse");
}

static void teardown(void)
{
	json_object_put(doc);
	doc = NULL;
}

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

static const char *text_of(struct json_object *o, const char *k)
{
	struct json_object *v = member(o, k);

	return v != NULL && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A route's method as OpenAPI writes it ("get"). */
static const char *oa_method(enum http_method m)
{
	static char lower[16];
	const char *name = http_method_name(m);
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < sizeof lower; i++)
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	lower[i] = '\0';
	return lower;
}

/* The operation of a route in the document, or NULL. */
static struct json_object *operation(const struct route *r)
{
	return member(member(member(doc, "paths"), r->pattern), oa_method(r->method));
}

/* Resolves "#/components/<kind>/<name>"; o itself when it has no $ref. */
static struct json_object *deref(struct json_object *o)
{
	const char *ref = text_of(o, "$ref");
	char kind[64], name[128];

	if (ref == NULL)
		return o;
	if (sscanf(ref, "#/components/%63[^/]/%127s", kind, name) != 2)
		return NULL;
	return member(member(member(doc, "components"), kind), name);
}

/* The response an operation lists for status, resolved, or NULL. */
static struct json_object *response(struct json_object *op, const char *status)
{
	return deref(member(member(op, "responses"), status));
}

START_TEST(test_document_is_openapi_3_1)
{
	ck_assert_str_eq(text_of(doc, "openapi"), "3.1.0");
	ck_assert_ptr_nonnull(text_of(member(doc, "info"), "title"));
	ck_assert_uint_eq(openapi_json_len, strlen(openapi_json));
	/* The error shape the operations refer to is the one res_error writes. */
	ck_assert_ptr_nonnull(member(member(member(member(doc, "components"), "schemas"), "Error"), "properties"));
}
END_TEST

/* Every route of the table is an operation of the document. */
START_TEST(test_every_route_is_documented)
{
	for (size_t i = 0; i < nroutes; i++)
		ck_assert_msg(operation(&routes[i]) != NULL, "%s %s is in the dispatch table but not in openapi/openapi.json",
		              http_method_name(routes[i].method), routes[i].pattern);
}
END_TEST

/* Every operation of the document is a route of the table. */
START_TEST(test_every_operation_is_a_route)
{
	size_t ops = 0;

	json_object_object_foreach(member(doc, "paths"), path, item) {
		json_object_object_foreach(item, key, val) {
			size_t m, i;

			(void)val;
			for (m = 0; m < sizeof oa_methods / sizeof oa_methods[0] && strcmp(oa_methods[m], key) != 0; m++)
				;
			if (m == sizeof oa_methods / sizeof oa_methods[0])
				continue;  /* "parameters", "summary", an x- member */
			ops++;
			for (i = 0; i < nroutes; i++)
				if (strcmp(routes[i].pattern, path) == 0 && strcmp(oa_method(routes[i].method), key) == 0)
					break;
			ck_assert_msg(i < nroutes, "openapi/openapi.json documents %s %s, which the dispatch table does not serve",
			              key, path);
		}
	}
	ck_assert_uint_eq(ops, nroutes);
}
END_TEST

/* operationId is the handler's C name (with a suffix when one handler
 * serves several routes), found through the program's symbol table. */
START_TEST(test_operation_ids_are_handler_names)
{
	for (size_t i = 0; i < nroutes; i++) {
		const struct route *r = &routes[i];
		const char *id = text_of(operation(r), "operationId");
		Dl_info info;
		size_t n, shared = 0;

		if (operation(r) == NULL)
			continue;  /* test_every_route_is_documented names it */
		ck_assert_msg(id != NULL, "%s %s has no operationId", http_method_name(r->method), r->pattern);
		ck_assert_msg(dladdr((const void *)(size_t)r->handler, &info) != 0 && info.dli_sname != NULL,
		              "no symbol for the handler of %s", r->pattern);
		for (size_t k = 0; k < nroutes; k++)
			shared += routes[k].handler == r->handler;
		n = strlen(info.dli_sname);
		ck_assert_msg(strcmp(id, info.dli_sname) == 0
		              || (shared > 1 && strncmp(id, info.dli_sname, n) == 0 && id[n] == '_' && id[n + 1] != '\0'),
		              "%s %s: operationId %s is not its handler's name %s", http_method_name(r->method), r->pattern, id,
		              info.dli_sname);
		for (size_t k = 0; k < i; k++)
			ck_assert_msg(text_of(operation(&routes[k]), "operationId") == NULL
			              || strcmp(text_of(operation(&routes[k]), "operationId"), id) != 0,
			              "operationId %s is used twice", id);
	}
}
END_TEST

/* Whether a security requirement array is exactly bearer or API key. */
static int bearer_or_api_key(struct json_object *sec)
{
	int bearer = 0, key = 0;

	if (sec == NULL || !json_object_is_type(sec, json_type_array) || json_object_array_length(sec) != 2)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		struct json_object *req = json_object_array_get_idx(sec, i), *scopes;

		if (json_object_object_length(req) != 1)
			return 0;
		if ((scopes = member(req, "bearerAuth")) != NULL)
			bearer++;
		else if ((scopes = member(req, "apiKeyAuth")) != NULL)
			key++;
		if (scopes == NULL || json_object_array_length(scopes) != 0)
			return 0;
	}
	return bearer == 1 && key == 1;
}

/* Whether the gate asks a route for an identity: a role, or ROUTE_AUTH
 * (role none, but signed in; the handler decides what it may see). */
static int needs_identity(const struct route *r)
{
	return r->role != ROLE_NONE || (r->flags & ROUTE_AUTH) != 0;
}

/* security and x-sentia-role follow the route's role: no credentials only
 * where the gate asks for no identity. */
START_TEST(test_security_follows_the_role)
{
	struct json_object *schemes = member(member(doc, "components"), "securitySchemes");

	ck_assert_str_eq(text_of(member(schemes, "bearerAuth"), "scheme"), "bearer");
	ck_assert_str_eq(text_of(member(schemes, "bearerAuth"), "bearerFormat"), "JWT");
	ck_assert_str_eq(text_of(member(schemes, "apiKeyAuth"), "name"), "X-API-Key");
	for (size_t i = 0; i < nroutes; i++) {
		const struct route *r = &routes[i];
		struct json_object *op = operation(r), *sec = member(op, "security");
		const char *role = text_of(op, "x-sentia-role");

		if (op == NULL)
			continue;
		ck_assert_msg(role != NULL && strcmp(role, role_name((int)r->role)) == 0,
		              "%s %s: x-sentia-role is %s, the table says %s", http_method_name(r->method), r->pattern,
		              role != NULL ? role : "(none)", role_name((int)r->role));
		if (!needs_identity(r))
			ck_assert_msg(sec != NULL && json_object_is_type(sec, json_type_array) && json_object_array_length(sec) == 0,
			              "%s %s needs no credentials: its security must be []", http_method_name(r->method), r->pattern);
		else if (r->role == ROLE_NONE)
			ck_assert_msg(bearer_or_api_key(sec), "%s %s needs an identity (ROUTE_AUTH): its security must be bearerAuth or apiKeyAuth",
			              http_method_name(r->method), r->pattern);
		else
			ck_assert_msg(bearer_or_api_key(sec), "%s %s needs the %s role: its security must be bearerAuth or apiKeyAuth",
			              http_method_name(r->method), r->pattern, role_name((int)r->role));
	}
}
END_TEST

/* Whether a path pattern has a {parameter}. */
static int has_param(const char *pattern)
{
	return strchr(pattern, '{') != NULL;
}

/* The statuses the gate and the dispatcher can give a route, from its row,
 * are listed. */
START_TEST(test_gate_statuses_are_listed)
{
	for (size_t i = 0; i < nroutes; i++) {
		const struct route *r = &routes[i];
		struct json_object *op = operation(r);
		const char *what = r->pattern;

		if (op == NULL)
			continue;
#define NEEDS(status, why) \
	ck_assert_msg(response(op, status) != NULL, "%s %s must list %s: %s", http_method_name(r->method), what, status, why)
		if (needs_identity(r)) {
			NEEDS("401", "it needs credentials");
			ck_assert_msg(member(member(response(op, "401"), "headers"), "WWW-Authenticate") != NULL,
			              "%s %s: its 401 must carry the gate's WWW-Authenticate challenge", http_method_name(r->method), what);
			NEEDS("429", "an address can be locked out");
		}
		if (r->role != ROLE_NONE)
			NEEDS("403", "it needs a role");
		if (r->flags & ROUTE_WEBHOOK)
			NEEDS("401", "a delivery whose signature does not hold is refused");
		if (r->rate != RATE_NONE)
			NEEDS("429", "it is rate-limited");
		if (r->flags & ROUTE_METRICS)
			NEEDS("403", "it is served to METRICS_ALLOWED_IPS only");
		if (!(r->flags & ROUTE_PROBE))
			NEEDS("503", "maintenance mode answers it");
		if (r->method == HTTP_POST || r->method == HTTP_PUT || r->method == HTTP_PATCH) {
			/* The limit the dispatcher applies to the route's body. */
			const char *limit = r->flags & ROUTE_UPLOAD    ? "IMPORT_MAX_BYTES"
			                    : r->flags & ROUTE_WEBHOOK ? "WEBHOOK_MAX_BODY_BYTES"
			                                               : "API_MAX_BODY_BYTES";
			const char *desc;

			NEEDS("413", "its body has a limit");
			desc = text_of(response(op, "413"), "description");
			ck_assert_msg(desc != NULL && strstr(desc, limit) != NULL, "%s %s: its 413 must name its limit, %s",
			              http_method_name(r->method), what, limit);
		}
		if (has_param(r->pattern))
			NEEDS("400", "a path parameter may not decode");
		/* Every JSON 200 to a GET gets an ETag, and so a 304. */
		if (r->method == HTTP_GET && member(member(response(op, "200"), "content"), "application/json") != NULL)
			NEEDS("304", "its JSON answer carries an ETag");
#undef NEEDS
	}
}
END_TEST

/* Every 4xx and 5xx is the one error shape, but where a response says why
 * not (x-sentia-own-shape: /ready's report). */
START_TEST(test_errors_have_the_error_shape)
{
	for (size_t i = 0; i < nroutes; i++) {
		const struct route *r = &routes[i];
		struct json_object *responses = member(operation(r), "responses");

		if (responses == NULL)
			continue;
		json_object_object_foreach(responses, status, val) {
			struct json_object *resp = deref(val), *schema;

			ck_assert_msg(resp != NULL, "%s %s %s: its $ref leads nowhere", http_method_name(r->method), r->pattern, status);
			if (status[0] != '4' && status[0] != '5')
				continue;
			if (text_of(resp, "x-sentia-own-shape") != NULL)
				continue;
			schema = member(member(member(resp, "content"), "application/json"), "schema");
			ck_assert_msg(text_of(schema, "$ref") != NULL && strcmp(text_of(schema, "$ref"), "#/components/schemas/Error") == 0,
			              "%s %s %s is not the shared error shape (#/components/schemas/Error)",
			              http_method_name(r->method), r->pattern, status);
		}
	}
}
END_TEST

/* Each {name} of a pattern is a path parameter of its operation. */
START_TEST(test_path_parameters_are_declared)
{
	for (size_t i = 0; i < nroutes; i++) {
		const char *p = routes[i].pattern;

		while (operation(&routes[i]) != NULL && (p = strchr(p, '{')) != NULL) {
			const char *end = strchr(p, '}');
			struct json_object *params = member(operation(&routes[i]), "parameters");
			int found = 0;

			ck_assert_ptr_nonnull(end);
			for (size_t k = 0; params != NULL && k < json_object_array_length(params); k++) {
				struct json_object *prm = deref(json_object_array_get_idx(params, k));
				const char *name = text_of(prm, "name"), *in = text_of(prm, "in");

				found |= name != NULL && in != NULL && strcmp(in, "path") == 0 && strlen(name) == (size_t)(end - p - 1)
				         && strncmp(name, p + 1, (size_t)(end - p - 1)) == 0;
			}
			ck_assert_msg(found, "%s: its parameter %.*s is not declared", routes[i].pattern, (int)(end - p + 1), p);
			p = end;
		}
	}
}
END_TEST

/* The page shows every route, escapes what it shows, and loads nothing. */
START_TEST(test_docs_page)
{
	struct template_html page = TEMPLATE_HTML_INIT;
	struct buf why = BUF_INIT, want = BUF_INIT;

	ck_assert_msg(docs_page_render(&page, &why) == 0, "the page does not render: %s", why.data);
	buf_putc(&page.b, '\0');
	for (size_t i = 0; i < nroutes; i++) {
		char up[16];

		if (operation(&routes[i]) == NULL)
			continue;
		snprintf(up, sizeof up, "%s", http_method_name(routes[i].method));
		buf_reset(&want);
		buf_printf(&want, "id=\"op-%s\"", text_of(operation(&routes[i]), "operationId"));
		ck_assert_msg(strstr(page.b.data, want.data) != NULL, "the page has no section %s", want.data);
		buf_reset(&want);
		buf_printf(&want, "%s</span> <code class=\"path\">", up);
		html_escape(&want, routes[i].pattern);
		ck_assert_msg(strstr(page.b.data, want.data) != NULL, "the page does not show %s %s", up, routes[i].pattern);
	}
	/* Values are escaped: a description's quotes and the examples' JSON. */
	ck_assert_ptr_nonnull(strstr(page.b.data, "{&quot;error&quot;:{&quot;code&quot;"));
	ck_assert_ptr_nonnull(strstr(page.b.data, "<th>status</th>"));
	ck_assert_ptr_null(strstr(page.b.data, "{{"));
	ck_assert_ptr_null(strstr(page.b.data, "<script"));
	ck_assert_ptr_null(strstr(page.b.data, "src="));
	ck_assert_ptr_null(strstr(page.b.data, "http://"));
	ck_assert_ptr_null(strstr(page.b.data, "https://"));
	template_html_free(&page);
	buf_free(&why);
	buf_free(&want);
}
END_TEST

Suite *openapi_suite(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("openapi");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_document_is_openapi_3_1);
	tcase_add_test(tc, test_every_route_is_documented);
	tcase_add_test(tc, test_every_operation_is_a_route);
	tcase_add_test(tc, test_operation_ids_are_handler_names);
	tcase_add_test(tc, test_security_follows_the_role);
	tcase_add_test(tc, test_gate_statuses_are_listed);
	tcase_add_test(tc, test_errors_have_the_error_shape);
	tcase_add_test(tc, test_path_parameters_are_declared);
	tcase_add_test(tc, test_docs_page);
	suite_add_tcase(s, tc);
	return s;
}
