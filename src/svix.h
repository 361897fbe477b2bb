/* svix: verifying webhooks signed the Svix way, as Clerk sends them: an
 * HMAC-SHA256, keyed with the endpoint's secret, of "{id}.{timestamp}.{body}"
 * over the body's bytes as received, in the svix-signature header as one
 * or more space-separated "v1,<base64>" entries. Pure functions: the time
 * is an argument, so tests choose it. */
#ifndef SENTIA_SVIX_H
#define SENTIA_SVIX_H

#include <stddef.h>

/* How far a message's timestamp may be from now, either way (seconds):
 * older ones are replays, newer ones are not to be believed. */
#define SVIX_TOLERANCE_S 300
/* The longest key a secret may decode to (Svix's are 24 to 32 bytes). */
#define SVIX_KEY_MAX 64

/* What verifying found; only SVIX_OK lets a message through. */
enum svix_result {
	SVIX_OK,
	SVIX_BAD_SECRET,       /* the configured secret is not whsec_<base64> */
	SVIX_MISSING_HEADER,   /* svix-id, svix-timestamp or svix-signature absent or empty */
	SVIX_BAD_TIMESTAMP,    /* not a whole number of seconds */
	SVIX_NO_MATCH,         /* no v1 signature matches: wrong secret or changed content */
	SVIX_TOO_OLD,          /* authentic, but older than the tolerance: a replay */
	SVIX_TOO_NEW,          /* authentic, but dated beyond the tolerance ahead */
};

/* One delivery: the three headers (as received) and the raw body. */
struct svix_message {
	const char *id;
	const char *timestamp;
	const char *signatures;
	const void *body;
	size_t len;
};

/* Decodes a secret, "whsec_" and base64 (the prefix may be left out),
 * into key (size bytes). Returns the key's length, or -1 when the secret
 * is not base64 or decodes to nothing or to more than size bytes. */
int svix_secret_decode(const char *secret, unsigned char *key, size_t size);

/* Checks m against secret at Unix time now: the signature first (compared
 * in constant time, any entry may match), then the timestamp's distance
 * from now. */
enum svix_result svix_verify(const char *secret, const struct svix_message *m, long long now);

/* A short phrase for a result, for logs and error messages. */
const char *svix_result_text(enum svix_result r);

#endif
