/* netacl: inet_pton does the parsing; a prefix compares whole bytes, then
 * the leading bits of the next one. */
#include "ac-config.h"

#include "netacl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Parses one address into family and 16 bytes; IPv4-mapped IPv6 becomes
 * IPv4. Returns 0 or -1. */
static int parse_addr(const char *s, int *family, unsigned char out[16])
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		if (memcmp(out, mapped, 12) == 0) {
			memmove(out, out + 12, 4);
			memset(out + 4, 0, 12);
			*family = AF_INET;
		}
		return 0;
	}
	return -1;
}

int netacl_parse(struct netacl *acl, const char *text, struct buf *why)
{
	const char *p = text;

	acl->n = 0;
	while (*p != '\0') {
		char item[80];
		size_t len;
		char *slash, *end;
		int max;

		p += strspn(p, ", \t");
		len = strcspn(p, ", \t");
		if (len == 0)
			break;
		if (len >= sizeof item) {
			buf_printf(why, "\"%.20s...\" is too long for an address", p);
			return -1;
		}
		if (acl->n >= NETACL_MAX) {
			buf_printf(why, "more than %d entries", NETACL_MAX);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p += len;
		slash = strchr(item, '/');
		if (slash != NULL)
			*slash = '\0';
		if (parse_addr(item, &acl->e[acl->n].family, acl->e[acl->n].addr) != 0) {
			buf_printf(why, "\"%s\" is not an IPv4 or IPv6 address", item);
			return -1;
		}
		max = acl->e[acl->n].family == AF_INET ? 32 : 128;
		acl->e[acl->n].prefix = max;
		if (slash != NULL) {
			long bits = strtol(slash + 1, &end, 10);

			if (slash[1] == '\0' || *end != '\0' || bits < 0 || bits > max) {
				buf_printf(why, "\"%s/%s\" has a bad prefix length (0 to %d)", item, slash + 1, max);
				return -1;
			}
			acl->e[acl->n].prefix = (int)bits;
		}
		acl->n++;
	}
	return 0;
}

const char *netacl_forwarded_client(const struct netacl *trusted, const char *peer, const char *xff, char *out,
                                    size_t outsz)
{
	char list[1024];
	size_t len;
	int found = 0;

	if (trusted->n == 0 || xff == NULL || !netacl_match(trusted, peer))
		return peer;
	/* Only the right of a long header matters; a cut entry stops the walk. */
	len = strlen(xff);
	snprintf(list, sizeof list, "%s", len >= sizeof list ? xff + len - (sizeof list - 1) : xff);
	for (;;) {
		char *comma = strrchr(list, ','), *entry = comma != NULL ? comma + 1 : list, *e;
		unsigned char a[16];
		int family;

		while (*entry == ' ' || *entry == '\t')
			entry++;
		for (e = entry + strlen(entry); e > entry && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		if (parse_addr(entry, &family, a) != 0 || strlen(entry) >= outsz)
			break;
		strcpy(out, entry);
		found = 1;
		if (!netacl_match(trusted, entry) || comma == NULL)
			break;
		*comma = '\0';
	}
	return found ? out : peer;
}

int netacl_match(const struct netacl *acl, const char *addr)
{
	unsigned char a[16];
	int family;

	if (addr == NULL || parse_addr(addr, &family, a) != 0)
		return 0;
	for (size_t i = 0; i < acl->n; i++) {
		int bytes = acl->e[i].prefix / 8, bits = acl->e[i].prefix % 8;

		if (acl->e[i].family != family || memcmp(a, acl->e[i].addr, (size_t)bytes) != 0)
			continue;
		if (bits == 0 || ((a[bytes] ^ acl->e[i].addr[bytes]) & (0xff << (8 - bits)) & 0xff) == 0)
			return 1;
	}
	return 0;
}
