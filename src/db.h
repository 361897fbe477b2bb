/* db: the responder's one PostgreSQL connection, opened lazily, checked
 * before use, reopened with back-off, every statement under a deadline. */
#ifndef SENTIA_DB_H
#define SENTIA_DB_H

#include <libpq-fe.h>

#include "retry.h"

/* A PostgreSQL connection and its reconnection state. */
struct db {
	char *url;
	const char *application_name;
	long connect_timeout_s;
	long statement_timeout_ms;
	PGconn *conn;          /* NULL while disconnected */
	struct retry retry;
	char error[256];       /* the last failure, for logs and checks */
};

/* Prepares db; connects nothing yet. */
void db_init(struct db *db, const char *url, const char *application_name,
             long connect_timeout_s, long statement_timeout_ms, long retry_max_ms);
/* A live connection, connecting first when needed and allowed by the
 * back-off; NULL when PostgreSQL is unavailable (db->error says why). */
PGconn *db_get(struct db *db);
/* Runs one parameterised statement and waits for it at most the statement
 * timeout plus a second. Returns the result (the caller PQclears it), which
 * may be an error result; NULL when the server could not be reached or did
 * not answer in time, in which case the connection is dropped. */
PGresult *db_exec(struct db *db, const char *sql, int nparams, const char *const *params);
/* Checks PostgreSQL with SELECT 1; stores the round trip in *latency_ms. */
int db_ping(struct db *db, double *latency_ms);
/* Drops the connection and frees what db owns. */
void db_free(struct db *db);

#endif
