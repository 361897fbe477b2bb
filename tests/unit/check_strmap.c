/* check_strmap: adding, finding, duplicates and growth of the string map. */
#include "ac-config.h"

#include "strmap.h"
#include "suites.h"

#include <stdio.h>
#include <string.h>

START_TEST(test_put_get_duplicate)
{
	struct strmap m = STRMAP_INIT;
	int64_t v = 0;

	ck_assert_int_eq(strmap_get(&m, "a", 1, &v), 0);
	ck_assert_int_eq(strmap_put(&m, "SKU-1", 5, 10, NULL), 1);
	ck_assert_int_eq(strmap_put(&m, "SKU-2", 5, 20, NULL), 1);
	ck_assert_int_eq(strmap_put(&m, "SKU-1", 5, 99, &v), 0);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(strmap_get(&m, "SKU-2", 5, &v), 1);
	ck_assert_int_eq(v, 20);
	ck_assert_int_eq(strmap_get(&m, "SKU-", 4, &v), 0);
	/* Keys are bytes, not C strings: an embedded NUL counts. */
	ck_assert_int_eq(strmap_put(&m, "a\0b", 3, 1, NULL), 1);
	ck_assert_int_eq(strmap_put(&m, "a\0c", 3, 2, NULL), 1);
	ck_assert_int_eq(strmap_get(&m, "a\0c", 3, &v), 1);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(strmap_put(&m, "", 0, 7, NULL), 1);
	ck_assert_int_eq(strmap_get(&m, "", 0, &v), 1);
	ck_assert_int_eq(v, 7);
	strmap_reset(&m);
	ck_assert_int_eq(strmap_get(&m, "SKU-1", 5, &v), 0);
	strmap_free(&m);
}
END_TEST

START_TEST(test_grows_to_many_keys)
{
	struct strmap m = STRMAP_INIT;
	char key[32];
	int64_t v;

	for (int i = 0; i < 200000; i++) {
		int n = snprintf(key, sizeof key, "key-%d", i);

		ck_assert_int_eq(strmap_put(&m, key, (size_t)n, i, NULL), 1);
	}
	ck_assert_uint_eq(m.n, 200000);
	for (int i = 0; i < 200000; i += 997) {
		int n = snprintf(key, sizeof key, "key-%d", i);

		ck_assert_int_eq(strmap_get(&m, key, (size_t)n, &v), 1);
		ck_assert_int_eq(v, i);
	}
	ck_assert_int_eq(strmap_get(&m, "key-200000", 10, &v), 0);
	strmap_free(&m);
}
END_TEST

Suite *strmap_suite(void)
{
	Suite *s = suite_create("strmap");
	TCase *tc = tcase_create("strmap");

	tcase_add_test(tc, test_put_get_duplicate);
	tcase_add_test(tc, test_grows_to_many_keys);
	suite_add_tcase(s, tc);
	return s;
}
