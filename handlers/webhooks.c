/* webhooks: deliveries from other services. Clerk's (POST
 * /api/webhooks/clerk) keep the users table in step and start erasures;
 * they are signed the Svix way, verified over the body's bytes as
 * received, refused outside the timestamp tolerance, and answered 200
 * without effect when their svix-id was already processed. */
#include "ac-config.h"

#include "app.h"
#include "digest.h"
#include "log.h"
#include "queue.h"
#include "routes.h"
#include "svix.h"
#include "users.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Processed svix-ids are kept this long: the tolerance either way, so a
 * delivery cannot come back while its timestamp would still pass. */
#define SEEN_SECONDS (2 * SVIX_TOLERANCE_S)

/* One delivery being handled: the request, its event, what to answer. */
struct delivery {
	struct app *app;
	struct request *req;
	struct response *res;
	const char *svix_id;
	const char *type;
	struct json_object *data;      /* the event's data object; borrowed */
	struct json_object *answer;    /* the 200's body; the handler adds to it */
};

/* An event handler: 0 when the event is processed (answer holds the
 * 200's details), or -1 when res holds an error. */
typedef int (*event_fn)(struct delivery *d);

/* Records a processed event in the audit log, by Clerk, naming the user
 * (an erasure later replaces the id with its pseudonym). */
static void audit_event(struct delivery *d, const char *user, const char *what)
{
	char detail[300];

	snprintf(detail, sizeof detail, "%s %s: %s (svix %s)", d->type, user, what, d->svix_id);
	audit_write(d->app, d->req, "request", "200", detail);
}

/* user.created, user.updated: the profile, inserted or updated. */
static int on_user_upsert(struct delivery *d)
{
	struct users_profile p;
	struct buf name = BUF_INIT;
	char why[160];
	int rc = 0;

	if (users_profile_from_clerk(d->data, &p, &name, why, sizeof why) != 0) {
		res_error(d->res, 400, "invalid_body", why);
		buf_free(&name);
		return -1;
	}
	switch (users_upsert(&d->app->db, &p, d->app->cfg->pii_hash_key)) {
	case USERS_APPLIED:
		audit_event(d, p.id, "profile stored");
		json_object_object_add(d->answer, "user", json_object_new_string("stored"));
		break;
	case USERS_STALE:
		json_object_object_add(d->answer, "user", json_object_new_string("unchanged: a newer event was applied"));
		break;
	case USERS_WAS_ERASED:
		json_object_object_add(d->answer, "user", json_object_new_string("ignored: this user was erased"));
		break;
	case USERS_DB_ERROR:
	default:
		res_unavailable(d->res, "PostgreSQL", d->app->db.error);
		rc = -1;
		break;
	}
	buf_free(&name);
	return rc;
}

/* user.deleted: the erasure, queued (src/users.c does it). */
static int on_user_deleted(struct delivery *d)
{
	struct json_object *v, *payload;
	const char *id;
	int64_t job;
	int created, erased;

	if (!json_object_object_get_ex(d->data, "id", &v) || !json_object_is_type(v, json_type_string)
	    || !users_id_valid(id = json_object_get_string(v))) {
		res_error(d->res, 400, "invalid_body", "The event's data.id is not a user id.");
		return -1;
	}
	if ((erased = users_was_erased(&d->app->db, id, d->app->cfg->pii_hash_key)) < 0) {
		res_unavailable(d->res, "PostgreSQL", d->app->db.error);
		return -1;
	}
	if (erased) {
		json_object_object_add(d->answer, "user", json_object_new_string("erased already"));
		return 0;
	}
	/* Audited before the job is queued, so the erasure finds the record. */
	audit_event(d, id, "erasure queued");
	payload = json_object_new_object();
	json_object_object_add(payload, "user_id", json_object_new_string(id));
	json_object_object_add(payload, "requested_by", json_object_new_string(d->req->identity.actor));
	if (queue_enqueue(&d->app->db, &d->app->kv, "maintenance", "users.erase",
	                  json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN), NULL, &job, &created) != 0) {
		json_object_put(payload);
		res_unavailable(d->res, "PostgreSQL", d->app->db.error);
		return -1;
	}
	json_object_put(payload);
	json_object_object_add(d->answer, "erasure_job", json_object_new_int64(job));
	return 0;
}

/* The events acted on; any other type is acknowledged and ignored. */
static const struct {
	const char *type;
	event_fn run;
} clerk_events[] = {
	{ "user.created", on_user_upsert },
	{ "user.updated", on_user_upsert },
	{ "user.deleted", on_user_deleted },
};

