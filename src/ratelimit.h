/* ratelimit: per-identity request limits kept in Redis by one atomic
 * script (GCRA), shared by every responder on every host. */
#ifndef SENTIA_RATELIMIT_H
#define SENTIA_RATELIMIT_H

#include <stddef.h>

#include "kv.h"

/* A limit: at most limit requests per window_s seconds, with a burst of
 * limit. The caller fills it from the dispatch table's class and its
 * environment overrides; name goes into Redis keys, so it must be 1 to
 * RATELIMIT_CLASS_MAX bytes of [A-Za-z0-9._-] (see ratelimit_class_valid). */
struct ratelimit_class {
	const char *name;
	long limit;
	long window_s;
};

/* What ratelimit_check decided, in the units the response headers use. */
struct ratelimit_decision {
	int allowed;          /* 1 to serve the request, 0 to answer 429 */
	int redis_failed;     /* 1 when Redis did not answer and the fail mode decided */
	long limit;           /* the class's limit */
	long remaining;       /* requests left in a burst now; -1 when unknown */
	long reset_s;         /* seconds until the full limit is available again; -1 when unknown */
	long retry_after_s;   /* when refused: seconds to wait, at least 1; else 0 */
};

#define RATELIMIT_CLASS_MAX 32
#define RATELIMIT_LIMIT_MAX 1000000L
#define RATELIMIT_WINDOW_MAX (7L * 24 * 3600)
/* Room for the longest Redis key, "sentia:rl:<class>:<kind>:#<sha256>". */
#define RATELIMIT_KEY_MAX 128
/* Room for either header value. */
#define RATELIMIT_HEADER_MAX 64

/* Whether c can be used: a safe name, a limit of 1 to RATELIMIT_LIMIT_MAX
 * and a window of 1 to RATELIMIT_WINDOW_MAX seconds. Configuration checks
 * this at start-up so that a bad override stops the service there. */
int ratelimit_class_valid(const struct ratelimit_class *c);

/* Writes the Redis key for class_name and the caller's key ("user:<sub>",
 * "key:<id>", "ip:<addr>") into out, which holds RATELIMIT_KEY_MAX bytes.
 * A key of up to 64 bytes of [A-Za-z0-9:._@-] is used as it is; any other
 * is replaced by its SHA-256, keeping a leading "kind:" for operators:
 * "ip:#<64 hex>". A raw key never holds '#', so the two forms cannot
 * collide. Returns 0, or -1 when class_name is not safe. */
int ratelimit_key(const char *class_name, const char *key, char *out, size_t n);

/* Counts one request of key against c, atomically in Redis (EVALSHA, then
 * EVAL when Redis answers NOSCRIPT), and fills d. Returns 0 when Redis
 * answered. Returns -1 when it did not, or gave an unexpected reply
 * (kv->error says why): d->redis_failed is 1 and d->allowed is
 * !fail_closed, so the caller can log and count it. Also -1, with
 * d->redis_failed 0, for an invalid class, which start-up should have
 * refused. */
int ratelimit_check(struct kv *kv, const struct ratelimit_class *c, const char *key, int fail_closed,
                    struct ratelimit_decision *d);

/* Formats the values of the draft-ietf-httpapi-ratelimit-headers-07
 * fields: policy gets the RateLimit-Policy value ("1000;w=900") and state
 * the RateLimit value ("limit=1000, remaining=999, reset=1"). state is
 * left empty when Redis failed and the numbers are unknown: send no
 * RateLimit field then. Each buffer should hold RATELIMIT_HEADER_MAX. */
void ratelimit_headers(const struct ratelimit_class *c, const struct ratelimit_decision *d, char *policy,
                       size_t np, char *state, size_t ns);

#endif
