/* check_users: user ids, pseudonyms, profiles read from Clerk's events,
 * and the retention rules' count and delete being one condition. */
#include "ac-config.h"

#include "retention.h"
#include "suites.h"
#include "users.h"

#include <string.h>

START_TEST(test_users_id_valid)
{
	char longest[USERS_ID_MAX + 2];

	ck_assert(users_id_valid("user_29w83sxmDNGwOuEthce5gg56FcC"));
	ck_assert(users_id_valid("a"));
	ck_assert(!users_id_valid(""));
	ck_assert(!users_id_valid(NULL));
	ck_assert(!users_id_valid("user-1"));
	ck_assert(!users_id_valid("user_1'; DROP TABLE users; --"));
	ck_assert(!users_id_valid("user.1"));
	ck_assert(!users_id_valid("user_1%"));
	memset(longest, 'a', sizeof longest);
	longest[USERS_ID_MAX] = '\0';
	ck_assert(users_id_valid(longest));
	longest[USERS_ID_MAX] = 'a';
	longest[USERS_ID_MAX + 1] = '\0';
	ck_assert(!users_id_valid(longest));
}
END_TEST

/* Expected hashes computed outside sentia:
 *   printf '%s' 'user_2abcDEF' | sha256sum
 *   printf '%s' 'user_2abcDEF' | openssl dgst -sha256 -hmac 'pii-key' */
START_TEST(test_users_pseudonym)
{
	char hash[65], pseudonym[USERS_PSEUDONYM_SIZE];

	users_pseudonym("user_2abcDEF", NULL, hash, pseudonym);
	ck_assert_str_eq(hash, "6d2d23ed645414b1cb2149eca473460493d4b387057afde07e344bd15ae526b3");
	ck_assert_str_eq(pseudonym, "erased-user-6d2d23ed6454");
	users_pseudonym("user_2abcDEF", "", hash, pseudonym);
	ck_assert_str_eq(pseudonym, "erased-user-6d2d23ed6454");
	users_pseudonym("user_2abcDEF", "pii-key", hash, pseudonym);
	ck_assert_str_eq(hash, "ccaf0becf1153231483c269746b8b7040da37b3129912be46d6b28766044d84c");
	ck_assert_str_eq(pseudonym, "erased-user-ccaf0becf115");
	/* A pseudonym is never a user id: it cannot be erased again as one. */
	ck_assert(!users_id_valid(pseudonym));
}
END_TEST

START_TEST(test_users_profile_from_clerk)
{
	static const char event[] =
		"{\"id\":\"user_29w83sxmDNGwOuEthce5gg56FcC\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\","
		"\"username\":\"ada\",\"primary_email_address_id\":\"idn_2\","
		"\"email_addresses\":[{\"id\":\"idn_1\",\"email_address\":\"old@example.com\"},"
		"{\"id\":\"idn_2\",\"email_address\":\"ada@example.com\"}],"
		"\"public_metadata\":{\"role\":\"analyst\"},\"created_at\":1654012591514,\"updated_at\":1654012591835}";
	struct json_object *data = json_tokener_parse(event);
	struct users_profile p;
	struct buf name = BUF_INIT;
	char why[160];

	ck_assert_int_eq(users_profile_from_clerk(data, &p, &name, why, sizeof why), 0);
	ck_assert_str_eq(p.id, "user_29w83sxmDNGwOuEthce5gg56FcC");
	ck_assert_str_eq(p.email, "ada@example.com");
	ck_assert_str_eq(p.name, "Ada Lovelace");
	ck_assert_str_eq(p.role, "analyst");
	ck_assert(p.created_ms == 1654012591514LL);
	ck_assert(p.updated_ms == 1654012591835LL);
	json_object_put(data);

	/* No primary: the first address; no names: the username; a role
	 * sentia does not know: none. */
	data = json_tokener_parse("{\"id\":\"user_2\",\"first_name\":null,\"username\":\"bob\","
	                          "\"email_addresses\":[{\"id\":\"idn_9\",\"email_address\":\"bob@example.com\"}],"
	                          "\"public_metadata\":{\"role\":\"superuser\"}}");
	ck_assert_int_eq(users_profile_from_clerk(data, &p, &name, why, sizeof why), 0);
	ck_assert_str_eq(p.email, "bob@example.com");
	ck_assert_str_eq(p.name, "bob");
	ck_assert_ptr_null(p.role);
	ck_assert(p.updated_ms == 0);
	json_object_put(data);

	data = json_tokener_parse("{\"id\":\"user_3\",\"last_name\":\"Solo\"}");
	ck_assert_int_eq(users_profile_from_clerk(data, &p, &name, why, sizeof why), 0);
	ck_assert_ptr_null(p.email);
	ck_assert_str_eq(p.name, "Solo");
	json_object_put(data);

	data = json_tokener_parse("{\"id\":\"user 3\"}");
	ck_assert_int_eq(users_profile_from_clerk(data, &p, &name, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "data.id"));
	json_object_put(data);
	data = json_tokener_parse("{\"email_addresses\":[]}");
	ck_assert_int_eq(users_profile_from_clerk(data, &p, &name, why, sizeof why), -1);
	json_object_put(data);
	buf_free(&name);
}
END_TEST

/* The purge deletes exactly what the status counts: each rule's delete
 * holds its count's FROM ... WHERE ... word for word. */
START_TEST(test_retention_rules_share_their_condition)
{
	for (size_t i = 0; i < RETENTION_NRULES; i++) {
		const struct retention_rule *r = &retention_rules[i];
		const char *from = strstr(r->count_sql, " FROM ");

		ck_assert_ptr_nonnull(from);
		ck_assert(strncmp(r->count_sql, "SELECT count(*) FROM ", 21) == 0);
		ck_assert(strncmp(r->delete_sql, "WITH d AS (DELETE FROM ", 23) == 0);
		ck_assert_msg(strncmp(r->delete_sql + 23, from + 6, strlen(from + 6)) == 0, "%s: %s vs %s", r->name,
		              r->count_sql, r->delete_sql);
		ck_assert_str_eq(r->delete_sql + 23 + strlen(from + 6), " RETURNING 1) SELECT count(*) FROM d");
		ck_assert_ptr_nonnull(strstr(r->count_sql, "$1::int * interval '1 day'"));
	}
}
END_TEST

START_TEST(test_retention_days_from_config)
{
	struct config c;

	memset(&c, 0, sizeof c);
	c.retention_audit_days = 365;
	c.retention_import_documents_days = 90;
	c.retention_jobs_days = 30;
	ck_assert_str_eq(retention_rules[0].setting, "RETENTION_AUDIT_DAYS");
	ck_assert_int_eq(retention_days(&c, &retention_rules[0]), 365);
	ck_assert_str_eq(retention_rules[1].setting, "RETENTION_IMPORT_DOCUMENTS_DAYS");
	ck_assert_int_eq(retention_days(&c, &retention_rules[1]), 90);
	ck_assert_str_eq(retention_rules[2].setting, "RETENTION_JOBS_DAYS");
	ck_assert_int_eq(retention_days(&c, &retention_rules[2]), 30);
}
END_TEST

Suite *users_suite(void)
{
	Suite *s = suite_create("users");
	TCase *tc = tcase_create("users");

	tcase_add_test(tc, test_users_id_valid);
	tcase_add_test(tc, test_users_pseudonym);
	tcase_add_test(tc, test_users_profile_from_clerk);
	tcase_add_test(tc, test_retention_rules_share_their_condition);
	tcase_add_test(tc, test_retention_days_from_config);
	suite_add_tcase(s, tc);
	return s;
}
