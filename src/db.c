/* db: the responder's one PostgreSQL connection, opened lazily, checked
 * before use, reopened with back-off, every statement under a deadline. */
#include "ac-config.h"

#include "db.h"
#include "clock.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void db_init(struct db *db, const char *url, const char *application_name,
             long connect_timeout_s, long statement_timeout_ms, long retry_max_ms)
{
	memset(db, 0, sizeof *db);
	db->url = strdup(url);
	snprintf(db->application_name, sizeof db->application_name, "%s", application_name);
	db->connect_timeout_s = connect_timeout_s;
	db->statement_timeout_ms = statement_timeout_ms;
	retry_init(&db->retry, 100, retry_max_ms);
}

int db_init_config(struct db *db, const struct config *cfg, const char *application_name, long statement_timeout_ms)
{
	db_init(db, cfg->database_url, application_name, cfg->db_connect_timeout_seconds, statement_timeout_ms,
	        cfg->dependency_retry_max_ms);
	if (db->url == NULL)
		return -1;
	if (cfg->database_pooler == POOLER_PGBOUNCER_TRANSACTION)
		return db_behind_pooler(db, cfg->database_url_direct);
	return 0;
}

int db_behind_pooler(struct db *db, const char *direct_url)
{
	char name[sizeof db->application_name];

	db->pooled = 1;
	db->session = malloc(sizeof *db->session);
	if (db->session == NULL)
		return -1;
	snprintf(name, sizeof name, "%.*s-locks", (int)sizeof name - 7, db->application_name);
	db_init(db->session, direct_url, name, db->connect_timeout_s, db->statement_timeout_ms, db->retry.max_ms);
	return db->session->url != NULL ? 0 : -1;
}

/* Copies libpq's message, first line only, into db->error. */
static void db_set_error(struct db *db, const char *prefix, const char *msg)
{
	size_t n;

	snprintf(db->error, sizeof db->error, "%s%s", prefix, msg != NULL ? msg : "");
	n = strcspn(db->error, "\n");
	db->error[n] = '\0';
}

/* Closes the connection. A connection that failed in use is dropped
 * without delay (the server may well be back: try a new one at once); a
 * failed attempt to connect starts or lengthens the back-off. */
static void db_close(struct db *db)
{
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
}

static void db_drop(struct db *db)
{
	db_close(db);
	retry_failed(&db->retry, clock_mono_ms());
}

/* Server notices ("relation already exists, skipping") go to the debug
 * log rather than to standard error. */
static void notice_to_log(void *arg, const char *message)
{
	(void)arg;
	log_debug("PostgreSQL: %.*s", (int)strcspn(message, "\n"), message);
}

static PGresult *db_exec_on(struct db *db, PGconn *c, const char *sql, int nparams, const char *const *params);

/* Behind a pooler the statement timeout is the role's (ALTER ROLE ... SET
 * statement_timeout), since no startup option can set it: says so, once a
 * process, when it is not DB_STATEMENT_TIMEOUT_MS. */
static void check_role_timeout(struct db *db)
{
	static int warned;
	PGresult *r;

	if (warned || db->statement_timeout_ms <= 0)
		return;
	r = db_exec_on(db, db->conn, "SELECT setting FROM pg_settings WHERE name = 'statement_timeout'", 0, NULL);
	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
	    && strtol(PQgetvalue(r, 0, 0), NULL, 10) != db->statement_timeout_ms) {
		warned = 1;
		log_warn("PostgreSQL's statement_timeout is %s ms here, not DB_STATEMENT_TIMEOUT_MS (%ld): behind"
		         " DATABASE_POOLER=pgbouncer-transaction sentia cannot set its own, so set it on the role"
		         " (ALTER ROLE ... SET statement_timeout = %ld)", PQgetvalue(r, 0, 0), db->statement_timeout_ms,
		         db->statement_timeout_ms);
	}
	PQclear(r);
}

/* Connects without blocking past the connect timeout. libpq's own
 * connect_timeout counts per attempt (SSL, GSS, then plain), so a server
 * that accepts and never answers could hold a responder for a multiple of
 * it; this loop keeps one deadline for the whole connection. */
