/* routes: the dispatch table. One row per route: method, path pattern,
 * handler, the role it needs, its rate-limit class, and flags. Reading
 * this table tells you the whole API. */
#include "ac-config.h"

#include "routes.h"

const struct route routes[] = {
	/* method    pattern           handler      role       rate       flags */
	{ HTTP_GET, "/health",         ops_health,  ROLE_NONE, RATE_NONE, ROUTE_OPS },
	{ HTTP_GET, "/api/health",     ops_health,  ROLE_NONE, RATE_NONE, ROUTE_OPS },
	{ HTTP_GET, "/ready",          ops_ready,   ROLE_NONE, RATE_NONE, ROUTE_OPS },
	{ HTTP_GET, "/api/status",     ops_status,  ROLE_NONE, RATE_NONE, ROUTE_OPS },
	{ HTTP_GET, "/metrics",        ops_metrics, ROLE_NONE, RATE_NONE, ROUTE_OPS },
};

const size_t nroutes = sizeof routes / sizeof routes[0];
