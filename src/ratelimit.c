/* ratelimit: per-identity request limits kept in Redis by one atomic
 * script (GCRA), shared by every responder on every host. */
#include "ac-config.h"

#include "ratelimit.h"
#include "digest.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>

/* The generic cell rate algorithm. KEYS[1] holds the theoretical arrival
 * time (TAT): the moment, in microseconds on Redis's clock, at which the
 * key's allowance would be whole again if no more requests came. Each
 * request moves it one emission interval (window / limit) later; a request
 * is refused when that would put the TAT more than a whole window (limit
 * intervals) ahead of now. So a fresh key allows a burst of exactly limit,
 * then one request per interval.
 *
 * Redis's clock (TIME) rather than each host's: all hosts then agree on
 * "now", and the script is the only reader and writer of the key, so the
 * decision is atomic across responders and hosts. Arithmetic stays in whole
 * microseconds, exact in Lua's doubles (now is about 2^51): the interval
 * is rounded up, so the long-run rate is at most limit per window.
 *
 * ARGV[1] is the limit, ARGV[2] the window in milliseconds. Returns
 * {allowed, remaining, reset_us, retry_after_us}. A refusal writes nothing;
 * an allowance stores the new TAT with PX expiry at the TAT, when the key
 * would say no more than its absence does.
 *
 * replicate_commands lets Redis before 5 replicate a script that writes
 * after TIME; from Redis 7 it is a no-op that is always there. */
static const char gcra_script[] =
	"if redis.replicate_commands then redis.replicate_commands() end\n"
	"local limit = tonumber(ARGV[1])\n"
	"local interval = math.ceil(tonumber(ARGV[2]) * 1000 / limit)\n"
	"local burst = interval * limit\n"
	"local t = redis.call('TIME')\n"
	"local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
	"local tat = tonumber(redis.call('GET', KEYS[1]))\n"
	"if tat == nil or tat < now then tat = now end\n"
	"local new_tat = tat + interval\n"
	"local allow_at = new_tat - burst\n"
	"if now < allow_at then\n"
	"  return {0, 0, tat - now, allow_at - now}\n"
	"end\n"
	"local ahead = new_tat - now\n"
	"redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil(ahead / 1000))\n"
	"return {1, math.floor((burst - ahead) / interval), ahead, 0}\n";

/* The script's SHA-1 as hex, for EVALSHA; computed on first use. Each
 * responder is a single-threaded process, and every computation writes the
 * same bytes. */
static char gcra_sha[41];

static const char *script_sha(void)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[20];

	if (gcra_sha[0] != '\0')
		return gcra_sha;
	gnutls_hash_fast(GNUTLS_DIG_SHA1, gcra_script, sizeof gcra_script - 1, d);
	for (int i = 0; i < 20; i++) {
		gcra_sha[2 * i] = hex[d[i] >> 4];
		gcra_sha[2 * i + 1] = hex[d[i] & 15];
	}
	gcra_sha[40] = '\0';
	return gcra_sha;
}

/* Whether c may appear in a Redis key as it is; colon only if allowed. */
static int safe_byte(unsigned char c, int colon)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-' || c == '@' || (colon && c == ':');
}

int ratelimit_class_valid(const struct ratelimit_class *c)
{
	size_t n;

	if (c == NULL || c->name == NULL)
		return 0;
	n = strlen(c->name);
	if (n == 0 || n > RATELIMIT_CLASS_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!safe_byte((unsigned char)c->name[i], 0) || c->name[i] == '@')
			return 0;
	return c->limit >= 1 && c->limit <= RATELIMIT_LIMIT_MAX && c->window_s >= 1 &&
	       c->window_s <= RATELIMIT_WINDOW_MAX;
}

int ratelimit_key(const char *class_name, const char *key, char *out, size_t n)
{
	struct ratelimit_class probe = { class_name, 1, 1 };
	size_t len = strlen(key), kind = 0;
	int raw = len > 0 && len <= 64;
	char hash[65];
	int w;

	if (!ratelimit_class_valid(&probe))
		return -1;
	for (size_t i = 0; raw && i < len; i++)
		raw = safe_byte((unsigned char)key[i], 1);
	if (raw) {
		w = snprintf(out, n, "sentia:rl:%s:%s", class_name, key);
		return w > 0 && (size_t)w < n ? 0 : -1;
	}
	/* Keep a short lower-case "kind:" so operators can still tell users
	 * from addresses; the hash covers the whole key, kind included. */
	while (kind < len && kind < 16 && key[kind] >= 'a' && key[kind] <= 'z')
		kind++;
	if (kind == 0 || kind >= len || key[kind] != ':')
		kind = 0;
	else
		kind++;
	digest_sha256_hex(key, len, hash);
	w = snprintf(out, n, "sentia:rl:%s:%.*s#%s", class_name, (int)kind, key, hash);
	return w > 0 && (size_t)w < n ? 0 : -1;
}

