/* wcap: the working-capital routes (latest snapshot or a figure set for
 * any day and window, monthly history, ageing, recompute, scenarios) and
 * the inventory policy per product. */
#include "ac-config.h"

#include "app.h"
#include "cache.h"
#include "civil.h"
#include "normal.h"
#include "queue.h"
#include "routes.h"
#include "value.h"
#include "wcap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wcap_refresh_metrics(struct app *app)
{
	struct db_query q = { "SELECT coalesce(extract(epoch FROM max(computed_at))::bigint, -1)"
	                      " FROM working_capital_snapshots", 0, NULL, NULL, NULL, 0, 2000, 0 };
	PGresult *r = db_run(&app->db, &q);

	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK)
		__atomic_store_n(&app->sb->wc_computed_at, (int64_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10), __ATOMIC_RELAXED);
	PQclear(r);
}

/* Adds what the recency objective needs to see: computed_at, the age, and
 * whether it is past the objective. */
static void add_recency(struct json_object *o, const char *computed_at, double age_s, int snapshot)
{
	json_object_object_add(o, "computed_at", json_object_new_string(computed_at));
	json_object_object_add(o, "snapshot", json_object_new_boolean(snapshot));
	json_object_object_add(o, "age_seconds", json_object_new_int64((int64_t)age_s));
	json_object_object_add(o, "recency_objective_seconds", json_object_new_int(WCAP_RECENCY_SLO_SECONDS));
	json_object_object_add(o, "stale", json_object_new_boolean(age_s > WCAP_RECENCY_SLO_SECONDS));
}

/* The figures of one period, computed now, with their explanations. */
static void respond_live(struct request *req, struct response *res, const struct wcap_period *p)
{
	struct app *app = req->app;
	struct json_object *a = wcap_compute(&app->db, app->cfg->base_currency, p, 1, 1), *o;
	PGresult *r;

	if (a == NULL || json_object_array_length(a) != 1) {
		json_object_put(a);
		res_unavailable(res, "PostgreSQL", app->db.error);
		return;
	}
	o = json_object_get(json_object_array_get_idx(a, 0));
	json_object_put(a);
	r = db_exec(&app->db, "SELECT " DB_ISO_TIME("now()"), 0, NULL);
	add_recency(o, r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "", 0, 0);
	PQclear(r);
	res_json(res, 200, o);
}

/* GET /api/working-capital[?as_of=YYYY-MM-DD][&window_days=N]: the latest
 * snapshot; or, with either parameter, the figures of that day and
 * trailing window computed now. With no snapshot yet, today's figures are
 * computed now (and "snapshot" is false). */
void wcap_get(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct wcap_period p = { civil_today(), app->cfg->wc_window_days };
	int64_t window = p.window_days;
	struct buf probe = BUF_INIT;
	struct cache_slot slot;
	int explicit;
	PGresult *r;

	explicit = request_query(req, "as_of", &probe) != 0 || request_query(req, "window_days", &probe) != 0;
	buf_free(&probe);
	if (param_date(req, res, "as_of", &p.as_of) != 0
	    || param_int(req, res, "window_days", 1, WCAP_MAX_WINDOW_DAYS, &window) != 0)
		return;
	p.window_days = (long)window;
	if (cache_serve(req, res, &slot))
		return;
	if (explicit) {
		respond_live(req, res, &p);
		cache_store(req, res, &slot);
		return;
	}
	r = db_exec(&app->db, "SELECT figures, " DB_ISO_TIME("computed_at") ", extract(epoch FROM now() - computed_at)"
	                      " FROM working_capital_snapshots ORDER BY computed_at DESC LIMIT 1", 0, NULL);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		res_unavailable(res, "PostgreSQL", r != NULL ? PQresultErrorMessage(r) : app->db.error);
		PQclear(r);
		return;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		respond_live(req, res, &p);
	} else {
		struct json_object *o = json_tokener_parse(PQgetvalue(r, 0, 0));

		if (o == NULL || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			PQclear(r);
			res_error(res, 500, "internal_error", "The stored snapshot could not be read.");
			return;
		}
		add_recency(o, PQgetvalue(r, 0, 1), strtod(PQgetvalue(r, 0, 2), NULL), 1);
		PQclear(r);
		res_json(res, 200, o);
	}
	cache_store(req, res, &slot);
}

