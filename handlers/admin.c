/* admin: what only an admin may see: the audit log. */
#include "ac-config.h"

#include "app.h"
#include "routes.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET /api/admin/audit-log?limit=N&before=ID&actor=A&action=X: the audit
 * log, newest first, a page at a time. */
void admin_audit_log(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct buf limit = BUF_INIT, before = BUF_INIT, actor = BUF_INIT, action = BUF_INIT;
	static const char *const cols[] = { "id", "at", "action", "actor", "role", "remote_addr", "method", "route",
	                                    "target", "outcome", "request_id", "detail" };
	struct json_object *o, *arr;
	long lim = 100;
	PGresult *r;

	if (request_query(req, "limit", &limit) == 1) {
		char *end;

		lim = strtol(limit.data, &end, 10);
		if (*end != '\0' || lim < 1 || lim > 1000) {
			res_error(res, 400, "invalid_parameter", "The limit parameter is a whole number from 1 to 1000.");
			goto out;
		}
	}
	if (request_query(req, "before", &before) == 1 && (before.len == 0 || before.len > 18
	                                                    || strspn(before.data, "0123456789") != before.len)) {
		res_error(res, 400, "invalid_parameter", "The before parameter is an audit record id.");
		goto out;
	}
	request_query(req, "actor", &actor);
	request_query(req, "action", &action);
	{
		char l[16];
		const char *p[] = { l, before.len ? before.data : NULL, actor.len ? actor.data : NULL,
		                    action.len ? action.data : NULL };

		snprintf(l, sizeof l, "%ld", lim);
		r = db_exec(&app->db, "SELECT id, " DB_ISO_TIME("at") ", action,"
		                      " actor, role, remote_addr, method, route, target, outcome, request_id, detail"
		                      " FROM audit_log WHERE ($2::bigint IS NULL OR id < $2::bigint)"
		                      " AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4)"
		                      " ORDER BY id DESC LIMIT $1::int", 4, p);
	}
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		res_unavailable(res, "PostgreSQL", r != NULL ? PQresultErrorMessage(r) : req->app->db.error);
		PQclear(r);
		goto out;
	}
	o = json_object_new_object();
	arr = json_object_new_array();
	for (int i = 0; i < PQntuples(r); i++) {
		struct json_object *e = json_object_new_object();

		for (int c = 0; c < PQnfields(r); c++)
			json_object_object_add(e, cols[c], PQgetisnull(r, i, c) ? NULL
			                       : c == 0 ? json_object_new_int64(strtoll(PQgetvalue(r, i, c), NULL, 10))
			                       : json_object_new_string(PQgetvalue(r, i, c)));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "entries", arr);
	if (PQntuples(r) == lim) {
		char next[64];

		snprintf(next, sizeof next, "/api/admin/audit-log?before=%s&limit=%ld", PQgetvalue(r, PQntuples(r) - 1, 0), lim);
		json_object_object_add(o, "next", json_object_new_string(next));
	} else {
		json_object_object_add(o, "next", NULL);
	}
	PQclear(r);
	res_json(res, 200, o);
out:
	buf_free(&limit);
	buf_free(&before);
	buf_free(&actor);
	buf_free(&action);
}
