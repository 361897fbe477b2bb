/* check_svix: webhook signatures the Svix way. Every expected signature
 * here was computed outside sentia (Svix's published example, and openssl
 * with the commands quoted beside each vector), so the code is never
 * checked against itself. */
#include "ac-config.h"

#include "svix.h"
#include "suites.h"

#include <string.h>

/* Svix's published example (docs.svix.com, "Verifying payloads manually"). */
#define EX_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define EX_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define EX_TS "1614265330"
#define EX_BODY "{\"test\": 2432232314}"
#define EX_SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

/* Our own key: base64 of the 31 bytes "sentia-unit-test-key-0123456789"
 * (printf 'sentia-unit-test-key-0123456789' | base64). */
#define OWN_SECRET "whsec_c2VudGlhLXVuaXQtdGVzdC1rZXktMDEyMzQ1Njc4OQ=="
#define OWN_BODY "{\"type\":\"user.created\",\"data\":{\"id\":\"user_abc\"}}"
/* printf '%s' 'msg_2Lq9sentiaTest.1700000000.{"type":"user.created","data":{"id":"user_abc"}}' \
 *   | openssl dgst -sha256 -hmac 'sentia-unit-test-key-0123456789' -binary | base64 */
#define OWN_SIG "v1,hqxU+W6mvQpWevxdxTHtyDbTFsxWHsfV/72qcvaba9s="
/* printf '%s' 'msg_empty.1700000000.' | openssl dgst -sha256 -hmac 'sentia-unit-test-key-0123456789' -binary | base64 */
#define EMPTY_SIG "v1,UqPw8hNuBL1zjEaBklQkxiQhOipa4Wwyr7Cc4r66kZ4="
/* Bytes that are not text: UTF-8, a NUL, CR LF.
 * printf 'msg_bin.1700000000.{"n":"caf\xc3\xa9"}\x00\r\n' \
 *   | openssl dgst -sha256 -hmac 'sentia-unit-test-key-0123456789' -binary | base64 */
static const char bin_body[] = "{\"n\":\"caf\xc3\xa9\"}\0\r\n";
#define BIN_SIG "v1,HSaGQPmo238+kRowxpRmf00rR7Y1SUUdDToxWngd91U="

static struct svix_message msg(const char *id, const char *ts, const char *sig, const char *body, size_t len)
{
	struct svix_message m = { id, ts, sig, body, len };

	return m;
}

START_TEST(test_svix_published_example)
{
	struct svix_message m = msg(EX_ID, EX_TS, EX_SIG, EX_BODY, strlen(EX_BODY));

	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_OK);
	/* The prefix is optional, as in Svix's own libraries. */
	ck_assert_int_eq(svix_verify("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &m, 1614265330), SVIX_OK);
}
END_TEST

START_TEST(test_svix_own_vectors)
{
	struct svix_message m = msg("msg_2Lq9sentiaTest", "1700000000", OWN_SIG, OWN_BODY, strlen(OWN_BODY));

	ck_assert_int_eq(svix_verify(OWN_SECRET, &m, 1700000000), SVIX_OK);
	m = msg("msg_empty", "1700000000", EMPTY_SIG, "", 0);
	ck_assert_int_eq(svix_verify(OWN_SECRET, &m, 1700000000), SVIX_OK);
	m = msg("msg_bin", "1700000000", BIN_SIG, bin_body, sizeof bin_body - 1);
	ck_assert_int_eq(svix_verify(OWN_SECRET, &m, 1700000000), SVIX_OK);
	/* The body is hashed to its length, not to its first NUL. */
	m.len = strlen(bin_body);
	ck_assert_int_eq(svix_verify(OWN_SECRET, &m, 1700000000), SVIX_NO_MATCH);
}
END_TEST

START_TEST(test_svix_wrong_secret)
{
	struct svix_message m = msg(EX_ID, EX_TS, EX_SIG, EX_BODY, strlen(EX_BODY));

	ck_assert_int_eq(svix_verify(OWN_SECRET, &m, 1614265330), SVIX_NO_MATCH);
}
END_TEST

START_TEST(test_svix_tampered)
{
	static const char body[] = "{\"test\": 2432232315}";
	struct svix_message m = msg(EX_ID, EX_TS, EX_SIG, body, strlen(body));

	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_NO_MATCH);
	/* The id and the timestamp are signed too. */
	m = msg("msg_p5jXN8AQM9LWM0D4loKWxJel", EX_TS, EX_SIG, EX_BODY, strlen(EX_BODY));
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_NO_MATCH);
	m = msg(EX_ID, "1614265331", EX_SIG, EX_BODY, strlen(EX_BODY));
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_NO_MATCH);
	/* A flipped signature character, and a truncated signature. */
	m = msg(EX_ID, EX_TS, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=", EX_BODY, strlen(EX_BODY));
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_NO_MATCH);
	m = msg(EX_ID, EX_TS, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", EX_BODY, strlen(EX_BODY));
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_NO_MATCH);
	/* Another version's entry with the right bytes is not a v1 signature. */
	m = msg(EX_ID, EX_TS, "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", EX_BODY, strlen(EX_BODY));
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_NO_MATCH);
}
END_TEST

