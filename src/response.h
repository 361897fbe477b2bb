/* response: what a handler fills; the writer turns it into FastCGI output
 * with Content-Length, the request id and the security headers. */
#ifndef SENTIA_RESPONSE_H
#define SENTIA_RESPONSE_H

#include <json-c/json.h>

#include "buf.h"

/* A response under construction. Owned by the request loop; freed with
 * response_free at the end of each request. */
struct response {
	int status;                 /* 0 until a handler sets one */
	const char *content_type;   /* static string */
	struct buf headers;         /* extra header lines, "Name: value\r\n" each */
	struct buf body;
	const char *request_id;     /* borrowed from the request, for errors */
};

/* Prepares an empty response for the request with this id. */
void response_init(struct response *res, const char *request_id);
/* Releases what the response owns. */
void response_free(struct response *res);

/* Adds a header line. The name and value must not hold CR or LF; a value
 * that does is dropped (and logged), never sent. */
void res_header(struct response *res, const char *name, const char *value);
/* Whether a header of this name (any case) was added. */
int res_has_header(const struct response *res, const char *name);
/* Sets a JSON body from an object; takes ownership of obj (puts it). */
void res_json(struct response *res, int status, struct json_object *obj);
/* Sets a JSON body from ready text (which must be valid JSON). */
void res_json_text(struct response *res, int status, const char *json);
/* Sets a body of another type. */
void res_body(struct response *res, int status, const char *content_type, const char *data, size_t len);
struct template_var;
struct template_scope;
struct template_html;
/* Sets an HTML body from a page the template module rendered, with a
 * strict Content-Security-Policy (inline styles only, nothing loaded). */
void res_html(struct response *res, int status, const struct template_html *page);
/* Sets an HTML body from a compiled-in template (see template.h), with a
 * strict Content-Security-Policy. Returns 0, or -1 (logged, nothing set)
 * when the template cannot be rendered. */
int res_template(struct response *res, int status, const char *name, const struct template_var *vars, size_t nvars);
/* The same from a scope with sections. */
int res_template_scope(struct response *res, int status, const char *name, const struct template_scope *scope);
/* Sets the one error shape:
 * {"error":{"code":"...","message":"...","request_id":"..."}}. */
void res_error(struct response *res, int status, const char *code, const char *message);
/* A 503 with Retry-After because a dependency ("PostgreSQL" or "Redis")
 * failed; why (its error) goes to the log, not to the client. */
void res_unavailable(struct response *res, const char *dependency, const char *why);

/* Appends the whole FastCGI response (status line, headers, blank line,
 * then the body unless head_only) to out. */
void response_serialize(const struct response *res, int head_only, struct buf *out);

#endif
