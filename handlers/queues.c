/* queues: the job queues as the API shows them (GET /api/queues/status),
 * queuing an admin's job (POST /api/jobs), and one job's record. */
#include "ac-config.h"

#include "app.h"
#include "clock.h"
#include "jobs.h"
#include "log.h"
#include "queue.h"
#include "routes.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* GET /api/queues/status: per queue, what waits, runs, waits to retry and
 * died; what finished in the last hour; the oldest wait; and the workers
 * seen with their last heartbeat. */
struct json_object *queue_json(const struct queue_def *def, const struct queue_counts *c)
{
	struct json_object *q = json_object_new_object();

	json_object_object_add(q, "name", json_object_new_string(def->name));
	json_object_object_add(q, "waiting", json_object_new_int64(c->waiting));
	json_object_object_add(q, "active", json_object_new_int64(c->active));
	json_object_object_add(q, "delayed", json_object_new_int64(c->delayed));
	json_object_object_add(q, "failed", json_object_new_int64(c->dead));
	json_object_object_add(q, "completed_last_hour", json_object_new_int64(c->completed_hour));
	json_object_object_add(q, "failed_last_hour", json_object_new_int64(c->failed_hour));
	json_object_object_add(q, "oldest_waiting_seconds", json_object_new_double((double)(long)(c->oldest_waiting_s * 10) / 10));
	json_object_object_add(q, "consumers_alive", json_object_new_int(c->consumers));
	json_object_object_add(q, "max_attempts", json_object_new_int(def->max_attempts));
	return q;
}

void queues_status(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct json_object *o = json_object_new_object(), *qs = json_object_new_array(), *ws = json_object_new_array();
	uint64_t now_ms = clock_wall_ms();
	redisReply *r;
	for (size_t i = 0; i < nqueues; i++) {
		struct queue_counts c;

		if (queue_counts(&app->db, &app->kv, &queues[i], &c) != 0) {
			json_object_put(o);
			json_object_put(qs);
			json_object_put(ws);
			if (app->kv.ctx == NULL)
				res_unavailable(res, "Redis", app->kv.error);
			else
				res_unavailable(res, "PostgreSQL", app->db.error);
			return;
		}
		json_object_array_add(qs, queue_json(&queues[i], &c));
	}
	r = kv_command(&app->kv, "HGETALL %s", QUEUE_WORKERS_KEY);
	for (size_t i = 0; r != NULL && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2) {
		struct json_object *w = json_object_new_object();
		const char *id = r->element[i]->str, *colon = strrchr(id, ':');
		uint64_t beat = strtoull(r->element[i + 1]->str, NULL, 10);
		double age = now_ms > beat ? (double)(now_ms - beat) / 1000 : 0;

		json_object_object_add(w, "id", json_object_new_string(id));
		json_object_object_add(w, "host", json_object_new_string_len(id, colon != NULL ? (int)(colon - id) : (int)strlen(id)));
		json_object_object_add(w, "pid", json_object_new_int(colon != NULL ? atoi(colon + 1) : 0));
		json_object_object_add(w, "last_heartbeat_seconds_ago", json_object_new_double((double)(long)(age * 10) / 10));
		json_object_object_add(w, "alive", json_object_new_boolean(age < 30));
		json_object_array_add(ws, w);
	}
	freeReplyObject(r);
	r = kv_command(&app->kv, "GET sentia:scheduler:lease");
	json_object_object_add(o, "scheduler", r != NULL && r->type == REDIS_REPLY_STRING ? json_object_new_string(r->str) : NULL);
	freeReplyObject(r);
	json_object_object_add(o, "queues", qs);
	json_object_object_add(o, "workers", ws);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}

