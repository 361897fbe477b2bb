/* forecasts: asking for forecasts (a run of one SKU, several or all),
 * following and cancelling a run, reading its results, the latest
 * forecast of each SKU, and accuracy: back-tested and against actuals. */
#include "ac-config.h"

#include "app.h"
#include "cache.h"
#include "clock.h"
#include "forecast.h"
#include "forecast_job.h"
#include "queue.h"
#include "routes.h"
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most SKUs one request may name. */
#define FORECAST_MAX_SKUS 1000

/* The run as the API shows it; progress is counted from its forecasts. */
#define RUN_SQL \
	"SELECT r.id, r.request::text, CASE WHEN r.status IN ('queued', 'running') AND j.status = 'dead'" \
	" THEN 'failed' ELSE r.status END, r.skus_total," \
	" (SELECT count(*) FROM forecasts f WHERE f.run_id = r.id)," \
	" (SELECT count(*) FROM forecasts f WHERE f.run_id = r.id AND f.status = 'failed')," \
	" CASE WHEN r.status IN ('queued', 'running') AND j.status = 'dead' THEN j.last_error ELSE r.error END," \
	" " DB_ISO_TIME("r.created_at") ", " DB_ISO_TIME("r.started_at") ", " DB_ISO_TIME("r.finished_at") "," \
	" r.job_id, r.cancel_requested" \
	" FROM forecast_runs r LEFT JOIN jobs j ON j.id = r.job_id"

/* The run object of row 0. */
static struct json_object *run_object(const PGresult *r)
{
	struct json_object *o = json_object_new_object(), *p = json_object_new_object();
	long long total = strtoll(PQgetvalue(r, 0, 3), NULL, 10), done = strtoll(PQgetvalue(r, 0, 4), NULL, 10);

	json_object_object_add(o, "id", json_object_new_int64(strtoll(PQgetvalue(r, 0, 0), NULL, 10)));
	json_object_object_add(o, "status", json_object_new_string(PQgetvalue(r, 0, 2)));
	json_object_object_add(o, "request", json_tokener_parse(PQgetvalue(r, 0, 1)));
	json_object_object_add(p, "skus_total", json_object_new_int64(total));
	json_object_object_add(p, "skus_done", json_object_new_int64(done));
	json_object_object_add(p, "skus_failed", json_object_new_int64(strtoll(PQgetvalue(r, 0, 5), NULL, 10)));
	json_object_object_add(p, "percent", json_object_new_int64(total > 0 ? done * 100 / total : 100));
	json_object_object_add(o, "progress", p);
	json_object_object_add(o, "error", db_json_value(r, 0, 6));
	json_object_object_add(o, "created_at", db_json_value(r, 0, 7));
	json_object_object_add(o, "started_at", db_json_value(r, 0, 8));
	json_object_object_add(o, "finished_at", db_json_value(r, 0, 9));
	json_object_object_add(o, "queue_job_id", PQgetisnull(r, 0, 10) ? NULL
	                       : json_object_new_int64(strtoll(PQgetvalue(r, 0, 10), NULL, 10)));
	json_object_object_add(o, "cancel_requested", json_object_new_boolean(PQgetvalue(r, 0, 11)[0] == 't'));
	return o;
}

/* Answers with run id and status, and its Location. 0, 404 set, or -1
 * when the database failed (nothing set). */
static int respond_run(struct app *app, struct response *res, int status, int64_t id)
{
	char idtext[24], location[64];
	const char *p[] = { idtext };
	PGresult *r;

	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = db_exec(&app->db, RUN_SQL " WHERE r.id = $1", 1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		res_error(res, 404, "not_found", "No such forecast job.");
		return 0;
	}
	snprintf(location, sizeof location, "/api/forecasts/jobs/%s", idtext);
	res_header(res, "Location", location);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, status, run_object(r));
	PQclear(r);
	return 0;
}

/* Checks the body of POST /api/forecasts and builds the request as the
 * run keeps it (skus sorted and unique, defaults filled in). NULL with a
 * 400 set when it is not good. */
