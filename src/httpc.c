/* httpc: one GET per connection, plain or over TLS (see httpc.h). The
 * socket is non-blocking and every wait is a poll bounded by the one
 * deadline of the exchange, so a server that hangs costs the timeout and
 * no more. */
#include "ac-config.h"

#include "httpc.h"
#include "clock.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define RESPONSE_MAX (64L << 20)   /* larger answers are refused, not buffered */

/* One connection: the socket, the TLS session when https, the deadline. */
struct conn {
	int fd;
	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
	uint64_t deadline_ms;
};

/* Copies at most n bytes of s into a fixed array of size sz. 0 or -1. */
static int copy_part(char *dst, size_t sz, const char *s, size_t n)
{
	if (n >= sz)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Splits "host:port", "[v6]:port" or "host" (port left as def). */
static int split_hostport(const char *s, size_t n, char *host, size_t hsz, char *port, size_t psz, const char *def)
{
	const char *colon = NULL;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL || close == s + 1)
			return -1;
		if (copy_part(host, hsz, s + 1, (size_t)(close - s - 1)) < 0)
			return -1;
		if ((size_t)(close - s + 1) == n)
			return copy_part(port, psz, def, strlen(def));
		if (close[1] != ':')
			return -1;
		colon = close + 1;
	} else {
		colon = memchr(s, ':', n);
		if (copy_part(host, hsz, s, colon != NULL ? (size_t)(colon - s) : n) < 0 || host[0] == '\0')
			return -1;
		if (colon == NULL)
			return copy_part(port, psz, def, strlen(def));
	}
	n -= (size_t)(colon + 1 - s);
	if (n == 0 || n > 5 || strspn(colon + 1, "0123456789") < n)
		return -1;
	if (copy_part(port, psz, colon + 1, n) < 0 || atoi(port) < 1 || atoi(port) > 65535)
		return -1;
	return 0;
}

int httpc_url_parse(const char *url, struct httpc_target *t, struct buf *why)
{
	const char *p, *slash;
	size_t plen;

	memset(t, 0, sizeof *t);
	if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else if (strncmp(url, "https://", 8) == 0) {
		p = url + 8;
		t->tls = 1;
	} else {
		buf_printf(why, "%s: the URL must start with http:// or https://", url);
		return -1;
	}
	slash = strchr(p, '/');
	if (split_hostport(p, slash != NULL ? (size_t)(slash - p) : strlen(p), t->host, sizeof t->host, t->port,
	                   sizeof t->port, t->tls ? "443" : "80") < 0) {
		buf_printf(why, "%s: not a host and port", url);
		return -1;
	}
	if (strchr(p, '?') != NULL || strchr(p, '#') != NULL || strchr(p, '@') != NULL) {
		buf_printf(why, "%s: give the base URL only (no user, query or fragment)", url);
		return -1;
	}
	plen = slash != NULL ? strlen(slash) : 0;
	while (plen > 0 && slash[plen - 1] == '/')
		plen--;
	if (plen > 0 && copy_part(t->base_path, sizeof t->base_path, slash, plen) < 0) {
		buf_printf(why, "%s: the path is too long", url);
		return -1;
	}
	strcpy(t->connect_host, t->host);
	strcpy(t->connect_port, t->port);
	return 0;
}

int httpc_connect_to(struct httpc_target *t, const char *hostport, struct buf *why)
{
	if (split_hostport(hostport, strlen(hostport), t->connect_host, sizeof t->connect_host, t->connect_port,
	                   sizeof t->connect_port, t->port) < 0) {
		buf_printf(why, "%s: expected HOST:PORT", hostport);
		return -1;
	}
	return 0;
}

/* Milliseconds left before the deadline (0 when it has passed). */
static int remaining(const struct conn *c)
{
	uint64_t now = clock_mono_ms();

	return now >= c->deadline_ms ? 0 : (int)(c->deadline_ms - now);
}

