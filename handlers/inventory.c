/* inventory: the stocking policy of each product from its demand (its
 * latest forecast when it has one, its sales history otherwise): safety
 * stock, reorder point, days of supply and the risk of a stock-out before
 * a reorder placed now arrives. */
#include "ac-config.h"

#include "app.h"
#include "cache.h"
#include "civil.h"
#include "normal.h"
#include "routes.h"
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Daily demand over the history window (days without sales count as
 * zero); the first period of the product's latest forecast, if it has
 * one; and what it has in stock: the latest snapshot of each location on
 * or before the day, on hand less reserved, and inbound. $1 sku or NULL
 * for every active product; $2 the last day; $3 the window's days; $4
 * limit; $5 offset. */
static const char policy_sql[] =
	"WITH prod AS (SELECT id, sku, name, lead_time_days FROM products"
	"  WHERE ($1::text IS NULL AND active) OR sku = $1 ORDER BY sku LIMIT $4::int OFFSET $5::int),"
	" daily AS (SELECT p.id, d.day, coalesce(sum(s.quantity), 0) AS q FROM prod p"
	"  CROSS JOIN generate_series($2::date - ($3::int - 1), $2::date, interval '1 day') AS d (day)"
	"  LEFT JOIN sales s ON s.product_id = p.id AND s.sale_date = d.day::date GROUP BY p.id, d.day),"
	" demand AS (SELECT id, avg(q) AS mean, coalesce(stddev_samp(q), 0) AS sd, count(*) FILTER (WHERE q > 0) AS days"
	"  FROM daily GROUP BY id),"
	" stock AS (SELECT product_id, sum(on_hand - reserved) AS available, sum(inbound) AS inbound,"
	"  max(snapshot_date) AS newest FROM (SELECT DISTINCT ON (product_id, location) product_id, on_hand, reserved,"
	"   inbound, snapshot_date FROM inventory_snapshots WHERE snapshot_date <= $2::date"
	"   AND product_id IN (SELECT id FROM prod) ORDER BY product_id, location, snapshot_date DESC) latest"
	"  GROUP BY product_id),"
	" fc AS (SELECT DISTINCT ON (product_id) product_id, run_id, model, (points->0->>'forecast')::float8 AS f,"
	"  (points->0->>'hi95')::float8 AS hi, CASE frequency WHEN 'day' THEN 1 WHEN 'week' THEN 7"
	"   ELSE extract(day FROM (points->0->>'period')::date + interval '1 month' - interval '1 day') END AS days"
	"  FROM forecasts WHERE status = 'ok' AND product_id IN (SELECT id FROM prod)"
	"  ORDER BY product_id, created_at DESC, run_id DESC)"
	" SELECT p.sku, p.name, p.lead_time_days, d.mean, d.sd, d.days, k.available, k.inbound,"
	"  to_char(k.newest, 'YYYY-MM-DD'), fc.run_id, fc.model, fc.f, fc.hi, fc.days"
	" FROM prod p JOIN demand d ON d.id = p.id LEFT JOIN stock k ON k.product_id = p.id"
	" LEFT JOIN fc ON fc.product_id = p.id ORDER BY p.sku";

/* A number written with places decimals, or null when not finite. */
static struct json_object *fixed(double x, int places)
{
	char text[64];

	if (!isfinite(x))
		return NULL;
	snprintf(text, sizeof text, "%.*f", places, x);
	return json_object_new_double_s(x, text);
}

/* A quantity, to two places. */
static struct json_object *qty(double x)
{
	return fixed(x, 2);
}