static struct json_object *parse_request(struct request *req, struct response *res)
{
	static const char *const allowed[] = { "sku", "skus", "all", "horizon", "frequency", "method" };
	struct json_object *body = param_body(req, res, allowed, sizeof allowed / sizeof allowed[0], 0), *v, *out = NULL;
	struct json_object *skus = NULL;
	int given = 0;
	char msg[200];
	const char *why = NULL;

	if (body == NULL)
		return NULL;
	out = json_object_new_object();
	if (json_object_object_get_ex(body, "sku", &v)) {
		given++;
		if (!json_object_is_type(v, json_type_string)
		    || value_text(json_object_get_string(v), (size_t)json_object_get_string_len(v), 64) != VALUE_OK
		    || json_object_get_string_len(v) == 0) {
			why = "The field \"sku\" is a product's SKU.";
			goto bad;
		}
		skus = json_object_new_array();
		json_object_array_add(skus, json_object_get(v));
	}
	if (json_object_object_get_ex(body, "skus", &v)) {
		size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;

		given++;
		if (n < 1 || n > FORECAST_MAX_SKUS) {
			snprintf(msg, sizeof msg, "The field \"skus\" is a list of 1 to %d SKUs.", FORECAST_MAX_SKUS);
			why = msg;
			goto bad;
		}
		skus = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			struct json_object *s = json_object_array_get_idx(v, i);
			int dup = 0;

			if (!json_object_is_type(s, json_type_string) || json_object_get_string_len(s) == 0
			    || value_text(json_object_get_string(s), (size_t)json_object_get_string_len(s), 64) != VALUE_OK) {
				why = "Every entry of \"skus\" is a product's SKU.";
				goto bad;
			}
			for (size_t k = 0; k < json_object_array_length(skus) && !dup; k++)
				dup = strcmp(json_object_get_string(json_object_array_get_idx(skus, k)), json_object_get_string(s)) == 0;
			if (!dup)
				json_object_array_add(skus, json_object_get(s));
		}
	}
	if (json_object_object_get_ex(body, "all", &v)) {
		given++;
		if (!json_object_is_type(v, json_type_boolean) || !json_object_get_boolean(v)) {
			why = "The field \"all\" is true (every active product).";
			goto bad;
		}
	}
	if (given != 1) {
		why = "Name the products with exactly one of \"sku\", \"skus\" and \"all\": true.";
		goto bad;
	}
	if (skus != NULL)
		json_object_object_add(out, "skus", skus);
	else
		json_object_object_add(out, "all", json_object_new_boolean(1));
	skus = NULL;
	if (!json_object_object_get_ex(body, "horizon", &v) || !json_object_is_type(v, json_type_int)
	    || json_object_get_int64(v) < 1 || json_object_get_int64(v) > 365) {
		why = "The field \"horizon\" is a whole number of periods from 1 to 365.";
		goto bad;
	}
	json_object_object_add(out, "horizon", json_object_new_int((int)json_object_get_int64(v)));
	if (!json_object_object_get_ex(body, "frequency", &v)) {
		json_object_object_add(out, "frequency", json_object_new_string("month"));
	} else if (!json_object_is_type(v, json_type_string) || forecast_frequency_find(json_object_get_string(v)) == NULL) {
		why = "The field \"frequency\" is day, week or month.";
		goto bad;
	} else {
		json_object_object_add(out, "frequency", json_object_get(v));
	}
	if (!json_object_object_get_ex(body, "method", &v)) {
		json_object_object_add(out, "method", json_object_new_string("auto"));
	} else if (!json_object_is_type(v, json_type_string) || fc_method_parse(json_object_get_string(v)) < 0) {
		why = "The field \"method\" is auto or one of the engine's methods (naive, snaive, moving_average, ses, holt,"
		      " damped, hw_additive, hw_multiplicative, hw_additive_damped, hw_multiplicative_damped, theta,"
		      " croston, sba).";
		goto bad;
	} else {
		json_object_object_add(out, "method", json_object_get(v));
	}
	json_object_put(body);
	return out;