/* Reads query parameter name as a month (YYYY-MM) into *month, a month
 * count (year * 12 + month - 1); left alone when absent. 0, or -1 with a
 * 400 set. */
static int query_month(struct request *req, struct response *res, const char *name, long *month)
{
	struct buf v = BUF_INIT;
	int rc = request_query(req, name, &v), out = 0;
	int32_t days;
	char msg[120], day[16];

	if (rc != 0) {
		if (rc > 0 && v.len == 7 && (snprintf(day, sizeof day, "%s-01", v.data), 1)
		    && value_date(day, 10, &days) == VALUE_OK) {
			int y;
			unsigned m, d;

			civil_from_days(days, &y, &m, &d);
			*month = (long)y * 12 + (long)m - 1;
		} else {
			snprintf(msg, sizeof msg, "The parameter %s is a month: YYYY-MM.", name);
			res_error(res, 400, "invalid_parameter", msg);
			out = -1;
		}
	}
	buf_free(&v);
	return out;
}

/* GET /api/working-capital/history[?from=YYYY-MM][&to=YYYY-MM]: the
 * figures of each calendar month (the month's own days as the window),
 * the current month up to today; by default the last twelve months. */
void wcap_history(struct request *req, struct response *res)
{
	struct app *app = req->app;
	int32_t today = civil_today();
	struct wcap_period p[WCAP_MAX_PERIODS];
	struct json_object *a, *o;
	struct cache_slot slot;
	long from, to, now_month;
	size_t n = 0;
	int y;
	unsigned m, d;
	char msg[160];

	civil_from_days(today, &y, &m, &d);
	now_month = (long)y * 12 + (long)m - 1;
	to = now_month;
	if (query_month(req, res, "to", &to) != 0)
		return;
	from = to - 11;
	if (query_month(req, res, "from", &from) != 0)
		return;
	if (to > now_month || from > to || to - from >= WCAP_MAX_PERIODS) {
		snprintf(msg, sizeof msg, "from and to are months with from <= to <= this month, at most %d months apart.",
		         WCAP_MAX_PERIODS);
		res_error(res, 400, "invalid_parameter", msg);
		return;
	}
	if (cache_serve(req, res, &slot))
		return;
	for (long mo = from; mo <= to; mo++, n++) {
		int yy = (int)(mo / 12);
		unsigned mm = (unsigned)(mo % 12) + 1;
		int32_t first = civil_days(yy, mm, 1), last = first + (int32_t)civil_month_length(yy, mm) - 1;

		p[n].as_of = last < today ? last : today;
		p[n].window_days = p[n].as_of - first + 1;
	}
	a = wcap_compute(&app->db, app->cfg->base_currency, p, n, 0);
	if (a == NULL) {
		res_unavailable(res, "PostgreSQL", app->db.error);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i), *v;
		char month[8];

		if (json_object_object_get_ex(e, "as_of", &v)) {
			snprintf(month, sizeof month, "%.7s", json_object_get_string(v));
			json_object_object_add(e, "month", json_object_new_string(month));
		}
	}
	o = json_object_new_object();
	{
		char f[48], t[48];

		snprintf(f, sizeof f, "%04ld-%02ld", from / 12, from % 12 + 1);
		snprintf(t, sizeof t, "%04ld-%02ld", to / 12, to % 12 + 1);
		json_object_object_add(o, "from", json_object_new_string(f));
		json_object_object_add(o, "to", json_object_new_string(t));
	}
	json_object_object_add(o, "currency", json_object_new_string(app->cfg->base_currency));
	json_object_object_add(o, "months", a);
	res_json(res, 200, o);
	cache_store(req, res, &slot);
}

/* GET /api/working-capital/ageing[?as_of=YYYY-MM-DD] */
void wcap_ageing_get(struct request *req, struct response *res)
{
	struct app *app = req->app;
	int32_t as_of = civil_today();
	struct json_object *o;
	struct cache_slot slot;

	if (param_date(req, res, "as_of", &as_of) != 0)
		return;
	if (cache_serve(req, res, &slot))
		return;
	o = wcap_ageing(&app->db, app->cfg->base_currency, as_of);
	if (o == NULL) {
		res_unavailable(res, "PostgreSQL", app->db.error);
		return;
	}
	res_json(res, 200, o);
	cache_store(req, res, &slot);
}

