/* import: the life of an import. Accepting stores the document and its
 * record in one transaction; processing reads it back, checks each row
 * against its type's table, and in one transaction records the bad rows,
 * COPYs the good ones into a temporary table and merges them. */
#include "ac-config.h"

#include "import.h"
#include "civil.h"
#include "clock.h"
#include "digest.h"
#include "import_read.h"
#include "locks.h"
#include "log.h"
#include "strmap.h"
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A process gives up on an import that has failed this many times (a
 * document that crashes the process, say) rather than retry for ever. */
#define IMPORT_MAX_ATTEMPTS 5
/* Statements of a large import may take minutes, not the API's seconds. */
#define IMPORT_STATEMENT_MS 600000L
/* A bad value is recorded up to this many bytes. */
#define ERROR_VALUE_MAX 200

static const char *const format_names[] = { "csv", "json" };
static const char *const mode_names[] = { "all_or_nothing", "skip_invalid" };
static const char *const channel_types[] = { "retail", "wholesale", "ecommerce", "distributor", "direct", "other" };

int import_source_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return 0;
	}
	return 1;
}

/* Whether a SKU has only letters, digits and ._/- and starts with a letter
 * or digit (the products table checks the same). */
static int sku_ok(const char *s, size_t n)
{
	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-' && c != '/')))
			return 0;
	}
	return 1;
}

/* ---- Checking rows: each good row becomes one line of COPY text. ---- */

/* The work of one processing run. */
struct job {
	int64_t id;
	const struct import_type *type;
	const struct import_settings *set;
	struct strmap products;      /* SKU -> id */
	struct strmap channels;      /* name -> id */
	struct strmap seen;          /* natural key -> line, for duplicates */
	struct buf stage;            /* COPY text of the good rows */
	struct buf errors;           /* COPY text of import_errors rows */
	struct buf key;              /* the natural key of the row in hand */
	char id_text[24];
	long rows_read, rows_loaded, rows_rejected, errors_stored;
};

/* Appends s as a COPY text-format value: backslash and the characters
 * that end a value or row are escaped. */
static void copy_text(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *esc = NULL;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		buf_append(b, s + start, i - start);
		buf_puts(b, esc);
		start = i + 1;
	}
	buf_append(b, s + start, n - start);
}

/* Appends a bad value for the error record: at most ERROR_VALUE_MAX
 * bytes, cut at a character boundary, and any byte that is not UTF-8 (or
 * is a control character) shown as \xNN, so the record is always valid text. */
static void error_value(struct buf *b, const char *s, size_t n)
{
	struct buf v = BUF_INIT;

	for (size_t i = 0; i < n && v.len < ERROR_VALUE_MAX; ) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		if (c >= 0x20 && c != 0x7f && (c < 0x80 || (i + k <= n && value_utf8(s + i, k) == VALUE_OK))) {
			buf_append(&v, s + i, k);
			i += k;
		} else {
			buf_printf(&v, "\\x%02x", c);
			i++;
		}
	}
	copy_text(b, v.data != NULL ? v.data : "", v.len);
	buf_free(&v);
}

/* Records a bad row (the first problem found in it). */
static void reject(struct job *j, unsigned long line, int col, const char *value, size_t vlen, const char *reason)
{
	j->rows_rejected++;
	if (j->errors_stored >= j->set->max_errors)
		return;
	j->errors_stored++;
	buf_printf(&j->errors, "%s\t%lu\t", j->id_text, line);
	if (col >= 0)
		buf_puts(&j->errors, j->type->cols[col].name);
	else
		buf_puts(&j->errors, "\\N");
	buf_putc(&j->errors, '\t');
	if (value != NULL && vlen > 0)
		error_value(&j->errors, value, vlen);
	else if (value != NULL)
		buf_puts(&j->errors, "");
	else
		buf_puts(&j->errors, "\\N");
	buf_putc(&j->errors, '\t');
	copy_text(&j->errors, reason, strlen(reason));
	buf_putc(&j->errors, '\n');
}

