/* request: one FastCGI request, parsed into the struct every stage reads.
 * Made and freed once per accept; nothing of it survives into the next. */
#ifndef SENTIA_REQUEST_H
#define SENTIA_REQUEST_H

#include <stdint.h>

#include <fcgiapp.h>

#include "buf.h"
#include "http.h"
#include "router.h"

struct app;

/* Who a request is, once the gate has looked (anonymous until then). */
struct identity {
	int role;                  /* enum role; ROLE_NONE when anonymous */
	char actor[160];           /* "user:<sub>", "key:<name>" or "anonymous" */
};

#define REQUEST_ID_MAX 128

/* Everything known about the request being served. */
struct request {
	FCGX_Request *fcgi;          /* NULL in unit tests */
	char **envp;                 /* FastCGI parameters, NAME=value each */
	enum http_method method;
	const char *method_name;     /* as sent */
	char *path;                  /* raw path, without the query; owned */
	const char *query;           /* raw query string, "" when none */
	const char *remote_addr;     /* the client's: REMOTE_ADDR, or forwarded_addr */
	char forwarded_addr[64];     /* from X-Forwarded-For when REMOTE_ADDR is a trusted proxy */
	char request_id[REQUEST_ID_MAX + 1];
	long content_length;         /* -1 when not given */
	struct buf body;
	int body_read;
	struct route_match match;
	const struct route *route;   /* NULL until routed */
	struct app *app;
	uint64_t start_us;
	struct identity identity;
};

/* Seeds the request-id generator; call in each process after fork. */
void request_id_seed(void);
/* Whether an incoming X-Request-Id may be kept: 1 to 128 characters of
 * letters, digits and ._:- only. */
int request_id_valid(const char *s);

/* Fills req from FastCGI parameters. Returns 0, or the HTTP status to
 * answer with when the request line itself is unusable (400, 414). */
int request_parse(struct request *req, char **envp);
/* Releases what req owns. */
void request_free(struct request *req);

/* A request header by its HTTP name ("X-Request-Id"), or NULL. */
const char *request_header(const struct request *req, const char *name);
/* A FastCGI parameter by name ("REMOTE_ADDR"), or NULL. */
const char *request_param(const struct request *req, const char *name);
/* The decoded value of a query parameter, copied into out; 1 when present,
 * 0 when absent, -1 when its encoding is bad. */
int request_query(const struct request *req, const char *name, struct buf *out);

/* Whether an Idempotency-Key is 1 to 255 printable ASCII characters. */
int request_key_valid(const char *k);
/* A path id: a positive whole number of at most 18 digits, or 0. */
int64_t request_parse_id(const char *s);

/* Reads the body, up to limit bytes. Returns 0, or the HTTP status to
 * answer with (400 bad length, 413 too large) without reading further. */
int request_read_body(struct request *req, long limit);

/* Decodes %XX and (when plus_space) '+' of s[0..n) into out. 0 or -1. */
int url_decode(const char *s, size_t n, int plus_space, struct buf *out);

#endif
