/* ops: the operations endpoints. None needs a token: load balancers,
 * orchestrators and Prometheus call them. */
#include "ac-config.h"

#include "app.h"
#include "clock.h"
#include "metrics.h"
#include "migrate.h"
#include "routes.h"
#include "version.h"

#include <json-c/json.h>
#include <string.h>

/* Liveness: the process answers. Touches no dependency, so a database
 * outage never gets healthy responders restarted. */
void ops_health(struct request *req, struct response *res)
{
	(void)req;
	res_header(res, "Cache-Control", "no-store");
	res_json_text(res, 200, "{\"status\":\"healthy\"}");
}

/* The result of checking one dependency. */
struct dep_check {
	int ok;
	double latency_ms;
};

static void check_deps(struct app *app, struct dep_check *db, struct dep_check *kv)
{
	db->ok = db_ping(&app->db, &db->latency_ms) == 0;
	kv->ok = kv_ping(&app->kv, &kv->latency_ms) == 0;
	if (!db->ok)
		sb_add(&app->sb->dep_failures[DEP_DATABASE], 1);
	if (!kv->ok)
		sb_add(&app->sb->dep_failures[DEP_REDIS], 1);
}

/* The schema's state against this build: "ok" (at or past the version it
 * expects: migrations only add, so a newer schema serves an older build
 * during a rolling deploy), "pending", or "unknown" when unreadable. */
static const char *schema_state(struct app *app, int *version)
{
	*version = -1;
	if (migrate_current_version(&app->db, version) != 0)
		return "unknown";
	return *version >= migrations_latest() ? "ok" : "pending";
}

/* Readiness: 200 when PostgreSQL and Redis answer and the schema is
 * migrated, 503 naming what is not. */
void ops_ready(struct request *req, struct response *res)
{
	struct dep_check db, kv;
	struct json_object *o = json_object_new_object(), *checks = json_object_new_object();
	const char *schema = "unknown";
	int version = -1, ready;

	check_deps(req->app, &db, &kv);
	if (db.ok)
		schema = schema_state(req->app, &version);
	ready = db.ok && kv.ok && strcmp(schema, "ok") == 0;
	json_object_object_add(o, "ready", json_object_new_boolean(ready));
	json_object_object_add(checks, "database", json_object_new_string(db.ok ? "ok" : "unavailable"));
	json_object_object_add(checks, "redis", json_object_new_string(kv.ok ? "ok" : "unavailable"));
	json_object_object_add(checks, "migrations", json_object_new_string(schema));
	json_object_object_add(o, "checks", checks);
	if (version >= 0) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "version", json_object_new_int(version));
		json_object_object_add(s, "expected", json_object_new_int(migrations_latest()));
		json_object_object_add(o, "schema", s);
	}
	res_header(res, "Cache-Control", "no-store");
	res_json(res, ready ? 200 : 503, o);
}

static struct json_object *component(const struct dep_check *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(c->ok ? "ok" : "unavailable"));
	json_object_object_add(o, "latency_ms", json_object_new_double((double)(long)(c->latency_ms * 1000) / 1000));
	return o;
}

struct json_object *pool_json(const struct scoreboard *sb)
{
	struct json_object *pool = json_object_new_object(), *restarts = json_object_new_object();
	struct sb_counts c;

	scoreboard_count(sb, &c);
	json_object_object_add(pool, "busy", json_object_new_int(c.busy));
	json_object_object_add(pool, "idle", json_object_new_int(c.idle));
	json_object_object_add(pool, "starting", json_object_new_int(c.starting));
	json_object_object_add(pool, "total", json_object_new_int(c.total));
	json_object_object_add(pool, "min", json_object_new_int(sb->min_instances));
	json_object_object_add(pool, "max", json_object_new_int(sb->max_instances));
	json_object_object_add(pool, "requests_served", json_object_new_int64((int64_t)sb_load(&sb->requests_total)));
	for (int i = 0; i < RESTART__MAX; i++)
		json_object_object_add(restarts, restart_reason_names[i], json_object_new_int64((int64_t)sb_load(&sb->restarts[i])));
	json_object_object_add(pool, "restarts", restarts);
	json_object_object_add(pool, "max_reached", json_object_new_int64((int64_t)sb_load(&sb->max_reached)));
	return pool;
}

/* The deployed build, the pool, and each component with its latency. */
void ops_status(struct request *req, struct response *res)
{
	struct app *app = req->app;
	const struct scoreboard *sb = app->sb;
	struct dep_check db, kv;
	struct json_object *o = json_object_new_object(), *comps = json_object_new_object();

	check_deps(app, &db, &kv);
	json_object_object_add(o, "status", json_object_new_string(db.ok && kv.ok ? "ok" : "degraded"));
	json_object_object_add(o, "version", json_object_new_string(sentia_version));
	json_object_object_add(o, "commit", json_object_new_string(sentia_commit));
	json_object_object_add(o, "build_time", json_object_new_string(sentia_build_time));
	json_object_object_add(o, "environment", json_object_new_string(config_env_name(app->cfg->app_env)));
	json_object_object_add(o, "uptime_seconds", json_object_new_int64((int64_t)((clock_mono_ms() - sb->start_ms) / 1000)));

	json_object_object_add(o, "pool", pool_json(sb));

	json_object_object_add(comps, "database", component(&db));
	json_object_object_add(comps, "redis", component(&kv));
	json_object_object_add(o, "components", comps);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}

/* Prometheus exposition for the whole pool, read from the scoreboard. */
void ops_metrics(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct metrics_input in = {
		.sb = app->sb,
		.routes = app->routes,
		.nroutes = app->nroutes,
		.version = sentia_version,
		.commit = sentia_commit,
	};
	struct buf out = BUF_INIT;

	metrics_gather_memory(&in);
	metrics_render(&in, &out);
	{
		/* The queues' figures, as the pool last rendered them. */
		static struct sb_text q;

		/* Figures older than half a minute are left out: the pool could
		 * not refresh them, and stale gauges would mislead. */
		if (sb_read(&app->sb->queue_metrics.lock, &app->sb->queue_metrics, &q, sizeof q) == 0 && q.len <= SB_TEXT_MAX
		    && clock_mono_ms() - q.lock.refreshed_ms < 30000)
			buf_append(&out, q.text, q.len);
	}
	res_header(res, "Cache-Control", "no-store");
	res_body(res, 200, METRICS_CONTENT_TYPE, out.data, out.len);
	buf_free(&out);
}
