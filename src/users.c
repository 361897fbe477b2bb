/* users: profiles from Clerk, the GDPR export, and erasure (see users.h). */
#include "ac-config.h"

#include "users.h"
#include "auth.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long an erasure's statements may take: it reads the whole audit
 * log once, and it runs on the maintenance queue (5 min limit). */
#define ERASE_TIMEOUT_MS 240000

int users_id_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > USERS_ID_MAX)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

void users_pseudonym(const char *id, const char *key, char hash[65], char pseudonym[USERS_PSEUDONYM_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];

	if (key != NULL && key[0] != '\0')
		gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, strlen(key), id, strlen(id), d);
	else
		gnutls_hash_fast(GNUTLS_DIG_SHA256, id, strlen(id), d);
	for (int i = 0; i < 32; i++) {
		hash[2 * i] = hex[d[i] >> 4];
		hash[2 * i + 1] = hex[d[i] & 15];
	}
	hash[64] = '\0';
	snprintf(pseudonym, USERS_PSEUDONYM_SIZE, USERS_PSEUDONYM_PREFIX "%.12s", hash);
}

/* A member of o that is a non-empty string, or NULL. */
static const char *str_member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string)
	    || json_object_get_string_len(v) == 0)
		return NULL;
	return json_object_get_string(v);
}

/* A member of o that is a whole number, or 0. */
static long long int_member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	return (long long)json_object_get_int64(v);
}

/* The primary e-mail address: the entry of email_addresses whose id is
 * primary_email_address_id, else the first one. */
static const char *primary_email(struct json_object *data)
{
	const char *primary = str_member(data, "primary_email_address_id");
	struct json_object *list;
	const char *first = NULL;

	if (!json_object_object_get_ex(data, "email_addresses", &list) || !json_object_is_type(list, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *e = json_object_array_get_idx(list, i);
		const char *addr = str_member(e, "email_address"), *eid = str_member(e, "id");

		if (addr == NULL)
			continue;
		if (primary != NULL && eid != NULL && strcmp(primary, eid) == 0)
			return addr;
		if (first == NULL)
			first = addr;
	}
	return first;
}

int users_profile_from_clerk(struct json_object *data, struct users_profile *p, struct buf *name, char *why,
                             size_t whylen)
{
	const char *first = str_member(data, "first_name"), *last = str_member(data, "last_name");
	struct json_object *meta;
	int role = -1;

	memset(p, 0, sizeof *p);
	p->id = str_member(data, "id");
	if (!users_id_valid(p->id)) {
		snprintf(why, whylen, "The event's data.id is not a user id (1 to %d letters, digits and _).", USERS_ID_MAX);
		return -1;
	}
	p->email = primary_email(data);
	buf_reset(name);
	if (first != NULL)
		buf_puts(name, first);
	if (first != NULL && last != NULL)
		buf_putc(name, ' ');
	if (last != NULL)
		buf_puts(name, last);
	p->name = name->len > 0 ? name->data : str_member(data, "username");
	if (json_object_object_get_ex(data, "public_metadata", &meta))
		role = role_parse(str_member(meta, "role"));
	p->role = role > 0 ? role_name(role) : NULL;
	p->created_ms = int_member(data, "created_at");
	p->updated_ms = int_member(data, "updated_at");
	return 0;
}

int users_was_erased(struct db *db, const char *id, const char *key)
{
	char hash[65], pseudonym[USERS_PSEUDONYM_SIZE];
	const char *p[] = { hash };
	PGresult *r;
	int out;

	users_pseudonym(id, key, hash, pseudonym);
	r = db_exec(db, "SELECT 1 FROM erased_users WHERE subject_hash = $1", 1, p);
	out = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) > 0 : -1;
	PQclear(r);
	return out;
}

enum users_applied users_upsert(struct db *db, const struct users_profile *p, const char *key)
{
	char created[24], updated[24];
	const char *v[] = { p->id, p->email, p->name, p->role, p->created_ms > 0 ? created : NULL,
	                    p->updated_ms > 0 ? updated : NULL };
	PGresult *r;
	enum users_applied out;

	switch (users_was_erased(db, p->id, key)) {
	case 1: return USERS_WAS_ERASED;
	case 0: break;
	default: return USERS_DB_ERROR;
	}
	snprintf(created, sizeof created, "%lld", p->created_ms);
	snprintf(updated, sizeof updated, "%lld", p->updated_ms);
	/* Clerk may deliver events out of order: one older than what is
	 * stored changes nothing. */
	r = db_exec(db, "INSERT INTO users (id, email, name, role, clerk_created_at, clerk_updated_at)"
	                " VALUES ($1, $2, $3, $4, to_timestamp($5::bigint / 1000.0), to_timestamp($6::bigint / 1000.0))"
	                " ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name, role = EXCLUDED.role,"
	                " clerk_created_at = coalesce(EXCLUDED.clerk_created_at, users.clerk_created_at),"
	                " clerk_updated_at = coalesce(EXCLUDED.clerk_updated_at, users.clerk_updated_at), updated_at = now()"
	                " WHERE users.clerk_updated_at IS NULL OR EXCLUDED.clerk_updated_at IS NULL"
	                " OR users.clerk_updated_at <= EXCLUDED.clerk_updated_at RETURNING id", 6, v);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		if (r != NULL)
			snprintf(db->error, sizeof db->error, "%s", PQresultErrorMessage(r));
		out = USERS_DB_ERROR;
	} else {
		out = PQntuples(r) > 0 ? USERS_APPLIED : USERS_STALE;
	}
	PQclear(r);
	return out;
}

