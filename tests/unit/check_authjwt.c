/* check_authjwt: session token verification against real RSA keys, real libjwt tokens and forged ones. */
#include "ac-config.h"

#include "authjwt.h"
#include "suites.h"
#include "buf.h"

#include <check.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jwt.h>
#include <stdlib.h>
#include <string.h>


#define NOW 1700000000LL
#define ISS "https://clerk.example.com"
#define APP "https://app.example.com"

/* A valid session token's claims at NOW: exp a minute on, nbf and iat ten
 * seconds back, as Clerk issues them. */
#define CLAIMS                                                                                                 \
	"{\"sub\":\"user_1\",\"sid\":\"sess_1\",\"iss\":\"" ISS "\",\"exp\":1700000060,\"nbf\":1699999990,"    \
	"\"iat\":1699999990,\"azp\":\"" APP "\",\"metadata\":{\"role\":\"admin\"}}"

/* An RSA key pair in every form the tests need. */
struct testkey {
	gnutls_privkey_t priv;
	char *priv_pem;
	char *pub_pem;
	char *n;        /* the JWK modulus, base64url */
	char *e;        /* the JWK exponent, base64url */
};

/* Keys are slow to make, so the unchecked fixture makes them once for the
 * whole test case; they live here because a Check fixture has nowhere else. */
static struct testkey key_a, key_b, key_short;
static char *ec_pub_pem;

/* Appends n bytes as unpadded base64url. */
static void b64url_put(struct buf *b, const void *p, size_t n)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		buf_putc(b, digits[s[i] >> 2]);
		buf_putc(b, digits[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
		buf_putc(b, digits[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)]);
		buf_putc(b, digits[s[i + 2] & 63]);
	}
	if (n - i == 1) {
		buf_putc(b, digits[s[i] >> 2]);
		buf_putc(b, digits[(s[i] & 3) << 4]);
	} else if (n - i == 2) {
		buf_putc(b, digits[s[i] >> 2]);
		buf_putc(b, digits[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
		buf_putc(b, digits[(s[i + 1] & 15) << 2]);
	}
	if (b->data == NULL)
		buf_puts(b, "");
}

/* Returns a malloc'd copy of a GnuTLS datum as a C string, and frees it. */
static char *datum_str(gnutls_datum_t *d)
{
	char *s = malloc(d->size + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, d->data, d->size);
	s[d->size] = '\0';
	gnutls_free(d->data);
	return s;
}

/* Returns a malloc'd base64url of a GnuTLS datum, and frees it. */
static char *datum_b64url(gnutls_datum_t *d)
{
	struct buf b = BUF_INIT;

	b64url_put(&b, d->data, d->size);
	gnutls_free(d->data);
	return b.data;
}

/* Makes an RSA key pair of the given size. */
static void testkey_make(struct testkey *t, unsigned int bits)
{
	gnutls_x509_privkey_t x;
	gnutls_pubkey_t pub;
	gnutls_datum_t d, m, e;

	ck_assert_int_eq(gnutls_x509_privkey_init(&x), 0);
	ck_assert_int_eq(gnutls_x509_privkey_generate(x, GNUTLS_PK_RSA, bits, 0), 0);
	ck_assert_int_eq(gnutls_x509_privkey_export2(x, GNUTLS_X509_FMT_PEM, &d), 0);
	t->priv_pem = datum_str(&d);
	ck_assert_int_eq(gnutls_privkey_init(&t->priv), 0);
	ck_assert_int_eq(gnutls_privkey_import_x509(t->priv, x, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE), 0);
	ck_assert_int_eq(gnutls_pubkey_init(&pub), 0);
	ck_assert_int_eq(gnutls_pubkey_import_privkey(pub, t->priv, 0, 0), 0);
	ck_assert_int_eq(gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_PEM, &d), 0);
	t->pub_pem = datum_str(&d);
	ck_assert_int_eq(gnutls_pubkey_export_rsa_raw2(pub, &m, &e, GNUTLS_EXPORT_FLAG_NO_LZ), 0);
	t->n = datum_b64url(&m);
	t->e = datum_b64url(&e);
	gnutls_pubkey_deinit(pub);
}

static void testkey_free(struct testkey *t)
{
	gnutls_privkey_deinit(t->priv);
	free(t->priv_pem);
	free(t->pub_pem);
	free(t->n);
	free(t->e);
	memset(t, 0, sizeof *t);
}

/* Makes the keys: two 2048-bit keys to sign with, a short one to refuse
 * and an EC public key of the wrong kind. */
