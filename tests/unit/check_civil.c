/* check_civil: day numbers, calendar dates and weekdays. */
#include "ac-config.h"

#include "civil.h"
#include "suites.h"

START_TEST(test_epoch_and_known_days)
{
	char out[11];

	ck_assert_int_eq(civil_days(1970, 1, 1), 0);
	ck_assert_int_eq(civil_days(2000, 3, 1), 11017);
	ck_assert_int_eq(civil_days(1969, 12, 31), -1);
	civil_format(civil_days(2024, 2, 29), out);
	ck_assert_str_eq(out, "2024-02-29");
	civil_format(19723, out);
	ck_assert_str_eq(out, "2024-01-01");
}
END_TEST

START_TEST(test_round_trip_over_centuries)
{
	/* Every day from 1900 to 2100 goes there and back, and consecutive
	 * days differ by one. */
	int32_t first = civil_days(1900, 1, 1), last = civil_days(2100, 12, 31);

	for (int32_t d = first; d <= last; d++) {
		int y;
		unsigned m, day;

		civil_from_days(d, &y, &m, &day);
		ck_assert_int_eq(civil_days(y, m, day), d);
		ck_assert_uint_le(day, civil_month_length(y, m));
	}
	ck_assert_int_eq(last - first + 1, 73414);
}
END_TEST

START_TEST(test_month_lengths_and_weekdays)
{
	ck_assert_uint_eq(civil_month_length(2024, 2), 29);
	ck_assert_uint_eq(civil_month_length(2023, 2), 28);
	ck_assert_uint_eq(civil_month_length(1900, 2), 28);
	ck_assert_uint_eq(civil_month_length(2000, 2), 29);
	ck_assert_uint_eq(civil_month_length(2024, 4), 30);
	ck_assert_uint_eq(civil_month_length(2024, 13), 0);
	ck_assert_uint_eq(civil_weekday(0), 4);                        /* a Thursday */
	ck_assert_uint_eq(civil_weekday(civil_days(2026, 11, 27)), 5); /* a Friday */
	ck_assert_uint_eq(civil_weekday(civil_days(1969, 12, 28)), 7); /* a Sunday */
}
END_TEST

Suite *civil_suite(void)
{
	Suite *s = suite_create("civil");
	TCase *tc = tcase_create("civil");

	tcase_add_test(tc, test_epoch_and_known_days);
	tcase_add_test(tc, test_round_trip_over_centuries);
	tcase_add_test(tc, test_month_lengths_and_weekdays);
	suite_add_tcase(s, tc);
	return s;
}
