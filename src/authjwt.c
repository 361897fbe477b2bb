/* authjwt: verifies Clerk session tokens (RS256 JWTs) against a set of pinned RSA keys. */
#include "ac-config.h"

#include "authjwt.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <json-c/json.h>
#include <jwt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* RSA keys shorter than this are refused: they can be factored. */
#define MIN_RSA_BITS 2048

/* A role claim path longer than this is a configuration mistake. */
#define MAX_ROLE_PATH 255

/* One public key: kid is NULL for a key without kid; pem is what libjwt
 * is given, as GnuTLS exported it, so every key reaches libjwt in one form. */
struct authjwt_key {
	char *kid;
	char *pem;
	size_t pem_len;
};

/* The key set: v[0..n) are owned by the set. */
struct authjwt_keys {
	struct authjwt_key *v;
	size_t n;
	size_t cap;
};

/* The texts of the results, indexed by the enum. */
static const char *const result_texts[AUTHJWT__MAX] = {
	[AUTHJWT_OK] = "the token is valid",
	[AUTHJWT_NOT_CONFIGURED] = "token verification is not configured",
	[AUTHJWT_TOO_LARGE] = "the token is too large",
	[AUTHJWT_MALFORMED] = "the token is malformed",
	[AUTHJWT_BAD_ALG] = "the token's signing algorithm is not allowed",
	[AUTHJWT_BAD_TYP] = "the token's type is not JWT",
	[AUTHJWT_UNKNOWN_KID] = "the token's signing key is unknown",
	[AUTHJWT_BAD_SIGNATURE] = "the token's signature is invalid",
	[AUTHJWT_MISSING_CLAIM] = "the token lacks a required claim",
	[AUTHJWT_EXPIRED] = "the token has expired",
	[AUTHJWT_NOT_YET_VALID] = "the token is not valid yet",
	[AUTHJWT_BAD_ISSUER] = "the token's issuer is not trusted",
	[AUTHJWT_BAD_AZP] = "the token's authorized party is not allowed",
};

/* Returns the value of a base64url digit, or -1 for any other byte
 * (padding included: JWTs carry none). */
static int b64url_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Decodes n bytes of unpadded base64url into out (replacing its contents).
 * Strict: any byte outside the alphabet, a length that no encoding has
 * (4k+1), or non-zero bits left over in the last digit are refused, so
 * that each byte string has exactly one accepted encoding. Returns 0 or -1. */
static int b64url_decode(const char *s, size_t n, struct buf *out)
{
	unsigned int acc = 0;
	int bits = 0;

	buf_reset(out);
	if (n % 4 == 1)
		return -1;
	if (buf_reserve(out, n / 4 * 3 + 2) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = b64url_digit((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->data[out->len++] = (char)((acc >> bits) & 0xff);
			acc &= (1u << bits) - 1;
		}
	}
	out->data[out->len] = '\0';
	return acc == 0 ? 0 : -1;
}

/* Whether JSON text escapes a NUL (\u0000): json-c would cut an object
 * key short at it, and jansson, which libjwt parses with, refuses it, so
 * the two parsers would disagree about the token. In valid JSON every
 * backslash starts an escape, so skipping the escaped byte is enough. */
static int json_escapes_nul(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && n - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0)
			return 1;
		i++;
	}
	return 0;
}

/* Parses len bytes as exactly one JSON object, strictly (no trailing text,
 * valid UTF-8, no NUL byte, raw or escaped). Returns the object, which the
 * caller puts, or NULL. */
static struct json_object *parse_object(const char *data, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (len == 0 || len > INT_MAX || memchr(data, '\0', len) != NULL || json_escapes_nul(data, len))
		return NULL;
	tok = json_tokener_new_ex(32);
	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, data, (int)len);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success || json_tokener_get_parse_end(tok) != len ||
	                  !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Whether o is a JSON string equal to s, byte for byte (a string with an
 * escaped NUL never equals a C string). */
static int json_str_is(struct json_object *o, const char *s)
{
	size_t n = strlen(s);

	return json_object_is_type(o, json_type_string) && (size_t)json_object_get_string_len(o) == n &&
	       memcmp(json_object_get_string(o), s, n) == 0;
}