/* Checks one field and appends its COPY value to the stage. Returns NULL,
 * or why the field is refused. */
static const char *check_field(struct job *j, const struct import_column *c, const struct import_field *f,
                               int64_t *num, int *present)
{
	struct buf *out = &j->stage;
	enum value_status st = VALUE_OK;
	char tmp[32];
	int32_t days;
	int64_t v;

	*present = f->len > 0;
	if (f->bad != NULL)
		return f->bad;
	if (f->len == 0) {
		if (!(c->flags & COL_EMPTY_OK))
			return f->given ? "empty; a value is required" : "missing; a value is required";
		if (c->kind == COL_CURRENCY)
			buf_puts(out, j->set->base_currency);
		else if (c->kind != COL_TEXT)
			buf_puts(out, "\\N");
		return NULL;
	}
	switch (c->kind) {
	case COL_TEXT:
		if ((st = value_text(f->s, f->len, (size_t)c->max)) != VALUE_OK)
			break;
		copy_text(out, f->s, f->len);
		return NULL;
	case COL_SKU:
		if (!sku_ok(f->s, f->len))
			return value_utf8(f->s, f->len) != VALUE_OK ? value_reason(VALUE_UTF8)
			       : "not a SKU (1 to 64 letters, digits and ._/-, starting with a letter or digit)";
		buf_append(out, f->s, f->len);
		return NULL;
	case COL_PRODUCT:
		if (!strmap_get(&j->products, f->s, f->len, &v))
			return value_utf8(f->s, f->len) != VALUE_OK ? value_reason(VALUE_UTF8) : "unknown SKU; import the product first";
		*num = v;
		buf_put_u64(out, (unsigned long long)v);
		return NULL;
	case COL_CHANNEL:
		if (!strmap_get(&j->channels, f->s, f->len, &v))
			return value_utf8(f->s, f->len) != VALUE_OK ? value_reason(VALUE_UTF8) : "unknown channel; import the channel first";
		*num = v;
		buf_put_u64(out, (unsigned long long)v);
		return NULL;
	case COL_CHANNEL_TYPE:
		for (size_t i = 0; i < sizeof channel_types / sizeof channel_types[0]; i++)
			if (strlen(channel_types[i]) == f->len && memcmp(channel_types[i], f->s, f->len) == 0) {
				buf_append(out, f->s, f->len);
				return NULL;
			}
		return "not a channel type (retail, wholesale, ecommerce, distributor, direct or other)";
	case COL_INT:
		if ((st = value_int(f->s, f->len, c->min, c->max, num)) != VALUE_OK)
			break;
		if (*num < 0)
			buf_putc(out, '-');
		buf_put_u64(out, (unsigned long long)(*num < 0 ? -*num : *num));
		return NULL;
	case COL_DECIMAL:
		if ((st = value_decimal(f->s, f->len, INT64_MIN, INT64_MAX, num)) != VALUE_OK)
			break;
		if (*num < c->min)
			return c->min > 0 ? "must be more than 0" : "must not be negative";
		if (*num > c->max)
			return "too large";
		value_decimal_format(*num, tmp);
		buf_puts(out, tmp);
		return NULL;
	case COL_DATE:
		if ((st = value_date(f->s, f->len, &days)) != VALUE_OK)
			break;
		*num = days;
		civil_format(days, tmp);
		buf_append(out, tmp, 10);
		return NULL;
	case COL_CURRENCY:
		if ((st = value_currency(f->s, f->len)) != VALUE_OK)
			break;
		buf_append(out, f->s, f->len);
		return NULL;
	}
	if (st == VALUE_RANGE && c->kind == COL_INT)
		return c->min >= 0 ? "out of range (a whole number of days from 0 to 365)" : value_reason(st);
	return value_reason(st);
}