static void keys_setup(void)
{
	gnutls_privkey_t ec;
	gnutls_pubkey_t pub;
	gnutls_datum_t d;

	testkey_make(&key_a, 2048);
	testkey_make(&key_b, 2048);
	testkey_make(&key_short, 1024);
	ck_assert_int_eq(gnutls_privkey_init(&ec), 0);
	ck_assert_int_eq(gnutls_privkey_generate(ec, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	ck_assert_int_eq(gnutls_pubkey_init(&pub), 0);
	ck_assert_int_eq(gnutls_pubkey_import_privkey(pub, ec, 0, 0), 0);
	ck_assert_int_eq(gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_PEM, &d), 0);
	ec_pub_pem = datum_str(&d);
	gnutls_pubkey_deinit(pub);
	gnutls_privkey_deinit(ec);
}

static void keys_teardown(void)
{
	testkey_free(&key_a);
	testkey_free(&key_b);
	testkey_free(&key_short);
	free(ec_pub_pem);
	ec_pub_pem = NULL;
}

/* Signs claims with libjwt as an issuer would; kid and typ are headers
 * when not NULL. Returns a malloc'd token. */
static char *lib_token(jwt_alg_t alg, const char *key, const char *kid, const char *typ, const char *claims)
{
	jwt_t *jwt = NULL;
	char *tok;

	ck_assert_int_eq(jwt_new(&jwt), 0);
	ck_assert_int_eq(jwt_add_grants_json(jwt, claims), 0);
	if (kid != NULL)
		ck_assert_int_eq(jwt_add_header(jwt, "kid", kid), 0);
	if (typ != NULL)
		ck_assert_int_eq(jwt_add_header(jwt, "typ", typ), 0);
	ck_assert_int_eq(jwt_set_alg(jwt, alg, key != NULL ? (const unsigned char *)key : NULL,
	                             key != NULL ? (int)strlen(key) : 0), 0);
	tok = jwt_encode_str(jwt);
	ck_assert_ptr_nonnull(tok);
	jwt_free(jwt);
	return tok;
}

/* The usual test token: CLAIMS signed RS256 by key A under kid "kA". */
static char *good_token(void)
{
	return lib_token(JWT_ALG_RS256, key_a.priv_pem, "kA", NULL, CLAIMS);
}

/* Builds a token by hand from header and claims text, signed RS256
 * (PKCS#1 v1.5, SHA-256) by key, or with an empty signature when key is
 * NULL: for headers libjwt will not write. Returns a malloc'd token. */
static char *raw_token(const struct testkey *key, const char *header, const char *claims)
{
	struct buf b = BUF_INIT;
	gnutls_datum_t data, sig;

	b64url_put(&b, header, strlen(header));
	buf_putc(&b, '.');
	b64url_put(&b, claims, strlen(claims));
	if (key != NULL) {
		data.data = (unsigned char *)b.data;
		data.size = (unsigned int)b.len;
		ck_assert_int_eq(gnutls_privkey_sign_data(key->priv, GNUTLS_DIG_SHA256, 0, &data, &sig), 0);
		buf_putc(&b, '.');
		b64url_put(&b, sig.data, sig.size);
		gnutls_free(sig.data);
	} else {
		buf_putc(&b, '.');
	}
	return b.data;
}

/* Returns a malloc'd token of the first dot-separated parts of tok with
 * part i replaced by text. */
static char *replace_part(const char *tok, int i, const char *text)
{
	struct buf b = BUF_INIT;
	const char *p = tok;

	for (int part = 0; part < 3; part++) {
		const char *dot = strchr(p, '.');
		size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);

		if (part > 0)
			buf_putc(&b, '.');
		if (part == i)
			buf_puts(&b, text);
		else
			buf_append(&b, p, n);
		p = dot != NULL ? dot + 1 : p + n;
	}
	return b.data;
}

/* The rules sentia runs with: our issuer, two origins, five seconds. */
static const char *const parties[] = { APP, "http://localhost:3000" };

static struct authjwt_rules rules(void)
{
	struct authjwt_rules r = { ISS, parties, 2, 5, NULL, NOW };

	return r;
}

/* A key set of key A under kid "kA" and key B under "kB". */
static struct authjwt_keys *keys_ab(void)
{
	struct authjwt_keys *k = authjwt_keys_new();
	struct buf why = BUF_INIT;

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(authjwt_keys_add_pem(k, "kA", key_a.pub_pem, &why), 0);
	ck_assert_int_eq(authjwt_keys_add_pem(k, "kB", key_b.pub_pem, &why), 0);
	ck_assert_uint_eq(authjwt_keys_count(k), 2);
	buf_free(&why);
	return k;
}

/* Verifies tok with keys A and B and the usual rules. */
static enum authjwt_result verify(const char *tok)
{
	struct authjwt_keys *k = keys_ab();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	enum authjwt_result res;

	res = authjwt_verify(k, &r, tok, &id);
	if (res != AUTHJWT_OK)
		ck_assert_str_eq(id.sub, "");
	authjwt_keys_free(k);
	return res;
}

/* Verifies a hand-built token of header and claims, signed by key A. */
static enum authjwt_result verify_raw(const char *header, const char *claims)
{
	char *tok = raw_token(&key_a, header, claims);
	enum authjwt_result res = verify(tok);

	free(tok);
	return res;
}

/* Verifies CLAIMS-like claims signed by key A under kid "kA". */
static enum authjwt_result verify_claims(const char *claims)
{
	char *tok = lib_token(JWT_ALG_RS256, key_a.priv_pem, "kA", NULL, claims);
	enum authjwt_result res = verify(tok);

	free(tok);
	return res;
}

START_TEST(test_valid)
{
	struct authjwt_keys *k = keys_ab();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	char *tok = good_token();

	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_OK);
	ck_assert_str_eq(id.sub, "user_1");
	ck_assert_str_eq(id.sid, "sess_1");
	ck_assert_str_eq(id.role, "admin");
	ck_assert_str_eq(id.azp, APP);
	ck_assert_int_eq(id.exp, 1700000060LL);
	free(tok);
	authjwt_keys_free(k);
}
END_TEST

