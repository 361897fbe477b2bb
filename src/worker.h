/* worker: one sentia-worker process: reads jobs from the queues' streams
 * through the consumer group and runs them one at a time. */
#ifndef SENTIA_WORKER_H
#define SENTIA_WORKER_H

#include "config.h"
#include "pool.h"
#include "scoreboard.h"

/* The pool's child function for workers: runs until told to stop or
 * until WORKER_MAX_JOBS jobs; returns the exit status. */
int worker_run(const struct pool_opts *opts, struct config *cfg, struct scoreboard *sb, struct sb_slot *slot, int kind);

/* The worker pool's size rules, from WORKER_* settings. */
void worker_limits(const struct config *cfg, struct pool_limits *out);

/* The worker pool grows while more jobs wait than WORKER_SCALE_QUEUE_DEPTH
 * (as the workers last measured) and none of its workers is idle. */
int worker_wants_more(const struct scoreboard *sb, const struct sb_counts *c, const struct config *cfg);

#endif
