/* db: the responder's one PostgreSQL connection, opened lazily, checked
 * before use, reopened with back-off, every statement under a deadline. */
#ifndef SENTIA_DB_H
#define SENTIA_DB_H

#include <json-c/json.h>
#include <libpq-fe.h>

#include <stdint.h>

#include "config.h"
#include "retry.h"

/* A PostgreSQL connection and its reconnection state. */
struct db {
	char *url;
	char application_name[64];
	long connect_timeout_s;
	long statement_timeout_ms;
	int pooled;            /* behind a transaction-mode pooler: no session state */
	struct db *session;    /* where session advisory locks are held: NULL for
	                        * this connection, else a direct one (owned) */
	PGconn *conn;          /* NULL while disconnected */
	struct retry retry;
	char error[256];       /* the last failure, for logs and checks */
};

/* Prepares db; connects nothing yet. */
void db_init(struct db *db, const char *url, const char *application_name,
             long connect_timeout_s, long statement_timeout_ms, long retry_max_ms);
/* Prepares db from the configuration: DATABASE_URL with its connect
 * timeout and back-off, this statement timeout (0: none), and behind a
 * transaction-mode pooler (DATABASE_POOLER), no startup options and a
 * direct connection (DATABASE_URL_DIRECT) for the session advisory locks.
 * Connects nothing yet. Returns 0, or -1 when out of memory. */
int db_init_config(struct db *db, const struct config *cfg, const char *application_name, long statement_timeout_ms);
/* Says that db reaches PostgreSQL through a transaction-mode pooler, which
 * hands each transaction any server connection and keeps no session: no
 * startup options are sent (the pooler refuses them; the role's own
 * settings apply, statement_timeout among them), and session advisory
 * locks are held on a connection of their own to direct_url, opened when
 * the first lock is taken, named application_name + "-locks". */
int db_behind_pooler(struct db *db, const char *direct_url);
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
/* Session advisory locks (keys from locks.h). Each is held by the
 * connection that can hold a session's state: db's own, or behind a
 * transaction-mode pooler its direct connection. Either way the lock dies
 * with the process that holds it, since its connection does. */
enum db_lock_result {
	DB_LOCK_TAKEN,
	DB_LOCK_BUSY,          /* another session holds it */
	DB_LOCK_UNAVAILABLE,   /* PostgreSQL could not be asked; db->error says why */
};
/* Takes the lock if no other session holds it. */
enum db_lock_result db_lock_try(struct db *db, int64_t key);
/* Waits for the lock as long as it takes: 0 once held, -1 (db->error set)
 * when PostgreSQL could not be asked. */
int db_lock_wait(struct db *db, int64_t key);
/* Releases a lock taken by db_lock_try or db_lock_wait. When the
 * connection that held it has closed since, the lock went with it and
 * nothing is sent. */
void db_unlock(struct db *db, int64_t key);
/* Whether the connection that holds db's locks is still open, without
 * waiting: checked before an outcome is committed, since behind a pooler
 * the locks' connection can fail while the pooled one goes on. */
int db_locks_held(struct db *db);
/* Drops the connection and frees what db owns. */
void db_free(struct db *db);

#endif
