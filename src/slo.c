/* slo: the objectives' table, their measures, the alert levels, and the
 * terminal report. */
#include "ac-config.h"

#include "slo.h"
#include "forecast_job.h"
#include "import.h"
#include "queue.h"
#include "wcap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LATENCY_OBJECTIVE_US 500000   /* p95 under 500 ms */
#define ERROR_OBJECTIVE 0.01          /* under 1 % answered 5xx */
#define AVAILABILITY_OBJECTIVE 0.999
#define FORECAST_OBJECTIVE 0.99

/* An age as people read it. */
static void show_age(double s, char *out, size_t size)
{
	if (s < 120)
		snprintf(out, size, "%.0f s", s);
	else if (s < 7200)
		snprintf(out, size, "%.0f min", s / 60);
	else if (s < 172800)
		snprintf(out, size, "%.1f h", s / 3600);
	else
		snprintf(out, size, "%.1f days", s / 86400);
}

static void show_seconds(double s, char *out, size_t size)
{
	if (s < 1)
		snprintf(out, size, "%.0f ms", s * 1000);
	else
		snprintf(out, size, "%.2f s", s);
}

/* An age against its objective: ok within it, warning up to twice it,
 * critical beyond; the budget is the part of the objective not yet used. */
static void age_reading(double s, double objective, struct slo_reading *out)
{
	out->status = s <= objective ? SLO_OK : s <= 2 * objective ? SLO_WARNING : SLO_CRITICAL;
	out->number = s;
	out->budget = 1 - s / objective;
	show_age(s, out->value, sizeof out->value);
}

/* Data freshness: the stalest data source's time since its last success. */
static int measure_freshness(struct slo_ctx *ctx, struct slo_reading *out)
{
	PGresult *r = db_exec(ctx->db, "SELECT name, extract(epoch FROM now() - last_success_at), last_success_at IS NULL"
	                               " FROM data_sources ORDER BY last_success_at ASC NULLS FIRST LIMIT 1", 0, NULL);

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	if (PQntuples(r) == 0) {
		out->status = SLO_NO_DATA;
		snprintf(out->detail, sizeof out->detail, "no data source has imported yet");
	} else if (strcmp(PQgetvalue(r, 0, 2), "t") == 0) {
		out->status = SLO_CRITICAL;
		out->budget = 0;
		snprintf(out->value, sizeof out->value, "never");
		snprintf(out->detail, sizeof out->detail, "source %s has never loaded data", PQgetvalue(r, 0, 0));
	} else {
		age_reading(strtod(PQgetvalue(r, 0, 1), NULL), FRESHNESS_SLO_SECONDS, out);
		snprintf(out->detail, sizeof out->detail, "stalest source: %s", PQgetvalue(r, 0, 0));
	}
	PQclear(r);
	return 0;
}