/* A token without typ or with typ JWT passes: only other values are refused. */
START_TEST(test_typ_absent_or_jwt)
{
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\"}", CLAIMS), AUTHJWT_OK);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\",\"typ\":\"JWT\"}", CLAIMS), AUTHJWT_OK);
}
END_TEST

START_TEST(test_role_paths)
{
	static const char deep[] = "{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                           "\"public_metadata\":{\"org\":{\"role\":\"org:admin\"}},\"metadata\":\"x\"}";
	struct authjwt_keys *k = keys_ab();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	char *tok = lib_token(JWT_ALG_RS256, key_a.priv_pem, "kA", NULL, deep);

	r.role_claim = "public_metadata.org.role";
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_OK);
	ck_assert_str_eq(id.role, "org:admin");
	ck_assert_str_eq(id.azp, "");
	/* The default path leads through a string, so there is no role. */
	r.role_claim = NULL;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_OK);
	ck_assert_str_eq(id.role, "");
	r.role_claim = "public_metadata.nothing";
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_OK);
	ck_assert_str_eq(id.role, "");
	/* A path to an object is not a role: refuse rather than guess. */
	r.role_claim = "public_metadata.org";
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_MALFORMED);
	r.role_claim = "public_metadata..role";
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_NOT_CONFIGURED);
	r.role_claim = "role.";
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_NOT_CONFIGURED);
	free(tok);
	authjwt_keys_free(k);
}
END_TEST

START_TEST(test_role_refused_forms)
{
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                               "\"metadata\":{\"role\":7}}"),
	                 AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                               "\"metadata\":{\"role\":\"a-role-name-much-too-long-to-hold-here\"}}"),
	                 AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                               "\"metadata\":{\"role\":null}}"),
	                 AUTHJWT_OK);
}
END_TEST

/* exp is at NOW + 60 and the skew five seconds. */
START_TEST(test_expiry_and_skew)
{
	struct authjwt_keys *k = keys_ab();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	char *tok = good_token();

	r.now = NOW + 64;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_OK);
	r.now = NOW + 65;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_EXPIRED);
	ck_assert_str_eq(id.sub, "");
	r.now = NOW + 3600;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_EXPIRED);
	r.skew_s = 0;
	r.now = NOW + 59;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_OK);
	r.now = NOW + 60;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_EXPIRED);
	/* A negative skew is no skew, not a stricter clock. */
	r.skew_s = -30;
	r.now = NOW + 59;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_OK);
	/* A skew too large to add does not wrap round. */
	r.skew_s = 0x7fffffffL;
	r.now = 0x7fffffffffffffffLL;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_EXPIRED);
	free(tok);
	authjwt_keys_free(k);
}
END_TEST

/* nbf and iat are at NOW - 10. */
START_TEST(test_not_yet_valid)
{
	struct authjwt_keys *k = keys_ab();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	char *tok = good_token();
	char *nbf = lib_token(JWT_ALG_RS256, key_a.priv_pem, "kA", NULL,
	                      "{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000600,\"nbf\":1700000100}");
	char *iat = lib_token(JWT_ALG_RS256, key_a.priv_pem, "kA", NULL,
	                      "{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000600,\"iat\":1700000100}");

	r.now = NOW - 15;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_OK);
	r.now = NOW - 16;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_NOT_YET_VALID);
	r.now = NOW;
	ck_assert_int_eq(authjwt_verify(k, &r, nbf, &id), AUTHJWT_NOT_YET_VALID);
	ck_assert_int_eq(authjwt_verify(k, &r, iat, &id), AUTHJWT_NOT_YET_VALID);
	r.now = NOW + 95;
	ck_assert_int_eq(authjwt_verify(k, &r, nbf, &id), AUTHJWT_OK);
	ck_assert_int_eq(authjwt_verify(k, &r, iat, &id), AUTHJWT_OK);
	free(tok);
	free(nbf);
	free(iat);
	authjwt_keys_free(k);
}
END_TEST

START_TEST(test_issuer)
{
	struct authjwt_keys *k = keys_ab();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	char *tok = good_token();

	r.issuer = "https://clerk.other.example.com";
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_BAD_ISSUER);
	r.issuer = ISS "/";
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_BAD_ISSUER);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"exp\":1700000060}"), AUTHJWT_BAD_ISSUER);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":[\"" ISS "\"],\"exp\":1700000060}"),
	                 AUTHJWT_BAD_ISSUER);
	free(tok);
	authjwt_keys_free(k);
}
END_TEST

/* A missing issuer setting must fail closed, whatever the token. */
START_TEST(test_no_issuer_configured)
{
	struct authjwt_keys *k = keys_ab();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	char *tok = good_token();

	r.issuer = NULL;
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_NOT_CONFIGURED);
	r.issuer = "";
	ck_assert_int_eq(authjwt_verify(k, &r, tok, &id), AUTHJWT_NOT_CONFIGURED);
	ck_assert_str_eq(id.sub, "");
	r = rules();
	ck_assert_int_eq(authjwt_verify(NULL, &r, tok, &id), AUTHJWT_NOT_CONFIGURED);
	ck_assert_int_eq(authjwt_verify(k, NULL, tok, &id), AUTHJWT_NOT_CONFIGURED);
	free(tok);
	authjwt_keys_free(k);
}
END_TEST

