/* slo: what the service-level objectives and the pool look like, to a
 * machine (JSON) and to a person (an HTML page): the SLO dashboard, the
 * performance report, the admin's health report; and the periodic work
 * that feeds the shared windows they read. */
#include "ac-config.h"

#include "app.h"
#include "clock.h"
#include "metrics.h"
#include "queue.h"
#include "routes.h"
#include "slo.h"
#include "template.h"
#include "window.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

static void iso_time(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "-");
}

/* A number for JSON, or null when it is not one. */
static struct json_object *number(double v)
{
	return isnan(v) || isinf(v) ? NULL : json_object_new_double(v);
}

/* Milliseconds rounded to the microsecond, or null. */
static struct json_object *millis(double seconds)
{
	return isnan(seconds) ? NULL : json_object_new_double(round(seconds * 1e6) / 1e3);
}

/* ---- The periodic work ---- */

void slo_refresh(struct app *app)
{
	struct metrics_input in = { .sb = app->sb };
	struct slo_ctx ctx;
	struct slo_alert alerts[SLO_MAX_ALERTS];
	time_t now = time(NULL);
	char host[64] = "";
	double ms;
	int probe = db_ping(&app->db, &ms) == 0;

	if (!probe)
		sb_add(&app->sb->dep_failures[DEP_DATABASE], 1);
	if (win_flush(&app->kv, app->sb, app->routes, app->nroutes, now, probe) != 0)
		return;
	gethostname(host, sizeof host - 1);
	metrics_gather_memory(&in);
	slo_record_memory(&app->kv, host, in.rss_master + in.rss_responders + in.rss_status, memory_limit_bytes(), now);
	/* Evaluated here too, so that an alert's start is known to within
	 * the periodic work's period whether or not anyone is looking. */
	slo_ctx_init(&ctx, &app->db, &app->kv, now);
	slo_alerts(&ctx, alerts, SLO_MAX_ALERTS);
}

/* ---- The dashboard ---- */

/* Everything the dashboard shows, measured once for either form. */
struct dashboard {
	time_t now;
	struct slo_reading readings[8];
	struct slo_alert alerts[SLO_MAX_ALERTS];
	size_t nalerts;
	enum slo_status overall;
};

static void dashboard_measure(struct app *app, struct dashboard *d)
{
	struct slo_ctx ctx;

	d->now = time(NULL);
	d->overall = SLO_OK;
	slo_ctx_init(&ctx, &app->db, &app->kv, d->now);
	for (size_t i = 0; i < slo_ndefs && i < 8; i++) {
		struct slo_reading *r = &d->readings[i];

		/* PostgreSQL away: its objectives show no data, and the database
		 * alert says why; the page itself stays up for the incident. */
		if (slo_measure(&ctx, i, r) != 0) {
			memset(r, 0, sizeof *r);
			r->status = SLO_NO_DATA;
			r->number = r->budget = NAN;
			snprintf(r->value, sizeof r->value, "-");
			snprintf(r->detail, sizeof r->detail, "PostgreSQL did not answer");
		}
		if (r->status != SLO_NO_DATA && r->status > d->overall)
			d->overall = r->status;
	}
	d->nalerts = slo_alerts(&ctx, d->alerts, SLO_MAX_ALERTS);
	for (size_t i = 0; i < d->nalerts; i++)
		if (d->alerts[i].level > d->overall)
			d->overall = d->alerts[i].level;
}