/* The policy of one product (one row of policy_sql) at service level sl. */
static struct json_object *policy_row(const PGresult *r, int i, double sl, double z)
{
	struct json_object *o = json_object_new_object(), *dem = json_object_new_object();
	double lead = strtod(PQgetvalue(r, i, 2), NULL);
	double mean = strtod(PQgetvalue(r, i, 3), NULL), sd = strtod(PQgetvalue(r, i, 4), NULL);
	int from_forecast = !PQgetisnull(r, i, 9);
	int has_stock = !PQgetisnull(r, i, 6);
	double available = has_stock ? strtod(PQgetvalue(r, i, 6), NULL) : 0;
	double inbound = has_stock ? strtod(PQgetvalue(r, i, 7), NULL) : 0;
	double position = available + inbound;
	/* With a forecast, its first period gives the daily demand ahead: its
	 * point over the period's days, and its spread from the upper 95 %
	 * bound (the lower one may be clamped at zero), spread over the days
	 * as independent ones would be. */
	if (from_forecast) {
		double days = strtod(PQgetvalue(r, i, 13), NULL), f = strtod(PQgetvalue(r, i, 11), NULL);
		double hi = strtod(PQgetvalue(r, i, 12), NULL);

		if (days < 1)
			days = 1;
		mean = f / days;
		sd = (hi - f) / normal_quantile(0.975) / sqrt(days);
		if (!(sd >= 0))
			sd = 0;
	}
	/* Demand over the lead time: its mean, and its spread when days are
	 * independent (sigma grows with the square root of the days). */
	double lt_mean = mean * lead, lt_sd = sd * sqrt(lead);
	double safety = z * lt_sd, reorder = lt_mean + safety, risk;

	if (lt_sd > 0)
		risk = 1 - normal_cdf((position - lt_mean) / lt_sd);
	else
		risk = position < lt_mean ? 1 : 0;
	json_object_object_add(o, "sku", json_object_new_string(PQgetvalue(r, i, 0)));
	json_object_object_add(o, "name", json_object_new_string(PQgetvalue(r, i, 1)));
	json_object_object_add(o, "basis", json_object_new_string(from_forecast ? "forecast" : "history"));
	if (from_forecast) {
		json_object_object_add(o, "forecast_run_id", json_object_new_int64(strtoll(PQgetvalue(r, i, 9), NULL, 10)));
		json_object_object_add(o, "forecast_model", json_object_new_string(PQgetvalue(r, i, 10)));
	}
	json_object_object_add(o, "lead_time_days", json_object_new_int(atoi(PQgetvalue(r, i, 2))));
	json_object_object_add(o, "service_level", fixed(sl, 3));
	json_object_object_add(o, "z", fixed(z, 4));
	json_object_object_add(dem, "daily_mean", qty(mean));
	json_object_object_add(dem, "daily_sd", qty(sd));
	json_object_object_add(dem, "days_with_sales", json_object_new_int(atoi(PQgetvalue(r, i, 5))));
	json_object_object_add(dem, "history_daily_mean", qty(strtod(PQgetvalue(r, i, 3), NULL)));
	json_object_object_add(dem, "lead_time_mean", qty(lt_mean));
	json_object_object_add(dem, "lead_time_sd", qty(lt_sd));
	json_object_object_add(o, "demand", dem);
	json_object_object_add(o, "safety_stock", qty(safety));
	json_object_object_add(o, "reorder_point", qty(reorder));
	json_object_object_add(o, "available", has_stock ? qty(available) : NULL);
	json_object_object_add(o, "inbound", has_stock ? qty(inbound) : NULL);
	json_object_object_add(o, "stock_snapshot", has_stock ? json_object_new_string(PQgetvalue(r, i, 8)) : NULL);
	json_object_object_add(o, "days_of_supply", has_stock && mean > 0 ? qty(available / mean) : NULL);
	json_object_object_add(o, "stockout_risk", has_stock ? fixed(risk, 4) : NULL);
	json_object_object_add(o, "reorder_now", has_stock ? json_object_new_boolean(position <= reorder) : NULL);
	if (!has_stock)
		json_object_object_add(o, "reason", json_object_new_string("no inventory snapshot of this product"));
	else if (!(mean > 0))
		json_object_object_add(o, "reason", json_object_new_string(from_forecast ? "the forecast expects no demand"
		                                                                          : "no sales in the history window"));
	return o;
}

