/* smoke: one table of checks, each a probe of the running instance and a
 * function judging its answer (see smoke.h). */
#include "ac-config.h"

#include "smoke.h"
#include "clock.h"
#include "httpc.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* Judges one answer: 0 when it passes, -1 when not; either way a short
 * description in detail. */
typedef int (*smoke_judge)(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail);

static int judge_health(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail);
static int judge_ready(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail);
static int judge_metrics(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail);
static int judge_status(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail);
static int judge_auth_required(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail);
static int judge_auth_read(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail);

/* The checks, in the order the guide gives them: name, path, whether the
 * token is sent (a check that needs one is skipped without it), judge. */
static const struct smoke_check {
	const char *name;
	const char *path;
	int with_token;
	smoke_judge judge;
} checks[] = {
	{ "health",             "/health",           0, judge_health },
	{ "ready",              "/ready",            0, judge_ready },
	{ "metrics",            "/metrics",          0, judge_metrics },
	{ "status",             "/api/status",       0, judge_status },
	{ "auth required",      "/api/data-sources", 0, judge_auth_required },
	{ "authenticated read", "/api/data-sources", 1, judge_auth_read },
};
#define NCHECKS (sizeof checks / sizeof checks[0])

/* The body as a JSON object (the caller puts it), or NULL with detail. */
static struct json_object *json_body(const struct httpc_response *res, struct buf *detail)
{
	struct json_object *o = json_tokener_parse(res->body.data);

	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		buf_puts(detail, "the body is not a JSON object");
		return NULL;
	}
	return o;
}

/* A string member of a JSON object, or "". */
static const char *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* An error answer's own message, for the detail column. */
static void error_detail(const struct httpc_response *res, struct buf *detail)
{
	struct json_object *o = json_tokener_parse(res->body.data), *e;

	if (o != NULL && json_object_object_get_ex(o, "error", &e) && json_object_is_type(e, json_type_object))
		buf_printf(detail, "%s: %s", member(e, "code"), member(e, "message"));
	else
		buf_printf(detail, "answered %d", res->status);
	json_object_put(o);
}

static int judge_health(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail)
{
	struct json_object *j;
	int ok;

	(void)o;
	if (res->status != 200) {
		error_detail(res, detail);
		return -1;
	}
	if ((j = json_body(res, detail)) == NULL)
		return -1;
	ok = strcmp(member(j, "status"), "healthy") == 0;
	buf_printf(detail, "%s", ok ? "healthy" : "status is not healthy");
	json_object_put(j);
	return ok ? 0 : -1;
}

static int judge_ready(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail)
{
	struct json_object *j, *checks_o, *schema, *v;
	int n = 0;

	(void)o;
	if ((res->status != 200 && res->status != 503) || (j = json_body(res, detail)) == NULL) {
		if (detail->len == 0)
			error_detail(res, detail);
		return -1;
	}
	/* Each check that is not ok, by name; all of them when ready. */
	if (json_object_object_get_ex(j, "checks", &checks_o) && json_object_is_type(checks_o, json_type_object)) {
		json_object_object_foreach(checks_o, key, val) {
			const char *s = json_object_get_string(val);

			if (res->status == 200 || strcmp(s, "ok") != 0)
				buf_printf(detail, "%s%s %s", n++ ? ", " : "", key, s);
		}
	}
	if (json_object_object_get_ex(j, "schema", &schema) && json_object_object_get_ex(schema, "version", &v))
		buf_printf(detail, "; schema %d", json_object_get_int(v));
	json_object_put(j);
	return res->status == 200 ? 0 : -1;
}

static int judge_metrics(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail)
{
	struct buf why = BUF_INIT;
	long n;

	(void)o;
	if (res->status != 200) {
		error_detail(res, detail);
		return -1;
	}
	n = smoke_metrics_parse(res->body.data, res->body.len, &why);
	if (n < 0) {
		buf_printf(detail, "does not parse: %s", why.data);
		buf_free(&why);
		return -1;
	}
	buf_free(&why);
	if (strstr(res->body.data, "\nsentia_http_requests_total{") == NULL) {
		buf_printf(detail, "%ld samples, but none of sentia_http_requests_total", n);
		return -1;
	}
	buf_printf(detail, "%ld samples", n);
	return 0;
}