/* Returns a JSON string's text when it is a non-empty string without NUL,
 * with its length in *n; NULL otherwise. */
static const char *json_plain_str(struct json_object *o, size_t *n)
{
	const char *s;

	if (!json_object_is_type(o, json_type_string))
		return NULL;
	s = json_object_get_string(o);
	*n = (size_t)json_object_get_string_len(o);
	if (*n == 0 || memchr(s, '\0', *n) != NULL)
		return NULL;
	return s;
}

struct authjwt_keys *authjwt_keys_new(void)
{
	return calloc(1, sizeof(struct authjwt_keys));
}

size_t authjwt_keys_count(const struct authjwt_keys *k)
{
	return k->n;
}

/* Releases the keys from index from on, so a failed JWKS leaves the set
 * as it was. */
static void keys_truncate(struct authjwt_keys *k, size_t from)
{
	while (k->n > from) {
		k->n--;
		free(k->v[k->n].kid);
		free(k->v[k->n].pem);
	}
}

void authjwt_keys_free(struct authjwt_keys *k)
{
	if (k == NULL)
		return;
	keys_truncate(k, 0);
	free(k->v);
	free(k);
}

/* Returns the key with this kid (n bytes), or NULL. */
static const struct authjwt_key *keys_find(const struct authjwt_keys *k, const char *kid, size_t n)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].kid != NULL && strlen(k->v[i].kid) == n && memcmp(k->v[i].kid, kid, n) == 0)
			return &k->v[i];
	return NULL;
}

/* Adds a GnuTLS public key to the set after checking that it is an RSA
 * key long enough and that its kid (NULL: none) is new. The one way keys
 * enter the set, whichever form they came in. Returns 0, or -1 with why. */
static int keys_push(struct authjwt_keys *k, const char *kid, gnutls_pubkey_t pub, struct buf *why)
{
	gnutls_datum_t pem = { NULL, 0 };
	unsigned int bits = 0;
	struct authjwt_key *key;
	int alg;

	alg = gnutls_pubkey_get_pk_algorithm(pub, &bits);
	if (alg != GNUTLS_PK_RSA) {
		buf_puts(why, "The key is not an RSA key; session tokens are signed with RS256.");
		return -1;
	}
	if (bits < MIN_RSA_BITS) {
		buf_printf(why, "The RSA key has %u bits; at least %d are required.", bits, MIN_RSA_BITS);
		return -1;
	}
	if (kid != NULL && keys_find(k, kid, strlen(kid)) != NULL) {
		buf_printf(why, "Two keys have the kid \"%s\".", kid);
		return -1;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 4;
		struct authjwt_key *v = realloc(k->v, cap * sizeof *v);

		if (v == NULL)
			goto nomem;
		k->v = v;
		k->cap = cap;
	}
	if (gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_PEM, &pem) < 0 || pem.size == 0) {
		buf_puts(why, "The key cannot be written as PEM.");
		gnutls_free(pem.data);
		return -1;
	}
	key = &k->v[k->n];
	key->kid = kid != NULL ? strdup(kid) : NULL;
	key->pem = malloc(pem.size + 1);
	if ((kid != NULL && key->kid == NULL) || key->pem == NULL) {
		free(key->kid);
		free(key->pem);
		gnutls_free(pem.data);
		goto nomem;
	}
	memcpy(key->pem, pem.data, pem.size);
	key->pem[pem.size] = '\0';
	key->pem_len = pem.size;
	gnutls_free(pem.data);
	k->n++;
	return 0;
nomem:
	buf_puts(why, "Out of memory while loading a key.");
	return -1;
}

int authjwt_keys_add_pem(struct authjwt_keys *k, const char *kid, const char *pem, struct buf *why)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t d;
	int rc = -1;

	if (kid != NULL && kid[0] == '\0') {
		buf_puts(why, "A key's kid cannot be empty; pass NULL for a key without kid.");
		return -1;
	}
	if (gnutls_pubkey_init(&pub) < 0) {
		buf_puts(why, "Out of memory while loading a key.");
		return -1;
	}
	d.data = (unsigned char *)(uintptr_t)pem;
	d.size = (unsigned int)strlen(pem);
	if (gnutls_pubkey_import(pub, &d, GNUTLS_X509_FMT_PEM) < 0) {
		buf_puts(why, "The key is not a PEM public key (-----BEGIN PUBLIC KEY-----).");
		goto out;
	}
	rc = keys_push(k, kid, pub, why);
