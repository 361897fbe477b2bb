/* jobs: the job types and their handlers. */
#include "ac-config.h"

#include "jobs.h"
#include "civil.h"
#include "forecast_job.h"
#include "import.h"
#include "log.h"
#include "queue.h"
#include "retention.h"
#include "users.h"
#include "value.h"
#include "wcap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif


static int64_t payload_int(struct json_object *p, const char *key, int64_t def)
{
	struct json_object *v;

	if (p == NULL || !json_object_object_get_ex(p, key, &v) || !json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_int64(v);
}

/* After an import of finance or inventory data loaded rows, queues a
 * working-capital recompute (once per import, however often this runs). */
static int after_import(struct job_ctx *ctx, int64_t id)
{
	char idtext[24], key[64], payload[80];
	const char *p[] = { idtext };
	PGresult *r;
	int64_t job;
	int created, feeds = 0;

	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = db_exec(ctx->db, "SELECT 1 FROM imports WHERE id = $1 AND rows_loaded > 0"
	                     " AND type IN ('sales', 'inventory', 'receivables', 'payables', 'balance_sheet')", 1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		buf_printf(&ctx->error, "PostgreSQL: %s", ctx->db->error[0] ? ctx->db->error : "unavailable");
		return -1;
	}
	feeds = PQntuples(r) > 0;
	PQclear(r);
	if (!feeds)
		return 0;
	snprintf(key, sizeof key, "working-capital-after-import-%lld", (long long)id);
	snprintf(payload, sizeof payload, "{\"reason\":\"import\",\"import_id\":%lld}", (long long)id);
	if (queue_enqueue(ctx->db, ctx->kv, "working-capital", "working-capital.recompute", payload, key, &job,
	                  &created) != 0) {
		buf_printf(&ctx->error, "could not queue the working-capital recompute: %s", ctx->db->error);
		return -1;
	}
	return 0;
}

/* import.process {"import_id": N}: validates and loads an accepted import. */
static int run_import(struct job_ctx *ctx)
{
	struct import_settings s = { ctx->cfg->base_currency, ctx->cfg->import_max_errors, ctx->worker };
	int64_t id = payload_int(ctx->payload, "import_id", 0);
	enum import_run rc;

	if (id <= 0) {
		buf_puts(&ctx->error, "the payload has no import_id");
		return -1;
	}
	rc = import_process(ctx->db, id, &s);
	/* An import's buffers are large and libpq keeps them: let them go. */
	db_disconnect(ctx->db);
#ifdef HAVE_MALLOC_TRIM
	malloc_trim(0);
#endif
	switch (rc) {
	case IMPORT_DONE:
		buf_printf(&ctx->result, "{\"import_id\":%lld}", (long long)id);
		return after_import(ctx, id);
	case IMPORT_MISSING:
		buf_printf(&ctx->result, "{\"import_id\":%lld,\"missing\":true}", (long long)id);
		return 0;
	case IMPORT_BUSY:
		buf_puts(&ctx->error, "another process is working on this import");
		return -1;
	case IMPORT_RETRY:
	default:
		buf_printf(&ctx->error, "PostgreSQL: %s", ctx->db->error[0] ? ctx->db->error : "unavailable");
		return -1;
	}
}

/* maintenance.freshness-check: names the data sources past the freshness
 * objective, in the log (where alerts on logs see them) and the result. */
static int run_freshness(struct job_ctx *ctx)
{
	char slo[16];
	const char *p[] = { slo };
	PGresult *r;
	int n;

	snprintf(slo, sizeof slo, "%d", FRESHNESS_SLO_SECONDS);
	r = db_exec(ctx->db, "SELECT name, coalesce(extract(epoch FROM now() - last_success_at)::bigint, -1)"
	                     " FROM data_sources WHERE last_success_at IS NULL"
	                     " OR last_success_at < now() - $1 * interval '1 second' ORDER BY name", 1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		buf_printf(&ctx->error, "PostgreSQL: %s", r != NULL ? PQresultErrorMessage(r) : ctx->db->error);
		PQclear(r);
		return -1;
	}
	n = PQntuples(r);
	buf_puts(&ctx->result, "{\"stale\":[");
	for (int i = 0; i < n; i++) {
		struct log_field f[] = {
			{ "source", PQgetvalue(r, i, 0), 0 },
			{ "age_seconds", NULL, (double)strtoll(PQgetvalue(r, i, 1), NULL, 10) },
		};
		log_fields(LOG_WARN, NULL, "data source past the freshness objective", f, 2);
		if (i > 0)
			buf_putc(&ctx->result, ',');
		buf_json_str(&ctx->result, PQgetvalue(r, i, 0));
	}
	buf_puts(&ctx->result, "]}");
	PQclear(r);
	return 0;
}

/* maintenance.retention-purge: removes what is older than its retention
 * (src/retention.c: audit log records, stored import documents, finished
 * jobs) and reports how many of each, in the result and the log. The
 * import records and their errors stay: they are the history of what
 * came in. */
static int run_purge(struct job_ctx *ctx)
{
	long long n[RETENTION_NRULES];
	struct log_field f[RETENTION_NRULES];
	char why[300];

	if (retention_purge(ctx->db, ctx->cfg, n, why, sizeof why) != 0) {
		buf_puts(&ctx->error, why);
		return -1;
	}
	buf_putc(&ctx->result, '{');
	for (size_t i = 0; i < RETENTION_NRULES; i++) {
		buf_printf(&ctx->result, "%s\"%s_deleted\":%lld", i ? "," : "", retention_rules[i].name, n[i]);
		f[i] = (struct log_field){ retention_rules[i].name, NULL, (double)n[i] };
	}
	buf_putc(&ctx->result, '}');
	log_fields(LOG_INFO, NULL, "retention purge done (records deleted per kind)", f, RETENTION_NRULES);
	return 0;
}

/* users.erase {"user_id": "...", "requested_by": "..."}: erases a user
 * (src/users.c). The erasure rewrites this job's own payload: a run after
 * a crash finds the pseudonym there, and has nothing left to do. */
static int run_erase(struct job_ctx *ctx)
{
	struct users_erase_request rq = { NULL, ctx->cfg->pii_hash_key, "unknown", "job users.erase" };
	struct users_erasure e;
	struct json_object *v;
	char why[300];

	if (json_object_object_get_ex(ctx->payload, "requested_by", &v) && json_object_is_type(v, json_type_string))
		rq.requested_by = json_object_get_string(v);
	if (json_object_object_get_ex(ctx->payload, "user_id", &v) && json_object_is_type(v, json_type_string))
		rq.id = json_object_get_string(v);
	if (rq.id != NULL && strncmp(rq.id, USERS_PSEUDONYM_PREFIX, strlen(USERS_PSEUDONYM_PREFIX)) == 0) {
		buf_puts(&ctx->result, "{\"pseudonym\":");
		buf_json_str(&ctx->result, rq.id);
		buf_puts(&ctx->result, ",\"erased_already\":true}");
		return 0;
	}
	if (!users_id_valid(rq.id)) {
		buf_puts(&ctx->error, "the payload has no user_id (a Clerk user id)");
		return -1;
	}
	if (users_erase(ctx->db, &rq, &e, why, sizeof why) != 0) {
		buf_puts(&ctx->error, why);
		return -1;
	}
	buf_printf(&ctx->result, "{\"pseudonym\":\"%s\",\"profiles_deleted\":%lld,\"role_history_deleted\":%lld,"
	                         "\"audit_records_pseudonymised\":%lld,\"imports_pseudonymised\":%lld,"
	                         "\"jobs_pseudonymised\":%lld}", e.pseudonym, e.profiles, e.role_history, e.audit_records,
	           e.imports, e.jobs);
	log_msg(LOG_INFO, NULL, "user erased as %s", e.pseudonym);
	return 0;
}

/* working-capital.recompute {"reason": "...", "as_of": "YYYY-MM-DD",
 * "window_days": N}: computes and stores the snapshot of the day (today,
 * in UTC, unless as_of says) and the trailing window (the configured one
 * unless window_days says). */
static int run_wcap(struct job_ctx *ctx)
{
	struct wcap_period p = { civil_today(), ctx->cfg->wc_window_days };
	struct json_object *v;
	const char *reason = "schedule";
	static const char *const reasons[] = { "schedule", "import", "request", "command" };

	if (json_object_object_get_ex(ctx->payload, "as_of", &v)
	    && (!json_object_is_type(v, json_type_string)
	        || value_date(json_object_get_string(v), (size_t)json_object_get_string_len(v), &p.as_of) != VALUE_OK)) {
		buf_puts(&ctx->error, "as_of is not a date (YYYY-MM-DD)");
		return -1;
	}
	p.window_days = payload_int(ctx->payload, "window_days", p.window_days);
	if (p.window_days < 1 || p.window_days > WCAP_MAX_WINDOW_DAYS) {
		buf_printf(&ctx->error, "window_days is not between 1 and %d", WCAP_MAX_WINDOW_DAYS);
		return -1;
	}
	if (json_object_object_get_ex(ctx->payload, "reason", &v) && json_object_is_type(v, json_type_string))
		for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
			if (strcmp(json_object_get_string(v), reasons[i]) == 0)
				reason = reasons[i];
	if (wcap_snapshot(ctx->db, ctx->cfg->base_currency, &p, reason, ctx->id) != 0) {
		buf_printf(&ctx->error, "PostgreSQL: %s", ctx->db->error[0] ? ctx->db->error : "unavailable");
		return -1;
	}
	{
		char day[11];

		civil_format(p.as_of, day);
		buf_printf(&ctx->result, "{\"as_of\":\"%s\",\"window_days\":%ld}", day, p.window_days);
	}
	return 0;
}

/* diagnostic.noop: does nothing; measures the queue itself. */
static int run_noop(struct job_ctx *ctx)
{
	(void)ctx;
	return 0;
}

/* diagnostic.fail {"fail_times": N, "sleep_ms": M}: sleeps, then fails
 * its first N runs (every run when N is absent), for checking retries,
 * dead letters, time limits and recovery on a live system. */
static int run_fail(struct job_ctx *ctx)
{
	int64_t times = payload_int(ctx->payload, "fail_times", -1);
	int64_t ms = payload_int(ctx->payload, "sleep_ms", 0);

	if (ms > 0) {
		struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) != 0)
			;
	}
	if (times < 0 || ctx->attempt <= times) {
		buf_printf(&ctx->error, "failed on purpose (run %d)", ctx->attempt);
		return -1;
	}
	buf_printf(&ctx->result, "{\"succeeded_on_run\":%d}", ctx->attempt);
	return 0;
}

