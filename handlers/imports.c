/* imports: uploading data (POST /api/imports), following an import and
 * its bad rows, and the freshness of each data source. */
#include "ac-config.h"

#include "app.h"
#include "clock.h"
#include "import.h"
#include "log.h"
#include "queue.h"
#include "routes.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How many sources /metrics shows: the scoreboard's room for them. */
#define STRINGIFY(x) #x
#define TEXT_OF(x) STRINGIFY(x)
#define SOURCES_LIMIT TEXT_OF(SB_MAX_SOURCES)


/* Copies each data source's last success into the scoreboard, where
 * /metrics reads it without touching the database. */
void imports_refresh_sources(struct app *app)
{
	struct sb_sources *t = &app->sb->sources;
	struct db_query q = { "SELECT name, extract(epoch FROM last_success_at)::bigint FROM data_sources"
	                      " WHERE last_success_at IS NOT NULL ORDER BY name LIMIT " SOURCES_LIMIT,
	                      0, NULL, NULL, NULL, 0, 2000, 0 };
	PGresult *r = db_run(&app->db, &q);

	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK && sb_write_begin(&t->lock) == 0) {
		t->n = PQntuples(r);
		for (int i = 0; i < t->n; i++) {
			snprintf(t->rows[i].name, sizeof t->rows[i].name, "%s", PQgetvalue(r, i, 0));
			t->rows[i].last_success = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		}
		sb_write_end(&t->lock, clock_mono_ms());
	}
	PQclear(r);
}

/* Adds a column as a JSON value: NULL as null, numbers as numbers. */
static void add_col(struct json_object *o, const char *name, PGresult *r, int row, int col, int numeric)
{
	struct json_object *v = NULL;

	if (!PQgetisnull(r, row, col))
		v = numeric ? json_object_new_int64(strtoll(PQgetvalue(r, row, col), NULL, 10))
		            : json_object_new_string(PQgetvalue(r, row, col));
	json_object_object_add(o, name, v);
}

#define IMPORT_COLUMNS \
	"i.id, i.type, s.name, i.format, i.mode, i.status, i.rows_read, i.rows_loaded, i.rows_rejected," \
	" i.rows_inserted, i.rows_updated, i.errors_stored, i.document_bytes, i.document_sha256, i.attempts," \
	" i.error, " DB_ISO_TIME("i.accepted_at") ", " DB_ISO_TIME("i.started_at") ", " DB_ISO_TIME("i.finished_at") "," \
	" (extract(epoch FROM i.finished_at - i.started_at) * 1000)::bigint, i.idempotency_key, i.created_by"

/* One import as the API shows it, from a row of IMPORT_COLUMNS. */
static struct json_object *import_json(PGresult *r, int row)
{
	struct json_object *o = json_object_new_object(), *rows = json_object_new_object();
	struct json_object *doc = json_object_new_object(), *links = json_object_new_object();
	char path[64];

	add_col(o, "id", r, row, 0, 1);
	add_col(o, "type", r, row, 1, 0);
	add_col(o, "source", r, row, 2, 0);
	add_col(o, "format", r, row, 3, 0);
	add_col(o, "mode", r, row, 4, 0);
	add_col(o, "status", r, row, 5, 0);
	add_col(rows, "read", r, row, 6, 1);
	add_col(rows, "loaded", r, row, 7, 1);
	add_col(rows, "rejected", r, row, 8, 1);
	add_col(rows, "inserted", r, row, 9, 1);
	add_col(rows, "updated", r, row, 10, 1);
	json_object_object_add(o, "rows", rows);
	add_col(o, "errors_recorded", r, row, 11, 1);
	add_col(doc, "bytes", r, row, 12, 1);
	add_col(doc, "sha256", r, row, 13, 0);
	json_object_object_add(o, "document", doc);
	add_col(o, "attempts", r, row, 14, 1);
	add_col(o, "error", r, row, 15, 0);
	add_col(o, "accepted_at", r, row, 16, 0);
	add_col(o, "started_at", r, row, 17, 0);
	add_col(o, "finished_at", r, row, 18, 0);
	add_col(o, "duration_ms", r, row, 19, 1);
	add_col(o, "idempotency_key", r, row, 20, 0);
	add_col(o, "created_by", r, row, 21, 0);
	snprintf(path, sizeof path, "/api/imports/%s", PQgetvalue(r, row, 0));
	json_object_object_add(links, "self", json_object_new_string(path));
	snprintf(path, sizeof path, "/api/imports/%s/errors", PQgetvalue(r, row, 0));
	json_object_object_add(links, "errors", json_object_new_string(path));
	json_object_object_add(o, "links", links);
	return o;
}

