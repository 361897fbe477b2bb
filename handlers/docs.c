/* docs: the API's contract. GET /api/openapi.json serves the OpenAPI
 * document compiled into the binary; GET /api/docs serves a page made from
 * it, rendered here through the templates docs*.html, so every value on
 * the page goes through the template module's escaping. */
#include "ac-config.h"

#include "log.h"
#include "openapi.h"
#include "request.h"
#include "response.h"
#include "routes.h"
#include "template.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* The operations of a path item, in the order the page shows them. */
static const char *const op_methods[] = { "get", "post", "put", "patch", "delete", "options", "head", "trace" };

/* How deep a schema's summary follows oneOf, items and the like. */
#define SUMMARY_DEPTH 4

/* The member k of object o, or NULL. */
static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

/* The string member k of o, or NULL. */
static const char *text_of(struct json_object *o, const char *k)
{
	struct json_object *v = member(o, k);

	return v != NULL && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* What o's local $ref ("#/components/schemas/X") names in doc; o itself
 * when it has none, NULL when the reference leads nowhere. */
static struct json_object *deref(struct json_object *doc, struct json_object *o)
{
	const char *ref = text_of(o, "$ref");
	struct json_object *at = doc;
	char token[128];

	if (ref == NULL)
		return o;
	if (strncmp(ref, "#/", 2) != 0)
		return NULL;
	for (const char *p = ref + 2; at != NULL && *p != '\0';) {
		size_t n = 0;

		/* One token of the JSON pointer, with ~1 and ~0 decoded. */
		for (; *p != '\0' && *p != '/' && n + 1 < sizeof token; p++) {
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1'))
				token[n++] = *++p == '1' ? '/' : '~';
			else
				token[n++] = *p;
		}
		token[n] = '\0';
		if (*p == '/')
			p++;
		at = member(at, token);
	}
	return at;
}

/* Appends a JSON value as text: a string as it is, anything else as JSON. */
static void value_text(struct buf *out, struct json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		buf_puts(out, json_object_get_string(v));
	else
		buf_puts(out, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Appends "[sep]a[sep]b" for each element of an array of schemas. */
static void schema_text(struct json_object *doc, struct json_object *s, struct buf *out, int depth);

static void schema_list(struct json_object *doc, struct json_object *a, const char *sep, struct buf *out, int depth)
{
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		if (i > 0)
			buf_puts(out, sep);
		schema_text(doc, json_object_array_get_idx(a, i), out, depth + 1);
	}
}

/* Appends a schema's type and limits in words: "integer, from 1 to 500,
 * default 50", "ImportDetail", "string or null (date-time)". A $ref is
 * shown by the name it refers to. */
static void schema_text(struct json_object *doc, struct json_object *s, struct buf *out, int depth)
{
	static const struct {
		const char *lo, *hi, *unit;
	} ranges[] = { { "minimum", "maximum", "" }, { "minLength", "maxLength", " characters" },
		       { "minItems", "maxItems", " items" }, { "minProperties", "maxProperties", " members" } };
	const char *ref = text_of(s, "$ref");
	struct json_object *v;

	if (s == NULL || !json_object_is_type(s, json_type_object) || depth > SUMMARY_DEPTH) {
		buf_puts(out, "any");
		return;
	}
	if (ref != NULL) {
		const char *slash = strrchr(ref, '/');

		buf_puts(out, slash != NULL ? slash + 1 : ref);
		return;
	}
	if ((v = member(s, "oneOf")) != NULL || (v = member(s, "anyOf")) != NULL) {
		schema_list(doc, v, " or ", out, depth);
		return;
	}
	if ((v = member(s, "allOf")) != NULL && member(s, "type") == NULL) {
		schema_list(doc, v, " and ", out, depth);
		return;
	}
	v = member(s, "type");
	if (v != NULL && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			buf_printf(out, "%s%s", i > 0 ? " or " : "", json_object_get_string(json_object_array_get_idx(v, i)));
	} else if (v != NULL) {
		buf_puts(out, json_object_get_string(v));
	} else {
		buf_puts(out, member(s, "const") != NULL || member(s, "enum") != NULL ? "value" : "any");
	}
	if ((v = member(s, "items")) != NULL) {
		buf_puts(out, " of ");
		schema_text(doc, v, out, depth + 1);
	}
	if ((v = member(s, "format")) != NULL)
		buf_printf(out, " (%s)", json_object_get_string(v));
	if ((v = member(s, "const")) != NULL) {
		buf_puts(out, ", always ");
		value_text(out, v);
	}
	if ((v = member(s, "enum")) != NULL) {
		buf_puts(out, ": one of ");
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			if (i > 0)
				buf_puts(out, ", ");
			value_text(out, json_object_array_get_idx(v, i));
		}
	}
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		struct json_object *lo = member(s, ranges[i].lo), *hi = member(s, ranges[i].hi);

		if (lo != NULL && hi != NULL) {
			buf_puts(out, ", from ");
			value_text(out, lo);
			buf_puts(out, " to ");
			value_text(out, hi);
		} else if (lo != NULL || hi != NULL) {
			buf_puts(out, lo != NULL ? ", at least " : ", at most ");
			value_text(out, lo != NULL ? lo : hi);
		}
		if (lo != NULL || hi != NULL)
			buf_puts(out, ranges[i].unit);
	}
	if ((v = member(s, "pattern")) != NULL)
		buf_printf(out, ", matching %s", json_object_get_string(v));
	if ((v = member(s, "default")) != NULL) {
		buf_puts(out, ", default ");
		value_text(out, v);
	}
}