bad:
	json_object_put(skus);
	json_object_put(out);
	json_object_put(body);
	res_error(res, 400, "invalid_body", why);
	return NULL;
}

/* POST /api/forecasts: records a run and queues it: 202 with the run. */
void forecasts_create(struct request *req, struct response *res)
{
	struct app *app = req->app;
	const char *key = request_header(req, "Idempotency-Key");
	struct json_object *rq;
	const char *text;
	PGresult *r = NULL;
	int64_t id, job;
	int created;

	if (key != NULL && !request_key_valid(key)) {
		res_error(res, 400, "invalid_idempotency_key", "An Idempotency-Key is 1 to 255 printable ASCII characters.");
		return;
	}
	if ((rq = parse_request(req, res)) == NULL)
		return;
	text = json_object_to_json_string_ext(rq, JSON_C_TO_STRING_PLAIN);
	if (key != NULL) {
		const char *p[] = { key };

		r = db_exec(&app->db, "SELECT id, request::text FROM forecast_runs WHERE idempotency_key = $1", 1, p);
		if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK)
			goto unavailable;
		if (PQntuples(r) == 1) {
			if (strcmp(PQgetvalue(r, 0, 1), text) != 0) {
				res_error(res, 422, "idempotency_key_reused",
				          "This Idempotency-Key was used for a different request; use a new key for a new request.");
				goto out;
			}
			id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			res_header(res, "Idempotent-Replayed", "true");
			if (respond_run(app, res, 202, id) != 0)
				goto unavailable;
			goto out;
		}
		PQclear(r);
		r = NULL;
	}
	/* The SKUs named must exist; "all" counts the active products. */
	{
		struct json_object *skus;
		const char *p[] = { json_object_object_get_ex(rq, "skus", &skus)
		                    ? json_object_to_json_string_ext(skus, JSON_C_TO_STRING_PLAIN) : NULL };

		r = db_exec(&app->db, "SELECT (SELECT count(*) FROM products WHERE CASE WHEN $1::json IS NULL THEN active"
		                      " ELSE sku IN (SELECT json_array_elements_text($1::json)) END),"
		                      " (SELECT string_agg(s, ', ' ORDER BY s) FROM (SELECT json_array_elements_text($1::json) s) x"
		                      "  WHERE NOT EXISTS (SELECT 1 FROM products WHERE sku = x.s))", 1, p);
		if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK)
			goto unavailable;
		if (!PQgetisnull(r, 0, 1)) {
			char msg[300];

			snprintf(msg, sizeof msg, "No product has the SKU %.250s.", PQgetvalue(r, 0, 1));
			res_error(res, 422, "unknown_sku", msg);
			goto out;
		}
	}
	{
		const char *p[] = { key, text, PQgetvalue(r, 0, 0) };
		PGresult *ins = db_exec(&app->db, "INSERT INTO forecast_runs (idempotency_key, request, skus_total)"
		                                  " VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id", 3, p);

		if (ins == NULL || PQresultStatus(ins) != PGRES_TUPLES_OK || PQntuples(ins) != 1) {
			/* A concurrent request with the same key won the race:
			 * the client retries and gets its run. */
			int lost = ins != NULL && PQresultStatus(ins) == PGRES_TUPLES_OK;

			PQclear(ins);
			if (lost) {
				res_header(res, "Retry-After", "1");
				res_error(res, 409, "conflict", "A request with this Idempotency-Key is being recorded; retry.");
				goto out;
			}
			goto unavailable;
		}
		id = strtoll(PQgetvalue(ins, 0, 0), NULL, 10);
		PQclear(ins);
	}
	{
		char payload[48], dedupe[48], idtext[24], jobtext[24];

		snprintf(payload, sizeof payload, "{\"run_id\":%lld}", (long long)id);
		snprintf(dedupe, sizeof dedupe, "forecast-run:%lld", (long long)id);
		if (queue_enqueue(&app->db, &app->kv, "forecasts", "forecast.run", payload, dedupe, &job, &created) != 0) {
			const char *p[] = { idtext };

			/* Not queued: the run must not wait for ever. */
			snprintf(idtext, sizeof idtext, "%lld", (long long)id);
			db_command(&app->db, "UPDATE forecast_runs SET status = 'failed', error = 'could not be queued',"
			                     " finished_at = now() WHERE id = $1", 1, p);
			goto unavailable;
		}
		snprintf(idtext, sizeof idtext, "%lld", (long long)id);
		snprintf(jobtext, sizeof jobtext, "%lld", (long long)job);
		{
			const char *p[] = { idtext, jobtext };

			db_command(&app->db, "UPDATE forecast_runs SET job_id = $2 WHERE id = $1", 2, p);
		}
	}
	if (respond_run(app, res, 202, id) != 0)
		goto unavailable;
	goto out;
