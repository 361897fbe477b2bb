/* check_sentia: runs every unit-test suite and fails when any check fails. */
#include "ac-config.h"

#include "suites.h"

#include <stdlib.h>

/* Every suite, one row each; add a module's suite here. */
static Suite *(*const suites[])(void) = {
	authjwt_suite,
	buf_suite,
	civil_suite,
	config_suite,
	csv_suite,
	demo_suite,
	dispatch_suite,
	envfile_suite,
	forecast_suite,
	kv_url_suite,
	metrics_suite,
	netacl_suite,
	normal_suite,
	openapi_suite,
	queue_suite,
	ratelimit_suite,
	redact_suite,
	request_suite,
	response_suite,
	router_suite,
	smoke_suite,
	strmap_suite,
	svix_suite,
	template_suite,
	users_suite,
	value_suite,
	window_suite,
};

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