START_TEST(test_azp)
{
	static const char evil[] = "{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                           "\"azp\":\"https://evil.example.com\"}";
	static const char none[] = "{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060}";
	struct authjwt_keys *k = keys_ab();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	char *tok_evil = lib_token(JWT_ALG_RS256, key_a.priv_pem, "kA", NULL, evil);
	char *tok_none = lib_token(JWT_ALG_RS256, key_a.priv_pem, "kA", NULL, none);

	ck_assert_int_eq(authjwt_verify(k, &r, tok_evil, &id), AUTHJWT_BAD_AZP);
	ck_assert_int_eq(authjwt_verify(k, &r, tok_none, &id), AUTHJWT_OK);
	ck_assert_str_eq(id.azp, "");
	/* With no parties configured any azp passes, and is reported. */
	r.nparties = 0;
	ck_assert_int_eq(authjwt_verify(k, &r, tok_evil, &id), AUTHJWT_OK);
	ck_assert_str_eq(id.azp, "https://evil.example.com");
	/* The second configured party is as good as the first. */
	r = rules();
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                               "\"azp\":\"http://localhost:3000\"}"),
	                 AUTHJWT_OK);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                               "\"azp\":\"" APP "/\"}"),
	                 AUTHJWT_BAD_AZP);
	free(tok_evil);
	free(tok_none);
	authjwt_keys_free(k);
}
END_TEST

START_TEST(test_unknown_kid)
{
	struct authjwt_keys *k = authjwt_keys_new();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	struct buf why = BUF_INIT;
	char *other = lib_token(JWT_ALG_RS256, key_a.priv_pem, "kZ", NULL, CLAIMS);
	char *with_kid = good_token();
	char *no_kid = lib_token(JWT_ALG_RS256, key_a.priv_pem, NULL, NULL, CLAIMS);

	ck_assert_int_eq(verify(other), AUTHJWT_UNKNOWN_KID);
	/* An empty set knows no key at all. */
	ck_assert_int_eq(authjwt_verify(k, &r, with_kid, &id), AUTHJWT_UNKNOWN_KID);
	ck_assert_int_eq(authjwt_verify(k, &r, no_kid, &id), AUTHJWT_UNKNOWN_KID);
	/* Keys with kids never serve a token without kid... */
	ck_assert_int_eq(verify(no_kid), AUTHJWT_UNKNOWN_KID);
	/* ...and a key without kid never serves a token with one. */
	ck_assert_int_eq(authjwt_keys_add_pem(k, NULL, key_a.pub_pem, &why), 0);
	ck_assert_int_eq(authjwt_verify(k, &r, with_kid, &id), AUTHJWT_UNKNOWN_KID);
	ck_assert_int_eq(authjwt_verify(k, &r, no_kid, &id), AUTHJWT_OK);
	ck_assert_str_eq(id.sub, "user_1");
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"\"}", CLAIMS), AUTHJWT_UNKNOWN_KID);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":7}", CLAIMS), AUTHJWT_MALFORMED);
	free(other);
	free(with_kid);
	free(no_kid);
	buf_free(&why);
	authjwt_keys_free(k);
}
END_TEST

/* alg none, with no signature and with one, whatever kid it names. */
START_TEST(test_alg_none)
{
	char *tok = raw_token(NULL, "{\"alg\":\"none\",\"kid\":\"kA\"}", CLAIMS);
	char *signed_none = raw_token(&key_a, "{\"alg\":\"none\",\"kid\":\"kA\"}", CLAIMS);
	char *lib_none = lib_token(JWT_ALG_NONE, NULL, "kA", NULL, CLAIMS);
	char *no_kid = raw_token(NULL, "{\"alg\":\"none\",\"typ\":\"JWT\"}", CLAIMS);

	ck_assert_int_eq(verify(tok), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify(signed_none), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify(lib_none), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify(no_kid), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify_raw("{\"alg\":\"None\",\"kid\":\"kA\"}", CLAIMS), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify_raw("{\"kid\":\"kA\"}", CLAIMS), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify_raw("{\"alg\":null,\"kid\":\"kA\"}", CLAIMS), AUTHJWT_BAD_ALG);
	free(tok);
	free(signed_none);
	free(lib_none);
	free(no_kid);
}
END_TEST