int users_known(struct db *db, const char *id)
{
	const char *p[] = { id };
	PGresult *r = db_exec(db, "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)"
	                          " OR EXISTS (SELECT 1 FROM audit_log WHERE actor = 'user:' || $1::text)"
	                          " OR EXISTS (SELECT 1 FROM imports WHERE created_by = 'user:' || $1::text)", 1, p);
	int out = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0)[0] == 't' : -1;

	PQclear(r);
	return out;
}

/* The rows of r as an array of objects, a member per column. */
static struct json_object *rows_json(PGresult *r)
{
	struct json_object *arr = json_object_new_array();

	for (int i = 0; i < PQntuples(r); i++) {
		struct json_object *o = json_object_new_object();

		for (int c = 0; c < PQnfields(r); c++)
			json_object_object_add(o, PQfname(r, c), db_json_value(r, i, c));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* What the export holds, one statement per part; $1 is the user id. */
static const struct {
	const char *name;
	const char *sql;
} export_parts[] = {
	{ "profile", "SELECT id, email, name, role, " DB_ISO_TIME("clerk_created_at") " AS clerk_created_at, "
	             DB_ISO_TIME("clerk_updated_at") " AS clerk_updated_at, " DB_ISO_TIME("created_at") " AS created_at, "
	             DB_ISO_TIME("updated_at") " AS updated_at FROM users WHERE id = $1" },
	{ "role_history", "SELECT role, " DB_ISO_TIME("changed_at") " AS changed_at FROM user_role_history"
	                  " WHERE user_id = $1 ORDER BY id" },
	{ "audit_events", "SELECT id, " DB_ISO_TIME("at") " AS at, action, actor, role, remote_addr, method, route, target,"
	                  " outcome, request_id, detail FROM audit_log WHERE actor = 'user:' || $1::text ORDER BY id" },
	{ "imports", "SELECT i.id, i.type, s.name AS source, i.format, i.mode, i.status, i.document_bytes,"
	             " i.document_sha256, i.rows_read, i.rows_loaded, i.rows_rejected, " DB_ISO_TIME("i.accepted_at")
	             " AS accepted_at, " DB_ISO_TIME("i.finished_at") " AS finished_at FROM imports i"
	             " JOIN data_sources s ON s.id = i.source_id WHERE i.created_by = 'user:' || $1::text ORDER BY i.id" },
};

struct json_object *users_export(struct db *db, const char *id, int *found)
{
	const char *p[] = { id };
	struct json_object *o = json_object_new_object();
	size_t held = 0;

	*found = 1;
	/* One snapshot: the parts agree with each other. */
	if (db_command(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) != 0)
		goto fail;
	json_object_object_add(o, "user_id", json_object_new_string(id));
	for (size_t i = 0; i < sizeof export_parts / sizeof export_parts[0]; i++) {
		PGresult *r = db_exec(db, export_parts[i].sql, 1, p);
		struct json_object *rows;

		if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
			if (r != NULL)
				snprintf(db->error, sizeof db->error, "%s", PQresultErrorMessage(r));
			PQclear(r);
			goto fail;
		}
		held += (size_t)PQntuples(r);
		rows = rows_json(r);
		PQclear(r);
		if (i == 0) {
			/* The profile is one object, or null. */
			json_object_object_add(o, "profile", json_object_get(json_object_array_get_idx(rows, 0)));
			json_object_put(rows);
		} else {
			json_object_object_add(o, export_parts[i].name, rows);
		}
	}
	{
		PGresult *r = db_exec(db, "SELECT " DB_ISO_TIME("now()"), 0, NULL);

		if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK)
			json_object_object_add(o, "exported_at", json_object_new_string(PQgetvalue(r, 0, 0)));
		PQclear(r);
	}
	db_command(db, "COMMIT", 0, NULL);
	if (held == 0) {
		*found = 0;
		json_object_put(o);
		return NULL;
	}
	return o;
fail:
	db_command(db, "ROLLBACK", 0, NULL);
	json_object_put(o);
	return NULL;
}

/* Runs one statement of an erasure under its longer deadline; with n, the
 * statement's one value is a count read into *n. 0 or -1 (why set). */
