/* suites: the Check suites of sentia's unit tests, one per module. */
#ifndef SENTIA_TEST_SUITES_H
#define SENTIA_TEST_SUITES_H

#include <check.h>

/* Each returns a new suite; the runner in check_sentia.c owns it. */
Suite *authjwt_suite(void);
Suite *buf_suite(void);
Suite *civil_suite(void);
Suite *config_suite(void);
Suite *csv_suite(void);
Suite *demo_suite(void);
Suite *dispatch_suite(void);
Suite *envfile_suite(void);
Suite *forecast_suite(void);
Suite *kv_url_suite(void);
Suite *metrics_suite(void);
Suite *netacl_suite(void);
Suite *normal_suite(void);
Suite *openapi_suite(void);
Suite *queue_suite(void);
Suite *ratelimit_suite(void);
Suite *redact_suite(void);
Suite *request_suite(void);
Suite *response_suite(void);
Suite *router_suite(void);
Suite *smoke_suite(void);
Suite *strmap_suite(void);
Suite *svix_suite(void);
Suite *template_suite(void);
Suite *users_suite(void);
Suite *value_suite(void);
Suite *window_suite(void);

#endif
