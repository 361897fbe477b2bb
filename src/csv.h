/* csv: an RFC 4180 record reader over a document held in memory. */
#ifndef SENTIA_CSV_H
#define SENTIA_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* What csv_next found. */
enum csv_status {
	CSV_RECORD = 0,   /* fields holds the next record */
	CSV_END = 1,      /* no record is left; later calls say so again */
	CSV_ERROR = -1    /* a malformed record, skipped; error says why */
};

/* The most fields one record may have; a record with more is an error. */
#define CSV_MAX_FIELDS 64

/* One field of the current record, not NUL-terminated. A field that
 * points into the document lives as long as the document; one copied into
 * scratch (see in_scratch) only until the next csv_next or csv_free. */
struct csv_field {
	const char *s;
	size_t len;
};

/* A reader of one document. The document is not copied: it must outlive
 * the reader. Fields point into the document itself, except for quoted
 * fields with doubled quotes, whose unescaped copies live in scratch. */
struct csv_reader {
	const char *p, *end;          /* what is left to read */
	unsigned long line;           /* physical line (1-based) the current record began on */
	unsigned long next_line;      /* physical line p is on */
	size_t nfields;               /* 0 after CSV_END and CSV_ERROR */
	struct csv_field fields[CSV_MAX_FIELDS];
	struct buf scratch;           /* unescaped copies of quoted fields of the current record */
	uint64_t in_scratch;          /* bit i set: field i is an unescaped copy in scratch */
	int error_field;              /* 0-based field index of the error, or -1 */
	unsigned long error_line;     /* physical line the error was found on, or 0 */
	char error[160];              /* a clear message for the last CSV_ERROR */
};

/* Starts reading the len bytes at data. A UTF-8 byte order mark at the
 * very start is skipped. The reader owns no memory until csv_next. */
void csv_init(struct csv_reader *r, const char *data, size_t len);
/* Reads the next record into r->fields and r->nfields and returns
 * CSV_RECORD, or returns CSV_END when the document is used up. Empty
 * physical lines are skipped but counted in r->line. On a malformed
 * record it returns CSV_ERROR with r->error, r->error_field and
 * r->error_line set, having skipped to the end of the physical line where
 * the problem is (or to the end of the document for an unterminated
 * quote), so the caller may log it and call csv_next again. */
int csv_next(struct csv_reader *r);
/* Releases the reader's memory; the document is the caller's. */
void csv_free(struct csv_reader *r);

#endif