unavailable:
	res_unavailable(res, "PostgreSQL", r != NULL && PQresultStatus(r) != PGRES_TUPLES_OK ? PQresultErrorMessage(r)
	                                                                                     : app->db.error);
out:
	PQclear(r);
	json_object_put(rq);
}

/* The run id of the path, or 0 with a 400 set. */
static int64_t path_run(struct request *req, struct response *res)
{
	int64_t id = request_parse_id(req->match.params[0].value);

	if (id == 0)
		res_error(res, 400, "invalid_id", "A forecast job id is a positive whole number.");
	return id;
}

/* GET /api/forecasts/jobs/{id} */
void forecasts_job_get(struct request *req, struct response *res)
{
	int64_t id = path_run(req, res);

	if (id != 0 && respond_run(req->app, res, 200, id) != 0)
		res_unavailable(res, "PostgreSQL", req->app->db.error);
}

/* POST /api/forecasts/jobs/{id}/cancel: a queued run ends at once; a
 * running one between two SKUs. 202 with the run; 409 when it has ended. */
void forecasts_job_cancel(struct request *req, struct response *res)
{
	struct app *app = req->app;
	int64_t id = path_run(req, res);
	char idtext[24];
	const char *p[] = { idtext };
	PGresult *r;

	if (id == 0)
		return;
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = db_exec(&app->db, "WITH c AS (UPDATE forecast_runs SET cancel_requested = true,"
	                      " status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,"
	                      " finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END"
	                      " WHERE id = $1 AND status IN ('queued', 'running') RETURNING id)"
	                      " SELECT (SELECT count(*) FROM c), (SELECT status FROM forecast_runs WHERE id = $1)", 1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		res_unavailable(res, "PostgreSQL", r != NULL ? PQresultErrorMessage(r) : app->db.error);
		PQclear(r);
		return;
	}
	if (PQgetisnull(r, 0, 1)) {
		res_error(res, 404, "not_found", "No such forecast job.");
	} else if (strcmp(PQgetvalue(r, 0, 0), "0") == 0) {
		char msg[120];

		snprintf(msg, sizeof msg, "The forecast job has already ended (%s).", PQgetvalue(r, 0, 1));
		res_error(res, 409, "already_finished", msg);
	} else if (respond_run(app, res, 202, id) != 0) {
		res_unavailable(res, "PostgreSQL", app->db.error);
	}
	PQclear(r);
}

/* One forecast (a row of FORECAST_COLUMNS) as the API shows it. */
#define FORECAST_COLUMNS \
	"p.sku, f.status, f.error, f.method, f.model, f.frequency, f.horizon, to_char(f.history_start, 'YYYY-MM-DD')," \
	" to_char(f.history_end, 'YYYY-MM-DD'), f.history_periods, f.points::text, f.backtest_origins, f.mae, f.rmse," \
	" f.mape, f.smape, f.mase, f.run_id, " DB_ISO_TIME("f.created_at")

static struct json_object *forecast_object(const PGresult *r, int i)
{
	static const char *const acc[] = { "mae", "rmse", "mape", "smape", "mase" };
	struct json_object *o = json_object_new_object(), *h = json_object_new_object(), *a = NULL;