static void dashboard_json(struct dashboard *d, struct response *res)
{
	struct json_object *o = json_object_new_object(), *slos = json_object_new_array(), *alerts = json_object_new_array();
	char at[32];

	iso_time(d->now, at, sizeof at);
	json_object_object_add(o, "generated_at", json_object_new_string(at));
	json_object_object_add(o, "status", json_object_new_string(slo_status_name(d->overall)));
	for (size_t i = 0; i < slo_ndefs && i < 8; i++) {
		const struct slo_def *def = &slo_defs[i];
		const struct slo_reading *r = &d->readings[i];
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "key", json_object_new_string(def->key));
		json_object_object_add(s, "name", json_object_new_string(def->name));
		json_object_object_add(s, "target", json_object_new_string(def->target));
		json_object_object_add(s, "window", json_object_new_string(def->window));
		json_object_object_add(s, "unit", json_object_new_string(def->unit));
		json_object_object_add(s, "value", number(r->number));
		json_object_object_add(s, "display", json_object_new_string(r->value));
		json_object_object_add(s, "status", json_object_new_string(slo_status_name(r->status)));
		json_object_object_add(s, "detail", json_object_new_string(r->detail));
		json_object_object_add(s, "error_budget_remaining", number(r->budget));
		if (r->has_spark) {
			struct json_object *h = json_object_new_array();

			for (int k = 0; k < SLO_SPARK_HOURS; k++)
				json_object_array_add(h, number(r->spark[k]));
			json_object_object_add(s, "history_24h", h);
		}
		json_object_array_add(slos, s);
	}
	json_object_object_add(o, "slos", slos);
	for (size_t i = 0; i < d->nalerts; i++) {
		struct json_object *a = json_object_new_object();

		json_object_object_add(a, "name", json_object_new_string(d->alerts[i].name));
		json_object_object_add(a, "level", json_object_new_string(slo_status_name(d->alerts[i].level)));
		json_object_object_add(a, "value", json_object_new_string(d->alerts[i].value));
		json_object_object_add(a, "detail", json_object_new_string(d->alerts[i].detail));
		iso_time((time_t)d->alerts[i].since, at, sizeof at);
		json_object_object_add(a, "since", json_object_new_string(at));
		json_object_array_add(alerts, a);
	}
	json_object_object_add(o, "alerts", alerts);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}

#define SPARK_W 120.0
#define SPARK_H 24.0

/* The SVG path of a sparkline, scaled to its own range; a gap where an
 * hour has no figure. Empty when no hour has one. */
static void spark_path(const double *v, int n, char *out, size_t size)
{
	double lo = NAN, hi = NAN;
	size_t len = 0;
	int pen = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++)
		if (!isnan(v[i])) {
			lo = isnan(lo) || v[i] < lo ? v[i] : lo;
			hi = isnan(hi) || v[i] > hi ? v[i] : hi;
		}
	if (isnan(lo))
		return;
	for (int i = 0; i < n && len + 24 < size; i++) {
		double x = SPARK_W * i / (n - 1), y;

		if (isnan(v[i])) {
			pen = 0;
			continue;
		}
		y = hi > lo ? (SPARK_H - 2) - (SPARK_H - 4) * (v[i] - lo) / (hi - lo) : SPARK_H / 2;
		len += (size_t)snprintf(out + len, size - len, "%s%.1f,%.1f", pen ? " L" : (len ? " M" : "M"), x, y);
		/* A lone point still shows: a short stroke, inwards. */
		if (!pen && (i + 1 >= n || isnan(v[i + 1])))
			len += (size_t)snprintf(out + len, size - len, " L%.1f,%.1f", i + 1 >= n ? x - 2 : x + 2, y);
		pen = 1;
	}
}

/* One SLO's row on the page: its strings, and the scopes they fill. */
struct slo_row {
	char budget[24], path[1024], status_class[24];
	struct template_var vars[9];
	struct template_var spark_vars[1];
	struct template_scope spark_item;
	struct template_section spark;
};

/* One alert's row. */
struct alert_row {
	char since[32], level_class[24];
	struct template_var vars[6];
};

