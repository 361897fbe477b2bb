/* gate: the checks a request passes before its handler runs, in the
 * order the design gives: maintenance, CORS, lock-out, identity, role,
 * rate limit; and what every response gets after: the security headers,
 * CORS headers, and an audit record of each mutating request. */
#ifndef SENTIA_GATE_H
#define SENTIA_GATE_H

#include <stdint.h>

#include "auth.h"
#include "netacl.h"

struct app;
struct request;
struct response;

/* A responder's gate state. */
struct gate {
	struct auth auth;
	int auth_ok;                     /* the signing keys loaded */
	struct netacl metrics_acl;
	struct netacl maintenance_acl;   /* from the configuration */
	struct netacl trusted_proxies;   /* API_TRUSTED_PROXIES */
	struct {
		int on;
		char message[512];
		struct netacl allow;
		uint64_t checked_ms;         /* read from Redis at most once a second */
	} maintenance;
};

/* Loads keys and address lists; logs what is wrong. 0 or -1. */
int gate_init(struct gate *g, const struct config *cfg);
void gate_free(struct gate *g);

/* Takes the client's address from X-Forwarded-For when the web server's
 * peer is a trusted proxy (API_TRUSTED_PROXIES); before anything reads it. */
void gate_client_addr(struct app *app, struct request *req);

/* Runs every check for a routed request. Returns 0 to go on to the
 * handler, or 1 when res already holds the answer. */
int gate_check(struct app *app, struct request *req, struct response *res);
/* Answers a CORS preflight (OPTIONS) for a path whose methods are allow. */
void gate_preflight(struct app *app, struct request *req, struct response *res, unsigned allow);
/* Adds the headers every response carries, and records a mutating
 * request in the audit log. */
void gate_finish(struct app *app, struct request *req, struct response *res);

/* Writes one audit record (best effort: a failure is logged). */
void audit_write(struct app *app, const struct request *req, const char *action, const char *outcome,
                 const char *detail);

#endif
