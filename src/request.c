/* request: one FastCGI request, parsed into the struct every stage reads.
 * Made and freed once per accept; nothing of it survives into the next. */
#include "ac-config.h"

#include "request.h"
#include "clock.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* splitmix64: request ids need to be unique, not secret. */
static uint64_t rid_state;

void request_id_seed(void)
{
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		seed = clock_mono_us() ^ ((uint64_t)getpid() << 32);
	rid_state = seed;
}

static uint64_t rid_next(void)
{
	uint64_t z = (rid_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int request_id_valid(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];
		if (n >= REQUEST_ID_MAX || !(isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-'))
			return 0;
	}
	return n > 0;
}

const char *request_param(const struct request *req, const char *name)
{
	size_t n = strlen(name);

	if (req->envp == NULL)
		return NULL;
	for (char **e = req->envp; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *request_header(const struct request *req, const char *name)
{
	char key[128] = "HTTP_";
	size_t i, n = strlen(name);

	if (n + 6 > sizeof key)
		return NULL;
	for (i = 0; i < n; i++)
		key[5 + i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	key[5 + n] = '\0';
	/* CGI passes these two without the HTTP_ prefix. */
	if (strcmp(key, "HTTP_CONTENT_TYPE") == 0 || strcmp(key, "HTTP_CONTENT_LENGTH") == 0)
		return request_param(req, key + 5);
	return request_param(req, key);
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

int url_decode(const char *s, size_t n, int plus_space, struct buf *out)
{
	buf_reset(out);
	if (buf_reserve(out, n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
				return -1;
			c = (unsigned char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
			if (c == 0)
				return -1;
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		buf_putc(out, (char)c);
	}
	if (out->data == NULL)
		buf_puts(out, "");
	return 0;
}

int request_query(const struct request *req, const char *name, struct buf *out)
{
	const char *p = req->query;
	size_t nlen = strlen(name);

	while (p != NULL && *p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp != NULL ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq != NULL ? (size_t)(eq - p) : len;
		struct buf key = BUF_INIT;
		int same;

		if (url_decode(p, klen, 1, &key) < 0) {
			buf_free(&key);
			return -1;
		}
		same = key.len == nlen && memcmp(key.data, name, nlen) == 0;
		buf_free(&key);
		if (same) {
			if (eq == NULL)
				return url_decode("", 0, 1, out) < 0 ? -1 : 1;
			return url_decode(eq + 1, len - klen - 1, 1, out) < 0 ? -1 : 1;
		}
		p = amp != NULL ? amp + 1 : NULL;
	}
	return 0;
}

/* Checks a raw path: absolute, printable ASCII, well-formed escapes. */
static int path_ok(const char *p, size_t n)
{
	if (n == 0 || p[0] != '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c >= 0x7f)
			return 0;
		if (c == '%' && (i + 2 >= n || !isxdigit((unsigned char)p[i + 1]) || !isxdigit((unsigned char)p[i + 2])))
			return 0;
	}
	return 1;
}

int request_parse(struct request *req, char **envp)
{
	const char *uri = NULL, *q, *rid = NULL, *cl = NULL, *m = NULL, *qs = NULL;
	size_t plen;

	memset(req, 0, sizeof *req);
	req->envp = envp;
	req->start_us = clock_mono_us();
	req->content_length = -1;
	req->match.route = -1;

	/* One pass over the parameters for everything read here. */
	for (char **e = envp; e != NULL && *e != NULL; e++) {
		const char *kv = *e;

		/* Only these letters start a name wanted here. */
		if (kv[0] != 'R' && kv[0] != 'Q' && kv[0] != 'C' && kv[0] != 'H')
			continue;
#define TAKE(name, var) \
	if (var == NULL && strncmp(kv, name "=", sizeof name) == 0) { var = kv + sizeof name; continue; }
		TAKE("REQUEST_METHOD", m)
		TAKE("REQUEST_URI", uri)
		TAKE("QUERY_STRING", qs)
		TAKE("CONTENT_LENGTH", cl)
		TAKE("REMOTE_ADDR", req->remote_addr)
		TAKE("HTTP_X_REQUEST_ID", rid)
#undef TAKE
	}

	if (rid != NULL && request_id_valid(rid)) {
		strcpy(req->request_id, rid);
	} else {
		static const char hex[] = "0123456789abcdef";
		uint64_t v[2] = { rid_next(), rid_next() };

		for (int i = 0; i < 32; i++)
			req->request_id[i] = hex[(v[i / 16] >> (60 - 4 * (i % 16))) & 15];
		req->request_id[32] = '\0';
	}

	req->method_name = m != NULL ? m : "GET";
	req->method = http_method_parse(req->method_name);
	if (req->remote_addr == NULL)
		req->remote_addr = "";

	/* REQUEST_URI is the raw target as the client sent it; DOCUMENT_URI or
	 * SCRIPT_NAME stand in when a server does not pass it. */
	if (uri == NULL || *uri == '\0')
		uri = request_param(req, "DOCUMENT_URI");
	if (uri == NULL || *uri == '\0')
		uri = request_param(req, "SCRIPT_NAME");
	if (uri == NULL || *uri == '\0')
		uri = "/";
	q = strchr(uri, '?');
	plen = q != NULL ? (size_t)(q - uri) : strlen(uri);
	req->query = q != NULL ? q + 1 : "";
	if (req->query[0] == '\0' && qs != NULL)
		req->query = qs;
	req->path = strndup(uri, plen);
	if (req->path == NULL)
		return 500;
	if (plen >= ROUTER_PATH_MAX)
		return 414;
	if (!path_ok(req->path, plen))
		return 400;

	if (cl != NULL && *cl != '\0') {
		char *end;
		long v;
		errno = 0;
		v = strtol(cl, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0 || !isdigit((unsigned char)cl[0]))
			return 400;
		req->content_length = v;
	}
	return 0;
}

int request_read_body(struct request *req, long limit)
{
	char chunk[16384];

	if (req->body_read)
		return 0;
	req->body_read = 1;
	if (req->content_length < 0)
		return 0;
	if (req->content_length > limit)
		return 413;
	if (req->fcgi == NULL)
		return 0;
	if (buf_reserve(&req->body, (size_t)req->content_length) < 0)
		return 500;
	while ((long)req->body.len < req->content_length) {
		long want = req->content_length - (long)req->body.len;
		int n = FCGX_GetStr(chunk, want < (long)sizeof chunk ? (int)want : (int)sizeof chunk, req->fcgi->in);
		if (n <= 0)
			return 400;
		buf_append(&req->body, chunk, (size_t)n);
	}
	if (req->body.data == NULL)
		buf_puts(&req->body, "");
	return 0;
}

void request_free(struct request *req)
{
	free(req->path);
	req->path = NULL;
	buf_free(&req->body);
}

int request_key_valid(const char *k)
{
	size_t n = strlen(k);

	if (n < 1 || n > 255)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (k[i] < 0x21 || k[i] > 0x7e)
			return 0;
	return 1;
}

int64_t request_parse_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 18)
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' ? (int64_t)v : 0;
}
