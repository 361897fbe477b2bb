/* queue: durable jobs. A job's record lives in PostgreSQL (the truth);
 * its id travels on a Redis stream per queue, read by sentia-worker
 * through one consumer group. Retries wait in a sorted set; jobs that use
 * up their attempts go to the queue's dead-letter stream. */
#ifndef SENTIA_QUEUE_H
#define SENTIA_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "kv.h"

/* One queue and its rules. */
struct queue_def {
	const char *name;
	int max_attempts;        /* runs before a job is dead-lettered */
	long base_delay_ms;      /* the first retry's delay; doubled for each one after */
	long time_limit_ms;      /* a run longer than this is stopped and counts as failed */
	long visibility_ms;      /* a job held this long by a silent worker is claimed again */
};

/* The queues, one row each (queue.c). */
extern const struct queue_def queues[];
extern const size_t nqueues;

/* Redis names. */
#define QUEUE_GROUP "workers"
#define QUEUE_WORKERS_KEY "sentia:workers"   /* hash: worker id -> last heartbeat (ms) */

/* The queue called name, or NULL. */
const struct queue_def *queue_find(const char *name);
/* Writes the Redis key of a queue's stream ("sentia:q:imports"), its
 * dead-letter stream (":dead") or its retry set (":delayed"). */
void queue_key(const struct queue_def *q, const char *suffix, char *out, size_t size);

/* The queue rules in force: the table's, with the overrides the
 * environment gives (0: none) for tests and unusual deployments. */
struct queue_overrides {
	long time_limit_ms;
	long visibility_ms;
	long base_delay_ms;
};
void queue_effective(const struct queue_def *q, const struct queue_overrides *o, struct queue_def *out);

/* The delay before the retry that follows run number `attempts` (1 for
 * the first run): the queue's first delay, doubled for each retry after
 * it (up to 2^20 times), times 0.5 + jitter, where jitter is drawn
 * uniformly from [0, 1) so that jobs failing together retry apart. */
long queue_retry_delay(const struct queue_def *q, int attempts, double jitter);

/* Records a job (status queued) and publishes it. With a dedupe_key, a
 * second job with the same key is not made: *id is the first one's and
 * *created 0. Publishing may fail (Redis away) without losing the job: the
 * sweeper publishes what is left unpublished. Returns 0, or -1 when the
 * record could not be written. */
int queue_enqueue(struct db *db, struct kv *kv, const char *queue, const char *type, const char *payload_json,
                  const char *dedupe_key, int64_t *id, int *created);
/* Puts a recorded job on its stream and notes the entry. 0 or -1. */
int queue_publish(struct db *db, struct kv *kv, int64_t id, const struct queue_def *q);
/* Creates each queue's stream and consumer group when missing. 0 or -1. */
int queue_ensure_groups(struct kv *kv);
/* Moves retries that are due from their sets back onto the streams.
 * Returns how many, or -1. */
int queue_move_due(struct db *db, struct kv *kv);
/* Publishes again the open jobs whose stream entry was lost (Redis
 * restarted without it, or a crash between record and publish). Returns
 * how many, or -1. */
int queue_sweep(struct db *db, struct kv *kv, const struct queue_overrides *o);

/* What a queue holds now. */
struct queue_counts {
	long long waiting;        /* on the stream, not yet delivered */
	long long active;         /* delivered, not yet acknowledged */
	long long delayed;        /* retries waiting for their time */
	long long dead;           /* in the dead-letter stream */
	long long completed_hour; /* succeeded in the last hour */
	long long failed_hour;    /* dead-lettered in the last hour */
	double oldest_waiting_s;  /* age of the oldest job still queued, 0 when none */
	int consumers;            /* consumers seen in the last minute */
};
/* Fills c for q from Redis and PostgreSQL. 0, or -1 when either failed. */
int queue_counts(struct db *db, struct kv *kv, const struct queue_def *q, struct queue_counts *c);

#endif