out:
	gnutls_pubkey_deinit(pub);
	return rc;
}

/* Makes a public key of a JWK's n and e (base64url big-endian numbers)
 * and adds it. Returns 0, or -1 with why. */
static int add_jwk_rsa(struct authjwt_keys *k, const char *kid, struct json_object *jwk, size_t idx, struct buf *why)
{
	struct buf n = BUF_INIT, e = BUF_INIT, reason = BUF_INIT;
	struct json_object *jn, *je;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t dn, de;
	int rc = -1;

	if (!json_object_object_get_ex(jwk, "n", &jn) || !json_object_is_type(jn, json_type_string) ||
	    !json_object_object_get_ex(jwk, "e", &je) || !json_object_is_type(je, json_type_string)) {
		buf_printf(why, "Key %zu of the JWKS lacks its \"n\" or \"e\".", idx + 1);
		goto out;
	}
	if (b64url_decode(json_object_get_string(jn), (size_t)json_object_get_string_len(jn), &n) < 0 || n.len == 0 ||
	    b64url_decode(json_object_get_string(je), (size_t)json_object_get_string_len(je), &e) < 0 || e.len == 0) {
		buf_printf(why, "Key %zu of the JWKS has an \"n\" or \"e\" that is not base64url.", idx + 1);
		goto out;
	}
	if (gnutls_pubkey_init(&pub) < 0) {
		buf_puts(why, "Out of memory while loading a key.");
		goto out;
	}
	dn.data = (unsigned char *)n.data;
	dn.size = (unsigned int)n.len;
	de.data = (unsigned char *)e.data;
	de.size = (unsigned int)e.len;
	if (gnutls_pubkey_import_rsa_raw(pub, &dn, &de) < 0) {
		buf_printf(why, "Key %zu of the JWKS is not a valid RSA key.", idx + 1);
		goto out;
	}
	/* keys_push's reason, said of this key of the document. */
	if (keys_push(k, kid, pub, &reason) < 0) {
		buf_printf(why, "Key %zu of the JWKS is refused: %s", idx + 1, reason.data ? reason.data : "");
		goto out;
	}
	rc = 0;
out:
	if (pub != NULL)
		gnutls_pubkey_deinit(pub);
	buf_free(&n);
	buf_free(&e);
	buf_free(&reason);
	return rc;
}

/* Adds one JWK of a JWKS, or skips it when it is not an RSA key for RS256
 * signatures: a JWKS may well publish other keys, which are not errors.
 * Returns 0, or -1 with why. */
static int add_jwk(struct authjwt_keys *k, struct json_object *jwk, size_t idx, struct buf *why)
{
	struct json_object *v;
	const char *kid = NULL;
	size_t n;

	if (!json_object_is_type(jwk, json_type_object)) {
		buf_printf(why, "Key %zu of the JWKS is not an object.", idx + 1);
		return -1;
	}
	if (!json_object_object_get_ex(jwk, "kty", &v) || !json_object_is_type(v, json_type_string)) {
		buf_printf(why, "Key %zu of the JWKS has no \"kty\".", idx + 1);
		return -1;
	}
	if (!json_str_is(v, "RSA"))
		return 0;
	if (json_object_object_get_ex(jwk, "use", &v) && !json_str_is(v, "sig"))
		return 0;
	if (json_object_object_get_ex(jwk, "alg", &v) && !json_str_is(v, "RS256"))
		return 0;
	if (json_object_object_get_ex(jwk, "kid", &v)) {
		kid = json_plain_str(v, &n);
		if (kid == NULL) {
			buf_printf(why, "Key %zu of the JWKS has a \"kid\" that is not a non-empty string.", idx + 1);
			return -1;
		}
	}
	return add_jwk_rsa(k, kid, jwk, idx, why);
}