/* Working-capital recency: the newest snapshot's age. */
static int measure_wc_recency(struct slo_ctx *ctx, struct slo_reading *out)
{
	PGresult *r = db_exec(ctx->db, "SELECT extract(epoch FROM now() - max(computed_at)), to_char(max(as_of), 'YYYY-MM-DD')"
	                               " FROM working_capital_snapshots", 0, NULL);

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	if (PQgetisnull(r, 0, 0)) {
		/* No snapshot yet (a new installation): no data, not a breach;
		 * the recompute runs hourly and after every import. */
		out->status = SLO_NO_DATA;
		snprintf(out->value, sizeof out->value, "none");
		snprintf(out->detail, sizeof out->detail, "no snapshot has been computed yet");
	} else {
		age_reading(strtod(PQgetvalue(r, 0, 0), NULL), WCAP_RECENCY_SLO_SECONDS, out);
		snprintf(out->detail, sizeof out->detail, "newest snapshot as of %s", PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return 0;
}

/* Forecast success rate: runs that succeeded of those that finished in the
 * last 24 hours (runs rejected for their data and cancelled ones are not
 * counted): ok from 99 %, warning from 95 %. The sparkline is the same
 * ratio hour by hour. */
static int measure_forecasts(struct slo_ctx *ctx, struct slo_reading *out)
{
	PGresult *r = db_exec(ctx->db, FORECAST_OUTCOMES_24H_SQL, 0, NULL);
	long long ok, bad;

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	ok = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	bad = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	if (ok + bad == 0) {
		out->status = SLO_NO_DATA;
		snprintf(out->detail, sizeof out->detail, "no forecast run finished in the last 24 hours");
		return 0;
	}
	{
		double rate = (double)ok / (double)(ok + bad);

		out->status = rate >= FORECAST_OBJECTIVE ? SLO_OK : rate >= 0.95 ? SLO_WARNING : SLO_CRITICAL;
		out->number = rate;
		out->budget = 1 - (1 - rate) / (1 - FORECAST_OBJECTIVE);
		snprintf(out->value, sizeof out->value, "%.2f %%", 100 * rate);
		snprintf(out->detail, sizeof out->detail, "%lld succeeded, %lld failed", ok, bad);
	}
	r = db_exec(ctx->db, "SELECT 23 - floor(extract(epoch FROM date_trunc('hour', now()) - date_trunc('hour', f)) / 3600),"
	                     " count(*) FILTER (WHERE s = 'succeeded'), count(*)"
	                     " FROM (SELECT coalesce(r.finished_at, j.finished_at) AS f,"
	                     "  CASE WHEN r.status = 'succeeded' THEN 'succeeded' ELSE 'failed' END AS s"
	                     "  FROM forecast_runs r LEFT JOIN jobs j ON j.id = r.job_id"
	                     "  WHERE (r.status IN ('succeeded', 'failed') OR (r.status IN ('queued', 'running') AND j.status = 'dead'))"
	                     "  AND coalesce(r.finished_at, j.finished_at) > date_trunc('hour', now()) - interval '23 hours') t"
	                     " GROUP BY 1",
	             0, NULL);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < SLO_SPARK_HOURS; i++)
		out->spark[i] = NAN;
	for (int i = 0; i < PQntuples(r); i++) {
		long h = strtol(PQgetvalue(r, i, 0), NULL, 10);

		if (h >= 0 && h < SLO_SPARK_HOURS)
			out->spark[h] = strtod(PQgetvalue(r, i, 1), NULL) / strtod(PQgetvalue(r, i, 2), NULL);
	}
	out->has_spark = 1;
	PQclear(r);
	return 0;
}

/* The hourly totals behind a sparkline; 0, or -1 when Redis failed. */
static int hours(struct slo_ctx *ctx, struct win_totals *h)
{
	return win_hours(ctx->kv, ctx->now, h, SLO_SPARK_HOURS);
}

/* The recent window, or "no data" saying why not. */
static int recent_or_none(struct slo_ctx *ctx, struct slo_reading *out)
{
	if (!ctx->recent_ok) {
		out->status = SLO_NO_DATA;
		snprintf(out->detail, sizeof out->detail, "Redis did not answer: %.100s", ctx->kv->error);
		return 0;
	}
	if (ctx->recent.n == 0) {
		out->status = SLO_NO_DATA;
		snprintf(out->detail, sizeof out->detail, "no request in the last 5 minutes");
		return 0;
	}
	return 1;
}

/* API p95 latency over the last five minutes, every host's requests: ok
 * under 500 ms, critical beyond the guide's critical level (5 s). The
 * budget: of requests, 5 % may take longer than 500 ms. */
static int measure_latency(struct slo_ctx *ctx, struct slo_reading *out)
{
	struct win_totals h[SLO_SPARK_HOURS];
	double p95;

	if (recent_or_none(ctx, out) == 0)
		return 0;
	p95 = win_quantile(ctx->recent.buckets, 0.95);
	out->number = p95;
	out->status = p95 <= LATENCY_OBJECTIVE_US / 1e6 ? SLO_OK : p95 <= 5 ? SLO_WARNING : SLO_CRITICAL;
	out->budget = 1 - ((double)win_slower_than(&ctx->recent, LATENCY_OBJECTIVE_US) / (double)ctx->recent.n) / 0.05;
	show_seconds(p95, out->value, sizeof out->value);
	snprintf(out->detail, sizeof out->detail, "%llu requests, %llu slower than 500 ms",
	         (unsigned long long)ctx->recent.n,
	         (unsigned long long)win_slower_than(&ctx->recent, LATENCY_OBJECTIVE_US));
	if (hours(ctx, h) == 0) {
		for (int i = 0; i < SLO_SPARK_HOURS; i++)
			out->spark[i] = win_quantile(h[i].buckets, 0.95);
		out->has_spark = 1;
	}
	return 0;
}

/* Error rate: answers 5xx of all requests over the last five minutes: ok
 * up to 1 %, warning up to 5 %, critical beyond (the guide's levels). */
static int measure_errors(struct slo_ctx *ctx, struct slo_reading *out)
{
	struct win_totals h[SLO_SPARK_HOURS];
	double rate;

	if (recent_or_none(ctx, out) == 0)
		return 0;
	rate = (double)ctx->recent.errors / (double)ctx->recent.n;
	out->number = rate;
	out->status = rate <= ERROR_OBJECTIVE ? SLO_OK : rate <= 0.05 ? SLO_WARNING : SLO_CRITICAL;
	out->budget = 1 - rate / ERROR_OBJECTIVE;
	snprintf(out->value, sizeof out->value, "%.2f %%", 100 * rate);
	snprintf(out->detail, sizeof out->detail, "%llu of %llu requests answered 5xx",
	         (unsigned long long)ctx->recent.errors, (unsigned long long)ctx->recent.n);
	if (hours(ctx, h) == 0) {
		for (int i = 0; i < SLO_SPARK_HOURS; i++)
			out->spark[i] = h[i].n > 0 ? (double)h[i].errors / (double)h[i].n : NAN;
		out->has_spark = 1;
	}
	return 0;
}

/* Availability over 30 days: minutes in which a probe succeeded, of the
 * whole minutes since the first probe: ok from 99.9 %, warning from 99 %. */
static int measure_availability(struct slo_ctx *ctx, struct slo_reading *out)
{
	long up, span;
	double a;

	if (win_availability(ctx->kv, ctx->now, WIN_AVAILABILITY_DAYS, &up, &span) != 0) {
		out->status = SLO_NO_DATA;
		snprintf(out->detail, sizeof out->detail, "Redis did not answer: %.100s", ctx->kv->error);
		return 0;
	}
	if (span == 0) {
		out->status = SLO_NO_DATA;
		snprintf(out->detail, sizeof out->detail, "no whole minute probed yet");
		return 0;
	}
	a = (double)up / (double)span;
	out->number = a;
	out->status = a >= AVAILABILITY_OBJECTIVE ? SLO_OK : a >= 0.99 ? SLO_WARNING : SLO_CRITICAL;
	out->budget = 1 - (1 - a) / (1 - AVAILABILITY_OBJECTIVE);
	snprintf(out->value, sizeof out->value, "%.3f %%", 100 * a);
	snprintf(out->detail, sizeof out->detail, "%ld of %ld minutes up", up, span);
	if (win_availability_hours(ctx->kv, ctx->now, out->spark, SLO_SPARK_HOURS) == 0)
		out->has_spark = 1;
	return 0;
}

const struct slo_def slo_defs[] = {
	{ "data_freshness", "data freshness", "< 30 min", "now", "seconds", measure_freshness },
	{ "forecast_success_rate", "forecast success rate", "> 99 %", "24 h", "ratio", measure_forecasts },
	{ "working_capital_recency", "working-capital recency", "< 24 h", "now", "seconds", measure_wc_recency },
	{ "api_latency_p95", "API p95 latency", "< 500 ms", "5 min", "seconds", measure_latency },
	{ "error_rate", "error rate", "< 1 %", "5 min", "ratio", measure_errors },
	{ "availability", "availability", "> 99.9 %", "30 days", "ratio", measure_availability },
};
const size_t slo_ndefs = sizeof slo_defs / sizeof slo_defs[0];

const char *slo_status_name(enum slo_status s)
{
	static const char *const names[] = { "ok", "warning", "critical", "no_data" };

	return s <= SLO_NO_DATA ? names[s] : "?";
}

void slo_ctx_init(struct slo_ctx *ctx, struct db *db, struct kv *kv, time_t now)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->db = db;
	ctx->kv = kv;
	ctx->now = now;
	ctx->recent_ok = win_recent(kv, now, &ctx->recent, NULL, 0, NULL) == 0;
}