/* An error record as JSON, from id, line, column_name, value, reason. */
static struct json_object *error_json(PGresult *r, int row)
{
	struct json_object *e = json_object_new_object();

	add_col(e, "id", r, row, 0, 1);
	add_col(e, "line", r, row, 1, 1);
	add_col(e, "column", r, row, 2, 0);
	add_col(e, "value", r, row, 3, 0);
	add_col(e, "reason", r, row, 4, 0);
	return e;
}

/* Answers with one import and its first errors; 0, or -1 when PostgreSQL
 * failed (nothing is answered then). */
static int respond_import(struct app *app, struct response *res, int status, int64_t id)
{
	char idtext[24];
	const char *p[] = { idtext };
	PGresult *r, *e;
	struct json_object *o, *errs;

	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = db_exec(&app->db, "SELECT " IMPORT_COLUMNS " FROM imports i JOIN data_sources s ON s.id = i.source_id"
	                      " WHERE i.id = $1", 1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		res_error(res, 404, "not_found", "No such import.");
		return 0;
	}
	e = db_exec(&app->db, "SELECT id, line, column_name, value, reason FROM import_errors WHERE import_id = $1"
	                      " ORDER BY id LIMIT 10", 1, p);
	if (e == NULL || PQresultStatus(e) != PGRES_TUPLES_OK) {
		PQclear(r);
		PQclear(e);
		return -1;
	}
	o = import_json(r, 0);
	errs = json_object_new_array();
	for (int i = 0; i < PQntuples(e); i++)
		json_object_array_add(errs, error_json(e, i));
	json_object_object_add(o, "first_errors", errs);
	PQclear(r);
	PQclear(e);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, status, o);
	return 0;
}

/* The format a Content-Type names: 0 CSV, 1 JSON, -1 neither. A charset
 * other than UTF-8 is refused, since rows are checked as UTF-8. */
static int format_of(const char *ct)
{
	size_t n;
	const char *cs;
	int fmt;

	if (ct == NULL)
		return -1;
	n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	if ((n == 8 && strncasecmp(ct, "text/csv", 8) == 0) || (n == 15 && strncasecmp(ct, "application/csv", 15) == 0))
		fmt = IMPORT_CSV;
	else if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
		fmt = IMPORT_JSON;
	else
		return -1;
	cs = strcasestr(ct, "charset=");
	if (cs != NULL) {
		cs += 8;
		if (*cs == '"')
			cs++;
		if (strncasecmp(cs, "utf-8", 5) != 0 && strncasecmp(cs, "utf8", 4) != 0 && strncasecmp(cs, "us-ascii", 8) != 0)
			return -1;
	}
	return fmt;
}

/* Queues the processing of a stored import for sentia-worker. Once per
 * import (the dedupe key); should this fail, the worker holding the
 * scheduler adopts imports left without a job. */
static void queue_import(struct app *app, int64_t id)
{
	char payload[48], key[40];
	int64_t job;
	int created;

	snprintf(payload, sizeof payload, "{\"import_id\":%lld}", (long long)id);
	snprintf(key, sizeof key, "import:%lld", (long long)id);
	if (queue_enqueue(&app->db, &app->kv, "imports", "import.process", payload, key, &job, &created) != 0)
		log_warn("import %lld is stored but not queued yet (%s); a worker will adopt it", (long long)id, app->db.error);
}

/* POST /api/imports?type=T&source=S[&mode=M]: checks the document's
 * shape, stores it, answers 202 and processes it after the response. */