	json_object_object_add(o, "sku", json_object_new_string(PQgetvalue(r, i, 0)));
	json_object_object_add(o, "run_id", json_object_new_int64(strtoll(PQgetvalue(r, i, 17), NULL, 10)));
	json_object_object_add(o, "created_at", json_object_new_string(PQgetvalue(r, i, 18)));
	json_object_object_add(o, "status", json_object_new_string(PQgetvalue(r, i, 1)));
	json_object_object_add(o, "error", db_json_value(r, i, 2));
	json_object_object_add(o, "method", json_object_new_string(PQgetvalue(r, i, 3)));
	json_object_object_add(o, "model", db_json_value(r, i, 4));
	json_object_object_add(o, "frequency", json_object_new_string(PQgetvalue(r, i, 5)));
	json_object_object_add(o, "horizon", json_object_new_int(atoi(PQgetvalue(r, i, 6))));
	json_object_object_add(h, "start", db_json_value(r, i, 7));
	json_object_object_add(h, "end", db_json_value(r, i, 8));
	json_object_object_add(h, "periods", PQgetisnull(r, i, 9) ? NULL : json_object_new_int(atoi(PQgetvalue(r, i, 9))));
	json_object_object_add(o, "history", h);
	json_object_object_add(o, "points", PQgetisnull(r, i, 10) ? NULL : json_tokener_parse(PQgetvalue(r, i, 10)));
	if (!PQgetisnull(r, i, 11)) {
		a = json_object_new_object();
		json_object_object_add(a, "origins", json_object_new_int(atoi(PQgetvalue(r, i, 11))));
		for (int k = 0; k < 5; k++)
			json_object_object_add(a, acc[k], PQgetisnull(r, i, 12 + k) ? NULL
			                       : json_object_new_double_s(strtod(PQgetvalue(r, i, 12 + k), NULL), PQgetvalue(r, i, 12 + k)));
	}
	json_object_object_add(o, "accuracy", a);
	return o;
}

/* Reads limit and offset as text for a statement; 0, or -1 with a 400 set. */
static int page(struct request *req, struct response *res, char limit[24], char offset[24])
{
	int64_t l = 100, o = 0;

	if (param_int(req, res, "limit", 1, 1000, &l) != 0 || param_int(req, res, "offset", 0, 100000000, &o) != 0)
		return -1;
	snprintf(limit, 24, "%lld", (long long)l);
	snprintf(offset, 24, "%lld", (long long)o);
	return 0;
}

/* Answers with the forecasts a statement returns, under "results" (or
 * "forecasts"), with extra members from o. */
static void respond_forecasts(struct app *app, struct response *res, struct json_object *o, const char *member,
                              const char *sql, int n, const char *const *p)
{
	PGresult *r = db_exec(&app->db, sql, n, p);
	struct json_object *a;

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		json_object_put(o);
		res_unavailable(res, "PostgreSQL", r != NULL ? PQresultErrorMessage(r) : app->db.error);
		PQclear(r);
		return;
	}
	a = json_object_new_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_object_array_add(a, forecast_object(r, i));
	PQclear(r);
	json_object_object_add(o, member, a);
	res_json(res, 200, o);
}

/* GET /api/forecasts/jobs/{id}/results[?limit=N&offset=N] */
void forecasts_job_results(struct request *req, struct response *res)
{
	int64_t id = path_run(req, res);
	char idtext[24], limit[24], offset[24];
	const char *p[] = { idtext, limit, offset };
	struct json_object *o;
	PGresult *r;

	if (id == 0 || page(req, res, limit, offset) != 0)
		return;
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = db_exec(&req->app->db, "SELECT status FROM forecast_runs WHERE id = $1", 1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		res_unavailable(res, "PostgreSQL", req->app->db.error);
		PQclear(r);
		return;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		res_error(res, 404, "not_found", "No such forecast job.");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "run_id", json_object_new_int64(id));
	json_object_object_add(o, "status", json_object_new_string(PQgetvalue(r, 0, 0)));
	PQclear(r);
	respond_forecasts(req->app, res, o, "results",
	                  "SELECT " FORECAST_COLUMNS " FROM forecasts f JOIN products p ON p.id = f.product_id"
	                  " WHERE f.run_id = $1 ORDER BY p.sku LIMIT $2::int OFFSET $3::int", 3, p);
}