/* The key confusion attack: HS256 keyed with the public PEM. */
START_TEST(test_hs256_with_public_key)
{
	char *tok = lib_token(JWT_ALG_HS256, key_a.pub_pem, "kA", NULL, CLAIMS);
	char *no_kid = lib_token(JWT_ALG_HS256, key_a.pub_pem, NULL, NULL, CLAIMS);
	struct authjwt_keys *k = authjwt_keys_new();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	struct buf why = BUF_INIT;
	jwt_t *jwt = NULL;

	/* libjwt alone falls for it, which is why the algorithm is pinned. */
	ck_assert_int_eq(jwt_decode(&jwt, tok, (const unsigned char *)key_a.pub_pem, (int)strlen(key_a.pub_pem)), 0);
	jwt_free(jwt);
	ck_assert_int_eq(verify(tok), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(authjwt_keys_add_pem(k, NULL, key_a.pub_pem, &why), 0);
	ck_assert_int_eq(authjwt_verify(k, &r, no_kid, &id), AUTHJWT_BAD_ALG);
	free(tok);
	free(no_kid);
	buf_free(&why);
	authjwt_keys_free(k);
}
END_TEST

START_TEST(test_other_algs)
{
	char *rs512 = lib_token(JWT_ALG_RS512, key_a.priv_pem, "kA", NULL, CLAIMS);
	char *rs384 = lib_token(JWT_ALG_RS384, key_a.priv_pem, "kA", NULL, CLAIMS);

	ck_assert_int_eq(verify(rs512), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify(rs384), AUTHJWT_BAD_ALG);
	/* Right signature, header spelled otherwise: still refused. */
	ck_assert_int_eq(verify_raw("{\"alg\":\"rs256\",\"kid\":\"kA\"}", CLAIMS), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256 \",\"kid\":\"kA\"}", CLAIMS), AUTHJWT_BAD_ALG);
	/* An escaped NUL is refused before the header is even read. */
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\\u0000\",\"kid\":\"kA\"}", CLAIMS), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_raw("{\"alg\":[\"RS256\"],\"kid\":\"kA\"}", CLAIMS), AUTHJWT_BAD_ALG);
	ck_assert_int_eq(verify_raw("{\"alg\":\"PS256\",\"kid\":\"kA\"}", CLAIMS), AUTHJWT_BAD_ALG);
	/* An escape that decodes to RS256 is RS256. */
	ck_assert_int_eq(verify_raw("{\"alg\":\"\\u0052S256\",\"kid\":\"kA\"}", CLAIMS), AUTHJWT_OK);
	free(rs512);
	free(rs384);
}
END_TEST

/* libjwt 1.10 always writes typ JWT, so these tokens are built by hand. */
START_TEST(test_bad_typ)
{
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\",\"typ\":\"at+jwt\"}", CLAIMS), AUTHJWT_BAD_TYP);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\",\"typ\":\"jwt\"}", CLAIMS), AUTHJWT_BAD_TYP);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\",\"typ\":\"JWS\"}", CLAIMS), AUTHJWT_BAD_TYP);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\",\"typ\":1}", CLAIMS), AUTHJWT_BAD_TYP);
	/* A critical extension we cannot honour refuses the token. */
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\",\"crit\":[\"exp\"],\"exp\":1}", CLAIMS),
	                 AUTHJWT_MALFORMED);
}
END_TEST

START_TEST(test_tampered)
{
	static const char forged[] = "{\"sub\":\"user_2\",\"sid\":\"sess_1\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                             "\"metadata\":{\"role\":\"admin\"}}";
	struct buf b = BUF_INIT;
	char *tok = good_token();
	char *by_b = lib_token(JWT_ALG_RS256, key_b.priv_pem, "kA", NULL, CLAIMS);
	char *changed, *dropped;

	b64url_put(&b, forged, strlen(forged));
	changed = replace_part(tok, 1, b.data);
	ck_assert_int_eq(verify(changed), AUTHJWT_BAD_SIGNATURE);
	/* Key B's signature under key A's kid. */
	ck_assert_int_eq(verify(by_b), AUTHJWT_BAD_SIGNATURE);
	/* No signature, and half a signature. */
	dropped = replace_part(tok, 2, "");
	ck_assert_int_eq(verify(dropped), AUTHJWT_BAD_SIGNATURE);
	free(dropped);
	dropped = replace_part(tok, 2, "AAAA");
	ck_assert_int_eq(verify(dropped), AUTHJWT_BAD_SIGNATURE);
	buf_free(&b);
	free(tok);
	free(by_b);
	free(changed);
	free(dropped);
}
END_TEST

/* Each part in turn gets a byte base64url does not have, padding, or an
 * impossible length. */
START_TEST(test_malformed_base64)
{
	static const char *const bad[] = { "*", "=", "+", "/", " ", "A" };
	char *tok = good_token();

	for (int part = 0; part < 3; part++) {
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			const char *p = tok;
			struct buf b = BUF_INIT;
			char *t;

			for (int j = 0; j < part; j++)
				p = strchr(p, '.') + 1;
			/* Copy the part, then add the bad byte at its end. */
			buf_append(&b, p, strcspn(p, "."));
			if (strcmp(bad[i], "A") == 0) {
				/* An impossible length: one digit past a whole group. */
				while (b.len % 4 != 0)
					buf_putc(&b, 'A');
			}
			buf_puts(&b, bad[i]);
			t = replace_part(tok, part, b.data);
			ck_assert_msg(verify(t) == AUTHJWT_MALFORMED, "part %d with \"%s\"", part, bad[i]);
			free(t);
			buf_free(&b);
		}
	}
	free(tok);
}
END_TEST

/* The last digit of a 256-byte signature holds two bits and four unused
 * ones: setting an unused bit leaves the bytes alone but is refused, so
 * each token has one spelling. */