int slo_measure(struct slo_ctx *ctx, size_t i, struct slo_reading *out)
{
	memset(out, 0, sizeof *out);
	out->status = SLO_NO_DATA;
	out->number = out->budget = NAN;
	snprintf(out->value, sizeof out->value, "-");
	return slo_defs[i].measure(ctx, out);
}

/* ---- Alerts ---- */

#define ALERTS_KEY WIN_PREFIX "alerts"
#define MEMORY_KEY WIN_PREFIX "memory"

void slo_record_memory(struct kv *kv, const char *host, uint64_t rss, uint64_t limit, time_t now)
{
	redisReply *r = kv_command(kv, "HSET " MEMORY_KEY " %s %llu:%llu:%lld", host, (unsigned long long)rss,
	                           (unsigned long long)limit, (long long)now);

	freeReplyObject(r);
}

/* The highest share of its limit that a host's pool uses, among hosts
 * heard from in the last minute; NAN when none. */
static double memory_share(struct slo_ctx *ctx, char *host, size_t size)
{
	redisReply *r = kv_command(ctx->kv, "HGETALL " MEMORY_KEY);
	double worst = NAN;

	for (size_t i = 0; r != NULL && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2) {
		unsigned long long rss, limit;
		long long at;

		if (sscanf(r->element[i + 1]->str, "%llu:%llu:%lld", &rss, &limit, &at) != 3 || limit == 0)
			continue;
		if (at < (long long)ctx->now - 60) {
			/* A host gone quiet: its figure is stale, and dropped. */
			redisReply *d = kv_command(ctx->kv, "HDEL " MEMORY_KEY " %s", r->element[i]->str);

			freeReplyObject(d);
			continue;
		}
		if (isnan(worst) || (double)rss / (double)limit > worst) {
			worst = (double)rss / (double)limit;
			snprintf(host, size, "%s", r->element[i]->str);
		}
	}
	freeReplyObject(r);
	return worst;
}

