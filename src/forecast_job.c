/* forecast_job: the forecast.run job. It forecasts every SKU of a run
 * from its sales history, one SKU at a time, each stored as it is made,
 * so a run that is stopped (a worker killed, PostgreSQL away) goes on
 * where it stopped when the job runs again. */
#include "ac-config.h"

#include "forecast_job.h"
#include "civil.h"
#include "forecast.h"
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct forecast_frequency forecast_frequencies[] = {
	{ "day", 7, "1 day" },
	{ "week", 52, "7 days" },
	{ "month", 12, "1 month" },
};
const size_t forecast_nfrequencies = sizeof forecast_frequencies / sizeof forecast_frequencies[0];

const struct forecast_frequency *forecast_frequency_find(const char *name)
{
	for (size_t i = 0; i < forecast_nfrequencies; i++)
		if (strcmp(forecast_frequencies[i].name, name) == 0)
			return &forecast_frequencies[i];
	return NULL;
}

/* The day number of a "YYYY-MM-DD" PostgreSQL wrote (0 if it is not one,
 * which PostgreSQL never writes). */
static int32_t day_of(const char *s)
{
	int32_t d = 0;

	value_date(s, strlen(s), &d);
	return d;
}

/* The shortest history the API forecasts from: fewer periods say too
 * little about demand, whatever a method could make of them (a finer
 * frequency may have enough). */
#define MIN_PERIODS 4
/* Rolling origins of each SKU's back-test. */
#define BACKTEST_ORIGINS 8
/* SKUs between two looks at the cancel flag (a look is one indexed read;
 * a forecast takes milliseconds). */
#define CANCEL_EVERY 1

/* The day after a period that starts on day d. */
static int32_t next_period(const struct forecast_frequency *f, int32_t d)
{
	int y;
	unsigned m, dd;

	if (f->period == 7)
		return d + 1;
	if (f->period == 52)
		return d + 7;
	civil_from_days(d, &y, &m, &dd);
	return m == 12 ? civil_days(y + 1, 1, 1) : civil_days(y, m + 1, 1);
}

/* What one run asks for. */
struct run {
	const char *id;
	int all;
	struct json_object *skus;        /* borrowed from the request */
	int horizon;
	const struct forecast_frequency *freq;
	enum fc_method method;
	int32_t last_start;              /* the start of the last complete period, or -1: no sales */
};

/* Runs a statement that returns rows; NULL (and ctx->error set) when it
 * could not. */
static PGresult *rows(struct job_ctx *ctx, const char *sql, int n, const char *const *p)
{
	PGresult *r = db_exec(ctx->db, sql, n, p);

	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	buf_reset(&ctx->error);
	buf_printf(&ctx->error, "PostgreSQL: %s", r != NULL ? PQresultErrorMessage(r) : ctx->db->error);
	PQclear(r);
	return NULL;
}

/* Ends the run with a status and, for rejected runs, the reason. */
static int finish(struct job_ctx *ctx, const char *id, const char *status, const char *error)
{
	const char *p[] = { id, status, error };

	/* A cancel accepted until this very moment wins: the client was told
	 * the run would stop. */
	if (db_command(ctx->db, "UPDATE forecast_runs SET status = CASE WHEN cancel_requested THEN 'cancelled' ELSE $2 END,"
	                        " error = CASE WHEN cancel_requested THEN NULL ELSE $3 END, finished_at = clock_timestamp()"
	                        " WHERE id = $1 AND finished_at IS NULL", 3, p) != 0) {
		buf_printf(&ctx->error, "PostgreSQL: %s", ctx->db->error);
		return -1;
	}
	buf_printf(&ctx->result, "{\"run_id\":%s,\"status\":\"%s\"}", id, status);
	return 0;
}

/* Whether the run was asked to stop: 1 yes, 0 no, -1 unknown. */
static int cancelled(struct job_ctx *ctx, const char *id)
{
	const char *p[] = { id };
	PGresult *r = rows(ctx, "SELECT cancel_requested FROM forecast_runs WHERE id = $1", 1, p);
	int c;

	if (r == NULL)
		return -1;
	c = PQntuples(r) == 0 || PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return c;
}

