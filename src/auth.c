/* auth: identities from session tokens and API keys, and lock-outs. */
#include "ac-config.h"

#include "auth.h"
#include "clock.h"
#include "digest.h"
#include "log.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const role_names[ROLE__MAX] = {
	[ROLE_NONE] = "none",
	[ROLE_VIEWER] = "viewer",
	[ROLE_OPERATOR] = "operator",
	[ROLE_ANALYST] = "analyst",
	[ROLE_MANAGER] = "manager",
	[ROLE_ADMIN] = "admin",
};

int role_parse(const char *name)
{
	for (int r = ROLE_VIEWER; r < ROLE__MAX; r++)
		if (name != NULL && strcmp(name, role_names[r]) == 0)
			return r;
	return -1;
}

const char *role_name(int role)
{
	return role >= 0 && role < ROLE__MAX ? role_names[role] : "none";
}

int auth_init(struct auth *a, const struct config *cfg, struct buf *why)
{
	size_t n = 0;

	memset(a, 0, sizeof *a);
	a->rules.issuer = cfg->clerk_issuer[0] != '\0' ? cfg->clerk_issuer : NULL;
	a->rules.skew_s = cfg->auth_clock_skew_seconds;
	a->rules.role_claim = cfg->auth_role_claim;
	/* The authorized parties: the config's comma list, split in a copy. */
	a->parties_text = strdup(cfg->clerk_authorized_parties);
	a->parties = calloc(64, sizeof *a->parties);
	if (a->parties_text == NULL || a->parties == NULL)
		return -1;
	for (char *save = NULL, *t = strtok_r(a->parties_text, ", ", &save); t != NULL && n < 64;
	     t = strtok_r(NULL, ", ", &save))
		a->parties[n++] = t;
	a->rules.parties = a->parties;
	a->rules.nparties = n;
	if (cfg->clerk_jwks_file[0] == '\0' && cfg->clerk_jwt_key[0] == '\0')
		return 0;
	a->keys = authjwt_keys_new();
	if (a->keys == NULL)
		return -1;
	if (cfg->clerk_jwks_file[0] != '\0') {
		struct buf json = BUF_INIT;

		if (buf_read_file(&json, cfg->clerk_jwks_file, 1u << 20) != 0) {
			buf_printf(why, "CLERK_JWKS_FILE: cannot read %s: %s", cfg->clerk_jwks_file, strerror(errno));
			buf_free(&json);
			return -1;
		}
		if (authjwt_keys_add_jwks(a->keys, json.data != NULL ? json.data : "", json.len, why) != 0) {
			buf_free(&json);
			return -1;
		}
		buf_free(&json);
	}
	if (cfg->clerk_jwt_key[0] != '\0') {
		/* An environment variable often carries the PEM's line breaks as
		 * the two characters \n. */
		struct buf pem = BUF_INIT;

		for (const char *p = cfg->clerk_jwt_key; *p != '\0'; p++) {
			if (p[0] == '\\' && p[1] == 'n') {
				buf_putc(&pem, '\n');
				p++;
			} else {
				buf_putc(&pem, *p);
			}
		}
		if (authjwt_keys_add_pem(a->keys, NULL, pem.data, why) != 0) {
			buf_free(&pem);
			return -1;
		}
		buf_free(&pem);
	}
	return 0;
}

void auth_free(struct auth *a)
{
	authjwt_keys_free(a->keys);
	free(a->parties_text);
	free(a->parties);
	memset(a, 0, sizeof *a);
}

/* Constant-time comparison of two hex digests. */
static int same_digest(const char *x, const char *y)
{
	unsigned char d = 0;

	for (int i = 0; i < 64; i++)
		d |= (unsigned char)(x[i] ^ y[i]);
	return d == 0;
}

/* Checks an API key against the table (and the cache). */
static enum auth_outcome check_key(struct auth *a, struct db *db, const char *key, struct identity *id,
                                   char *why, size_t whylen)
{
	char hash[65], prefix[12];
	const char *p[] = { prefix };
	uint64_t now = clock_mono_ms();
	PGresult *r;
	size_t len = strlen(key);
	int found = -1;

	if (len < 20 || len > 100) {
		snprintf(why, whylen, "not a well-formed API key");
		return AUTH_INVALID;
	}
	digest_sha256_hex(key, len, hash);
	for (int i = 0; i < AUTH_KEY_CACHE; i++)
		if (a->cache[i].until_ms > now && same_digest(a->cache[i].hash, hash)) {
			id->role = a->cache[i].role;
			snprintf(id->actor, sizeof id->actor, "key:%s", a->cache[i].name);
			return AUTH_OK;
		}
	memcpy(prefix, key, 11);
	prefix[11] = '\0';
	r = db_exec(db, "SELECT name, role, key_hash FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL", 1, p);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		snprintf(why, whylen, "API keys cannot be checked now");
		return AUTH_UNAVAILABLE;
	}
	for (int i = 0; i < PQntuples(r); i++)
		if (PQgetlength(r, i, 2) == 64 && same_digest(PQgetvalue(r, i, 2), hash))
			found = i;
	if (found < 0) {
		PQclear(r);
		snprintf(why, whylen, "unknown or revoked API key");
		return AUTH_INVALID;
	}
	id->role = role_parse(PQgetvalue(r, found, 1));
	snprintf(id->actor, sizeof id->actor, "key:%s", PQgetvalue(r, found, 0));
	{
		int slot = (int)(now / 1000 % AUTH_KEY_CACHE);

		memcpy(a->cache[slot].hash, hash, 65);
		snprintf(a->cache[slot].name, sizeof a->cache[slot].name, "%s", PQgetvalue(r, found, 0));
		a->cache[slot].role = id->role;
		a->cache[slot].until_ms = now + 10000;
	}
	PQclear(r);
	{
		const char *pu[] = { hash };

		/* At most a write a minute per key: when it was last used. */
		db_command(db, "UPDATE api_keys SET last_used_at = now() WHERE key_hash = $1"
		               " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", 1, pu);
	}
	return id->role > ROLE_NONE ? AUTH_OK : AUTH_INVALID;
}