static void dashboard_html(struct dashboard *d, struct response *res)
{
	static struct slo_row rows[8];
	static struct alert_row arows[SLO_MAX_ALERTS];
	struct template_scope slo_items[8], alert_items[SLO_MAX_ALERTS];
	struct template_section sections[2];
	char at[32], overall_class[24];
	const struct template_var vars[] = {
		{ "generated_at", at },
		{ "overall", slo_status_name(d->overall) },
		{ "overall_class", overall_class },
	};
	struct template_scope page = { .vars = vars, .nvars = sizeof vars / sizeof vars[0], .sections = sections, .nsections = 2 };
	size_t n = slo_ndefs < 8 ? slo_ndefs : 8;

	iso_time(d->now, at, sizeof at);
	snprintf(overall_class, sizeof overall_class, "st-%s", slo_status_name(d->overall));
	for (size_t i = 0; i < n; i++) {
		const struct slo_def *def = &slo_defs[i];
		const struct slo_reading *r = &d->readings[i];
		struct slo_row *row = &rows[i];

		if (isnan(r->budget))
			snprintf(row->budget, sizeof row->budget, "-");
		else
			snprintf(row->budget, sizeof row->budget, "%.0f %%", 100 * (r->budget < -9.99 ? -9.99 : r->budget));
		snprintf(row->status_class, sizeof row->status_class, "st-%s", slo_status_name(r->status));
		row->path[0] = '\0';
		if (r->has_spark)
			spark_path(r->spark, SLO_SPARK_HOURS, row->path, sizeof row->path);
		row->vars[0] = (struct template_var){ "name", def->name };
		row->vars[1] = (struct template_var){ "target", def->target };
		row->vars[2] = (struct template_var){ "window", def->window };
		row->vars[3] = (struct template_var){ "value", r->value };
		row->vars[4] = (struct template_var){ "status", slo_status_name(r->status) };
		row->vars[5] = (struct template_var){ "status_class", row->status_class };
		row->vars[6] = (struct template_var){ "detail", r->detail };
		row->vars[7] = (struct template_var){ "budget", row->budget };
		row->vars[8] = (struct template_var){ "key", def->key };
		row->spark_vars[0] = (struct template_var){ "path", row->path };
		row->spark_item = (struct template_scope){ .vars = row->spark_vars, .nvars = 1 };
		row->spark = (struct template_section){ "spark", &row->spark_item, row->path[0] != '\0' };
		slo_items[i] = (struct template_scope){ .vars = row->vars, .nvars = 9, .sections = &row->spark, .nsections = 1 };
	}
	for (size_t i = 0; i < d->nalerts; i++) {
		struct alert_row *a = &arows[i];

		iso_time((time_t)d->alerts[i].since, a->since, sizeof a->since);
		snprintf(a->level_class, sizeof a->level_class, "st-%s", slo_status_name(d->alerts[i].level));
		a->vars[0] = (struct template_var){ "alert", d->alerts[i].name };
		a->vars[1] = (struct template_var){ "level", slo_status_name(d->alerts[i].level) };
		a->vars[2] = (struct template_var){ "level_class", a->level_class };
		a->vars[3] = (struct template_var){ "alert_value", d->alerts[i].value };
		a->vars[4] = (struct template_var){ "since", a->since };
		a->vars[5] = (struct template_var){ "alert_detail", d->alerts[i].detail };
		alert_items[i] = (struct template_scope){ .vars = a->vars, .nvars = 6 };
	}
	sections[0] = (struct template_section){ "slos", slo_items, n };
	sections[1] = (struct template_section){ "alerts", alert_items, d->nalerts };
	res_header(res, "Cache-Control", "no-store");
	if (res_template_scope(res, 200, "slo.html", &page) != 0)
		res_error(res, 500, "internal_error", "The SLO page could not be rendered.");
}

/* Whether the client asked for a page rather than JSON: /slo, or an
 * Accept header that names HTML before (or without) JSON. */
static int wants_html(const struct request *req)
{
	const char *accept = request_header(req, "Accept"), *html, *json;

	if (strcmp(req->path, "/slo") == 0)
		return 1;
	if (accept == NULL || (html = strstr(accept, "text/html")) == NULL)
		return 0;
	json = strstr(accept, "application/json");
	return json == NULL || html < json;
}

void slo_dashboard(struct request *req, struct response *res)
{
	static struct dashboard d;

	memset(&d, 0, sizeof d);
	dashboard_measure(req->app, &d);
	res_header(res, "Vary", "Accept");
	if (wants_html(req))
		dashboard_html(&d, res);
	else
		dashboard_json(&d, res);
}

/* ---- The performance report ---- */

static struct json_object *figures(const struct win_totals *t, double seconds)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "requests", json_object_new_int64((int64_t)t->n));
	json_object_object_add(o, "errors", json_object_new_int64((int64_t)t->errors));
	json_object_object_add(o, "throughput_rps", seconds > 0 ? json_object_new_double(round(t->n / seconds * 1000) / 1000) : NULL);
	json_object_object_add(o, "p50_ms", millis(win_quantile(t->buckets, 0.50)));
	json_object_object_add(o, "p95_ms", millis(win_quantile(t->buckets, 0.95)));
	json_object_object_add(o, "p99_ms", millis(win_quantile(t->buckets, 0.99)));
	json_object_object_add(o, "mean_ms", t->n > 0 ? millis((double)t->sum_us / 1e6 / (double)t->n) : NULL);
	return o;
}

