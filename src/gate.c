/* gate: one place checks every precondition, so handlers only do their
 * job (cgit's process_request is the model). */
#include "ac-config.h"

#include "gate.h"
#include "app.h"
#include "clock.h"
#include "log.h"
#include "ratelimit.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The Redis key that holds maintenance mode while an operator has set it;
 * absent, the configuration's MAINTENANCE_MODE decides. */
#define MAINTENANCE_KEY "sentia:maintenance"

int gate_init(struct gate *g, const struct config *cfg)
{
	struct buf why = BUF_INIT;
	int rc = 0;

	memset(g, 0, sizeof *g);
	if (auth_init(&g->auth, cfg, &why) == 0) {
		g->auth_ok = 1;
	} else {
		log_error("authentication: %s; session tokens will be refused", why.data != NULL ? why.data : "cannot load keys");
		rc = -1;
	}
	buf_reset(&why);
	if (netacl_parse(&g->metrics_acl, cfg->metrics_allowed_ips, &why) != 0
	    || netacl_parse(&g->maintenance_acl, cfg->maintenance_allowed_ips, &why) != 0
	    || netacl_parse(&g->trusted_proxies, cfg->api_trusted_proxies, &why) != 0) {
		log_error("address lists: %s", why.data);
		rc = -1;
	}
	buf_free(&why);
	return rc;
}

void gate_free(struct gate *g)
{
	auth_free(&g->auth);
}

void gate_client_addr(struct app *app, struct request *req)
{
	if (app->gate.trusted_proxies.n > 0)
		req->remote_addr = netacl_forwarded_client(&app->gate.trusted_proxies, req->remote_addr,
		                                           request_header(req, "X-Forwarded-For"), req->forwarded_addr,
		                                           sizeof req->forwarded_addr);
}

/* Whether the client's address is allowed by a list (an empty list
 * allows every address). */
static int allowed(const struct netacl *acl, const struct request *req)
{
	return acl->n == 0 || netacl_match(acl, req->remote_addr);
}

/* Whether the client's address is on a list that lets clients through
 * (an empty list lets no one through). */
static int allowed_nonempty(const struct netacl *acl, const struct request *req)
{
	return acl->n > 0 && netacl_match(acl, req->remote_addr);
}

/* Reads maintenance mode from Redis, at most once a second; while Redis is
 * away, the last state read (or the configuration's) stands. */
static void maintenance_refresh(struct app *app)
{
	struct gate *g = &app->gate;
	uint64_t now = clock_mono_ms();
	redisReply *r;

	if (now - g->maintenance.checked_ms < 1000 && g->maintenance.checked_ms != 0)
		return;
	if (g->maintenance.checked_ms == 0) {
		g->maintenance.on = app->cfg->maintenance_mode == SWITCH_ON;
		snprintf(g->maintenance.message, sizeof g->maintenance.message, "%s", app->cfg->maintenance_message);
		g->maintenance.allow = g->maintenance_acl;
	}
	g->maintenance.checked_ms = now;
	r = kv_command(&app->kv, "HMGET %s state message allow", MAINTENANCE_KEY);
	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 3 && r->element[0]->type == REDIS_REPLY_STRING) {
		struct buf why = BUF_INIT;

		g->maintenance.on = strcmp(r->element[0]->str, "on") == 0;
		if (r->element[1]->type == REDIS_REPLY_STRING)
			snprintf(g->maintenance.message, sizeof g->maintenance.message, "%s", r->element[1]->str);
		if (r->element[2]->type == REDIS_REPLY_STRING && netacl_parse(&g->maintenance.allow, r->element[2]->str, &why) != 0)
			g->maintenance.allow = g->maintenance_acl;
		buf_free(&why);
	} else if (r != NULL && r->type == REDIS_REPLY_ARRAY) {
		/* No operator state: the configuration's. */
		g->maintenance.on = app->cfg->maintenance_mode == SWITCH_ON;
		snprintf(g->maintenance.message, sizeof g->maintenance.message, "%s", app->cfg->maintenance_message);
		g->maintenance.allow = g->maintenance_acl;
	}
	freeReplyObject(r);
}

/* The maintenance answer: the HTML page for browsers, JSON for the rest. */
static void maintenance_answer(struct app *app, struct request *req, struct response *res)
{
	const char *accept = request_header(req, "Accept");

	res_header(res, "Retry-After", "300");
	if (accept != NULL && strstr(accept, "text/html") != NULL) {
		const struct template_var v[] = { { "message", app->gate.maintenance.message },
		                                  { "request_id", req->request_id } };

		if (res_template(res, 503, "maintenance.html", v, 2) == 0)
			return;
	}
	res_error(res, 503, "maintenance", app->gate.maintenance.message);
}

