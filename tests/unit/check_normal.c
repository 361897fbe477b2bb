/* check_normal: the normal CDF and quantile against published values. */
#include "ac-config.h"

#include "normal.h"
#include "suites.h"

#include <math.h>

/* Quantiles as tables print them (to 12 places), and the CDF at them. */
START_TEST(test_quantiles)
{
	static const struct {
		double p, z;
	} t[] = {
		{ 0.5, 0.0 },
		{ 0.8, 0.841621233573 },
		{ 0.9, 1.281551565545 },
		{ 0.95, 1.644853626951 },
		{ 0.975, 1.959963984540 },
		{ 0.99, 2.326347874041 },
		{ 0.999, 3.090232306168 },
		{ 0.01, -2.326347874041 },
		{ 1e-6, -4.753424308823 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		ck_assert_double_eq_tol(normal_quantile(t[i].p), t[i].z, 1e-11);
		ck_assert_double_eq_tol(normal_cdf(t[i].z), t[i].p, 1e-11);
	}
}
END_TEST

START_TEST(test_edges)
{
	ck_assert(isinf(normal_quantile(0)) && normal_quantile(0) < 0);
	ck_assert(isinf(normal_quantile(1)) && normal_quantile(1) > 0);
	ck_assert(isnan(normal_quantile(-0.1)));
	ck_assert(isnan(normal_quantile(1.5)));
	ck_assert(isnan(normal_quantile(NAN)));
	ck_assert_double_eq_tol(normal_cdf(-40), 0, 1e-300);
	ck_assert_double_eq(normal_cdf(40), 1);
	/* Symmetry holds across the approximation's three regions. */
	for (double p = 0.001; p < 0.5; p += 0.0237)
		ck_assert_double_eq_tol(normal_quantile(p), -normal_quantile(1 - p), 1e-9);
}
END_TEST

Suite *normal_suite(void)
{
	Suite *s = suite_create("normal");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_quantiles);
	tcase_add_test(tc, test_edges);
	suite_add_tcase(s, tc);
	return s;
}
