/* log: JSON lines on stderr, one object per event, filtered by level. */
#include "ac-config.h"

#include "log.h"
#include "buf.h"
#include "redact.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[LOG_LEVEL__MAX] = {
	[LOG_DEBUG] = "debug",
	[LOG_INFO] = "info",
	[LOG_WARN] = "warn",
	[LOG_ERROR] = "error",
};

static const char *log_program = "sentia";
static enum log_level log_min = LOG_INFO;
static pid_t log_pid;    /* cached: glibc makes getpid() a system call */
static struct redact_opts log_redact;   /* its hash_key is log_redact_key */
static char *log_redact_key;            /* ours, from strdup */

void log_init(const char *program, enum log_level level)
{
	log_program = program;
	log_min = level;
	log_pid = getpid();
}

void log_after_fork(void)
{
	log_pid = getpid();
}

void log_set_level(enum log_level level)
{
	log_min = level;
}

void log_set_redaction(int enabled, const char *hash_key)
{
	char *key = NULL;

	/* Without memory for the key the lines still get markers: failing
	 * open to plain values is what must never happen. */
	if (hash_key != NULL && hash_key[0] != '\0')
		key = strdup(hash_key);
	free(log_redact_key);
	log_redact_key = key;
	log_redact.hash_key = key;
	log_redact.enabled = enabled;
}

int log_enabled(enum log_level level)
{
	return level >= log_min;
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < LOG_LEVEL__MAX; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcmp(s, "warning") == 0) {
		*out = LOG_WARN;
		return 0;
	}
	return -1;
}

const char *log_level_name(enum log_level level)
{
	return level < LOG_LEVEL__MAX ? level_names[level] : "unknown";
}

/* Appends the time as ISO 8601 with milliseconds, UTC. The part up to
 * the seconds is formatted once per second. */
static void put_time(struct buf *b)
{
	static time_t cached_sec = -1;
	static char cached[64];
	struct timeval tv;
	char ms[5];
	unsigned m;

	gettimeofday(&tv, NULL);
	if (tv.tv_sec != cached_sec) {
		struct tm tm;

		gmtime_r(&tv.tv_sec, &tm);
		snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d",
		         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		cached_sec = tv.tv_sec;
	}
	m = (unsigned)(tv.tv_usec / 1000);
	ms[0] = '.';
	ms[1] = (char)('0' + m / 100);
	ms[2] = (char)('0' + m / 10 % 10);
	ms[3] = (char)('0' + m % 10);
	ms[4] = 'Z';
	buf_puts(b, cached);
	buf_append(b, ms, sizeof ms);
}

void log_fields(enum log_level level, const char *request_id, const char *msg,
                const struct log_field *fields, int nfields)
{
	/* One line buffer per process, kept between lines: a responder logs
	 * every request, and a malloc per line shows. */
	static struct buf b = BUF_INIT;
	static struct buf r = BUF_INIT;   /* the redacted line, kept likewise */
	const struct buf *line = &b;

	if (!log_enabled(level))
		return;
	buf_reset(&b);
	buf_puts(&b, "{\"time\":\"");
	put_time(&b);
	buf_puts(&b, "\",\"level\":\"");
	buf_puts(&b, level_names[level]);
	buf_puts(&b, "\",\"program\":");
	buf_json_str(&b, log_program);
	buf_puts(&b, ",\"pid\":");
	buf_put_u64(&b, (unsigned long long)(log_pid ? log_pid : getpid()));
	if (request_id != NULL) {
		buf_puts(&b, ",\"request_id\":");
		buf_json_str(&b, request_id);
	}
	buf_puts(&b, ",\"msg\":");
	buf_json_str(&b, msg);
	for (int i = 0; i < nfields; i++) {
		double v = fields[i].num;

		buf_putc(&b, ',');
		buf_json_str(&b, fields[i].key);
		buf_putc(&b, ':');
		if (fields[i].str != NULL)
			buf_json_str(&b, fields[i].str);
		else if (v >= 0 && v < 1e15 && v == (double)(long long)v)
			buf_put_u64(&b, (unsigned long long)v);
		else if (v >= 0 && v < 1e12)
			buf_put_milli(&b, (unsigned long long)(v * 1000 + 0.5));
		else
			buf_printf(&b, "%.3f", v);
	}
	buf_puts(&b, "}\n");
	if (log_redact.enabled && b.data != NULL) {
		buf_reset(&r);
		/* Out of memory, the line is dropped rather than written unredacted. */
		line = redact_append(&r, b.data, b.len, &log_redact) < 0 ? NULL : &r;
	}
	if (line != NULL && line->data != NULL) {
		/* One write per line, so lines from many processes never interleave. */
		ssize_t off = 0;
		while ((size_t)off < line->len) {
			ssize_t n = write(STDERR_FILENO, line->data + off, line->len - (size_t)off);
			if (n <= 0)
				break;
			off += n;
		}
	}
	/* A rare huge line must not keep its memory for good. */
	if (b.cap > 65536)
		buf_free(&b);
	if (r.cap > 65536)
		buf_free(&r);
}

void log_msg(enum log_level level, const char *request_id, const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	log_fields(level, request_id, m.data != NULL ? m.data : "", NULL, 0);
	buf_free(&m);
}
