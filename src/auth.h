/* auth: who is asking. A request names itself with a Clerk session token
 * (Authorization: Bearer, or the __session cookie) or an API key
 * (Authorization: Bearer sk_..., or X-API-Key); the identity carries a
 * role. Failed attempts are counted per address, in Redis, and lock an
 * address out. */
#ifndef SENTIA_AUTH_H
#define SENTIA_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "authjwt.h"
#include "config.h"
#include "db.h"
#include "kv.h"
#include "request.h"
#include "router.h"


/* What identifying a request found. */
enum auth_outcome {
	AUTH_ANONYMOUS,            /* no credentials at all */
	AUTH_OK,
	AUTH_INVALID,              /* credentials that do not hold; why says which way */
	AUTH_UNAVAILABLE,          /* an API key could not be checked: PostgreSQL is away */
};

#define AUTH_KEY_CACHE 32

/* A responder's authentication state: the token keys and rules, and API
 * keys recently seen (for ten seconds, so revoking takes effect at once
 * on the scale of a person, without a query per request). */
struct auth {
	struct authjwt_keys *keys;     /* NULL when no key is configured */
	struct authjwt_rules rules;
	char *parties_text;            /* owns the strings rules.parties points into */
	const char **parties;
	struct {
		char hash[65];
		char name[65];
		int role;
		uint64_t until_ms;
	} cache[AUTH_KEY_CACHE];
};

/* Loads the signing keys the configuration names. Returns 0, or -1 with
 * why (a JWKS file that cannot be read or parsed). */
int auth_init(struct auth *a, const struct config *cfg, struct buf *why);
void auth_free(struct auth *a);

/* Works out who sent the request from its headers. remote_addr and the
 * headers come from req; why (up to whylen) says what was wrong. */
enum auth_outcome auth_identify(struct auth *a, struct db *db, const char *authorization, const char *api_key,
                                const char *cookie, struct identity *id, char *why, size_t whylen);

/* The role called name, or -1. */
int role_parse(const char *name);
/* The name of a role ("viewer"), or "none". */
const char *role_name(int role);

/* Makes a new API key: "sk_" and 40 random letters and digits, its
 * listing prefix (the first 11 characters) and its SHA-256 in hex. */
int apikey_generate(char key[48], char prefix[12], char hash[65]);

/* Lock-outs: whether an address is locked out now (its remaining seconds
 * in *retry_after), and counting a failure from it (1 when this failure
 * locked it out, with the lock-out's length in *seconds). Both fail open
 * when Redis is away: a lock-out is a defence, not a gate. */
int auth_locked_out(struct kv *kv, const char *addr, long *retry_after);
int auth_count_failure(struct kv *kv, const struct config *cfg, const char *addr, long *seconds);

#endif