/* GET /api/forecasts[?sku=S]: the latest good forecast of a SKU, or of
 * every SKU that has one. */
void forecasts_latest(struct request *req, struct response *res)
{
	struct buf sku = BUF_INIT;
	char limit[24], offset[24];
	int rc = request_query(req, "sku", &sku);
	static const char latest[] =
		"SELECT " FORECAST_COLUMNS " FROM (SELECT DISTINCT ON (product_id) * FROM forecasts WHERE status = 'ok'"
		" AND ($1::text IS NULL OR product_id = (SELECT id FROM products WHERE sku = $1))"
		" ORDER BY product_id, created_at DESC, run_id DESC) f JOIN products p ON p.id = f.product_id"
		" ORDER BY p.sku LIMIT $2::int OFFSET $3::int";

	if (rc < 0 || page(req, res, limit, offset) != 0) {
		if (rc < 0)
			res_error(res, 400, "invalid_parameter", "The parameter sku is badly encoded.");
		goto out;
	}
	if (rc > 0) {
		const char *p[] = { sku.data, "1", "0" };
		PGresult *r = db_exec(&req->app->db, latest, 3, p);

		if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
			res_unavailable(res, "PostgreSQL", r != NULL ? PQresultErrorMessage(r) : req->app->db.error);
		} else if (PQntuples(r) == 0) {
			res_error(res, 404, "not_found", "This SKU has no forecast yet.");
		} else {
			res_json(res, 200, forecast_object(r, 0));
		}
		PQclear(r);
	} else {
		const char *p[] = { NULL, limit, offset };

		respond_forecasts(req->app, res, json_object_new_object(), "forecasts", latest, 3, p);
	}
out:
	buf_free(&sku);
}

/* Accuracy of each SKU's latest good forecast: its back-test, and its
 * points against the actual sales of the periods that have passed and are
 * complete (the newest sale anywhere is after the period's last day). */
static const char accuracy_sql[] =
	"WITH latest AS (SELECT DISTINCT ON (product_id) * FROM forecasts WHERE status = 'ok'"
	"  ORDER BY product_id, created_at DESC, run_id DESC),"
	" newest AS (SELECT max(sale_date) AS d FROM sales),"
	" pts AS (SELECT l.product_id, l.frequency, (e->>'period')::date AS period, (e->>'forecast')::float8 AS fc"
	"  FROM latest l, json_array_elements(l.points) e),"
	" act AS (SELECT pts.product_id, pts.period, pts.fc, coalesce((SELECT sum(quantity) FROM sales s"
	"   WHERE s.product_id = pts.product_id AND s.sale_date >= pts.period"
	"   AND s.sale_date < pts.period + CASE pts.frequency WHEN 'day' THEN interval '1 day'"
	"    WHEN 'week' THEN interval '7 days' ELSE interval '1 month' END), 0)::float8 AS actual"
	"  FROM pts, newest WHERE pts.period + CASE pts.frequency WHEN 'day' THEN interval '1 day'"
	"   WHEN 'week' THEN interval '7 days' ELSE interval '1 month' END <= newest.d + interval '1 day'),"
	" agg AS (SELECT product_id, count(*) AS n, avg(abs(actual - fc)) AS mae,"
	"  avg(CASE WHEN abs(actual) + abs(fc) = 0 THEN 0 ELSE 200 * abs(actual - fc) / (abs(actual) + abs(fc)) END) AS smape"
	"  FROM act GROUP BY product_id)"
	" SELECT p.sku, l.mase, l.smape, l.model, l.run_id, coalesce(a.n, 0), a.mae, a.smape"
	" FROM latest l JOIN products p ON p.id = l.product_id LEFT JOIN agg a ON a.product_id = l.product_id"
	" ORDER BY p.sku";

