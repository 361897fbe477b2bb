/* pool: the master process. It forks responders, watches them on the
 * scoreboard, grows and shrinks the pool, replaces the dead and the
 * recycled, reloads on SIGHUP and drains on SIGTERM. php-fpm's process
 * manager is the model. */
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

/* What the master starts with. */
struct pool_opts {
	struct config *cfg;          /* owned by the pool from the call on; always freed */
	int listen_fd;
	int status_fd;               /* -1 when there is no status socket */
	const char *unix_path;       /* unix socket paths the master created, */
	const char *status_unix_path;/* to remove on exit; NULL when none */
	const struct route *routes;
	size_t nroutes;
	pool_reload_fn reload;
};

/* Runs the pool until it has drained after SIGTERM, SIGINT or SIGQUIT.
 * Returns the process exit status. */
int pool_run(const struct pool_opts *opts);

#endif
