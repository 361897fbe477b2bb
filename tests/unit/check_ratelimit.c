/* check_ratelimit: rate-limit classes, Redis keys, header values and the
 * fail mode when Redis cannot be asked. */
#include "ac-config.h"

#include "digest.h"
#include "kv.h"
#include "ratelimit.h"
#include "suites.h"

#include <stdio.h>
#include <string.h>

/* Until suites.h lists it. */

static const struct ratelimit_class default_class = { "default", 1000, 900 };
static const struct ratelimit_class import_class = { "import", 50, 3600 };
static const struct ratelimit_class auth_class = { "auth-sensitive", 20, 300 };

/* Builds the Redis key for key in class cls and compares it with want. */
static void assert_key(const char *cls, const char *key, const char *want)
{
	char out[RATELIMIT_KEY_MAX];

	ck_assert_int_eq(ratelimit_key(cls, key, out, sizeof out), 0);
	ck_assert_str_eq(out, want);
}

/* Builds the Redis key for a key that must be hashed, checking the kind
 * kept in front and that the hash is the SHA-256 of the whole key. */
static void assert_hashed(const char *key, const char *kind)
{
	char out[RATELIMIT_KEY_MAX], hash[65], want[RATELIMIT_KEY_MAX];

	digest_sha256_hex(key, strlen(key), hash);
	snprintf(want, sizeof want, "sentia:rl:default:%s#%s", kind, hash);
	ck_assert_int_eq(ratelimit_key("default", key, out, sizeof out), 0);
	ck_assert_str_eq(out, want);
}

START_TEST(test_class_valid)
{
	struct ratelimit_class c = { "default", 1000, 900 };

	ck_assert(ratelimit_class_valid(&default_class));
	ck_assert(ratelimit_class_valid(&import_class));
	ck_assert(ratelimit_class_valid(&auth_class));
	c.limit = 0;
	ck_assert(!ratelimit_class_valid(&c));
	c.limit = RATELIMIT_LIMIT_MAX + 1;
	ck_assert(!ratelimit_class_valid(&c));
	c.limit = 1;
	c.window_s = 0;
	ck_assert(!ratelimit_class_valid(&c));
	c.window_s = RATELIMIT_WINDOW_MAX + 1;
	ck_assert(!ratelimit_class_valid(&c));
	c.window_s = 1;
	ck_assert(ratelimit_class_valid(&c));
	c.name = "";
	ck_assert(!ratelimit_class_valid(&c));
	c.name = "a:b";
	ck_assert(!ratelimit_class_valid(&c));
	c.name = "a b";
	ck_assert(!ratelimit_class_valid(&c));
	c.name = "abcdefghijklmnopqrstuvwxyz0123456";   /* 33 bytes */
	ck_assert(!ratelimit_class_valid(&c));
	c.name = NULL;
	ck_assert(!ratelimit_class_valid(&c));
	ck_assert(!ratelimit_class_valid(NULL));
}
END_TEST

START_TEST(test_key_plain)
{
	assert_key("default", "user:3f2a-91", "sentia:rl:default:user:3f2a-91");
	assert_key("import", "key:ak_live.7@x", "sentia:rl:import:key:ak_live.7@x");
	assert_key("auth-sensitive", "ip:192.0.2.7", "sentia:rl:auth-sensitive:ip:192.0.2.7");
	/* An IPv6 address keeps its colons. */
	assert_key("default", "ip:2001:db8::1", "sentia:rl:default:ip:2001:db8::1");
}
END_TEST

START_TEST(test_key_hashed)
{
	char long64[3 + 61 + 1], long65[3 + 62 + 1];

	/* Exactly 64 safe bytes stay as they are; 65 are hashed. */
	memcpy(long64, "ip:", 3);
	memset(long64 + 3, 'a', 61);
	long64[64] = '\0';
	memcpy(long65, "ip:", 3);
	memset(long65 + 3, 'a', 62);
	long65[65] = '\0';
	{
		char want[RATELIMIT_KEY_MAX];

		snprintf(want, sizeof want, "sentia:rl:default:%s", long64);
		assert_key("default", long64, want);
	}
	assert_hashed(long65, "ip:");
	assert_hashed("user:a b", "user:");
	assert_hashed("user:caf\xc3\xa9", "user:");
	assert_hashed("user:x\r\nSET y", "user:");
	assert_hashed("key:#", "key:");
	/* No usable kind: the hash alone. */
	assert_hashed("", "");
	assert_hashed("odd key", "");
	assert_hashed("User:a b", "");
	assert_hashed(":a b", "");
	assert_hashed("abcdefghijklmnopq:a b", "");
}
END_TEST

START_TEST(test_key_distinct)
{
	char a[RATELIMIT_KEY_MAX], b[RATELIMIT_KEY_MAX];

	/* Hashed keys hold '#', which a plain key cannot, so a caller cannot
	 * pick a plain key that lands on someone's hashed one. */
	ck_assert_int_eq(ratelimit_key("default", "user:a b", a, sizeof a), 0);
	ck_assert_ptr_nonnull(strchr(a, '#'));
	ck_assert_int_eq(ratelimit_key("default", "user:a_b", b, sizeof b), 0);
	ck_assert_ptr_null(strchr(b, '#'));
	ck_assert_str_ne(a, b);
	/* The same key in two classes is two counters. */
	ck_assert_int_eq(ratelimit_key("default", "ip:192.0.2.7", a, sizeof a), 0);
	ck_assert_int_eq(ratelimit_key("import", "ip:192.0.2.7", b, sizeof b), 0);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_key_bounds)
{
	char out[RATELIMIT_KEY_MAX], big[1000];
	const char *cls = "abcdefghijklmnopqrstuvwxyz012345";   /* the longest name, 32 bytes */

	memset(big, 'z', sizeof big - 1);
	memcpy(big, "abcdefghijklmnop:", 17);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(ratelimit_key(cls, big, out, sizeof out), 0);
	ck_assert_uint_lt(strlen(out), RATELIMIT_KEY_MAX);
	ck_assert_int_eq(strncmp(out + strlen("sentia:rl:") + 32, ":abcdefghijklmnop:#", 19), 0);
	/* Unsafe class names and short buffers are refused. */
	ck_assert_int_eq(ratelimit_key("a:b", "ip:1", out, sizeof out), -1);
	ck_assert_int_eq(ratelimit_key("default", "ip:192.0.2.7", out, 20), -1);
}
END_TEST

