/* check_window: the histogram quantile and the slow-request count that
 * the SLOs and the performance report are measured with. */
#include "ac-config.h"

#include "suites.h"
#include "window.h"

#include <math.h>
#include <string.h>

/* The bucket whose upper bound is bound_us. */
static int bucket_of(uint64_t bound_us)
{
	for (int b = 0; b < SB_NBUCKETS - 1; b++)
		if (sb_bucket_bounds_us[b] == bound_us)
			return b;
	return -1;
}

START_TEST(test_quantile_interpolates)
{
	uint64_t b[SB_NBUCKETS];

	memset(b, 0, sizeof b);
	ck_assert(isnan(win_quantile(b, 0.95)));
	/* 100 requests between 250 and 500 ms: the p95 is 95 % of the way
	 * through that bucket, as Prometheus's histogram_quantile puts it. */
	ck_assert_int_ge(bucket_of(500000), 0);
	b[bucket_of(500000)] = 100;
	ck_assert_double_eq_tol(win_quantile(b, 0.95), 0.25 + 0.25 * 0.95, 1e-9);
	ck_assert_double_eq_tol(win_quantile(b, 0.5), 0.375, 1e-9);
	/* 90 fast ones and 10 between 1 and 2 s: p95 is half-way in the slow
	 * bucket, p50 in the fast one. */
	memset(b, 0, sizeof b);
	b[bucket_of(1000)] = 90;
	b[bucket_of(2000000)] = 10;
	ck_assert_double_eq_tol(win_quantile(b, 0.95), 1.5, 1e-9);
	ck_assert_double_le(win_quantile(b, 0.5), 0.001);
	/* Beyond the last bound: its lower bound, the most that is known. */
	memset(b, 0, sizeof b);
	b[SB_NBUCKETS - 1] = 5;
	ck_assert_double_eq_tol(win_quantile(b, 0.99), (double)sb_bucket_bounds_us[SB_NBUCKETS - 2] / 1e6, 1e-9);
}
END_TEST

START_TEST(test_slower_than)
{
	struct win_totals t;

	memset(&t, 0, sizeof t);
	t.buckets[bucket_of(250000)] = 7;      /* up to 250 ms */
	t.buckets[bucket_of(500000)] = 5;      /* 250-500 ms: not slower than 500 ms */
	t.buckets[bucket_of(1000000)] = 3;     /* 0.5-1 s */
	t.buckets[SB_NBUCKETS - 1] = 2;        /* over the last bound */
	t.n = 17;
	ck_assert_uint_eq(win_slower_than(&t, 500000), 5);
	ck_assert_uint_eq(win_slower_than(&t, 250000), 10);
	ck_assert_uint_eq(win_slower_than(&t, 2000000), 2);
}
END_TEST

START_TEST(test_bounds_hold_the_alert_levels)
{
	/* The objective (500 ms) and the alert levels (2 s, 5 s) are bucket
	 * bounds, so that counts against them are exact. */
	ck_assert_int_ge(bucket_of(500000), 0);
	ck_assert_int_ge(bucket_of(2000000), 0);
	ck_assert_int_ge(bucket_of(5000000), 0);
	for (int b = 1; b < SB_NBUCKETS - 1; b++)
		ck_assert_uint_gt(sb_bucket_bounds_us[b], sb_bucket_bounds_us[b - 1]);
}
END_TEST

Suite *window_suite(void)
{
	Suite *s = suite_create("window");
	TCase *tc = tcase_create("window");

	tcase_add_test(tc, test_quantile_interpolates);
	tcase_add_test(tc, test_slower_than);
	tcase_add_test(tc, test_bounds_hold_the_alert_levels);
	suite_add_tcase(s, tc);
	return s;
}
