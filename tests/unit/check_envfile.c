/* check_envfile: the EnvironmentFile parser, its errors, and its config getter. */
#include "ac-config.h"

#include "config.h"
#include "envfile.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parses text expecting no problem. */
static void parse_ok(struct envfile *ef, const char *text)
{
	struct buf errors = BUF_INIT;
	int n = envfile_parse(ef, text, &errors);

	ck_assert_msg(n == 0, "%d problems: %s", n, errors.data != NULL ? errors.data : "");
	ck_assert_uint_eq(errors.len, 0);
	buf_free(&errors);
}

START_TEST(test_comments_and_blank_lines)
{
	struct envfile ef;

	parse_ok(&ef, "# a comment\n\n   \n\t\n; also a comment\n   # indented comment\nA=1\n");
	ck_assert_int_eq(ef.n, 1);
	ck_assert_str_eq(envfile_get(&ef, "A"), "1");
	envfile_free(&ef);
	ck_assert_int_eq(ef.n, 0);
	ck_assert_ptr_null(ef.keys);
}
END_TEST

START_TEST(test_export_prefix)
{
	struct envfile ef;

	parse_ok(&ef, "export B=2\nexported=4\n");
	ck_assert_str_eq(envfile_get(&ef, "B"), "2");
	ck_assert_str_eq(envfile_get(&ef, "exported"), "4");
	ck_assert_ptr_null(envfile_get(&ef, "export B"));
	envfile_free(&ef);
}
END_TEST

START_TEST(test_quotes)
{
	struct envfile ef;

	parse_ok(&ef,
	         "D=\"hello world\"\n"
	         "E='single # not a comment'\n"
	         "F=\"\"\n"
	         "G=plain value\n"
	         "H=\"it's\"\n");
	ck_assert_str_eq(envfile_get(&ef, "D"), "hello world");
	ck_assert_str_eq(envfile_get(&ef, "E"), "single # not a comment");
	ck_assert_str_eq(envfile_get(&ef, "F"), "");
	ck_assert_str_eq(envfile_get(&ef, "G"), "plain value");
	ck_assert_str_eq(envfile_get(&ef, "H"), "it's");
	envfile_free(&ef);
}
END_TEST

START_TEST(test_trims_whitespace_and_crlf)
{
	struct envfile ef;

	parse_ok(&ef, "  J=x  \r\nK=y\r\nL=last");
	ck_assert_int_eq(ef.n, 3);
	ck_assert_str_eq(envfile_get(&ef, "J"), "x");
	ck_assert_str_eq(envfile_get(&ef, "K"), "y");
	ck_assert_str_eq(envfile_get(&ef, "L"), "last");
	envfile_free(&ef);
}
END_TEST

START_TEST(test_malformed_lines)
{
	struct envfile ef;
	struct buf errors = BUF_INIT;
	const char *text =
		"GOOD=1\n"          /* 1 */
		"not a line\n"      /* 2 */
		"=novalue\n"        /* 3 */
		"1ABC=2\n"          /* 4 */
		"# fine\n"          /* 5 */
		"Q=\"open\n"        /* 6 */
		"R='mixed\"\n"      /* 7 */
		"ALSO_GOOD=2\n";    /* 8 */

	ck_assert_int_eq(envfile_parse(&ef, text, &errors), 5);
	ck_assert_ptr_nonnull(strstr(errors.data, "line 2:"));
	ck_assert_ptr_nonnull(strstr(errors.data, "line 3:"));
	ck_assert_ptr_nonnull(strstr(errors.data, "line 4:"));
	ck_assert_ptr_nonnull(strstr(errors.data, "line 6:"));
	ck_assert_ptr_nonnull(strstr(errors.data, "line 7:"));
	ck_assert_ptr_null(strstr(errors.data, "line 1:"));
	ck_assert_ptr_null(strstr(errors.data, "line 5:"));
	ck_assert_ptr_null(strstr(errors.data, "line 8:"));
	/* The good lines around the bad ones still count. */
	ck_assert_int_eq(ef.n, 2);
	ck_assert_str_eq(envfile_get(&ef, "GOOD"), "1");
	ck_assert_str_eq(envfile_get(&ef, "ALSO_GOOD"), "2");
	ck_assert_ptr_null(envfile_get(&ef, "Q"));
	envfile_free(&ef);
	buf_free(&errors);
}
END_TEST

