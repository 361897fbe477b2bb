/* retention: what the daily purge removes, one table row per kind of
 * record: the setting that gives its age, and one condition from which
 * both the count (sentiactl retention status) and the delete (the
 * maintenance.retention-purge job) are made, so the two cannot drift. */
#ifndef SENTIA_RETENTION_H
#define SENTIA_RETENTION_H

#include <stddef.h>

#include "config.h"
#include "db.h"

/* One kind of record the purge removes once older than its setting. */
struct retention_rule {
	const char *name;          /* the key in the purge's result: "audit_log" */
	const char *setting;       /* the variable that gives its days */
	size_t days_offset;        /* where those days are in struct config */
	const char *count_sql;     /* $1: days; one row, one count */
	const char *delete_sql;    /* $1: days; one row, the count deleted */
	const char *help;
};

#define RETENTION_NRULES 3
extern const struct retention_rule retention_rules[RETENTION_NRULES];

/* The days a rule keeps its records, from the configuration. */
long retention_days(const struct config *cfg, const struct retention_rule *r);

/* Counts, per rule, what a purge would remove now. 0, or -1 with
 * db->error (or the statement's error) in why. */
int retention_count(struct db *db, const struct config *cfg, long long counts[RETENTION_NRULES], char *why,
                    size_t whylen);

/* Removes what is past its age, every rule in one transaction (the audit
 * log's trigger lets this transaction delete), records the purge in the
 * audit log, and fills counts with what went. 0, or -1 with why. */
int retention_purge(struct db *db, const struct config *cfg, long long counts[RETENTION_NRULES], char *why,
                    size_t whylen);

#endif