START_TEST(test_svix_timestamp_window)
{
	struct svix_message m = msg(EX_ID, EX_TS, EX_SIG, EX_BODY, strlen(EX_BODY));

	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330 + 300), SVIX_OK);
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330 + 301), SVIX_TOO_OLD);
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330 - 300), SVIX_OK);
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330 - 301), SVIX_TOO_NEW);
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1700000000), SVIX_TOO_OLD);
	m = msg(EX_ID, "16142653x0", EX_SIG, EX_BODY, strlen(EX_BODY));
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_BAD_TIMESTAMP);
	m = msg(EX_ID, "-1614265330", EX_SIG, EX_BODY, strlen(EX_BODY));
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_BAD_TIMESTAMP);
}
END_TEST

START_TEST(test_svix_several_signatures)
{
	struct svix_message m = msg(EX_ID, EX_TS, "v1,aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ= " EX_SIG
	                            " v1a,c29tZXRoaW5nIGVsc2U=", EX_BODY, strlen(EX_BODY));

	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_OK);
	m.signatures = EX_SIG " v1,aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=";
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_OK);
	m.signatures = "v1,aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ= v1,Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm8=";
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_NO_MATCH);
}
END_TEST

START_TEST(test_svix_missing_and_bad_input)
{
	struct svix_message m = msg(EX_ID, EX_TS, EX_SIG, EX_BODY, strlen(EX_BODY));

	ck_assert_int_eq(svix_verify("", &m, 1614265330), SVIX_BAD_SECRET);
	ck_assert_int_eq(svix_verify("whsec_", &m, 1614265330), SVIX_BAD_SECRET);
	ck_assert_int_eq(svix_verify("whsec_not*base64", &m, 1614265330), SVIX_BAD_SECRET);
	ck_assert_int_eq(svix_verify(NULL, &m, 1614265330), SVIX_BAD_SECRET);
	m.id = NULL;
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_MISSING_HEADER);
	m.id = EX_ID;
	m.timestamp = "";
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_MISSING_HEADER);
	m.timestamp = EX_TS;
	m.signatures = NULL;
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_MISSING_HEADER);
	m.signatures = "   ";
	ck_assert_int_eq(svix_verify(EX_SECRET, &m, 1614265330), SVIX_NO_MATCH);
}
END_TEST

START_TEST(test_svix_secret_decode)
{
	unsigned char key[SVIX_KEY_MAX];

	ck_assert_int_eq(svix_secret_decode(OWN_SECRET, key, sizeof key), 31);
	ck_assert(memcmp(key, "sentia-unit-test-key-0123456789", 31) == 0);
	ck_assert_int_eq(svix_secret_decode("whsec_YWJj", key, sizeof key), 3);
	ck_assert(memcmp(key, "abc", 3) == 0);
	ck_assert_int_eq(svix_secret_decode("whsec_YWI=", key, sizeof key), 2);
	ck_assert_int_eq(svix_secret_decode("whsec_YWI", key, sizeof key), 2);
	ck_assert_int_eq(svix_secret_decode("whsec_Y", key, sizeof key), -1);
	ck_assert_int_eq(svix_secret_decode("whsec_YW=I", key, sizeof key), -1);
	ck_assert_int_eq(svix_secret_decode("whsec_YWJj", key, 2), -1);
}
END_TEST

Suite *svix_suite(void)
{
	Suite *s = suite_create("svix");
	TCase *tc = tcase_create("verify");

	tcase_add_test(tc, test_svix_published_example);
	tcase_add_test(tc, test_svix_own_vectors);
	tcase_add_test(tc, test_svix_wrong_secret);
	tcase_add_test(tc, test_svix_tampered);
	tcase_add_test(tc, test_svix_timestamp_window);
	tcase_add_test(tc, test_svix_several_signatures);
	tcase_add_test(tc, test_svix_missing_and_bad_input);
	tcase_add_test(tc, test_svix_secret_decode);
	suite_add_tcase(s, tc);
	return s;
}