/* Forgets a svix-id marked as processed, so that Clerk's retry of a
 * delivery that failed here is processed. */
static void unmark(struct app *app, const char *key)
{
	redisReply *r = kv_command(&app->kv, "DEL %s", key);

	freeReplyObject(r);
}

/* Parses the body (its whole length) as an event: an object with a type
 * and a data object. Returns the event (the caller puts it), or NULL. */
static struct json_object *parse_event(const struct buf *body, const char **type, struct json_object **data)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o, *t = NULL;

	size_t end;

	o = tok != NULL ? json_tokener_parse_ex(tok, body->data != NULL ? body->data : "", (int)body->len) : NULL;
	end = o != NULL ? json_tokener_get_parse_end(tok) : 0;
	/* The whole body is the event: only white space may follow it. */
	while (o != NULL && end < body->len && strchr(" \t\r\n", body->data[end]) != NULL && body->data[end] != '\0')
		end++;
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success || end != body->len
	                  || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "type", &t)
	                  || !json_object_is_type(t, json_type_string) || !json_object_object_get_ex(o, "data", data)
	                  || !json_object_is_type(*data, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	if (o != NULL)
		*type = json_object_get_string(t);
	json_tokener_free(tok);
	return o;
}

/* POST /api/webhooks/clerk */
void webhooks_clerk(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct svix_message m = { request_header(req, "svix-id"), request_header(req, "svix-timestamp"),
	                          request_header(req, "svix-signature"), req->body.data, req->body.len };
	struct delivery d = { app, req, res, m.id, NULL, NULL, NULL };
	struct json_object *event = NULL;
	enum svix_result sr;
	char key[96], hash[65], msg[200];
	redisReply *r;
	size_t i;

	if (app->cfg->clerk_webhook_secret[0] == '\0') {
		log_msg(LOG_ERROR, req->request_id, "a Clerk webhook arrived, but CLERK_WEBHOOK_SIGNING_SECRET is not set");
		res_header(res, "Retry-After", "60");
		res_error(res, 503, "not_configured", "Webhooks are not configured here yet; try again later.");
		return;
	}
	sr = svix_verify(app->cfg->clerk_webhook_secret, &m, (long long)time(NULL));
	if (sr != SVIX_OK) {
		log_msg(LOG_WARN, req->request_id, "Clerk webhook refused: %s", svix_result_text(sr));
		audit_write(app, req, "auth_failure", "401", svix_result_text(sr));
		snprintf(msg, sizeof msg, "The webhook is refused: %s.", svix_result_text(sr));
		res_error(res, 401, "invalid_signature", msg);
		return;
	}
	snprintf(req->identity.actor, sizeof req->identity.actor, "webhook:clerk");
	/* Marked before it is processed, so two deliveries at once cannot
	 * both act; unmarked again when processing fails. */
	digest_sha256_hex(m.id, strlen(m.id), hash);
	snprintf(key, sizeof key, "sentia:webhook:svix:%s", hash);
	r = kv_command(&app->kv, "SET %s 1 NX EX %d", key, SEEN_SECONDS);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		res_unavailable(res, "Redis", r != NULL ? r->str : app->kv.error);
		freeReplyObject(r);
		return;
	}
	if (r->type == REDIS_REPLY_NIL) {
		freeReplyObject(r);
		log_msg(LOG_INFO, req->request_id, "Clerk webhook %.128s delivered again: already processed", m.id);
		res_json_text(res, 200, "{\"received\":true,\"duplicate\":true}");
		return;
	}
	freeReplyObject(r);
	event = parse_event(&req->body, &d.type, &d.data);
	if (event == NULL) {
		unmark(app, key);
		res_error(res, 400, "invalid_body", "The event is not a JSON object with a \"type\" and a \"data\" object.");
		return;
	}
	for (i = 0; i < sizeof clerk_events / sizeof clerk_events[0] && strcmp(clerk_events[i].type, d.type) != 0; i++)
		;
	d.answer = json_object_new_object();
	json_object_object_add(d.answer, "received", json_object_new_boolean(1));
	json_object_object_add(d.answer, "type", json_object_new_string(d.type));
	if (i == sizeof clerk_events / sizeof clerk_events[0]) {
		log_msg(LOG_DEBUG, req->request_id, "Clerk webhook of type %.64s ignored", d.type);
		json_object_object_add(d.answer, "ignored", json_object_new_boolean(1));
	} else if (clerk_events[i].run(&d) != 0) {
		unmark(app, key);
		json_object_put(d.answer);
		json_object_put(event);
		return;
	}
	res_json(res, 200, d.answer);
	json_object_put(event);
}
