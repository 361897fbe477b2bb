/* httpc: a small HTTP/1.1 client for sentiactl smoke: one GET per
 * connection, over TCP, or TLS through GnuTLS with the certificate checked.
 * Not a general client: no redirects, no keep-alive, no proxies. */
#ifndef SENTIA_HTTPC_H
#define SENTIA_HTTPC_H

#include "buf.h"

/* Where requests go: from a URL, optionally sent to another address than
 * its host (to check one host behind a load balancer by its public name). */
struct httpc_target {
	int tls;                  /* https */
	char host[256];           /* as in the URL (no brackets), for Host, SNI and the certificate */
	char port[8];
	char connect_host[256];   /* where to connect: host, unless overridden */
	char connect_port[8];
	char base_path[512];      /* the URL's path without a trailing slash ("" for /) */
	const char *cafile;       /* PEM file of trusted CAs for https; NULL: the system's */
};

/* One response. head holds the header lines as received (after the status
 * line); body is de-chunked. */
struct httpc_response {
	int status;
	struct buf head;
	struct buf body;
};

/* Reads "http[s]://host[:port][/path]" into t (connect address = host).
 * Returns 0, or -1 with the reason in why. */
int httpc_url_parse(const char *url, struct httpc_target *t, struct buf *why);

/* Sends the requests to "HOST:PORT" (IPv6 as [::1]:PORT) instead of the
 * URL's host, keeping the URL's name for Host, SNI and the certificate.
 * Returns 0, or -1 with the reason in why. */
int httpc_connect_to(struct httpc_target *t, const char *hostport, struct buf *why);

/* GETs base_path + path with the extra header lines given (each
 * "Name: value", NULL-terminated list, or NULL), within timeout_ms for the
 * whole exchange. Fills res (to be freed with httpc_response_free).
 * Returns 0, or -1 with the reason in why (res then holds nothing). */
int httpc_get(const struct httpc_target *t, const char *path, const char *const *headers, int timeout_ms,
              struct httpc_response *res, struct buf *why);

/* Parses a whole response as received (status line, headers, body by
 * Content-Length, chunked, or up to the end). Returns 0, or -1 with the
 * reason in why. */
int httpc_parse(const char *data, size_t len, struct httpc_response *res, struct buf *why);

/* Copies the value of the first header named name (any case), trimmed, to
 * out. Returns 0, or -1 when there is none. */
int httpc_header(const struct httpc_response *res, const char *name, char *out, size_t outsz);

void httpc_response_free(struct httpc_response *res);

#endif
