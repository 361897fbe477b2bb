/* kv: the responder's one Redis connection, opened lazily and reopened
 * with back-off when it breaks. */
#include "ac-config.h"

#include "kv.h"
#include "clock.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void kv_target_free(struct kv_target *t)
{
	free(t->host);
	free(t->path);
	free(t->user);
	free(t->password);
	memset(t, 0, sizeof *t);
}

/* Decodes %XX escapes of a URL part into a new string; NULL on a bad escape. */
static char *url_part(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			char hx[3] = { 0, 0, 0 };

			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2])) {
				free(out);
				return NULL;
			}
			hx[0] = s[i + 1];
			hx[1] = s[i + 2];
			*o = (char)strtol(hx, NULL, 16);
			if (*o == '\0') {
				free(out);
				return NULL;
			}
			o++;
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int parse_db(const char *s, int *db)
{
	char *end;
	long v;

	if (*s == '\0')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > 1000 || *s < '0' || *s > '9')
		return -1;
	*db = (int)v;
	return 0;
}

int kv_url_parse(const char *url, struct kv_target *t, struct buf *why)
{
	const char *p, *at, *hostend, *slash;

	memset(t, 0, sizeof *t);
	t->port = 6379;
	if (strncmp(url, "unix://", 7) == 0) {
		const char *q = strchr(url + 7, '?');
		size_t n = q != NULL ? (size_t)(q - (url + 7)) : strlen(url + 7);

		if (n == 0 || url[7] != '/') {
			buf_puts(why, "a unix:// URL needs an absolute socket path");
			return -1;
		}
		t->path = url_part(url + 7, n);
		if (q != NULL && (strncmp(q, "?db=", 4) != 0 || parse_db(q + 4, &t->db) < 0)) {
			buf_puts(why, "the only query a unix:// URL takes is ?db=N");
			goto err;
		}
		if (t->path == NULL) {
			buf_puts(why, "bad %-escape in the socket path");
			goto err;
		}
		return 0;
	}
	if (strncmp(url, "rediss://", 9) == 0) {
		buf_puts(why, "TLS (rediss://) is not supported; use redis:// over a trusted network or a unix socket");
		return -1;
	}
	if (strncmp(url, "redis://", 8) != 0) {
		buf_puts(why, "must start with redis:// or unix://");
		return -1;
	}
	p = url + 8;
	slash = strchr(p, '/');
	/* The last @ before the path ends the credentials: a password may
	 * hold an @ of its own. */
	at = memrchr(p, '@', slash != NULL ? (size_t)(slash - p) : strlen(p));
	if (at != NULL) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (colon != NULL) {
			if (colon > p && (t->user = url_part(p, (size_t)(colon - p))) == NULL) {
				buf_puts(why, "bad %-escape in the user name");
				goto err;
			}
			t->password = url_part(colon + 1, (size_t)(at - colon - 1));
		} else {
			t->password = url_part(p, (size_t)(at - p));
		}
		p = at + 1;
	}
	hostend = slash != NULL ? slash : p + strlen(p);
	{
		const char *colon = memchr(p, ':', (size_t)(hostend - p));
		const char *hend = colon != NULL ? colon : hostend;

		if (hend == p) {
			buf_puts(why, "the URL names no host");
			goto err;
		}
		t->host = url_part(p, (size_t)(hend - p));
		if (colon != NULL) {
			char port[8];
			char *end;
			size_t n = (size_t)(hostend - colon - 1);
			long v;

			if (n == 0 || n >= sizeof port) {
				buf_puts(why, "bad port");
				goto err;
			}
			memcpy(port, colon + 1, n);
			port[n] = '\0';
			v = strtol(port, &end, 10);
			if (*end != '\0' || v < 1 || v > 65535 || port[0] < '0' || port[0] > '9') {
				buf_puts(why, "the port must be a number from 1 to 65535");
				goto err;
			}
			t->port = (int)v;
		}
	}
	if (slash != NULL && parse_db(slash + 1, &t->db) < 0) {
		buf_puts(why, "the database after / must be a number");
		goto err;
	}
	if (t->host == NULL || (at != NULL && t->password == NULL)) {
		buf_puts(why, "bad %-escape in the URL");
		goto err;
	}
	return 0;
err:
	kv_target_free(t);
	return -1;
}

int kv_init(struct kv *kv, const char *url, long connect_ms, long command_ms, long retry_max_ms)
{
	struct buf why = BUF_INIT;

	memset(kv, 0, sizeof *kv);
	kv->connect_ms = connect_ms;
	kv->command_ms = command_ms;
	retry_init(&kv->retry, 100, retry_max_ms);
	if (kv_url_parse(url, &kv->target, &why) < 0) {
		snprintf(kv->error, sizeof kv->error, "REDIS_URL: %s", why.data != NULL ? why.data : "invalid");
		buf_free(&why);
		return -1;
	}
	return 0;
}

/* Closes the connection, noting why. A connection that failed in use is
 * closed without delay (a new one is tried at once); a failed attempt to
 * connect starts or lengthens the back-off. */
