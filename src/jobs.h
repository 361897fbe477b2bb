/* jobs: the kinds of job sentia-worker runs, one table row each: the
 * type's name, its queue, the function that does it, and whether the API
 * may queue it. Every handler is idempotent: a job run twice leaves one
 * result. */
#ifndef SENTIA_JOBS_H
#define SENTIA_JOBS_H

#include <stdint.h>

#include <json-c/json.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "kv.h"

/* What a handler gets: the connections, the settings, the job. */
struct job_ctx {
	struct db *db;
	struct kv *kv;
	const struct config *cfg;
	const char *worker;            /* "host:pid" */
	int64_t id;
	int attempt;                   /* 1 for the first run */
	struct json_object *payload;   /* an object; borrowed */
	struct buf result;             /* JSON the handler leaves, or empty */
	struct buf error;              /* why it failed */
};

/* 0 when the job is done, -1 when it failed (ctx->error says why). */
typedef int (*job_fn)(struct job_ctx *ctx);

#define JOB_API 0x1u   /* may be queued with POST /api/jobs (an admin's tool) */

struct job_type {
	const char *name;
	const char *queue;
	job_fn run;
	unsigned flags;
	const char *help;
};

extern const struct job_type job_types[];
extern const size_t job_ntypes;

/* The type called name, or NULL. */
const struct job_type *job_type_find(const char *name);

/* Periodic work: a job type queued once per period by the worker that
 * holds the scheduler lease. */
struct job_schedule {
	const char *name;
	const char *type;
	long period_s;
};
extern const struct job_schedule job_schedules[];
extern const size_t job_nschedules;

#endif
