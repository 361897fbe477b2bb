/* app: what a responder process holds for its whole life: configuration,
 * its slot on the scoreboard, and its connections. */
#ifndef SENTIA_APP_H
#define SENTIA_APP_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "gate.h"
#include "kv.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "scoreboard.h"

struct app {
	const struct config *cfg;
	struct scoreboard *sb;
	struct sb_slot *slot;          /* this process's slot, or NULL (tests) */
	int kind;                      /* enum slot_kind */
	struct db db;
	struct kv kv;
	const struct route *routes;
	size_t nroutes;
	char worker[96];               /* "host:pid", for the records it writes */
	struct gate gate;
};

/* Prepares the connections (opened lazily later) for a responder of this
 * kind serving this dispatch table. */
void app_init(struct app *app, const struct config *cfg, struct scoreboard *sb,
              struct sb_slot *slot, int kind, const struct route *routes, size_t nroutes);
/* Closes the connections. */
void app_free(struct app *app);

/* Periodic work between requests: refreshing the scoreboard's copies of
 * what /metrics shows from PostgreSQL and Redis. Called before each wait
 * for a connection; does its work at most every few seconds. */
void app_idle(struct app *app);

/* The periodic work's parts, from the handlers that own the data: copying
 * each data source's last success (handlers/imports.c) and the queues'
 * figures (handlers/queues.c) into the scoreboard for /metrics ... */
void imports_refresh_sources(struct app *app);
void queues_refresh_metrics(struct app *app);
/* ... and the newest working-capital snapshot's time (handlers/wcap.c). */
void wcap_refresh_metrics(struct app *app);
/* ... and the forecast runs of the last 24 hours (handlers/forecasts.c). */
void forecasts_refresh_metrics(struct app *app);
/* ... and the shared SLO windows: this pool's requests since the last
 * time, a probe, its memory, the alerts' starts (handlers/slo.c). */
void slo_refresh(struct app *app);

/* Serves one parsed request: routes it, checks every precondition, runs
 * the handler. Always leaves a status in res. */
void dispatch(struct app *app, struct request *req, struct response *res);

/* The exit status of a responder that served API_MAX_REQUESTS and asks to
 * be replaced; 0 is a responder that stopped when asked. */
#define RESPONDER_EXIT_RECYCLED 3

/* Serves requests on listen_fd until told to stop, or until it has served
 * API_MAX_REQUESTS. Returns the process exit status. */
int responder_run(struct app *app, int listen_fd);

#endif
