/* check_smoke: the smoke test's pure parts: base URLs, HTTP answers as
 * received (lengths, chunks, truncation), header lookup, the Prometheus
 * text parser; and the configuration table the guide is generated from. */
#include "ac-config.h"

#include "config.h"
#include "config_doc.h"
#include "httpc.h"
#include "smoke.h"
#include "suites.h"

#include <string.h>

START_TEST(test_url_parse)
{
	struct httpc_target t;
	struct buf why = BUF_INIT;

	ck_assert_int_eq(httpc_url_parse("http://127.0.0.1:8080", &t, &why), 0);
	ck_assert(!t.tls);
	ck_assert_str_eq(t.host, "127.0.0.1");
	ck_assert_str_eq(t.port, "8080");
	ck_assert_str_eq(t.connect_host, "127.0.0.1");
	ck_assert_str_eq(t.base_path, "");
	ck_assert_int_eq(httpc_url_parse("https://sentia.example.com/api-prefix/", &t, &why), 0);
	ck_assert(t.tls);
	ck_assert_str_eq(t.port, "443");
	ck_assert_str_eq(t.base_path, "/api-prefix");
	ck_assert_int_eq(httpc_url_parse("http://[::1]:9/", &t, &why), 0);
	ck_assert_str_eq(t.host, "::1");
	ck_assert_str_eq(t.port, "9");
	ck_assert_int_eq(httpc_connect_to(&t, "10.0.0.5:8443", &why), 0);
	ck_assert_str_eq(t.connect_host, "10.0.0.5");
	ck_assert_str_eq(t.connect_port, "8443");
	ck_assert_str_eq(t.host, "::1");
	ck_assert_int_eq(httpc_connect_to(&t, "10.0.0.6", &why), 0);
	ck_assert_str_eq(t.connect_port, "9");

	ck_assert_int_eq(httpc_url_parse("ftp://x", &t, &why), -1);
	ck_assert_int_eq(httpc_url_parse("http://", &t, &why), -1);
	ck_assert_int_eq(httpc_url_parse("http://host:0/", &t, &why), -1);
	ck_assert_int_eq(httpc_url_parse("http://host:99999/", &t, &why), -1);
	ck_assert_int_eq(httpc_url_parse("http://host:8x/", &t, &why), -1);
	ck_assert_int_eq(httpc_url_parse("http://host/?q=1", &t, &why), -1);
	ck_assert_int_eq(httpc_url_parse("http://user@host/", &t, &why), -1);
	ck_assert_int_eq(httpc_url_parse("http://[::1/", &t, &why), -1);
	ck_assert_int_eq(httpc_connect_to(&t, ":80", &why), -1);
	buf_free(&why);
}
END_TEST

START_TEST(test_parse_lengths_and_chunks)
{
	struct httpc_response r;
	struct buf why = BUF_INIT;
	char v[64];
	const char *cl = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length:  5 \r\n\r\nhello, and more";
	const char *chunked = "HTTP/1.1 201 Created\r\nTransfer-Encoding: Chunked\r\n\r\n4\r\nWiki\r\n6;ext=1\r\npedia \r\n0\r\nX: y\r\n\r\n";
	const char *noframe = "HTTP/1.0 404 Not Found\nServer: x\n\nuntil the end";

	ck_assert_int_eq(httpc_parse(cl, strlen(cl), &r, &why), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body.data, "hello");
	ck_assert_int_eq(httpc_header(&r, "content-length", v, sizeof v), 0);
	ck_assert_str_eq(v, "5");
	ck_assert_int_eq(httpc_header(&r, "Content-Type", v, sizeof v), 0);
	ck_assert_str_eq(v, "application/json");
	ck_assert_int_eq(httpc_header(&r, "Content", v, sizeof v), -1);
	httpc_response_free(&r);

	ck_assert_int_eq(httpc_parse(chunked, strlen(chunked), &r, &why), 0);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.body.data, "Wikipedia ");
	httpc_response_free(&r);

	ck_assert_int_eq(httpc_parse(noframe, strlen(noframe), &r, &why), 0);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body.data, "until the end");
	httpc_response_free(&r);

	/* An empty body is still a string. */
	ck_assert_int_eq(httpc_parse("HTTP/1.1 204 No Content\r\n\r\n", 27, &r, &why), 0);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(r.body.data, "");
	httpc_response_free(&r);
	buf_free(&why);
}
END_TEST