/* Renders template name with vars into out; frags may be NULL. */
static int add(struct template_html *out, const char *name, const struct template_var *vars, size_t nvars,
               const struct template_fragment *frags, size_t nfrags, struct buf *why)
{
	const struct template_scope d = { .vars = vars, .nvars = nvars, .frags = frags, .nfrags = nfrags };

	return template_append(out, name, &d, why);
}

/* Renders prose into out: `code` spans as <code>, the rest as text, each
 * through its template (docs-code.html, docs-text.html), so escaped. */
static int add_text(struct template_html *out, const char *s, struct buf *why)
{
	struct buf part = BUF_INIT;
	int rc = 0;

	while (rc == 0 && s != NULL && *s != '\0') {
		const char *open = strchr(s, '`'), *close = open != NULL ? strchr(open + 1, '`') : NULL;
		size_t n = close != NULL ? (size_t)(open - s) : strlen(s);

		buf_reset(&part);
		buf_append(&part, s, n);
		if (n > 0) {
			const struct template_var v[] = { { "text", part.data } };

			rc = add(out, "docs-text.html", v, 1, NULL, 0, why);
		}
		if (rc != 0 || close == NULL)
			break;
		buf_reset(&part);
		buf_append(&part, open + 1, (size_t)(close - open - 1));
		{
			const struct template_var v[] = { { "text", part.data != NULL ? part.data : "" } };

			rc = add(out, "docs-code.html", v, 1, NULL, 0, why);
		}
		s = close + 1;
	}
	buf_free(&part);
	return rc;
}

/* Renders an example (a named one's value, or a bare value) into out as a
 * collapsed block labelled label. */
static int add_example(struct template_html *out, const char *label, struct json_object *example, struct buf *why)
{
	struct json_object *v = member(example, "value");
	const char *text;

	if (v == NULL)
		v = example;
	text = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
	       : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	{
		const struct template_var vars[] = { { "label", label }, { "text", text } };

		return add(out, "docs-example.html", vars, 2, NULL, 0, why);
	}
}

/* The first example of a media type: its first named one (with the name
 * in *name) or its single "example". */
static struct json_object *first_example(struct json_object *media, const char **name)
{
	struct json_object *all = member(media, "examples");

	*name = NULL;
	if (all != NULL) {
		json_object_object_foreach(all, key, val) {
			*name = key;
			return val;
		}
	}
	return member(media, "example");
}

