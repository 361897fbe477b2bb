/* queue: the queue table, and the moves of a job between PostgreSQL and
 * Redis. Every move is safe to repeat: a job published twice is run once,
 * because the worker takes the job's advisory lock and checks its record
 * before running it. */
#include "ac-config.h"

#include "queue.h"
#include "clock.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The defaults of the operations guide: imports get 2 attempts, the
 * computations 3. Visibility is well past the time limit, so a live worker
 * is never overtaken. */
const struct queue_def queues[] = {
	/* name               attempts  first retry  time limit  visibility */
	{ "imports",          2,        30000,       600000,     660000 },
	{ "forecasts",        3,        10000,       300000,     360000 },
	{ "working-capital",  3,        10000,       300000,     360000 },
	{ "maintenance",      3,        5000,        300000,     360000 },
};
const size_t nqueues = sizeof queues / sizeof queues[0];

const struct queue_def *queue_find(const char *name)
{
	for (size_t i = 0; i < nqueues; i++)
		if (strcmp(queues[i].name, name) == 0)
			return &queues[i];
	return NULL;
}

void queue_key(const struct queue_def *q, const char *suffix, char *out, size_t size)
{
	snprintf(out, size, "sentia:q:%s%s", q->name, suffix != NULL ? suffix : "");
}

void queue_effective(const struct queue_def *q, const struct queue_overrides *o, struct queue_def *out)
{
	*out = *q;
	if (o == NULL)
		return;
	if (o->time_limit_ms > 0)
		out->time_limit_ms = o->time_limit_ms;
	if (o->visibility_ms > 0)
		out->visibility_ms = o->visibility_ms;
	if (o->base_delay_ms > 0)
		out->base_delay_ms = o->base_delay_ms;
}

long queue_retry_delay(const struct queue_def *q, int attempts, double jitter)
{
	int doublings = attempts - 1 < 0 ? 0 : attempts - 1 > 20 ? 20 : attempts - 1;

	if (jitter < 0)
		jitter = 0;
	if (jitter >= 1)
		jitter = 0.999999;
	return (long)((double)q->base_delay_ms * (double)(1L << doublings) * (0.5 + jitter));
}

int queue_publish(struct db *db, struct kv *kv, int64_t id, const struct queue_def *q)
{
	char key[96], idtext[24], sid[64];
	const char *p[] = { idtext, sid };
	redisReply *r;

	queue_key(q, NULL, key, sizeof key);
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = kv_command(kv, "XADD %s * job %s", key, idtext);
	if (r == NULL || r->type != REDIS_REPLY_STRING) {
		if (r != NULL)
			log_warn("queue: XADD to %s: %s", key, r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
		freeReplyObject(r);
		return -1;
	}
	snprintf(sid, sizeof sid, "%s", r->str);
	freeReplyObject(r);
	return db_command(db, "UPDATE jobs SET published_at = clock_timestamp(), stream_id = $2 WHERE id = $1", 2, p);
}

int queue_enqueue(struct db *db, struct kv *kv, const char *queue, const char *type, const char *payload_json,
                  const char *dedupe_key, int64_t *id, int *created)
{
	const struct queue_def *q = queue_find(queue);
	char attempts[16];
	const char *p[] = { queue, type, payload_json != NULL ? payload_json : "{}", attempts, dedupe_key };
	PGresult *r;

	*created = 0;
	if (q == NULL)
		return -1;
	snprintf(attempts, sizeof attempts, "%d", q->max_attempts);
	r = db_exec(db, "INSERT INTO jobs (queue, type, payload, max_attempts, dedupe_key)"
	                " VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id", 5, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_warn("queue: recording a %s job: %s", type, r != NULL ? PQresultErrorMessage(r) : db->error);
		PQclear(r);
		return -1;
	}
	if (PQntuples(r) == 1) {
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		*created = 1;
		PQclear(r);
		/* Redis away: the job is recorded, and the sweeper publishes it. */
		queue_publish(db, kv, *id, q);
		return 0;
	}
	PQclear(r);
	r = db_exec(db, "SELECT id FROM jobs WHERE dedupe_key = $1", 1, p + 4);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		PQclear(r);
		return -1;
	}
	*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

int queue_ensure_groups(struct kv *kv)
{
	for (size_t i = 0; i < nqueues; i++) {
		char key[96];
		redisReply *r;

		queue_key(&queues[i], NULL, key, sizeof key);
		r = kv_command(kv, "XGROUP CREATE %s %s 0 MKSTREAM", key, QUEUE_GROUP);
		if (r == NULL)
			return -1;
		if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9) != 0) {
			log_warn("queue: creating the group of %s: %s", key, r->str);
			freeReplyObject(r);
			return -1;
		}
		freeReplyObject(r);
	}
	return 0;
}

