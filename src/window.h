/* window: the rolling windows every host shares, kept in Redis, from
 * which the SLOs of latency, errors and availability are measured.
 *
 * Each pool counts its requests on its scoreboard; its periodic work
 * adds what was counted since the last time to Redis (win_flush), in a
 * hash per minute (totals and per route, kept 26 hours) and a hash per
 * hour (totals, kept 31 days). The same work records a probe: when the
 * responder doing it reached PostgreSQL, the minute's bit is set in a
 * bitmap per day. A minute is available when any host's probe succeeded
 * in it; a minute with no successful probe since the first one ever
 * recorded counts as unavailable, whether a probe failed or none ran
 * (nothing was serving). Readers sum the keys they need, so every
 * responder, host and sentiactl sees the same figures. */
#ifndef SENTIA_WINDOW_H
#define SENTIA_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kv.h"
#include "router.h"
#include "scoreboard.h"

#define WIN_PREFIX "sentia:slo:"
#define WIN_RECENT_MINUTES 5          /* the latency and error-rate window */
#define WIN_AVAILABILITY_DAYS 30

/* Requests counted over some span: how many, how many answered 5xx,
 * their latency histogram (the scoreboard's bounds) and summed time,
 * and the failed checks of PostgreSQL. */
struct win_totals {
	uint64_t n, errors, sum_us;
	uint64_t dbfail;                  /* failed checks of PostgreSQL */
	uint64_t buckets[SB_NBUCKETS];
};

/* One route's figures in the recent window. */
struct win_route {
	char name[128];                   /* "GET /api/imports/{id}", or "unmatched" */
	struct win_totals t;
};

/* Adds the pool's counters since the last flush to the windows, and a
 * probe (probe_ok: this responder reached PostgreSQL). Only one process
 * of the pool flushes at a time; what Redis did not take stays counted
 * for the next flush. Returns 0, or -1 (Redis away, or another process
 * flushing). */
int win_flush(struct kv *kv, struct scoreboard *sb, const struct route *routes, size_t nroutes, time_t now,
              int probe_ok);

/* The last WIN_RECENT_MINUTES whole minutes and the current one: totals,
 * and when routes is not NULL, up to max routes with their figures (*n
 * of them). Returns 0, or -1 when Redis did not answer. */
int win_recent(struct kv *kv, time_t now, struct win_totals *total, struct win_route *routes, size_t max, size_t *n);

/* Totals per hour for the last nhours hours, oldest first, the current
 * hour last. 0 or -1. */
int win_hours(struct kv *kv, time_t now, struct win_totals *out, int nhours);

/* Availability over the last days: minutes with a successful probe (*up)
 * of the whole minutes since the first probe within the window (*span;
 * 0 when there is none yet). 0 or -1. */
int win_availability(struct kv *kv, time_t now, int days, long *up, long *span);

/* Availability per hour for the last nhours hours, oldest first, as a
 * fraction, NAN for hours before the first probe or still to come. 0 or -1. */
int win_availability_hours(struct kv *kv, time_t now, double *out, int nhours);

/* The q-quantile (0..1) of a histogram in seconds, interpolated within
 * its bucket as Prometheus's histogram_quantile does; NAN when empty. A
 * quantile in the last, unbounded bucket is its lower bound. */
double win_quantile(const uint64_t buckets[SB_NBUCKETS], double q);

/* Requests slower than bound_us (one of the bounds), as counted. */
uint64_t win_slower_than(const struct win_totals *t, uint64_t bound_us);

#endif