/* Appends a number for the points: finite always (the engine says so),
 * to a precision that suits quantities. */
static void put_qty(struct buf *b, const char *name, double v)
{
	buf_printf(b, ",\"%s\":%.3f", name, isfinite(v) ? v : 0.0);
}

/* Forecasts one product and stores the outcome. Returns 0 (stored, good
 * or failed for a reason in the data), or -1 when the database failed. */
static int forecast_one(struct job_ctx *ctx, const struct run *run, const char *product_id, const char *sku)
{
	char last[11], horizon[16], first_s[11], end_s[11], periods_s[24], origins[16];
	char nums[5][32], err[512] = "", model[64] = "";
	const char *pq[] = { product_id, run->freq->name, last, run->freq->step };
	struct fc_result res;
	double *y = NULL, *arrays = NULL;
	struct buf points = BUF_INIT;
	int32_t first = 0, d;
	size_t n = 0, cap = 0;
	PGresult *r = NULL;
	int ok = 0, rc = -1;

	civil_format(run->last_start, last);
	snprintf(horizon, sizeof horizon, "%d", run->horizon);
	/* With no sales at all (last_start < 0) there is nothing to read. */
	if (run->last_start >= 0
	    && (r = rows(ctx, "SELECT to_char(date_trunc($2, sale_date), 'YYYY-MM-DD'), sum(quantity)::float8 FROM sales"
	                      " WHERE product_id = $1 AND sale_date < $3::date + $4::interval GROUP BY 1 ORDER BY 1",
	                 4, pq)) == NULL)
		return -1;
	if (r != NULL && PQntuples(r) > 0) {
		int row = 0;

		first = day_of(PQgetvalue(r, 0, 0));
		/* Periods without sales are zero demand, not missing ones. The
		 * rows are period starts (date_trunc), as d is. */
		for (d = first; d <= run->last_start; d = next_period(run->freq, d)) {
			double v = 0;

			if (row < PQntuples(r) && day_of(PQgetvalue(r, row, 0)) == d)
				v = strtod(PQgetvalue(r, row++, 1), NULL);
			if (n == cap) {
				double *g = realloc(y, (cap = cap ? cap * 2 : 64) * sizeof *y);

				if (g == NULL)
					goto nomem;
				y = g;
			}
			y[n++] = v;
		}
	}
	PQclear(r);
	r = NULL;
	if (run->last_start < 0) {
		snprintf(err, sizeof err, "%s has no sales history: there are no sales at all", sku);
	} else if (n == 0) {
		snprintf(err, sizeof err, "%s has no sales up to the last complete %s (starting %s)", sku, run->freq->name, last);
	} else if (n < MIN_PERIODS) {
		snprintf(err, sizeof err, "%s has %zu %s periods of sales history, too little: at least %d are needed"
		         " (a finer frequency may have enough)", sku, n, run->freq->name, MIN_PERIODS);
	} else {
		struct fc_options o = { run->method, run->freq->period, run->horizon, 1, BACKTEST_ORIGINS };
		enum fc_status st;
		char why[200];

		arrays = calloc((size_t)run->horizon * 5, sizeof *arrays);
		if (arrays == NULL)
			goto nomem;
		fc_result_init(&res, arrays, run->horizon);
		st = fc_forecast(y, n, &o, &res, why, sizeof why);
		if (st == FC_NOMEM)
			goto nomem;
		if (st != FC_OK) {
			snprintf(err, sizeof err, "%s has %zu %s periods of sales history, too little: %s", sku, n,
			         run->freq->name, why);
		} else {
			ok = 1;
			snprintf(model, sizeof model, "%s", res.model);
			d = next_period(run->freq, run->last_start);
			buf_putc(&points, '[');
			for (int k = 0; k < run->horizon; k++) {
				char day[11];

				civil_format(d, day);
				buf_printf(&points, "%s{\"period\":\"%s\"", k > 0 ? "," : "", day);
				put_qty(&points, "forecast", res.mean[k]);
				put_qty(&points, "lo80", res.lo80[k]);
				put_qty(&points, "hi80", res.hi80[k]);
				put_qty(&points, "lo95", res.lo95[k]);
				put_qty(&points, "hi95", res.hi95[k]);
				buf_putc(&points, '}');
				d = next_period(run->freq, d);
			}
			buf_putc(&points, ']');
			{
				double a[] = { res.accuracy.mae, res.accuracy.rmse, res.accuracy.mape, res.accuracy.smape,
				               res.accuracy.mase };

				for (int i = 0; i < 5; i++)
					snprintf(nums[i], sizeof nums[i], "%.6g", a[i]);
			}
			snprintf(origins, sizeof origins, "%d", res.accuracy.origins);
		}
	}
	if (n > 0) {
		civil_format(first, first_s);
		civil_format(run->last_start, end_s);
		snprintf(periods_s, sizeof periods_s, "%zu", n);
	}
	{
		const char *p[] = { run->id, product_id, ok ? "ok" : "failed", ok ? NULL : err,
		                    fc_method_name(run->method), ok ? model : NULL, run->freq->name, horizon,
		                    n > 0 ? first_s : NULL, n > 0 ? end_s : NULL, n > 0 ? periods_s : NULL,
		                    ok ? points.data : NULL, ok ? origins : NULL,
		                    ok && strcmp(nums[0], "nan") != 0 ? nums[0] : NULL,
		                    ok && strcmp(nums[1], "nan") != 0 ? nums[1] : NULL,
		                    ok && strcmp(nums[2], "nan") != 0 ? nums[2] : NULL,
		                    ok && strcmp(nums[3], "nan") != 0 ? nums[3] : NULL,
		                    ok && strcmp(nums[4], "nan") != 0 ? nums[4] : NULL };

		if (db_command(ctx->db, "INSERT INTO forecasts (run_id, product_id, status, error, method, model, frequency,"
		                        " horizon, history_start, history_end, history_periods, points, backtest_origins,"
		                        " mae, rmse, mape, smape, mase) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
		                        " $12, $13, $14, $15, $16, $17, $18) ON CONFLICT DO NOTHING", 18, p) != 0) {
			buf_printf(&ctx->error, "PostgreSQL: %s", ctx->db->error);
			goto out;
		}
	}
	rc = 0;
	goto out;
nomem:
	buf_puts(&ctx->error, "out of memory");
out:
	PQclear(r);
	free(y);
	free(arrays);
	buf_free(&points);
	return rc;
}

