/* migrate: applies the compiled-in migrations under an advisory lock, one
 * transaction each, and keeps their versions and checksums in
 * schema_migrations so a changed migration is caught, not half-applied. */
#include "ac-config.h"

#include "migrate.h"
#include "clock.h"
#include "digest.h"
#include "locks.h"

#include <stdlib.h>
#include <string.h>

/* Created (under the lock) before the first migration; not a migration
 * itself, since it records them. */
static const char create_table_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version integer PRIMARY KEY CHECK (version > 0),"
	" name text NOT NULL,"
	" checksum text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now(),"
	" execution_ms integer NOT NULL)";

/* What the database says of one version. */
struct applied {
	int version;
	char name[64];
	char checksum[65];
	char applied_at[40];
};

int migrations_latest(void)
{
	return migrations_count > 0 ? migrations[migrations_count - 1].version : 0;
}

void migration_checksum(const struct migration *m, char out[65])
{
	digest_sha256_hex(m->up, strlen(m->up), out);
}

/* Whether a failed result is PostgreSQL's "relation does not exist". */
static int undefined_table(const PGresult *r)
{
	const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	return code != NULL && strcmp(code, "42P01") == 0;
}

int migrate_current_version(struct db *db, int *version)
{
	PGresult *r = db_exec(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", 0, NULL);
	int rc = -1;

	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK) {
		*version = atoi(PQgetvalue(r, 0, 0));
		rc = 0;
	} else if (r != NULL && undefined_table(r)) {
		*version = 0;
		rc = 0;
	}
	PQclear(r);
	return rc;
}

/* Reads schema_migrations into a new array (the caller frees it); a
 * missing table reads as none applied. Returns the count, or -1. */
static int read_applied(struct db *db, struct applied **out)
{
	PGresult *r = db_exec(db, "SELECT version, name, checksum, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SSOF')"
	                          " FROM schema_migrations ORDER BY version", 0, NULL);
	int n;

	*out = NULL;
	if (r != NULL && undefined_table(r)) {
		PQclear(r);
		return 0;
	}
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "sentiactl: cannot read schema_migrations: %s\n",
		        r != NULL ? PQresultErrorMessage(r) : db->error);
		PQclear(r);
		return -1;
	}
	n = PQntuples(r);
	*out = calloc((size_t)n + 1, sizeof **out);
	if (*out == NULL) {
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct applied *a = &(*out)[i];

		a->version = atoi(PQgetvalue(r, i, 0));
		snprintf(a->name, sizeof a->name, "%s", PQgetvalue(r, i, 1));
		snprintf(a->checksum, sizeof a->checksum, "%s", PQgetvalue(r, i, 2));
		snprintf(a->applied_at, sizeof a->applied_at, "%s", PQgetvalue(r, i, 3));
	}
	PQclear(r);
	return n;
}

/* The compiled-in migration of a version, or NULL. */
static const struct migration *find(int version)
{
	if (version < 1 || (size_t)version > migrations_count)
		return NULL;
	return &migrations[version - 1];
}

/* Checks what is applied against this build: every applied version must
 * be known here, with the same checksum. Writes one line per problem. */
static int check_applied(const struct applied *a, int n, FILE *out)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		const struct migration *m = find(a[i].version);
		char sum[65];

		if (m == NULL) {
			fprintf(out, "migration %04d_%s is applied but unknown to this build (it expects version %d):"
			        " the database is newer than this sentiactl; use the release that applied it\n",
			        a[i].version, a[i].name, migrations_latest());
			bad = 1;
			continue;
		}
		migration_checksum(m, sum);
		if (strcmp(sum, a[i].checksum) != 0) {
			fprintf(out, "migration %04d_%s was changed after it was applied (checksum recorded %.12s, now %.12s):"
			        " restore sql/%04d_%s.up.sql as it was and put the change in a new migration\n",
			        m->version, m->name, a[i].checksum, sum, m->version, m->name);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* Runs a statement that returns nothing useful; reports a failure. */
static int run(struct db *db, const char *sql, int nparams, const char *const *params, const char *what)
{
	PGresult *r = db_exec(db, sql, nparams, params);
	int st = r != NULL ? (int)PQresultStatus(r) : -1;
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "sentiactl: %s: %s", what, r != NULL ? PQresultErrorMessage(r) : db->error);
	if (!ok && r == NULL)
		fputc('\n', stderr);
	PQclear(r);
	return ok ? 0 : -1;
}

/* Runs one migration half and its bookkeeping in a transaction. */
static int step(struct db *db, const struct migration *m, int up, FILE *out)
{
	struct db_query q = { up ? m->up : m->down, 0, NULL, NULL, NULL, 0, -1, 1 };
	char version[16], sum[65], ms[24];
	uint64_t t0;
	PGresult *r;
	int ok;

	snprintf(version, sizeof version, "%d", m->version);
	migration_checksum(m, sum);
	fprintf(out, "%s %04d_%s ... ", up ? "applying" : "reverting", m->version, m->name);
	fflush(out);
	t0 = clock_mono_ms();
	if (run(db, "BEGIN", 0, NULL, "BEGIN") != 0)
		return -1;
	r = db_run(db, &q);
	ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		fprintf(out, "failed\n");
		fprintf(stderr, "sentiactl: %04d_%s.%s.sql: %s", m->version, m->name, up ? "up" : "down",
		        r != NULL ? PQresultErrorMessage(r) : db->error);
		PQclear(r);
		run(db, "ROLLBACK", 0, NULL, "ROLLBACK");
		return -1;
	}
	PQclear(r);
	snprintf(ms, sizeof ms, "%llu", (unsigned long long)(clock_mono_ms() - t0));
	if (up) {
		const char *p[] = { version, m->name, sum, ms };

		ok = run(db, "INSERT INTO schema_migrations (version, name, checksum, execution_ms)"
		             " VALUES ($1, $2, $3, $4)", 4, p, "recording the migration") == 0;
	} else {
		const char *p[] = { version };

		ok = run(db, "DELETE FROM schema_migrations WHERE version = $1", 1, p, "recording the migration") == 0;
	}
	if (!ok || run(db, "COMMIT", 0, NULL, "COMMIT") != 0) {
		run(db, "ROLLBACK", 0, NULL, "ROLLBACK");
		fprintf(out, "failed\n");
		return -1;
	}
	fprintf(out, "done in %s ms\n", ms);
	return 0;
}

