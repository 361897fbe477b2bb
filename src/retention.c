/* retention: the purge's rules, and counting or deleting by them. */
#include "ac-config.h"

#include "retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A rule's count and delete, made from one FROM ... WHERE ... at compile
 * time: the same rows are counted as are deleted. */
#define RULE_SQL(table, where) \
	"SELECT count(*) FROM " table " WHERE " where, \
	"WITH d AS (DELETE FROM " table " WHERE " where " RETURNING 1) SELECT count(*) FROM d"
#define OLDER_THAN(col) col " < now() - $1::int * interval '1 day'"

const struct retention_rule retention_rules[RETENTION_NRULES] = {
	{ "audit_log", "RETENTION_AUDIT_DAYS", offsetof(struct config, retention_audit_days),
	  RULE_SQL("audit_log", OLDER_THAN("at")), "audit log records" },
	{ "import_documents", "RETENTION_IMPORT_DOCUMENTS_DAYS", offsetof(struct config, retention_import_documents_days),
	  RULE_SQL("import_documents", "import_id IN (SELECT id FROM imports WHERE " OLDER_THAN("finished_at") ")"),
	  "stored documents of finished imports (their records and errors stay)" },
	{ "jobs", "RETENTION_JOBS_DAYS", offsetof(struct config, retention_jobs_days),
	  RULE_SQL("jobs", OLDER_THAN("finished_at")), "records of finished jobs" },
};

long retention_days(const struct config *cfg, const struct retention_rule *r)
{
	return *(const long *)(const void *)((const char *)cfg + r->days_offset);
}

/* Runs one rule's statement (count or delete) and reads its count. */
static int run_rule(struct db *db, const struct config *cfg, const struct retention_rule *r, const char *sql,
                    long long *n, char *why, size_t whylen)
{
	char days[24];
	const char *p[] = { days };
	PGresult *res;

	snprintf(days, sizeof days, "%ld", retention_days(cfg, r));
	res = db_exec(db, sql, 1, p);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		snprintf(why, whylen, "%s: %s", r->name, res != NULL ? PQresultErrorMessage(res) : db->error);
		PQclear(res);
		return -1;
	}
	*n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int retention_count(struct db *db, const struct config *cfg, long long counts[RETENTION_NRULES], char *why,
                    size_t whylen)
{
	for (size_t i = 0; i < RETENTION_NRULES; i++)
		if (run_rule(db, cfg, &retention_rules[i], retention_rules[i].count_sql, &counts[i], why, whylen) != 0)
			return -1;
	return 0;
}

int retention_purge(struct db *db, const struct config *cfg, long long counts[RETENTION_NRULES], char *why,
                    size_t whylen)
{
	char detail[256];
	const char *p[] = { detail };
	size_t used = 0;

	if (db_command(db, "BEGIN", 0, NULL) != 0 || db_command(db, "SET LOCAL sentia.audit_purge = 'on'", 0, NULL) != 0) {
		snprintf(why, whylen, "PostgreSQL: %s", db->error);
		goto fail;
	}
	for (size_t i = 0; i < RETENTION_NRULES; i++) {
		if (run_rule(db, cfg, &retention_rules[i], retention_rules[i].delete_sql, &counts[i], why, whylen) != 0)
			goto fail;
		used += (size_t)snprintf(detail + used, sizeof detail - used, "%s%s: %lld older than %ld days",
		                         i ? ", " : "", retention_rules[i].name, counts[i],
		                         retention_days(cfg, &retention_rules[i]));
		if (used >= sizeof detail)
			used = sizeof detail - 1;
	}
	/* The purge leaves its own trace, newer than anything it removed. */
	if (db_command(db, "INSERT INTO audit_log (action, actor, route, outcome, detail)"
	                   " VALUES ('admin', 'system:retention-purge', 'job maintenance.retention-purge', 'done', $1)",
	               1, p) != 0 || db_command(db, "COMMIT", 0, NULL) != 0) {
		snprintf(why, whylen, "PostgreSQL: %s", db->error);
		goto fail;
	}
	return 0;
fail:
	db_command(db, "ROLLBACK", 0, NULL);
	return -1;
}
