/* params: reading a request's query parameters and JSON body the one way
 * every handler does, with the same 400 answers. */
#include "ac-config.h"

#include "request.h"
#include "response.h"
#include "routes.h"
#include "value.h"

#include <stdio.h>
#include <string.h>

int param_int(struct request *req, struct response *res, const char *name, int64_t min, int64_t max, int64_t *n)
{
	struct buf v = BUF_INIT;
	int rc = request_query(req, name, &v), out = 0;
	char msg[160];

	if (rc != 0 && (rc < 0 || value_int(v.data, v.len, min, max, n) != VALUE_OK)) {
		snprintf(msg, sizeof msg, "The parameter %s is a whole number from %lld to %lld.", name, (long long)min,
		         (long long)max);
		res_error(res, 400, "invalid_parameter", msg);
		out = -1;
	}
	buf_free(&v);
	return out;
}

int param_date(struct request *req, struct response *res, const char *name, int32_t *days)
{
	struct buf v = BUF_INIT;
	int rc = request_query(req, name, &v), out = 0;
	char msg[120];

	if (rc != 0 && (rc < 0 || value_date(v.data, v.len, days) != VALUE_OK)) {
		snprintf(msg, sizeof msg, "The parameter %s is a date: YYYY-MM-DD.", name);
		res_error(res, 400, "invalid_parameter", msg);
		out = -1;
	}
	buf_free(&v);
	return out;
}

struct json_object *param_body(struct request *req, struct response *res, const char *const *allowed,
                               size_t nallowed, int empty_ok)
{
	struct json_object *body;
	char msg[160];

	if (empty_ok && req->body.len == 0)
		return json_object_new_object();
	body = json_tokener_parse(req->body.data != NULL ? req->body.data : "");
	if (body == NULL || !json_object_is_type(body, json_type_object)) {
		json_object_put(body);
		res_error(res, 400, "invalid_body", "The body is not a JSON object.");
		return NULL;
	}
	json_object_object_foreach(body, key, val) {
		size_t i;

		(void)val;
		for (i = 0; i < nallowed && strcmp(key, allowed[i]) != 0; i++)
			;
		if (i == nallowed) {
			snprintf(msg, sizeof msg, "The field \"%.60s\" is not one this route takes.", key);
			json_object_put(body);
			res_error(res, 400, "invalid_body", msg);
			return NULL;
		}
	}
	return body;
}