static int erase_step(struct db *db, const char *sql, int nparams, const char *const *params, long long *n,
                      char *why, size_t whylen)
{
	struct db_query q = { sql, nparams, params, NULL, NULL, 0, ERASE_TIMEOUT_MS, 0 };
	PGresult *r = db_run(db, &q);
	int ok = r != NULL && (n != NULL ? PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
	                                 : PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok) {
		snprintf(why, whylen, "PostgreSQL: %s", r != NULL ? PQresultErrorMessage(r) : db->error);
		PQclear(r);
		return -1;
	}
	if (n != NULL)
		*n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

int users_erase(struct db *db, const struct users_erase_request *rq, struct users_erasure *out, char *why,
                size_t whylen)
{
	char hash[65], pattern[160], actor[200], detail[256];
	const char *p[] = { rq->id, out->pseudonym, pattern };
	const char *ph[] = { hash, out->pseudonym };
	const char *pa[] = { actor, rq->via, out->pseudonym, detail };

	memset(out, 0, sizeof *out);
	if (!users_id_valid(rq->id)) {
		snprintf(why, whylen, "not a user id");
		return -1;
	}
	users_pseudonym(rq->id, rq->key, hash, out->pseudonym);
	/* The id as a whole word: user_1 must not touch user_12. The id is
	 * letters, digits and _ only, so it is literal in a pattern. */
	snprintf(pattern, sizeof pattern, "(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])", rq->id);
	if (erase_step(db, "BEGIN", 0, NULL, NULL, why, whylen) != 0)
		return -1;
	if (erase_step(db, "SET LOCAL sentia.audit_erasure = 'on'", 0, NULL, NULL, why, whylen) != 0
	    || erase_step(db, "SET LOCAL statement_timeout = 240000", 0, NULL, NULL, why, whylen) != 0
	    || erase_step(db, "WITH d AS (DELETE FROM user_role_history WHERE user_id = $1 RETURNING 1) SELECT count(*) FROM d",
	                  1, p, &out->role_history, why, whylen) != 0
	    || erase_step(db, "WITH d AS (DELETE FROM users WHERE id = $1 RETURNING 1) SELECT count(*) FROM d",
	                  1, p, &out->profiles, why, whylen) != 0
	    /* Their own records lose the person and the address; anyone's
	     * record that names them names the pseudonym instead. */
	    || erase_step(db, "WITH u AS (UPDATE audit_log SET"
	                      " actor = CASE WHEN actor = 'user:' || $1::text THEN 'user:' || $2::text ELSE regexp_replace(actor, $3, $2, 'g') END,"
	                      " remote_addr = CASE WHEN actor = 'user:' || $1::text THEN NULL ELSE remote_addr END,"
	                      " target = regexp_replace(target, $3, $2, 'g'), detail = regexp_replace(detail, $3, $2, 'g')"
	                      " WHERE actor = 'user:' || $1::text OR actor ~ $3 OR target ~ $3 OR detail ~ $3 RETURNING 1)"
	                      " SELECT count(*) FROM u", 3, p, &out->audit_records, why, whylen) != 0
	    || erase_step(db, "WITH u AS (UPDATE imports SET created_by = 'user:' || $2::text WHERE created_by = 'user:' || $1::text"
	                      " RETURNING 1) SELECT count(*) FROM u", 2, p, &out->imports, why, whylen) != 0
	    || erase_step(db, "WITH u AS (UPDATE jobs SET payload = regexp_replace(payload::text, $2, $1, 'g')::jsonb,"
	                      " result = regexp_replace(result::text, $2, $1, 'g')::jsonb,"
	                      " last_error = regexp_replace(last_error, $2, $1, 'g'),"
	                      " dedupe_key = regexp_replace(dedupe_key, $2, $1, 'g')"
	                      " WHERE payload::text ~ $2 OR result::text ~ $2 OR last_error ~ $2 OR dedupe_key ~ $2"
	                      " RETURNING 1) SELECT count(*) FROM u", 2, p + 1, &out->jobs, why, whylen) != 0
	    || erase_step(db, "INSERT INTO erased_users (subject_hash, pseudonym) VALUES ($1, $2) ON CONFLICT DO NOTHING",
	                  2, ph, NULL, why, whylen) != 0)
		goto fail;
	/* The erasure's own record must not name the person either: a user
	 * who asked for their own erasure is recorded by the pseudonym. */
	if (strncmp(rq->requested_by, "user:", 5) == 0 && strcmp(rq->requested_by + 5, rq->id) == 0)
		snprintf(actor, sizeof actor, "user:%s", out->pseudonym);
	else
		snprintf(actor, sizeof actor, "%s", rq->requested_by);
	snprintf(detail, sizeof detail, "erased: profile %lld, role history %lld, audit records %lld, imports %lld, jobs %lld",
	         out->profiles, out->role_history, out->audit_records, out->imports, out->jobs);
	if (erase_step(db, "INSERT INTO audit_log (action, actor, route, target, outcome, detail)"
	                   " VALUES ('admin', $1, $2, $3, 'done', $4)", 4, pa, NULL, why, whylen) != 0
	    || erase_step(db, "COMMIT", 0, NULL, NULL, why, whylen) != 0)
		goto fail;
	return 0;
fail:
	db_command(db, "ROLLBACK", 0, NULL);
	return -1;
}
