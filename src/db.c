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
	db->application_name = application_name;
	db->connect_timeout_s = connect_timeout_s;
	db->statement_timeout_ms = statement_timeout_ms;
	retry_init(&db->retry, 100, retry_max_ms);
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

/* Connects without blocking past the connect timeout. libpq's own
 * connect_timeout counts per attempt (SSL, GSS, then plain), so a server
 * that accepts and never answers could hold a responder for a multiple of
 * it; this loop keeps one deadline for the whole connection. */
static int db_connect(struct db *db)
{
	char timeout[16], options[64];
	const char *keys[] = { "dbname", "connect_timeout", "options", "application_name", NULL };
	const char *vals[] = { db->url, timeout, options, db->application_name, NULL };
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
	retry_succeeded(&db->retry);
	db->error[0] = '\0';
	return 0;
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

PGresult *db_exec(struct db *db, const char *sql, int nparams, const char *const *params)
{
	PGconn *c = db_get(db);
	uint64_t deadline;
	PGresult *res = NULL, *r;

	if (c == NULL)
		return NULL;
	if (!PQsendQueryParams(c, sql, nparams, NULL, params, NULL, NULL, 0)) {
		db_set_error(db, "send: ", PQerrorMessage(c));
		db_drop(db);
		return NULL;
	}
	/* The server cancels a statement after statement_timeout; this deadline
	 * is for a server that does not answer at all. */
	deadline = clock_mono_ms() + (uint64_t)db->statement_timeout_ms + 1000;
	while (PQisBusy(c)) {
		struct pollfd pfd = { PQsocket(c), POLLIN, 0 };
		uint64_t now = clock_mono_ms();
		int n;

		if (now >= deadline) {
			/* No PQcancel here: it opens a connection to the server and
			 * waits for it with no time limit, which is the very thing
			 * that is not answering. Dropping the connection is enough;
			 * the server's statement_timeout ends the statement. */
			snprintf(db->error, sizeof db->error, "no answer within %ld ms", db->statement_timeout_ms + 1000);
			db_drop(db);
			return NULL;
		}
		n = poll(&pfd, 1, (int)(deadline - now));
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
	/* Keep the last result; a single statement gives one. */
	while ((r = PQgetResult(c)) != NULL) {
		PQclear(res);
		res = r;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		db_set_error(db, "connection lost: ", PQerrorMessage(c));
		PQclear(res);
		db_drop(db);
		return NULL;
	}
	return res;
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

void db_free(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	free(db->url);
	db->url = NULL;
}