/* Whether origin is one of CORS_ALLOWED_ORIGINS, exactly. */
static int origin_allowed(const struct config *cfg, const char *origin)
{
	size_t n = origin != NULL ? strlen(origin) : 0;

	for (const char *p = cfg->cors_allowed_origins; n > 0 && *p != '\0';) {
		size_t len;

		p += strspn(p, ", ");
		len = strcspn(p, ", ");
		if (len == n && memcmp(p, origin, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

void gate_preflight(struct app *app, struct request *req, struct response *res, unsigned allow)
{
	const char *origin = request_header(req, "Origin");
	struct buf methods = BUF_INIT;

	router_allow_value(allow, &methods);
	res_header(res, "Allow", methods.data);
	if (origin_allowed(app->cfg, origin)) {
		res_header(res, "Access-Control-Allow-Methods", methods.data);
		res_header(res, "Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, X-API-Key, X-Request-Id");
		res_header(res, "Access-Control-Max-Age", "600");
	}
	res_body(res, 204, NULL, "", 0);
	buf_free(&methods);
}

/* The rate-limit class of a route, with its numbers from the configuration. */
static int rate_class(const struct config *cfg, int rate, struct ratelimit_class *c)
{
	switch (rate) {
	case RATE_DEFAULT: *c = (struct ratelimit_class){ "default", cfg->rate_default_max, cfg->rate_default_window }; return 0;
	case RATE_IMPORT: *c = (struct ratelimit_class){ "import", cfg->rate_import_max, cfg->rate_import_window }; return 0;
	case RATE_AUTH_SENSITIVE: *c = (struct ratelimit_class){ "auth-sensitive", cfg->rate_auth_max, cfg->rate_auth_window }; return 0;
	case RATE_WEBHOOK: *c = (struct ratelimit_class){ "webhook", cfg->rate_webhook_max, cfg->rate_webhook_window }; return 0;
	default: return -1;
	}
}

/* Refuses authentication: 401 with the challenge, counted toward a
 * lock-out of the address, and audited. */
static void refuse(struct app *app, struct request *req, struct response *res, const char *why)
{
	char msg[300];
	long seconds = 0;

	sb_add(&app->sb->auth_failures, 1);
	audit_write(app, req, "auth_failure", "401", why);
	if (auth_count_failure(&app->kv, app->cfg, req->remote_addr, &seconds)) {
		char detail[64];

		snprintf(detail, sizeof detail, "locked out for %ld s", seconds);
		sb_add(&app->sb->auth_lockouts, 1);
		audit_write(app, req, "lockout", "429", detail);
		log_msg(LOG_WARN, req->request_id, "address %s locked out for %ld s after repeated failed authentication",
		        req->remote_addr, seconds);
	}
	snprintf(msg, sizeof msg, "Authentication failed: %s.", why);
	res_header(res, "WWW-Authenticate", "Bearer realm=\"sentia\", error=\"invalid_token\"");
	res_error(res, 401, "unauthorized", msg);
}

int gate_check(struct app *app, struct request *req, struct response *res)
{
	const struct route *route = req->route;
	struct ratelimit_class rc;
	char why[200];
	long retry;

	/* Maintenance: everything but the probes, unless the address is allowed. */
	maintenance_refresh(app);
	if (app->gate.maintenance.on && !(route->flags & ROUTE_PROBE) && !allowed_nonempty(&app->gate.maintenance.allow, req)) {
		maintenance_answer(app, req, res);
		return 1;
	}
	if (route->flags & ROUTE_METRICS && !allowed(&app->gate.metrics_acl, req)) {
		res_error(res, 403, "forbidden", "Metrics are not served to this address.");
		return 1;
	}
	if (route->role != ROLE_NONE || route->flags & ROUTE_AUTH) {
		enum auth_outcome ao;

		if (auth_locked_out(&app->kv, req->remote_addr, &retry)) {
			char s[24];

			snprintf(s, sizeof s, "%ld", retry);
			res_header(res, "Retry-After", s);
			res_error(res, 429, "locked_out", "Too many failed authentications from this address; try again later.");
			return 1;
		}
		ao = auth_identify(&app->gate.auth, &app->db, request_header(req, "Authorization"),
		                   request_header(req, "X-API-Key"), request_header(req, "Cookie"), &req->identity, why,
		                   sizeof why);
		switch (ao) {
		case AUTH_ANONYMOUS:
			res_header(res, "WWW-Authenticate", "Bearer realm=\"sentia\"");
			res_error(res, 401, "unauthorized", "Authentication required: send a session token or an API key.");
			return 1;
		case AUTH_INVALID:
			refuse(app, req, res, why);
			return 1;
		case AUTH_UNAVAILABLE:
			res_header(res, "Retry-After", "5");
			res_error(res, 503, "database_unavailable", "Credentials cannot be checked now; try again shortly.");
			return 1;
		case AUTH_OK:
			break;
		}
		if (req->identity.role < (int)route->role) {
			char msg[160];

			snprintf(msg, sizeof msg, "This needs the %s role or a stronger one; you have %s.", role_name((int)route->role),
			         role_name(req->identity.role));
			audit_write(app, req, "request", "403", "role too weak");
			res_error(res, 403, "forbidden", msg);
			return 1;
		}
	}
	if (rate_class(app->cfg, (int)route->rate, &rc) == 0) {
		struct ratelimit_decision d;
		char key[200], policy[RATELIMIT_HEADER_MAX], state[RATELIMIT_HEADER_MAX];

		if (req->identity.role != ROLE_NONE)
			snprintf(key, sizeof key, "%s", req->identity.actor);
		else
			snprintf(key, sizeof key, "ip:%s", req->remote_addr);
		if (ratelimit_check(&app->kv, &rc, key, app->cfg->rate_fail_closed, &d) != 0) {
			sb_add(&app->sb->ratelimit_redis_failures, 1);
			log_msg(LOG_WARN, req->request_id, "rate limiter: Redis unavailable (%s); failing %s", app->kv.error,
			        app->cfg->rate_fail_closed ? "closed" : "open");
		}
		ratelimit_headers(&rc, &d, policy, sizeof policy, state, sizeof state);
		res_header(res, "RateLimit-Policy", policy);
		if (state[0] != '\0')
			res_header(res, "RateLimit", state);
		if (!d.allowed) {
			char s[24];

			snprintf(s, sizeof s, "%ld", d.retry_after_s > 0 ? d.retry_after_s : 1);
			res_header(res, "Retry-After", s);
			sb_add(&app->sb->ratelimited, 1);
			res_error(res, 429, "rate_limited", d.redis_failed ? "The rate limiter is unavailable; try again shortly."
			                                                   : "Too many requests; try again later.");
			return 1;
		}
	}
	return 0;
}

void audit_write(struct app *app, const struct request *req, const char *action, const char *outcome,
                 const char *detail)
{
	const char *p[] = { action, req->identity.actor[0] ? req->identity.actor : "anonymous",
	                    req->identity.role != ROLE_NONE ? role_name(req->identity.role) : NULL, req->remote_addr,
	                    req->method_name, req->route != NULL ? req->route->pattern : NULL, req->path, outcome,
	                    req->request_id, detail };

	if (db_command(&app->db, "INSERT INTO audit_log (action, actor, role, remote_addr, method, route, target, outcome,"
	                         " request_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 10, p) != 0)
		log_msg(LOG_WARN, req->request_id, "audit: cannot record %s: %s", action, app->db.error);
}

void gate_finish(struct app *app, struct request *req, struct response *res)
{
	const char *origin = request_header(req, "Origin");

	res_header(res, "X-Frame-Options", "DENY");
	res_header(res, "Referrer-Policy", "no-referrer");
	if (config_switch_on(app->cfg, app->cfg->enable_hsts))
		res_header(res, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
	if (req->identity.role != ROLE_NONE && !res_has_header(res, "Cache-Control"))
		res_header(res, "Cache-Control", "no-store");
	if (origin != NULL && origin_allowed(app->cfg, origin)) {
		/* Never "*" with credentials: the one origin, and Vary so that
		 * caches keep answers per origin apart. */
		res_header(res, "Access-Control-Allow-Origin", origin);
		res_header(res, "Access-Control-Allow-Credentials", "true");
		res_header(res, "Vary", "Origin");
	}
	if (req->route != NULL && req->route->role != ROLE_NONE && req->identity.role != ROLE_NONE
	    && (req->method == HTTP_POST || req->method == HTTP_PUT || req->method == HTTP_PATCH || req->method == HTTP_DELETE)) {
		char status[8];

		snprintf(status, sizeof status, "%d", res->status);
		audit_write(app, req, "request", status, NULL);
	}
}
