/* slo: the objectives' table, their measures, and the terminal report. */
#include "ac-config.h"

#include "slo.h"
#include "forecast_job.h"
#include "import.h"
#include "wcap.h"

#include <stdlib.h>
#include <string.h>

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

/* An age against its objective: ok within it, warning up to twice it,
 * critical beyond. */
static enum slo_status age_status(double s, double objective)
{
	return s <= objective ? SLO_OK : s <= 2 * objective ? SLO_WARNING : SLO_CRITICAL;
}

/* Data freshness: the stalest data source's time since its last success. */
static int measure_freshness(struct db *db, struct slo_reading *out)
{
	PGresult *r = db_exec(db, "SELECT name, extract(epoch FROM now() - last_success_at), last_success_at IS NULL"
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
		snprintf(out->value, sizeof out->value, "never");
		snprintf(out->detail, sizeof out->detail, "source %s has never loaded data", PQgetvalue(r, 0, 0));
	} else {
		double age = strtod(PQgetvalue(r, 0, 1), NULL);

		out->status = age_status(age, FRESHNESS_SLO_SECONDS);
		show_age(age, out->value, sizeof out->value);
		snprintf(out->detail, sizeof out->detail, "stalest source: %s", PQgetvalue(r, 0, 0));
	}
	PQclear(r);
	return 0;
}

/* Working-capital recency: the newest snapshot's age. */
static int measure_wc_recency(struct db *db, struct slo_reading *out)
{
	PGresult *r = db_exec(db, "SELECT extract(epoch FROM now() - max(computed_at)), to_char(max(as_of), 'YYYY-MM-DD')"
	                          " FROM working_capital_snapshots", 0, NULL);

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	if (PQgetisnull(r, 0, 0)) {
		out->status = SLO_CRITICAL;
		snprintf(out->value, sizeof out->value, "none");
		snprintf(out->detail, sizeof out->detail, "no snapshot has been computed");
	} else {
		double age = strtod(PQgetvalue(r, 0, 0), NULL);

		out->status = age_status(age, WCAP_RECENCY_SLO_SECONDS);
		show_age(age, out->value, sizeof out->value);
		snprintf(out->detail, sizeof out->detail, "newest snapshot as of %s", PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return 0;
}

/* Forecast success rate: runs that succeeded of those that finished in the
 * last 24 hours (runs rejected for their data and cancelled ones are not
 * counted): ok from 99 %, warning from 95 %. */
static int measure_forecasts(struct db *db, struct slo_reading *out)
{
	PGresult *r = db_exec(db, FORECAST_OUTCOMES_24H_SQL, 0, NULL);
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
		double rate = 100.0 * (double)ok / (double)(ok + bad);

		out->status = rate >= 99 ? SLO_OK : rate >= 95 ? SLO_WARNING : SLO_CRITICAL;
		snprintf(out->value, sizeof out->value, "%.2f %%", rate);
		snprintf(out->detail, sizeof out->detail, "%lld succeeded, %lld failed", ok, bad);
	}
	return 0;
}

const struct slo_def slo_defs[] = {
	{ "data freshness", "< 30 min", "now", measure_freshness },
	{ "forecast success rate", "> 99 %", "24 h", measure_forecasts },
	{ "working-capital recency", "< 24 h", "now", measure_wc_recency },
	{ "API p95 latency", "< 500 ms", "5 min", NULL },
	{ "error rate", "< 1 %", "5 min", NULL },
	{ "availability", "> 99.9 %", "30 days", NULL },
};
const size_t slo_ndefs = sizeof slo_defs / sizeof slo_defs[0];

const char *slo_status_name(enum slo_status s)
{
	static const char *const names[] = { "ok", "warning", "critical", "no_data" };

	return s <= SLO_NO_DATA ? names[s] : "?";
}

int slo_report(struct db *db, FILE *out, int color)
{
	static const char *const colors[] = { "\033[32m", "\033[33m", "\033[31m", "\033[2m" };
	int worst = 0;

	fprintf(out, "%-26s %-9s %-8s %-10s %-9s %s\n", "SLO", "TARGET", "WINDOW", "VALUE", "STATUS", "DETAIL");
	for (size_t i = 0; i < slo_ndefs; i++) {
		const struct slo_def *d = &slo_defs[i];
		struct slo_reading r = { SLO_NO_DATA, "-", "" };

		if (d->measure == NULL)
			snprintf(r.detail, sizeof r.detail, "not measured yet");
		else if (d->measure(db, &r) != 0)
			return 3;
		fprintf(out, "%-26s %-9s %-8s %-10s %s%-9s%s %s\n", d->name, d->target, d->window, r.value,
		        color ? colors[r.status] : "", slo_status_name(r.status), color ? "\033[0m" : "", r.detail);
		if (r.status == SLO_WARNING && worst < 1)
			worst = 1;
		if (r.status == SLO_CRITICAL)
			worst = 2;
	}
	return worst;
}