int authjwt_keys_add_jwks(struct authjwt_keys *k, const char *json, size_t len, struct buf *why)
{
	struct json_object *root, *keys;
	size_t from = k->n;
	int rc = -1;

	root = parse_object(json, len);
	if (root == NULL) {
		buf_puts(why, "The JWKS is not a JSON object.");
		return -1;
	}
	if (!json_object_object_get_ex(root, "keys", &keys) || !json_object_is_type(keys, json_type_array)) {
		buf_puts(why, "The JWKS has no \"keys\" array.");
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(keys); i++)
		if (add_jwk(k, json_object_array_get_idx(keys, i), i, why) < 0)
			goto out;
	rc = 0;
out:
	if (rc < 0)
		keys_truncate(k, from);
	json_object_put(root);
	return rc;
}

/* Adds a and b, stopping at the ends of long long rather than wrapping. */
static long long sat_add(long long a, long long b)
{
	if (b > 0 && a > LLONG_MAX - b)
		return LLONG_MAX;
	if (b < 0 && a < LLONG_MIN - b)
		return LLONG_MIN;
	return a + b;
}

/* Reads a NumericDate claim (an integer, or a finite number whose
 * fraction is dropped). Returns 1 when present, 0 when absent, -1 when it
 * is not a number. */
static int claim_time(struct json_object *claims, const char *name, long long *t)
{
	struct json_object *v;
	double d;

	if (!json_object_object_get_ex(claims, name, &v))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		*t = (long long)json_object_get_int64(v);
		return 1;
	}
	if (!json_object_is_type(v, json_type_double))
		return -1;
	d = json_object_get_double(v);
	if (!isfinite(d))
		return -1;
	if (d >= 9.2e18)
		*t = LLONG_MAX;
	else if (d <= -9.2e18)
		*t = LLONG_MIN;
	else
		*t = (long long)d;
	return 1;
}

/* Copies a required string claim into dst (size bytes). Returns
 * AUTHJWT_MISSING_CLAIM when absent or empty, AUTHJWT_MALFORMED when not a
 * string or too long to hold without truncation (a truncated subject could
 * name someone else). */
static enum authjwt_result claim_copy(struct json_object *claims, const char *name, char *dst, size_t size)
{
	struct json_object *v;
	const char *s;
	size_t n;

	if (!json_object_object_get_ex(claims, name, &v) || json_object_is_type(v, json_type_null))
		return AUTHJWT_MISSING_CLAIM;
	if (!json_object_is_type(v, json_type_string))
		return AUTHJWT_MALFORMED;
	if (json_object_get_string_len(v) == 0)
		return AUTHJWT_MISSING_CLAIM;
	s = json_plain_str(v, &n);
	if (s == NULL || n >= size)
		return AUTHJWT_MALFORMED;
	memcpy(dst, s, n + 1);
	return AUTHJWT_OK;
}

/* Returns the role claim path of the rules, or NULL when it is not a
 * usable path (empty components, too long). */
static const char *role_path(const struct authjwt_rules *r)
{
	const char *p = r->role_claim != NULL && r->role_claim[0] != '\0' ? r->role_claim : AUTHJWT_DEFAULT_ROLE_CLAIM;
	size_t n = strlen(p);

	if (n > MAX_ROLE_PATH || p[0] == '.' || p[n - 1] == '.' || strstr(p, "..") != NULL)
		return NULL;
	return p;
}

/* Copies the role at a dotted path into id->role: empty when the path
 * does not lead to a value (or leads to null). A role that is not a
 * string, or too long for id->role, refuses the token rather than
 * guessing at a role. */
static enum authjwt_result claim_role(struct json_object *claims, const char *path, struct authjwt_identity *id)
{
	char name[MAX_ROLE_PATH + 1];
	struct json_object *cur = claims;
	const char *p = path, *s;
	size_t n;

