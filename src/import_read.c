/* import_read: CSV through the csv reader and a header that maps its
 * columns, JSON through json-c; both give rows as fields by column. */
#include "ac-config.h"

#include "import_read.h"

#include <stdio.h>
#include <string.h>

/* Maps a CSV header to the type's columns. Returns 0, or -1 with why. */
static int read_header(struct import_reader *r, struct buf *why)
{
	int seen[CSV_MAX_FIELDS] = { 0 };
	int rc = csv_next(&r->csv);

	if (rc == CSV_END) {
		buf_puts(why, "The document is empty: a CSV import starts with a header row.");
		return -1;
	}
	if (rc == CSV_ERROR) {
		buf_printf(why, "The header row (line %lu) is malformed: %s.", r->csv.error_line, r->csv.error);
		return -1;
	}
	r->header_n = r->csv.nfields;
	for (size_t i = 0; i < r->csv.nfields; i++) {
		const struct csv_field *f = &r->csv.fields[i];
		int col = import_column_find(r->type, f->s, f->len);

		if (col < 0) {
			buf_printf(why, "Unknown column \"%.*s\" for a %s import; its columns are:", (int)(f->len > 64 ? 64 : f->len),
			           f->s, r->type->name);
			for (size_t c = 0; c < r->type->ncols; c++)
				buf_printf(why, "%s %s", c ? "," : "", r->type->cols[c].name);
			buf_putc(why, '.');
			return -1;
		}
		if (seen[col]++) {
			buf_printf(why, "Column \"%s\" appears twice in the header.", r->type->cols[col].name);
			return -1;
		}
		r->header_map[i] = col;
	}
	for (size_t c = 0; c < r->type->ncols; c++)
		if (!seen[c] && !(r->type->cols[c].flags & COL_OPTIONAL)) {
			buf_printf(why, "Missing column \"%s\": a %s import needs", r->type->cols[c].name, r->type->name);
			for (size_t k = 0, first = 1; k < r->type->ncols; k++)
				if (!(r->type->cols[k].flags & COL_OPTIONAL)) {
					buf_printf(why, "%s %s", first ? "" : ",", r->type->cols[k].name);
					first = 0;
				}
			buf_putc(why, '.');
			return -1;
		}
	return 0;
}

/* Parses a JSON document and checks that it is an array of objects whose
 * keys are all columns of the type. */
static int read_json(struct import_reader *r, const char *data, size_t len, struct buf *why)
{
	struct json_tokener *tok = json_tokener_new_ex(8);
	enum json_tokener_error jerr;

	if (tok == NULL)
		return -1;
	if (len == 0) {
		buf_puts(why, "The document is empty: a JSON import is an array of objects.");
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	r->root = json_tokener_parse_ex(tok, data, (int)len);
	jerr = json_tokener_get_error(tok);
	if (r->root == NULL || jerr != json_tokener_success || json_tokener_get_parse_end(tok) != len) {
		if (jerr == json_tokener_continue)
			buf_puts(why, "The JSON document ends before it is complete.");
		else if (jerr != json_tokener_success)
			buf_printf(why, "The JSON document cannot be parsed at byte %zu: %s.", json_tokener_get_parse_end(tok),
			           json_tokener_error_desc(jerr));
		else
			buf_puts(why, "The JSON document has text after its end.");
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(r->root, json_type_array)) {
		buf_puts(why, "A JSON import is an array of objects, one per row.");
		return -1;
	}
	r->count = json_object_array_length(r->root);
	for (size_t i = 0; i < r->count; i++) {
		struct json_object *o = json_object_array_get_idx(r->root, i);

		if (!json_object_is_type(o, json_type_object)) {
			buf_printf(why, "Element %zu of the array is not an object.", i + 1);
			return -1;
		}
		json_object_object_foreach(o, key, val) {
			(void)val;
			if (import_column_find(r->type, key, strlen(key)) < 0) {
				buf_printf(why, "Element %zu has an unknown key \"%.64s\" for a %s import.", i + 1, key, r->type->name);
				return -1;
			}
		}
	}
	return 0;
}

int import_reader_open(struct import_reader *r, const struct import_type *t, enum import_format format,
                       const char *data, size_t len, struct buf *why)
{
	memset(r, 0, sizeof *r);
	r->type = t;
	r->format = format;
	if (format == IMPORT_JSON)
		return read_json(r, data, len, why);
	csv_init(&r->csv, data, len);
	return read_header(r, why);
}

void import_reader_close(struct import_reader *r)
{
	if (r->format == IMPORT_CSV)
		csv_free(&r->csv);
	json_object_put(r->root);
	r->root = NULL;
}

int import_reader_next(struct import_reader *r, struct import_field *f, unsigned long *line, const char **why, int *bad_col)
{
	memset(f, 0, sizeof *f * r->type->ncols);
	*bad_col = -1;
	if (r->format == IMPORT_CSV) {
		int rc = csv_next(&r->csv);

		if (rc == CSV_END)
			return 0;
		*line = r->csv.line;
		if (rc == CSV_ERROR) {
			if (r->csv.error_field >= 0 && (size_t)r->csv.error_field < r->header_n)
				*bad_col = r->header_map[r->csv.error_field];
			*why = r->csv.error;
			return -1;
		}
		if (r->csv.nfields != r->header_n) {
			*why = r->csv.nfields < r->header_n ? "fewer fields than the header has columns"
			                                     : "more fields than the header has columns";
			return -1;
		}
		for (size_t i = 0; i < r->header_n; i++) {
			struct import_field *x = &f[r->header_map[i]];

			x->s = r->csv.fields[i].s;
			x->len = r->csv.fields[i].len;
			x->given = 1;
		}
		return 1;
	}
	if (r->next >= r->count)
		return 0;
	*line = r->next + 1;
	{
		struct json_object *o = json_object_array_get_idx(r->root, r->next++);

		json_object_object_foreach(o, key, val) {
			int col = import_column_find(r->type, key, strlen(key));
			struct import_field *x = &f[col];

			x->given = 1;
			switch (json_object_get_type(val)) {
			case json_type_null:
				x->s = "";
				break;
			case json_type_string:
				x->s = json_object_get_string(val);
				x->len = (size_t)json_object_get_string_len(val);
				break;
			case json_type_int:
			case json_type_double:
				/* json-c keeps a parsed number's own text, so 12.50
				 * stays 12.50 rather than going through a double. */
				snprintf(r->numbuf[col], sizeof r->numbuf[col], "%s", json_object_to_json_string(val));
				x->s = r->numbuf[col];
				x->len = strlen(x->s);
				break;
			default:
				x->s = "";
				x->bad = "expected a string or a number";
				break;
			}
		}
	}
	return 1;
}

int import_check_shape(const struct import_request *rq, struct buf *why)
{
	struct import_reader r;
	int rc = import_reader_open(&r, rq->type, rq->format, rq->data, rq->len, why);

	import_reader_close(&r);
	return rc;
}