/* A double column as an exact JSON number (rounded to 4 places), or null. */
static struct json_object *measure(const PGresult *r, int i, int col)
{
	char text[48];
	double v;

	if (PQgetisnull(r, i, col))
		return NULL;
	v = strtod(PQgetvalue(r, i, col), NULL);
	snprintf(text, sizeof text, "%.4f", v);
	return json_object_new_double_s(v, text);
}

/* GET /api/forecasts/accuracy: MASE and sMAPE per SKU and overall, and
 * forecast versus actual once actuals arrive. */
void forecasts_accuracy(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct cache_slot slot;
	struct json_object *o, *a, *overall;
	double mase_sum = 0, smape_sum = 0;
	int mase_n = 0, smape_n = 0;
	PGresult *r;

	if (cache_serve(req, res, &slot))
		return;
	r = db_exec(&app->db, accuracy_sql, 0, NULL);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		res_unavailable(res, "PostgreSQL", r != NULL ? PQresultErrorMessage(r) : app->db.error);
		PQclear(r);
		return;
	}
	o = json_object_new_object();
	a = json_object_new_array();
	for (int i = 0; i < PQntuples(r); i++) {
		struct json_object *e = json_object_new_object(), *act = NULL;

		json_object_object_add(e, "sku", json_object_new_string(PQgetvalue(r, i, 0)));
		json_object_object_add(e, "mase", measure(r, i, 1));
		json_object_object_add(e, "smape", measure(r, i, 2));
		json_object_object_add(e, "model", db_json_value(r, i, 3));
		json_object_object_add(e, "run_id", json_object_new_int64(strtoll(PQgetvalue(r, i, 4), NULL, 10)));
		if (atoi(PQgetvalue(r, i, 5)) > 0) {
			act = json_object_new_object();
			json_object_object_add(act, "periods", json_object_new_int(atoi(PQgetvalue(r, i, 5))));
			json_object_object_add(act, "mae", measure(r, i, 6));
			json_object_object_add(act, "smape", measure(r, i, 7));
		}
		json_object_object_add(e, "actuals", act);
		json_object_array_add(a, e);
		if (!PQgetisnull(r, i, 1)) {
			mase_sum += strtod(PQgetvalue(r, i, 1), NULL);
			mase_n++;
		}
		if (!PQgetisnull(r, i, 2)) {
			smape_sum += strtod(PQgetvalue(r, i, 2), NULL);
			smape_n++;
		}
	}
	PQclear(r);
	overall = json_object_new_object();
	json_object_object_add(overall, "skus", json_object_new_int((int)json_object_array_length(a)));
	{
		char t[48];

		snprintf(t, sizeof t, "%.4f", mase_n ? mase_sum / mase_n : 0);
		json_object_object_add(overall, "mase", mase_n ? json_object_new_double_s(mase_sum / mase_n, t) : NULL);
		snprintf(t, sizeof t, "%.4f", smape_n ? smape_sum / smape_n : 0);
		json_object_object_add(overall, "smape", smape_n ? json_object_new_double_s(smape_sum / smape_n, t) : NULL);
	}
	json_object_object_add(o, "skus", a);
	json_object_object_add(o, "overall", overall);
	res_json(res, 200, o);
	cache_store(req, res, &slot);
}

void forecasts_refresh_metrics(struct app *app)
{
	struct db_query q = { FORECAST_OUTCOMES_24H_SQL, 0, NULL, NULL, NULL, 0, 2000, 0 };
	PGresult *r = db_run(&app->db, &q);

	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK) {
		__atomic_store_n(&app->sb->forecast_succeeded_24h, strtoll(PQgetvalue(r, 0, 0), NULL, 10), __ATOMIC_RELAXED);
		__atomic_store_n(&app->sb->forecast_failed_24h, strtoll(PQgetvalue(r, 0, 1), NULL, 10), __ATOMIC_RELAXED);
		__atomic_store_n(&app->sb->forecast_counted, 1, __ATOMIC_RELEASE);
	}
	PQclear(r);
}
