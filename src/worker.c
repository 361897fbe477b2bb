/* worker: the worker's loop. Between jobs it keeps house once a second:
 * its heartbeat, due retries, jobs abandoned by a silent worker
 * (XAUTOCLAIM), the queue depth for the pool, and, for the one worker
 * holding the scheduler lease, periodic jobs and the sweeper. */
#include "ac-config.h"

#include "worker.h"
#include "app.h"
#include "clock.h"
#include "jobs.h"
#include "locks.h"
#include "log.h"
#include "queue.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SCHEDULER_KEY "sentia:scheduler:lease"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* A worker's state for its whole life. */
struct worker {
	struct config *cfg;
	struct scoreboard *sb;
	struct sb_slot *slot;
	struct db db;
	struct kv kv;
	struct queue_overrides over;
	char id[96];                 /* "host:pid": consumer name and heartbeat key */
	uint64_t next_house_ms, next_sweep_ms;
	int lease;                   /* holds the scheduler lease */
	long jobs;
};

void worker_limits(const struct config *cfg, struct pool_limits *out)
{
	out->min = cfg->worker_min_instances;
	out->max = cfg->worker_max_instances;
	out->max_requests = cfg->worker_max_jobs;
	out->drain_seconds = cfg->worker_drain_seconds;
	out->idle_seconds = cfg->worker_idle_seconds;
	/* Each job has its own deadline on the scoreboard instead. */
	out->busy_timeout_seconds = 0;
}

int worker_wants_more(const struct scoreboard *sb, const struct sb_counts *c, const struct config *cfg)
{
	uint64_t measured = __atomic_load_n(&sb->queue_waiting_ms, __ATOMIC_RELAXED);

	return c->idle == 0 && measured != 0 && clock_mono_ms() - measured < 10000
	       && __atomic_load_n(&sb->queue_waiting, __ATOMIC_RELAXED) > (uint64_t)cfg->worker_scale_queue_depth;
}

static const struct queue_def *queue_of_key(const char *key)
{
	for (size_t i = 0; i < nqueues; i++) {
		char k[96];

		queue_key(&queues[i], NULL, k, sizeof k);
		if (strcmp(k, key) == 0)
			return &queues[i];
	}
	return NULL;
}

/* Acknowledges a stream entry and deletes it, so a stream holds only the
 * jobs waiting or in hand. */
static void done_with_entry(struct worker *w, const struct queue_def *q, const char *sid)
{
	char key[96];
	redisReply *r;

	queue_key(q, NULL, key, sizeof key);
	r = kv_command(&w->kv, "XACK %s %s %s", key, QUEUE_GROUP, sid);
	freeReplyObject(r);
	r = kv_command(&w->kv, "XDEL %s %s", key, sid);
	freeReplyObject(r);
}

/* Takes the job's advisory lock (on the connection that holds a session's
 * locks: see db_lock_try). */
static enum db_lock_result job_lock(struct worker *w, int64_t id)
{
	return db_lock_try(&w->db, LOCK_KEY(LOCK_JOB, id));
}

static void job_unlock(struct worker *w, int64_t id)
{
	db_unlock(&w->db, LOCK_KEY(LOCK_JOB, id));
}

/* Records a failed run: a retry after a growing, jittered delay, or the
 * dead-letter stream after the last attempt. */
static void job_failed(struct worker *w, const struct queue_def *q, const char *idtext, int attempts, int max,
                       const char *why)
{
	char key[96];
	redisReply *r;

	if (attempts < max) {
		long delay = queue_retry_delay(q, attempts, (double)(random() % 1000000) / 1000000.0);
		char ms[24], due[24];
		const char *p[] = { idtext, why, ms };

		snprintf(ms, sizeof ms, "%ld", delay);
		snprintf(due, sizeof due, "%llu", (unsigned long long)(clock_wall_ms() + (uint64_t)delay));
		db_command(&w->db, "UPDATE jobs SET status = 'retrying', last_error = $2,"
		                   " next_run_at = clock_timestamp() + $3 * interval '1 ms' WHERE id = $1", 3, p);
		queue_key(q, ":delayed", key, sizeof key);
		r = kv_command(&w->kv, "ZADD %s %s %s", key, due, idtext);
		freeReplyObject(r);
		return;
	}
	{
		const char *p[] = { idtext, why };

		db_command(&w->db, "UPDATE jobs SET status = 'dead', last_error = $2, finished_at = clock_timestamp()"
		                   " WHERE id = $1", 2, p);
	}
	queue_key(q, ":dead", key, sizeof key);
	r = kv_command(&w->kv, "XADD %s * job %s error %s", key, idtext, why);
	freeReplyObject(r);
	log_msg(LOG_WARN, NULL, "job %s dead-lettered after %d attempts: %s", idtext, attempts, why);
}

