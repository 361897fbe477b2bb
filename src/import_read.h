/* import_read: reading an import document, CSV or JSON, row by row, as
 * the same fields per row; internal to the import module. */
#ifndef SENTIA_IMPORT_READ_H
#define SENTIA_IMPORT_READ_H

#include <json-c/json.h>

#include "csv.h"
#include "import.h"

/* One field of a row, by the type's column index. */
struct import_field {
	const char *s;
	size_t len;
	int given;          /* the document has this column (JSON: this key) */
	const char *bad;    /* JSON: why the value cannot be used, or NULL */
};

/* A document being read, row by row. */
struct import_reader {
	const struct import_type *type;
	enum import_format format;
	/* CSV */
	struct csv_reader csv;
	int header_map[CSV_MAX_FIELDS];  /* document column -> type column */
	size_t header_n;
	/* JSON */
	struct json_object *root;
	size_t next, count;
	char numbuf[16][40];             /* JSON numbers as text, per column */
};

/* Opens a document for reading and checks its shape: a CSV header that
 * names every required column and no unknown one, or a JSON array of
 * objects whose keys are all columns. Returns 0, or -1 with a message for
 * the client in why. The reader must be closed either way. */
int import_reader_open(struct import_reader *r, const struct import_type *t, enum import_format format,
                       const char *data, size_t len, struct buf *why);
void import_reader_close(struct import_reader *r);
/* Reads the next row into f (one per column). Returns 1 with a row, 0 at
 * the end, -1 for a record that cannot be read at all (why says why, and
 * *bad_col the column, or -1); *line is where the row starts. */
int import_reader_next(struct import_reader *r, struct import_field *f, unsigned long *line, const char **why,
                       int *bad_col);

#endif