/* The parameters table of an operation (nothing when it has none). */
static int render_parameters(struct json_object *doc, struct json_object *params, struct template_html *out,
                             struct buf *why)
{
	struct template_html rows = TEMPLATE_HTML_INIT;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < json_object_array_length(params); i++) {
		struct json_object *p = deref(doc, json_object_array_get_idx(params, i)), *req = member(p, "required");
		struct template_html desc = TEMPLATE_HTML_INIT;
		struct buf type = BUF_INIT;

		schema_text(doc, member(p, "schema"), &type, 0);
		rc = add_text(&desc, text_of(p, "description"), why);
		if (rc == 0) {
			const struct template_var vars[] = {
				{ "name", text_of(p, "name") }, { "in", text_of(p, "in") },
				{ "required", req != NULL && json_object_get_boolean(req) ? " (required)" : "" },
				{ "type", type.data },
			};
			const struct template_fragment frags[] = { { "description", &desc } };

			rc = add(&rows, "docs-parameter.html", vars, 4, frags, 1, why);
		}
		template_html_free(&desc);
		buf_free(&type);
	}
	if (rc == 0 && rows.b.len > 0) {
		const struct template_fragment frags[] = { { "rows", &rows } };

		rc = add(out, "docs-parameters.html", NULL, 0, frags, 1, why);
	}
	template_html_free(&rows);
	return rc;
}

/* Whether name is in the schema's "required" array. */
static int is_required(struct json_object *s, const char *name)
{
	struct json_object *req = member(s, "required");

	for (size_t i = 0; req != NULL && i < json_object_array_length(req); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(req, i)), name) == 0)
			return 1;
	return 0;
}

/* The rows of an object schema's members (and of the schemas it takes
 * allOf), one level deep. */
static int render_fields(struct json_object *doc, struct json_object *s, struct template_html *rows, struct buf *why)
{
	struct json_object *props = member(s, "properties"), *all = member(s, "allOf");
	int rc = 0;

	for (size_t i = 0; rc == 0 && all != NULL && i < json_object_array_length(all); i++)
		rc = render_fields(doc, deref(doc, json_object_array_get_idx(all, i)), rows, why);
	if (rc != 0 || props == NULL)
		return rc;
	json_object_object_foreach(props, key, val) {
		struct template_html desc = TEMPLATE_HTML_INIT;
		struct buf type = BUF_INIT;
		const char *text = text_of(val, "description");

		if (text == NULL)
			text = text_of(deref(doc, val), "description");
		schema_text(doc, val, &type, 0);
		rc = add_text(&desc, text, why);
		if (rc == 0) {
			const struct template_var vars[] = {
				{ "name", key }, { "required", is_required(s, key) ? " (required)" : "" }, { "type", type.data },
			};
			const struct template_fragment frags[] = { { "description", &desc } };

			rc = add(rows, "docs-field.html", vars, 3, frags, 1, why);
		}
		template_html_free(&desc);
		buf_free(&type);
		if (rc != 0)
			break;
	}
	return rc;
}

/* The request body of an operation: its media types, the members of its
 * schema, and its first example. */
static int render_body(struct json_object *doc, struct json_object *body, struct template_html *out, struct buf *why)
{
	struct json_object *content = member(body, "content"), *req = member(body, "required");
	int rc = 0;

	if (content == NULL)
		return 0;
	json_object_object_foreach(content, media, m) {
		struct template_html fields = TEMPLATE_HTML_INIT, rows = TEMPLATE_HTML_INIT, example = TEMPLATE_HTML_INIT;
		struct template_html desc = TEMPLATE_HTML_INIT;
		struct json_object *schema = member(m, "schema"), *ex;
		struct buf type = BUF_INIT, label = BUF_INIT;
		const char *exname;

		schema_text(doc, schema, &type, 0);
		rc = render_fields(doc, deref(doc, schema), &rows, why);
		if (rc == 0 && rows.b.len > 0) {
			const struct template_fragment frags[] = { { "rows", &rows } };

			rc = add(&fields, "docs-fields.html", NULL, 0, frags, 1, why);
		}
		if (rc == 0 && (ex = first_example(m, &exname)) != NULL) {
			buf_printf(&label, "Example request%s%s", exname != NULL ? ": " : "", exname != NULL ? exname : "");
			rc = add_example(&example, label.data, ex, why);
		}
		if (rc == 0)
			rc = add_text(&desc, text_of(body, "description"), why);
		if (rc == 0) {
			const struct template_var vars[] = {
				{ "required", req != NULL && json_object_get_boolean(req) ? "" : " (optional)" },
				{ "media", media }, { "type", type.data },
			};
			const struct template_fragment frags[] = { { "fields", &fields }, { "example", &example },
				                                   { "description", &desc } };

			rc = add(out, "docs-body.html", vars, 3, frags, 3, why);
		}
		template_html_free(&desc);
		template_html_free(&fields);
		template_html_free(&rows);
		template_html_free(&example);
		buf_free(&type);
		buf_free(&label);
		if (rc != 0)
			break;
	}
	return rc;
}