/* Adds one finished run to the counters and duration histogram that
 * /metrics shows, kept in Redis so they cover every worker and host. */
static void count_run(struct worker *w, const struct queue_def *q, const char *type, const char *outcome, uint64_t us)
{
	char f[160];
	int b = 0;
	redisReply *r;

	snprintf(f, sizeof f, "runs|%s|%s|%s", q->name, type, outcome);
	r = kv_command(&w->kv, "HINCRBY sentia:stats %s 1", f);
	freeReplyObject(r);
	while (b < SB_NBUCKETS - 1 && us > sb_bucket_bounds_us[b])
		b++;
	snprintf(f, sizeof f, "dur|%s|%d", q->name, b);
	r = kv_command(&w->kv, "HINCRBY sentia:stats %s 1", f);
	freeReplyObject(r);
	snprintf(f, sizeof f, "dursum|%s", q->name);
	r = kv_command(&w->kv, "HINCRBY sentia:stats %s %llu", f, (unsigned long long)us);
	freeReplyObject(r);
}

/* Runs the job a stream entry names, under the job's advisory lock, and
 * acknowledges the entry only once the outcome is committed. */
static void handle(struct worker *w, const struct queue_def *q0, const char *sid, const char *idtext)
{
	struct queue_def q;
	const char *p[] = { idtext, w->id, sid };
	int64_t id = strtoll(idtext, NULL, 10);
	const struct job_type *t;
	struct job_ctx ctx;
	PGresult *r;
	int attempts, max, rc;
	enum db_lock_result lock;
	uint64_t t0;
	char status[16], type[72];

	queue_effective(q0, &w->over, &q);
	lock = id > 0 ? job_lock(w, id) : DB_LOCK_BUSY;
	if (lock != DB_LOCK_TAKEN) {
		/* Another process runs it (a duplicate entry), or PostgreSQL is
		 * away: leave the entry to be claimed again unless it is surely
		 * a duplicate. */
		if (lock == DB_LOCK_BUSY)
			done_with_entry(w, q0, sid);
		return;
	}
	r = db_exec(&w->db, "SELECT type, payload::text, status, attempts, max_attempts,"
	                    " coalesce(next_run_at > clock_timestamp() + interval '1 second', false) FROM jobs WHERE id = $1",
	            1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		job_unlock(w, id);
		return;
	}
	if (PQntuples(r) == 0 || strcmp(PQgetvalue(r, 0, 2), "succeeded") == 0 || strcmp(PQgetvalue(r, 0, 2), "dead") == 0
	    || (strcmp(PQgetvalue(r, 0, 2), "retrying") == 0 && PQgetvalue(r, 0, 5)[0] == 't')) {
		/* Done already, or a retry delivered before its time by a
		 * repeated entry: its own entry comes when it is due. */
		PQclear(r);
		done_with_entry(w, q0, sid);
		job_unlock(w, id);
		return;
	}
	snprintf(type, sizeof type, "%s", PQgetvalue(r, 0, 0));
	snprintf(status, sizeof status, "%s", PQgetvalue(r, 0, 2));
	attempts = atoi(PQgetvalue(r, 0, 3));
	max = atoi(PQgetvalue(r, 0, 4));
	memset(&ctx, 0, sizeof ctx);
	ctx.payload = json_tokener_parse(PQgetvalue(r, 0, 1));
	PQclear(r);
	if (strcmp(status, "running") == 0) {
		/* The last run never finished: its worker died or overran the
		 * time limit. That run counts as a failed attempt. */
		char why[160];

		snprintf(why, sizeof why, "run %d stopped before it finished (its worker died or passed the %ld s time limit)",
		         attempts, q.time_limit_ms / 1000);
		if (attempts >= max) {
			job_failed(w, &q, idtext, attempts, max, why);
			done_with_entry(w, q0, sid);
			count_run(w, &q, type, "dead", 0);
			goto out;
		}
		{
			const char *pe[] = { idtext, why };

			db_command(&w->db, "UPDATE jobs SET last_error = $2 WHERE id = $1", 2, pe);
		}
	}
	if (db_command(&w->db, "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = clock_timestamp(),"
	                       " worker = $2, stream_id = $3 WHERE id = $1", 3, p) != 0)
		goto out;
	attempts++;
	t = job_type_find(type);
	ctx.db = &w->db;
	ctx.kv = &w->kv;
	ctx.cfg = w->cfg;
	ctx.worker = w->id;
	ctx.id = id;
	ctx.attempt = attempts;
	t0 = clock_mono_us();
	if (w->slot != NULL) {
		scoreboard_set_deadline(w->slot, clock_mono_ms() + (uint64_t)q.time_limit_ms);
		scoreboard_set_state(w->slot, SLOT_BUSY);
	}
	if (t == NULL) {
		buf_printf(&ctx.error, "no job type %s in this build", type);
		rc = -1;
	} else {
		rc = t->run(&ctx);
	}
	if (w->slot != NULL)
		scoreboard_set_deadline(w->slot, 0);
	if (rc == 0) {
		const char *ps[] = { idtext, ctx.result.len > 0 ? ctx.result.data : NULL };

		if (db_command(&w->db, "UPDATE jobs SET status = 'succeeded', result = $2::jsonb,"
		                       " finished_at = clock_timestamp() WHERE id = $1", 2, ps) != 0)
			goto out;   /* not recorded: the entry stays, and the job runs again */
		count_run(w, &q, type, "succeeded", clock_mono_us() - t0);
	} else {
		job_failed(w, &q, idtext, attempts, max, ctx.error.data != NULL ? ctx.error.data : "failed");
		count_run(w, &q, type, attempts < max ? "failed" : "dead", clock_mono_us() - t0);
	}
	done_with_entry(w, q0, sid);
	w->jobs++;
out:
	if (w->slot != NULL)
		scoreboard_set_state(w->slot, SLOT_IDLE);
	json_object_put(ctx.payload);
	buf_free(&ctx.result);
	buf_free(&ctx.error);
	job_unlock(w, id);
}