int jobs_respond(struct app *app, struct response *res, int status, int64_t id)
{
	char idtext[24];
	const char *p[] = { idtext };
	PGresult *r;
	struct json_object *o;
	static const char *const names[] = { "id", "queue", "type", "payload", "status", "attempts", "max_attempts",
	                                     "last_error", "result", "worker", "enqueued_at", "started_at",
	                                     "finished_at", "next_run_at" };

	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = db_exec(&app->db, "SELECT id, queue, type, payload::text, status, attempts, max_attempts, last_error, result::text,"
	                      " worker, " DB_ISO_TIME("enqueued_at") ", " DB_ISO_TIME("started_at") ", " DB_ISO_TIME("finished_at") ", "
	                      DB_ISO_TIME("next_run_at") " FROM jobs WHERE id = $1", 1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		res_error(res, 404, "not_found", "No such job.");
		return 0;
	}
	o = json_object_new_object();
	for (int c = 0; c < PQnfields(r); c++) {
		struct json_object *v = NULL;
		const char *s = PQgetvalue(r, 0, c);

		if (!PQgetisnull(r, 0, c)) {
			if (c == 0 || c == 5 || c == 6)
				v = json_object_new_int64(strtoll(s, NULL, 10));
			else if (c == 3 || c == 8)
				v = json_tokener_parse(s);
			else
				v = json_object_new_string(s);
		}
		json_object_object_add(o, names[c], v);
	}
	PQclear(r);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, status, o);
	return 0;
}

/* POST /api/jobs {"type": "...", "payload": {...}}: queues a job of a type
 * the API may queue (maintenance and diagnostics). */
void jobs_create(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct json_object *body = json_tokener_parse(req->body.data != NULL ? req->body.data : ""), *t, *p = NULL;
	const struct job_type *type;
	int64_t id;
	int created;

	if (body == NULL || !json_object_is_type(body, json_type_object)) {
		res_error(res, 400, "invalid_body", "The body is a JSON object: {\"type\": \"...\", \"payload\": {...}}.");
		goto out;
	}
	if (!json_object_object_get_ex(body, "type", &t) || !json_object_is_type(t, json_type_string)) {
		res_error(res, 400, "invalid_body", "The field \"type\" (a string) is required.");
		goto out;
	}
	type = job_type_find(json_object_get_string(t));
	if (type == NULL || !(type->flags & JOB_API)) {
		res_error(res, 400, "invalid_job_type", "No job of this type can be queued through the API.");
		goto out;
	}
	if (json_object_object_get_ex(body, "payload", &p) && !json_object_is_type(p, json_type_object)) {
		res_error(res, 400, "invalid_body", "The field \"payload\" is a JSON object.");
		goto out;
	}
	if (queue_enqueue(&app->db, &app->kv, type->queue, type->name,
	                  p != NULL ? json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN) : "{}", NULL, &id, &created) != 0) {
		res_unavailable(res, "PostgreSQL", app->db.error);
		goto out;
	}
	jobs_accepted(app, res, id);
out:
	json_object_put(body);
}

void jobs_accepted(struct app *app, struct response *res, int64_t id)
{
	char location[48];

	snprintf(location, sizeof location, "/api/jobs/%lld", (long long)id);
	res_header(res, "Location", location);
	if (jobs_respond(app, res, 202, id) != 0)
		res_unavailable(res, "PostgreSQL", app->db.error);
}

/* GET /api/jobs/{id} */
void jobs_get(struct request *req, struct response *res)
{
	const char *s = req->match.params[0].value;
	char *end;
	long long id = strtoll(s, &end, 10);

	if (*s < '1' || *s > '9' || *end != '\0' || strlen(s) > 18) {
		res_error(res, 400, "invalid_id", "A job id is a positive whole number.");
		return;
	}
	if (jobs_respond(req->app, res, 200, id) != 0)
		res_unavailable(res, "PostgreSQL", req->app->db.error);
}

/* Appends one histogram of job run times for a queue, from the counters
 * the workers keep in Redis (bucket counts, and the sum in microseconds). */
static void duration_histogram(struct buf *out, const char *queue, redisReply *stats)
{
	unsigned long long bucket[SB_NBUCKETS] = { 0 }, sum_us = 0, cum = 0;
	size_t qlen = strlen(queue);

	for (size_t i = 0; stats != NULL && stats->type == REDIS_REPLY_ARRAY && i + 1 < stats->elements; i += 2) {
		const char *f = stats->element[i]->str;

		if (strncmp(f, "dur|", 4) == 0 && strncmp(f + 4, queue, qlen) == 0 && f[4 + qlen] == '|') {
			int b = atoi(f + 5 + qlen);

			if (b >= 0 && b < SB_NBUCKETS)
				bucket[b] = strtoull(stats->element[i + 1]->str, NULL, 10);
		} else if (strncmp(f, "dursum|", 7) == 0 && strcmp(f + 7, queue) == 0) {
			sum_us = strtoull(stats->element[i + 1]->str, NULL, 10);
		}
	}
	for (int b = 0; b < SB_NBUCKETS; b++) {
		cum += bucket[b];
		if (b < SB_NBUCKETS - 1)
			buf_printf(out, "sentia_job_duration_seconds_bucket{queue=\"%s\",le=\"%g\"} %llu\n", queue,
			           (double)sb_bucket_bounds_us[b] / 1e6, cum);
		else
			buf_printf(out, "sentia_job_duration_seconds_bucket{queue=\"%s\",le=\"+Inf\"} %llu\n", queue, cum);
	}
	buf_printf(out, "sentia_job_duration_seconds_sum{queue=\"%s\"} %.6f\n", queue, (double)sum_us / 1e6);
	buf_printf(out, "sentia_job_duration_seconds_count{queue=\"%s\"} %llu\n", queue, cum);
}

