/* fuzz_auth: credentials as a request brings them. The first byte picks
 * what the rest is:
 *   0  Authorization, X-API-Key and Cookie headers (one a line) through
 *      auth_identify (bearer tokens, API keys, the __session cookie), with
 *      a PostgreSQL that cannot be reached, so API keys end unavailable;
 *   1  a token through authjwt_verify;
 *   2  a JWT header and claims (one a line), base64url-encoded and signed
 *      here with the key the verifier trusts, so that the claim checks
 *      behind the signature are reached too;
 *   3  a JWKS document through authjwt_keys_add_jwks. */
#include "ac-config.h"

#include "auth.h"
#include "authjwt.h"
#include "db.h"
#include "fuzz.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>

#define ISS "https://clerk.example.com"

static struct auth auth;
static struct db db;
static gnutls_privkey_t priv;
static const char *const parties[] = { "https://app.example.com" };

/* Appends n bytes as unpadded base64url. */
static void b64url_put(struct buf *b, const unsigned char *s, size_t n)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
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

/* Makes the signing key, and a verifier that trusts it with no kid and as
 * kid "k1"; PostgreSQL is a socket folder that does not exist. */
static int setup(void)
{
	gnutls_x509_privkey_t x;
	gnutls_pubkey_t pub;
	gnutls_datum_t d;
	struct buf why = BUF_INIT;
	char *pem;

	if (gnutls_x509_privkey_init(&x) < 0 || gnutls_x509_privkey_generate(x, GNUTLS_PK_RSA, 2048, 0) < 0
	    || gnutls_privkey_init(&priv) < 0
	    || gnutls_privkey_import_x509(priv, x, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) < 0
	    || gnutls_pubkey_init(&pub) < 0 || gnutls_pubkey_import_privkey(pub, priv, 0, 0) < 0
	    || gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_PEM, &d) < 0)
		return -1;
	gnutls_pubkey_deinit(pub);
	pem = strndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	auth.keys = authjwt_keys_new();
	if (pem == NULL || auth.keys == NULL || authjwt_keys_add_pem(auth.keys, NULL, pem, &why) < 0
	    || authjwt_keys_add_pem(auth.keys, "k1", pem, &why) < 0) {
		fprintf(stderr, "fuzz_auth: %s\n", why.data != NULL ? why.data : "cannot make the keys");
		return -1;
	}
	free(pem);
	buf_free(&why);
	auth.rules.issuer = ISS;
	auth.rules.parties = parties;
	auth.rules.nparties = 1;
	auth.rules.skew_s = 5;
	auth.rules.role_claim = "metadata.role";
	db_init(&db, "postgresql:///sentia?host=/nonexistent-sentia-fuzz", "fuzz", 1, 100, 60000);
	return 0;
}

/* Signs header.claims with the trusted key and verifies the token. */
static void signed_token(const struct fuzz_parts *p)
{
	struct buf t = BUF_INIT;
	gnutls_datum_t in, sig = { NULL, 0 };
	struct authjwt_identity id;

	b64url_put(&t, (const unsigned char *)fuzz_part(p, 0), fuzz_part_len(p, 0));
	buf_putc(&t, '.');
	b64url_put(&t, (const unsigned char *)fuzz_part(p, 1), fuzz_part_len(p, 1));
	in.data = (unsigned char *)t.data;
	in.size = (unsigned)t.len;
	if (gnutls_privkey_sign_data(priv, GNUTLS_DIG_SHA256, 0, &in, &sig) == 0) {
		buf_putc(&t, '.');
		b64url_put(&t, sig.data, sig.size);
		gnutls_free(sig.data);
		auth.rules.now = 1700000000;
		(void)authjwt_verify(auth.keys, &auth.rules, t.data, &id);
	}
	buf_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct fuzz_parts p;
	struct identity who;
	struct authjwt_identity id;
	struct authjwt_keys *k;
	struct buf why = BUF_INIT;
	char reason[256];

	if (!ready) {
		if (setup() < 0)
			abort();
		ready = 1;
	}
	if (size < 1 || fuzz_split(&p, data + 1, size - 1, '\n') < 0)
		return 0;
	switch (data[0] & 3) {
	case 0:
		(void)auth_identify(&auth, &db, p.n > 0 && p.len[0] > 0 ? p.s[0] : NULL,
		                    p.n > 1 && p.len[1] > 0 ? p.s[1] : NULL, p.n > 2 && p.len[2] > 0 ? p.s[2] : NULL, &who,
		                    reason, sizeof reason);
		break;
	case 1:
		auth.rules.now = 1700000000;
		(void)authjwt_verify(auth.keys, &auth.rules, fuzz_part(&p, 0), &id);
		break;
	case 2:
		signed_token(&p);
		break;
	case 3:
		k = authjwt_keys_new();
		if (k != NULL)
			(void)authjwt_keys_add_jwks(k, (const char *)data + 1, size - 1, &why);
		authjwt_keys_free(k);
		break;
	}
	buf_free(&why);
	fuzz_parts_free(&p);
	return 0;
}