int queue_move_due(struct db *db, struct kv *kv)
{
	int moved = 0;
	char now[24];

	snprintf(now, sizeof now, "%llu", (unsigned long long)clock_wall_ms());
	for (size_t i = 0; i < nqueues; i++) {
		char key[96];
		redisReply *r;

		queue_key(&queues[i], ":delayed", key, sizeof key);
		r = kv_command(kv, "ZRANGEBYSCORE %s -inf %s LIMIT 0 100", key, now);
		if (r == NULL)
			return -1;
		for (size_t k = 0; r->type == REDIS_REPLY_ARRAY && k < r->elements; k++) {
			redisReply *z = kv_command(kv, "ZREM %s %s", key, r->element[k]->str);
			/* Whoever removes it publishes it; a crash in between is
			 * the sweeper's to mend. */
			if (z != NULL && z->type == REDIS_REPLY_INTEGER && z->integer == 1
			    && queue_publish(db, kv, strtoll(r->element[k]->str, NULL, 10), &queues[i]) == 0)
				moved++;
			freeReplyObject(z);
		}
		freeReplyObject(r);
	}
	return moved;
}

/* Whether a stream still holds an entry. 1, 0, or -1 when Redis failed. */
static int entry_exists(struct kv *kv, const char *key, const char *sid)
{
	redisReply *r = kv_command(kv, "XRANGE %s %s %s", key, sid, sid);
	int rc = r == NULL ? -1 : r->type == REDIS_REPLY_ARRAY && r->elements > 0;

	freeReplyObject(r);
	return rc;
}

/* Jobs read per query of the sweep, and how many such pages one sweep may
 * go through per queue: after an outage of Redis thousands of jobs can be
 * waiting unpublished, and a sweep that stopped at the first page would
 * take one sweep interval per hundred of them. */
#define SENTIA_XSTR(x) #x
#define SENTIA_STR(x) SENTIA_XSTR(x)
#define SWEEP_PAGE 100
#define SWEEP_MAX_PAGES 200

int queue_sweep(struct db *db, struct kv *kv, const struct queue_overrides *o)
{
	int published = 0;

	for (size_t i = 0; i < nqueues; i++) {
		struct queue_def q;
		char vis[24], key[96], after[24] = "0";
		const char *p[] = { queues[i].name, vis, after };
		int rows = SWEEP_PAGE;

		queue_effective(&queues[i], o, &q);
		queue_key(&q, NULL, key, sizeof key);
		snprintf(vis, sizeof vis, "%ld", q.visibility_ms);
		/* Page by id, so that jobs whose entry is still on the stream
		 * (and so stay selected) do not hide the ones after them. */
		for (int page = 0; page < SWEEP_MAX_PAGES && rows == SWEEP_PAGE; page++) {
			PGresult *r = db_exec(db, "SELECT id, stream_id FROM jobs WHERE queue = $1 AND id > $3"
			                " AND status IN ('queued', 'running', 'retrying')"
			                " AND enqueued_at < now() - interval '5 seconds' AND ("
			                " (status = 'queued' AND (published_at IS NULL OR published_at < now() - $2 * interval '1 ms'))"
			                " OR (status = 'retrying' AND next_run_at < now() - interval '10 seconds'"
			                "     AND (published_at IS NULL OR published_at < next_run_at))"
			                " OR (status = 'running' AND started_at < now() - $2 * interval '1 ms'))"
			                " ORDER BY id LIMIT " SENTIA_STR(SWEEP_PAGE), 3, p);

			if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
				PQclear(r);
				return -1;
			}
			rows = PQntuples(r);
			for (int k = 0; k < rows; k++) {
				int exists = PQgetisnull(r, k, 1) ? 0 : entry_exists(kv, key, PQgetvalue(r, k, 1));

				/* An entry still on the stream is waiting, or held by a
				 * worker (and claimed again if that worker went silent). */
				if (exists == 0 && queue_publish(db, kv, strtoll(PQgetvalue(r, k, 0), NULL, 10), &q) == 0) {
					log_info("queue: job %s of %s had lost its stream entry; published again", PQgetvalue(r, k, 0),
					         q.name);
					published++;
				}
			}
			if (rows > 0)
				snprintf(after, sizeof after, "%s", PQgetvalue(r, rows - 1, 0));
			PQclear(r);
		}
	}
	return published;
}