void queues_refresh_metrics(struct app *app)
{
	struct sb_text *t = &app->sb->queue_metrics;
	struct queue_counts c[8];
	struct buf out = BUF_INIT;
	redisReply *stats;
	int ok = 1;

	for (size_t i = 0; i < nqueues && i < 8 && ok; i++)
		ok = queue_counts(&app->db, &app->kv, &queues[i], &c[i]) == 0;
	stats = ok ? kv_command(&app->kv, "HGETALL sentia:stats") : NULL;
	/* Figures that cannot be read are left out, not left stale: an alert
	 * on their absence then fires. */
	if (ok && stats != NULL && stats->type == REDIS_REPLY_ARRAY) {
		static const char *const states[] = { "waiting", "active", "delayed", "dead" };

		buf_puts(&out, "# HELP sentia_queue_jobs Jobs in each queue: waiting, being run, waiting to retry, dead-lettered.\n"
		               "# TYPE sentia_queue_jobs gauge\n");
		for (size_t i = 0; i < nqueues && i < 8; i++) {
			long long v[] = { c[i].waiting, c[i].active, c[i].delayed, c[i].dead };

			for (int s = 0; s < 4; s++)
				buf_printf(&out, "sentia_queue_jobs{queue=\"%s\",state=\"%s\"} %lld\n", queues[i].name, states[s], v[s]);
		}
		buf_puts(&out, "# HELP sentia_queue_oldest_waiting_seconds Age of the oldest job still queued.\n"
		               "# TYPE sentia_queue_oldest_waiting_seconds gauge\n");
		for (size_t i = 0; i < nqueues && i < 8; i++)
			buf_printf(&out, "sentia_queue_oldest_waiting_seconds{queue=\"%s\"} %.1f\n", queues[i].name, c[i].oldest_waiting_s);
		buf_puts(&out, "# HELP sentia_queue_consumers Workers that read each queue in the last minute.\n"
		               "# TYPE sentia_queue_consumers gauge\n");
		for (size_t i = 0; i < nqueues && i < 8; i++)
			buf_printf(&out, "sentia_queue_consumers{queue=\"%s\"} %d\n", queues[i].name, c[i].consumers);
		buf_puts(&out, "# HELP sentia_jobs_total Job runs by queue, type and outcome (succeeded, failed and retried, dead).\n"
		               "# TYPE sentia_jobs_total counter\n");
		for (size_t i = 0; i + 1 < stats->elements; i += 2) {
			char q[32], type[72], outcome[24];

			if (sscanf(stats->element[i]->str, "runs|%31[^|]|%71[^|]|%23s", q, type, outcome) == 3)
				buf_printf(&out, "sentia_jobs_total{queue=\"%s\",type=\"%s\",outcome=\"%s\"} %s\n", q, type, outcome,
				           stats->element[i + 1]->str);
		}
		buf_puts(&out, "# HELP sentia_job_duration_seconds Run time of jobs, by queue.\n"
		               "# TYPE sentia_job_duration_seconds histogram\n");
		for (size_t i = 0; i < nqueues; i++)
			duration_histogram(&out, queues[i].name, stats);
	}
	freeReplyObject(stats);
	if (out.len < SB_TEXT_MAX && sb_write_begin(&t->lock) == 0) {
		memcpy(t->text, out.data != NULL ? out.data : "", out.len);
		t->len = out.len;
		sb_write_end(&t->lock, clock_mono_ms());
	}
	buf_free(&out);
}