START_TEST(test_last_assignment_wins)
{
	struct envfile ef;

	parse_ok(&ef, "A=1\nB=x\nA=2\nexport A=3\n");
	ck_assert_str_eq(envfile_get(&ef, "A"), "3");
	ck_assert_str_eq(envfile_get(&ef, "B"), "x");
	ck_assert_ptr_null(envfile_get(&ef, "C"));
	envfile_free(&ef);
}
END_TEST

START_TEST(test_getter_falls_back_to_environment)
{
	struct envfile ef;

	ck_assert_int_eq(setenv("SENTIA_TEST_ONLY_ENV", "from-env", 1), 0);
	ck_assert_int_eq(setenv("SENTIA_TEST_BOTH", "env", 1), 0);
	unsetenv("SENTIA_TEST_NOWHERE");
	parse_ok(&ef, "SENTIA_TEST_BOTH=file\nSENTIA_TEST_ONLY_FILE=from-file\n");
	ck_assert_str_eq(envfile_getter("SENTIA_TEST_BOTH", &ef), "file");
	ck_assert_str_eq(envfile_getter("SENTIA_TEST_ONLY_FILE", &ef), "from-file");
	ck_assert_str_eq(envfile_getter("SENTIA_TEST_ONLY_ENV", &ef), "from-env");
	ck_assert_ptr_null(envfile_getter("SENTIA_TEST_NOWHERE", &ef));
	ck_assert_str_eq(envfile_getter("SENTIA_TEST_BOTH", NULL), "env");
	envfile_free(&ef);
	unsetenv("SENTIA_TEST_ONLY_ENV");
	unsetenv("SENTIA_TEST_BOTH");
}
END_TEST

START_TEST(test_getter_feeds_config)
{
	struct envfile ef;
	struct config c;
	struct buf errors = BUF_INIT;

	unsetenv("API_MAX_REQUESTS");
	unsetenv("APP_ENV");
	unsetenv("NODE_ENV");
	ck_assert_int_eq(setenv("API_IDLE_SECONDS", "77", 1), 0);
	parse_ok(&ef, "export API_MAX_REQUESTS=123\nAPP_ENV=\"staging\"\n");
	ck_assert_int_eq(config_load(&c, envfile_getter, &ef, &errors), 0);
	ck_assert_int_eq(c.api_max_requests, 123);
	ck_assert_int_eq(c.api_idle_seconds, 77);
	ck_assert_int_eq(c.app_env, ENV_STAGING);
	config_free(&c);
	envfile_free(&ef);
	buf_free(&errors);
	unsetenv("API_IDLE_SECONDS");
}
END_TEST

START_TEST(test_load_file)
{
	char path[] = "/tmp/check_envfile_XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "# written by the test\nexport X=\"1 2\"\nbroken\n";
	struct envfile ef;
	struct buf errors = BUF_INIT;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	ck_assert_int_eq(envfile_load(&ef, path, &errors), 1);
	ck_assert_ptr_nonnull(strstr(errors.data, "line 3:"));
	ck_assert_str_eq(envfile_get(&ef, "X"), "1 2");
	envfile_free(&ef);
	unlink(path);

	buf_reset(&errors);
	ck_assert_int_eq(envfile_load(&ef, path, &errors), 1);
	ck_assert_ptr_nonnull(strstr(errors.data, path));
	ck_assert_int_eq(ef.n, 0);
	envfile_free(&ef);
	buf_free(&errors);
}
END_TEST

Suite *envfile_suite(void)
{
	Suite *s = suite_create("envfile");
	TCase *tc = tcase_create("parse");
	TCase *tc_get = tcase_create("getter");

	tcase_add_test(tc, test_comments_and_blank_lines);
	tcase_add_test(tc, test_export_prefix);
	tcase_add_test(tc, test_quotes);
	tcase_add_test(tc, test_trims_whitespace_and_crlf);
	tcase_add_test(tc, test_malformed_lines);
	tcase_add_test(tc, test_last_assignment_wins);
	tcase_add_test(tc, test_load_file);
	suite_add_tcase(s, tc);
	tcase_add_test(tc_get, test_getter_falls_back_to_environment);
	tcase_add_test(tc_get, test_getter_feeds_config);
	suite_add_tcase(s, tc_get);
	return s;
}
