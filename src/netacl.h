/* netacl: lists of addresses and CIDR blocks (IPv4 and IPv6), for
 * METRICS_ALLOWED_IPS and the maintenance allow-list. */
#ifndef SENTIA_NETACL_H
#define SENTIA_NETACL_H

#include <stddef.h>

#include "buf.h"

#define NETACL_MAX 64

/* A parsed list: each entry is an address family, 16 bytes and a prefix. */
struct netacl {
	size_t n;
	struct {
		int family;                 /* AF_INET or AF_INET6 */
		unsigned char addr[16];
		int prefix;
	} e[NETACL_MAX];
};

/* Parses "10.0.0.0/8, 127.0.0.1, ::1" (commas and spaces between entries;
 * an address alone is a /32 or /128). An empty text is an empty list.
 * Returns 0, or -1 with the bad entry named in why. */
int netacl_parse(struct netacl *acl, const char *text, struct buf *why);
/* Whether an address (text, as REMOTE_ADDR gives it; an IPv4-mapped IPv6
 * address counts as IPv4) is in the list. */
int netacl_match(const struct netacl *acl, const char *addr);

/* The client's address when the peer (REMOTE_ADDR) is a trusted proxy:
 * X-Forwarded-For read from the right, the first address that is not a
 * trusted proxy (the leftmost when all are; the last valid one when an
 * entry is not an address). Written to out; returns out, or peer itself
 * when the peer is not trusted or xff is NULL or empty. */
const char *netacl_forwarded_client(const struct netacl *trusted, const char *peer, const char *xff, char *out,
                                    size_t outsz);

#endif
