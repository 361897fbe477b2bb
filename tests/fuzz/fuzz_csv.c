/* fuzz_csv: an import document as an upload brings it. The first byte
 * picks the import type and the format (CSV or JSON); the rest is the
 * document, read three ways: record by record with the CSV reader, row by
 * row through import_reader (header or JSON shape, then fields), and each
 * field through the value checks its column's kind calls for, then the
 * type's check across fields. */
#include "ac-config.h"

#include "civil.h"
#include "csv.h"
#include "fuzz.h"
#include "import.h"
#include "import_read.h"
#include "value.h"

/* The checks import.c's check_field makes, for the kinds that need no
 * database. */
static int check_field(const struct import_column *c, const struct import_field *f, int64_t *num)
{
	int32_t days;
	char tmp[32];

	if (f->bad != NULL || f->len == 0)
		return -1;
	switch (c->kind) {
	case COL_TEXT:
	case COL_SKU:
	case COL_PRODUCT:
	case COL_CHANNEL:
	case COL_CHANNEL_TYPE:
		return value_text(f->s, f->len, c->kind == COL_TEXT ? (size_t)c->max : 64) == VALUE_OK ? 0 : -1;
	case COL_INT:
		return value_int(f->s, f->len, c->min, c->max, num) == VALUE_OK ? 0 : -1;
	case COL_DECIMAL:
		if (value_decimal(f->s, f->len, INT64_MIN, INT64_MAX, num) != VALUE_OK)
			return -1;
		value_decimal_format(*num, tmp);
		return 0;
	case COL_DATE:
		if (value_date(f->s, f->len, &days) != VALUE_OK)
			return -1;
		*num = days;
		civil_format(days, tmp);
		return 0;
	case COL_CURRENCY:
		return value_currency(f->s, f->len) == VALUE_OK ? 0 : -1;
	}
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct import_type *t;
	enum import_format format;
	struct csv_reader csv;
	struct import_reader r;
	struct import_field f[16];
	struct buf why = BUF_INIT;
	const char *doc;
	size_t len;
	unsigned long line;
	const char *bad;
	int col, rc, rows = 0;

	if (size < 1)
		return 0;
	t = &import_types[data[0] % import_ntypes];
	format = (data[0] & 0x80) ? IMPORT_JSON : IMPORT_CSV;
	doc = (const char *)data + 1;
	len = size - 1;

	csv_init(&csv, doc, len);
	while ((rc = csv_next(&csv)) != CSV_END && rows++ < 100000)
		for (size_t i = 0; rc == CSV_RECORD && i < csv.nfields; i++)
			(void)value_utf8(csv.fields[i].s, csv.fields[i].len);
	csv_free(&csv);

	if (import_reader_open(&r, t, format, doc, len, &why) == 0) {
		while ((rc = import_reader_next(&r, f, &line, &bad, &col)) != 0) {
			struct import_row row;
			int ok = 1;

			if (rc < 0)
				continue;
			memset(&row, 0, sizeof row);
			for (size_t c = 0; c < t->ncols; c++) {
				if (check_field(&t->cols[c], &f[c], &row.num[c]) < 0) {
					ok = ok && (t->cols[c].flags & COL_EMPTY_OK) && f[c].len == 0 && f[c].bad == NULL;
					continue;
				}
				row.present[c] = 1;
			}
			if (ok && t->row_check != NULL)
				(void)t->row_check(&row, &col);
		}
	}
	import_reader_close(&r);
	buf_free(&why);
	return 0;
}