static int db_connect(struct db *db)
{
	char timeout[16], options[64];
	/* Behind a pooler, no options: PgBouncer refuses a startup parameter
	 * it does not know, and the server connections it hands out are not
	 * this client's to configure. */
	const char *keys[] = { "dbname", "connect_timeout", "application_name", db->pooled ? NULL : "options", NULL };
	const char *vals[] = { db->url, timeout, db->application_name, options, NULL };
	uint64_t deadline = clock_mono_ms() + (uint64_t)db->connect_timeout_s * 1000;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;

	snprintf(timeout, sizeof timeout, "%ld", db->connect_timeout_s);
	snprintf(options, sizeof options, "-c statement_timeout=%ld", db->statement_timeout_ms);
	/* expand_dbname: a URL in dbname is expanded, and the keys after it
	 * override what the URL says. */
	db->conn = PQconnectStartParams(keys, vals, 1);
	if (db->conn == NULL || PQstatus(db->conn) == CONNECTION_BAD) {
		db_set_error(db, "connect: ", db->conn != NULL ? PQerrorMessage(db->conn) : "out of memory");
		db_drop(db);
		return -1;
	}
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		struct pollfd pfd = { PQsocket(db->conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0 };
		uint64_t now = clock_mono_ms();
		int n;

		if (now >= deadline) {
			snprintf(db->error, sizeof db->error, "connect: no answer within %ld s", db->connect_timeout_s);
			db_drop(db);
			return -1;
		}
		n = poll(&pfd, 1, (int)(deadline - now));
		if (n < 0 && errno != EINTR) {
			db_set_error(db, "connect: poll: ", strerror(errno));
			db_drop(db);
			return -1;
		}
		if (n > 0)
			st = PQconnectPoll(db->conn);
	}
	if (st == PGRES_POLLING_FAILED || PQstatus(db->conn) != CONNECTION_OK) {
		db_set_error(db, "connect: ", PQerrorMessage(db->conn));
		db_drop(db);
		return -1;
	}
	PQsetNoticeProcessor(db->conn, notice_to_log, NULL);
	retry_succeeded(&db->retry);
	db->error[0] = '\0';
	if (db->pooled)
		check_role_timeout(db);
	return db->conn != NULL ? 0 : -1;
}

/* Whether an idle connection still works: the server has nothing to say
 * on an idle connection but a notice or a goodbye, so read what is there
 * and ask libpq. */
static int db_idle_ok(PGconn *c)
{
	struct pollfd pfd = { PQsocket(c), POLLIN, 0 };

	if (PQstatus(c) != CONNECTION_OK || pfd.fd < 0)
		return 0;
	if (poll(&pfd, 1, 0) > 0) {
		if (!PQconsumeInput(c))
			return 0;
		return PQstatus(c) == CONNECTION_OK;
	}
	return 1;
}

PGconn *db_get(struct db *db)
{
	if (db->conn != NULL && !db_idle_ok(db->conn)) {
		db_set_error(db, "connection lost: ", PQerrorMessage(db->conn));
		log_warn("PostgreSQL %s; reconnecting", db->error);
		db_close(db);
	}
	if (db->conn != NULL)
		return db->conn;
	if (retry_ready(&db->retry, clock_mono_ms())) {
		if (db_connect(db) == 0) {
			log_info("connected to PostgreSQL");
			return db->conn;
		}
		log_warn("PostgreSQL unavailable: %s", db->error);
	} else if (db->error[0] == '\0') {
		snprintf(db->error, sizeof db->error, "unavailable, retrying");
	}
	return NULL;
}

/* Waits for the answer to what was sent on c, at most until deadline
 * (0: no limit), and returns the last result. NULL (and the connection
 * dropped) when the server did not answer in time or the connection
 * broke. */
static PGresult *db_wait(struct db *db, PGconn *c, uint64_t deadline, long shown_ms)
{
	PGresult *res = NULL, *r;

	while (PQisBusy(c)) {
		struct pollfd pfd = { PQsocket(c), POLLIN, 0 };
		uint64_t now = clock_mono_ms();
		int n;

		if (deadline != 0 && now >= deadline) {
			/* No PQcancel here: it opens a connection to the server and
			 * waits for it with no time limit, which is the very thing
			 * that is not answering. Dropping the connection is enough;
			 * the server's statement_timeout ends the statement. */
			snprintf(db->error, sizeof db->error, "no answer within %ld ms", shown_ms);
			db_drop(db);
			return NULL;
		}
		n = poll(&pfd, 1, deadline != 0 ? (int)(deadline - now) : -1);
		if (n < 0 && errno != EINTR) {
			db_set_error(db, "poll: ", strerror(errno));
			db_drop(db);
			return NULL;
		}
		if (n > 0 && !PQconsumeInput(c)) {
			db_set_error(db, "read: ", PQerrorMessage(c));
			db_drop(db);
			return NULL;
		}
	}
	/* Keep the last result; a single statement gives one. A COPY that the
	 * server is still waiting on comes back as PGRES_COPY_IN: stop there. */
	while ((r = PQgetResult(c)) != NULL) {
		ExecStatusType st = PQresultStatus(r);

		PQclear(res);
		res = r;
		if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT)
			break;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		db_set_error(db, "connection lost: ", PQerrorMessage(c));
		PQclear(res);
		db_drop(db);
		return NULL;
	}
	return res;
}