	for (;;) {
		const char *dot = strchr(p, '.');

		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		memcpy(name, p, n);
		name[n] = '\0';
		if (!json_object_is_type(cur, json_type_object) || !json_object_object_get_ex(cur, name, &cur))
			return AUTHJWT_OK;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	if (cur == NULL || json_object_is_type(cur, json_type_null))
		return AUTHJWT_OK;
	if (!json_object_is_type(cur, json_type_string))
		return AUTHJWT_MALFORMED;
	if (json_object_get_string_len(cur) == 0)
		return AUTHJWT_OK;
	s = json_plain_str(cur, &n);
	if (s == NULL || n >= sizeof id->role)
		return AUTHJWT_MALFORMED;
	memcpy(id->role, s, n + 1);
	return AUTHJWT_OK;
}

/* Checks the claims of a token whose signature is good, filling id. */
static enum authjwt_result check_claims(const struct authjwt_rules *r, const char *path, struct json_object *claims,
                                        struct authjwt_identity *id)
{
	long long skew = r->skew_s > 0 ? r->skew_s : 0;
	struct json_object *v;
	enum authjwt_result res;
	long long t;
	int has;

	if ((res = claim_copy(claims, "sub", id->sub, sizeof id->sub)) != AUTHJWT_OK)
		return res;
	if ((res = claim_copy(claims, "sid", id->sid, sizeof id->sid)) != AUTHJWT_OK)
		return res;
	has = claim_time(claims, "exp", &id->exp);
	if (has < 0)
		return AUTHJWT_MALFORMED;
	if (has == 0)
		return AUTHJWT_MISSING_CLAIM;
	/* RFC 7519: the token is valid only before exp; skew forgives a
	 * server clock running ahead of the issuer's. */
	if (r->now >= sat_add(id->exp, skew))
		return AUTHJWT_EXPIRED;
	if ((has = claim_time(claims, "nbf", &t)) < 0)
		return AUTHJWT_MALFORMED;
	if (has && t > sat_add(r->now, skew))
		return AUTHJWT_NOT_YET_VALID;
	/* Clerk also refuses a token issued in the future. */
	if ((has = claim_time(claims, "iat", &t)) < 0)
		return AUTHJWT_MALFORMED;
	if (has && t > sat_add(r->now, skew))
		return AUTHJWT_NOT_YET_VALID;
	if (!json_object_object_get_ex(claims, "iss", &v) || !json_str_is(v, r->issuer))
		return AUTHJWT_BAD_ISSUER;
	if (json_object_object_get_ex(claims, "azp", &v) && !json_object_is_type(v, json_type_null)) {
		const char *azp;
		size_t n, i;

		if (!json_object_is_type(v, json_type_string))
			return AUTHJWT_MALFORMED;
		for (i = 0; i < r->nparties; i++)
			if (json_str_is(v, r->parties[i]))
				break;
		if (r->nparties > 0 && i == r->nparties)
			return AUTHJWT_BAD_AZP;
		azp = json_plain_str(v, &n);
		if (azp != NULL) {
			if (n >= sizeof id->azp)
				return AUTHJWT_MALFORMED;
			memcpy(id->azp, azp, n + 1);
		}
	}
	return claim_role(claims, path, id);
}

/* Checks the header of a token and chooses its keys: *only is the key
 * named by its kid, or NULL when the token has no kid and every key
 * without kid is to be tried. */
static enum authjwt_result check_header(const struct authjwt_keys *k, struct json_object *head,
                                        const struct authjwt_key **only)
{
	struct json_object *v;
	const char *kid;
	size_t n;

	*only = NULL;
	/* The one place the algorithm is chosen: libjwt would follow the
	 * header (HS256 keyed with our public PEM, or none) if let. */
	if (!json_object_object_get_ex(head, "alg", &v) || !json_str_is(v, "RS256"))
		return AUTHJWT_BAD_ALG;
	if (json_object_object_get_ex(head, "typ", &v) && !json_str_is(v, "JWT"))
		return AUTHJWT_BAD_TYP;
	/* RFC 7515: extensions named critical must be understood, and we
	 * understand none. */
	if (json_object_object_get_ex(head, "crit", &v))
		return AUTHJWT_MALFORMED;
	if (!json_object_object_get_ex(head, "kid", &v)) {
		for (size_t i = 0; i < k->n; i++)
			if (k->v[i].kid == NULL)
				return AUTHJWT_OK;
		return AUTHJWT_UNKNOWN_KID;
	}
	if (!json_object_is_type(v, json_type_string))
		return AUTHJWT_MALFORMED;
	kid = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	*only = keys_find(k, kid, n);
	return *only != NULL ? AUTHJWT_OK : AUTHJWT_UNKNOWN_KID;
}

/* Has libjwt check the signature with one key, and checks that libjwt
 * read the algorithm we pinned. */
static enum authjwt_result check_signature(const struct authjwt_key *key, const char *token)
{
	enum authjwt_result res = AUTHJWT_BAD_SIGNATURE;
	jwt_t *jwt = NULL;

