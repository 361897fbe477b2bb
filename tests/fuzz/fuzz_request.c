/* fuzz_request: FastCGI parameters (one NAME=value a line) to struct
 * request, then everything later stages read from it: the router's match
 * and path parameters, query parameters (percent-decoding), headers, the
 * Idempotency-Key and path ids. */
#include "ac-config.h"

#include "fuzz.h"
#include "request.h"
#include "router.h"
#include "routes.h"

static const char *const query_names[] = {
	"action", "actor", "as_of", "before", "limit", "mode", "service_level", "sku", "source", "type", "window_days", "",
};
static const char *const header_names[] = {
	"Accept", "Authorization", "Content-Type", "Content-Length", "Cookie", "Idempotency-Key", "If-None-Match",
	"Origin", "X-API-Key", "X-Request-Id", "svix-id", "svix-signature", "svix-timestamp",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int seeded;
	struct fuzz_parts p;
	struct request req;
	struct buf v = BUF_INIT, allow = BUF_INIT;
	int rc;

	if (!seeded) {
		request_id_seed();
		seeded = 1;
	}
	if (fuzz_split(&p, data, size, '\n') < 0)
		return 0;
	rc = request_parse(&req, p.s);
	if (rc == 0) {
		struct route_match m;
		enum router_result r = router_match(routes, nroutes, req.method, req.path, &m);

		router_allow_value(m.allow, &allow);
		if (r == ROUTER_FOUND) {
			const char *id = route_param(&m, "id");

			if (id != NULL)
				(void)request_parse_id(id);
			for (int i = 0; i < m.nparams; i++)
				(void)strlen(m.params[i].value);
		}
		for (size_t i = 0; i < sizeof query_names / sizeof query_names[0]; i++)
			(void)request_query(&req, query_names[i], &v);
		for (size_t i = 0; i < sizeof header_names / sizeof header_names[0]; i++) {
			const char *h = request_header(&req, header_names[i]);

			if (h != NULL && i == 5)
				(void)request_key_valid(h);
		}
		(void)request_id_valid(req.request_id);
	}
	request_free(&req);
	/* The raw input, decoded both ways. */
	(void)url_decode((const char *)data, size, 1, &v);
	(void)url_decode((const char *)data, size, 0, &v);
	buf_free(&v);
	buf_free(&allow);
	fuzz_parts_free(&p);
	return 0;
}