static int judge_status(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail)
{
	struct json_object *j;
	const char *version, *status;
	int rc = 0;

	if (res->status != 200) {
		error_detail(res, detail);
		return -1;
	}
	if ((j = json_body(res, detail)) == NULL)
		return -1;
	version = member(j, "version");
	status = member(j, "status");
	buf_printf(detail, "version %s (commit %s), %s, %s", *version ? version : "?", member(j, "commit"),
	           member(j, "environment"), *status ? status : "no status");
	if (*version == '\0' || strcmp(status, "ok") != 0)
		rc = -1;
	if (o->expect_version != NULL && strcmp(version, o->expect_version) != 0) {
		buf_printf(detail, "; expected version %s", o->expect_version);
		rc = -1;
	}
	json_object_put(j);
	return rc;
}

static int judge_auth_required(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail)
{
	(void)o;
	if (res->status == 401) {
		buf_puts(detail, "401 without credentials");
		return 0;
	}
	if (res->status == 200)
		buf_puts(detail, "answered 200 without credentials");
	else
		error_detail(res, detail);
	return -1;
}

static int judge_auth_read(const struct smoke_opts *o, const struct httpc_response *res, struct buf *detail)
{
	struct json_object *j;

	(void)o;
	if (res->status != 200) {
		error_detail(res, detail);
		return -1;
	}
	if ((j = json_body(res, detail)) == NULL)
		return -1;
	buf_puts(detail, "200 with the token");
	json_object_put(j);
	return 0;
}

int smoke_run(const struct smoke_opts *o, FILE *out, FILE *err)
{
	struct httpc_target t;
	struct buf why = BUF_INIT;
	char auth[2048];
	int failed = 0;

	if (httpc_url_parse(o->url, &t, &why) < 0 || (o->connect != NULL && httpc_connect_to(&t, o->connect, &why) < 0)) {
		fprintf(err, "sentiactl smoke: %s\n", why.data);
		buf_free(&why);
		return 2;
	}
	t.cafile = o->cafile;
	if (o->token != NULL && (strlen(o->token) + 30 > sizeof auth || strpbrk(o->token, "\r\n") != NULL)) {
		fprintf(err, "sentiactl smoke: the token is not one header line\n");
		return 2;
	}
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", o->token != NULL ? o->token : "");
	fprintf(out, "smoke test of %s%s%s\n", o->url, o->connect != NULL ? " at " : "", o->connect != NULL ? o->connect : "");
	fprintf(out, "%-20s %-6s %6s %9s  %s\n", "check", "result", "status", "ms", "detail");
	for (size_t i = 0; i < NCHECKS; i++) {
		const struct smoke_check *c = &checks[i];
		const char *headers[] = { auth, NULL };
		struct httpc_response res;
		struct buf detail = BUF_INIT;
		uint64_t t0;
		double ms;
		int rc;

		if (c->with_token && o->token == NULL) {
			fprintf(out, "%-20s %-6s %6s %9s  %s\n", c->name, "skip", "-", "-", "no --token given");
			continue;
		}
		buf_reset(&why);
		t0 = clock_mono_us();
		rc = httpc_get(&t, c->path, c->with_token ? headers : NULL, o->timeout_ms, &res, &why);
		ms = (double)(clock_mono_us() - t0) / 1000.0;
		if (rc < 0) {
			fprintf(out, "%-20s %-6s %6s %9.1f  %s\n", c->name, "FAIL", "-", ms, why.data);
			failed++;
			continue;
		}
		rc = c->judge(o, &res, &detail);
		if (rc == 0 && o->slow_ms > 0 && ms > (double)o->slow_ms) {
			buf_printf(&detail, "; slower than %ld ms", o->slow_ms);
			rc = -1;
		}
		fprintf(out, "%-20s %-6s %6d %9.1f  %s\n", c->name, rc == 0 ? "ok" : "FAIL", res.status, ms,
		        detail.data != NULL ? detail.data : "");
		failed += rc != 0;
		httpc_response_free(&res);
		buf_free(&detail);
	}
	buf_free(&why);
	fprintf(out, "%s\n", failed ? "smoke test FAILED" : "smoke test passed");
	fflush(out);
	return failed ? 1 : 0;
}