/* Checks a whole row; a good one stays in the stage, a bad one is taken
 * back out and recorded. */
static void check_row(struct job *j, const struct import_field *f, unsigned long line)
{
	const struct import_type *t = j->type;
	size_t mark = j->stage.len;
	size_t start[16], end[16];
	struct import_row row;
	const char *why = NULL;
	int col = -1;
	int64_t first;

	j->rows_read++;
	for (size_t i = 0; i < t->ncols && why == NULL; i++) {
		if (i > 0)
			buf_putc(&j->stage, '\t');
		start[i] = j->stage.len;
		row.num[i] = 0;
		why = check_field(j, &t->cols[i], &f[i], &row.num[i], &row.present[i]);
		end[i] = j->stage.len;
		col = (int)i;
	}
	if (why == NULL && t->row_check != NULL)
		why = t->row_check(&row, &col);
	if (why == NULL) {
		/* The natural key, from the values as staged, so "7" and "7.0"
		 * are one key, as they are to PostgreSQL. */
		buf_reset(&j->key);
		for (size_t k = 0; k < t->nkey; k++) {
			int c = t->key[k];

			buf_append(&j->key, j->stage.data + start[c], end[c] - start[c]);
			buf_putc(&j->key, '\x1f');
		}
		if (strmap_put(&j->seen, j->key.data, j->key.len, (int64_t)line, &first) == 0) {
			struct buf m = BUF_INIT;

			buf_printf(&m, "a duplicate of line %lld: the same", (long long)first);
			for (size_t k = 0; k < t->nkey; k++)
				buf_printf(&m, "%s %s", k == 0 ? "" : (k + 1 == t->nkey ? " and" : ","), t->cols[t->key[k]].name);
			col = t->key[0];
			j->stage.len = mark;
			reject(j, line, col, f[col].s, f[col].len, m.data);
			buf_free(&m);
			return;
		}
	}
	if (why != NULL) {
		j->stage.len = mark;
		if (j->stage.data != NULL)
			j->stage.data[mark] = '\0';
		reject(j, line, col, col >= 0 ? f[col].s : NULL, col >= 0 ? f[col].len : 0, why);
		return;
	}
	buf_putc(&j->stage, '\n');
	j->rows_loaded++;
}

/* ---- Storing and processing. ---- */

/* Runs a statement for its effect; logs and returns -1 on failure. */
static int exec_ok(struct db *db, const char *sql, int n, const char *const *p)
{
	if (db_command(db, sql, n, p) == 0)
		return 0;
	log_warn("import: %s: %s", sql, db->error);
	return -1;
}

/* Finds the import an Idempotency-Key made and compares it with this
 * upload: the same type, source, mode and document make a replay. */
static enum import_accepted replay(struct db *db, const struct import_request *rq, const char *sum, int64_t *id)
{
	const char *p[] = { rq->idempotency_key };
	PGresult *r = db_exec(db, "SELECT i.id, i.type, s.name, i.mode, i.document_sha256 FROM imports i"
	                          " JOIN data_sources s ON s.id = i.source_id WHERE i.idempotency_key = $1", 1, p);
	enum import_accepted st = IMPORT_UNAVAILABLE;

	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		st = strcmp(PQgetvalue(r, 0, 1), rq->type->name) == 0 && strcmp(PQgetvalue(r, 0, 2), rq->source) == 0
		     && strcmp(PQgetvalue(r, 0, 3), mode_names[rq->mode]) == 0 && strcmp(PQgetvalue(r, 0, 4), sum) == 0
		     ? IMPORT_REPLAY : IMPORT_KEY_CONFLICT;
	}
	PQclear(r);
	return st;
}

enum import_accepted import_accept(struct db *db, const struct import_request *rq, int64_t *id)
{
	char sum[65], size[24], idtext[24];
	PGresult *r;
	int inserted;