/* The deepest queue's waiting jobs; -1 when they could not be counted. */
static long long deepest_queue(struct slo_ctx *ctx, const char **name)
{
	long long worst = -1;

	for (size_t i = 0; i < nqueues; i++) {
		struct queue_counts c;

		if (queue_counts(ctx->db, ctx->kv, &queues[i], &c) != 0)
			return -1;
		if (c.waiting > worst) {
			worst = c.waiting;
			*name = queues[i].name;
		}
	}
	return worst;
}

/* Keeps an alert's start at one level in Redis: set when it begins, kept
 * while it holds, removed when it ends. Returns the start, or now when
 * Redis did not answer. */
static int64_t since(struct slo_ctx *ctx, const char *name, enum slo_status level, int active)
{
	int64_t at = (int64_t)ctx->now;
	redisReply *r;

	if (!active) {
		r = kv_command(ctx->kv, "HDEL " ALERTS_KEY " %s:%s", name, slo_status_name(level));
		freeReplyObject(r);
		return 0;
	}
	r = kv_command(ctx->kv, "HSETNX " ALERTS_KEY " %s:%s %lld", name, slo_status_name(level), (long long)at);
	freeReplyObject(r);
	r = kv_command(ctx->kv, "HGET " ALERTS_KEY " %s:%s", name, slo_status_name(level));
	if (r != NULL && r->type == REDIS_REPLY_STRING)
		at = strtoll(r->str, NULL, 10);
	freeReplyObject(r);
	return at;
}

/* Records one alert's state at both levels and, when active, puts it in
 * out at the higher level. */
static void alert(struct slo_ctx *ctx, const char *name, int warning, int critical, const char *value,
                  const char *detail, struct slo_alert *out, size_t max, size_t *n)
{
	int64_t w = since(ctx, name, SLO_WARNING, warning || critical);
	int64_t c = since(ctx, name, SLO_CRITICAL, critical);

	if ((!warning && !critical) || *n >= max)
		return;
	out[*n].name = name;
	out[*n].level = critical ? SLO_CRITICAL : SLO_WARNING;
	out[*n].since = critical ? c : w;
	snprintf(out[*n].value, sizeof out[*n].value, "%s", value);
	snprintf(out[*n].detail, sizeof out[*n].detail, "%s", detail);
	(*n)++;
}