/* The metric name at *p: [a-zA-Z_:][a-zA-Z0-9_:]*. Advances *p. */
static int metric_name(const char **p, const char *end)
{
	const char *s = *p;

	if (s >= end || !(isalpha((unsigned char)*s) || *s == '_' || *s == ':'))
		return -1;
	while (s < end && (isalnum((unsigned char)*s) || *s == '_' || *s == ':'))
		s++;
	*p = s;
	return 0;
}

/* {name="value",...} at *p, with \\, \" and \n escapes in values. */
static int labels(const char **p, const char *end)
{
	const char *s = *p + 1;

	for (;;) {
		if (s < end && *s == '}')
			break;
		if (!(s < end && (isalpha((unsigned char)*s) || *s == '_')))
			return -1;
		while (s < end && (isalnum((unsigned char)*s) || *s == '_'))
			s++;
		if (s + 1 >= end || s[0] != '=' || s[1] != '"')
			return -1;
		for (s += 2; s < end && *s != '"'; s++)
			if (*s == '\\' && (++s >= end || (*s != '\\' && *s != '"' && *s != 'n')))
				return -1;
		if (s >= end)
			return -1;
		s++;
		if (s < end && *s == ',')
			s++;
		else if (!(s < end && *s == '}'))
			return -1;
	}
	*p = s + 1;
	return 0;
}

/* A sample value: a float, or +Inf, -Inf, NaN. */
static int sample_value(const char **p, const char *end)
{
	char num[64];
	const char *s = *p;
	size_t n = 0;
	char *stop;

	while (s + n < end && s[n] != ' ' && s[n] != '\t')
		n++;
	if (n == 0 || n >= sizeof num)
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (strcmp(num, "+Inf") != 0 && strcmp(num, "-Inf") != 0 && strcmp(num, "NaN") != 0) {
		strtod(num, &stop);
		if (*stop != '\0' || !(isdigit((unsigned char)num[0]) || num[0] == '-' || num[0] == '+' || num[0] == '.'))
			return -1;
	}
	*p = s + n;
	return 0;
}

long smoke_metrics_parse(const char *text, size_t len, struct buf *why)
{
	const char *p = text, *end = text + len;
	long samples = 0, lineno = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *s = p, *le = eol != NULL ? eol : end, *line = p;

		lineno++;
		p = eol != NULL ? eol + 1 : end;
		if (s == le)
			continue;
		if (*s == '#') {
			/* HELP and TYPE name a metric; TYPE one of five kinds. */
			if (le - s > 7 && (strncmp(s, "# HELP ", 7) == 0 || strncmp(s, "# TYPE ", 7) == 0)) {
				const char *n = s + 7;
				static const char *const kinds[] = { "counter", "gauge", "histogram", "summary", "untyped" };
				int known = s[2] == 'H';

				if (metric_name(&n, le) < 0 || (n < le && *n != ' ')) {
					buf_printf(why, "line %ld: a bad metric name in %.7s", lineno, s);
					return -1;
				}
				for (size_t k = 0; !known && k < sizeof kinds / sizeof kinds[0]; k++)
					known = (size_t)(le - n) == strlen(kinds[k]) + 1 && strncmp(n + 1, kinds[k], strlen(kinds[k])) == 0;
				if (!known) {
					buf_printf(why, "line %ld: an unknown metric type", lineno);
					return -1;
				}
			}
			continue;
		}
		if (metric_name(&s, le) < 0 || (s < le && *s == '{' && labels(&s, le) < 0) || s >= le || *s != ' ') {
			buf_printf(why, "line %ld: not name{labels} value: %.*s", lineno, (int)(le - line > 60 ? 60 : le - line), line);
			return -1;
		}
		while (s < le && *s == ' ')
			s++;
		if (sample_value(&s, le) < 0) {
			buf_printf(why, "line %ld: not a number", lineno);
			return -1;
		}
		if (s < le) {
			/* An optional timestamp: milliseconds, an integer. */
			while (s < le && *s == ' ')
				s++;
			if (s < le && *s == '-')
				s++;
			while (s < le && isdigit((unsigned char)*s))
				s++;
			if (s < le || !isdigit((unsigned char)s[-1])) {
				buf_printf(why, "line %ld: text after the value", lineno);
				return -1;
			}
		}
		samples++;
	}
	if (samples == 0) {
		buf_puts(why, "no samples at all");
		return -1;
	}
	return samples;
}