/* The client-side deadline for a statement: the server cancels one after
 * statement_timeout; this is for a server that does not answer at all. */
static uint64_t db_deadline(const struct db *db, long timeout_ms, long *shown)
{
	long ms = timeout_ms != 0 ? timeout_ms
	          : db->statement_timeout_ms > 0 ? db->statement_timeout_ms + 1000 : -1;

	*shown = ms;
	return ms > 0 ? clock_mono_ms() + (uint64_t)ms : 0;
}

/* Runs q on c, db's connection, which the caller has checked. */
static PGresult *db_run_on(struct db *db, PGconn *c, const struct db_query *q)
{
	long shown;
	uint64_t deadline;

	deadline = db_deadline(db, q->timeout_ms, &shown);
	if (q->script ? !PQsendQuery(c, q->sql)
	    : !PQsendQueryParams(c, q->sql, q->nparams, NULL, q->values, q->lengths, q->formats,
	                         q->binary_result)) {
		db_set_error(db, "send: ", PQerrorMessage(c));
		db_drop(db);
		return NULL;
	}
	return db_wait(db, c, deadline, shown);
}

PGresult *db_run(struct db *db, const struct db_query *q)
{
	PGconn *c = db_get(db);

	return c != NULL ? db_run_on(db, c, q) : NULL;
}

static PGresult *db_exec_on(struct db *db, PGconn *c, const char *sql, int nparams, const char *const *params)
{
	struct db_query q = { sql, nparams, params, NULL, NULL, 0, 0, 0 };

	return db_run_on(db, c, &q);
}

PGresult *db_exec(struct db *db, const char *sql, int nparams, const char *const *params)
{
	struct db_query q = { sql, nparams, params, NULL, NULL, 0, 0, 0 };

	return db_run(db, &q);
}