/* The value of the __session cookie in a Cookie header, copied into out. */
static int session_cookie(const char *cookie, char *out, size_t size)
{
	for (const char *p = cookie; p != NULL && *p != '\0';) {
		p += strspn(p, " ;");
		if (strncmp(p, "__session=", 10) == 0) {
			size_t n = strcspn(p + 10, ";");

			if (n == 0 || n >= size)
				return -1;
			memcpy(out, p + 10, n);
			out[n] = '\0';
			return 0;
		}
		p = strchr(p, ';');
	}
	return -1;
}

enum auth_outcome auth_identify(struct auth *a, struct db *db, const char *authorization, const char *api_key,
                                const char *cookie, struct identity *id, char *why, size_t whylen)
{
	char token[8300];
	const char *t = NULL;
	struct authjwt_identity jid;
	enum authjwt_result jr;

	id->role = ROLE_NONE;
	snprintf(id->actor, sizeof id->actor, "anonymous");
	why[0] = '\0';
	if (api_key != NULL)
		return check_key(a, db, api_key, id, why, whylen);
	if (authorization != NULL) {
		if (strncasecmp(authorization, "Bearer ", 7) != 0) {
			snprintf(why, whylen, "the Authorization header must be: Bearer <token>");
			return AUTH_INVALID;
		}
		t = authorization + 7;
		while (*t == ' ')
			t++;
		if (strncmp(t, "sk_", 3) == 0)
			return check_key(a, db, t, id, why, whylen);
	} else if (cookie != NULL && session_cookie(cookie, token, sizeof token) == 0) {
		t = token;
	}
	if (t == NULL)
		return AUTH_ANONYMOUS;
	if (a->keys == NULL) {
		snprintf(why, whylen, "session tokens are not accepted here: no signing key is configured");
		return AUTH_INVALID;
	}
	a->rules.now = (long long)time(NULL);
	jr = authjwt_verify(a->keys, &a->rules, t, &jid);
	if (jr != AUTHJWT_OK) {
		snprintf(why, whylen, "%s", authjwt_result_text(jr));
		return AUTH_INVALID;
	}
	id->role = role_parse(jid.role);
	if (id->role < 0)
		id->role = ROLE_NONE;
	snprintf(id->actor, sizeof id->actor, "user:%s", jid.sub);
	return AUTH_OK;
}

int apikey_generate(char key[48], char prefix[12], char hash[65])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[40];

	if (gnutls_rnd(GNUTLS_RND_KEY, rnd, sizeof rnd) != 0)
		return -1;
	memcpy(key, "sk_", 3);
	/* 248 is a multiple of 62: bytes below it map without bias. */
	for (int i = 0; i < 40; i++) {
		while (rnd[i] >= 248)
			if (gnutls_rnd(GNUTLS_RND_KEY, &rnd[i], 1) != 0)
				return -1;
		key[3 + i] = alphabet[rnd[i] % 62];
	}
	key[43] = '\0';
	memcpy(prefix, key, 11);
	prefix[11] = '\0';
	digest_sha256_hex(key, 43, hash);
	return 0;
}

int auth_locked_out(struct kv *kv, const char *addr, long *retry_after)
{
	redisReply *r = kv_command(kv, "PTTL sentia:lockout:%s", addr);
	int locked = r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer > 0;

	if (locked)
		*retry_after = (long)((r->integer + 999) / 1000);
	freeReplyObject(r);
	return locked;
}

int auth_count_failure(struct kv *kv, const struct config *cfg, const char *addr, long *seconds)
{
	/* One round trip: count the failure in its window; at the limit, lock
	 * the address out for the base time doubled per earlier lock-out (kept
	 * for a day), up to the maximum, and start the count afresh. */
	static const char script[] =
		"local n = redis.call('INCR', KEYS[1]) "
		"if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
		"if n < tonumber(ARGV[2]) then return 0 end "
		"redis.call('DEL', KEYS[1]) "
		"local k = redis.call('INCR', KEYS[3]) redis.call('EXPIRE', KEYS[3], 86400) "
		"local s = tonumber(ARGV[3]) * 2 ^ (k - 1) "
		"if s > tonumber(ARGV[4]) then s = tonumber(ARGV[4]) end "
		"redis.call('SET', KEYS[2], '1', 'EX', math.floor(s)) "
		"return math.floor(s)";
	char a1[24], a2[24], a3[24], a4[24];
	redisReply *r;
	int locked = 0;

	snprintf(a1, sizeof a1, "%ld", cfg->auth_lockout_window_seconds);
	snprintf(a2, sizeof a2, "%ld", cfg->auth_lockout_failures);
	snprintf(a3, sizeof a3, "%ld", cfg->auth_lockout_seconds);
	snprintf(a4, sizeof a4, "%ld", cfg->auth_lockout_max_seconds);
	r = kv_command(kv, "EVAL %s 3 sentia:authfail:%s sentia:lockout:%s sentia:lockouts:%s %s %s %s %s", script, addr,
	               addr, addr, a1, a2, a3, a4);
	if (r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer > 0) {
		*seconds = (long)r->integer;
		locked = 1;
	} else if (r != NULL && r->type == REDIS_REPLY_ERROR) {
		log_warn("auth: counting a failure: %s", r->str);
	}
	freeReplyObject(r);
	return locked;
}