/* One scoreboard route's counters since the pool started. */
static void since_start(const struct sb_route *r, struct win_totals *t)
{
	memset(t, 0, sizeof *t);
	for (int m = 0; m < HTTP__MAX; m++) {
		for (int c = 0; c < 5; c++)
			t->n += sb_load(&r->count[m][c]);
		t->errors += sb_load(&r->count[m][4]);
	}
	for (int b = 0; b < SB_NBUCKETS; b++)
		t->buckets[b] = sb_load(&r->buckets[b]);
	t->sum_us = sb_load(&r->sum_us);
}

static const char *state_name(int state)
{
	static const char *const names[] = { "empty", "starting", "idle", "busy", "working" };

	return state >= 0 && state <= SLOT_WORKING ? names[state] : "?";
}

void performance_get(struct request *req, struct response *res)
{
	struct app *app = req->app;
	const struct scoreboard *sb = app->sb;
	static struct win_route recent[SB_MAX_ROUTES];
	struct win_totals recent_total, all, t;
	size_t nrecent = 0;
	int recent_ok;
	time_t now = time(NULL);
	double up = (double)(clock_mono_ms() - sb->start_ms) / 1000;
	/* The recent window is the last five whole minutes and the current
	 * one so far. */
	double window = WIN_RECENT_MINUTES * 60 + (double)(now % 60);
	struct json_object *o = json_object_new_object(), *rows = json_object_new_array(), *resp = json_object_new_array();
	char at[32];

	recent_ok = win_recent(&app->kv, now, &recent_total, recent, SB_MAX_ROUTES, &nrecent) == 0;
	iso_time(now, at, sizeof at);
	json_object_object_add(o, "generated_at", json_object_new_string(at));
	json_object_object_add(o, "window_seconds", json_object_new_int((int)window));
	json_object_object_add(o, "recent", recent_ok ? figures(&recent_total, window) : NULL);
	if (!recent_ok)
		json_object_object_add(o, "recent_unavailable", json_object_new_string("Redis did not answer"));
	memset(&all, 0, sizeof all);
	for (size_t i = 0; i < SB_MAX_ROUTES; i++) {
		if (i >= app->nroutes && i != SB_MAX_ROUTES - 1)
			continue;
		since_start(&sb->routes[i], &t);
		all.n += t.n;
		all.errors += t.errors;
		all.sum_us += t.sum_us;
		for (int b = 0; b < SB_NBUCKETS; b++)
			all.buckets[b] += t.buckets[b];
	}
	json_object_object_add(o, "since_start", figures(&all, up));
	json_object_object_add(o, "since_start_seconds", json_object_new_int64((int64_t)up));

	for (size_t i = 0; i < SB_MAX_ROUTES; i++) {
		char name[128];
		struct win_totals *rt = NULL;
		struct json_object *r;

		if (i >= app->nroutes && i != SB_MAX_ROUTES - 1)
			continue;
		if (i < app->nroutes)
			snprintf(name, sizeof name, "%s %s", http_method_name(app->routes[i].method), app->routes[i].pattern);
		else
			snprintf(name, sizeof name, "unmatched");
		since_start(&sb->routes[i], &t);
		for (size_t k = 0; k < nrecent; k++)
			if (strcmp(recent[k].name, name) == 0)
				rt = &recent[k].t;
		if (t.n == 0 && (rt == NULL || rt->n == 0))
			continue;
		r = json_object_new_object();
		json_object_object_add(r, "route", json_object_new_string(name));
		if (rt != NULL) {
			json_object_object_add(r, "recent", figures(rt, window));
		} else if (recent_ok) {
			struct win_totals none;

			memset(&none, 0, sizeof none);
			json_object_object_add(r, "recent", figures(&none, window));
		} else {
			json_object_object_add(r, "recent", NULL);
		}
		json_object_object_add(r, "since_start", figures(&t, up));
		json_object_array_add(rows, r);
	}
	json_object_object_add(o, "routes", rows);

	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		const struct sb_slot *s = &sb->slots[i];
		struct json_object *r;

		if (s->pid == 0 || s->state == SLOT_EMPTY)
			continue;
		r = json_object_new_object();
		json_object_object_add(r, "pid", json_object_new_int(s->pid));
		json_object_object_add(r, "kind", json_object_new_string(s->kind == SLOT_STATUS ? "status" : "pool"));
		json_object_object_add(r, "state", json_object_new_string(state_name(s->state)));
		json_object_object_add(r, "requests", json_object_new_int64((int64_t)s->requests));
		json_object_object_add(r, "uptime_seconds", json_object_new_int64((int64_t)((clock_mono_ms() - s->started_ms) / 1000)));
		json_object_object_add(r, "rss_bytes", json_object_new_int64((int64_t)proc_rss_bytes(s->pid)));
		json_object_array_add(resp, r);
	}
	json_object_object_add(o, "responders", resp);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}