	digest_sha256_hex(rq->data, rq->len, sum);
	snprintf(size, sizeof size, "%zu", rq->len);
	if (exec_ok(db, "BEGIN", 0, NULL) != 0)
		return IMPORT_UNAVAILABLE;
	/* A large document takes longer to store than an API statement may. */
	if (exec_ok(db, "SET LOCAL statement_timeout = '60s'", 0, NULL) != 0)
		goto fail;
	{
		const char *p[] = { rq->source, rq->source_kind };

		r = db_exec(db, "INSERT INTO data_sources (name, kind) VALUES ($1, $2)"
		                " ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id", 2, p);
		if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
			log_warn("import: storing the data source: %s", r != NULL ? PQresultErrorMessage(r) : db->error);
			PQclear(r);
			goto fail;
		}
		snprintf(idtext, sizeof idtext, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	{
		const char *p[] = { idtext, rq->type->name, format_names[rq->format], mode_names[rq->mode],
		                    rq->idempotency_key, sum, size, rq->created_by };

		r = db_exec(db, "INSERT INTO imports (source_id, type, format, mode, idempotency_key, document_sha256,"
		                " document_bytes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
		                " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id", 8, p);
		if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
			log_warn("import: storing the import: %s", r != NULL ? PQresultErrorMessage(r) : db->error);
			PQclear(r);
			goto fail;
		}
		inserted = PQntuples(r) == 1;
		if (inserted)
			snprintf(idtext, sizeof idtext, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	if (!inserted) {
		/* The key is taken: by a committed import, since the insert waited
		 * for any transaction still making one. */
		exec_ok(db, "ROLLBACK", 0, NULL);
		return replay(db, rq, sum, id);
	}
	{
		const char *p[] = { idtext, rq->content_type, rq->data };
		const int lengths[] = { 0, 0, (int)rq->len };
		const int formats[] = { 0, 0, 1 };
		struct db_query q = { "INSERT INTO import_documents (import_id, content_type, content) VALUES ($1, $2, $3)",
		                      3, p, lengths, formats, 0, 70000, 0 };

		r = db_run(db, &q);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
			log_warn("import: storing the document: %s", r != NULL ? PQresultErrorMessage(r) : db->error);
			PQclear(r);
			goto fail;
		}
		PQclear(r);
	}
	if (exec_ok(db, "COMMIT", 0, NULL) != 0)
		return IMPORT_UNAVAILABLE;
	*id = strtoll(idtext, NULL, 10);
	return IMPORT_NEW;
fail:
	if (db->conn != NULL)
		db_command(db, "ROLLBACK", 0, NULL);
	return IMPORT_UNAVAILABLE;
}

/* Loads name -> id of a table into map. */
static int load_map(struct db *db, const char *sql, struct strmap *map)
{
	PGresult *r = db_exec(db, sql, 0, NULL);
	int n, rc = -1;

	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK) {
		n = PQntuples(r);
		rc = 0;
		for (int i = 0; i < n && rc == 0; i++)
			if (strmap_put(map, PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1),
			               strtoll(PQgetvalue(r, i, 0), NULL, 10), NULL) < 0)
				rc = -1;
	} else {
		log_warn("import: %s: %s", sql, r != NULL ? PQresultErrorMessage(r) : db->error);
	}
	PQclear(r);
	return rc;
}

/* Whether the type has a column of this kind. */
static int uses(const struct import_type *t, enum col_kind kind)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].kind == kind)
			return 1;
	return 0;
}

/* Records the end of an import that could not be read or loaded at all. */
static int finish_failed(struct db *db, const char *id, const char *why)
{
	const char *p[] = { id, why };

	return exec_ok(db, "WITH i AS (UPDATE imports SET status = 'failed', error = $2, finished_at = clock_timestamp()"
	                   " WHERE id = $1 RETURNING source_id)"
	                   " UPDATE data_sources SET last_import_at = clock_timestamp(), last_error = $2, last_error_at = clock_timestamp()"
	                   " WHERE id = (SELECT source_id FROM i)", 2, p);
}