START_TEST(test_non_canonical_base64)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *tok = good_token();
	size_t n = strlen(tok);

	ck_assert_int_eq(verify(tok), AUTHJWT_OK);
	tok[n - 1] = digits[(strchr(digits, tok[n - 1]) - digits) ^ 1];
	ck_assert_int_eq(verify(tok), AUTHJWT_MALFORMED);
	free(tok);
}
END_TEST

START_TEST(test_malformed_shape)
{
	char *tok = good_token();
	struct buf b = BUF_INIT;

	ck_assert_int_eq(verify(""), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify("abc"), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify("abc.def"), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify(".."), AUTHJWT_MALFORMED);
	buf_puts(&b, tok);
	buf_puts(&b, ".AAAA");
	ck_assert_int_eq(verify(b.data), AUTHJWT_MALFORMED);
	buf_free(&b);
	ck_assert_int_eq(verify(NULL), AUTHJWT_MALFORMED);
	/* Well-encoded parts that are not JSON objects. */
	ck_assert_int_eq(verify_raw("not json", CLAIMS), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_raw("[\"RS256\"]", CLAIMS), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\"} x", CLAIMS), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\"}", "[1,2]"), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\"}", CLAIMS "\n{}"), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_raw("{'alg':'RS256','kid':'kA'}", CLAIMS), AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\"}", "{\"sub\":\"\xff\"}"), AUTHJWT_MALFORMED);
	/* An escaped NUL would cut a key short ("sub\0x" read as "sub"). */
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\"}",
	                            "{\"sub\\u0000x\":\"user_9\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060}"),
	                 AUTHJWT_MALFORMED);
	/* An escaped backslash before u0000 is no NUL. */
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\"}",
	                            "{\"sub\":\"a\\\\u0000\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060}"),
	                 AUTHJWT_OK);
	free(tok);
}
END_TEST

START_TEST(test_missing_claims)
{
	ck_assert_int_eq(verify_claims("{\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060}"), AUTHJWT_MISSING_CLAIM);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"iss\":\"" ISS "\",\"exp\":1700000060}"), AUTHJWT_MISSING_CLAIM);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\"}"), AUTHJWT_MISSING_CLAIM);
	ck_assert_int_eq(verify_claims("{\"sub\":\"\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060}"),
	                 AUTHJWT_MISSING_CLAIM);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"\",\"iss\":\"" ISS "\",\"exp\":1700000060}"),
	                 AUTHJWT_MISSING_CLAIM);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":null,\"iss\":\"" ISS "\",\"exp\":1700000060}"),
	                 AUTHJWT_MISSING_CLAIM);
	/* Present but of the wrong type: malformed, not missing. */
	ck_assert_int_eq(verify_claims("{\"sub\":42,\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060}"),
	                 AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":\"soon\"}"),
	                 AUTHJWT_MALFORMED);
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060,"
	                               "\"nbf\":true}"),
	                 AUTHJWT_MALFORMED);
	/* A fractional exp is a NumericDate too. */
	ck_assert_int_eq(verify_claims("{\"sub\":\"u\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060.5}"),
	                 AUTHJWT_OK);
}
END_TEST

/* A subject too long for the identity is refused, never cut short. */
START_TEST(test_claim_too_long)
{
	struct buf c = BUF_INIT;

	buf_puts(&c, "{\"sub\":\"");
	for (int i = 0; i < 128; i++)
		buf_putc(&c, 'u');
	buf_puts(&c, "\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060}");
	ck_assert_int_eq(verify_claims(c.data), AUTHJWT_MALFORMED);
	buf_free(&c);
	/* libjwt will not write an escaped NUL, so the token is built by hand. */
	ck_assert_int_eq(verify_raw("{\"alg\":\"RS256\",\"kid\":\"kA\"}",
	                            "{\"sub\":\"us\\u0000er\",\"sid\":\"s\",\"iss\":\"" ISS "\",\"exp\":1700000060}"),
	                 AUTHJWT_MALFORMED);
}
END_TEST

START_TEST(test_too_large)
{
	size_t big = 100 * 1024;
	char *tok = malloc(big + 1);

	ck_assert_ptr_nonnull(tok);
	memset(tok, 'A', big);
	tok[1000] = '.';
	tok[2000] = '.';
	tok[big] = '\0';
	ck_assert_int_eq(verify(tok), AUTHJWT_TOO_LARGE);
	/* The limit itself is allowed (and then malformed); one more is not. */
	tok[AUTHJWT_MAX_TOKEN] = '\0';
	ck_assert_int_eq(verify(tok), AUTHJWT_MALFORMED);
	tok[AUTHJWT_MAX_TOKEN] = 'A';
	tok[AUTHJWT_MAX_TOKEN + 1] = '\0';
	ck_assert_int_eq(verify(tok), AUTHJWT_TOO_LARGE);
	free(tok);
}
END_TEST

