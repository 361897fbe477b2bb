/* forecast_job: the forecast.run job, and the frequencies forecasts are
 * made at. */
#ifndef SENTIA_FORECAST_JOB_H
#define SENTIA_FORECAST_JOB_H

#include <stddef.h>

#include "jobs.h"

/* A frequency: its name (also PostgreSQL's date_trunc unit), the seasonal
 * period the engine is given, and one period as an SQL interval. */
struct forecast_frequency {
	const char *name;
	int period;
	const char *step;
};
extern const struct forecast_frequency forecast_frequencies[];
extern const size_t forecast_nfrequencies;

/* The frequency called name, or NULL. */
const struct forecast_frequency *forecast_frequency_find(const char *name);

/* Forecast runs finished in the last 24 hours: succeeded, then failed (a
 * run whose job died counts as failed); runs rejected for their data and
 * cancelled ones are neither. For /metrics and the SLO report. */
#define FORECAST_OUTCOMES_24H_SQL \
	"SELECT count(*) FILTER (WHERE r.status = 'succeeded')," \
	" count(*) FILTER (WHERE r.status = 'failed' OR (r.status IN ('queued', 'running') AND j.status = 'dead'))" \
	" FROM forecast_runs r LEFT JOIN jobs j ON j.id = r.job_id" \
	" WHERE coalesce(r.finished_at, j.finished_at) > now() - interval '24 hours'"

/* forecast.run {"run_id": N}: forecasts every SKU of the run not yet done
 * and ends it succeeded, rejected (nothing could be forecast, with the
 * reason) or cancelled. -1 (retried) when the database failed. */
int forecast_job_run(struct job_ctx *ctx);

#endif