/* The transaction that makes a processed import's outcome visible all at
 * once: its bad rows, its good rows merged, its record and its source. */
static enum import_run commit_job(struct db *db, struct job *j, enum import_mode mode)
{
	int load = j->rows_loaded > 0 && (mode == IMPORT_SKIP_INVALID || j->rows_rejected == 0);
	long long inserted = 0, updated = 0;
	const char *status;
	char stage_sql[1024], nums[6][24];
	PGresult *r;

	if (exec_ok(db, "BEGIN", 0, NULL) != 0)
		return IMPORT_RETRY;
	snprintf(stage_sql, sizeof stage_sql, "SET LOCAL statement_timeout = %ld", IMPORT_STATEMENT_MS); /* sql: constant */
	if (exec_ok(db, stage_sql, 0, NULL) != 0)
		goto retry;
	{
		const char *p[] = { j->id_text };

		if (exec_ok(db, "DELETE FROM import_errors WHERE import_id = $1", 1, p) != 0)
			goto retry;
	}
	if (j->errors.len > 0) {
		r = db_copy_in(db, "COPY import_errors (import_id, line, column_name, value, reason) FROM STDIN",
		               j->errors.data, j->errors.len, IMPORT_STATEMENT_MS + 10000);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK)
			goto sql_failed;
		PQclear(r);
	}
	if (load) {
		snprintf(stage_sql, sizeof stage_sql, "CREATE TEMPORARY TABLE import_stage (%s) ON COMMIT DROP", /* sql: constant */
		         j->type->stage_columns);
		if (exec_ok(db, stage_sql, 0, NULL) != 0)
			goto retry;
		r = db_copy_in(db, "COPY import_stage FROM STDIN", j->stage.data, j->stage.len, IMPORT_STATEMENT_MS + 10000);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK)
			goto sql_failed;
		PQclear(r);
		{
			const char *p[] = { j->id_text };
			struct buf sql = BUF_INIT;
			struct db_query q = { NULL, 1, p, NULL, NULL, 0, IMPORT_STATEMENT_MS + 10000, 0 };

			buf_printf(&sql, "WITH merged AS (%s) SELECT count(*) FILTER (WHERE inserted)," /* sql: constant */
			                 " count(*) FILTER (WHERE NOT inserted) FROM merged", j->type->merge_sql);
			q.sql = sql.data;
			r = db_run(db, &q);
			buf_free(&sql);
			if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK)
				goto sql_failed;
			inserted = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			updated = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
			PQclear(r);
		}
	}
	status = j->rows_rejected == 0 ? "completed" : load ? "completed_with_errors" : "failed";
	snprintf(nums[0], sizeof nums[0], "%ld", j->rows_read);
	snprintf(nums[1], sizeof nums[1], "%ld", load ? j->rows_loaded : 0);
	snprintf(nums[2], sizeof nums[2], "%ld", j->rows_rejected);
	snprintf(nums[3], sizeof nums[3], "%lld", inserted);
	snprintf(nums[4], sizeof nums[4], "%lld", updated);
	snprintf(nums[5], sizeof nums[5], "%ld", j->errors_stored);
	{
		char why[160], note[160];
		int failed = strcmp(status, "failed") == 0;
		const char *p[] = { j->id_text, status, nums[0], nums[1], nums[2], nums[3], nums[4], nums[5],
		                    failed ? why : NULL, j->rows_rejected > 0 ? (failed ? why : note) : NULL };

		snprintf(why, sizeof why, "%ld of %ld rows are invalid, and mode all_or_nothing loads none then",
		         j->rows_rejected, j->rows_read);
		snprintf(note, sizeof note, "%ld of %ld rows were invalid and skipped", j->rows_rejected, j->rows_read);
		if (exec_ok(db, "WITH i AS (UPDATE imports SET status = $2, rows_read = $3, rows_loaded = $4,"
		                " rows_rejected = $5, rows_inserted = $6, rows_updated = $7, errors_stored = $8,"
		                " error = $9, finished_at = clock_timestamp() WHERE id = $1 RETURNING source_id)"
		                " UPDATE data_sources SET last_import_at = clock_timestamp(),"
		                " last_success_at = CASE WHEN $2 <> 'failed' THEN clock_timestamp() ELSE last_success_at END,"
		                " last_error = CASE WHEN $10::text IS NOT NULL THEN $10 ELSE last_error END,"
		                " last_error_at = CASE WHEN $10::text IS NOT NULL THEN clock_timestamp() ELSE last_error_at END"
		                " WHERE id = (SELECT source_id FROM i)", 10, p) != 0)
			goto retry;
	}
	/* Behind a pooler the lock is on another connection, which may have
	 * failed while this one went on: another process may have the import
	 * now, so this run leaves the outcome to it. */
	if (!db_locks_held(db)) {
		log_warn("import %s: the connection holding its lock was lost; not committing", j->id_text);
		goto retry;
	}
	if (exec_ok(db, "COMMIT", 0, NULL) != 0)
		return IMPORT_RETRY;
	return IMPORT_DONE;