/* During a rotation both keys are loaded; tokens by either pass. */
START_TEST(test_rotation)
{
	char *by_a = good_token();
	char *by_b = lib_token(JWT_ALG_RS256, key_b.priv_pem, "kB", NULL, CLAIMS);
	char *a_bare = lib_token(JWT_ALG_RS256, key_a.priv_pem, NULL, NULL, CLAIMS);
	char *b_bare = lib_token(JWT_ALG_RS256, key_b.priv_pem, NULL, NULL, CLAIMS);
	char *other = lib_token(JWT_ALG_RS256, key_short.priv_pem, NULL, NULL, CLAIMS);
	struct authjwt_keys *k = authjwt_keys_new();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	struct buf why = BUF_INIT;

	ck_assert_int_eq(verify(by_a), AUTHJWT_OK);
	ck_assert_int_eq(verify(by_b), AUTHJWT_OK);
	/* Two PEM keys without kid: each is tried for tokens without kid. */
	ck_assert_int_eq(authjwt_keys_add_pem(k, NULL, key_a.pub_pem, &why), 0);
	ck_assert_int_eq(authjwt_keys_add_pem(k, NULL, key_b.pub_pem, &why), 0);
	ck_assert_int_eq(authjwt_verify(k, &r, a_bare, &id), AUTHJWT_OK);
	ck_assert_int_eq(authjwt_verify(k, &r, b_bare, &id), AUTHJWT_OK);
	ck_assert_int_eq(authjwt_verify(k, &r, other, &id), AUTHJWT_BAD_SIGNATURE);
	free(by_a);
	free(by_b);
	free(a_bare);
	free(b_bare);
	free(other);
	buf_free(&why);
	authjwt_keys_free(k);
}
END_TEST

START_TEST(test_pem_refused)
{
	struct authjwt_keys *k = authjwt_keys_new();
	struct buf why = BUF_INIT;

	ck_assert_int_eq(authjwt_keys_add_pem(k, "x", "not a key", &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "PEM"));
	buf_reset(&why);
	ck_assert_int_eq(authjwt_keys_add_pem(k, "x", key_a.priv_pem, &why), -1);
	buf_reset(&why);
	ck_assert_int_eq(authjwt_keys_add_pem(k, "x", ec_pub_pem, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "RSA"));
	buf_reset(&why);
	ck_assert_int_eq(authjwt_keys_add_pem(k, "x", key_short.pub_pem, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "1024"));
	buf_reset(&why);
	ck_assert_int_eq(authjwt_keys_add_pem(k, "", key_a.pub_pem, &why), -1);
	buf_reset(&why);
	ck_assert_int_eq(authjwt_keys_add_pem(k, "x", key_a.pub_pem, &why), 0);
	ck_assert_int_eq(authjwt_keys_add_pem(k, "x", key_b.pub_pem, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "\"x\""));
	ck_assert_uint_eq(authjwt_keys_count(k), 1);
	buf_free(&why);
	authjwt_keys_free(k);
	authjwt_keys_free(NULL);
}
END_TEST

/* Appends one RSA JWK of key t. */
static void jwk_put(struct buf *b, const struct testkey *t, const char *kid, const char *extra)
{
	buf_printf(b, "{\"kty\":\"RSA\",\"kid\":\"%s\",\"n\":\"%s\",\"e\":\"%s\"%s}", kid, t->n, t->e, extra);
}

/* A Clerk-like JWKS: key A for RS256 signatures, then keys to skip (EC,
 * encryption, another algorithm), then key B without alg or use. */
START_TEST(test_jwks)
{
	struct authjwt_keys *k = authjwt_keys_new();
	struct authjwt_rules r = rules();
	struct authjwt_identity id;
	struct buf doc = BUF_INIT, why = BUF_INIT;
	char *by_a = lib_token(JWT_ALG_RS256, key_a.priv_pem, "ins_A", "JWT", CLAIMS);
	char *by_b = lib_token(JWT_ALG_RS256, key_b.priv_pem, "ins_B", NULL, CLAIMS);
	char *b_as_enc = lib_token(JWT_ALG_RS256, key_b.priv_pem, "enc_B", NULL, CLAIMS);

	buf_puts(&doc, "{\"keys\":[");
	jwk_put(&doc, &key_a, "ins_A", ",\"alg\":\"RS256\",\"use\":\"sig\"");
	buf_puts(&doc, ",{\"kty\":\"EC\",\"kid\":\"ec1\",\"crv\":\"P-256\","
	               "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
	               "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"},");
	jwk_put(&doc, &key_b, "enc_B", ",\"use\":\"enc\"");
	buf_putc(&doc, ',');
	jwk_put(&doc, &key_b, "rs512_B", ",\"alg\":\"RS512\"");
	buf_putc(&doc, ',');
	jwk_put(&doc, &key_b, "ins_B", "");
	buf_puts(&doc, "]}");
	ck_assert_msg(authjwt_keys_add_jwks(k, doc.data, doc.len, &why) == 0, "%s", why.data);
	ck_assert_uint_eq(authjwt_keys_count(k), 2);
	ck_assert_int_eq(authjwt_verify(k, &r, by_a, &id), AUTHJWT_OK);
	ck_assert_str_eq(id.role, "admin");
	ck_assert_int_eq(authjwt_verify(k, &r, by_b, &id), AUTHJWT_OK);
	ck_assert_int_eq(authjwt_verify(k, &r, b_as_enc, &id), AUTHJWT_UNKNOWN_KID);
	/* A PEM key beside them, as when CLERK_JWT_KEY is also set. */
	ck_assert_int_eq(authjwt_keys_add_pem(k, NULL, key_a.pub_pem, &why), 0);
	ck_assert_int_eq(authjwt_verify(k, &r, by_a, &id), AUTHJWT_OK);
	free(by_a);
	free(by_b);
	free(b_as_enc);
	buf_free(&doc);
	buf_free(&why);
	authjwt_keys_free(k);
}
END_TEST