/* GET /api/inventory/policy[?sku=S][&service_level=0.95][&history_days=N]
 * [&as_of=YYYY-MM-DD][&limit=N][&offset=N]: the policy of one product, or
 * of every active product a page at a time. */
void inventory_policy(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct buf sku = BUF_INIT, v = BUF_INIT;
	double sl = (double)app->cfg->inventory_service_level / 100, z;
	int64_t history = 90, limit = 100, offset = 0;
	int32_t as_of = civil_today();
	char day[11], hist[24], lim[24], off[24];
	struct json_object *o, *arr;
	struct cache_slot slot;
	PGresult *r;
	int rc;

	if ((rc = request_query(req, "sku", &sku)) < 0 || (rc > 0 && value_text(sku.data, sku.len, 64) != VALUE_OK)) {
		res_error(res, 400, "invalid_parameter", "The parameter sku is a product's SKU.");
		goto out;
	}
	if (param_int(req, res, "history_days", 7, 3660, &history) != 0 || param_int(req, res, "limit", 1, 1000, &limit) != 0
	    || param_int(req, res, "offset", 0, 100000000, &offset) != 0)
		goto out;
	buf_reset(&v);
	if ((rc = request_query(req, "service_level", &v)) != 0) {
		char *end;

		sl = rc > 0 ? strtod(v.data, &end) : NAN;
		if (rc < 0 || v.len == 0 || *end != '\0' || !(sl >= 0.5 && sl <= 0.999)) {
			res_error(res, 400, "invalid_parameter", "The parameter service_level is a fraction from 0.5 to 0.999.");
			goto out;
		}
	}
	if (param_date(req, res, "as_of", &as_of) != 0)
		goto out;
	if (cache_serve(req, res, &slot))
		goto out;
	z = normal_quantile(sl);
	civil_format(as_of, day);
	snprintf(hist, sizeof hist, "%lld", (long long)history);
	snprintf(lim, sizeof lim, "%lld", (long long)limit);
	snprintf(off, sizeof off, "%lld", (long long)offset);
	{
		const char *p[] = { sku.len > 0 ? sku.data : NULL, day, hist, lim, off };

		r = db_exec(&app->db, policy_sql, 5, p);
	}
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		res_unavailable(res, "PostgreSQL", r != NULL ? PQresultErrorMessage(r) : app->db.error);
		PQclear(r);
		goto out;
	}
	if (sku.len > 0 && PQntuples(r) == 0) {
		PQclear(r);
		res_error(res, 404, "not_found", "No product has this SKU.");
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "as_of", json_object_new_string(day));
	json_object_object_add(o, "history_days", json_object_new_int64(history));
	json_object_object_add(o, "formula", json_object_new_string(
		"daily demand from the latest forecast's first period (daily_mean = forecast / its days, daily_sd ="
		" (hi95 - forecast) / 1.96 / sqrt(its days)), or from the sales history; safety_stock = z(service_level)"
		" x daily_sd x sqrt(lead_time_days); reorder_point = daily_mean x lead_time_days + safety_stock;"
		" days_of_supply = available / daily_mean; stockout_risk = P(lead-time demand > available + inbound),"
		" demand normal"));
	arr = json_object_new_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_object_array_add(arr, policy_row(r, i, sl, z));
	PQclear(r);
	if (sku.len > 0) {
		struct json_object *one = json_object_get(json_object_array_get_idx(arr, 0));

		json_object_put(arr);
		json_object_object_foreach(o, key, val)
			json_object_object_add(one, key, json_object_get(val));
		json_object_put(o);
		o = one;
	} else {
		json_object_object_add(o, "limit", json_object_new_int64(limit));
		json_object_object_add(o, "offset", json_object_new_int64(offset));
		json_object_object_add(o, "products", arr);
	}
	res_json(res, 200, o);
	cache_store(req, res, &slot);
out:
	buf_free(&sku);
	buf_free(&v);
}