sql_failed:
	/* PostgreSQL refused the data (a constraint the checks above missed,
	 * say): the import fails with its message, rather than being retried
	 * for ever. A broken connection is retried instead. */
	if (r != NULL && db->conn != NULL) {
		char why[300];

		snprintf(why, sizeof why, "the database refused the rows: %s", PQresultErrorMessage(r));
		why[strcspn(why, "\n")] = '\0';
		PQclear(r);
		db_command(db, "ROLLBACK", 0, NULL);
		log_warn("import %s failed: %s", j->id_text, why);
		return finish_failed(db, j->id_text, why) == 0 ? IMPORT_DONE : IMPORT_RETRY;
	}
	PQclear(r);
retry:
	if (db->conn != NULL)
		db_command(db, "ROLLBACK", 0, NULL);
	return IMPORT_RETRY;
}

static void job_free(struct job *j)
{
	strmap_free(&j->products);
	strmap_free(&j->channels);
	strmap_free(&j->seen);
	buf_free(&j->stage);
	buf_free(&j->errors);
	buf_free(&j->key);
}

/* Reads the stored document and checks every row of it. */
static enum import_run run_job(struct db *db, struct job *j, enum import_format format, enum import_mode mode)
{
	const char *p[] = { j->id_text };
	struct db_query q = { "SELECT content FROM import_documents WHERE import_id = $1", 1, p, NULL, NULL, 1,
	                      IMPORT_STATEMENT_MS, 0 };
	PGresult *doc = db_run(db, &q);
	struct buf why = BUF_INIT;
	struct import_field f[16];
	struct import_reader rd;
	enum import_run rc;

	if (doc == NULL || PQresultStatus(doc) != PGRES_TUPLES_OK || PQntuples(doc) != 1) {
		log_warn("import %s: cannot read its document: %s", j->id_text,
		         doc != NULL ? PQresultErrorMessage(doc) : db->error);
		PQclear(doc);
		return IMPORT_RETRY;
	}
	if ((uses(j->type, COL_PRODUCT) && load_map(db, "SELECT id, sku FROM products", &j->products) != 0)
	    || (uses(j->type, COL_CHANNEL) && load_map(db, "SELECT id, name FROM channels", &j->channels) != 0)) {
		PQclear(doc);
		return IMPORT_RETRY;
	}
	if (import_reader_open(&rd, j->type, format, PQgetvalue(doc, 0, 0), (size_t)PQgetlength(doc, 0, 0), &why) != 0) {
		/* The shape was checked when it was accepted; only a document
		 * stored some other way gets here. */
		import_reader_close(&rd);
		PQclear(doc);
		rc = finish_failed(db, j->id_text, why.data != NULL ? why.data : "unreadable document") == 0
		     ? IMPORT_DONE : IMPORT_RETRY;
		buf_free(&why);
		return rc;
	}
	for (;;) {
		unsigned long line = 0;
		const char *bad = NULL;
		int col, got = import_reader_next(&rd, f, &line, &bad, &col);

		if (got == 0)
			break;
		if (got < 0) {
			j->rows_read++;
			reject(j, line, col, NULL, 0, bad);
			continue;
		}
		check_row(j, f, line);
	}
	import_reader_close(&rd);
	PQclear(doc);
	return commit_job(db, j, mode);
}

