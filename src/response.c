/* response: what a handler fills; the writer turns it into FastCGI output
 * with Content-Length, the request id and the security headers. */
#include "ac-config.h"

#include "response.h"
#include "template.h"
#include "http.h"
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void response_init(struct response *res, const char *request_id)
{
	memset(res, 0, sizeof *res);
	res->request_id = request_id;
}

void response_free(struct response *res)
{
	buf_free(&res->headers);
	buf_free(&res->body);
}

void res_header(struct response *res, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL) {
		log_msg(LOG_ERROR, res->request_id, "refused a header with a line break: %s", name);
		return;
	}
	buf_puts(&res->headers, name);
	buf_puts(&res->headers, ": ");
	buf_puts(&res->headers, value);
	buf_puts(&res->headers, "\r\n");
}

void res_body(struct response *res, int status, const char *content_type, const char *data, size_t len)
{
	res->status = status;
	res->content_type = content_type;
	buf_reset(&res->body);
	buf_append(&res->body, data, len);
}

void res_json_text(struct response *res, int status, const char *json)
{
	res_body(res, status, "application/json", json, strlen(json));
}

void res_json(struct response *res, int status, struct json_object *obj)
{
	res_json_text(res, status, json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

void res_error(struct response *res, int status, const char *code, const char *message)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "{\"error\":{\"code\":");
	buf_json_str(&b, code);
	buf_puts(&b, ",\"message\":");
	buf_json_str(&b, message);
	buf_puts(&b, ",\"request_id\":");
	buf_json_str(&b, res->request_id != NULL ? res->request_id : "");
	buf_puts(&b, "}}");
	res_body(res, status, "application/json", b.data, b.len);
	buf_free(&b);
}

void res_unavailable(struct response *res, const char *dependency, const char *why)
{
	char msg[160];
	int redis = strcmp(dependency, "Redis") == 0;

	log_warn("%s unavailable: %s", dependency, why != NULL && why[0] != '\0' ? why : "no answer");
	snprintf(msg, sizeof msg, "%s is unavailable; try again shortly.", redis ? "Redis" : "The database");
	res_header(res, "Retry-After", "5");
	res_error(res, 503, redis ? "redis_unavailable" : "database_unavailable", msg);
}

void response_serialize(const struct response *res, int head_only, struct buf *out)
{
	int status = res->status ? res->status : 500;
	/* 204 and 304 carry no body, and so no Content-Type. */
	int bodyless = status == 204 || status == 304;

	const char *type = res->content_type != NULL ? res->content_type : "application/json";

	buf_reserve(out, 256 + res->headers.len + res->body.len);
	buf_puts(out, "Status: ");
	buf_put_u64(out, (unsigned long long)status);
	buf_putc(out, ' ');
	buf_puts(out, http_reason(status));
	buf_puts(out, "\r\n");
	if (!bodyless) {
		buf_puts(out, "Content-Type: ");
		buf_puts(out, type);
		if (strncmp(type, "text/", 5) == 0 && strstr(type, "charset") == NULL)
			buf_puts(out, "; charset=utf-8");
		buf_puts(out, "\r\nContent-Length: ");
		buf_put_u64(out, (unsigned long long)res->body.len);
		buf_puts(out, "\r\n");
	}
	if (res->request_id != NULL) {
		buf_puts(out, "X-Request-Id: ");
		buf_puts(out, res->request_id);
		buf_puts(out, "\r\n");
	}
	buf_puts(out, "X-Content-Type-Options: nosniff\r\n");
	if (res->headers.len > 0)
		buf_append(out, res->headers.data, res->headers.len);
	buf_puts(out, "\r\n");
	if (!head_only && !bodyless && res->body.len > 0)
		buf_append(out, res->body.data, res->body.len);
}

int res_has_header(const struct response *res, const char *name)
{
	size_t n = strlen(name);

	for (const char *line = res->headers.data; line != NULL && *line != '\0';) {
		if (strncasecmp(line, name, n) == 0 && line[n] == ':')
			return 1;
		line = strstr(line, "\r\n");
		if (line != NULL)
			line += 2;
	}
	return 0;
}

void res_html(struct response *res, int status, const struct template_html *page)
{
	/* Pages carry their style inline and load nothing else. */
	res_header(res, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
	res_body(res, status, "text/html; charset=utf-8", page->b.data != NULL ? page->b.data : "", page->b.len);
}

int res_template(struct response *res, int status, const char *name, const struct template_var *vars, size_t nvars)
{
	const struct template_scope scope = { .vars = vars, .nvars = nvars };

	return res_template_scope(res, status, name, &scope);
}

int res_template_scope(struct response *res, int status, const char *name, const struct template_scope *scope)
{
	struct template_html page = TEMPLATE_HTML_INIT;
	struct buf why = BUF_INIT;

	if (template_append(&page, name, scope, &why) != 0) {
		log_msg(LOG_ERROR, res->request_id, "template %s: %s", name, why.data != NULL ? why.data : "failed");
		template_html_free(&page);
		buf_free(&why);
		return -1;
	}
	res_html(res, status, &page);
	template_html_free(&page);
	buf_free(&why);
	return 0;
}