/* The responses table of an operation, and the first example of its
 * first successful answer. */
static int render_responses(struct json_object *doc, struct json_object *responses, struct template_html *out,
                            struct buf *why)
{
	struct template_html rows = TEMPLATE_HTML_INIT, example = TEMPLATE_HTML_INIT;
	int rc = 0;

	if (responses == NULL)
		return 0;
	json_object_object_foreach(responses, status, r0) {
		struct json_object *r = deref(doc, r0), *content = member(r, "content"), *headers = member(r, "headers");
		struct template_html desc = TEMPLATE_HTML_INIT;
		struct buf body = BUF_INIT, hdrs = BUF_INIT;
		int n = 0;

		if (content != NULL) {
			json_object_object_foreach(content, media, m) {
				struct json_object *ex;
				const char *exname;

				/* JSON is the rule: only other media types are named. */
				buf_puts(&body, n++ > 0 ? "; " : "");
				if (strcmp(media, "application/json") != 0)
					buf_printf(&body, "%s: ", media);
				schema_text(doc, member(m, "schema"), &body, 0);
				if (example.b.len == 0 && status[0] == '2' && (ex = first_example(m, &exname)) != NULL) {
					struct buf label = BUF_INIT;

					buf_printf(&label, "Example response %s%s%s", status, exname != NULL ? ": " : "",
					           exname != NULL ? exname : "");
					rc = add_example(&example, label.data, ex, why);
					buf_free(&label);
				}
			}
		}
		if (headers != NULL) {
			n = 0;
			json_object_object_foreach(headers, hname, hval) {
				(void)hval;
				buf_printf(&hdrs, "%s%s", n++ > 0 ? ", " : " Headers: ", hname);
			}
			buf_putc(&hdrs, '.');
		}
		if (rc == 0)
			rc = add_text(&desc, text_of(r, "description"), why);
		if (rc == 0) {
			const struct template_var vars[] = {
				{ "status", status }, { "headers", hdrs.data }, { "body", body.len > 0 ? body.data : "none" },
			};
			const struct template_fragment frags[] = { { "description", &desc } };

			rc = add(&rows, "docs-response.html", vars, 3, frags, 1, why);
		}
		template_html_free(&desc);
		buf_free(&body);
		buf_free(&hdrs);
		if (rc != 0)
			break;
	}
	if (rc == 0) {
		const struct template_fragment frags[] = { { "rows", &rows }, { "example", &example } };

		rc = add(out, "docs-responses.html", NULL, 0, frags, 2, why);
	}
	template_html_free(&rows);
	template_html_free(&example);
	return rc;
}

/* The credentials an operation takes, in words: "none", or the header of
 * each security scheme it accepts. */
static void credentials_text(struct json_object *doc, struct json_object *op, struct buf *out)
{
	struct json_object *sec = member(op, "security");
	size_t n = sec != NULL ? json_object_array_length(sec) : 0;

	if (n == 0) {
		buf_puts(out, "none");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		json_object_object_foreach(json_object_array_get_idx(sec, i), name, scopes) {
			struct json_object *scheme = member(member(member(doc, "components"), "securitySchemes"), name);
			const char *type = text_of(scheme, "type");

			(void)scopes;
			if (out->len > 0)
				buf_puts(out, " or ");
			if (type != NULL && strcmp(type, "http") == 0 && text_of(scheme, "scheme") != NULL
			    && strcmp(text_of(scheme, "scheme"), "bearer") == 0)
				buf_puts(out, "Authorization: Bearer");
			else if (type != NULL && strcmp(type, "http") == 0)
				buf_printf(out, "Authorization: %s", text_of(scheme, "scheme") != NULL ? text_of(scheme, "scheme") : "");
			else if (type != NULL && strcmp(type, "apiKey") == 0)
				buf_printf(out, "%s (%s)", text_of(scheme, "name") != NULL ? text_of(scheme, "name") : name,
				           text_of(scheme, "in") != NULL ? text_of(scheme, "in") : "");
			else
				buf_puts(out, name);
		}
	}
}