/* POST /api/working-capital/recompute {"as_of": "YYYY-MM-DD",
 * "window_days": N} (both optional): queues the snapshot's computation and
 * answers 202 with the job. */
void wcap_recompute(struct request *req, struct response *res)
{
	static const char *const allowed[] = { "as_of", "window_days" };
	struct app *app = req->app;
	struct json_object *body = param_body(req, res, allowed, 2, 1), *v, *payload;
	char msg[120];
	int32_t day;
	int64_t id;
	int created;

	if (body == NULL)
		return;
	if (json_object_object_get_ex(body, "as_of", &v)
	    && (!json_object_is_type(v, json_type_string)
	        || value_date(json_object_get_string(v), (size_t)json_object_get_string_len(v), &day) != VALUE_OK)) {
		res_error(res, 400, "invalid_body", "The field \"as_of\" is a date: YYYY-MM-DD.");
		goto out;
	}
	if (json_object_object_get_ex(body, "window_days", &v)
	    && (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1
	        || json_object_get_int64(v) > WCAP_MAX_WINDOW_DAYS)) {
		snprintf(msg, sizeof msg, "The field \"window_days\" is a whole number from 1 to %d.", WCAP_MAX_WINDOW_DAYS);
		res_error(res, 400, "invalid_body", msg);
		goto out;
	}
	payload = json_object_get(body);
	json_object_object_add(payload, "reason", json_object_new_string("request"));
	if (queue_enqueue(&app->db, &app->kv, "working-capital", "working-capital.recompute",
	                  json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN), NULL, &id, &created) != 0) {
		json_object_put(payload);
		res_unavailable(res, "PostgreSQL", app->db.error);
		goto out;
	}
	json_object_put(payload);
	jobs_accepted(app, res, id);
out:
	json_object_put(body);
}

/* The levers of a scenario: the target field, the figure it moves, and
 * how the cash it releases is worked out (positive: released, negative:
 * absorbed). */
static const struct {
	const char *field, *figure, *formula, *undefined;
} levers[] = {
	{ "target_dso", "dso", "receivables - target_dso x revenue / window_days", "no revenue in the snapshot's window" },
	{ "target_dio", "dio", "inventory_value - target_dio x cogs / window_days",
	  "no cost of goods sold in the snapshot's window" },
	{ "target_dpo", "dpo", "target_dpo x cogs / window_days - payables",
	  "no cost of goods sold in the snapshot's window" },
};

/* The scenario against the latest snapshot, all in numeric: $1..$3 are
 * the targets (NULL: lever not pulled). Columns: the snapshot's day,
 * window and time; its dso, dio, dpo and ccc; the cash of each lever; the
 * resulting cycle; the total, null when a lever pulled is undefined. */
static const char scenario_sql[] =
	"SELECT as_of, window_days, computed_at, dso, dio, dpo, ccc, c1, c2, c3,"
	" round(coalesce($1::numeric, dso) + coalesce($2::numeric, dio) - coalesce($3::numeric, dpo), 2),"
	" CASE WHEN ($1::numeric IS NOT NULL AND c1 IS NULL) OR ($2::numeric IS NOT NULL AND c2 IS NULL)"
	"  OR ($3::numeric IS NOT NULL AND c3 IS NULL) THEN NULL"
	"  ELSE coalesce(c1, 0) + coalesce(c2, 0) + coalesce(c3, 0) END"
	" FROM (SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of, window_days, " DB_ISO_TIME("computed_at") " AS computed_at,"
	"  (f->>'dso')::numeric AS dso, (f->>'dio')::numeric AS dio, (f->>'dpo')::numeric AS dpo,"
	"  (f->>'ccc')::numeric AS ccc,"
	"  round((f->>'receivables')::numeric - $1::numeric * nullif((f->>'revenue')::numeric, 0) / window_days, 2) AS c1,"
	"  round((f->>'inventory_value')::numeric - $2::numeric * nullif((f->>'cogs')::numeric, 0) / window_days, 2) AS c2,"
	"  round($3::numeric * nullif((f->>'cogs')::numeric, 0) / window_days - (f->>'payables')::numeric, 2) AS c3"
	"  FROM (SELECT as_of, window_days, computed_at, figures AS f FROM working_capital_snapshots"
	"   ORDER BY computed_at DESC LIMIT 1) s) x";

