/* router: matches a method and path against the dispatch table. */
#ifndef SENTIA_ROUTER_H
#define SENTIA_ROUTER_H

#include <stddef.h>

#include "buf.h"
#include "http.h"

struct request;
struct response;

/* A handler fills res from req; preconditions are checked before it runs. */
typedef void (*handler_fn)(struct request *req, struct response *res);

/* Roles, weakest first; a route needs its role or a stronger one. */
enum role {
	ROLE_NONE,       /* no authentication needed */
	ROLE_VIEWER,
	ROLE_OPERATOR,
	ROLE_ANALYST,
	ROLE_MANAGER,
	ROLE_ADMIN,
	ROLE__MAX
};

/* Rate-limit classes a route belongs to. */
enum rate_class {
	RATE_NONE,
	RATE_DEFAULT,
	RATE_IMPORT,
	RATE_AUTH_SENSITIVE,
	RATE_WEBHOOK,
	RATE__MAX
};

/* Route flags. */
#define ROUTE_OPS 0x1u     /* operations route: also served on the status socket */
#define ROUTE_UPLOAD 0x2u  /* takes a document: body up to IMPORT_MAX_BYTES, not API_MAX_BODY_BYTES */
#define ROUTE_PROBE 0x4u   /* a probe: answered in maintenance mode too */
#define ROUTE_METRICS 0x8u /* served only to METRICS_ALLOWED_IPS */
#define ROUTE_AUTH 0x10u   /* with role none: still needs an identity (any role); the handler decides what it may see */
#define ROUTE_WEBHOOK 0x20u /* a signed delivery: body up to WEBHOOK_MAX_BODY_BYTES */

/* One row of the dispatch table. */
struct route {
	enum http_method method;
	const char *pattern;     /* "/api/things/{id}": literal and {name} segments */
	handler_fn handler;
	enum role role;
	enum rate_class rate;
	unsigned flags;
};

#define ROUTER_MAX_PARAMS 8
#define ROUTER_PATH_MAX 2048

/* What router_match found: the route, the methods the path allows, and the
 * path parameters (decoded, NUL-terminated, stored in the match itself). */
struct route_match {
	int route;               /* index into the table, or -1 */
	unsigned allow;          /* 1u << method for each method the path allows */
	int nparams;
	struct {
		const char *name;    /* points into the pattern, not terminated */
		size_t name_len;
		const char *value;   /* points into store */
	} params[ROUTER_MAX_PARAMS];
	char store[ROUTER_PATH_MAX + ROUTER_MAX_PARAMS];
};

enum router_result {
	ROUTER_FOUND,
	ROUTER_NOT_FOUND,
	ROUTER_METHOD_NOT_ALLOWED,
	ROUTER_BAD_PATH,         /* a parameter that does not decode */
};

/* Finds the route for method and path (raw, without the query). The most
 * specific pattern (the most literal segments) wins; HEAD is answered by
 * the GET route. out->allow is filled whatever the result. */
enum router_result router_match(const struct route *table, size_t n, enum http_method method,
                                const char *path, struct route_match *out);
/* The value of a path parameter, or NULL. */
const char *route_param(const struct route_match *m, const char *name);
/* Appends the Allow header's value for an allow mask ("GET, HEAD, OPTIONS"). */
void router_allow_value(unsigned allow, struct buf *out);

#endif
