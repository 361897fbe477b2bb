/* check_kv_url: kv_url_parse on every REDIS_URL shape it accepts and refuses. */
#include "ac-config.h"

#include "kv.h"
#include "suites.h"

#include <string.h>

/* A URL kv_url_parse accepts, and the target it must give. */
static const struct {
	const char *url;
	const char *host, *path, *user, *password;
	int port, db;
} good[] = {
	{ "redis://cache", "cache", NULL, NULL, NULL, 6379, 0 },
	{ "redis://cache:6380/4", "cache", NULL, NULL, NULL, 6380, 4 },
	{ "redis://127.0.0.1:1/0", "127.0.0.1", NULL, NULL, NULL, 1, 0 },
	{ "redis://cache:65535", "cache", NULL, NULL, NULL, 65535, 0 },
	{ "redis://:s3cret@cache", "cache", NULL, NULL, "s3cret", 6379, 0 },
	{ "redis://app:s3cret@cache:6380/2", "cache", NULL, "app", "s3cret", 6380, 2 },
	{ "redis://:p%40ss%3Aw%2Fd%25@cache/1", "cache", NULL, NULL, "p@ss:w/d%", 6379, 1 },
	{ "redis://us%65r:pw@cache", "cache", NULL, "user", "pw", 6379, 0 },
	{ "unix:///run/redis/redis.sock", NULL, "/run/redis/redis.sock", NULL, NULL, 6379, 0 },
	{ "unix:///path?db=3", NULL, "/path", NULL, NULL, 6379, 3 },
	{ "unix:///run/my%20redis.sock", NULL, "/run/my redis.sock", NULL, NULL, 6379, 0 },
};

/* A URL kv_url_parse refuses, and a word the reason must contain. */
static const struct {
	const char *url;
	const char *why;
} bad[] = {
	{ "rediss://cache:6380", "TLS" },
	{ "http://cache:6379", "redis://" },
	{ "cache:6379", "redis://" },
	{ "", "redis://" },
	{ "redis://cache:0", "port" },
	{ "redis://cache:70000", "port" },
	{ "redis://cache:abc", "port" },
	{ "redis://cache:", "port" },
	{ "redis://cache:-1", "port" },
	{ "redis://cache:+80", "port" },
	{ "redis://cache:6379x", "port" },
	{ "redis://cache:123456789", "port" },
	{ "redis://", "host" },
	{ "redis://:6379", "host" },
	{ "redis:///0", "host" },
	{ "redis://app:pw@/0", "host" },
	{ "redis://:pw@:6380", "host" },
	{ "redis://cache/abc", "database" },
	{ "redis://cache/-1", "database" },
	{ "redis://cache/1x", "database" },
	{ "redis://cache/ 1", "database" },
	{ "redis://cache:6380/2/3", "database" },
	{ "redis://:bad%zz@cache", "escape" },
	{ "redis://:bad%4@cache", "escape" },
	{ "redis://:nul%00@cache", "escape" },
	{ "redis://ca%zzche", "escape" },
	{ "unix://relative.sock", "absolute" },
	{ "unix://", "absolute" },
	{ "unix:///p?database=1", "db=" },
	{ "unix:///p?db=x", "db=" },
	{ "unix:///p%zz", "escape" },
};

static void assert_str_or_null(const char *what, const char *got, const char *want, const char *url)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: %s should be NULL, is \"%s\"", url, what, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s: %s is \"%s\", not \"%s\"", url, what,
		              got != NULL ? got : "(null)", want);
}

START_TEST(test_good_url)
{
	struct kv_target t;
	struct buf why = BUF_INIT;

	ck_assert_msg(kv_url_parse(good[_i].url, &t, &why) == 0, "%s refused: %s", good[_i].url,
	              why.data != NULL ? why.data : "");
	ck_assert_uint_eq(why.len, 0);
	assert_str_or_null("host", t.host, good[_i].host, good[_i].url);
	assert_str_or_null("path", t.path, good[_i].path, good[_i].url);
	assert_str_or_null("user", t.user, good[_i].user, good[_i].url);
	assert_str_or_null("password", t.password, good[_i].password, good[_i].url);
	ck_assert_int_eq(t.port, good[_i].port);
	ck_assert_int_eq(t.db, good[_i].db);
	kv_target_free(&t);
	ck_assert_ptr_null(t.host);
	ck_assert_ptr_null(t.password);
	buf_free(&why);
}
END_TEST

START_TEST(test_bad_url)
{
	struct kv_target t;
	struct buf why = BUF_INIT;

	ck_assert_msg(kv_url_parse(bad[_i].url, &t, &why) == -1, "\"%s\" accepted", bad[_i].url);
	ck_assert_msg(why.data != NULL && strstr(why.data, bad[_i].why) != NULL,
	              "\"%s\": reason \"%s\" does not say \"%s\"", bad[_i].url,
	              why.data != NULL ? why.data : "", bad[_i].why);
	/* A refused URL leaves nothing to free. */
	ck_assert_ptr_null(t.host);
	ck_assert_ptr_null(t.path);
	ck_assert_ptr_null(t.user);
	ck_assert_ptr_null(t.password);
	buf_free(&why);
}
END_TEST

/* A bad %-escape in the ACL user name is refused like one in the
 * password, never dropped (which would log in as the default user). */
START_TEST(test_bad_escape_in_user_refused)
{
	struct kv_target t;
	struct buf why = BUF_INIT;
	int rc = kv_url_parse("redis://us%zzer:pw@cache", &t, &why);

	if (rc == 0)
		kv_target_free(&t);
	buf_free(&why);
	ck_assert_msg(rc == -1, "a bad %%-escape in the user was accepted");
}
END_TEST

Suite *kv_url_suite(void)
{
	Suite *s = suite_create("kv_url");
	TCase *tc_good = tcase_create("accepted");
	TCase *tc_bad = tcase_create("refused");

	tcase_add_loop_test(tc_good, test_good_url, 0, (int)(sizeof good / sizeof good[0]));
	suite_add_tcase(s, tc_good);
	tcase_add_loop_test(tc_bad, test_bad_url, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc_bad, test_bad_escape_in_user_refused);
	suite_add_tcase(s, tc_bad);
	return s;
}