const struct job_type job_types[] = {
	{ "import.process", "imports", run_import, 0, "validate and load an accepted import" },
	{ "maintenance.freshness-check", "maintenance", run_freshness, JOB_API, "log data sources past the freshness objective" },
	{ "maintenance.retention-purge", "maintenance", run_purge, JOB_API, "remove audit records, import documents and jobs past their retention" },
	{ "users.erase", "maintenance", run_erase, 0, "erase a user: profile deleted, person pseudonymised (queued by DELETE /api/users/{id} and Clerk's user.deleted)" },
	{ "forecast.run", "forecasts", forecast_job_run, 0, "forecast the SKUs of a forecast run (queued by POST /api/forecasts)" },
	{ "working-capital.recompute", "working-capital", run_wcap, JOB_API, "compute and store today's working-capital snapshot" },
	{ "diagnostic.noop", "maintenance", run_noop, JOB_API, "do nothing (measures the queue)" },
	{ "diagnostic.fail", "maintenance", run_fail, JOB_API, "fail on purpose (checks retries and dead letters)" },
};
const size_t job_ntypes = sizeof job_types / sizeof job_types[0];

const struct job_schedule job_schedules[] = {
	{ "working-capital", "working-capital.recompute", 3600 },
	{ "freshness-check", "maintenance.freshness-check", 60 },
	{ "retention-purge", "maintenance.retention-purge", 86400 },
};
const size_t job_nschedules = sizeof job_schedules / sizeof job_schedules[0];

const struct job_type *job_type_find(const char *name)
{
	for (size_t i = 0; i < job_ntypes; i++)
		if (strcmp(job_types[i].name, name) == 0)
			return &job_types[i];
	return NULL;
}