	if (key->pem_len > INT_MAX)
		return AUTHJWT_BAD_SIGNATURE;
	if (jwt_decode(&jwt, token, (const unsigned char *)key->pem, (int)key->pem_len) == 0 && jwt != NULL)
		res = jwt_get_alg(jwt) == JWT_ALG_RS256 ? AUTHJWT_OK : AUTHJWT_BAD_ALG;
	jwt_free(jwt);
	return res;
}

enum authjwt_result authjwt_verify(const struct authjwt_keys *k, const struct authjwt_rules *r, const char *token,
                                   struct authjwt_identity *id)
{
	struct buf part[3] = { BUF_INIT, BUF_INIT, BUF_INIT };
	struct json_object *head = NULL, *claims = NULL;
	const struct authjwt_key *only;
	enum authjwt_result res;
	const char *start[3], *path;
	size_t len, plen[3];

	memset(id, 0, sizeof *id);
	/* Without an issuer any Clerk instance's tokens signed by a shared
	 * key would pass: a missing setting fails closed. */
	if (k == NULL || r == NULL || r->issuer == NULL || r->issuer[0] == '\0' || (path = role_path(r)) == NULL)
		return AUTHJWT_NOT_CONFIGURED;
	if (token == NULL)
		return AUTHJWT_MALFORMED;
	len = strnlen(token, AUTHJWT_MAX_TOKEN + 1);
	if (len > AUTHJWT_MAX_TOKEN)
		return AUTHJWT_TOO_LARGE;

	res = AUTHJWT_MALFORMED;
	start[0] = token;
	for (int i = 0; i < 2; i++) {
		const char *dot = memchr(start[i], '.', len - (size_t)(start[i] - token));

		if (dot == NULL)
			goto out;
		plen[i] = (size_t)(dot - start[i]);
		start[i + 1] = dot + 1;
	}
	plen[2] = len - (size_t)(start[2] - token);
	if (memchr(start[2], '.', plen[2]) != NULL)
		goto out;
	for (int i = 0; i < 3; i++)
		if (b64url_decode(start[i], plen[i], &part[i]) < 0)
			goto out;
	if ((head = parse_object(part[0].data, part[0].len)) == NULL ||
	    (claims = parse_object(part[1].data, part[1].len)) == NULL)
		goto out;

	if ((res = check_header(k, head, &only)) != AUTHJWT_OK)
		goto out;
	res = AUTHJWT_BAD_SIGNATURE;
	if (part[2].len == 0)
		goto out;
	if (only != NULL) {
		res = check_signature(only, token);
	} else {
		/* Several keys without kid while CLERK_JWT_KEY rotates: any one. */
		for (size_t i = 0; i < k->n && res == AUTHJWT_BAD_SIGNATURE; i++)
			if (k->v[i].kid == NULL)
				res = check_signature(&k->v[i], token);
	}
	if (res != AUTHJWT_OK)
		goto out;
	/* The claims are read from our own parse of the very bytes the
	 * signature covers, not from libjwt's. */
	res = check_claims(r, path, claims, id);
out:
	if (res != AUTHJWT_OK)
		memset(id, 0, sizeof *id);
	json_object_put(head);
	json_object_put(claims);
	for (int i = 0; i < 3; i++)
		buf_free(&part[i]);
	return res;
}

const char *authjwt_result_text(enum authjwt_result r)
{
	if ((unsigned int)r >= AUTHJWT__MAX || result_texts[r] == NULL)
		return "the token cannot be verified";
	return result_texts[r];
}