/* The value of field name in a flat field/value reply array, or NULL. */
static redisReply *field(redisReply *map, const char *name)
{
	for (size_t i = 0; map != NULL && map->type == REDIS_REPLY_ARRAY && i + 1 < map->elements; i += 2)
		if (map->element[i]->type == REDIS_REPLY_STRING && strcmp(map->element[i]->str, name) == 0)
			return map->element[i + 1];
	return NULL;
}

static long long integer(redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
}

int queue_counts(struct db *db, struct kv *kv, const struct queue_def *q, struct queue_counts *c)
{
	char key[96], dead[96], delayed[96];
	const char *p[] = { q->name };
	redisReply *r;
	PGresult *pr;
	int rc = 0;

	memset(c, 0, sizeof *c);
	queue_key(q, NULL, key, sizeof key);
	queue_key(q, ":dead", dead, sizeof dead);
	queue_key(q, ":delayed", delayed, sizeof delayed);
	r = kv_command(kv, "XINFO GROUPS %s", key);
	if (r != NULL && r->type == REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < r->elements; i++) {
			redisReply *name = field(r->element[i], "name"), *lag;

			if (name == NULL || name->type != REDIS_REPLY_STRING || strcmp(name->str, QUEUE_GROUP) != 0)
				continue;
			c->active = integer(field(r->element[i], "pending"));
			lag = field(r->element[i], "lag");
			c->waiting = integer(lag);
		}
	} else if (r == NULL) {
		rc = -1;
	}
	freeReplyObject(r);
	r = kv_command(kv, "XINFO CONSUMERS %s %s", key, QUEUE_GROUP);
	for (size_t i = 0; r != NULL && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++)
		if (integer(field(r->element[i], "idle")) < 60000)
			c->consumers++;
	freeReplyObject(r);
	r = kv_command(kv, "ZCARD %s", delayed);
	c->delayed = integer(r);
	rc |= r == NULL ? -1 : 0;
	freeReplyObject(r);
	r = kv_command(kv, "XLEN %s", dead);
	c->dead = integer(r);
	rc |= r == NULL ? -1 : 0;
	freeReplyObject(r);

	pr = db_exec(db, "SELECT count(*) FILTER (WHERE status = 'succeeded' AND finished_at > now() - interval '1 hour'),"
	                 " count(*) FILTER (WHERE status = 'dead' AND finished_at > now() - interval '1 hour'),"
	                 " coalesce(extract(epoch FROM now() - min(enqueued_at) FILTER (WHERE status = 'queued')), 0)"
	                 " FROM jobs WHERE queue = $1 AND (status = 'queued' OR finished_at > now() - interval '1 hour')",
	             1, p);
	if (pr != NULL && PQresultStatus(pr) == PGRES_TUPLES_OK) {
		c->completed_hour = strtoll(PQgetvalue(pr, 0, 0), NULL, 10);
		c->failed_hour = strtoll(PQgetvalue(pr, 0, 1), NULL, 10);
		c->oldest_waiting_s = strtod(PQgetvalue(pr, 0, 2), NULL);
	} else {
		rc = -1;
	}
	PQclear(pr);
	return rc;
}
