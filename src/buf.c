/* buf: a growable byte buffer, the one way sentia builds text. */
#include "ac-config.h"

#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int buf_reserve(struct buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > ((size_t)-1) / 2 - b->len - 1)
		return -1;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return -1;
	/* A buffer's data is a C string from its first allocation on, even
	 * when nothing is appended after reserving. */
	p[b->len] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room;
	int n;

	/* Format straight into the free space; only text that does not fit
	 * is formatted a second time, after growing the buffer. */
	if (buf_reserve(b, 64) < 0)
		return -1;
	room = b->cap - b->len;
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -1;
	if ((size_t)n >= room) {
		if (buf_reserve(b, (size_t)n) < 0)
			return -1;
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int buf_put_u64(struct buf *b, unsigned long long v)
{
	char tmp[24];
	int i = sizeof tmp;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return buf_append(b, tmp + i, sizeof tmp - (size_t)i);
}

int buf_put_milli(struct buf *b, unsigned long long thousandths)
{
	char frac[4] = { '.', 0, 0, 0 };
	unsigned r = (unsigned)(thousandths % 1000);

	frac[1] = (char)('0' + r / 100);
	frac[2] = (char)('0' + r / 10 % 10);
	frac[3] = (char)('0' + r % 10);
	if (buf_put_u64(b, thousandths / 1000) < 0)
		return -1;
	return buf_append(b, frac, sizeof frac);
}

int buf_put_hex64(struct buf *b, unsigned long long v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[16];

	for (int i = 15; i >= 0; i--) {
		tmp[i] = hex[v & 15];
		v >>= 4;
	}
	return buf_append(b, tmp, sizeof tmp);
}

int buf_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run;

	if (buf_putc(b, '"') < 0)
		return -1;
	while (*p != '\0') {
		/* Copy runs of plain bytes at once; escape the rest. */
		run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f)
			p++;
		if (p > run && buf_append(b, run, (size_t)(p - run)) < 0)
			return -1;
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':  if (buf_puts(b, "\\\"") < 0) return -1; break;
		case '\\': if (buf_puts(b, "\\\\") < 0) return -1; break;
		case '\n': if (buf_puts(b, "\\n") < 0) return -1; break;
		case '\r': if (buf_puts(b, "\\r") < 0) return -1; break;
		case '\t': if (buf_puts(b, "\\t") < 0) return -1; break;
		default: {
			char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
			if (buf_append(b, esc, sizeof esc) < 0)
				return -1;
		}
		}
		p++;
	}
	return buf_putc(b, '"');
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int buf_read_file(struct buf *b, const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n, start = b->len;
	int rc = 0;

	if (f == NULL)
		return -1;
	while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (max > 0 && b->len - start + n > max) {
			errno = EFBIG;
			rc = -1;
		} else if (buf_append(b, chunk, n) != 0) {
			errno = ENOMEM;
			rc = -1;
		}
	}
	if (rc == 0 && ferror(f)) {
		errno = EIO;
		rc = -1;
	}
	fclose(f);
	return rc;
}
