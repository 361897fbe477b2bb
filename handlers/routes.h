/* routes: the dispatch table, and every handler it names. */
#ifndef SENTIA_ROUTES_H
#define SENTIA_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "router.h"

extern const struct route routes[];
extern const size_t nroutes;

/* handlers/params.c: query parameters and bodies, with the same 400
 * answers everywhere. param_int and param_date leave *n / *days alone
 * when the parameter is absent, and return 0, or -1 with a 400
 * invalid_parameter set. param_body returns the body's JSON object (the
 * caller puts it), an empty one for an empty body when empty_ok, or NULL
 * with a 400 invalid_body set when it is not an object or has a member not
 * in allowed. */
int param_int(struct request *req, struct response *res, const char *name, int64_t min, int64_t max, int64_t *n);
int param_date(struct request *req, struct response *res, const char *name, int32_t *days);
struct json_object *param_body(struct request *req, struct response *res, const char *const *allowed,
                               size_t nallowed, int empty_ok);

/* handlers/ops.c: health, readiness, status and metrics; and the pool's
 * figures as /api/status and /api/admin/health show them. */
struct scoreboard;
struct json_object *pool_json(const struct scoreboard *sb);
void ops_health(struct request *req, struct response *res);
void ops_ready(struct request *req, struct response *res);
void ops_status(struct request *req, struct response *res);
void ops_metrics(struct request *req, struct response *res);

/* handlers/docs.c: the OpenAPI document (openapi/openapi.json, compiled
 * in) and a page of the API made from it. docs_page_render renders that
 * page into out (0), or says why not (-1). */
struct template_html;
void docs_openapi(struct request *req, struct response *res);
void docs_page(struct request *req, struct response *res);
int docs_page_render(struct template_html *out, struct buf *why);

/* handlers/imports.c: uploads, their progress, and data-source freshness. */
void imports_create(struct request *req, struct response *res);
void imports_list(struct request *req, struct response *res);
void imports_get(struct request *req, struct response *res);
void imports_errors(struct request *req, struct response *res);
void data_sources_list(struct request *req, struct response *res);

/* handlers/queues.c: queue status, and jobs. */
void queues_status(struct request *req, struct response *res);
void jobs_create(struct request *req, struct response *res);
void jobs_get(struct request *req, struct response *res);
/* A queue's figures as /api/queues/status and /api/admin/health show them. */
struct queue_def;
struct queue_counts;
struct json_object *queue_json(const struct queue_def *def, const struct queue_counts *c);
/* Answers with job id's record and this status; 0, or -1 when the
 * database failed (nothing is set then). */
struct app;
int jobs_respond(struct app *app, struct response *res, int status, int64_t id);
/* Answers 202 with job id's record and its Location (503 when the
 * database failed). */
void jobs_accepted(struct app *app, struct response *res, int64_t id);

/* handlers/forecasts.c: forecast runs, their results, accuracy. */
void forecasts_create(struct request *req, struct response *res);
void forecasts_latest(struct request *req, struct response *res);
void forecasts_accuracy(struct request *req, struct response *res);
void forecasts_job_get(struct request *req, struct response *res);
void forecasts_job_results(struct request *req, struct response *res);
void forecasts_job_cancel(struct request *req, struct response *res);

/* handlers/wcap.c: working capital; handlers/inventory.c: inventory policy. */
void wcap_get(struct request *req, struct response *res);
void wcap_history(struct request *req, struct response *res);
void wcap_ageing_get(struct request *req, struct response *res);
void wcap_recompute(struct request *req, struct response *res);
void wcap_scenarios(struct request *req, struct response *res);
void inventory_policy(struct request *req, struct response *res);

/* handlers/slo.c: the SLO dashboard (JSON, or a page), the performance
 * report, and the admin's health report. */
void slo_dashboard(struct request *req, struct response *res);
void performance_get(struct request *req, struct response *res);
void admin_health(struct request *req, struct response *res);

/* handlers/webhooks.c: Clerk's webhooks. */
void webhooks_clerk(struct request *req, struct response *res);

/* handlers/users.c: a user's data export, and erasure. */
void users_export_get(struct request *req, struct response *res);
void users_erase_delete(struct request *req, struct response *res);

/* handlers/admin.c: the audit log. */
void admin_audit_log(struct request *req, struct response *res);

#endif