START_TEST(test_headers_allowed)
{
	struct ratelimit_decision d = { 1, 0, 1000, 999, 1, 0 };
	char policy[RATELIMIT_HEADER_MAX], state[RATELIMIT_HEADER_MAX];

	ratelimit_headers(&default_class, &d, policy, sizeof policy, state, sizeof state);
	ck_assert_str_eq(policy, "1000;w=900");
	ck_assert_str_eq(state, "limit=1000, remaining=999, reset=1");
}
END_TEST

START_TEST(test_headers_refused)
{
	struct ratelimit_decision d = { 0, 0, 50, 0, 3600, 72 };
	char policy[RATELIMIT_HEADER_MAX], state[RATELIMIT_HEADER_MAX];

	ratelimit_headers(&import_class, &d, policy, sizeof policy, state, sizeof state);
	ck_assert_str_eq(policy, "50;w=3600");
	ck_assert_str_eq(state, "limit=50, remaining=0, reset=3600");
}
END_TEST

START_TEST(test_headers_largest_fit)
{
	struct ratelimit_class c = { "x", RATELIMIT_LIMIT_MAX, RATELIMIT_WINDOW_MAX };
	struct ratelimit_decision d = { 1, 0, RATELIMIT_LIMIT_MAX, RATELIMIT_LIMIT_MAX - 1, RATELIMIT_WINDOW_MAX, 0 };
	char policy[RATELIMIT_HEADER_MAX], state[RATELIMIT_HEADER_MAX];

	ratelimit_headers(&c, &d, policy, sizeof policy, state, sizeof state);
	ck_assert_str_eq(policy, "1000000;w=604800");
	ck_assert_str_eq(state, "limit=1000000, remaining=999999, reset=604800");
}
END_TEST

/* A kv that was never given a server: every command fails at once, as it
 * does while Redis is down, without touching the network. */
static void init_dead_kv(struct kv *kv)
{
	memset(kv, 0, sizeof *kv);
	retry_init(&kv->retry, 100, 1000);
}

START_TEST(test_fail_open)
{
	struct kv kv;
	struct ratelimit_decision d;
	char policy[RATELIMIT_HEADER_MAX], state[RATELIMIT_HEADER_MAX];

	init_dead_kv(&kv);
	ck_assert_int_eq(ratelimit_check(&kv, &default_class, "ip:192.0.2.7", 0, &d), -1);
	ck_assert_int_eq(d.allowed, 1);
	ck_assert_int_eq(d.redis_failed, 1);
	ck_assert_int_eq(d.limit, 1000);
	ck_assert_int_eq(d.retry_after_s, 0);
	/* Unknown numbers are not invented: no RateLimit value. */
	ratelimit_headers(&default_class, &d, policy, sizeof policy, state, sizeof state);
	ck_assert_str_eq(policy, "1000;w=900");
	ck_assert_str_eq(state, "");
	kv_free(&kv);
}
END_TEST

START_TEST(test_fail_closed)
{
	struct kv kv;
	struct ratelimit_decision d;

	init_dead_kv(&kv);
	ck_assert_int_eq(ratelimit_check(&kv, &import_class, "user:u1", 1, &d), -1);
	ck_assert_int_eq(d.allowed, 0);
	ck_assert_int_eq(d.redis_failed, 1);
	/* One emission interval: 3600 s / 50. */
	ck_assert_int_eq(d.retry_after_s, 72);
	ck_assert_int_eq(ratelimit_check(&kv, &default_class, "user:u1", 1, &d), -1);
	ck_assert_int_eq(d.retry_after_s, 1);
	kv_free(&kv);
}
END_TEST

START_TEST(test_invalid_class)
{
	struct kv kv;
	struct ratelimit_class bad = { "default", 0, 900 };
	struct ratelimit_decision d;

	init_dead_kv(&kv);
	ck_assert_int_eq(ratelimit_check(&kv, &bad, "ip:1", 0, &d), -1);
	ck_assert_int_eq(d.allowed, 1);
	ck_assert_int_eq(d.redis_failed, 0);
	ck_assert_int_eq(ratelimit_check(&kv, &bad, "ip:1", 1, &d), -1);
	ck_assert_int_eq(d.allowed, 0);
	ck_assert_int_ge(d.retry_after_s, 1);
	kv_free(&kv);
}
END_TEST

Suite *ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_class_valid);
	tcase_add_test(tc, test_key_plain);
	tcase_add_test(tc, test_key_hashed);
	tcase_add_test(tc, test_key_distinct);
	tcase_add_test(tc, test_key_bounds);
	tcase_add_test(tc, test_headers_allowed);
	tcase_add_test(tc, test_headers_refused);
	tcase_add_test(tc, test_headers_largest_fit);
	tcase_add_test(tc, test_fail_open);
	tcase_add_test(tc, test_fail_closed);
	tcase_add_test(tc, test_invalid_class);
	suite_add_tcase(s, tc);
	return s;
}