void imports_create(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct buf type = BUF_INIT, source = BUF_INIT, mode = BUF_INIT, why = BUF_INIT;
	struct import_request rq;
	const char *key = request_header(req, "Idempotency-Key");
	const char *ct = request_header(req, "Content-Type");
	int fmt = format_of(ct);
	int64_t id = 0;
	char msg[300], location[64];

	memset(&rq, 0, sizeof rq);
	if (request_query(req, "type", &type) != 1 || (rq.type = import_type_find(type.data)) == NULL) {
		snprintf(msg, sizeof msg, "Give the import type as ?type=, one of channels, products, sales, inventory,"
		                          " receivables, payables or balance_sheet.");
		res_error(res, 400, "invalid_type", msg);
		goto out;
	}
	if (request_query(req, "source", &source) != 1 || !import_source_name_ok(source.data)) {
		res_error(res, 400, "invalid_source", "Give the data source as ?source=, 1 to 64 letters, digits and ._-"
		                                      " starting with a letter or digit.");
		goto out;
	}
	switch (request_query(req, "mode", &mode)) {
	case 0:
		rq.mode = IMPORT_ALL_OR_NOTHING;
		break;
	case 1:
		if (strcmp(mode.data, "all_or_nothing") == 0) {
			rq.mode = IMPORT_ALL_OR_NOTHING;
			break;
		}
		if (strcmp(mode.data, "skip_invalid") == 0) {
			rq.mode = IMPORT_SKIP_INVALID;
			break;
		}
		/* fall through */
	default:
		res_error(res, 400, "invalid_mode", "The mode is all_or_nothing (the default) or skip_invalid.");
		goto out;
	}
	if (fmt < 0) {
		res_error(res, 415, "unsupported_media_type",
		          "Send the document as text/csv or application/json, in UTF-8.");
		goto out;
	}
	if (key != NULL && !request_key_valid(key)) {
		res_error(res, 400, "invalid_idempotency_key", "An Idempotency-Key is 1 to 255 printable ASCII characters.");
		goto out;
	}
	if (req->body.len == 0) {
		res_error(res, 400, "empty_document", "The request has no document: send the rows in the body.");
		goto out;
	}
	rq.format = (enum import_format)fmt;
	rq.source = source.data;
	rq.source_kind = "upload";
	rq.idempotency_key = key;
	rq.content_type = fmt == IMPORT_CSV ? "text/csv" : "application/json";
	rq.data = req->body.data;
	rq.len = req->body.len;
	rq.created_by = req->identity.actor;
	if (import_check_shape(&rq, &why) != 0) {
		res_error(res, 400, "invalid_document", why.data != NULL ? why.data : "The document cannot be read.");
		goto out;
	}
	switch (import_accept(&app->db, &rq, &id)) {
	case IMPORT_NEW:
		snprintf(location, sizeof location, "/api/imports/%lld", (long long)id);
		res_header(res, "Location", location);
		queue_import(app, id);
		if (respond_import(app, res, 202, id) != 0) {
			/* Stored, but the answer could not be read back: say what is
			 * known rather than fail an upload that succeeded. */
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "id", json_object_new_int64(id));
			json_object_object_add(o, "status", json_object_new_string("accepted"));
			res_json(res, 202, o);
		}
		break;
	case IMPORT_REPLAY:
		snprintf(location, sizeof location, "/api/imports/%lld", (long long)id);
		res_header(res, "Location", location);
		res_header(res, "Idempotent-Replayed", "true");
		if (respond_import(app, res, 202, id) != 0)
			res_unavailable(res, "PostgreSQL", app->db.error);
		break;
	case IMPORT_KEY_CONFLICT:
		res_error(res, 422, "idempotency_key_reused",
		          "This Idempotency-Key was used for a different upload; use a new key for a new upload.");
		break;
	case IMPORT_UNAVAILABLE:
	default:
		res_unavailable(res, "PostgreSQL", app->db.error);
		break;
	}
out:
	buf_free(&type);
	buf_free(&source);
	buf_free(&mode);
	buf_free(&why);
}

/* GET /api/imports/{id} */
void imports_get(struct request *req, struct response *res)
{
	int64_t id = request_parse_id(req->match.params[0].value);

	if (id == 0) {
		res_error(res, 400, "invalid_id", "An import id is a positive whole number.");
		return;
	}
	if (respond_import(req->app, res, 200, id) != 0)
		res_unavailable(res, "PostgreSQL", req->app->db.error);
}

/* Adds the link to a list's next page: a page as long as the limit may
 * have one after it; a shorter one is the last. */
static void set_next(struct json_object *o, int full, const char *link)
{
	json_object_object_add(o, "next", full ? json_object_new_string(link) : NULL);
}

/* GET /api/imports/{id}/errors?limit=N&after=ID: the bad rows, a page at
 * a time, in the order they were found. */
void imports_errors(struct request *req, struct response *res)
{
	struct app *app = req->app;
	int64_t id = request_parse_id(req->match.params[0].value), limit = 100, after = 0;
	char idtext[24], lim[24], aft[24];
	const char *p[] = { idtext, aft, lim };
	struct json_object *o, *arr;
	PGresult *r;
	int n;

	if (id == 0) {
		res_error(res, 400, "invalid_id", "An import id is a positive whole number.");
		return;
	}
	if (param_int(req, res, "limit", 1, 1000, &limit) != 0 || param_int(req, res, "after", 1, INT64_C(999999999999999999), &after) != 0)
		return;
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	snprintf(lim, sizeof lim, "%lld", (long long)limit);
	snprintf(aft, sizeof aft, "%lld", (long long)after);
	r = db_exec(&app->db, "SELECT e.id, e.line, e.column_name, e.value, e.reason, i.rows_rejected, i.errors_stored"
	                      " FROM imports i LEFT JOIN import_errors e ON e.import_id = i.id AND e.id > $2"
	                      " WHERE i.id = $1 ORDER BY e.id LIMIT $3", 3, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		res_unavailable(res, "PostgreSQL", app->db.error);
		return;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		res_error(res, 404, "not_found", "No such import.");
		return;
	}
	o = json_object_new_object();
	arr = json_object_new_array();
	n = PQntuples(r);
	json_object_object_add(o, "import_id", json_object_new_int64(id));
	add_col(o, "rows_rejected", r, 0, 5, 1);
	add_col(o, "errors_recorded", r, 0, 6, 1);
	for (int i = 0; i < n; i++)
		if (!PQgetisnull(r, i, 0))
			json_object_array_add(arr, error_json(r, i));
	json_object_object_add(o, "errors", arr);
	{
		char next[96];

		snprintf(next, sizeof next, "/api/imports/%lld/errors?after=%s&limit=%lld", (long long)id,
		         PQgetvalue(r, n - 1, 0), (long long)limit);
		set_next(o, json_object_array_length(arr) == (size_t)limit, next);
	}
	PQclear(r);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}

