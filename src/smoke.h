/* smoke: the post-deployment checks of the operator's guide in one
 * command (sentiactl smoke): each probe of a running instance, timed, as a
 * table, with an exit status for scripts. */
#ifndef SENTIA_SMOKE_H
#define SENTIA_SMOKE_H

#include <stdio.h>

#include "buf.h"

struct smoke_opts {
	const char *url;             /* the instance's base URL, http:// or https:// */
	const char *token;           /* bearer token or API key for the authenticated read; NULL: skipped */
	const char *expect_version;  /* the version /api/status must report; NULL: any */
	const char *connect;         /* HOST:PORT to send the requests to instead of the URL's host; NULL */
	const char *cafile;          /* trusted CAs (PEM) for https; NULL: the system's */
	int timeout_ms;              /* for each request */
	long slow_ms;                /* a check answering slower than this fails */
};

/* Runs every check against the instance and writes the table to out.
 * Returns 0 when every check passed (or was skipped), 1 when any failed,
 * 2 when the options are unusable (the reason written to err). */
int smoke_run(const struct smoke_opts *o, FILE *out, FILE *err);

/* Checks Prometheus text exposition (format 0.0.4): every line is empty,
 * a comment, or "name[{labels}] value [timestamp]". Returns the number of
 * samples, or -1 with the first bad line (its number and why) in why. */
long smoke_metrics_parse(const char *text, size_t len, struct buf *why);

#endif