/* Upper-cases a method name into up (of size n). */
static void upper(const char *m, char *up, size_t n)
{
	size_t i;

	for (i = 0; m[i] != '\0' && i + 1 < n; i++)
		up[i] = (char)(m[i] >= 'a' && m[i] <= 'z' ? m[i] - 'a' + 'A' : m[i]);
	up[i] = '\0';
}

/* One operation's section, and its line in the contents. */
static int render_operation(struct json_object *doc, const char *path, const char *method, struct json_object *op,
                            struct template_html *section, struct template_html *item, struct buf *why)
{
	struct template_html params = TEMPLATE_HTML_INIT, body = TEMPLATE_HTML_INIT, responses = TEMPLATE_HTML_INIT;
	struct template_html desc = TEMPLATE_HTML_INIT;
	struct buf id = BUF_INIT, creds = BUF_INIT;
	const char *opid = text_of(op, "operationId"), *role = text_of(op, "x-sentia-role");
	char up[16];
	int rc;

	upper(method, up, sizeof up);
	buf_printf(&id, "op-%s", opid != NULL ? opid : "");
	credentials_text(doc, op, &creds);
	rc = add_text(&desc, text_of(op, "description"), why);
	if (rc == 0 && member(op, "parameters") != NULL)
		rc = render_parameters(doc, member(op, "parameters"), &params, why);
	if (rc == 0 && member(op, "requestBody") != NULL)
		rc = render_body(doc, deref(doc, member(op, "requestBody")), &body, why);
	if (rc == 0)
		rc = render_responses(doc, member(op, "responses"), &responses, why);
	if (rc == 0) {
		const struct template_var vars[] = {
			{ "id", id.data }, { "method", up }, { "method_class", method }, { "path", path },
			{ "summary", text_of(op, "summary") }, { "role", role != NULL ? role : "none" },
			{ "credentials", creds.data }, { "operation_id", opid },
		};
		const struct template_fragment frags[] = { { "parameters", &params }, { "body", &body },
			                                   { "responses", &responses }, { "description", &desc } };

		rc = add(section, "docs-operation.html", vars, 8, frags, 4, why);
		if (rc == 0)
			rc = add(item, "docs-contents-item.html", vars, 5, NULL, 0, why);
	}
	template_html_free(&params);
	template_html_free(&body);
	template_html_free(&responses);
	template_html_free(&desc);
	buf_free(&id);
	buf_free(&creds);
	return rc;
}

/* Whether op's first tag is tag. */
static int first_tag_is(struct json_object *op, const char *tag)
{
	struct json_object *tags = member(op, "tags");

	return tags != NULL && json_object_array_length(tags) > 0
	       && strcmp(json_object_get_string(json_object_array_get_idx(tags, 0)), tag) == 0;
}

/* Every operation whose first tag is tag, in the document's order: their
 * sections into sections, their lines into items. Counts them in *n. */
static int render_tag(struct json_object *doc, const char *tag, struct template_html *sections,
                      struct template_html *items, int *n, struct buf *why)
{
	int rc = 0;

	json_object_object_foreach(member(doc, "paths"), path, item) {
		for (size_t i = 0; rc == 0 && i < sizeof op_methods / sizeof op_methods[0]; i++) {
			struct json_object *op = member(item, op_methods[i]);

			if (op != NULL && first_tag_is(op, tag)) {
				rc = render_operation(doc, path, op_methods[i], op, sections, items, why);
				(*n)++;
			}
		}
		if (rc != 0)
			break;
	}
	return rc;
}

