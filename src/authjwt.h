/* authjwt: verifies Clerk session tokens (RS256 JWTs) against a set of pinned RSA keys. */
#ifndef SENTIA_AUTHJWT_H
#define SENTIA_AUTHJWT_H

#include <stddef.h>

#include "buf.h"

/* Tokens longer than this are refused before any parsing. */
#define AUTHJWT_MAX_TOKEN 8192

/* The role claim path used when the rules name none. */
#define AUTHJWT_DEFAULT_ROLE_CLAIM "metadata.role"

/* A set of RSA public keys (2048 bits or more), each with an optional kid.
 * Kid matching is strict: a token with a kid is checked only with the key
 * of that kid; a token without a kid is checked with each key that has no
 * kid (the CLERK_JWT_KEY case), and never with a key that has one. */
struct authjwt_keys;

/* The checks a token must pass besides its signature. issuer must be set:
 * with none, every token is refused (AUTHJWT_NOT_CONFIGURED). With
 * nparties == 0 any azp is accepted; otherwise an azp, when the token has
 * one, must equal one of parties. role_claim is a dotted path such as
 * "metadata.role" (NULL or "": the default). now is the Unix time to
 * check exp, nbf and iat against, give or take skew_s seconds. */
struct authjwt_rules {
	const char *issuer;
	const char *const *parties;
	size_t nparties;
	long skew_s;
	const char *role_claim;
	long long now;
};

/* Who a valid token speaks for. role is empty when the token has no
 * string at the role claim path; azp is empty when the token has none. */
struct authjwt_identity {
	char sub[128];
	char sid[128];
	char role[32];
	char azp[256];
	long long exp;
};

/* The outcome of a verification, in the order the checks are made. */
enum authjwt_result {
	AUTHJWT_OK,
	AUTHJWT_NOT_CONFIGURED,     /* no issuer, no key set, or a bad role path */
	AUTHJWT_TOO_LARGE,
	AUTHJWT_MALFORMED,          /* not three strict base64url parts of JSON objects, or a claim of the wrong type or too long */
	AUTHJWT_BAD_ALG,            /* the header's alg is not exactly "RS256" */
	AUTHJWT_BAD_TYP,            /* the header has a typ other than "JWT" */
	AUTHJWT_UNKNOWN_KID,
	AUTHJWT_BAD_SIGNATURE,
	AUTHJWT_MISSING_CLAIM,      /* sub, sid (non-empty strings) or exp absent */
	AUTHJWT_EXPIRED,
	AUTHJWT_NOT_YET_VALID,      /* nbf, or iat, later than now plus skew */
	AUTHJWT_BAD_ISSUER,
	AUTHJWT_BAD_AZP,
	AUTHJWT__MAX
};

/* Returns a new, empty key set, or NULL when out of memory; the caller
 * frees it with authjwt_keys_free. */
struct authjwt_keys *authjwt_keys_new(void);
/* Adds the RSA signing keys of a JWKS document ({"keys":[...]}), skipping
 * keys that are not RSA, not for signatures or not for RS256. A key
 * without a kid is added as a key without kid. Returns 0, or -1 with the
 * reason in why, in which case none of the document's keys is added. */
int authjwt_keys_add_jwks(struct authjwt_keys *k, const char *json, size_t len, struct buf *why);
/* Adds a PEM public key ("-----BEGIN PUBLIC KEY-----"), under kid or, when
 * kid is NULL, as a key without kid. Returns 0, or -1 with the reason in
 * why (not a PEM RSA key, shorter than 2048 bits, a kid already present). */
int authjwt_keys_add_pem(struct authjwt_keys *k, const char *kid, const char *pem, struct buf *why);
/* Returns how many keys the set holds. */
size_t authjwt_keys_count(const struct authjwt_keys *k);
/* Releases a key set and its keys; NULL is accepted. */
void authjwt_keys_free(struct authjwt_keys *k);

/* Verifies a token: its size, its form, its header (alg exactly RS256,
 * typ JWT when present, no crit, a known kid), its signature by libjwt
 * with the chosen key, then its claims by the rules. Fills id on
 * AUTHJWT_OK; on any other result id is left zeroed. */
enum authjwt_result authjwt_verify(const struct authjwt_keys *k, const struct authjwt_rules *r, const char *token,
                                   struct authjwt_identity *id);
/* Returns a sentence fragment for a result ("the token has expired"), for
 * logs and 401 messages. */
const char *authjwt_result_text(enum authjwt_result r);

#endif