static void kv_close(struct kv *kv, const char *why)
{
	if (kv->ctx != NULL) {
		redisFree(kv->ctx);
		kv->ctx = NULL;
	}
	snprintf(kv->error, sizeof kv->error, "%s", why);
}

static void kv_drop(struct kv *kv, const char *why)
{
	kv_close(kv, why);
	retry_failed(&kv->retry, clock_mono_ms());
}

static struct timeval ms_tv(long ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	return tv;
}

/* Whether an idle connection is still usable: an idle request/response
 * connection has nothing to read, so readable means closed or broken. */
static int kv_idle_ok(redisContext *c)
{
	struct pollfd pfd = { c->fd, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 0;
}

/* Checks the reply to a command that sets a new connection up, and frees
 * it. On an error the connection is dropped with why; returns 0 or -1. */
static int kv_setup_reply(struct kv *kv, redisReply *r, const char *why)
{
	int ok = r != NULL && r->type != REDIS_REPLY_ERROR;

	if (r != NULL)
		freeReplyObject(r);
	if (!ok)
		kv_drop(kv, why);
	return ok ? 0 : -1;
}

static int kv_connect(struct kv *kv)
{
	struct kv_target *t = &kv->target;
	struct timeval tv = ms_tv(kv->connect_ms);
	redisReply *r;

	if (t->path != NULL)
		kv->ctx = redisConnectUnixWithTimeout(t->path, tv);
	else
		kv->ctx = redisConnectWithTimeout(t->host, t->port, tv);
	if (kv->ctx == NULL) {
		kv_drop(kv, "out of memory");
		return -1;
	}
	if (kv->ctx->err) {
		char msg[200];
		snprintf(msg, sizeof msg, "connect: %s", kv->ctx->errstr);
		kv_drop(kv, msg);
		return -1;
	}
	/* The connect timeout covers the connect only; commands need their own,
	 * on every new context. */
	if (redisSetTimeout(kv->ctx, ms_tv(kv->command_ms)) != REDIS_OK) {
		kv_drop(kv, "could not set the command timeout");
		return -1;
	}
	if (t->password != NULL) {
		r = t->user != NULL ? redisCommand(kv->ctx, "AUTH %s %s", t->user, t->password)
		                    : redisCommand(kv->ctx, "AUTH %s", t->password);
		if (kv_setup_reply(kv, r, "AUTH refused") < 0)
			return -1;
	}
	if (t->db != 0 && kv_setup_reply(kv, redisCommand(kv->ctx, "SELECT %d", t->db), "SELECT refused") < 0)
		return -1;
	retry_succeeded(&kv->retry);
	kv->error[0] = '\0';
	return 0;
}

redisContext *kv_get(struct kv *kv)
{
	if (kv->ctx != NULL && !kv_idle_ok(kv->ctx)) {
		log_warn("Redis connection closed by the server; reconnecting");
		kv_close(kv, "connection closed by the server");
	}
	if (kv->ctx != NULL)
		return kv->ctx;
	if (retry_ready(&kv->retry, clock_mono_ms())) {
		if (kv->target.host == NULL && kv->target.path == NULL)
			return NULL;
		if (kv_connect(kv) == 0) {
			log_info("connected to Redis");
			return kv->ctx;
		}
		log_warn("Redis unavailable: %s", kv->error);
	}
	return NULL;
}

/* A reply, or NULL after dropping a context that failed (a timeout among
 * them), which cannot be reused. */
static redisReply *kv_checked(struct kv *kv, redisContext *c, redisReply *r)
{
	if (r == NULL) {
		char msg[200];

		snprintf(msg, sizeof msg, "command failed: %s", c->errstr[0] ? c->errstr : "no reply");
		kv_drop(kv, msg);
		log_warn("Redis %s", kv->error);
	}
	return r;
}

redisReply *kv_command_argv(struct kv *kv, int argc, const char **argv)
{
	redisContext *c = kv_get(kv);

	if (c == NULL)
		return NULL;
	return kv_checked(kv, c, redisCommandArgv(c, argc, argv, NULL));
}

redisReply *kv_command(struct kv *kv, const char *fmt, ...)
{
	redisContext *c = kv_get(kv);
	redisReply *r;
	va_list ap;

	if (c == NULL)
		return NULL;
	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	return kv_checked(kv, c, r);
}

int kv_ping(struct kv *kv, double *latency_ms)
{
	uint64_t t0 = clock_mono_us();
	redisReply *r = kv_command(kv, "PING");
	int ok;

	*latency_ms = (double)(clock_mono_us() - t0) / 1000.0;
	if (r == NULL)
		return -1;
	ok = r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
	if (!ok)
		snprintf(kv->error, sizeof kv->error, "PING: %s", r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
	freeReplyObject(r);
	return ok ? 0 : -1;
}

void kv_free(struct kv *kv)
{
	if (kv->ctx != NULL)
		redisFree(kv->ctx);
	kv->ctx = NULL;
	kv_target_free(&kv->target);
}
