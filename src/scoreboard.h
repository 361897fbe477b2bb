/* scoreboard: the pool's shared memory. The master maps it before forking;
 * every child (responder or worker) writes its own slot and the shared
 * counters, and any process can read the whole pool from it. Counters live
 * here, not in a child, so they survive recycling and never go backwards. */
#ifndef SENTIA_SCOREBOARD_H
#define SENTIA_SCOREBOARD_H

#include <stdint.h>
#include <sys/types.h>

#include "http.h"

#define SB_MAX_SLOTS 260      /* 256 pool responders, the status responder, spare */
#define SB_MAX_ROUTES 96      /* dispatch-table rows plus one for unmatched paths */
#define SB_NBUCKETS 13        /* latency histogram: 12 bounds and +Inf */
#define SB_MAX_SOURCES 128    /* data sources whose freshness /metrics shows */

/* Latency histogram bounds in microseconds (the last bucket is +Inf). */
extern const uint64_t sb_bucket_bounds_us[SB_NBUCKETS - 1];

enum slot_state {
	SLOT_EMPTY,      /* no process */
	SLOT_STARTING,   /* forked, not yet accepting */
	SLOT_IDLE,       /* waiting for a connection */
	SLOT_BUSY,       /* serving a request */
	SLOT_WORKING,    /* doing the pool's periodic work between requests (refreshing
	                    the scoreboard's copies); busy to the pool, not held to the
	                    request timeout */
};

enum slot_kind {
	SLOT_POOL,       /* serves the main socket */
	SLOT_STATUS,     /* serves the status socket */
};

/* What the master asks of a responder, read between requests. */
enum slot_cmd {
	CMD_NONE,
	CMD_STOP,        /* finish the request in hand, then exit */
	CMD_KILLED,      /* killed by the master for overrunning a request or its deadline;
	                    never read by the child */
};

enum restart_reason {
	RESTART_RECYCLED,    /* served API_MAX_REQUESTS */
	RESTART_CRASHED,     /* died by a signal or a non-zero exit */
	RESTART_EXITED,      /* exited 0 without being asked */
	RESTART_TIMED_OUT,   /* killed for keeping one request past API_REQUEST_TIMEOUT_SECONDS,
	                        or for passing its own deadline (a job's) */
	RESTART__MAX
};

enum dependency {
	DEP_DATABASE,
	DEP_REDIS,
	DEP__MAX
};

/* Names of the restart reasons and dependencies, as metrics and the status
 * page show them. */
extern const char *const restart_reason_names[RESTART__MAX];
extern const char *const dependency_names[DEP__MAX];

/* One pool child's slot. pid, kind and generation are written by the
 * master; state, requests, the times and the deadline by the child itself. */
struct sb_slot {
	pid_t pid;
	int kind;                  /* enum slot_kind */
	int generation;            /* configuration generation it was started with */
	int state;                 /* enum slot_state */
	int cmd;                   /* enum slot_cmd, written by the master */
	uint64_t requests;         /* served by this process */
	uint64_t started_ms;       /* monotonic */
	uint64_t state_since_ms;   /* monotonic, when state last changed */
	uint64_t deadline_ms;      /* monotonic; while non-zero the child works on something
	                              with its own time limit (a job), and the master kills it
	                              once this has passed, in place of the busy timeout */
};

/* Per-route counters: by method and status class, and a latency histogram. */
struct sb_route {
	uint64_t count[HTTP__MAX][5];    /* [method][1xx..5xx] */
	uint64_t buckets[SB_NBUCKETS];   /* not cumulative; rendering sums them */
	uint64_t sum_us;
};

/* A block of shared memory written by one process at a time and read by
 * any: a try-lock naming the writer's pid (taken over from a writer that
 * died), and a sequence count that is odd while a write is under way, so
 * readers retry rather than read a half-written copy. */
struct sb_seqlock {
	uint32_t seq;
	pid_t writer;                    /* 0 when none */
	uint64_t refreshed_ms;           /* monotonic, when last written */
};

/* Each data source's last successful import, copied from PostgreSQL by
 * the pool's periodic work so that /metrics reads it without waiting on
 * the database. */
struct sb_sources {
	struct sb_seqlock lock;
	int n;                           /* -1 until first copied */
	struct {
		char name[65];
		int64_t last_success;        /* seconds since the epoch */
	} rows[SB_MAX_SOURCES];
};

