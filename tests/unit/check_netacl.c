/* check_netacl: address lists and CIDR blocks, IPv4 and IPv6. */
#include "ac-config.h"

#include "netacl.h"
#include "suites.h"

#include <string.h>

START_TEST(test_cidr_matching)
{
	struct netacl acl;
	struct buf why = BUF_INIT;

	ck_assert_int_eq(netacl_parse(&acl, "10.0.0.0/8, 192.168.1.7,::1 2001:db8::/32 172.16.0.0/12", &why), 0);
	ck_assert_uint_eq(acl.n, 5);
	ck_assert(netacl_match(&acl, "10.1.2.3"));
	ck_assert(netacl_match(&acl, "192.168.1.7"));
	ck_assert(!netacl_match(&acl, "192.168.1.8"));
	ck_assert(netacl_match(&acl, "::1"));
	ck_assert(netacl_match(&acl, "2001:db8:ffff::1"));
	ck_assert(!netacl_match(&acl, "2001:db9::1"));
	ck_assert(netacl_match(&acl, "172.31.255.255"));
	ck_assert(!netacl_match(&acl, "172.32.0.1"));
	ck_assert(netacl_match(&acl, "::ffff:10.9.9.9"));     /* IPv4-mapped */
	ck_assert(!netacl_match(&acl, "11.0.0.1"));
	ck_assert(!netacl_match(&acl, "not-an-address"));
	ck_assert(!netacl_match(&acl, NULL));
	buf_free(&why);
}
END_TEST

START_TEST(test_edges_and_errors)
{
	struct netacl acl;
	struct buf why = BUF_INIT;

	ck_assert_int_eq(netacl_parse(&acl, "", &why), 0);
	ck_assert_uint_eq(acl.n, 0);
	ck_assert(!netacl_match(&acl, "127.0.0.1"));
	ck_assert_int_eq(netacl_parse(&acl, "0.0.0.0/0", &why), 0);
	ck_assert(netacl_match(&acl, "203.0.113.9"));
	ck_assert(!netacl_match(&acl, "2001:db8::1"));   /* a v4 block holds no v6 address */
	ck_assert_int_eq(netacl_parse(&acl, "127.0.0.1/33", &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "prefix"));
	buf_reset(&why);
	ck_assert_int_eq(netacl_parse(&acl, "10.0.0.0/", &why), -1);
	buf_reset(&why);
	ck_assert_int_eq(netacl_parse(&acl, "localhost", &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "localhost"));
	buf_reset(&why);
	ck_assert_int_eq(netacl_parse(&acl, "10.0.0.1/x", &why), -1);
	buf_free(&why);
}
END_TEST

/* X-Forwarded-For is believed only from a trusted peer, read from the
 * right, and only as far as the trusted proxies go. */
START_TEST(test_forwarded_client)
{
	struct netacl trusted, none;
	struct buf why = BUF_INIT;
	char out[64];

	ck_assert_int_eq(netacl_parse(&trusted, "10.0.0.0/8, 127.0.0.1", &why), 0);
	ck_assert_int_eq(netacl_parse(&none, "", &why), 0);
	/* No list, an untrusted peer, no header: the peer. */
	ck_assert_str_eq(netacl_forwarded_client(&none, "10.1.1.1", "203.0.113.7", out, sizeof out), "10.1.1.1");
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "198.51.100.9", "203.0.113.7", out, sizeof out), "198.51.100.9");
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "10.1.1.1", NULL, out, sizeof out), "10.1.1.1");
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "10.1.1.1", "", out, sizeof out), "10.1.1.1");
	/* A trusted peer: the rightmost address that is not a trusted proxy. */
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "10.1.1.1", "203.0.113.7", out, sizeof out), "203.0.113.7");
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "127.0.0.1", "6.6.6.6, 203.0.113.7 ,10.2.2.2", out, sizeof out),
	                 "203.0.113.7");
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "10.1.1.1", "2001:db8::5", out, sizeof out), "2001:db8::5");
	/* Every hop trusted: the leftmost. */
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "10.1.1.1", "10.3.3.3, 10.2.2.2", out, sizeof out), "10.3.3.3");
	/* Garbage stops the walk at the last good address. */
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "10.1.1.1", "203.0.113.7, unknown, 10.2.2.2", out, sizeof out),
	                 "10.2.2.2");
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "10.1.1.1", "<script>", out, sizeof out), "10.1.1.1");
	ck_assert_str_eq(netacl_forwarded_client(&trusted, "10.1.1.1", " , ", out, sizeof out), "10.1.1.1");
	buf_free(&why);
}
END_TEST

Suite *netacl_suite(void)
{
	Suite *s = suite_create("netacl");
	TCase *tc = tcase_create("netacl");

	tcase_add_test(tc, test_cidr_matching);
	tcase_add_test(tc, test_edges_and_errors);
	tcase_add_test(tc, test_forwarded_client);
	suite_add_tcase(s, tc);
	return s;
}