size_t slo_alerts(struct slo_ctx *ctx, struct slo_alert *out, size_t max)
{
	char value[48], detail[160], host[96] = "";
	const char *qname = "";
	size_t n = 0;

	/* Error rate: warning over 1 %, critical over 5 % (five minutes). */
	{
		double rate = ctx->recent_ok && ctx->recent.n > 0 ? (double)ctx->recent.errors / (double)ctx->recent.n : 0;

		snprintf(value, sizeof value, "%.2f %%", 100 * rate);
		snprintf(detail, sizeof detail, "%llu of %llu requests answered 5xx in the last 5 minutes",
		         (unsigned long long)ctx->recent.errors, (unsigned long long)ctx->recent.n);
		alert(ctx, "error_rate", rate > 0.01, rate > 0.05, value, detail, out, max, &n);
	}
	/* p95 latency: warning over 2 s, critical over 5 s. */
	{
		double p95 = ctx->recent_ok ? win_quantile(ctx->recent.buckets, 0.95) : NAN;

		show_seconds(isnan(p95) ? 0 : p95, value, sizeof value);
		snprintf(detail, sizeof detail, "p95 of %llu requests in the last 5 minutes", (unsigned long long)ctx->recent.n);
		alert(ctx, "latency_p95", !isnan(p95) && p95 > 2, !isnan(p95) && p95 > 5, value, detail, out, max, &n);
	}
	/* Memory: warning over 85 % of the limit on any host. */
	{
		double share = memory_share(ctx, host, sizeof host);

		snprintf(value, sizeof value, "%.1f %%", isnan(share) ? 0 : 100 * share);
		snprintf(detail, sizeof detail, "resident memory of the pool on %s, of its limit", host[0] ? host : "no host");
		alert(ctx, "memory", !isnan(share) && share > 0.85, 0, value, detail, out, max, &n);
	}
	/* Database connection failures: critical when PostgreSQL cannot be
	 * reached now, or a check of it failed in the last five minutes. */
	{
		double ms;
		int down = db_ping(ctx->db, &ms) != 0;

		snprintf(value, sizeof value, "%llu", (unsigned long long)ctx->recent.dbfail + (down ? 1u : 0u));
		snprintf(detail, sizeof detail, down ? "PostgreSQL does not answer: %.100s"
		                                     : "failed checks of PostgreSQL in the last 5 minutes%s",
		         down ? ctx->db->error : "");
		alert(ctx, "database", 0, down || ctx->recent.dbfail > 0, value, detail, out, max, &n);
		if (down)
			return n;
	}
	/* Queue depth: warning over 1000 waiting jobs on a queue, critical
	 * over 5000. */
	{
		long long depth = deepest_queue(ctx, &qname);

		snprintf(value, sizeof value, "%lld", depth < 0 ? 0 : depth);
		snprintf(detail, sizeof detail, "jobs waiting on queue %s", qname);
		if (depth >= 0)
			alert(ctx, "queue_depth", depth > 1000, depth > 5000, value, detail, out, max, &n);
	}
	return n;
}

/* ---- The terminal report ---- */

int slo_report(struct db *db, struct kv *kv, FILE *out, int color)
{
	static const char *const colors[] = { "\033[32m", "\033[33m", "\033[31m", "\033[2m" };
	struct slo_ctx ctx;
	struct slo_alert alerts[SLO_MAX_ALERTS];
	size_t nalerts;
	int worst = 0;

	slo_ctx_init(&ctx, db, kv, time(NULL));
	fprintf(out, "%-26s %-9s %-8s %-10s %-9s %-7s %s\n", "SLO", "TARGET", "WINDOW", "VALUE", "STATUS", "BUDGET", "DETAIL");
	for (size_t i = 0; i < slo_ndefs; i++) {
		const struct slo_def *d = &slo_defs[i];
		struct slo_reading r;
		char budget[16] = "-";

		if (slo_measure(&ctx, i, &r) != 0)
			return 3;
		if (!isnan(r.budget))
			snprintf(budget, sizeof budget, "%.0f %%", 100 * (r.budget < -9.99 ? -9.99 : r.budget));
		fprintf(out, "%-26s %-9s %-8s %-10s %s%-9s%s %-7s %s\n", d->name, d->target, d->window, r.value,
		        color ? colors[r.status] : "", slo_status_name(r.status), color ? "\033[0m" : "", budget, r.detail);
		if (r.status == SLO_WARNING && worst < 1)
			worst = 1;
		if (r.status == SLO_CRITICAL)
			worst = 2;
	}
	nalerts = slo_alerts(&ctx, alerts, SLO_MAX_ALERTS);
	fprintf(out, "\n%-13s %-9s %-10s %-20s %s\n", "ALERT", "LEVEL", "VALUE", "SINCE", "DETAIL");
	if (nalerts == 0)
		fprintf(out, "(none)\n");
	for (size_t i = 0; i < nalerts; i++) {
		char at[32] = "-";
		time_t t = (time_t)alerts[i].since;
		struct tm tm;

		if (t > 0 && gmtime_r(&t, &tm) != NULL)
			strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(out, "%-13s %s%-9s%s %-10s %-20s %s\n", alerts[i].name, color ? colors[alerts[i].level] : "",
		        slo_status_name(alerts[i].level), color ? "\033[0m" : "", alerts[i].value, at, alerts[i].detail);
		if (alerts[i].level == SLO_WARNING && worst < 1)
			worst = 1;
		if (alerts[i].level == SLO_CRITICAL)
			worst = 2;
	}
	return worst;
}