/* Takes the migration lock, waiting (and saying so) while another run
 * holds it. The lock is the session's: it goes with the connection, so a
 * killed run never leaves it behind. */
static int lock(struct db *db, FILE *out)
{
	switch (db_lock_try(db, LOCK_KEY(LOCK_MIGRATIONS, 0))) {
	case DB_LOCK_TAKEN:
		return 0;
	case DB_LOCK_UNAVAILABLE:
		fprintf(stderr, "sentiactl: cannot take the migration lock: %s\n", db->error);
		return -1;
	case DB_LOCK_BUSY:
		break;
	}
	fprintf(out, "another migration run holds the lock; waiting for it\n");
	fflush(out);
	if (db_lock_wait(db, LOCK_KEY(LOCK_MIGRATIONS, 0)) != 0) {
		fprintf(stderr, "sentiactl: waiting for the migration lock: %s\n", db->error);
		return -1;
	}
	return 0;
}

static void unlock(struct db *db)
{
	db_unlock(db, LOCK_KEY(LOCK_MIGRATIONS, 0));
}

/* Locks, makes sure the table exists, reads and checks what is applied. */
static int begin(struct db *db, FILE *out, struct applied **a, int *n)
{
	if (db_get(db) == NULL) {
		fprintf(stderr, "sentiactl: PostgreSQL: %s\n", db->error);
		return -1;
	}
	if (lock(db, out) != 0)
		return -1;
	if (run(db, create_table_sql, 0, NULL, "creating schema_migrations") != 0
	    || (*n = read_applied(db, a)) < 0) {
		unlock(db);
		return -1;
	}
	if (check_applied(*a, *n, stderr) != 0) {
		fprintf(stderr, "sentiactl: nothing was changed\n");
		free(*a);
		*a = NULL;
		unlock(db);
		return -1;
	}
	return 0;
}

int migrate_up(struct db *db, FILE *out)
{
	struct applied *a;
	int n, at, rc = 0;

	if (begin(db, out, &a, &n) != 0)
		return -1;
	at = n > 0 ? a[n - 1].version : 0;
	for (size_t i = (size_t)at; i < migrations_count && rc == 0; i++)
		rc = step(db, &migrations[i], 1, out);
	if (rc == 0)
		fprintf(out, at == migrations_latest() ? "the database is up to date at version %d\n"
		             : "the database is now at version %d\n", migrations_latest());
	free(a);
	unlock(db);
	return rc;
}

int migrate_down(struct db *db, int to, FILE *out)
{
	struct applied *a;
	int n, at, rc = 0;

	if (to < 0 || to > migrations_latest()) {
		fprintf(stderr, "sentiactl: no version %d (this build knows 0 to %d)\n", to, migrations_latest());
		return -1;
	}
	if (begin(db, out, &a, &n) != 0)
		return -1;
	at = n > 0 ? a[n - 1].version : 0;
	for (int i = n - 1; i >= 0 && a[i].version > to && rc == 0; i--)
		rc = step(db, find(a[i].version), 0, out);
	if (rc == 0)
		fprintf(out, "the database is at version %d\n", to < at ? to : at);
	free(a);
	unlock(db);
	return rc;
}

int migrate_status(struct db *db, FILE *out)
{
	struct applied *a;
	int n, at, pending = 0, rc = 0;

	if (db_get(db) == NULL) {
		fprintf(stderr, "sentiactl: PostgreSQL: %s\n", db->error);
		return -1;
	}
	if ((n = read_applied(db, &a)) < 0)
		return -1;
	for (size_t i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		const struct applied *hit = NULL;
		char sum[65];

		for (int j = 0; j < n; j++)
			if (a[j].version == m->version)
				hit = &a[j];
		migration_checksum(m, sum);
		if (hit == NULL) {
			fprintf(out, "%04d_%-24s pending\n", m->version, m->name);
			pending++;
		} else if (strcmp(hit->checksum, sum) != 0) {
			fprintf(out, "%04d_%-24s CHANGED since it was applied at %s\n", m->version, m->name, hit->applied_at);
			rc = -1;
		} else {
			fprintf(out, "%04d_%-24s applied at %s\n", m->version, m->name, hit->applied_at);
		}
	}
	for (int j = 0; j < n; j++)
		if (find(a[j].version) == NULL) {
			fprintf(out, "%04d_%-24s applied, UNKNOWN to this build\n", a[j].version, a[j].name);
			rc = -1;
		}
	at = n > 0 ? a[n - 1].version : 0;
	fprintf(out, "database at version %d; this build expects %d; %d pending\n", at, migrations_latest(), pending);
	free(a);
	return rc;
}