/* Runs each entry of an XREADGROUP or XAUTOCLAIM reply's entry list. */
static void handle_entries(struct worker *w, const struct queue_def *q, redisReply *entries)
{
	for (size_t i = 0; entries != NULL && entries->type == REDIS_REPLY_ARRAY && i < entries->elements; i++) {
		redisReply *e = entries->element[i], *fields;
		const char *job = NULL;

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 || e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		fields = e->element[1];
		for (size_t k = 0; fields->type == REDIS_REPLY_ARRAY && k + 1 < fields->elements; k += 2)
			if (strcmp(fields->element[k]->str, "job") == 0)
				job = fields->element[k + 1]->str;
		if (job == NULL) {
			done_with_entry(w, q, e->element[0]->str);
			continue;
		}
		handle(w, q, e->element[0]->str, job);
	}
}

/* Takes over entries held longer than the visibility timeout by a worker
 * that went silent (killed, or stuck past its time limit). */
static void reclaim(struct worker *w)
{
	for (size_t i = 0; i < nqueues && !stop_requested; i++) {
		struct queue_def q;
		char key[96], vis[24];
		redisReply *r;

		queue_effective(&queues[i], &w->over, &q);
		queue_key(&q, NULL, key, sizeof key);
		snprintf(vis, sizeof vis, "%ld", q.visibility_ms);
		r = kv_command(&w->kv, "XAUTOCLAIM %s %s %s %s 0-0 COUNT 5", key, QUEUE_GROUP, w->id, vis);
		if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements >= 2) {
			if (r->element[1]->type == REDIS_REPLY_ARRAY && r->element[1]->elements > 0)
				log_info("worker: claimed %zu job(s) of %s held past the visibility timeout", r->element[1]->elements, q.name);
			handle_entries(w, &queues[i], r->element[1]);
		}
		freeReplyObject(r);
	}
}

/* Measures the jobs waiting on every queue, for the pool's growth. */
static void measure(struct worker *w)
{
	uint64_t waiting = 0;

	for (size_t i = 0; i < nqueues; i++) {
		char key[96];
		redisReply *r;

		queue_key(&queues[i], NULL, key, sizeof key);
		r = kv_command(&w->kv, "XINFO GROUPS %s", key);
		for (size_t g = 0; r != NULL && r->type == REDIS_REPLY_ARRAY && g < r->elements; g++) {
			redisReply *m = r->element[g];

			for (size_t k = 0; m->type == REDIS_REPLY_ARRAY && k + 1 < m->elements; k += 2)
				if (strcmp(m->element[k]->str, "lag") == 0 && m->element[k + 1]->type == REDIS_REPLY_INTEGER)
					waiting += (uint64_t)m->element[k + 1]->integer;
		}
		if (r == NULL)
			return;
		freeReplyObject(r);
	}
	__atomic_store_n(&w->sb->queue_waiting, waiting, __ATOMIC_RELAXED);
	__atomic_store_n(&w->sb->queue_waiting_ms, clock_mono_ms(), __ATOMIC_RELAXED);
}