/* Microseconds to whole seconds, rounded up: a client told to wait this
 * long never comes back too early. */
static long ceil_s(long long us)
{
	return us <= 0 ? 0 : (long)((us + 999999) / 1000000);
}

/* Fills d with what fail mode decides when Redis cannot. A refusal asks the
 * client to wait one emission interval, what it would wait between
 * requests at the class's full rate. */
static void decide_failed(const struct ratelimit_class *c, int fail_closed, int redis_failed,
                          struct ratelimit_decision *d)
{
	long interval = c->limit > 0 && c->window_s > 0 ? (c->window_s + c->limit - 1) / c->limit : 1;

	d->allowed = !fail_closed;
	d->redis_failed = redis_failed;
	d->limit = c->limit;
	d->remaining = -1;
	d->reset_s = -1;
	d->retry_after_s = fail_closed ? (interval < 1 ? 1 : interval) : 0;
}

/* Reads the script's reply into d. Returns 0, or -1 when it is not the
 * four integers the script returns. */
static int decide_from_reply(const struct ratelimit_class *c, const redisReply *r, struct ratelimit_decision *d)
{
	long long v[4];

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (r->element[i]->type != REDIS_REPLY_INTEGER)
			return -1;
		v[i] = r->element[i]->integer;
	}
	d->allowed = v[0] == 1;
	d->redis_failed = 0;
	d->limit = c->limit;
	d->remaining = v[1] < 0 ? 0 : v[1] > c->limit ? c->limit : (long)v[1];
	d->reset_s = ceil_s(v[2]);
	d->retry_after_s = 0;
	if (!d->allowed) {
		d->retry_after_s = ceil_s(v[3]);
		if (d->retry_after_s < 1)
			d->retry_after_s = 1;
	}
	return 0;
}

int ratelimit_check(struct kv *kv, const struct ratelimit_class *c, const char *key, int fail_closed,
                    struct ratelimit_decision *d)
{
	char rkey[RATELIMIT_KEY_MAX], limit[24], window[24];
	const char *argv[6];
	redisReply *r;
	int rc = -1;

	if (!ratelimit_class_valid(c) || ratelimit_key(c->name, key, rkey, sizeof rkey) < 0) {
		snprintf(kv->error, sizeof kv->error, "rate class or key cannot be used");
		decide_failed(c, fail_closed, 0, d);
		return -1;
	}
	snprintf(limit, sizeof limit, "%ld", c->limit);
	snprintf(window, sizeof window, "%ld", c->window_s * 1000);
	argv[0] = "EVALSHA";
	argv[1] = script_sha();
	argv[2] = "1";
	argv[3] = rkey;
	argv[4] = limit;
	argv[5] = window;
	r = kv_command_argv(kv, 6, argv);
	/* Redis forgets scripts on restart, SCRIPT FLUSH or failover; EVAL
	 * sends the text and caches it again for the next EVALSHA. */
	if (r != NULL && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0) {
		freeReplyObject(r);
		argv[0] = "EVAL";
		argv[1] = gcra_script;
		r = kv_command_argv(kv, 6, argv);
	}
	if (r == NULL)
		goto err;
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(kv->error, sizeof kv->error, "rate limit script: %s", r->str);
		goto err;
	}
	if (decide_from_reply(c, r, d) < 0) {
		snprintf(kv->error, sizeof kv->error, "rate limit script: unexpected reply");
		goto err;
	}
	rc = 0;
err:
	if (r != NULL)
		freeReplyObject(r);
	if (rc < 0)
		decide_failed(c, fail_closed, 1, d);
	return rc;
}

void ratelimit_headers(const struct ratelimit_class *c, const struct ratelimit_decision *d, char *policy,
                       size_t np, char *state, size_t ns)
{
	if (np > 0)
		snprintf(policy, np, "%ld;w=%ld", c->limit, c->window_s);
	if (ns == 0)
		return;
	if (d->remaining < 0 || d->reset_s < 0)
		state[0] = '\0';
	else
		snprintf(state, ns, "limit=%ld, remaining=%ld, reset=%ld", d->limit, d->remaining, d->reset_s);
}