/* POST /api/working-capital/scenarios {"target_dso": D, "target_dio": D,
 * "target_dpo": D} (any of them, days from 0 to 365): the cash each lever
 * releases or absorbs against the latest snapshot, the total, and the
 * cycle that results. Nothing is stored. */
void wcap_scenarios(struct request *req, struct response *res)
{
	static const char *const allowed[] = { "target_dso", "target_dio", "target_dpo" };
	struct app *app = req->app;
	struct json_object *body = param_body(req, res, allowed, 3, 0), *o, *arr, *snap, *cycle;
	const char *targets[3] = { NULL, NULL, NULL };
	char text[3][32], msg[160];
	int given = 0;
	PGresult *r = NULL;

	if (body == NULL)
		return;
	for (int i = 0; i < 3; i++) {
		struct json_object *v;
		double x;

		if (!json_object_object_get_ex(body, levers[i].field, &v))
			continue;
		x = json_object_get_double(v);
		if (!(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) || !(x >= 0)
		    || x > 365) {
			snprintf(msg, sizeof msg, "The field \"%s\" is a number of days from 0 to 365.", levers[i].field);
			res_error(res, 400, "invalid_body", msg);
			goto out;
		}
		snprintf(text[i], sizeof text[i], "%s", json_object_get_string(v));
		targets[i] = text[i];
		given++;
	}
	if (given == 0) {
		res_error(res, 400, "invalid_body", "Give at least one of target_dso, target_dio and target_dpo (days).");
		goto out;
	}
	r = db_exec(&app->db, scenario_sql, 3, targets);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		res_unavailable(res, "PostgreSQL", r != NULL ? PQresultErrorMessage(r) : app->db.error);
		goto out;
	}
	if (PQntuples(r) == 0) {
		res_error(res, 409, "no_snapshot",
		          "No working-capital snapshot exists yet; POST /api/working-capital/recompute makes one.");
		goto out;
	}
	o = json_object_new_object();
	snap = json_object_new_object();
	json_object_object_add(snap, "as_of", json_object_new_string(PQgetvalue(r, 0, 0)));
	json_object_object_add(snap, "window_days", json_object_new_int(atoi(PQgetvalue(r, 0, 1))));
	json_object_object_add(snap, "computed_at", json_object_new_string(PQgetvalue(r, 0, 2)));
	json_object_object_add(o, "snapshot", snap);
	arr = json_object_new_array();
	for (int i = 0; i < 3; i++) {
		struct json_object *l;

		if (targets[i] == NULL)
			continue;
		l = json_object_new_object();
		json_object_object_add(l, "lever", json_object_new_string(levers[i].figure));
		json_object_object_add(l, "current", db_json_value(r, 0, 3 + i));
		json_object_object_add(l, "target", json_object_new_double_s(strtod(targets[i], NULL), targets[i]));
		json_object_object_add(l, "cash_released", db_json_value(r, 0, 7 + i));
		if (PQgetisnull(r, 0, 7 + i))
			json_object_object_add(l, "reason", json_object_new_string(levers[i].undefined));
		json_object_object_add(l, "formula", json_object_new_string(levers[i].formula));
		json_object_array_add(arr, l);
	}
	json_object_object_add(o, "levers", arr);
	json_object_object_add(o, "total_cash_released", db_json_value(r, 0, 11));
	cycle = json_object_new_object();
	json_object_object_add(cycle, "current", db_json_value(r, 0, 6));
	json_object_object_add(cycle, "resulting", db_json_value(r, 0, 10));
	json_object_object_add(cycle, "formula", json_object_new_string("dso + dio - dpo, each at its target when given"));
	json_object_object_add(o, "cycle", cycle);
	res_json(res, 200, o);
out:
	PQclear(r);
	json_object_put(body);
}
