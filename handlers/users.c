/* users: the GDPR rights over the API. A user (or an admin) exports
 * everything sentia holds about them (GET /api/users/{id}/export); an
 * admin erases a user (DELETE /api/users/{id}), as a job on the
 * maintenance queue. src/users.c does the work. */
#include "ac-config.h"

#include "app.h"
#include "log.h"
#include "queue.h"
#include "routes.h"
#include "users.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The {id} of the path, or NULL with a 400 set. */
static const char *user_id(struct request *req, struct response *res)
{
	const char *id = req->match.params[0].value;

	if (!users_id_valid(id)) {
		res_error(res, 400, "invalid_id", "A user id is 1 to 64 letters, digits and _ (Clerk's user id).");
		return NULL;
	}
	return id;
}

/* GET /api/users/{id}/export: the user themself (a session token whose
 * subject is id) or an admin. The access is audited. */
void users_export_get(struct request *req, struct response *res)
{
	struct app *app = req->app;
	const char *id = user_id(req, res);
	struct json_object *o;
	char self[USERS_ID_MAX + 8];
	int found;

	if (id == NULL)
		return;
	snprintf(self, sizeof self, "user:%s", id);
	if (req->identity.role != ROLE_ADMIN && strcmp(req->identity.actor, self) != 0) {
		audit_write(app, req, "request", "403", "personal data export of another user");
		res_error(res, 403, "forbidden", "Only the user themself or an admin may export a user's data.");
		return;
	}
	o = users_export(&app->db, id, &found);
	if (o == NULL) {
		if (found)
			res_unavailable(res, "PostgreSQL", app->db.error);
		else
			res_error(res, 404, "not_found", "sentia holds nothing about this user.");
		return;
	}
	audit_write(app, req, "request", "200", "personal data export");
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}

/* DELETE /api/users/{id}: queues the erasure and answers 202 with the
 * job. The request's own audit record (written after this handler) and
 * access log line name the pseudonym, not the id, so that they cannot
 * outlive an erasure that finishes first. */
void users_erase_delete(struct request *req, struct response *res)
{
	struct app *app = req->app;
	const char *id = user_id(req, res);
	struct json_object *payload;
	char hash[65], pseudonym[USERS_PSEUDONYM_SIZE], *path;
	int64_t job;
	int created;

	if (id == NULL)
		return;
	switch (users_known(&app->db, id)) {
	case 1:
		break;
	case 0:
		res_error(res, 404, "not_found", "sentia holds nothing about this user.");
		return;
	default:
		res_unavailable(res, "PostgreSQL", app->db.error);
		return;
	}
	payload = json_object_new_object();
	json_object_object_add(payload, "user_id", json_object_new_string(id));
	json_object_object_add(payload, "requested_by", json_object_new_string(req->identity.actor));
	if (queue_enqueue(&app->db, &app->kv, "maintenance", "users.erase",
	                  json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN), NULL, &job, &created) != 0) {
		json_object_put(payload);
		res_unavailable(res, "PostgreSQL", app->db.error);
		return;
	}
	json_object_put(payload);
	users_pseudonym(id, app->cfg->pii_hash_key, hash, pseudonym);
	if (asprintf(&path, "/api/users/%s", pseudonym) > 0) {
		free(req->path);
		req->path = path;
	}
	jobs_accepted(app, res, job);
}
