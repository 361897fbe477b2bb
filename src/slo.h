/* slo: the service-level objectives, one table row each, measured from
 * what every process shares (PostgreSQL), and their report. An objective
 * whose source is not built yet says "no data" rather than guess. */
#ifndef SENTIA_SLO_H
#define SENTIA_SLO_H

#include <stdio.h>

#include "db.h"

enum slo_status { SLO_OK, SLO_WARNING, SLO_CRITICAL, SLO_NO_DATA };

/* One objective's measurement. */
struct slo_reading {
	enum slo_status status;
	char value[48];        /* as shown: "12 min", "3.2 h" */
	char detail[160];      /* what it is about: the stalest source, say */
};

/* One objective: its name, target as people read it, its window, and how
 * it is measured (NULL: not measured yet). A measure returns 0, or -1
 * when the database failed. */
struct slo_def {
	const char *name;
	const char *target;
	const char *window;
	int (*measure)(struct db *db, struct slo_reading *out);
};

extern const struct slo_def slo_defs[];
extern const size_t slo_ndefs;

/* The name of a status: "ok", "warning", "critical", "no_data". */
const char *slo_status_name(enum slo_status s);

/* Measures every objective and prints them as an aligned table (coloured
 * when color is set). Returns the exit status: 0 when none is worse than
 * ok or no data, 1 with a warning, 2 with a critical one, 3 when the
 * database could not be read. */
int slo_report(struct db *db, FILE *out, int color);

#endif