enum import_run import_process(struct db *db, int64_t id, const struct import_settings *s)
{
	struct job j;
	const char *p[2];
	enum import_format format;
	enum import_mode mode;
	enum import_run rc;
	PGresult *r;
	uint64_t t0 = 0;

	memset(&j, 0, sizeof j);
	j.id = id;
	j.set = s;
	snprintf(j.id_text, sizeof j.id_text, "%lld", (long long)id);
	p[0] = j.id_text;
	p[1] = s->worker;
	if (db_get(db) == NULL)
		return IMPORT_RETRY;
	switch (db_lock_try(db, LOCK_KEY(LOCK_IMPORT, id))) {
	case DB_LOCK_TAKEN: break;
	case DB_LOCK_BUSY: return IMPORT_BUSY;
	case DB_LOCK_UNAVAILABLE: return IMPORT_RETRY;
	}
	/* Under the lock: nobody else can move it on now. */
	r = db_exec(db, "UPDATE imports SET status = 'processing', started_at = now(), attempts = attempts + 1,"
	                " worker = $2 WHERE id = $1 AND status IN ('accepted', 'processing')"
	                " RETURNING type, format, mode, attempts", 2, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_warn("import %s: cannot start: %s", j.id_text, r != NULL ? PQresultErrorMessage(r) : db->error);
		PQclear(r);
		rc = IMPORT_RETRY;
		goto out;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		r = db_exec(db, "SELECT 1 FROM imports WHERE id = $1", 1, p);
		rc = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK ? (PQntuples(r) ? IMPORT_DONE : IMPORT_MISSING)
		     : IMPORT_RETRY;
		PQclear(r);
		goto out;
	}
	j.type = import_type_find(PQgetvalue(r, 0, 0));
	format = strcmp(PQgetvalue(r, 0, 1), "json") == 0 ? IMPORT_JSON : IMPORT_CSV;
	mode = strcmp(PQgetvalue(r, 0, 2), "skip_invalid") == 0 ? IMPORT_SKIP_INVALID : IMPORT_ALL_OR_NOTHING;
	if (atoi(PQgetvalue(r, 0, 3)) > IMPORT_MAX_ATTEMPTS || j.type == NULL) {
		PQclear(r);
		rc = finish_failed(db, j.id_text, j.type == NULL ? "unknown import type"
		                   : "processing was cut short too many times (the process stopped or lost"
		                     " PostgreSQL each time); upload the document again") == 0 ? IMPORT_DONE : IMPORT_RETRY;
		goto out;
	}
	PQclear(r);
	t0 = clock_mono_ms();
	rc = run_job(db, &j, format, mode);
	if (rc == IMPORT_DONE) {
		struct log_field lf[] = {
			{ "import_id", NULL, (double)id },
			{ "type", j.type->name, 0 },
			{ "rows_read", NULL, (double)j.rows_read },
			{ "rows_rejected", NULL, (double)j.rows_rejected },
			{ "duration_ms", NULL, (double)(clock_mono_ms() - t0) },
		};
		log_fields(LOG_INFO, NULL, "import processed", lf, 5);
	}
out:
	job_free(&j);
	db_unlock(db, LOCK_KEY(LOCK_IMPORT, id));
	return rc;
}