/* The job queues' figures as Prometheus text, rendered by the pool's
 * periodic work from Redis and PostgreSQL, appended by /metrics as is. */
#define SB_TEXT_MAX 32768
struct sb_text {
	struct sb_seqlock lock;
	size_t len;
	char text[SB_TEXT_MAX];
};

/* What the pool's counters held when last added to the shared windows
 * in Redis (src/window.c): the next flush adds only what came since. The
 * lock lets one process flush at a time. */
struct sb_flushed {
	struct sb_seqlock lock;
	uint64_t n[SB_MAX_ROUTES], errors[SB_MAX_ROUTES], sum_us[SB_MAX_ROUTES];
	uint64_t buckets[SB_MAX_ROUTES][SB_NBUCKETS];
	uint64_t db_failures;
};

struct scoreboard {
	pid_t master_pid;
	double start_wall;               /* seconds since the epoch */
	uint64_t start_ms;               /* monotonic */
	int min_instances, max_instances;
	uint64_t requests_total;
	uint64_t restarts[RESTART__MAX];
	uint64_t max_reached;            /* ticks with every responder busy at the maximum */
	uint64_t dep_failures[DEP__MAX];
	uint64_t auth_failures;          /* credentials refused */
	uint64_t auth_lockouts;          /* addresses locked out */
	uint64_t ratelimited;            /* requests refused with 429 by the rate limiter */
	uint64_t ratelimit_redis_failures; /* rate checks decided by the fail mode */
	/* Jobs waiting across all queues, as last measured by any worker, and
	 * when (monotonic ms; 0: never). The worker pool's growth rule reads
	 * them; the master itself does not. */
	uint64_t queue_waiting;
	uint64_t queue_waiting_ms;
	struct sb_slot slots[SB_MAX_SLOTS];
	struct sb_route routes[SB_MAX_ROUTES];
	uint64_t periodic_ms;            /* monotonic: when a responder last took the periodic work */
	uint64_t periodic_db_ms;         /* ... and its part that reads PostgreSQL */
	struct sb_sources sources;
	struct sb_text queue_metrics;
	/* When the newest working-capital snapshot was computed (seconds since
	 * the epoch), copied by the periodic work: 0 until first copied, -1
	 * when there is none. */
	int64_t wc_computed_at;
	/* Forecast runs finished in the last 24 hours, by outcome (rejected
	 * and cancelled runs are neither), as the periodic work last counted
	 * them; forecast_counted is 0 until it has. */
	int64_t forecast_succeeded_24h, forecast_failed_24h;
	int forecast_counted;
	struct sb_flushed flushed;
};

/* Maps a zeroed scoreboard shared with future children; NULL on failure. */
struct scoreboard *scoreboard_new(void);
/* Unmaps it. */
void scoreboard_free(struct scoreboard *sb);

/* Adds n to a shared counter, atomically. */
static inline void sb_add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

/* Reads a shared value written by another process. */
static inline uint64_t sb_load(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

/* Records a served request: route index (or the unmatched row), method,
 * status and duration. */
void scoreboard_record(struct scoreboard *sb, int route, enum http_method m, int status, uint64_t duration_us);
/* Sets a slot's state, with the time it changed. */
void scoreboard_set_state(struct sb_slot *slot, enum slot_state state);
/* Sets or (with 0) clears the time, monotonic ms, after which the master
 * kills the slot's process whatever its state. */
void scoreboard_set_deadline(struct sb_slot *slot, uint64_t deadline_ms);

/* Takes a block for writing: 0, or -1 when another live process is
 * writing it. sb_write_end publishes what was written. */
int sb_write_begin(struct sb_seqlock *l);
void sb_write_end(struct sb_seqlock *l, uint64_t now_ms);
/* Copies size bytes of the block obj (which begins with l) into copy, as
 * one consistent snapshot: 0, or -1 when a writer stayed in the way. */
int sb_read(const struct sb_seqlock *l, const void *obj, void *copy, size_t size);

/* Counts of pool responders by state (status responder excluded). */
struct sb_counts {
	int idle, busy, starting, total;
};
void scoreboard_count(const struct scoreboard *sb, struct sb_counts *out);

/* Resident memory of a process in bytes, from /proc; 0 when unknown. */
uint64_t proc_rss_bytes(pid_t pid);
/* The memory this process may use: its control group's limit (systemd's
 * MemoryMax) when one is set, else the machine's; 0 when unknown. */
uint64_t memory_limit_bytes(void);

#endif
