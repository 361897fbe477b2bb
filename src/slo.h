/* slo: the service-level objectives, one table row each, and the alert
 * levels of the operations guide, measured from what every process and
 * host shares (PostgreSQL, and the windows in Redis: src/window.h). The
 * dashboard (handlers/slo.c) and sentiactl slo read them the same way. */
#ifndef SENTIA_SLO_H
#define SENTIA_SLO_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "db.h"
#include "kv.h"
#include "window.h"

enum slo_status { SLO_OK, SLO_WARNING, SLO_CRITICAL, SLO_NO_DATA };

#define SLO_SPARK_HOURS 24
#define SLO_MAX_ALERTS 8

/* What a measurement reads, gathered once. */
struct slo_ctx {
	struct db *db;
	struct kv *kv;
	time_t now;
	int recent_ok;                 /* recent was read from Redis */
	struct win_totals recent;      /* the last five minutes, every host */
};

/* One objective's measurement. */
struct slo_reading {
	enum slo_status status;
	char value[48];                /* as shown: "12 min", "3.2 h" */
	char detail[160];              /* what it is about: the stalest source, say */
	double number;                 /* the value in the objective's unit; NAN when none */
	double budget;                 /* error budget remaining, as a fraction (below 0 when
	                                  overspent); NAN when not measured */
	double spark[SLO_SPARK_HOURS]; /* the last 24 hours, oldest first; NAN where unknown */
	int has_spark;
};

/* One objective: a key for machines, its name and target as people read
 * them, its window, the unit of its number, and how it is measured. A
 * measure returns 0, or -1 when PostgreSQL failed; Redis being away makes
 * its objectives "no data", with the reason. */
struct slo_def {
	const char *key;
	const char *name;
	const char *target;
	const char *window;
	const char *unit;
	int (*measure)(struct slo_ctx *ctx, struct slo_reading *out);
};

extern const struct slo_def slo_defs[];
extern const size_t slo_ndefs;

/* An active alert: its name, level (SLO_WARNING or SLO_CRITICAL), value,
 * and since when it has held at that level (seconds since the epoch). */
struct slo_alert {
	const char *name;
	enum slo_status level;
	char value[48];
	char detail[160];
	int64_t since;
};

/* The name of a status: "ok", "warning", "critical", "no_data". */
const char *slo_status_name(enum slo_status s);

/* Prepares ctx and reads the recent window. */
void slo_ctx_init(struct slo_ctx *ctx, struct db *db, struct kv *kv, time_t now);

/* Measures objective i into out; 0, or -1 when PostgreSQL failed. */
int slo_measure(struct slo_ctx *ctx, size_t i, struct slo_reading *out);

/* Evaluates the guide's alert levels (error rate, p95 latency, memory,
 * queue depth, database connection failures), keeps each one's start in
 * Redis, and puts the active ones (the highest level of each) in out.
 * Returns how many. */
size_t slo_alerts(struct slo_ctx *ctx, struct slo_alert *out, size_t max);

/* Records this host's memory (resident bytes of the pool, and the limit)
 * for the memory alert. */
void slo_record_memory(struct kv *kv, const char *host, uint64_t rss, uint64_t limit, time_t now);

/* Measures every objective and the alerts and prints them as aligned
 * tables (coloured when color is set). Returns the exit status: 0 when
 * none is worse than ok or no data, 1 with a warning, 2 with a critical
 * one, 3 when the database could not be read. */
int slo_report(struct db *db, struct kv *kv, FILE *out, int color);

#endif
