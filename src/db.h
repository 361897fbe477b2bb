/* db: the responder's one PostgreSQL connection, opened lazily, checked
 * before use, reopened with back-off, every statement under a deadline. */
#ifndef SENTIA_DB_H
#define SENTIA_DB_H

#include <json-c/json.h>
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
/* SQL that shows a timestamptz column as JSON does: ISO 8601 in UTC, to
 * the millisecond. */
#define DB_ISO_TIME(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* One statement and how to run it. */
struct db_query {
	const char *sql;
	int nparams;
	const char *const *values;
	const int *lengths;          /* for binary parameters, else NULL */
	const int *formats;          /* 1 marks a binary parameter, else NULL */
	int binary_result;           /* 1: results in binary format */
	long timeout_ms;             /* 0: the statement timeout and a second; < 0: none */
	int script;                  /* 1: several statements, no parameters (simple protocol) */
};

/* Runs q, as db_exec does, with its parameter formats and deadline. */
PGresult *db_run(struct db *db, const struct db_query *q);
/* Runs a statement whose result is not needed: 0 when it succeeded, else
 * -1 with db->error set. */
int db_command(struct db *db, const char *sql, int nparams, const char *const *params);
/* Runs "COPY ... FROM STDIN" and sends len bytes of data in its text
 * format, within timeout_ms (as in struct db_query). Returns the COPY's
 * result (the caller PQclears it), or NULL when the connection failed. */
PGresult *db_copy_in(struct db *db, const char *copy_sql, const char *data, size_t len, long timeout_ms);
/* Checks PostgreSQL with SELECT 1; stores the round trip in *latency_ms. */
int db_ping(struct db *db, double *latency_ms);
/* Closes the connection now (the next use opens a new one, at once):
 * libpq keeps its buffers at the largest size a connection ever needed,
 * so after a bulk transfer this is how the memory goes back. */
void db_disconnect(struct db *db);
/* A column of a result as JSON: null, an integer (int2/4/8), a decimal
 * written exactly as PostgreSQL wrote it (numeric: no money goes through
 * a double), or text. A negative col (PQfnumber found none) is null. */
struct json_object *db_json_value(const PGresult *r, int row, int col);
/* Drops the connection and frees what db owns. */
void db_free(struct db *db);

#endif