/* Waits until the socket can be read (or written). 0, or -1 on timeout. */
static int wait_io(struct conn *c, int for_write, struct buf *why)
{
	struct pollfd pfd = { c->fd, (short)(for_write ? POLLOUT : POLLIN), 0 };
	int rc;

	do {
		int left = remaining(c);

		if (left == 0) {
			buf_puts(why, "timed out");
			return -1;
		}
		rc = poll(&pfd, 1, left);
	} while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		buf_puts(why, "timed out");
		return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* Connects to the first address of the target that accepts. */
static int conn_open(struct conn *c, const struct httpc_target *t, struct buf *why)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(t->connect_host, t->connect_port, &hints, &res);
	if (rc != 0) {
		buf_printf(why, "%s: %s", t->connect_host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		int err = 0;
		socklen_t elen = sizeof err;

		c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
		if (c->fd < 0)
			continue;
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0
		    || (errno == EINPROGRESS && wait_io(c, 1, why) == 0
		        && getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0))
			break;
		buf_reset(why);
		buf_printf(why, "connect to %s port %s: %s", t->connect_host, t->connect_port,
		           err != 0 ? strerror(err) : remaining(c) == 0 ? "timed out" : strerror(errno));
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(res);
	return c->fd >= 0 ? 0 : -1;
}

/* Whether a host name is an address literal (which gets no SNI). */
static int is_address(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

/* Runs a GnuTLS call until it neither blocks nor is interrupted. */
#define TLS_RETRY(c, call, rc, why) \
	do { \
		(rc) = (call); \
	} while (((rc) == GNUTLS_E_AGAIN || (rc) == GNUTLS_E_INTERRUPTED) \
	         && wait_io((c), gnutls_record_get_direction((c)->tls), (why)) == 0)

/* The TLS handshake, with the server's certificate checked against the
 * URL's host name and the trusted CAs. */
static int tls_start(struct conn *c, const struct httpc_target *t, struct buf *why)
{
	int rc;

	if (gnutls_certificate_allocate_credentials(&c->cred) < 0) {
		buf_puts(why, "TLS: out of memory");
		return -1;
	}
	rc = t->cafile != NULL ? gnutls_certificate_set_x509_trust_file(c->cred, t->cafile, GNUTLS_X509_FMT_PEM)
	                       : gnutls_certificate_set_x509_system_trust(c->cred);
	if (rc <= 0) {
		buf_printf(why, "TLS: no trusted certificates in %s", t->cafile != NULL ? t->cafile : "the system's store");
		return -1;
	}
	if (gnutls_init(&c->tls, GNUTLS_CLIENT) < 0 || gnutls_set_default_priority(c->tls) < 0
	    || gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, c->cred) < 0) {
		buf_puts(why, "TLS: cannot set up a session");
		return -1;
	}
	if (!is_address(t->host))
		gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, t->host, strlen(t->host));
	gnutls_session_set_verify_cert(c->tls, t->host, 0);
	gnutls_transport_set_int(c->tls, c->fd);
	TLS_RETRY(c, gnutls_handshake(c->tls), rc, why);
	if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		gnutls_datum_t text = { NULL, 0 };
		unsigned status = gnutls_session_get_verify_cert_status(c->tls);

		if (gnutls_certificate_verification_status_print(status, gnutls_certificate_type_get(c->tls), &text, 0) == 0)
			buf_printf(why, "TLS: %s", (const char *)text.data);
		else
			buf_puts(why, "TLS: the server's certificate is not trusted");
		gnutls_free(text.data);
		return -1;
	}
	if (rc < 0) {
		if (why->len == 0)
			buf_printf(why, "TLS: %s", gnutls_strerror(rc));
		return -1;
	}
	return 0;
}