/* Takes or renews the scheduler lease; 1 while this worker holds it. */
static int hold_lease(struct worker *w)
{
	static const char renew[] =
		"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
	char ms[24];
	redisReply *r;
	int held;

	snprintf(ms, sizeof ms, "%ld", w->cfg->worker_lease_ms);
	r = kv_command(&w->kv, "SET %s %s NX PX %s", SCHEDULER_KEY, w->id, ms);
	held = r != NULL && r->type == REDIS_REPLY_STATUS;
	freeReplyObject(r);
	if (!held) {
		r = kv_command(&w->kv, "EVAL %s 1 %s %s %s", renew, SCHEDULER_KEY, w->id, ms);
		held = r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
		freeReplyObject(r);
	}
	if (held != w->lease)
		log_info(held ? "worker %s holds the scheduler lease" : "worker %s no longer holds the scheduler lease", w->id);
	w->lease = held;
	return held;
}

/* Queues each periodic job once per period: the dedupe key names the
 * period, so a second scheduler (or a second call) makes nothing. */
static void schedule(struct worker *w)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < job_nschedules; i++) {
		const struct job_schedule *s = &job_schedules[i];
		const struct job_type *t = job_type_find(s->type);
		char key[128];
		int64_t id;
		int created;

		if (t == NULL)
			continue;
		snprintf(key, sizeof key, "periodic:%s:%lld", s->name, (long long)(now / s->period_s));
		if (queue_enqueue(&w->db, &w->kv, t->queue, t->name, "{}", key, &id, &created) == 0 && created)
			log_debug("scheduled %s as job %lld", s->name, (long long)id);
	}
}

/* Queues imports that were accepted but have no job (an API process died
 * between the two), once each. */
static void adopt_imports(struct worker *w)
{
	PGresult *r = db_exec(&w->db, "SELECT i.id FROM imports i WHERE i.status IN ('accepted', 'processing')"
	                              " AND i.accepted_at < now() - interval '30 seconds' AND NOT EXISTS"
	                              " (SELECT 1 FROM jobs j WHERE j.dedupe_key = 'import:' || i.id) ORDER BY i.id LIMIT 100",
	                      0, NULL);

	for (int i = 0; r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
		char payload[64], key[48];
		int64_t id;
		int created;

		snprintf(payload, sizeof payload, "{\"import_id\":%s}", PQgetvalue(r, i, 0));
		snprintf(key, sizeof key, "import:%s", PQgetvalue(r, i, 0));
		queue_enqueue(&w->db, &w->kv, "imports", "import.process", payload, key, &id, &created);
	}
	PQclear(r);
}

/* Once a second between jobs. */
static void housekeeping(struct worker *w, uint64_t now)
{
	char ms[24];
	redisReply *r;

	w->next_house_ms = now + 1000;
	snprintf(ms, sizeof ms, "%llu", (unsigned long long)clock_wall_ms());
	r = kv_command(&w->kv, "HSET %s %s %s", QUEUE_WORKERS_KEY, w->id, ms);
	freeReplyObject(r);
	if (r == NULL)
		return;
	queue_move_due(&w->db, &w->kv);
	reclaim(w);
	measure(w);
	if (hold_lease(w)) {
		schedule(w);
		if (now >= w->next_sweep_ms) {
			w->next_sweep_ms = now + 10000;
			queue_sweep(&w->db, &w->kv, &w->over);
			adopt_imports(w);
		}
	}
}

/* Sleeps up to ms, or until asked to stop. */
static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (!stop_requested)
		nanosleep(&ts, NULL);
}