/* GET /api/imports?limit=N&before=ID: the most recent imports first. */
void imports_list(struct request *req, struct response *res)
{
	struct app *app = req->app;
	int64_t limit = 50, before = INT64_C(999999999999999999);
	char lim[24], bef[24];
	const char *p[] = { bef, lim };
	struct json_object *o, *arr;
	PGresult *r;
	int n;

	if (param_int(req, res, "limit", 1, 500, &limit) != 0 || param_int(req, res, "before", 1, before, &before) != 0)
		return;
	snprintf(lim, sizeof lim, "%lld", (long long)limit);
	snprintf(bef, sizeof bef, "%lld", (long long)before);
	r = db_exec(&app->db, "SELECT " IMPORT_COLUMNS " FROM imports i JOIN data_sources s ON s.id = i.source_id"
	                      " WHERE i.id < $1 ORDER BY i.id DESC LIMIT $2", 2, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		res_unavailable(res, "PostgreSQL", app->db.error);
		return;
	}
	o = json_object_new_object();
	arr = json_object_new_array();
	n = PQntuples(r);
	for (int i = 0; i < n; i++)
		json_object_array_add(arr, import_json(r, i));
	json_object_object_add(o, "imports", arr);
	if (n > 0) {
		char next[96];

		snprintf(next, sizeof next, "/api/imports?before=%s&limit=%lld", PQgetvalue(r, n - 1, 0), (long long)limit);
		set_next(o, n == limit, next);
	} else {
		set_next(o, 0, NULL);
	}
	PQclear(r);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}

/* GET /api/data-sources: each source, when it last loaded data, and
 * whether that is within the freshness objective. */
void data_sources_list(struct request *req, struct response *res)
{
	struct app *app = req->app;
	struct json_object *o, *arr;
	PGresult *r;

	r = db_exec(&app->db, "SELECT s.name, s.kind, " DB_ISO_TIME("s.created_at") ", " DB_ISO_TIME("s.last_import_at") ", "
	                      DB_ISO_TIME("s.last_success_at") ", extract(epoch FROM now() - s.last_success_at)::bigint,"
	                      " s.last_error, " DB_ISO_TIME("s.last_error_at") ","
	                      " (SELECT count(*) FROM imports i WHERE i.source_id = s.id)"
	                      " FROM data_sources s ORDER BY s.name", 0, NULL);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		res_unavailable(res, "PostgreSQL", app->db.error);
		return;
	}
	o = json_object_new_object();
	arr = json_object_new_array();
	for (int i = 0; i < PQntuples(r); i++) {
		struct json_object *s = json_object_new_object();
		int never = PQgetisnull(r, i, 5);

		add_col(s, "name", r, i, 0, 0);
		add_col(s, "kind", r, i, 1, 0);
		add_col(s, "created_at", r, i, 2, 0);
		add_col(s, "last_import_at", r, i, 3, 0);
		add_col(s, "last_success_at", r, i, 4, 0);
		add_col(s, "freshness_seconds", r, i, 5, 1);
		json_object_object_add(s, "fresh", json_object_new_boolean(!never && strtoll(PQgetvalue(r, i, 5), NULL, 10)
		                                                                      < FRESHNESS_SLO_SECONDS));
		add_col(s, "last_error", r, i, 6, 0);
		add_col(s, "last_error_at", r, i, 7, 0);
		add_col(s, "imports", r, i, 8, 1);
		json_object_array_add(arr, s);
	}
	PQclear(r);
	json_object_object_add(o, "freshness_objective_seconds", json_object_new_int(FRESHNESS_SLO_SECONDS));
	json_object_object_add(o, "data_sources", arr);
	res_header(res, "Cache-Control", "no-store");
	res_json(res, 200, o);
}
