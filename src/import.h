/* import: bringing a manufacturer's data in. A document (CSV or JSON) is
 * checked for shape and stored durably when it is accepted; processing
 * then validates every row, bulk-loads the good ones with COPY and merges
 * them on each table's natural key, so running it again changes nothing. */
#ifndef SENTIA_IMPORT_H
#define SENTIA_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "db.h"

/* The data-freshness objective: a source is fresh while its last
 * successful import is younger than this. */
#define FRESHNESS_SLO_SECONDS 1800

enum import_format { IMPORT_CSV, IMPORT_JSON };
enum import_mode { IMPORT_ALL_OR_NOTHING, IMPORT_SKIP_INVALID };

/* The kinds of value a column holds, and how each is checked. */
enum col_kind {
	COL_TEXT,          /* UTF-8 without control characters, up to max characters */
	COL_SKU,           /* a product code: letters, digits and ._/- */
	COL_PRODUCT,       /* an existing product's SKU; loaded as its id */
	COL_CHANNEL,       /* an existing channel's name; loaded as its id */
	COL_CHANNEL_TYPE,  /* one of the channel types */
	COL_INT,           /* an integer from min to max */
	COL_DECIMAL,       /* up to 4 places, from min to max (both scaled by 10^4) */
	COL_DATE,          /* YYYY-MM-DD, a real calendar day */
	COL_CURRENCY,      /* an ISO 4217 code; empty means BASE_CURRENCY */
};

#define COL_OPTIONAL 0x1u  /* the column may be left out of a document */
#define COL_EMPTY_OK 0x2u  /* the field may be empty: '' for text, NULL otherwise */

/* One column of an import type, as documents name it. */
struct import_column {
	const char *name;
	enum col_kind kind;
	unsigned flags;
	int64_t min, max;      /* for COL_INT and COL_DECIMAL; max characters for text */
};

/* The values of one row after its fields were checked, by column. */
struct import_row {
	int64_t num[16];       /* ints, ids, days, decimals * 10^4 */
	int present[16];       /* 1 when the field was given and not empty */
};

/* One import type: its columns (in the order they are staged), its
 * natural key, a check across fields, and the SQL that stages and merges
 * its rows. */
struct import_type {
	const char *name;
	const struct import_column *cols;
	size_t ncols;
	const int *key;        /* column indexes of the natural key */
	size_t nkey;
	/* Returns NULL when the row is consistent, else the reason, and the
	 * column it concerns in *col. */
	const char *(*row_check)(const struct import_row *row, int *col);
	const char *stage_columns;  /* the temporary table's column definitions */
	const char *merge_sql;      /* reads import_stage; $1 is the import id */
};

/* Every import type, one row each (import_types.c). */
extern const struct import_type import_types[];
extern const size_t import_ntypes;

/* The type called name, or NULL. */
const struct import_type *import_type_find(const char *name);
/* The column of t called name (len bytes): its index, or -1. */
int import_column_find(const struct import_type *t, const char *name, size_t len);

/* An upload as the API or sentiactl hands it over. */
struct import_request {
	const struct import_type *type;
	enum import_format format;
	enum import_mode mode;
	const char *source;           /* the data source's name */
	const char *source_kind;      /* "upload", "cli" or "demo" */
	const char *idempotency_key;  /* or NULL */
	const char *content_type;
	const char *data;
	size_t len;
	const char *created_by;       /* who made it: "user:<id>", "key:<name>", "operator:<login>"; or NULL */
};

/* Whether a data source name is acceptable: 1 to 64 of letters, digits
 * and ._- starting with a letter or digit. */
int import_source_name_ok(const char *s);

/* Checks the document's shape: its header (CSV) or structure and keys
 * (JSON). Returns 0, or -1 with a message for the client in why. */
int import_check_shape(const struct import_request *rq, struct buf *why);

/* What import_accept did. */
enum import_accepted {
	IMPORT_NEW,          /* stored; to be processed */
	IMPORT_REPLAY,       /* the Idempotency-Key named an earlier, identical upload */
	IMPORT_KEY_CONFLICT, /* the key named a different upload */
	IMPORT_UNAVAILABLE,  /* PostgreSQL could not store it */
};

/* Stores the document and its import record in one transaction. Sets *id
 * to the new (or replayed) import. */
enum import_accepted import_accept(struct db *db, const struct import_request *rq, int64_t *id);

/* What import_process did. */
enum import_run {
	IMPORT_DONE,         /* processed now, or already finished */
	IMPORT_BUSY,         /* another process is working on it */
	IMPORT_RETRY,        /* PostgreSQL failed; the import stays to be resumed */
	IMPORT_MISSING,      /* no such import */
};

/* Settings of processing. */
struct import_settings {
	const char *base_currency;
	long max_errors;             /* bad rows recorded per import */
	const char *worker;          /* who processes, for the record: "host:pid" */
};

/* Processes one import from its stored document, under an advisory lock
 * held by this connection (so a process that dies mid-import releases it
 * at once and the import can be taken up again from the start). */
enum import_run import_process(struct db *db, int64_t id, const struct import_settings *s);

#endif