/* The security schemes, one paragraph each. */
static int render_schemes(struct json_object *doc, struct template_html *out, struct buf *why)
{
	struct json_object *schemes = member(member(doc, "components"), "securitySchemes");
	int rc = 0;

	if (schemes == NULL)
		return 0;
	json_object_object_foreach(schemes, name, s) {
		struct template_html desc = TEMPLATE_HTML_INIT;
		struct buf kind = BUF_INIT;

		if (text_of(s, "scheme") != NULL)
			buf_printf(&kind, "%s %s", text_of(s, "type"), text_of(s, "scheme"));
		else
			buf_printf(&kind, "%s in %s %s", text_of(s, "type"), text_of(s, "in"), text_of(s, "name"));
		rc = add_text(&desc, text_of(s, "description"), why);
		if (rc == 0) {
			const struct template_var vars[] = { { "name", name }, { "kind", kind.data } };
			const struct template_fragment frags[] = { { "description", &desc } };

			rc = add(out, "docs-scheme.html", vars, 2, frags, 1, why);
		}
		template_html_free(&desc);
		buf_free(&kind);
		if (rc != 0)
			break;
	}
	return rc;
}

int docs_page_render(struct template_html *out, struct buf *why)
{
	struct json_object *doc = json_tokener_parse(openapi_json), *info, *tags;
	struct template_html ops = TEMPLATE_HTML_INIT, contents = TEMPLATE_HTML_INIT, schemes = TEMPLATE_HTML_INIT;
	int rc = 0, n = 0;
	char count[16];

	info = member(doc, "info");
	tags = member(doc, "tags");
	if (doc == NULL || info == NULL || tags == NULL || member(doc, "paths") == NULL) {
		buf_puts(why, "the compiled-in OpenAPI document has no info, tags or paths");
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < json_object_array_length(tags); i++) {
		struct json_object *tag = json_object_array_get_idx(tags, i);
		struct template_html sections = TEMPLATE_HTML_INIT, items = TEMPLATE_HTML_INIT;
		const char *name = text_of(tag, "name");

		rc = name != NULL ? render_tag(doc, name, &sections, &items, &n, why) : 0;
		struct template_html desc = TEMPLATE_HTML_INIT;

		if (rc == 0 && sections.b.len > 0)
			rc = add_text(&desc, text_of(tag, "description"), why);
		if (rc == 0 && sections.b.len > 0) {
			const struct template_var vars[] = { { "tag", name } };
			const struct template_fragment sf[] = { { "operations", &sections }, { "description", &desc } };
			const struct template_fragment cf[] = { { "items", &items } };

			rc = add(&ops, "docs-tag.html", vars, 1, sf, 2, why);
			if (rc == 0)
				rc = add(&contents, "docs-contents.html", vars, 1, cf, 1, why);
		}
		template_html_free(&desc);
		template_html_free(&sections);
		template_html_free(&items);
	}
	if (rc == 0)
		rc = render_schemes(doc, &schemes, why);
	if (rc == 0) {
		const struct template_var vars[] = {
			{ "title", text_of(info, "title") }, { "version", text_of(info, "version") },
			{ "summary", text_of(info, "summary") }, { "openapi", text_of(doc, "openapi") },
			{ "count", (snprintf(count, sizeof count, "%d", n), count) },
			{ "error_example", "{\"error\":{\"code\":\"not_found\",\"message\":\"No such resource.\",\"request_id\":\"...\"}}" },
		};
		const struct template_fragment frags[] = { { "contents", &contents }, { "schemes", &schemes },
			                                   { "operations", &ops } };

		rc = add(out, "docs.html", vars, 6, frags, 3, why);
	}
	template_html_free(&ops);
	template_html_free(&contents);
	template_html_free(&schemes);
	json_object_put(doc);
	return rc;
}

/* GET /api/openapi.json */
void docs_openapi(struct request *req, struct response *res)
{
	(void)req;
	res_header(res, "Cache-Control", "no-cache");
	res_body(res, 200, "application/json", openapi_json, openapi_json_len);
}

/* GET /api/docs */
void docs_page(struct request *req, struct response *res)
{
	struct template_html page = TEMPLATE_HTML_INIT;
	struct buf why = BUF_INIT;

	if (docs_page_render(&page, &why) != 0) {
		log_msg(LOG_ERROR, req->request_id, "docs page: %s", why.data != NULL ? why.data : "cannot render");
		res_error(res, 500, "internal_error", "The documentation page could not be rendered.");
	} else {
		res_header(res, "Cache-Control", "no-cache");
		res_html(res, 200, &page);
	}
	template_html_free(&page);
	buf_free(&why);
}
