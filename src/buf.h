/* buf: a growable byte buffer, the one way sentia builds text. */
#ifndef SENTIA_BUF_H
#define SENTIA_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* A buffer owns its data; buf_free releases it. data is always
 * NUL-terminated (when non-NULL), so it can be used as a C string. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Makes room for n more bytes. Returns 0, or -1 when out of memory. */
int buf_reserve(struct buf *b, size_t n);
/* Appends n bytes. */
int buf_append(struct buf *b, const void *p, size_t n);
/* Appends a C string. */
int buf_puts(struct buf *b, const char *s);
/* Appends one byte. */
int buf_putc(struct buf *b, char c);
/* Appends printf-style formatted text. */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends an unsigned number in decimal; the hot paths use these rather
 * than printf, which costs ten times as much. */
int buf_put_u64(struct buf *b, unsigned long long v);
/* Appends v thousandths as a decimal with three places ("12.034"). */
int buf_put_milli(struct buf *b, unsigned long long thousandths);
/* Appends v as 16 lower-case hex digits. */
int buf_put_hex64(struct buf *b, unsigned long long v);
/* Appends s as a JSON string literal, quotes included, escaping what
 * JSON requires and any control byte. */
int buf_json_str(struct buf *b, const char *s);
/* Appends a whole file, up to max bytes (0: no limit). Returns 0, or -1
 * with errno set when it cannot be read or is larger than max. */
int buf_read_file(struct buf *b, const char *path, size_t max);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Releases the buffer's memory. */
void buf_free(struct buf *b);

#endif
