/* svix: verifying webhooks signed the Svix way (see svix.h). */
#include "ac-config.h"

#include "svix.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char b64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The value of a standard base64 digit, or -1. */
static int b64_value(unsigned char c)
{
	const char *p = c != '\0' ? strchr(b64_digits, c) : NULL;

	return p != NULL ? (int)(p - b64_digits) : -1;
}

/* Writes n bytes as padded standard base64 and a NUL into out, which
 * holds 4 * ((n + 2) / 3) + 1 bytes. */
static void b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64_digits[v >> 18 & 63];
		out[o++] = b64_digits[v >> 12 & 63];
		out[o++] = b64_digits[v >> 6 & 63];
		out[o++] = b64_digits[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);

		out[o++] = b64_digits[v >> 18 & 63];
		out[o++] = b64_digits[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64_digits[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

int svix_secret_decode(const char *secret, unsigned char *key, size_t size)
{
	size_t n, len = 0, pad = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (strncmp(secret, "whsec_", 6) == 0)
		secret += 6;
	n = strlen(secret);
	while (n > 0 && secret[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (n == 0 || (n + pad) % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value((unsigned char)secret[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (len >= size)
				return -1;
			key[len++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return len > 0 ? (int)len : -1;
}

/* Whether a and b (n bytes each) are equal, taking the same time whatever
 * they hold. */
static int same_bytes(const char *a, const char *b, size_t n)
{
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Parses a timestamp: 1 to 12 decimal digits. 0 or -1. */
static int parse_timestamp(const char *s, long long *out)
{
	size_t n = strlen(s);

	if (n == 0 || n > 12 || strspn(s, "0123456789") != n)
		return -1;
	*out = strtoll(s, NULL, 10);
	return 0;
}

/* The expected signature of m under key, base64 (44 characters). 0 or -1. */
static int expected(const unsigned char *key, size_t keylen, const struct svix_message *m, char out[45])
{
	gnutls_hmac_hd_t h;
	unsigned char mac[32];

	if (gnutls_hmac_init(&h, GNUTLS_MAC_SHA256, key, keylen) < 0)
		return -1;
	if (gnutls_hmac(h, m->id, strlen(m->id)) < 0 || gnutls_hmac(h, ".", 1) < 0
	    || gnutls_hmac(h, m->timestamp, strlen(m->timestamp)) < 0 || gnutls_hmac(h, ".", 1) < 0
	    || (m->len > 0 && gnutls_hmac(h, m->body, m->len) < 0)) {
		gnutls_hmac_deinit(h, NULL);
		return -1;
	}
	gnutls_hmac_deinit(h, mac);
	b64_encode(mac, sizeof mac, out);
	return 0;
}

enum svix_result svix_verify(const char *secret, const struct svix_message *m, long long now)
{
	unsigned char key[SVIX_KEY_MAX];
	char want[45];
	int keylen = secret != NULL ? svix_secret_decode(secret, key, sizeof key) : -1, found = 0;
	long long ts;

	if (keylen <= 0)
		return SVIX_BAD_SECRET;
	if (m->id == NULL || m->id[0] == '\0' || m->timestamp == NULL || m->timestamp[0] == '\0'
	    || m->signatures == NULL || m->signatures[0] == '\0')
		return SVIX_MISSING_HEADER;
	if (parse_timestamp(m->timestamp, &ts) != 0)
		return SVIX_BAD_TIMESTAMP;
	if (expected(key, (size_t)keylen, m, want) != 0)
		return SVIX_NO_MATCH;
	/* "v1,<sig> v1,<sig> ...": entries of other versions are skipped. */
	for (const char *p = m->signatures; *p != '\0';) {
		size_t len;

		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (len == 3 + 44 && strncmp(p, "v1,", 3) == 0 && same_bytes(p + 3, want, 44))
			found = 1;
		p += len;
	}
	memset(key, 0, sizeof key);
	if (!found)
		return SVIX_NO_MATCH;
	if (ts < now - SVIX_TOLERANCE_S)
		return SVIX_TOO_OLD;
	if (ts > now + SVIX_TOLERANCE_S)
		return SVIX_TOO_NEW;
	return SVIX_OK;
}

const char *svix_result_text(enum svix_result r)
{
	switch (r) {
	case SVIX_OK: return "verified";
	case SVIX_BAD_SECRET: return "the webhook signing secret is not usable";
	case SVIX_MISSING_HEADER: return "the svix-id, svix-timestamp and svix-signature headers are required";
	case SVIX_BAD_TIMESTAMP: return "svix-timestamp is not a whole number of seconds";
	case SVIX_NO_MATCH: return "no signature matches";
	case SVIX_TOO_OLD: return "the timestamp is too old";
	case SVIX_TOO_NEW: return "the timestamp is too far in the future";
	}
	return "unknown";
}
