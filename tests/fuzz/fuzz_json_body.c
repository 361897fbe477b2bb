/* fuzz_json_body: a request body through param_body, the one check every
 * JSON route makes (an object, with only the members the route takes),
 * then the error answer it sets, serialised as the writer would. */
#include "ac-config.h"

#include "fuzz.h"
#include "request.h"
#include "response.h"
#include "routes.h"

#include <json-c/json.h>

static const char *const allowed[] = { "type", "payload", "name", "role", "email", "sku", "horizon", "method" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request req;
	struct response res;
	struct buf out = BUF_INIT;
	struct json_object *body;

	memset(&req, 0, sizeof req);
	strcpy(req.request_id, "fuzz");
	req.body_read = 1;
	buf_append(&req.body, data, size);
	response_init(&res, req.request_id);
	/* The first byte picks whether an empty body is allowed and how many
	 * members the route takes, so both paths are reached. */
	body = param_body(&req, &res, allowed, size > 0 ? (size_t)(data[0] & 7) + 1 : 8, size > 0 && (data[0] & 8));
	if (body != NULL) {
		/* What handlers do next: read members by type. */
		json_object_object_foreach(body, key, val) {
			(void)key;
			switch (json_object_get_type(val)) {
			case json_type_string: (void)json_object_get_string_len(val); break;
			case json_type_int: (void)json_object_get_int64(val); break;
			case json_type_double: (void)json_object_get_double(val); break;
			default: (void)json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN); break;
			}
		}
		json_object_put(body);
	}
	response_serialize(&res, 0, &out);
	buf_free(&out);
	response_free(&res);
	buf_free(&req.body);
	return 0;
}