/* ---- The admin's health report ---- */

/* One value of a result, as JSON of its type, or null. */
static struct json_object *field(PGresult *r, int col, char type)
{
	const char *v;

	if (PQgetisnull(r, 0, col))
		return NULL;
	v = PQgetvalue(r, 0, col);
	if (type == 'i')
		return json_object_new_int64(strtoll(v, NULL, 10));
	if (type == 'd')
		return json_object_new_double(strtod(v, NULL));
	if (type == 'b')
		return json_object_new_boolean(v[0] == 't');
	return json_object_new_string(v);
}

static struct json_object *database_health(struct app *app, int *ok)
{
	struct json_object *o = json_object_new_object();
	double ms = 0;
	PGresult *r;

	*ok = db_ping(&app->db, &ms) == 0;
	json_object_object_add(o, "connected", json_object_new_boolean(*ok));
	if (!*ok) {
		json_object_object_add(o, "error", json_object_new_string(app->db.error));
		return o;
	}
	json_object_object_add(o, "latency_ms", json_object_new_double(round(ms * 1000) / 1000));
	r = db_exec(&app->db,
	            "SELECT current_setting('server_version'),"
	            " (SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL),"
	            " current_setting('max_connections')::int, pg_is_in_recovery(),"
	            " CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END,"
	            " pg_database_size(current_database())",
	            0, NULL);
	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(o, "server_version", field(r, 0, 's'));
		json_object_object_add(c, "in_use", field(r, 1, 'i'));
		json_object_object_add(c, "max", field(r, 2, 'i'));
		json_object_object_add(o, "connections", c);
		json_object_object_add(o, "replica", field(r, 3, 'b'));
		json_object_object_add(o, "replication_lag_seconds", field(r, 4, 'd'));
		json_object_object_add(o, "database_size_bytes", field(r, 5, 'i'));
	} else {
		json_object_object_add(o, "error", json_object_new_string(app->db.error));
	}
	PQclear(r);
	return o;
}

/* A field of Redis's INFO text ("used_memory:1234\r\n"), or NULL. */
static const char *info_field(const char *info, const char *name, char *out, size_t size)
{
	size_t len = strlen(name);

	for (const char *p = info; p != NULL && *p != '\0'; p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, name, len) == 0 && p[len] == ':') {
			size_t n = strcspn(p + len + 1, "\r\n");

			snprintf(out, size, "%.*s", (int)n, p + len + 1);
			return out;
		}
	}
	return NULL;
}

static struct json_object *info_number(const char *info, const char *name)
{
	char v[64];

	return info_field(info, name, v, sizeof v) != NULL ? json_object_new_int64(strtoll(v, NULL, 10)) : NULL;
}

static struct json_object *redis_health(struct app *app, int *ok)
{
	struct json_object *o = json_object_new_object(), *p;
	double ms = 0;
	redisReply *r;
	char v[64];

