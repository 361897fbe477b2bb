/* pool: the master process. It forks children (FastCGI responders, or a
 * program's own, such as queue workers), watches them on the scoreboard,
 * grows and shrinks the pool, replaces the dead and the recycled, reloads
 * on SIGHUP and drains on SIGTERM. php-fpm's process manager is the model. */
#ifndef SENTIA_POOL_H
#define SENTIA_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "router.h"
#include "scoreboard.h"

struct pool;

/* Loads a fresh configuration on SIGHUP; returns 0 and fills *out, or -1
 * (having logged why) to keep the running one. */
typedef int (*pool_reload_fn)(struct config *out);

/* The size and timing rules, read from the configuration (again after a
 * reload). The pool keeps max within 1..256, min within 0..max and the
 * times at 0 or more. */
struct pool_limits {
	long min, max;              /* pool children kept at least, started at most */
	long max_requests;          /* a child recycles itself after this many (the child's
	                               own rule; the pool only logs it) */
	long drain_seconds;         /* a stop signal waits this long for children to finish */
	long idle_seconds;          /* a surplus child idle this long is stopped */
	long busy_timeout_seconds;  /* a child BUSY this long is killed (0: never) */
};

struct pool_opts;

/* A pool child's whole life after fork, called in the child with its slot
 * (pid already set) and kind (enum slot_kind). It installs its own signal
 * handlers (the master's do nothing in a child); it sets its slot IDLE once
 * ready for work and BUSY while working, as growth, shrinking and a
 * rolling reload go by them; it returns 0 when it finds CMD_STOP in its
 * slot (the master sends SIGTERM to wake it). Returns the exit status:
 * RESPONDER_EXIT_RECYCLED to be replaced as recycled. */
typedef int (*pool_child_fn)(const struct pool_opts *opts, struct config *cfg, struct scoreboard *sb,
                             struct sb_slot *slot, int kind);

/* What the master starts with. Only cfg, listen_fd and status_fd must be
 * set; every hook left NULL gives sentia-api's behaviour. */
struct pool_opts {
	struct config *cfg;          /* owned by the pool from the call on; always freed */
	int listen_fd;               /* -1 for a program without a socket (the worker) */
	int status_fd;               /* -1 when there is no status socket */
	const char *unix_path;       /* unix socket paths the master created, */
	const char *status_unix_path;/* to remove on exit; NULL when none */
	const struct route *routes;
	size_t nroutes;
	pool_reload_fn reload;
	/* The size and timing rules, read from the configuration at start and
	 * after each reload. NULL: the API_* settings. */
	void (*limits)(const struct config *cfg, struct pool_limits *out);
	/* The child's whole life after fork (see pool_child_fn); called for
	 * every kind of child, so a program with a status socket may hand that
	 * kind to pool_child_responder. NULL: pool_child_responder. */
	pool_child_fn child;
	/* Whether the pool should grow now, given the counts of its pool
	 * children (not the status responder, nor those asked to stop). Asked
	 * once a second while none is starting. Yes grows the pool by 1, 2,
	 * 4 … a tick up to its maximum (not during a crash-loop back-off) and
	 * stops no idle child that tick. NULL: when no child is idle (the
	 * responders' rule). */
	int (*wants_more)(const struct scoreboard *sb, const struct sb_counts *c, const struct config *cfg);
	const char *child_name;      /* "responder" or "worker", for log lines; NULL: "responder" */
	void *arg;                   /* for the program's own use in child() */
};

/* The default child: a FastCGI responder serving opts->routes on the
 * socket of its kind (status_fd for SLOT_STATUS, else listen_fd). */
int pool_child_responder(const struct pool_opts *opts, struct config *cfg, struct scoreboard *sb,
                         struct sb_slot *slot, int kind);

/* Runs the pool until it has drained after SIGTERM, SIGINT or SIGQUIT.
 * Returns the process exit status. */
int pool_run(const struct pool_opts *opts);

#endif