START_TEST(test_jwks_only_ec)
{
	static const char doc[] = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"ec1\",\"crv\":\"P-256\","
	                          "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
	                          "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";
	struct authjwt_keys *k = authjwt_keys_new();
	struct buf why = BUF_INIT;

	ck_assert_int_eq(authjwt_keys_add_jwks(k, doc, strlen(doc), &why), 0);
	ck_assert_uint_eq(authjwt_keys_count(k), 0);
	ck_assert_uint_eq(why.len, 0);
	buf_free(&why);
	authjwt_keys_free(k);
}
END_TEST

/* A broken document is refused with a reason and adds none of its keys,
 * even those before the fault. */
START_TEST(test_jwks_broken)
{
	static const char *const docs[] = {
		"",
		"not json",
		"[]",
		"{\"keys\":{}}",
		"{\"kes\":[]}",
		"{\"keys\":[1]}",
		"{\"keys\":[{\"kid\":\"a\"}]}",
		"{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\",\"e\":\"AQAB\"}]}",
		"{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"***\",\"e\":\"AQAB\"}]}",
		"{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
		"{\"keys\":[]} trailing",
	};
	struct authjwt_keys *k = authjwt_keys_new();
	struct buf doc = BUF_INIT, why = BUF_INIT;

	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		buf_reset(&why);
		ck_assert_msg(authjwt_keys_add_jwks(k, docs[i], strlen(docs[i]), &why) == -1, "%s", docs[i]);
		ck_assert_msg(why.len > 0, "no reason for %s", docs[i]);
	}
	/* A good key, then one with the same kid: neither is kept. */
	buf_puts(&doc, "{\"keys\":[");
	jwk_put(&doc, &key_a, "dup", "");
	buf_putc(&doc, ',');
	jwk_put(&doc, &key_b, "dup", "");
	buf_puts(&doc, "]}");
	buf_reset(&why);
	ck_assert_int_eq(authjwt_keys_add_jwks(k, doc.data, doc.len, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "Key 2"));
	ck_assert_uint_eq(authjwt_keys_count(k), 0);
	/* A good key, then a short one. */
	buf_reset(&doc);
	buf_puts(&doc, "{\"keys\":[");
	jwk_put(&doc, &key_a, "a", "");
	buf_putc(&doc, ',');
	jwk_put(&doc, &key_short, "s", "");
	buf_puts(&doc, "]}");
	buf_reset(&why);
	ck_assert_int_eq(authjwt_keys_add_jwks(k, doc.data, doc.len, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "bits"));
	ck_assert_uint_eq(authjwt_keys_count(k), 0);
	buf_free(&doc);
	buf_free(&why);
	authjwt_keys_free(k);
}
END_TEST

/* Every result has its own text, and a stray value still gets one. */
START_TEST(test_result_texts)
{
	for (int i = 0; i < AUTHJWT__MAX; i++) {
		const char *t = authjwt_result_text((enum authjwt_result)i);

		ck_assert_ptr_nonnull(t);
		ck_assert_uint_gt(strlen(t), 0);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(t, authjwt_result_text((enum authjwt_result)j));
	}
	ck_assert_str_eq(authjwt_result_text(AUTHJWT_EXPIRED), "the token has expired");
	ck_assert_ptr_nonnull(authjwt_result_text(AUTHJWT__MAX));
	ck_assert_ptr_nonnull(authjwt_result_text((enum authjwt_result)-1));
}
END_TEST

Suite *authjwt_suite(void)
{
	Suite *s = suite_create("authjwt");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_typ_absent_or_jwt);
	tcase_add_test(tc, test_role_paths);
	tcase_add_test(tc, test_role_refused_forms);
	tcase_add_test(tc, test_expiry_and_skew);
	tcase_add_test(tc, test_not_yet_valid);
	tcase_add_test(tc, test_issuer);
	tcase_add_test(tc, test_no_issuer_configured);
	tcase_add_test(tc, test_azp);
	tcase_add_test(tc, test_unknown_kid);
	tcase_add_test(tc, test_alg_none);
	tcase_add_test(tc, test_hs256_with_public_key);
	tcase_add_test(tc, test_other_algs);
	tcase_add_test(tc, test_bad_typ);
	tcase_add_test(tc, test_tampered);
	tcase_add_test(tc, test_malformed_base64);
	tcase_add_test(tc, test_non_canonical_base64);
	tcase_add_test(tc, test_malformed_shape);
	tcase_add_test(tc, test_missing_claims);
	tcase_add_test(tc, test_claim_too_long);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_rotation);
	tcase_add_test(tc, test_pem_refused);
	tcase_add_test(tc, test_jwks);
	tcase_add_test(tc, test_jwks_only_ec);
	tcase_add_test(tc, test_jwks_broken);
	tcase_add_test(tc, test_result_texts);
	suite_add_tcase(s, tc);
	return s;
}