int worker_run(const struct pool_opts *opts, struct config *cfg, struct scoreboard *sb, struct sb_slot *slot, int kind)
{
	struct worker w;
	struct sigaction sa;
	const char *argv[6 + 2 * 8];
	char keys[8][96], block[24];
	int argc = 0, ids = 0, rc = 0, own = 1;
	char host[64] = "";

	(void)opts;
	(void)kind;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);

	memset(&w, 0, sizeof w);
	w.cfg = cfg;
	w.sb = sb;
	w.slot = slot;
	w.over.time_limit_ms = cfg->worker_job_time_limit_seconds * 1000;
	w.over.visibility_ms = cfg->worker_visibility_timeout_seconds * 1000;
	w.over.base_delay_ms = cfg->worker_retry_base_ms;
	gethostname(host, sizeof host - 1);
	snprintf(w.id, sizeof w.id, "%s:%ld", host, (long)getpid());
	/* The API's statement timeout bounds housekeeping; an import sets its own
	 * for its long statements. */
	if (db_init_config(&w.db, cfg, "sentia-worker", cfg->db_statement_timeout_ms) < 0) {
		log_error("PostgreSQL: out of memory");
		db_free(&w.db);
		return 1;
	}
	if (kv_init(&w.kv, cfg->redis_url, cfg->redis_connect_timeout_ms, cfg->redis_command_timeout_ms,
	            cfg->dependency_retry_max_ms) < 0) {
		log_error("%s", w.kv.error);
		db_free(&w.db);
		return 1;
	}
	/* XREADGROUP blocks for less than the socket timeout, or hiredis
	 * would take the wait for a dead server. */
	snprintf(block, sizeof block, "%ld", cfg->redis_command_timeout_ms > 400 ? cfg->redis_command_timeout_ms - 300 : 100);
	argv[argc++] = "XREADGROUP";
	argv[argc++] = "GROUP";
	argv[argc++] = QUEUE_GROUP;
	argv[argc++] = w.id;
	argv[argc++] = "COUNT";
	argv[argc++] = "1";
	argv[argc++] = "BLOCK";
	argv[argc++] = block;
	argv[argc++] = "STREAMS";
	for (size_t i = 0; i < nqueues && i < 8; i++) {
		queue_key(&queues[i], NULL, keys[i], sizeof keys[i]);
		argv[argc++] = keys[i];
	}
	ids = argc;
	for (size_t i = 0; i < nqueues && i < 8; i++)
		argv[argc++] = ">";
	if (slot != NULL)
		scoreboard_set_state(slot, SLOT_IDLE);
	queue_ensure_groups(&w.kv);

	while (!stop_requested && (slot == NULL || __atomic_load_n(&slot->cmd, __ATOMIC_ACQUIRE) != CMD_STOP)) {
		uint64_t now = clock_mono_ms();
		redisReply *r;

		if (now >= w.next_house_ms)
			housekeeping(&w, now);
		if (db_get(&w.db) == NULL) {
			/* PostgreSQL away: take no job that could not be recorded. */
			pause_ms(500);
			continue;
		}
		/* At start and after Redis was away, first the entries this
		 * consumer was given and never acknowledged ("0"), then new ones. */
		for (size_t i = 0; i < nqueues && i < 8; i++)
			argv[ids + (int)i] = own ? "0" : ">";
		r = kv_command_argv(&w.kv, argc, argv);
		if (r == NULL) {
			own = 1;
			pause_ms(500);        /* Redis away: kv reconnects with back-off */
			continue;
		}
		if (own && r->type != REDIS_REPLY_ERROR) {
			int any = 0;

			for (size_t s = 0; r->type == REDIS_REPLY_ARRAY && s < r->elements; s++)
				any |= r->element[s]->type == REDIS_REPLY_ARRAY && r->element[s]->elements >= 2
				       && r->element[s]->element[1]->elements > 0;
			own = any;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			if (strncmp(r->str, "NOGROUP", 7) == 0)
				queue_ensure_groups(&w.kv);   /* Redis lost its data */
			else
				log_warn("worker: XREADGROUP: %s", r->str);
			freeReplyObject(r);
			pause_ms(200);
			continue;
		}
		for (size_t s = 0; r->type == REDIS_REPLY_ARRAY && s < r->elements; s++) {
			redisReply *stream = r->element[s];
			const struct queue_def *q;

			if (stream->type != REDIS_REPLY_ARRAY || stream->elements < 2)
				continue;
			q = queue_of_key(stream->element[0]->str);
			if (q != NULL)
				handle_entries(&w, q, stream->element[1]);
		}
		freeReplyObject(r);
		if (cfg->worker_max_jobs > 0 && w.jobs >= cfg->worker_max_jobs) {
			rc = RESPONDER_EXIT_RECYCLED;
			break;
		}
	}
	if (w.lease) {
		/* Hand the lease over at once rather than let it expire. */
		static const char release[] = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
		redisReply *r = kv_command(&w.kv, "EVAL %s 1 %s %s", release, SCHEDULER_KEY, w.id);

		freeReplyObject(r);
	}
	{
		redisReply *r = kv_command(&w.kv, "HDEL %s %s", QUEUE_WORKERS_KEY, w.id);

		freeReplyObject(r);
	}
	db_free(&w.db);
	kv_free(&w.kv);
	return rc;
}
