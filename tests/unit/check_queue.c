/* check_queue: the queue table, its overrides, and the retry delays. */
#include "ac-config.h"

#include "queue.h"
#include "suites.h"

#include <string.h>

START_TEST(test_table_and_keys)
{
	const struct queue_def *q = queue_find("imports");
	char key[96];

	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(q->max_attempts, 2);
	ck_assert_int_eq(queue_find("forecasts")->max_attempts, 3);
	ck_assert_int_eq(queue_find("working-capital")->max_attempts, 3);
	ck_assert_ptr_null(queue_find("nope"));
	/* A live worker is never overtaken: visibility outlasts the limit. */
	for (size_t i = 0; i < nqueues; i++)
		ck_assert_int_gt(queues[i].visibility_ms, queues[i].time_limit_ms);
	queue_key(q, NULL, key, sizeof key);
	ck_assert_str_eq(key, "sentia:q:imports");
	queue_key(q, ":dead", key, sizeof key);
	ck_assert_str_eq(key, "sentia:q:imports:dead");
}
END_TEST

START_TEST(test_overrides)
{
	struct queue_overrides o = { 2000, 0, 150 };
	struct queue_def q;

	queue_effective(queue_find("forecasts"), &o, &q);
	ck_assert_int_eq(q.time_limit_ms, 2000);
	ck_assert_int_eq(q.visibility_ms, queue_find("forecasts")->visibility_ms);
	ck_assert_int_eq(q.base_delay_ms, 150);
	ck_assert_int_eq(q.max_attempts, 3);
	queue_effective(queue_find("forecasts"), NULL, &q);
	ck_assert_int_eq(q.time_limit_ms, queue_find("forecasts")->time_limit_ms);
}
END_TEST

START_TEST(test_retry_delays_double_with_jitter)
{
	struct queue_def q = { "t", 5, 1000, 1, 2 };

	/* Jitter 0.5 is the middle: exactly the base, doubled per retry. */
	ck_assert_int_eq(queue_retry_delay(&q, 1, 0.5), 1000);
	ck_assert_int_eq(queue_retry_delay(&q, 2, 0.5), 2000);
	ck_assert_int_eq(queue_retry_delay(&q, 3, 0.5), 4000);
	/* The jitter spans half to one and a half times. */
	ck_assert_int_eq(queue_retry_delay(&q, 1, 0.0), 500);
	ck_assert_int_ge(queue_retry_delay(&q, 1, 0.9999), 1499);
	ck_assert_int_le(queue_retry_delay(&q, 1, 5.0), 1500);
	ck_assert_int_eq(queue_retry_delay(&q, 1, -3.0), 500);
	/* The doubling stops at 2^20, so a long-failing job cannot overflow. */
	ck_assert_int_eq(queue_retry_delay(&q, 60, 0.5), 1000L << 20);
	ck_assert_int_eq(queue_retry_delay(&q, 0, 0.5), 1000);
}
END_TEST

Suite *queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_table_and_keys);
	tcase_add_test(tc, test_overrides);
	tcase_add_test(tc, test_retry_delays_double_with_jitter);
	suite_add_tcase(s, tc);
	return s;
}