	*ok = kv_ping(&app->kv, &ms) == 0;
	json_object_object_add(o, "connected", json_object_new_boolean(*ok));
	if (!*ok) {
		json_object_object_add(o, "error", json_object_new_string(app->kv.error));
		return o;
	}
	json_object_object_add(o, "latency_ms", json_object_new_double(round(ms * 1000) / 1000));
	r = kv_command(&app->kv, "INFO");
	if (r != NULL && (r->type == REDIS_REPLY_STRING)) {
		json_object_object_add(o, "version", info_field(r->str, "redis_version", v, sizeof v) ? json_object_new_string(v) : NULL);
		json_object_object_add(o, "used_memory_bytes", info_number(r->str, "used_memory"));
		json_object_object_add(o, "maxmemory_bytes", info_number(r->str, "maxmemory"));
		json_object_object_add(o, "connected_clients", info_number(r->str, "connected_clients"));
		p = json_object_new_object();
		json_object_object_add(p, "aof_enabled", json_object_new_boolean(info_field(r->str, "aof_enabled", v, sizeof v) && v[0] == '1'));
		json_object_object_add(p, "aof_last_write_status",
		                       info_field(r->str, "aof_last_write_status", v, sizeof v) ? json_object_new_string(v) : NULL);
		json_object_object_add(p, "rdb_last_bgsave_status",
		                       info_field(r->str, "rdb_last_bgsave_status", v, sizeof v) ? json_object_new_string(v) : NULL);
		json_object_object_add(p, "rdb_changes_since_last_save", info_number(r->str, "rdb_changes_since_last_save"));
		json_object_object_add(p, "rdb_last_save_time", info_number(r->str, "rdb_last_save_time"));
		json_object_object_add(o, "persistence", p);
	}
	freeReplyObject(r);
	return o;
}

static struct json_object *queues_health(struct app *app, int *ok)
{
	struct json_object *a = json_object_new_array();

	*ok = 1;
	for (size_t i = 0; i < nqueues; i++) {
		struct queue_counts c;

		if (queue_counts(&app->db, &app->kv, &queues[i], &c) != 0) {
			*ok = 0;
			continue;
		}
		json_object_array_add(a, queue_json(&queues[i], &c));
	}
	return a;
}

/* Free space of each NAME=PATH of HEALTH_DISK_PATHS. */
static struct json_object *disk_health(const char *spec, int *ok)
{
	struct json_object *a = json_object_new_array();
	char *copy = strdup(spec != NULL ? spec : ""), *save = NULL;

	*ok = 1;
	for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		struct json_object *d = json_object_new_object();
		struct statvfs st;

		if (eq != NULL)
			*eq = '\0';
		json_object_object_add(d, "name", json_object_new_string(eq != NULL ? item : "disk"));
		json_object_object_add(d, "path", json_object_new_string(eq != NULL ? eq + 1 : item));
		if (statvfs(eq != NULL ? eq + 1 : item, &st) != 0) {
			json_object_object_add(d, "error", json_object_new_string("cannot be read"));
		} else {
			uint64_t total = (uint64_t)st.f_blocks * st.f_frsize, avail = (uint64_t)st.f_bavail * st.f_frsize;
			double used = total > 0 ? 1 - (double)avail / (double)total : 0;

			json_object_object_add(d, "total_bytes", json_object_new_int64((int64_t)total));
			json_object_object_add(d, "available_bytes", json_object_new_int64((int64_t)avail));
			json_object_object_add(d, "used_ratio", json_object_new_double(round(used * 1e4) / 1e4));
			if (used > 0.9)
				*ok = 0;
		}
		json_object_array_add(a, d);
	}
	free(copy);
	return a;
}

void admin_health(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct json_object *o = json_object_new_object();
	int db_ok, kv_ok, q_ok = 0, disk_ok;
	char at[32];

	iso_time(time(NULL), at, sizeof at);
	json_object_object_add(o, "generated_at", json_object_new_string(at));
	json_object_object_add(o, "database", database_health(app, &db_ok));
	json_object_object_add(o, "redis", redis_health(app, &kv_ok));
	json_object_object_add(o, "queues", db_ok && kv_ok ? queues_health(app, &q_ok) : json_object_new_array());
	json_object_object_add(o, "pool", pool_json(app->sb));
	json_object_object_add(o, "disk", disk_health(app->cfg->health_disk_paths, &disk_ok));
	json_object_object_add(o, "status", json_object_new_string(db_ok && kv_ok && q_ok && disk_ok ? "ok" : "degraded"));
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}
