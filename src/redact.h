/* redact: takes personal data and secrets out of log lines before they are written. */
#ifndef SENTIA_REDACT_H
#define SENTIA_REDACT_H

#include <stddef.h>

struct buf;

/* What redaction does: nothing when enabled is 0; otherwise each finding
 * becomes a marker ("[email]"), or, with a hash key, a marker carrying the
 * first 12 hex digits of an HMAC-SHA-256 of the value ("[email:3fa9c2d81b07]"),
 * so one user's lines can still be followed without showing the value. */
struct redact_opts {
	int enabled;
	const char *hash_key;   /* NULL or "": markers only */
};

/*
 * What is replaced, and by which marker:
 *
 *   [email]     e-mail addresses, also with the @ percent-encoded as %40;
 *               hashed in lower case
 *   [phone]     7 to 15 digits in one of the usual written shapes: a leading
 *               +, an area code in parentheses, a national number starting
 *               with 0, or the North American 3-3-4; hashed as digits only.
 *               A bare run of digits is never a phone (sizes, ids, counts),
 *               nor are dates, times, IPv4 addresses and versions
 *   [token]     the credential after "Bearer " (prose such as "missing
 *               bearer token" stays: a credential has 16 or more bytes, or
 *               8 with a digit, a symbol or an inner capital)
 *   [key]       API keys: sk_ and 16 or more letters, digits or _
 *   [jwt]       JSON Web Tokens: three base64url segments, the first eyJ...
 *   [redacted]  the value of a field whose name contains password, passwd,
 *               secret, token, api_key, apikey, api-key or authorization:
 *               "name":"value" (string values only; also inside an escaped
 *               JSON string), name=value and name: value; and the password
 *               of a URL (scheme://user:password@host)
 *
 * Input is treated as a JSON line or plain text: a backslash escape is
 * never cut in half and markers contain no quote or backslash, so a valid
 * JSON line stays valid.
 */

/* Appends len bytes of text to out with every secret or personal datum
 * replaced. Returns the number of replacements, or -1 when out of memory. */
int redact_append(struct buf *out, const char *text, size_t len, const struct redact_opts *o);

#endif
