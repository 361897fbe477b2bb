/* csv: an RFC 4180 record reader over a document held in memory. */
#include "ac-config.h"

#include "csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Which bytes end a run of plain text inside a field: outside quotes a
 * comma, a quote, CR, LF and NUL; inside quotes a quote, LF (to count
 * lines) and NUL. Everything else is copied through untouched. */
enum { STOP_UNQUOTED = 1, STOP_QUOTED = 2 };

static const unsigned char stops[256] = {
	['\0'] = STOP_UNQUOTED | STOP_QUOTED,
	['\n'] = STOP_UNQUOTED | STOP_QUOTED,
	['\r'] = STOP_UNQUOTED,
	['"'] = STOP_UNQUOTED | STOP_QUOTED,
	[','] = STOP_UNQUOTED,
};

/* The first byte at or after p that is a stop of the given kind, or end.
 * A table lookup per byte, four at a time, beats memchr here: most fields
 * are a few bytes long and there are several bytes to look for. */
static inline const char *scan(const char *p, const char *end, unsigned mask)
{
	while (end - p >= 4) {
		if (stops[(unsigned char)p[0]] & mask)
			return p;
		if (stops[(unsigned char)p[1]] & mask)
			return p + 1;
		if (stops[(unsigned char)p[2]] & mask)
			return p + 2;
		if (stops[(unsigned char)p[3]] & mask)
			return p + 3;
		p += 4;
	}
	while (p < end && !(stops[(unsigned char)*p] & mask))
		p++;
	return p;
}

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof *r);
	if (data == NULL)
		data = "";
	r->p = data;
	r->end = data + len;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
	r->next_line = 1;
	r->line = 1;
	r->error_field = -1;
}

/* Records a malformed record found at `at` in field `field` and skips to
 * the end of that physical line, so the next call starts on a fresh one. */
__attribute__((format(printf, 4, 5)))
static int fail(struct csv_reader *r, const char *at, size_t field, const char *fmt, ...)
{
	const char *nl = at < r->end ? memchr(at, '\n', (size_t)(r->end - at)) : NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
	r->error_field = (int)field;
	r->error_line = r->next_line;
	r->nfields = 0;
	r->in_scratch = 0;
	if (nl != NULL) {
		r->p = nl + 1;
		r->next_line++;
	} else {
		r->p = r->end;
	}
	return CSV_ERROR;
}

int csv_next(struct csv_reader *r)
{
	const char *p = r->p, *end = r->end;
	struct buf *sc = &r->scratch;
	uint64_t in_scratch = 0;
	size_t n = 0;

	buf_reset(sc);
	r->nfields = 0;
	r->in_scratch = 0;
	r->error_field = -1;
	r->error_line = 0;
	r->error[0] = '\0';

	/* Empty physical lines carry no record; count them and go on. */
	for (;;) {
		if (p < end && *p == '\n') {
			p++;
		} else if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			p += 2;
		} else {
			break;
		}
		r->next_line++;
	}
	r->p = p;
	r->line = r->next_line;
	if (p == end)
		return CSV_END;

	for (;;) {
		const char *s, *q;
		size_t len;

		if (p < end && *p == '"') {
			/* A quoted field. It stays a view into the document unless
			 * it holds a doubled quote; then its unescaped text is built
			 * in scratch, one run of plain text at a time. */
			const char *run = p + 1;
			unsigned long open_line = r->next_line;
			size_t at = 0;
			int copied = 0;

			q = run;
			for (;;) {
				q = scan(q, end, STOP_QUOTED);
				if (q == end)
					return fail(r, end, n, "unterminated quoted field (its quote opens on line %lu)",
						    open_line);
				if (*q == '\n') {
					r->next_line++;
					q++;
					continue;
				}
				if (*q == '\0')
					return fail(r, q, n, "a NUL byte");
				if (q + 1 < end && q[1] == '"') {
					/* Keep one quote of the pair: copy up to and with it. */
					if (n < CSV_MAX_FIELDS) {
						if (!copied) {
							at = sc->len;
							copied = 1;
						}
						if (buf_append(sc, run, (size_t)(q + 1 - run)) < 0)
							return fail(r, q, n, "out of memory");
					}
					q += 2;
					run = q;
					continue;
				}
				break;
			}
			if (copied) {
				if (buf_append(sc, run, (size_t)(q - run)) < 0)
					return fail(r, q, n, "out of memory");
				/* Scratch may move as it grows: keep the offset now and
				 * make the pointer once the record is complete. */
				s = NULL;
				len = sc->len - at;
				in_scratch |= (uint64_t)1 << n;
			} else {
				s = p + 1;
				len = (size_t)(q - s);
			}
			p = q + 1;
			if (p < end && *p != ',' && *p != '\n' && *p != '\r')
				return fail(r, p, n, "text after a closing quote (a quote inside a quoted field is written \"\")");
		} else {
			q = scan(p, end, STOP_UNQUOTED);
			if (q < end && *q == '"')
				return fail(r, q, n, "a quote inside an unquoted field (quote the whole field and write the quote as \"\")");
			if (q < end && *q == '\0')
				return fail(r, q, n, "a NUL byte");
			s = p;
			len = (size_t)(q - p);
			p = q;
		}

		/* Past the limit, the rest of the record is still read field by
		 * field, so that a quoted newline in it cannot derail the next. */
		if (n < CSV_MAX_FIELDS) {
			r->fields[n].s = s;
			r->fields[n].len = len;
		}
		n++;

		if (p == end)
			break;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\n') {
			p++;
			r->next_line++;
			break;
		}
		if (end - p >= 2 && p[1] == '\n') {
			p += 2;
			r->next_line++;
			break;
		}
		return fail(r, p, n - 1, "a carriage return without a line feed");
	}
	r->p = p;

	if (n > CSV_MAX_FIELDS) {
		r->error_line = r->line;
		snprintf(r->error, sizeof r->error, "more than %d fields (%zu)", CSV_MAX_FIELDS, n);
		r->error_field = CSV_MAX_FIELDS;
		return CSV_ERROR;
	}

	/* Point the unescaped fields into scratch, now that it has stopped
	 * growing. They were appended in field order, so their offsets are
	 * the running sum of their lengths. */
	if (in_scratch != 0) {
		size_t off = 0;

		for (size_t i = 0; i < n; i++) {
			if (in_scratch & ((uint64_t)1 << i)) {
				r->fields[i].s = sc->data + off;
				off += r->fields[i].len;
			}
		}
	}
	r->in_scratch = in_scratch;
	r->nfields = n;
	return CSV_RECORD;
}

void csv_free(struct csv_reader *r)
{
	buf_free(&r->scratch);
	r->nfields = 0;
	r->in_scratch = 0;
}