/* Reads the run's request into run. 0, or -1 with ctx->error set. */
static int read_request(struct job_ctx *ctx, struct json_object *req, struct run *run)
{
	struct json_object *v;
	int m;

	if (req == NULL || !json_object_is_type(req, json_type_object))
		goto bad;
	run->all = json_object_object_get_ex(req, "all", &v) && json_object_get_boolean(v);
	if (!run->all && (!json_object_object_get_ex(req, "skus", &run->skus)
	                  || !json_object_is_type(run->skus, json_type_array)))
		goto bad;
	if (!json_object_object_get_ex(req, "horizon", &v) || (run->horizon = json_object_get_int(v)) < 1
	    || run->horizon > 365)
		goto bad;
	if (!json_object_object_get_ex(req, "frequency", &v)
	    || (run->freq = forecast_frequency_find(json_object_get_string(v))) == NULL)
		goto bad;
	if (!json_object_object_get_ex(req, "method", &v) || (m = fc_method_parse(json_object_get_string(v))) < 0)
		goto bad;
	run->method = (enum fc_method)m;
	return 0;
bad:
	buf_puts(&ctx->error, "the run's request is not one the API makes");
	return -1;
}

int forecast_job_run(struct job_ctx *ctx)
{
	struct json_object *v, *req = NULL;
	struct run run = { 0 };
	char id[24];
	const char *p[] = { id };
	PGresult *r = NULL;
	int rc = -1;

	if (!json_object_object_get_ex(ctx->payload, "run_id", &v) || json_object_get_int64(v) <= 0) {
		buf_puts(&ctx->error, "the payload has no run_id");
		return -1;
	}
	snprintf(id, sizeof id, "%lld", (long long)json_object_get_int64(v));
	run.id = id;
	if ((r = rows(ctx, "SELECT request::text, status, cancel_requested FROM forecast_runs WHERE id = $1", 1, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0 || (strcmp(PQgetvalue(r, 0, 1), "queued") != 0 && strcmp(PQgetvalue(r, 0, 1), "running") != 0)) {
		buf_printf(&ctx->result, "{\"run_id\":%s,\"status\":\"%s\"}", id, PQntuples(r) ? PQgetvalue(r, 0, 1) : "missing");
		PQclear(r);
		return 0;
	}
	if (PQgetvalue(r, 0, 2)[0] == 't') {
		PQclear(r);
		return finish(ctx, id, "cancelled", NULL);
	}
	req = json_tokener_parse(PQgetvalue(r, 0, 0));
	PQclear(r);
	r = NULL;
	if (read_request(ctx, req, &run) != 0)
		goto out;
	if (db_command(ctx->db, "UPDATE forecast_runs SET status = 'running', started_at = coalesce(started_at,"
	                        " clock_timestamp()) WHERE id = $1", 1, p) != 0) {
		buf_printf(&ctx->error, "PostgreSQL: %s", ctx->db->error);
		goto out;
	}
	/* History ends with the last complete period: the last one whose last
	 * day is on or before the newest sale anywhere. */
	{
		const char *pf[] = { run.freq->name, run.freq->step };

		if ((r = rows(ctx, "SELECT to_char(CASE WHEN date_trunc($1, d) + $2::interval - interval '1 day' <= d"
		                   " THEN date_trunc($1, d) ELSE date_trunc($1, d) - $2::interval END, 'YYYY-MM-DD')"
		                   " FROM (SELECT max(sale_date) AS d FROM sales) m", 2, pf)) == NULL)
			goto out;
		run.last_start = -1;
		if (!PQgetisnull(r, 0, 0))
			run.last_start = day_of(PQgetvalue(r, 0, 0));
		PQclear(r);
		r = NULL;
	}
	/* The SKUs still to do: a run taken up again skips those done. */
	{
		const char *ps[] = { id, run.all ? NULL : json_object_to_json_string_ext(run.skus, JSON_C_TO_STRING_PLAIN) };

		if ((r = rows(ctx, "SELECT p.id, p.sku FROM products p WHERE ($2::json IS NULL AND p.active"
		                   " OR p.sku IN (SELECT json_array_elements_text($2::json)))"
		                   " AND NOT EXISTS (SELECT 1 FROM forecasts f WHERE f.run_id = $1 AND f.product_id = p.id)"
		                   " ORDER BY p.sku", 2, ps)) == NULL)
			goto out;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		if (i % CANCEL_EVERY == 0) {
			int c = cancelled(ctx, id);

			if (c < 0)
				goto out;
			if (c) {
				rc = finish(ctx, id, "cancelled", NULL);
				goto out;
			}
		}
		if (forecast_one(ctx, &run, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1)) != 0)
			goto out;
	}
	PQclear(r);
	r = NULL;
	/* Succeeded when anything could be forecast; rejected, with the first
	 * reason, when nothing could. */
	if ((r = rows(ctx, "SELECT count(*) FILTER (WHERE f.status = 'ok'), (SELECT f2.error FROM forecasts f2 JOIN"
	                   " products p ON p.id = f2.product_id WHERE f2.run_id = $1 AND f2.status = 'failed'"
	                   " ORDER BY p.sku LIMIT 1) FROM forecasts f WHERE f.run_id = $1", 1, p)) == NULL)
		goto out;
	if (strtoll(PQgetvalue(r, 0, 0), NULL, 10) > 0)
		rc = finish(ctx, id, "succeeded", NULL);
	else
		rc = finish(ctx, id, "rejected", PQgetisnull(r, 0, 1) ? "no active product to forecast" : PQgetvalue(r, 0, 1));
out:
	PQclear(r);
	json_object_put(req);
	return rc;
}