START_TEST(test_parse_refusals)
{
	static const char *const bad[] = {
		"",
		"SSH-2.0-OpenSSH\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n",                       /* headers never end */
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",              /* body cut short */
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nab",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nab\r\n",  /* ends inside a chunk */
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY",     /* no line end after it */
	};
	struct httpc_response r;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct buf why = BUF_INIT;

		ck_assert_msg(httpc_parse(bad[i], strlen(bad[i]), &r, &why) == -1, "accepted: %s", bad[i]);
		ck_assert_msg(why.len > 0, "no reason for: %s", bad[i]);
		ck_assert_ptr_null(r.body.data);
		buf_free(&why);
	}
}
END_TEST

START_TEST(test_metrics_parse)
{
	const char *good =
		"# HELP sentia_http_requests_total Requests.\n"
		"# TYPE sentia_http_requests_total counter\n"
		"sentia_http_requests_total{route=\"/health\",method=\"GET\",status=\"2xx\"} 12\n"
		"sentia_latency_bucket{le=\"+Inf\",} 3 1700000000000\n"
		"escaped{path=\"a\\\"b\\\\c\\nd\"} 1.5e-3\n"
		"\n"
		"# any other comment\n"
		"up NaN\n"
		"down -Inf";
	static const char *const bad[] = {
		"",
		"# TYPE x counter\n",                  /* no samples */
		"9lives 1\n",
		"name\n",
		"name{a=\"1\" 2\n",
		"name{a=1} 2\n",
		"name{a=\"1\"}2\n",
		"name one\n",
		"name 1 2 3\n",
		"name{a=\"\\x\"} 1\n",
		"# TYPE name countr\nname 1\n",
		"# HELP 0name x\nname 1\n",
	};
	struct buf why = BUF_INIT;

	ck_assert_int_eq(smoke_metrics_parse(good, strlen(good), &why), 5);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_reset(&why);
		ck_assert_msg(smoke_metrics_parse(bad[i], strlen(bad[i]), &why) == -1, "accepted: %s", bad[i]);
		ck_assert_msg(why.len > 0, "no reason for: %s", bad[i]);
	}
	buf_reset(&why);
	ck_assert_int_eq(smoke_metrics_parse("a 1\nb{x=\"y\"} 2\nc{\n", 18, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "line 3"));
	buf_free(&why);
}
END_TEST

/* Every variable of the table has its row, in order, with its default. */
START_TEST(test_config_doc_table)
{
	struct buf out = BUF_INIT;
	const char *p;
	size_t rows = 0;

	config_doc_table(&out);
	ck_assert_ptr_nonnull(out.data);
	for (p = out.data; (p = strchr(p, '\n')) != NULL; p++)
		rows++;
	ck_assert_uint_eq(rows, config_nvars + 2);
	p = out.data;
	for (size_t i = 0; i < config_nvars; i++) {
		char want[160];

		snprintf(want, sizeof want, "\n| `%s`", config_vars[i].name);
		p = strstr(p, want);
		ck_assert_msg(p != NULL, "%s missing or out of order", config_vars[i].name);
	}
	ck_assert_ptr_nonnull(strstr(out.data, "| `APP_ENV` (alias `NODE_ENV`) | `development` | `development`, `test`, `staging`, `production` | restart |"));
	ck_assert_ptr_nonnull(strstr(out.data, "| `API_MAX_BODY_BYTES` | `10M` | bytes, 1 to 1G | reloaded |"));
	ck_assert_ptr_nonnull(strstr(out.data, "| `API_LISTEN` | (empty) | text | restart |"));
	buf_free(&out);
}
END_TEST

Suite *smoke_suite(void)
{
	Suite *s = suite_create("smoke");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_url_parse);
	tcase_add_test(tc, test_parse_lengths_and_chunks);
	tcase_add_test(tc, test_parse_refusals);
	tcase_add_test(tc, test_metrics_parse);
	tcase_add_test(tc, test_config_doc_table);
	suite_add_tcase(s, tc);
	return s;
}