static int conn_write(struct conn *c, const char *p, size_t n, struct buf *why)
{
	while (n > 0) {
		ssize_t w;

		if (c->tls != NULL) {
			int rc;

			TLS_RETRY(c, (int)gnutls_record_send(c->tls, p, n), rc, why);
			if (rc < 0) {
				if (why->len == 0)
					buf_printf(why, "TLS: %s", gnutls_strerror(rc));
				return -1;
			}
			w = rc;
		} else {
			w = send(c->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
				if (wait_io(c, 1, why) < 0)
					return -1;
				continue;
			}
			if (w < 0) {
				buf_printf(why, "send: %s", strerror(errno));
				return -1;
			}
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Whether raw holds a whole answer framed by Content-Length, so that
 * reading can stop even if the server keeps the connection open despite
 * "Connection: close". Other answers are read to the end. */
static int answer_complete(const struct buf *raw)
{
	const char *end = raw->data != NULL ? strstr(raw->data, "\r\n\r\n") : NULL, *p;

	if (end == NULL)
		return 0;
	for (p = raw->data; p != NULL && p < end; p = strstr(p, "\r\n"), p = p != NULL ? p + 2 : NULL) {
		if (strncasecmp(p, "Transfer-Encoding:", 18) == 0)
			return 0;
		if (strncasecmp(p, "Content-Length:", 15) == 0) {
			char *stop;
			long cl = strtol(p + 15, &stop, 10);

			return cl >= 0 && (size_t)(raw->data + raw->len - (end + 4)) >= (size_t)cl;
		}
	}
	return 0;
}

/* Reads until the server closes the connection, or the answer is whole. */
static int conn_read_all(struct conn *c, struct buf *out, struct buf *why)
{
	char chunk[16384];

	for (;;) {
		ssize_t r;

		if (c->tls != NULL) {
			int rc;

			TLS_RETRY(c, (int)gnutls_record_recv(c->tls, chunk, sizeof chunk), rc, why);
			/* Many servers close without TLS's close_notify: an end all the
			 * same, and the parser finds out whether the answer is whole. */
			if (rc == GNUTLS_E_PREMATURE_TERMINATION)
				rc = 0;
			if (rc < 0) {
				if (why->len == 0)
					buf_printf(why, "TLS: %s", gnutls_strerror(rc));
				return -1;
			}
			r = rc;
		} else {
			r = recv(c->fd, chunk, sizeof chunk, 0);
			if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
				if (wait_io(c, 0, why) < 0)
					return -1;
				continue;
			}
			if (r < 0) {
				buf_printf(why, "recv: %s", strerror(errno));
				return -1;
			}
		}
		if (r == 0)
			return 0;
		if ((long)(out->len + (size_t)r) > RESPONSE_MAX) {
			buf_puts(why, "the answer is too large");
			return -1;
		}
		buf_append(out, chunk, (size_t)r);
		if (answer_complete(out))
			return 0;
	}
}

static void conn_close(struct conn *c)
{
	if (c->tls != NULL)
		gnutls_deinit(c->tls);
	if (c->cred != NULL)
		gnutls_certificate_free_credentials(c->cred);
	if (c->fd >= 0)
		close(c->fd);
}

int httpc_get(const struct httpc_target *t, const char *path, const char *const *headers, int timeout_ms,
              struct httpc_response *res, struct buf *why)
{
	struct conn c = { -1, NULL, NULL, clock_mono_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 1) };
	struct buf rq = BUF_INIT, raw = BUF_INIT;
	int v6 = strchr(t->host, ':') != NULL, rc = -1;
	int default_port = strcmp(t->port, t->tls ? "443" : "80") == 0;

	memset(res, 0, sizeof *res);
	buf_printf(&rq, "GET %s%s HTTP/1.1\r\nHost: %s%s%s%s%s\r\n", t->base_path, path, v6 ? "[" : "", t->host,
	           v6 ? "]" : "", default_port ? "" : ":", default_port ? "" : t->port);
	buf_printf(&rq, "User-Agent: sentiactl-smoke\r\nAccept: */*\r\nConnection: close\r\n");
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
		buf_printf(&rq, "%s\r\n", headers[i]);
	buf_puts(&rq, "\r\n");
	if (conn_open(&c, t, why) == 0 && (!t->tls || tls_start(&c, t, why) == 0)
	    && conn_write(&c, rq.data, rq.len, why) == 0 && conn_read_all(&c, &raw, why) == 0)
		rc = httpc_parse(raw.data != NULL ? raw.data : "", raw.len, res, why);
	conn_close(&c);
	buf_free(&rq);
	buf_free(&raw);
	if (rc < 0)
		httpc_response_free(res);
	return rc;
}

/* Finds the end of the line at p (CRLF or a bare LF): returns the start
 * of the next line and the line's length in *n, or NULL when it has no end. */
static const char *line_end(const char *p, const char *end, size_t *n)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL)
		return NULL;
	*n = (size_t)(nl - p);
	if (*n > 0 && p[*n - 1] == '\r')
		(*n)--;
	return nl + 1;
}