int db_command(struct db *db, const char *sql, int nparams, const char *const *params)
{
	PGresult *r = db_exec(db, sql, nparams, params);
	int st = r == NULL ? -1 : (int)PQresultStatus(r);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (r != NULL && !ok)
		db_set_error(db, "", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

/* Writes everything libpq holds for the server, waiting for the socket
 * until deadline. */
static int db_flush(struct db *db, PGconn *c, uint64_t deadline, long shown)
{
	int rc;

	while ((rc = PQflush(c)) == 1) {
		struct pollfd pfd = { PQsocket(c), POLLOUT | POLLIN, 0 };
		uint64_t now = clock_mono_ms();

		if (deadline != 0 && now >= deadline) {
			snprintf(db->error, sizeof db->error, "COPY: the server took no data for %ld ms", shown);
			return -1;
		}
		if (poll(&pfd, 1, deadline != 0 ? (int)(deadline - now) : -1) < 0 && errno != EINTR) {
			db_set_error(db, "poll: ", strerror(errno));
			return -1;
		}
		if ((pfd.revents & POLLIN) && !PQconsumeInput(c))
			break;
	}
	if (rc < 0)
		db_set_error(db, "COPY: ", PQerrorMessage(c));
	return rc < 0 ? -1 : 0;
}

PGresult *db_copy_in(struct db *db, const char *copy_sql, const char *data, size_t len, long timeout_ms)
{
	PGconn *c = db_get(db);
	PGresult *r;
	long shown;
	uint64_t deadline;
	size_t off = 0;
	int failed = 0;

	if (c == NULL)
		return NULL;
	db->error[0] = '\0';
	deadline = db_deadline(db, timeout_ms, &shown);
	if (!PQsendQueryParams(c, copy_sql, 0, NULL, NULL, NULL, NULL, 0)) {
		db_set_error(db, "send: ", PQerrorMessage(c));
		db_drop(db);
		return NULL;
	}
	r = db_wait(db, c, deadline, shown);
	if (r == NULL || PQresultStatus(r) != PGRES_COPY_IN)
		return r;
	PQclear(r);
	/* Non-blocking while sending, so a server that stops reading cannot
	 * hold the process past the deadline. */
	PQsetnonblocking(c, 1);
	while (off < len && !failed) {
		size_t n = len - off < 256 * 1024 ? len - off : 256 * 1024;
		int rc = PQputCopyData(c, data + off, (int)n);

		if (rc == 1)
			off += n;
		else if (rc == 0)
			failed = db_flush(db, c, deadline, shown) != 0;
		else
			failed = 1;
	}
	if (!failed) {
		int rc;

		while ((rc = PQputCopyEnd(c, NULL)) == 0)
			if (db_flush(db, c, deadline, shown) != 0)
				break;
		failed = rc != 1 || db_flush(db, c, deadline, shown) != 0;
	}
	PQsetnonblocking(c, 0);
	if (failed) {
		if (db->error[0] == '\0')
			db_set_error(db, "COPY: ", PQerrorMessage(c));
		db_drop(db);
		return NULL;
	}
	return db_wait(db, c, deadline, shown);
}

int db_ping(struct db *db, double *latency_ms)
{
	uint64_t t0 = clock_mono_us();
	PGresult *r = db_exec(db, "SELECT 1", 0, NULL);
	int ok = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK;

	*latency_ms = (double)(clock_mono_us() - t0) / 1000.0;
	if (r != NULL && !ok)
		db_set_error(db, "", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

void db_disconnect(struct db *db)
{
	/* The session connection stays: it may hold locks. */
	db_close(db);
}

/* The connection session advisory locks go on. */
static struct db *lock_db(struct db *db)
{
	return db->session != NULL ? db->session : db;
}

/* Runs a lock function of one key; its boolean in *out. */
static int lock_call(struct db *db, const char *sql, int64_t key, int *out)
{
	struct db *l = lock_db(db);
	char k[24];
	const char *p[] = { k };
	PGresult *r;
	int ok;

	snprintf(k, sizeof k, "%lld", (long long)key);
	r = db_exec(l, sql, 1, p);
	ok = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok)
		*out = PQgetvalue(r, 0, 0)[0] == 't';
	else if (r != NULL)
		db_set_error(l, "", PQresultErrorMessage(r));
	PQclear(r);
	if (!ok && l != db)
		snprintf(db->error, sizeof db->error, "direct connection: %.200s", l->error);
	return ok ? 0 : -1;
}

enum db_lock_result db_lock_try(struct db *db, int64_t key)
{
	int got = 0;

	if (lock_call(db, "SELECT pg_try_advisory_lock($1)", key, &got) != 0)
		return DB_LOCK_UNAVAILABLE;
	return got ? DB_LOCK_TAKEN : DB_LOCK_BUSY;
}

int db_lock_wait(struct db *db, int64_t key)
{
	int dummy = 0;

	/* pg_advisory_lock returns void: its one row is an empty value. */
	return lock_call(db, "SELECT pg_advisory_lock($1) IS NULL", key, &dummy);
}

void db_unlock(struct db *db, int64_t key)
{
	int was_held = 0;

	if (lock_db(db)->conn == NULL)
		return;
	if (lock_call(db, "SELECT pg_advisory_unlock($1)", key, &was_held) != 0)
		log_warn("PostgreSQL: releasing advisory lock %lld: %s", (long long)key, db->error);
}

int db_locks_held(struct db *db)
{
	struct db *l = lock_db(db);

	return l->conn != NULL && db_idle_ok(l->conn);
}

void db_free(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	free(db->url);
	db->url = NULL;
	if (db->session != NULL) {
		db_free(db->session);
		free(db->session);
		db->session = NULL;
	}
}

struct json_object *db_json_value(const PGresult *r, int row, int col)
{
	const char *s;

	if (col < 0 || PQgetisnull(r, row, col))
		return NULL;
	s = PQgetvalue(r, row, col);
	switch (PQftype(r, col)) {
	case 20: case 21: case 23:            /* int8, int2, int4 */
		return json_object_new_int64(strtoll(s, NULL, 10));
	case 1700:                            /* numeric: exactly as PostgreSQL wrote it */
		return json_object_new_double_s(strtod(s, NULL), s);
	default:
		return json_object_new_string(s);
	}
}
