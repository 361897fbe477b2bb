/* dispatch: the request's way from parsed request to handler. Every
 * precondition is checked here, once, so handlers only do their job. */
#include "ac-config.h"

#include "app.h"
#include "clock.h"
#include "digest.h"
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void app_init(struct app *app, const struct config *cfg, struct scoreboard *sb,
              struct sb_slot *slot, int kind, const struct route *routes, size_t nroutes)
{
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	app->sb = sb;
	app->slot = slot;
	app->kind = kind;
	app->routes = routes;
	app->nroutes = nroutes;
	{
		char host[64] = "";

		gethostname(host, sizeof host - 1);
		snprintf(app->worker, sizeof app->worker, "%s:%ld", host, (long)getpid());
	}
	if (db_init_config(&app->db, cfg, kind == SLOT_STATUS ? "sentia-api-status" : "sentia-api",
	                   cfg->db_statement_timeout_ms) < 0)
		log_error("PostgreSQL: out of memory");
	if (kv_init(&app->kv, cfg->redis_url, cfg->redis_connect_timeout_ms, cfg->redis_command_timeout_ms,
	            cfg->dependency_retry_max_ms) < 0)
		log_error("%s", app->kv.error);
	gate_init(&app->gate, cfg);
}

void app_idle(struct app *app)
{
	uint64_t now = clock_mono_ms();
	uint64_t last = __atomic_load_n(&app->sb->periodic_ms, __ATOMIC_RELAXED);

	/* One responder of the pool does it every few seconds. The turn is
	 * taken whether the work then succeeds or not: a failing query must
	 * never run on every request. */
	if (now - last < 5000 || now - app->sb->start_ms < 1000
	    || !__atomic_compare_exchange_n(&app->sb->periodic_ms, &last, now, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return;
	if (app->slot != NULL)
		scoreboard_set_state(app->slot, SLOT_WORKING);
	/* The shared windows and the probe first, every time: they must not
	 * wait for PostgreSQL, whose outage is what they record. */
	slo_refresh(app);
	/* The copies from PostgreSQL: without a connection open, rarely, so
	 * that an idle pool does not keep knocking on a database that is down. */
	last = __atomic_load_n(&app->sb->periodic_db_ms, __ATOMIC_RELAXED);
	if ((app->db.conn == NULL && now - last < 30000)
	    || !__atomic_compare_exchange_n(&app->sb->periodic_db_ms, &last, now, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return;
	imports_refresh_sources(app);
	queues_refresh_metrics(app);
	wcap_refresh_metrics(app);
	forecasts_refresh_metrics(app);
}

void app_free(struct app *app)
{
	gate_free(&app->gate);
	db_free(&app->db);
	kv_free(&app->kv);
}

static int method_has_body(enum http_method m)
{
	return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH;
}

static void route_and_serve(struct app *app, struct request *req, struct response *res);

/* Whether an If-None-Match value (a list of entity tags, or "*") names
 * tag. The comparison is weak, as RFC 9110 asks for GET: W/ is ignored. */
static int etag_listed(const char *header, const char *tag)
{
	const char *p = header;
	size_t n = strlen(tag);

	while (*p != '\0') {
		const char *start;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		start = p;
		while (*p != '\0' && *p != ',')
			p++;
		while (p > start && (p[-1] == ' ' || p[-1] == '\t'))
			p--;
		if ((size_t)(p - start) == n && memcmp(start, tag, n) == 0)
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

/* Gives every successful JSON answer to a GET an entity tag made from its
 * body, and turns it into a 304 without a body when the client already
 * holds that tag. */
static void etag_finish(const struct request *req, struct response *res)
{
	const char *inm;
	char hex[65], tag[40];

	if ((req->method != HTTP_GET && req->method != HTTP_HEAD) || res->status != 200 || res->content_type == NULL
	    || strcmp(res->content_type, "application/json") != 0)
		return;
	digest_sha256_hex(res->body.data != NULL ? res->body.data : "", res->body.len, hex);
	snprintf(tag, sizeof tag, "\"%.32s\"", hex);
	res_header(res, "ETag", tag);
	inm = request_header(req, "If-None-Match");
	if (inm != NULL && etag_listed(inm, tag)) {
		res->status = 304;
		buf_reset(&res->body);
	}
}

void dispatch(struct app *app, struct request *req, struct response *res)
{
	req->app = app;
	gate_client_addr(app, req);
	req->identity.role = ROLE_NONE;
	snprintf(req->identity.actor, sizeof req->identity.actor, "anonymous");
	route_and_serve(app, req, res);
	etag_finish(req, res);
	gate_finish(app, req, res);
}

static void route_and_serve(struct app *app, struct request *req, struct response *res)
{
	enum router_result rr;
	char msg[160];
	int rc;

	req->app = app;
	rr = router_match(app->routes, app->nroutes, req->method, req->path, &req->match);
	/* The status socket answers operations routes only. */
	if (rr != ROUTER_NOT_FOUND && app->kind == SLOT_STATUS
	    && (rr != ROUTER_FOUND || !(app->routes[req->match.route].flags & ROUTE_OPS))) {
		req->match.route = -1;
		rr = ROUTER_NOT_FOUND;
	}
	switch (rr) {
	case ROUTER_FOUND:
		break;
	case ROUTER_BAD_PATH:
		res_error(res, 400, "bad_request", "The request path has an invalid parameter.");
		return;
	case ROUTER_METHOD_NOT_ALLOWED: {
		struct buf allow = BUF_INIT;

		router_allow_value(req->match.allow, &allow);
		if (req->method == HTTP_OPTIONS) {
			gate_preflight(app, req, res, req->match.allow);
		} else {
			res_header(res, "Allow", allow.data);
			snprintf(msg, sizeof msg, "Method %.16s is not allowed here; allowed: %s.", req->method_name, allow.data);
			res_error(res, 405, "method_not_allowed", msg);
		}
		buf_free(&allow);
		return;
	}
	case ROUTER_NOT_FOUND:
	default:
		res_error(res, 404, "not_found", "No such resource.");
		return;
	}
	req->route = &app->routes[req->match.route];

	/* Maintenance, lock-out, identity, role and rate limit, before the
	 * body is read. */
	if (gate_check(app, req, res) != 0)
		return;

	if (method_has_body(req->method)) {
		long limit = req->route->flags & ROUTE_UPLOAD    ? app->cfg->import_max_bytes
		             : req->route->flags & ROUTE_WEBHOOK ? app->cfg->webhook_max_body_bytes
		                                                 : app->cfg->api_max_body_bytes;

		rc = request_read_body(req, limit);
		if (rc == 413) {
			snprintf(msg, sizeof msg, "The request body is larger than the limit of %ld bytes.", limit);
			res_error(res, 413, "payload_too_large", msg);
			return;
		}
		if (rc != 0) {
			res_error(res, rc, rc == 400 ? "bad_request" : "internal_error",
			          rc == 400 ? "The request body could not be read." : "The request body could not be stored.");
			return;
		}
	}
	req->route->handler(req, res);
	if (res->status == 0)
		res_error(res, 500, "internal_error", "The handler gave no response.");
}