/* Decodes a chunked body into out. */
static int dechunk(const char *p, const char *end, struct buf *out, struct buf *why)
{
	for (;;) {
		size_t n;
		const char *next = line_end(p, end, &n);
		char *stop;
		unsigned long size;

		if (next == NULL || n == 0 || !isxdigit((unsigned char)*p)) {
			buf_puts(why, "a malformed chunk");
			return -1;
		}
		errno = 0;
		size = strtoul(p, &stop, 16);
		if (errno != 0 || (stop != p + n && *stop != ';') || size > (unsigned long)RESPONSE_MAX) {
			buf_puts(why, "a malformed chunk size");
			return -1;
		}
		p = next;
		if (size == 0)
			return 0;   /* trailers, if any, are not wanted */
		if ((size_t)(end - p) < size + 1) {
			buf_puts(why, "the answer ends inside a chunk");
			return -1;
		}
		buf_append(out, p, size);
		p += size;
		if (*p == '\r')
			p++;
		if (p >= end || *p != '\n') {
			buf_puts(why, "a chunk without its line end");
			return -1;
		}
		p++;
	}
}

int httpc_parse(const char *data, size_t len, struct httpc_response *res, struct buf *why)
{
	const char *p = data, *end = data + len, *next;
	char value[64];
	size_t n;

	memset(res, 0, sizeof *res);
	next = line_end(p, end, &n);
	if (next == NULL || n < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' || !isdigit((unsigned char)p[9])
	    || !isdigit((unsigned char)p[10]) || !isdigit((unsigned char)p[11]) || (n > 12 && p[12] != ' ')) {
		buf_puts(why, len == 0 ? "an empty answer (connection closed)" : "not an HTTP/1.x answer");
		return -1;
	}
	res->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	for (p = next;; p = next) {
		next = line_end(p, end, &n);
		if (next == NULL) {
			buf_puts(why, "the headers do not end");
			httpc_response_free(res);
			return -1;
		}
		if (n == 0)
			break;
		buf_append(&res->head, p, n);
		buf_putc(&res->head, '\n');
	}
	p = next;
	if (httpc_header(res, "Transfer-Encoding", value, sizeof value) == 0 && strcasecmp(value, "chunked") == 0) {
		if (dechunk(p, end, &res->body, why) < 0) {
			httpc_response_free(res);
			return -1;
		}
	} else if (httpc_header(res, "Content-Length", value, sizeof value) == 0) {
		char *stop;
		long cl;

		errno = 0;
		cl = strtol(value, &stop, 10);
		if (errno != 0 || *stop != '\0' || cl < 0 || !isdigit((unsigned char)value[0])) {
			buf_printf(why, "a malformed Content-Length: %s", value);
			httpc_response_free(res);
			return -1;
		}
		if ((size_t)(end - p) < (size_t)cl) {
			buf_printf(why, "the body is cut short (%zu of %ld bytes)", (size_t)(end - p), cl);
			httpc_response_free(res);
			return -1;
		}
		buf_append(&res->body, p, (size_t)cl);
	} else {
		buf_append(&res->body, p, (size_t)(end - p));
	}
	/* Always a string, even when empty. */
	buf_puts(&res->body, "");
	buf_puts(&res->head, "");
	return 0;
}

int httpc_header(const struct httpc_response *res, const char *name, char *out, size_t outsz)
{
	size_t nlen = strlen(name);
	const char *p = res->head.data;

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t n = eol != NULL ? (size_t)(eol - p) : strlen(p);

		if (n > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
			const char *v = p + nlen + 1, *ve = p + n;

			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if ((size_t)(ve - v) >= outsz)
				return -1;
			memcpy(out, v, (size_t)(ve - v));
			out[ve - v] = '\0';
			return 0;
		}
		p = eol != NULL ? eol + 1 : NULL;
	}
	return -1;
}

void httpc_response_free(struct httpc_response *res)
{
	buf_free(&res->head);
	buf_free(&res->body);
}
