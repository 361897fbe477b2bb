/* routes: the dispatch table. One row per route: method, path pattern,
 * handler, the role it needs, its rate-limit class, and flags. Reading
 * this table tells you the whole API. The gate (src/gate.c) enforces the
 * role and the rate class before the handler runs. */
#include "ac-config.h"

#include "routes.h"

const struct route routes[] = {
	/* method    pattern           handler      role       rate       flags */
	{ HTTP_GET, "/health",         ops_health,  ROLE_NONE, RATE_NONE, ROUTE_OPS | ROUTE_PROBE },
	{ HTTP_GET, "/api/health",     ops_health,  ROLE_NONE, RATE_NONE, ROUTE_OPS | ROUTE_PROBE },
	{ HTTP_GET, "/ready",          ops_ready,   ROLE_NONE, RATE_NONE, ROUTE_OPS | ROUTE_PROBE },
	{ HTTP_GET, "/api/status",     ops_status,  ROLE_NONE, RATE_NONE, ROUTE_OPS },
	{ HTTP_GET, "/metrics",        ops_metrics, ROLE_NONE, RATE_NONE, ROUTE_OPS | ROUTE_PROBE | ROUTE_METRICS },

	/* The objectives and the pool, for machines and people. */
	{ HTTP_GET, "/api/slo-dashboard", slo_dashboard,   ROLE_VIEWER, RATE_DEFAULT, 0 },
	{ HTTP_GET, "/slo",               slo_dashboard,   ROLE_VIEWER, RATE_DEFAULT, 0 },
	{ HTTP_GET, "/api/performance",   performance_get, ROLE_VIEWER, RATE_DEFAULT, 0 },
	{ HTTP_GET, "/api/admin/health",  admin_health,    ROLE_ADMIN,  RATE_AUTH_SENSITIVE, 0 },

	/* The contract: the OpenAPI document, and a page made from it. */
	{ HTTP_GET, "/api/openapi.json", docs_openapi, ROLE_NONE, RATE_NONE, 0 },
	{ HTTP_GET, "/api/docs",         docs_page,    ROLE_NONE, RATE_NONE, 0 },

	/* Data in: uploads, their progress and bad rows, source freshness. */
	{ HTTP_POST, "/api/imports",             imports_create,    ROLE_OPERATOR, RATE_IMPORT,  ROUTE_UPLOAD },
	{ HTTP_GET,  "/api/imports",             imports_list,      ROLE_VIEWER,   RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/imports/{id}",        imports_get,       ROLE_VIEWER,   RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/imports/{id}/errors", imports_errors,    ROLE_VIEWER,   RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/data-sources",        data_sources_list, ROLE_VIEWER,   RATE_DEFAULT, 0 },

	/* The job queues. */
	{ HTTP_GET,  "/api/queues/status",       queues_status,     ROLE_VIEWER,   RATE_DEFAULT, 0 },
	{ HTTP_POST, "/api/jobs",                jobs_create,       ROLE_ADMIN,    RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/jobs/{id}",           jobs_get,          ROLE_VIEWER,   RATE_DEFAULT, 0 },

	/* Demand forecasts. */
	{ HTTP_POST, "/api/forecasts",                   forecasts_create,      ROLE_ANALYST, RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/forecasts",                   forecasts_latest,      ROLE_VIEWER,  RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/forecasts/accuracy",          forecasts_accuracy,    ROLE_VIEWER,  RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/forecasts/jobs/{id}",         forecasts_job_get,     ROLE_VIEWER,  RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/forecasts/jobs/{id}/results", forecasts_job_results, ROLE_VIEWER,  RATE_DEFAULT, 0 },
	{ HTTP_POST, "/api/forecasts/jobs/{id}/cancel",  forecasts_job_cancel,  ROLE_ANALYST, RATE_DEFAULT, 0 },

	/* Working capital and the inventory policy. */
	{ HTTP_GET,  "/api/working-capital",           wcap_get,         ROLE_VIEWER,  RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/working-capital/history",   wcap_history,     ROLE_VIEWER,  RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/working-capital/ageing",    wcap_ageing_get,  ROLE_VIEWER,  RATE_DEFAULT, 0 },
	{ HTTP_POST, "/api/working-capital/recompute", wcap_recompute,   ROLE_ANALYST, RATE_DEFAULT, 0 },
	{ HTTP_POST, "/api/working-capital/scenarios", wcap_scenarios,   ROLE_ANALYST, RATE_DEFAULT, 0 },
	{ HTTP_GET,  "/api/inventory/policy",          inventory_policy, ROLE_VIEWER,  RATE_DEFAULT, 0 },

	/* Users: Clerk's webhooks (signed, so no identity), and the GDPR rights. */
	{ HTTP_POST,   "/api/webhooks/clerk",    webhooks_clerk,     ROLE_NONE,  RATE_WEBHOOK, ROUTE_WEBHOOK },
	{ HTTP_GET,    "/api/users/{id}/export", users_export_get,   ROLE_NONE,  RATE_DEFAULT, ROUTE_AUTH },
	{ HTTP_DELETE, "/api/users/{id}",        users_erase_delete, ROLE_ADMIN, RATE_DEFAULT, 0 },

	/* Administration. */
	{ HTTP_GET,  "/api/admin/audit-log",     admin_audit_log,   ROLE_ADMIN,    RATE_AUTH_SENSITIVE, 0 },
};

const size_t nroutes = sizeof routes / sizeof routes[0];
